/*
 * HTTP request counters by route and status, kept per worker in shared
 * memory.  Routes are a closed set so the counters have a fixed shape and
 * Prometheus label cardinality stays bounded.
 */
#ifndef ZEUES_HTTP_STATS_H
#define ZEUES_HTTP_STATS_H

#include <stdint.h>

#include "histogram.h"

enum http_route {
	ROUTE_LIVEZ,
	ROUTE_READYZ,
	ROUTE_HEALTH,
	ROUTE_REDIS_HEALTH,
	ROUTE_REDIS_STATS,
	ROUTE_METRICS,
	ROUTE_SSE,
	ROUTE_WORKERS,
	ROUTE_TOMAR,
	ROUTE_PAUSAR,
	ROUTE_COMPLETAR,
	ROUTE_BATCH_TOMAR,
	ROUTE_STATUS,
	ROUTE_SPOOLS_INICIAR,
	ROUTE_SPOOLS_COMPLETAR,
	ROUTE_HISTORY,
	ROUTE_DASHBOARD,
	ROUTE_SPOOLS_CANCELAR,
	ROUTE_WORKER_ROLES,
	ROUTE_OPS,		/* the ops page, its files, / */
	ROUTE_OPS_STATS,
	ROUTE_UNIONES_DISPONIBLES,
	ROUTE_UNIONES_METRICAS,
	ROUTE_DIAGNOSTIC_VERSION,
	ROUTE_V4_INICIAR,
	ROUTE_V4_FINALIZAR,
	ROUTE_METROLOGIA,		/* floor.md §2, §3 */
	ROUTE_TOMAR_REPARACION,
	ROUTE_PAUSAR_REPARACION,
	ROUTE_COMPLETAR_REPARACION,
	ROUTE_CANCELAR_REPARACION,
	ROUTE_SPOOLS_REPARACION,
	ROUTE_OTHER,		/* 404s and anything unrouted */
	ROUTE_MAX,
};

#define HTTP_STATUS_SLOTS	16

struct http_stats {
	uint64_t		requests[ROUTE_MAX][HTTP_STATUS_SLOTS];
	struct histogram	latency[ROUTE_MAX];
};

const char	*http_route_name(enum http_route);
/* The slot a status is counted in; the last slot holds any other code. */
int		 http_status_slot(int status);
/* The status a slot stands for; 0 for the catch-all slot. */
int		 http_slot_status(int slot);

void		 http_stats_count(struct http_stats *, enum http_route,
		    int status, uint64_t elapsed_us);

#endif
