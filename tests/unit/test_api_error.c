/*
 * Unit tests for lib/http/api_error.c against api.md §1: each code's HTTP
 * status and Retry-After, out-of-range values as 500 INTERNAL_ERROR, and
 * the body shape parsed back with yajl_tree: detail, error, message,
 * success, data in that order, message == detail, success false, data
 * null or the object data_fn wrote.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <yajl/yajl_tree.h>

#include "json_out.h"

#include "api_error.h"
#include "nelem.h"

static const struct {
	enum api_error	 e;
	int		 status;
	const char	*code;
	int		 retry_after;	/* -1: must be > 0 */
} table[] = {
	{ API_ERR_BAD_REQUEST, 400, "INVALID_REQUEST", 0 },
	{ API_ERR_SPOOL_NOT_FOUND, 404, "SPOOL_NO_ENCONTRADO", 0 },
	{ API_ERR_NOT_FOUND, 404, "NOT_FOUND", 0 },
	{ API_ERR_METHOD_NOT_ALLOWED, 405, "METHOD_NOT_ALLOWED", 0 },
	{ API_ERR_PAYLOAD_TOO_LARGE, 413, "PAYLOAD_TOO_LARGE", 0 },
	{ API_ERR_UNSUPPORTED_MEDIA_TYPE, 415, "UNSUPPORTED_MEDIA_TYPE", 0 },
	{ API_ERR_VALIDATION, 422, "VALIDATION_ERROR", 0 },
	{ API_ERR_RATE_LIMITED, 429, "RATE_LIMITED", -1 },
	{ API_ERR_REDIS_UNAVAILABLE, 503, "REDIS_UNAVAILABLE", -1 },
	{ API_ERR_SHEETS_UNAVAILABLE, 503, "SHEETS_UNAVAILABLE", -1 },
	{ API_ERR_OVERLOADED, 503, "OVERLOADED", -1 },
	{ API_ERR_INTERNAL, 500, "INTERNAL_ERROR", 0 },
};

/* The string of v, or NULL when v is not a string. */
static const char *
str_of(yajl_val v)
{
	return (v != NULL && YAJL_IS_STRING(v) ? v->u.string : NULL);
}

static yajl_val
member(yajl_val obj, const char *key)
{
	const char	*path[] = { key, NULL };

	return (yajl_tree_get(obj, path, yajl_t_any));
}

static void
assert_member_str(yajl_val obj, const char *key, const char *want)
{
	const char	*got = str_of(member(obj, key));

	if (got == NULL)
		fail_msg("\"%s\" is missing or not a string", key);
	if (strcmp(got, want) != 0)
		fail_msg("\"%s\" is '%s', want '%s'", key, got, want);
}

/* The body for e as text (caller frees). */
static char *
body_of(enum api_error e, const char *detail,
    void (*data_fn)(yajl_gen, void *), void *arg)
{
	yajl_gen	 g;
	const char	*t;
	char		*s;
	size_t		 len;

	g = json_out_new();
	assert_non_null(g);
	api_error_write(g, e, detail, data_fn, arg);
	t = json_out_text(g, &len);
	s = malloc(len + 1);
	assert_non_null(s);
	memcpy(s, t, len);
	s[len] = '\0';
	yajl_gen_free(g);
	return (s);
}

static yajl_val
parse(const char *text)
{
	char		err[256];
	yajl_val	v;

	v = yajl_tree_parse(text, err, sizeof(err));
	if (v == NULL)
		fail_msg("not JSON (%s): %s", err, text);
	return (v);
}

static void
test_mapping(void **state)
{
	size_t	i, j;

	(void)state;
	assert_int_equal(NELEM(table), API_ERR_MAX);
	for (i = 0; i < NELEM(table); i++) {
		assert_int_equal(api_error_status(table[i].e),
		    table[i].status);
		assert_string_equal(api_error_code(table[i].e),
		    table[i].code);
		if (table[i].retry_after == -1) {
			if (api_error_retry_after(table[i].e) <= 0)
				fail_msg("%s: %d needs Retry-After",
				    table[i].code, table[i].status);
		} else
			assert_int_equal(api_error_retry_after(table[i].e), 0);
		/* Codes are distinct. */
		for (j = 0; j < i; j++)
			assert_string_not_equal(api_error_code(table[j].e),
			    table[i].code);
	}
}

/* api.md: every 429 and 503 carries Retry-After; nothing else does. */
static void
test_retry_after_by_status(void **state)
{
	int	e, status, ra;

	(void)state;
	for (e = 0; e < API_ERR_MAX; e++) {
		status = api_error_status((enum api_error)e);
		ra = api_error_retry_after((enum api_error)e);
		if ((status == 429 || status == 503) != (ra > 0))
			fail_msg("%s: status %d, Retry-After %d",
			    api_error_code((enum api_error)e), status, ra);
		/* No error is ever reported as a redirect or success. */
		assert_in_range(status, 400, 599);
	}
}

static void
test_out_of_range(void **state)
{
	(void)state;
	assert_int_equal(api_error_status(API_ERR_MAX), 500);
	assert_string_equal(api_error_code(API_ERR_MAX), "INTERNAL_ERROR");
	assert_int_equal(api_error_retry_after(API_ERR_MAX), 0);
	assert_int_equal(api_error_status((enum api_error)999), 500);
	assert_string_equal(api_error_code((enum api_error)999),
	    "INTERNAL_ERROR");
	assert_int_equal(api_error_retry_after((enum api_error)999), 0);
}

/* Every code: exactly the five members, in the order of api.md. */
static void
test_body_shape(void **state)
{
	static const char *const keys[] = {
		"detail", "error", "message", "success", "data",
	};
	static const char	detail[] = "El spool 'MK-1335' no existe: "
	    "\"revisa\" la etiqueta\n(línea 2) ✓";
	yajl_val	 root, v;
	char		*s;
	size_t		 i, k;

	(void)state;
	for (i = 0; i < NELEM(table); i++) {
		s = body_of(table[i].e, detail, NULL, NULL);
		root = parse(s);
		assert_true(YAJL_IS_OBJECT(root));
		assert_int_equal(root->u.object.len, NELEM(keys));
		for (k = 0; k < NELEM(keys); k++)
			assert_string_equal(root->u.object.keys[k], keys[k]);
		assert_member_str(root, "detail", detail);
		assert_member_str(root, "message", detail);
		assert_member_str(root, "error", table[i].code);
		v = member(root, "success");
		assert_non_null(v);
		assert_true(YAJL_IS_FALSE(v));
		v = member(root, "data");
		assert_non_null(v);
		assert_true(YAJL_IS_NULL(v));
		/* One line: the newline in detail is escaped. */
		assert_null(strchr(s, '\n'));
		yajl_tree_free(root);
		free(s);
	}
}

struct owner {
	const char	*tag;
	long long	 id;
	const char	*nombre;
	int		 calls;
};

static void
write_owner(yajl_gen g, void *arg)
{
	struct owner	*o = arg;

	o->calls++;
	json_kstr(g, "tag_spool", o->tag);
	json_kint(g, "owner_id", o->id);
	json_kstr(g, "owner_nombre", o->nombre);
}

static void
write_nothing(yajl_gen g, void *arg)
{
	(void)g;
	(*(int *)arg)++;
}

/* data_fn writes the members of the data object, with its own arg. */
static void
test_body_data(void **state)
{
	struct owner	 o = { "MK-1335-CW-25238-011", 93, "MR(93)", 0 };
	yajl_val	 root, data, v;
	char		*s;
	int		 calls = 0;

	(void)state;
	s = body_of(API_ERR_VALIDATION, "x", write_owner, &o);
	assert_int_equal(o.calls, 1);
	root = parse(s);
	data = member(root, "data");
	assert_non_null(data);
	assert_true(YAJL_IS_OBJECT(data));
	assert_int_equal(data->u.object.len, 3);
	assert_member_str(data, "tag_spool", "MK-1335-CW-25238-011");
	v = member(data, "owner_id");
	assert_non_null(v);
	assert_true(YAJL_IS_INTEGER(v));
	assert_int_equal(YAJL_GET_INTEGER(v), 93);
	assert_member_str(data, "owner_nombre", "MR(93)");
	/* The rest of the body is unchanged by data. */
	assert_member_str(root, "error", "VALIDATION_ERROR");
	assert_true(YAJL_IS_FALSE(member(root, "success")));
	yajl_tree_free(root);
	free(s);

	/* A data_fn that writes nothing gives {}, not null. */
	s = body_of(API_ERR_NOT_FOUND, "x", write_nothing, &calls);
	assert_int_equal(calls, 1);
	assert_string_equal(s, "{\"detail\":\"x\",\"error\":\"NOT_FOUND\","
	    "\"message\":\"x\",\"success\":false,\"data\":{}}");
	free(s);
}

/* The exact text for the common case, as the frontend receives it. */
static void
test_body_text(void **state)
{
	char	*s;

	(void)state;
	s = body_of(API_ERR_REDIS_UNAVAILABLE, "Redis no disponible", NULL,
	    NULL);
	assert_string_equal(s, "{\"detail\":\"Redis no disponible\","
	    "\"error\":\"REDIS_UNAVAILABLE\","
	    "\"message\":\"Redis no disponible\",\"success\":false,"
	    "\"data\":null}");
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mapping),
		cmocka_unit_test(test_retry_after_by_status),
		cmocka_unit_test(test_out_of_range),
		cmocka_unit_test(test_body_shape),
		cmocka_unit_test(test_body_data),
		cmocka_unit_test(test_body_text),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
