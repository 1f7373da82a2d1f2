/*
 * Looking into parsed JSON (yajl trees), the one way every test does it:
 * by a NULL-terminated list of object keys, jpath(v, "a", "b", NULL), or
 * by a path with array indices, json_at(v, "a.b[2].c").
 */
#ifndef ZEUES_TEST_JSON_PATH_H
#define ZEUES_TEST_JSON_PATH_H

#include <stdarg.h>

#include <yajl/yajl_tree.h>

/* The member called key (which may contain dots), or NULL. */
yajl_val	 json_member(yajl_val obj, const char *key);

/* Follows a NULL-terminated list of object keys; NULL if one is missing. */
yajl_val	 jpath(yajl_val root, ...);
yajl_val	 jpath_va(yajl_val root, va_list);
const char	*jpath_str(yajl_val root, ...);
long long	 jpath_int(yajl_val root, long long def, ...);

/* The value at path, or NULL. */
yajl_val	 json_at(yajl_val root, const char *path);
/* The string at path, or NULL if missing or not a string. */
const char	*json_str_at(yajl_val root, const char *path);
/* The integer at path, or def. */
long long	 json_int_at(yajl_val root, const char *path, long long def);
/* Number of elements of the array at path, or -1. */
long		 json_len_at(yajl_val root, const char *path);

#endif
