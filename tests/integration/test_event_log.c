/*
 * The event log against a real redis-server: publish stamps the stream id
 * into what subscribers hear, ids increase strictly while two processes
 * publish at once, replay returns exactly the later events, a history
 * trimmed by count or age (or asked too much of) answers RESET, the
 * scripts survive SCRIPT FLUSH, and deadlines and cancel hold.
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
#include <hiredis/hiredis.h>

#include "event_log.h"
#include "harness.h"
#include "json_tree.h"
#include "nelem.h"
#include "poll_loop.h"

#define MAX_ENTRIES	1024

struct fixture {
	int			 port;
	pid_t			 redis;
	struct poll_loop	*pl;
	struct redis_pool	*pool;
	struct redis_pool_stats	 stats;
	struct event_log_config	 cfg;
};

/* A reply copied out of the callback, entries included. */
struct outcome {
	int			done;
	enum event_log_result	result;
	enum redis_pool_status	status;
	struct event_id		id;
	size_t			n;
	struct event_id		ids[MAX_ENTRIES];
	char			*json[MAX_ENTRIES];
};

static void
record(void *arg, const struct event_log_reply *r)
{
	struct outcome	*o = arg;
	size_t		 i;

	assert_int_equal(o->done, 0);
	o->done = 1;
	o->result = r->result;
	o->status = r->status;
	o->id = r->id;
	o->n = r->n;
	assert_true(r->n <= MAX_ENTRIES);
	for (i = 0; i < r->n; i++) {
		o->ids[i] = r->entries[i].id;
		o->json[i] = strndup(r->entries[i].json, r->entries[i].len);
	}
}

static void
outcome_clear(struct outcome *o)
{
	size_t	i;

	for (i = 0; i < o->n; i++)
		free(o->json[i]);
	memset(o, 0, sizeof(*o));
}

static void
pool_open(int port, struct poll_loop **pl, struct redis_pool **pool,
    struct redis_pool_stats *stats)
{
	struct redis_pool_config	cfg;

	memset(&cfg, 0, sizeof(cfg));
	snprintf(cfg.url.host, sizeof(cfg.url.host), "127.0.0.1");
	cfg.url.port = port;
	snprintf(cfg.client_name, sizeof(cfg.client_name), "zeues-test-events");
	cfg.max_connections = 2;
	cfg.connect_timeout_ms = 2000;
	cfg.command_timeout_ms = 2000;
	cfg.health_interval_ms = 30000;
	cfg.idle_timeout_ms = 60000;
	cfg.grow_depth = 8;
	cfg.wait_queue_max = 5000;
	cfg.pipeline_max = 256;
	*pl = poll_loop_new();
	*pool = redis_pool_new(&cfg, poll_loop_io(*pl), stats);
	assert_non_null(*pool);
}

static int
wait_all(struct poll_loop *pl, struct redis_pool *pool, struct outcome *o,
    size_t n, int ms)
{
	uint64_t	end = harness_now_ms() + (uint64_t)ms;
	size_t		i, done;

	while (harness_now_ms() < end) {
		poll_loop_run_once(pl, IO_LOOP_TICK_MS);
		redis_pool_tick(pool, harness_now_ms());
		for (i = 0, done = 0; i < n; i++)
			done += o[i].done;
		if (done == n)
			return (0);
	}
	return (-1);
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
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof(*f));

	f->port = harness_free_port();
	f->redis = harness_start_redis(f->port, harness_tmpdir());
	assert_true(f->redis > 0);
	pool_open(f->port, &f->pl, &f->pool, &f->stats);
	event_log_config_default(&f->cfg);
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

/* Publishes one body and waits; returns its id. */
static struct event_id
publish_one(struct fixture *f, const char *body)
{
	struct outcome		o;
	enum redis_pool_status	why;

	memset(&o, 0, sizeof(o));
	assert_non_null(event_log_publish(f->pool, &f->cfg, body, strlen(body),
	    harness_now_ms() + 2000, record, &o, &why));
	assert_int_equal(wait_all(f->pl, f->pool, &o, 1, 3000), 0);
	assert_int_equal(o.result, EVENT_LOG_OK);
	return (o.id);
}

static void
replay(struct fixture *f, const struct event_id *after, struct outcome *o)
{
	enum redis_pool_status	why;

	memset(o, 0, sizeof(*o));
	assert_non_null(event_log_replay(f->pool, &f->cfg, after,
	    harness_now_ms() + 2000, record, o, &why));
	assert_int_equal(wait_all(f->pl, f->pool, o, 1, 3000), 0);
}

static void
redis_do(int port, const char *args)
{
	free(harness_redis_cli(port, args));
}

/* A blocking subscriber on the event channel, as another worker. */
static redisContext *
subscriber_open(int port, const char *channel)
{
	struct timeval	 tv = { 5, 0 };
	redisContext	*c;
	redisReply	*r;

	c = redisConnectWithTimeout("127.0.0.1", port, tv);
	assert_true(c != NULL && c->err == 0);
	redisSetTimeout(c, tv);
	r = redisCommand(c, "SUBSCRIBE %s", channel);
	assert_non_null(r);
	freeReplyObject(r);
	return (c);
}

/* The next message's payload (caller frees), or NULL on timeout. */
static char *
subscriber_next(redisContext *c)
{
	redisReply	*r;
	char		*s = NULL;

	if (redisGetReply(c, (void **)&r) != REDIS_OK)
		return (NULL);
	if (r->type == REDIS_REPLY_ARRAY && r->elements == 3 &&
	    r->element[2]->type == REDIS_REPLY_STRING)
		s = strndup(r->element[2]->str, r->element[2]->len);
	freeReplyObject(r);
	return (s);
}

/* The event_id of a published message; fails the test if it has none. */
static struct event_id
message_id(const char *msg)
{
	struct event_id	 id;
	yajl_val	 root;
	const char	*s;
	char		 err[128];

	root = json_tree_parse(msg, strlen(msg), err, sizeof(err));
	assert_non_null(root);
	s = json_tree_string(root, "event_id");
	assert_non_null(s);
	assert_int_equal(event_id_parse(s, strlen(s), &id), 0);
	yajl_tree_free(root);
	return (id);
}

static void
test_publish_stamps_id_and_replay_returns_later_events(void **state)
{
	struct fixture	*f = *state;
	redisContext	*sub = subscriber_open(f->port, f->cfg.channel);
	struct event_id	 ids[5];
	struct outcome	 o;
	char		 body[5][160], want[256], idtext[EVENT_ID_TEXT_MAX];
	char		*msg[5];
	size_t		 i;

	for (i = 0; i < 5; i++) {
		snprintf(body[i], sizeof(body[i]), "{\"event_type\":\"TOMAR\","
		    "\"tag_spool\":\"MK-%zu\",\"worker_id\":93,"
		    "\"timestamp\":\"02-02-2026 08:53:45\"}", i);
		ids[i] = publish_one(f, body[i]);
		if (i > 0)
			assert_true(event_id_cmp(&ids[i - 1], &ids[i]) < 0);
	}
	/* What subscribers hear: the body with the stream id stamped in. */
	for (i = 0; i < 5; i++) {
		msg[i] = subscriber_next(sub);
		assert_non_null(msg[i]);
		event_id_format(&ids[i], idtext, sizeof(idtext));
		snprintf(want, sizeof(want), "%.*s,\"event_id\":\"%s\"}",
		    (int)strlen(body[i]) - 1, body[i], idtext);
		assert_string_equal(msg[i], want);
	}
	/* After id 1: exactly events 2..4, byte for byte as published. */
	replay(f, &ids[1], &o);
	assert_int_equal(o.result, EVENT_LOG_OK);
	assert_int_equal(o.n, 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(event_id_cmp(&o.ids[i], &ids[2 + i]), 0);
		assert_string_equal(o.json[i], msg[2 + i]);
	}
	outcome_clear(&o);
	/* After the newest: nothing, and no reset. */
	replay(f, &ids[4], &o);
	assert_int_equal(o.result, EVENT_LOG_OK);
	assert_int_equal(o.n, 0);
	for (i = 0; i < 5; i++)
		free(msg[i]);
	redisFree(sub);
}

/*
 * A child publishing n events, WINDOW at a time so that the two children
 * interleave; writes the ids it was given to out_fd, one per line, and
 * exits 0 if all succeeded.
 */
#define WINDOW	4

static void
publisher_child(int port, int start_fd, int out_fd, const char *src, int n)
{
	struct poll_loop	*pl;
	struct redis_pool	*pool;
	struct redis_pool_stats	 stats;
	struct event_log_config	 cfg;
	struct outcome		*o = calloc((size_t)n, sizeof(*o));
	enum redis_pool_status	 why;
	char			 body[128], line[EVENT_ID_TEXT_MAX + 1], c;
	int			 i, sent = 0, done = 0, len;
	uint64_t		 end;

	memset(&stats, 0, sizeof(stats));
	pool_open(port, &pl, &pool, &stats);
	event_log_config_default(&cfg);
	while (!redis_pool_is_up(pool)) {
		poll_loop_run_once(pl, IO_LOOP_TICK_MS);
		redis_pool_tick(pool, harness_now_ms());
	}
	if (read(start_fd, &c, 1) != 1)
		_exit(10);
	end = harness_now_ms() + 10000;
	while (done < n && harness_now_ms() < end) {
		for (; sent < n && sent - done < WINDOW; sent++) {
			snprintf(body, sizeof(body), "{\"event_type\":"
			    "\"TOMAR\",\"tag_spool\":\"MK-%d\",\"src\":"
			    "\"%s\"}", sent, src);
			if (event_log_publish(pool, &cfg, body, strlen(body),
			    harness_now_ms() + 5000, record, &o[sent],
			    &why) == NULL)
				_exit(11);
		}
		poll_loop_run_once(pl, 1);
		redis_pool_tick(pool, harness_now_ms());
		while (done < sent && o[done].done)
			done++;
	}
	if (done < n)
		_exit(12);
	for (i = 0; i < n; i++) {
		if (o[i].result != EVENT_LOG_OK)
			_exit(13);
		len = event_id_format(&o[i].id, line, sizeof(line) - 1);
		line[len++] = '\n';
		if (write(out_fd, line, (size_t)len) != len)
			_exit(14);
	}
	redis_pool_free(pool);
	poll_loop_free(pl);
	free(o);
	_exit(0);
}

static int
id_order(const void *a, const void *b)
{
	return (event_id_cmp(a, b));
}

static void
test_ids_strictly_increase_across_two_processes(void **state)
{
	struct fixture	*f = *state;
	redisContext	*sub = subscriber_open(f->port, f->cfg.channel);
	const int	 n = 300;
	struct event_id	 heard[600], told[600];
	struct outcome	*o;
	int		 go[2], out[2], i, status, switches = 0;
	pid_t		 kids[2];
	char		*msg[600], buf[64 * 600], *p, *nl, src = 0;
	size_t		 got = 0, ntold = 0;
	ssize_t		 r;

	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(out), 0);
	for (i = 0; i < 2; i++) {
		if ((kids[i] = fork()) == 0) {
			close(go[1]);
			close(out[0]);
			publisher_child(f->port, go[0], out[1],
			    i ? "b" : "a", n);
		}
	}
	close(go[0]);
	close(out[1]);
	harness_sleep_ms(300);
	assert_int_equal(write(go[1], "gg", 2), 2);
	close(go[1]);
	for (i = 0; i < 2; i++) {
		status = harness_wait_exit(kids[i], 15000);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	while ((r = read(out[0], buf + got, sizeof(buf) - 1 - got)) > 0)
		got += (size_t)r;
	close(out[0]);
	buf[got] = '\0';
	for (p = buf; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		assert_true(ntold < 600);
		assert_int_equal(event_id_parse(p, (size_t)(nl - p),
		    &told[ntold++]), 0);
	}
	assert_int_equal(ntold, 2 * n);

	/* Heard in strictly increasing id order, both sources mixed. */
	for (i = 0; i < 2 * n; i++) {
		msg[i] = subscriber_next(sub);
		assert_non_null(msg[i]);
		heard[i] = message_id(msg[i]);
		if (i > 0)
			assert_true(event_id_cmp(&heard[i - 1], &heard[i]) < 0);
		p = strstr(msg[i], "\"src\":\"");
		assert_non_null(p);
		if (src != 0 && p[7] != src)
			switches++;
		src = p[7];
	}
	printf("event_log: %d events from two processes, source switched "
	    "%d times in id order\n", 2 * n, switches);
	/* They did publish at the same time, not one after the other. */
	assert_true(switches > 1);
	/* The ids the publishers were told are exactly the ids heard. */
	qsort(told, ntold, sizeof(told[0]), id_order);
	for (i = 0; i < 2 * n; i++)
		assert_int_equal(event_id_cmp(&told[i], &heard[i]), 0);
	/* And the history holds them in that order, as heard. */
	o = calloc(1, sizeof(*o));
	replay(f, &heard[0], o);
	assert_int_equal(o->result, EVENT_LOG_OK);
	assert_int_equal(o->n, 2 * n - 1);
	for (i = 1; i < 2 * n; i++) {
		assert_int_equal(event_id_cmp(&o->ids[i - 1], &heard[i]), 0);
		assert_string_equal(o->json[i - 1], msg[i]);
	}
	outcome_clear(o);
	free(o);
	for (i = 0; i < 2 * n; i++)
		free(msg[i]);
	redisFree(sub);
}

static long long
xlen(struct fixture *f)
{
	char		 args[200];
	char		*out;
	long long	 n;

	snprintf(args, sizeof(args), "XLEN %s", f->cfg.stream);
	out = harness_redis_cli(f->port, args);
	assert_non_null(out);
	n = strtoll(out, NULL, 10);
	free(out);
	return (n);
}

static void
test_trimmed_history_resets(void **state)
{
	struct fixture	*f = *state;
	struct event_id	 ids[30], unknown;
	struct outcome	 o;
	char		 body[64];
	size_t		 i;

	/* One entry per stream node, so "~" trims to the exact count. */
	redis_do(f->port, "CONFIG SET stream-node-max-entries 1");
	f->cfg.max_len = 10;
	for (i = 0; i < 30; i++) {
		snprintf(body, sizeof(body), "{\"tag_spool\":\"MK-%zu\"}", i);
		ids[i] = publish_one(f, body);
	}
	assert_int_equal(xlen(f), 10);

	/* 0 and 19 are trimmed: the client must reload up to the newest. */
	replay(f, &ids[0], &o);
	assert_int_equal(o.result, EVENT_LOG_RESET);
	assert_int_equal(event_id_cmp(&o.id, &ids[29]), 0);
	replay(f, &ids[19], &o);
	assert_int_equal(o.result, EVENT_LOG_RESET);

	/* 20, the oldest kept, still replays everything after it. */
	replay(f, &ids[20], &o);
	assert_int_equal(o.result, EVENT_LOG_OK);
	assert_int_equal(o.n, 9);
	for (i = 0; i < 9; i++)
		assert_int_equal(event_id_cmp(&o.ids[i], &ids[21 + i]), 0);
	outcome_clear(&o);

	/* More missed than replay_max: reset rather than a partial replay. */
	f->cfg.replay_max = 5;
	replay(f, &ids[20], &o);
	assert_int_equal(o.result, EVENT_LOG_RESET);
	assert_int_equal(event_id_cmp(&o.id, &ids[29]), 0);
	replay(f, &ids[24], &o);
	assert_int_equal(o.result, EVENT_LOG_OK);
	assert_int_equal(o.n, 5);
	outcome_clear(&o);

	/* An id this stream never gave out (another Redis, say). */
	unknown = ids[25];
	unknown.seq += 1000;
	replay(f, &unknown, &o);
	assert_int_equal(o.result, EVENT_LOG_RESET);

	/* No stream at all: reset with no id to reload up to. */
	snprintf(f->cfg.stream, sizeof(f->cfg.stream), "spools:none");
	replay(f, &ids[25], &o);
	assert_int_equal(o.result, EVENT_LOG_RESET);
	assert_true(event_id_is_zero(&o.id));
}

static void
test_history_trimmed_by_age(void **state)
{
	struct fixture	*f = *state;
	struct event_id	 a, b;
	struct outcome	 o;

	redis_do(f->port, "CONFIG SET stream-node-max-entries 1");
	f->cfg.max_age_ms = 200;
	a = publish_one(f, "{\"tag_spool\":\"MK-A\"}");
	harness_sleep_ms(350);
	b = publish_one(f, "{\"tag_spool\":\"MK-B\"}");
	assert_int_equal(xlen(f), 1);
	replay(f, &a, &o);
	assert_int_equal(o.result, EVENT_LOG_RESET);
	assert_int_equal(event_id_cmp(&o.id, &b), 0);
	replay(f, &b, &o);
	assert_int_equal(o.result, EVENT_LOG_OK);
	assert_int_equal(o.n, 0);
}

/* "cmdstat_<name>:calls=N" from INFO commandstats, or 0. */
static long long
calls_of(struct fixture *f, const char *name)
{
	char		*out, key[64], *p;
	long long	 n = 0;

	out = harness_redis_cli(f->port, "INFO commandstats");
	assert_non_null(out);
	snprintf(key, sizeof(key), "cmdstat_%s:calls=", name);
	if ((p = strstr(out, key)) != NULL)
		n = strtoll(p + strlen(key), NULL, 10);
	free(out);
	return (n);
}

static void
test_noscript_falls_back_to_eval(void **state)
{
	struct fixture	*f = *state;
	struct event_id	 a, b, c;
	struct outcome	 o;

	/* A fresh Redis knows no script: the first use of each is EVAL. */
	a = publish_one(f, "{\"tag_spool\":\"MK-1\"}");
	b = publish_one(f, "{\"tag_spool\":\"MK-2\"}");
	replay(f, &a, &o);
	assert_int_equal(o.result, EVENT_LOG_OK);
	assert_int_equal(o.n, 1);
	outcome_clear(&o);
	assert_int_equal(calls_of(f, "eval"), 2);

	redis_do(f->port, "SCRIPT FLUSH");
	c = publish_one(f, "{\"tag_spool\":\"MK-3\"}");
	assert_true(event_id_cmp(&b, &c) < 0);
	replay(f, &a, &o);
	assert_int_equal(o.result, EVENT_LOG_OK);
	assert_int_equal(o.n, 2);
	outcome_clear(&o);
	assert_int_equal(calls_of(f, "eval"), 4);

	/* Loaded again: EVALSHA alone from here on. */
	publish_one(f, "{\"tag_spool\":\"MK-4\"}");
	replay(f, &a, &o);
	outcome_clear(&o);
	assert_int_equal(calls_of(f, "eval"), 4);
	assert_true(calls_of(f, "evalsha") >= 6);
}

static void
test_invalid_bodies_refused(void **state)
{
	struct fixture		*f = *state;
	static const char	*bad[] = {
		"", "{}", "[1]", "\"x\"", "{\"a\":1", "{\"a\":1,}",
		" {\"a\":1}", "{\"a\":1} ", "{\"a\":1}\n", "{\"a\":\n1}",
		"{\"a\":1}{\"b\":2}", "{\"event_id\":\"1-0\"}",
		"{\"a\":1,\"event_id\":null}", "{\"a\":1 /* c */}",
		"{\"a\":\"\xff\"}",
	};
	const char		*ok = "{\"a\":\"x\\ny\",\"b\":[1,{}]}";
	struct outcome		 o;
	enum redis_pool_status	 why;
	char			*big;
	size_t			 i;

	for (i = 0; i < NELEM(bad); i++) {
		if (event_log_body_valid(bad[i], strlen(bad[i])))
			fail_msg("accepted '%s'", bad[i]);
		why = REDIS_POOL_SHUTDOWN;
		assert_null(event_log_publish(f->pool, &f->cfg, bad[i],
		    strlen(bad[i]), harness_now_ms() + 1000, record, &o,
		    &why));
		assert_int_equal(why, REDIS_POOL_OK);
	}
	assert_false(event_log_body_valid("{\"a\":\"\0\"}", 9));
	assert_true(event_log_body_valid("{\"a\":1}", 7));
	assert_true(event_log_body_valid(ok, strlen(ok)));

	/* Exactly the largest body goes through, one byte more does not. */
	big = malloc(EVENT_LOG_BODY_MAX + 2);
	memset(big, 'x', EVENT_LOG_BODY_MAX + 1);
	memcpy(big, "{\"a\":\"", 6);
	memcpy(big + EVENT_LOG_BODY_MAX - 2, "\"}", 3);
	assert_true(event_log_body_valid(big, EVENT_LOG_BODY_MAX));
	publish_one(f, big);
	big[EVENT_LOG_BODY_MAX - 2] = 'x';
	memcpy(big + EVENT_LOG_BODY_MAX - 1, "\"}", 3);
	assert_false(event_log_body_valid(big, EVENT_LOG_BODY_MAX + 1));
	free(big);
}

/* CLIENT PAUSE: Redis accepts but does not answer; the deadline holds. */
static void
test_deadline_and_cancel(void **state)
{
	struct fixture		*f = *state;
	struct outcome		 o[2];
	struct event_log_op	*op;
	struct event_id		 a;
	enum redis_pool_status	 why;
	uint64_t		 t0;

	a = publish_one(f, "{\"tag_spool\":\"MK-1\"}");
	redis_do(f->port, "CLIENT PAUSE 1500 ALL");
	memset(o, 0, sizeof(o));
	t0 = harness_now_ms();
	assert_non_null(event_log_replay(f->pool, &f->cfg, &a, t0 + 300,
	    record, &o[0], &why));
	assert_int_equal(wait_all(f->pl, f->pool, &o[0], 1, 3000), 0);
	assert_int_equal(o[0].result, EVENT_LOG_ERROR);
	assert_int_equal(o[0].status, REDIS_POOL_TIMEOUT);
	assert_true(harness_now_ms() - t0 < 700);
	pump(f, 1500);

	/* Cancelled: never called back, even once the reply is in. */
	memset(o, 0, sizeof(o));
	op = event_log_publish(f->pool, &f->cfg, "{\"tag_spool\":\"MK-2\"}",
	    20, harness_now_ms() + 2000, record, &o[0], &why);
	assert_non_null(op);
	event_log_cancel(op);
	assert_non_null(event_log_replay(f->pool, &f->cfg, &a,
	    harness_now_ms() + 2000, record, &o[1], &why));
	assert_int_equal(wait_all(f->pl, f->pool, &o[1], 1, 3000), 0);
	pump(f, 100);
	assert_int_equal(o[0].done, 0);
	outcome_clear(&o[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_publish_stamps_id_and_replay_returns_later_events,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_ids_strictly_increase_across_two_processes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_trimmed_history_resets,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_history_trimmed_by_age,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_noscript_falls_back_to_eval, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_bodies_refused,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_deadline_and_cancel,
		    setup, teardown),
	};

	return (cmocka_run_group_tests_name("event_log", tests, NULL, NULL));
}
