/*
 * Looking into parsed JSON responses: "a.b[2].c".
 */
#ifndef TESTKIT_JSON_PATH_H
#define TESTKIT_JSON_PATH_H

#include <yajl/yajl_tree.h>

/* The member called key (which may contain dots), or NULL. */
yajl_val	 json_member(yajl_val obj, const char *key);
/* The value at path, or NULL. */
yajl_val	 json_at(yajl_val root, const char *path);
/* The string at path, or NULL if missing or not a string. */
const char	*json_str_at(yajl_val root, const char *path);
/* The integer at path, or def. */
long long	 json_int_at(yajl_val root, const char *path, long long def);
/* Number of elements of the array at path, or -1. */
long		 json_len_at(yajl_val root, const char *path);

#endif
