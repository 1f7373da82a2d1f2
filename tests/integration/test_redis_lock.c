/*
 * Lock scripts against a real redis-server: one winner among concurrent
 * acquirers in two processes, owner-checked release, and the
 * exact-value compare that the old backend got wrong (data.md §8.1).
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
#include "poll_loop.h"
#include "redis_lock.h"
#include "uuid4.h"

static int	redis_port;
static pid_t	redis_pid;

struct session {
	struct poll_loop	*pl;
	struct redis_pool	*pool;
	struct redis_pool_stats	 stats;
};

struct result {
	int			done;
	struct lock_reply	reply;
};

static void
on_done(void *arg, const struct lock_reply *r)
{
	struct result	*res = arg;

	res->done = 1;
	res->reply = *r;
}

static void
session_open(struct session *s)
{
	struct redis_pool_config	cfg;

	memset(&cfg, 0, sizeof(cfg));
	snprintf(cfg.url.host, sizeof(cfg.url.host), "127.0.0.1");
	cfg.url.port = redis_port;
	snprintf(cfg.client_name, sizeof(cfg.client_name), "zeues-test-lock");
	cfg.max_connections = 2;
	cfg.connect_timeout_ms = 2000;
	cfg.command_timeout_ms = 2000;
	cfg.health_interval_ms = 30000;
	cfg.idle_timeout_ms = 60000;
	cfg.grow_depth = 8;
	cfg.wait_queue_max = 1000;
	cfg.pipeline_max = 256;
	s->pl = poll_loop_new();
	s->pool = redis_pool_new(&cfg, poll_loop_io(s->pl), &s->stats);
	assert_non_null(s->pool);
}

static void
session_close(struct session *s)
{
	redis_pool_free(s->pool);
	poll_loop_free(s->pl);
}

static int
wait_all(struct session *s, struct result *r, size_t n, int ms)
{
	uint64_t	end = harness_now_ms() + (uint64_t)ms;
	size_t		i, done;

	while (harness_now_ms() < end) {
		poll_loop_run_once(s->pl, IO_LOOP_TICK_MS);
		redis_pool_tick(s->pool, harness_now_ms());
		for (i = 0, done = 0; i < n; i++)
			done += r[i].done;
		if (done == n)
			return (0);
	}
	return (-1);
}

static enum lock_result
run_one(struct session *s, struct lock_op *op, struct result *r)
{
	assert_non_null(op);
	assert_int_equal(wait_all(s, r, 1, 3000), 0);
	return (r->reply.result);
}

static int
group_setup(void **state)
{
	(void)state;
	redis_port = harness_free_port();
	redis_pid = harness_start_redis(redis_port, harness_tmpdir());
	return (redis_pid > 0 ? 0 : -1);
}

static int
group_teardown(void **state)
{
	(void)state;
	harness_stop(redis_pid, 3000);
	return (0);
}

/*
 * A child process: waits for the start signal, fires n acquires of one
 * tag at once and exits with the number it won.
 */
static int
race_child(int start_fd, int worker_base, int n)
{
	struct session		 s;
	struct result		*r = calloc((size_t)n, sizeof(*r));
	enum redis_pool_status	 why;
	char			 value[LOCK_VALUE_MAX], token[UUID4_STRLEN], c;
	int			 i, won = 0;

	session_open(&s);
	while (!redis_pool_is_up(s.pool)) {
		poll_loop_run_once(s.pl, IO_LOOP_TICK_MS);
		redis_pool_tick(s.pool, harness_now_ms());
	}
	if (read(start_fd, &c, 1) != 1)
		_exit(255);
	for (i = 0; i < n; i++) {
		uuid4_generate(token);
		lock_value(value, sizeof(value), worker_base + i, token);
		if (lock_acquire(s.pool, "RACE-1", value, 0,
		    harness_now_ms() + 3000, on_done, &r[i], &why) == NULL)
			_exit(254);
	}
	if (wait_all(&s, r, (size_t)n, 5000) == -1)
		_exit(253);
	for (i = 0; i < n; i++) {
		if (r[i].reply.result == LOCK_OK)
			won++;
		else if (r[i].reply.result != LOCK_HELD)
			_exit(252);
	}
	session_close(&s);
	free(r);
	_exit(won);
}

static void
test_fifty_acquirers_in_two_processes_one_winner(void **state)
{
	int	 go[2], status, i, winners = 0;
	pid_t	 kids[2];
	char	*owner, buf[4] = "gg";

	(void)state;
	assert_int_equal(pipe(go), 0);
	for (i = 0; i < 2; i++) {
		if ((kids[i] = fork()) == 0) {
			close(go[1]);
			race_child(go[0], 1000 + i * 100, 25);
		}
	}
	close(go[0]);
	harness_sleep_ms(300);
	assert_int_equal(write(go[1], buf, 2), 2);
	close(go[1]);
	for (i = 0; i < 2; i++) {
		status = harness_wait_exit(kids[i], 10000);
		assert_true(WIFEXITED(status));
		assert_true(WEXITSTATUS(status) <= 25);
		winners += WEXITSTATUS(status);
	}
	assert_int_equal(winners, 1);
	owner = harness_redis_cli(redis_port, "GET spool_lock:RACE-1");
	assert_non_null(owner);
	assert_true(lock_value_worker(owner) >= 1000);
	free(owner);
}

static void
test_release_only_by_exact_owner(void **state)
{
	struct session		s;
	struct result		r;
	enum redis_pool_status	why;
	char			mine[LOCK_VALUE_MAX], theirs[LOCK_VALUE_MAX];
	char			*got;

	(void)state;
	session_open(&s);
	assert_int_equal(lock_value(mine, sizeof(mine), 93,
	    "7f1c2b9e-0000-4000-8000-000000000001"), 0);
	assert_int_equal(lock_value(theirs, sizeof(theirs), 94,
	    "7f1c2b9e-0000-4000-8000-000000000002"), 0);

	memset(&r, 0, sizeof(r));
	assert_int_equal(run_one(&s, lock_acquire(s.pool, "REL-1", mine, 0,
	    harness_now_ms() + 2000, on_done, &r, &why), &r), LOCK_OK);

	/* A second acquire learns who holds it. */
	memset(&r, 0, sizeof(r));
	assert_int_equal(run_one(&s, lock_acquire(s.pool, "REL-1", theirs, 0,
	    harness_now_ms() + 2000, on_done, &r, &why), &r), LOCK_HELD);
	assert_string_equal(r.reply.owner, mine);

	/* Not the owner, and not a prefix of the owner's value either. */
	memset(&r, 0, sizeof(r));
	assert_int_equal(run_one(&s, lock_release(s.pool, "REL-1", theirs,
	    harness_now_ms() + 2000, on_done, &r, &why), &r), LOCK_NOT_OWNER);
	memset(&r, 0, sizeof(r));
	assert_int_equal(run_one(&s, lock_release(s.pool, "REL-1", "93",
	    harness_now_ms() + 2000, on_done, &r, &why), &r), LOCK_NOT_OWNER);
	got = harness_redis_cli(redis_port, "GET spool_lock:REL-1");
	assert_non_null(strstr(got, mine));
	free(got);

	/* The owner's release compares exactly what acquire wrote. */
	memset(&r, 0, sizeof(r));
	assert_int_equal(run_one(&s, lock_release(s.pool, "REL-1", mine,
	    harness_now_ms() + 2000, on_done, &r, &why), &r), LOCK_OK);
	got = harness_redis_cli(redis_port, "EXISTS spool_lock:REL-1");
	assert_int_equal(atoi(got), 0);
	free(got);

	memset(&r, 0, sizeof(r));
	assert_int_equal(run_one(&s, lock_release(s.pool, "REL-1", mine,
	    harness_now_ms() + 2000, on_done, &r, &why), &r), LOCK_ABSENT);
	session_close(&s);
}

static void
test_ttl_and_owner_lookup(void **state)
{
	struct session		s;
	struct result		r;
	enum redis_pool_status	why;
	char			mine[LOCK_VALUE_MAX], *got;

	(void)state;
	session_open(&s);
	lock_value(mine, sizeof(mine), 7, "aaaaaaaa-0000-4000-8000-000000000003");
	memset(&r, 0, sizeof(r));
	assert_int_equal(run_one(&s, lock_acquire(s.pool, "EXT-1", mine, 60000,
	    harness_now_ms() + 2000, on_done, &r, &why), &r), LOCK_OK);
	got = harness_redis_cli(redis_port, "PTTL spool_lock:EXT-1");
	assert_true(atoi(got) > 50000 && atoi(got) <= 60000);
	free(got);

	memset(&r, 0, sizeof(r));
	assert_int_equal(run_one(&s, lock_owner(s.pool, "EXT-1",
	    harness_now_ms() + 2000, on_done, &r, &why), &r), LOCK_OK);
	assert_string_equal(r.reply.owner, mine);
	assert_int_equal(lock_value_worker(r.reply.owner), 7);
	session_close(&s);
}

/* After SCRIPT FLUSH the scripts are loaded again transparently. */
static void
test_noscript_falls_back_to_eval(void **state)
{
	struct session		s;
	struct result		r;
	enum redis_pool_status	why;
	char			*out;

	(void)state;
	session_open(&s);
	out = harness_redis_cli(redis_port, "SCRIPT FLUSH");
	free(out);
	memset(&r, 0, sizeof(r));
	assert_int_equal(run_one(&s, lock_acquire(s.pool, "NOS-1", "5:x", 0,
	    harness_now_ms() + 2000, on_done, &r, &why), &r), LOCK_OK);
	session_close(&s);
}

static void
test_value_and_tag_formats(void **state)
{
	char	buf[LOCK_KEY_MAX];

	(void)state;
	assert_int_equal(lock_key(buf, sizeof(buf), "MK-1335-CW-25238-011"), 0);
	assert_string_equal(buf, "spool_lock:MK-1335-CW-25238-011");
	assert_int_equal(lock_key(buf, sizeof(buf), ""), -1);
	/* Any tag spool_tag.h accepts has a key (test_spool_tag has more). */
	assert_int_equal(lock_key(buf, sizeof(buf), "has space"), 0);
	assert_string_equal(buf, "spool_lock:has%20space");
	assert_int_equal(lock_key(buf, sizeof(buf), " trailing "), -1);
	assert_int_equal(lock_key(buf, sizeof(buf),
	    "0123456789012345678901234567890123456789012345678901234567890123"),
	    0);
	assert_int_equal(lock_key(buf, sizeof(buf),
	    "01234567890123456789012345678901234567890123456789012345678901234"),
	    -1);
	assert_int_equal(lock_value_worker("93:abc"), 93);
	assert_int_equal(lock_value_worker("93"), -1);
	assert_int_equal(lock_value_worker(":abc"), -1);
	assert_int_equal(lock_value_worker("0:abc"), -1);
	assert_int_equal(lock_value(buf, sizeof(buf), 0, "t"), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_value_and_tag_formats),
		cmocka_unit_test(
		    test_fifty_acquirers_in_two_processes_one_winner),
		cmocka_unit_test(test_release_only_by_exact_owner),
		cmocka_unit_test(test_ttl_and_owner_lookup),
		cmocka_unit_test(test_noscript_falls_back_to_eval),
	};

	return (cmocka_run_group_tests_name("redis_lock", tests, group_setup,
	    group_teardown));
}
