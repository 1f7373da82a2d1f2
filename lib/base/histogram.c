#include "histogram.h"
#include "stat_counter.h"

const uint64_t histogram_bounds_us[HISTOGRAM_BUCKETS] = {
	100, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000,
	500000, 750000, 1000000, 1500000, 2000000, 3000000, 5000000, 10000000,
};

void
histogram_observe(struct histogram *h, uint64_t us)
{
	size_t	i;

	for (i = 0; i < HISTOGRAM_BUCKETS; i++) {
		if (us <= histogram_bounds_us[i])
			break;
	}
	stat_add(&h->buckets[i], 1);
	stat_add(&h->sum_us, us);
	stat_add(&h->count, 1);
}

void
histogram_merge(struct histogram *dst, const struct histogram *src)
{
	size_t	i;

	for (i = 0; i <= HISTOGRAM_BUCKETS; i++)
		dst->buckets[i] += stat_get(&src->buckets[i]);
	dst->sum_us += stat_get(&src->sum_us);
	dst->count += stat_get(&src->count);
}

uint64_t
histogram_quantile_us(const struct histogram *h, double q)
{
	uint64_t	rank, seen;
	size_t		i;

	if (h->count == 0)
		return (0);
	rank = (uint64_t)(q * (double)h->count);
	if (rank >= h->count)
		rank = h->count - 1;
	for (i = 0, seen = 0; i < HISTOGRAM_BUCKETS; i++) {
		seen += h->buckets[i];
		if (seen > rank)
			return (histogram_bounds_us[i]);
	}
	return (UINT64_MAX);
}
