/*
 * What the Redis server itself reports (CLIENT LIST, INFO) for the
 * operational routes, fetched at most once per REDIS_SNAPSHOT_MAX_AGE_MS
 * per worker however often /api/health, /api/redis-health,
 * /api/redis-connection-stats and /metrics are polled: their cost in Redis
 * grows with Redis's client count, and a scraper or a stuck dashboard
 * must not multiply it.  One refresh at a time (single flight): requests
 * that arrive while it runs sleep until it ends, and all get its result.
 */
#include <sys/queue.h>

#include <stdlib.h>
#include <string.h>

#include "zeues.h"

struct snapshot_wait {
	TAILQ_ENTRY(snapshot_wait)	 link;
	struct http_request		*req;
	struct snapshot_slot		*slot;
	int				 done;
};

TAILQ_HEAD(snapshot_waits, snapshot_wait);

struct snapshot_slot {
	enum redis_snapshot_kind	 kind;
	struct redis_snapshot		 snap;
	struct redis_cmd		*cmd;	/* the refresh in flight */
	struct snapshot_waits		 waiting;
	int				 ready;	/* waiting initialised */
};

static struct snapshot_slot	slots[REDIS_SNAPSHOT_KINDS];

static void
snapshot_fill(struct snapshot_slot *slot, enum redis_pool_status st,
    const redisReply *r)
{
	struct redis_snapshot	*s = &slot->snap;
	const char		*err = NULL;

	s->taken_ms = kore_io_loop_now();
	s->status = st;
	free(s->info);
	s->info = NULL;
	memset(&s->clients, 0, sizeof(s->clients));
	/* Read after the reply, so both sides describe the same moment. */
	pool_totals_sum(zeues_stats, (uint64_t)zeues_cfg.redis_budget,
	    &s->pool);

	if (st != REDIS_POOL_OK)
		err = *redis_pool_last_error(zw.pool) != '\0' ?
		    redis_pool_last_error(zw.pool) :
		    redis_pool_status_name(st);
	else if (r->type == REDIS_REPLY_ERROR)
		err = r->str != NULL ? r->str : "error reply";
	else if (r->type != REDIS_REPLY_STRING || r->str == NULL)
		err = "unexpected reply";
	else if (slot->kind == REDIS_SNAPSHOT_CLIENTS)
		redis_client_list_count(r->str, zw.client_prefix, &s->clients);
	else if ((s->info = strndup(r->str, r->len)) == NULL)
		err = "out of memory";
	snprintf(s->error, sizeof(s->error), "%s", err != NULL ? err : "");
}

static void
snapshot_done(struct snapshot_slot *slot, enum redis_pool_status st,
    const redisReply *r)
{
	struct snapshot_wait	*w;

	slot->cmd = NULL;
	snapshot_fill(slot, st, r);
	while ((w = TAILQ_FIRST(&slot->waiting)) != NULL) {
		TAILQ_REMOVE(&slot->waiting, w, link);
		w->done = 1;
		http_request_wakeup(w->req);
	}
}

static void
snapshot_reply(void *arg, enum redis_pool_status st, const redisReply *r)
{
	snapshot_done(arg, st, r);
}

static void
snapshot_wait_free(struct http_request *req)
{
	struct snapshot_wait	*w = req->hdlr_extra;

	if (w == NULL)
		return;
	/* The refresh goes on: the next request will use it. */
	if (!w->done)
		TAILQ_REMOVE(&w->slot->waiting, w, link);
	free(w);
	req->hdlr_extra = NULL;
}

static void
snapshot_refresh(struct snapshot_slot *slot)
{
	static const char	*client_list[] = { "CLIENT", "LIST" };
	static const char	*info[] = { "INFO" };
	enum redis_pool_status	 why;

	if (slot->kind == REDIS_SNAPSHOT_CLIENTS)
		slot->cmd = redis_pool_submit(zw.pool, snapshot_reply, slot,
		    http_redis_deadline(
		    (uint64_t)zeues_cfg.redis_socket_timeout_ms), 2,
		    client_list, NULL, &why);
	else
		slot->cmd = redis_pool_submit(zw.pool, snapshot_reply, slot,
		    http_redis_deadline(
		    (uint64_t)zeues_cfg.redis_socket_timeout_ms), 1, info,
		    NULL, &why);
	if (slot->cmd == NULL)
		snapshot_done(slot, why, NULL);
}

/*
 * Young enough, and taken while the pool was in the state it is in now:
 * when Redis goes or comes back, the next request refreshes at once (a
 * refresh while the pool is down costs Redis nothing).
 */
static int
snapshot_fresh(const struct redis_snapshot *s)
{
	int	saw_up = s->status != REDIS_POOL_UNAVAILABLE;

	return (s->taken_ms != 0 &&
	    redis_snapshot_age_ms(s) < REDIS_SNAPSHOT_MAX_AGE_MS &&
	    saw_up == redis_pool_is_up(zw.pool));
}

const struct redis_snapshot *
redis_snapshot_step(struct http_request *req, enum redis_snapshot_kind kind)
{
	struct snapshot_slot	*slot = &slots[kind];
	struct snapshot_wait	*w = req->hdlr_extra;

	if (!slot->ready) {
		slot->kind = kind;
		TAILQ_INIT(&slot->waiting);
		slot->ready = 1;
	}
	if (w != NULL) {
		if (w->done)
			return (&slot->snap);
		http_request_sleep(req);
		return (NULL);
	}
	if (snapshot_fresh(&slot->snap))
		return (&slot->snap);

	/* Out of memory: answer with what there is rather than die. */
	if ((w = calloc(1, sizeof(*w))) == NULL) {
		if (slot->snap.taken_ms == 0)
			snapshot_fill(slot, REDIS_POOL_OVERLOADED, NULL);
		return (&slot->snap);
	}
	w->req = req;
	w->slot = slot;
	req->hdlr_extra = w;
	req->flags |= HTTP_REQUEST_RETAIN_EXTRA;
	req->onfree = snapshot_wait_free;
	TAILQ_INSERT_TAIL(&slot->waiting, w, link);
	if (slot->cmd == NULL)
		snapshot_refresh(slot);
	if (w->done)
		return (&slot->snap);
	http_request_sleep(req);
	return (NULL);
}

uint64_t
redis_snapshot_age_ms(const struct redis_snapshot *s)
{
	uint64_t	now = kore_io_loop_now();

	return (now > s->taken_ms ? now - s->taken_ms : 0);
}

void
redis_snapshot_stop(void)
{
	struct snapshot_wait	*w;
	size_t			 i;

	for (i = 0; i < REDIS_SNAPSHOT_KINDS; i++) {
		if (slots[i].cmd != NULL)
			redis_pool_cancel(slots[i].cmd);
		slots[i].cmd = NULL;
		while (slots[i].ready &&
		    (w = TAILQ_FIRST(&slots[i].waiting)) != NULL) {
			TAILQ_REMOVE(&slots[i].waiting, w, link);
			w->done = 1;
		}
		free(slots[i].snap.info);
		slots[i].snap.info = NULL;
	}
}
