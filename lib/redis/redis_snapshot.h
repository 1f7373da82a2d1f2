/*
 * What the Redis server itself reports (CLIENT LIST, INFO) for the
 * operational routes, fetched at most once per max_age_ms however often
 * they are polled: their cost in Redis grows with Redis's client count,
 * and a scraper or a stuck dashboard must not multiply it.  One refresh
 * per kind at a time (single flight): callers that ask while it runs wait
 * for it and all get its result.
 */
#ifndef ZEUES_REDIS_SNAPSHOT_H
#define ZEUES_REDIS_SNAPSHOT_H

#include <sys/queue.h>

#include <stdint.h>

#include "io_loop.h"
#include "redis_pool.h"
#include "redis_text.h"

enum redis_snapshot_kind {
	REDIS_SNAPSHOT_CLIENTS,		/* CLIENT LIST, counted */
	REDIS_SNAPSHOT_INFO,
	REDIS_SNAPSHOT_KINDS
};

struct redis_snapshot {
	uint64_t		 taken_ms;	/* loop clock; 0: never */
	enum redis_pool_status	 status;
	char			 error[REDIS_POOL_ERR_MAX];	/* "": ok */
	struct client_count	 clients;	/* REDIS_SNAPSHOT_CLIENTS */
	char			*info;		/* REDIS_SNAPSHOT_INFO */
};

/* taken runs as each snapshot is filled, before any waiter is told. */
typedef void	redis_snapshot_taken_fn(void *arg, enum redis_snapshot_kind,
		    const struct redis_snapshot *);

struct redis_snapshot_config {
	struct redis_pool	*pool;
	struct io_loop		*loop;
	const char		*client_prefix;	/* ours, in CLIENT LIST */
	uint64_t		 max_age_ms;
	uint64_t		 timeout_ms;	/* of one refresh */
	redis_snapshot_taken_fn	*taken;		/* may be NULL */
	void			*arg;
};

/* A caller waiting for a refresh; its storage, linked while waiting. */
struct redis_snapshot_wait {
	TAILQ_ENTRY(redis_snapshot_wait)	 link;
	void					(*done)(void *arg);
	void					*arg;
	enum redis_snapshot_kind		 kind;
	int					 waiting;
};

struct redis_snapshots;

struct redis_snapshots	*redis_snapshots_new(
			    const struct redis_snapshot_config *);
/* Cancels the refreshes; waiters are unlinked and never told. */
void			 redis_snapshots_free(struct redis_snapshots *);

/*
 * The snapshot when it is fresh: young enough, and taken while the pool
 * was in the state it is in now.  Otherwise w waits (a refresh starts if
 * none runs) and NULL is returned; w->done runs when it ends, never from
 * inside this call.  A refresh that cannot even start ends at once: then
 * the (failed) snapshot is returned and w does not wait.
 */
const struct redis_snapshot	*redis_snapshot_get(struct redis_snapshots *,
				    enum redis_snapshot_kind,
				    struct redis_snapshot_wait *);
/* Stops w waiting (the refresh goes on for the next caller). */
void				 redis_snapshot_wait_cancel(
				    struct redis_snapshots *,
				    struct redis_snapshot_wait *);
/*
 * The snapshot as it is, without waiting, for a caller out of memory: one
 * never taken is marked failed (REDIS_POOL_OVERLOADED) first.
 */
const struct redis_snapshot	*redis_snapshot_as_is(
				    struct redis_snapshots *,
				    enum redis_snapshot_kind);
uint64_t			 redis_snapshot_age_ms(
				    struct redis_snapshots *,
				    const struct redis_snapshot *);

#endif
