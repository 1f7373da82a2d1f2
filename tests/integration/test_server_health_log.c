/*
 * Health transitions leave one log line each (issue 9, defect 12): when
 * Redis or Sheets goes, one line with the reason (per worker for Redis,
 * whose connections are per worker; once for Sheets, probed by one
 * worker), and one when it comes back, however often health is polled in
 * between.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "emulator.h"
#include "harness.h"
#include "server.h"

static struct test_emulator	emu;
static struct test_server	srv;

static int
setup(void **state)
{
	char	*env[10];
	size_t	 i;

	(void)state;
	if (test_emulator_start(&emu, 50, 10, NULL) == -1)
		return (-1);
	for (i = 0; emu.env[i] != NULL; i++)
		env[i] = emu.env[i];
	env[i++] = "WORKERS=2";
	env[i++] = "SHEETS_HEALTH_CHECK_INTERVAL=1";
	env[i++] = "REDIS_SOCKET_TIMEOUT=2";
	env[i] = NULL;
	memset(&srv, 0, sizeof(srv));
	return (test_server_start(&srv, env));
}

static int
teardown(void **state)
{
	int	bad;

	(void)state;
	bad = test_server_stop(&srv);
	bad |= test_emulator_stop(&emu);
	return (bad);
}

/* Lines of the server's log that contain needle. */
static int
log_count(const char *needle)
{
	FILE	*fp;
	char	 line[2048];
	int	 n = 0;

	if ((fp = fopen(srv.log, "r")) == NULL)
		return (-1);
	while (fgets(line, sizeof(line), fp) != NULL)
		n += strstr(line, needle) != NULL;
	fclose(fp);
	return (n);
}

/* 1 when a line holds "<prefix>" followed by a non-empty reason. */
static int
log_has_reason(const char *prefix)
{
	FILE		*fp;
	char		 line[2048];
	const char	*p;
	int		 found = 0;

	if ((fp = fopen(srv.log, "r")) == NULL)
		return (0);
	while (fgets(line, sizeof(line), fp) != NULL && !found) {
		if ((p = strstr(line, prefix)) != NULL &&
		    strlen(p + strlen(prefix)) > 2)
			found = 1;
	}
	fclose(fp);
	return (found);
}

static const char *
health_status(void)
{
	static char		 st[32];
	struct http_reply	 r;
	yajl_val		 j;
	char			 url[128];

	st[0] = '\0';
	snprintf(url, sizeof(url), "%s/api/health", srv.base);
	if (http_get(url, 5000, &r) == 0 && (j = http_reply_json(&r)) != NULL) {
		snprintf(st, sizeof(st), "%s", jpath_str(j, "status", NULL) !=
		    NULL ? jpath_str(j, "status", NULL) : "");
		yajl_tree_free(j);
	}
	http_reply_free(&r);
	return (st);
}

/*
 * Polls /api/health every 50 ms until needle has want lines (or the
 * timeout), then for another hold_ms; the number of lines then.
 */
static int
poll_until_lines(const char *needle, int want, int timeout_ms, int hold_ms)
{
	uint64_t	end = harness_now_ms() + (uint64_t)timeout_ms;
	int		polls = 0;

	while (harness_now_ms() < end && log_count(needle) < want) {
		(void)health_status();
		polls++;
		harness_sleep_ms(50);
	}
	end = harness_now_ms() + (uint64_t)hold_ms;
	while (harness_now_ms() < end) {
		(void)health_status();
		polls++;
		harness_sleep_ms(50);
	}
	print_message("%s: %d lines after %d polls\n", needle,
	    log_count(needle), polls);
	return (log_count(needle));
}

static void
wait_healthy(int timeout_ms)
{
	uint64_t	end = harness_now_ms() + (uint64_t)timeout_ms;

	while (harness_now_ms() < end && strcmp(health_status(),
	    "healthy") != 0)
		harness_sleep_ms(100);
	assert_string_equal(health_status(), "healthy");
}

static void
test_redis_outage_logged_once_per_worker(void **state)
{
	(void)state;
	wait_healthy(10000);
	assert_int_equal(log_count("Redis went down"), 0);

	harness_stop(srv.redis, 5000);
	srv.redis = 0;
	assert_int_equal(poll_until_lines("Redis went down", 2, 10000, 3000),
	    2);
	assert_int_equal(log_count("worker 1: Redis went down: "), 1);
	assert_int_equal(log_count("worker 2: Redis went down: "), 1);
	assert_true(log_has_reason("worker 1: Redis went down: "));

	srv.redis = harness_start_redis(srv.redis_port, harness_tmpdir());
	assert_true(srv.redis > 0);
	assert_int_equal(poll_until_lines("Redis is back", 2, 20000, 2000), 2);
	assert_int_equal(log_count("worker 1: Redis is back"), 1);
	assert_int_equal(log_count("worker 2: Redis is back"), 1);
	assert_int_equal(log_count("Redis went down"), 2);
	wait_healthy(10000);
}

static void
test_sheets_outage_logged_once(void **state)
{
	(void)state;
	wait_healthy(10000);
	assert_int_equal(log_count("Sheets went down"), 0);

	assert_int_equal(test_emulator_stop(&emu), 0);
	/* About five failed probes at one a second. */
	assert_int_equal(poll_until_lines("Sheets went down", 1, 10000, 5000),
	    1);
	assert_true(log_has_reason("Sheets went down: "));

	assert_int_equal(test_emulator_restart(&emu), 0);
	assert_int_equal(poll_until_lines("Sheets is back", 1, 10000, 3000), 1);
	assert_int_equal(log_count("Sheets went down"), 1);
	wait_healthy(10000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_redis_outage_logged_once_per_worker),
		cmocka_unit_test(test_sheets_outage_logged_once),
	};

	return (cmocka_run_group_tests_name("server_health_log", tests,
	    setup, teardown));
}
