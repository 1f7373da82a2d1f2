/*
 * Redis <-> Sheets reconciliation (data.md §2): the locks in Redis brought
 * in line with Ocupado_Por in Operaciones.  See reconciler.c.
 */
#ifndef ZEUES_RECONCILER_H
#define ZEUES_RECONCILER_H

#include <stdint.h>

#include "io_loop.h"
#include "log_sink.h"
#include "redis_pool.h"
#include "sheets_cache.h"
#include "worker_stats.h"

#define RECONCILER_HOLDER_MAX	96

/* Everything must outlive the reconciler. */
struct reconciler_deps {
	struct io_loop		*loop;
	struct redis_pool	*pool;
	struct sheets_cache	*cache;
	/* The lease's value, naming who runs a pass: "zeues:<inst>:w1". */
	char			 holder[RECONCILER_HOLDER_MAX];
	uint64_t		 redis_timeout_ms; /* REDIS_SOCKET_TIMEOUT */
	uint64_t		 sheets_timeout_ms;	/* the fresh read */
	uint64_t		 interval_ms;	/* RECONCILE_INTERVAL_SECONDS */
	uint64_t		 grace_ms;	/* RECONCILE_GRACE_SECONDS */
	struct occupation_stats	*stats;
	struct log_sink		 log;
};

struct reconciler;

/* NULL when out of memory.  deps is copied. */
struct reconciler	*reconciler_new(const struct reconciler_deps *);
/* Cancels a pass in flight (its Redis changes may still land). */
void			 reconciler_free(struct reconciler *);
/*
 * Starts a pass when one is due (the first at the first tick Redis is
 * up); call at least every second.
 */
void			 reconciler_tick(struct reconciler *, uint64_t now_ms);
/*
 * Redis failed over to primary ("host:port"): locks written on the old
 * primary and not yet replicated are gone, so a pass starts at the next
 * tick Redis is up.  It takes a lease of its own, named after the new
 * primary, since the round's lease may have been replicated and would
 * hold every worker off until it lapses.
 */
void			 reconciler_after_failover(struct reconciler *,
			    const char *primary);

#endif
