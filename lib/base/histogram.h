/*
 * A fixed-bucket latency histogram in the shape Prometheus expects:
 * cumulative counts per upper bound, plus sum and count.  The buckets are
 * the same for every histogram so that they can be summed across workers.
 */
#ifndef ZEUES_HISTOGRAM_H
#define ZEUES_HISTOGRAM_H

#include <stddef.h>
#include <stdint.h>

#define HISTOGRAM_BUCKETS	18

/*
 * Upper bounds in microseconds; the implicit last bucket is +Inf.  Fine
 * from 100 ms to 3 s as well as below a millisecond: an occupation change
 * takes 0.3-2 s, and with only 1 s and 5 s there a 1.2 s request showed
 * as a p99 of 4.7 s on the ops page.
 */
extern const uint64_t	histogram_bounds_us[HISTOGRAM_BUCKETS];

struct histogram {
	uint64_t	buckets[HISTOGRAM_BUCKETS + 1];	/* not cumulative */
	uint64_t	sum_us;
	uint64_t	count;
};

void	histogram_observe(struct histogram *, uint64_t us);
void	histogram_merge(struct histogram *dst, const struct histogram *src);

/* Value at quantile q (0..1), as the upper bound of its bucket, in us. */
uint64_t	histogram_quantile_us(const struct histogram *, double q);

#endif
