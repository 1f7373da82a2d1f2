/*
 * Union route bodies; see v4_request.h.
 *
 * Two passes over a body of a few hundred bytes: occ_request_parse() for
 * the fields every occupation route shares (so their checks and messages
 * cannot drift apart), then a callback pass here for the union fields
 * only.  A body that is not JSON is reported by the first pass alone.
 */
#include <stdio.h>
#include <string.h>

#include <yajl/yajl_parse.h>

#include "json_tree.h"
#include "utf8.h"
#include "v4_request.h"

#define F_UNIONS	"selected_unions"
#define F_FECHA		"fecha_operacion"

#define MSG_REQUIRED	"field required"
#define MSG_UNIONS	"must be a list of unions: n_union integers, " \
			    "numeric strings or ids \"{OT}+{n}\""
#define MSG_UNION	"must be an n_union integer > 0, a numeric string " \
			    "or an id \"{OT}+{n}\""
#define MSG_TOO_MANY	"must be a list of at most 64 distinct unions"
#define MSG_FECHA	"must be a string or null"
#define T_MISSING	"value_error.missing"
#define T_VALUE		"value_error"

enum top {
	TOP_OTHER,
	TOP_UNIONS,
	TOP_FECHA,
};

struct pass {
	enum v4_request_kind		 kind;
	struct v4_request		*out;
	struct occ_request_errors	*errs;
	unsigned int			 depth;
	enum top			 cur;
	int				 in_unions;	/* inside the list */
	long				 index;		/* of its element */
	int				 seen_unions;
	int				 too_many;
};

static void
add_error(struct pass *p, const char *field, long index, const char *msg,
    const char *type)
{
	struct occ_request_error	*e;

	if (p->errs->n >= OCC_REQ_ERRORS_MAX)
		return;
	e = &p->errs->e[p->errs->n++];
	memset(e, 0, sizeof(*e));
	e->field = field;
	e->index = index;
	e->offset = -1;
	(void)snprintf(e->msg, sizeof(e->msg), "%s", msg);
	e->type = type;
}

/* n from 1..4 digits and nothing else; -1 otherwise. */
static int
digits_value(const char *s, size_t len, unsigned int *n)
{
	unsigned int	v = 0;
	size_t		i;

	if (len == 0 || len > 4)
		return (-1);
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return (-1);
		v = v * 10 + (unsigned int)(s[i] - '0');
	}
	if (v == 0 || v > V4_REQ_N_MAX)
		return (-1);
	*n = v;
	return (0);
}

/* A union as sent; -1 when it is none of the three forms. */
static int
union_ref(const char *s, size_t len, int is_string, struct v4_union_ref *u)
{
	const char	*plus = NULL;
	size_t		 i, otlen;

	memset(u, 0, sizeof(*u));
	if (!is_string)
		return (digits_value(s, len, &u->n_union));
	for (i = 0; i < len; i++) {
		if (s[i] == '+')
			plus = s + i;
	}
	if (plus == NULL)
		return (digits_value(s, len, &u->n_union));
	otlen = (size_t)(plus - s);
	if (otlen == 0 || otlen > V4_REQ_OT_MAX ||
	    utf8_has_control(s, otlen) || !utf8_valid(s, otlen))
		return (-1);
	if (digits_value(plus + 1, len - otlen - 1, &u->n_union) == -1)
		return (-1);
	memcpy(u->ot, s, otlen);
	u->ot[otlen] = '\0';
	u->has_ot = 1;
	return (0);
}

static void
union_element(struct pass *p, int is_scalar, int is_string, const char *s,
    size_t len)
{
	struct v4_union_ref	 u;
	long			 i = p->index++;
	size_t			 k;

	if (!is_scalar || union_ref(s, len, is_string, &u) == -1) {
		add_error(p, F_UNIONS, i, MSG_UNION, is_scalar && (is_string ||
		    s != NULL) ? T_VALUE : "type_error.integer");
		return;
	}
	for (k = 0; k < p->out->nunions; k++) {
		if (p->out->unions[k].n_union == u.n_union &&
		    p->out->unions[k].has_ot == u.has_ot &&
		    strcmp(p->out->unions[k].ot, u.ot) == 0)
			return;
	}
	if (p->out->nunions == V4_REQ_UNIONS_MAX) {
		if (!p->too_many)
			add_error(p, F_UNIONS, -1, MSG_TOO_MANY, T_VALUE);
		p->too_many = 1;
		return;
	}
	p->out->unions[p->out->nunions++] = u;
}

static void
top_value(struct pass *p, int is_null, int is_string, const char *s,
    size_t len)
{
	switch (p->cur) {
	case TOP_UNIONS:
		/* Only a list opens as one (open_container()). */
		add_error(p, F_UNIONS, -1, MSG_UNIONS, "type_error.list");
		break;
	case TOP_FECHA:
		if (is_null)
			break;
		if (!is_string) {
			add_error(p, F_FECHA, -1, MSG_FECHA, "type_error.str");
			break;
		}
		p->out->has_fecha = 1;
		(void)snprintf(p->out->fecha, sizeof(p->out->fecha), "%.*s",
		    (int)(len < V4_REQ_FECHA_MAX ? len : V4_REQ_FECHA_MAX), s);
		break;
	default:
		break;
	}
}

/* Every scalar comes through here; s is NULL for null and booleans. */
static int
scalar(struct pass *p, int is_null, int is_string, const char *s,
    size_t len)
{
	if (p->depth == 1)
		top_value(p, is_null, is_string, s, len);
	else if (p->depth == 2 && p->in_unions)
		union_element(p, s != NULL, is_string, s, len);
	return (1);
}

static int
cb_null(void *ctx)
{
	return (scalar(ctx, 1, 0, NULL, 0));
}

static int
cb_boolean(void *ctx, int v)
{
	(void)v;
	return (scalar(ctx, 0, 0, NULL, 0));
}

static int
cb_number(void *ctx, const char *s, size_t len)
{
	return (scalar(ctx, 0, 0, s, len));
}

static int
cb_string(void *ctx, const unsigned char *s, size_t len)
{
	return (scalar(ctx, 0, 1, (const char *)s, len));
}

static int
open_container(struct pass *p, int is_array)
{
	if (p->depth == 1 && p->cur == TOP_UNIONS && is_array) {
		p->in_unions = 1;
		p->index = 0;
	} else if (p->depth == 1) {
		top_value(p, 0, 0, NULL, 0);
	} else if (p->depth == 2 && p->in_unions) {
		union_element(p, 0, 0, NULL, 0);
	}
	/* occ_request_parse() refuses what nests deeper. */
	return (++p->depth <= JSON_TREE_MAX_DEPTH);
}

static int
cb_start_map(void *ctx)
{
	return (open_container(ctx, 0));
}

static int
cb_start_array(void *ctx)
{
	return (open_container(ctx, 1));
}

static int
cb_end(void *ctx)
{
	struct pass	*p = ctx;

	if (--p->depth == 1)
		p->in_unions = 0;
	return (1);
}

static int
cb_map_key(void *ctx, const unsigned char *key, size_t len)
{
	struct pass	*p = ctx;

	if (p->depth != 1)
		return (1);
	p->cur = TOP_OTHER;
	if (p->kind != V4_REQ_FINALIZAR)
		return (1);
	if (len == strlen(F_UNIONS) && memcmp(key, F_UNIONS, len) == 0) {
		p->cur = TOP_UNIONS;
		p->seen_unions = 1;
	} else if (len == strlen(F_FECHA) && memcmp(key, F_FECHA, len) == 0) {
		p->cur = TOP_FECHA;
	}
	return (1);
}

static const yajl_callbacks	callbacks = {
	.yajl_null = cb_null,
	.yajl_boolean = cb_boolean,
	.yajl_number = cb_number,
	.yajl_string = cb_string,
	.yajl_start_map = cb_start_map,
	.yajl_map_key = cb_map_key,
	.yajl_end_map = cb_end,
	.yajl_start_array = cb_start_array,
	.yajl_end_array = cb_end,
};

int
v4_request_parse(enum v4_request_kind kind, const char *body, size_t len,
    struct v4_request *out, struct occ_request_errors *errs)
{
	struct pass	p;
	yajl_handle	h;
	yajl_status	st;
	int		rc;

	memset(out, 0, sizeof(*out));
	rc = occ_request_parse(OCC_REQ_SINGLE, body, len, &out->base, errs);
	/* A body that is no JSON object is told by the first pass. */
	if (rc == -1 && errs->n > 0 && errs->e[0].field == NULL)
		return (-1);

	memset(&p, 0, sizeof(p));
	p.kind = kind;
	p.out = out;
	p.errs = errs;
	if ((h = yajl_alloc(&callbacks, NULL, &p)) == NULL) {
		add_error(&p, NULL, -1, "out of memory", T_VALUE);
		return (-1);
	}
	st = yajl_parse(h, (const unsigned char *)body, len);
	if (st == yajl_status_ok)
		st = yajl_complete_parse(h);
	yajl_free(h);
	if (st != yajl_status_ok) {
		/* Not expected: the first pass read the same text. */
		if (errs->n == 0)
			add_error(&p, NULL, -1, "invalid JSON",
			    "value_error.jsondecode");
		return (-1);
	}
	if (kind == V4_REQ_FINALIZAR && !p.seen_unions)
		add_error(&p, F_UNIONS, -1, MSG_REQUIRED, T_MISSING);
	return (errs->n > 0 ? -1 : 0);
}
