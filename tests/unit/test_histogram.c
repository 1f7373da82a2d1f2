/*
 * Unit tests for lib/base/histogram.c: the bounds (microseconds, ascending),
 * which bucket an observation lands in (upper bounds inclusive, +Inf last),
 * sum and count, merging, and quantiles as bucket upper bounds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "histogram.h"
#include "nelem.h"

#define INF_BUCKET	HISTOGRAM_BUCKETS

static void
test_bounds(void **state)
{
	static const uint64_t	want[HISTOGRAM_BUCKETS] = {
		100, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000,
		250000, 500000, 750000, 1000000, 1500000, 2000000, 3000000,
		5000000, 10000000,
	};
	size_t	i;

	(void)state;
	for (i = 0; i < HISTOGRAM_BUCKETS; i++) {
		assert_int_equal(histogram_bounds_us[i], want[i]);
		if (i > 0)
			assert_true(histogram_bounds_us[i] >
			    histogram_bounds_us[i - 1]);
	}
}

/* Upper bounds are inclusive: b lands in its bucket, b + 1 in the next. */
static void
test_observe_bucket(void **state)
{
	static const struct {
		uint64_t	us;
		size_t		bucket;
	} cases[] = {
		{ 0, 0 }, { 1, 0 }, { 100, 0 }, { 101, 1 }, { 500, 1 },
		{ 501, 2 }, { 999, 2 }, { 1000, 2 }, { 1001, 3 },
		{ 2500, 3 }, { 4999, 4 }, { 10000, 5 }, { 24999, 6 },
		{ 50000, 7 }, { 50001, 8 }, { 100000, 8 }, { 250000, 9 },
		{ 250001, 10 }, { 499999, 10 }, { 750000, 11 },
		{ 1000000, 12 }, { 1000001, 13 }, { 1500000, 13 },
		{ 1999999, 14 }, { 3000000, 15 }, { 5000000, 16 },
		{ 5000001, 17 }, { 10000000, 17 },
		{ 10000001, INF_BUCKET }, { UINT64_MAX / 2, INF_BUCKET },
	};
	struct histogram	h;
	size_t			i, j;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		memset(&h, 0, sizeof(h));
		histogram_observe(&h, cases[i].us);
		for (j = 0; j <= HISTOGRAM_BUCKETS; j++) {
			if (h.buckets[j] != (j == cases[i].bucket ? 1u : 0u))
				fail_msg("%llu us: bucket %zu holds %llu",
				    (unsigned long long)cases[i].us, j,
				    (unsigned long long)h.buckets[j]);
		}
		assert_int_equal(h.count, 1);
		assert_int_equal(h.sum_us, cases[i].us);
	}
}

static void
test_sum_count(void **state)
{
	struct histogram	h;
	uint64_t		total = 0, n;
	size_t			i;

	(void)state;
	memset(&h, 0, sizeof(h));
	for (n = 0; n < 1000; n++) {
		histogram_observe(&h, n * 997);
		total += n * 997;
	}
	assert_int_equal(h.count, 1000);
	assert_int_equal(h.sum_us, total);
	for (i = 0, n = 0; i <= HISTOGRAM_BUCKETS; i++)
		n += h.buckets[i];
	assert_int_equal(n, h.count);
}

static void
test_merge(void **state)
{
	static const uint64_t	a_obs[] = { 50, 700, 700, 16000000 };
	static const uint64_t	b_obs[] = { 100, 2000, 19000000, 19000000,
				    30 };
	struct histogram	a, b, both, dst;
	size_t			i;

	(void)state;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	memset(&both, 0, sizeof(both));
	for (i = 0; i < NELEM(a_obs); i++) {
		histogram_observe(&a, a_obs[i]);
		histogram_observe(&both, a_obs[i]);
	}
	for (i = 0; i < NELEM(b_obs); i++) {
		histogram_observe(&b, b_obs[i]);
		histogram_observe(&both, b_obs[i]);
	}

	/* Into an empty histogram: a copy. */
	memset(&dst, 0, sizeof(dst));
	histogram_merge(&dst, &a);
	assert_memory_equal(&dst, &a, sizeof(a));

	/* Merging b as well equals observing everything in one. */
	histogram_merge(&dst, &b);
	assert_memory_equal(&dst, &both, sizeof(both));
	assert_int_equal(dst.count, 9);
	assert_int_equal(dst.buckets[0], 3);
	assert_int_equal(dst.buckets[INF_BUCKET], 3);

	/* The source is left alone. */
	assert_int_equal(b.count, NELEM(b_obs));
}

static void
test_quantile_empty(void **state)
{
	struct histogram	h;

	(void)state;
	memset(&h, 0, sizeof(h));
	assert_int_equal(histogram_quantile_us(&h, 0.0), 0);
	assert_int_equal(histogram_quantile_us(&h, 0.5), 0);
	assert_int_equal(histogram_quantile_us(&h, 1.0), 0);
}

static void
test_quantile(void **state)
{
	struct histogram	h;
	uint64_t		prev = 0, v;
	double			q;
	int			i;

	(void)state;
	memset(&h, 0, sizeof(h));
	/* 90 fast (<= 100 us), 9 at 4 ms, 1 at 2 s. */
	for (i = 0; i < 90; i++)
		histogram_observe(&h, 80);
	for (i = 0; i < 9; i++)
		histogram_observe(&h, 4000);
	histogram_observe(&h, 2000000);

	assert_int_equal(histogram_quantile_us(&h, 0.0), 100);
	assert_int_equal(histogram_quantile_us(&h, 0.5), 100);
	assert_int_equal(histogram_quantile_us(&h, 0.85), 100);
	assert_int_equal(histogram_quantile_us(&h, 0.95), 5000);
	assert_int_equal(histogram_quantile_us(&h, 1.0), 2000000);
	/* q above 1 is the largest observation's bucket. */
	assert_int_equal(histogram_quantile_us(&h, 7.0), 2000000);

	/* Non-decreasing in q, and always one of the bounds. */
	for (q = 0.0; q <= 1.0; q += 0.01) {
		v = histogram_quantile_us(&h, q);
		assert_true(v >= prev);
		assert_true(v == 100 || v == 5000 || v == 2000000);
		prev = v;
	}
}

/* Observations past the last bound have no finite quantile. */
static void
test_quantile_inf(void **state)
{
	struct histogram	h;

	(void)state;
	memset(&h, 0, sizeof(h));
	histogram_observe(&h, 10);
	histogram_observe(&h, 60000000);
	assert_int_equal(histogram_quantile_us(&h, 0.0), 100);
	assert_int_equal(histogram_quantile_us(&h, 1.0), UINT64_MAX);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_observe_bucket),
		cmocka_unit_test(test_sum_count),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_quantile_empty),
		cmocka_unit_test(test_quantile),
		cmocka_unit_test(test_quantile_inf),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
