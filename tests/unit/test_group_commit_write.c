/*
 * Unit tests for lib/sheets/group_commit_write.c: the one batchUpdate a
 * group commit sends, its changed rows and their audit rows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "group_commit_write.h"

#define AUDIT_COLS	3

static const struct gc_write	writes_a[] = {
	{ "Estado", { .kind = SHEETS_CELL_TEXT, .text = "OCUPADO" } },
	{ "Fecha", { .kind = SHEETS_CELL_ENTERED, .text = "01-02-2026" } },
};
static const long		cols_a[] = { 6, 2 };	/* G, C */
static const struct gc_write	writes_b[] = {
	{ "Peso", { .kind = SHEETS_CELL_NUMBER, .number = 12.5 } },
};
static const long		cols_b[] = { 9 };	/* J */
static const struct sheets_cell	audit_a[AUDIT_COLS] = {
	{ .kind = SHEETS_CELL_TEXT, .text = "id-a" },
	{ .kind = SHEETS_CELL_ENTERED, .text = "01-02-2026 10:00:00" },
	{ .kind = SHEETS_CELL_TEXT, .text = "MK-1" },
};
static const struct sheets_cell	audit_b[AUDIT_COLS] = {
	{ .kind = SHEETS_CELL_TEXT, .text = "id-b" },
	{ .kind = SHEETS_CELL_ENTERED, .text = "01-02-2026 10:00:01" },
	{ .kind = SHEETS_CELL_TEXT, .text = "MK-2" },
};

static const struct sheets_row	audits_a[] = { { audit_a, AUDIT_COLS } };
static const struct sheets_row	audits_b[] = { { audit_b, AUDIT_COLS } };

static void
assert_cell(const struct sheets_row *row, size_t i, enum sheets_cell_kind k,
    const char *text)
{
	assert_true(i < row->ncells);
	assert_int_equal(row->cells[i].kind, k);
	if (text != NULL)
		assert_string_equal(row->cells[i].text, text);
}

/*
 * Each change's row from its first to its last written column, the
 * version included; then the audit rows, another instance's row between
 * them left alone.
 */
static void
test_write_two_changes(void **state)
{
	const struct gc_row_write	rw[] = {
		{ "Operaciones", 12, writes_a, cols_a, 2, 4, "v-a", 9,
		    audits_a, 1, NULL, 0 },
		{ "Operaciones", 3, writes_b, cols_b, 1, 4, "v-b", 7,
		    audits_b, 1, NULL, 0 },
	};
	const struct sheets_row		*row;
	struct gc_write_buf		 w;
	char				 err[128];
	size_t				 i;

	(void)state;
	assert_int_equal(gc_write_build(&w, rw, 2, "Metadata", AUDIT_COLS,
	    err, sizeof(err)), 0);
	assert_int_equal(w.ndata, 3);

	assert_string_equal(w.data[0].range, "'Operaciones'!C12:G12");
	assert_int_equal(w.data[0].nrows, 1);
	row = &w.data[0].rows[0];
	assert_int_equal(row->ncells, 5);
	assert_cell(row, 0, SHEETS_CELL_ENTERED, "01-02-2026");
	assert_cell(row, 1, SHEETS_CELL_SKIP, NULL);
	assert_cell(row, 2, SHEETS_CELL_TEXT, "v-a");
	assert_cell(row, 3, SHEETS_CELL_SKIP, NULL);
	assert_cell(row, 4, SHEETS_CELL_TEXT, "OCUPADO");

	assert_string_equal(w.data[1].range, "'Operaciones'!E3:J3");
	row = &w.data[1].rows[0];
	assert_int_equal(row->ncells, 6);
	assert_cell(row, 0, SHEETS_CELL_TEXT, "v-b");
	for (i = 1; i < 5; i++)
		assert_cell(row, i, SHEETS_CELL_SKIP, NULL);
	assert_int_equal(row->cells[5].kind, SHEETS_CELL_NUMBER);
	assert_true(row->cells[5].number == 12.5);

	assert_string_equal(w.data[2].range, "'Metadata'!A7:C9");
	assert_int_equal(w.data[2].nrows, 3);
	row = &w.data[2].rows[0];
	assert_int_equal(row->ncells, AUDIT_COLS);
	assert_cell(row, 0, SHEETS_CELL_TEXT, "id-b");
	assert_cell(row, 1, SHEETS_CELL_ENTERED, "01-02-2026 10:00:01");
	assert_cell(row, 2, SHEETS_CELL_TEXT, "MK-2");
	row = &w.data[2].rows[1];
	for (i = 0; i < AUDIT_COLS; i++)
		assert_cell(row, i, SHEETS_CELL_SKIP, NULL);
	row = &w.data[2].rows[2];
	assert_cell(row, 0, SHEETS_CELL_TEXT, "id-a");
	assert_cell(row, 2, SHEETS_CELL_TEXT, "MK-1");
	gc_write_buf_free(&w);
}

/* A change that writes only its version still gets its audit row. */
static void
test_write_version_only(void **state)
{
	const struct gc_row_write	rw[] = {
		{ "Operaciones", 2, NULL, NULL, 0, 0, "v-c", 2, audits_a, 1,
		    NULL, 0 },
	};
	struct gc_write_buf		w;
	char				err[128];

	(void)state;
	assert_int_equal(gc_write_build(&w, rw, 1, "Metadata", AUDIT_COLS,
	    err, sizeof(err)), 0);
	assert_int_equal(w.ndata, 2);
	assert_string_equal(w.data[0].range, "'Operaciones'!A2");
	assert_cell(&w.data[0].rows[0], 0, SHEETS_CELL_TEXT, "v-c");
	assert_string_equal(w.data[1].range, "'Metadata'!A2:C2");
	gc_write_buf_free(&w);
}

/*
 * Other rows: consecutive rows of a sheet spanning the same columns are
 * one range whatever order they came in, a gap or another span starts
 * another; a row without cells is only verified, never written.  The
 * audit rows of one change follow each other in order.
 */
static void
test_write_other_rows(void **state)
{
	static const struct gc_write	fin[] = {
		{ "ARM_WORKER", { .kind = SHEETS_CELL_TEXT, .text = "MR" } },
		{ "ARM_FECHA_FIN", { .kind = SHEETS_CELL_ENTERED,
		    .text = "01-02-2026" } },
	};
	static const long		fin_cols[] = { 8, 7 };	/* I, H */
	static const long		one_col[] = { 7 };
	const struct gc_other_write	others[] = {
		{ "Uniones", 41, fin, fin_cols, 2 },
		{ "Uniones", 40, fin, fin_cols, 2 },
		{ "Uniones", 44, fin, fin_cols, 2 },
		{ "Uniones", 42, fin, fin_cols, 2 },
		{ "Uniones", 43, fin, one_col, 1 },	/* H only */
		{ "Uniones", 45, NULL, NULL, 0 },
	};
	const struct sheets_row		audits[] = {
		{ audit_a, AUDIT_COLS }, { audit_b, 2 },
	};
	const struct gc_row_write	rw[] = {
		{ "Operaciones", 12, writes_a, cols_a, 2, 4, "v-a", 9,
		    audits, 2, others, 6 },
	};
	const struct sheets_row		*row;
	struct gc_write_buf		 w;
	char				 err[128];
	size_t				 i;

	(void)state;
	assert_int_equal(gc_write_build(&w, rw, 1, "Metadata", AUDIT_COLS,
	    err, sizeof(err)), 0);
	assert_int_equal(w.ndata, 5);
	assert_string_equal(w.data[0].range, "'Operaciones'!C12:G12");
	assert_string_equal(w.data[1].range, "'Uniones'!H40:I42");
	assert_int_equal(w.data[1].nrows, 3);
	for (i = 0; i < 3; i++) {
		row = &w.data[1].rows[i];
		assert_int_equal(row->ncells, 2);
		assert_cell(row, 0, SHEETS_CELL_ENTERED, "01-02-2026");
		assert_cell(row, 1, SHEETS_CELL_TEXT, "MR");
	}
	assert_string_equal(w.data[2].range, "'Uniones'!H43");
	assert_cell(&w.data[2].rows[0], 0, SHEETS_CELL_TEXT, "MR");
	assert_string_equal(w.data[3].range, "'Uniones'!H44:I44");
	assert_string_equal(w.data[4].range, "'Metadata'!A9:C10");
	assert_int_equal(w.data[4].nrows, 2);
	assert_cell(&w.data[4].rows[0], 0, SHEETS_CELL_TEXT, "id-a");
	assert_cell(&w.data[4].rows[0], 2, SHEETS_CELL_TEXT, "MK-1");
	assert_cell(&w.data[4].rows[1], 0, SHEETS_CELL_TEXT, "id-b");
	assert_cell(&w.data[4].rows[1], 2, SHEETS_CELL_SKIP, NULL);
	gc_write_buf_free(&w);
}

/* A row past the grid cannot be named: the request is not built. */
static void
test_write_unnameable(void **state)
{
	const struct gc_row_write	rw[] = {
		{ "Operaciones", A1_MAX_ROW + 1, writes_b, cols_b, 1, 4,
		    "v-b", 7, audits_b, 1, NULL, 0 },
	};
	struct gc_write_buf		w;
	char				err[128];

	(void)state;
	assert_int_equal(gc_write_build(&w, rw, 1, "Metadata", AUDIT_COLS,
	    err, sizeof(err)), -1);
	assert_string_equal(err, "cannot name row 10000001 of 'Operaciones'");
	assert_null(w.data);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_write_two_changes),
		cmocka_unit_test(test_write_version_only),
		cmocka_unit_test(test_write_other_rows),
		cmocka_unit_test(test_write_unnameable),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
