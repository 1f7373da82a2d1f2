/* The pool figures of the whole server, as /api/health and the stats route show them. */
#include "json_out.h"
#include "stat_counter.h"
#include "zeues.h"

void
pool_json_totals(yajl_gen g, const struct pool_totals *t)
{
	json_kint(g, "max_connections", (long long)t->max_connections);
	json_kint(g, "open_connections", (long long)t->open);
	json_kint(g, "active_connections", (long long)t->active);
	json_kint(g, "idle_connections", (long long)t->idle);
	json_kint(g, "connecting", (long long)t->connecting);
	json_kint(g, "available_connections", t->open >= t->max_connections ?
	    0 : (long long)(t->max_connections - t->open));
	json_kdouble(g, "utilization_percent",
	    (double)(long long)(t->utilization_percent * 10.0 + 0.5) / 10.0);
	json_kint(g, "pending_commands", (long long)t->pending_commands);
	json_kint(g, "waiting_requests", (long long)t->waiting_requests);
	json_kint(g, "pubsub_connections", (long long)t->pubsub);
	json_kint(g, "sentinel_connections", (long long)t->sentinel);
	json_kint(g, "workers", (long long)t->workers);
}

void
pool_json_per_worker(yajl_gen g)
{
	const struct worker_stats	*w;
	size_t				 i;

	yajl_gen_array_open(g);
	for (i = 0; i < zeues_stats->nslots; i++) {
		w = &zeues_stats->slot[i];
		if (stat_get(&w->pid) == 0)
			continue;
		yajl_gen_map_open(g);
		json_kint(g, "worker", (long long)stat_get(&w->worker_id));
		json_kint(g, "pid", (long long)stat_get(&w->pid));
		json_kint(g, "max_connections",
		    (long long)stat_get(&w->redis.max_connections) + 1 +
		    (zeues_cfg.nsentinels > 0));
		json_kint(g, "open_connections",
		    (long long)(stat_get(&w->redis.open) +
		    stat_get(&w->sub.connected) +
		    stat_get(&w->redis.sentinel_connected)));
		json_kint(g, "active_connections",
		    (long long)stat_get(&w->redis.active));
		json_kint(g, "idle_connections",
		    (long long)stat_get(&w->redis.idle));
		json_kint(g, "connecting",
		    (long long)stat_get(&w->redis.connecting));
		json_kint(g, "pending_commands",
		    (long long)stat_get(&w->redis.pending_commands));
		json_kint(g, "waiting_requests",
		    (long long)stat_get(&w->redis.waiting_requests));
		json_kint(g, "pubsub_connections",
		    (long long)stat_get(&w->sub.connected));
		json_kbool(g, "redis_up", (int)stat_get(&w->redis.up));
		json_kbool(g, "subscription_live", (int)stat_get(&w->sub.live));
		if (zeues_cfg.nsentinels > 0) {
			json_kint(g, "sentinel_connections", (long long)
			    stat_get(&w->redis.sentinel_connected));
			json_kint(g, "primary_changes_total", (long long)
			    stat_get(&w->redis.primary_changes_total));
			json_kint(g, "sentinel_switches_total", (long long)
			    stat_get(&w->redis.sentinel_switches_total));
			json_kint(g, "readonly_total", (long long)
			    stat_get(&w->redis.readonly_total));
		}
		json_kint(g, "connects_total",
		    (long long)stat_get(&w->redis.connects_total));
		json_kint(g, "reconnects_total",
		    (long long)stat_get(&w->redis.reconnects_total));
		json_kint(g, "timeouts_total",
		    (long long)stat_get(&w->redis.timeouts_total));
		json_kint(g, "errors_total",
		    (long long)stat_get(&w->redis.errors_total));
		json_kint(g, "restarts", (long long)stat_get(&w->restarts));
		json_kint(g, "sse_clients", (long long)stat_get(&w->sse.clients));
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
}
