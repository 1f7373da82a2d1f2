/*
 * Unit tests for lib/base/json_tree.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json_tree.h"

/* depth nested arrays around a 1: "[[1]]" for depth 2. */
static char *
nested(int depth)
{
	char	*s;

	s = malloc((size_t)depth * 2 + 2);
	assert_non_null(s);
	memset(s, '[', (size_t)depth);
	s[depth] = '1';
	memset(s + depth + 1, ']', (size_t)depth);
	s[depth * 2 + 1] = '\0';
	return (s);
}

static void
test_depth_limit(void **state)
{
	yajl_val	 v;
	char		*s, err[128];

	(void)state;
	s = nested(JSON_TREE_MAX_DEPTH);
	v = json_tree_parse(s, strlen(s), err, sizeof(err));
	assert_non_null(v);
	yajl_tree_free(v);
	free(s);

	s = nested(JSON_TREE_MAX_DEPTH + 1);
	assert_null(json_tree_parse(s, strlen(s), err, sizeof(err)));
	assert_non_null(strstr(err, "nested deeper than 32"));
	free(s);

	/* Deep enough to overflow yajl_tree_free()'s recursion. */
	s = nested(1000000);
	assert_null(json_tree_parse(s, strlen(s), err, sizeof(err)));
	free(s);
}

static void
test_invalid(void **state)
{
	char	err[128];

	(void)state;
	assert_null(json_tree_parse("{\"a\":", 5, err, sizeof(err)));
	assert_non_null(strstr(err, "invalid JSON"));
	assert_null(json_tree_parse("", 0, err, sizeof(err)));
	assert_null(json_tree_parse("{} x", 4, err, sizeof(err)));
	/* The message never quotes the input. */
	assert_null(strstr(err, "x"));
}

static void
test_lookups(void **state)
{
	static const char	 text[] = "{\"s\":\"v\",\"n\":42,\"d\":1.5,"
	    "\"big\":123456789012345678901234567890,\"o\":{\"k\":1},"
	    "\"dup\":1,\"dup\":\"last\"}";
	yajl_val		 root;
	long long		 i;
	char			 err[128];

	(void)state;
	root = json_tree_parse(text, sizeof(text) - 1, err, sizeof(err));
	assert_non_null(root);
	assert_string_equal(json_tree_string(root, "s"), "v");
	assert_null(json_tree_string(root, "n"));
	assert_null(json_tree_string(root, "missing"));
	assert_int_equal(json_tree_integer(root, "n", &i), 0);
	assert_int_equal(i, 42);
	assert_int_equal(json_tree_integer(root, "d", &i), -1);
	assert_int_equal(json_tree_integer(root, "big", &i), -1);
	assert_int_equal(json_tree_integer(root, "s", &i), -1);
	assert_non_null(json_tree_get(root, "o", yajl_t_object));
	assert_null(json_tree_get(root, "o", yajl_t_array));
	assert_non_null(json_tree_get(root, "o", yajl_t_any));
	assert_string_equal(json_tree_string(root, "dup"), "last");
	/* Not an object: nothing to look up. */
	assert_null(json_tree_get(json_tree_get(root, "n", yajl_t_any), "k",
	    yajl_t_any));
	assert_null(json_tree_get(NULL, "k", yajl_t_any));
	yajl_tree_free(root);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_lookups),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
