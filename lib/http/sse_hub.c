/*
 * Each event is framed once and the frame shared, by reference count, by
 * the clients it is written to or held for.  Clients are on one list that
 * each event scans (a few ns a client: see the unit test's benchmark).  A
 * tag filter is a spool tag as spool_tag.h defines it.
 */
#include <sys/queue.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json_tree.h"
#include "spool_tag.h"
#include "sse_hub.h"
#include "sse_wire.h"
#include "stat_counter.h"
#include "utf8.h"

#define HEARTBEAT_TEXT		"heartbeat"
#define RESET_HISTORY		"history_gap"
#define RESET_BAD_ID		"bad_last_event_id"
#define RESET_RESUBSCRIBED	"resubscribed"

/* Room for any frame the hub writes from its scratch buffer. */
#define SCRATCH_SIZE		(sizeof("id: \nevent: \ndata: \n\n") + \
				    EVENT_ID_TEXT_MAX + SSE_WIRE_TYPE_MAX + \
				    EVENT_LOG_MESSAGE_MAX)

/*
 * One event framed for the wire, shared by every client it is written to
 * or held for; freed when the last holder lets go.
 */
struct frame {
	unsigned int	refs;
	struct event_id	id;
	char		tag[SPOOL_TAG_MAX + 1];	/* "" when none or too long */
	size_t		len;
	char		text[];
};

/* Frames held while a replay is in flight, oldest first. */
struct frame_queue {
	struct frame	**v;
	size_t		  n;
	size_t		  cap;
};

enum client_state {
	CLIENT_NEW,		/* added, not started: nothing written */
	CLIENT_REPLAYING,	/* fetch in flight, live events held */
	CLIENT_LIVE,
	CLIENT_DROPPED,		/* close asked for; waiting for remove */
};

enum client_after {
	AFTER_NONE,		/* no Last-Event-ID: live only */
	AFTER_ID,
	AFTER_BAD,		/* malformed: reset */
};

struct sse_client {
	TAILQ_ENTRY(sse_client)	 link;
	struct sse_hub		*hub;
	void			*handle;
	enum client_state	 state;
	enum client_after	 after_kind;
	struct event_id		 after;
	struct event_id		 last;		/* newest id written */
	void			*op;		/* the replay's fetch */
	struct frame_queue	 held;
	int			 backlogged;
	uint64_t		 backlog_since_ms;
	size_t			 grace;		/* replay bytes over the cap */
	char			 tag[SPOOL_TAG_MAX + 1];	/* "" for all */
};

TAILQ_HEAD(client_list, sse_client);

struct sse_hub {
	struct sse_hub_config	 cfg;
	struct sse_hub_host	 host;
	struct io_loop		*loop;
	struct sse_hub_stats	*stats;
	struct client_list	 clients;
	size_t			 nclients;
	size_t			 nreplaying;
	struct event_id		 last;		/* newest live id dispatched */
	void			*catchup;	/* fetch after a resubscribe */
	struct frame_queue	 held;		/* live events during catchup */
	uint64_t		 next_heartbeat_ms;
	char			 parse[EVENT_LOG_MESSAGE_MAX + 1];
	char			 scratch[SCRATCH_SIZE];
};

static const char	*drop_names[SSE_DROP_MAX] = {
	[SSE_DROP_SLOW] = "slow",
	[SSE_DROP_STALLED] = "stalled",
	[SSE_DROP_WRITE_ERROR] = "write_error",
	[SSE_DROP_REPLAY_FAILED] = "replay_failed",
	[SSE_DROP_REPLAY_OVERFLOW] = "replay_overflow",
};

const char *
sse_drop_reason_name(enum sse_drop_reason r)
{
	return (r < SSE_DROP_MAX ? drop_names[r] : "unknown");
}

void
sse_hub_config_default(struct sse_hub_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->max_clients = 500;
	cfg->max_unsent_bytes = 64 * 1024;
	cfg->pending_max = 1024;
	cfg->heartbeat_ms = 15000;
	cfg->stall_timeout_ms = 60000;
	cfg->replay_timeout_ms = 5000;
	cfg->retry_ms = 3000;
}

static uint64_t
monotonic_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000);
}

static void
frame_release(struct frame *f)
{
	if (--f->refs == 0)
		free(f);
}

/* Appends with a reference; -1 when the queue holds max frames already. */
static int
queue_push(struct frame_queue *q, struct frame *f, size_t max)
{
	struct frame	**v;
	size_t		  cap;

	if (q->n == q->cap) {
		if (q->cap >= max)
			return (-1);
		cap = q->cap == 0 ? 16 : q->cap * 2;
		if (cap > max)
			cap = max;
		if ((v = reallocarray(q->v, cap, sizeof(*v))) == NULL)
			return (-1);
		q->v = v;
		q->cap = cap;
	}
	f->refs++;
	q->v[q->n++] = f;
	return (0);
}

static void
queue_clear(struct frame_queue *q)
{
	size_t	i;

	for (i = 0; i < q->n; i++)
		frame_release(q->v[i]);
	free(q->v);
	memset(q, 0, sizeof(*q));
}

/*
 * The event_id and tag_spool of one line of event JSON; the tag is ""
 * when absent or longer than a tag can be.  Returns 0, or -1 when the
 * text is not an event this hub can deliver.
 */
static int
event_parse(struct sse_hub *hub, const char *json, size_t len,
    struct event_id *id, char *tag, size_t tagsize)
{
	yajl_val	 root;
	const char	*s;
	char		 err[128];
	int		 rc = -1;

	/* yajl_tree would pass surrogates and overlongs on to browsers. */
	if (len == 0 || len >= sizeof(hub->parse) ||
	    memchr(json, '\0', len) != NULL || !utf8_valid(json, len))
		return (-1);
	memcpy(hub->parse, json, len);
	hub->parse[len] = '\0';
	if ((root = json_tree_parse(hub->parse, len, err, sizeof(err))) ==
	    NULL)
		return (-1);
	tag[0] = '\0';
	if ((s = json_tree_string(root, "event_id")) != NULL &&
	    event_id_parse(s, strlen(s), id) == 0) {
		rc = 0;
		if ((s = json_tree_string(root, "tag_spool")) != NULL &&
		    strlen(s) < tagsize)
			memcpy(tag, s, strlen(s) + 1);
	}
	yajl_tree_free(root);
	return (rc);
}

static int
matches(const struct sse_client *c, const char *tag)
{
	return (c->tag[0] == '\0' || strcmp(c->tag, tag) == 0);
}

static void
set_replaying(struct sse_hub *hub, struct sse_client *c, int on)
{
	if (on) {
		c->state = CLIENT_REPLAYING;
		hub->nreplaying++;
	} else {
		c->op = NULL;
		hub->nreplaying--;
	}
	stat_set(&hub->stats->replaying, hub->nreplaying);
}

static void
client_drop(struct sse_hub *hub, struct sse_client *c,
    enum sse_drop_reason why)
{
	if (c->op != NULL) {
		hub->host.cancel(hub->host.arg, c->op);
		set_replaying(hub, c, 0);
	}
	queue_clear(&c->held);
	c->state = CLIENT_DROPPED;
	stat_add(&hub->stats->dropped_total[why], 1);
	hub->host.close(hub->host.arg, c->handle);
}

/*
 * Writes a whole frame and judges the connection by what it has left
 * unsent.  A replay is written at once and may alone exceed the cap, so
 * its bytes are allowed on top of the cap (grace) until the connection
 * is back under it: a client that never reads still costs at most the
 * cap plus one bounded replay.  Returns 0, or -1 when it was dropped.
 */
static int
client_write(struct sse_hub *hub, struct sse_client *c, const char *buf,
    size_t len, uint64_t now)
{
	ssize_t	unsent;

	unsent = hub->host.write(hub->host.arg, c->handle, buf, len);
	if (unsent < 0) {
		client_drop(hub, c, SSE_DROP_WRITE_ERROR);
		return (-1);
	}
	stat_add(&hub->stats->bytes_out_total, len);
	if ((size_t)unsent <= hub->cfg.max_unsent_bytes) {
		if (c->state != CLIENT_REPLAYING)
			c->grace = 0;
	} else if ((size_t)unsent - hub->cfg.max_unsent_bytes > c->grace) {
		client_drop(hub, c, SSE_DROP_SLOW);
		return (-1);
	}
	if (unsent == 0) {
		c->backlogged = 0;
	} else if (!c->backlogged) {
		c->backlogged = 1;
		c->backlog_since_ms = now;
	} else if (now - c->backlog_since_ms >= hub->cfg.stall_timeout_ms) {
		client_drop(hub, c, SSE_DROP_STALLED);
		return (-1);
	}
	return (0);
}

/* Writes an event newer than what the client has; 0 or -1 (dropped). */
static int
client_event(struct sse_hub *hub, struct sse_client *c,
    const struct event_id *id, const char *text, size_t len, uint64_t now)
{
	if (event_id_cmp(id, &c->last) <= 0)
		return (0);
	c->last = *id;
	if (client_write(hub, c, text, len, now) == -1)
		return (-1);
	stat_add(&hub->stats->events_out_total, 1);
	return (0);
}

/* "event: reset" up to id (NULL: unknown); 0 or -1 (dropped). */
static int
client_reset(struct sse_hub *hub, struct sse_client *c,
    const struct event_id *id, const char *reason, uint64_t now)
{
	int	n;

	if (id != NULL && event_id_cmp(id, &c->last) > 0)
		c->last = *id;
	n = sse_wire_reset(hub->scratch, sizeof(hub->scratch), id, reason);
	if (client_write(hub, c, hub->scratch, (size_t)n, now) == -1)
		return (-1);
	stat_add(&hub->stats->resets_total, 1);
	return (0);
}

static void
reset_all(struct sse_hub *hub, const struct event_id *id, const char *reason)
{
	struct sse_client	*c;
	uint64_t		 now = io_loop_now(hub->loop);

	TAILQ_FOREACH(c, &hub->clients, link) {
		if (c->state == CLIENT_LIVE || c->state == CLIENT_REPLAYING)
			client_reset(hub, c, id, reason, now);
	}
}

/* Offers a live event to every client; it is newer than any before. */
static void
dispatch(struct sse_hub *hub, struct frame *f)
{
	struct sse_client	*c;
	uint64_t		 t0 = monotonic_us();
	uint64_t		 now = io_loop_now(hub->loop);

	hub->last = f->id;
	TAILQ_FOREACH(c, &hub->clients, link) {
		if (!matches(c, f->tag))
			continue;
		if (c->state == CLIENT_LIVE) {
			client_event(hub, c, &f->id, f->text, f->len, now);
		} else if (c->state == CLIENT_REPLAYING &&
		    queue_push(&c->held, f, hub->cfg.pending_max) == -1) {
			client_drop(hub, c, SSE_DROP_REPLAY_OVERFLOW);
		}
	}
	histogram_observe(&hub->stats->fanout, monotonic_us() - t0);
}

/* Dispatches the held frames newer than the hub's last, then lets go. */
static void
dispatch_held(struct sse_hub *hub)
{
	struct frame_queue	q = hub->held;
	size_t			i;

	memset(&hub->held, 0, sizeof(hub->held));
	for (i = 0; i < q.n; i++) {
		if (event_id_cmp(&q.v[i]->id, &hub->last) > 0)
			dispatch(hub, q.v[i]);
	}
	queue_clear(&q);
}

static struct frame *
frame_new(const struct event_id *id, const char *tag, const char *json,
    size_t len)
{
	struct frame	*f;
	size_t		 size;
	int		 n;

	size = sse_wire_event_size(SSE_HUB_EVENT_TYPE, len);
	if ((f = malloc(sizeof(*f) + size)) == NULL)
		return (NULL);
	n = sse_wire_event(f->text, size, id, SSE_HUB_EVENT_TYPE, json, len);
	if (n < 0) {
		free(f);
		return (NULL);
	}
	f->refs = 1;
	f->id = *id;
	f->len = (size_t)n;
	memcpy(f->tag, tag, strlen(tag) + 1);
	return (f);
}

struct sse_hub *
sse_hub_new(const struct sse_hub_config *cfg, const struct sse_hub_host *host,
    struct io_loop *loop, struct sse_hub_stats *stats)
{
	struct sse_hub	*hub;

	if ((hub = calloc(1, sizeof(*hub))) == NULL)
		return (NULL);
	hub->cfg = *cfg;
	hub->host = *host;
	hub->loop = loop;
	hub->stats = stats;
	TAILQ_INIT(&hub->clients);
	hub->next_heartbeat_ms = io_loop_now(loop) + cfg->heartbeat_ms;
	return (hub);
}

void
sse_hub_free(struct sse_hub *hub)
{
	struct sse_client	*c;

	if (hub == NULL)
		return;
	if (hub->catchup != NULL)
		hub->host.cancel(hub->host.arg, hub->catchup);
	queue_clear(&hub->held);
	while ((c = TAILQ_FIRST(&hub->clients)) != NULL) {
		TAILQ_REMOVE(&hub->clients, c, link);
		if (c->op != NULL)
			hub->host.cancel(hub->host.arg, c->op);
		queue_clear(&c->held);
		free(c);
	}
	stat_set(&hub->stats->clients, 0);
	stat_set(&hub->stats->replaying, 0);
	free(hub);
}

int
sse_hub_full(const struct sse_hub *hub)
{
	return (hub->nclients >= hub->cfg.max_clients);
}

size_t
sse_hub_clients(const struct sse_hub *hub)
{
	return (hub->nclients);
}

struct sse_client *
sse_hub_add(struct sse_hub *hub, void *handle, const char *tag,
    const char *last_event_id)
{
	struct sse_client	*c;

	if (sse_hub_full(hub)) {
		stat_add(&hub->stats->rejected_total, 1);
		return (NULL);
	}
	if (tag != NULL && *tag != '\0' && !spool_tag_valid(tag, strlen(tag)))
		return (NULL);
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return (NULL);
	c->hub = hub;
	c->handle = handle;
	c->state = CLIENT_NEW;
	if (tag != NULL)
		memcpy(c->tag, tag, strlen(tag) + 1);
	if (last_event_id == NULL ||
	    last_event_id[strspn(last_event_id, " \t")] == '\0')
		c->after_kind = AFTER_NONE;
	else if (sse_wire_last_event_id(last_event_id, &c->after) == 0)
		c->after_kind = AFTER_ID;
	else
		c->after_kind = AFTER_BAD;
	TAILQ_INSERT_TAIL(&hub->clients, c, link);
	hub->nclients++;
	stat_set(&hub->stats->clients, hub->nclients);
	stat_add(&hub->stats->connects_total, 1);
	return (c);
}

/* One replayed event: written if the client lacks it and wants it. */
static int
client_replay_entry(struct sse_hub *hub, struct sse_client *c,
    const struct event_log_entry *e, uint64_t now)
{
	struct event_id	id;
	char		tag[SPOOL_TAG_MAX + 1];
	int		n;

	if (event_id_cmp(&e->id, &c->last) <= 0)
		return (0);
	if (c->tag[0] != '\0') {
		if (event_parse(hub, e->json, e->len, &id, tag,
		    sizeof(tag)) == -1)
			goto invalid;
		if (!matches(c, tag)) {
			c->last = e->id;
			return (0);
		}
	}
	n = sse_wire_event(hub->scratch, sizeof(hub->scratch), &e->id,
	    SSE_HUB_EVENT_TYPE, e->json, e->len);
	if (n < 0)
		goto invalid;
	c->grace += (size_t)n;
	return (client_event(hub, c, &e->id, hub->scratch, (size_t)n, now));
invalid:
	stat_add(&hub->stats->events_invalid_total, 1);
	c->last = e->id;
	return (0);
}

/* Writes the replayed events the client lacks, then the held ones. */
static void
client_replayed(void *arg, const struct event_log_reply *r)
{
	struct sse_client	*c = arg;
	struct sse_hub		*hub = c->hub;
	struct frame_queue	 q;
	uint64_t		 now = io_loop_now(hub->loop);
	size_t			 i;

	set_replaying(hub, c, 0);
	if (r->result == EVENT_LOG_ERROR) {
		client_drop(hub, c, SSE_DROP_REPLAY_FAILED);
		return;
	}
	if (r->result == EVENT_LOG_RESET && client_reset(hub, c,
	    event_id_is_zero(&r->id) ? NULL : &r->id, RESET_HISTORY,
	    now) == -1)
		return;
	for (i = 0; i < r->n; i++) {
		if (client_replay_entry(hub, c, &r->entries[i], now) == -1)
			return;
	}
	q = c->held;
	memset(&c->held, 0, sizeof(c->held));
	for (i = 0; i < q.n; i++) {
		if (event_id_cmp(&q.v[i]->id, &c->last) <= 0)
			continue;
		c->grace += q.v[i]->len;
		if (client_event(hub, c, &q.v[i]->id, q.v[i]->text,
		    q.v[i]->len, now) == -1)
			break;
	}
	if (c->state == CLIENT_REPLAYING)
		c->state = CLIENT_LIVE;
	queue_clear(&q);
}

void
sse_hub_start(struct sse_hub *hub, struct sse_client *c)
{
	uint64_t	now = io_loop_now(hub->loop);
	int		n;

	if (c->state != CLIENT_NEW)
		return;
	c->state = CLIENT_LIVE;
	n = sse_wire_retry(hub->scratch, sizeof(hub->scratch),
	    hub->cfg.retry_ms);
	if (client_write(hub, c, hub->scratch, (size_t)n, now) == -1)
		return;
	if (c->after_kind == AFTER_BAD) {
		client_reset(hub, c, event_id_is_zero(&hub->last) ? NULL :
		    &hub->last, RESET_BAD_ID, now);
		return;
	}
	if (c->after_kind == AFTER_NONE)
		return;
	c->last = c->after;
	stat_add(&hub->stats->replays_total, 1);
	set_replaying(hub, c, 1);
	c->op = hub->host.fetch(hub->host.arg, &c->after,
	    now + hub->cfg.replay_timeout_ms, client_replayed, c);
	if (c->op == NULL) {
		set_replaying(hub, c, 0);
		client_drop(hub, c, SSE_DROP_REPLAY_FAILED);
	}
}

void
sse_hub_remove(struct sse_hub *hub, struct sse_client *c)
{
	if (c->op != NULL) {
		hub->host.cancel(hub->host.arg, c->op);
		set_replaying(hub, c, 0);
	}
	queue_clear(&c->held);
	TAILQ_REMOVE(&hub->clients, c, link);
	hub->nclients--;
	stat_set(&hub->stats->clients, hub->nclients);
	free(c);
}

/* Dispatches what the worker missed, then the live events held. */
static void
caught_up(void *arg, const struct event_log_reply *r)
{
	struct sse_hub		*hub = arg;
	const struct event_log_entry *e;
	struct frame		*f;
	struct event_id		 id;
	char			 tag[SPOOL_TAG_MAX + 1];
	size_t			 i;

	hub->catchup = NULL;
	if (r->result == EVENT_LOG_ERROR) {
		reset_all(hub, NULL, RESET_RESUBSCRIBED);
	} else if (r->result == EVENT_LOG_RESET) {
		reset_all(hub, event_id_is_zero(&r->id) ? NULL : &r->id,
		    RESET_RESUBSCRIBED);
		if (event_id_cmp(&r->id, &hub->last) > 0)
			hub->last = r->id;
	}
	for (i = 0; i < r->n; i++) {
		e = &r->entries[i];
		if (event_id_cmp(&e->id, &hub->last) <= 0)
			continue;
		if (event_parse(hub, e->json, e->len, &id, tag,
		    sizeof(tag)) == -1 || (f = frame_new(&e->id, tag, e->json,
		    e->len)) == NULL) {
			stat_add(&hub->stats->events_invalid_total, 1);
			continue;
		}
		dispatch(hub, f);
		frame_release(f);
	}
	dispatch_held(hub);
}

void
sse_hub_resubscribed(struct sse_hub *hub)
{
	uint64_t	now = io_loop_now(hub->loop);

	/* A second loss during a catch-up: fetch again, from the same id. */
	if (hub->catchup != NULL) {
		hub->host.cancel(hub->host.arg, hub->catchup);
		hub->catchup = NULL;
	}
	if (event_id_is_zero(&hub->last)) {
		/* No event seen yet: nothing to replay from. */
		reset_all(hub, NULL, RESET_RESUBSCRIBED);
		dispatch_held(hub);
		return;
	}
	stat_add(&hub->stats->catchups_total, 1);
	hub->catchup = hub->host.fetch(hub->host.arg, &hub->last,
	    now + hub->cfg.replay_timeout_ms, caught_up, hub);
	if (hub->catchup == NULL) {
		reset_all(hub, NULL, RESET_RESUBSCRIBED);
		dispatch_held(hub);
	}
}

void
sse_hub_publish(struct sse_hub *hub, const char *payload, size_t len)
{
	struct frame	*f;
	struct event_id	 id;
	char		 tag[SPOOL_TAG_MAX + 1];

	if (event_parse(hub, payload, len, &id, tag, sizeof(tag)) == -1 ||
	    (f = frame_new(&id, tag, payload, len)) == NULL) {
		stat_add(&hub->stats->events_invalid_total, 1);
		return;
	}
	if (event_id_cmp(&id, &hub->last) <= 0) {
		stat_add(&hub->stats->events_duplicate_total, 1);
		frame_release(f);
		return;
	}
	stat_add(&hub->stats->events_in_total, 1);
	if (hub->catchup != NULL) {
		if (queue_push(&hub->held, f, hub->cfg.pending_max) == 0) {
			frame_release(f);
			return;
		}
		/*
		 * Too much arrived while catching up: give up on it.  The
		 * clients reload, which covers what was held, and go on live
		 * from this event.
		 */
		hub->host.cancel(hub->host.arg, hub->catchup);
		hub->catchup = NULL;
		queue_clear(&hub->held);
		reset_all(hub, NULL, RESET_RESUBSCRIBED);
	}
	dispatch(hub, f);
	frame_release(f);
}

void
sse_hub_tick(struct sse_hub *hub, uint64_t now_ms)
{
	struct sse_client	*c;
	int			 n;

	if (now_ms < hub->next_heartbeat_ms)
		return;
	hub->next_heartbeat_ms = now_ms + hub->cfg.heartbeat_ms;
	n = sse_wire_comment(hub->scratch, sizeof(hub->scratch),
	    HEARTBEAT_TEXT);
	TAILQ_FOREACH(c, &hub->clients, link) {
		if ((c->state == CLIENT_LIVE || c->state == CLIENT_REPLAYING) &&
		    client_write(hub, c, hub->scratch, (size_t)n, now_ms) == 0)
			stat_add(&hub->stats->heartbeats_total, 1);
	}
}
