/*
 * Unit tests for lib/base/percent_encode.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "percent_encode.h"

static void
test_unreserved_kept(void **state)
{
	const char	*in = "AZaz09-._~";
	char		 buf[32];

	(void)state;
	assert_int_equal(percent_encode(in, buf, sizeof(buf)), strlen(in));
	assert_string_equal(buf, in);
}

static void
test_range_is_one_segment(void **state)
{
	char	buf[128];

	(void)state;
	assert_int_equal(percent_encode("'Operaciones'!A2:BT2", buf,
	    sizeof(buf)), 28);
	assert_string_equal(buf, "%27Operaciones%27%21A2%3ABT2");
	assert_int_equal(percent_encode("'Jon''s Data'!A1", buf,
	    sizeof(buf)) > 0, 1);
	assert_string_equal(buf, "%27Jon%27%27s%20Data%27%21A1");
	/* Path and query syntax never survives. */
	assert_true(percent_encode("a/b?c#d%e&f=g+h", buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "a%2Fb%3Fc%23d%25e%26f%3Dg%2Bh");
}

static void
test_utf8_bytes(void **state)
{
	char	buf[64];

	(void)state;
	assert_true(percent_encode("Metrología", buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "Metrolog%C3%ADa");
}

static void
test_truncation(void **state)
{
	char	buf[8];

	(void)state;
	/* "a%20b" needs 6 bytes. */
	assert_int_equal(percent_encode("a b", buf, 5), -1);
	assert_string_equal(buf, "");
	assert_int_equal(percent_encode("a b", buf, 6), 5);
	assert_string_equal(buf, "a%20b");
	assert_int_equal(percent_encode("abc", buf, 3), -1);
	assert_int_equal(percent_encode("", buf, 1), 0);
	assert_int_equal(percent_encode("", buf, 0), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unreserved_kept),
		cmocka_unit_test(test_range_is_one_segment),
		cmocka_unit_test(test_utf8_bytes),
		cmocka_unit_test(test_truncation),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
