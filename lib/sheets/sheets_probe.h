/*
 * The Sheets health verdict every worker reports, from one probe.
 *
 * Polling /api/health must not spend the Sheets read quota, so one worker
 * probes the spreadsheet every SHEETS_HEALTH_CHECK_INTERVAL and records
 * the outcome here, in the region shared by all workers; /api/health only
 * reads it.  A record older than two intervals (plus a call's timeout)
 * counts as an error: a prober that stopped probing proves nothing.
 */
#ifndef ZEUES_SHEETS_PROBE_H
#define ZEUES_SHEETS_PROBE_H

#include <stddef.h>
#include <stdint.h>

#include "sheets_client.h"

#define SHEETS_PROBE_ERR_MAX	160

struct sheets_probe {
	uint64_t	seq;		/* odd while being written */
	uint64_t	checked_ms;	/* monotonic; 0: never */
	uint64_t	ok;
	uint64_t	latency_ms;
	uint64_t	probes_total;
	uint64_t	failures_total;
	uint64_t	down_since_ms;	/* first failure of this outage; 0: up */
	char		error[SHEETS_PROBE_ERR_MAX];
};

/* What a record changed, for the one log line an outage deserves. */
enum sheets_probe_change {
	SHEETS_PROBE_SAME,
	SHEETS_PROBE_WENT_DOWN,		/* first failure (or first check) */
	SHEETS_PROBE_CAME_BACK,		/* first success after failures */
};

/*
 * Single writer: the probing worker.  Before the first check Sheets
 * counts as up, so a first check that fails is a change.  *down_ms, if
 * not NULL, is set to how long the outage lasted on SHEETS_PROBE_CAME_BACK.
 */
enum sheets_probe_change	sheets_probe_record(struct sheets_probe *,
				    uint64_t now_ms, int ok,
				    uint64_t latency_ms, const char *error,
				    uint64_t *down_ms);

/*
 * Copies a consistent view and decides: returns 1 when Sheets is healthy,
 * 0 with the reason in why (never NULL-terminated past whylen).
 */
int	sheets_probe_verdict(const struct sheets_probe *, uint64_t now_ms,
	    uint64_t max_age_ms, char *why, size_t whylen);

/*
 * The probing act: one spreadsheets.get of the sheets' properties, the
 * cheapest call that proves the credentials, the spreadsheet and the
 * quota.  error is NULL when ok; it lives only for the callback.
 */
typedef void	sheets_probe_done_fn(void *arg, int ok, const char *error);

/* The caller's storage for one probe in flight; it outlives the call. */
struct sheets_probe_call {
	sheets_probe_done_fn	*cb;
	void			*arg;
};

/*
 * Half an interval, at most 5 s, so an outage shows within 1.5 intervals
 * at worst and a probe always ends before the next is due.
 */
uint64_t	sheets_probe_timeout_ms(uint64_t interval_ms);

/*
 * Starts a probe: returns the call's id (for sheets_client_cancel), or 0
 * with the reason in err (then cb will not run).
 */
uint64_t	sheets_probe_start(struct sheets_client *, uint64_t timeout_ms,
		    struct sheets_probe_call *, char *err, size_t errsz);

#endif
