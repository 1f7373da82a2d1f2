/*
 * Unit tests for lib/floor/worker_identity.c: the "MR(93)" label with accents
 * (precomposed and combining), the id read back, role names and Activo
 * cells as people type them, the role table of data.md §3, and a worker
 * found in Trabajadores + Roles the way the adapter reads them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "nelem.h"
#include "sheet_table.h"
#include "sheets_codec.h"
#include "worker_identity.h"

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
	t = sheet_table_new(&vrs.ranges[0]);
	assert_non_null(t);
	sheets_value_ranges_free(&vrs);
	return (t);
}

static void
test_nombre_completo(void **state)
{
	static const struct {
		const char	*nombre;
		const char	*apellido;
		long long	 id;
		const char	*want;
	} cases[] = {
		{ "Mauricio", "Rodriguez", 93, "MR(93)" },
		{ "Ángel", "Núñez", 7,
		    "ÁN(7)" },				/* ÁN(7) */
		{ "ángel", "ñuñez", 7,
		    "ÁÑ(7)" },			/* ÁÑ(7) */
		{ "Juan Pablo", "de la Fuente", 5, "JD(5)" },
		{ "  maría", "\xc2\xa0josé", 12, "MJ(12)" },
		/* A combining accent stays with its letter. */
		{ "A\xcc\x81ngel", "Soto", 8, "A\xcc\x81S(8)" },
		{ "łukasz", "żak", 9,
		    "ŁŻ(9)" },			/* ŁŻ */
		{ "ÿ", "ı", 10, "ŸI(10)" },	/* ŸI */
		{ "ça", "ø", 11, "ÇØ(11)" },
		{ "Mauricio", "", 93, "M(93)" },
		{ "", "", 93, "(93)" },
		{ "mauricio", "rodriguez", WORKER_ID_MAX,
		    "MR(999999999999999999)" },
	};
	char	out[WORKER_NOMBRE_MAX];
	size_t	i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		assert_int_equal(worker_nombre_completo(cases[i].nombre,
		    cases[i].apellido, cases[i].id, out), 0);
		assert_string_equal(out, cases[i].want);
		if (worker_id_from_nombre(out) != cases[i].id)
			fail_msg("id of '%s'", out);
	}
	assert_int_equal(worker_nombre_completo(NULL, NULL, 4, out), 0);
	assert_string_equal(out, "(4)");
	assert_int_equal(worker_nombre_completo("Ana", "Paz", 0, out), -1);
	assert_int_equal(worker_nombre_completo("Ana", "Paz", -3, out), -1);
	assert_int_equal(worker_nombre_completo("Ana", "Paz",
	    WORKER_ID_MAX + 1, out), -1);
	assert_int_equal(worker_nombre_completo("\xc0\x80", "Paz", 3, out),
	    -1);
	assert_int_equal(worker_nombre_completo("Ana", "P\xed\xa0\x80", 3,
	    out), -1);
}

static void
test_id_from_nombre(void **state)
{
	static const struct {
		const char	*in;
		long long	 id;
	} cases[] = {
		{ "MR(93)", 93 }, { "MR(93)  ", 93 }, { "ÁN(7)", 7 },
		{ "(12)", 12 }, { "Mauricio Rodriguez (93)", 93 },
		{ "MR(999999999999999999)", 999999999999999999LL },
		{ "MR(93)x", -1 }, { "MR()", -1 }, { "MR(0)", -1 },
		{ "MR(9a3)", -1 }, { "93", -1 }, { "MR(93", -1 },
		{ "MR93)", -1 }, { "", -1 }, { ")", -1 }, { "()", -1 },
		{ "MR(1234567890123456789)", -1 }, { "MR(-5)", -1 },
	};
	size_t	i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		if (worker_id_from_nombre(cases[i].in) != cases[i].id)
			fail_msg("'%s'", cases[i].in);
	}
	assert_int_equal(worker_id_cell(" 93 "), 93);
	assert_int_equal(worker_id_cell("93"), 93);
	assert_int_equal(worker_id_cell("0"), -1);
	assert_int_equal(worker_id_cell("93.0"), -1);
	assert_int_equal(worker_id_cell(""), -1);
	assert_int_equal(worker_id_cell("9 3"), -1);
}

static void
test_operacion(void **state)
{
	enum operacion	op;

	(void)state;
	assert_int_equal(operacion_parse("ARM", &op), 0);
	assert_int_equal(op, OPERACION_ARM);
	assert_int_equal(operacion_parse("SOLD", &op), 0);
	assert_int_equal(op, OPERACION_SOLD);
	assert_int_equal(operacion_parse("METROLOGIA", &op), 0);
	assert_int_equal(op, OPERACION_METROLOGIA);
	assert_int_equal(operacion_parse("REPARACION", &op), 0);
	assert_int_equal(op, OPERACION_REPARACION);
	assert_int_equal(operacion_parse("arm", &op), -1);
	assert_int_equal(operacion_parse("ARM ", &op), -1);
	assert_int_equal(operacion_parse("", &op), -1);
	assert_string_equal(operacion_name(OPERACION_SOLD), "SOLD");
	assert_string_equal(operacion_name(OPERACION_COUNT), "");
}

static void
test_roles(void **state)
{
	static const struct {
		const char	*in;
		unsigned int	 role;
	} names[] = {
		{ "Armador", WORKER_ROLE_ARMADOR },
		{ "ARMADOR", WORKER_ROLE_ARMADOR },
		{ " armador ", WORKER_ROLE_ARMADOR },
		{ "Soldador", WORKER_ROLE_SOLDADOR },
		{ "ayudante", WORKER_ROLE_AYUDANTE },
		{ "Metrologia", WORKER_ROLE_METROLOGIA },
		{ "Metrología", WORKER_ROLE_METROLOGIA },
		{ "METROLOGÍA", WORKER_ROLE_METROLOGIA },
		{ "Metrologi\xcc\x81" "a", WORKER_ROLE_METROLOGIA },
		{ "Supervisor", 0 }, { "", 0 }, { "Armadores", 0 },
	};
	/* roles mask -> allowed for ARM, SOLD, METROLOGIA, REPARACION */
	static const struct {
		unsigned int	roles;
		int		allows[OPERACION_COUNT];
	} table[] = {
		{ 0, { 0, 0, 0, 1 } },
		{ WORKER_ROLE_ARMADOR, { 1, 0, 0, 1 } },
		{ WORKER_ROLE_SOLDADOR, { 0, 1, 0, 1 } },
		{ WORKER_ROLE_AYUDANTE, { 1, 1, 0, 1 } },
		{ WORKER_ROLE_METROLOGIA, { 0, 0, 1, 1 } },
		{ WORKER_ROLE_ARMADOR | WORKER_ROLE_SOLDADOR, { 1, 1, 0, 1 } },
	};
	size_t	i;
	int	op;

	(void)state;
	for (i = 0; i < NELEM(names); i++) {
		if (worker_role_parse(names[i].in) != names[i].role)
			fail_msg("'%s'", names[i].in);
	}
	for (i = 0; i < NELEM(table); i++) {
		for (op = 0; op < OPERACION_COUNT; op++)
			assert_int_equal(worker_role_allows(table[i].roles,
			    (enum operacion)op), table[i].allows[op]);
	}
	assert_string_equal(worker_roles_required(OPERACION_ARM),
	    "Armador o Ayudante");
	assert_string_equal(worker_roles_required(OPERACION_SOLD),
	    "Soldador o Ayudante");
	assert_string_equal(worker_role_name(3), "Metrologia");
	assert_string_equal(worker_role_name(4), "");
}

static void
test_activo(void **state)
{
	static const struct {
		const char	*in;
		int		 v;
	} cases[] = {
		{ "TRUE", 1 }, { "true", 1 }, { "True", 1 }, { "1", 1 },
		{ "Sí", 1 }, { "SI", 1 }, { "si", 1 }, { "yes", 1 },
		{ "VERDADERO", 1 }, { " Activo ", 1 },
		{ "FALSE", 0 }, { "false", 0 }, { "0", 0 }, { "No", 0 },
		{ "FALSO", 0 }, { "inactivo", 0 },
		{ "", -1 }, { "  ", -1 }, { "maybe", -1 }, { "2", -1 },
		{ "TRUEX", -1 },
		{ "a very long value that is no boolean at all", -1 },
	};
	size_t	i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		if (worker_activo_parse(cases[i].in) != cases[i].v)
			fail_msg("'%s'", cases[i].in);
	}
}

static const char	trabajadores[] =
    "{\"valueRanges\":[{\"range\":\"Trabajadores!A1:F6\",\"values\":["
    "[\"Nombre\",\"Id\",\"Apellido\",\"Rol\",\"Activo\"],"
    "[\"Mauricio\",\"93\",\"Rodriguez\",\"Armador\",\"TRUE\"],"
    "[\"\\u00c1ngel\",\" 7 \",\"N\\u00fa\\u00f1ez\",\"Soldador\",\"TRUE\"],"
    "[\"Pedro\",\"12\",\"Soto\",\"Armador / Soldador\",\"FALSE\"],"
    "[\"Ana\",\"14\",\"Paz\",\"Metrologia\"],"
    "[\"Luis\",\"15\",\"Rojas\",\"Ayudante\",\"TRUE\"]"
    "]}]}";

static const char	roles[] =
    "{\"valueRanges\":[{\"range\":\"Roles!A1:C6\",\"values\":["
    "[\"Id\",\"Rol\",\"Activo\"],"
    "[\"93\",\"Armador\",\"TRUE\"],"
    "[\"93\",\"Soldador\",\"TRUE\"],"
    "[\"93\",\"Metrologia\",\"FALSE\"],"
    "[\"7\",\"Soldador\",\"FALSE\"],"
    "[\"7\",\"Ayudante\"]"
    "]}]}";

static void
test_lookup(void **state)
{
	struct sheet_table	*t, *r;
	struct worker		 w;

	(void)state;
	t = table_from(trabajadores);
	r = table_from(roles);

	/* Roles lists 93: its active rows, the inactive one left out. */
	assert_int_equal(worker_lookup(t, r, 93, &w), 0);
	assert_int_equal(w.id, 93);
	assert_string_equal(w.nombre_completo, "MR(93)");
	assert_true(w.activo);
	assert_int_equal(w.roles, WORKER_ROLE_ARMADOR | WORKER_ROLE_SOLDADOR);

	/* Listed with no active role: the sheet's word, not Trabajadores'. */
	assert_int_equal(worker_lookup(t, r, 7, &w), 0);
	assert_string_equal(w.nombre_completo, "ÁN(7)");
	assert_int_equal(w.roles, 0);

	/* Not in Roles: Trabajadores.Rol, a list read as several. */
	assert_int_equal(worker_lookup(t, r, 12, &w), 0);
	assert_false(w.activo);
	assert_int_equal(w.roles, WORKER_ROLE_ARMADOR | WORKER_ROLE_SOLDADOR);

	/* Activo missing: not active. */
	assert_int_equal(worker_lookup(t, r, 14, &w), 0);
	assert_false(w.activo);
	assert_int_equal(w.roles, WORKER_ROLE_METROLOGIA);

	/* No Roles sheet at all. */
	assert_int_equal(worker_lookup(t, NULL, 93, &w), 0);
	assert_int_equal(w.roles, WORKER_ROLE_ARMADOR);
	assert_int_equal(worker_lookup(t, NULL, 15, &w), 0);
	assert_int_equal(w.roles, WORKER_ROLE_AYUDANTE);

	assert_int_equal(worker_lookup(t, r, 99, &w), -1);
	assert_int_equal(worker_lookup(t, r, 0, &w), -1);
	assert_int_equal(worker_lookup(t, r, -1, &w), -1);

	sheet_table_free(t);
	/* Without an Id column nobody can be found. */
	t = table_from("{\"valueRanges\":[{\"range\":\"X!A1:B2\","
	    "\"values\":[[\"Nombre\"],[\"Ana\"]]}]}");
	assert_int_equal(worker_lookup(t, r, 93, &w), -1);
	sheet_table_free(t);
	sheet_table_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nombre_completo),
		cmocka_unit_test(test_id_from_nombre),
		cmocka_unit_test(test_operacion),
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_activo),
		cmocka_unit_test(test_lookup),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
