/*
 * Unit tests for lib/sheets/sheets_error.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "nelem.h"
#include "sheets_error.h"

#define S(lit)	(lit), (sizeof(lit) - 1)

static void
test_classify_status(void **state)
{
	static const struct {
		long			status;
		enum sheets_error_class	class;
	} cases[] = {
		{ 200, SHEETS_OK }, { 204, SHEETS_OK },
		{ 401, SHEETS_AUTH },
		{ 429, SHEETS_RETRYABLE }, { 408, SHEETS_RETRYABLE },
		{ 500, SHEETS_RETRYABLE }, { 502, SHEETS_RETRYABLE },
		{ 503, SHEETS_RETRYABLE }, { 504, SHEETS_RETRYABLE },
		{ 400, SHEETS_FATAL }, { 403, SHEETS_FATAL },
		{ 404, SHEETS_FATAL }, { 409, SHEETS_FATAL },
		{ 501, SHEETS_FATAL }, { 301, SHEETS_FATAL },
		{ 0, SHEETS_FATAL },
	};
	size_t	i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		if (sheets_classify(HTTP_CLIENT_OK, cases[i].status) !=
		    cases[i].class)
			fail_msg("status %ld", cases[i].status);
	}
}

static void
test_classify_transport(void **state)
{
	(void)state;
	assert_int_equal(sheets_classify(HTTP_CLIENT_ERR_TIMEOUT, 0),
	    SHEETS_RETRYABLE);
	assert_int_equal(sheets_classify(HTTP_CLIENT_ERR_CONNECT, 0),
	    SHEETS_RETRYABLE);
	assert_int_equal(sheets_classify(HTTP_CLIENT_ERR_RESOLVE, 0),
	    SHEETS_RETRYABLE);
	assert_int_equal(sheets_classify(HTTP_CLIENT_ERR_IO, 0),
	    SHEETS_RETRYABLE);
	assert_int_equal(sheets_classify(HTTP_CLIENT_ERR_TLS, 0),
	    SHEETS_FATAL);
	assert_int_equal(sheets_classify(HTTP_CLIENT_ERR_TOO_LARGE, 200),
	    SHEETS_FATAL);
	assert_int_equal(sheets_classify(HTTP_CLIENT_ERR_OTHER, 0),
	    SHEETS_FATAL);
}

static void
test_parse_envelope(void **state)
{
	struct sheets_api_error	e;

	(void)state;
	/* As Google sends it: pretty-printed, trailing newline. */
	assert_int_equal(sheets_parse_error(S("{\n  \"error\": {\n"
	    "    \"code\": 404,\n"
	    "    \"message\": \"Requested entity was not found.\",\n"
	    "    \"status\": \"NOT_FOUND\"\n  }\n}\n"), &e), 0);
	assert_int_equal(e.code, 404);
	assert_string_equal(e.status, "NOT_FOUND");
	assert_string_equal(e.message, "Requested entity was not found.");

	assert_int_equal(sheets_parse_error(S("{\"error\":{\"code\":429,"
	    "\"message\":\"Quota exceeded for quota metric 'Write requests'\","
	    "\"status\":\"RESOURCE_EXHAUSTED\",\"details\":[{\"@type\":"
	    "\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":"
	    "\"RATE_LIMIT_EXCEEDED\",\"metadata\":{\"quota_limit\":"
	    "\"WriteRequestsPerMinutePerUser\"}}]}}"), &e), 0);
	assert_int_equal(e.code, 429);
	assert_string_equal(e.status, "RESOURCE_EXHAUSTED");

	/* The older form with "errors", and a line break in the text. */
	assert_int_equal(sheets_parse_error(S("{\"error\":{\"code\":400,"
	    "\"message\":\"Unable to parse range:\\nSheet 1\",\"errors\":"
	    "[{\"message\":\"x\",\"domain\":\"global\",\"reason\":"
	    "\"badRequest\"}]}}"), &e), 0);
	assert_string_equal(e.message, "Unable to parse range:?Sheet 1");
	assert_string_equal(e.status, "");
}

static void
test_not_an_envelope(void **state)
{
	struct sheets_api_error	e;

	(void)state;
	assert_int_equal(sheets_parse_error(S("<html>Bad Gateway</html>"), &e),
	    -1);
	assert_int_equal(sheets_parse_error(S("{\"error\":\"invalid_grant\"}"),
	    &e), -1);
	assert_int_equal(sheets_parse_error(S("[]"), &e), -1);
	assert_int_equal(e.code, 0);
	assert_string_equal(e.message, "");
	/* An envelope missing parts still counts; the parts read as empty. */
	assert_int_equal(sheets_parse_error(S("{\"error\":{\"code\":\"x\"}}"),
	    &e), 0);
	assert_int_equal(e.code, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify_status),
		cmocka_unit_test(test_classify_transport),
		cmocka_unit_test(test_parse_envelope),
		cmocka_unit_test(test_not_an_envelope),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
