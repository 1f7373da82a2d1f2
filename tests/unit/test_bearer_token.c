/* Unit tests for lib/http/bearer_token.c: OPS_TOKEN's shape and the check. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "bearer_token.h"

#define TOKEN	"0123456789abcdef-ops"

static void
test_token_shape(void **state)
{
	char	long_token[BEARER_TOKEN_MAX + 2];

	(void)state;
	assert_true(bearer_token_valid(TOKEN));
	assert_true(bearer_token_valid("0123456789abcdef"));
	assert_false(bearer_token_valid("0123456789abcde"));
	assert_false(bearer_token_valid(""));
	assert_false(bearer_token_valid("0123456789 abcdef"));
	assert_false(bearer_token_valid("0123456789abcdef\n"));
	assert_false(bearer_token_valid("0123456789abcdef\xc3\xb1"));
	memset(long_token, 'a', sizeof(long_token) - 1);
	long_token[sizeof(long_token) - 1] = '\0';
	assert_false(bearer_token_valid(long_token));
	long_token[BEARER_TOKEN_MAX] = '\0';
	assert_true(bearer_token_valid(long_token));
}

static void
test_header_check(void **state)
{
	(void)state;
	assert_true(bearer_token_matches("Bearer " TOKEN, TOKEN));
	assert_true(bearer_token_matches("bearer " TOKEN, TOKEN));
	assert_true(bearer_token_matches("Bearer   " TOKEN, TOKEN));
	assert_false(bearer_token_matches(NULL, TOKEN));
	assert_false(bearer_token_matches("", TOKEN));
	assert_false(bearer_token_matches(TOKEN, TOKEN));
	assert_false(bearer_token_matches("Basic " TOKEN, TOKEN));
	assert_false(bearer_token_matches("Bearer", TOKEN));
	assert_false(bearer_token_matches("Bearer ", TOKEN));
	assert_false(bearer_token_matches("Bearer " TOKEN "x", TOKEN));
	assert_false(bearer_token_matches("Bearer 0123456789abcdef-op",
	    TOKEN));
	assert_false(bearer_token_matches("Bearer 0123456789abcdef-opS",
	    TOKEN));
	assert_false(bearer_token_matches("BearerX" TOKEN, TOKEN));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_token_shape),
		cmocka_unit_test(test_header_check),
	};

	return (cmocka_run_group_tests_name("bearer_token", tests, NULL,
	    NULL));
}
