#include <stdlib.h>

#include "backoff.h"

uint64_t
backoff_delay_ms(unsigned int attempt, uint64_t base_ms, uint64_t cap_ms,
    backoff_rand_fn *rnd, void *arg)
{
	uint64_t	ceiling, floor_ms;
	double		r;

	if (base_ms == 0)
		return (0);
	if (cap_ms < base_ms)
		cap_ms = base_ms;

	ceiling = base_ms;
	while (attempt-- > 0 && ceiling < cap_ms)
		ceiling *= 2;
	if (ceiling > cap_ms)
		ceiling = cap_ms;

	floor_ms = base_ms / 2;
	r = rnd(arg);
	if (r < 0.0 || r >= 1.0)
		r = 0.0;
	return (floor_ms + (uint64_t)(r * (double)(ceiling - floor_ms + 1)));
}

double
backoff_rand_default(void *arg)
{
	(void)arg;
	return ((double)random() / ((double)RAND_MAX + 1.0));
}
