/*
 * The union read routes on the real server with the emulator (issue 11,
 * reads): GET /api/v4/uniones/{tag}/disponibles and /metricas and GET
 * /api/diagnostic/{tag}/version against the demo workbook, checked union
 * by union against the Uniones sheet the emulator holds; total_uniones in
 * the spool lists; the refusals (bad operacion, unknown spool); no Sheets
 * read per request; and a workbook without Uniones (not migrated), where
 * every spool is v3 and the union routes answer clear errors, not 500.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "emulator_fixture.h"
#include "harness.h"
#include "json_path.h"
#include "server.h"

#define SPOOLS		400
#define MAX_UNIONS	64

static struct emu		emu;
static struct test_server	srv;

static int
server_up(void)
{
	char	*env[8];
	size_t	 i;

	for (i = 0; emu.te.env[i] != NULL; i++)
		env[i] = emu.te.env[i];
	env[i++] = "REQUEST_DEADLINE_MS=5000";
	env[i] = NULL;
	memset(&srv, 0, sizeof(srv));
	return (test_server_start(&srv, env));
}

static int
setup(void **state)
{
	(void)state;
	if (emu_start(&emu, SPOOLS, 20, NULL) == -1)
		return (-1);
	return (server_up());
}

static int
teardown(void **state)
{
	int	bad;

	(void)state;
	bad = test_server_stop(&srv);
	bad |= emu_stop(&emu);
	return (bad);
}

/* GET path; the reply's JSON (never NULL), its status in *status. */
static yajl_val
get_json(const char *path, long *status)
{
	struct http_reply	 r;
	yajl_val		 j;
	char			 url[512];

	snprintf(url, sizeof(url), "%s%s", srv.base, path);
	assert_int_equal(http_get(url, 10000, &r), 0);
	*status = r.status;
	if ((j = http_reply_json(&r)) == NULL)
		fail_msg("%s: not JSON: %.*s", path, (int)r.len, r.body);
	http_reply_free(&r);
	return (j);
}

/* A union of the Uniones sheet as the emulator holds it. */
struct wb_union {
	char	id[48];
	int	n;
	double	dn;
	char	tipo[8];
	int	arm_done;
	int	sold_done;
};

static double
number_cell(yajl_val sheet, size_t row, long col)
{
	yajl_val	r = jpath(sheet, "rows", NULL);
	yajl_val	c;

	r = r->u.array.values[row];
	if (col < 0 || (size_t)col >= r->u.array.len)
		return (-1);
	c = r->u.array.values[col];
	/* yajl's tree keeps every number as a double too. */
	if (YAJL_IS_NUMBER(c))
		return (c->u.number.d);
	if (YAJL_IS_STRING(c))
		return (atof(c->u.string));
	return (-1);
}

/* The unions of tag in the workbook, in n order; returns how many. */
static size_t
wb_unions(yajl_val wb, const char *tag, struct wb_union *out)
{
	yajl_val	 un = emu_sheet(wb, "Uniones");
	long		 c_id, c_tag, c_n, c_dn, c_tipo, c_arm, c_sol;
	char		 buf[64];
	size_t		 r, n = 0;

	assert_non_null(un);
	c_id = emu_column(un, "ID");
	c_tag = emu_column(un, "TAG_SPOOL");
	c_n = emu_column(un, "N_UNION");
	c_dn = emu_column(un, "DN_UNION");
	c_tipo = emu_column(un, "TIPO_UNION");
	c_arm = emu_column(un, "ARM_FECHA_FIN");
	c_sol = emu_column(un, "SOL_FECHA_FIN");
	for (r = 1; r < emu_nrows(un) && n < MAX_UNIONS; r++) {
		if (strcmp(emu_cell(un, r, (size_t)c_tag, buf, sizeof(buf)),
		    tag) != 0)
			continue;
		snprintf(out[n].id, sizeof(out[n].id), "%s",
		    emu_cell(un, r, (size_t)c_id, buf, sizeof(buf)));
		out[n].n = atoi(emu_cell(un, r, (size_t)c_n, buf, sizeof(buf)));
		out[n].dn = number_cell(un, r, c_dn);
		snprintf(out[n].tipo, sizeof(out[n].tipo), "%s",
		    emu_cell(un, r, (size_t)c_tipo, buf, sizeof(buf)));
		out[n].arm_done = emu_cell(un, r, (size_t)c_arm, buf,
		    sizeof(buf))[0] != '\0';
		out[n].sold_done = emu_cell(un, r, (size_t)c_sol, buf,
		    sizeof(buf))[0] != '\0';
		n++;
	}
	return (n);
}

static int
wb_available(const struct wb_union *u, int sold)
{
	if (!sold)
		return (!u->arm_done);
	return (u->arm_done && !u->sold_done && strcmp(u->tipo, "FW") != 0);
}

/* Operaciones' v4 spools with their Total_Uniones, at most max. */
static size_t
v4_spools(yajl_val wb, char tags[][80], long *totals, size_t max)
{
	yajl_val	 op = emu_sheet(wb, "Operaciones");
	long		 c_tag = emu_column(op, "TAG_SPOOL");
	long		 c_tot = emu_column(op, "Total_Uniones");
	char		 buf[80];
	size_t		 r, n = 0;

	for (r = 1; r < emu_nrows(op) && n < max; r++) {
		if ((totals[n] = atol(emu_cell(op, r, (size_t)c_tot, buf,
		    sizeof(buf)))) <= 0)
			continue;
		snprintf(tags[n], 80, "%s", emu_cell(op, r, (size_t)c_tag,
		    buf, sizeof(buf)));
		n++;
	}
	return (n);
}

/* disponibles of tag for op agrees with the workbook's unions. */
static void
check_disponibles(const char *tag, const struct wb_union *u, size_t nu,
    int sold)
{
	yajl_val	 j, list, alias, item;
	char		 path[200];
	long		 status;
	size_t		 k, want = 0, i;

	snprintf(path, sizeof(path), "/api/v4/uniones/%s/disponibles?"
	    "operacion=%s", tag, sold ? "SOLD" : "ARM");
	j = get_json(path, &status);
	assert_int_equal(status, 200);
	assert_string_equal(jpath_str(j, "tag_spool", NULL), tag);
	assert_string_equal(jpath_str(j, "operacion", NULL),
	    sold ? "SOLD" : "ARM");
	assert_int_equal(jpath_int(j, -1, "total_uniones", NULL), (long)nu);
	list = jpath(j, "uniones", NULL);
	alias = jpath(j, "unions", NULL);
	assert_true(list != NULL && YAJL_IS_ARRAY(list));
	assert_true(alias != NULL && YAJL_IS_ARRAY(alias));
	assert_int_equal(list->u.array.len, alias->u.array.len);
	for (k = 0, i = 0; k < nu; k++) {
		if (!wb_available(&u[k], sold))
			continue;
		want++;
		assert_true(i < list->u.array.len);
		item = list->u.array.values[i++];
		assert_string_equal(jpath_str(item, "id", NULL), u[k].id);
		/* Numbers, not strings: the frontend sums and sends them. */
		assert_true(YAJL_IS_INTEGER(jpath(item, "n_union", NULL)));
		assert_int_equal(jpath_int(item, -1, "n_union", NULL), u[k].n);
		assert_true(YAJL_IS_NUMBER(jpath(item, "dn_union", NULL)));
		assert_true(YAJL_GET_DOUBLE(jpath(item, "dn_union", NULL)) -
		    u[k].dn < 0.0005 && u[k].dn - YAJL_GET_DOUBLE(jpath(item,
		    "dn_union", NULL)) < 0.0005);
		assert_string_equal(jpath_str(item, "tipo_union", NULL),
		    u[k].tipo);
		assert_string_equal(jpath_str(alias->u.array.values[i - 1],
		    "id", NULL), u[k].id);
	}
	assert_int_equal(list->u.array.len, want);
	assert_int_equal(jpath_int(j, -1, "count", NULL), (long)want);
	assert_int_equal(jpath_int(j, -1, "disponibles_count", NULL),
	    (long)want);
	yajl_tree_free(j);
}

/* metricas and the Operaciones aggregates agree with the unions. */
static void
check_metricas(yajl_val wb, const char *tag, const struct wb_union *u,
    size_t nu)
{
	yajl_val	 j, op = emu_sheet(wb, "Operaciones");
	char		 path[200], buf[32];
	long		 status, arm = 0, sold = 0, r, c_tag;
	double		 parm = 0, psold = 0;
	size_t		 k;

	for (k = 0; k < nu; k++) {
		arm += u[k].arm_done;
		sold += u[k].sold_done;
		parm += u[k].arm_done ? u[k].dn : 0;
		psold += u[k].sold_done ? u[k].dn : 0;
	}
	snprintf(path, sizeof(path), "/api/v4/uniones/%s/metricas", tag);
	j = get_json(path, &status);
	assert_int_equal(status, 200);
	assert_int_equal(jpath_int(j, -1, "total_uniones", NULL), (long)nu);
	assert_int_equal(jpath_int(j, -1, "arm_completadas", NULL), arm);
	assert_int_equal(jpath_int(j, -1, "sold_completadas", NULL), sold);
	assert_int_equal(jpath_int(j, -1, "uniones_arm_completadas", NULL),
	    arm);
	assert_int_equal(jpath_int(j, -1, "uniones_sold_completadas", NULL),
	    sold);
	assert_true(YAJL_GET_DOUBLE(jpath(j, "pulgadas_arm", NULL)) - parm <
	    0.006 && parm - YAJL_GET_DOUBLE(jpath(j, "pulgadas_arm", NULL)) <
	    0.006);
	assert_true(YAJL_GET_DOUBLE(jpath(j, "pulgadas_sold", NULL)) - psold <
	    0.006 && psold - YAJL_GET_DOUBLE(jpath(j, "pulgadas_sold", NULL)) <
	    0.006);
	yajl_tree_free(j);

	/* The demo's aggregate columns say the same. */
	c_tag = emu_column(op, "TAG_SPOOL");
	for (r = 1; r < (long)emu_nrows(op); r++) {
		if (strcmp(emu_cell(op, (size_t)r, (size_t)c_tag, buf,
		    sizeof(buf)), tag) == 0)
			break;
	}
	assert_int_equal(atol(emu_cell(op, (size_t)r, (size_t)emu_column(op,
	    "Uniones_ARM_Completadas"), buf, sizeof(buf))), arm);
	assert_int_equal(atol(emu_cell(op, (size_t)r, (size_t)emu_column(op,
	    "Uniones_SOLD_Completadas"), buf, sizeof(buf))), sold);
	assert_true(number_cell(op, (size_t)r, emu_column(op,
	    "Pulgadas_ARM")) - parm < 0.006);
}

/*
 * Every v4 spool of the demo: disponibles (ARM and SOLD) and metricas
 * agree with the sheet, and version says v4.0 with its count.  The demo
 * covers every stage, so each availability rule is met many times.
 */
static void
test_demo_v4_spools(void **state)
{
	yajl_val	 wb, j;
	struct wb_union	 u[MAX_UNIONS];
	char		 tags[SPOOLS][80], path[200];
	long		 totals[SPOOLS], status;
	size_t		 n, i, nu, fw = 0, sold_ready = 0, arm_open = 0;

	(void)state;
	assert_non_null(wb = emu_workbook(&emu));
	n = v4_spools(wb, tags, totals, SPOOLS);
	/* About half of the demo's spools. */
	assert_true(n > SPOOLS / 3 && n < SPOOLS * 2 / 3);
	for (i = 0; i < n; i++) {
		nu = wb_unions(wb, tags[i], u);
		assert_int_equal((long)nu, totals[i]);
		assert_true(nu >= 1 && nu <= 20);
		check_disponibles(tags[i], u, nu, 0);
		check_disponibles(tags[i], u, nu, 1);
		check_metricas(wb, tags[i], u, nu);
		while (nu-- > 0) {
			fw += strcmp(u[nu].tipo, "FW") == 0;
			sold_ready += wb_available(&u[nu], 1);
			arm_open += wb_available(&u[nu], 0);
		}
		if (i % 25 == 0) {
			snprintf(path, sizeof(path), "/api/diagnostic/%s/version",
			    tags[i]);
			j = get_json(path, &status);
			assert_int_equal(status, 200);
			assert_true(YAJL_IS_TRUE(jpath(j, "success", NULL)));
			assert_string_equal(jpath_str(j, "data", "version",
			    NULL), "v4.0");
			assert_int_equal(jpath_int(j, -1, "data", "union_count",
			    NULL), totals[i]);
			assert_string_equal(jpath_str(j, "data", "tag_spool",
			    NULL), tags[i]);
			assert_non_null(jpath_str(j, "data", "detection_logic",
			    NULL));
			yajl_tree_free(j);
		}
	}
	assert_true(fw > 0 && sold_ready > 0 && arm_open > 0);
	yajl_tree_free(wb);
}

/* A v3 spool: metricas 200 with zeros, version v3.0, no unions. */
static void
test_v3_spool(void **state)
{
	yajl_val	 wb, op, j;
	char		 tag[80], buf[80], path[200];
	long		 status, c_tag, c_tot;
	size_t		 r;

	(void)state;
	assert_non_null(wb = emu_workbook(&emu));
	op = emu_sheet(wb, "Operaciones");
	c_tag = emu_column(op, "TAG_SPOOL");
	c_tot = emu_column(op, "Total_Uniones");
	for (r = 1; r < emu_nrows(op); r++) {
		if (emu_cell(op, r, (size_t)c_tot, buf, sizeof(buf))[0] ==
		    '\0')
			break;
	}
	assert_true(r < emu_nrows(op));
	snprintf(tag, sizeof(tag), "%s", emu_cell(op, r, (size_t)c_tag, buf,
	    sizeof(buf)));
	yajl_tree_free(wb);

	snprintf(path, sizeof(path), "/api/v4/uniones/%s/metricas", tag);
	j = get_json(path, &status);
	assert_int_equal(status, 200);
	assert_int_equal(jpath_int(j, -1, "total_uniones", NULL), 0);
	assert_int_equal(jpath_int(j, -1, "arm_completadas", NULL), 0);
	assert_int_equal(jpath_int(j, -1, "pulgadas_arm", NULL), 0);
	yajl_tree_free(j);
	snprintf(path, sizeof(path), "/api/diagnostic/%s/version", tag);
	j = get_json(path, &status);
	assert_int_equal(status, 200);
	assert_string_equal(jpath_str(j, "data", "version", NULL), "v3.0");
	assert_int_equal(jpath_int(j, -1, "data", "union_count", NULL), 0);
	yajl_tree_free(j);
	snprintf(path, sizeof(path), "/api/v4/uniones/%s/disponibles?"
	    "operacion=ARM", tag);
	j = get_json(path, &status);
	assert_int_equal(status, 200);
	assert_int_equal(jpath_int(j, -1, "count", NULL), 0);
	assert_int_equal(jpath(j, "uniones", NULL)->u.array.len, 0);
	yajl_tree_free(j);
}

static void
check_error(const char *path, long want_status, const char *code,
    const char *detail_part)
{
	yajl_val	 j;
	long		 status;
	const char	*detail;

	j = get_json(path, &status);
	assert_int_equal(status, want_status);
	assert_true(YAJL_IS_FALSE(jpath(j, "success", NULL)));
	assert_string_equal(jpath_str(j, "error", NULL), code);
	/* A string: an object is shown to the worker as [object Object]. */
	assert_non_null(detail = jpath_str(j, "detail", NULL));
	assert_string_equal(jpath_str(j, "message", NULL), detail);
	if (strstr(detail, detail_part) == NULL)
		fail_msg("%s: detail \"%s\" lacks \"%s\"", path, detail,
		    detail_part);
	yajl_tree_free(j);
}

static void
test_refusals(void **state)
{
	yajl_val	 wb;
	char		 tags[4][80], path[200];
	long		 totals[4];

	(void)state;
	assert_non_null(wb = emu_workbook(&emu));
	assert_int_equal(v4_spools(wb, tags, totals, 1), 1);
	yajl_tree_free(wb);

	snprintf(path, sizeof(path), "/api/v4/uniones/%s/disponibles",
	    tags[0]);
	check_error(path, 400, "INVALID_REQUEST", "Operación inválida");
	snprintf(path, sizeof(path), "/api/v4/uniones/%s/disponibles?"
	    "operacion=METROLOGIA", tags[0]);
	check_error(path, 400, "INVALID_REQUEST", "Operación inválida");
	snprintf(path, sizeof(path), "/api/v4/uniones/%s/disponibles?"
	    "operacion=arm%%20", tags[0]);
	check_error(path, 400, "INVALID_REQUEST", "Operación inválida");
	check_error("/api/v4/uniones/MK-NO-EXISTE/disponibles?operacion=ARM",
	    404, "SPOOL_NO_ENCONTRADO", "MK-NO-EXISTE");
	check_error("/api/v4/uniones/MK-NO-EXISTE/metricas", 404,
	    "SPOOL_NO_ENCONTRADO", "MK-NO-EXISTE");
	check_error("/api/diagnostic/MK-NO-EXISTE/version", 404,
	    "SPOOL_NO_ENCONTRADO", "MK-NO-EXISTE");
}

/* Every spool list item carries total_uniones, the sheet's count. */
static void
test_lists_total_uniones(void **state)
{
	yajl_val	 j, list, s, wb;
	char		 tags[SPOOLS][80];
	long		 totals[SPOOLS], status;
	size_t		 i, k, n, v4 = 0;
	const char	*ops[] = { "ARM", "SOLD", "METROLOGIA" };
	char		 path[80];

	(void)state;
	assert_non_null(wb = emu_workbook(&emu));
	n = v4_spools(wb, tags, totals, SPOOLS);
	yajl_tree_free(wb);
	for (k = 0; k < 3; k++) {
		snprintf(path, sizeof(path), "/api/spools/iniciar?operacion=%s",
		    ops[k]);
		j = get_json(path, &status);
		assert_int_equal(status, 200);
		list = jpath(j, "spools", NULL);
		assert_true(list->u.array.len > 0);
		for (i = 0; i < list->u.array.len; i++) {
			s = list->u.array.values[i];
			assert_true(YAJL_IS_INTEGER(jpath(s, "total_uniones",
			    NULL)));
			if (jpath_int(s, 0, "total_uniones", NULL) > 0)
				v4++;
		}
		yajl_tree_free(j);
	}
	assert_true(n > 0 && v4 > 0);
}

/* Union routes are answered from the cache: no Sheets read each. */
static void
test_no_read_per_request(void **state)
{
	yajl_val	 wb, j;
	char		 tags[40][80], path[200];
	long		 totals[40], status;
	size_t		 i, n;

	(void)state;
	assert_non_null(wb = emu_workbook(&emu));
	n = v4_spools(wb, tags, totals, 40);
	yajl_tree_free(wb);
	j = get_json("/api/v4/uniones/MK-NO-EXISTE/metricas", &status);
	yajl_tree_free(j);
	emu_reset_counters(&emu);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/api/v4/uniones/%s/disponibles?"
		    "operacion=ARM", tags[i]);
		j = get_json(path, &status);
		assert_int_equal(status, 200);
		yajl_tree_free(j);
		snprintf(path, sizeof(path), "/api/v4/uniones/%s/metricas",
		    tags[i]);
		j = get_json(path, &status);
		assert_int_equal(status, 200);
		yajl_tree_free(j);
	}
	/* 80 requests within the TTL (15 s) of two workers: two refreshes. */
	assert_true(emu_counter(&emu, "reads", NULL) <= 2);
}

/*
 * A workbook never migrated to v4: no Uniones sheet, no Total_Uniones.
 * The floor works, every spool is v3, metricas says zeros, disponibles
 * 400 WRONG_VERSION with a readable detail, version v3.0; the Uniones
 * refusal costs one read more a minute, not one per request.
 */
static const char	v3_workbook[] =
    "{\"spreadsheetId\":\"%s\",\"title\":\"v3\",\"sheets\":["
    "{\"title\":\"Operaciones\",\"sheetId\":0,\"rowCount\":20,"
    "\"columnCount\":13,\"rows\":[[\"TAG_SPOOL\",\"OT\",\"NV\","
    "\"Fecha_Materiales\",\"Fecha_Armado\",\"Armador\",\"Fecha_Soldadura\","
    "\"Soldador\",\"Fecha_QC_Metrología\",\"Ocupado_Por\","
    "\"Fecha_Ocupacion\",\"version\",\"Estado_Detalle\"],"
    "[\"MK-1\",\"100\",\"7\",\"01-02-2026\"],"
    "[\"MK-2\",\"101\",\"7\",\"01-02-2026\"]]},"
    "{\"title\":\"Trabajadores\",\"sheetId\":1,\"rowCount\":20,"
    "\"columnCount\":5,\"rows\":[[\"Id\",\"Nombre\",\"Apellido\",\"Rol\","
    "\"Activo\"],[\"93\",\"Mario\",\"Rojas\",\"Armador\",\"TRUE\"]]},"
    "{\"title\":\"Roles\",\"sheetId\":2,\"rowCount\":20,\"columnCount\":3,"
    "\"rows\":[[\"Id\",\"Rol\",\"Activo\"],[\"93\",\"Armador\",\"TRUE\"]]},"
    "{\"title\":\"Metadata\",\"sheetId\":3,\"rowCount\":50,"
    "\"columnCount\":11,\"rows\":[[\"ID\",\"Timestamp\",\"Evento_Tipo\","
    "\"TAG_SPOOL\",\"Worker_ID\",\"Worker_Nombre\",\"Operacion\","
    "\"Accion\",\"Fecha_Operacion\",\"Metadata_JSON\",\"N_UNION\"]]}]}";

static void
test_not_migrated(void **state)
{
	yajl_val	 j, list;
	char		 text[4096];
	long		 status;
	long long	 reads;
	int		 i;

	(void)state;
	assert_int_equal(test_server_stop(&srv), 0);
	snprintf(text, sizeof(text), v3_workbook, emu.spreadsheet_id);
	assert_int_equal(emu_restart_with(&emu, text), 0);
	assert_int_equal(server_up(), 0);
	emu_reset_counters(&emu);

	j = get_json("/api/spools/iniciar?operacion=ARM", &status);
	assert_int_equal(status, 200);
	list = jpath(j, "spools", NULL);
	assert_int_equal(list->u.array.len, 2);
	assert_int_equal(jpath_int(list->u.array.values[0], -1,
	    "total_uniones", NULL), 0);
	yajl_tree_free(j);

	j = get_json("/api/v4/uniones/MK-1/metricas", &status);
	assert_int_equal(status, 200);
	assert_int_equal(jpath_int(j, -1, "total_uniones", NULL), 0);
	yajl_tree_free(j);
	j = get_json("/api/diagnostic/MK-1/version", &status);
	assert_int_equal(status, 200);
	assert_string_equal(jpath_str(j, "data", "version", NULL), "v3.0");
	yajl_tree_free(j);
	check_error("/api/v4/uniones/MK-1/disponibles?operacion=ARM", 400,
	    "WRONG_VERSION", "Uniones");
	check_error("/api/v4/uniones/MK-9/disponibles?operacion=ARM", 404,
	    "SPOOL_NO_ENCONTRADO", "MK-9");

	/* The next requests cost nothing more. */
	reads = emu_counter(&emu, "reads", NULL);
	for (i = 0; i < 20; i++) {
		j = get_json("/api/v4/uniones/MK-2/metricas", &status);
		assert_int_equal(status, 200);
		yajl_tree_free(j);
	}
	assert_true(emu_counter(&emu, "reads", NULL) - reads <= 4);
	j = get_json("/api/health", &status);
	assert_int_equal(status, 200);
	yajl_tree_free(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_demo_v4_spools),
		cmocka_unit_test(test_v3_spool),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_lists_total_uniones),
		cmocka_unit_test(test_no_read_per_request),
		cmocka_unit_test(test_not_migrated),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}
