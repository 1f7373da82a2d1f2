/*
 * The demo generator's only source of randomness, so that one --seed
 * always gives the same files.
 */
#ifndef DEMO_RNG_H
#define DEMO_RNG_H

#include <stddef.h>
#include <stdint.h>

struct demo_rng {
	uint64_t	state;
};

void		demo_rng_seed(struct demo_rng *, uint64_t);
uint64_t	demo_rng_next(struct demo_rng *);
/* Uniform in [0, n); n > 0. */
uint32_t	demo_rng_below(struct demo_rng *, uint32_t n);
/* Uniform in [lo, hi]. */
int		demo_rng_range(struct demo_rng *, int lo, int hi);
/* True with probability percent/100. */
int		demo_rng_chance(struct demo_rng *, unsigned int percent);
void		demo_rng_bytes(struct demo_rng *, unsigned char *, size_t);
/* A version-4 UUID string (37 bytes with the NUL). */
void		demo_rng_uuid4(struct demo_rng *, char *, size_t);

#endif
