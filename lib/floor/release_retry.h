/*
 * Locks a failed change could not give back because Redis was away at
 * that moment: given back as soon as Redis answers again, so an outage
 * leaves no lock behind.  Each release is owner-checked (the value the
 * change wrote), so a retry never frees a lock someone has taken since.
 * Retried every second for ten minutes; after that reconciliation clears
 * what is left.
 */
#ifndef ZEUES_RELEASE_RETRY_H
#define ZEUES_RELEASE_RETRY_H

#include <stdint.h>

#include "io_loop.h"
#include "log_sink.h"
#include "redis_pool.h"

struct release_retry;

/* NULL when out of memory; loop, pool and log must outlive it. */
struct release_retry	*release_retry_new(struct io_loop *,
			    struct redis_pool *, uint64_t redis_timeout_ms,
			    const struct log_sink *);
/* Forgets every pending release (a release in flight may still land). */
void			 release_retry_free(struct release_retry *);

/* Gives the lock of tag back later, if it still holds value. */
void			 release_retry_add(struct release_retry *,
			    const char *tag, const char *value);
/* Call at least every second. */
void			 release_retry_tick(struct release_retry *,
			    uint64_t now_ms);

#endif
