/*
 * A request's wait for this worker's Redis snapshot (lib/redis: at most
 * one CLIENT LIST and one INFO per REDIS_SNAPSHOT_MAX_AGE_MS however often
 * the operational routes are polled): requests that arrive while a
 * refresh runs sleep until it ends, and all get its result.
 */
#include <stdlib.h>

#include "redis_snapshot.h"
#include "zeues.h"

struct snapshot_request {
	struct redis_snapshot_wait	 w;
	struct http_request		*req;
};

static struct redis_snapshots	*snapshots;
static struct pool_totals	 taken_pool[REDIS_SNAPSHOT_KINDS];

/* The pool at the moment of the reply, for /api/redis-connection-stats. */
static void
snapshot_taken(void *arg, enum redis_snapshot_kind kind,
    const struct redis_snapshot *s)
{
	(void)arg;
	(void)s;
	pool_totals_sum(zeues_stats, (uint64_t)zeues_cfg.redis_budget,
	    &taken_pool[kind]);
}

static void
snapshot_wake(void *arg)
{
	struct snapshot_request	*sr = arg;

	http_request_wakeup(sr->req);
}

static void
snapshot_request_free(struct http_request *req)
{
	struct snapshot_request	*sr = req->hdlr_extra;

	if (sr == NULL)
		return;
	/* The refresh goes on: the next request will use it. */
	if (snapshots != NULL)
		redis_snapshot_wait_cancel(snapshots, &sr->w);
	free(sr);
	req->hdlr_extra = NULL;
}

static struct redis_snapshots *
snapshots_get(void)
{
	struct redis_snapshot_config	c;
	uint64_t			deadline;

	if (snapshots != NULL)
		return (snapshots);
	/* As http_redis_deadline(redis_socket_timeout) does. */
	deadline = (uint64_t)zeues_cfg.request_deadline_ms;
	if (zeues_cfg.redis_socket_timeout_ms > 0 &&
	    (uint64_t)zeues_cfg.redis_socket_timeout_ms < deadline)
		deadline = (uint64_t)zeues_cfg.redis_socket_timeout_ms;
	c.pool = zw.pool;
	c.loop = zw.loop;
	c.client_prefix = zw.client_prefix;
	c.max_age_ms = REDIS_SNAPSHOT_MAX_AGE_MS;
	c.timeout_ms = deadline;
	c.taken = snapshot_taken;
	c.arg = NULL;
	snapshots = redis_snapshots_new(&c);
	return (snapshots);
}

const struct redis_snapshot *
redis_snapshot_step(struct http_request *req, enum redis_snapshot_kind kind)
{
	static struct redis_snapshot	 no_memory = {
		.taken_ms = 1,
		.status = REDIS_POOL_OVERLOADED,
		.error = "out of memory",
	};
	struct redis_snapshots		*rs;
	struct snapshot_request		*sr = req->hdlr_extra;
	const struct redis_snapshot	*s;

	if ((rs = snapshots_get()) == NULL)
		return (&no_memory);
	if (sr != NULL) {
		if (!sr->w.waiting)
			return (redis_snapshot_as_is(rs, kind));
		http_request_sleep(req);
		return (NULL);
	}
	/* Out of memory: answer with what there is rather than die. */
	if ((sr = calloc(1, sizeof(*sr))) == NULL)
		return (redis_snapshot_as_is(rs, kind));
	sr->req = req;
	sr->w.done = snapshot_wake;
	sr->w.arg = sr;
	if ((s = redis_snapshot_get(rs, kind, &sr->w)) != NULL) {
		free(sr);
		return (s);
	}
	req->hdlr_extra = sr;
	req->flags |= HTTP_REQUEST_RETAIN_EXTRA;
	req->onfree = snapshot_request_free;
	http_request_sleep(req);
	return (NULL);
}

const struct pool_totals *
redis_snapshot_pool(enum redis_snapshot_kind kind)
{
	return (&taken_pool[kind]);
}

uint64_t
redis_snapshot_age(const struct redis_snapshot *s)
{
	return (snapshots != NULL ? redis_snapshot_age_ms(snapshots, s) : 0);
}

void
redis_snapshot_stop(void)
{
	redis_snapshots_free(snapshots);
	snapshots = NULL;
}
