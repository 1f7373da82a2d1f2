/*
 * zeues-migrate against the Sheets emulator: a workbook without the v3.0
 * columns and without Metadata is migrated; a second run writes nothing;
 * a dry run writes nothing and prints the plan; a half-migrated workbook
 * gets only what it lacks; a Metadata sheet with someone else's header is
 * refused; the v4 columns and the Uniones sheet (003) are added after the
 * v3.0 ones in the same run, and a Uniones sheet begun by hand is
 * completed.
 */
#include <sys/wait.h>

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
#include "server.h"

struct run {
	int	 status;	/* exit status, -1 if it did not exit */
	char	*out;		/* stdout and stderr */
};

/*
 * Operaciones without the v3.0 columns: its title, grid width and header
 * cells after Armador are the 2nd to 4th arguments, more sheets the 5th.
 */
static const char	old_workbook[] =
    "{\"spreadsheetId\":\"%s\",\"title\":\"Old\",\"sheets\":["
    "{\"title\":\"%s\",\"sheetId\":0,\"rowCount\":20,\"columnCount\":%d,"
    "\"rows\":[[\"TAG_SPOOL\",\"OT\",\"NV\",\"Fecha_Materiales\","
    "\"Armador\"%s],[\"MK-1\",\"100\",\"7\",\"01-02-2026\"]]},"
    "{\"title\":\"Trabajadores\",\"sheetId\":1,\"rowCount\":20,"
    "\"columnCount\":5,\"rows\":[[\"Id\",\"Nombre\",\"Apellido\",\"Rol\","
    "\"Activo\"]]},"
    "{\"title\":\"Roles\",\"sheetId\":2,\"rowCount\":20,\"columnCount\":3,"
    "\"rows\":[[\"Id\",\"Rol\",\"Activo\"]]}%s]}";

struct fixture {
	struct emu	emu;
	char		*extra_env;	/* "HOJA_OPERACIONES_NOMBRE=..." */
};

static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(emu_start(&f->emu, 5, 3, NULL), 0);
	*state = f;
	return (0);
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;
	int		 rc;

	rc = emu_stop(&f->emu);
	free(f);
	assert_int_equal(rc, 0);
	return (0);
}

/* Restarts the emulator on the old workbook (plus more sheets). */
static void
use_old_workbook(struct fixture *f, const char *operaciones,
    const char *more_sheets)
{
	char	text[4096];

	snprintf(text, sizeof(text), old_workbook, f->emu.spreadsheet_id,
	    operaciones, 6, "", more_sheets);
	assert_int_equal(emu_restart_with(&f->emu, text), 0);
}

static void
run_tool(struct fixture *f, int dry_run, struct run *r)
{
	static int	 n;
	char		 env[4][700], *envp[5], log[700];
	char		*argv[] = { (char *)test_build_path(
			    "migrations/zeues-migrate"), dry_run ?
			    "--dry-run" : NULL, NULL };
	pid_t		 pid;
	size_t		 k = 0;

	snprintf(env[k], sizeof(env[k]), "GOOGLE_SHEET_ID=%s",
	    f->emu.spreadsheet_id);
	envp[k] = env[k];
	k++;
	snprintf(env[k], sizeof(env[k]), "SHEETS_API_BASE_URL=%s",
	    f->emu.base);
	envp[k] = env[k];
	k++;
	snprintf(env[k], sizeof(env[k]), "GOOGLE_APPLICATION_CREDENTIALS=%s",
	    f->emu.key);
	envp[k] = env[k];
	k++;
	if (f->extra_env != NULL)
		envp[k++] = f->extra_env;
	envp[k] = NULL;
	snprintf(log, sizeof(log), "%s/migrate-%d-%d.log", harness_tmpdir(),
	    (int)getpid(), n++);
	pid = harness_spawn(log, argv, envp);
	assert_true(pid > 0);
	r->status = harness_wait_exit(pid, 30000);
	if (r->status != -1 && WIFEXITED(r->status))
		r->status = WEXITSTATUS(r->status);
	else
		r->status = -1;
	assert_non_null(r->out = emu_slurp(log));
}

static void
assert_has(const char *text, const char *what)
{
	if (strstr(text, what) == NULL)
		fail_msg("no \"%s\" in:\n%s", what, text);
}

static long long
writes(struct fixture *f)
{
	return (emu_counter(&f->emu, "writes", NULL));
}

static void
assert_header(yajl_val sheet, const char *const *want, size_t from,
    size_t n)
{
	char	buf[32];
	size_t	i;

	for (i = 0; i < n; i++)
		assert_string_equal(emu_cell(sheet, 0, from + i, buf,
		    sizeof(buf)), want[i]);
}

static const char *const	v3[] = {
	"Ocupado_Por", "Fecha_Ocupacion", "version", "Estado_Detalle",
};
static const char *const	v4[] = {
	"Total_Uniones", "Uniones_ARM_Completadas", "Uniones_SOLD_Completadas",
	"Pulgadas_ARM", "Pulgadas_SOLD",
};
static const char *const	uniones[] = {
	"ID", "OT", "TAG_SPOOL", "N_UNION", "DN_UNION", "TIPO_UNION",
	"ARM_FECHA_INICIO", "ARM_FECHA_FIN", "ARM_WORKER", "SOL_FECHA_INICIO",
	"SOL_FECHA_FIN", "SOL_WORKER", "NDT_FECHA", "NDT_STATUS", "version",
	"Creado_Por", "Fecha_Creacion", "Modificado_Por", "Fecha_Modificacion",
};
static const char *const	meta[] = {
	"ID", "Timestamp", "Evento_Tipo", "TAG_SPOOL", "Worker_ID",
	"Worker_Nombre", "Operacion", "Accion", "Fecha_Operacion",
	"Metadata_JSON", "N_UNION",
};

/* A dry run reads, prints the plan, and writes nothing. */
static void
test_dry_run_changes_nothing(void **state)
{
	struct fixture	*f = *state;
	struct run	 r;
	yajl_val	 wb;

	use_old_workbook(f, "Operaciones", "");
	emu_reset_counters(&f->emu);
	run_tool(f, 1, &r);
	assert_int_equal(r.status, 0);
	assert_has(r.out, "001_operaciones_v3_columns: widen 'Operaciones' "
	    "from 6 to 9 columns");
	assert_has(r.out, "001_operaciones_v3_columns: add the headers "
	    "Ocupado_Por, Fecha_Ocupacion, version, Estado_Detalle to "
	    "'Operaciones' at F1:I1");
	assert_has(r.out, "002_metadata_sheet: create the sheet 'Metadata'");
	assert_has(r.out, "003_uniones: widen 'Operaciones' to 14 columns");
	assert_has(r.out, "003_uniones: add the headers Total_Uniones, "
	    "Uniones_ARM_Completadas, Uniones_SOLD_Completadas, Pulgadas_ARM, "
	    "Pulgadas_SOLD to 'Operaciones' at J1:N1");
	assert_has(r.out, "003_uniones: create the sheet 'Uniones'");
	assert_has(r.out, "log: create the hidden sheet '_migrations'");
	assert_has(r.out, "dry run: nothing was changed");
	free(r.out);
	assert_int_equal(writes(f), 0);
	assert_int_equal(emu_counter(&f->emu, "calls", "batchUpdate", NULL),
	    0);
	assert_int_equal(emu_counter(&f->emu, "calls",
	    "spreadsheets.batchUpdate", NULL), 0);
	assert_non_null(wb = emu_workbook(&f->emu));
	assert_null(emu_sheet(wb, "Metadata"));
	assert_int_equal(jpath_int(emu_sheet(wb, "Operaciones"), 0,
	    "columnCount", NULL), 6);
	yajl_tree_free(wb);
}

/* Migrate: two writes; then again: none. */
static void
test_migrate_then_nothing(void **state)
{
	struct fixture	*f = *state;
	struct run	 r;
	yajl_val	 wb, op, log;
	char		 buf[32];

	use_old_workbook(f, "Operaciones", "");
	emu_reset_counters(&f->emu);
	run_tool(f, 0, &r);
	if (r.status != 0)
		fail_msg("exit %d:\n%s", r.status, r.out);
	assert_has(r.out, "001_operaciones_v3_columns: applied");
	assert_has(r.out, "002_metadata_sheet: applied");
	assert_has(r.out, "003_uniones: applied");
	free(r.out);
	/* One structural call and one for the cells. */
	assert_int_equal(writes(f), 2);

	assert_non_null(wb = emu_workbook(&f->emu));
	op = emu_sheet(wb, "Operaciones");
	assert_int_equal(jpath_int(op, 0, "columnCount", NULL), 14);
	assert_string_equal(emu_cell(op, 0, 4, buf, sizeof(buf)), "Armador");
	assert_header(op, v3, 5, 4);
	assert_header(op, v4, 9, 5);
	/* Every spool stays v3: no Total_Uniones written. */
	assert_string_equal(emu_cell(op, 1, 9, buf, sizeof(buf)), "");
	assert_non_null(emu_sheet(wb, "Uniones"));
	assert_header(emu_sheet(wb, "Uniones"), uniones, 0, 19);
	assert_int_equal(emu_nrows(emu_sheet(wb, "Uniones")), 1);
	assert_string_equal(emu_cell(op, 1, 0, buf, sizeof(buf)), "MK-1");
	assert_non_null(emu_sheet(wb, "Metadata"));
	assert_header(emu_sheet(wb, "Metadata"), meta, 0, 11);
	assert_int_equal(emu_nrows(emu_sheet(wb, "Metadata")), 1);
	assert_non_null(log = emu_sheet(wb, "_migrations"));
	assert_int_equal(emu_nrows(log), 4);
	assert_string_equal(emu_cell(log, 1, 0, buf, sizeof(buf)),
	    "001_operaciones_v3_columns");
	assert_string_equal(emu_cell(log, 2, 0, buf, sizeof(buf)),
	    "002_metadata_sheet");
	assert_string_equal(emu_cell(log, 3, 0, buf, sizeof(buf)),
	    "003_uniones");
	yajl_tree_free(wb);

	emu_reset_counters(&f->emu);
	run_tool(f, 0, &r);
	assert_int_equal(r.status, 0);
	assert_has(r.out, "001_operaciones_v3_columns: applied 20");
	assert_has(r.out, "nothing to do");
	free(r.out);
	assert_int_equal(writes(f), 0);
	run_tool(f, 1, &r);
	assert_int_equal(r.status, 0);
	assert_has(r.out, "nothing to do");
	free(r.out);
	assert_int_equal(writes(f), 0);
}

/*
 * Half done by hand, under other sheet names: only the missing headers
 * are written, with no structural change but the log sheet.
 */
static void
test_half_migrated_workbook(void **state)
{
	struct fixture	*f = *state;
	static char	 env_ops[] = "HOJA_OPERACIONES_NOMBRE=Spools 2026";
	struct run	 r;
	yajl_val	 wb, op;
	char		 buf[32], text[4096];

	/* "Ocupado Por" and "VERSION" count as present. */
	snprintf(text, sizeof(text), old_workbook, f->emu.spreadsheet_id,
	    "Spools 2026", 9, ",\"Ocupado Por\",\"VERSION\"",
	    ",{\"title\":\"Metadata\",\"sheetId\":7,\"rowCount\":50,"
	    "\"columnCount\":11}");
	assert_int_equal(emu_restart_with(&f->emu, text), 0);
	f->extra_env = env_ops;
	emu_reset_counters(&f->emu);
	run_tool(f, 0, &r);
	f->extra_env = NULL;
	if (r.status != 0)
		fail_msg("exit %d:\n%s", r.status, r.out);
	assert_has(r.out, "add the headers Fecha_Ocupacion, Estado_Detalle "
	    "to 'Spools 2026' at H1:I1");
	assert_has(r.out, "002_metadata_sheet: write the header");
	free(r.out);
	/* The log and Uniones sheets and a wider grid; the cells. */
	assert_int_equal(writes(f), 2);
	assert_non_null(wb = emu_workbook(&f->emu));
	op = emu_sheet(wb, "Spools 2026");
	assert_int_equal(jpath_int(op, 0, "columnCount", NULL), 14);
	assert_string_equal(emu_cell(op, 0, 5, buf, sizeof(buf)),
	    "Ocupado Por");
	assert_string_equal(emu_cell(op, 0, 6, buf, sizeof(buf)), "VERSION");
	assert_string_equal(emu_cell(op, 0, 7, buf, sizeof(buf)),
	    "Fecha_Ocupacion");
	assert_string_equal(emu_cell(op, 0, 8, buf, sizeof(buf)),
	    "Estado_Detalle");
	assert_header(emu_sheet(wb, "Metadata"), meta, 0, 11);
	yajl_tree_free(wb);
}

/* An existing Metadata with an empty first row only gets its header. */
static void
test_existing_empty_metadata(void **state)
{
	struct fixture	*f = *state;
	static char	 env_meta[] = "HOJA_METADATA_NOMBRE=Audit";
	struct run	 r;
	yajl_val	 wb, audit;

	use_old_workbook(f, "Operaciones", ",{\"title\":\"Audit\",\"sheetId\":"
	    "7,\"rowCount\":50,\"columnCount\":8}");
	f->extra_env = env_meta;
	run_tool(f, 0, &r);
	f->extra_env = NULL;
	if (r.status != 0)
		fail_msg("exit %d:\n%s", r.status, r.out);
	assert_has(r.out, "002_metadata_sheet: widen 'Audit' to 11 columns");
	free(r.out);
	assert_non_null(wb = emu_workbook(&f->emu));
	assert_null(emu_sheet(wb, "Metadata"));
	assert_non_null(audit = emu_sheet(wb, "Audit"));
	assert_int_equal(jpath_int(audit, 0, "columnCount", NULL), 11);
	assert_header(audit, meta, 0, 11);
	yajl_tree_free(wb);
}

/* Someone else's header in Metadata: refused, nothing written. */
static void
test_foreign_metadata_header_is_refused(void **state)
{
	struct fixture	*f = *state;
	struct run	 r;

	use_old_workbook(f, "Operaciones", ",{\"title\":\"Metadata\","
	    "\"sheetId\":7,\"rowCount\":50,\"columnCount\":11,\"rows\":"
	    "[[\"ID\",\"Fecha\"]]}");
	emu_reset_counters(&f->emu);
	run_tool(f, 0, &r);
	assert_int_equal(r.status, 1);
	assert_has(r.out, "'Metadata' has another header: column 2 is "
	    "'Fecha', expected 'Timestamp'");
	free(r.out);
	assert_int_equal(writes(f), 0);
}

/* The demo workbook is already in shape: only the records are written. */
static void
test_demo_workbook_only_gets_records(void **state)
{
	struct fixture	*f = *state;
	struct run	 r;

	emu_reset_counters(&f->emu);
	run_tool(f, 0, &r);
	if (r.status != 0)
		fail_msg("exit %d:\n%s", r.status, r.out);
	assert_has(r.out, "'Operaciones' has every v3.0 column");
	assert_has(r.out, "'Metadata' has its header");
	assert_has(r.out, "'Operaciones' has every v4 column");
	assert_has(r.out, "'Uniones' has its header");
	free(r.out);
	assert_int_equal(writes(f), 2);		/* the log sheet, its rows */
	emu_reset_counters(&f->emu);
	run_tool(f, 0, &r);
	assert_int_equal(r.status, 0);
	free(r.out);
	assert_int_equal(writes(f), 0);
}

/*
 * A Uniones sheet begun by hand (three headers, one spelled its own way)
 * gets the sixteen it lacks after its last, the grid widened; a second
 * run writes nothing.
 */
static void
test_uniones_begun_by_hand(void **state)
{
	struct fixture	*f = *state;
	struct run	 r;
	yajl_val	 wb, un;
	char		 buf[32];

	use_old_workbook(f, "Operaciones", ",{\"title\":\"Uniones\","
	    "\"sheetId\":9,\"rowCount\":50,\"columnCount\":5,\"rows\":"
	    "[[\"ID\",\"OT\",\"Tag Spool\"],[\"100+1\",\"100\",\"MK-1\"]]}");
	run_tool(f, 0, &r);
	if (r.status != 0)
		fail_msg("exit %d:\n%s", r.status, r.out);
	assert_has(r.out, "003_uniones: widen 'Uniones' to 19 columns");
	assert_has(r.out, "003_uniones: add the headers N_UNION, DN_UNION");
	assert_has(r.out, "to 'Uniones' at D1:S1");
	free(r.out);
	assert_non_null(wb = emu_workbook(&f->emu));
	assert_non_null(un = emu_sheet(wb, "Uniones"));
	assert_int_equal(jpath_int(un, 0, "columnCount", NULL), 19);
	assert_string_equal(emu_cell(un, 0, 2, buf, sizeof(buf)),
	    "Tag Spool");
	assert_header(un, uniones + 3, 3, 16);
	assert_string_equal(emu_cell(un, 1, 0, buf, sizeof(buf)), "100+1");
	yajl_tree_free(wb);

	emu_reset_counters(&f->emu);
	run_tool(f, 0, &r);
	assert_int_equal(r.status, 0);
	assert_has(r.out, "nothing to do");
	free(r.out);
	assert_int_equal(writes(f), 0);
}

/* Without GOOGLE_SHEET_ID there is nothing to migrate: status 2. */
static void
test_unconfigured(void **state)
{
	char	*argv[] = { (char *)test_build_path(
		    "migrations/zeues-migrate"), NULL };
	static char	env[] = "GOOGLE_SHEET_ID=";
	char	*envp[] = { env, NULL };
	char	 log[700];
	pid_t	 pid;
	int	 status;

	(void)state;
	snprintf(log, sizeof(log), "%s/migrate-unset.log", harness_tmpdir());
	pid = harness_spawn(log, argv, envp);
	status = harness_wait_exit(pid, 10000);
	assert_true(status != -1 && WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 2);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test_setup_teardown(test_dry_run_changes_nothing,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrate_then_nothing,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_half_migrated_workbook,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_existing_empty_metadata,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_foreign_metadata_header_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_demo_workbook_only_gets_records, setup, teardown),
		cmocka_unit_test_setup_teardown(test_uniones_begun_by_hand,
		    setup, teardown),
		cmocka_unit_test(test_unconfigured),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
