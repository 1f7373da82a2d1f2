#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redis_snapshot.h"

TAILQ_HEAD(redis_snapshot_waits, redis_snapshot_wait);

struct snapshot_slot {
	struct redis_snapshots		*owner;
	enum redis_snapshot_kind	 kind;
	struct redis_snapshot		 snap;
	struct redis_cmd		*cmd;	/* the refresh in flight */
	struct redis_snapshot_waits	 waiting;
};

struct redis_snapshots {
	struct redis_snapshot_config	 cfg;
	struct snapshot_slot		 slots[REDIS_SNAPSHOT_KINDS];
};

struct redis_snapshots *
redis_snapshots_new(const struct redis_snapshot_config *cfg)
{
	struct redis_snapshots	*rs;
	int			 i;

	if ((rs = calloc(1, sizeof(*rs))) == NULL)
		return (NULL);
	rs->cfg = *cfg;
	for (i = 0; i < REDIS_SNAPSHOT_KINDS; i++) {
		rs->slots[i].owner = rs;
		rs->slots[i].kind = (enum redis_snapshot_kind)i;
		TAILQ_INIT(&rs->slots[i].waiting);
	}
	return (rs);
}

void
redis_snapshots_free(struct redis_snapshots *rs)
{
	struct redis_snapshot_wait	*w;
	int				 i;

	if (rs == NULL)
		return;
	for (i = 0; i < REDIS_SNAPSHOT_KINDS; i++) {
		if (rs->slots[i].cmd != NULL)
			redis_pool_cancel(rs->slots[i].cmd);
		while ((w = TAILQ_FIRST(&rs->slots[i].waiting)) != NULL) {
			TAILQ_REMOVE(&rs->slots[i].waiting, w, link);
			w->waiting = 0;
		}
		free(rs->slots[i].snap.info);
	}
	free(rs);
}

static void
snapshot_fill(struct snapshot_slot *slot, enum redis_pool_status st,
    const redisReply *r)
{
	struct redis_snapshots	*rs = slot->owner;
	struct redis_snapshot	*s = &slot->snap;
	const char		*err = NULL;

	s->taken_ms = io_loop_now(rs->cfg.loop);
	s->status = st;
	free(s->info);
	s->info = NULL;
	memset(&s->clients, 0, sizeof(s->clients));

	if (st != REDIS_POOL_OK)
		err = *redis_pool_last_error(rs->cfg.pool) != '\0' ?
		    redis_pool_last_error(rs->cfg.pool) :
		    redis_pool_status_name(st);
	else if (r->type == REDIS_REPLY_ERROR)
		err = r->str != NULL ? r->str : "error reply";
	else if (r->type != REDIS_REPLY_STRING || r->str == NULL)
		err = "unexpected reply";
	else if (slot->kind == REDIS_SNAPSHOT_CLIENTS)
		redis_client_list_count(r->str, rs->cfg.client_prefix,
		    &s->clients);
	else if ((s->info = strndup(r->str, r->len)) == NULL)
		err = "out of memory";
	snprintf(s->error, sizeof(s->error), "%s", err != NULL ? err : "");
	/* After the reply, so both sides describe the same moment. */
	if (rs->cfg.taken != NULL)
		rs->cfg.taken(rs->cfg.arg, slot->kind, s);
}

static void
snapshot_reply(void *arg, enum redis_pool_status st, const redisReply *r)
{
	struct snapshot_slot		*slot = arg;
	struct redis_snapshot_wait	*w;

	slot->cmd = NULL;
	snapshot_fill(slot, st, r);
	while ((w = TAILQ_FIRST(&slot->waiting)) != NULL) {
		TAILQ_REMOVE(&slot->waiting, w, link);
		w->waiting = 0;
		w->done(w->arg);
	}
}

/* 0 when the refresh could not start; the snapshot says why. */
static int
snapshot_refresh(struct snapshot_slot *slot)
{
	static const char	*client_list[] = { "CLIENT", "LIST" };
	static const char	*info[] = { "INFO" };
	struct redis_snapshots	*rs = slot->owner;
	uint64_t		 deadline;
	enum redis_pool_status	 why;

	deadline = io_loop_now(rs->cfg.loop) + rs->cfg.timeout_ms;
	if (slot->kind == REDIS_SNAPSHOT_CLIENTS)
		slot->cmd = redis_pool_submit(rs->cfg.pool, snapshot_reply,
		    slot, deadline, 2, client_list, NULL, &why);
	else
		slot->cmd = redis_pool_submit(rs->cfg.pool, snapshot_reply,
		    slot, deadline, 1, info, NULL, &why);
	if (slot->cmd == NULL) {
		snapshot_fill(slot, why, NULL);
		return (0);
	}
	return (1);
}

uint64_t
redis_snapshot_age_ms(struct redis_snapshots *rs,
    const struct redis_snapshot *s)
{
	uint64_t	now = io_loop_now(rs->cfg.loop);

	return (now > s->taken_ms ? now - s->taken_ms : 0);
}

/*
 * When Redis goes or comes back, the next caller refreshes at once (a
 * refresh while the pool is down costs Redis nothing).
 */
static int
snapshot_fresh(struct redis_snapshots *rs, const struct redis_snapshot *s)
{
	int	saw_up = s->status != REDIS_POOL_UNAVAILABLE;

	return (s->taken_ms != 0 &&
	    redis_snapshot_age_ms(rs, s) < rs->cfg.max_age_ms &&
	    saw_up == redis_pool_is_up(rs->cfg.pool));
}

const struct redis_snapshot *
redis_snapshot_get(struct redis_snapshots *rs, enum redis_snapshot_kind kind,
    struct redis_snapshot_wait *w)
{
	struct snapshot_slot	*slot = &rs->slots[kind];

	if (snapshot_fresh(rs, &slot->snap))
		return (&slot->snap);
	if (slot->cmd == NULL && !snapshot_refresh(slot))
		return (&slot->snap);
	w->kind = kind;
	w->waiting = 1;
	TAILQ_INSERT_TAIL(&slot->waiting, w, link);
	return (NULL);
}

void
redis_snapshot_wait_cancel(struct redis_snapshots *rs,
    struct redis_snapshot_wait *w)
{
	if (!w->waiting)
		return;
	TAILQ_REMOVE(&rs->slots[w->kind].waiting, w, link);
	w->waiting = 0;
}

const struct redis_snapshot *
redis_snapshot_as_is(struct redis_snapshots *rs, enum redis_snapshot_kind kind)
{
	struct snapshot_slot	*slot = &rs->slots[kind];

	if (slot->snap.taken_ms == 0)
		snapshot_fill(slot, REDIS_POOL_OVERLOADED, NULL);
	return (&slot->snap);
}
