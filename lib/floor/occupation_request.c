/*
 * Occupation request bodies; see occupation_request.h.
 */
#include <stdio.h>
#include <string.h>

#include <yajl/yajl_parse.h>

#include "json_out.h"
#include "json_tree.h"
#include "nelem.h"
#include "occupation_error.h"
#include "occupation_request.h"
#include "spool_tag.h"
#include "utf8.h"

/* The fields a request may have; everything else is ignored. */
enum field {
	F_UNKNOWN,
	F_TAG_SPOOL,
	F_TAG_SPOOLS,
	F_WORKER_ID,
	F_WORKER_NOMBRE,
	F_OPERACION,
	F_FECHA,
	F_LOCK_TOKEN,
	F_COUNT,
};

static const char *const field_names[F_COUNT] = {
	[F_TAG_SPOOL] = "tag_spool",
	[F_TAG_SPOOLS] = "tag_spools",
	[F_WORKER_ID] = "worker_id",
	[F_WORKER_NOMBRE] = "worker_nombre",
	[F_OPERACION] = "operacion",
	[F_FECHA] = "fecha_operacion",
	[F_LOCK_TOKEN] = "lock_token",
};

enum value_kind {
	V_NULL,
	V_BOOL,
	V_NUMBER,
	V_STRING,
	V_CONTAINER,
};

/* Messages: English like the FastAPI backend's, the types its names. */
#define MSG_REQUIRED	"field required"
#define MSG_TAG		"must be a string of 1 to 64 characters without " \
			    "control characters"
#define MSG_WORKER_ID	"must be an integer > 0"
#define MSG_NOMBRE	"must be a string of at most 128 bytes without " \
			    "control characters, or null"
#define MSG_OPERACION	"must be one of ARM, SOLD, METROLOGIA, REPARACION"
#define MSG_FECHA	"must be a date YYYY-MM-DD or DD-MM-YYYY, or null"
#define MSG_LOCK_TOKEN	"must be a string of 1 to 128 bytes without " \
			    "control characters, or null"
#define MSG_TAGS	"must be a list of 1 to 50 tags"
#define MSG_DUP_TAG	"duplicate tag"
#define MSG_DUP_KEY	"duplicate key"
#define T_MISSING	"value_error.missing"
#define T_VALUE		"value_error"
#define T_JSON		"value_error.jsondecode"

struct parse {
	enum occ_request_kind		 kind;
	struct occ_request		*out;
	struct occ_request_errors	*errs;
	yajl_handle			 h;

	unsigned int			 depth;	/* open containers */
	enum field			 cur;	/* field of the last top key */
	int				 in_tags; /* inside tag_spools */
	long				 tag_index;
	int				 seen[F_COUNT];
	int				 cancelled;

	size_t				 nkeys;
	size_t				 key_off[OCC_REQ_KEYS_MAX];
	size_t				 key_len[OCC_REQ_KEYS_MAX];
	size_t				 key_used;
	char				 keys[OCC_REQ_KEY_BYTES];
};

/* Adds an error; NULL when the list is full (the first ones tell enough). */
static struct occ_request_error *
add_error(struct parse *p, const char *field, long index, const char *msg,
    const char *type)
{
	struct occ_request_error	*e;

	if (p->errs->n >= OCC_REQ_ERRORS_MAX)
		return (NULL);
	e = &p->errs->e[p->errs->n++];
	e->field = field;
	e->index = index;
	e->offset = -1;
	(void)snprintf(e->msg, sizeof(e->msg), "%s", msg);
	e->type = type;
	return (e);
}

/* An error about the body as a whole, which stops the parse. */
static int
body_error(struct parse *p, const char *msg, const char *type)
{
	struct occ_request_error	*e;

	if ((e = add_error(p, NULL, -1, msg, type)) != NULL)
		e->offset = (long long)yajl_get_bytes_consumed(p->h);
	p->cancelled = 1;
	return (0);
}

/* Does the request kind take this field? */
static int
field_wanted(const struct parse *p, enum field f)
{
	switch (f) {
	case F_TAG_SPOOL:
		return (p->kind != OCC_REQ_BATCH);
	case F_TAG_SPOOLS:
		return (p->kind == OCC_REQ_BATCH);
	case F_FECHA:
		return (p->kind == OCC_REQ_COMPLETAR);
	case F_LOCK_TOKEN:
		return (p->kind != OCC_REQ_BATCH);
	case F_WORKER_ID:
	case F_WORKER_NOMBRE:
	case F_OPERACION:
		return (1);
	default:
		return (0);
	}
}

/* The message for a field holding the wrong kind of value. */
static void
type_error(struct parse *p, enum field f)
{
	static const struct {
		const char	*msg;
		const char	*type;
	} errs[F_COUNT] = {
		[F_TAG_SPOOL] = { MSG_TAG, "type_error.str" },
		[F_TAG_SPOOLS] = { MSG_TAGS, "type_error.list" },
		[F_WORKER_ID] = { MSG_WORKER_ID, "type_error.integer" },
		[F_WORKER_NOMBRE] = { MSG_NOMBRE, "type_error.str" },
		[F_OPERACION] = { MSG_OPERACION, "type_error.str" },
		[F_FECHA] = { MSG_FECHA, "type_error.str" },
		[F_LOCK_TOKEN] = { MSG_LOCK_TOKEN, "type_error.str" },
	};

	add_error(p, field_names[f], -1, errs[f].msg, errs[f].type);
}

/* A tag_spools element. */
static void
tag_element(struct parse *p, enum value_kind k, const char *s, size_t len)
{
	long	i = p->tag_index++;
	char	tag[SPOOL_TAG_MAX + 1];
	size_t	t;

	if (i >= OCC_REQ_BATCH_MAX) {
		if (i == OCC_REQ_BATCH_MAX)
			add_error(p, field_names[F_TAG_SPOOLS], -1, MSG_TAGS,
			    T_VALUE);
		return;
	}
	if (k != V_STRING) {
		add_error(p, field_names[F_TAG_SPOOLS], i, MSG_TAG,
		    "type_error.str");
		return;
	}
	if (spool_tag_canon(s, len, tag, sizeof(tag)) == -1) {
		add_error(p, field_names[F_TAG_SPOOLS], i, MSG_TAG, T_VALUE);
		return;
	}
	for (t = 0; t < p->out->ntags; t++) {
		if (strcmp(p->out->tags[t], tag) == 0) {
			add_error(p, field_names[F_TAG_SPOOLS], i, MSG_DUP_TAG,
			    T_VALUE);
			return;
		}
	}
	/* A repeated "tag_spools" key must not run past the array. */
	if (p->out->ntags == OCC_REQ_BATCH_MAX)
		return;
	memcpy(p->out->tags[p->out->ntags++], tag, sizeof(tag));
}

/*
 * worker_id from its JSON spelling: digits only (no fraction, exponent or
 * sign is an integer > 0), and small enough for a long long.  The token
 * points into the body and ends at len, not at a NUL.
 */
static void
worker_id_value(struct parse *p, const char *s, size_t len)
{
	long long	v = 0;
	size_t		i;

	for (i = 0; i < len; i++) {
		if (s[i] == '.' || s[i] == 'e' || s[i] == 'E') {
			type_error(p, F_WORKER_ID);
			return;
		}
	}
	if (len == 0 || s[0] == '-' || len > WORKER_ID_DIGITS) {
		add_error(p, field_names[F_WORKER_ID], -1, MSG_WORKER_ID,
		    T_VALUE);
		return;
	}
	for (i = 0; i < len; i++)
		v = v * 10 + (s[i] - '0');
	if (v <= 0) {
		add_error(p, field_names[F_WORKER_ID], -1, MSG_WORKER_ID,
		    T_VALUE);
		return;
	}
	p->out->worker_id = v;
}

/*
 * fecha_operacion: the API's YYYY-MM-DD, or the tablet's DD-MM-YYYY
 * (frontend.md §6), read by turning it round into the API's spelling so
 * that both go through the one strict parser.
 */
static int
fecha_parse(const char *s, struct civil_time *out)
{
	char	iso[API_DATE_LEN];

	if (strlen(s) == 10 && s[2] == '-' && s[5] == '-') {
		(void)snprintf(iso, sizeof(iso), "%.4s-%.2s-%.2s", s + 6,
		    s + 3, s);
		return (api_date_parse(iso, out));
	}
	return (api_date_parse(s, out));
}

/* A value directly under the top-level object. */
static void
top_value(struct parse *p, enum value_kind k, const char *s, size_t len)
{
	char	buf[16];

	if (p->cur == F_UNKNOWN)
		return;
	switch (p->cur) {
	case F_TAG_SPOOL:
		if (k != V_STRING) {
			type_error(p, p->cur);
		} else if (spool_tag_canon(s, len, p->out->tag_spool,
		    sizeof(p->out->tag_spool)) == -1) {
			add_error(p, field_names[p->cur], -1, MSG_TAG, T_VALUE);
		}
		break;
	case F_WORKER_ID:
		if (k != V_NUMBER)
			type_error(p, p->cur);
		else
			worker_id_value(p, s, len);
		break;
	case F_WORKER_NOMBRE:
		if (k == V_NULL)
			break;
		if (k != V_STRING) {
			type_error(p, p->cur);
		} else if (len > OCC_REQ_NOMBRE_MAX ||
		    utf8_has_control(s, len)) {
			add_error(p, field_names[p->cur], -1, MSG_NOMBRE,
			    T_VALUE);
		} else {
			memcpy(p->out->worker_nombre, s, len);
			p->out->worker_nombre[len] = '\0';
			p->out->has_worker_nombre = 1;
		}
		break;
	case F_OPERACION:
		/* Absent and null alike: the route decides (see the .h). */
		if (k == V_NULL)
			break;
		if (k != V_STRING) {
			type_error(p, p->cur);
		} else if (len >= sizeof(buf) || memchr(s, '\0', len) != NULL) {
			add_error(p, field_names[p->cur], -1, MSG_OPERACION,
			    T_VALUE);
		} else {
			memcpy(buf, s, len);
			buf[len] = '\0';
			if (operacion_parse(buf, &p->out->op) == -1)
				add_error(p, field_names[p->cur], -1,
				    MSG_OPERACION, T_VALUE);
			else
				p->out->has_operacion = 1;
		}
		break;
	case F_FECHA:
		if (k == V_NULL)
			break;
		if (k != V_STRING) {
			type_error(p, p->cur);
			break;
		}
		if (len >= sizeof(buf) || memchr(s, '\0', len) != NULL) {
			add_error(p, field_names[p->cur], -1, MSG_FECHA,
			    T_VALUE);
			break;
		}
		memcpy(buf, s, len);
		buf[len] = '\0';
		if (fecha_parse(buf, &p->out->fecha) == 0)
			p->out->has_fecha = 1;
		else
			add_error(p, field_names[p->cur], -1, MSG_FECHA,
			    T_VALUE);
		break;
	case F_LOCK_TOKEN:
		if (k == V_NULL)
			break;
		if (k != V_STRING) {
			type_error(p, p->cur);
		} else if (len < 1 || len > OCC_REQ_TOKEN_MAX ||
		    utf8_has_control(s, len)) {
			add_error(p, field_names[p->cur], -1, MSG_LOCK_TOKEN,
			    T_VALUE);
		} else {
			memcpy(p->out->lock_token, s, len);
			p->out->lock_token[len] = '\0';
		}
		break;
	default:
		/* F_TAG_SPOOLS holding a scalar. */
		type_error(p, p->cur);
		break;
	}
}

/* Every scalar and every container's start comes through here. */
static int
value(struct parse *p, enum value_kind k, const char *s, size_t len)
{
	if (p->depth == 0)
		return (body_error(p, "must be a JSON object",
		    "type_error.dict"));
	if (p->depth == 1)
		top_value(p, k, s, len);
	else if (p->depth == 2 && p->in_tags)
		tag_element(p, k, s, len);
	return (1);
}

static int
cb_null(void *ctx)
{
	return (value(ctx, V_NULL, NULL, 0));
}

static int
cb_boolean(void *ctx, int v)
{
	(void)v;
	return (value(ctx, V_BOOL, NULL, 0));
}

static int
cb_number(void *ctx, const char *s, size_t len)
{
	return (value(ctx, V_NUMBER, s, len));
}

static int
cb_string(void *ctx, const unsigned char *s, size_t len)
{
	struct parse	*p = ctx;

	if (!utf8_valid((const char *)s, len))
		return (body_error(p, "body is not valid UTF-8", T_JSON));
	return (value(p, V_STRING, (const char *)s, len));
}

static int
open_container(struct parse *p, int is_array)
{
	if (p->depth == 0 && is_array)
		return (body_error(p, "must be a JSON object",
		    "type_error.dict"));
	if (p->depth == 1 && is_array && p->cur == F_TAG_SPOOLS) {
		p->in_tags = 1;
		p->tag_index = 0;
	} else if (p->depth > 0 && !value(p, V_CONTAINER, NULL, 0)) {
		return (0);
	}
	if (++p->depth > JSON_TREE_MAX_DEPTH)
		return (body_error(p, "JSON nested too deeply", T_JSON));
	return (1);
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
	struct parse	*p = ctx;

	if (--p->depth == 1 && p->in_tags) {
		p->in_tags = 0;
		if (p->tag_index == 0)
			add_error(p, field_names[F_TAG_SPOOLS], -1, MSG_TAGS,
			    T_VALUE);
	}
	return (1);
}

static int
cb_map_key(void *ctx, const unsigned char *key, size_t len)
{
	struct parse			*p = ctx;
	struct occ_request_error	*e;
	size_t				 i;
	int				 f;

	if (!utf8_valid((const char *)key, len))
		return (body_error(p, "body is not valid UTF-8", T_JSON));
	if (p->depth != 1)
		return (1);

	for (i = 0; i < p->nkeys; i++) {
		if (p->key_len[i] == len &&
		    memcmp(p->keys + p->key_off[i], key, len) == 0) {
			if ((e = add_error(p, NULL, -1, MSG_DUP_KEY,
			    T_VALUE)) == NULL)
				break;
			/* Name the key when it is one of ours. */
			for (f = 1; f < F_COUNT; f++) {
				if (strlen(field_names[f]) == len &&
				    memcmp(field_names[f], key, len) == 0)
					e->field = field_names[f];
			}
			break;
		}
	}
	if (p->nkeys == OCC_REQ_KEYS_MAX ||
	    len > OCC_REQ_KEY_BYTES - p->key_used)
		return (body_error(p, "too many fields", T_VALUE));
	p->key_off[p->nkeys] = p->key_used;
	p->key_len[p->nkeys++] = len;
	memcpy(p->keys + p->key_used, key, len);
	p->key_used += len;

	p->cur = F_UNKNOWN;
	for (f = 1; f < F_COUNT; f++) {
		if (strlen(field_names[f]) == len &&
		    memcmp(field_names[f], key, len) == 0 &&
		    field_wanted(p, (enum field)f)) {
			p->cur = (enum field)f;
			p->seen[f] = 1;
		}
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

/* yajl's message without its trailing newline, as the error's text. */
static void
syntax_error(struct parse *p, const char *body, size_t len)
{
	char		 msg[OCC_REQ_MSG_MAX];
	unsigned char	*m;
	size_t		 n;

	m = yajl_get_error(p->h, 0, (const unsigned char *)body, len);
	(void)snprintf(msg, sizeof(msg), "invalid JSON: %s",
	    m != NULL ? (const char *)m : "parse error");
	if (m != NULL)
		yajl_free_error(p->h, m);
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	/* The list was emptied: there is room. */
	add_error(p, NULL, -1, msg, T_JSON)->offset =
	    (long long)yajl_get_bytes_consumed(p->h);
}

int
occ_request_parse(enum occ_request_kind kind, const char *body, size_t len,
    struct occ_request *out, struct occ_request_errors *errs)
{
	static const int	 required[] = {
		F_TAG_SPOOL, F_TAG_SPOOLS, F_WORKER_ID
	};
	struct parse		 pbuf, *p = &pbuf;
	yajl_status		 st;
	size_t			 i;

	memset(p, 0, sizeof(*p));
	memset(out, 0, sizeof(*out));
	memset(errs, 0, sizeof(*errs));
	p->kind = kind;
	p->out = out;
	p->errs = errs;
	if ((p->h = yajl_alloc(&callbacks, NULL, p)) == NULL) {
		add_error(p, NULL, -1, "out of memory", T_VALUE);
		return (-1);
	}
	st = yajl_parse(p->h, (const unsigned char *)body, len);
	if (st == yajl_status_ok)
		st = yajl_complete_parse(p->h);
	if (st == yajl_status_error && !p->cancelled) {
		/* Field errors before a syntax error would only confuse. */
		errs->n = 0;
		syntax_error(p, body, len);
	}
	yajl_free(p->h);
	if (st != yajl_status_ok)
		return (-1);

	for (i = 0; i < NELEM(required); i++) {
		if (field_wanted(p, (enum field)required[i]) &&
		    !p->seen[required[i]])
			add_error(p, field_names[required[i]], -1,
			    MSG_REQUIRED, T_MISSING);
	}
	return (errs->n > 0 ? -1 : 0);
}

void
occ_request_operacion_missing(struct occ_request_errors *errs)
{
	struct occ_request_error	*e = &errs->e[0];

	memset(errs, 0, sizeof(*errs));
	errs->n = 1;
	e->field = field_names[F_OPERACION];
	e->index = -1;
	e->offset = -1;
	(void)snprintf(e->msg, sizeof(e->msg), "%s", MSG_REQUIRED);
	e->type = T_MISSING;
}

void
occ_request_tag_refused(struct occ_request_errors *errs, const char *where)
{
	struct occ_request_error	*e = &errs->e[0];

	memset(errs, 0, sizeof(*errs));
	errs->n = 1;
	e->where = where;
	e->field = field_names[F_TAG_SPOOL];
	e->index = -1;
	e->offset = -1;
	(void)snprintf(e->msg, sizeof(e->msg), "%s", MSG_TAG);
	e->type = T_VALUE;
}

static void
error_item(yajl_gen g, const struct occ_request_error *e)
{
	yajl_gen_map_open(g);
	json_key(g, "loc");
	yajl_gen_array_open(g);
	json_str(g, e->where != NULL ? e->where : "body");
	if (e->field != NULL)
		json_str(g, e->field);
	if (e->index >= 0)
		yajl_gen_integer(g, e->index);
	if (e->field == NULL && e->offset >= 0)
		yajl_gen_integer(g, e->offset);
	yajl_gen_array_close(g);
	json_kstr(g, "msg", e->msg);
	json_kstr(g, "type", e->type);
	yajl_gen_map_close(g);
}

void
occ_request_errors_write(yajl_gen g, const struct occ_request_errors *errs)
{
	const struct occ_request_error	*e = &errs->e[0];
	char				 message[256];
	size_t				 i;

	if (errs->n == 0) {
		(void)snprintf(message, sizeof(message),
		    "Datos de la solicitud inválidos.");
	} else {
		(void)snprintf(message, sizeof(message), "Datos de la "
		    "solicitud inválidos: %s: %s%s",
		    e->field != NULL ? e->field : "body", e->msg,
		    errs->n > 1 ? " (y otros errores)" : "");
	}
	yajl_gen_map_open(g);
	json_key(g, "detail");
	yajl_gen_array_open(g);
	for (i = 0; i < errs->n; i++)
		error_item(g, &errs->e[i]);
	yajl_gen_array_close(g);
	json_kstr(g, "error", occ_error_code(OCC_ERR_VALIDATION));
	json_kstr(g, "message", message);
	json_kbool(g, "success", 0);
	json_knull(g, "data");
	yajl_gen_map_close(g);
}
