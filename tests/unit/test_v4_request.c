/*
 * Unit tests for lib/floor/v4_request.c: what the deployed frontend sends
 * to INICIAR and FINALIZAR (frontend.md R7, R8, §7 items 4, 5, 15) is
 * accepted - n_union integers, numeric strings, "{OT}+{n}" ids, repeats,
 * worker_nombre and fecha_operacion - and wrong types are a 422 whose body
 * is api.md §1's, naming the element.
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
#include "v4_request.h"

/* Parsed from a heap block of exactly len bytes (no NUL after it). */
static int
parse(enum v4_request_kind kind, const char *body, struct v4_request *r,
    struct occ_request_errors *e)
{
	size_t	 len = strlen(body);
	char	*copy;
	int	 rc;

	copy = malloc(len > 0 ? len : 1);
	assert_non_null(copy);
	memcpy(copy, body, len);
	rc = v4_request_parse(kind, copy, len, r, e);
	free(copy);
	return (rc);
}

static void
refused(enum v4_request_kind kind, const char *body, const char *field,
    long index)
{
	struct v4_request		r;
	struct occ_request_errors	e;
	size_t				i;

	if (parse(kind, body, &r, &e) == 0)
		fail_msg("accepted: %s", body);
	assert_true(e.n > 0);
	for (i = 0; i < e.n; i++) {
		if ((field == NULL ? e.e[i].field == NULL : e.e[i].field !=
		    NULL && strcmp(e.e[i].field, field) == 0) &&
		    e.e[i].index == index)
			return;
	}
	fail_msg("%s: no error on %s[%ld] (first: %s %s)", body,
	    field != NULL ? field : "body", index, e.e[0].field != NULL ?
	    e.e[0].field : "body", e.e[0].msg);
}

#define FIN(unions) "{\"tag_spool\":\"MK-1\",\"worker_id\":93," \
	"\"worker_nombre\":\"MR(93)\",\"operacion\":\"ARM\"," \
	"\"selected_unions\":" unions ",\"fecha_operacion\":\"2026-02-03\"}"

static void
test_frontend_bodies(void **state)
{
	struct v4_request		r;
	struct occ_request_errors	e;

	(void)state;
	/* R7: raw initials, not upper-cased; accepted, only logged later. */
	assert_int_equal(parse(V4_REQ_INICIAR, "{\"tag_spool\":\"MK-1\","
	    "\"worker_id\":93,\"worker_nombre\":\"mr(93)\","
	    "\"operacion\":\"SOLD\"}", &r, &e), 0);
	assert_string_equal(r.base.tag_spool, "MK-1");
	assert_int_equal(r.base.worker_id, 93);
	assert_int_equal(r.base.op, OPERACION_SOLD);
	assert_string_equal(r.base.worker_nombre, "mr(93)");
	assert_int_equal(r.nunions, 0);

	/* R8: ints in tick order, repeats from sessionStorage. */
	assert_int_equal(parse(V4_REQ_FINALIZAR, FIN("[5,1,2,5,1]"), &r, &e),
	    0);
	assert_int_equal(r.nunions, 3);
	assert_int_equal(r.unions[0].n_union, 5);
	assert_int_equal(r.unions[1].n_union, 1);
	assert_int_equal(r.unions[2].n_union, 2);
	assert_false(r.unions[0].has_ot);
	assert_true(r.has_fecha);
	assert_string_equal(r.fecha, "2026-02-03");

	/* "Liberar Spool". */
	assert_int_equal(parse(V4_REQ_FINALIZAR, FIN("[]"), &r, &e), 0);
	assert_int_equal(r.nunions, 0);
}

static void
test_union_forms(void **state)
{
	struct v4_request		r;
	struct occ_request_errors	e;

	(void)state;
	assert_int_equal(parse(V4_REQ_FINALIZAR,
	    FIN("[\"3\",\"OT-123+4\",\"OT+1+20\",\"OT-123+4\",\"007\"]"), &r,
	    &e), 0);
	assert_int_equal(r.nunions, 4);
	assert_int_equal(r.unions[0].n_union, 3);
	assert_false(r.unions[0].has_ot);
	assert_int_equal(r.unions[1].n_union, 4);
	assert_true(r.unions[1].has_ot);
	assert_string_equal(r.unions[1].ot, "OT-123");
	/* An OT with a '+' of its own: the id splits at the last one. */
	assert_int_equal(r.unions[2].n_union, 20);
	assert_string_equal(r.unions[2].ot, "OT+1");
	assert_int_equal(r.unions[3].n_union, 7);

	/* "4" and "OT-123+4" stay apart here; the rules join them. */
	assert_int_equal(parse(V4_REQ_FINALIZAR, FIN("[4,\"OT-123+4\"]"), &r,
	    &e), 0);
	assert_int_equal(r.nunions, 2);

	/* fecha_operacion null or absent; worker_nombre absent. */
	assert_int_equal(parse(V4_REQ_FINALIZAR, "{\"tag_spool\":\"MK-1\","
	    "\"worker_id\":1,\"operacion\":\"ARM\",\"selected_unions\":[1],"
	    "\"fecha_operacion\":null,\"extra\":{\"a\":[1]}}", &r, &e), 0);
	assert_false(r.has_fecha);
	assert_false(r.base.has_worker_nombre);
}

static void
test_wrong_types(void **state)
{
	(void)state;
	refused(V4_REQ_FINALIZAR, FIN("[1,2.5]"), "selected_unions", 1);
	refused(V4_REQ_FINALIZAR, FIN("[0]"), "selected_unions", 0);
	refused(V4_REQ_FINALIZAR, FIN("[-3]"), "selected_unions", 0);
	refused(V4_REQ_FINALIZAR, FIN("[1e1]"), "selected_unions", 0);
	refused(V4_REQ_FINALIZAR, FIN("[true]"), "selected_unions", 0);
	refused(V4_REQ_FINALIZAR, FIN("[null]"), "selected_unions", 0);
	refused(V4_REQ_FINALIZAR, FIN("[1,[2]]"), "selected_unions", 1);
	refused(V4_REQ_FINALIZAR, FIN("[{\"n\":1}]"), "selected_unions", 0);
	refused(V4_REQ_FINALIZAR, FIN("[\"\"]"), "selected_unions", 0);
	refused(V4_REQ_FINALIZAR, FIN("[\"abc\"]"), "selected_unions", 0);
	refused(V4_REQ_FINALIZAR, FIN("[\"OT+\"]"), "selected_unions", 0);
	refused(V4_REQ_FINALIZAR, FIN("[\"+5\"]"), "selected_unions", 0);
	refused(V4_REQ_FINALIZAR, FIN("[\"OT+5a\"]"), "selected_unions", 0);
	refused(V4_REQ_FINALIZAR, FIN("[\" 5\"]"), "selected_unions", 0);
	refused(V4_REQ_FINALIZAR, FIN("[99999]"), "selected_unions", 0);
	refused(V4_REQ_FINALIZAR, FIN("\"1,2\""), "selected_unions", -1);
	refused(V4_REQ_FINALIZAR, FIN("5"), "selected_unions", -1);
	refused(V4_REQ_FINALIZAR, FIN("null"), "selected_unions", -1);
	refused(V4_REQ_FINALIZAR, FIN("{}"), "selected_unions", -1);
	refused(V4_REQ_FINALIZAR, "{\"tag_spool\":\"MK-1\",\"worker_id\":1,"
	    "\"operacion\":\"ARM\"}", "selected_unions", -1);
	refused(V4_REQ_FINALIZAR, "{\"tag_spool\":\"MK-1\",\"worker_id\":1,"
	    "\"operacion\":\"ARM\",\"selected_unions\":[],"
	    "\"fecha_operacion\":20260203}", "fecha_operacion", -1);
	/* The common fields: occupation_request.h's checks. */
	refused(V4_REQ_INICIAR, "{\"tag_spool\":\"MK-1\",\"worker_id\":\"93\","
	    "\"operacion\":\"ARM\"}", "worker_id", -1);
	refused(V4_REQ_INICIAR, "{\"worker_id\":93,\"operacion\":\"ARM\"}",
	    "tag_spool", -1);
	refused(V4_REQ_FINALIZAR, "{\"worker_id\":93,\"operacion\":\"ARM\","
	    "\"selected_unions\":[true]}", "selected_unions", 0);
	refused(V4_REQ_FINALIZAR, "{\"tag_spool\":\"MK-1\"", NULL, -1);
	refused(V4_REQ_FINALIZAR, "[1,2]", NULL, -1);
}

static void
test_too_many_and_the_422_body(void **state)
{
	struct v4_request		r;
	struct occ_request_errors	e;
	char				body[4096], *text;
	size_t				i, off, len;
	yajl_val			j, d;
	yajl_gen			g;

	(void)state;
	off = (size_t)snprintf(body, sizeof(body), "{\"tag_spool\":\"MK-1\","
	    "\"worker_id\":1,\"operacion\":\"ARM\",\"selected_unions\":[");
	for (i = 1; i <= 65; i++)
		off += (size_t)snprintf(body + off, sizeof(body) - off, "%s%zu",
		    i > 1 ? "," : "", i);
	snprintf(body + off, sizeof(body) - off, "]}");
	refused(V4_REQ_FINALIZAR, body, "selected_unions", -1);
	/* 64 distinct and repeats of them are fine. */
	off = (size_t)snprintf(body, sizeof(body), "{\"tag_spool\":\"MK-1\","
	    "\"worker_id\":1,\"operacion\":\"ARM\",\"selected_unions\":[");
	for (i = 0; i < 128; i++)
		off += (size_t)snprintf(body + off, sizeof(body) - off, "%s%zu",
		    i > 0 ? "," : "", 1 + i % 64);
	snprintf(body + off, sizeof(body) - off, "]}");
	assert_int_equal(parse(V4_REQ_FINALIZAR, body, &r, &e), 0);
	assert_int_equal(r.nunions, 64);

	assert_int_equal(parse(V4_REQ_FINALIZAR, FIN("[1,\"x\"]"), &r, &e),
	    -1);
	g = json_out_new();
	occ_request_errors_write(g, &e);
	text = strdup(json_out_text(g, &len));
	yajl_gen_free(g);
	j = yajl_tree_parse(text, NULL, 0);
	assert_non_null(j);
	{
		const char *p1[] = { "error", NULL }, *p2[] = { "detail", NULL };
		const char *p3[] = { "success", NULL };

		assert_string_equal(YAJL_GET_STRING(yajl_tree_get(j, p1,
		    yajl_t_string)), "VALIDATION_ERROR");
		assert_true(YAJL_IS_FALSE(yajl_tree_get(j, p3, yajl_t_any)));
		d = yajl_tree_get(j, p2, yajl_t_array);
		assert_non_null(d);
		assert_int_equal(YAJL_GET_ARRAY(d)->len, 1);
	}
	assert_non_null(strstr(text, "[\"body\",\"selected_unions\",1]"));
	yajl_tree_free(j);
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frontend_bodies),
		cmocka_unit_test(test_union_forms),
		cmocka_unit_test(test_wrong_types),
		cmocka_unit_test(test_too_many_and_the_422_body),
	};

	return (cmocka_run_group_tests_name("v4_request", tests, NULL, NULL));
}
