/*
 * Unit tests for lib/sheets/sheet_table.c.  Tables are built the way the adapter
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

#include "nelem.h"
#include "sheet_table.h"
#include "sheets_codec.h"

static const struct sheets_limits	limits = SHEETS_LIMITS_DEFAULT_INIT;

/* Parses a one-range batchGet body and builds its table. */
static struct sheet_table *
table_from(const char *body)
{
	struct sheets_value_ranges	 vrs;
	struct sheet_table		*t;
	char				 err[128];

	if (sheets_parse_batch_get(body, strlen(body), &limits, &vrs, err,
	    sizeof(err)) == -1)
		fail_msg("%s", err);
	assert_int_equal(vrs.nranges, 1);
	t = sheet_table_new(&vrs.ranges[0]);
	assert_non_null(t);
	/* The table took the rows over. */
	assert_null(vrs.ranges[0].rows);
	assert_null(vrs.ranges[0].range);
	sheets_value_ranges_free(&vrs);
	return (t);
}

static const char	operaciones[] =
    "{\"valueRanges\":[{\"range\":\"Operaciones!A1:BT2001\",\"values\":["
    "[\"TAG_SPOOL\",\"OT\",\"\",\"Fecha_QC_Metrolog\\u00eda\",\"Armador\","
    "\"tag spool\",\"Ocupado_Por\"],"
    "[\"MK-1\",\"100\",\"\",\"01-02-2026\"],"
    "[\" MK-2 \",\"101\",\"x\",\"\",\"MR(93)\"],"
    "[],"
    "[\"MK-1\",\"102\"],"
    "[\"MK-4\"],"
    "[\"MK-1\"]"
    "]}]}";

static void
test_normalize(void **state)
{
	static const struct {
		const char	*in;
		const char	*out;
	} cases[] = {
		{ "Fecha_QC_Metrolog\xc3\xad" "a", "fechaqcmetrologia" },
		{ "fecha qc metrologia", "fechaqcmetrologia" },
		{ "  TAG_SPOOL\t", "tagspool" },
		{ "\xc3\x81\xc3\x89\xc3\x8d\xc3\x93\xc3\x9a\xc3\x91\xc3\x9c",
		    "aeiounu" },
		{ "a\xc2\xa0" "b", "ab" },			/* no-break */
		{ "Metrologi\xcc\x81" "a", "metrologia" },	/* combining */
		{ "Stra\xc3\x9f" "e", "stra\xc3\x9f" "e" },	/* ß kept */
		{ "\xe2\x82\xac-Id", "\xe2\x82\xac-id" },	/* € kept */
		{ "___", "" },
		{ "", "" },
	};
	char	out[64];
	size_t	i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		assert_int_equal(sheet_header_normalize(cases[i].in, out,
		    sizeof(out)), 0);
		assert_string_equal(out, cases[i].out);
	}
	/* "tagspool" needs 9 bytes. */
	assert_int_equal(sheet_header_normalize("TAG_SPOOL", out, 8), -1);
	assert_string_equal(out, "");
	assert_int_equal(sheet_header_normalize("TAG_SPOOL", out, 9), 0);
}

static void
test_columns_and_cells(void **state)
{
	struct sheet_table	*t;
	long			 qc, armador, ocupado;

	(void)state;
	t = table_from(operaciones);
	assert_int_equal(sheet_table_rows(t), 6);
	assert_int_equal(sheet_table_columns(t), 7);
	assert_int_equal(sheet_table_row_number(t, 0), 2);
	assert_int_equal(sheet_table_row_number(t, 5), 7);

	assert_int_equal(sheet_table_column(t, "TAG_SPOOL"), 0);
	assert_int_equal(sheet_table_column(t, "tag spool"), 0);
	assert_int_equal(sheet_table_column(t, "ot"), 1);
	qc = sheet_table_column(t, "fecha qc metrologia");
	assert_int_equal(qc, 3);
	assert_int_equal(sheet_table_column(t, "Fecha_QC_Metrolog\xc3\xad" "a"),
	    3);
	armador = sheet_table_column(t, "ARMADOR");
	ocupado = sheet_table_column(t, "Ocupado_Por");
	assert_int_equal(armador, 4);
	assert_int_equal(ocupado, 6);
	assert_int_equal(sheet_table_column(t, "Soldador"), -1);
	assert_int_equal(sheet_table_column(t, ""), -1);
	assert_int_equal(sheet_table_column(t, "_"), -1);
	/* "tag spool" in column F repeats TAG_SPOOL; column C is blank. */
	assert_int_equal(sheet_table_duplicate_headers(t), 1);

	assert_string_equal(sheet_table_cell(t, 0, qc), "01-02-2026");
	assert_string_equal(sheet_table_cell(t, 1, armador), "MR(93)");
	/* Ragged rows: anything past a row's end is empty. */
	assert_string_equal(sheet_table_cell(t, 0, armador), "");
	assert_string_equal(sheet_table_cell(t, 2, 0), "");
	assert_string_equal(sheet_table_cell(t, 0, ocupado), "");
	assert_string_equal(sheet_table_cell(t, 0, 1000), "");
	assert_string_equal(sheet_table_cell(t, 6, 0), "");
	assert_string_equal(sheet_table_cell(t, 0, -1), "");
	sheet_table_free(t);
	sheet_table_free(NULL);
}

static void
test_key_index(void **state)
{
	struct sheet_table	*t;

	(void)state;
	t = table_from(operaciones);
	/* Before indexing nothing is found. */
	assert_int_equal(sheet_table_find(t, "MK-1"), -1);
	assert_int_equal(sheet_table_index(t, "Soldador"), -1);
	assert_int_equal(sheet_table_index(t, "tag_spool"), 0);

	assert_int_equal(sheet_table_find(t, "MK-1"), 0);
	assert_int_equal(sheet_table_find(t, "MK-2"), 1);	/* trimmed */
	assert_int_equal(sheet_table_find(t, " MK-2\t"), 1);
	assert_int_equal(sheet_table_find(t, "MK-4"), 4);
	assert_int_equal(sheet_table_find(t, "mk-4"), -1);	/* exact */
	assert_int_equal(sheet_table_find(t, "MK-3"), -1);
	assert_int_equal(sheet_table_find(t, ""), -1);
	assert_int_equal(sheet_table_row_number(t,
	    (size_t)sheet_table_find(t, "MK-4")), 6);

	/* MK-1 appears at data rows 0, 3 and 5: the first wins. */
	assert_int_equal(sheet_table_duplicate_keys(t), 2);
	assert_int_equal(sheet_table_first_duplicate(t), 3);

	/* Re-indexing on another column starts over. */
	assert_int_equal(sheet_table_index(t, "OT"), 0);
	assert_int_equal(sheet_table_find(t, "102"), 3);
	assert_int_equal(sheet_table_duplicate_keys(t), 0);
	assert_int_equal(sheet_table_first_duplicate(t), -1);
	sheet_table_free(t);
}

/*
 * A Sheets reply's "\udc00" decodes to a lone surrogate: the table keeps
 * U+FFFD instead, so what routes show and look up is strict UTF-8.
 */
static void
test_cells_made_strict(void **state)
{
	struct sheet_table	*t;

	(void)state;
	t = table_from("{\"valueRanges\":[{\"range\":\"Operaciones!A1:B3\","
	    "\"values\":[[\"TAG_SPOOL\",\"Ocupado_Por\"],"
	    "[\"MK-\\udc00\",\"x\\udfffy\"],[\"MK-Ñ\",\"ok\"]]}]}");
	assert_string_equal(sheet_table_cell(t, 0, 0),
	    "MK-\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	assert_string_equal(sheet_table_cell(t, 0, 1),
	    "x\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" "y");
	assert_string_equal(sheet_table_cell(t, 1, 0), "MK-Ñ");
	assert_int_equal(sheet_table_index(t, "TAG_SPOOL"), 0);
	assert_int_equal(sheet_table_find(t,
	    "MK-\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"), 0);
	sheet_table_free(t);
}

static void
test_empty_and_offset(void **state)
{
	struct sheet_table	*t;

	(void)state;
	/* No values at all: no header, no rows, nothing found. */
	t = table_from("{\"valueRanges\":[{\"range\":\"Roles!A1:C1000\"}]}");
	assert_int_equal(sheet_table_rows(t), 0);
	assert_int_equal(sheet_table_columns(t), 0);
	assert_int_equal(sheet_table_column(t, "Id"), -1);
	assert_int_equal(sheet_table_index(t, "Id"), -1);
	assert_string_equal(sheet_table_cell(t, 0, 0), "");
	sheet_table_free(t);

	/* Header only. */
	t = table_from("{\"valueRanges\":[{\"range\":\"Roles!A1:C1000\","
	    "\"values\":[[\"Id\",\"Rol\",\"Activo\"]]}]}");
	assert_int_equal(sheet_table_rows(t), 0);
	assert_int_equal(sheet_table_column(t, "activo"), 2);
	assert_int_equal(sheet_table_index(t, "Id"), 0);
	assert_int_equal(sheet_table_find(t, "Id"), -1);
	sheet_table_free(t);

	/* A range starting lower numbers the rows from there. */
	t = table_from("{\"valueRanges\":[{\"range\":\"'Op'!A5:B9\","
	    "\"values\":[[\"Id\"],[\"7\"]]}]}");
	assert_int_equal(sheet_table_row_number(t, 0), 6);
	sheet_table_free(t);

	/* A whole-column range starts at row 1. */
	t = table_from("{\"valueRanges\":[{\"range\":\"Op!A:B\","
	    "\"values\":[[\"Id\"],[\"7\"]]}]}");
	assert_int_equal(sheet_table_row_number(t, 0), 2);
	sheet_table_free(t);
}

static void
test_large_index(void **state)
{
	struct sheets_value_range	 vr;
	struct sheet_table		*t;
	char				 key[32];
	size_t				 i, n = 10000;

	(void)state;
	memset(&vr, 0, sizeof(vr));
	vr.range = strdup("Operaciones!A1:A10001");
	vr.nrows = n + 1;
	vr.rows = calloc(vr.nrows, sizeof(*vr.rows));
	assert_non_null(vr.rows);
	for (i = 0; i <= n; i++) {
		vr.rows[i].cells = calloc(1, sizeof(char *));
		assert_non_null(vr.rows[i].cells);
		vr.rows[i].ncells = 1;
		snprintf(key, sizeof(key), "SP-%05zu", i);
		vr.rows[i].cells[0] = strdup(i == 0 ? "TAG_SPOOL" : key);
	}
	t = sheet_table_new(&vr);
	assert_non_null(t);
	assert_int_equal(sheet_table_index(t, "TAG_SPOOL"), 0);
	for (i = 1; i <= n; i++) {
		snprintf(key, sizeof(key), "SP-%05zu", i);
		assert_int_equal(sheet_table_find(t, key), (long)i - 1);
	}
	assert_int_equal(sheet_table_duplicate_keys(t), 0);
	sheet_table_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_columns_and_cells),
		cmocka_unit_test(test_key_index),
		cmocka_unit_test(test_cells_made_strict),
		cmocka_unit_test(test_empty_and_offset),
		cmocka_unit_test(test_large_index),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
