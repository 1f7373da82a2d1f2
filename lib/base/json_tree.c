/*
 * Depth-limited yajl_tree parsing; see json_tree.h.
 */
#include <stdio.h>
#include <string.h>

#include <yajl/yajl_parse.h>

#include "json_tree.h"

struct depth_check {
	unsigned int	depth;
	int		too_deep;
};

static int
depth_open(void *ctx)
{
	struct depth_check	*d = ctx;

	if (++d->depth > JSON_TREE_MAX_DEPTH) {
		d->too_deep = 1;
		return (0);
	}
	return (1);
}

static int
depth_close(void *ctx)
{
	struct depth_check	*d = ctx;

	d->depth--;
	return (1);
}

/* No scalar callbacks: yajl then skips decoding strings, so this is fast. */
static const yajl_callbacks	depth_callbacks = {
	.yajl_start_map = depth_open,
	.yajl_end_map = depth_close,
	.yajl_start_array = depth_open,
	.yajl_end_array = depth_close,
};

yajl_val
json_tree_parse(const char *text, size_t len, char *err, size_t errsz)
{
	struct depth_check	 d = { 0, 0 };
	yajl_handle		 h;
	yajl_status		 st;
	yajl_val		 root;
	unsigned char		*msg;
	char			 treeerr[128];

	if ((h = yajl_alloc(&depth_callbacks, NULL, &d)) == NULL) {
		snprintf(err, errsz, "out of memory");
		return (NULL);
	}
	st = yajl_parse(h, (const unsigned char *)text, len);
	if (st == yajl_status_ok)
		st = yajl_complete_parse(h);
	if (st != yajl_status_ok) {
		if (d.too_deep) {
			snprintf(err, errsz, "JSON nested deeper than %d",
			    JSON_TREE_MAX_DEPTH);
		} else {
			msg = yajl_get_error(h, 0, NULL, 0);
			snprintf(err, errsz, "invalid JSON: %s", msg != NULL ?
			    (const char *)msg : "parse error");
			if (msg != NULL)
				yajl_free_error(h, msg);
		}
		yajl_free(h);
		return (NULL);
	}
	yajl_free(h);

	/* Valid and shallow, so only memory can fail from here. */
	if ((root = yajl_tree_parse(text, treeerr, sizeof(treeerr))) == NULL)
		snprintf(err, errsz, "JSON tree: out of memory");
	return (root);
}

yajl_val
json_tree_get(yajl_val obj, const char *key, yajl_type type)
{
	size_t	i;

	if (!YAJL_IS_OBJECT(obj))
		return (NULL);
	/* The last duplicate wins, as in yajl_tree_get(). */
	for (i = obj->u.object.len; i > 0; i--) {
		if (strcmp(obj->u.object.keys[i - 1], key) != 0)
			continue;
		if (type != yajl_t_any && obj->u.object.values[i - 1]->type !=
		    type)
			return (NULL);
		return (obj->u.object.values[i - 1]);
	}
	return (NULL);
}

const char *
json_tree_string(yajl_val obj, const char *key)
{
	yajl_val	v;

	v = json_tree_get(obj, key, yajl_t_string);
	return (v != NULL ? v->u.string : NULL);
}

int
json_tree_integer(yajl_val obj, const char *key, long long *out)
{
	yajl_val	v;

	v = json_tree_get(obj, key, yajl_t_number);
	if (v == NULL || !YAJL_IS_INTEGER(v))
		return (-1);
	*out = YAJL_GET_INTEGER(v);
	return (0);
}
