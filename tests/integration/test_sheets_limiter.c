/*
 * The Sheets request limiter against a real redis-server: one budget for
 * several processes, waiting for a slot within a deadline, the script
 * reloaded after SCRIPT FLUSH, and the per-process fallback while Redis is
 * down.
 */
#include <sys/wait.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"
#include "poll_loop.h"
#include "redis_pool.h"
#include "sheets_limiter.h"

struct fixture {
	int			 port;
	pid_t			 redis;
};

/* One process's limiter and what it needs. */
struct client {
	struct poll_loop		*pl;
	struct redis_pool		*pool;
	struct redis_pool_stats		 pool_stats;
	struct sheets_limiter		*lim;
};

struct outcome {
	int				done;
	int				calls;
	struct sheets_limit_reply	reply;
	uint64_t			at_ms;
};

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t	x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x < y ? -1 : x > y);
}

static void
record(void *arg, const struct sheets_limit_reply *r)
{
	struct outcome	*o = arg;

	o->done = 1;
	o->calls++;
	o->reply = *r;
	o->at_ms = harness_now_ms();
}

static void
client_open_spaced(struct client *c, int redis_port, const char *account,
    unsigned int n, uint64_t window_ms, unsigned int workers,
    uint64_t write_spacing_ms)
{
	struct redis_pool_config	pcfg;
	struct sheets_limiter_config	lcfg;

	memset(c, 0, sizeof(*c));
	c->pl = poll_loop_new();
	assert_non_null(c->pl);
	memset(&pcfg, 0, sizeof(pcfg));
	snprintf(pcfg.url.host, sizeof(pcfg.url.host), "127.0.0.1");
	pcfg.url.port = redis_port;
	snprintf(pcfg.client_name, sizeof(pcfg.client_name), "zeues-test-lim");
	pcfg.max_connections = 2;
	pcfg.connect_timeout_ms = 500;
	pcfg.command_timeout_ms = 1000;
	pcfg.health_interval_ms = 30000;
	pcfg.idle_timeout_ms = 60000;
	pcfg.grow_depth = 16;
	pcfg.wait_queue_max = 1000;
	pcfg.pipeline_max = 256;
	c->pool = redis_pool_new(&pcfg, poll_loop_io(c->pl), &c->pool_stats);
	assert_non_null(c->pool);

	sheets_limiter_config_defaults(&lcfg);
	lcfg.account = account;
	lcfg.per_window[SHEETS_QUOTA_READ] = n;
	lcfg.per_window[SHEETS_QUOTA_WRITE] = n;
	lcfg.window_ms = window_ms;
	lcfg.workers = workers;
	lcfg.spacing_ms[SHEETS_QUOTA_WRITE] = write_spacing_ms;
	c->lim = sheets_limiter_new(&lcfg, c->pool, poll_loop_io(c->pl));
	assert_non_null(c->lim);
}

static void
client_open(struct client *c, int redis_port, const char *account,
    unsigned int n, uint64_t window_ms, unsigned int workers)
{
	client_open_spaced(c, redis_port, account, n, window_ms, workers, 0);
}

static void
client_close(struct client *c)
{
	sheets_limiter_free(c->lim);
	redis_pool_free(c->pool);
	poll_loop_free(c->pl);
}

static void
pump_once(struct client *c)
{
	uint64_t	now;

	poll_loop_run_once(c->pl, IO_LOOP_TICK_MS);
	now = harness_now_ms();
	redis_pool_tick(c->pool, now);
	sheets_limiter_tick(c->lim, now);
}

static void
pump(struct client *c, int ms)
{
	uint64_t	end = harness_now_ms() + (uint64_t)ms;

	while (harness_now_ms() < end)
		pump_once(c);
}

static int
pump_until(struct client *c, const struct outcome *o, size_t n, int ms)
{
	uint64_t	end = harness_now_ms() + (uint64_t)ms;
	size_t		i, done;

	while (harness_now_ms() < end) {
		pump_once(c);
		for (i = 0, done = 0; i < n; i++)
			done += o[i].done;
		if (done == n)
			return (0);
	}
	return (-1);
}

/* Waits until Redis answers PING through the pool. */
static void
wait_up(struct client *c)
{
	uint64_t	end = harness_now_ms() + 3000;

	while (!redis_pool_is_up(c->pool) && harness_now_ms() < end)
		pump(c, 20);
	assert_int_equal(redis_pool_is_up(c->pool), 1);
}

static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->port = harness_free_port();
	f->redis = harness_start_redis(f->port, harness_tmpdir());
	assert_true(f->redis > 0);
	*state = f;
	return (0);
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	if (f->redis > 0)
		harness_stop(f->redis, 3000);
	free(f);
	return (0);
}

/*
 * The child: 50 acquires at once, none willing to wait long; reports the
 * number granted through the pipe.
 */
static void
child_run(int port, int go_fd, int out_fd)
{
	struct client	 c;
	struct outcome	 o[50];
	char		 go;
	int		 granted = 0, local = 0, i;

	client_open(&c, port, "two-procs@test", 60, 60000, 1);
	memset(o, 0, sizeof(o));
	wait_up(&c);
	if (read(go_fd, &go, 1) != 1)
		_exit(2);
	for (i = 0; i < 50; i++) {
		if (sheets_limiter_acquire(c.lim, SHEETS_QUOTA_READ,
		    harness_now_ms() + 1500, record, &o[i]) == NULL)
			_exit(3);
	}
	if (pump_until(&c, o, 50, 5000) == -1)
		_exit(4);
	for (i = 0; i < 50; i++) {
		if (o[i].calls != 1)
			_exit(5);
		granted += o[i].reply.result == SHEETS_LIMIT_GRANTED;
		local += o[i].reply.local;
	}
	client_close(&c);
	if (local != 0)
		_exit(6);
	if (write(out_fd, &granted, sizeof(granted)) != sizeof(granted))
		_exit(7);
	_exit(0);
}

/* 2 processes x 50 acquires against N = 60: exactly 60 granted. */
static void
test_two_processes_share_one_budget(void **state)
{
	struct fixture	*f = *state;
	pid_t		 pid[2];
	int		 go[2], out[2], i, status, granted, total = 0;
	char		*card;

	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(out), 0);
	for (i = 0; i < 2; i++) {
		pid[i] = fork();
		assert_true(pid[i] >= 0);
		if (pid[i] == 0) {
			close(go[1]);
			close(out[0]);
			child_run(f->port, go[0], out[1]);
		}
	}
	close(go[0]);
	close(out[1]);
	harness_sleep_ms(300);		/* both connected */
	assert_int_equal(write(go[1], "gg", 2), 2);
	close(go[1]);
	for (i = 0; i < 2; i++) {
		status = harness_wait_exit(pid[i], 10000);
		assert_true(status != -1 && WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	for (i = 0; i < 2; i++) {
		assert_int_equal(read(out[0], &granted, sizeof(granted)),
		    sizeof(granted));
		total += granted;
	}
	close(out[0]);
	assert_int_equal(total, 60);

	card = harness_redis_cli(f->port,
	    "ZCARD zeues:sheets_quota:two-procs@test:reads");
	assert_non_null(card);
	assert_int_equal(atoi(card), 60);
	free(card);
}

/* A slot that frees before the deadline is waited for; one that does not
 * is refused at once with the time to wait. */
static void
test_waits_within_deadline(void **state)
{
	struct fixture	*f = *state;
	struct client	 c;
	struct outcome	 o[4];
	uint64_t	 t0;
	int		 i;

	client_open(&c, f->port, "wait@test", 2, 700, 1);
	wait_up(&c);
	memset(o, 0, sizeof(o));
	t0 = harness_now_ms();
	for (i = 0; i < 3; i++)
		assert_non_null(sheets_limiter_acquire(c.lim,
		    SHEETS_QUOTA_WRITE, t0 + 3000, record, &o[i]));
	assert_non_null(sheets_limiter_acquire(c.lim, SHEETS_QUOTA_WRITE,
	    t0 + 200, record, &o[3]));
	/* Nothing is ever answered from inside acquire(). */
	for (i = 0; i < 4; i++)
		assert_int_equal(o[i].calls, 0);
	assert_int_equal(pump_until(&c, o, 4, 5000), 0);

	assert_int_equal(o[0].reply.result, SHEETS_LIMIT_GRANTED);
	assert_int_equal(o[1].reply.result, SHEETS_LIMIT_GRANTED);
	assert_int_equal(o[2].reply.result, SHEETS_LIMIT_GRANTED);
	assert_true(o[2].at_ms - t0 >= 600);
	assert_true(o[2].at_ms - t0 < 2000);
	assert_int_equal(o[3].reply.result, SHEETS_LIMIT_WAIT);
	assert_true(o[3].reply.wait_ms > 200);
	assert_true(o[3].reply.wait_ms <= 700);
	assert_true(o[3].at_ms - t0 < 200 + 50);
	for (i = 0; i < 4; i++) {
		assert_int_equal(o[i].calls, 1);
		assert_int_equal(o[i].reply.local, 0);
	}
	client_close(&c);
}

/* Reads and writes are separate budgets. */
static void
test_kinds_are_separate(void **state)
{
	struct fixture	*f = *state;
	struct client	 c;
	struct outcome	 o[4];
	uint64_t	 t0;

	client_open(&c, f->port, "kinds@test", 1, 60000, 1);
	wait_up(&c);
	memset(o, 0, sizeof(o));
	t0 = harness_now_ms();
	sheets_limiter_acquire(c.lim, SHEETS_QUOTA_READ, t0 + 500, record,
	    &o[0]);
	sheets_limiter_acquire(c.lim, SHEETS_QUOTA_WRITE, t0 + 500, record,
	    &o[1]);
	sheets_limiter_acquire(c.lim, SHEETS_QUOTA_READ, t0 + 500, record,
	    &o[2]);
	assert_int_equal(pump_until(&c, o, 3, 3000), 0);
	assert_int_equal(o[0].reply.result, SHEETS_LIMIT_GRANTED);
	assert_int_equal(o[1].reply.result, SHEETS_LIMIT_GRANTED);
	assert_int_equal(o[2].reply.result, SHEETS_LIMIT_WAIT);
	assert_true(o[2].reply.wait_ms > 59000);
	client_close(&c);
}

/*
 * Spare acquires stop short of the reserve; acquire() takes it, and the
 * spare one is told to wait until enough grants leave the window.  The
 * same without Redis, within this process' share.
 */
static void
spare_leaves_the_reserve(struct client *c)
{
	struct outcome	 o[6];
	uint64_t	 t0;
	int		 i;

	memset(o, 0, sizeof(o));
	t0 = harness_now_ms();
	for (i = 0; i < 4; i++)
		assert_non_null(sheets_limiter_acquire_spare(c->lim,
		    SHEETS_QUOTA_READ, t0 + 500, record, &o[i]));
	assert_int_equal(pump_until(c, o, 4, 3000), 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(o[i].reply.result, SHEETS_LIMIT_GRANTED);
	assert_int_equal(o[3].reply.result, SHEETS_LIMIT_WAIT);
	/* The first of the three must leave the window first. */
	assert_true(o[3].reply.wait_ms > 50000);

	for (i = 4; i < 6; i++)
		assert_non_null(sheets_limiter_acquire(c->lim,
		    SHEETS_QUOTA_READ, t0 + 500, record, &o[i]));
	assert_int_equal(pump_until(c, &o[4], 2, 3000), 0);
	assert_int_equal(o[4].reply.result, SHEETS_LIMIT_GRANTED);
	assert_int_equal(o[5].reply.result, SHEETS_LIMIT_GRANTED);

	memset(o, 0, sizeof(o));
	sheets_limiter_acquire(c->lim, SHEETS_QUOTA_READ, t0 + 500, record,
	    &o[0]);
	sheets_limiter_acquire_spare(c->lim, SHEETS_QUOTA_READ, t0 + 500,
	    record, &o[1]);
	assert_int_equal(pump_until(c, o, 2, 3000), 0);
	assert_int_equal(o[0].reply.result, SHEETS_LIMIT_WAIT);
	assert_int_equal(o[1].reply.result, SHEETS_LIMIT_WAIT);
}

static void
test_spare_leaves_the_reserve(void **state)
{
	struct fixture			*f = *state;
	struct client			 c;
	struct sheets_limiter_config	 lcfg;
	char				*card;

	client_open(&c, f->port, "spare@test", 5, 60000, 1);
	sheets_limiter_free(c.lim);
	sheets_limiter_config_defaults(&lcfg);
	lcfg.account = "spare@test";
	lcfg.per_window[SHEETS_QUOTA_READ] = 5;
	lcfg.reserve[SHEETS_QUOTA_READ] = 2;
	c.lim = sheets_limiter_new(&lcfg, c.pool, poll_loop_io(c.pl));
	assert_non_null(c.lim);
	wait_up(&c);
	spare_leaves_the_reserve(&c);
	card = harness_redis_cli(f->port,
	    "ZCARD zeues:sheets_quota:spare@test:reads");
	assert_non_null(card);
	assert_int_equal(atoi(card), 5);
	free(card);
	sheets_limiter_free(c.lim);

	/* Alone: the same within this process' own log. */
	c.lim = sheets_limiter_new(&lcfg, NULL, poll_loop_io(c.pl));
	assert_non_null(c.lim);
	spare_leaves_the_reserve(&c);

	/* A reserve must leave the spare acquires something. */
	lcfg.reserve[SHEETS_QUOTA_READ] = 5;
	assert_null(sheets_limiter_new(&lcfg, NULL, poll_loop_io(c.pl)));
	client_close(&c);
}

/* After SCRIPT FLUSH the script is sent whole once and works. */
static void
test_noscript_reloads(void **state)
{
	struct fixture	*f = *state;
	struct client	 c;
	struct outcome	 o[2];
	char		*out;

	client_open(&c, f->port, "noscript@test", 5, 60000, 1);
	wait_up(&c);
	memset(o, 0, sizeof(o));
	sheets_limiter_acquire(c.lim, SHEETS_QUOTA_READ,
	    harness_now_ms() + 2000, record, &o[0]);
	assert_int_equal(pump_until(&c, o, 1, 3000), 0);
	out = harness_redis_cli(f->port, "SCRIPT FLUSH");
	free(out);
	sheets_limiter_acquire(c.lim, SHEETS_QUOTA_READ,
	    harness_now_ms() + 2000, record, &o[1]);
	assert_int_equal(pump_until(&c, o, 2, 3000), 0);
	assert_int_equal(o[1].reply.result, SHEETS_LIMIT_GRANTED);
	assert_int_equal(o[1].reply.local, 0);
	out = harness_redis_cli(f->port,
	    "ZCARD zeues:sheets_quota:noscript@test:reads");
	assert_non_null(out);
	assert_int_equal(atoi(out), 2);
	free(out);
	client_close(&c);
}

/* Redis down: each process allows N / workers per window on its own. */
static void
test_local_fallback_when_redis_is_down(void **state)
{
	struct fixture			*f = *state;
	struct client			 c;
	struct outcome			 o[8];
	struct sheets_limiter_stats	 st;
	uint64_t			 t0;
	int				 i, granted = 0;

	client_open(&c, f->port, "down@test", 10, 60000, 2);
	wait_up(&c);
	harness_stop(f->redis, 3000);
	f->redis = 0;
	pump(&c, 200);

	memset(o, 0, sizeof(o));
	t0 = harness_now_ms();
	for (i = 0; i < 8; i++)
		assert_non_null(sheets_limiter_acquire(c.lim,
		    SHEETS_QUOTA_READ, t0 + 1000, record, &o[i]));
	assert_int_equal(pump_until(&c, o, 8, 3000), 0);
	for (i = 0; i < 8; i++) {
		assert_int_equal(o[i].reply.local, 1);
		assert_true(o[i].at_ms - t0 < 1100);
		granted += o[i].reply.result == SHEETS_LIMIT_GRANTED;
	}
	assert_int_equal(granted, 5);
	sheets_limiter_stats(c.lim, &st);
	assert_int_equal(st.granted_locally[SHEETS_QUOTA_READ], 5);
	assert_int_equal(st.refused[SHEETS_QUOTA_READ], 3);
	assert_true(st.redis_failures >= 8);
	client_close(&c);
}

/* A cancelled acquire never calls back, whether asking or waiting. */
static void
test_cancel(void **state)
{
	struct fixture		*f = *state;
	struct client		 c;
	struct outcome		 o[3];
	struct sheets_limit_op	*a, *b;

	client_open(&c, f->port, "cancel@test", 1, 60000, 1);
	wait_up(&c);
	memset(o, 0, sizeof(o));
	sheets_limiter_acquire(c.lim, SHEETS_QUOTA_READ,
	    harness_now_ms() + 60000, record, &o[0]);
	/* A slot frees in 60 s, well within its deadline: it sleeps. */
	a = sheets_limiter_acquire(c.lim, SHEETS_QUOTA_READ,
	    harness_now_ms() + 120000, record, &o[1]);
	assert_int_equal(pump_until(&c, o, 1, 3000), 0);
	pump(&c, 100);			/* a is now waiting for a slot */
	sheets_limiter_cancel(a);
	b = sheets_limiter_acquire(c.lim, SHEETS_QUOTA_READ,
	    harness_now_ms() + 60000, record, &o[2]);
	sheets_limiter_cancel(b);	/* still asking Redis */
	pump(&c, 300);
	assert_int_equal(o[1].calls, 0);
	assert_int_equal(o[2].calls, 0);
	client_close(&c);
}

/* Without a pool every decision is local, still never synchronous. */
static void
test_without_redis_pool(void **state)
{
	struct sheets_limiter_config	 cfg;
	struct sheets_limiter		*lim;
	struct poll_loop		*pl = poll_loop_new();
	struct outcome			 o[3];
	uint64_t			 end;
	int				 i;

	(void)state;
	sheets_limiter_config_defaults(&cfg);
	assert_null(sheets_limiter_new(&cfg, NULL, poll_loop_io(pl)));
	cfg.account = "nopool@test";
	cfg.per_window[SHEETS_QUOTA_WRITE] = 2;
	lim = sheets_limiter_new(&cfg, NULL, poll_loop_io(pl));
	assert_non_null(lim);
	memset(o, 0, sizeof(o));
	for (i = 0; i < 3; i++)
		sheets_limiter_acquire(lim, SHEETS_QUOTA_WRITE,
		    harness_now_ms() + 100, record, &o[i]);
	for (i = 0; i < 3; i++)
		assert_int_equal(o[i].calls, 0);
	end = harness_now_ms() + 1000;
	while (harness_now_ms() < end && !o[2].done) {
		poll_loop_run_once(pl, IO_LOOP_TICK_MS);
		sheets_limiter_tick(lim, harness_now_ms());
	}
	assert_int_equal(o[0].reply.result, SHEETS_LIMIT_GRANTED);
	assert_int_equal(o[1].reply.result, SHEETS_LIMIT_GRANTED);
	assert_int_equal(o[2].reply.result, SHEETS_LIMIT_WAIT);
	assert_int_equal(o[2].reply.local, 1);
	sheets_limiter_free(lim);
	poll_loop_free(pl);
}

/*
 * Issue 13: eight limiters (two instances of four workers) sharing one
 * Redis, each always wanting a write, with a write spacing of 150 ms: the
 * deployment gets one write per slot, whoever asks, and an idle
 * deployment's first write is granted at once.
 */
#define SLOT_MS		150
#define SLOT_CLIENTS	8
#define SLOT_RUN_MS	1500
#define SLOT_GRANTS_MAX	64

static void
test_one_write_per_slot(void **state)
{
	struct fixture	*f = *state;
	struct client	 c[SLOT_CLIENTS];
	struct outcome	 o[SLOT_CLIENTS];
	uint64_t	 at[SLOT_GRANTS_MAX], t0, end;
	size_t		 n = 0, i, k;

	for (k = 0; k < SLOT_CLIENTS; k++) {
		client_open_spaced(&c[k], f->port, "slots@test", 1000, 60000,
		    4, SLOT_MS);
		wait_up(&c[k]);
	}
	memset(o, 0, sizeof(o));
	t0 = harness_now_ms();
	for (k = 0; k < SLOT_CLIENTS; k++)
		assert_non_null(sheets_limiter_acquire(c[k].lim,
		    SHEETS_QUOTA_WRITE, t0 + 5000, record, &o[k]));
	end = t0 + SLOT_RUN_MS;
	while (harness_now_ms() < end) {
		for (k = 0; k < SLOT_CLIENTS; k++) {
			poll_loop_run_once(c[k].pl, 1);
			redis_pool_tick(c[k].pool, harness_now_ms());
			sheets_limiter_tick(c[k].lim, harness_now_ms());
			if (!o[k].done)
				continue;
			assert_int_equal(o[k].reply.result,
			    SHEETS_LIMIT_GRANTED);
			assert_int_equal(o[k].reply.local, 0);
			assert_true(n < SLOT_GRANTS_MAX);
			at[n++] = o[k].at_ms;
			memset(&o[k], 0, sizeof(o[k]));
			assert_non_null(sheets_limiter_acquire(c[k].lim,
			    SHEETS_QUOTA_WRITE, harness_now_ms() + 5000,
			    record, &o[k]));
		}
	}
	qsort(at, n, sizeof(at[0]), cmp_u64);
	/* The first at once; then one a slot, and the slots all used. */
	assert_true(n > 0 && at[0] - t0 < SLOT_MS / 2);
	assert_true(n <= SLOT_RUN_MS / SLOT_MS + 1);
	assert_true(n >= SLOT_RUN_MS / SLOT_MS - 2);
	for (i = 1; i < n; i++)
		assert_true(at[i] - at[i - 1] >= SLOT_MS - 40);
	for (k = 0; k < SLOT_CLIENTS; k++)
		client_close(&c[k]);
}

/*
 * Issue 13: a 429 seen by one process pauses that kind for every process
 * sharing the Redis; a waiter whose deadline lies beyond the pause is
 * granted after it, one with a nearer deadline is told how long; a 429
 * right after the pause doubles it; the other kind is not paused.
 */
static void
test_pause_after_429(void **state)
{
	struct fixture	*f = *state;
	struct client	 a, b;
	struct outcome	 o[3];
	uint64_t	 t0;

	client_open(&a, f->port, "pause@test", 1000, 60000, 4);
	client_open(&b, f->port, "pause@test", 1000, 60000, 4);
	wait_up(&a);
	wait_up(&b);
	memset(o, 0, sizeof(o));
	sheets_limiter_pause(a.lim, SHEETS_QUOTA_WRITE);
	pump(&a, 50);		/* the pause reaches Redis */
	t0 = harness_now_ms();
	assert_non_null(sheets_limiter_acquire(b.lim, SHEETS_QUOTA_WRITE,
	    t0 + 5000, record, &o[0]));
	assert_non_null(sheets_limiter_acquire(b.lim, SHEETS_QUOTA_WRITE,
	    t0 + 300, record, &o[1]));
	assert_non_null(sheets_limiter_acquire(b.lim, SHEETS_QUOTA_READ,
	    t0 + 300, record, &o[2]));
	assert_int_equal(pump_until(&b, o, 3, 3000), 0);
	assert_int_equal(o[2].reply.result, SHEETS_LIMIT_GRANTED);
	assert_true(o[2].at_ms - t0 < 300);
	assert_int_equal(o[1].reply.result, SHEETS_LIMIT_WAIT);
	assert_true(o[1].reply.wait_ms > 500 &&
	    o[1].reply.wait_ms <= SHEETS_LIMITER_PAUSE_MIN_MS);
	assert_int_equal(o[0].reply.result, SHEETS_LIMIT_GRANTED);
	assert_int_equal(o[0].reply.local, 0);
	assert_true(o[0].at_ms - t0 >= SHEETS_LIMITER_PAUSE_MIN_MS - 100);

	/* Another 429 right after: twice as long, for b as well. */
	sheets_limiter_pause(a.lim, SHEETS_QUOTA_WRITE);
	pump(&a, 50);
	memset(o, 0, sizeof(o));
	t0 = harness_now_ms();
	assert_non_null(sheets_limiter_acquire(b.lim, SHEETS_QUOTA_WRITE,
	    t0 + 100, record, &o[0]));
	assert_int_equal(pump_until(&b, o, 1, 3000), 0);
	assert_int_equal(o[0].reply.result, SHEETS_LIMIT_WAIT);
	assert_true(o[0].reply.wait_ms > SHEETS_LIMITER_PAUSE_MIN_MS);
	assert_true(o[0].reply.wait_ms <= 2 * SHEETS_LIMITER_PAUSE_MIN_MS);
	client_close(&a);
	client_close(&b);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_two_processes_share_one_budget, setup, teardown),
		cmocka_unit_test_setup_teardown(test_waits_within_deadline,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_kinds_are_separate,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_spare_leaves_the_reserve,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_noscript_reloads,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_local_fallback_when_redis_is_down, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel, setup, teardown),
		cmocka_unit_test(test_without_redis_pool),
		cmocka_unit_test_setup_teardown(test_one_write_per_slot,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_pause_after_429,
		    setup, teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
