/*
 * The health verdict's transitions, kept so that an operator who opens the
 * ops page after an outage still sees it: a fixed ring in the region
 * shared by the workers, written by one worker (the one that probes
 * Sheets) when Redis, Sheets or the read cache change state, read by any.
 * Its size is fixed, so a server that flaps for a day grows no memory;
 * it then shows only the newest HEALTH_HISTORY_MAX transitions.
 */
#ifndef ZEUES_HEALTH_HISTORY_H
#define ZEUES_HEALTH_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#define HEALTH_HISTORY_MAX	64

struct health_transition {
	uint64_t	unix_ms;	/* when the new state was first seen */
	uint64_t	redis_ok;
	uint64_t	sheets_ok;
	uint64_t	cache_ok;	/* the read cache refreshes */
};

struct health_history {
	uint64_t			seq;	/* odd while being written */
	uint64_t			count;	/* transitions ever noted */
	struct health_transition	ring[HEALTH_HISTORY_MAX];
};

/*
 * /api/health's rule: "unhealthy" without Sheets, "degraded" without
 * Redis or a readable cache, else "healthy".
 */
const char	*health_verdict(int redis_ok, int sheets_ok, int cache_ok);

/*
 * Single writer.  Notes the state seen at unix_ms; a transition is
 * recorded only when it differs from the newest one (the first call
 * always records: "since" must be known).  Returns 1 when recorded.
 */
int	health_history_note(struct health_history *, uint64_t unix_ms,
	    int redis_ok, int sheets_ok, int cache_ok);

/*
 * Copies the transitions since since_unix_ms, oldest first, preceded by
 * the one in force at since_unix_ms if the ring still holds it, so the
 * first entry tells since when the state it names held.  Returns how
 * many were copied (at most max); 0 when nothing was noted yet or the
 * writer kept the ring busy.
 */
size_t	health_history_read(const struct health_history *,
	    uint64_t since_unix_ms, struct health_transition *out, size_t max);

#endif
