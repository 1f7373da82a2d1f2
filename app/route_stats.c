/*
 * /api/redis-connection-stats: the pool's own figures summed over every
 * worker, next to what the Redis server itself counts for this service
 * (CLIENT LIST by name), so a leak anywhere shows up as a difference.
 */
#include <string.h>

#include "json_out.h"
#include "redis_text.h"
#include "zeues.h"

int	route_redis_stats(struct http_request *);

int
route_redis_stats(struct http_request *req)
{
	struct redis_call	*call;
	struct pool_totals	 t;
	struct client_count	 cc;
	const char		*argv[] = { "CLIENT", "LIST" };
	char			 ts[40];
	yajl_gen		 g;

	if (req->hdlr_extra == NULL && !http_route_begin(req,
	    ROUTE_REDIS_STATS, HTTP_METHOD_GET | HTTP_METHOD_HEAD))
		return (KORE_RESULT_OK);
	call = redis_call_step(req, http_redis_deadline(
	    (uint64_t)zeues_cfg.redis_socket_timeout_ms), 2, argv);
	if (call == NULL)
		return (KORE_RESULT_RETRY);

	/* Read after the reply so both sides describe the same moment. */
	pool_totals_sum(zeues_stats, (uint64_t)zeues_cfg.redis_budget, &t);
	iso_timestamp(ts, sizeof(ts));

	g = json_out_new();
	yajl_gen_map_open(g);
	pool_json_totals(g, &t);
	json_key(g, "per_worker");
	pool_json_per_worker(g);
	json_key(g, "redis_server");
	yajl_gen_map_open(g);
	if (call->status == REDIS_POOL_OK &&
	    call->reply_type == REDIS_REPLY_STRING && call->str != NULL) {
		redis_client_list_count(call->str, zw.client_prefix, &cc);
		json_kint(g, "connected_clients", cc.total);
		json_kint(g, "clients_of_this_service", cc.named);
		json_knull(g, "error");
	} else {
		json_knull(g, "connected_clients");
		json_knull(g, "clients_of_this_service");
		json_kstr(g, "error", call->status != REDIS_POOL_OK ?
		    (*redis_pool_last_error(zw.pool) != '\0' ?
		    redis_pool_last_error(zw.pool) :
		    redis_pool_status_name(call->status)) :
		    (call->str != NULL ? call->str : "unexpected reply"));
	}
	json_kstr(g, "client_name_prefix", zw.client_prefix);
	yajl_gen_map_close(g);
	json_kstr(g, "alert", t.high_utilization ? "HIGH_UTILIZATION" : NULL);
	json_kstr(g, "timestamp", ts);
	yajl_gen_map_close(g);
	http_send_json(req, ROUTE_REDIS_STATS, 200, g);
	yajl_gen_free(g);
	return (KORE_RESULT_OK);
}
