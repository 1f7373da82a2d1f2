/*
 * Unit tests for lib/floor/audit.c: the Metadata audit row of data.md §1
 * - its eleven headers in order, how each column is written, the event
 * kinds, and a record turned into its row of cells.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "audit.h"

static void
test_columns(void **state)
{
	static const char *const want[] = {
		"ID", "Timestamp", "Evento_Tipo", "TAG_SPOOL", "Worker_ID",
		"Worker_Nombre", "Operacion", "Accion", "Fecha_Operacion",
		"Metadata_JSON", "N_UNION",
	};
	size_t	i;

	(void)state;
	assert_int_equal(AUDIT_COLUMNS, sizeof(want) / sizeof(want[0]));
	for (i = 0; i < AUDIT_COLUMNS; i++)
		assert_string_equal(audit_header(i), want[i]);
	assert_string_equal(audit_header(AUDIT_COLUMNS), "");
	/* Dates and numbers typed; the rest literal text. */
	for (i = 0; i < AUDIT_COLUMNS; i++)
		assert_int_equal(audit_cell_kind(i),
		    i == AUDIT_TIMESTAMP || i == AUDIT_WORKER_ID ||
		    i == AUDIT_FECHA_OPERACION || i == AUDIT_N_UNION ?
		    SHEETS_CELL_ENTERED : SHEETS_CELL_TEXT);
	assert_int_equal(audit_cell_kind(AUDIT_COLUMNS), SHEETS_CELL_SKIP);
}

static void
test_events(void **state)
{
	static const char *const want[] = {
		"TOMAR_SPOOL", "PAUSAR_SPOOL", "COMPLETAR_ARM",
		"COMPLETAR_SOLD", "COMPLETAR_METROLOGIA", "TOMAR_REPARACION",
		"PAUSAR_REPARACION", "COMPLETAR_REPARACION",
		"CANCELAR_REPARACION", "SPOOL_CANCELADO",
		"UNION_ARM_REGISTRADA", "UNION_SOLD_REGISTRADA",
		"METROLOGIA_AUTO_TRIGGERED", "SUPERVISOR_OVERRIDE",
	};
	size_t	i;

	(void)state;
	assert_int_equal(AUDIT_EVENTS, sizeof(want) / sizeof(want[0]));
	for (i = 0; i < AUDIT_EVENTS; i++)
		assert_string_equal(audit_event_name((enum audit_event)i),
		    want[i]);
	assert_string_equal(audit_event_name(AUDIT_EVENTS), "");
}

static void
test_row(void **state)
{
	struct audit_record	a;
	struct sheets_cell	c[AUDIT_COLUMNS];
	size_t			i;

	(void)state;
	memset(&a, 0, sizeof(a));
	snprintf(a.id, sizeof(a.id), "00000001-0000-4000-8000-00000000000a");
	snprintf(a.timestamp, sizeof(a.timestamp), "02-02-2026 08:53:45");
	a.evento_tipo = audit_event_name(AUDIT_COMPLETAR_SOLD);
	snprintf(a.tag_spool, sizeof(a.tag_spool), "MK-1");
	snprintf(a.worker_id, sizeof(a.worker_id), "93");
	snprintf(a.worker_nombre, sizeof(a.worker_nombre), "MR(93)");
	a.operacion = "SOLD";
	/* accion left NULL: an empty cell, never a NULL text. */
	snprintf(a.fecha_operacion, sizeof(a.fecha_operacion), "02-02-2026");
	snprintf(a.metadata_json, sizeof(a.metadata_json), "{}");
	audit_row(&a, c);
	assert_string_equal(c[AUDIT_ID].text, a.id);
	assert_string_equal(c[AUDIT_TIMESTAMP].text, "02-02-2026 08:53:45");
	assert_string_equal(c[AUDIT_EVENTO_TIPO].text, "COMPLETAR_SOLD");
	assert_string_equal(c[AUDIT_TAG_SPOOL].text, "MK-1");
	assert_string_equal(c[AUDIT_WORKER_ID].text, "93");
	assert_string_equal(c[AUDIT_WORKER_NOMBRE].text, "MR(93)");
	assert_string_equal(c[AUDIT_OPERACION].text, "SOLD");
	assert_string_equal(c[AUDIT_ACCION].text, "");
	assert_string_equal(c[AUDIT_FECHA_OPERACION].text, "02-02-2026");
	assert_string_equal(c[AUDIT_METADATA_JSON].text, "{}");
	assert_string_equal(c[AUDIT_N_UNION].text, "");
	for (i = 0; i < AUDIT_COLUMNS; i++)
		assert_int_equal(c[i].kind, audit_cell_kind(i));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_columns),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_row),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
