/*
 * yajl_tree parsing with a nesting limit, and one-key lookups.
 *
 * yajl_tree_free() recurses once per nesting level, so a response of a few
 * megabytes of "[[[[..." would overflow the stack when freed.  The text is
 * first run through the callback parser, which only counts depth, and is
 * refused past JSON_TREE_MAX_DEPTH before any tree is built.
 */
#ifndef ZEUES_JSON_TREE_H
#define ZEUES_JSON_TREE_H

#include <stddef.h>

#include <yajl/yajl_tree.h>

/* Sheets responses nest 4 deep (valueRanges[].values[][]). */
#define JSON_TREE_MAX_DEPTH	32

/*
 * Parses text, which must have text[len] == '\0' and no NUL before it.
 * Returns the tree (yajl_tree_free() it), or NULL with a message in err
 * that never quotes the input.
 */
yajl_val	json_tree_parse(const char *text, size_t len, char *err,
		    size_t errsz);

/* obj[key] of the given type, or NULL if obj is not an object or lacks it. */
yajl_val	json_tree_get(yajl_val obj, const char *key, yajl_type type);

/* obj[key] as a string, or NULL. */
const char	*json_tree_string(yajl_val obj, const char *key);

/* obj[key] as an integer into *out; returns 0, or -1 if absent or not one. */
int		json_tree_integer(yajl_val obj, const char *key,
		    long long *out);

#endif
