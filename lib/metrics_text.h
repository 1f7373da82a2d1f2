/*
 * The Prometheus text exposition of /metrics, rendered from the shared
 * per-worker slots and summed over workers.  Names follow the Prometheus
 * conventions: the zeues_ prefix, base units, _total for counters.
 */
#ifndef ZEUES_METRICS_TEXT_H
#define ZEUES_METRICS_TEXT_H

#include "strbuf.h"
#include "worker_stats.h"

void	metrics_text_render(struct strbuf *, const struct stats_region *,
	    uint64_t budget, const char *version);

#endif
