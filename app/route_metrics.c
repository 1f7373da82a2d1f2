/*
 * /metrics in the Prometheus text format, summed over workers, and Redis's
 * own client count from this worker's snapshot (redis_snapshot.c).
 */
#include "metrics_text.h"
#include "zeues.h"

#define METRICS_MAX_BYTES	(1024 * 1024)

int	route_metrics(struct http_request *);

int
route_metrics(struct http_request *req)
{
	const struct redis_snapshot	*snap;
	struct strbuf			 b;

	if (req->hdlr_extra == NULL && !http_route_begin(req, ROUTE_METRICS,
	    HTTP_METHOD_GET | HTTP_METHOD_HEAD))
		return (KORE_RESULT_OK);
	if ((snap = redis_snapshot_step(req, REDIS_SNAPSHOT_CLIENTS)) == NULL)
		return (KORE_RESULT_RETRY);
	strbuf_init(&b, METRICS_MAX_BYTES);
	metrics_text_render(&b, zeues_stats, (uint64_t)zeues_cfg.redis_budget,
	    ZEUES_VERSION);
	metrics_text_redis_server(&b, snap->error[0] == '\0' ?
	    &snap->clients : NULL, redis_snapshot_age(snap));
	if (b.overflow) {
		http_send_error(req, ROUTE_METRICS, API_ERR_INTERNAL,
		    "Las métricas exceden el tamaño máximo.", NULL, NULL);
	} else {
		http_send_text(req, ROUTE_METRICS, 200,
		    "text/plain; version=0.0.4; charset=utf-8", b.data, b.len);
	}
	strbuf_free(&b);
	return (KORE_RESULT_OK);
}
