/*
 * The Redis snapshot and the readiness ping of lib/redis against a real
 * redis-server, driven by a poll() loop: one refresh for many waiters,
 * none while young, a new one once old, our clients counted in CLIENT
 * LIST, a cancelled waiter never told, and an unreachable Redis answered
 * at once without a refresh per caller.
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
#include "redis_ping.h"
#include "redis_pool.h"
#include "redis_snapshot.h"

#define MAX_AGE_MS	300

struct fixture {
	int			 port;
	pid_t			 redis;
	struct poll_loop	*pl;
	struct redis_pool	*pool;
	struct redis_pool_stats	 stats;
	struct redis_pool_config cfg;
	struct redis_snapshots	*snaps;
	int			 taken;
};

struct waiter {
	struct redis_snapshot_wait	 w;
	int				 told;
};

static void
told(void *arg)
{
	struct waiter	*wt = arg;

	wt->told++;
}

static void
taken(void *arg, enum redis_snapshot_kind kind,
    const struct redis_snapshot *s)
{
	struct fixture	*f = arg;

	(void)kind;
	assert_int_not_equal(s->taken_ms, 0);
	f->taken++;
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
pump_until(struct fixture *f, const int *flag, int ms)
{
	uint64_t	end = harness_now_ms() + (uint64_t)ms;

	while (harness_now_ms() < end && !*flag) {
		poll_loop_run_once(f->pl, IO_LOOP_TICK_MS);
		redis_pool_tick(f->pool, harness_now_ms());
	}
	return (*flag ? 0 : -1);
}

static void
waiter_init(struct waiter *wt)
{
	memset(wt, 0, sizeof(*wt));
	wt->w.done = told;
	wt->w.arg = wt;
}

static int
setup(void **state)
{
	struct fixture			*f = calloc(1, sizeof(*f));
	struct redis_snapshot_config	 sc;

	f->port = harness_free_port();
	f->redis = harness_start_redis(f->port, harness_tmpdir());
	assert_true(f->redis > 0);
	f->pl = poll_loop_new();
	snprintf(f->cfg.url.host, sizeof(f->cfg.url.host), "127.0.0.1");
	f->cfg.url.port = f->port;
	snprintf(f->cfg.client_name, sizeof(f->cfg.client_name),
	    "zeues-test-snap");
	f->cfg.max_connections = 2;
	f->cfg.connect_timeout_ms = 1000;
	f->cfg.command_timeout_ms = 1000;
	f->cfg.health_interval_ms = 30000;
	f->cfg.idle_timeout_ms = 60000;
	f->cfg.grow_depth = 16;
	f->cfg.wait_queue_max = 100;
	f->cfg.pipeline_max = 64;
	f->pool = redis_pool_new(&f->cfg, poll_loop_io(f->pl), &f->stats);
	assert_non_null(f->pool);
	memset(&sc, 0, sizeof(sc));
	sc.pool = f->pool;
	sc.loop = poll_loop_io(f->pl);
	sc.client_prefix = "zeues-test-";
	sc.max_age_ms = MAX_AGE_MS;
	sc.timeout_ms = 1000;
	sc.taken = taken;
	sc.arg = f;
	f->snaps = redis_snapshots_new(&sc);
	assert_non_null(f->snaps);
	pump(f, 200);
	*state = f;
	return (0);
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	redis_snapshots_free(f->snaps);
	redis_pool_free(f->pool);
	poll_loop_free(f->pl);
	if (f->redis > 0)
		harness_stop(f->redis, 3000);
	free(f);
	return (0);
}

static void
test_one_refresh_for_many(void **state)
{
	struct fixture			*f = *state;
	struct waiter			 w[3];
	const struct redis_snapshot	*s;
	int				 i;

	for (i = 0; i < 3; i++) {
		waiter_init(&w[i]);
		assert_null(redis_snapshot_get(f->snaps, REDIS_SNAPSHOT_INFO,
		    &w[i].w));
	}
	assert_int_equal(w[0].told, 0);	/* never from inside get */
	assert_int_equal(pump_until(f, &w[2].told, 3000), 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(w[i].told, 1);
	assert_int_equal(f->taken, 1);

	/* Young: answered at once, no refresh. */
	s = redis_snapshot_get(f->snaps, REDIS_SNAPSHOT_INFO, &w[0].w);
	assert_non_null(s);
	assert_string_equal(s->error, "");
	assert_non_null(strstr(s->info, "redis_version:"));
	assert_int_equal(f->taken, 1);

	/* Old: a new refresh. */
	pump(f, MAX_AGE_MS + 50);
	assert_true(redis_snapshot_age_ms(f->snaps, s) >= MAX_AGE_MS);
	waiter_init(&w[1]);
	assert_null(redis_snapshot_get(f->snaps, REDIS_SNAPSHOT_INFO,
	    &w[1].w));
	assert_int_equal(pump_until(f, &w[1].told, 3000), 0);
	assert_int_equal(f->taken, 2);
}

static void
test_client_list_and_cancel(void **state)
{
	struct fixture			*f = *state;
	struct waiter			 gone, stays;
	const struct redis_snapshot	*s;

	waiter_init(&gone);
	waiter_init(&stays);
	assert_null(redis_snapshot_get(f->snaps, REDIS_SNAPSHOT_CLIENTS,
	    &gone.w));
	assert_null(redis_snapshot_get(f->snaps, REDIS_SNAPSHOT_CLIENTS,
	    &stays.w));
	redis_snapshot_wait_cancel(f->snaps, &gone.w);
	assert_int_equal(pump_until(f, &stays.told, 3000), 0);
	assert_int_equal(gone.told, 0);
	s = redis_snapshot_get(f->snaps, REDIS_SNAPSHOT_CLIENTS, &gone.w);
	assert_non_null(s);
	assert_string_equal(s->error, "");
	assert_true(s->clients.total >= 1);
	assert_true(s->clients.named >= 1);
}

static void
pinged(void *arg, enum redis_pool_status st, const char *error)
{
	int	*got = arg;

	*got = st == REDIS_POOL_OK && error == NULL ? 1 : 2;
}

static void
test_ping_and_down(void **state)
{
	struct fixture			*f = *state;
	struct waiter			 w;
	const struct redis_snapshot	*s;
	enum redis_pool_status		 why;
	int				 got = 0;

	assert_non_null(redis_ping(f->pool, harness_now_ms() + 1000, pinged,
	    &got, &why));
	assert_int_equal(pump_until(f, &got, 3000), 0);
	assert_int_equal(got, 1);

	harness_stop(f->redis, 3000);
	f->redis = 0;
	while (redis_pool_is_up(f->pool))
		pump(f, 50);
	assert_null(redis_ping(f->pool, harness_now_ms() + 1000, pinged,
	    &got, &why));
	assert_int_equal(why, REDIS_POOL_UNAVAILABLE);

	/* Down: answered at once, and again without a refresh. */
	waiter_init(&w);
	s = redis_snapshot_get(f->snaps, REDIS_SNAPSHOT_INFO, &w.w);
	assert_non_null(s);
	assert_int_equal(s->status, REDIS_POOL_UNAVAILABLE);
	assert_string_not_equal(s->error, "");
	assert_int_equal(f->taken, 1);
	assert_non_null(redis_snapshot_get(f->snaps, REDIS_SNAPSHOT_INFO,
	    &w.w));
	assert_int_equal(f->taken, 1);
	assert_int_equal(w.told, 0);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test_setup_teardown(test_one_refresh_for_many,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_list_and_cancel,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_ping_and_down, setup,
		    teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
