/*
 * Unit tests for lib/http/health_history.c: the verdict's rule, a
 * transition recorded only on a change, and the last hour read back with
 * the state in force at its start, from a ring that never grows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "health_history.h"
#include "nelem.h"

static void
test_verdict(void **state)
{
	(void)state;
	assert_string_equal(health_verdict(1, 1, 1), "healthy");
	assert_string_equal(health_verdict(0, 1, 1), "degraded");
	assert_string_equal(health_verdict(1, 1, 0), "degraded");
	assert_string_equal(health_verdict(0, 0, 1), "unhealthy");
	assert_string_equal(health_verdict(1, 0, 1), "unhealthy");
}

static void
test_changes_only(void **state)
{
	static struct health_history	h;
	struct health_transition	t[8];

	(void)state;
	memset(&h, 0, sizeof(h));
	assert_int_equal(health_history_read(&h, 0, t, NELEM(t)), 0);
	/* The first state is always noted: "since" must be known. */
	assert_int_equal(health_history_note(&h, 1000, 1, 1, 1), 1);
	assert_int_equal(health_history_note(&h, 1100, 1, 1, 1), 0);
	assert_int_equal(health_history_note(&h, 2000, 0, 1, 1), 1);
	assert_int_equal(health_history_note(&h, 2100, 0, 1, 1), 0);
	assert_int_equal(health_history_note(&h, 3000, 1, 1, 1), 1);
	assert_int_equal(h.count, 3);
	assert_int_equal(health_history_read(&h, 0, t, NELEM(t)), 3);
	assert_int_equal(t[0].unix_ms, 1000);
	assert_int_equal(t[1].unix_ms, 2000);
	assert_int_equal(t[1].redis_ok, 0);
	assert_int_equal(t[2].unix_ms, 3000);
	assert_int_equal(t[2].redis_ok, 1);
}

static void
test_since_and_ring(void **state)
{
	static struct health_history	h;
	struct health_transition	t[HEALTH_HISTORY_MAX];
	size_t				n;
	uint64_t			i;

	(void)state;
	memset(&h, 0, sizeof(h));
	for (i = 0; i < 3 * HEALTH_HISTORY_MAX; i++)
		health_history_note(&h, 1000 * (i + 1), (int)(i % 2), 1, 1);
	assert_int_equal(h.count, 3 * HEALTH_HISTORY_MAX);
	/* Since 10.5 s before the last: the one in force then, and after. */
	n = health_history_read(&h, 1000 * 3 * HEALTH_HISTORY_MAX - 10500, t,
	    NELEM(t));
	assert_int_equal(n, 12);
	assert_int_equal(t[0].unix_ms, 1000 * (3 * HEALTH_HISTORY_MAX - 11));
	assert_int_equal(t[n - 1].unix_ms, 1000 * 3 * HEALTH_HISTORY_MAX);
	/* Older than the ring: the oldest it holds, and at most max. */
	n = health_history_read(&h, 0, t, NELEM(t));
	assert_int_equal(n, HEALTH_HISTORY_MAX);
	assert_int_equal(t[0].unix_ms, 1000 * (2 * HEALTH_HISTORY_MAX + 1));
	n = health_history_read(&h, 0, t, 5);
	assert_int_equal(n, 5);
	assert_int_equal(t[4].unix_ms, 1000 * 3 * HEALTH_HISTORY_MAX);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdict),
		cmocka_unit_test(test_changes_only),
		cmocka_unit_test(test_since_and_ring),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
