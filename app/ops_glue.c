/*
 * What the ops page reads and no other part keeps: the health verdict's
 * transitions (worker 1 notes them in the shared region, as it probes
 * Sheets for all) and each worker's group-commit, relay and quota
 * counters, copied into its stats slot.  Both are fixed-size: a page open
 * for a day costs no memory here.
 */
#include <time.h>

#include "commit_relay.h"
#include "group_commit.h"
#include "sheets_limiter.h"
#include "stat_counter.h"
#include "zeues.h"

#define OPS_SAMPLE_MS	100

static uint64_t	next_sample_ms;

/* Redis counts as up when every worker's pool reaches it. */
static int
redis_all_up(void)
{
	size_t	i;
	int	any = 0;

	for (i = 0; i < zeues_stats->nslots; i++) {
		if (stat_get(&zeues_stats->slot[i].pid) == 0)
			continue;
		if (stat_get(&zeues_stats->slot[i].redis.up) == 0)
			return (0);
		any = 1;
	}
	return (any);
}

static void
note_health(void)
{
	struct timespec	ts;
	char		why[SHEETS_PROBE_ERR_MAX];
	uint64_t	unix_ms;

	/* "Not checked yet" is no outage: wait for the first probe. */
	if (zeues_sheets.configured &&
	    stat_get(&zeues_stats->sheets_probe.checked_ms) == 0)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	unix_ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	health_history_note(&zeues_stats->health, unix_ms, redis_all_up(),
	    sheets_glue_health(why, sizeof(why)),
	    sheets_glue_read_cache(why, sizeof(why)));
}

static void
copy_counters(void)
{
	struct commit_quota_stats	*out = &zw.stats->commit_quota;
	struct group_commit_stats	 gc;
	struct sheets_limiter_stats	 ls;
	struct relay_stats		*rel = &zw.stats->relay;
	struct commit_relay_stats	 rs;

	if (zw.commit != NULL) {
		group_commit_stats(zw.commit, &gc);
		stat_set(&out->gc_batches, gc.batches);
		stat_set(&out->gc_changes, gc.applied);
		stat_set(&out->gc_writes, gc.writes);
		stat_set(&out->gc_conflicts, gc.conflicts);
	}
	if (zw.relay != NULL) {
		commit_relay_stats(zw.relay, &rs);
		stat_set(&rel->committer,
		    (uint64_t)commit_relay_is_committer(zw.relay));
		stat_set(&rel->appended, rs.appended);
		stat_set(&rel->outcomes, rs.outcomes);
		stat_set(&rel->taken, rs.taken);
		stat_set(&rel->replayed, rs.replayed);
		stat_set(&rel->given_back, rs.given_back);
		stat_set(&rel->answered, rs.answered);
		stat_set(&rel->dropped, rs.dropped);
		stat_set(&rel->leases, rs.leases);
		stat_set(&rel->lost, rs.lost);
		stat_set(&rel->late, rs.late);
		stat_set(&rel->pruned, rs.pruned);
	}
	if (zw.limiter != NULL) {
		sheets_limiter_stats(zw.limiter, &ls);
		stat_set(&out->quota_granted[0], ls.granted[SHEETS_QUOTA_READ]);
		stat_set(&out->quota_granted[1],
		    ls.granted[SHEETS_QUOTA_WRITE]);
		stat_set(&out->quota_waits[0], ls.refused[SHEETS_QUOTA_READ]);
		stat_set(&out->quota_waits[1], ls.refused[SHEETS_QUOTA_WRITE]);
	}
}

void
ops_glue_tick(uint64_t now)
{
	if (now < next_sample_ms)
		return;
	next_sample_ms = now + OPS_SAMPLE_MS;
	if (zw.id == 1)
		note_health();
	copy_counters();
}
