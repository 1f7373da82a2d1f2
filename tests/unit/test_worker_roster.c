/*
 * Unit tests for lib/floor/worker_roster.c, on tables built the way the cache
 * builds them: from a parsed values.batchGet response.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json_out.h"
#include "nelem.h"
#include "sheet_table.h"
#include "sheets_codec.h"
#include "worker_roster.h"

static const struct sheets_limits	limits = SHEETS_LIMITS_DEFAULT_INIT;

static struct sheet_table *
table_from(const char *body)
{
	struct sheets_value_ranges	 vrs;
	struct sheet_table		*t;
	char				 err[128];

	if (sheets_parse_batch_get(body, strlen(body), &limits, &vrs, err,
	    sizeof(err)) == -1)
		fail_msg("%s", err);
	assert_non_null(t = sheet_table_new(&vrs.ranges[0]));
	sheets_value_ranges_free(&vrs);
	return (t);
}

/* Columns in another order than data.md's, with one more in between. */
static const char	trabajadores[] =
    "{\"valueRanges\":[{\"range\":\"Trabajadores!A1:F9\",\"values\":["
    "[\"Activo\",\"Nombre\",\"Notas\",\"Apellido\",\"ID\",\"Rol\"],"
    "[\"TRUE\",\"Mauricio\",\"\",\"Rodriguez\",\"93\",\"Armador\"],"
    "[\"FALSE\",\"Gonzalo\",\"\",\"Castro\",\"81\",\"Soldador\"],"
    "[\"s\\u00ed\",\"\\u00e1ngel \",\"\",\"\\u00f1u\\u00f1ez\",\"5\","
    "\"Metrolog\\u00eda\"],"
    "[\"TRUE\",\"Nadie\",\"\",\"Sin Id\",\"abc\",\"Armador\"],"
    "[\"TRUE\",\"Otro\",\"\",\"Repetido\",\"93\",\"Ayudante\"],"
    "[\"verdadero\",\"Juan Pablo\",\"\",\"de la Fuente\",\" 7 \","
    "\"Ayudante\"],"
    "[],"
    "[\"Activo\",\"  \\u0141ukasz\",\"\",\"\",\"12\","
    "\"Armador / Soldador\"]"
    "]}]}";

static const char	roles[] =
    "{\"valueRanges\":[{\"range\":\"Roles!A1:C10\",\"values\":["
    "[\"Id\",\"Rol\",\"Activo\"],"
    "[\"93\",\"Armador\",\"TRUE\"],"
    "[\"93\",\"Ayudante\",\"TRUE\"],"
    "[\"93\",\"Soldador\",\"FALSE\"],"
    "[\"93\",\" ayudante \",\"TRUE\"],"
    "[\"5\",\"Metrologia\",\"TRUE\"],"
    "[\"999\",\"Armador\",\"TRUE\"],"
    "[\"81\",\"Soldador\",\"TRUE\"],"
    "[\"7\",\"Soldador\",\"1\"]"
    "]}]}";

static struct worker_roster *
build(void)
{
	struct sheet_table	*t, *r;
	struct worker_roster	*wr;
	char			 err[128];

	t = table_from(trabajadores);
	r = table_from(roles);
	wr = worker_roster_build(t, r, err, sizeof(err));
	if (wr == NULL)
		fail_msg("%s", err);
	/* The roster keeps copies: the tables may go. */
	sheet_table_free(t);
	sheet_table_free(r);
	return (wr);
}

static void
test_build_and_find(void **state)
{
	struct worker_roster		*wr = build();
	const struct roster_worker	*w;

	(void)state;
	/* "abc" and the second 93 are left out; the blank row is ignored. */
	assert_int_equal(worker_roster_count(wr), 5);
	assert_int_equal(worker_roster_skipped(wr), 2);

	assert_non_null(w = worker_roster_find(wr, 93));
	assert_int_equal(w->who.id, 93);
	assert_string_equal(w->nombre, "Mauricio");
	assert_string_equal(w->apellido, "Rodriguez");
	assert_string_equal(w->rol, "Armador");
	assert_string_equal(w->who.nombre_completo, "MR(93)");
	assert_int_equal(w->who.activo, 1);
	/* Active rows only, in order, each role once. */
	assert_int_equal(w->nroles, 2);
	assert_string_equal(w->roles[0], "Armador");
	assert_string_equal(w->roles[1], "Ayudante");

	assert_non_null(w = worker_roster_find(wr, 5));
	assert_string_equal(w->nombre, "\xc3\xa1ngel");
	assert_string_equal(w->who.nombre_completo, "\xc3\x81\xc3\x91(5)");
	assert_int_equal(w->who.activo, 1);
	assert_non_null(w = worker_roster_find(wr, 81));
	assert_int_equal(w->who.activo, 0);
	assert_non_null(w = worker_roster_find(wr, 7));
	assert_string_equal(w->who.nombre_completo, "JD(7)");
	/* Not in Roles: the roles come from Rol ("Armador / Soldador"). */
	assert_non_null(w = worker_roster_find(wr, 12));
	assert_int_equal(w->who.activo, 1);
	assert_int_equal(w->nroles, 2);
	assert_string_equal(w->roles[0], "Armador");
	assert_string_equal(w->roles[1], "Soldador");
	assert_null(worker_roster_find(wr, 999));
	assert_null(worker_roster_find(wr, 0));
	assert_int_equal(worker_roster_at(wr, 0)->who.id, 93);
	assert_null(worker_roster_at(wr, 5));
	worker_roster_free(wr);
}

/* The role bits are worker_identity's verdict, Roles over Rol. */
static void
test_roles(void **state)
{
	struct worker_roster		*wr = build();
	const struct roster_worker	*w;

	(void)state;
	w = worker_roster_find(wr, 93);
	/* Soldador is switched off in Roles, and stays off. */
	assert_int_equal(w->who.roles, WORKER_ROLE_ARMADOR |
	    WORKER_ROLE_AYUDANTE);
	assert_true(worker_role_allows(w->who.roles, OPERACION_ARM));
	assert_false(worker_role_allows(w->who.roles,
	    OPERACION_METROLOGIA));
	w = worker_roster_find(wr, 5);
	assert_true(worker_role_allows(w->who.roles, OPERACION_METROLOGIA));
	assert_int_equal(w->nroles, 1);
	assert_string_equal(w->roles[0], "Metrologia");
	/* Roles lists 7 as Soldador only: Rol's Ayudante does not count. */
	w = worker_roster_find(wr, 7);
	assert_int_equal(w->who.roles, WORKER_ROLE_SOLDADOR);
	assert_int_equal(w->nroles, 1);
	w = worker_roster_find(wr, 12);
	assert_int_equal(w->who.roles, WORKER_ROLE_ARMADOR |
	    WORKER_ROLE_SOLDADOR);
	worker_roster_free(wr);
}

static void
test_json(void **state)
{
	static const char	 want[] = "{\"workers\":["
	    "{\"id\":93,\"nombre\":\"Mauricio\",\"apellido\":\"Rodriguez\","
	    "\"rol\":\"Armador\",\"roles\":[\"Armador\",\"Ayudante\"],"
	    "\"activo\":true,\"nombre_completo\":\"MR(93)\"},"
	    "{\"id\":5,\"nombre\":\"\xc3\xa1ngel\",\"apellido\":"
	    "\"\xc3\xb1u\xc3\xb1" "ez\",\"rol\":\"Metrolog\xc3\xad" "a\","
	    "\"roles\":[\"Metrologia\"],\"activo\":true,\"nombre_completo\":"
	    "\"\xc3\x81\xc3\x91(5)\"},"
	    "{\"id\":7,\"nombre\":\"Juan Pablo\",\"apellido\":\"de la "
	    "Fuente\",\"rol\":\"Ayudante\",\"roles\":[\"Soldador\"],"
	    "\"activo\":true,\"nombre_completo\":\"JD(7)\"},"
	    "{\"id\":12,\"nombre\":\"\xc5\x81ukasz\",\"apellido\":\"\","
	    "\"rol\":\"Armador / Soldador\",\"roles\":[\"Armador\","
	    "\"Soldador\"],\"activo\":true,"
	    "\"nombre_completo\":\"\xc5\x81(12)\"}"
	    "],\"total\":4}";
	struct worker_roster	*wr = build();
	yajl_gen		 g;
	const char		*text;
	size_t			 len;

	(void)state;
	assert_non_null(g = json_out_new());
	worker_roster_write_json(wr, g);
	text = json_out_text(g, &len);
	assert_string_equal(text, want);
	assert_int_equal(len, strlen(want));
	yajl_gen_free(g);
	worker_roster_free(wr);
}

/* GET /api/workers/{id}/roles: the same names; none when inactive. */
static void
test_roles_json(void **state)
{
	static const struct {
		long long	 id;
		const char	*want;
	} cases[] = {
		{ 93, "{\"worker_id\":93,\"roles\":[\"Armador\",\"Ayudante\"]}" },
		{ 12, "{\"worker_id\":12,\"roles\":[\"Armador\",\"Soldador\"]}" },
		{ 81, "{\"worker_id\":81,\"roles\":[]}" },
	};
	struct worker_roster	*wr = build();
	yajl_gen		 g;
	size_t			 i, len;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		assert_non_null(g = json_out_new());
		worker_roster_write_roles(worker_roster_find(wr, cases[i].id),
		    g);
		assert_string_equal(json_out_text(g, &len), cases[i].want);
		yajl_gen_free(g);
	}
	worker_roster_free(wr);
}

static void
test_missing_columns(void **state)
{
	struct sheet_table	*t, *r;
	struct worker_roster	*wr;
	char			 err[128];

	(void)state;
	t = table_from("{\"valueRanges\":[{\"range\":\"T!A1:C2\",\"values\":["
	    "[\"Id\",\"Nombre\",\"Apellido\",\"Rol\"],[\"1\",\"A\",\"B\"]]}]}");
	assert_null(worker_roster_build(t, NULL, err, sizeof(err)));
	assert_string_equal(err, "Trabajadores has no column 'Activo'");
	sheet_table_free(t);

	t = table_from(trabajadores);
	r = table_from("{\"valueRanges\":[{\"range\":\"R!A1:B2\",\"values\":["
	    "[\"Id\",\"Rol\"],[\"93\",\"Armador\"]]}]}");
	assert_null(worker_roster_build(t, r, err, sizeof(err)));
	assert_string_equal(err, "Roles has no column 'Activo'");
	sheet_table_free(r);

	/* Without Roles every worker has the roles of its Rol. */
	assert_non_null(wr = worker_roster_build(t, NULL, err, sizeof(err)));
	assert_int_equal(worker_roster_find(wr, 93)->nroles, 1);
	assert_int_equal(worker_roster_find(wr, 93)->who.roles,
	    WORKER_ROLE_ARMADOR);
	worker_roster_free(wr);
	sheet_table_free(t);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_build_and_find),
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_roles_json),
		cmocka_unit_test(test_missing_columns),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
