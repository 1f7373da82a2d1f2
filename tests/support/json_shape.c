#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_path.h"
#include "json_shape.h"

struct shape_walk {
	json_shape_date_fn	*date_fn;
	void			*arg;
	char			*why;
	size_t			 len;
};

static const char *
type_name(yajl_val v)
{
	if (v == NULL || YAJL_IS_NULL(v))
		return ("null/absent");
	if (YAJL_IS_STRING(v))
		return ("string");
	if (YAJL_IS_NUMBER(v))
		return ("number");
	if (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v))
		return ("boolean");
	if (YAJL_IS_ARRAY(v))
		return ("array");
	return ("object");
}

/* -1 for a type the spec language does not have. */
static int
type_ok(yajl_val v, const char *type)
{
	if (strcmp(type, "s") == 0 || strcmp(type, "d") == 0)
		return (v != NULL && YAJL_IS_STRING(v));
	if (strcmp(type, "n") == 0)
		return (v != NULL && YAJL_IS_NUMBER(v));
	if (strcmp(type, "i") == 0)
		return (v != NULL && YAJL_IS_INTEGER(v));
	if (strcmp(type, "b") == 0)
		return (v != NULL && (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v)));
	if (strcmp(type, "a") == 0)
		return (v != NULL && YAJL_IS_ARRAY(v));
	if (strcmp(type, "o") == 0)
		return (v != NULL && YAJL_IS_OBJECT(v));
	if (strcmp(type, "sn") == 0)
		return (v != NULL && (YAJL_IS_STRING(v) || YAJL_IS_NUMBER(v)));
	return (-1);
}

static void __attribute__((format(printf, 3, 4)))
why_add(struct shape_walk *w, const char *full, const char *fmt, ...)
{
	size_t	used = strlen(w->why);
	va_list	ap;

	if (used + 1 >= w->len)
		return;
	snprintf(w->why + used, w->len - used, "%s: ", full);
	used = strlen(w->why);
	va_start(ap, fmt);
	vsnprintf(w->why + used, w->len - used, fmt, ap);
	va_end(ap);
	used = strlen(w->why);
	snprintf(w->why + used, w->len - used, "\n");
}

/* The part of path below v; 0 and a line in why when it fails. */
static int
check_path(struct shape_walk *w, yajl_val v, const char *full,
    const char *path, const char *type, int optional)
{
	char		 seg[64];
	const char	*dot = strchr(path, '.'), *rest;
	size_t		 n, i;
	int		 arr, ok;
	yajl_val	 m = v;

	if (*path == '\0') {
		if (optional && (v == NULL || YAJL_IS_NULL(v)))
			return (1);
		if ((ok = type_ok(v, type)) == -1) {
			why_add(w, full, "unknown type %s", type);
			return (0);
		}
		if (!ok) {
			why_add(w, full, "is %s, not %s", type_name(v), type);
			return (0);
		}
		if (strcmp(type, "d") == 0 && w->date_fn != NULL)
			w->date_fn(YAJL_GET_STRING(v), full, w->arg);
		return (1);
	}
	n = dot != NULL ? (size_t)(dot - path) : strlen(path);
	rest = dot != NULL ? dot + 1 : path + n;
	snprintf(seg, sizeof(seg), "%.*s", (int)n, path);
	arr = n >= 2 && strcmp(seg + n - 2, "[]") == 0;
	if (arr)
		seg[n - 2] = '\0';
	if (seg[0] != '\0') {
		if (v == NULL || !YAJL_IS_OBJECT(v)) {
			why_add(w, full, "the parent of '%s' is %s", seg,
			    type_name(v));
			return (0);
		}
		m = json_member(v, seg);
		if (m == NULL && optional && !arr && *rest == '\0')
			return (1);
	}
	if (!arr)
		return (check_path(w, m, full, rest, type, optional));
	if (m == NULL || !YAJL_IS_ARRAY(m)) {
		why_add(w, full, "'%s' is %s, not array", seg[0] != '\0' ?
		    seg : "the body", type_name(m));
		return (0);
	}
	for (i = 0; i < m->u.array.len; i++)
		if (!check_path(w, m->u.array.values[i], full, rest, type,
		    optional))
			return (0);
	return (1);
}

int
json_shape_check(yajl_val body, const char *spec, json_shape_date_fn *date_fn,
    void *arg, char *why, size_t len)
{
	struct shape_walk	 w = { date_fn, arg, why, len };
	char			 item[160], *colon, *type;
	const char		*p = spec;
	size_t			 n;
	int			 optional, failed = 0;

	why[0] = '\0';
	while (*p != '\0') {
		p += strspn(p, " ");
		if ((n = strcspn(p, " ")) == 0)
			break;
		snprintf(item, sizeof(item), "%.*s", (int)n, p);
		p += n;
		if ((colon = strrchr(item, ':')) == NULL || colon[1] == '\0') {
			why_add(&w, item, "not a path:type item");
			failed++;
			continue;
		}
		*colon = '\0';
		type = colon + 1;
		optional = type[strlen(type) - 1] == '?';
		if (optional)
			type[strlen(type) - 1] = '\0';
		if (!check_path(&w, body, item, strcmp(item, "$") == 0 ? "" :
		    item, type, optional))
			failed++;
	}
	return (failed);
}
