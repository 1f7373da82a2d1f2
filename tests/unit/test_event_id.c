/*
 * Unit tests for lib/base/event_id.c: the strict "<ms>-<seq>" form Redis
 * writes, the 64-bit limits, formatting back, and the order.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "event_id.h"
#include "nelem.h"

static int
parse(const char *s, struct event_id *id)
{
	return (event_id_parse(s, strlen(s), id));
}

static void
test_parse_valid(void **state)
{
	struct event_id	id;

	(void)state;
	assert_int_equal(parse("1712345678901-0", &id), 0);
	assert_true(id.ms == 1712345678901ULL && id.seq == 0);
	assert_int_equal(parse("0-1", &id), 0);
	assert_true(id.ms == 0 && id.seq == 1);
	assert_int_equal(parse("18446744073709551615-18446744073709551615",
	    &id), 0);
	assert_true(id.ms == UINT64_MAX && id.seq == UINT64_MAX);
}

static void
test_parse_rejects(void **state)
{
	static const char	*bad[] = {
		"", "-", "1", "1-", "-1", "1--1", "1-2-3", "01-1", "1-01",
		"+1-1", "1-+1", " 1-1", "1-1 ", "1 -1", "a-1", "1-a", "1-1\n",
		"18446744073709551616-0", "0-18446744073709551616",
		"100000000000000000000-0", "1712345678901",
	};
	struct event_id	 id = { 7, 7 };
	size_t		 i;

	(void)state;
	for (i = 0; i < NELEM(bad); i++) {
		if (parse(bad[i], &id) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
	}
	assert_true(id.ms == 7 && id.seq == 7);
	/* Exactly len bytes: a longer buffer is not read past len. */
	assert_int_equal(event_id_parse("5-6789", 3, &id), 0);
	assert_true(id.ms == 5 && id.seq == 6);
}

static void
test_format_and_order(void **state)
{
	struct event_id	a = { 1712345678901ULL, 3 };
	struct event_id	b = { 1712345678901ULL, 4 };
	struct event_id	c = { 1712345678902ULL, 0 }, z = { 0, 0 }, back;
	struct event_id	max = { UINT64_MAX, UINT64_MAX };
	char		buf[EVENT_ID_TEXT_MAX];

	(void)state;
	assert_int_equal(event_id_format(&a, buf, sizeof(buf)), 15);
	assert_string_equal(buf, "1712345678901-3");
	assert_int_equal(event_id_format(&max, buf, sizeof(buf)),
	    EVENT_ID_TEXT_MAX - 1);
	assert_int_equal(parse(buf, &back), 0);
	assert_int_equal(event_id_cmp(&back, &max), 0);
	assert_int_equal(event_id_format(&a, buf, 15), -1);

	assert_true(event_id_cmp(&a, &b) < 0);
	assert_true(event_id_cmp(&b, &c) < 0);
	assert_true(event_id_cmp(&c, &a) > 0);
	assert_int_equal(event_id_cmp(&b, &b), 0);
	assert_true(event_id_is_zero(&z));
	assert_false(event_id_is_zero(&a));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_valid),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_format_and_order),
	};

	return (cmocka_run_group_tests_name("event_id", tests, NULL, NULL));
}
