/*
 * Truncated exponential backoff with full jitter: the delay before retry
 * number `attempt` (0-based) is uniform in [base/2, min(cap, base * 2^attempt)].
 * Keeping a floor of base/2 stops a crowd of reconnecting workers from
 * retrying at once while still spreading them out.
 */
#ifndef ZEUES_BACKOFF_H
#define ZEUES_BACKOFF_H

#include <stdint.h>

/* Returns a uniformly distributed value in [0, 1); injectable for tests. */
typedef double	backoff_rand_fn(void *arg);

uint64_t	backoff_delay_ms(unsigned int attempt, uint64_t base_ms,
		    uint64_t cap_ms, backoff_rand_fn *rnd, void *arg);

/* A backoff_rand_fn on random(3), which callers seed once per process. */
double		backoff_rand_default(void *arg);

#endif
