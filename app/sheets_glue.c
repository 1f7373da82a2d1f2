/*
 * The worker's Sheets client and the health probe.  Worker 1 alone probes
 * the spreadsheet (one spreadsheets.get per SHEETS_HEALTH_CHECK_INTERVAL,
 * whatever the number of workers or health polls) and records the outcome
 * where every worker's /api/health reads it.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "commit_relay.h"
#include "group_commit.h"
#include "metadata_log.h"
#include "occupation_flow.h"
#include "reconciler.h"
#include "service_account.h"
#include "sheets_cache.h"
#include "sheets_client.h"
#include "sheets_limiter.h"
#include "sheets_probe.h"
#include "supervisor_override.h"
#include "stat_counter.h"
#include "zeues.h"

/*
 * An empty Metadata row is given up as a failed batch's after this long:
 * far beyond any change's deadline, short enough that re-reading from it
 * stays cheap.
 */
#define METADATA_GAP_MS		(5 * 60 * 1000)
/*
 * How recent another call's success must be to stand for the probe: a
 * quarter of an interval, 2 s at most, so that an outage is still seen
 * within an interval and a quarter (plus the probe's own timeout).
 */
#define PROBE_RECENT_MAX_MS	2000

static uint64_t			 probe_next_ms;
static uint64_t			 probe_started_ms;
static uint64_t			 probe_call;
static struct sheets_limit_op	*probe_quota;	/* its read, awaited */
static uint64_t	cache_refreshes_seen;	/* refreshes ended, published */

static void
zlog_sink(void *arg, enum log_level level, const char *line)
{
	(void)arg;
	zlog(level, "%s", line);
}

/* The watch for a supervisor's manual unblock (floor.md §2). */
static int
override_start(char *err, size_t errlen)
{
	struct override_deps	od;

	memset(&od, 0, sizeof(od));
	od.loop = zw.loop;
	od.pool = zw.pool;
	od.cache = zw.cache;
	od.commit = zw.relay;
	od.operaciones = zeues_sheets.operaciones;
	snprintf(od.holder, sizeof(od.holder), "%sw%d", zw.client_prefix,
	    zw.id);
	od.redis_timeout_ms = (uint64_t)zeues_cfg.redis_socket_timeout_ms;
	od.commit_timeout_ms = (uint64_t)zeues_sheets.call_timeout_ms;
	od.log.fn = zlog_sink;
	if ((zw.override = override_watch_new(&od)) == NULL) {
		snprintf(err, errlen, "cannot create the unblock watch");
		return (-1);
	}
	return (0);
}

/* The occupation flow and the reconciler on this worker's clients. */
static int
floor_start(char *err, size_t errlen)
{
	struct occ_flow_deps	fd;
	struct reconciler_deps	rd;

	memset(&fd, 0, sizeof(fd));
	fd.loop = zw.loop;
	fd.pool = zw.pool;
	fd.cache = zw.cache;
	fd.commit = zw.relay;
	event_log_config_default(&fd.events);
	fd.operaciones = zeues_sheets.operaciones;
	fd.uniones = zeues_sheets.uniones;
	fd.redis_timeout_ms = (uint64_t)zeues_cfg.redis_socket_timeout_ms;
	fd.require_lock_token = zeues_cfg.require_lock_token;
	fd.stats = &zw.stats->occupation;
	fd.log.fn = zlog_sink;
	if ((zw.flow = occ_flow_new(&fd)) == NULL) {
		snprintf(err, errlen, "cannot create the occupation flow");
		return (-1);
	}

	memset(&rd, 0, sizeof(rd));
	rd.loop = zw.loop;
	rd.pool = zw.pool;
	rd.cache = zw.cache;
	snprintf(rd.holder, sizeof(rd.holder), "%sw%d", zw.client_prefix,
	    zw.id);
	rd.redis_timeout_ms = (uint64_t)zeues_cfg.redis_socket_timeout_ms;
	rd.sheets_timeout_ms = (uint64_t)zeues_sheets.call_timeout_ms;
	rd.interval_ms = (uint64_t)zeues_cfg.reconcile_interval_ms;
	rd.grace_ms = (uint64_t)zeues_cfg.reconcile_grace_ms;
	rd.stats = &zw.stats->occupation;
	rd.log.fn = zlog_sink;
	if ((zw.reconciler = reconciler_new(&rd)) == NULL) {
		snprintf(err, errlen, "cannot create the reconciler");
		return (-1);
	}
	return (override_start(err, errlen));
}

/* A 429 pauses that kind of call for the whole deployment. */
static void
sheets_rate_limited(void *arg, int call)
{
	(void)arg;
	if (zw.limiter == NULL)
		return;
	sheets_limiter_pause(zw.limiter, call == SHEETS_CALL_BATCH_GET ||
	    call == SHEETS_CALL_GET_SPREADSHEET ? SHEETS_QUOTA_READ :
	    SHEETS_QUOTA_WRITE);
}

int
sheets_glue_start(char *err, size_t errlen)
{
	struct sheets_client_config	cfg;
	struct sheets_limiter_config	lc;
	struct sheets_cache_config	cc;
	struct group_commit_config	gc;
	struct commit_relay_config	rc;
	char				holder[COMMIT_RELAY_HOLDER_MAX];

	if (!zeues_sheets.configured)
		return (0);
	sheets_client_config_defaults(&cfg);
	cfg.base_url = zeues_sheets.base_url;
	cfg.spreadsheet_id = zeues_sheets.spreadsheet_id;
	cfg.attempt_timeout_ms = (uint64_t)zeues_sheets.call_timeout_ms;
	cfg.rate_limited = sheets_rate_limited;
	zw.sheets = sheets_client_new(zw.loop, zeues_sheets.account, &cfg,
	    err, errlen);
	if (zw.sheets == NULL)
		return (-1);

	sheets_limiter_config_defaults(&lc);
	lc.account = zeues_sheets.account->client_email;
	lc.per_window[SHEETS_QUOTA_READ] =
	    (unsigned int)zeues_sheets.reads_per_minute;
	lc.per_window[SHEETS_QUOTA_WRITE] =
	    (unsigned int)zeues_sheets.writes_per_minute;
	lc.workers = (unsigned int)zeues_cfg.workers;
	/*
	 * A quarter of the reads is kept for group commit's verification
	 * reads: without one no change lands, while a cache refresh that
	 * finds no read serves the tables it has.
	 */
	lc.reserve[SHEETS_QUOTA_READ] = lc.per_window[SHEETS_QUOTA_READ] / 4;
	/*
	 * Shared: one write per slot for the whole deployment.  A slot is
	 * the quota's pace with a quarter to spare, as the slices had: each
	 * batch also spends a verification read, which shares the read
	 * quota with the read cache.
	 */
	if (zeues_sheets.commit_shared)
		lc.spacing_ms[SHEETS_QUOTA_WRITE] = 60000 * 5 / 4 /
		    (uint64_t)zeues_sheets.writes_per_minute;
	if ((zw.limiter = sheets_limiter_new(&lc, zw.pool, zw.loop)) == NULL) {
		snprintf(err, errlen, "cannot create the Sheets rate limiter");
		return (-1);
	}

	sheets_cache_config_defaults(&cc);
	cc.sheet[SHEETS_CACHE_OPERACIONES] = zeues_sheets.operaciones;
	cc.sheet[SHEETS_CACHE_TRABAJADORES] = zeues_sheets.trabajadores;
	cc.sheet[SHEETS_CACHE_ROLES] = zeues_sheets.roles;
	cc.sheet[SHEETS_CACHE_UNIONES] = zeues_sheets.uniones;
	cc.ttl_ms = (uint64_t)zeues_sheets.cache_ttl_ms;
	zw.metadata = metadata_log_new(zeues_sheets.metadata, METADATA_GAP_MS);
	if (zw.metadata == NULL) {
		snprintf(err, errlen, "cannot create the Metadata log");
		return (-1);
	}
	metadata_log_rider(zw.metadata, &cc.rider);
	if (zeues_sheets.cache_shared) {
		cc.share_pool = zw.pool;
		cc.share_id = zeues_sheets.spreadsheet_id;
		cc.share_redis_timeout_ms =
		    (uint64_t)zeues_cfg.redis_socket_timeout_ms;
		/*
		 * The lease lasts one refresh request's budget (the default):
		 * a refresher that dies costs the others that long at most,
		 * and one outliving it costs one more read, no harm.
		 */
		cc.share_lease_ms = cc.refresh_timeout_ms;
		cc.log.fn = zlog_sink;
	}
	zw.cache = sheets_cache_new(&cc, zw.sheets, zw.limiter, zw.loop, err,
	    errlen);
	if (zw.cache == NULL)
		return (-1);

	group_commit_config_defaults(&gc);
	gc.spreadsheet_id = zeues_sheets.spreadsheet_id;
	gc.metadata_sheet = zeues_sheets.metadata;
	gc.window_ms = (uint64_t)zeues_sheets.batch_window_ms;
	/*
	 * Slices: each worker batches at its share of the write quota's
	 * pace, with a quarter to spare for the read cache and the other
	 * instances' slack.  Shared: the limiter's write spacing paces the
	 * deployment, and a worker's batch takes the next free slot.
	 */
	gc.slot_first = zeues_sheets.commit_shared;
	if (!zeues_sheets.commit_shared)
		gc.min_interval_ms = (uint64_t)zeues_cfg.workers * 60000 *
		    5 / 4 / (uint64_t)zeues_sheets.writes_per_minute;
	gc.applied = sheets_cache_note_write;
	gc.applied_arg = zw.cache;
	zw.commit = group_commit_new(&gc, zw.sheets, zw.pool, zw.limiter,
	    zw.loop, err, errlen);
	if (zw.commit == NULL)
		return (-1);

	/*
	 * Relay: this worker's changes go to the deployment's committer,
	 * which may be this worker; the lease names it, pid included.
	 */
	commit_relay_config_defaults(&rc);
	rc.enabled = zeues_sheets.commit_relay;
	rc.spreadsheet_id = zeues_sheets.spreadsheet_id;
	snprintf(holder, sizeof(holder), "%sw%d:%d", zw.client_prefix, zw.id,
	    (int)getpid());
	rc.holder = holder;
	rc.call_timeout_ms = (uint64_t)zeues_sheets.call_timeout_ms;
	rc.redis_timeout_ms = (uint64_t)zeues_cfg.redis_socket_timeout_ms;
	rc.applied = sheets_cache_note_write;
	rc.applied_arg = zw.cache;
	/* What other workers' changes wrote: decided on fresh versions. */
	rc.landed = sheets_cache_note_write;
	rc.landed_arg = zw.cache;
	rc.log.fn = zlog_sink;
	zw.relay = commit_relay_new(&rc, zw.commit, zw.pool, zw.loop, err,
	    errlen);
	if (zw.relay == NULL || floor_start(err, errlen) == -1)
		return (-1);
	probe_next_ms = kore_io_loop_now();
	return (0);
}

/* Users before what they use: each frees without calling back. */
void
sheets_glue_stop(void)
{
	override_watch_free(zw.override);
	reconciler_free(zw.reconciler);
	occ_flow_free(zw.flow);
	commit_relay_free(zw.relay);
	group_commit_free(zw.commit);
	sheets_cache_free(zw.cache);
	metadata_log_free(zw.metadata);
	sheets_limiter_free(zw.limiter);
	sheets_client_free(zw.sheets);
	zw.override = NULL;
	zw.reconciler = NULL;
	zw.flow = NULL;
	zw.relay = NULL;
	zw.commit = NULL;
	zw.cache = NULL;
	zw.metadata = NULL;
	zw.limiter = NULL;
	zw.sheets = NULL;
	probe_call = 0;
	probe_quota = NULL;		/* dropped with the limiter */
	cache_refreshes_seen = 0;
}

/*
 * One line when Sheets goes and one when it comes back, whatever the
 * number of probes in between (each failure stays at debug level).
 */
static void
probe_record(uint64_t now, int ok, uint64_t latency, const char *error)
{
	uint64_t	down_ms = 0;

	if (error == NULL)
		error = "unknown error";
	switch (sheets_probe_record(&zeues_stats->sheets_probe, now, ok,
	    latency, error, &down_ms)) {
	case SHEETS_PROBE_WENT_DOWN:
		zlog(LOG_LEVEL_ERROR, "Sheets went down: %s", error);
		break;
	case SHEETS_PROBE_CAME_BACK:
		zlog(LOG_LEVEL_WARNING, "Sheets is back after %llu s down",
		    (unsigned long long)(down_ms / 1000));
		break;
	case SHEETS_PROBE_SAME:
		if (!ok)
			zlog(LOG_LEVEL_DEBUG, "Sheets check failed: %s",
			    error);
		break;
	}
}

static void
probe_done(void *arg, int ok, const char *error)
{
	uint64_t	now = kore_io_loop_now();

	(void)arg;
	probe_call = 0;
	probe_record(now, ok, now - probe_started_ms, error);
}

static struct sheets_probe_call	probe_in_flight = { probe_done, NULL };

static void
probe_granted(void *arg, const struct sheets_limit_reply *r)
{
	uint64_t	now = kore_io_loop_now();
	char		err[160];

	(void)arg;
	probe_quota = NULL;
	if (r->result != SHEETS_LIMIT_GRANTED) {
		/*
		 * The deployment's reads are spoken for: try again in a
		 * second.  Only a minute of that ages the record into an
		 * error, which the read quota being full that long is.
		 */
		probe_next_ms = now + 1000;
		return;
	}
	probe_started_ms = now;
	probe_call = sheets_probe_start(zw.sheets, sheets_probe_timeout_ms(
	    (uint64_t)zeues_sheets.health_interval_ms), &probe_in_flight, err,
	    sizeof(err));
	if (probe_call == 0)
		probe_record(now, 0, 0, err);
}

/*
 * The newest call of this instance's workers that Sheets answered ok
 * (their clocks are the same monotonic clock); 0 when none.
 */
static uint64_t
instance_last_ok(uint64_t *latency)
{
	const struct sheets_stats	*st;
	uint64_t			 at, best = 0;
	size_t				 i;

	for (i = 0; i < zeues_stats->nslots; i++) {
		if (stat_get(&zeues_stats->slot[i].pid) == 0)
			continue;
		st = &zeues_stats->slot[i].sheets;
		if ((at = stat_get(&st->last_ok_ms)) > best) {
			best = at;
			*latency = stat_get(&st->last_ok_latency_ms);
		}
	}
	return (best);
}

/*
 * A call answered ok a moment ago proves what the probe would:
 * the token, the spreadsheet and the way there work.  Otherwise the
 * probe reads, and its read is one of the account's 60 a minute: it is
 * charged to the deployment's quota like any other, leaving the reserve
 * to the writes' verification reads, so that it cannot push the
 * deployment into a 429.  A busy deployment so spends no read on it.
 */
static void
probe(uint64_t now)
{
	uint64_t	last_ok, latency = 0, recent;

	if (probe_call != 0 || probe_quota != NULL || now < probe_next_ms)
		return;
	probe_next_ms = now + (uint64_t)zeues_sheets.health_interval_ms;
	recent = (uint64_t)zeues_sheets.health_interval_ms / 4;
	if (recent > PROBE_RECENT_MAX_MS)
		recent = PROBE_RECENT_MAX_MS;
	last_ok = instance_last_ok(&latency);
	if (last_ok != 0 && last_ok <= now && now - last_ok < recent) {
		probe_record(now, 1, latency, "");
		return;
	}
	probe_quota = sheets_limiter_acquire_spare(zw.limiter,
	    SHEETS_QUOTA_READ, now + sheets_probe_timeout_ms(
	    (uint64_t)zeues_sheets.health_interval_ms), probe_granted, NULL);
	if (probe_quota == NULL)
		probe_record(now, 0, 0, "out of memory");
}

/* Each ended refresh of this worker's cache, for every /api/health. */
static void
publish_cache_health(uint64_t now)
{
	struct sheets_cache_health	h;

	sheets_cache_health(zw.cache, &h);
	stat_set(&zw.stats->read_share.shared, (uint64_t)h.shared);
	stat_set(&zw.stats->read_share.read, h.read);
	stat_set(&zw.stats->read_share.adopted, h.adopted);
	stat_set(&zw.stats->read_share.stored, h.stored);
	stat_set(&zw.stats->read_share.failures, h.share_failures);
	stat_set(&zw.stats->read_share.age_ms, h.age_ms);
	if (h.generation + h.failures == cache_refreshes_seen)
		return;
	cache_refreshes_seen = h.generation + h.failures;
	/* One line when the tables stop refreshing, one when they resume. */
	switch (sheets_probe_record(&zw.stats->read_cache, now, h.last_ok, 0,
	    h.error, NULL)) {
	case SHEETS_PROBE_WENT_DOWN:
		zlog(LOG_LEVEL_WARNING, "Sheets tables cannot be read: %s",
		    h.error);
		break;
	case SHEETS_PROBE_CAME_BACK:
		zlog(LOG_LEVEL_INFO, "Sheets tables read again");
		break;
	case SHEETS_PROBE_SAME:
		break;
	}
}

void
sheets_glue_tick(uint64_t now)
{
	struct sheets_client_stats	st;
	struct sheets_stats		*out = &zw.stats->sheets;
	int				 i;

	if (zw.sheets == NULL)
		return;
	sheets_client_tick(zw.sheets, now);
	sheets_limiter_tick(zw.limiter, now);
	sheets_cache_tick(zw.cache, now);
	group_commit_tick(zw.commit, now);
	commit_relay_tick(zw.relay, now);
	reconciler_tick(zw.reconciler, now);
	override_watch_tick(zw.override, now);
	occ_flow_tick(zw.flow, now);
	if (zw.id == 1)
		probe(now);
	publish_cache_health(now);
	sheets_client_stats(zw.sheets, &st);
	for (i = 0; i < SHEETS_CALLS; i++) {
		stat_set(&out->by_call[i][0], st.by_call[i][0]);
		stat_set(&out->by_call[i][1], st.by_call[i][1]);
	}
	stat_set(&out->rate_limited, st.rate_limited);
	stat_set(&out->calls_ok, st.calls_ok);
	stat_set(&out->calls_failed, st.calls_failed);
	stat_set(&out->attempts, st.attempts);
	stat_set(&out->retries, st.retries);
	stat_set(&out->token_refreshes, st.token_refreshes);
	stat_set(&out->token_failures, st.token_failures);
	stat_set(&out->last_ok_latency_ms, st.last_ok_latency_ms);
	stat_set(&out->last_ok_ms, st.last_ok_ms);
}

int
sheets_glue_health(char *why, size_t whylen)
{
	uint64_t	max_age;

	if (!zeues_sheets.configured) {
		snprintf(why, whylen, "not configured");
		return (0);
	}
	max_age = 2 * (uint64_t)zeues_sheets.health_interval_ms + 5000;
	return (sheets_probe_verdict(&zeues_stats->sheets_probe,
	    kore_io_loop_now(), max_age, why, whylen));
}

int
sheets_glue_read_cache(char *why, size_t whylen)
{
	if (!zeues_sheets.configured) {
		if (whylen > 0)
			why[0] = '\0';
		return (1);
	}
	return (read_cache_verdict(zeues_stats, why, whylen));
}
