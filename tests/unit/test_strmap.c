/*
 * Unit tests for lib/base/strmap.c, checked against a plain array as the model.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "strmap.h"

static int
add(struct strmap *m, const char *key, size_t value)
{
	return (strmap_add(m, key, strlen(key), value));
}

static int
get(struct strmap *m, const char *key, size_t *value)
{
	return (strmap_get(m, key, strlen(key), value));
}

static void
test_basic(void **state)
{
	struct strmap	*m;
	size_t		 v = 0;

	(void)state;
	m = strmap_new(0);
	assert_non_null(m);
	assert_int_equal(get(m, "MK-1", &v), 0);
	assert_int_equal(add(m, "MK-1", 2), 0);
	assert_int_equal(add(m, "MK-2", 3), 0);
	assert_int_equal(strmap_count(m), 2);

	/* The first value wins. */
	assert_int_equal(add(m, "MK-1", 99), 1);
	assert_int_equal(get(m, "MK-1", &v), 1);
	assert_int_equal(v, 2);
	assert_int_equal(strmap_count(m), 2);

	/* Length, not NUL, ends a key; "" is a key like any other. */
	assert_int_equal(strmap_add(m, "MK-1 tail", 4, 5), 1);
	assert_int_equal(strmap_add(m, "a\0b", 3, 7), 0);
	assert_int_equal(strmap_get(m, "a\0b", 3, &v), 1);
	assert_int_equal(v, 7);
	assert_int_equal(strmap_get(m, "a", 1, &v), 0);
	assert_int_equal(add(m, "", 8), 0);
	assert_int_equal(get(m, "", &v), 1);
	assert_int_equal(v, 8);

	assert_int_equal(strmap_del(m, "MK-1", 4), 1);
	assert_int_equal(strmap_del(m, "MK-1", 4), 0);
	assert_int_equal(get(m, "MK-1", &v), 0);
	assert_int_equal(get(m, "MK-2", &v), 1);
	assert_int_equal(v, 3);
	assert_int_equal(strmap_count(m), 3);
	assert_int_equal(add(m, "MK-1", 4), 0);
	assert_int_equal(get(m, "MK-1", &v), 1);
	assert_int_equal(v, 4);
	strmap_free(m);
	strmap_free(NULL);
}

/* Random adds and deletes against a model, across many resizes. */
static void
test_against_model(void **state)
{
	enum { NKEYS = 20000, NOPS = 200000 };
	struct strmap	*m;
	unsigned char	*present;
	char		 key[32];
	size_t		 i, k, v, count = 0;
	int		 rc;

	(void)state;
	present = calloc(NKEYS, 1);
	assert_non_null(present);
	m = strmap_new(0);
	assert_non_null(m);
	srandom(42);
	for (i = 0; i < NOPS; i++) {
		k = (size_t)random() % NKEYS;
		snprintf(key, sizeof(key), "SPOOL-%zu", k);
		if (random() % 3 != 0) {
			rc = add(m, key, k);
			assert_int_equal(rc, present[k] ? 1 : 0);
			if (!present[k])
				count++;
			present[k] = 1;
		} else {
			rc = strmap_del(m, key, strlen(key));
			assert_int_equal(rc, present[k]);
			if (present[k])
				count--;
			present[k] = 0;
		}
		assert_int_equal(strmap_count(m), count);
	}
	for (k = 0; k < NKEYS; k++) {
		snprintf(key, sizeof(key), "SPOOL-%zu", k);
		rc = get(m, key, &v);
		assert_int_equal(rc, present[k]);
		if (rc)
			assert_int_equal(v, k);
	}
	strmap_free(m);
	free(present);
}

/* Deleting from inside long probe runs in a small, crowded table. */
static void
test_delete_in_clusters(void **state)
{
	struct strmap	*m;
	char		 key[16];
	size_t		 i, v;

	(void)state;
	m = strmap_new(10);
	assert_non_null(m);
	for (i = 0; i < 11; i++) {
		snprintf(key, sizeof(key), "k%zu", i);
		assert_int_equal(add(m, key, i), 0);
	}
	for (i = 0; i < 11; i += 2) {
		snprintf(key, sizeof(key), "k%zu", i);
		assert_int_equal(strmap_del(m, key, strlen(key)), 1);
	}
	for (i = 0; i < 11; i++) {
		snprintf(key, sizeof(key), "k%zu", i);
		assert_int_equal(get(m, key, &v), i % 2);
		if (i % 2)
			assert_int_equal(v, i);
	}
	assert_int_equal(strmap_count(m), 5);
	strmap_free(m);
}

static void
test_presized(void **state)
{
	struct strmap	*m;
	char		 key[16];
	size_t		 i, v;

	(void)state;
	m = strmap_new(10000);
	assert_non_null(m);
	for (i = 0; i < 10000; i++) {
		snprintf(key, sizeof(key), "%zu", i);
		assert_int_equal(add(m, key, i), 0);
	}
	for (i = 0; i < 10000; i++) {
		snprintf(key, sizeof(key), "%zu", i);
		assert_int_equal(get(m, key, &v), 1);
		assert_int_equal(v, i);
	}
	strmap_free(m);
	assert_null(strmap_new(SIZE_MAX / 2));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_against_model),
		cmocka_unit_test(test_delete_in_clusters),
		cmocka_unit_test(test_presized),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
