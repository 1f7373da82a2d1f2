/*
 * Unit tests for lib/sheets/sheets_codec.c: request bodies are compared byte for
 * byte; responses are shaped like the API's (notes/google-sheets-v4.md).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

#include <cmocka.h>

#include "json_tree.h"
#include "nelem.h"
#include "sheets_codec.h"

static const struct sheets_limits	limits = SHEETS_LIMITS_DEFAULT_INIT;

/* A string literal and its length, for the parse functions. */
#define S(lit)		(lit), (sizeof(lit) - 1)

#define TEXT(s)		{ SHEETS_CELL_TEXT, (s), 0, 0 }
#define ENTERED(s)	{ SHEETS_CELL_ENTERED, (s), 0, 0 }
#define NUMBER(n)	{ SHEETS_CELL_NUMBER, NULL, (n), 0 }
#define BOOL(b)		{ SHEETS_CELL_BOOL, NULL, 0, (b) }
#define SKIP		{ SHEETS_CELL_SKIP, NULL, 0, 0 }

static void
assert_encodes(char *body, size_t len, const char *want)
{
	assert_non_null(body);
	assert_int_equal(len, strlen(body));
	assert_string_equal(body, want);
	free(body);
}

static void
test_batch_update_body(void **state)
{
	const struct sheets_cell	row2[] = {
		TEXT("MR(93)"), NUMBER(1.5), BOOL(1), SKIP, TEXT("=1+2"),
		ENTERED("25-01-2026"), TEXT(""), TEXT("caf\xc3\xa9 \"q\"\n"),
	};
	const struct sheets_cell	row3[] = { BOOL(0) };
	const struct sheets_row		rows[] = { { row2, 8 }, { row3, 1 },
					    { NULL, 0 } };
	const struct sheets_range_data	data[] = {
		{ "'Operaciones'!A2:H4", rows, 3 },
		{ "'Operaciones'!BT9", rows + 1, 1 },
	};
	char				err[128], *body;
	size_t				len;

	(void)state;
	body = sheets_encode_batch_update(SHEETS_INPUT_USER_ENTERED, data, 2,
	    &limits, &len, err, sizeof(err));
	/* TEXT gets the apostrophe under USER_ENTERED; "" stays a clear. */
	assert_encodes(body, len, "{\"valueInputOption\":\"USER_ENTERED\","
	    "\"data\":[{\"range\":\"'Operaciones'!A2:H4\",\"majorDimension\":"
	    "\"ROWS\",\"values\":[[\"'MR(93)\",1.5,true,null,\"'=1+2\","
	    "\"25-01-2026\",\"\",\"'caf\xc3\xa9 \\\"q\\\"\\n\"],[false],[]]},"
	    "{\"range\":\"'Operaciones'!BT9\",\"majorDimension\":\"ROWS\","
	    "\"values\":[[false]]}]}");

	body = sheets_encode_batch_update(SHEETS_INPUT_RAW, data, 1, &limits,
	    &len, err, sizeof(err));
	assert_encodes(body, len, "{\"valueInputOption\":\"RAW\",\"data\":"
	    "[{\"range\":\"'Operaciones'!A2:H4\",\"majorDimension\":\"ROWS\","
	    "\"values\":[[\"MR(93)\",1.5,true,null,\"=1+2\",\"25-01-2026\","
	    "\"\",\"caf\xc3\xa9 \\\"q\\\"\\n\"],[false],[]]}]}");
}

static void
test_numbers(void **state)
{
	static const struct {
		double		 d;
		const char	*json;
	} cases[] = {
		{ 0.1, "0.1" }, { 3, "3" }, { -0.5, "-0.5" },
		{ 1e21, "1e+21" }, { 46000.5, "46000.5" },
		{ 1.0 / 3.0, "0.3333333333333333" },
		{ 123456789012, "123456789012" },
	};
	struct sheets_cell		cell = NUMBER(0);
	const struct sheets_row		row = { &cell, 1 };
	const struct sheets_range_data	data = { "S!A1", &row, 1 };
	char				err[128], *body, want[128];
	size_t				len, i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		cell.number = cases[i].d;
		body = sheets_encode_append(SHEETS_INPUT_RAW, &data, &limits,
		    &len, err, sizeof(err));
		snprintf(want, sizeof(want), "{\"range\":\"S!A1\","
		    "\"majorDimension\":\"ROWS\",\"values\":[[%s]]}",
		    cases[i].json);
		assert_encodes(body, len, want);
	}

	cell.number = NAN;
	assert_null(sheets_encode_append(SHEETS_INPUT_RAW, &data, &limits,
	    &len, err, sizeof(err)));
	assert_non_null(strstr(err, "data[0] row 0 cell 0: number is not "
	    "finite"));
	cell.number = INFINITY;
	assert_null(sheets_encode_append(SHEETS_INPUT_RAW, &data, &limits,
	    &len, err, sizeof(err)));
}

static void
test_append_body(void **state)
{
	const struct sheets_cell	cells[] = {
		TEXT("0b7e"), ENTERED("25-01-2026 10:00:00"),
		TEXT("TOMAR_SPOOL"),
	};
	const struct sheets_row		rows[] = { { cells, 3 }, { cells, 1 } };
	const struct sheets_range_data	data = { "'Metadata'!A1:K1", rows, 2 };
	char				err[128], *body;
	size_t				len;

	(void)state;
	body = sheets_encode_append(SHEETS_INPUT_USER_ENTERED, &data, &limits,
	    &len, err, sizeof(err));
	assert_encodes(body, len, "{\"range\":\"'Metadata'!A1:K1\","
	    "\"majorDimension\":\"ROWS\",\"values\":[[\"'0b7e\","
	    "\"25-01-2026 10:00:00\",\"'TOMAR_SPOOL\"],[\"'0b7e\"]]}");
}

static void
test_encode_rejects(void **state)
{
	struct sheets_limits		small = { 2, 2, 3, 4, 0 };
	const struct sheets_cell	bad_utf8[] = { TEXT("ok"),
					    TEXT("\xc3(") };
	const struct sheets_cell	long_text[] = { TEXT("12345") };
	const struct sheets_cell	four[] = { SKIP, SKIP, SKIP, SKIP };
	const struct sheets_cell	null_text[] = { TEXT(NULL) };
	const struct sheets_row		r_utf8 = { bad_utf8, 2 };
	const struct sheets_row		r_long = { long_text, 1 };
	const struct sheets_row		r_four = { four, 4 };
	const struct sheets_row		r_null = { null_text, 1 };
	const struct sheets_row		three[] = { { four, 1 }, { four, 1 },
					    { four, 1 } };
	struct sheets_range_data	d = { "S!A1", &r_utf8, 1 };
	struct sheets_range_data	many[3];
	char				err[128], *body;
	size_t				len;

	(void)state;
	assert_null(sheets_encode_batch_update(SHEETS_INPUT_RAW, &d, 1,
	    &small, &len, err, sizeof(err)));
	assert_string_equal(err, "data[0] row 0 cell 1: text is not valid "
	    "UTF-8");

	d.rows = &r_long;
	assert_null(sheets_encode_batch_update(SHEETS_INPUT_RAW, &d, 1,
	    &small, &len, err, sizeof(err)));
	assert_non_null(strstr(err, "too long"));

	d.rows = &r_null;
	assert_null(sheets_encode_append(SHEETS_INPUT_RAW, &d, &small, &len,
	    err, sizeof(err)));

	d.rows = &r_four;
	assert_null(sheets_encode_batch_update(SHEETS_INPUT_RAW, &d, 1,
	    &small, &len, err, sizeof(err)));
	assert_non_null(strstr(err, "more than 3 cells"));

	d.rows = three;
	d.nrows = 3;
	assert_null(sheets_encode_batch_update(SHEETS_INPUT_RAW, &d, 1,
	    &small, &len, err, sizeof(err)));
	assert_non_null(strstr(err, "more than 2 rows"));

	d.nrows = 1;
	many[0] = many[1] = many[2] = d;
	assert_null(sheets_encode_batch_update(SHEETS_INPUT_RAW, many, 3,
	    &small, &len, err, sizeof(err)));
	assert_null(sheets_encode_batch_update(SHEETS_INPUT_RAW, many, 0,
	    &small, &len, err, sizeof(err)));
	body = sheets_encode_batch_update(SHEETS_INPUT_RAW, many, 2, &small,
	    &len, err, sizeof(err));
	assert_non_null(body);
	free(body);

	d.range = "";
	assert_null(sheets_encode_append(SHEETS_INPUT_RAW, &d, &small, &len,
	    err, sizeof(err)));
	assert_non_null(strstr(err, "no range"));
	d.range = "S\xff";
	assert_null(sheets_encode_append(SHEETS_INPUT_RAW, &d, &small, &len,
	    err, sizeof(err)));
}

static void
test_append_dimension_body(void **state)
{
	char	err[128], *body;
	size_t	len;

	(void)state;
	body = sheets_encode_append_dimension(0, SHEETS_DIM_COLUMNS, 5, &len,
	    err, sizeof(err));
	assert_encodes(body, len, "{\"requests\":[{\"appendDimension\":"
	    "{\"sheetId\":0,\"dimension\":\"COLUMNS\",\"length\":5}}]}");
	body = sheets_encode_append_dimension(1733912117, SHEETS_DIM_ROWS,
	    1000, &len, err, sizeof(err));
	assert_encodes(body, len, "{\"requests\":[{\"appendDimension\":"
	    "{\"sheetId\":1733912117,\"dimension\":\"ROWS\",\"length\":1000}}]}");
	assert_null(sheets_encode_append_dimension(-1, SHEETS_DIM_ROWS, 1,
	    &len, err, sizeof(err)));
	assert_null(sheets_encode_append_dimension(0, SHEETS_DIM_ROWS, 0,
	    &len, err, sizeof(err)));
}

/* The migrations' requests go out as they are, in one body. */
static void
test_update_spreadsheet_body(void **state)
{
	const char	*req[] = {
		"{\"addSheet\":{\"properties\":{\"title\":\"M\"}}}",
		"{\"appendDimension\":{\"sheetId\":0,\"dimension\":"
		    "\"COLUMNS\",\"length\":4}}",
	};
	char		 err[128], *body;
	size_t		 len;

	(void)state;
	body = sheets_encode_update_spreadsheet(req, 2, &len, err,
	    sizeof(err));
	assert_encodes(body, len, "{\"requests\":[{\"addSheet\":"
	    "{\"properties\":{\"title\":\"M\"}}},{\"appendDimension\":"
	    "{\"sheetId\":0,\"dimension\":\"COLUMNS\",\"length\":4}}]}");
	body = sheets_encode_update_spreadsheet(req, 1, &len, err,
	    sizeof(err));
	assert_encodes(body, len, "{\"requests\":[{\"addSheet\":"
	    "{\"properties\":{\"title\":\"M\"}}}]}");
	assert_null(sheets_encode_update_spreadsheet(req, 0, &len, err,
	    sizeof(err)));
}

static int
parse_batch_get(const char *body, const struct sheets_limits *lim,
    struct sheets_value_ranges *vrs, char *err, size_t errsz)
{
	return (sheets_parse_batch_get(body, strlen(body), lim, vrs, err,
	    errsz));
}

static void
test_parse_batch_get(void **state)
{
	static const char		body[] =
	    "{\n  \"spreadsheetId\": \"1abc\",\n  \"valueRanges\": [\n"
	    "    {\n      \"range\": \"Operaciones!A1:BT2001\",\n"
	    "      \"majorDimension\": \"ROWS\",\n      \"values\": [\n"
	    "        [\"TAG_SPOOL\", \"OT\", \"Fecha_QC_Metrolog\\u00eda\"],\n"
	    "        [\"MK-1\", \"\", \"01-02-2026\"],\n"
	    "        [],\n"
	    "        [\"MK-2\", 46000.5, true, false, 12]\n      ]\n    },\n"
	    "    {\n      \"range\": \"'My Sheet'!A1:Z1000\",\n"
	    "      \"majorDimension\": \"ROWS\"\n    },\n"
	    "    {\n      \"range\": \"Roles!A1:C3\"\n    }\n  ]\n}\n";
	struct sheets_value_ranges	vrs;
	struct sheets_value_range	*vr;
	char				err[128];

	(void)state;
	if (parse_batch_get(body, &limits, &vrs, err, sizeof(err)) == -1)
		fail_msg("%s", err);
	assert_int_equal(vrs.nranges, 3);

	vr = &vrs.ranges[0];
	assert_string_equal(vr->range, "Operaciones!A1:BT2001");
	assert_int_equal(vr->nrows, 4);
	assert_int_equal(vr->rows[0].ncells, 3);
	assert_string_equal(vr->rows[0].cells[2], "Fecha_QC_Metrolog\xc3\xad"
	    "a");
	assert_string_equal(vr->rows[1].cells[1], "");
	assert_int_equal(vr->rows[2].ncells, 0);
	assert_int_equal(vr->rows[3].ncells, 5);
	assert_string_equal(vr->rows[3].cells[1], "46000.5");
	assert_string_equal(vr->rows[3].cells[2], "TRUE");
	assert_string_equal(vr->rows[3].cells[3], "FALSE");
	assert_string_equal(vr->rows[3].cells[4], "12");

	/* No "values": an empty range, not an error. */
	assert_string_equal(vrs.ranges[1].range, "'My Sheet'!A1:Z1000");
	assert_int_equal(vrs.ranges[1].nrows, 0);
	assert_null(vrs.ranges[1].rows);
	assert_int_equal(vrs.ranges[2].nrows, 0);

	sheets_value_ranges_free(&vrs);
	assert_int_equal(vrs.nranges, 0);
	sheets_value_ranges_free(&vrs);

	assert_int_equal(parse_batch_get("{\"spreadsheetId\":\"x\"}", &limits,
	    &vrs, err, sizeof(err)), 0);
	assert_int_equal(vrs.nranges, 0);
}

static void
assert_batch_get_rejected(const char *body, const struct sheets_limits *lim,
    const char *want)
{
	struct sheets_value_ranges	vrs;
	char				err[128];

	assert_int_equal(parse_batch_get(body, lim, &vrs, err, sizeof(err)),
	    -1);
	assert_int_equal(vrs.nranges, 0);
	assert_null(vrs.ranges);
	if (strstr(err, want) == NULL)
		fail_msg("error \"%s\" lacks \"%s\"", err, want);
}

static void
test_parse_batch_get_rejects(void **state)
{
	struct sheets_limits	small = { 2, 2, 2, 3, 0 };
	char			deep[200];

	(void)state;
	assert_batch_get_rejected("{\"valueRanges\":{}}", &small,
	    "not an array");
	assert_batch_get_rejected("{\"valueRanges\":[{\"values\":[]}]}",
	    &small, "missing \"range\"");
	assert_batch_get_rejected("{\"valueRanges\":[{\"range\":\"A1\","
	    "\"values\":{}}]}", &small, "\"values\" is not an array");
	assert_batch_get_rejected("{\"valueRanges\":[{\"range\":\"A1\","
	    "\"values\":[\"x\"]}]}", &small, "row 0: not an array");
	assert_batch_get_rejected("{\"valueRanges\":[{\"range\":\"A1\","
	    "\"values\":[[\"a\"],[{\"x\":1}]]}]}", &small,
	    "valueRanges[0] row 1 cell 0: not a scalar");
	assert_batch_get_rejected("{\"valueRanges\":[{\"range\":\"A1\","
	    "\"majorDimension\":\"COLUMNS\"}]}", &small, "ROWS");
	assert_batch_get_rejected("{\"valueRanges\":[{\"range\":\"A1\","
	    "\"values\":[[1],[2],[3]]}]}", &small, "more than 2 rows");
	assert_batch_get_rejected("{\"valueRanges\":[{\"range\":\"A1\","
	    "\"values\":[[1,2,3]]}]}", &small, "more than 2 cells");
	assert_batch_get_rejected("{\"valueRanges\":[{\"range\":\"A1\","
	    "\"values\":[[\"abcd\"]]}]}", &small, "too long");
	assert_batch_get_rejected("{\"valueRanges\":[{\"range\":\"A1\"},"
	    "{\"range\":\"A2\"},{\"range\":\"A3\"}]}", &small,
	    "more than 2 value ranges");
	assert_batch_get_rejected("{\"valueRanges\":[1]}", &small,
	    "not an object");
	assert_batch_get_rejected("<html>502</html>", &small, "invalid JSON");

	memset(deep, '[', sizeof(deep) - 1);
	deep[sizeof(deep) - 1] = '\0';
	assert_batch_get_rejected(deep, &small, "nested deeper");
}

/*
 * Cells come out strict UTF-8 whatever the reply held, and their limit
 * applies to the text kept (U+FFFD is three bytes for one bad byte); a
 * range that is not UTF-8 names nothing and is refused.
 */
static void
test_parse_batch_get_utf8(void **state)
{
	struct sheets_limits		small = { 2, 2, 2, 6, 0 };
	struct sheets_value_ranges	vrs;
	char				err[128];

	(void)state;
	/* An overlong form passes yajl's own check of a string's shape. */
	if (parse_batch_get("{\"valueRanges\":[{\"range\":\"A1\","
	    "\"values\":[[\"\xc0\x87\",\"\\udc00!\"]]}]}", &limits, &vrs,
	    err, sizeof(err)) == -1)
		fail_msg("%s", err);
	assert_string_equal(vrs.ranges[0].rows[0].cells[0], "\xef\xbf\xbd"
	    "\xef\xbf\xbd");
	assert_string_equal(vrs.ranges[0].rows[0].cells[1], "\xef\xbf\xbd"
	    "\xef\xbf\xbd\xef\xbf\xbd!");
	sheets_value_ranges_free(&vrs);

	if (parse_batch_get("{\"valueRanges\":[{\"range\":\"A1\","
	    "\"values\":[[\"\xc0\x87\"]]}]}", &small, &vrs, err,
	    sizeof(err)) == -1)
		fail_msg("%s", err);
	sheets_value_ranges_free(&vrs);
	assert_batch_get_rejected("{\"valueRanges\":[{\"range\":\"A1\","
	    "\"values\":[[\"a\xc0\x87\"]]}]}", &small, "cell 0: too long");
	assert_batch_get_rejected("{\"valueRanges\":[{\"range\":"
	    "\"S\xc0\x87!A1\"}]}", &small, "range is not UTF-8");
	assert_batch_get_rejected("{\"valueRanges\":[{\"range\":"
	    "\"S\\u0000!A1\"}]}", &small, "range is not UTF-8");
}

/*
 * The streaming parse: a cap on the cells of a whole reply, members it
 * does not know skipped however nested, no NUL terminator needed, and a
 * repeated member refused rather than merged.
 */
static void
test_parse_batch_get_streaming(void **state)
{
	struct sheets_limits		 few = { 4, 10, 10, 10, 5 };
	struct sheets_value_ranges	 vrs;
	static const char		 text[] = "{\"x\":[[{\"values\":1}]],"
	    "\"valueRanges\":[{\"range\":\"A1\",\"y\":{\"values\":[1]},"
	    "\"values\":[[1,-2.5e3,null],[\"a\"]]}]}";
	char				*body, err[128];

	(void)state;
	/* Not NUL-terminated: the last byte is followed by more text. */
	assert_non_null(body = malloc(sizeof(text) - 1 + 8));
	memcpy(body, text, sizeof(text) - 1);
	memcpy(body + sizeof(text) - 1, "garbage!", 8);
	if (sheets_parse_batch_get(body, sizeof(text) - 1, &few, &vrs, err,
	    sizeof(err)) == -1)
		fail_msg("%s", err);
	free(body);
	assert_int_equal(vrs.nranges, 1);
	assert_int_equal(vrs.ranges[0].nrows, 2);
	assert_string_equal(vrs.ranges[0].rows[0].cells[1], "-2.5e3");
	assert_string_equal(vrs.ranges[0].rows[0].cells[2], "");
	sheets_value_ranges_free(&vrs);

	assert_batch_get_rejected("{\"valueRanges\":[{\"range\":\"A1\","
	    "\"values\":[[1,2,3],[4,5,6]]}]}", &few, "more than 5 cells");
	assert_batch_get_rejected("{\"valueRanges\":[{\"range\":\"A1\","
	    "\"values\":[[1]],\"values\":[[2]]}]}", &few, "not an array");
	assert_batch_get_rejected("{\"valueRanges\":[{\"range\":\"A1\","
	    "\"range\":\"A2\"}]}", &few, "twice");
	/* Invalid JSON wins over the shape error found before it. */
	assert_batch_get_rejected("[1, 2", &few, "invalid JSON");
}

static void
test_parse_batch_update(void **state)
{
	static const char			body[] =
	    "{\"spreadsheetId\":\"1abc\",\"totalUpdatedRows\":2,"
	    "\"totalUpdatedColumns\":72,\"totalUpdatedCells\":75,"
	    "\"totalUpdatedSheets\":1,\"responses\":["
	    "{\"spreadsheetId\":\"1abc\",\"updatedRange\":"
	    "\"Operaciones!A2:BT2\",\"updatedRows\":1,\"updatedColumns\":72,"
	    "\"updatedCells\":72},"
	    "{\"spreadsheetId\":\"1abc\",\"updatedRange\":\"Operaciones!C9:E9\","
	    "\"updatedRows\":1,\"updatedColumns\":3,\"updatedCells\":3}]}";
	struct sheets_batch_update_result	r;
	char					err[128];

	(void)state;
	assert_int_equal(sheets_parse_batch_update(body, strlen(body),
	    &limits, &r, err, sizeof(err)), 0);
	assert_int_equal(r.total_updated_rows, 2);
	assert_int_equal(r.total_updated_columns, 72);
	assert_int_equal(r.total_updated_cells, 75);
	assert_int_equal(r.total_updated_sheets, 1);
	assert_int_equal(r.nresponses, 2);
	assert_string_equal(r.responses[0].updated_range,
	    "Operaciones!A2:BT2");
	assert_int_equal(r.responses[0].updated_cells, 72);
	assert_string_equal(r.responses[1].updated_range,
	    "Operaciones!C9:E9");
	assert_int_equal(r.responses[1].updated_columns, 3);
	sheets_batch_update_result_free(&r);

	/* Only skipped cells: the API leaves out the zero counts. */
	assert_int_equal(sheets_parse_batch_update(S("{\"spreadsheetId\":\"x\","
	    "\"responses\":[{\"spreadsheetId\":\"x\"}]}"), &limits, &r,
	    err, sizeof(err)), 0);
	assert_int_equal(r.nresponses, 1);
	assert_string_equal(r.responses[0].updated_range, "");
	assert_int_equal(r.total_updated_cells, 0);
	sheets_batch_update_result_free(&r);

	assert_int_equal(sheets_parse_batch_update(S("[]"), &limits, &r, err,
	    sizeof(err)), -1);
	assert_int_equal(sheets_parse_batch_update(S("{\"responses\":[1]}"),
	    &limits, &r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "responses[0]"));
	assert_null(r.responses);
}

static void
test_parse_append(void **state)
{
	static const char		body[] =
	    "{\n  \"spreadsheetId\": \"1abc\",\n"
	    "  \"tableRange\": \"Metadata!A1:K2\",\n"
	    "  \"updates\": {\n    \"spreadsheetId\": \"1abc\",\n"
	    "    \"updatedRange\": \"Metadata!A3:K4\",\n"
	    "    \"updatedRows\": 2,\n    \"updatedColumns\": 11,\n"
	    "    \"updatedCells\": 22\n  }\n}\n";
	static const char		first[] =
	    "{\"spreadsheetId\":\"1abc\",\"updates\":{\"spreadsheetId\":"
	    "\"1abc\",\"updatedRange\":\"'Meta Data'!A1:K1\","
	    "\"updatedRows\":1,\"updatedColumns\":11,\"updatedCells\":11}}";
	struct sheets_append_result	r;
	char				err[128];

	(void)state;
	assert_int_equal(sheets_parse_append(body, strlen(body), &r, err,
	    sizeof(err)), 0);
	assert_string_equal(r.table_range, "Metadata!A1:K2");
	assert_string_equal(r.updates.updated_range, "Metadata!A3:K4");
	assert_int_equal(r.updates.updated_rows, 2);
	assert_int_equal(r.updates.updated_cells, 22);
	assert_int_equal(r.first_row, 3);
	assert_int_equal(r.last_row, 4);
	sheets_append_result_free(&r);

	/* No table yet: tableRange is left out. */
	assert_int_equal(sheets_parse_append(first, strlen(first), &r, err,
	    sizeof(err)), 0);
	assert_string_equal(r.table_range, "");
	assert_int_equal(r.first_row, 1);
	assert_int_equal(r.last_row, 1);
	sheets_append_result_free(&r);

	assert_int_equal(sheets_parse_append(S("{\"tableRange\":\"S!A1\"}"),
	    &r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "updates"));
	assert_int_equal(sheets_parse_append(S("{\"updates\":{\"updatedRange\":"
	    "\"S!A:K\"}}"), &r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "rows written"));
	assert_null(r.table_range);
}

static void
test_parse_spreadsheet(void **state)
{
	static const char		body[] =
	    "{\"spreadsheetId\":\"1abc\",\"properties\":{\"title\":\"ZEUES\"},"
	    "\"sheets\":[{\"properties\":{\"sheetId\":0,\"title\":"
	    "\"Operaciones\",\"index\":0,\"sheetType\":\"GRID\","
	    "\"gridProperties\":{\"rowCount\":2500,\"columnCount\":72,"
	    "\"frozenRowCount\":1}}},"
	    "{\"properties\":{\"sheetId\":1733912117,\"title\":\"Metadata\","
	    "\"index\":1,\"gridProperties\":{\"rowCount\":1000,"
	    "\"columnCount\":11}}},"
	    "{\"properties\":{\"title\":\"Roles\",\"index\":2}}]}";
	struct sheets_spreadsheet	ss;
	const struct sheets_sheet	*s;
	char				err[128];

	(void)state;
	assert_int_equal(sheets_parse_spreadsheet(body, strlen(body), &ss, err,
	    sizeof(err)), 0);
	assert_int_equal(ss.nsheets, 3);
	s = sheets_spreadsheet_find(&ss, "Operaciones");
	assert_non_null(s);
	assert_int_equal(s->sheet_id, 0);
	assert_int_equal(s->row_count, 2500);
	assert_int_equal(s->column_count, 72);
	s = sheets_spreadsheet_find(&ss, "Metadata");
	assert_non_null(s);
	assert_int_equal(s->sheet_id, 1733912117);
	assert_int_equal(s->index, 1);
	assert_int_equal(s->column_count, 11);
	/* Left-out numbers read as 0. */
	s = sheets_spreadsheet_find(&ss, "Roles");
	assert_non_null(s);
	assert_int_equal(s->sheet_id, 0);
	assert_int_equal(s->row_count, 0);
	assert_null(sheets_spreadsheet_find(&ss, "operaciones"));
	sheets_spreadsheet_free(&ss);

	assert_int_equal(sheets_parse_spreadsheet(S("{}"), &ss, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "\"sheets\""));
	assert_int_equal(sheets_parse_spreadsheet(S("{\"sheets\":[{}]}"), &ss,
	    err, sizeof(err)), -1);
	assert_non_null(strstr(err, "sheets[0]: missing \"properties\""));
	assert_int_equal(sheets_parse_spreadsheet(S("{\"sheets\":[{\"properties\""
	    ":{\"title\":\"a\",\"sheetId\":\"7\"}}]}"), &ss, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "sheetId"));
	assert_int_equal(sheets_parse_spreadsheet(S("{\"sheets\":[{\"properties\""
	    ":{\"sheetId\":1}}]}"), &ss, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "title"));
	assert_null(ss.sheets);
}

static void
test_large_batch_get(void **state)
{
	struct sheets_value_ranges	 vrs;
	char				*body, err[128], *p;
	size_t				 r, c, cap;

	(void)state;
	/* The real Operaciones at full size: 10,000 rows of 72 cells. */
	cap = 10001 * 72 * 16 + 128;
	body = malloc(cap);
	assert_non_null(body);
	p = body + sprintf(body, "{\"valueRanges\":[{\"range\":"
	    "\"Operaciones!A1:BT10001\",\"values\":[");
	for (r = 0; r < 10001; r++) {
		*p++ = r == 0 ? '[' : ',';
		if (r > 0)
			*p++ = '[';
		for (c = 0; c < 72; c++)
			p += sprintf(p, "%s\"r%zuc%zu\"", c == 0 ? "" : ",",
			    r, c);
		*p++ = ']';
	}
	strcpy(p, "]}]}");
	assert_int_equal(parse_batch_get(body, &limits, &vrs, err,
	    sizeof(err)), 0);
	assert_int_equal(vrs.ranges[0].nrows, 10001);
	assert_string_equal(vrs.ranges[0].rows[10000].cells[71], "r10000c71");
	sheets_value_ranges_free(&vrs);
	free(body);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_batch_update_body),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_append_body),
		cmocka_unit_test(test_encode_rejects),
		cmocka_unit_test(test_append_dimension_body),
		cmocka_unit_test(test_update_spreadsheet_body),
		cmocka_unit_test(test_parse_batch_get),
		cmocka_unit_test(test_parse_batch_get_rejects),
		cmocka_unit_test(test_parse_batch_get_utf8),
		cmocka_unit_test(test_parse_batch_get_streaming),
		cmocka_unit_test(test_parse_batch_update),
		cmocka_unit_test(test_parse_append),
		cmocka_unit_test(test_parse_spreadsheet),
		cmocka_unit_test(test_large_batch_get),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
