/*
 * Unit tests for lib/sheets/a1.c: column letters, sheet quoting, range formatting
 * and parsing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "a1.h"
#include "nelem.h"

static void
test_column_letters(void **state)
{
	static const struct {
		unsigned int	 col;
		const char	*letters;
	} cases[] = {
		{ 1, "A" }, { 26, "Z" }, { 27, "AA" }, { 52, "AZ" },
		{ 53, "BA" }, { 66, "BN" }, { 72, "BT" }, { 702, "ZZ" },
		{ 703, "AAA" }, { 18278, "ZZZ" },
	};
	char	buf[A1_COLUMN_SIZE];
	size_t	i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		assert_int_equal(a1_column_letters(cases[i].col, buf,
		    sizeof(buf)), 0);
		assert_string_equal(buf, cases[i].letters);
		assert_int_equal(a1_column_index(cases[i].letters),
		    cases[i].col);
	}
}

static void
test_column_round_trip(void **state)
{
	char		buf[A1_COLUMN_SIZE];
	unsigned int	col;

	(void)state;
	for (col = 1; col <= A1_MAX_COLUMN; col++) {
		assert_int_equal(a1_column_letters(col, buf, sizeof(buf)), 0);
		assert_int_equal(a1_column_index(buf), col);
	}
}

static void
test_column_rejects(void **state)
{
	char	buf[A1_COLUMN_SIZE];

	(void)state;
	assert_int_equal(a1_column_letters(0, buf, sizeof(buf)), -1);
	assert_int_equal(a1_column_letters(A1_MAX_COLUMN + 1, buf,
	    sizeof(buf)), -1);
	/* "AB" needs 3 bytes. */
	assert_int_equal(a1_column_letters(28, buf, 2), -1);
	assert_int_equal(a1_column_letters(28, buf, 3), 0);
	assert_string_equal(buf, "AB");

	assert_int_equal(a1_column_index(""), 0);
	assert_int_equal(a1_column_index("AAAA"), 0);
	assert_int_equal(a1_column_index("A1"), 0);
	assert_int_equal(a1_column_index("Ñ"), 0);
	assert_int_equal(a1_column_index("bt"), 72);
}

static void
test_quote_sheet(void **state)
{
	char	buf[32];

	(void)state;
	assert_int_equal(a1_quote_sheet("Operaciones", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "'Operaciones'");
	assert_int_equal(a1_quote_sheet("Jon's Data", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "'Jon''s Data'");
	assert_int_equal(a1_quote_sheet("''", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "''''''");

	/* 'ab' needs 5 bytes; 'a''' needs 6. */
	assert_int_equal(a1_quote_sheet("ab", buf, 4), -1);
	assert_string_equal(buf, "");
	assert_int_equal(a1_quote_sheet("ab", buf, 5), 0);
	assert_int_equal(a1_quote_sheet("a'", buf, 5), -1);
	assert_int_equal(a1_quote_sheet("a'", buf, 6), 0);
	assert_string_equal(buf, "'a'''");
}

static void
test_format_range(void **state)
{
	struct a1_area	row2 = { 1, 2, 72, 2 };
	struct a1_area	cell = { 11, 5, 11, 5 };
	struct a1_area	cols = { 1, 0, 3, 0 };
	struct a1_area	rows = { 0, 2, 0, 5 };
	struct a1_area	open = { 1, 5, 1, 0 };
	char		buf[64];

	(void)state;
	assert_int_equal(a1_format_range(buf, sizeof(buf), "Operaciones",
	    &row2), 0);
	assert_string_equal(buf, "'Operaciones'!A2:BT2");
	assert_int_equal(a1_format_range(buf, sizeof(buf), "Meta", &cell), 0);
	assert_string_equal(buf, "'Meta'!K5");
	assert_int_equal(a1_format_range(buf, sizeof(buf), "S", &cols), 0);
	assert_string_equal(buf, "'S'!A:C");
	assert_int_equal(a1_format_range(buf, sizeof(buf), "S", &rows), 0);
	assert_string_equal(buf, "'S'!2:5");
	assert_int_equal(a1_format_range(buf, sizeof(buf), "S", &open), 0);
	assert_string_equal(buf, "'S'!A5:A");
	assert_int_equal(a1_format_range(buf, sizeof(buf), "It's", NULL), 0);
	assert_string_equal(buf, "'It''s'");
}

static void
test_format_range_rejects(void **state)
{
	struct a1_area	reversed = { 3, 1, 1, 1 };
	struct a1_area	too_wide = { 1, 1, A1_MAX_COLUMN + 1, 1 };
	struct a1_area	too_deep = { 1, 1, 1, A1_MAX_ROW + 1 };
	struct a1_area	empty = { 0, 0, 0, 0 };
	struct a1_area	ok = { 1, 2, 72, 2 };
	char		buf[64];

	(void)state;
	assert_int_equal(a1_format_range(buf, sizeof(buf), "S", &reversed),
	    -1);
	assert_int_equal(a1_format_range(buf, sizeof(buf), "S", &too_wide),
	    -1);
	assert_int_equal(a1_format_range(buf, sizeof(buf), "S", &too_deep),
	    -1);
	assert_int_equal(a1_format_range(buf, sizeof(buf), "S", &empty), -1);

	/* "'Operaciones'!A2:BT2" is 20 characters: 21 bytes fit, 20 not. */
	assert_int_equal(a1_format_range(buf, 20, "Operaciones", &ok), -1);
	assert_string_equal(buf, "");
	assert_int_equal(a1_format_range(buf, 21, "Operaciones", &ok), 0);
	assert_string_equal(buf, "'Operaciones'!A2:BT2");
}

static void
test_parse_range(void **state)
{
	struct a1_range	r;

	(void)state;
	assert_int_equal(a1_parse_range("'Operaciones'!A2:BT2", &r), 0);
	assert_string_equal(r.sheet, "Operaciones");
	assert_true(r.has_area);
	assert_int_equal(r.area.first_col, 1);
	assert_int_equal(r.area.first_row, 2);
	assert_int_equal(r.area.last_col, 72);
	assert_int_equal(r.area.last_row, 2);

	assert_int_equal(a1_parse_range("Metadata!A3:K4", &r), 0);
	assert_string_equal(r.sheet, "Metadata");
	assert_int_equal(r.area.first_row, 3);
	assert_int_equal(r.area.last_col, 11);

	assert_int_equal(a1_parse_range("'Jon''s Data'!B7", &r), 0);
	assert_string_equal(r.sheet, "Jon's Data");
	assert_int_equal(r.area.first_col, 2);
	assert_int_equal(r.area.last_row, 7);

	/* The undoubled form from Google's own examples. */
	assert_int_equal(a1_parse_range("'Jon's_Data'!A1:D5", &r), 0);
	assert_string_equal(r.sheet, "Jon's_Data");

	assert_int_equal(a1_parse_range("'My Sheet'", &r), 0);
	assert_string_equal(r.sheet, "My Sheet");
	assert_false(r.has_area);

	assert_int_equal(a1_parse_range("Sheet1", &r), 0);
	assert_string_equal(r.sheet, "Sheet1");
	assert_false(r.has_area);

	/* Unquoted A1 is a cell, 'A1' a sheet. */
	assert_int_equal(a1_parse_range("A1", &r), 0);
	assert_true(r.has_area);
	assert_string_equal(r.sheet, "");
	assert_int_equal(a1_parse_range("'A1'", &r), 0);
	assert_false(r.has_area);
	assert_string_equal(r.sheet, "A1");

	assert_int_equal(a1_parse_range("S!A:C", &r), 0);
	assert_int_equal(r.area.first_row, 0);
	assert_int_equal(r.area.last_col, 3);
	assert_int_equal(a1_parse_range("S!2:5", &r), 0);
	assert_int_equal(r.area.first_col, 0);
	assert_int_equal(r.area.last_row, 5);
	assert_int_equal(a1_parse_range("S!a5:a", &r), 0);
	assert_int_equal(r.area.first_row, 5);
	assert_int_equal(r.area.last_row, 0);
	assert_int_equal(a1_parse_range("S!A1:B", &r), 0);
	assert_int_equal(r.area.last_col, 2);
	assert_int_equal(r.area.last_row, 0);
}

static void
test_parse_range_rejects(void **state)
{
	static const char *bad[] = {
		"", "'unterminated", "''!A1", "S!", "!A1", "S!A0",
		"S!A1:", "S!A1:1B", "S!A5:7", "S!AAAA1", "S!A10000001",
		"S!B1:A1", "S!A1B", "'S'A1", "S!$A$1", "'S'!",
	};
	struct a1_range	r;
	size_t		i;

	(void)state;
	for (i = 0; i < NELEM(bad); i++) {
		if (a1_parse_range(bad[i], &r) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_string_equal(r.sheet, "");
	}
}

static void
test_parse_long_sheet_name(void **state)
{
	char		name[A1_SHEET_NAME_SIZE + 8];
	char		text[sizeof(name) + 16];
	struct a1_range	r;

	(void)state;
	memset(name, 'x', A1_SHEET_NAME_SIZE - 1);
	name[A1_SHEET_NAME_SIZE - 1] = '\0';
	snprintf(text, sizeof(text), "'%s'!A1", name);
	assert_int_equal(a1_parse_range(text, &r), 0);
	assert_string_equal(r.sheet, name);

	name[A1_SHEET_NAME_SIZE - 1] = 'x';
	name[A1_SHEET_NAME_SIZE] = '\0';
	snprintf(text, sizeof(text), "'%s'!A1", name);
	assert_int_equal(a1_parse_range(text, &r), -1);
	snprintf(text, sizeof(text), "%s!A1", name);
	assert_int_equal(a1_parse_range(text, &r), -1);
}

static void
test_format_parse_round_trip(void **state)
{
	static const char *sheets[] = {
		"Operaciones", "Jon's Data", "A1", "a!b", "'", "Fecha QC",
	};
	struct a1_area	area = { 3, 2, 72, 2001 };
	struct a1_range	r;
	char		buf[128];
	size_t		i;

	(void)state;
	for (i = 0; i < NELEM(sheets); i++) {
		assert_int_equal(a1_format_range(buf, sizeof(buf), sheets[i],
		    &area), 0);
		assert_int_equal(a1_parse_range(buf, &r), 0);
		assert_string_equal(r.sheet, sheets[i]);
		assert_memory_equal(&r.area, &area, sizeof(area));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_column_letters),
		cmocka_unit_test(test_column_round_trip),
		cmocka_unit_test(test_column_rejects),
		cmocka_unit_test(test_quote_sheet),
		cmocka_unit_test(test_format_range),
		cmocka_unit_test(test_format_range_rejects),
		cmocka_unit_test(test_parse_range),
		cmocka_unit_test(test_parse_range_rejects),
		cmocka_unit_test(test_parse_long_sheet_name),
		cmocka_unit_test(test_format_parse_round_trip),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
