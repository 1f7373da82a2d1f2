/*
 * Unit tests for lib/base/uuid4.c: the canonical lower-case 8-4-4-4-12 form,
 * the version (4) and RFC 4122 variant (10xx) nibbles, that the other
 * nibbles really vary, uniqueness over 1000 ids, and uuid4_valid().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "nelem.h"
#include "uuid4.h"

#define NIDS		1000

static int
is_dash_pos(size_t i)
{
	return (i == 8 || i == 13 || i == 18 || i == 23);
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	return (-1);
}

static int
cmp_ids(const void *a, const void *b)
{
	return (strcmp(a, b));
}

static void
test_format(void **state)
{
	char	id[UUID4_STRLEN];
	size_t	i;
	int	n;

	(void)state;
	for (n = 0; n < NIDS; n++) {
		memset(id, 'X', sizeof(id));
		assert_int_equal(uuid4_generate(id), 0);
		assert_int_equal(strlen(id), UUID4_STRLEN - 1);
		for (i = 0; i < UUID4_STRLEN - 1; i++) {
			if (is_dash_pos(i)) {
				if (id[i] != '-')
					fail_msg("%s: no '-' at %zu", id, i);
			} else if (hexval(id[i]) < 0) {
				fail_msg("%s: '%c' at %zu is not lower-case "
				    "hex", id, id[i], i);
			}
		}
		/* xxxxxxxx-xxxx-4xxx-Yxxx-xxxxxxxxxxxx, Y in 8..b */
		if (id[14] != '4')
			fail_msg("%s: version nibble '%c'", id, id[14]);
		if ((hexval(id[19]) & 0xc) != 0x8)
			fail_msg("%s: variant nibble '%c'", id, id[19]);
		assert_true(uuid4_valid(id));
	}
}

/*
 * Every nibble that is not fixed takes many values; the variant nibble
 * takes all four of 8, 9, a, b.  Catches masks that clear random bits.
 */
static void
test_bits_vary(void **state)
{
	char		id[UUID4_STRLEN];
	unsigned int	seen[UUID4_STRLEN - 1];
	size_t		i;
	int		n, v;

	(void)state;
	memset(seen, 0, sizeof(seen));
	for (n = 0; n < NIDS; n++) {
		assert_int_equal(uuid4_generate(id), 0);
		for (i = 0; i < UUID4_STRLEN - 1; i++) {
			if ((v = hexval(id[i])) >= 0)
				seen[i] |= 1u << v;
		}
	}
	for (i = 0; i < UUID4_STRLEN - 1; i++) {
		if (is_dash_pos(i))
			continue;
		if (i == 14)
			assert_int_equal(seen[i], 1u << 4);
		else if (i == 19)
			assert_int_equal(seen[i], 0xfu << 8);
		else if (seen[i] != 0xffff)
			fail_msg("position %zu saw only digits 0x%04x", i,
			    seen[i]);
	}
}

static void
test_unique(void **state)
{
	char	(*ids)[UUID4_STRLEN];
	int	n;

	(void)state;
	ids = calloc(NIDS, sizeof(*ids));
	assert_non_null(ids);
	for (n = 0; n < NIDS; n++)
		assert_int_equal(uuid4_generate(ids[n]), 0);
	qsort(ids, NIDS, sizeof(*ids), cmp_ids);
	for (n = 1; n < NIDS; n++) {
		if (strcmp(ids[n - 1], ids[n]) == 0)
			fail_msg("duplicate %s", ids[n]);
	}
	free(ids);
}

static void
test_valid(void **state)
{
	static const char *const good[] = {
		"123e4567-e89b-42d3-a456-426614174000",
		"00000000-0000-4000-8000-000000000000",
		"ffffffff-ffff-4fff-bfff-ffffffffffff",
	};
	static const char *const bad[] = {
		"",
		"123e4567-e89b-42d3-a456-42661417400",		/* 35 */
		"123e4567-e89b-42d3-a456-4266141740000",	/* 37 */
		"123e4567e89b-42d3-a456-426614174000-",		/* dash moved */
		"123e4567-e89b-42d3-a456_426614174000",
		"123e4567-e89b-42d3-a4564-26614174000",
		"123e4567-e89b-42d3-a456-42661417400g",
		"{23e4567-e89b-42d3-a456-426614174000",
		"123e4567-e89b-42d3-a456-4266141740 0",
		"123e4567 e89b 42d3 a456 426614174000",
		"123e4567-e89b-42d3-a456-426614174000\n",
		"123e4567-e89b-42d3-a456-4266141740\xc3\xa9",
	};
	size_t	i;

	(void)state;
	for (i = 0; i < NELEM(good); i++) {
		if (!uuid4_valid(good[i]))
			fail_msg("'%s' refused", good[i]);
	}
	for (i = 0; i < NELEM(bad); i++) {
		if (uuid4_valid(bad[i]))
			fail_msg("'%s' accepted", bad[i]);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_bits_vary),
		cmocka_unit_test(test_unique),
		cmocka_unit_test(test_valid),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
