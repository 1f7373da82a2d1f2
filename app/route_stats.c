/*
 * /api/redis-connection-stats: the pool's own figures summed over every
 * worker, next to what the Redis server itself counts for this service
 * (CLIENT LIST by name), so a leak anywhere shows up as a difference.
 * Both come from this worker's snapshot (redis_snapshot.c), taken at the
 * same moment and at most REDIS_SNAPSHOT_MAX_AGE_MS old; snapshot_age_ms
 * says how old.
 */
#include <string.h>

#include "json_out.h"
#include "zeues.h"

int	route_redis_stats(struct http_request *);

int
route_redis_stats(struct http_request *req)
{
	const struct redis_snapshot	*snap;
	const struct pool_totals	*pool;
	char				 ts[40];
	yajl_gen			 g;

	if (req->hdlr_extra == NULL && !http_route_begin(req,
	    ROUTE_REDIS_STATS, HTTP_METHOD_GET | HTTP_METHOD_HEAD))
		return (KORE_RESULT_OK);
	if ((snap = redis_snapshot_step(req, REDIS_SNAPSHOT_CLIENTS)) == NULL)
		return (KORE_RESULT_RETRY);
	pool = redis_snapshot_pool(REDIS_SNAPSHOT_CLIENTS);

	iso_timestamp(ts, sizeof(ts));
	g = json_out_new();
	yajl_gen_map_open(g);
	pool_json_totals(g, pool);
	json_key(g, "per_worker");
	pool_json_per_worker(g);
	json_key(g, "redis_server");
	yajl_gen_map_open(g);
	if (snap->error[0] == '\0') {
		json_kint(g, "connected_clients", snap->clients.total);
		json_kint(g, "clients_of_this_service", snap->clients.named);
		json_knull(g, "error");
	} else {
		json_knull(g, "connected_clients");
		json_knull(g, "clients_of_this_service");
		json_kstr(g, "error", snap->error);
	}
	json_kstr(g, "client_name_prefix", zw.client_prefix);
	yajl_gen_map_close(g);
	json_kint(g, "snapshot_age_ms",
	    (long long)redis_snapshot_age(snap));
	json_kstr(g, "alert", pool->high_utilization ?
	    "HIGH_UTILIZATION" : NULL);
	json_kstr(g, "timestamp", ts);
	yajl_gen_map_close(g);
	http_send_json(req, ROUTE_REDIS_STATS, 200, g);
	yajl_gen_free(g);
	return (KORE_RESULT_OK);
}
