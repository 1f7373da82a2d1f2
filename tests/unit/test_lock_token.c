/*
 * Unit tests for lib/base/lock_token.c: tokens are 32 hex digits and differ,
 * the value's session and token fields, and which presented tokens prove
 * a lock - the exact token only; a lock without one accepts any caller.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lock_token.h"
#include "redis_lock.h"
#include "uuid4.h"

static void
test_generate(void **state)
{
	char	a[LOCK_TOKEN_STRLEN], b[LOCK_TOKEN_STRLEN];
	size_t	i;

	(void)state;
	assert_int_equal(lock_token_generate(a), 0);
	assert_int_equal(lock_token_generate(b), 0);
	assert_int_equal(strlen(a), LOCK_TOKEN_LEN);
	for (i = 0; i < LOCK_TOKEN_LEN; i++)
		assert_non_null(strchr("0123456789abcdef", a[i]));
	assert_string_not_equal(a, b);
}

/* The value TOMAR writes: it fits a lock value, and reads back apart. */
static void
test_value_fields(void **state)
{
	char	session[UUID4_STRLEN], token[LOCK_TOKEN_STRLEN];
	char	joined[LOCK_VALUE_MAX], value[LOCK_VALUE_MAX];
	char	out[UUID4_STRLEN];

	(void)state;
	assert_int_equal(uuid4_generate(session), 0);
	assert_int_equal(lock_token_generate(token), 0);
	assert_int_equal(lock_token_join(joined, sizeof(joined), session,
	    token), 0);
	assert_int_equal(lock_value(value, sizeof(value), 99999999999LL,
	    joined), 0);
	assert_int_equal(lock_value_worker(value), 99999999999LL);
	lock_token_session(value, out, sizeof(out));
	assert_string_equal(out, session);
	assert_true(lock_token_accepts(value, token));

	/* A value without a token: the session is all after the id. */
	lock_token_session("93:abc", out, sizeof(out));
	assert_string_equal(out, "abc");
	lock_token_session("garbage", out, sizeof(out));
	assert_string_equal(out, "");
	assert_int_equal(lock_token_join(joined, 10, session, token), -1);
}

static void
test_accepts(void **state)
{
	const char	*value =
	    "93:0b7c2f4e-8d1a-4c3b-9e2f-5a6b7c8d9e0f:"
	    "00112233445566778899aabbccddeeff";

	(void)state;
	assert_true(lock_token_accepts(value,
	    "00112233445566778899aabbccddeeff"));
	assert_false(lock_token_accepts(value,
	    "00112233445566778899aabbccddeefe"));
	assert_false(lock_token_accepts(value,
	    "00112233445566778899AABBCCDDEEFF"));
	assert_false(lock_token_accepts(value,
	    "00112233445566778899aabbccddeeff0"));
	assert_false(lock_token_accepts(value, "0011"));
	assert_false(lock_token_accepts(value, ""));
	assert_false(lock_token_accepts(value, NULL));
	/* The public session id is not the token. */
	assert_false(lock_token_accepts(value,
	    "0b7c2f4e-8d1a-4c3b-9e2f-5a6b7c8d9e0f"));
	/* A token field that is not one of ours proves nothing. */
	assert_false(lock_token_accepts("93:s:", ""));
	assert_false(lock_token_accepts("93:s:short", "short"));

	/* Restored by reconciliation, or an older server's: no token. */
	assert_true(lock_token_accepts(
	    "93:0b7c2f4e-8d1a-4c3b-9e2f-5a6b7c8d9e0f", NULL));
	assert_true(lock_token_accepts(
	    "93:0b7c2f4e-8d1a-4c3b-9e2f-5a6b7c8d9e0f", "anything"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_generate),
		cmocka_unit_test(test_value_fields),
		cmocka_unit_test(test_accepts),
	};

	return (cmocka_run_group_tests_name("lock_token", tests, NULL, NULL));
}
