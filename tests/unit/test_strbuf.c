/*
 * Unit tests for lib/base/strbuf.c: formatted appends, growth past the first
 * allocation, the hard limit (text plus its NUL must fit; an append that
 * does not fit is dropped whole and the overflow is sticky), and reuse
 * after strbuf_free().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "strbuf.h"

static void
test_init(void **state)
{
	struct strbuf	b;

	(void)state;
	memset(&b, 0x5a, sizeof(b));
	strbuf_init(&b, 1234);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	assert_int_equal(b.limit, 1234);
	assert_int_equal(b.overflow, 0);
	/* Freeing a buffer that never grew is fine. */
	strbuf_free(&b);
	assert_null(b.data);
}

static void
test_appendf(void **state)
{
	struct strbuf	b;

	(void)state;
	strbuf_init(&b, 1024);
	strbuf_appendf(&b, "%s %d", "zeues_workers", 2);
	strbuf_appendf(&b, "\n");
	strbuf_appendf(&b, "%s", "");
	strbuf_appendf(&b, "%llu|%.4f|%c", 18446744073709551615ULL, 0.5, 'x');
	assert_int_equal(b.overflow, 0);
	assert_string_equal(b.data, "zeues_workers 2\n"
	    "18446744073709551615|0.5000|x");
	assert_int_equal(b.len, strlen(b.data));
	assert_true(b.cap > b.len);
	assert_true(b.cap <= b.limit);
	strbuf_free(&b);
}

/* Many appends across several reallocations keep every byte in order. */
static void
test_growth(void **state)
{
	struct strbuf	b;
	char		want[32];
	size_t		off;
	int		i, n;

	(void)state;
	strbuf_init(&b, 1 << 20);
	for (i = 0; i < 20000; i++)
		strbuf_appendf(&b, "line %05d\n", i);
	assert_int_equal(b.overflow, 0);
	assert_int_equal(b.len, 20000 * 11);
	assert_true(b.cap > b.len && b.cap <= b.limit);
	assert_int_equal(b.data[b.len], '\0');
	for (i = 0, off = 0; i < 20000; i++) {
		n = snprintf(want, sizeof(want), "line %05d\n", i);
		if (memcmp(b.data + off, want, (size_t)n) != 0)
			fail_msg("line %d differs", i);
		off += (size_t)n;
	}
	strbuf_free(&b);
}

/* limit - 1 characters fit (the NUL takes the last byte); one more not. */
static void
test_limit_exact(void **state)
{
	struct strbuf	b;

	(void)state;
	strbuf_init(&b, 10);
	strbuf_appendf(&b, "%s", "12345");
	strbuf_appendf(&b, "%s", "6789");
	assert_int_equal(b.overflow, 0);
	assert_int_equal(b.len, 9);
	assert_string_equal(b.data, "123456789");
	assert_true(b.cap <= 10);
	strbuf_appendf(&b, "%s", "0");
	assert_int_equal(b.overflow, 1);
	assert_int_equal(b.len, 9);
	assert_string_equal(b.data, "123456789");
	strbuf_free(&b);

	/* One append exactly at the limit. */
	strbuf_init(&b, 6);
	strbuf_appendf(&b, "%d", 12345);
	assert_int_equal(b.overflow, 0);
	assert_string_equal(b.data, "12345");
	strbuf_free(&b);

	strbuf_init(&b, 6);
	strbuf_appendf(&b, "%d", 123456);
	assert_int_equal(b.overflow, 1);
	assert_int_equal(b.len, 0);
	strbuf_free(&b);
}

/* An append that does not fit is dropped whole, and so is all after it. */
static void
test_overflow_sticky(void **state)
{
	struct strbuf	b;
	char		big[200];

	(void)state;
	memset(big, 'B', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	strbuf_init(&b, 100);
	strbuf_appendf(&b, "head ");
	strbuf_appendf(&b, "%s", big);
	assert_int_equal(b.overflow, 1);
	assert_int_equal(b.len, 5);
	assert_string_equal(b.data, "head ");
	/* A small append that would fit is not taken after an overflow. */
	strbuf_appendf(&b, "tail");
	assert_int_equal(b.overflow, 1);
	assert_int_equal(b.len, 5);
	assert_string_equal(b.data, "head ");
	strbuf_free(&b);
}

/* Past the first 4 KiB growth step, the limit still caps the capacity. */
static void
test_limit_large(void **state)
{
	struct strbuf	b;
	int		i;

	(void)state;
	strbuf_init(&b, 5000);
	for (i = 0; i < 1000 && !b.overflow; i++)
		strbuf_appendf(&b, "%s", "0123456789");
	assert_int_equal(b.overflow, 1);
	/* 499 appends fit in 4990 bytes; the 500th needs 5001. */
	assert_int_equal(i, 500);
	assert_int_equal(b.len, 4990);
	assert_int_equal(b.cap, 5000);
	assert_int_equal(strlen(b.data), 4990);
	strbuf_free(&b);
}

static void
test_zero_limit(void **state)
{
	struct strbuf	b;

	(void)state;
	strbuf_init(&b, 0);
	strbuf_appendf(&b, "%s", "");
	assert_int_equal(b.overflow, 1);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	strbuf_free(&b);
}

/* strbuf_free() leaves an empty buffer with the same limit, reusable. */
static void
test_free_reuse(void **state)
{
	struct strbuf	b;

	(void)state;
	strbuf_init(&b, 8);
	strbuf_appendf(&b, "%s", "too long for eight");
	assert_int_equal(b.overflow, 1);
	strbuf_free(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	assert_int_equal(b.limit, 8);
	assert_int_equal(b.overflow, 0);
	strbuf_appendf(&b, "%s", "fits");
	assert_int_equal(b.overflow, 0);
	assert_string_equal(b.data, "fits");
	strbuf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_appendf),
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_limit_exact),
		cmocka_unit_test(test_overflow_sticky),
		cmocka_unit_test(test_limit_large),
		cmocka_unit_test(test_zero_limit),
		cmocka_unit_test(test_free_reuse),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
