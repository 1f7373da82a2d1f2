/*
 * The service account's Sheets request budget (data.md §6: 60 read and 60
 * write requests per minute for the whole account), shared by every worker
 * of every instance through Redis.
 *
 * Each kind of request has a sliding log in Redis: a sorted set of the
 * grants of the last window, scored by when they were given.  One script
 * trims the log, counts it, and either records a grant or answers how long
 * until the oldest grant leaves the window.  The script takes the time from
 * Redis' own TIME, so the instances' clocks play no part.
 *
 * When Redis cannot be asked (down, no reply in time, or an error reply),
 * the process decides alone from its own log of the grants it saw in the
 * last window, allowing N / workers of them: the workers of one instance
 * then stay within N together, and reads keep working while Redis is down
 * (data.md).  Several instances in that state can exceed N between them;
 * Google answers the excess with 429, which the client retries.
 *
 * A kind may also have a spacing: the least time between two of its grants
 * for the whole deployment (the same script checks the newest grant of the
 * log).  With the write quota spaced at window / limit, the deployment's
 * writes are one per slot: whichever process asks first takes the next
 * free slot, and an idle deployment grants at once.  A process that dies
 * holding a grant has only spent that slot's time.
 *
 * A 429 from Sheets (another client of the same account, or a quota lower
 * than configured) is reported with sheets_limiter_pause(): the kind is
 * paused for the whole deployment through a key in Redis that the script
 * checks first.  The pause starts at the spacing (at least 1 s) and
 * doubles while 429s keep coming right after it, up to 8 s; acquires
 * whose deadline lies beyond it just wait, so the changes waiting in a
 * batch are not failed for it.
 *
 * A kind may keep a reserve: grants of each window that only acquire()
 * may take, while sheets_limiter_acquire_spare() stops short of them.  The
 * reads a write needs (group commit's verification) then find a read even
 * when cache refreshes, which can serve what they have, spent the rest.
 *
 * A call is charged once, when it is granted; the client's own retries of
 * that call (sheets_client.h) are not charged again.
 *
 * acquire() waits, without blocking, for a slot until its deadline.  If no
 * slot can free by then it answers SHEETS_LIMIT_WAIT at once, with how long
 * until one frees (for a Retry-After).  Callbacks run exactly once, never
 * from inside acquire(), and never after cancel.
 */
#ifndef ZEUES_SHEETS_LIMITER_H
#define ZEUES_SHEETS_LIMITER_H

#include <stddef.h>
#include <stdint.h>

#include "io_loop.h"
#include "redis_pool.h"

#define SHEETS_LIMITER_ACCOUNT_MAX	256
#define SHEETS_LIMITER_PAUSE_MIN_MS	1000
#define SHEETS_LIMITER_PAUSE_MAX_MS	8000

enum sheets_quota_kind {
	SHEETS_QUOTA_READ,
	SHEETS_QUOTA_WRITE,
	SHEETS_QUOTA_KINDS,
};

struct sheets_limiter_config {
	/* The quota's owner (the service account's client_email). */
	const char	*account;
	unsigned int	 per_window[SHEETS_QUOTA_KINDS];
	uint64_t	 window_ms;
	/* The least ms between two grants of a kind; 0: no spacing. */
	uint64_t	 spacing_ms[SHEETS_QUOTA_KINDS];
	/* Grants of a window spare acquires leave; below per_window. */
	unsigned int	 reserve[SHEETS_QUOTA_KINDS];
	/* Processes sharing this instance's budget when Redis is away. */
	unsigned int	 workers;
	/* How long one Redis round trip may take before deciding locally. */
	uint64_t	 redis_timeout_ms;
};

/*
 * Defaults: 60 reads and 60 writes (SHEETS_READS_PER_MINUTE,
 * SHEETS_WRITES_PER_MINUTE) per 60 s window, no spacing, no reserve,
 * 1 worker, 500 ms for Redis.
 */
void	sheets_limiter_config_defaults(struct sheets_limiter_config *cfg);

enum sheets_limit_result {
	SHEETS_LIMIT_GRANTED,
	SHEETS_LIMIT_WAIT,	/* no slot frees before the deadline */
};

struct sheets_limit_reply {
	enum sheets_limit_result	 result;
	uint64_t			 wait_ms;	/* WAIT: until a slot frees */
	int				 local;		/* decided without Redis */
};

typedef void	sheets_limit_fn(void *arg, const struct sheets_limit_reply *);

struct sheets_limiter_stats {
	uint64_t	granted[SHEETS_QUOTA_KINDS];
	uint64_t	granted_locally[SHEETS_QUOTA_KINDS];
	uint64_t	refused[SHEETS_QUOTA_KINDS];	/* WAIT replies */
	uint64_t	redis_failures;
	uint64_t	waiting;	/* acquires waiting for a slot now */
	uint64_t	pauses[SHEETS_QUOTA_KINDS];	/* set after a 429 */
};

struct sheets_limiter;
struct sheets_limit_op;

/*
 * pool may be NULL: every decision is then local.  Returns NULL when the
 * configuration is invalid (no account, a zero limit or window, a reserve
 * not below its limit) or memory runs out.
 */
struct sheets_limiter	*sheets_limiter_new(
			    const struct sheets_limiter_config *cfg,
			    struct redis_pool *pool, struct io_loop *loop);
/* Drops every pending acquire without calling back. */
void			 sheets_limiter_free(struct sheets_limiter *lim);

/* Call at least every IO_LOOP_TICK_MS. */
void			 sheets_limiter_tick(struct sheets_limiter *lim,
			    uint64_t now_ms);

/*
 * Asks for one request of kind; deadline_ms is absolute (loop clock).
 * Returns NULL only when out of memory (cb will not run).
 */
struct sheets_limit_op	*sheets_limiter_acquire(struct sheets_limiter *lim,
			    enum sheets_quota_kind kind, uint64_t deadline_ms,
			    sheets_limit_fn *cb, void *arg);
/* The same, leaving the kind's reserve to acquire(). */
struct sheets_limit_op	*sheets_limiter_acquire_spare(
			    struct sheets_limiter *lim,
			    enum sheets_quota_kind kind, uint64_t deadline_ms,
			    sheets_limit_fn *cb, void *arg);
/* cb of op will not run; op must not have completed yet. */
void			 sheets_limiter_cancel(struct sheets_limit_op *op);

/* Sheets answered a call of kind with 429: pause the kind everywhere. */
void			 sheets_limiter_pause(struct sheets_limiter *lim,
			    enum sheets_quota_kind kind);

void			 sheets_limiter_stats(const struct sheets_limiter *,
			    struct sheets_limiter_stats *out);

#endif
