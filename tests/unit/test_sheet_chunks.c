/*
 * Unit tests for lib/sheets/sheet_chunks.c: whole reads, pieces of whole rows
 * inside the grid placed where they belong, pieces sized from the bytes
 * the last one cost, halving down to a row remembered as bad.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sheet_chunks.h"

/* A value range of n rows, row i holding the one cell "<first + i>". */
static void
rows_of(struct sheets_value_range *vr, size_t n, unsigned int first)
{
	char	buf[32];
	size_t	i;

	memset(vr, 0, sizeof(*vr));
	vr->range = strdup("echoed");
	assert_non_null(vr->rows = calloc(n > 0 ? n : 1, sizeof(*vr->rows)));
	for (i = 0; i < n; i++) {
		snprintf(buf, sizeof(buf), "%zu", first + i);
		assert_non_null(vr->rows[i].cells = calloc(1, sizeof(char *)));
		assert_non_null(vr->rows[i].cells[0] = strdup(buf));
		vr->rows[i].ncells = 1;
	}
	vr->nrows = n;
}

static void
test_whole_until_the_grid_is_known(void **state)
{
	struct sheet_chunks		ch;
	struct sheets_value_range	vr, out;

	(void)state;
	assert_int_equal(sheet_chunks_init(&ch, "Operaciones", 0), 0);
	sheet_chunks_begin(&ch);
	assert_true(sheet_chunks_whole(&ch));
	assert_string_equal(sheet_chunks_range(&ch), "'Operaciones'");
	assert_int_equal(sheet_chunks_shrink(&ch), -1);
	rows_of(&vr, 3, 1);
	assert_int_equal(sheet_chunks_take(&ch, &vr, 100), 0);
	assert_true(sheet_chunks_done(&ch));
	assert_false(sheet_chunks_at_grid_end(&ch));
	memset(&out, 0, sizeof(out));
	sheet_chunks_finish(&ch, &out);
	assert_int_equal(out.nrows, 3);
	assert_null(out.range);
	assert_string_equal(out.rows[2].cells[0], "3");
	sheets_value_range_clear(&out);
}

static void
test_pieces_inside_the_grid(void **state)
{
	struct sheet_chunks		ch;
	struct sheets_value_range	vr, out;
	unsigned int			first = SHEETS_MAX_CELLS_PER_REPLY * 2 / 3 / 72;
	char				want[64];

	(void)state;
	assert_int_equal(sheet_chunks_init(&ch, "Operaciones", 0), 0);
	sheet_chunks_set_grid(&ch, 100000, 72);
	sheet_chunks_begin(&ch);
	/* Sized by cells until a piece says how many bytes a row costs. */
	snprintf(want, sizeof(want), "'Operaciones'!1:%u", first);
	assert_string_equal(sheet_chunks_range(&ch), want);
	rows_of(&vr, 3, 1);
	assert_int_equal(sheet_chunks_take(&ch, &vr, (size_t)first * 1024), 0);
	assert_false(sheet_chunks_done(&ch));
	/* 1 KiB a row: the target's worth of rows, cut at the grid. */
	assert_int_equal(ch.rows_per_read, SHEET_CHUNKS_TARGET_BYTES / 1024);
	snprintf(want, sizeof(want), "'Operaciones'!%u:%u", first + 1,
	    first + SHEET_CHUNKS_TARGET_BYTES / 1024);
	assert_string_equal(sheet_chunks_range(&ch), want);
	rows_of(&vr, 2, first + 1);
	assert_int_equal(sheet_chunks_take(&ch, &vr, 2048), 0);
	/* Rows next to empty cost next to nothing: the rest of the grid. */
	snprintf(want, sizeof(want), "'Operaciones'!%u:100000",
	    first + SHEET_CHUNKS_TARGET_BYTES / 1024 + 1);
	assert_string_equal(sheet_chunks_range(&ch), want);
	rows_of(&vr, 0, 0);
	assert_int_equal(sheet_chunks_take(&ch, &vr, 10), 0);
	assert_true(sheet_chunks_done(&ch));
	assert_false(sheet_chunks_at_grid_end(&ch));

	memset(&out, 0, sizeof(out));
	sheet_chunks_finish(&ch, &out);
	/* The empty rows left out of the first piece are put back. */
	assert_int_equal(out.nrows, first + 2);
	assert_int_equal(out.rows[3].ncells, 0);
	snprintf(want, sizeof(want), "%u", first + 1);
	assert_string_equal(out.rows[first].cells[0], want);
	sheets_value_range_clear(&out);
}

static void
test_halving_down_to_a_bad_row(void **state)
{
	struct sheet_chunks		ch;
	struct sheets_value_range	vr;
	unsigned int			n = 0;

	(void)state;
	assert_int_equal(sheet_chunks_init(&ch, "Operaciones", 0), 0);
	sheet_chunks_set_grid(&ch, 100, 10);
	sheet_chunks_begin(&ch);
	assert_string_equal(sheet_chunks_range(&ch), "'Operaciones'!1:100");
	while (sheet_chunks_shrink(&ch) == 0) {
		(void)sheet_chunks_range(&ch);
		n++;
	}
	assert_int_equal(n, 6);		/* 100, 50, 25, 12, 6, 3, 1 */
	assert_int_equal(sheet_chunks_piece_row(&ch), 1);
	assert_int_equal(ch.bad_row, 1);

	/* The next read asks for the bad row alone, then the rest. */
	sheet_chunks_begin(&ch);
	ch.rows_per_read = 100;
	assert_string_equal(sheet_chunks_range(&ch), "'Operaciones'!1:1");
	rows_of(&vr, 1, 1);
	assert_int_equal(sheet_chunks_take(&ch, &vr, 10), 0);
	assert_int_equal(ch.bad_row, 0);
	assert_string_equal(sheet_chunks_range(&ch), "'Operaciones'!2:100");
	rows_of(&vr, 99, 2);
	assert_int_equal(sheet_chunks_take(&ch, &vr, 990), 0);
	assert_true(sheet_chunks_done(&ch));
	/* Data up to the grid's end: the grid may have grown. */
	assert_true(sheet_chunks_at_grid_end(&ch));
	sheet_chunks_clear(&ch);
}

/* After a piece too big, the next ones stay under it. */
static void
test_no_swing_after_too_big(void **state)
{
	struct sheet_chunks		ch;
	struct sheets_value_range	vr;

	(void)state;
	assert_int_equal(sheet_chunks_init(&ch, "Operaciones", 0), 0);
	sheet_chunks_set_grid(&ch, 100000, 20);
	sheet_chunks_begin(&ch);
	assert_string_equal(sheet_chunks_range(&ch), "'Operaciones'!1:50000");
	assert_int_equal(sheet_chunks_shrink(&ch), 0);
	assert_string_equal(sheet_chunks_range(&ch), "'Operaciones'!1:25000");
	rows_of(&vr, 10, 1);
	/* Cheap rows would allow the cell cap's worth; the failure says no. */
	assert_int_equal(sheet_chunks_take(&ch, &vr, 100), 0);
	assert_int_equal(ch.rows_per_read, 49999);
	sheet_chunks_clear(&ch);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_whole_until_the_grid_is_known),
		cmocka_unit_test(test_pieces_inside_the_grid),
		cmocka_unit_test(test_halving_down_to_a_bad_row),
		cmocka_unit_test(test_no_swing_after_too_big),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
