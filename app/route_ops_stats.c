/*
 * GET /api/ops/stats: what the ops page needs that no other route
 * answers — the health verdict's transitions of the last hour, the Sheets
 * quota (calls granted and made to wait, per kind, against the
 * configured rates, 429s), the group commit's counters, from which the
 * page draws batch sizes, and the relay's (which worker is the
 * deployment's committer, what it took and answered).  Read from the
 * shared region only: no Redis, no Sheets, nothing allocated beyond the
 * answer.  OPS_TOKEN guards it.
 */
#include <stddef.h>
#include <time.h>

#include "health_history.h"
#include "json_out.h"
#include "nelem.h"
#include "stat_counter.h"
#include "zeues.h"

#define HOUR_MS		(3600ULL * 1000)

int	route_ops_stats(struct http_request *);

#define CQ(f)	(offsetof(struct worker_stats, commit_quota) + \
		    offsetof(struct commit_quota_stats, f))

static uint64_t
sum(size_t off)
{
	uint64_t	total = 0;
	size_t		i;

	for (i = 0; i < zeues_stats->nslots; i++) {
		if (stat_get(&zeues_stats->slot[i].pid) == 0)
			continue;
		total += stat_get((const uint64_t *)(const void *)
		    ((const char *)&zeues_stats->slot[i] + off));
	}
	return (total);
}

static void
transition_json(yajl_gen g, const struct health_transition *t)
{
	yajl_gen_map_open(g);
	json_kint(g, "at_ms", (long long)t->unix_ms);
	json_kstr(g, "verdict", health_verdict((int)t->redis_ok,
	    (int)t->sheets_ok, (int)t->cache_ok));
	json_kbool(g, "redis_ok", (int)t->redis_ok);
	json_kbool(g, "sheets_ok", (int)t->sheets_ok);
	json_kbool(g, "read_cache_ok", (int)t->cache_ok);
	yajl_gen_map_close(g);
}

static void
health_json(yajl_gen g, uint64_t now_ms)
{
	struct health_transition	t[HEALTH_HISTORY_MAX];
	size_t				n, i;

	n = health_history_read(&zeues_stats->health, now_ms - HOUR_MS, t,
	    NELEM(t));
	json_key(g, "health");
	yajl_gen_map_open(g);
	json_kint(g, "redis_probe_interval_s",
	    zeues_cfg.redis_health_interval_ms / 1000);
	json_kint(g, "sheets_probe_interval_s",
	    zeues_sheets.health_interval_ms / 1000);
	json_key(g, "transitions");
	yajl_gen_array_open(g);
	for (i = 0; i < n; i++)
		transition_json(g, &t[i]);
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
}

static void
kind_pair(yajl_gen g, const char *key, size_t read_off, size_t write_off)
{
	json_key(g, key);
	yajl_gen_map_open(g);
	json_kint(g, "read", (long long)sum(read_off));
	json_kint(g, "write", (long long)sum(write_off));
	yajl_gen_map_close(g);
}

#define RS(f)	(offsetof(struct worker_stats, read_share) + \
		    offsetof(struct read_share_stats, f))

/* The read cache: shared or not, and where its tables came from. */
static void
read_share_json(yajl_gen g)
{
	uint64_t	age, oldest = 0;
	size_t		i;

	for (i = 0; i < zeues_stats->nslots; i++) {
		if (stat_get(&zeues_stats->slot[i].pid) == 0)
			continue;
		age = stat_get(&zeues_stats->slot[i].read_share.age_ms);
		if (age > oldest)
			oldest = age;
	}
	json_key(g, "read_cache");
	yajl_gen_map_open(g);
	json_kbool(g, "shared", zeues_sheets.cache_shared);
	json_kint(g, "refreshes_read_total", (long long)sum(RS(read)));
	json_kint(g, "refreshes_adopted_total", (long long)sum(RS(adopted)));
	json_kint(g, "snapshots_stored_total", (long long)sum(RS(stored)));
	json_kint(g, "share_failures_total", (long long)sum(RS(failures)));
	json_kint(g, "oldest_age_ms", (long long)oldest);
	yajl_gen_map_close(g);
}

#define RL(f)	(offsetof(struct worker_stats, relay) + \
		    offsetof(struct relay_stats, f))

/*
 * The deployment's committer, from this instance's side: which of its
 * workers holds the lease (null: another instance's, or none), and the
 * relay's totals over its workers.  A climbing lost_total or
 * given_back_total is a committer that keeps losing its lease (Redis
 * trouble).
 */
static void
relay_json(yajl_gen g)
{
	size_t	i, holder = 0;

	for (i = 0; i < zeues_stats->nslots; i++) {
		if (stat_get(&zeues_stats->slot[i].pid) != 0 &&
		    stat_get(&zeues_stats->slot[i].relay.committer) != 0) {
			holder = i + 1;
			break;
		}
	}
	json_key(g, "relay");
	yajl_gen_map_open(g);
	json_kbool(g, "enabled", zeues_sheets.commit_relay);
	json_key(g, "committer");
	if (holder == 0)
		yajl_gen_null(g);
	else {
		yajl_gen_map_open(g);
		json_kint(g, "worker", (long long)stat_get(
		    &zeues_stats->slot[holder - 1].worker_id));
		json_kint(g, "pid", (long long)stat_get(
		    &zeues_stats->slot[holder - 1].pid));
		yajl_gen_map_close(g);
	}
	json_kint(g, "appended_total", (long long)sum(RL(appended)));
	json_kint(g, "outcomes_total", (long long)sum(RL(outcomes)));
	json_kint(g, "late_outcomes_total", (long long)sum(RL(late)));
	json_kint(g, "taken_total", (long long)sum(RL(taken)));
	json_kint(g, "replayed_total", (long long)sum(RL(replayed)));
	json_kint(g, "given_back_total", (long long)sum(RL(given_back)));
	json_kint(g, "answered_total", (long long)sum(RL(answered)));
	json_kint(g, "dropped_total", (long long)sum(RL(dropped)));
	json_kint(g, "leases_total", (long long)sum(RL(leases)));
	json_kint(g, "lost_total", (long long)sum(RL(lost)));
	json_kint(g, "consumers_pruned_total", (long long)sum(RL(pruned)));
	yajl_gen_map_close(g);
}

static void
sheets_json(yajl_gen g)
{
	json_key(g, "sheets");
	yajl_gen_map_open(g);
	json_kbool(g, "configured", zeues_sheets.configured);
	json_kint(g, "reads_per_minute", zeues_sheets.reads_per_minute);
	json_kint(g, "writes_per_minute", zeues_sheets.writes_per_minute);
	kind_pair(g, "quota_granted_total", CQ(quota_granted[0]),
	    CQ(quota_granted[1]));
	kind_pair(g, "quota_waits_total", CQ(quota_waits[0]),
	    CQ(quota_waits[1]));
	json_kint(g, "rate_limited_total", (long long)sum(
	    offsetof(struct worker_stats, sheets) +
	    offsetof(struct sheets_stats, rate_limited)));
	read_share_json(g);
	json_key(g, "group_commit");
	yajl_gen_map_open(g);
	json_kint(g, "batches_total", (long long)sum(CQ(gc_batches)));
	json_kint(g, "changes_total", (long long)sum(CQ(gc_changes)));
	json_kint(g, "writes_total", (long long)sum(CQ(gc_writes)));
	json_kint(g, "conflicts_total", (long long)sum(CQ(gc_conflicts)));
	yajl_gen_map_close(g);
	relay_json(g);
	yajl_gen_map_close(g);
}

int
route_ops_stats(struct http_request *req)
{
	struct timespec	ts;
	uint64_t	now_ms;
	yajl_gen	g;

	if (!http_route_begin(req, ROUTE_OPS_STATS,
	    HTTP_METHOD_GET | HTTP_METHOD_HEAD))
		return (KORE_RESULT_OK);
	clock_gettime(CLOCK_REALTIME, &ts);
	now_ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;

	g = json_out_new();
	yajl_gen_map_open(g);
	json_kint(g, "server_time_ms", (long long)now_ms);
	health_json(g, now_ms);
	sheets_json(g);
	yajl_gen_map_close(g);
	http_send_json(req, ROUTE_OPS_STATS, 200, g);
	yajl_gen_free(g);
	return (KORE_RESULT_OK);
}
