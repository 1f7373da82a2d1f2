#include <stdlib.h>

#include "backoff.h"

uint64_t
backoff_delay_ms(unsigned int attempt, uint64_t base_ms, uint64_t cap_ms,
    backoff_rand_fn *rnd, void *arg)
{
	uint64_t	ceiling, floor_ms, span;
	double		r, offset;

	if (base_ms == 0)
		return (0);
	if (cap_ms < base_ms)
		cap_ms = base_ms;

	/* Doubling stops at the cap, before it could wrap. */
	ceiling = base_ms;
	while (attempt-- > 0 && ceiling < cap_ms)
		ceiling = ceiling > cap_ms / 2 ? cap_ms : ceiling * 2;

	floor_ms = base_ms / 2;
	span = ceiling - floor_ms;
	r = rnd(arg);
	if (!(r >= 0.0 && r < 1.0))	/* NaN fails both comparisons */
		r = 0.0;
	/* In double, span + 1 cannot wrap; rounding may reach it: clamp. */
	offset = r * ((double)span + 1.0);
	if (offset >= (double)span)
		return (ceiling);
	return (floor_ms + (uint64_t)offset);
}

double
backoff_rand_default(void *arg)
{
	(void)arg;
	return ((double)random() / ((double)RAND_MAX + 1.0));
}
