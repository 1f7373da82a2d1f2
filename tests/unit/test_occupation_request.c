/*
 * Unit tests for lib/floor/occupation_request.c: valid bodies of every kind,
 * each field's type and limits, strict UTF-8 (what yajl lets through
 * included), control characters in tags, duplicate keys, nesting, the
 * 422 body, and a fuzz run: tens of thousands of generated and mutated
 * bodies must each give a clean answer - accepted with every invariant
 * holding, or refused with a well-formed 422 - and never a crash (the
 * SAN=1 build runs the same under ASan/UBSan).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <yajl/yajl_tree.h>

#include "json_out.h"
#include "json_tree.h"
#include "nelem.h"
#include "occupation_request.h"
#include "spool_tag.h"
#include "utf8.h"

/*
 * Parses len bytes handed over in a heap block of exactly that size, as a
 * request body is (no NUL after it): a read past the body is then a read
 * past the block, which ASan reports in the SAN=1 build.
 */
static int
parse_exact(enum occ_request_kind kind, const char *body, size_t len,
    struct occ_request *r, struct occ_request_errors *e)
{
	char	*copy;
	int	 rc;

	copy = malloc(len > 0 ? len : 1);
	assert_non_null(copy);
	memcpy(copy, body, len);
	rc = occ_request_parse(kind, copy, len, r, e);
	free(copy);
	return (rc);
}

static int
parse(enum occ_request_kind kind, const char *body, struct occ_request *r,
    struct occ_request_errors *e)
{
	return (parse_exact(kind, body, strlen(body), r, e));
}

/* The body must be refused with an error on field (NULL: the body). */
static void
refused(enum occ_request_kind kind, const char *body, const char *field,
    const char *type)
{
	struct occ_request		r;
	struct occ_request_errors	e;
	size_t				i;

	if (parse(kind, body, &r, &e) == 0)
		fail_msg("accepted: %s", body);
	assert_true(e.n > 0);
	for (i = 0; i < e.n; i++) {
		if ((field == NULL ? e.e[i].field == NULL :
		    e.e[i].field != NULL && strcmp(e.e[i].field, field) == 0) &&
		    (type == NULL || strcmp(e.e[i].type, type) == 0))
			return;
	}
	fail_msg("%s: no %s error on %s (first: %s %s %s)", body,
	    type != NULL ? type : "any", field != NULL ? field : "body",
	    e.e[0].field != NULL ? e.e[0].field : "body", e.e[0].msg,
	    e.e[0].type);
}

static void
accepted(enum occ_request_kind kind, const char *body, struct occ_request *r)
{
	struct occ_request_errors	e;

	if (parse(kind, body, r, &e) == -1)
		fail_msg("%s refused: %s %s", body, e.e[0].field != NULL ?
		    e.e[0].field : "body", e.e[0].msg);
}

/*
 * A number as the body's last token ends where the body ends: issue 9's
 * heap over-read (worker_id's spelling scanned with strcspn to a NUL that
 * a request body does not have).
 */
static void
test_last_token_bounded(void **state)
{
	static const char *const bodies[] = {
		"{\"tag_spool\":\"X\",\"operacion\":\"ARM\",\"worker_id\":84}",
		"{\"tag_spool\":\"X\",\"operacion\":\"ARM\",\"worker_id\":8",
		"{\"tag_spool\":\"X\",\"operacion\":\"ARM\",\"worker_id\":1e2}",
		"{\"tag_spool\":\"X\",\"operacion\":\"ARM\",\"worker_id\":-7}",
		"{\"tag_spools\":[\"X\"],\"operacion\":\"ARM\",\"worker_id\":9}",
	};
	struct occ_request		r;
	struct occ_request_errors	e;
	size_t				i;

	(void)state;
	assert_int_equal(parse(OCC_REQ_SINGLE, bodies[0], &r, &e), 0);
	assert_int_equal(r.worker_id, 84);
	for (i = 1; i < NELEM(bodies); i++)
		(void)parse(i == 4 ? OCC_REQ_BATCH : OCC_REQ_SINGLE, bodies[i],
		    &r, &e);
	assert_int_equal(parse(OCC_REQ_BATCH, bodies[4], &r, &e), 0);
	assert_int_equal(r.worker_id, 9);
}

static void
test_valid(void **state)
{
	struct occ_request	r;

	(void)state;
	accepted(OCC_REQ_SINGLE, "{\"tag_spool\":\"MK-1335-CW-25238-011\","
	    "\"worker_id\":93,\"worker_nombre\":\"MR(93)\","
	    "\"operacion\":\"ARM\"}", &r);
	assert_string_equal(r.tag_spool, "MK-1335-CW-25238-011");
	assert_int_equal(r.worker_id, 93);
	assert_true(r.has_worker_nombre);
	assert_string_equal(r.worker_nombre, "MR(93)");
	assert_int_equal(r.op, OPERACION_ARM);

	/* Any order, no worker_nombre, unknown fields of every shape. */
	accepted(OCC_REQ_SINGLE, " {\"extra\":{\"a\":[1,{\"b\":null}],"
	    "\"c\":true},\"operacion\":\"SOLD\",\"x\":1.5e3,"
	    "\"worker_id\":5,\"tag_spool\":\"TÑ-1\",\"y\":[]} ", &r);
	assert_int_equal(r.op, OPERACION_SOLD);
	assert_false(r.has_worker_nombre);
	assert_string_equal(r.tag_spool, "TÑ-1");

	/* METROLOGIA and REPARACION parse; the rules answer 400 or go on. */
	accepted(OCC_REQ_SINGLE, "{\"tag_spool\":\"A\",\"worker_id\":1,"
	    "\"operacion\":\"METROLOGIA\",\"worker_nombre\":null}", &r);
	assert_int_equal(r.op, OPERACION_METROLOGIA);
	assert_false(r.has_worker_nombre);
	accepted(OCC_REQ_SINGLE, "{\"tag_spool\":\"A\",\"worker_id\":1,"
	    "\"operacion\":\"REPARACION\"}", &r);
	assert_int_equal(r.op, OPERACION_REPARACION);

	/* 64 bytes is the longest tag; 18 digits the largest id. */
	accepted(OCC_REQ_SINGLE, "{\"tag_spool\":\"0123456789012345678901234"
	    "567890123456789012345678901234567890123\",\"worker_id\":"
	    "999999999999999999,\"operacion\":\"ARM\"}", &r);
	assert_int_equal(strlen(r.tag_spool), 64);
	assert_int_equal(r.worker_id, 999999999999999999LL);

	/*
	 * A tag counts characters, not bytes, and is trimmed of spaces and
	 * tabs as the sheet lookup trims its cells (spool_tag.h).
	 */
	accepted(OCC_REQ_SINGLE, "{\"tag_spool\":\" MK BAD TAG\\t \","
	    "\"worker_id\":1,\"operacion\":\"ARM\"}", &r);
	assert_string_equal(r.tag_spool, "MK BAD TAG");
	accepted(OCC_REQ_SINGLE, "{\"tag_spool\":\"ÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑ"
	    "ÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑ\",\"worker_id\":1,"
	    "\"operacion\":\"ARM\"}", &r);
	assert_int_equal(strlen(r.tag_spool), 128);
	accepted(OCC_REQ_BATCH, "{\"tag_spools\":[\"MK-ÑANDÚ-1\",\" MK-2\"],"
	    "\"worker_id\":7,\"operacion\":\"ARM\"}", &r);
	assert_string_equal(r.tags[1], "MK-2");

	accepted(OCC_REQ_COMPLETAR, "{\"tag_spool\":\"A\",\"worker_id\":1,"
	    "\"operacion\":\"SOLD\",\"fecha_operacion\":\"2026-02-03\"}", &r);
	assert_true(r.has_fecha);
	assert_int_equal(r.fecha.year, 2026);
	assert_int_equal(r.fecha.month, 2);
	assert_int_equal(r.fecha.day, 3);
	accepted(OCC_REQ_COMPLETAR, "{\"tag_spool\":\"A\",\"worker_id\":1,"
	    "\"operacion\":\"SOLD\",\"fecha_operacion\":null}", &r);
	assert_false(r.has_fecha);

	accepted(OCC_REQ_BATCH, "{\"tag_spools\":[\"A\",\"B\",\"C\"],"
	    "\"worker_id\":7,\"operacion\":\"ARM\",\"tag_spool\":3}", &r);
	assert_int_equal(r.ntags, 3);
	assert_string_equal(r.tags[0], "A");
	assert_string_equal(r.tags[2], "C");

	/* Whatever the route, fields of other kinds are just unknown. */
	accepted(OCC_REQ_SINGLE, "{\"tag_spool\":\"A\",\"worker_id\":1,"
	    "\"operacion\":\"ARM\",\"fecha_operacion\":7,"
	    "\"tag_spools\":{}}", &r);
}

static void
test_missing(void **state)
{
	struct occ_request		r;
	struct occ_request_errors	e;

	(void)state;
	refused(OCC_REQ_SINGLE, "{\"worker_id\":1,\"operacion\":\"ARM\"}",
	    "tag_spool", "value_error.missing");
	refused(OCC_REQ_SINGLE, "{\"tag_spool\":\"A\",\"operacion\":\"ARM\"}",
	    "worker_id", "value_error.missing");
	refused(OCC_REQ_BATCH, "{\"tag_spool\":\"A\",\"worker_id\":1,"
	    "\"operacion\":\"ARM\"}", "tag_spools", "value_error.missing");

	/* All of them at once, each named. */
	assert_int_equal(parse(OCC_REQ_COMPLETAR, "{}", &r, &e), -1);
	assert_int_equal(e.n, 2);
	assert_int_equal(parse(OCC_REQ_BATCH, "{}", &r, &e), -1);
	assert_int_equal(e.n, 2);
}

/*
 * operacion and fecha_operacion may be absent or null (frontend.md §7
 * items 1-3): the parse says so and the route decides.  A route that needs
 * operacion answers the 422 the parser used to give.
 */
static void
test_optional(void **state)
{
	struct occ_request		r;
	struct occ_request_errors	e;
	const char			*t;
	size_t				len;
	yajl_gen			g;

	(void)state;
	accepted(OCC_REQ_SINGLE, "{\"tag_spool\":\"A\",\"worker_id\":1}", &r);
	assert_false(r.has_operacion);
	accepted(OCC_REQ_SINGLE, "{\"tag_spool\":\"A\",\"worker_id\":1,"
	    "\"operacion\":null}", &r);
	assert_false(r.has_operacion);
	accepted(OCC_REQ_SINGLE, "{\"tag_spool\":\"A\",\"worker_id\":1,"
	    "\"operacion\":\"SOLD\"}", &r);
	assert_true(r.has_operacion);
	assert_int_equal(r.op, OPERACION_SOLD);
	accepted(OCC_REQ_BATCH, "{\"tag_spools\":[\"A\"],\"worker_id\":1}",
	    &r);
	assert_false(r.has_operacion);

	/* The tablet's COMPLETAR, byte for byte (frontend.md R12). */
	accepted(OCC_REQ_COMPLETAR, "{\"tag_spool\":\"MK-1\",\"worker_id\":93,"
	    "\"worker_nombre\":\"MR(93)\",\"fecha_operacion\":\"03-02-2026\"}",
	    &r);
	assert_false(r.has_operacion);
	assert_true(r.has_fecha);
	assert_int_equal(r.fecha.year, 2026);
	assert_int_equal(r.fecha.month, 2);
	assert_int_equal(r.fecha.day, 3);
	accepted(OCC_REQ_COMPLETAR, "{\"tag_spool\":\"A\",\"worker_id\":1,"
	    "\"fecha_operacion\":\"2026-02-03\"}", &r);
	assert_true(r.has_fecha);
	assert_int_equal(r.fecha.day, 3);
	accepted(OCC_REQ_COMPLETAR, "{\"tag_spool\":\"A\",\"worker_id\":1,"
	    "\"operacion\":\"ARM\"}", &r);
	assert_false(r.has_fecha);
	assert_true(r.has_operacion);

	/* Neither spelling of an impossible or half-written date. */
	refused(OCC_REQ_COMPLETAR, "{\"tag_spool\":\"A\",\"worker_id\":1,"
	    "\"fecha_operacion\":\"30-02-2026\"}", "fecha_operacion",
	    "value_error");
	refused(OCC_REQ_COMPLETAR, "{\"tag_spool\":\"A\",\"worker_id\":1,"
	    "\"fecha_operacion\":\"3-2-2026\"}", "fecha_operacion",
	    "value_error");
	refused(OCC_REQ_COMPLETAR, "{\"tag_spool\":\"A\",\"worker_id\":1,"
	    "\"fecha_operacion\":\"03-02-26xx\"}", "fecha_operacion",
	    "value_error");
	refused(OCC_REQ_COMPLETAR, "{\"tag_spool\":\"A\",\"worker_id\":1,"
	    "\"fecha_operacion\":\"03/02/2026\"}", "fecha_operacion",
	    "value_error");
	refused(OCC_REQ_COMPLETAR, "{\"tag_spool\":\"A\",\"worker_id\":1,"
	    "\"fecha_operacion\":\"03-02-2026 10:00\"}", "fecha_operacion",
	    "value_error");

	occ_request_operacion_missing(&e);
	g = json_out_new();
	occ_request_errors_write(g, &e);
	t = json_out_text(g, &len);
	assert_string_equal(t, "{\"detail\":[{\"loc\":[\"body\",\"operacion\"],"
	    "\"msg\":\"field required\",\"type\":\"value_error.missing\"}],"
	    "\"error\":\"VALIDATION_ERROR\",\"message\":\"Datos de la "
	    "solicitud inválidos: operacion: field required\","
	    "\"success\":false,\"data\":null}");
	yajl_gen_free(g);
}

static void
test_types_and_limits(void **state)
{
	static const struct {
		const char	*body;
		const char	*field;
		const char	*type;
	} cases[] = {
		{ "\"worker_id\":\"5\"", "worker_id", "type_error.integer" },
		{ "\"worker_id\":5.0", "worker_id", "type_error.integer" },
		{ "\"worker_id\":5e0", "worker_id", "type_error.integer" },
		{ "\"worker_id\":true", "worker_id", "type_error.integer" },
		{ "\"worker_id\":null", "worker_id", "type_error.integer" },
		{ "\"worker_id\":[5]", "worker_id", "type_error.integer" },
		{ "\"worker_id\":0", "worker_id", "value_error" },
		{ "\"worker_id\":-3", "worker_id", "value_error" },
		{ "\"worker_id\":-0", "worker_id", "value_error" },
		{ "\"worker_id\":1000000000000000000", "worker_id",
		    "value_error" },
		{ "\"worker_id\":123456789012345678901234567890", "worker_id",
		    "value_error" },
		{ "\"tag_spool\":7", "tag_spool", "type_error.str" },
		{ "\"tag_spool\":null", "tag_spool", "type_error.str" },
		{ "\"tag_spool\":{}", "tag_spool", "type_error.str" },
		{ "\"tag_spool\":\"\"", "tag_spool", "value_error" },
		{ "\"tag_spool\":\"012345678901234567890123456789012345678901"
		    "23456789012345678901234\"", "tag_spool", "value_error" },
		{ "\"tag_spool\":\"A\\tB\"", "tag_spool", "value_error" },
		{ "\"tag_spool\":\" \\t \"", "tag_spool", "value_error" },
		{ "\"tag_spool\":\"ÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑ"
		    "ÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑ\"", "tag_spool", "value_error" },
		{ "\"tag_spool\":\"A\\nB\"", "tag_spool", "value_error" },
		{ "\"tag_spool\":\"A\\u0000B\"", "tag_spool", "value_error" },
		{ "\"tag_spool\":\"A\\u007f\"", "tag_spool", "value_error" },
		{ "\"tag_spool\":\"A\\u0085\"", "tag_spool", "value_error" },
		{ "\"operacion\":\"arm\"", "operacion", "value_error" },
		{ "\"operacion\":\"ARM \"", "operacion", "value_error" },
		{ "\"operacion\":\"ARM\\u0000\"", "operacion", "value_error" },
		{ "\"operacion\":\"SOLDADURA-Y-MAS-LARGO\"", "operacion",
		    "value_error" },
		{ "\"operacion\":1", "operacion", "type_error.str" },
		{ "\"worker_nombre\":5", "worker_nombre", "type_error.str" },
		{ "\"worker_nombre\":\"MR\\n(93)\"", "worker_nombre",
		    "value_error" },
	};
	char	body[512];
	size_t	i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		/* The case's field comes last, so it overrides the default. */
		snprintf(body, sizeof(body), "{%s%s%s%s}",
		    strncmp(cases[i].body, "\"tag_spool\"", 11) == 0 ? "" :
		    "\"tag_spool\":\"A\",",
		    strncmp(cases[i].body, "\"worker_id\"", 11) == 0 ? "" :
		    "\"worker_id\":1,",
		    strncmp(cases[i].body, "\"operacion\"", 11) == 0 ? "" :
		    "\"operacion\":\"ARM\",", cases[i].body);
		refused(OCC_REQ_SINGLE, body, cases[i].field, cases[i].type);
	}

	refused(OCC_REQ_COMPLETAR, "{\"tag_spool\":\"A\",\"worker_id\":1,"
	    "\"operacion\":\"ARM\",\"fecha_operacion\":\"02/02/2026\"}",
	    "fecha_operacion", "value_error");
	refused(OCC_REQ_COMPLETAR, "{\"tag_spool\":\"A\",\"worker_id\":1,"
	    "\"operacion\":\"ARM\",\"fecha_operacion\":\"2026-02-30\"}",
	    "fecha_operacion", "value_error");
	refused(OCC_REQ_COMPLETAR, "{\"tag_spool\":\"A\",\"worker_id\":1,"
	    "\"operacion\":\"ARM\",\"fecha_operacion\":20260202}",
	    "fecha_operacion", "type_error.str");
	refused(OCC_REQ_COMPLETAR, "{\"tag_spool\":\"A\",\"worker_id\":1,"
	    "\"operacion\":\"ARM\",\"fecha_operacion\":\"2026-02-02 "
	    "08:00\"}", "fecha_operacion", "value_error");
}

static void
test_utf8(void **state)
{
	static const char *const bad[] = {
		/* Overlong NUL and "/": yajl's check lets these through. */
		"{\"tag_spool\":\"A\xc0\x80\",\"worker_id\":1,"
		    "\"operacion\":\"ARM\"}",
		"{\"tag_spool\":\"A\xe0\x80\xaf\",\"worker_id\":1,"
		    "\"operacion\":\"ARM\"}",
		/* A raw surrogate, and an escaped lone low surrogate. */
		"{\"tag_spool\":\"A\xed\xa0\x80\",\"worker_id\":1,"
		    "\"operacion\":\"ARM\"}",
		"{\"tag_spool\":\"A\\udc00\",\"worker_id\":1,"
		    "\"operacion\":\"ARM\"}",
		/* Above U+10FFFF. */
		"{\"tag_spool\":\"A\xf4\x90\x80\x80\",\"worker_id\":1,"
		    "\"operacion\":\"ARM\"}",
		/* In an unknown field, or a key: the body is not UTF-8. */
		"{\"tag_spool\":\"A\",\"worker_id\":1,\"operacion\":\"ARM\","
		    "\"x\":[\"\xc0\xaf\"]}",
		"{\"tag_spool\":\"A\",\"worker_id\":1,\"operacion\":\"ARM\","
		    "\"\xed\xbf\xbf\":1}",
		/* Plain garbage bytes. */
		"{\"tag_spool\":\"A\xff\",\"worker_id\":1,"
		    "\"operacion\":\"ARM\"}",
		"{\"tag_spool\":\"A\x80\",\"worker_id\":1,"
		    "\"operacion\":\"ARM\"}",
	};
	struct occ_request	r;
	size_t			i;

	(void)state;
	for (i = 0; i < NELEM(bad); i++)
		refused(OCC_REQ_SINGLE, bad[i], NULL, "value_error.jsondecode");
	/* A paired surrogate escape is a real character. */
	accepted(OCC_REQ_SINGLE, "{\"tag_spool\":\"A\\ud83d\\ude00\","
	    "\"worker_id\":1,\"operacion\":\"ARM\"}", &r);
	assert_string_equal(r.tag_spool, "A😀");
}

/* A valid body with arrays nested n deep in an unknown field. */
static void
nested(char *body, size_t size, int n)
{
	size_t	len;
	int	i;

	len = (size_t)snprintf(body, size, "{\"tag_spool\":\"A\","
	    "\"worker_id\":1,\"operacion\":\"ARM\",\"deep\":");
	assert_true(len + 2 * (size_t)n + 2 < size);
	for (i = 0; i < n; i++)
		body[len++] = '[';
	for (i = 0; i < n; i++)
		body[len++] = ']';
	body[len++] = '}';
	body[len] = '\0';
}

static void
test_structure(void **state)
{
	static const char *const not_object[] = {
		"[]", "\"x\"", "1", "null", "true", "[{\"tag_spool\":\"A\"}]",
	};
	static const char *const not_json[] = {
		"", "   ", "{", "{\"tag_spool\":}", "{} x", "{}{}",
		"{\"a\":1,}", "{'a':1}", "{\"a\":01}", "{\"a\":NaN}",
		"{\"a\":\"\x01\"}", "{a:1}", "/* c */ {}",
	};
	struct occ_request		r;
	struct occ_request_errors	e;
	char				body[512];
	size_t				i, len;

	(void)state;
	for (i = 0; i < NELEM(not_object); i++)
		refused(OCC_REQ_SINGLE, not_object[i], NULL, "type_error.dict");
	for (i = 0; i < NELEM(not_json); i++)
		refused(OCC_REQ_SINGLE, not_json[i], NULL,
		    "value_error.jsondecode");
	/* A NUL inside the length counts; it is not an end. */
	assert_int_equal(occ_request_parse(OCC_REQ_SINGLE, "{}\0{", 4, &r,
	    &e), -1);
	assert_int_equal(e.n, 1);
	assert_null(e.e[0].field);
	assert_true(e.e[0].offset >= 0);

	/* Duplicate keys: ours named, others by the body. */
	refused(OCC_REQ_SINGLE, "{\"tag_spool\":\"A\",\"worker_id\":1,"
	    "\"operacion\":\"ARM\",\"worker_id\":2}", "worker_id",
	    "value_error");
	refused(OCC_REQ_SINGLE, "{\"tag_spool\":\"A\",\"worker_id\":1,"
	    "\"operacion\":\"ARM\",\"z\":1,\"z\":1}", NULL, "value_error");
	/* Keys differing after a NUL are different keys. */
	accepted(OCC_REQ_SINGLE, "{\"tag_spool\":\"A\",\"worker_id\":1,"
	    "\"operacion\":\"ARM\",\"worker_id\\u0000x\":2}", &r);
	assert_int_equal(r.worker_id, 1);
	/* Duplicates inside unknown objects are not ours to judge. */
	accepted(OCC_REQ_SINGLE, "{\"tag_spool\":\"A\",\"worker_id\":1,"
	    "\"operacion\":\"ARM\",\"z\":{\"q\":1,\"q\":2}}", &r);

	/* Nesting: exactly the json_tree limit passes, one more fails. */
	nested(body, sizeof(body), JSON_TREE_MAX_DEPTH - 1);
	accepted(OCC_REQ_SINGLE, body, &r);
	nested(body, sizeof(body), JSON_TREE_MAX_DEPTH);
	refused(OCC_REQ_SINGLE, body, NULL, "value_error.jsondecode");

	/* Too many fields, however small. */
	len = (size_t)snprintf(body, sizeof(body), "{");
	for (i = 0; i <= OCC_REQ_KEYS_MAX; i++)
		len += (size_t)snprintf(body + len, sizeof(body) - len,
		    "\"%c%c\":0,", (int)('a' + i % 26), (int)('a' + i / 26));
	body[len - 1] = '}';
	refused(OCC_REQ_SINGLE, body, NULL, "value_error");
}

static void
test_batch(void **state)
{
	struct occ_request		r;
	struct occ_request_errors	e;
	char				body[8192];
	size_t				len, i;

	(void)state;
	refused(OCC_REQ_BATCH, "{\"tag_spools\":[],\"worker_id\":1,"
	    "\"operacion\":\"ARM\"}", "tag_spools", "value_error");
	refused(OCC_REQ_BATCH, "{\"tag_spools\":\"A\",\"worker_id\":1,"
	    "\"operacion\":\"ARM\"}", "tag_spools", "type_error.list");
	refused(OCC_REQ_BATCH, "{\"tag_spools\":{},\"worker_id\":1,"
	    "\"operacion\":\"ARM\"}", "tag_spools", "type_error.list");
	/* Element errors carry the index. */
	assert_int_equal(parse(OCC_REQ_BATCH, "{\"tag_spools\":[\"A\",7,\"A\","
	    "[\"B\"],\"\"],\"worker_id\":1,\"operacion\":\"ARM\"}", &r, &e),
	    -1);
	assert_int_equal(e.n, 4);
	assert_int_equal(e.e[0].index, 1);
	assert_string_equal(e.e[0].type, "type_error.str");
	assert_int_equal(e.e[1].index, 2);
	assert_string_equal(e.e[1].msg, "duplicate tag");
	assert_int_equal(e.e[2].index, 3);
	assert_int_equal(e.e[3].index, 4);
	assert_string_equal(e.e[3].type, "value_error");

	/* 50 is the most; 51 is refused. */
	for (i = 50; i <= 51; i++) {
		size_t	k;

		len = (size_t)snprintf(body, sizeof(body), "{\"tag_spools\":[");
		for (k = 0; k < i; k++)
			len += (size_t)snprintf(body + len, sizeof(body) - len,
			    "\"MK-%03zu\",", k);
		len += (size_t)snprintf(body + len - 1, sizeof(body) - len + 1,
		    "],\"worker_id\":1,\"operacion\":\"ARM\"}");
		if (i == 50) {
			accepted(OCC_REQ_BATCH, body, &r);
			assert_int_equal(r.ntags, 50);
			assert_string_equal(r.tags[49], "MK-049");
		} else {
			refused(OCC_REQ_BATCH, body, "tag_spools",
			    "value_error");
		}
	}
	/* A repeated "tag_spools" key never runs past the array. */
	len = (size_t)snprintf(body, sizeof(body), "{");
	for (i = 0; i < 2; i++) {
		size_t	k;

		len += (size_t)snprintf(body + len, sizeof(body) - len,
		    "\"tag_spools\":[");
		for (k = 0; k < 50; k++)
			len += (size_t)snprintf(body + len, sizeof(body) - len,
			    "\"T%zu-%zu\",", i, k);
		body[len - 1] = ']';
		body[len++] = ',';
	}
	snprintf(body + len, sizeof(body) - len,
	    "\"worker_id\":1,\"operacion\":\"ARM\"}");
	refused(OCC_REQ_BATCH, body, "tag_spools", "value_error");
}

static yajl_val
body_422(const struct occ_request_errors *e)
{
	yajl_gen	 g = json_out_new();
	const char	*t;
	char		*s, err[128];
	size_t		 len;
	yajl_val	 v;

	assert_non_null(g);
	occ_request_errors_write(g, e);
	t = json_out_text(g, &len);
	s = strndup(t, len);
	assert_non_null(s);
	if ((v = yajl_tree_parse(s, err, sizeof(err))) == NULL)
		fail_msg("422 body is not JSON: %s", err);
	free(s);
	yajl_gen_free(g);
	return (v);
}

static void
test_422_body(void **state)
{
	struct occ_request		r;
	struct occ_request_errors	e;
	yajl_gen			g;
	const char			*t;
	size_t				len;
	yajl_val			v, d;
	const char			*path_detail[] = { "detail", NULL };

	(void)state;
	assert_int_equal(parse(OCC_REQ_SINGLE, "{\"tag_spool\":\"A\","
	    "\"worker_id\":0,\"operacion\":\"ARM\"}", &r, &e), -1);
	g = json_out_new();
	occ_request_errors_write(g, &e);
	t = json_out_text(g, &len);
	assert_string_equal(t, "{\"detail\":[{\"loc\":[\"body\",\"worker_id\"],"
	    "\"msg\":\"must be an integer > 0\",\"type\":\"value_error\"}],"
	    "\"error\":\"VALIDATION_ERROR\",\"message\":\"Datos de la "
	    "solicitud inválidos: worker_id: must be an integer > 0\","
	    "\"success\":false,\"data\":null}");
	yajl_gen_free(g);

	/* An element's loc has its index; a syntax error its offset. */
	assert_int_equal(parse(OCC_REQ_BATCH, "{\"tag_spools\":[\"A\",1],"
	    "\"worker_id\":1,\"operacion\":\"ARM\"}", &r, &e), -1);
	v = body_422(&e);
	d = yajl_tree_get(v, path_detail, yajl_t_array);
	assert_non_null(d);
	d = d->u.array.values[0];
	{
		const char	*loc[] = { "loc", NULL };
		yajl_val	 l = yajl_tree_get(d, loc, yajl_t_array);

		assert_non_null(l);
		assert_int_equal(l->u.array.len, 3);
		assert_string_equal(l->u.array.values[1]->u.string,
		    "tag_spools");
		assert_int_equal(YAJL_GET_INTEGER(l->u.array.values[2]), 1);
	}
	yajl_tree_free(v);

	assert_int_equal(parse(OCC_REQ_SINGLE, "{\"a\":}", &r, &e), -1);
	assert_int_equal(e.n, 1);
	assert_in_range(e.e[0].offset, 1, 6);
	assert_null(strchr(e.e[0].msg, '\n'));
	v = body_422(&e);
	yajl_tree_free(v);
}

/* xorshift64*: the same bodies on every run. */
static uint64_t	rng_state = 0x9e3779b97f4a7c15ULL;

static uint32_t
rnd(uint32_t n)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return ((uint32_t)((rng_state * 0x2545f4914f6cdd1dULL) >> 32) % n);
}

struct buf {
	char	*p;
	size_t	 len;
	size_t	 cap;
};

static void
put(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = realloc(b->p, b->cap);
		assert_non_null(b->p);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
puts_(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

/* Pieces that are interesting inside strings. */
static const char *const nasty[] = {
	"\xc0\x80", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
	"\xff", "\x80", "\\u0000", "\\udc00", "\\ud800", "\\ud83d\\ude00",
	"\\t", "\\\"", "\\\\", "Ñ", "✓", "\\u0085", "\x01",
	"MK-1335", " ", "\\/",
};

static void
gen_string(struct buf *b)
{
	uint32_t	n = rnd(8) == 0 ? 40 + rnd(60) : rnd(8);
	uint32_t	i;
	char		c;

	puts_(b, "\"");
	for (i = 0; i < n; i++) {
		if (rnd(6) == 0) {
			puts_(b, nasty[rnd(NELEM(nasty))]);
		} else {
			c = (char)('A' + rnd(26));
			put(b, &c, 1);
		}
	}
	puts_(b, "\"");
}

static void	gen_value(struct buf *, int depth);

static void
gen_container(struct buf *b, int depth, int object)
{
	uint32_t	n = rnd(4), i;

	puts_(b, object ? "{" : "[");
	for (i = 0; i < n; i++) {
		if (i > 0)
			puts_(b, ",");
		if (object) {
			gen_string(b);
			puts_(b, ":");
		}
		gen_value(b, depth + 1);
	}
	puts_(b, object ? "}" : "]");
}

static void
gen_value(struct buf *b, int depth)
{
	static const char *const scalars[] = {
		"null", "true", "false", "0", "-1", "93", "5.0", "1e3",
		"999999999999999999", "1000000000000000000",
		"123456789012345678901234567890", "\"ARM\"", "\"SOLD\"",
		"\"METROLOGIA\"", "\"2026-02-02\"", "\"2026-02-30\"",
	};

	switch (depth > 40 ? rnd(3) : rnd(6)) {
	case 0:
		puts_(b, scalars[rnd(NELEM(scalars))]);
		break;
	case 1:
	case 2:
		gen_string(b);
		break;
	case 3:
		gen_container(b, depth, 1);
		break;
	default:
		gen_container(b, depth, 0);
		break;
	}
}

/* An object with our fields holding anything, in any order. */
static void
gen_body(struct buf *b)
{
	static const char *const keys[] = {
		"tag_spool", "tag_spools", "worker_id", "worker_nombre",
		"operacion", "fecha_operacion", "x",
	};
	uint32_t	n = rnd(9), i;

	puts_(b, "{");
	for (i = 0; i < n; i++) {
		if (i > 0)
			puts_(b, ",");
		puts_(b, "\"");
		puts_(b, keys[rnd(NELEM(keys))]);
		puts_(b, "\":");
		if (rnd(2) == 0)
			gen_value(b, 1);
		else if (rnd(2) == 0)
			gen_string(b);
		else
			puts_(b, "[\"A\",\"B\"]");
	}
	puts_(b, "}");
}

/* A body of the right shape whose values are mostly right. */
static void
gen_plausible(struct buf *b, enum occ_request_kind kind)
{
	static const char *const ops[] = {
		"\"ARM\"", "\"SOLD\"", "\"METROLOGIA\"", "\"REPARACION\"",
		"null",
	};
	static const char *const fechas[] = {
		"null", "\"2026-02-03\"", "\"2024-02-29\"", "\"03-02-2026\"",
		"\"29-02-2024\"", "\"29-02-2025\"",
	};
	char		num[32];
	uint32_t	i, n;

	puts_(b, "{");
	if (kind == OCC_REQ_BATCH) {
		puts_(b, "\"tag_spools\":[");
		n = 1 + rnd(rnd(8) == 0 ? 60 : 5);
		for (i = 0; i < n; i++) {
			if (i > 0)
				puts_(b, ",");
			if (rnd(10) == 0) {
				gen_string(b);
			} else {
				snprintf(num, sizeof(num), "\"MK-%u\"",
				    rnd(80));
				puts_(b, num);
			}
		}
		puts_(b, "]");
	} else {
		puts_(b, "\"tag_spool\":");
		if (rnd(4) == 0)
			gen_string(b);
		else
			puts_(b, "\"MK-1335-CW-25238-011\"");
	}
	snprintf(num, sizeof(num), ",\"worker_id\":%u", 1 + rnd(200));
	puts_(b, rnd(10) == 0 ? ",\"worker_id\":\"9\"" : num);
	if (rnd(2) == 0) {
		puts_(b, ",\"worker_nombre\":");
		gen_string(b);
	}
	/* The tablet sends no operacion on COMPLETAR. */
	if (rnd(4) != 0) {
		puts_(b, ",\"operacion\":");
		puts_(b, ops[rnd(NELEM(ops))]);
	}
	if (rnd(4) != 0) {
		puts_(b, ",\"fecha_operacion\":");
		puts_(b, fechas[rnd(NELEM(fechas))]);
	}
	if (rnd(3) == 0) {
		puts_(b, ",\"extra\":");
		gen_value(b, 1);
	}
	puts_(b, "}");
}

/* Byte-level damage to a body. */
static void
mutate(struct buf *b)
{
	uint32_t	k = 1 + rnd(4), i, at, n;
	char		c;

	for (i = 0; i < k && b->len > 0; i++) {
		at = rnd((uint32_t)b->len);
		switch (rnd(5)) {
		case 0:				/* flip a byte */
			b->p[at] = (char)rnd(256);
			break;
		case 1:				/* cut the tail */
			b->len = at;
			b->p[at] = '\0';
			break;
		case 2:				/* delete a range */
			n = rnd((uint32_t)(b->len - at) + 1);
			memmove(b->p + at, b->p + at + n, b->len - at - n + 1);
			b->len -= n;
			break;
		case 3:				/* insert a byte */
			c = (char)rnd(256);
			put(b, "x", 1);
			memmove(b->p + at + 1, b->p + at, b->len - at - 1);
			b->p[at] = c;
			break;
		default:			/* repeat a slice */
			n = rnd((uint32_t)(b->len - at) + 1);
			if (n > 64)
				n = 64;
			{
				char	tmp[64];

				memcpy(tmp, b->p + at, n);
				put(b, tmp, n);
			}
			break;
		}
	}
}

/* Accepted means every promise of the header holds. */
static void
check_accepted(enum occ_request_kind kind, const struct occ_request *r,
    const char *body)
{
	size_t	i, j;

	if (r->worker_id <= 0 || r->worker_id > WORKER_ID_MAX ||
	    (unsigned int)r->op >= OPERACION_COUNT)
		fail_msg("bad accept: %s", body);
	if (!r->has_operacion && r->op != 0)
		fail_msg("op without operacion: %s", body);
	if (r->has_fecha && (kind != OCC_REQ_COMPLETAR ||
	    !civil_valid(&r->fecha) || r->fecha.has_time))
		fail_msg("bad fecha: %s", body);
	if (r->has_worker_nombre && (strlen(r->worker_nombre) >
	    OCC_REQ_NOMBRE_MAX || !utf8_valid(r->worker_nombre,
	    strlen(r->worker_nombre))))
		fail_msg("bad nombre: %s", body);
	if (kind != OCC_REQ_BATCH) {
		if (!spool_tag_valid(r->tag_spool, strlen(r->tag_spool)))
			fail_msg("bad tag: %s", body);
		return;
	}
	if (r->ntags < 1 || r->ntags > OCC_REQ_BATCH_MAX)
		fail_msg("bad tag count: %s", body);
	for (i = 0; i < r->ntags; i++) {
		if (!spool_tag_valid(r->tags[i], strlen(r->tags[i])))
			fail_msg("bad tag: %s", body);
		for (j = 0; j < i; j++)
			if (strcmp(r->tags[i], r->tags[j]) == 0)
				fail_msg("repeated tag: %s", body);
	}
}

static void
check_refused(const struct occ_request_errors *e)
{
	yajl_val	v, d;
	const char	*path[] = { "detail", NULL };

	if (e->n == 0 || e->n > OCC_REQ_ERRORS_MAX)
		fail_msg("refused with %zu errors", e->n);
	v = body_422(e);
	d = yajl_tree_get(v, path, yajl_t_array);
	assert_non_null(d);
	assert_int_equal(d->u.array.len, e->n);
	yajl_tree_free(v);
}

static void
test_fuzz(void **state)
{
	static const char *const seeds[] = {
		"{\"tag_spool\":\"MK-1335-CW-25238-011\",\"worker_id\":93,"
		    "\"worker_nombre\":\"MR(93)\",\"operacion\":\"ARM\"}",
		"{\"tag_spool\":\"MK-1\",\"worker_id\":5,"
		    "\"operacion\":\"SOLD\","
		    "\"fecha_operacion\":\"2026-02-03\"}",
		"{\"tag_spools\":[\"MK-1\",\"MK-2\",\"MK-3\"],\"worker_id\":7,"
		    "\"operacion\":\"ARM\"}",
	};
	struct occ_request		r;
	struct occ_request_errors	e;
	struct buf			b = { NULL, 0, 0 };
	enum occ_request_kind		kind;
	size_t				i, accepts = 0, refusals = 0, n;

	(void)state;
	for (i = 0; i < 30000; i++) {
		b.len = 0;
		kind = (enum occ_request_kind)(i % 3);
		switch (i % 7) {
		case 0:
		case 1:
			puts_(&b, seeds[rnd(NELEM(seeds))]);
			mutate(&b);
			break;
		case 6:
			gen_plausible(&b, kind);
			if (rnd(4) == 0)
				mutate(&b);
			break;
		case 2:
		case 3:
			gen_body(&b);
			if (rnd(3) == 0)
				mutate(&b);
			break;
		case 4:
			gen_value(&b, 0);
			break;
		default:
			/* Deep nesting of random brackets, or noise. */
			n = 1 + rnd(rnd(4) == 0 ? 200000 : 100);
			while (n-- > 0) {
				char	c = rnd(2) ? "[{\"a\":"[rnd(6)] :
				    (char)rnd(256);

				put(&b, &c, 1);
			}
			break;
		}
		if (b.p == NULL)
			puts_(&b, "");
		if (parse_exact(kind, b.p, b.len, &r, &e) == 0) {
			check_accepted(kind, &r, b.p);
			accepts++;
		} else {
			check_refused(&e);
			refusals++;
		}
	}
	free(b.p);
	/* The generator reaches both outcomes, or it tests nothing. */
	assert_true(accepts > 1000);
	assert_true(refusals > 10000);
	print_message("fuzz: %zu accepted, %zu refused\n", accepts, refusals);
}

/* lock_token: optional, the holder's proof; never in batch-tomar. */
static void
test_lock_token(void **state)
{
	struct occ_request	r;
	char			body[512];

	(void)state;
	accepted(OCC_REQ_SINGLE, "{\"tag_spool\":\"MK-1\",\"worker_id\":93,"
	    "\"operacion\":\"ARM\"}", &r);
	assert_string_equal(r.lock_token, "");
	accepted(OCC_REQ_SINGLE, "{\"tag_spool\":\"MK-1\",\"worker_id\":93,"
	    "\"operacion\":\"ARM\",\"lock_token\":null}", &r);
	assert_string_equal(r.lock_token, "");
	accepted(OCC_REQ_COMPLETAR, "{\"tag_spool\":\"MK-1\",\"worker_id\":93,"
	    "\"operacion\":\"ARM\",\"fecha_operacion\":null,"
	    "\"lock_token\":\"00112233445566778899aabbccddeeff\"}", &r);
	assert_string_equal(r.lock_token, "00112233445566778899aabbccddeeff");
	/* The last member, the number before it: bounded by its length. */
	accepted(OCC_REQ_SINGLE, "{\"lock_token\":\"t\",\"tag_spool\":\"MK-1\","
	    "\"operacion\":\"ARM\",\"worker_id\":93}", &r);
	assert_string_equal(r.lock_token, "t");

	refused(OCC_REQ_SINGLE, "{\"tag_spool\":\"MK-1\",\"worker_id\":93,"
	    "\"operacion\":\"ARM\",\"lock_token\":5}", "lock_token",
	    "type_error.str");
	refused(OCC_REQ_SINGLE, "{\"tag_spool\":\"MK-1\",\"worker_id\":93,"
	    "\"operacion\":\"ARM\",\"lock_token\":\"\"}", "lock_token",
	    "value_error");
	refused(OCC_REQ_SINGLE, "{\"tag_spool\":\"MK-1\",\"worker_id\":93,"
	    "\"operacion\":\"ARM\",\"lock_token\":\"a\\nb\"}", "lock_token",
	    "value_error");
	refused(OCC_REQ_SINGLE, "{\"tag_spool\":\"MK-1\",\"worker_id\":93,"
	    "\"operacion\":\"ARM\",\"lock_token\":\"a\",\"lock_token\":\"b\"}",
	    "lock_token", "value_error");
	snprintf(body, sizeof(body), "{\"tag_spool\":\"MK-1\",\"worker_id\":93,"
	    "\"operacion\":\"ARM\",\"lock_token\":\"%0129d\"}", 0);
	refused(OCC_REQ_SINGLE, body, "lock_token", "value_error");
	snprintf(body, sizeof(body), "{\"tag_spool\":\"MK-1\",\"worker_id\":93,"
	    "\"operacion\":\"ARM\",\"lock_token\":\"%0128d\"}", 0);
	accepted(OCC_REQ_SINGLE, body, &r);
	assert_int_equal(strlen(r.lock_token), 128);
	/* batch-tomar takes no token: an unknown field, ignored. */
	accepted(OCC_REQ_BATCH, "{\"tag_spools\":[\"MK-1\"],\"worker_id\":93,"
	    "\"operacion\":\"ARM\",\"lock_token\":5}", &r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_last_token_bounded),
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_optional),
		cmocka_unit_test(test_types_and_limits),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_structure),
		cmocka_unit_test(test_batch),
		cmocka_unit_test(test_422_body),
		cmocka_unit_test(test_fuzz),
		cmocka_unit_test(test_lock_token),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
