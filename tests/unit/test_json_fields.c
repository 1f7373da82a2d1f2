/*
 * Unit tests for lib/base/json_fields.c and the wiping allocator under it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json_fields.h"
#include "secret_alloc.h"

enum { F_NAME, F_COUNT, F_N };

static void
init_fields(struct json_field *f)
{
	memset(f, 0, sizeof(*f) * F_N);
	f[F_NAME].name = "name";
	f[F_NAME].type = JSON_FIELD_STRING;
	f[F_COUNT].name = "count";
	f[F_COUNT].type = JSON_FIELD_INTEGER;
}

static int
parse(const char *json, struct json_field *f, char *err, size_t errsz)
{
	init_fields(f);
	return (json_fields_parse(json, strlen(json), f, F_N, "thing", err,
	    errsz));
}

static void
test_extracts_fields(void **state)
{
	struct json_field	f[F_N];
	char			err[128];

	(void)state;
	assert_int_equal(parse("{\"skip\":{\"name\":\"inner\",\"count\":[1]},"
	    "\"name\":\"caf\\u00e9\",\"count\":-42,\"more\":[{\"x\":null}]}",
	    f, err, sizeof(err)), 0);
	assert_true(f[F_NAME].present);
	assert_string_equal(f[F_NAME].str, "caf\xc3\xa9");
	assert_int_equal(f[F_NAME].len, 5);
	assert_true(f[F_COUNT].present);
	assert_int_equal(f[F_COUNT].integer, -42);
	json_fields_clear(f, F_N);
	assert_null(f[F_NAME].str);
	assert_false(f[F_NAME].present);

	assert_int_equal(parse("{}", f, err, sizeof(err)), 0);
	assert_false(f[F_NAME].present);
	assert_false(f[F_COUNT].present);
}

static void
test_long_string(void **state)
{
	struct json_field	 f[F_N];
	char			*json, err[128];
	size_t			 i, n = 100000;

	(void)state;
	/* Escapes make yajl decode into its own growing (wiped) buffer. */
	json = malloc(n * 2 + 32);
	assert_non_null(json);
	strcpy(json, "{\"name\":\"");
	for (i = 0; i < n; i++)
		memcpy(json + 9 + i * 2, "\\n", 2);
	json[9 + n * 2] = '\0';
	strcat(json, "\"}");
	assert_int_equal(parse(json, f, err, sizeof(err)), 0);
	assert_int_equal(f[F_NAME].len, n);
	assert_int_equal(strspn(f[F_NAME].str, "\n"), n);
	json_fields_clear(f, F_N);
	free(json);
}

static void
assert_rejected(const char *json, const char *want)
{
	struct json_field	f[F_N];
	char			err[128];

	assert_int_equal(parse(json, f, err, sizeof(err)), -1);
	assert_null(f[F_NAME].str);
	if (strstr(err, want) == NULL)
		fail_msg("error \"%s\" lacks \"%s\"", err, want);
	assert_true(strncmp(err, "thing: ", 7) == 0);
}

static void
test_rejects(void **state)
{
	(void)state;
	assert_rejected("{\"name\":1}", "\"name\" must be a string");
	assert_rejected("{\"name\":true}", "\"name\" must be a string");
	assert_rejected("{\"name\":{}}", "\"name\" must be a string");
	assert_rejected("{\"count\":\"1\"}", "\"count\" must be an integer");
	assert_rejected("{\"count\":1e3}", "\"count\" must be an integer");
	assert_rejected("{\"count\":[1]}", "\"count\" must be an integer");
	assert_rejected("{\"count\":123456789012345678901234567890}",
	    "\"count\" must be an integer");
	assert_rejected("{\"name\":\"a\",\"name\":\"b\"}", "appears twice");
	assert_rejected("{\"name\":\"a\\u0000b\"}", "NUL");
	assert_rejected("[{\"name\":\"a\"}]", "not a JSON object");
	assert_rejected("null", "not a JSON object");
	assert_rejected("{\"name\":\"a\"", "invalid JSON");
	assert_rejected("{\"name\":\"\xff\"}", "invalid JSON");
}

static void
test_secret_strndup(void **state)
{
	char	*s;

	(void)state;
	s = secret_strndup("secret!", 6);
	assert_non_null(s);
	assert_string_equal(s, "secret");
	secret_free(s);
	secret_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_extracts_fields),
		cmocka_unit_test(test_long_string),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_secret_strndup),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
