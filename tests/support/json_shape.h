/*
 * What a client reads from a JSON body, written as a spec of
 * space-separated "path:type" items: "spools[].tag_spool:s" (every
 * element's tag_spool is a string), "$:a" (the body itself is an array),
 * a "?" after the type when the key may also be absent or null.  Types:
 * s string, n number, i integer, b boolean, a array, o object, sn string
 * or number, d a string the caller checks as a date.
 */
#ifndef ZEUES_TEST_JSON_SHAPE_H
#define ZEUES_TEST_JSON_SHAPE_H

#include <stddef.h>

#include <yajl/yajl_tree.h>

/* Called for each string found at a "d" item, with its path. */
typedef void	json_shape_date_fn(const char *value, const char *path,
		    void *arg);

/*
 * Checks body against spec; each failed item adds one line to why.
 * Returns the number of failed items.
 */
int	json_shape_check(yajl_val body, const char *spec,
	    json_shape_date_fn *, void *arg, char *why, size_t len);

#endif
