#include <stdio.h>
#include <string.h>

#include "sheets_probe.h"

/*
 * A sequence lock: the writer makes seq odd, writes, makes it even again;
 * a reader retries while seq is odd or changed under it.  The error text
 * cannot be read atomically any other way across processes.
 */
enum sheets_probe_change
sheets_probe_record(struct sheets_probe *p, uint64_t now_ms, int ok,
    uint64_t latency_ms, const char *error, uint64_t *down_ms)
{
	enum sheets_probe_change	change = SHEETS_PROBE_SAME;

	/* The writer's own fields: no reader needs them consistent. */
	if (!ok && p->down_since_ms == 0) {
		change = SHEETS_PROBE_WENT_DOWN;
		p->down_since_ms = now_ms > 0 ? now_ms : 1;
	} else if (ok && p->down_since_ms != 0) {
		change = SHEETS_PROBE_CAME_BACK;
		if (down_ms != NULL)
			*down_ms = now_ms - p->down_since_ms;
		p->down_since_ms = 0;
	}
	__atomic_add_fetch(&p->seq, 1, __ATOMIC_ACQ_REL);
	p->checked_ms = now_ms;
	p->ok = ok != 0;
	p->latency_ms = latency_ms;
	p->probes_total++;
	if (!ok)
		p->failures_total++;
	snprintf(p->error, sizeof(p->error), "%s", ok || error == NULL ? "" :
	    error);
	__atomic_add_fetch(&p->seq, 1, __ATOMIC_ACQ_REL);
	return (change);
}

int
sheets_probe_verdict(const struct sheets_probe *p, uint64_t now_ms,
    uint64_t max_age_ms, char *why, size_t whylen)
{
	struct sheets_probe	copy;
	uint64_t		before, after;
	int			tries;

	for (tries = 0; tries < 100; tries++) {
		before = __atomic_load_n(&p->seq, __ATOMIC_ACQUIRE);
		if (before & 1)
			continue;
		memcpy(&copy, p, sizeof(copy));
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		after = __atomic_load_n(&p->seq, __ATOMIC_ACQUIRE);
		if (before == after)
			break;
	}
	if (tries == 100) {
		snprintf(why, whylen, "Sheets probe busy");
		return (0);
	}
	copy.error[sizeof(copy.error) - 1] = '\0';
	if (copy.checked_ms == 0) {
		snprintf(why, whylen, "Sheets not checked yet");
		return (0);
	}
	if (now_ms > copy.checked_ms && now_ms - copy.checked_ms > max_age_ms) {
		snprintf(why, whylen, "no Sheets check for %llu s",
		    (unsigned long long)((now_ms - copy.checked_ms) / 1000));
		return (0);
	}
	if (!copy.ok) {
		snprintf(why, whylen, "%s", copy.error[0] != '\0' ? copy.error :
		    "Sheets check failed");
		return (0);
	}
	if (whylen > 0)
		why[0] = '\0';
	return (1);
}

uint64_t
sheets_probe_timeout_ms(uint64_t interval_ms)
{
	return (interval_ms / 2 > 5000 ? 5000 : interval_ms / 2);
}

static void
probe_done(void *arg, struct sheets_result *res)
{
	struct sheets_probe_call	*call = arg;

	call->cb(call->arg, res->class == SHEETS_OK, res->error);
}

uint64_t
sheets_probe_start(struct sheets_client *sc, uint64_t timeout_ms,
    struct sheets_probe_call *call, char *err, size_t errsz)
{
	return (sheets_get_spreadsheet(sc, timeout_ms, probe_done, call, err,
	    errsz));
}
