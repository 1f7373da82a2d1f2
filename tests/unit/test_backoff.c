/*
 * Unit tests for lib/base/backoff.c: the delay for retry `attempt` lies in
 * [base/2, min(cap, base * 2^attempt)], both ends included, with the
 * randomness injected so each end can be hit exactly; out-of-range random
 * values fall back to the floor; the default source stays in [0, 1).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>

#include <cmocka.h>

#include "backoff.h"
#include "nelem.h"

/* A random source that returns a fixed value and counts its calls. */
struct fixed_rand {
	double	value;
	int	calls;
};

static double
fixed_rand(void *arg)
{
	struct fixed_rand	*f = arg;

	f->calls++;
	return (f->value);
}

static uint64_t
delay_at(unsigned int attempt, uint64_t base, uint64_t cap, double r)
{
	struct fixed_rand	f = { r, 0 };
	uint64_t		d;

	d = backoff_delay_ms(attempt, base, cap, fixed_rand, &f);
	assert_int_equal(f.calls, 1);
	return (d);
}

/* The largest value below 1: the top of the range. */
static double
top(void)
{
	return (nextafter(1.0, 0.0));
}

/* r = 0 gives base/2 and r just under 1 gives the ceiling, every attempt. */
static void
test_ends(void **state)
{
	static const struct {
		unsigned int	attempt;
		uint64_t	base, cap;
		uint64_t	floor, ceiling;
	} cases[] = {
		{ 0, 100, 10000, 50, 100 },
		{ 1, 100, 10000, 50, 200 },
		{ 2, 100, 10000, 50, 400 },
		{ 6, 100, 10000, 50, 6400 },
		{ 7, 100, 10000, 50, 10000 },	/* 12800 capped */
		{ 40, 100, 10000, 50, 10000 },
		{ 0, 1, 1000, 0, 1 },
		{ 3, 1, 1000, 0, 8 },
		{ 0, 3, 3, 1, 3 },
		{ 5, 3, 3, 1, 3 },
		{ 10, 250, 64000, 125, 64000 },	/* 256000 capped */
		{ 8, 250, 64000, 125, 64000 },	/* exactly 64000 */
		{ 7, 250, 64000, 125, 32000 },
		/* A cap below base is raised to base. */
		{ 0, 100, 10, 50, 100 },
		{ 9, 100, 0, 50, 100 },
	};
	size_t		i;
	uint64_t	lo, hi;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		lo = delay_at(cases[i].attempt, cases[i].base, cases[i].cap,
		    0.0);
		hi = delay_at(cases[i].attempt, cases[i].base, cases[i].cap,
		    top());
		if (lo != cases[i].floor || hi != cases[i].ceiling)
			fail_msg("attempt %u base %llu cap %llu: [%llu, %llu], "
			    "want [%llu, %llu]", cases[i].attempt,
			    (unsigned long long)cases[i].base,
			    (unsigned long long)cases[i].cap,
			    (unsigned long long)lo, (unsigned long long)hi,
			    (unsigned long long)cases[i].floor,
			    (unsigned long long)cases[i].ceiling);
	}
}

/* The delay is r spread linearly over the range: full jitter. */
static void
test_linear_in_r(void **state)
{
	uint64_t	prev = 0, d;
	double		r;

	(void)state;
	/* [50, 400] holds 351 values; r = 0.5 lands in the middle. */
	assert_int_equal(delay_at(2, 100, 10000, 0.5), 50 + 175);
	assert_int_equal(delay_at(2, 100, 10000, 0.25), 50 + 87);
	/* Never decreasing in r, and reaching the ceiling 3200 at the end. */
	for (r = 0.0; r < 1.0; r += 1.0 / 4096) {
		d = delay_at(5, 100, 10000, r);
		assert_true(d >= prev);
		prev = d;
	}
	assert_int_equal(prev, 3200);
}

static void
test_zero_base(void **state)
{
	struct fixed_rand	f = { 0.5, 0 };

	(void)state;
	assert_int_equal(backoff_delay_ms(0, 0, 1000, fixed_rand, &f), 0);
	assert_int_equal(backoff_delay_ms(20, 0, 0, fixed_rand, &f), 0);
}

/* A huge attempt number neither loops for ages nor overflows. */
static void
test_huge_attempt(void **state)
{
	(void)state;
	assert_int_equal(delay_at(UINT32_MAX, 100, 30000, top()), 30000);
	assert_int_equal(delay_at(UINT32_MAX, 100, 30000, 0.0), 50);
	assert_int_equal(delay_at(1000, 1, 1ULL << 40, top()), 1ULL << 40);
}

/* A random source out of [0, 1) is treated as 0: the floor. */
static void
test_out_of_range_rand(void **state)
{
	static const double	bad[] = { 1.0, 1.5, -0.0001, -1e300, 1e300,
	    INFINITY, -INFINITY };
	uint64_t		d;
	size_t			i;

	(void)state;
	for (i = 0; i < NELEM(bad); i++) {
		d = delay_at(4, 200, 60000, bad[i]);
		if (d != 100)
			fail_msg("r = %g gave %llu", bad[i],
			    (unsigned long long)d);
	}
}

/*
 * NaN is out of [0, 1) too, but fails both comparisons of the range check
 * and reaches the conversion to uint64_t.
 */
static void
test_nan_rand(void **state)
{
	uint64_t	d;

	(void)state;
	d = delay_at(4, 200, 60000, NAN);
	if (d != 100)
		fail_msg("r = NaN gave %llu ms, want the floor 100",
		    (unsigned long long)d);
}

/*
 * "No cap" spelt UINT64_MAX: the ceiling is base * 2^attempt until that
 * no longer fits, then the cap.  It must never wrap to a small number,
 * and the width of [floor, UINT64_MAX] must not wrap either (base 1 has
 * floor 0).
 */
static void
test_no_cap_never_wraps(void **state)
{
	static const uint64_t	bases[] = { 1, 3, 1000 };
	unsigned int		attempt;
	uint64_t		d, prev;
	size_t			i;

	(void)state;
	for (i = 0; i < NELEM(bases); i++) {
		prev = 0;
		for (attempt = 0; attempt < 80; attempt++) {
			d = delay_at(attempt, bases[i], UINT64_MAX, 0.5);
			if (d < prev)
				fail_msg("base %llu attempt %u: %llu ms after "
				    "%llu ms", (unsigned long long)bases[i],
				    attempt, (unsigned long long)d,
				    (unsigned long long)prev);
			prev = d;
		}
		if (prev < UINT64_MAX / 4)
			fail_msg("base %llu: %llu ms at attempt 79",
			    (unsigned long long)bases[i],
			    (unsigned long long)prev);
	}
}

/* The arg given is the arg the random source sees. */
static void
test_arg_passed(void **state)
{
	struct fixed_rand	a = { 0.0, 0 }, b = { 0.0, 0 };

	(void)state;
	(void)backoff_delay_ms(1, 10, 100, fixed_rand, &a);
	(void)backoff_delay_ms(1, 10, 100, fixed_rand, &b);
	(void)backoff_delay_ms(1, 10, 100, fixed_rand, &b);
	assert_int_equal(a.calls, 1);
	assert_int_equal(b.calls, 2);
}

/* With the default source: always in range, and both ends approached. */
static void
test_default_rand(void **state)
{
	uint64_t	d, lo = UINT64_MAX, hi = 0;
	double		r, rlo = 1.0, rhi = 0.0;
	int		i;

	(void)state;
	srandom(12345);
	for (i = 0; i < 20000; i++) {
		r = backoff_rand_default(NULL);
		assert_true(r >= 0.0 && r < 1.0);
		rlo = r < rlo ? r : rlo;
		rhi = r > rhi ? r : rhi;
		d = backoff_delay_ms(3, 1000, 60000, backoff_rand_default,
		    NULL);
		assert_in_range(d, 500, 8000);
		lo = d < lo ? d : lo;
		hi = d > hi ? d : hi;
	}
	assert_true(rlo < 0.001 && rhi > 0.999);
	assert_true(lo < 500 + 20);
	assert_true(hi > 8000 - 20);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ends),
		cmocka_unit_test(test_linear_in_r),
		cmocka_unit_test(test_zero_base),
		cmocka_unit_test(test_huge_attempt),
		cmocka_unit_test(test_out_of_range_rand),
		cmocka_unit_test(test_nan_rand),
		cmocka_unit_test(test_no_cap_never_wraps),
		cmocka_unit_test(test_arg_passed),
		cmocka_unit_test(test_default_rand),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
