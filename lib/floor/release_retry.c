/* Lock releases retried until Redis answers; see release_retry.h. */
#include <sys/queue.h>

#include <stdio.h>
#include <stdlib.h>

#include "redis_lock.h"
#include "release_retry.h"

#define RELEASE_RETRY_MS	1000
#define RELEASE_GIVE_UP_MS	(10 * 60 * 1000)

struct pending_release {
	TAILQ_ENTRY(pending_release)	 entry;
	struct release_retry		*owner;
	char				 tag[SPOOL_TAG_MAX + 1];
	char				 value[LOCK_VALUE_MAX];
	uint64_t			 next_ms;
	uint64_t			 until_ms;
	struct lock_op			*op;
};

struct release_retry {
	struct io_loop				*loop;
	struct redis_pool			*pool;
	uint64_t				 timeout_ms;
	const struct log_sink			*log;
	TAILQ_HEAD(, pending_release)		 pending;
};

struct release_retry *
release_retry_new(struct io_loop *loop, struct redis_pool *pool,
    uint64_t redis_timeout_ms, const struct log_sink *log)
{
	struct release_retry	*rr;

	if ((rr = calloc(1, sizeof(*rr))) == NULL)
		return (NULL);
	rr->loop = loop;
	rr->pool = pool;
	rr->timeout_ms = redis_timeout_ms;
	rr->log = log;
	TAILQ_INIT(&rr->pending);
	return (rr);
}

void
release_retry_free(struct release_retry *rr)
{
	struct pending_release	*p;

	if (rr == NULL)
		return;
	while ((p = TAILQ_FIRST(&rr->pending)) != NULL) {
		TAILQ_REMOVE(&rr->pending, p, entry);
		if (p->op != NULL)
			lock_cancel(p->op);
		free(p);
	}
	free(rr);
}

void
release_retry_add(struct release_retry *rr, const char *tag,
    const char *value)
{
	struct pending_release	*p;
	uint64_t		 now = io_loop_now(rr->loop);

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		log_sink_printf(rr->log, LOG_LEVEL_WARNING, "%s: lock not "
		    "released after a failed change; reconciliation will "
		    "clear it", tag);
		return;
	}
	p->owner = rr;
	snprintf(p->tag, sizeof(p->tag), "%s", tag);
	snprintf(p->value, sizeof(p->value), "%s", value);
	p->next_ms = now + RELEASE_RETRY_MS;
	p->until_ms = now + RELEASE_GIVE_UP_MS;
	TAILQ_INSERT_TAIL(&rr->pending, p, entry);
	log_sink_printf(rr->log, LOG_LEVEL_WARNING, "%s: lock not released "
	    "after a failed change (Redis unavailable); retrying until Redis "
	    "answers", tag);
}

static void
pending_release_done(void *arg, const struct lock_reply *r)
{
	struct pending_release	*p = arg;
	struct release_retry	*rr = p->owner;

	p->op = NULL;
	if (r->result == LOCK_ERROR) {
		p->next_ms = io_loop_now(rr->loop) + RELEASE_RETRY_MS;
		return;
	}
	if (r->result == LOCK_OK)
		log_sink_printf(rr->log, LOG_LEVEL_INFO, "%s: lock of a failed "
		    "change released after Redis came back", p->tag);
	TAILQ_REMOVE(&rr->pending, p, entry);
	free(p);
}

void
release_retry_tick(struct release_retry *rr, uint64_t now)
{
	struct pending_release	*p, *next;
	enum redis_pool_status	 why;

	for (p = TAILQ_FIRST(&rr->pending); p != NULL; p = next) {
		next = TAILQ_NEXT(p, entry);
		if (p->op != NULL || now < p->next_ms)
			continue;
		if (now >= p->until_ms) {
			log_sink_printf(rr->log, LOG_LEVEL_WARNING, "%s: gave "
			    "up releasing the lock of a failed change; "
			    "reconciliation will clear it", p->tag);
			TAILQ_REMOVE(&rr->pending, p, entry);
			free(p);
			continue;
		}
		p->next_ms = now + RELEASE_RETRY_MS;
		if (!redis_pool_is_up(rr->pool))
			continue;
		p->op = lock_release(rr->pool, p->tag, p->value, now +
		    rr->timeout_ms, pending_release_done, p, &why);
	}
}
