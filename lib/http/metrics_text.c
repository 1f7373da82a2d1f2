#include <stddef.h>
#include <string.h>

#include "metrics_text.h"
#include "stat_counter.h"

/* Offsets let one loop sum any uint64_t field of the slots. */
#define POOL_FIELD(f)	(offsetof(struct worker_stats, redis) + \
			    offsetof(struct redis_pool_stats, f))
#define SUB_FIELD(f)	(offsetof(struct worker_stats, sub) + \
			    offsetof(struct redis_subscriber_stats, f))
#define SHEETS_FIELD(f)	(offsetof(struct worker_stats, sheets) + \
			    offsetof(struct sheets_stats, f))
#define SSE_FIELD(f)	(offsetof(struct worker_stats, sse) + \
			    offsetof(struct sse_hub_stats, f))
#define OCC_FIELD(f)	(offsetof(struct worker_stats, occupation) + \
			    offsetof(struct occupation_stats, f))
#define READ_SHARE_FIELD(f) (offsetof(struct worker_stats, read_share) + \
			    offsetof(struct read_share_stats, f))

static uint64_t
sum_field(const struct stats_region *r, size_t off)
{
	uint64_t	total = 0;
	size_t		i;

	for (i = 0; i < r->nslots; i++) {
		if (stat_get(&r->slot[i].pid) == 0)
			continue;
		total += stat_get((const uint64_t *)(const void *)
		    ((const char *)&r->slot[i] + off));
	}
	return (total);
}

static void
header(struct strbuf *b, const char *name, const char *type,
    const char *help)
{
	strbuf_appendf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name,
	    type);
}

static void
scalar(struct strbuf *b, const char *name, const char *type,
    const char *help, uint64_t v)
{
	header(b, name, type, help);
	strbuf_appendf(b, "%s %llu\n", name, (unsigned long long)v);
}

static void
histogram(struct strbuf *b, const char *name, const char *labels,
    const struct histogram *h)
{
	uint64_t	cum = 0;
	size_t		i;
	const char	*sep = labels[0] != '\0' ? "," : "";

	for (i = 0; i < HISTOGRAM_BUCKETS; i++) {
		cum += h->buckets[i];
		strbuf_appendf(b, "%s_bucket{%s%sle=\"%g\"} %llu\n", name,
		    labels, sep, (double)histogram_bounds_us[i] / 1e6,
		    (unsigned long long)cum);
	}
	cum += h->buckets[HISTOGRAM_BUCKETS];
	strbuf_appendf(b, "%s_bucket{%s%sle=\"+Inf\"} %llu\n", name, labels,
	    sep, (unsigned long long)cum);
	strbuf_appendf(b, "%s_sum%s%s%s %.6f\n", name, labels[0] ? "{" : "",
	    labels, labels[0] ? "}" : "", (double)h->sum_us / 1e6);
	strbuf_appendf(b, "%s_count%s%s%s %llu\n", name, labels[0] ? "{" : "",
	    labels, labels[0] ? "}" : "", (unsigned long long)h->count);
}

static void
render_pool(struct strbuf *b, const struct stats_region *r, uint64_t budget)
{
	struct pool_totals	t;
	struct histogram	wait;
	size_t			i;

	pool_totals_sum(r, budget, &t);
	header(b, "zeues_redis_pool_connections", "gauge",
	    "Redis command connections of the whole server by state.");
	strbuf_appendf(b, "zeues_redis_pool_connections{state=\"active\"} "
	    "%llu\n", (unsigned long long)t.active);
	strbuf_appendf(b, "zeues_redis_pool_connections{state=\"idle\"} "
	    "%llu\n", (unsigned long long)t.idle);
	strbuf_appendf(b, "zeues_redis_pool_connections{state=\"connecting\"}"
	    " %llu\n", (unsigned long long)t.connecting);
	scalar(b, "zeues_redis_pubsub_connections", "gauge",
	    "Redis SUBSCRIBE connections (one per worker).", t.pubsub);
	scalar(b, "zeues_redis_connections_budget", "gauge",
	    "REDIS_POOL_MAX_CONNECTIONS: the whole server's budget.", budget);
	header(b, "zeues_redis_pool_utilization_ratio", "gauge",
	    "Open Redis connections over the budget.");
	strbuf_appendf(b, "zeues_redis_pool_utilization_ratio %.4f\n",
	    t.utilization_percent / 100.0);
	scalar(b, "zeues_redis_pool_pending_commands", "gauge",
	    "Commands sent and awaiting a reply.", t.pending_commands);
	scalar(b, "zeues_redis_pool_waiting_requests", "gauge",
	    "Commands queued for a connection.", t.waiting_requests);
	scalar(b, "zeues_redis_up", "gauge",
	    "Workers whose pool currently reaches Redis.",
	    sum_field(r, POOL_FIELD(up)));
	scalar(b, "zeues_redis_connects_total", "counter",
	    "Redis connections established.",
	    sum_field(r, POOL_FIELD(connects_total)));
	scalar(b, "zeues_redis_connect_failures_total", "counter",
	    "Redis connection attempts that failed.",
	    sum_field(r, POOL_FIELD(connect_failures_total)));
	scalar(b, "zeues_redis_reconnects_total", "counter",
	    "Pools that reached Redis again after losing it.",
	    sum_field(r, POOL_FIELD(reconnects_total)));
	scalar(b, "zeues_redis_timeouts_total", "counter",
	    "Redis commands or connects that ran past their deadline.",
	    sum_field(r, POOL_FIELD(timeouts_total)));
	scalar(b, "zeues_redis_errors_total", "counter",
	    "Redis connections lost or commands failed by I/O errors.",
	    sum_field(r, POOL_FIELD(errors_total)));
	scalar(b, "zeues_redis_commands_total", "counter",
	    "Redis commands sent for requests.",
	    sum_field(r, POOL_FIELD(commands_total)));
	scalar(b, "zeues_redis_rejected_total", "counter",
	    "Redis commands refused at once (Redis down or queue full).",
	    sum_field(r, POOL_FIELD(rejected_total)));

	memset(&wait, 0, sizeof(wait));
	for (i = 0; i < r->nslots; i++) {
		if (stat_get(&r->slot[i].pid) != 0)
			histogram_merge(&wait, &r->slot[i].redis.wait);
	}
	header(b, "zeues_redis_pool_wait_seconds", "histogram",
	    "Time a command waited for a connection.");
	histogram(b, "zeues_redis_pool_wait_seconds", "", &wait);

	scalar(b, "zeues_redis_subscriber_live", "gauge",
	    "Workers whose event subscription passed its last heartbeat.",
	    sum_field(r, SUB_FIELD(live)));
	scalar(b, "zeues_redis_subscriber_messages_total", "counter",
	    "Events received on the subscription.",
	    sum_field(r, SUB_FIELD(messages_total)));
	scalar(b, "zeues_redis_subscriber_resubscribes_total", "counter",
	    "Subscriptions re-established after a loss.",
	    sum_field(r, SUB_FIELD(resubscribes_total)));
	scalar(b, "zeues_redis_subscriber_heartbeat_failures_total", "counter",
	    "Heartbeats not heard back in time.",
	    sum_field(r, SUB_FIELD(heartbeat_failures_total)));
}

static void
render_http(struct strbuf *b, const struct stats_region *r)
{
	struct histogram	lat;
	uint64_t		n;
	char			labels[96];
	size_t			i;
	int			route, slot;

	header(b, "zeues_http_requests_total", "counter",
	    "HTTP responses by route and status.");
	for (route = 0; route < ROUTE_MAX; route++) {
		for (slot = 0; slot < HTTP_STATUS_SLOTS; slot++) {
			for (i = 0, n = 0; i < r->nslots; i++) {
				if (stat_get(&r->slot[i].pid) == 0)
					continue;
				n += stat_get(&r->slot[i].http.requests[route]
				    [slot]);
			}
			if (n == 0)
				continue;
			if (http_slot_status(slot) != 0)
				strbuf_appendf(b, "zeues_http_requests_total{"
				    "route=\"%s\",status=\"%d\"} %llu\n",
				    http_route_name(route),
				    http_slot_status(slot),
				    (unsigned long long)n);
			else
				strbuf_appendf(b, "zeues_http_requests_total{"
				    "route=\"%s\",status=\"other\"} %llu\n",
				    http_route_name(route),
				    (unsigned long long)n);
		}
	}

	header(b, "zeues_http_request_duration_seconds", "histogram",
	    "Time from request to response, by route.");
	for (route = 0; route < ROUTE_MAX; route++) {
		memset(&lat, 0, sizeof(lat));
		for (i = 0; i < r->nslots; i++) {
			if (stat_get(&r->slot[i].pid) != 0)
				histogram_merge(&lat,
				    &r->slot[i].http.latency[route]);
		}
		if (lat.count == 0)
			continue;
		snprintf(labels, sizeof(labels), "route=\"%s\"",
		    http_route_name(route));
		histogram(b, "zeues_http_request_duration_seconds", labels,
		    &lat);
	}
}

static void
render_sheets(struct strbuf *b, const struct stats_region *r)
{
	const struct sheets_probe	*p = &r->sheets_probe;
	static const char		*outcome[2] = { "ok", "failed" };
	int				 call, o;

	header(b, "zeues_sheets_calls_total", "counter",
	    "Sheets API calls by call and final outcome (after retries).");
	for (call = 0; call < SHEETS_CALLS; call++) {
		for (o = 0; o < 2; o++) {
			strbuf_appendf(b, "zeues_sheets_calls_total{call=\"%s\","
			    "outcome=\"%s\"} %llu\n", sheets_call_name(call),
			    outcome[o], (unsigned long long)sum_field(r,
			    SHEETS_FIELD(by_call) + (size_t)(call * 2 + o) *
			    sizeof(uint64_t)));
		}
	}
	scalar(b, "zeues_sheets_attempts_total", "counter",
	    "HTTP attempts made for Sheets calls, retries included.",
	    sum_field(r, SHEETS_FIELD(attempts)));
	scalar(b, "zeues_sheets_retries_total", "counter",
	    "Sheets attempts that were retries.",
	    sum_field(r, SHEETS_FIELD(retries)));
	scalar(b, "zeues_sheets_rate_limited_total", "counter",
	    "Sheets answers 429 RESOURCE_EXHAUSTED.",
	    sum_field(r, SHEETS_FIELD(rate_limited)));
	scalar(b, "zeues_sheets_token_refreshes_total", "counter",
	    "Service-account access tokens obtained.",
	    sum_field(r, SHEETS_FIELD(token_refreshes)));
	scalar(b, "zeues_sheets_token_failures_total", "counter",
	    "Token requests that failed.",
	    sum_field(r, SHEETS_FIELD(token_failures)));
	scalar(b, "zeues_sheets_cache_reads_total", "counter",
	    "Read cache refreshes read from Sheets by this instance.",
	    sum_field(r, READ_SHARE_FIELD(read)));
	scalar(b, "zeues_sheets_cache_adopted_total", "counter",
	    "Read cache refreshes taken from another worker's snapshot "
	    "(SHEETS_CACHE_SHARED).", sum_field(r, READ_SHARE_FIELD(adopted)));
	scalar(b, "zeues_sheets_cache_share_failures_total", "counter",
	    "Times Redis or a snapshot could not serve the shared read cache.",
	    sum_field(r, READ_SHARE_FIELD(failures)));
	scalar(b, "zeues_sheets_probe_ok", "gauge",
	    "1 if the last Sheets health probe succeeded.",
	    stat_get(&p->ok));
	scalar(b, "zeues_sheets_probes_total", "counter",
	    "Sheets health probes made.", stat_get(&p->probes_total));
	scalar(b, "zeues_sheets_probe_failures_total", "counter",
	    "Sheets health probes that failed.",
	    stat_get(&p->failures_total));
}

static void
render_sse(struct strbuf *b, const struct stats_region *r)
{
	struct histogram	fanout;
	size_t			i;
	int			reason;

	scalar(b, "zeues_sse_clients", "gauge",
	    "Live-board clients connected.", sum_field(r, SSE_FIELD(clients)));
	scalar(b, "zeues_sse_connects_total", "counter",
	    "Live-board connections accepted.",
	    sum_field(r, SSE_FIELD(connects_total)));
	scalar(b, "zeues_sse_rejected_total", "counter",
	    "Live-board connections refused at the per-worker cap (503).",
	    sum_field(r, SSE_FIELD(rejected_total)));
	scalar(b, "zeues_sse_events_in_total", "counter",
	    "Events received from the subscription.",
	    sum_field(r, SSE_FIELD(events_in_total)));
	scalar(b, "zeues_sse_events_sent_total", "counter",
	    "Events written to clients, replays included.",
	    sum_field(r, SSE_FIELD(events_out_total)));
	scalar(b, "zeues_sse_replays_total", "counter",
	    "Last-Event-ID replays served.",
	    sum_field(r, SSE_FIELD(replays_total)));
	scalar(b, "zeues_sse_resets_total", "counter",
	    "Reset events sent (history too short: the client reloads).",
	    sum_field(r, SSE_FIELD(resets_total)));
	header(b, "zeues_sse_dropped_clients_total", "counter",
	    "Clients dropped, by reason.");
	for (reason = 0; reason < SSE_DROP_MAX; reason++) {
		strbuf_appendf(b, "zeues_sse_dropped_clients_total{reason=\"%s\"}"
		    " %llu\n", sse_drop_reason_name(reason),
		    (unsigned long long)sum_field(r, SSE_FIELD(dropped_total) +
		    (size_t)reason * sizeof(uint64_t)));
	}
	memset(&fanout, 0, sizeof(fanout));
	for (i = 0; i < r->nslots; i++) {
		if (stat_get(&r->slot[i].pid) != 0)
			histogram_merge(&fanout, &r->slot[i].sse.fanout);
	}
	header(b, "zeues_sse_fanout_seconds", "histogram",
	    "Time to offer one event to every client of a worker.");
	histogram(b, "zeues_sse_fanout_seconds", "", &fanout);
}

static void
render_occupation(struct strbuf *b, const struct stats_region *r)
{
	static const char	*action[OCCUPATION_ACTIONS] = { "TOMAR",
				    "PAUSAR", "COMPLETAR", "CANCELAR" };
	int			 a;

	header(b, "zeues_occupation_changes_total", "counter",
	    "Occupation changes recorded in Sheets, by action.");
	for (a = 0; a < OCCUPATION_ACTIONS; a++) {
		strbuf_appendf(b, "zeues_occupation_changes_total{action=\"%s\"}"
		    " %llu\n", action[a], (unsigned long long)sum_field(r,
		    OCC_FIELD(changes_total) + (size_t)a * sizeof(uint64_t)));
	}
	scalar(b, "zeues_occupation_events_failed_total", "counter",
	    "Recorded changes whose event could not be published.",
	    sum_field(r, OCC_FIELD(events_failed_total)));
	scalar(b, "zeues_reconcile_runs_total", "counter",
	    "Redis/Sheets reconciliation passes.",
	    sum_field(r, OCC_FIELD(reconcile_runs_total)));
	scalar(b, "zeues_reconcile_restored_locks_total", "counter",
	    "Locks restored for spools occupied in Sheets.",
	    sum_field(r, OCC_FIELD(reconcile_restored_total)));
	scalar(b, "zeues_reconcile_removed_locks_total", "counter",
	    "Stray locks removed (no Ocupado_Por in Sheets).",
	    sum_field(r, OCC_FIELD(reconcile_removed_total)));
}

void
metrics_text_render(struct strbuf *b, const struct stats_region *r,
    uint64_t budget, const char *version)
{
	struct pool_totals	t;

	pool_totals_sum(r, budget, &t);
	header(b, "zeues_build_info", "gauge", "Build of this server.");
	strbuf_appendf(b, "zeues_build_info{version=\"%s\"} 1\n", version);
	scalar(b, "zeues_workers", "gauge", "Worker processes reporting.",
	    t.workers);
	render_pool(b, r, budget);
	render_sheets(b, r);
	render_sse(b, r);
	render_occupation(b, r);
	render_http(b, r);
}

void
metrics_text_redis_server(struct strbuf *b, const struct client_count *cc,
    uint64_t age_ms)
{
	header(b, "zeues_redis_server_up", "gauge", "1 when Redis answered "
	    "the snapshot below.");
	strbuf_appendf(b, "zeues_redis_server_up %d\n", cc != NULL);
	if (cc != NULL) {
		header(b, "zeues_redis_server_clients", "gauge", "Clients "
		    "connected to Redis as Redis counts them (CLIENT LIST): "
		    "all of them, and those named by this service.");
		strbuf_appendf(b, "zeues_redis_server_clients{scope=\"all\"} "
		    "%d\n", cc->total);
		strbuf_appendf(b, "zeues_redis_server_clients{scope=\"service\"} "
		    "%d\n", cc->named);
	}
	header(b, "zeues_redis_snapshot_age_seconds", "gauge", "Age of the "
	    "snapshot of Redis these figures come from (one per worker, "
	    "refreshed at most once a second).");
	strbuf_appendf(b, "zeues_redis_snapshot_age_seconds %.3f\n",
	    (double)age_ms / 1000.0);
}
