/*
 * The Redis side of a read cache shared by the deployment (sheets_cache.h,
 * shared mode): a refresh lease and the last snapshot per spreadsheet.
 *
 * A worker whose tables are too old asks (cache_share_ask()): it gets a
 * snapshot younger than it will take and other than the one it holds
 * (ADOPT), or the lease to read Sheets itself (LEASED), or neither while
 * another worker holds the lease (BUSY; ask again soon).  The lease holder
 * stores what it read (cache_share_store(), dated on the Redis clock: the
 * lease's grant plus the time until the read was sent), which releases
 * the lease; a failed read keeps the lease a little while instead
 * (cache_share_release()), so a Sheets outage costs the deployment one
 * read per retry, not one per worker.  A holder that dies leaves the lease
 * to expire after lease_ms.  Every date is Redis' (TIME): the workers'
 * clocks never meet.
 *
 * Keys: zeues:sheets_cache:<id>:snapshot (a hash: gen, at, data, expiring
 * after keep_ms), :lease, :gen (the generation counter, which outlives
 * the snapshot so generations never repeat).
 */
#ifndef ZEUES_CACHE_SHARE_H
#define ZEUES_CACHE_SHARE_H

#include <stddef.h>
#include <stdint.h>

#include "io_loop.h"
#include "redis_pool.h"

enum cache_share_answer {
	CACHE_SHARE_ADOPT,		/* a snapshot: data, generation, age */
	CACHE_SHARE_LEASED,		/* read Sheets; redis_ms dates it */
	CACHE_SHARE_BUSY,		/* another worker is reading */
	CACHE_SHARE_FAILED,		/* Redis did not answer; see error */
};

struct cache_share_reply {
	enum cache_share_answer	 answer;
	uint64_t		 generation;
	uint64_t		 age_ms;
	const char		*data;		/* valid during the call */
	size_t			 len;
	uint64_t		 redis_ms;
	const char		*error;
};

typedef void	cache_share_fn(void *arg, const struct cache_share_reply *);
/* A store ended: the snapshot's generation, or 0 with error set. */
typedef void	cache_share_stored_fn(void *arg, uint64_t generation,
		    const char *error);

struct cache_share_config {
	struct redis_pool	*pool;
	struct io_loop		*loop;
	const char		*spreadsheet_id;
	uint64_t		 redis_timeout_ms;	/* per command */
	uint64_t		 lease_ms;
	cache_share_stored_fn	*stored;		/* optional */
	void			*arg;
};

struct cache_share;

/* NULL when out of memory or the id is too long. */
struct cache_share	*cache_share_new(const struct cache_share_config *);
/* Drops what is in flight without calling back. */
void			 cache_share_free(struct cache_share *);

/*
 * One question at a time; cb runs once, never from inside.  A snapshot
 * of generation known_gen is ours already and not offered.  -1: not
 * asked (one in flight, or the pool refused), cb will not run.
 */
int	cache_share_ask(struct cache_share *, uint64_t max_age_ms,
	    uint64_t known_gen, cache_share_fn *cb, void *arg);
void	cache_share_cancel(struct cache_share *);

/*
 * Stores data (copied) as read at redis_ms unless a newer snapshot is
 * there, and releases our lease.  -1: not sent (a store in flight).
 */
int	cache_share_store(struct cache_share *, uint64_t redis_ms,
	    const char *data, size_t len, uint64_t keep_ms);
/* Our lease: kept hold_ms more, or dropped now (hold_ms 0). */
void	cache_share_release(struct cache_share *, uint64_t hold_ms);

#endif
