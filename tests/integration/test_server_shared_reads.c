/*
 * SHEETS_CACHE_SHARED=1 on the real server: two instances of two workers
 * on one Redis and the emulator.  The deployment reads the tables once
 * per TTL however many workers read them (the emulator's read counter),
 * the others adopting the snapshot (/api/ops/stats); a change through
 * one instance is seen through the other; with Redis stopped the tables
 * are still read and served, from Sheets directly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "emulator_fixture.h"
#include "harness.h"
#include "http_parallel.h"
#include "server.h"

#define OPS_TOKEN	"shared-reads-test-token-0123456789"
#define TTL_MS		1000

static struct emu		emu;
static struct test_server	srv, s2;

static void
env_fill(char **env, const char *instance)
{
	size_t	i;

	for (i = 0; emu.te.env[i] != NULL; i++)
		env[i] = emu.te.env[i];
	env[i++] = "WORKERS=2";
	env[i++] = "SHEETS_CACHE_SHARED=1";
	env[i++] = "SHEETS_CACHE_TTL_MS=1000";
	env[i++] = "REQUEST_DEADLINE_MS=5000";
	env[i++] = "OPS_TOKEN=" OPS_TOKEN;
	if (instance != NULL)
		env[i++] = (char *)instance;
	env[i] = NULL;
}

static int
setup(void **state)
{
	char	*env[16];

	(void)state;
	if (emu_start(&emu, 800, 30, NULL) == -1)
		return (-1);
	env_fill(env, NULL);
	memset(&srv, 0, sizeof(srv));
	if (test_server_start(&srv, env) == -1)
		return (-1);
	memset(&s2, 0, sizeof(s2));
	s2.redis_port = srv.redis_port;
	s2.redis = srv.redis;
	env_fill(env, "INSTANCE_NAME=second");
	return (test_server_start(&s2, env));
}

static int
teardown(void **state)
{
	int	bad;

	(void)state;
	s2.redis = 0;
	bad = test_server_stop(&s2);
	bad |= test_server_stop(&srv);
	bad |= emu_stop(&emu);
	return (bad);
}

/* Rounds of reads through every worker of both instances for ms. */
static void
read_floor(int ms, long *errors)
{
	struct http_job	 jobs[8];
	char		 url[2][2][160];
	uint64_t	 end = harness_now_ms() + (uint64_t)ms;
	int		 k;

	for (k = 0; k < 2; k++) {
		snprintf(url[k][0], sizeof(url[k][0]), "%s/api/workers",
		    k == 0 ? srv.base : s2.base);
		snprintf(url[k][1], sizeof(url[k][1]),
		    "%s/api/spools/iniciar?operacion=ARM",
		    k == 0 ? srv.base : s2.base);
	}
	while (harness_now_ms() < end) {
		memset(jobs, 0, sizeof(jobs));
		for (k = 0; k < 8; k++) {
			jobs[k].method = "GET";
			jobs[k].url = url[k % 2][k / 2 % 2];
		}
		(void)http_parallel(jobs, 8, 8, 10000);
		for (k = 0; k < 8; k++) {
			if (jobs[k].reply.status != 200)
				(*errors)++;
		}
		http_parallel_free(jobs, 8);
		harness_sleep_ms(50);
	}
}

static long long
ops_stat(const struct test_server *s, const char *field)
{
	const char		*h[] = { "Authorization: Bearer " OPS_TOKEN,
				    NULL };
	struct http_reply	 r;
	yajl_val		 j;
	char			 url[160];
	long long		 v;

	snprintf(url, sizeof(url), "%s/api/ops/stats", s->base);
	assert_int_equal(http_request("GET", url, h, NULL, 0, 10000, &r), 0);
	assert_int_equal(r.status, 200);
	j = http_reply_json(&r);
	assert_true(YAJL_IS_TRUE(jpath(j, "sheets", "read_cache", "shared",
	    NULL)));
	v = jpath_int(j, -1, "sheets", "read_cache", field, NULL);
	yajl_tree_free(j);
	http_reply_free(&r);
	return (v);
}

/* A counter of /metrics, or -1. */
static long long
metric(const struct test_server *s, const char *name)
{
	const char		*h[] = { "Authorization: Bearer " OPS_TOKEN,
				    NULL };
	struct http_reply	 r;
	char			 url[160], line[128];
	const char		*p;
	long long		 v = -1;

	snprintf(url, sizeof(url), "%s/metrics", s->base);
	assert_int_equal(http_request("GET", url, h, NULL, 0, 10000, &r), 0);
	assert_int_equal(r.status, 200);
	snprintf(line, sizeof(line), "\n%s ", name);
	if ((p = strstr(r.body, line)) != NULL)
		v = atoll(p + strlen(line));
	http_reply_free(&r);
	return (v);
}

/* Four workers reading all the time: about one batchGet per TTL. */
static void
test_one_refresh_per_ttl_for_the_deployment(void **state)
{
	long		errors = 0;
	long long	batch_gets, adopted;

	(void)state;
	read_floor(1500, &errors);		/* everyone has read once */
	emu_reset_counters(&emu);
	read_floor(6000, &errors);
	batch_gets = emu_counter(&emu, "calls", "batchGet", NULL);
	adopted = ops_stat(&srv, "refreshes_adopted_total") +
	    ops_stat(&s2, "refreshes_adopted_total");
	print_message("6 s, 2 instances x 2 workers, TTL %d ms: %lld "
	    "batchGets, %lld refreshes adopted in all, %ld errors\n", TTL_MS,
	    batch_gets, adopted, errors);
	assert_int_equal(errors, 0);
	assert_true(metric(&srv, "zeues_sheets_cache_adopted_total") +
	    metric(&s2, "zeues_sheets_cache_adopted_total") == adopted);
	/* Unshared, each of the four would read 6 times: 24. */
	assert_true(batch_gets >= 4 && batch_gets <= 10);
	assert_true(adopted >= 4);
}

/* Taken through one instance, seen occupied through the other. */
static void
test_change_seen_through_the_other_instance(void **state)
{
	const char		*h[] = { "Content-Type: application/json", NULL };
	struct http_reply	 r;
	yajl_val		 j, list, s;
	char			 url[200], body[256], tag[80] = "";
	long long		 worker = 0;
	size_t			 i;

	(void)state;
	snprintf(url, sizeof(url), "%s/api/spools/iniciar?operacion=ARM",
	    srv.base);
	assert_int_equal(http_get(url, 10000, &r), 0);
	j = http_reply_json(&r);
	list = jpath(j, "spools", NULL);
	for (i = 0; list != NULL && i < list->u.array.len; i++) {
		s = list->u.array.values[i];
		if (jpath_int(s, 0, "total_uniones", NULL) == 0 &&
		    YAJL_IS_NULL(jpath(s, "armador", NULL))) {
			snprintf(tag, sizeof(tag), "%s", jpath_str(s,
			    "tag_spool", NULL));
			break;
		}
	}
	yajl_tree_free(j);
	http_reply_free(&r);
	assert_true(tag[0] != '\0');
	snprintf(url, sizeof(url), "%s/api/workers", srv.base);
	assert_int_equal(http_get(url, 10000, &r), 0);
	j = http_reply_json(&r);
	list = jpath(j, "workers", NULL);
	for (i = 0; list != NULL && i < list->u.array.len && worker == 0;
	    i++) {
		s = list->u.array.values[i];
		if (strstr(jpath_str(s, "rol", NULL) != NULL ?
		    jpath_str(s, "rol", NULL) : "", "Armador") != NULL)
			worker = jpath_int(s, 0, "id", NULL);
	}
	yajl_tree_free(j);
	http_reply_free(&r);
	assert_true(worker > 0);

	snprintf(url, sizeof(url), "%s/api/occupation/tomar", srv.base);
	snprintf(body, sizeof(body), "{\"tag_spool\":\"%s\",\"worker_id\":"
	    "%lld,\"operacion\":\"ARM\"}", tag, worker);
	assert_int_equal(http_request("POST", url, h, body, strlen(body),
	    15000, &r), 0);
	if (r.status != 200)
		print_message("tomar: %ld %s\n", r.status, r.body);
	assert_int_equal(r.status, 200);
	http_reply_free(&r);
	/* As unshared: the other instance sees it within a TTL or so. */
	snprintf(url, sizeof(url), "%s/api/occupation/status/%s", s2.base,
	    tag);
	for (i = 0; i < 50; i++) {
		assert_int_equal(http_get(url, 10000, &r), 0);
		assert_int_equal(r.status, 200);
		if (strstr(r.body, "\"occupied\":true") != NULL)
			break;
		http_reply_free(&r);
		harness_sleep_ms(100);
	}
	print_message("seen through the other instance after %zu polls\n",
	    i);
	assert_true(i < 50);
	http_reply_free(&r);
}

/* Redis stopped: the tables are still read, from Sheets, and served. */
static void
test_reads_answered_with_redis_stopped(void **state)
{
	char		url[160];
	long		errors = 0;
	struct http_reply r;

	(void)state;
	read_floor(1500, &errors);
	harness_stop(srv.redis, 3000);
	srv.redis = 0;
	emu_reset_counters(&emu);
	harness_sleep_ms(TTL_MS + 200);
	snprintf(url, sizeof(url), "%s/api/workers", s2.base);
	assert_int_equal(http_get(url, 10000, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "\"workers\""));
	http_reply_free(&r);
	assert_true(emu_counter(&emu, "calls", "batchGet", NULL) >= 1);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_one_refresh_per_ttl_for_the_deployment, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_change_seen_through_the_other_instance, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_reads_answered_with_redis_stopped, setup, teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
