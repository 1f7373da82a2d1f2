#include <stddef.h>

#include "http_stats.h"
#include "stat_counter.h"

static const int	slot_status[HTTP_STATUS_SLOTS - 1] = {
	200, 204, 400, 401, 403, 404, 405, 409, 410, 413, 415, 422, 429,
	500, 503,
};

static const char	*route_names[ROUTE_MAX] = {
	[ROUTE_LIVEZ] = "/livez",
	[ROUTE_READYZ] = "/readyz",
	[ROUTE_HEALTH] = "/api/health",
	[ROUTE_REDIS_HEALTH] = "/api/redis-health",
	[ROUTE_REDIS_STATS] = "/api/redis-connection-stats",
	[ROUTE_METRICS] = "/metrics",
	[ROUTE_SSE] = "/api/sse/stream",
	[ROUTE_WORKERS] = "/api/workers",
	[ROUTE_TOMAR] = "/api/occupation/tomar",
	[ROUTE_PAUSAR] = "/api/occupation/pausar",
	[ROUTE_COMPLETAR] = "/api/occupation/completar",
	[ROUTE_BATCH_TOMAR] = "/api/occupation/batch-tomar",
	[ROUTE_STATUS] = "/api/occupation/status",
	[ROUTE_SPOOLS_INICIAR] = "/api/spools/iniciar",
	[ROUTE_SPOOLS_COMPLETAR] = "/api/spools/completar",
	[ROUTE_HISTORY] = "/api/history",
	[ROUTE_DASHBOARD] = "/api/dashboard/occupied",
	[ROUTE_SPOOLS_CANCELAR] = "/api/spools/cancelar",
	[ROUTE_WORKER_ROLES] = "/api/workers/roles",
	[ROUTE_OPS] = "/ops",
	[ROUTE_OPS_STATS] = "/api/ops/stats",
	[ROUTE_UNIONES_DISPONIBLES] = "/api/v4/uniones/disponibles",
	[ROUTE_UNIONES_METRICAS] = "/api/v4/uniones/metricas",
	[ROUTE_DIAGNOSTIC_VERSION] = "/api/diagnostic/version",
	[ROUTE_V4_INICIAR] = "/api/v4/occupation/iniciar",
	[ROUTE_V4_FINALIZAR] = "/api/v4/occupation/finalizar",
	[ROUTE_METROLOGIA] = "/api/metrologia/completar",
	[ROUTE_TOMAR_REPARACION] = "/api/tomar-reparacion",
	[ROUTE_PAUSAR_REPARACION] = "/api/pausar-reparacion",
	[ROUTE_COMPLETAR_REPARACION] = "/api/completar-reparacion",
	[ROUTE_CANCELAR_REPARACION] = "/api/cancelar-reparacion",
	[ROUTE_SPOOLS_REPARACION] = "/api/spools/reparacion",
	[ROUTE_OTHER] = "other",
};

const char *
http_route_name(enum http_route r)
{
	return (r < ROUTE_MAX ? route_names[r] : "other");
}

int
http_status_slot(int status)
{
	int	i;

	for (i = 0; i < HTTP_STATUS_SLOTS - 1; i++) {
		if (slot_status[i] == status)
			return (i);
	}
	return (HTTP_STATUS_SLOTS - 1);
}

int
http_slot_status(int slot)
{
	return (slot >= 0 && slot < HTTP_STATUS_SLOTS - 1 ?
	    slot_status[slot] : 0);
}

void
http_stats_count(struct http_stats *s, enum http_route r, int status,
    uint64_t elapsed_us)
{
	if (r >= ROUTE_MAX)
		r = ROUTE_OTHER;
	stat_add(&s->requests[r][http_status_slot(status)], 1);
	histogram_observe(&s->latency[r], elapsed_us);
}
