/*
 * Top-level field extraction; see json_fields.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_parse.h>

#include "json_fields.h"
#include "secret_alloc.h"

struct fields_parse {
	struct json_field	*fields;
	size_t			 nfields;
	struct json_field	*current;	/* field whose value is next */
	int			 depth;		/* the object itself is 1 */
	int			 seen_object;
	int			 failed;
	const char		*what;
	char			*err;
	size_t			 errsz;
};

static void
fields_error(struct fields_parse *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
fields_error(struct fields_parse *p, const char *fmt, ...)
{
	char	msg[160];
	va_list	ap;

	if (p->failed)
		return;
	p->failed = 1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errsz, "%s: %s", p->what, msg);
}

static const char *
type_name(enum json_field_type type)
{
	return (type == JSON_FIELD_STRING ? "a string" : "an integer");
}

/* Called for every value; returns the field it fills, if any. */
static struct json_field *
take(struct fields_parse *p, enum json_field_type type)
{
	struct json_field	*f = p->current;

	p->current = NULL;
	if (p->depth != 1 || f == NULL)
		return (NULL);
	if (f->type != type) {
		fields_error(p, "field \"%s\" must be %s", f->name,
		    type_name(f->type));
		return (NULL);
	}
	return (f);
}

/* A value that can fill no field: null, a bool, an object, an array. */
static int
other_value(struct fields_parse *p)
{
	if (p->depth == 1 && p->current != NULL) {
		fields_error(p, "field \"%s\" must be %s", p->current->name,
		    type_name(p->current->type));
		return (0);
	}
	p->current = NULL;
	return (1);
}

static int
cb_null(void *ctx)
{
	return (other_value(ctx));
}

static int
cb_boolean(void *ctx, int b)
{
	(void)b;
	return (other_value(ctx));
}

static int
cb_number(void *ctx, const char *s, size_t len)
{
	struct fields_parse	*p = ctx;
	struct json_field	*f;
	char			 buf[32], *end;
	long long		 v;

	if ((f = take(p, JSON_FIELD_INTEGER)) == NULL)
		return (!p->failed);
	if (len == 0 || len >= sizeof(buf))
		goto bad;
	memcpy(buf, s, len);
	buf[len] = '\0';
	errno = 0;
	v = strtoll(buf, &end, 10);
	if (errno != 0 || *end != '\0')
		goto bad;
	f->integer = v;
	f->present = 1;
	return (1);

bad:
	fields_error(p, "field \"%s\" must be %s", f->name,
	    type_name(f->type));
	return (0);
}

static int
cb_string(void *ctx, const unsigned char *s, size_t len)
{
	struct fields_parse	*p = ctx;
	struct json_field	*f;

	if ((f = take(p, JSON_FIELD_STRING)) == NULL)
		return (!p->failed);
	if (memchr(s, '\0', len) != NULL) {
		fields_error(p, "field \"%s\" contains a NUL character",
		    f->name);
		return (0);
	}
	if ((f->str = secret_strndup((const char *)s, len)) == NULL) {
		fields_error(p, "out of memory");
		return (0);
	}
	f->len = len;
	f->present = 1;
	return (1);
}

static int
cb_start_map(void *ctx)
{
	struct fields_parse	*p = ctx;

	if (!other_value(p))
		return (0);
	if (p->depth == 0)
		p->seen_object = 1;
	p->depth++;
	return (1);
}

static int
cb_start_array(void *ctx)
{
	struct fields_parse	*p = ctx;

	if (!other_value(p))
		return (0);
	p->depth++;
	return (1);
}

static int
cb_end(void *ctx)
{
	struct fields_parse	*p = ctx;

	p->depth--;
	return (1);
}

static int
cb_map_key(void *ctx, const unsigned char *key, size_t len)
{
	struct fields_parse	*p = ctx;
	size_t			 i;

	p->current = NULL;
	if (p->depth != 1)
		return (1);
	for (i = 0; i < p->nfields; i++) {
		if (strlen(p->fields[i].name) == len &&
		    memcmp(p->fields[i].name, key, len) == 0)
			break;
	}
	if (i == p->nfields)
		return (1);
	if (p->fields[i].present) {
		fields_error(p, "field \"%s\" appears twice",
		    p->fields[i].name);
		return (0);
	}
	p->current = &p->fields[i];
	return (1);
}

static const yajl_callbacks	fields_callbacks = {
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
json_fields_parse(const char *json, size_t len, struct json_field *fields,
    size_t nfields, const char *what, char *err, size_t errsz)
{
	struct fields_parse	 p;
	yajl_alloc_funcs	 afs;
	yajl_handle		 h;
	yajl_status		 st;
	unsigned char		*msg;
	size_t			 i;

	memset(&p, 0, sizeof(p));
	p.fields = fields;
	p.nfields = nfields;
	p.what = what;
	p.err = err;
	p.errsz = errsz;
	for (i = 0; i < nfields; i++) {
		fields[i].present = 0;
		fields[i].str = NULL;
		fields[i].len = 0;
		fields[i].integer = 0;
	}

	secret_yajl_funcs(&afs);
	if ((h = yajl_alloc(&fields_callbacks, &afs, &p)) == NULL) {
		fields_error(&p, "out of memory");
		return (-1);
	}
	st = yajl_parse(h, (const unsigned char *)json, len);
	if (st == yajl_status_ok)
		st = yajl_complete_parse(h);
	if (st != yajl_status_ok && !p.failed) {
		/* Not verbose: the verbose form quotes the input text. */
		msg = yajl_get_error(h, 0, NULL, 0);
		fields_error(&p, "invalid JSON: %s",
		    msg != NULL ? (const char *)msg : "parse error");
		if (msg != NULL)
			yajl_free_error(h, msg);
	}
	yajl_free(h);

	if (!p.failed && !p.seen_object)
		fields_error(&p, "not a JSON object");
	if (p.failed) {
		json_fields_clear(fields, nfields);
		return (-1);
	}
	return (0);
}

void
json_fields_clear(struct json_field *fields, size_t nfields)
{
	size_t	i;

	for (i = 0; i < nfields; i++) {
		secret_free(fields[i].str);
		fields[i].str = NULL;
		fields[i].len = 0;
		fields[i].present = 0;
		fields[i].integer = 0;
	}
}
