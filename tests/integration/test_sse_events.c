/*
 * The event path as a worker wires it, against a real redis-server and
 * with connections faked as buffers: event_log publishes, the worker's
 * one subscription feeds the hub, the hub replays through event_log.
 * A client reconnecting with Last-Event-ID while events keep coming gets
 * each event once and in order, and after the subscription is killed the
 * events published meanwhile still reach every client, once, in order.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "event_log.h"
#include "harness.h"
#include "poll_loop.h"
#include "redis_subscriber.h"
#include "sse_hub.h"

#define NCONNS		4
#define MAX_IDS		64

struct conn {
	char			*out;
	size_t			 len;
	int			 closed;
	struct sse_client	*c;
};

struct world {
	int				 port;
	pid_t				 redis;
	struct poll_loop		*pl;
	struct io_loop			*loop;
	struct redis_pool_config	 pcfg;
	struct redis_pool		*pool;
	struct redis_pool_stats		 pool_stats;
	struct redis_subscriber		*sub;
	struct redis_subscriber_stats	 sub_stats;
	struct event_log_config		 ecfg;
	struct sse_hub			*hub;
	struct sse_hub_stats		 hub_stats;
	struct conn			 conns[NCONNS];
};

/* The host side: what app/ does on Kore with net_send_queue and such. */
static ssize_t
host_write(void *arg, void *handle, const char *buf, size_t len)
{
	struct conn	*k = handle;

	(void)arg;
	k->out = realloc(k->out, k->len + len);
	assert_non_null(k->out);
	memcpy(k->out + k->len, buf, len);
	k->len += len;
	return (0);
}

static void
host_close(void *arg, void *handle)
{
	(void)arg;
	((struct conn *)handle)->closed = 1;
}

static void *
host_fetch(void *arg, const struct event_id *after, uint64_t deadline_ms,
    event_log_done_fn *done, void *done_arg)
{
	struct world		*w = arg;
	enum redis_pool_status	 why;

	return (event_log_replay(w->pool, &w->ecfg, after, deadline_ms, done,
	    done_arg, &why));
}

static void
host_cancel(void *arg, void *op)
{
	(void)arg;
	event_log_cancel(op);
}

static void
on_message(void *arg, const char *channel, const char *payload, size_t len)
{
	struct world	*w = arg;

	if (strcmp(channel, w->ecfg.channel) == 0)
		sse_hub_publish(w->hub, payload, len);
}

static void
on_resubscribed(void *arg)
{
	struct world	*w = arg;

	sse_hub_resubscribed(w->hub);
}

static void
pump(struct world *w, int ms)
{
	uint64_t	end = harness_now_ms() + (uint64_t)ms, now;

	while ((now = harness_now_ms()) < end) {
		poll_loop_run_once(w->pl, IO_LOOP_TICK_MS);
		now = harness_now_ms();
		redis_pool_tick(w->pool, now);
		redis_subscriber_tick(w->sub, now);
		sse_hub_tick(w->hub, now);
	}
}

static int
setup(void **state)
{
	struct world			*w = calloc(1, sizeof(*w));
	struct sse_hub_config		 hcfg;
	struct sse_hub_host		 host = { host_write, host_close,
					    host_fetch, host_cancel, NULL };
	struct redis_subscriber_handlers h = { on_message, on_resubscribed,
					    NULL };
	const char			*channels[2] = { NULL, NULL };
	uint64_t			 end;

	w->port = harness_free_port();
	w->redis = harness_start_redis(w->port, harness_tmpdir());
	assert_true(w->redis > 0);
	w->pl = poll_loop_new();
	w->loop = poll_loop_io(w->pl);
	snprintf(w->pcfg.url.host, sizeof(w->pcfg.url.host), "127.0.0.1");
	w->pcfg.url.port = w->port;
	snprintf(w->pcfg.client_name, sizeof(w->pcfg.client_name),
	    "zeues-test-sse");
	w->pcfg.max_connections = 2;
	w->pcfg.connect_timeout_ms = 1000;
	w->pcfg.command_timeout_ms = 1000;
	w->pcfg.health_interval_ms = 1000;
	w->pcfg.idle_timeout_ms = 60000;
	w->pcfg.grow_depth = 8;
	w->pcfg.wait_queue_max = 1000;
	w->pcfg.pipeline_max = 256;
	w->pool = redis_pool_new(&w->pcfg, w->loop, &w->pool_stats);
	assert_non_null(w->pool);
	event_log_config_default(&w->ecfg);
	sse_hub_config_default(&hcfg);
	host.arg = w;
	w->hub = sse_hub_new(&hcfg, &host, w->loop, &w->hub_stats);
	assert_non_null(w->hub);
	h.arg = w;
	channels[0] = w->ecfg.channel;
	w->sub = redis_subscriber_new(&w->pcfg, w->pool, w->loop, channels,
	    &h, &w->sub_stats);
	assert_non_null(w->sub);
	end = harness_now_ms() + 3000;
	while (!redis_subscriber_live(w->sub) && harness_now_ms() < end)
		pump(w, 20);
	assert_true(redis_subscriber_live(w->sub));
	*state = w;
	return (0);
}

static int
teardown(void **state)
{
	struct world	*w = *state;
	size_t		 i;

	sse_hub_free(w->hub);
	redis_subscriber_free(w->sub);
	redis_pool_free(w->pool);
	poll_loop_free(w->pl);
	harness_stop(w->redis, 3000);
	for (i = 0; i < NCONNS; i++)
		free(w->conns[i].out);
	free(w);
	return (0);
}

static void
connect_client(struct world *w, size_t i, const char *last)
{
	w->conns[i].c = sse_hub_add(w->hub, &w->conns[i], NULL, last);
	assert_non_null(w->conns[i].c);
	sse_hub_start(w->hub, w->conns[i].c);
}

/* Publishes without waiting; the reply's id goes to *id. */
struct published {
	int		done;
	struct event_id	id;
};

static void
published(void *arg, const struct event_log_reply *r)
{
	struct published	*p = arg;

	assert_int_equal(r->result, EVENT_LOG_OK);
	p->done = 1;
	p->id = r->id;
}

static void
publish(struct world *w, int n, struct published *p)
{
	enum redis_pool_status	why;
	char			body[96];

	snprintf(body, sizeof(body), "{\"event_type\":\"TOMAR\","
	    "\"tag_spool\":\"MK-%d\"}", n);
	assert_non_null(event_log_publish(w->pool, &w->ecfg, body,
	    strlen(body), harness_now_ms() + 2000, published, p, &why));
}

/* The ids of the spool_update events a connection received, in order. */
static size_t
received(const struct conn *k, struct event_id *ids, size_t max)
{
	const char	*p = k->out, *end = k->out + k->len, *nl;
	struct event_id	 id = { 0, 0 };
	size_t		 n = 0;

	while (p < end && (nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		if (strncmp(p, "id: ", 4) == 0)
			assert_int_equal(event_id_parse(p + 4,
			    (size_t)(nl - p - 4), &id), 0);
		else if (strncmp(p, "event: spool_update", 19) == 0 && n < max)
			ids[n++] = id;
		p = nl + 1;
	}
	return (n);
}

static int
id_order(const void *a, const void *b)
{
	return (event_id_cmp(a, b));
}

/*
 * Pumps until connection i holds n events, then checks they are the ids
 * of want in increasing order (concurrent publishes may finish in any
 * order; delivery must still be by id).
 */
static void
expect(struct world *w, size_t i, const struct published *want, size_t n)
{
	struct event_id	got[MAX_IDS], sorted[MAX_IDS];
	uint64_t	end = harness_now_ms() + 3000;
	size_t		m, j;

	assert_true(n <= MAX_IDS);
	for (j = 0; j < n; j++)
		sorted[j] = want[j].id;
	qsort(sorted, n, sizeof(sorted[0]), id_order);

	while ((m = received(&w->conns[i], got, MAX_IDS)) < n &&
	    harness_now_ms() < end)
		pump(w, 20);
	pump(w, 50);
	m = received(&w->conns[i], got, MAX_IDS);
	if (m != n)
		fail_msg("connection %zu has %zu events, wanted %zu", i, m, n);
	for (j = 0; j < n; j++)
		assert_int_equal(event_id_cmp(&got[j], &sorted[j]), 0);
}

static void
wait_published(struct world *w, const struct published *p, size_t n)
{
	uint64_t	end = harness_now_ms() + 3000;
	size_t		i, done = 0;

	while (done < n && harness_now_ms() < end) {
		pump(w, 10);
		for (i = 0, done = 0; i < n; i++)
			done += p[i].done;
	}
	assert_int_equal(done, n);
}

static void
test_reconnect_with_last_event_id_while_live(void **state)
{
	struct world		*w = *state;
	struct published	 p[8];
	char			 last[EVENT_ID_TEXT_MAX];
	int			 i;

	memset(p, 0, sizeof(p));
	connect_client(w, 0, NULL);
	for (i = 0; i < 5; i++)
		publish(w, i, &p[i]);
	wait_published(w, p, 5);
	expect(w, 0, p, 5);

	/* Back with the second id; three more come while it replays. */
	event_id_format(&p[1].id, last, sizeof(last));
	connect_client(w, 1, last);
	for (i = 5; i < 8; i++)
		publish(w, i, &p[i]);
	wait_published(w, p, 8);
	expect(w, 1, p + 2, 6);
	expect(w, 0, p, 8);
	assert_int_equal(w->hub_stats.replays_total, 1);
	assert_int_equal(w->hub_stats.replaying, 0);
}

static void
test_catch_up_after_subscription_killed(void **state)
{
	struct world		*w = *state;
	struct published	 p[6];
	uint64_t		 heard, end;
	int			 i;

	memset(p, 0, sizeof(p));
	connect_client(w, 0, NULL);
	connect_client(w, 1, NULL);
	publish(w, 0, &p[0]);
	wait_published(w, p, 1);
	expect(w, 0, p, 1);

	/* Killed; events published before it resubscribes go unheard. */
	heard = w->sub_stats.messages_total;
	free(harness_redis_cli(w->port, "CLIENT KILL TYPE pubsub"));
	for (i = 1; i < 4; i++)
		publish(w, i, &p[i]);
	end = harness_now_ms() + 5000;
	while (w->sub_stats.resubscribes_total == 0 && harness_now_ms() < end)
		pump(w, 10);
	assert_int_equal(w->sub_stats.resubscribes_total, 1);
	assert_int_equal(w->sub_stats.messages_total, heard);
	assert_int_equal(w->hub_stats.catchups_total, 1);
	for (i = 4; i < 6; i++)
		publish(w, i, &p[i]);
	wait_published(w, p, 6);
	expect(w, 0, p, 6);
	expect(w, 1, p, 6);
	assert_int_equal(w->hub_stats.resets_total, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_reconnect_with_last_event_id_while_live, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_catch_up_after_subscription_killed, setup, teardown),
	};

	return (cmocka_run_group_tests_name("sse_events", tests, NULL, NULL));
}
