/*
 * The Sheets side of /api/health against the project's emulator (issue 3,
 * done-means 6, and issue 2's "degraded"): healthy when both answer,
 * unhealthy within the probe interval once the emulator stops, healthy
 * again when it returns, degraded when only Redis is down, and health
 * polling that does not spend the read quota.
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

#define PROBE_INTERVAL_S	2
#define OPS_TOKEN		"sheets-health-test-token-0123456789"

static struct test_emulator	emu;
static struct test_server	srv;

static int
setup(void **state)
{
	char	*env[8];
	size_t	 i;

	(void)state;
	if (test_emulator_start(&emu, 200, 20, NULL) == -1)
		return (-1);
	for (i = 0; emu.env[i] != NULL; i++)
		env[i] = emu.env[i];
	env[i++] = "SHEETS_HEALTH_CHECK_INTERVAL=2";
	env[i++] = "REDIS_SOCKET_TIMEOUT=2";
	env[i++] = "OPS_TOKEN=" OPS_TOKEN;
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

/* Polls /api/health until status is want; returns the ms it took or -1. */
static long
wait_health(const char *want, int timeout_ms, char *sheets_error,
    size_t len)
{
	struct http_reply	 r;
	yajl_val		 j;
	uint64_t		 t0 = harness_now_ms();
	char			 url[128];
	const char		*st, *err;

	snprintf(url, sizeof(url), "%s/api/health", srv.base);
	while (harness_now_ms() - t0 < (uint64_t)timeout_ms) {
		if (http_get(url, 5000, &r) == 0 && r.status == 200 &&
		    (j = http_reply_json(&r)) != NULL) {
			st = jpath_str(j, "status", NULL);
			if (st != NULL && strcmp(st, want) == 0) {
				err = jpath_str(j, "details", "sheets_error",
				    NULL);
				if (sheets_error != NULL)
					snprintf(sheets_error, len, "%s",
					    err != NULL ? err : "");
				yajl_tree_free(j);
				http_reply_free(&r);
				return ((long)(harness_now_ms() - t0));
			}
			yajl_tree_free(j);
		}
		http_reply_free(&r);
		harness_sleep_ms(100);
	}
	return (-1);
}

static long long
emulator_reads(void)
{
	struct http_reply	r;
	yajl_val		j;
	char			url[128];
	long long		n = -1;

	snprintf(url, sizeof(url), "%s/admin/counters", emu.base);
	if (http_get(url, 5000, &r) == 0 && (j = http_reply_json(&r)) != NULL) {
		n = jpath_int(j, -1, "reads", NULL);
		yajl_tree_free(j);
	}
	http_reply_free(&r);
	return (n);
}

static void
test_healthy_with_both(void **state)
{
	(void)state;
	assert_true(wait_health("healthy", 10000, NULL, 0) >= 0);
}

static void
test_polling_health_spends_no_quota(void **state)
{
	struct http_reply	r;
	char			url[128];
	long long		before, after;
	uint64_t		t0;
	int			i;

	(void)state;
	snprintf(url, sizeof(url), "%s/api/health", srv.base);
	before = emulator_reads();
	t0 = harness_now_ms();
	for (i = 0; i < 300; i++) {
		assert_int_equal(http_get(url, 5000, &r), 0);
		assert_int_equal(r.status, 200);
		http_reply_free(&r);
	}
	after = emulator_reads();
	/* One probe per interval at most, whatever the number of polls. */
	assert_true(after - before <=
	    (long long)((harness_now_ms() - t0) / (PROBE_INTERVAL_S * 1000)) + 1);
}

/* The server's reads granted by the shared quota, or -1. */
static long long
reads_granted(void)
{
	const char		*h[] = { "Authorization: Bearer " OPS_TOKEN,
				    NULL };
	struct http_reply	 r;
	yajl_val		 j;
	char			 url[128];
	long long		 n = -1;

	snprintf(url, sizeof(url), "%s/api/ops/stats", srv.base);
	if (http_request("GET", url, h, NULL, 0, 5000, &r) == 0 &&
	    (j = http_reply_json(&r)) != NULL) {
		n = jpath_int(j, -1, "sheets", "quota_granted_total", "read",
		    NULL);
		yajl_tree_free(j);
	}
	http_reply_free(&r);
	return (n);
}

/*
 * Every read the emulator served was granted by the deployment's quota,
 * the health probes' included: a read outside it can push a deployment
 * that uses its whole quota into 429s.  Three probes' worth of time,
 * then the two counts agree (the grants reach the stats within 100 ms,
 * and a read granted may still be on its way: looked at again until
 * they settle).
 */
static void
test_every_read_is_charged(void **state)
{
	long long	reads = -1, granted = -2;
	uint64_t	end;

	(void)state;
	harness_sleep_ms(3 * PROBE_INTERVAL_S * 1000);
	end = harness_now_ms() + 3000;
	while (harness_now_ms() < end) {
		granted = reads_granted();
		reads = emulator_reads();
		if (reads == granted)
			break;
		harness_sleep_ms(200);
	}
	if (reads != granted || reads < 3)
		fail_msg("the emulator served %lld reads, the quota granted "
		    "%lld", reads, granted);
}

/* The value of the metric line that starts with name, or -1. */
static double
metric(const char *text, const char *name)
{
	const char	*p = text;
	size_t		 n = strlen(name);

	while ((p = strstr(p, name)) != NULL) {
		if ((p == text || p[-1] == '\n') && p[n] == ' ')
			return (strtod(p + n + 1, NULL));
		p += n;
	}
	return (-1);
}

static void
test_sheets_metrics(void **state)
{
	const char		*h[] = { "Authorization: Bearer " OPS_TOKEN,
				    NULL };
	struct http_reply	 r;
	char			 url[128];

	(void)state;
	assert_true(wait_health("healthy", 10000, NULL, 0) >= 0);
	snprintf(url, sizeof(url), "%s/metrics", srv.base);
	assert_int_equal(http_request("GET", url, h, NULL, 0, 5000, &r), 0);
	assert_int_equal(r.status, 200);
	assert_true(metric(r.body, "zeues_sheets_calls_total{call="
	    "\"spreadsheets.get\",outcome=\"ok\"}") >= 1);
	assert_true(metric(r.body, "zeues_sheets_token_refreshes_total") >= 1);
	assert_true(metric(r.body, "zeues_sheets_probe_ok") == 1);
	assert_true(metric(r.body, "zeues_sheets_probes_total") >= 1);
	assert_true(metric(r.body, "zeues_sheets_rate_limited_total") == 0);
	http_reply_free(&r);
}

static void
test_emulator_down_then_back(void **state)
{
	char	why[256];
	long	ms;

	(void)state;
	assert_true(wait_health("healthy", 10000, NULL, 0) >= 0);
	assert_int_equal(test_emulator_stop(&emu), 0);
	ms = wait_health("unhealthy", 10000, why, sizeof(why));
	print_message("unhealthy after %ld ms: %s\n", ms, why);
	assert_true(ms >= 0);
	/* The next probe is due within one interval and lasts half of one. */
	assert_true(ms <= PROBE_INTERVAL_S * 1500 + 500);
	assert_true(strlen(why) > 0);

	assert_int_equal(test_emulator_restart(&emu), 0);
	ms = wait_health("healthy", 10000, NULL, 0);
	assert_true(ms >= 0);
	assert_true(ms <= PROBE_INTERVAL_S * 1500 + 500);
}

static void
test_redis_down_is_degraded(void **state)
{
	char	why[8];

	(void)state;
	assert_true(wait_health("healthy", 10000, NULL, 0) >= 0);
	harness_stop(srv.redis, 5000);
	srv.redis = 0;
	assert_true(wait_health("degraded", 10000, why, sizeof(why)) >= 0);
	assert_string_equal(why, "");
	srv.redis = harness_start_redis(srv.redis_port, harness_tmpdir());
	assert_true(srv.redis > 0);
	assert_true(wait_health("healthy", 15000, NULL, 0) >= 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_healthy_with_both),
		cmocka_unit_test(test_polling_health_spends_no_quota),
		cmocka_unit_test(test_every_read_is_charged),
		cmocka_unit_test(test_sheets_metrics),
		cmocka_unit_test(test_emulator_down_then_back),
		cmocka_unit_test(test_redis_down_is_degraded),
	};

	return (cmocka_run_group_tests_name("server_sheets_health", tests,
	    setup, teardown));
}
