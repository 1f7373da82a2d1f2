/*
 * Unit tests for lib/http/access_log.c: both formats carry every field, the
 * occupation fields only when asked, and no client-supplied value (path,
 * tag, request id) can add a line, break the quoting or put invalid UTF-8
 * or a control character into the log.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <yajl/yajl_tree.h>

#include "access_log.h"
#include "nelem.h"
#include "utf8.h"

static struct access_log_entry
entry(void)
{
	struct access_log_entry	e;

	memset(&e, 0, sizeof(e));
	e.time = "2026-12-03T09:00:00.123Z";
	e.request_id = "abc-1";
	e.method = "POST";
	e.route = "/api/occupation/tomar";
	e.path = "/api/v3/occupation/tomar";
	e.status = 409;
	e.duration_us = 12345;
	e.worker_id = -1;
	return (e);
}

/* One line: a single '\n', at the end, and no other control byte. */
static void
assert_one_clean_line(const char *line, size_t len)
{
	size_t	i;

	assert_int_equal(strlen(line), len);
	assert_true(len > 0 && line[len - 1] == '\n');
	for (i = 0; i + 1 < len; i++)
		assert_false((unsigned char)line[i] < 0x20 || line[i] == 0x7f);
	assert_true(utf8_valid(line, len));
}

/*
 * The keys of a logfmt line, space-separated, as a parser reads them:
 * a quoted value runs to the next unescaped quote.
 */
static void
logfmt_keys(const char *p, char *keys, size_t len)
{
	size_t	off = 0;

	keys[0] = '\0';
	while (*p != '\0' && *p != '\n') {
		while (*p != '=' && *p != '\0' && off + 2 < len)
			keys[off++] = *p++;
		keys[off++] = ' ';
		keys[off] = '\0';
		assert_int_equal(*p++, '=');
		if (*p == '"') {
			for (p++; *p != '"'; p++) {
				assert_true(*p != '\0');
				if (*p == '\\')
					p++;
			}
			p++;
		} else {
			while (*p != ' ' && *p != '\n' && *p != '\0')
				p++;
		}
		if (*p == ' ')
			p++;
	}
}

static void
test_logfmt_fields(void **state)
{
	struct access_log_entry	e = entry();
	char			line[ACCESS_LOG_LINE_MAX];
	size_t			len;

	(void)state;
	len = access_log_line(ACCESS_LOG_LOGFMT, &e, line, sizeof(line));
	line[len] = '\0';
	assert_one_clean_line(line, len);
	assert_string_equal(line, "time=\"2026-12-03T09:00:00.123Z\" "
	    "request_id=\"abc-1\" method=\"POST\" "
	    "route=\"/api/occupation/tomar\" "
	    "path=\"/api/v3/occupation/tomar\" status=409 "
	    "duration_ms=12.345\n");

	e.has_occupation = 1;
	e.tag = "MK-1";
	e.worker_id = 93;
	e.kore_worker = 2;
	e.pool_open = 3;
	e.pool_budget = 9;
	e.pool_waiting = 2;
	len = access_log_line(ACCESS_LOG_LOGFMT, &e, line, sizeof(line));
	line[len] = '\0';
	assert_non_null(strstr(line, " duration_ms=12.345 tag=\"MK-1\" "
	    "worker_id=93 kore_worker=2 redis_pool=\"3/9\" redis_waiting=2\n"));
}

static void
test_json_fields(void **state)
{
	struct access_log_entry	e = entry();
	char			line[ACCESS_LOG_LINE_MAX];
	size_t			len;
	yajl_val		j;
	const char		*path[] = { NULL, NULL };

	(void)state;
	e.has_occupation = 1;
	e.tag = NULL;
	e.pool_open = 1;
	e.pool_budget = 19;
	len = access_log_line(ACCESS_LOG_JSON, &e, line, sizeof(line));
	line[len] = '\0';
	assert_one_clean_line(line, len);
	assert_non_null(j = yajl_tree_parse(line, NULL, 0));
	path[0] = "status";
	assert_int_equal(YAJL_GET_INTEGER(yajl_tree_get(j, path,
	    yajl_t_number)), 409);
	path[0] = "duration_ms";
	assert_true(YAJL_GET_DOUBLE(yajl_tree_get(j, path, yajl_t_number)) >
	    12.34);
	path[0] = "tag";
	assert_true(YAJL_IS_NULL(yajl_tree_get(j, path, yajl_t_any)));
	path[0] = "worker_id";
	assert_true(YAJL_IS_NULL(yajl_tree_get(j, path, yajl_t_any)));
	path[0] = "redis_pool";
	assert_string_equal(YAJL_GET_STRING(yajl_tree_get(j, path,
	    yajl_t_string)), "1/19");
	yajl_tree_free(j);
}

static void
test_hostile_values_stay_inside_their_field(void **state)
{
	static const char	*hostile[] = {
		"MK\" status=200 forged=\"1",
		"line\nbreak\r\n{\"injected\":1}",
		"back\\slash\\\"",
		"\x01\x1b[31mred\x7f",
		"bad \xc0\xaf utf8 \xed\xa0\x80 \xff",
		"C1 \xc2\x85 next-line",
		"Ñandú ok",
	};
	struct access_log_entry	 e = entry();
	char			 line[ACCESS_LOG_LINE_MAX], keys[256];
	size_t			 i, len;
	yajl_val		 j;
	const char		*path[] = { "tag", NULL };

	(void)state;
	for (i = 0; i < NELEM(hostile); i++) {
		e.has_occupation = 1;
		e.tag = hostile[i];
		e.path = hostile[i];
		len = access_log_line(ACCESS_LOG_LOGFMT, &e, line,
		    sizeof(line));
		line[len] = '\0';
		assert_one_clean_line(line, len);
		logfmt_keys(line, keys, sizeof(keys));
		assert_string_equal(keys, "time request_id method route path "
		    "status duration_ms tag kore_worker redis_pool "
		    "redis_waiting ");

		len = access_log_line(ACCESS_LOG_JSON, &e, line, sizeof(line));
		line[len] = '\0';
		assert_one_clean_line(line, len);
		assert_non_null(j = yajl_tree_parse(line, NULL, 0));
		assert_non_null(YAJL_GET_STRING(yajl_tree_get(j, path,
		    yajl_t_string)));
		yajl_tree_free(j);
	}
	e.tag = "Ñandú ok";
	len = access_log_line(ACCESS_LOG_LOGFMT, &e, line, sizeof(line));
	line[len] = '\0';
	assert_non_null(strstr(line, "tag=\"Ñandú ok\""));
}

static void
test_long_values_are_cut(void **state)
{
	static char		 big[70000];
	struct access_log_entry	 e = entry();
	char			 line[ACCESS_LOG_LINE_MAX];
	size_t			 len;
	yajl_val		 j;

	(void)state;
	/* The worst case: every byte escaped to six. */
	memset(big, '\n', sizeof(big) - 1);
	e.has_occupation = 1;
	e.tag = big;
	e.path = big;
	e.request_id = big;
	len = access_log_line(ACCESS_LOG_JSON, &e, line, sizeof(line));
	line[len] = '\0';
	assert_true(len < ACCESS_LOG_LINE_MAX);
	assert_one_clean_line(line, len);
	assert_non_null(j = yajl_tree_parse(line, NULL, 0));
	yajl_tree_free(j);
	assert_non_null(strstr(line, "...\""));
}

static void
test_request_id_acceptable(void **state)
{
	char	long_id[ACCESS_LOG_ID_MAX + 2];

	(void)state;
	assert_true(access_log_id_acceptable("abc-1"));
	assert_true(access_log_id_acceptable(
	    "0f8fad5b-d9cb-469f-a165-70867728950e"));
	assert_true(access_log_id_acceptable("trace:1.2_x"));
	assert_false(access_log_id_acceptable(""));
	assert_false(access_log_id_acceptable("a b"));
	assert_false(access_log_id_acceptable("a\"b"));
	assert_false(access_log_id_acceptable("a\nb"));
	assert_false(access_log_id_acceptable("ñ"));
	memset(long_id, 'a', sizeof(long_id) - 1);
	long_id[sizeof(long_id) - 1] = '\0';
	assert_false(access_log_id_acceptable(long_id));
	long_id[ACCESS_LOG_ID_MAX] = '\0';
	assert_true(access_log_id_acceptable(long_id));
}

static void
test_format_names(void **state)
{
	(void)state;
	assert_int_equal(access_log_format_parse("logfmt"), ACCESS_LOG_LOGFMT);
	assert_int_equal(access_log_format_parse("json"), ACCESS_LOG_JSON);
	assert_int_equal(access_log_format_parse("JSON"), -1);
	assert_int_equal(access_log_format_parse(""), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_logfmt_fields),
		cmocka_unit_test(test_json_fields),
		cmocka_unit_test(test_hostile_values_stay_inside_their_field),
		cmocka_unit_test(test_long_values_are_cut),
		cmocka_unit_test(test_request_id_acceptable),
		cmocka_unit_test(test_format_names),
	};

	return (cmocka_run_group_tests_name("access_log", tests, NULL, NULL));
}
