/*
 * Unit tests for lib/sheets/sheets_data_filter.c: the batchGetByDataFilter body
 * byte for byte, and its answers put back in request order whatever order
 * they come in, with every range answered or a clear error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sheets_data_filter.h"

static const struct sheets_limits	limits = SHEETS_LIMITS_DEFAULT_INIT;
static const char *const		ranges[] = { "Operaciones!C1",
					    "'My Sheet'!A2:B2",
					    "Operaciones!C1" };

#define S(lit)		(lit), (sizeof(lit) - 1)

/* {"valueRange":{...A1 cell a...},"dataFilters":[{"a1Range":r}]} */
#define MATCH(r, a)	"{\"valueRange\":{\"range\":\"x\",\"majorDimension\":" \
			"\"ROWS\",\"values\":[[\"" a "\"]]},\"dataFilters\":" \
			"[{\"a1Range\":\"" r "\"}]}"

static void
test_body(void **state)
{
	char	*body, err[128];
	size_t	 len;

	(void)state;
	body = sheets_encode_batch_get_by_filter(ranges, 2, "FORMATTED_VALUE",
	    &len, err, sizeof(err));
	assert_non_null(body);
	assert_int_equal(len, strlen(body));
	assert_string_equal(body, "{\"dataFilters\":[{\"a1Range\":"
	    "\"Operaciones!C1\"},{\"a1Range\":\"'My Sheet'!A2:B2\"}],"
	    "\"majorDimension\":\"ROWS\","
	    "\"valueRenderOption\":\"FORMATTED_VALUE\"}");
	free(body);
}

static void
test_body_refuses_bad_utf8(void **state)
{
	const char	*bad[] = { "ok", "\xff!A1" };
	char		 err[128];
	size_t		 len;

	(void)state;
	assert_null(sheets_encode_batch_get_by_filter(bad, 2,
	    "FORMATTED_VALUE", &len, err, sizeof(err)));
	assert_non_null(strstr(err, "range 1"));
}

/* Answers out of order, one for a range asked twice: request order. */
static void
test_answers_in_request_order(void **state)
{
	struct sheets_value_ranges	vrs;
	char				err[128];

	(void)state;
	assert_int_equal(sheets_parse_batch_get_by_filter(S("{\"spreadsheetId\":"
	    "\"s\",\"valueRanges\":[" MATCH("'My Sheet'!A2:B2", "b") ","
	    "{\"valueRange\":{\"range\":\"x\",\"values\":[[\"a\"]]},"
	    "\"dataFilters\":[{\"a1Range\":\"Operaciones!C1\"},"
	    "{\"a1Range\":\"Operaciones!C1\"}]}]}"), &limits, ranges, 3, &vrs,
	    err, sizeof(err)), 0);
	assert_int_equal(vrs.nranges, 3);
	assert_string_equal(vrs.ranges[0].rows[0].cells[0], "a");
	assert_string_equal(vrs.ranges[1].rows[0].cells[0], "b");
	assert_string_equal(vrs.ranges[2].rows[0].cells[0], "a");
	sheets_value_ranges_free(&vrs);

	/* One answer per filter, as the emulator gives them. */
	assert_int_equal(sheets_parse_batch_get_by_filter(S("{\"valueRanges\":["
	    MATCH("Operaciones!C1", "1") "," MATCH("'My Sheet'!A2:B2", "2")
	    "," MATCH("Operaciones!C1", "3") "]}"), &limits, ranges, 3, &vrs,
	    err, sizeof(err)), 0);
	assert_string_equal(vrs.ranges[0].rows[0].cells[0], "1");
	assert_string_equal(vrs.ranges[1].rows[0].cells[0], "2");
	assert_string_equal(vrs.ranges[2].rows[0].cells[0], "3");
	sheets_value_ranges_free(&vrs);
}

static void
test_bad_answers(void **state)
{
	struct sheets_value_ranges	vrs;
	char				err[128];

	(void)state;
	/* A range left unanswered. */
	assert_int_equal(sheets_parse_batch_get_by_filter(S("{\"valueRanges\":["
	    MATCH("Operaciones!C1", "1") "]}"), &limits, ranges, 2, &vrs, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "no answer for range 1"));
	assert_null(vrs.ranges);
	/* An answer to a range not asked for. */
	assert_int_equal(sheets_parse_batch_get_by_filter(S("{\"valueRanges\":["
	    MATCH("Other!A1", "1") "]}"), &limits, ranges, 1, &vrs, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "matches no range"));
	/* The batchGet shape is not this one. */
	assert_int_equal(sheets_parse_batch_get_by_filter(S("{\"valueRanges\":["
	    "{\"range\":\"Operaciones!C1\",\"values\":[[\"a\"]]}]}"), &limits,
	    ranges, 1, &vrs, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no valueRange"));
	/* No valueRanges at all: nothing answered. */
	assert_int_equal(sheets_parse_batch_get_by_filter(S("{}"), &limits,
	    ranges, 1, &vrs, err, sizeof(err)), -1);
	assert_int_equal(sheets_parse_batch_get_by_filter(S("[]"), &limits,
	    ranges, 1, &vrs, err, sizeof(err)), -1);
	/* A value range the codec refuses (not ROWS). */
	assert_int_equal(sheets_parse_batch_get_by_filter(S("{\"valueRanges\":["
	    "{\"valueRange\":{\"range\":\"x\",\"majorDimension\":\"COLUMNS\"},"
	    "\"dataFilters\":[{\"a1Range\":\"Operaciones!C1\"}]}]}"), &limits,
	    ranges, 1, &vrs, err, sizeof(err)), -1);
}

/*
 * The reply is read by the batchGet's streaming parser: members in any
 * order, what is not ours skipped, a filter that names no a1Range or the
 * wrong type of one ignored, and the batchGet's limits on every answer.
 */
static void
test_streamed_like_batch_get(void **state)
{
	const struct sheets_limits	few_cells = { 64, 10, 10, 100, 2 };
	struct sheets_value_ranges	vrs;
	char				err[128];

	(void)state;
	assert_int_equal(sheets_parse_batch_get_by_filter(S("{\"valueRanges\":["
	    "{\"dataFilters\":[7,[],{\"gridRange\":{}},{\"a1Range\":5},"
	    "{\"a1Range\":\"Operaciones!C1\",\"a1Range\":\"Other!A1\"}],"
	    "\"extra\":{\"values\":[[1]]},\"valueRange\":{\"range\":\"x\","
	    "\"values\":[[1.50,true,null]]}}]}"), &limits, ranges, 1, &vrs,
	    err, sizeof(err)), 0);
	assert_int_equal(vrs.nranges, 1);
	assert_string_equal(vrs.ranges[0].range, "x");
	assert_int_equal(vrs.ranges[0].rows[0].ncells, 3);
	assert_string_equal(vrs.ranges[0].rows[0].cells[0], "1.50");
	assert_string_equal(vrs.ranges[0].rows[0].cells[1], "TRUE");
	assert_string_equal(vrs.ranges[0].rows[0].cells[2], "");
	sheets_value_ranges_free(&vrs);

	/* A valueRange that is not an object is no valueRange. */
	assert_int_equal(sheets_parse_batch_get_by_filter(S("{\"valueRanges\":["
	    "{\"valueRange\":[],\"dataFilters\":[{\"a1Range\":"
	    "\"Operaciones!C1\"}]}]}"), &limits, ranges, 1, &vrs, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "valueRanges[0]: no valueRange or "
	    "dataFilters");
	/* The batchGet's errors, named for this call. */
	assert_int_equal(sheets_parse_batch_get_by_filter(S("[]"), &limits,
	    ranges, 1, &vrs, err, sizeof(err)), -1);
	assert_string_equal(err, "batchGetByDataFilter: not an object");
	assert_int_equal(sheets_parse_batch_get_by_filter(S("{\"valueRanges\":"
	    "{}}"), &limits, ranges, 1, &vrs, err, sizeof(err)), -1);
	assert_string_equal(err, "batchGetByDataFilter: \"valueRanges\" is "
	    "not an array");
	assert_int_equal(sheets_parse_batch_get_by_filter(S("{\"valueRanges\":["
	    MATCH("Operaciones!C1", "a") "," MATCH("Operaciones!C1", "b") ","
	    MATCH("Operaciones!C1", "c") "]}"), &few_cells, ranges, 1, &vrs,
	    err, sizeof(err)), -1);
	assert_string_equal(err, "batchGetByDataFilter: more than 2 cells");
	assert_int_equal(sheets_parse_batch_get_by_filter(S("{\"valueRanges\":["
	    "{\"valueRange\":{\"values\":[]},\"dataFilters\":[]}]}"),
	    &limits, ranges, 1, &vrs, err, sizeof(err)), -1);
	assert_string_equal(err, "valueRanges[0]: missing \"range\"");
	assert_int_equal(sheets_parse_batch_get_by_filter(S("{\"valueRanges\":["
	    MATCH("Operaciones!C1", "a") "]"), &limits, ranges, 1, &vrs, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "invalid JSON"));
	assert_null(vrs.ranges);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_body),
		cmocka_unit_test(test_body_refuses_bad_utf8),
		cmocka_unit_test(test_answers_in_request_order),
		cmocka_unit_test(test_bad_answers),
		cmocka_unit_test(test_streamed_like_batch_get),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
