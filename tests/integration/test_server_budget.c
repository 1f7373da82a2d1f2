/*
 * The connection budget under load (issue done-means 1 and 2): 500
 * concurrent clients hammer a Redis-backed route for 10 s while the Redis
 * server's own count of this service's connections is sampled every
 * 100 ms; it never exceeds REDIS_POOL_MAX_CONNECTIONS and no request
 * fails.  The stats route's open_connections matches that count, idle and
 * under load.  The pool is told to grow eagerly (REDIS_POOL_GROW_DEPTH=1)
 * and Redis stalls three times, so only the budget holds it back.
 */
#include <sys/resource.h>

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <hiredis/hiredis.h>

#include "harness.h"
#include "http_load.h"
#include "redis_text.h"
#include "server.h"

#define BUDGET	6

static struct test_server	srv;

struct sampler {
	redisContext	*rc;
	volatile int	 stop;
	int		 samples;
	int		 max_seen;
	int		 over_budget;
	int		 stats_checks;
	int		 stats_mismatches;
};

static int
count_service_clients(redisContext *rc)
{
	struct client_count	 cc;
	redisReply		*r;

	r = redisCommand(rc, "CLIENT LIST");
	if (r == NULL || r->type != REDIS_REPLY_STRING) {
		if (r != NULL)
			freeReplyObject(r);
		return (-1);
	}
	redis_client_list_count(r->str, srv.prefix, &cc);
	freeReplyObject(r);
	return (cc.named);
}

/*
 * The server answers CLIENT LIST and its own figures in one request, so
 * they describe the same moment.
 */
static int
stats_agree(void)
{
	struct http_reply	r;
	yajl_val		j;
	char			url[128];
	long long		open, server_count;

	snprintf(url, sizeof(url), "%s/api/redis-connection-stats", srv.base);
	if (http_get(url, 5000, &r) == -1 || r.status != 200) {
		http_reply_free(&r);
		return (0);
	}
	j = http_reply_json(&r);
	open = jpath_int(j, -1, "open_connections", NULL);
	server_count = jpath_int(j, -2, "redis_server",
	    "clients_of_this_service", NULL);
	yajl_tree_free(j);
	http_reply_free(&r);
	return (open == server_count);
}

static void
sample(struct sampler *s)
{
	int	n = count_service_clients(s->rc);

	s->samples++;
	if (n > s->max_seen)
		s->max_seen = n;
	if (n > BUDGET)
		s->over_budget++;
	if (s->samples % 10 == 0) {
		s->stats_checks++;
		if (!stats_agree())
			s->stats_mismatches++;
	}
	/*
	 * A Redis that stalls for 150 ms makes every pipeline back up, which
	 * is when a pool wants more connections: the moment the budget has
	 * to hold.  Three stalls early on, then sampling undisturbed.
	 */
	if (s->samples % 10 == 5 && s->samples < 30)
		freeReplyObject(redisCommand(s->rc, "CLIENT PAUSE 150 ALL"));
}

/* Its own thread, so the 100 ms cadence does not depend on the load's. */
static void *
sampler_main(void *arg)
{
	struct sampler	*s = arg;
	uint64_t	 next = harness_now_ms();

	while (!s->stop) {
		sample(s);
		next += 100;
		while (harness_now_ms() < next && !s->stop)
			harness_sleep_ms(5);
	}
	return (NULL);
}

static int
setup(void **state)
{
	char		*env[] = { "REDIS_POOL_MAX_CONNECTIONS=6",
			    "REDIS_POOL_GROW_DEPTH=1", "WORKERS=2",
			    "WORKER_MAX_CONNECTIONS=400", NULL };
	struct rlimit	 rl;

	(void)state;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	memset(&srv, 0, sizeof(srv));
	return (test_server_start(&srv, env));
}

static int
teardown(void **state)
{
	(void)state;
	return (test_server_stop(&srv));
}

static void
test_idle_stats_match_redis_and_no_alert(void **state)
{
	struct http_reply	r;
	yajl_val		j;
	char			url[128];

	(void)state;
	harness_sleep_ms(300);
	snprintf(url, sizeof(url), "%s/api/redis-connection-stats", srv.base);
	assert_int_equal(http_get(url, 5000, &r), 0);
	assert_int_equal(r.status, 200);
	j = http_reply_json(&r);
	assert_non_null(j);
	/* 2 workers at rest: one command connection and one subscriber each. */
	assert_int_equal(jpath_int(j, -1, "open_connections", NULL), 4);
	assert_int_equal(jpath_int(j, -1, "redis_server",
	    "clients_of_this_service", NULL), 4);
	assert_int_equal(jpath_int(j, -1, "pubsub_connections", NULL), 2);
	assert_int_equal(jpath_int(j, -1, "max_connections", NULL), BUDGET);
	assert_null(jpath_str(j, "alert", NULL));
	assert_true(YAJL_IS_NULL(jpath(j, "alert", NULL)));
	assert_int_equal(jpath(j, "per_worker", NULL)->u.array.len, 2);
	yajl_tree_free(j);
	http_reply_free(&r);
}

static void
test_500_clients_never_exceed_budget(void **state)
{
	struct http_load_result	 res;
	struct sampler		 s;
	pthread_t		 tid;
	char			 url[128];

	(void)state;
	memset(&s, 0, sizeof(s));
	s.rc = redisConnect("127.0.0.1", srv.redis_port);
	assert_non_null(s.rc);
	assert_int_equal(s.rc->err, 0);

	snprintf(url, sizeof(url), "%s/readyz", srv.base);
	assert_int_equal(pthread_create(&tid, NULL, sampler_main, &s), 0);
	assert_int_equal(http_load_run(url, 500, 10.0, &res), 0);
	s.stop = 1;
	pthread_join(tid, NULL);
	redisFree(s.rc);

	print_message("load: %llu requests, %.0f req/s, p50 %.2f ms, p99 "
	    "%.2f ms; Redis clients of the service: max %d over %d samples; "
	    "stats agreed %d/%d\n", (unsigned long long)res.requests, res.rps,
	    res.p50_ms, res.p99_ms, s.max_seen, s.samples,
	    s.stats_checks - s.stats_mismatches, s.stats_checks);
	assert_true(res.requests > 1000);
	assert_int_equal(res.transport_errors, 0);
	assert_int_equal(res.non_2xx, 0);
	assert_true(s.samples >= 80);
	assert_int_equal(s.over_budget, 0);
	assert_true(s.max_seen <= BUDGET);
	/* The eager pool did use its share, so the cap was what held. */
	assert_int_equal(s.max_seen, BUDGET);
	assert_true(s.stats_checks >= 8);
	assert_int_equal(s.stats_mismatches, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_idle_stats_match_redis_and_no_alert),
		cmocka_unit_test(test_500_clients_never_exceed_budget),
	};

	return (cmocka_run_group_tests_name("server_budget", tests, setup,
	    teardown));
}
