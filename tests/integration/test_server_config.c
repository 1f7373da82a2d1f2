/*
 * Start-up configuration and the edges of HTTP (done-means 7 and the JSON
 * error bodies): bad values stop the server with one clear line and a
 * non-zero exit, never a crash; the Redis password reaches Redis and
 * nothing else; 404, 405 and 413 answer with the api.md error body; CORS
 * answers the frontend's origins only.
 */
#include <sys/wait.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"
#include "nelem.h"
#include "server.h"

static char *
slurp(const char *path)
{
	FILE	*fp;
	char	*buf;
	long	 n;

	if ((fp = fopen(path, "r")) == NULL)
		return (calloc(1, 1));
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	buf = calloc(1, (size_t)n + 1);
	if (fread(buf, 1, (size_t)n, fp) != (size_t)n)
		buf[0] = '\0';
	fclose(fp);
	return (buf);
}

static int
count_lines_with(const char *text, const char *needle)
{
	const char	*p;
	int		 n = 0;

	for (p = text; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return (n);
}

static const char *
redis_log(void)
{
	static char	path[512];

	snprintf(path, sizeof(path), "%s/redis-auth.log", harness_tmpdir());
	return (path);
}

struct bad_config {
	const char	*env[3];
	const char	*must_mention;
};

static void
test_bad_configuration_refused_with_one_line(void **state)
{
	static const struct bad_config cases[] = {
		{ { "REDIS_URL=http://127.0.0.1:6379", NULL }, "REDIS_URL" },
		{ { "REDIS_URL=redis://", NULL }, "REDIS_URL" },
		{ { "REDIS_URL=redis://127.0.0.1:99999", NULL }, "port" },
		{ { "REDIS_URL=redis://:@127.0.0.1:6379", NULL }, "password" },
		{ { "REDIS_URL=redis://127.0.0.1:6379/x", NULL }, "database" },
		{ { "REDIS_POOL_MAX_CONNECTIONS=3", "WORKERS=2", NULL },
		    "2 x (1 + 1) = 4 > 3" },
		{ { "REDIS_POOL_MAX_CONNECTIONS=many", NULL },
		    "REDIS_POOL_MAX_CONNECTIONS" },
		{ { "REDIS_SOCKET_TIMEOUT=abc", NULL }, "REDIS_SOCKET_TIMEOUT" },
		{ { "REDIS_SOCKET_TIMEOUT=0", NULL }, "REDIS_SOCKET_TIMEOUT" },
		{ { "REDIS_SOCKET_CONNECT_TIMEOUT=-1", NULL },
		    "REDIS_SOCKET_CONNECT_TIMEOUT" },
		{ { "REDIS_HEALTH_CHECK_INTERVAL=1e3", NULL },
		    "REDIS_HEALTH_CHECK_INTERVAL" },
		{ { "WORKERS=0", NULL }, "WORKERS" },
		{ { "ALLOWED_ORIGINS=ftp://x", NULL }, "ALLOWED_ORIGINS" },
		{ { "LOG_LEVEL=loud", NULL }, "LOG_LEVEL" },
		{ { "MAX_BODY_BYTES=1", NULL }, "MAX_BODY_BYTES" },
		{ { "ENVIRONMENT=pro duction", NULL }, "ENVIRONMENT" },
		/* Kore's limits and the clock are checked like the rest. */
		{ { "HTTP_HEADER_TIMEOUT=ten", NULL },
		    "configuration error: HTTP_HEADER_TIMEOUT: 'ten'" },
		{ { "WORKER_MAX_CONNECTIONS=0", NULL },
		    "configuration error: WORKER_MAX_CONNECTIONS: '0'" },
		{ { "TIMEZONE=Mars/Olympus_Mons", NULL },
		    "configuration error: TIMEZONE:" },
		/* Secrets never travel over plain http off the machine. */
		{ { "SHEETS_API_BASE_URL=http://sheets.googleapis.com", NULL },
		    "SHEETS_API_BASE_URL: 'http://sheets.googleapis.com' would "
		    "send the access token unencrypted" },
		{ { "GOOGLE_SHEET_ID=abc", "GOOGLE_APPLICATION_CREDENTIALS_JSON="
		    "{\"client_email\":\"a@b\",\"private_key\":\"-----BEGIN "
		    "PRIVATE KEY-----\\nx\\n-----END PRIVATE KEY-----\\n\","
		    "\"token_uri\":\"http://oauth2.googleapis.com/token\"}",
		    NULL }, "\"token_uri\" would send the signed assertion "
		    "unencrypted" },
	};
	struct test_server	 s;
	char			*log, *env[4];
	size_t			 i, k;
	int			 status;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		memset(&s, 0, sizeof(s));
		s.redis_port = harness_free_port();
		for (k = 0; cases[i].env[k] != NULL; k++)
			env[k] = (char *)cases[i].env[k];
		env[k] = NULL;
		assert_true(test_server_spawn(&s, env) > 0);
		status = harness_wait_exit(s.pid, 10000);
		if (status == -1)
			harness_stop(s.pid, 1000);
		log = slurp(s.log);
		assert_true(status != -1);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 2);
		assert_int_equal(count_lines_with(log, "configuration error"),
		    1);
		assert_non_null(strstr(log, cases[i].must_mention));
		assert_null(strstr(log, "Segmentation"));
		assert_null(strstr(log, "started (cpu"));
		free(log);
		/*
		 * The log is named by port and appended to; a later case
		 * may draw the same free port and must not read this one.
		 */
		(void)unlink(s.log);
	}
}

static void
test_password_reaches_redis_only(void **state)
{
	static const char	*paths[] = { "/api/health", "/readyz",
				    "/api/redis-health",
				    "/api/redis-connection-stats", "/metrics" };
	struct test_server	 s;
	struct http_reply	 r;
	char			 url[256], redis_url[128], port[16], *log;
	char			*env[2];
	char			*argv[] = { "redis-server", "--port", port,
				    "--bind", "127.0.0.1", "--save", "",
				    "--requirepass", "s3cr3t-Pa55", NULL };
	size_t			 i;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.redis_port = harness_free_port();
	snprintf(port, sizeof(port), "%d", s.redis_port);
	s.redis = harness_spawn(redis_log(), argv, NULL);
	assert_int_equal(harness_wait_port(s.redis_port, 5000), 0);
	snprintf(redis_url, sizeof(redis_url),
	    "REDIS_URL=redis://:s3cr3t-Pa55@127.0.0.1:%d/0", s.redis_port);
	env[0] = redis_url;
	env[1] = NULL;
	assert_int_equal(test_server_start(&s, env), 0);
	for (i = 0; i < NELEM(paths); i++) {
		snprintf(url, sizeof(url), "%s%s", s.base, paths[i]);
		assert_int_equal(http_get(url, 5000, &r), 0);
		assert_int_equal(r.status, 200);
		assert_null(strstr(r.body, "s3cr3t"));
		http_reply_free(&r);
	}
	assert_int_equal(test_server_stop(&s), 0);
	log = slurp(s.log);
	assert_non_null(strstr(log, ":***@"));
	assert_null(strstr(log, "s3cr3t"));
	free(log);
}

static void
test_wrong_password_is_reported_without_it(void **state)
{
	struct test_server	 s;
	struct http_reply	 r;
	char			 url[256], redis_url[128], port[16];
	char			*env[2];
	char			*argv[] = { "redis-server", "--port", port,
				    "--bind", "127.0.0.1", "--save", "",
				    "--requirepass", "right-one", NULL };
	uint64_t		 end;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.redis_port = harness_free_port();
	snprintf(port, sizeof(port), "%d", s.redis_port);
	s.redis = harness_spawn(redis_log(), argv, NULL);
	assert_int_equal(harness_wait_port(s.redis_port, 5000), 0);
	snprintf(redis_url, sizeof(redis_url),
	    "REDIS_URL=redis://:wrong-one@127.0.0.1:%d/0", s.redis_port);
	env[0] = redis_url;
	env[1] = NULL;
	assert_true(test_server_spawn(&s, env) > 0);
	assert_int_equal(harness_wait_port(s.port, 10000), 0);
	snprintf(url, sizeof(url), "%s/readyz", s.base);
	memset(&r, 0, sizeof(r));
	end = harness_now_ms() + 5000;
	do {
		http_reply_free(&r);
		assert_int_equal(http_get(url, 5000, &r), 0);
	} while (r.status != 503 && harness_now_ms() < end);
	assert_int_equal(r.status, 503);
	assert_non_null(strstr(r.body, "WRONGPASS"));
	assert_null(strstr(r.body, "wrong-one"));
	http_reply_free(&r);
	assert_int_equal(test_server_stop(&s), 0);
}

static struct test_server	web;

static int
web_setup(void **state)
{
	char	*env[] = { "ALLOWED_ORIGINS=https://zeues.example, "
		    "http://localhost:3000", "MAX_BODY_BYTES=4096", NULL };

	(void)state;
	memset(&web, 0, sizeof(web));
	return (test_server_start(&web, env));
}

static int
web_teardown(void **state)
{
	(void)state;
	return (test_server_stop(&web));
}

static void
assert_error_body(const struct http_reply *r, const char *code)
{
	yajl_val	j = http_reply_json(r);
	char		ct[64];

	assert_non_null(j);
	assert_int_equal(http_reply_header(r, "content-type", ct, sizeof(ct)),
	    0);
	assert_string_equal(ct, "application/json");
	assert_string_equal(jpath_str(j, "error", NULL), code);
	assert_non_null(jpath_str(j, "detail", NULL));
	assert_string_equal(jpath_str(j, "detail", NULL),
	    jpath_str(j, "message", NULL));
	assert_true(YAJL_IS_FALSE(jpath(j, "success", NULL)));
	assert_non_null(jpath(j, "data", NULL));
	yajl_tree_free(j);
}

static void
test_json_404_405_413(void **state)
{
	struct http_reply	 r;
	char			 url[256], allow[64], *big;

	(void)state;
	snprintf(url, sizeof(url), "%s/api/no-such-route", web.base);
	assert_int_equal(http_get(url, 5000, &r), 0);
	assert_int_equal(r.status, 404);
	assert_error_body(&r, "NOT_FOUND");
	http_reply_free(&r);

	snprintf(url, sizeof(url), "%s/api/health", web.base);
	assert_int_equal(http_request("DELETE", url, NULL, NULL, 0, 5000, &r),
	    0);
	assert_int_equal(r.status, 405);
	assert_error_body(&r, "METHOD_NOT_ALLOWED");
	assert_int_equal(http_reply_header(&r, "allow", allow, sizeof(allow)),
	    0);
	assert_non_null(strstr(allow, "GET"));
	http_reply_free(&r);

	big = malloc(8192);
	memset(big, 'x', 8192);
	snprintf(url, sizeof(url), "%s/livez", web.base);
	assert_int_equal(http_request("POST", url, NULL, big, 8192, 5000, &r),
	    0);
	assert_int_equal(r.status, 413);
	assert_error_body(&r, "PAYLOAD_TOO_LARGE");
	http_reply_free(&r);
	free(big);
}

static void
test_cors_for_allowed_origins_only(void **state)
{
	struct http_reply	 r;
	char			 url[256], v[128];
	const char		*good[] = { "Origin: https://zeues.example",
				    "Access-Control-Request-Method: GET",
				    NULL };
	const char		*bad[] = { "Origin: https://evil.example",
				    NULL };

	(void)state;
	snprintf(url, sizeof(url), "%s/api/health", web.base);
	assert_int_equal(http_request("OPTIONS", url, good, NULL, 0, 5000,
	    &r), 0);
	assert_int_equal(r.status, 204);
	assert_int_equal(http_reply_header(&r, "access-control-allow-origin",
	    v, sizeof(v)), 0);
	assert_string_equal(v, "https://zeues.example");
	assert_int_equal(http_reply_header(&r, "access-control-allow-methods",
	    v, sizeof(v)), 0);
	assert_non_null(strstr(v, "GET"));
	http_reply_free(&r);

	assert_int_equal(http_request("GET", url, good, NULL, 0, 5000, &r), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(http_reply_header(&r, "access-control-allow-origin",
	    v, sizeof(v)), 0);
	http_reply_free(&r);

	assert_int_equal(http_request("GET", url, bad, NULL, 0, 5000, &r), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(http_reply_header(&r, "access-control-allow-origin",
	    v, sizeof(v)), -1);
	http_reply_free(&r);
}

static void
test_metrics_count_requests_by_route_and_status(void **state)
{
	struct http_reply	r;
	char			url[256];

	(void)state;
	snprintf(url, sizeof(url), "%s/api/no-such-route", web.base);
	assert_int_equal(http_get(url, 5000, &r), 0);
	http_reply_free(&r);
	snprintf(url, sizeof(url), "%s/metrics", web.base);
	assert_int_equal(http_get(url, 5000, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "zeues_http_requests_total{route="
	    "\"other\",status=\"404\"}"));
	assert_non_null(strstr(r.body, "zeues_redis_pubsub_connections 2\n"));
	assert_non_null(strstr(r.body, "zeues_redis_connections_budget 20\n"));
	assert_non_null(strstr(r.body,
	    "# TYPE zeues_redis_pool_wait_seconds histogram"));
	assert_non_null(strstr(r.body,
	    "zeues_redis_pool_connections{state=\"idle\"}"));
	http_reply_free(&r);
}

int
main(void)
{
	const struct CMUnitTest startup[] = {
		cmocka_unit_test(test_bad_configuration_refused_with_one_line),
		cmocka_unit_test(test_password_reaches_redis_only),
		cmocka_unit_test(test_wrong_password_is_reported_without_it),
	};
	const struct CMUnitTest web_tests[] = {
		cmocka_unit_test(test_json_404_405_413),
		cmocka_unit_test(test_cors_for_allowed_origins_only),
		cmocka_unit_test(test_metrics_count_requests_by_route_and_status),
	};
	int	failed;

	failed = cmocka_run_group_tests_name("server_config", startup, NULL,
	    NULL);
	failed += cmocka_run_group_tests_name("server_http", web_tests,
	    web_setup, web_teardown);
	return (failed);
}
