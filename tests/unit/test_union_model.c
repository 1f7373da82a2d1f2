/*
 * Unit tests for the union model (lib/floor/union_cells.c, union_model.c,
 * union_json.c): cells parsed as people type them, a spool's unions
 * through the group index and by a scan, availability per operation,
 * metrics and inches, v4 detection, and the exact JSON of the routes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "json_out.h"
#include "sheet_table.h"
#include "sheets_codec.h"
#include "union_json.h"
#include "union_model.h"

/*
 * Uniones with its columns in an odd order and an extra one.  MK-1: 1 BW
 * ARM+SOLD done, 2 FW ARM done, 3 SO ARM done, 4 "xx" (unknown type) ARM
 * done, 5 BW nothing done (DN "2,5"), rows out of n_union order.  MK-2:
 * one union with unreadable N_UNION and DN.  A row without a tag.
 */
static const char	uniones_body[] =
    "{\"valueRanges\":[{\"range\":\"Uniones!A1:J9\",\"values\":["
    "[\"Extra\",\"TAG_SPOOL\",\"ID\",\"OT\",\"N_UNION\",\"DN_UNION\","
    "\"TIPO_UNION\",\"ARM_FECHA_FIN\",\"SOL_FECHA_FIN\",\"ARM_WORKER\"],"
    "[\"x\",\"MK-1\",\"7+5\",\"7\",\"5\",\"2,5\",\"BW\",\"\",\"\"],"
    "[\"x\",\"MK-1\",\"7+1\",\"7\",\"1\",\"4\",\"bw\","
    "\"01-02-2026 08:00:00\",\"02-02-2026 09:00:00\",\"MR(93)\"],"
    "[\"x\",\"MK-1 \",\"7+2\",\"7\",\"2\",\"0.75\",\"FW\","
    "\"01-02-2026 08:00:00\",\"\"],"
    "[\"x\",\"MK-1\",\"7+3\",\"7\",\"3.0\",\"12\",\" SO \","
    "\"01-02-2026 08:00:00\"],"
    "[\"x\",\"MK-1\",\"7+4\",\"7\",\"4\",\"1.005\",\"xx\","
    "\"01-02-2026 08:00:00\"],"
    "[\"x\",\"MK-2\",\"8+1\",\"8\",\"uno\",\"grande\",\"BW\"],"
    "[\"x\",\"\",\"9+1\",\"9\",\"1\",\"1\",\"BW\"]]}]}";

static const char	ops_body[] =
    "{\"valueRanges\":[{\"range\":\"Operaciones!A1:C5\",\"values\":["
    "[\"TAG_SPOOL\",\"OT\",\"Total_Uniones\"],"
    "[\"MK-1\",\"7\",\"5\"],[\"MK-2\",\"8\",\"0\"],[\"MK-3\",\"9\",\"\"],"
    "[\"MK-4\",\"10\",\"muchas\"]]}]}";

struct fixture {
	struct sheet_table	*un;
	struct sheet_table	*ops;
	struct union_columns	 cols;
};

static struct sheet_table *
table(const char *body)
{
	struct sheets_value_ranges	 vrs;
	struct sheets_limits		 lim = SHEETS_LIMITS_DEFAULT_INIT;
	struct sheet_table		*t;
	char				 err[128];

	if (sheets_parse_batch_get(body, strlen(body), &lim, &vrs, err,
	    sizeof(err)) != 0)
		fail_msg("%s", err);
	t = sheet_table_new(&vrs.ranges[0]);
	sheets_value_ranges_free(&vrs);
	assert_non_null(t);
	return (t);
}

static int
setup(void **state)
{
	static struct fixture	 f;
	const char		*missing;

	f.un = table(uniones_body);
	f.ops = table(ops_body);
	if (sheet_table_index(f.un, "ID") != 0 ||
	    sheet_table_group(f.un, "TAG_SPOOL") != 0 ||
	    sheet_table_index(f.ops, "TAG_SPOOL") != 0 ||
	    union_columns_find(f.un, &f.cols, &missing) != 0)
		return (-1);
	*state = &f;
	return (0);
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	sheet_table_free(f->un);
	sheet_table_free(f->ops);
	return (0);
}

static void
test_cells(void **state)
{
	char	buf[UNION_NUMBER_MAX];

	(void)state;
	assert_int_equal(union_dn_parse("2.5"), 2500);
	assert_int_equal(union_dn_parse("2,5"), 2500);
	assert_int_equal(union_dn_parse(" 24 "), 24000);
	assert_int_equal(union_dn_parse("0.75"), 750);
	assert_int_equal(union_dn_parse(".5"), 500);
	assert_int_equal(union_dn_parse("1.0005"), 1001);	/* rounded */
	assert_int_equal(union_dn_parse("0"), -1);
	assert_int_equal(union_dn_parse(""), -1);
	assert_int_equal(union_dn_parse("2.5.1"), -1);
	assert_int_equal(union_dn_parse("-2"), -1);
	assert_int_equal(union_dn_parse("2 in"), -1);
	assert_int_equal(union_dn_parse("1001"), -1);
	assert_int_equal(union_dn_parse("99999999999999999999"), -1);

	assert_int_equal(union_n_parse("5"), 5);
	assert_int_equal(union_n_parse(" 5.0 "), 5);
	assert_int_equal(union_n_parse("0"), -1);
	assert_int_equal(union_n_parse("5.5"), -1);
	assert_int_equal(union_n_parse("x"), -1);
	assert_int_equal(union_n_parse("10001"), -1);

	assert_int_equal(union_total_parse("0"), 0);
	assert_int_equal(union_total_parse("12"), 12);
	assert_int_equal(union_total_parse(""), -1);
	assert_int_equal(union_total_parse("doce"), -1);

	assert_int_equal(union_tipo_parse("bw"), UNION_TIPO_BW);
	assert_int_equal(union_tipo_parse(" FILL "), UNION_TIPO_FILL);
	assert_int_equal(union_tipo_parse("FW"), UNION_TIPO_FW);
	assert_int_equal(union_tipo_parse("TW"), UNION_TIPO_OTRO);
	assert_true(union_tipo_sold(UNION_TIPO_LET));
	assert_false(union_tipo_sold(UNION_TIPO_FW));
	assert_false(union_tipo_sold(UNION_TIPO_OTRO));

	union_number_format(2500, 3, buf);
	assert_string_equal(buf, "2.5");
	union_number_format(12000, 2, buf);
	assert_string_equal(buf, "12");
	union_number_format(1255, 2, buf);
	assert_string_equal(buf, "1.26");
	union_number_format(750, 3, buf);
	assert_string_equal(buf, "0.75");
	union_number_format(0, 2, buf);
	assert_string_equal(buf, "0");
	assert_int_equal(union_round2(1255), 1260);
	assert_int_equal(union_round2(1254), 1250);
}

static void
check_mk1(const struct union_list *l)
{
	size_t	k;

	assert_int_equal(l->n, 5);
	for (k = 0; k < 5; k++)
		assert_int_equal(l->u[k].n_union, (int)k + 1);
	assert_string_equal(l->u[0].f[UNION_ID], "7+1");
	assert_int_equal(l->u[0].row, 3);	/* sheet row of "7+1" */
	assert_string_equal(l->u[0].f[UNION_ARM_WORKER], "MR(93)");
	assert_string_equal(l->u[1].f[UNION_ARM_WORKER], "");
	assert_string_equal(l->u[1].f[UNION_NDT_STATUS], "");	/* absent */
	assert_int_equal(l->u[4].dn, 2500);
	assert_int_equal(l->u[3].tipo, UNION_TIPO_OTRO);
}

static void
test_spool_lookup(void **state)
{
	struct fixture		*f = *state;
	struct union_list	 l;
	struct sheet_table	*plain;
	const char		*missing;

	assert_int_equal(union_list_of_spool(f->un, &f->cols, "MK-1", &l), 0);
	check_mk1(&l);
	assert_non_null(union_list_by_id(&l, "7+3"));
	assert_int_equal(union_list_by_id(&l, "7+3")->n_union, 3);
	assert_null(union_list_by_id(&l, "8+1"));
	assert_int_equal(union_list_by_n(&l, 5)->dn, 2500);
	assert_null(union_list_by_n(&l, 6));
	assert_null(union_list_by_n(&l, -1));
	union_list_free(&l);

	/* Unreadable cells: listed, last, never a number. */
	assert_int_equal(union_list_of_spool(f->un, &f->cols, "MK-2", &l), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.u[0].n_union, -1);
	assert_int_equal(l.u[0].dn, -1);
	union_list_free(&l);
	assert_int_equal(union_list_of_spool(f->un, &f->cols, "MK-9", &l), 0);
	assert_int_equal(l.n, 0);
	union_list_free(&l);

	/* Without a group index, the same answer by a scan. */
	plain = table(uniones_body);
	assert_int_equal(union_columns_find(plain, &f->cols, &missing), 0);
	assert_false(sheet_table_has_group(plain));
	assert_int_equal(union_list_of_spool(plain, &f->cols, "MK-1", &l), 0);
	check_mk1(&l);
	union_list_free(&l);
	sheet_table_free(plain);
}

static void
test_columns_missing(void **state)
{
	struct union_columns	 cols;
	struct sheet_table	*t;
	const char		*missing = NULL;

	(void)state;
	t = table("{\"valueRanges\":[{\"range\":\"Uniones!A1:C1\",\"values\":"
	    "[[\"ID\",\"TAG_SPOOL\",\"N_UNION\"]]}]}");
	assert_int_equal(union_columns_find(t, &cols, &missing), -1);
	assert_string_equal(missing, "DN_UNION");
	sheet_table_free(t);
}

static void
test_availability_metrics(void **state)
{
	struct fixture		*f = *state;
	struct union_list	 l;
	struct union_metrics	 m;
	const struct union_rec	*pick[2];

	assert_int_equal(union_list_of_spool(f->un, &f->cols, "MK-1", &l), 0);
	/* ARM: only 5.  SOLD: 3 (SO); not 1 (done), 2 (FW), 4 (unknown). */
	assert_false(union_available(&l.u[0], OPERACION_ARM));
	assert_true(union_available(&l.u[4], OPERACION_ARM));
	assert_false(union_available(&l.u[0], OPERACION_SOLD));
	assert_false(union_available(&l.u[1], OPERACION_SOLD));
	assert_true(union_available(&l.u[2], OPERACION_SOLD));
	assert_false(union_available(&l.u[3], OPERACION_SOLD));
	assert_false(union_available(&l.u[4], OPERACION_SOLD));
	assert_false(union_available(&l.u[2], OPERACION_METROLOGIA));

	union_metrics_of(&l, &m);
	assert_int_equal(m.total, 5);
	assert_int_equal(m.arm_done, 4);
	assert_int_equal(m.sold_done, 1);
	assert_int_equal(m.arm_available, 1);
	assert_int_equal(m.sold_available, 1);
	assert_int_equal(m.sold_type, 3);
	/* 4 + 0.75 + 12 + 1.005 = 17.755 -> 17.76 */
	assert_int_equal(m.pulgadas_arm, 17760);
	assert_int_equal(m.pulgadas_sold, 4000);
	assert_false(m.ready_for_metrologia);

	pick[0] = &l.u[2];
	pick[1] = &l.u[3];
	assert_int_equal(union_pulgadas(pick, 2), 13010);
	union_list_free(&l);

	/* Nothing to weld: not ready (no unions at all). */
	memset(&l, 0, sizeof(l));
	union_metrics_of(&l, &m);
	assert_int_equal(m.total, 0);
	assert_false(m.ready_for_metrologia);
}

static void
test_ready_for_metrologia(void **state)
{
	struct union_rec	u[3];
	struct union_list	l = { u, 3 };
	struct union_metrics	m;

	(void)state;
	memset(u, 0, sizeof(u));
	u[0].tipo = UNION_TIPO_FW;
	u[0].arm_done = 1;
	u[1].tipo = UNION_TIPO_BW;
	u[1].arm_done = u[1].sold_done = 1;
	u[2].tipo = UNION_TIPO_OTRO;		/* never welded: no bar */
	union_metrics_of(&l, &m);
	assert_true(m.ready_for_metrologia);
	u[0].arm_done = 0;
	union_metrics_of(&l, &m);
	assert_false(m.ready_for_metrologia);
}

static void
test_version(void **state)
{
	struct fixture	*f = *state;
	long		 col = union_ops_total_column(f->ops);

	assert_true(col >= 0);
	assert_int_equal(union_spool_total(f->ops, col, 0), 5);
	assert_true(union_spool_is_v4(f->ops, col, 0));
	assert_false(union_spool_is_v4(f->ops, col, 1));	/* "0" */
	assert_false(union_spool_is_v4(f->ops, col, 2));	/* "" */
	assert_false(union_spool_is_v4(f->ops, col, 3));	/* text */
	assert_false(union_spool_is_v4(f->ops, -1, 0));		/* no column */
}

static void
assert_answer(yajl_gen g, int status, int want_status, const char *want)
{
	const unsigned char	*buf;
	size_t			 len;

	assert_int_equal(status, want_status);
	assert_int_equal(yajl_gen_get_buf(g, &buf, &len), yajl_gen_status_ok);
	if (strstr((const char *)buf, want) == NULL)
		fail_msg("no %s in %s", want, buf);
	yajl_gen_free(g);
}

static void
test_answers(void **state)
{
	struct fixture	*f = *state;
	yajl_gen	 g;

	g = json_out_new();
	assert_answer(g, union_disponibles_answer(g, f->ops, f->un, "MK-1",
	    OPERACION_SOLD), 200, "{\"tag_spool\":\"MK-1\",\"operacion\":"
	    "\"SOLD\",\"uniones\":[{\"id\":\"7+3\",\"n_union\":3,"
	    "\"dn_union\":12,\"tipo_union\":\" SO \",\"arm_fecha_fin\":"
	    "\"01-02-2026 08:00:00\",\"sol_fecha_fin\":null}],\"unions\":"
	    "[{\"id\":\"7+3\",\"n_union\":3,\"dn_union\":12,\"tipo_union\":"
	    "\" SO \",\"arm_fecha_fin\":\"01-02-2026 08:00:00\","
	    "\"sol_fecha_fin\":null}],\"count\":1,\"disponibles_count\":1,"
	    "\"total_uniones\":5}");
	g = json_out_new();
	assert_answer(g, union_disponibles_answer(g, f->ops, f->un, "MK-1",
	    OPERACION_ARM), 200, "\"uniones\":[{\"id\":\"7+5\",\"n_union\":5,"
	    "\"dn_union\":2.5,");
	g = json_out_new();
	assert_answer(g, union_disponibles_answer(g, f->ops, f->un, "MK-2",
	    OPERACION_ARM), 200, "\"n_union\":null,\"dn_union\":null");
	g = json_out_new();
	assert_answer(g, union_disponibles_answer(g, f->ops, f->un, "MK-404",
	    OPERACION_ARM), 404, "\"error\":\"SPOOL_NO_ENCONTRADO\"");
	g = json_out_new();
	assert_answer(g, union_disponibles_answer(g, f->ops, NULL, "MK-1",
	    OPERACION_ARM), 400, "\"error\":\"WRONG_VERSION\"");

	g = json_out_new();
	assert_answer(g, union_metricas_answer(g, f->ops, f->un, "MK-1"), 200,
	    "{\"tag_spool\":\"MK-1\",\"total_uniones\":5,\"arm_completadas\":4,"
	    "\"sold_completadas\":1,\"uniones_arm_completadas\":4,"
	    "\"uniones_sold_completadas\":1,\"pulgadas_arm\":17.76,"
	    "\"pulgadas_sold\":4}");
	g = json_out_new();
	assert_answer(g, union_metricas_answer(g, f->ops, f->un, "MK-3"), 200,
	    "\"total_uniones\":0,\"arm_completadas\":0");
	g = json_out_new();
	assert_answer(g, union_metricas_answer(g, f->ops, NULL, "MK-1"), 200,
	    "\"total_uniones\":0");
	g = json_out_new();
	assert_answer(g, union_metricas_answer(g, f->ops, f->un, "MK-404"),
	    404, "SPOOL_NO_ENCONTRADO");

	g = json_out_new();
	assert_answer(g, union_version_answer(g, f->ops, "MK-1"), 200,
	    "{\"success\":true,\"data\":{\"version\":\"v4.0\","
	    "\"union_count\":5,");
	g = json_out_new();
	assert_answer(g, union_version_answer(g, f->ops, "MK-4"), 200,
	    "\"version\":\"v3.0\",\"union_count\":0,");
	g = json_out_new();
	assert_answer(g, union_version_answer(g, f->ops, "MK-404"), 404,
	    "SPOOL_NO_ENCONTRADO");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cells),
		cmocka_unit_test_setup_teardown(test_spool_lookup, setup,
		    teardown),
		cmocka_unit_test(test_columns_missing),
		cmocka_unit_test_setup_teardown(test_availability_metrics,
		    setup, teardown),
		cmocka_unit_test(test_ready_for_metrologia),
		cmocka_unit_test_setup_teardown(test_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_answers, setup, teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
