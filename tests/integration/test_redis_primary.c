/*
 * The pool and the subscriber in Sentinel mode (lib/redis), against two
 * real redis-servers, without Sentinel itself (test_cluster_failover has
 * that): no address until one is named, only a primary accepted (ROLE at
 * the hand-shake), a READONLY reply drops the connection and asks for the
 * primary again, and a move takes the commands and the subscription to
 * the new primary.
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
#include "redis_subscriber.h"

struct fixture {
	int				 port[2];
	pid_t				 redis[2];
	struct poll_loop		*pl;
	struct redis_pool		*pool;
	struct redis_subscriber		*sub;
	struct redis_pool_stats		 stats;
	struct redis_subscriber_stats	 sub_stats;
	struct redis_pool_config	 cfg;
	int				 suspects;
};

struct outcome {
	int			 done;
	enum redis_pool_status	 status;
	int			 type;
	char			 str[128];
};

static void
record(void *arg, enum redis_pool_status st, const redisReply *r)
{
	struct outcome	*o = arg;

	o->done = 1;
	o->status = st;
	if (r != NULL) {
		o->type = r->type;
		if (r->str != NULL)
			snprintf(o->str, sizeof(o->str), "%s", r->str);
	}
}

static void
suspect(void *arg)
{
	struct fixture	*f = arg;

	f->suspects++;
}

static void
pump(struct fixture *f, int ms)
{
	uint64_t	end = harness_now_ms() + (uint64_t)ms;

	while (harness_now_ms() < end) {
		poll_loop_run_once(f->pl, IO_LOOP_TICK_MS);
		redis_pool_tick(f->pool, harness_now_ms());
		if (f->sub != NULL)
			redis_subscriber_tick(f->sub, harness_now_ms());
	}
}

static int
pump_until_up(struct fixture *f, int ms)
{
	uint64_t	end = harness_now_ms() + (uint64_t)ms;

	while (harness_now_ms() < end && !redis_pool_is_up(f->pool))
		pump(f, IO_LOOP_TICK_MS);
	return (redis_pool_is_up(f->pool) ? 0 : -1);
}

static void
cli(int port, const char *args)
{
	free(harness_redis_cli(port, args));
}

/* SET k v through the pool; the outcome once it is in. */
static struct outcome
set_k(struct fixture *f)
{
	struct outcome		o;
	enum redis_pool_status	why;
	uint64_t		end = harness_now_ms() + 3000;

	memset(&o, 0, sizeof(o));
	if (redis_pool_submitf(f->pool, record, &o, harness_now_ms() + 2000,
	    &why, "SET k v") == NULL) {
		o.done = 1;
		o.status = why;
	}
	while (!o.done && harness_now_ms() < end)
		pump(f, IO_LOOP_TICK_MS);
	return (o);
}

static void
on_message(void *arg, const char *channel, const char *payload, size_t len)
{
	(void)arg;
	(void)channel;
	(void)payload;
	(void)len;
}

static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof(*f));
	char		 dir[600], args[64];
	int		 i;

	for (i = 0; i < 2; i++) {
		f->port[i] = harness_free_port();
		snprintf(dir, sizeof(dir), "%s", harness_tmpdir());
		f->redis[i] = harness_start_redis(f->port[i], dir);
		assert_true(f->redis[i] > 0);
	}
	/* The second is the first's replica. */
	snprintf(args, sizeof(args), "REPLICAOF 127.0.0.1 %d", f->port[0]);
	cli(f->port[1], args);
	f->pl = poll_loop_new();
	snprintf(f->cfg.client_name, sizeof(f->cfg.client_name),
	    "zeues-test-primary");
	f->cfg.max_connections = 2;
	f->cfg.connect_timeout_ms = 1000;
	f->cfg.command_timeout_ms = 1000;
	f->cfg.health_interval_ms = 1000;
	f->cfg.idle_timeout_ms = 60000;
	f->cfg.grow_depth = 16;
	f->cfg.wait_queue_max = 100;
	f->cfg.pipeline_max = 64;
	f->cfg.require_primary = 1;
	f->cfg.on_suspect = suspect;
	f->cfg.suspect_arg = f;
	f->pool = redis_pool_new(&f->cfg, poll_loop_io(f->pl), &f->stats);
	assert_non_null(f->pool);
	*state = f;
	return (0);
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	redis_subscriber_free(f->sub);
	redis_pool_free(f->pool);
	poll_loop_free(f->pl);
	harness_stop(f->redis[0], 3000);
	harness_stop(f->redis[1], 3000);
	free(f);
	return (0);
}

static void
test_follows_the_primary(void **state)
{
	struct fixture			*f = *state;
	struct redis_subscriber_handlers h = { on_message, NULL, f };
	const char			*channels[] = { "zeues:test", NULL };
	struct outcome			 o;
	char				 args[64];
	int				 before;

	/* No primary named yet: nothing to connect to, commands fail fast. */
	pump(f, 200);
	assert_false(redis_pool_is_up(f->pool));
	o = set_k(f);
	assert_int_equal(o.status, REDIS_POOL_UNAVAILABLE);
	f->sub = redis_subscriber_new(&f->cfg, f->pool, poll_loop_io(f->pl),
	    channels, &h, &f->sub_stats);
	assert_non_null(f->sub);

	/* A replica named as the primary is refused and asked about again. */
	assert_int_equal(redis_pool_set_primary(f->pool, "127.0.0.1",
	    f->port[1]), 1);
	pump(f, 500);
	assert_false(redis_pool_is_up(f->pool));
	assert_true(f->suspects > 0);
	assert_true(f->stats.readonly_total > 0);
	assert_non_null(strstr(redis_pool_last_error(f->pool),
	    "not the primary"));

	/* The real primary: commands and the subscription go there. */
	assert_int_equal(redis_pool_set_primary(f->pool, "127.0.0.1",
	    f->port[0]), 1);
	assert_int_equal(redis_pool_set_primary(f->pool, "127.0.0.1",
	    f->port[0]), 0);
	assert_int_equal(pump_until_up(f, 3000), 0);
	o = set_k(f);
	assert_int_equal(o.status, REDIS_POOL_OK);
	assert_int_equal(o.type, REDIS_REPLY_STATUS);
	pump(f, 1500);
	assert_true(redis_subscriber_live(f->sub));
	assert_int_equal(harness_redis_clients(f->port[0],
	    "zeues-test-primary"), 2);
	assert_int_equal(f->stats.primary_changes_total, 2);

	/* The roles swap behind the pool's back: a write says READONLY. */
	cli(f->port[1], "REPLICAOF NO ONE");
	snprintf(args, sizeof(args), "REPLICAOF 127.0.0.1 %d", f->port[1]);
	cli(f->port[0], args);
	before = f->suspects;
	o = set_k(f);
	assert_int_equal(o.type, REDIS_REPLY_ERROR);
	assert_non_null(strstr(o.str, "READONLY"));
	pump(f, 200);
	assert_true(f->suspects > before);
	/* The connection to the replica is dropped, and not made again. */
	pump(f, 500);
	assert_false(redis_pool_is_up(f->pool));

	/* Named again (as Sentinel would): back in business on the other. */
	assert_int_equal(redis_pool_set_primary(f->pool, "127.0.0.1",
	    f->port[1]), 1);
	assert_int_equal(pump_until_up(f, 3000), 0);
	o = set_k(f);
	assert_int_equal(o.status, REDIS_POOL_OK);
	assert_int_equal(o.type, REDIS_REPLY_STATUS);
	pump(f, 1500);
	assert_true(redis_subscriber_live(f->sub));
	assert_int_equal(harness_redis_clients(f->port[1],
	    "zeues-test-primary"), 2);
	assert_int_equal(harness_redis_clients(f->port[0],
	    "zeues-test-primary"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_follows_the_primary,
		    setup, teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
