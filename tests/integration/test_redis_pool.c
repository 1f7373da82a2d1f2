/*
 * The Redis pool of lib/ against a real redis-server, driven by a poll()
 * loop: pipelining within the connection budget, names the server can
 * count, failing fast while Redis is down, recovering when it is back,
 * deadlines when Redis accepts connections but does not answer, and no
 * callback from inside a submit made on a connection that is dying.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"
#include "poll_loop.h"
#include "redis_pool.h"

struct fixture {
	int			 port;
	pid_t			 redis;
	struct poll_loop	*pl;
	struct redis_pool	*pool;
	struct redis_pool_stats	 stats;
	struct redis_pool_config cfg;
};

struct outcome {
	int			 done;
	enum redis_pool_status	 status;
	int			 type;
	long long		 integer;
	uint64_t		 at_ms;
};

static void
record(void *arg, enum redis_pool_status st, const redisReply *r)
{
	struct outcome	*o = arg;

	o->done = 1;
	o->status = st;
	o->at_ms = harness_now_ms();
	if (r != NULL) {
		o->type = r->type;
		o->integer = r->integer;
	}
}

static void
pump(struct fixture *f, int ms)
{
	uint64_t	end = harness_now_ms() + (uint64_t)ms;

	while (harness_now_ms() < end) {
		poll_loop_run_once(f->pl, IO_LOOP_TICK_MS);
		redis_pool_tick(f->pool, harness_now_ms());
	}
}

static int
pump_until(struct fixture *f, const struct outcome *o, size_t n, int ms)
{
	uint64_t	end = harness_now_ms() + (uint64_t)ms;
	size_t		i, done;

	while (harness_now_ms() < end) {
		poll_loop_run_once(f->pl, IO_LOOP_TICK_MS);
		redis_pool_tick(f->pool, harness_now_ms());
		for (i = 0, done = 0; i < n; i++)
			done += o[i].done;
		if (done == n)
			return (0);
	}
	return (-1);
}

static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof(*f));

	f->port = harness_free_port();
	f->redis = harness_start_redis(f->port, harness_tmpdir());
	assert_true(f->redis > 0);
	f->pl = poll_loop_new();
	snprintf(f->cfg.url.host, sizeof(f->cfg.url.host), "127.0.0.1");
	f->cfg.url.port = f->port;
	snprintf(f->cfg.client_name, sizeof(f->cfg.client_name),
	    "zeues-test-pool");
	f->cfg.max_connections = 3;
	f->cfg.connect_timeout_ms = 1000;
	f->cfg.command_timeout_ms = 1000;
	f->cfg.health_interval_ms = 30000;
	f->cfg.idle_timeout_ms = 60000;
	f->cfg.grow_depth = 16;
	f->cfg.wait_queue_max = 5000;
	f->cfg.pipeline_max = 256;
	f->pool = redis_pool_new(&f->cfg, poll_loop_io(f->pl), &f->stats);
	assert_non_null(f->pool);
	*state = f;
	return (0);
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	redis_pool_free(f->pool);
	poll_loop_free(f->pl);
	harness_stop(f->redis, 3000);
	free(f);
	return (0);
}

static void
test_commands_and_client_name(void **state)
{
	struct fixture		*f = *state;
	struct outcome		 o[2];
	enum redis_pool_status	 why;

	memset(o, 0, sizeof(o));
	assert_non_null(redis_pool_submitf(f->pool, record, &o[0],
	    harness_now_ms() + 2000, &why, "SET %s %s", "k", "v"));
	assert_non_null(redis_pool_submitf(f->pool, record, &o[1],
	    harness_now_ms() + 2000, &why, "INCR %s", "n"));
	assert_int_equal(pump_until(f, o, 2, 3000), 0);
	assert_int_equal(o[0].status, REDIS_POOL_OK);
	assert_int_equal(o[0].type, REDIS_REPLY_STATUS);
	assert_int_equal(o[1].integer, 1);
	assert_int_equal(redis_pool_is_up(f->pool), 1);
	assert_int_equal(harness_redis_clients(f->port, "zeues-test-pool"),
	    (int)f->stats.open);
}

/* 3,000 commands at once stay within max_connections and all succeed. */
static void
test_pipelined_burst_stays_in_budget(void **state)
{
	struct fixture		*f = *state;
	struct outcome		*o;
	enum redis_pool_status	 why;
	size_t			 i, n = 3000;

	o = calloc(n, sizeof(*o));
	pump(f, 100);
	for (i = 0; i < n; i++) {
		assert_non_null(redis_pool_submitf(f->pool, record, &o[i],
		    harness_now_ms() + 5000, &why, "INCR %s", "burst"));
	}
	assert_int_equal(pump_until(f, o, n, 6000), 0);
	for (i = 0; i < n; i++)
		assert_int_equal(o[i].status, REDIS_POOL_OK);
	assert_true(f->stats.open <= 3);
	assert_true(harness_redis_clients(f->port, "zeues-test-pool") <= 3);
	assert_int_equal(f->stats.commands_total, n);
	free(o);
}

static void
test_down_fails_fast_then_recovers(void **state)
{
	struct fixture		*f = *state;
	struct outcome		 o;
	enum redis_pool_status	 why;
	uint64_t		 t0;
	int			 i;

	pump(f, 100);
	harness_stop(f->redis, 3000);
	pump(f, 300);
	assert_int_equal(redis_pool_is_up(f->pool), 0);
	assert_string_not_equal(redis_pool_last_error(f->pool), "");

	/* Fails at once or within a connect attempt, never at the deadline. */
	for (i = 0; i < 20; i++) {
		memset(&o, 0, sizeof(o));
		t0 = harness_now_ms();
		if (redis_pool_submitf(f->pool, record, &o, t0 + 5000, &why,
		    "PING") == NULL) {
			assert_int_equal(why, REDIS_POOL_UNAVAILABLE);
			continue;
		}
		assert_int_equal(pump_until(f, &o, 1, 6000), 0);
		assert_int_equal(o.status, REDIS_POOL_UNAVAILABLE);
		assert_true(o.at_ms - t0 < 1500);
	}

	f->redis = harness_start_redis(f->port, harness_tmpdir());
	assert_true(f->redis > 0);
	t0 = harness_now_ms();
	while (!redis_pool_is_up(f->pool) && harness_now_ms() - t0 < 8000)
		pump(f, 50);
	assert_int_equal(redis_pool_is_up(f->pool), 1);
	assert_true(f->stats.reconnects_total >= 1);
	memset(&o, 0, sizeof(o));
	assert_non_null(redis_pool_submitf(f->pool, record, &o,
	    harness_now_ms() + 2000, &why, "PING"));
	assert_int_equal(pump_until(f, &o, 1, 3000), 0);
	assert_int_equal(o.status, REDIS_POOL_OK);
}

/* CLIENT PAUSE: Redis accepts but does not answer; deadlines still hold. */
static void
test_silent_redis_costs_only_the_deadline(void **state)
{
	struct fixture		*f = *state;
	struct outcome		 o;
	enum redis_pool_status	 why;
	uint64_t		 t0;
	char			*out;

	pump(f, 100);
	out = harness_redis_cli(f->port, "CLIENT PAUSE 2500 ALL");
	free(out);
	memset(&o, 0, sizeof(o));
	t0 = harness_now_ms();
	assert_non_null(redis_pool_submitf(f->pool, record, &o, t0 + 300,
	    &why, "GET %s", "k"));
	assert_int_equal(pump_until(f, &o, 1, 3000), 0);
	assert_int_equal(o.status, REDIS_POOL_TIMEOUT);
	assert_true(o.at_ms - t0 >= 290 && o.at_ms - t0 < 600);
	/* The silent connection is reset after command_timeout_ms. */
	pump(f, 1200);
	assert_true(f->stats.timeouts_total >= 2);
}

static void
test_cancel_suppresses_callback(void **state)
{
	struct fixture		*f = *state;
	struct outcome		 o[2];
	struct redis_cmd	*cmd;
	enum redis_pool_status	 why;

	memset(o, 0, sizeof(o));
	cmd = redis_pool_submitf(f->pool, record, &o[0],
	    harness_now_ms() + 2000, &why, "PING");
	assert_non_null(cmd);
	redis_pool_cancel(cmd);
	assert_non_null(redis_pool_submitf(f->pool, record, &o[1],
	    harness_now_ms() + 2000, &why, "PING"));
	assert_int_equal(pump_until(f, &o[1], 1, 3000), 0);
	pump(f, 50);
	assert_int_equal(o[0].done, 0);
}

/*
 * A callback that submits again while its connection is dying (the
 * server closed it with a command in flight, as a failover does): the
 * new command's callback does not run inside that submit; the submit
 * refuses it (UNAVAILABLE), or its callback runs once.
 */
struct resubmit {
	struct fixture	*f;
	int		 in_submit;
	int		 called_inside;
	int		 refused;
	enum redis_pool_status refused_why;
	struct outcome	 first;
	struct outcome	 second;
};

static void
resubmit_second(void *arg, enum redis_pool_status st, const redisReply *r)
{
	struct resubmit	*rs = arg;

	if (rs->in_submit)
		rs->called_inside = 1;
	assert_int_equal(rs->second.done, 0);
	record(&rs->second, st, r);
}

static void
resubmit_first(void *arg, enum redis_pool_status st, const redisReply *r)
{
	struct resubmit		*rs = arg;
	enum redis_pool_status	 why;

	record(&rs->first, st, r);
	rs->in_submit = 1;
	if (redis_pool_submitf(rs->f->pool, resubmit_second, rs,
	    harness_now_ms() + 2000, &why, "PING") == NULL) {
		rs->refused = 1;
		rs->refused_why = why;
	}
	rs->in_submit = 0;
}

static void
test_submit_from_a_dying_connection(void **state)
{
	struct fixture		*f = *state;
	struct resubmit		 rs;
	struct outcome		 ready;
	enum redis_pool_status	 why;
	uint64_t		 end;
	char			*out;

	/* One connection: the second command can only go to the dying one. */
	redis_pool_free(f->pool);
	f->cfg.max_connections = 1;
	f->pool = redis_pool_new(&f->cfg, poll_loop_io(f->pl), &f->stats);
	assert_non_null(f->pool);
	memset(&ready, 0, sizeof(ready));
	assert_non_null(redis_pool_submitf(f->pool, record, &ready,
	    harness_now_ms() + 2000, &why, "PING"));
	assert_int_equal(pump_until(f, &ready, 1, 3000), 0);

	memset(&rs, 0, sizeof(rs));
	rs.f = f;
	assert_non_null(redis_pool_submitf(f->pool, resubmit_first, &rs,
	    harness_now_ms() + 5000, &why, "BLPOP %s %s", "nothing", "4"));
	pump(f, 100);
	out = harness_redis_cli(f->port, "CLIENT KILL TYPE normal");
	assert_non_null(out);
	free(out);
	end = harness_now_ms() + 3000;
	while (harness_now_ms() < end && !(rs.first.done &&
	    (rs.second.done || rs.refused)))
		pump(f, 10);
	assert_int_equal(rs.first.done, 1);
	assert_int_equal(rs.first.status, REDIS_POOL_UNAVAILABLE);
	assert_int_equal(rs.called_inside, 0);
	assert_true(rs.second.done || rs.refused);
	if (rs.refused)
		assert_int_equal(rs.refused_why, REDIS_POOL_UNAVAILABLE);
	pump(f, 100);
	assert_int_equal(rs.second.done, !rs.refused);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_commands_and_client_name,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_pipelined_burst_stays_in_budget, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_down_fails_fast_then_recovers, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_silent_redis_costs_only_the_deadline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel_suppresses_callback,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_submit_from_a_dying_connection, setup, teardown),
	};

	return (cmocka_run_group_tests_name("redis_pool", tests, NULL, NULL));
}
