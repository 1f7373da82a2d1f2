/*
 * Kubernetes-style probes.  /livez answers from the event loop alone, so a
 * slow or silent Redis can never make the process look dead and get it
 * restarted.  /readyz says whether the next request can be served: Redis
 * answers a PING now and this worker's event subscription is live.
 */
#include "json_out.h"
#include "zeues.h"

int	route_livez(struct http_request *);
int	route_readyz(struct http_request *);

int
route_livez(struct http_request *req)
{
	yajl_gen	g;

	if (!http_route_begin(req, ROUTE_LIVEZ, HTTP_METHOD_GET |
	    HTTP_METHOD_HEAD))
		return (KORE_RESULT_OK);
	g = json_out_new();
	yajl_gen_map_open(g);
	json_kstr(g, "status", "ok");
	json_kint(g, "worker", zw.id);
	yajl_gen_map_close(g);
	http_send_json(req, ROUTE_LIVEZ, 200, g);
	yajl_gen_free(g);
	return (KORE_RESULT_OK);
}

struct readiness {
	const char	*redis_error;
	const char	*subscription_error;
};

static void
readiness_data(yajl_gen g, void *arg)
{
	struct readiness	*r = arg;

	json_kstr(g, "redis", r->redis_error == NULL ? "ok" : "error");
	json_kstr(g, "redis_error", r->redis_error);
	json_kstr(g, "subscription", r->subscription_error == NULL ? "live" :
	    "down");
	json_kstr(g, "subscription_error", r->subscription_error);
}

int
route_readyz(struct http_request *req)
{
	struct redis_ping_call	*call;
	struct readiness	 r = { NULL, NULL };
	yajl_gen		 g;

	if (req->hdlr_extra == NULL && !http_route_begin(req, ROUTE_READYZ,
	    HTTP_METHOD_GET | HTTP_METHOD_HEAD))
		return (KORE_RESULT_OK);
	call = redis_ping_step(req, http_redis_deadline(
	    (uint64_t)zeues_cfg.redis_socket_timeout_ms));
	if (call == NULL)
		return (KORE_RESULT_RETRY);

	if (call->status != REDIS_POOL_OK)
		r.redis_error = *redis_pool_last_error(zw.pool) != '\0' ?
		    redis_pool_last_error(zw.pool) :
		    redis_pool_status_name(call->status);
	else if (call->error != NULL)
		r.redis_error = call->error;
	if (!redis_subscriber_live(zw.sub))
		r.subscription_error = redis_subscriber_last_error(zw.sub);

	if (r.redis_error != NULL || r.subscription_error != NULL) {
		http_send_error(req, ROUTE_READYZ, API_ERR_REDIS_UNAVAILABLE,
		    r.redis_error != NULL ? "Redis no responde: el servicio no "
		    "está listo." : "La suscripción de eventos no está activa: "
		    "el servicio no está listo.", readiness_data, &r);
		return (KORE_RESULT_OK);
	}
	g = json_out_new();
	yajl_gen_map_open(g);
	json_kstr(g, "status", "ready");
	readiness_data(g, &r);
	yajl_gen_map_close(g);
	http_send_json(req, ROUTE_READYZ, 200, g);
	yajl_gen_free(g);
	return (KORE_RESULT_OK);
}
