/*
 * The operational routes cost Redis at most about one CLIENT LIST and one
 * INFO per worker per second (issue 9, defect 9), however hard they are
 * polled: /api/redis-connection-stats, /api/health, /api/redis-health and
 * /metrics answer from the worker's snapshot and say how old it is.
 * Counted by Redis itself (INFO commandstats) in the test's own Redis.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"
#include "http_parallel.h"
#include "nelem.h"
#include "server.h"

#define WORKERS		2
#define ROUNDS		25
#define PER_ROUND	80

static struct test_server	srv;

static int
setup(void **state)
{
	char	*env[] = { "WORKERS=2", NULL };

	(void)state;
	memset(&srv, 0, sizeof(srv));
	return (test_server_start(&srv, env));
}

static int
teardown(void **state)
{
	(void)state;
	return (test_server_stop(&srv));
}

/* calls= of one command in INFO commandstats, or -1. */
static long
command_calls(const char *cmdstat)
{
	char	*out, *p, needle[64];
	long	 n = -1;

	if ((out = harness_redis_cli(srv.redis_port, "INFO commandstats")) ==
	    NULL)
		return (-1);
	snprintf(needle, sizeof(needle), "%s:calls=", cmdstat);
	if ((p = strstr(out, needle)) != NULL)
		n = atol(p + strlen(needle));
	else
		n = 0;
	free(out);
	return (n);
}

/*
 * Both counts.  Each reading is an INFO of its own (counted once it has
 * run): the caller subtracts those of the readings before.
 */
static void
counts(long *client_list, long *info)
{
	*client_list = command_calls("cmdstat_client|list");
	*info = command_calls("cmdstat_info");
	assert_true(*client_list >= 0 && *info >= 0);
}

static void
test_polling_costs_redis_one_snapshot_per_second(void **state)
{
	static const char	*paths[] = { "/api/redis-connection-stats",
				    "/api/health", "/api/redis-health",
				    "/metrics" };
	struct http_job		 jobs[PER_ROUND];
	char			 urls[4][128];
	long			 cl0, in0, cl1, in1, allowed;
	uint64_t		 t0;
	double			 secs;
	size_t			 i, k;

	(void)state;
	for (i = 0; i < 4; i++)
		snprintf(urls[i], sizeof(urls[i]), "%s%s", srv.base, paths[i]);
	counts(&cl0, &in0);
	t0 = harness_now_ms();
	for (k = 0; k < ROUNDS; k++) {
		memset(jobs, 0, sizeof(jobs));
		for (i = 0; i < PER_ROUND; i++) {
			jobs[i].method = "GET";
			jobs[i].url = urls[i % 4];
		}
		/* Concurrent: most arrive while a refresh is in flight. */
		assert_int_equal(http_parallel(jobs, PER_ROUND, 16, 10000), 0);
		for (i = 0; i < PER_ROUND; i++)
			assert_true(jobs[i].reply.status == 200);
		http_parallel_free(jobs, PER_ROUND);
		harness_sleep_ms(100);
	}
	secs = (double)(harness_now_ms() - t0) / 1000.0;
	counts(&cl1, &in1);
	in1 -= 2;	/* the two INFO of the first reading */

	/* One per worker per second begun, plus one each at the start. */
	allowed = (long)(WORKERS * (secs + 2));
	print_message("%d requests in %.1f s: %ld CLIENT LIST, %ld INFO "
	    "(at most %ld each)\n", ROUNDS * PER_ROUND, secs, cl1 - cl0,
	    in1 - in0, allowed);
	assert_true(cl1 - cl0 <= allowed);
	assert_true(in1 - in0 <= allowed);
	/* And the routes did use Redis: the snapshots were refreshed. */
	assert_true(cl1 - cl0 >= 1);
	assert_true(in1 - in0 >= 1);
}

static void
test_bodies_say_how_old(void **state)
{
	static const struct {
		const char	*path;
		const char	*key[3];
	} json[] = {
		{ "/api/redis-connection-stats", { "snapshot_age_ms", NULL } },
		{ "/api/health", { "details", "redis_snapshot_age_ms", NULL } },
		{ "/api/redis-health", { "snapshot_age_ms", NULL } },
	};
	struct http_reply	r;
	yajl_val		j, v;
	char			url[128];
	size_t			i;

	(void)state;
	for (i = 0; i < NELEM(json); i++) {
		snprintf(url, sizeof(url), "%s%s", srv.base, json[i].path);
		assert_int_equal(http_get(url, 5000, &r), 0);
		assert_int_equal(r.status, 200);
		assert_non_null(j = http_reply_json(&r));
		v = json[i].key[1] == NULL ? jpath(j, json[i].key[0], NULL) :
		    jpath(j, json[i].key[0], json[i].key[1], NULL);
		if (v == NULL || !YAJL_IS_INTEGER(v))
			fail_msg("%s: no %s", json[i].path, r.body);
		assert_true(YAJL_GET_INTEGER(v) >= 0 &&
		    YAJL_GET_INTEGER(v) <= 1500);
		yajl_tree_free(j);
		http_reply_free(&r);
	}
	/* The Redis figures of /metrics come with their age too. */
	snprintf(url, sizeof(url), "%s/metrics", srv.base);
	assert_int_equal(http_get(url, 5000, &r), 0);
	assert_non_null(strstr(r.body, "\nzeues_redis_snapshot_age_seconds "));
	assert_non_null(strstr(r.body, "\nzeues_redis_server_up 1\n"));
	assert_non_null(strstr(r.body,
	    "\nzeues_redis_server_clients{scope=\"service\"} "));
	http_reply_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_polling_costs_redis_one_snapshot_per_second),
		cmocka_unit_test(test_bodies_say_how_old),
	};

	return (cmocka_run_group_tests_name("server_ops_snapshot", tests,
	    setup, teardown));
}
