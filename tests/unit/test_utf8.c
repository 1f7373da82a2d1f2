/*
 * Unit tests for lib/base/utf8.c: the forms yajl lets through (overlongs,
 * surrogates, > U+10FFFF) are refused, every valid boundary decodes, and
 * a bounded copy never ends in half a character.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "nelem.h"
#include "utf8.h"

static void
test_decode_boundaries(void **state)
{
	static const struct {
		const char	*s;
		size_t		 len;
		uint32_t	 cp;
	} ok[] = {
		{ "\x00", 1, 0x0 },
		{ "\x7f", 1, 0x7f },
		{ "\xc2\x80", 2, 0x80 },
		{ "\xdf\xbf", 2, 0x7ff },
		{ "\xe0\xa0\x80", 3, 0x800 },
		{ "\xed\x9f\xbf", 3, 0xd7ff },
		{ "\xee\x80\x80", 3, 0xe000 },
		{ "\xef\xbf\xbf", 3, 0xffff },
		{ "\xf0\x90\x80\x80", 4, 0x10000 },
		{ "\xf4\x8f\xbf\xbf", 4, 0x10ffff },
		{ "\xc3\x81", 2, 0xc1 },		/* Á */
		{ "\xe2\x9c\x93", 3, 0x2713 },		/* ✓ */
	};
	uint32_t	cp;
	size_t		i;

	(void)state;
	for (i = 0; i < NELEM(ok); i++) {
		assert_int_equal(utf8_decode(ok[i].s, ok[i].len, &cp),
		    (int)ok[i].len);
		assert_int_equal(cp, ok[i].cp);
		assert_true(utf8_valid(ok[i].s, ok[i].len));
	}
}

static void
test_refused(void **state)
{
	static const struct {
		const char	*s;
		size_t		 len;
	} bad[] = {
		{ "\xc0\x80", 2 },		/* overlong NUL */
		{ "\xc1\xbf", 2 },		/* overlong 0x7f */
		{ "\xe0\x80\xaf", 3 },		/* overlong "/" */
		{ "\xe0\x9f\xbf", 3 },		/* overlong 0x7ff */
		{ "\xf0\x8f\xbf\xbf", 4 },	/* overlong 0xffff */
		{ "\xed\xa0\x80", 3 },		/* U+D800 */
		{ "\xed\xbf\xbf", 3 },		/* U+DFFF */
		{ "\xf4\x90\x80\x80", 4 },	/* U+110000 */
		{ "\xf5\x80\x80\x80", 4 },
		{ "\xff", 1 },
		{ "\x80", 1 },			/* lone continuation */
		{ "\xc3", 1 },			/* truncated */
		{ "\xe2\x9c", 2 },
		{ "\xc3\x28", 2 },		/* bad continuation */
		{ "a\xc3", 2 },
	};
	uint32_t	cp;
	size_t		i;

	(void)state;
	for (i = 0; i < NELEM(bad); i++)
		assert_false(utf8_valid(bad[i].s, bad[i].len));
	assert_int_equal(utf8_decode("", 0, &cp), -1);
	assert_true(utf8_valid("", 0));
}

static void
test_control(void **state)
{
	(void)state;
	assert_false(utf8_has_control("MK-1335", 7));
	assert_false(utf8_has_control("\xc3\x91" "and\xc3\xba", 7));
	assert_true(utf8_has_control("a\tb", 3));
	assert_true(utf8_has_control("a\0b", 3));
	assert_true(utf8_has_control("a\x7f", 2));
	assert_true(utf8_has_control("\xc2\x85", 2));	/* NEL, C1 */
	assert_false(utf8_has_control("\xc2\xa0", 2));	/* NBSP is text */
	assert_true(utf8_has_control("\xc0\x80", 2));	/* not even UTF-8 */
}

static void
test_copy(void **state)
{
	char	buf[6];

	(void)state;
	assert_int_equal(utf8_copy(buf, sizeof(buf), "abc"), 0);
	assert_string_equal(buf, "abc");
	assert_int_equal(utf8_copy(buf, sizeof(buf), "abcde"), 0);
	assert_string_equal(buf, "abcde");
	assert_int_equal(utf8_copy(buf, sizeof(buf), "abcdef"), -1);
	assert_string_equal(buf, "abcde");
	/* "abcd" + "é" would need 7 bytes: the é is left out whole. */
	assert_int_equal(utf8_copy(buf, sizeof(buf), "abcd\xc3\xa9"), -1);
	assert_string_equal(buf, "abcd");
	assert_int_equal(utf8_copy(buf, sizeof(buf), "ab\xe2\x9c\x93xyz"), -1);
	assert_string_equal(buf, "ab\xe2\x9c\x93");
	assert_int_equal(utf8_copy(buf, 1, "abc"), -1);
	assert_string_equal(buf, "");
}

/* A bad byte is seen wherever it falls in the 8-byte ASCII steps. */
static void
test_valid_long(void **state)
{
	char	s[40];
	size_t	at, len;

	(void)state;
	for (len = 1; len < sizeof(s); len++) {
		memset(s, 'A', len);
		assert_true(utf8_valid(s, len));
		for (at = 0; at < len; at++) {
			s[at] = (char)0xed;
			assert_false(utf8_valid(s, len));
			s[at] = 'A';
		}
	}
	memcpy(s, "0123456789abcdeÑ", 17);
	assert_true(utf8_valid(s, 17));
	assert_false(utf8_valid(s, 16));	/* cut in half */
}

/* U+FFFD per maximal subpart; good text and NULs kept as they are. */
static void
test_sanitize(void **state)
{
	static const struct {
		const char	*in;
		size_t		 len;
		const char	*out;
	} cases[] = {
		{ "plain", 5, "plain" },
		{ "MK-ÑANDÚ-1", 12, "MK-ÑANDÚ-1" },
		{ "\xed\xb0\x80", 3, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
		{ "\xc0\xaf", 2, "\xef\xbf\xbd\xef\xbf\xbd" },
		{ "\xe2\x82", 2, "\xef\xbf\xbd" },
		{ "\xe2\x82(", 3, "\xef\xbf\xbd(" },
		{ "\xf0\x9f\x98", 3, "\xef\xbf\xbd" },
		{ "\xf4\x90\x80\x80", 4, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
		    "\xef\xbf\xbd" },
		{ "\xe0\x80\xaf", 3, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
		{ "a\xff" "b", 3, "a\xef\xbf\xbd" "b" },
		{ "\xf0\x9f\x94\xa7\x80", 5, "\xf0\x9f\x94\xa7\xef\xbf\xbd" },
		{ "", 0, "" },
	};
	char	*out, big[300];
	size_t	 i, len;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		out = utf8_sanitize(cases[i].in, cases[i].len, &len);
		assert_non_null(out);
		assert_string_equal(out, cases[i].out);
		assert_int_equal(len, strlen(cases[i].out));
		assert_true(utf8_valid(out, len));
		free(out);
	}
	/* A NUL inside the length is text like any other. */
	out = utf8_sanitize("a\0b", 3, &len);
	assert_int_equal(len, 3);
	assert_memory_equal(out, "a\0b", 3);
	free(out);
	/* Every byte bad: three times the size, still valid. */
	memset(big, 0xff, sizeof(big));
	out = utf8_sanitize(big, sizeof(big), &len);
	assert_int_equal(len, 3 * sizeof(big));
	assert_true(utf8_valid(out, len));
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_boundaries),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_control),
		cmocka_unit_test(test_copy),
		cmocka_unit_test(test_valid_long),
		cmocka_unit_test(test_sanitize),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
