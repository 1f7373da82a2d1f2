/*
 * Readiness: does Redis answer a PING now?  The caller learns the pool's
 * status and, when Redis answered with an error reply, its text; it never
 * names a Redis command itself.
 */
#ifndef ZEUES_REDIS_PING_H
#define ZEUES_REDIS_PING_H

#include <stdint.h>

#include "redis_pool.h"

/*
 * error is NULL unless Redis answered with an error reply (status is then
 * REDIS_POOL_OK); it lives only for the duration of the callback.
 */
typedef void	redis_ping_fn(void *arg, enum redis_pool_status,
		    const char *error);

/*
 * Like redis_pool_submit(): NULL with *why set when the PING cannot be
 * queued (then fn will not run); cancel with redis_ping_cancel().
 */
struct redis_ping	*redis_ping(struct redis_pool *, uint64_t deadline_ms,
			    redis_ping_fn *, void *arg,
			    enum redis_pool_status *why);
/* fn will not run; the ping must not have completed yet. */
void			 redis_ping_cancel(struct redis_ping *);

#endif
