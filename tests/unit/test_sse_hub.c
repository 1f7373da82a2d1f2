/*
 * Unit tests for lib/http/sse_hub.c with a fake host: connections are byte
 * buffers whose unsent count the test sets, history fetches are completed
 * by hand, and the clock is a variable.  Covered: fan-out, the tag
 * filter, slow, stalled and failing clients dropped while the others get
 * everything, heartbeat timing, the replay-then-live handover without
 * duplicates, resets, the catch-up after a resubscribe, limits, invalid
 * events, and a 10,000-client fan-out timing that is printed only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "nelem.h"
#include "sse_hub.h"

#define MAX_CONNS	64
#define MAX_FETCHES	16
#define MAX_IDS		256

struct conn {
	char		*out;
	size_t		 len;
	size_t		 cap;
	int		 record;	/* keep the bytes, not just count */
	size_t		 bytes;
	ssize_t		 unsent;	/* what write reports */
	int		 slow;		/* unsent grows by every write */
	int		 fail;
	int		 closed;
	int		 writes_after_close;
	struct sse_client *c;
};

struct fetch {
	int			 used;
	int			 cancelled;
	int			 completed;
	struct event_id		 after;
	uint64_t		 deadline_ms;
	event_log_done_fn	*done;
	void			*done_arg;
};

struct fake {
	uint64_t		 now;
	int			 refuse_fetch;
	struct fetch		 fetches[MAX_FETCHES];
	size_t			 nfetches;
	struct io_loop_ops	 ops;
	struct io_loop		 loop;
	struct sse_hub_config	 cfg;
	struct sse_hub_stats	 stats;
	struct sse_hub		*hub;
	struct conn		 conns[MAX_CONNS];
};

static ssize_t
fake_write(void *arg, void *handle, const char *buf, size_t len)
{
	struct conn	*k = handle;

	(void)arg;
	if (k->closed)
		k->writes_after_close++;
	if (k->fail)
		return (-1);
	if (k->record) {
		if (k->len + len > k->cap) {
			k->cap = (k->len + len) * 2;
			k->out = realloc(k->out, k->cap);
			assert_non_null(k->out);
		}
		memcpy(k->out + k->len, buf, len);
		k->len += len;
	}
	k->bytes += len;
	if (k->slow)
		k->unsent += (ssize_t)len;
	return (k->unsent);
}

static void
fake_close(void *arg, void *handle)
{
	struct conn	*k = handle;

	(void)arg;
	assert_int_equal(k->closed, 0);
	k->closed = 1;
}

static void *
fake_fetch(void *arg, const struct event_id *after, uint64_t deadline_ms,
    event_log_done_fn *done, void *done_arg)
{
	struct fake	*f = arg;
	struct fetch	*x;

	if (f->refuse_fetch)
		return (NULL);
	assert_true(f->nfetches < MAX_FETCHES);
	x = &f->fetches[f->nfetches++];
	x->used = 1;
	x->after = *after;
	x->deadline_ms = deadline_ms;
	x->done = done;
	x->done_arg = done_arg;
	return (x);
}

static void
fake_cancel(void *arg, void *op)
{
	struct fetch	*x = op;

	(void)arg;
	assert_int_equal(x->completed, 0);
	assert_int_equal(x->cancelled, 0);
	x->cancelled = 1;
}

static uint64_t
fake_now(void *impl)
{
	return (((struct fake *)impl)->now);
}

/* Completes fetch i with the given reply, as the event log would. */
static void
complete(struct fake *f, size_t i, enum event_log_result result,
    const struct event_id *reset_id, const struct event_log_entry *e,
    size_t n)
{
	struct fetch		*x = &f->fetches[i];
	struct event_log_reply	 r;

	assert_true(i < f->nfetches);
	assert_int_equal(x->cancelled, 0);
	assert_int_equal(x->completed, 0);
	x->completed = 1;
	memset(&r, 0, sizeof(r));
	r.result = result;
	if (reset_id != NULL)
		r.id = *reset_id;
	r.entries = e;
	r.n = n;
	x->done(x->done_arg, &r);
}

static struct fake *
fake_new(void (*adjust)(struct sse_hub_config *))
{
	struct fake		*f = calloc(1, sizeof(*f));
	struct sse_hub_host	 host = { fake_write, fake_close, fake_fetch,
				    fake_cancel, NULL };

	assert_non_null(f);
	host.arg = f;
	f->ops.now_ms = fake_now;
	f->loop.ops = &f->ops;
	f->loop.impl = f;
	sse_hub_config_default(&f->cfg);
	if (adjust != NULL)
		adjust(&f->cfg);
	f->hub = sse_hub_new(&f->cfg, &host, &f->loop, &f->stats);
	assert_non_null(f->hub);
	return (f);
}

static void
fake_free(struct fake *f)
{
	size_t	i;

	sse_hub_free(f->hub);
	for (i = 0; i < MAX_CONNS; i++) {
		assert_int_equal(f->conns[i].writes_after_close, 0);
		free(f->conns[i].out);
	}
	free(f);
}

/* Adds and starts connection i. */
static struct conn *
connect_client(struct fake *f, size_t i, const char *tag, const char *last)
{
	struct conn	*k = &f->conns[i];

	k->record = 1;
	k->c = sse_hub_add(f->hub, k, tag, last);
	assert_non_null(k->c);
	sse_hub_start(f->hub, k->c);
	return (k);
}

static void
disconnect(struct fake *f, size_t i)
{
	sse_hub_remove(f->hub, f->conns[i].c);
	f->conns[i].c = NULL;
}

/* The text of an event as the event channel carries it. */
static size_t
event_text(char *buf, size_t size, const char *tag, uint64_t ms,
    uint64_t seq)
{
	int	n;

	if (tag != NULL)
		n = snprintf(buf, size, "{\"event_type\":\"TOMAR\","
		    "\"tag_spool\":\"%s\",\"operacion\":\"ARM\","
		    "\"event_id\":\"%llu-%llu\"}",
		    tag, (unsigned long long)ms, (unsigned long long)seq);
	else
		n = snprintf(buf, size, "{\"event_type\":\"STATE_CHANGE\","
		    "\"event_id\":\"%llu-%llu\"}", (unsigned long long)ms,
		    (unsigned long long)seq);
	assert_true(n > 0 && (size_t)n < size);
	return ((size_t)n);
}

static void
publish(struct fake *f, const char *tag, uint64_t ms)
{
	char	buf[256];
	size_t	n;

	n = event_text(buf, sizeof(buf), tag, ms, 0);
	sse_hub_publish(f->hub, buf, n);
}

/* Replay entries for ids ms..ms+n-1 (seq 0), texts kept in store. */
static void
entries_for(struct event_log_entry *e, char (*store)[256], const char *tag,
    uint64_t ms, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		e[i].id.ms = ms + i;
		e[i].id.seq = 0;
		e[i].len = event_text(store[i], sizeof(store[i]), tag, ms + i,
		    0);
		e[i].json = store[i];
	}
}

/*
 * The ms of each spool_update a connection received, in order; resets
 * are recorded as 0 followed by the reset id's ms.
 */
static size_t
received(const struct conn *k, uint64_t *ids, size_t max)
{
	const char	*p = k->out, *end = k->out + k->len, *nl;
	size_t		 n = 0;
	unsigned long long ms = 0;
	int		 have_id = 0;

	while (p < end && (nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		if (strncmp(p, "id: ", 4) == 0) {
			ms = strtoull(p + 4, NULL, 10);
			have_id = 1;
		} else if (strncmp(p, "id:\n", 4) == 0) {
			ms = 0;
			have_id = 1;
		} else if (strncmp(p, "event: spool_update\n", 20) == 0) {
			assert_true(have_id && n < max);
			ids[n++] = ms;
		} else if (strncmp(p, "event: reset\n", 13) == 0) {
			assert_true(have_id && n + 1 < max);
			ids[n++] = 0;
			ids[n++] = ms;
		} else if (nl == p) {
			have_id = 0;
		}
		p = nl + 1;
	}
	return (n);
}

static void
assert_received(const struct conn *k, const uint64_t *want, size_t n)
{
	uint64_t	got[MAX_IDS];
	size_t		m, i;

	m = received(k, got, MAX_IDS);
	if (m != n)
		fail_msg("received %zu events, wanted %zu", m, n);
	for (i = 0; i < n; i++) {
		if (got[i] != want[i])
			fail_msg("event %zu is %llu, wanted %llu", i,
			    (unsigned long long)got[i],
			    (unsigned long long)want[i]);
	}
}

static size_t
count_of(const struct conn *k, const char *needle)
{
	const char	*p = k->out, *end = k->out + k->len, *q;
	size_t		 n = 0, len = strlen(needle);

	while (p < end && (q = memmem(p, (size_t)(end - p), needle, len)) !=
	    NULL) {
		n++;
		p = q + len;
	}
	return (n);
}

static void
test_fanout_to_all_clients(void **state)
{
	struct fake	*f = fake_new(NULL);
	uint64_t	 want[10];
	size_t		 i, n = 50;

	(void)state;
	for (i = 0; i < n; i++)
		connect_client(f, i, NULL, NULL);
	for (i = 0; i < n; i++) {
		assert_int_equal(f->conns[i].len, 13);
		assert_memory_equal(f->conns[i].out, "retry: 3000\n\n", 13);
	}
	for (i = 0; i < 10; i++) {
		publish(f, "MK-1", 1000 + i);
		want[i] = 1000 + i;
	}
	for (i = 0; i < n; i++) {
		assert_received(&f->conns[i], want, 10);
		/* Framed once: every client has the very same bytes. */
		assert_int_equal(f->conns[i].len, f->conns[0].len);
		assert_memory_equal(f->conns[i].out, f->conns[0].out,
		    f->conns[0].len);
		assert_int_equal(count_of(&f->conns[i], "retry:"), 1);
	}
	assert_int_equal(f->stats.clients, n);
	assert_int_equal(f->stats.events_in_total, 10);
	assert_int_equal(f->stats.events_out_total, 10 * n);
	assert_int_equal(f->stats.fanout.count, 10);
	fake_free(f);
}

static void
test_tag_filter(void **state)
{
	struct fake	*f = fake_new(NULL);
	uint64_t	 mk1[] = { 1, 3 }, mk2[] = { 2 };
	uint64_t	 all[] = { 1, 2, 3, 4 };

	(void)state;
	connect_client(f, 0, "MK-1", NULL);
	connect_client(f, 1, "MK-2", NULL);
	connect_client(f, 2, NULL, NULL);
	connect_client(f, 3, "", NULL);
	publish(f, "MK-1", 1);
	publish(f, "MK-2", 2);
	publish(f, "MK-1", 3);
	publish(f, NULL, 4);		/* no tag_spool: unfiltered only */
	assert_received(&f->conns[0], mk1, 2);
	assert_received(&f->conns[1], mk2, 1);
	assert_received(&f->conns[2], all, 4);
	assert_received(&f->conns[3], all, 4);
	/* A filter that is not a spool tag (spool_tag.h) is refused. */
	assert_null(sse_hub_add(f->hub, &f->conns[4], "MK\t1", NULL));
	assert_null(sse_hub_add(f->hub, &f->conns[4], " MK-1", NULL));
	fake_free(f);
}

static void
adjust_small_cap(struct sse_hub_config *cfg)
{
	cfg->max_unsent_bytes = 1000;
}

static void
test_slow_client_dropped_others_unaffected(void **state)
{
	struct fake	*f = fake_new(adjust_small_cap);
	uint64_t	 want[100];
	size_t		 i, before;

	(void)state;
	connect_client(f, 0, NULL, NULL);
	f->conns[0].slow = 1;		/* never drains */
	for (i = 1; i < 5; i++)
		connect_client(f, i, NULL, NULL);
	for (i = 0; i < 100; i++) {
		publish(f, "MK-1", 1 + i);
		want[i] = 1 + i;
	}
	assert_int_equal(f->conns[0].closed, 1);
	assert_int_equal(f->stats.dropped_total[SSE_DROP_SLOW], 1);
	/* Dropped at the write that took it over the cap, not later. */
	assert_true(f->conns[0].bytes > 1000 && f->conns[0].bytes < 1200);
	for (i = 1; i < 5; i++) {
		assert_int_equal(f->conns[i].closed, 0);
		assert_received(&f->conns[i], want, 100);
	}
	/* The host frees it later; until then it still holds a slot. */
	assert_int_equal(f->stats.clients, 5);
	before = f->conns[0].bytes;
	sse_hub_tick(f->hub, f->now += 15000);
	assert_int_equal(f->conns[0].bytes, before);
	disconnect(f, 0);
	assert_int_equal(f->stats.clients, 4);
	assert_int_equal(sse_hub_clients(f->hub), 4);
	fake_free(f);
}

/*
 * A replay is written at once and may alone exceed the cap: that is no
 * reason to drop.  The cap applies again once the client drains; one
 * that never drains is dropped when it owes more than cap plus replay.
 */
static void
test_replay_burst_over_cap_allowed(void **state)
{
	struct fake		*f = fake_new(adjust_small_cap);
	struct event_log_entry	 e[40];
	char			 store[40][256];
	size_t			 i, burst;

	(void)state;
	connect_client(f, 0, NULL, "10-0");
	connect_client(f, 1, NULL, "10-0");
	f->conns[0].slow = f->conns[1].slow = 1;
	entries_for(e, store, "MK-1", 11, 40);
	complete(f, 0, EVENT_LOG_OK, NULL, e, 40);
	complete(f, 1, EVENT_LOG_OK, NULL, e, 40);
	burst = f->conns[0].bytes - 13;
	assert_true(burst > 4 * 1000);
	assert_int_equal(f->conns[0].closed + f->conns[1].closed, 0);

	/* Client 0 drains; client 1 never does. */
	f->conns[0].unsent = 0;
	f->conns[0].slow = 0;
	for (i = 0; i < 20 && !f->conns[1].closed; i++)
		publish(f, "MK-1", 100 + i);
	assert_int_equal(f->conns[1].closed, 1);
	assert_true(f->conns[1].unsent > (ssize_t)(1000 + burst));
	assert_true(f->conns[1].unsent < (ssize_t)(1000 + burst + 200));
	assert_int_equal(f->conns[0].closed, 0);

	/* Drained, client 0 is back under the plain cap. */
	f->conns[0].slow = 1;
	for (i = 20; i < 40 && !f->conns[0].closed; i++)
		publish(f, "MK-1", 100 + i);
	assert_int_equal(f->conns[0].closed, 1);
	assert_true(f->conns[0].unsent > 1000 && f->conns[0].unsent < 1200);
	assert_int_equal(f->stats.dropped_total[SSE_DROP_SLOW], 2);
	fake_free(f);
}

static void
test_stalled_and_failing_clients_dropped(void **state)
{
	struct fake	*f = fake_new(NULL);
	uint64_t	 want[] = { 1, 2 };

	(void)state;
	connect_client(f, 0, NULL, NULL);	/* healthy */
	f->conns[1].unsent = 10;	/* under the cap, never drains */
	connect_client(f, 1, NULL, NULL);
	connect_client(f, 2, NULL, NULL);
	f->conns[2].fail = 1;
	publish(f, "MK-1", 1);
	assert_int_equal(f->conns[2].closed, 1);
	assert_int_equal(f->stats.dropped_total[SSE_DROP_WRITE_ERROR], 1);

	/* Backlogged since it started at t=0: dropped once 60 s have gone. */
	f->now = 45000;
	sse_hub_tick(f->hub, f->now);
	assert_int_equal(f->conns[1].closed, 0);
	f->now = 60000;
	sse_hub_tick(f->hub, f->now);
	assert_int_equal(f->conns[1].closed, 1);
	assert_int_equal(f->stats.dropped_total[SSE_DROP_STALLED], 1);

	/* One that drains in time is not stalled. */
	f->conns[3].unsent = 10;
	connect_client(f, 3, NULL, NULL);
	f->now = 100000;
	f->conns[3].unsent = 0;
	publish(f, "MK-1", 2);
	f->conns[3].unsent = 10;
	f->now = 150000;
	sse_hub_tick(f->hub, f->now);
	assert_int_equal(f->conns[3].closed, 0);
	assert_received(&f->conns[0], want, 2);
	fake_free(f);
}

static void
test_heartbeat_timing(void **state)
{
	struct fake	*f = fake_new(NULL);
	struct sse_client *idle;

	(void)state;
	connect_client(f, 0, NULL, NULL);
	connect_client(f, 1, NULL, "7-0");	/* replaying: also beats */
	/* Added but not started: nothing may be written to it. */
	f->conns[2].record = 1;
	idle = sse_hub_add(f->hub, &f->conns[2], NULL, NULL);
	assert_non_null(idle);

	sse_hub_tick(f->hub, f->now = 14999);
	assert_int_equal(count_of(&f->conns[0], ": heartbeat\n\n"), 0);
	sse_hub_tick(f->hub, f->now = 15000);
	assert_int_equal(count_of(&f->conns[0], ": heartbeat\n\n"), 1);
	assert_int_equal(count_of(&f->conns[1], ": heartbeat\n\n"), 1);
	sse_hub_tick(f->hub, f->now = 15010);
	sse_hub_tick(f->hub, f->now = 29999);
	assert_int_equal(count_of(&f->conns[0], ": heartbeat\n\n"), 1);
	sse_hub_tick(f->hub, f->now = 30000);
	assert_int_equal(count_of(&f->conns[0], ": heartbeat\n\n"), 2);
	/* A late tick beats once, and the next is due a period after it. */
	sse_hub_tick(f->hub, f->now = 52000);
	sse_hub_tick(f->hub, f->now = 66999);
	assert_int_equal(count_of(&f->conns[0], ": heartbeat\n\n"), 3);
	sse_hub_tick(f->hub, f->now = 67000);
	assert_int_equal(count_of(&f->conns[0], ": heartbeat\n\n"), 4);
	assert_int_equal(f->conns[2].len, 0);
	assert_int_equal(f->stats.heartbeats_total, 8);
	sse_hub_remove(f->hub, idle);
	fake_free(f);
}

/*
 * A client reconnects with Last-Event-ID 100 while events keep coming:
 * 103 and 104 arrive live during its replay, which answers 101..103.  It
 * must get 101, 102, 103, 104 once each, in order.
 */
static void
test_replay_then_live_without_duplicates(void **state)
{
	struct fake		*f = fake_new(NULL);
	struct event_log_entry	 e[3];
	char			 store[3][256];
	uint64_t		 live[] = { 103, 104, 105 };
	uint64_t		 all[] = { 101, 102, 103, 104, 105 };

	(void)state;
	f->now = 500;
	connect_client(f, 0, NULL, NULL);
	connect_client(f, 1, NULL, "100-0");
	assert_int_equal(f->nfetches, 1);
	assert_true(f->fetches[0].after.ms == 100 &&
	    f->fetches[0].after.seq == 0);
	assert_int_equal(f->fetches[0].deadline_ms, 500 + 5000);
	assert_int_equal(f->stats.replaying, 1);

	publish(f, "MK-1", 103);
	publish(f, "MK-1", 104);
	assert_int_equal(f->conns[1].len, 13);		/* only "retry:" */
	entries_for(e, store, "MK-1", 101, 3);
	complete(f, 0, EVENT_LOG_OK, NULL, e, 3);
	assert_int_equal(f->stats.replaying, 0);
	publish(f, "MK-1", 105);
	assert_received(&f->conns[0], live, 3);
	assert_received(&f->conns[1], all, 5);
	assert_int_equal(f->stats.replays_total, 1);
	fake_free(f);
}

/* The replay is filtered by tag like live events. */
static void
test_replay_respects_filter(void **state)
{
	struct fake		*f = fake_new(NULL);
	struct event_log_entry	 e[4];
	char			 store[4][256];
	uint64_t		 want[] = { 11, 13 };

	(void)state;
	connect_client(f, 0, "MK-1", "10-0");
	entries_for(e, store, "MK-1", 11, 1);
	entries_for(e + 1, store + 1, "MK-2", 12, 1);
	entries_for(e + 2, store + 2, "MK-1", 13, 1);
	entries_for(e + 3, store + 3, NULL, 14, 1);
	complete(f, 0, EVENT_LOG_OK, NULL, e, 4);
	publish(f, "MK-1", 14);		/* the same id again: not twice */
	assert_received(&f->conns[0], want, 2);
	fake_free(f);
}

static void
test_replay_reset(void **state)
{
	struct fake	*f = fake_new(NULL);
	struct event_id	 r150 = { 150, 0 }, r250 = { 250, 0 }, zero = { 0, 0 };
	uint64_t	 want0[] = { 0, 150, 200 };
	uint64_t	 want1[] = { 0, 250 };
	uint64_t	 want2[] = { 0, 0, 200 };

	(void)state;
	connect_client(f, 0, NULL, "5-0");
	connect_client(f, 1, NULL, "5-0");
	connect_client(f, 2, NULL, "5-0");
	publish(f, "MK-1", 200);
	/* Reset up to 150: 200 is newer, so it follows the reset. */
	complete(f, 0, EVENT_LOG_RESET, &r150, NULL, 0);
	/* Reset up to 250: the reload covers 200, so it is not sent. */
	complete(f, 1, EVENT_LOG_RESET, &r250, NULL, 0);
	/* The stream is gone: "id:" clears the browser's id. */
	complete(f, 2, EVENT_LOG_RESET, &zero, NULL, 0);
	assert_received(&f->conns[0], want0, 3);
	assert_received(&f->conns[1], want1, 2);
	assert_received(&f->conns[2], want2, 3);
	assert_int_equal(count_of(&f->conns[0], "{\"reason\":\"history_gap\"}"),
	    1);
	assert_int_equal(count_of(&f->conns[2], "id:\nevent: reset\n"), 1);
	assert_int_equal(f->stats.resets_total, 3);
	fake_free(f);
}

static void
adjust_small_pending(struct sse_hub_config *cfg)
{
	cfg->pending_max = 4;
}

static void
test_replay_failures(void **state)
{
	struct fake	*f = fake_new(adjust_small_pending);
	size_t		 i;

	(void)state;
	/* The history cannot be asked: the browser retries later. */
	f->refuse_fetch = 1;
	connect_client(f, 0, NULL, "5-0");
	assert_int_equal(f->conns[0].closed, 1);
	f->refuse_fetch = 0;

	/* The history fails (Redis down, deadline passed). */
	connect_client(f, 1, NULL, "5-0");
	complete(f, 0, EVENT_LOG_ERROR, NULL, NULL, 0);
	assert_int_equal(f->conns[1].closed, 1);
	assert_int_equal(f->stats.dropped_total[SSE_DROP_REPLAY_FAILED], 2);

	/* More live events than may be held: dropped, fetch cancelled. */
	connect_client(f, 2, NULL, "5-0");
	for (i = 0; i < 5; i++)
		publish(f, "MK-1", 10 + i);
	assert_int_equal(f->conns[2].closed, 1);
	assert_int_equal(f->fetches[1].cancelled, 1);
	assert_int_equal(f->stats.dropped_total[SSE_DROP_REPLAY_OVERFLOW], 1);

	/* Gone during its replay: cancelled, never called back. */
	connect_client(f, 3, NULL, "5-0");
	disconnect(f, 3);
	assert_int_equal(f->fetches[2].cancelled, 1);
	assert_int_equal(f->stats.replaying, 0);
	fake_free(f);
}

static void
test_bad_last_event_id_resets(void **state)
{
	struct fake	*f = fake_new(NULL);

	(void)state;
	connect_client(f, 0, NULL, "garbage");
	publish(f, "MK-1", 7);
	connect_client(f, 1, NULL, "1-0-0");
	publish(f, "MK-1", 8);
	/* Blank counts as absent: live, no reset. */
	connect_client(f, 2, NULL, "  ");
	publish(f, "MK-1", 9);
	assert_received(&f->conns[0], (uint64_t[]){ 0, 0, 7, 8, 9 }, 5);
	assert_received(&f->conns[1], (uint64_t[]){ 0, 7, 8, 9 }, 4);
	assert_received(&f->conns[2], (uint64_t[]){ 9 }, 1);
	assert_int_equal(count_of(&f->conns[0], "bad_last_event_id"), 1);
	assert_int_equal(f->nfetches, 0);
	fake_free(f);
}

static void
test_duplicates_and_order(void **state)
{
	struct fake	*f = fake_new(NULL);
	char		 buf[256];
	size_t		 n;

	(void)state;
	connect_client(f, 0, NULL, NULL);
	publish(f, "MK-1", 10);
	publish(f, "MK-1", 10);
	publish(f, "MK-1", 9);
	publish(f, "MK-1", 11);
	/* Same ms, higher sequence: newer. */
	n = event_text(buf, sizeof(buf), "MK-1", 11, 1);
	sse_hub_publish(f->hub, buf, n);
	publish(f, "MK-1", 12);
	assert_received(&f->conns[0], (uint64_t[]){ 10, 11, 11, 12 }, 4);
	assert_int_equal(f->stats.events_duplicate_total, 2);
	assert_int_equal(f->stats.events_in_total, 4);
	fake_free(f);
}

static void
adjust_three_clients(struct sse_hub_config *cfg)
{
	cfg->max_clients = 3;
}

static void
test_client_cap_and_invalid_events(void **state)
{
	struct fake	*f = fake_new(adjust_three_clients);
	static const char *bad[] = {
		"not json",
		"{\"tag_spool\":\"MK-1\"}",		/* no event_id */
		"{\"tag_spool\":\"MK-1\",\"event_id\":\"12\"}",
		"{\"tag_spool\":\"MK-1\",\"event_id\":12}",
		"{\"tag_spool\":\"MK-1\",\n\"event_id\":\"12-0\"}",
		"[\"12-0\"]",
	};
	size_t		 i;

	(void)state;
	for (i = 0; i < 3; i++)
		connect_client(f, i, NULL, NULL);
	assert_true(sse_hub_full(f->hub));
	assert_null(sse_hub_add(f->hub, &f->conns[3], NULL, NULL));
	assert_int_equal(f->stats.rejected_total, 1);
	disconnect(f, 2);
	assert_false(sse_hub_full(f->hub));

	for (i = 0; i < NELEM(bad); i++)
		sse_hub_publish(f->hub, bad[i], strlen(bad[i]));
	/* Not NUL-terminated at len: only len bytes are read. */
	sse_hub_publish(f->hub, "{\"event_id\":\"1-0\"}xyz", 18);
	assert_int_equal(f->stats.events_invalid_total,
	    NELEM(bad));
	assert_received(&f->conns[0], (uint64_t[]){ 1 }, 1);
	fake_free(f);
}

/*
 * The subscription was lost after event 10 and 11..12 were missed; 13
 * arrives live during the catch-up.  Every client gets 11, 12, 13 once.
 */
static void
test_resubscribe_catches_up(void **state)
{
	struct fake		*f = fake_new(NULL);
	struct event_log_entry	 e[3];
	char			 store[3][256];

	(void)state;
	connect_client(f, 0, NULL, NULL);
	connect_client(f, 1, "MK-2", NULL);
	publish(f, "MK-1", 10);
	sse_hub_resubscribed(f->hub);
	assert_int_equal(f->nfetches, 1);
	assert_true(f->fetches[0].after.ms == 10);
	publish(f, "MK-1", 13);
	assert_received(&f->conns[0], (uint64_t[]){ 10 }, 1);
	entries_for(e, store, "MK-1", 11, 1);
	entries_for(e + 1, store + 1, "MK-2", 12, 1);
	entries_for(e + 2, store + 2, "MK-1", 13, 1);
	complete(f, 0, EVENT_LOG_OK, NULL, e, 3);
	publish(f, "MK-1", 14);
	assert_received(&f->conns[0], (uint64_t[]){ 10, 11, 12, 13, 14 }, 5);
	assert_received(&f->conns[1], (uint64_t[]){ 12 }, 1);
	assert_int_equal(f->stats.catchups_total, 1);
	fake_free(f);
}

static void
test_resubscribe_resets(void **state)
{
	struct fake	*f = fake_new(NULL);
	struct event_id	 r40 = { 40, 0 };

	(void)state;
	/* Nothing seen yet: nothing to replay from. */
	connect_client(f, 0, NULL, NULL);
	sse_hub_resubscribed(f->hub);
	assert_int_equal(f->nfetches, 0);
	publish(f, "MK-1", 10);

	/* The history no longer reaches back to 10. */
	sse_hub_resubscribed(f->hub);
	publish(f, "MK-1", 30);		/* held, and covered by the reset */
	publish(f, "MK-1", 50);		/* held, newer: delivered */
	complete(f, 0, EVENT_LOG_RESET, &r40, NULL, 0);

	/* A second loss while catching up: fetch again from the same id. */
	sse_hub_resubscribed(f->hub);
	sse_hub_resubscribed(f->hub);
	assert_int_equal(f->fetches[1].cancelled, 1);
	assert_true(f->fetches[2].after.ms == 50);
	complete(f, 2, EVENT_LOG_ERROR, NULL, NULL, 0);
	publish(f, "MK-1", 60);
	assert_received(&f->conns[0],
	    (uint64_t[]){ 0, 0, 10, 0, 40, 50, 0, 0, 60 }, 9);
	assert_int_equal(count_of(&f->conns[0], "resubscribed"), 3);
	fake_free(f);
}

static void
adjust_small_catchup(struct sse_hub_config *cfg)
{
	cfg->pending_max = 2;
}

/* Too much arrives during a catch-up: reset, then live from there. */
static void
test_catchup_overflow_resets(void **state)
{
	struct fake	*f = fake_new(adjust_small_catchup);

	(void)state;
	connect_client(f, 0, NULL, NULL);
	publish(f, "MK-1", 10);
	sse_hub_resubscribed(f->hub);
	publish(f, "MK-1", 11);
	publish(f, "MK-1", 12);
	publish(f, "MK-1", 13);
	assert_int_equal(f->fetches[0].cancelled, 1);
	publish(f, "MK-1", 14);
	assert_received(&f->conns[0], (uint64_t[]){ 10, 0, 0, 13, 14 }, 5);
	fake_free(f);
}

/* Freed with a replay and a catch-up in flight: both cancelled. */
static void
test_free_cancels_fetches(void **state)
{
	struct fake	*f = fake_new(NULL);

	(void)state;
	connect_client(f, 0, NULL, NULL);
	publish(f, "MK-1", 10);
	connect_client(f, 1, NULL, "5-0");
	publish(f, "MK-1", 11);		/* held for client 1 */
	sse_hub_resubscribed(f->hub);
	publish(f, "MK-1", 12);		/* held by the hub */
	assert_int_equal(f->nfetches, 2);
	sse_hub_free(f->hub);
	f->hub = NULL;
	assert_int_equal(f->fetches[0].cancelled, 1);
	assert_int_equal(f->fetches[1].cancelled, 1);
	assert_int_equal(f->stats.clients, 0);
	fake_free(f);
}

/* 10,000 clients on one worker: the cost of one event, printed. */
static void
test_benchmark_10000_clients(void **state)
{
	struct fake		*f = fake_new(NULL);
	struct conn		*k;
	struct timespec		 t0, t1;
	double			 us;
	size_t			 i, n = 10000, events = 200;

	(void)state;
	f->cfg.max_clients = n;
	sse_hub_free(f->hub);
	f->hub = sse_hub_new(&f->cfg, &(struct sse_hub_host){ fake_write,
	    fake_close, fake_fetch, fake_cancel, f }, &f->loop, &f->stats);
	k = calloc(n, sizeof(*k));
	assert_non_null(k);
	for (i = 0; i < n; i++) {
		k[i].c = sse_hub_add(f->hub, &k[i], i % 10 == 0 ? "MK-1" :
		    NULL, NULL);
		assert_non_null(k[i].c);
		sse_hub_start(f->hub, k[i].c);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < events; i++)
		publish(f, i % 2 ? "MK-1" : "MK-2", 1 + i);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	us = (double)(t1.tv_sec - t0.tv_sec) * 1e6 +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e3;
	printf("sse_hub: %zu clients, %zu events: %.0f us per event, "
	    "%.1f ns per client offered, p99 fan-out <= %llu us\n", n, events,
	    us / (double)events, us * 1000 / (double)(events * n),
	    (unsigned long long)histogram_quantile_us(&f->stats.fanout, 0.99));
	/* Filtered clients (one in ten) got only MK-1, half the events. */
	assert_int_equal(f->stats.events_out_total,
	    events * (n - n / 10) + events / 2 * (n / 10));
	for (i = 0; i < n; i++)
		sse_hub_remove(f->hub, k[i].c);
	free(k);
	fake_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fanout_to_all_clients),
		cmocka_unit_test(test_tag_filter),
		cmocka_unit_test(test_slow_client_dropped_others_unaffected),
		cmocka_unit_test(test_replay_burst_over_cap_allowed),
		cmocka_unit_test(test_stalled_and_failing_clients_dropped),
		cmocka_unit_test(test_heartbeat_timing),
		cmocka_unit_test(test_replay_then_live_without_duplicates),
		cmocka_unit_test(test_replay_respects_filter),
		cmocka_unit_test(test_replay_reset),
		cmocka_unit_test(test_replay_failures),
		cmocka_unit_test(test_bad_last_event_id_resets),
		cmocka_unit_test(test_duplicates_and_order),
		cmocka_unit_test(test_client_cap_and_invalid_events),
		cmocka_unit_test(test_resubscribe_catches_up),
		cmocka_unit_test(test_resubscribe_resets),
		cmocka_unit_test(test_catchup_overflow_resets),
		cmocka_unit_test(test_free_cancels_fetches),
		cmocka_unit_test(test_benchmark_10000_clients),
	};

	return (cmocka_run_group_tests_name("sse_hub", tests, NULL, NULL));
}
