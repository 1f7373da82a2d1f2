/* Query-string parameters: decoding, absence, and malformed input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "query_string.h"

static void
test_found_and_decoded(void **state)
{
	char	v[32];

	(void)state;
	assert_int_equal(query_param("a=1&tag_spool=MK-1%2F2+x&b=",
	    "tag_spool", v, sizeof(v)), QUERY_FOUND);
	assert_string_equal(v, "MK-1/2 x");
	assert_int_equal(query_param("operacion=ARM", "operacion", v,
	    sizeof(v)), QUERY_FOUND);
	assert_string_equal(v, "ARM");
	assert_int_equal(query_param("b=", "b", v, sizeof(v)), QUERY_FOUND);
	assert_string_equal(v, "");
	assert_int_equal(query_param("x=1&x=2", "x", v, sizeof(v)),
	    QUERY_FOUND);
	assert_string_equal(v, "1");
}

static void
test_absent(void **state)
{
	char	v[8];

	(void)state;
	assert_int_equal(query_param(NULL, "a", v, sizeof(v)), QUERY_ABSENT);
	assert_int_equal(query_param("", "a", v, sizeof(v)), QUERY_ABSENT);
	assert_int_equal(query_param("ab=1&ba=2", "a", v, sizeof(v)),
	    QUERY_ABSENT);
	assert_string_equal(v, "");
}

static void
test_invalid(void **state)
{
	char	v[8];

	(void)state;
	assert_int_equal(query_param("a=%zz", "a", v, sizeof(v)),
	    QUERY_INVALID);
	assert_int_equal(query_param("a=%4", "a", v, sizeof(v)),
	    QUERY_INVALID);
	assert_int_equal(query_param("a=x%00y", "a", v, sizeof(v)),
	    QUERY_INVALID);
	assert_int_equal(query_param("a=12345678", "a", v, sizeof(v)),
	    QUERY_INVALID);
	assert_int_equal(query_param("a=1234567", "a", v, sizeof(v)),
	    QUERY_FOUND);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_found_and_decoded),
		cmocka_unit_test(test_absent),
		cmocka_unit_test(test_invalid),
	};

	return (cmocka_run_group_tests_name("query_string", tests, NULL,
	    NULL));
}
