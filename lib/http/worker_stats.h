/*
 * Everything a worker publishes about itself, in one slot of a region
 * mapped shared before the workers fork.  Each worker writes only its own
 * slot; the stats and metrics routes of any worker read all of them, so
 * the figures they answer with are the whole server's, not one process's.
 */
#ifndef ZEUES_WORKER_STATS_H
#define ZEUES_WORKER_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "health_history.h"
#include "http_stats.h"
#include "redis_pool.h"
#include "redis_subscriber.h"
#include "sheets_client.h"
#include "sheets_probe.h"
#include "sse_hub.h"

#define WORKER_STATS_MAX	64

/* The Sheets client's counters, copied from it every tick. */
struct sheets_stats {
	uint64_t	calls_ok;
	uint64_t	calls_failed;
	uint64_t	by_call[SHEETS_CALLS][2];	/* [call][0 ok, 1 failed] */
	uint64_t	rate_limited;
	uint64_t	attempts;
	uint64_t	retries;
	uint64_t	token_refreshes;
	uint64_t	token_failures;
	uint64_t	last_ok_ms;		/* monotonic; 0: none */
	uint64_t	last_ok_latency_ms;
};

/* Occupation changes recorded, by action (OCC_TOMAR...). */
#define OCCUPATION_ACTIONS	4
struct occupation_stats {
	uint64_t	changes_total[OCCUPATION_ACTIONS];
	uint64_t	events_failed_total;
	uint64_t	reconcile_runs_total;
	uint64_t	reconcile_restored_total;
	uint64_t	reconcile_removed_total;
};

/*
 * The group commit's and the quota limiter's counters, copied from them
 * every tick for the ops page (app/ops_glue.c).
 */
struct commit_quota_stats {
	uint64_t	gc_batches;
	uint64_t	gc_changes;		/* changes applied */
	uint64_t	gc_writes;		/* Sheets write calls */
	uint64_t	gc_conflicts;
	uint64_t	quota_granted[2];	/* [0 read, 1 write] */
	uint64_t	quota_waits[2];		/* asked to wait for a slot */
};

/* The read cache shared through Redis (sheets_cache.h); 0s unshared. */
struct read_share_stats {
	uint64_t	shared;			/* 0 or 1 */
	uint64_t	read;			/* refreshes read from Sheets */
	uint64_t	adopted;		/* taken from another's snapshot */
	uint64_t	stored;			/* snapshots given to the others */
	uint64_t	failures;		/* Redis or snapshot trouble */
	uint64_t	age_ms;			/* of the tables served */
};

/*
 * The deployment's committer as this worker sees it (commit_relay.h): 0s
 * when SHEETS_COMMIT_MODE is not relay.
 */
struct relay_stats {
	uint64_t	committer;	/* 1 while this worker is it */
	uint64_t	appended;	/* changes put in the stream */
	uint64_t	outcomes;	/* outcomes heard by origins */
	uint64_t	taken;		/* entries read as committer */
	uint64_t	replayed;	/* claimed from another */
	uint64_t	given_back;	/* held when the lease was lost */
	uint64_t	answered;	/* outcomes written */
	uint64_t	dropped;	/* read after their deadline */
	uint64_t	leases;		/* times it became committer */
	uint64_t	lost;		/* times it stopped being one */
	uint64_t	late;		/* outcomes heard after a 503 */
	uint64_t	pruned;		/* idle consumers removed */
};

struct worker_stats {
	uint64_t			pid;		/* 0: slot unused */
	uint64_t			worker_id;
	uint64_t			started_unix_ms;
	uint64_t			restarts;
	struct redis_pool_stats		redis;
	struct redis_subscriber_stats	sub;
	struct http_stats		http;
	struct sheets_stats		sheets;
	struct sse_hub_stats		sse;
	struct occupation_stats		occupation;
	/* The read cache's last refresh: ok, or why not (sheets_cache.h). */
	struct sheets_probe		read_cache;
	struct commit_quota_stats	commit_quota;
	struct read_share_stats		read_share;
	struct relay_stats		relay;
};

struct stats_region {
	uint64_t		nslots;
	struct sheets_probe	sheets_probe;	/* written by worker 1 */
	struct worker_stats	slot[WORKER_STATS_MAX];
	struct health_history	health;		/* written by worker 1 */
};

/* Pool figures summed over the slots in use. */
struct pool_totals {
	uint64_t	workers;
	uint64_t	max_connections;	/* the configured budget */
	uint64_t	open;			/* command + subscriber + Sentinel */
	uint64_t	command_open;
	uint64_t	active;
	uint64_t	idle;
	uint64_t	connecting;
	uint64_t	pending_commands;
	uint64_t	waiting_requests;
	uint64_t	pubsub;
	uint64_t	sentinel;		/* Sentinel mode, one a worker */
	double		utilization_percent;
	int		high_utilization;
};

#define HIGH_UTILIZATION_PERCENT	80.0

/* Anonymous shared mapping; NULL on failure. */
struct stats_region	*stats_region_map(size_t nslots);
void			 stats_region_unmap(struct stats_region *);

/* Claims slot index for a (re)started worker, keeping its counters. */
struct worker_stats	*stats_region_claim(struct stats_region *,
			    size_t index, uint64_t pid, uint64_t worker_id,
			    uint64_t now_unix_ms);

void	pool_totals_sum(const struct stats_region *, uint64_t budget,
	    struct pool_totals *);

/*
 * Returns 1 unless a worker's read cache failed its last refresh; then 0
 * with the newest such failure's reason in why.  A cache that has not
 * refreshed yet counts as fine.
 */
int	read_cache_verdict(const struct stats_region *, char *why,
	    size_t whylen);

#endif
