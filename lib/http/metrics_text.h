/*
 * The Prometheus text exposition of /metrics, rendered from the shared
 * per-worker slots and summed over workers.  Names follow the Prometheus
 * conventions: the zeues_ prefix, base units, _total for counters.
 */
#ifndef ZEUES_METRICS_TEXT_H
#define ZEUES_METRICS_TEXT_H

#include "redis_text.h"
#include "strbuf.h"
#include "worker_stats.h"

void	metrics_text_render(struct strbuf *, const struct stats_region *,
	    uint64_t budget, const char *version);
/*
 * Redis's own count of its clients (CLIENT LIST), from a snapshot age_ms
 * old; cc is NULL when Redis did not answer it.
 */
void	metrics_text_redis_server(struct strbuf *, const struct client_count *,
	    uint64_t age_ms);

#endif
