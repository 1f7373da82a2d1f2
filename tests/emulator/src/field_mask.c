/*
 * Field masks.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_tree.h>

#include "field_mask.h"
#include "jsonr.h"

#define FM_NAME_MAX	64
#define FM_NODES_MAX	256
#define FM_DEPTH_MAX	16

struct fm_node {
	char		 name[FM_NAME_MAX];
	int		 all;		/* the whole member is selected */
	struct fm_node	*child;
	struct fm_node	*next;
};

struct field_mask {
	struct fm_node	 root;
	size_t		 nodes;
};

struct fm_parser {
	const char		*p;
	struct field_mask	*fm;
};

static void
node_free_children(struct fm_node *n)
{
	struct fm_node	*c, *next;

	for (c = n->child; c != NULL; c = next) {
		next = c->next;
		node_free_children(c);
		free(c);
	}
	n->child = NULL;
}

void
field_mask_free(struct field_mask *fm)
{
	if (fm == NULL)
		return;
	node_free_children(&fm->root);
	free(fm);
}

static struct fm_node *
node_child(struct field_mask *fm, struct fm_node *parent, const char *name)
{
	struct fm_node	*c;

	for (c = parent->child; c != NULL; c = c->next) {
		if (strcmp(c->name, name) == 0)
			return (c);
	}
	if (fm->nodes >= FM_NODES_MAX || (c = calloc(1, sizeof(*c))) == NULL)
		return (NULL);
	fm->nodes++;
	(void)snprintf(c->name, sizeof(c->name), "%s", name);
	c->next = parent->child;
	parent->child = c;
	return (c);
}

static int
parse_name(struct fm_parser *ps, char *name)
{
	size_t	n = 0;

	while (isalnum((unsigned char)*ps->p) || *ps->p == '_' ||
	    *ps->p == '*' || *ps->p == '@') {
		if (n + 1 >= FM_NAME_MAX)
			return (-1);
		name[n++] = *ps->p++;
	}
	name[n] = '\0';
	return (n > 0 ? 0 : -1);
}

static int	parse_list(struct fm_parser *, struct fm_node *, int);

/* path [ '(' list ')' ] */
static int
parse_item(struct fm_parser *ps, struct fm_node *parent, int depth)
{
	struct fm_node	*n = parent;
	char		 name[FM_NAME_MAX];

	for (;;) {
		if (parse_name(ps, name) == -1)
			return (-1);
		if ((n = node_child(ps->fm, n, name)) == NULL)
			return (-1);
		if (*ps->p != '.' && *ps->p != '/')
			break;
		ps->p++;
	}
	if (*ps->p == '(') {
		ps->p++;
		if (parse_list(ps, n, depth + 1) == -1 || *ps->p != ')')
			return (-1);
		ps->p++;
		return (0);
	}
	n->all = 1;
	return (0);
}

static int
parse_list(struct fm_parser *ps, struct fm_node *parent, int depth)
{
	if (depth > FM_DEPTH_MAX)
		return (-1);
	for (;;) {
		while (*ps->p == ' ')
			ps->p++;
		if (parse_item(ps, parent, depth) == -1)
			return (-1);
		while (*ps->p == ' ')
			ps->p++;
		if (*ps->p != ',')
			return (0);
		ps->p++;
	}
}

struct field_mask *
field_mask_parse(const char *text)
{
	struct fm_parser	ps;
	struct field_mask	*fm;

	if ((fm = calloc(1, sizeof(*fm))) == NULL)
		return (NULL);
	ps.p = text;
	ps.fm = fm;
	if (parse_list(&ps, &fm->root, 0) == -1 || *ps.p != '\0') {
		field_mask_free(fm);
		return (NULL);
	}
	return (fm);
}

static const struct fm_node *
match(const struct fm_node *n, const char *key)
{
	const struct fm_node	*c, *star = NULL;

	for (c = n->child; c != NULL; c = c->next) {
		if (strcmp(c->name, key) == 0)
			return (c);
		if (strcmp(c->name, "*") == 0)
			star = c;
	}
	return (star);
}

static void
write_value(struct jw *w, yajl_val v, const struct fm_node *n)
{
	size_t	i;

	if (YAJL_IS_OBJECT(v)) {
		jw_obj_open(w);
		for (i = 0; i < v->u.object.len; i++) {
			const struct fm_node	*c = NULL;

			if (n != NULL && !n->all &&
			    (c = match(n, v->u.object.keys[i])) == NULL)
				continue;
			jw_key(w, v->u.object.keys[i]);
			write_value(w, v->u.object.values[i],
			    (n == NULL || n->all) ? NULL : c);
		}
		jw_obj_close(w);
	} else if (YAJL_IS_ARRAY(v)) {
		jw_arr_open(w);
		for (i = 0; i < v->u.array.len; i++)
			write_value(w, v->u.array.values[i], n);
		jw_arr_close(w);
	} else if (YAJL_IS_STRING(v)) {
		jw_str(w, jstr(v));
	} else if (YAJL_IS_INTEGER(v)) {
		jw_int(w, YAJL_GET_INTEGER(v));
	} else if (YAJL_IS_NUMBER(v)) {
		jw_double(w, YAJL_GET_DOUBLE(v));
	} else if (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v)) {
		jw_bool(w, YAJL_IS_TRUE(v));
	} else {
		jw_null(w);
	}
}

int
field_mask_apply(const struct field_mask *fm, struct reply *r, int pretty)
{
	struct jw	w;
	yajl_val	root;
	int		status = r->status;

	if (r->body == NULL ||
	    (root = yajl_tree_parse(r->body, NULL, 0)) == NULL)
		return (-1);
	jw_init(&w, (pretty ? JW_PRETTY : 0) | JW_HTML_SAFE);
	write_value(&w, root, fm != NULL ? &fm->root : NULL);
	yajl_tree_free(root);
	reply_json(r, status, &w);
	return (0);
}

