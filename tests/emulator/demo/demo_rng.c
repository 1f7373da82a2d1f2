/*
 * splitmix64 and helpers on top of it.
 */
#include <stdio.h>

#include "demo_rng.h"

void
demo_rng_seed(struct demo_rng *r, uint64_t seed)
{
	r->state = seed;
}

uint64_t
demo_rng_next(struct demo_rng *r)
{
	uint64_t	z;

	z = (r->state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return (z ^ (z >> 31));
}

uint32_t
demo_rng_below(struct demo_rng *r, uint32_t n)
{
	/* Rejection keeps it unbiased; at most a few rounds in practice. */
	uint64_t	limit = UINT64_MAX - (UINT64_MAX % n), v;

	do {
		v = demo_rng_next(r);
	} while (v >= limit);
	return ((uint32_t)(v % n));
}

int
demo_rng_range(struct demo_rng *r, int lo, int hi)
{
	return (lo + (int)demo_rng_below(r, (uint32_t)(hi - lo + 1)));
}

int
demo_rng_chance(struct demo_rng *r, unsigned int percent)
{
	return (demo_rng_below(r, 100) < percent);
}

void
demo_rng_bytes(struct demo_rng *r, unsigned char *buf, size_t len)
{
	uint64_t	v = 0;
	size_t		i;

	for (i = 0; i < len; i++) {
		if (i % 8 == 0)
			v = demo_rng_next(r);
		buf[i] = (unsigned char)(v >> ((i % 8) * 8));
	}
}

void
demo_rng_uuid4(struct demo_rng *r, char *out, size_t len)
{
	unsigned char	b[16];

	demo_rng_bytes(r, b, sizeof(b));
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	(void)snprintf(out, len, "%02x%02x%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3],
	    b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
	    b[14], b[15]);
}
