/*
 * Unit tests for lib/floor/spool_lists.c: a small Operaciones table in,
 * the exact JSON of the iniciar/completar lists, the dashboard and one
 * spool's status out.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "json_out.h"
#include "sheet_dates.h"
#include "sheet_table.h"
#include "sheets_codec.h"
#include "spool_lists.h"


/*
 * MK-1 held by MR(93) for ARM, MK-2 waiting for ARM, a row without a tag,
 * MK-4 with ARM done and SOLD not started.
 */
static const char	ops_body[] =
    "{\"valueRanges\":[{\"range\":\"Operaciones!A1:N5\",\"values\":["
    "[\"Item\",\"TAG_SPOOL\",\"OT\",\"NV\",\"Fecha_Materiales\","
    "\"Fecha_Armado\",\"Armador\",\"Fecha_Soldadura\",\"Soldador\","
    "\"Fecha QC Metrologia\",\"Ocupado_Por\",\"Fecha_Ocupacion\","
    "\"version\",\"Estado_Detalle\"],"
    "[\"1\",\"MK-1\",\"OT-1\",\"NV-1\",\"01-02-2026\",\"\","
    "\"MR(93)\",\"\",\"\",\"\",\"MR(93)\",\"02-02-2026 08:00:00\","
    "\"v1\",\"MR(93) trabajando ARM (ARM en progreso, SOLD "
    "pendiente)\"],"
    "[\"2\",\"MK-2\",\"OT-2\",\"\",\"01-02-2026\"],"
    "[\"3\",\"\",\"OT-3\",\"\",\"01-02-2026\",\"\",\"\",\"\",\"\",\"\","
    "\"JP(7)\"],"
    "[\"4\",\"MK-4\",\"OT-4\",\"\",\"01-02-2026\",\"03-02-2026\","
    "\"MR(93)\"]]}]}";

/* MK-2 only: MK-1 is occupied, MK-4 has ARM done, row 3 has no tag. */
#define WANT_INICIAR							\
    "{\"spools\":[{\"tag_spool\":\"MK-2\",\"ot\":\"OT-2\",\"nv\":null,"	\
    "\"fecha_materiales\":\"2026-02-01\",\"fecha_armado\":null,"		\
    "\"fecha_soldadura\":null,\"fecha_qc_metrologia\":null,"		\
    "\"armador\":null,\"soldador\":null,\"ocupado_por\":null,"		\
    "\"Ocupado_Por\":\"\",\"fecha_ocupacion\":null,"			\
    "\"fecha_ocupacion_sheets\":null,\"version\":null,"			\
    "\"estado_detalle\":null}],"						\
    "\"total\":1,\"filtro_aplicado\":\"operacion=ARM\"}"
#define MK1_DETALLE	"MR(93) trabajando ARM (ARM en progreso, SOLD pendiente)"
#define WANT_COMPLETAR							\
    "{\"spools\":[{\"tag_spool\":\"MK-1\",\"ot\":\"OT-1\",\"nv\":\"NV-1\","	\
    "\"fecha_materiales\":\"2026-02-01\",\"fecha_armado\":null,"		\
    "\"fecha_soldadura\":null,\"fecha_qc_metrologia\":null,"		\
    "\"armador\":\"MR(93)\",\"soldador\":null,\"ocupado_por\":\"MR(93)\","	\
    "\"Ocupado_Por\":\"MR(93)\","					\
    "\"fecha_ocupacion\":\"2026-02-02T08:00:00-03:00\","		\
    "\"fecha_ocupacion_sheets\":\"02-02-2026 08:00:00\",\"version\":\"v1\","	\
    "\"estado_detalle\":\"" MK1_DETALLE "\"}],"				\
    "\"total\":1,\"filtro_aplicado\":\"operacion=ARM&worker_id=93\"}"
/* Row 3 is occupied but has no tag: not on the dashboard. */
#define WANT_DASHBOARD							\
    "[{\"tag_spool\":\"MK-1\",\"worker_nombre\":\"MR(93)\","		\
    "\"estado_detalle\":\"" MK1_DETALLE "\","				\
    "\"fecha_ocupacion\":\"2026-02-02T08:00:00-03:00\","		\
    "\"fecha_ocupacion_sheets\":\"02-02-2026 08:00:00\"}]"
#define WANT_STATUS							\
    "{\"tag_spool\":\"MK-1\",\"occupied\":true,\"worker_id\":93,"		\
    "\"worker_nombre\":\"MR(93)\",\"since\":\"2026-02-02T08:00:00-03:00\","	\
    "\"estado_detalle\":\"" MK1_DETALLE "\",\"arm\":\"en_progreso\","	\
    "\"sold\":\"pendiente\"}"

struct fixture {
	struct sheet_table	*ops;
	struct spool_columns	 cols;
	yajl_gen		 g;
};

static int
setup(void **state)
{
	static struct fixture		 f;
	struct sheets_value_ranges	 vrs;
	struct sheets_limits		 lim = SHEETS_LIMITS_DEFAULT_INIT;
	const char			*missing;
	char				 err[128];

	if (sheets_parse_batch_get(ops_body, strlen(ops_body), &lim, &vrs,
	    err, sizeof(err)) != 0)
		return (-1);
	f.ops = sheet_table_new(&vrs.ranges[0]);
	sheets_value_ranges_free(&vrs);
	if (f.ops == NULL || spool_columns_find(f.ops, &f.cols,
	    &missing) != 0 || (f.g = json_out_new()) == NULL)
		return (-1);
	*state = &f;
	return (0);
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	yajl_gen_free(f->g);
	sheet_table_free(f->ops);
	return (0);
}

static void
assert_json(yajl_gen g, const char *want)
{
	const unsigned char	*buf;
	size_t			 len;

	assert_int_equal(yajl_gen_get_buf(g, &buf, &len), yajl_gen_status_ok);
	assert_string_equal((const char *)buf, want);
}

static void
test_takes(void **state)
{
	(void)state;
	assert_true(spool_list_takes(SPOOL_LIST_INICIAR, OPERACION_ARM));
	assert_true(spool_list_takes(SPOOL_LIST_INICIAR,
	    OPERACION_METROLOGIA));
	assert_false(spool_list_takes(SPOOL_LIST_INICIAR,
	    OPERACION_REPARACION));
	assert_true(spool_list_takes(SPOOL_LIST_COMPLETAR, OPERACION_SOLD));
	assert_false(spool_list_takes(SPOOL_LIST_COMPLETAR,
	    OPERACION_METROLOGIA));
	assert_false(spool_list_takes(SPOOL_LIST_COMPLETAR,
	    OPERACION_REPARACION));
}

static void
test_iniciar(void **state)
{
	struct fixture	*f = *state;

	spool_list_write(f->g, f->ops, &f->cols, SPOOL_LIST_INICIAR,
	    OPERACION_ARM, 0, "operacion=ARM");
	assert_json(f->g, WANT_INICIAR);
}

static void
test_completar(void **state)
{
	struct fixture	*f = *state;

	spool_list_write(f->g, f->ops, &f->cols, SPOOL_LIST_COMPLETAR,
	    OPERACION_ARM, 93, "operacion=ARM&worker_id=93");
	assert_json(f->g, WANT_COMPLETAR);
}

static void
test_completar_other_worker(void **state)
{
	struct fixture	*f = *state;

	spool_list_write(f->g, f->ops, &f->cols, SPOOL_LIST_COMPLETAR,
	    OPERACION_ARM, 7, "x");
	assert_json(f->g,
	    "{\"spools\":[],\"total\":0,\"filtro_aplicado\":\"x\"}");
}

static void
test_dashboard(void **state)
{
	struct fixture	*f = *state;

	spool_dashboard_write(f->g, f->ops, &f->cols);
	assert_json(f->g, WANT_DASHBOARD);
}

static void
test_status(void **state)
{
	struct fixture	*f = *state;

	spool_row_status_write(f->g, f->ops, &f->cols, 0);
	assert_json(f->g, WANT_STATUS);
}

int
main(void)
{
	char			err[128];
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_takes),
		cmocka_unit_test_setup_teardown(test_iniciar, setup, teardown),
		cmocka_unit_test_setup_teardown(test_completar, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_completar_other_worker,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_dashboard, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_status, setup, teardown),
	};

	/* Timestamps print in the default zone, whatever TZ says. */
	if (zone_init(NULL, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s\n", err);
		return (1);
	}
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
