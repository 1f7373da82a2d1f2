#include <sys/mman.h>

#include <stdio.h>
#include <string.h>

#include "stat_counter.h"
#include "worker_stats.h"

struct stats_region *
stats_region_map(size_t nslots)
{
	struct stats_region	*r;

	if (nslots == 0 || nslots > WORKER_STATS_MAX)
		return (NULL);
	r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (r == MAP_FAILED)
		return (NULL);
	memset(r, 0, sizeof(*r));
	r->nslots = nslots;
	return (r);
}

void
stats_region_unmap(struct stats_region *r)
{
	if (r != NULL)
		munmap(r, sizeof(*r));
}

/*
 * Counters survive a worker restart so the summed Prometheus counters never
 * go backwards; gauges are the new process's to set.
 */
struct worker_stats *
stats_region_claim(struct stats_region *r, size_t index, uint64_t pid,
    uint64_t worker_id, uint64_t now_unix_ms)
{
	struct worker_stats	*w;

	if (index >= r->nslots)
		return (NULL);
	w = &r->slot[index];
	if (stat_get(&w->pid) != 0)
		stat_add(&w->restarts, 1);
	stat_set(&w->worker_id, worker_id);
	stat_set(&w->started_unix_ms, now_unix_ms);
	stat_set(&w->pid, pid);
	return (w);
}

void
pool_totals_sum(const struct stats_region *r, uint64_t budget,
    struct pool_totals *t)
{
	const struct worker_stats	*w;
	size_t				 i;

	memset(t, 0, sizeof(*t));
	t->max_connections = budget;
	for (i = 0; i < r->nslots; i++) {
		w = &r->slot[i];
		if (stat_get(&w->pid) == 0)
			continue;
		t->workers++;
		t->command_open += stat_get(&w->redis.open);
		t->active += stat_get(&w->redis.active);
		t->idle += stat_get(&w->redis.idle);
		t->connecting += stat_get(&w->redis.connecting);
		t->pending_commands += stat_get(&w->redis.pending_commands);
		t->waiting_requests += stat_get(&w->redis.waiting_requests);
		t->pubsub += stat_get(&w->sub.connected);
		t->sentinel += stat_get(&w->redis.sentinel_connected);
	}
	t->open = t->command_open + t->pubsub + t->sentinel;
	t->utilization_percent = budget > 0 ?
	    (double)t->open * 100.0 / (double)budget : 0.0;
	t->high_utilization = t->utilization_percent > HIGH_UTILIZATION_PERCENT;
}

int
read_cache_verdict(const struct stats_region *r, char *why, size_t whylen)
{
	const struct worker_stats	*w;
	char				 msg[SHEETS_PROBE_ERR_MAX];
	uint64_t			 at, newest = 0;
	size_t				 i;

	if (whylen > 0)
		why[0] = '\0';
	for (i = 0; i < r->nslots; i++) {
		w = &r->slot[i];
		at = __atomic_load_n(&w->read_cache.checked_ms,
		    __ATOMIC_ACQUIRE);
		if (stat_get(&w->pid) == 0 || at == 0 || at < newest)
			continue;
		/* Its own time as now: a record's age is not in question. */
		if (sheets_probe_verdict(&w->read_cache, at, UINT64_MAX, msg,
		    sizeof(msg)) == 0) {
			newest = at;
			snprintf(why, whylen, "%s", msg);
		}
	}
	return (newest == 0);
}
