/* The ring of health transitions; see health_history.h. */
#include <string.h>

#include "health_history.h"

const char *
health_verdict(int redis_ok, int sheets_ok, int cache_ok)
{
	if (!sheets_ok)
		return ("unhealthy");
	if (!redis_ok || !cache_ok)
		return ("degraded");
	return ("healthy");
}

int
health_history_note(struct health_history *h, uint64_t unix_ms,
    int redis_ok, int sheets_ok, int cache_ok)
{
	struct health_transition	*t;

	if (h->count > 0) {
		t = &h->ring[(h->count - 1) % HEALTH_HISTORY_MAX];
		if (t->redis_ok == (redis_ok != 0) &&
		    t->sheets_ok == (sheets_ok != 0) &&
		    t->cache_ok == (cache_ok != 0))
			return (0);
	}
	/* A sequence lock, as sheets_probe.c: readers retry around it. */
	__atomic_add_fetch(&h->seq, 1, __ATOMIC_ACQ_REL);
	t = &h->ring[h->count % HEALTH_HISTORY_MAX];
	t->unix_ms = unix_ms;
	t->redis_ok = redis_ok != 0;
	t->sheets_ok = sheets_ok != 0;
	t->cache_ok = cache_ok != 0;
	h->count++;
	__atomic_add_fetch(&h->seq, 1, __ATOMIC_ACQ_REL);
	return (1);
}

size_t
health_history_read(const struct health_history *h, uint64_t since_unix_ms,
    struct health_transition *out, size_t max)
{
	struct health_history	copy;
	uint64_t		before, after, first, i;
	size_t			n = 0;
	int			tries;

	for (tries = 0; tries < 100; tries++) {
		before = __atomic_load_n(&h->seq, __ATOMIC_ACQUIRE);
		if (before & 1)
			continue;
		memcpy(&copy, h, sizeof(copy));
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		after = __atomic_load_n(&h->seq, __ATOMIC_ACQUIRE);
		if (before == after)
			break;
	}
	if (tries == 100 || copy.count == 0 || max == 0)
		return (0);
	first = copy.count > HEALTH_HISTORY_MAX ?
	    copy.count - HEALTH_HISTORY_MAX : 0;
	/* Back to the one in force at since_unix_ms, if the ring has it. */
	for (i = copy.count - 1; i > first; i--) {
		if (copy.ring[i % HEALTH_HISTORY_MAX].unix_ms <= since_unix_ms)
			break;
	}
	/* Keep the newest max when there are more. */
	if (copy.count - i > max)
		i = copy.count - max;
	for (; i < copy.count; i++)
		out[n++] = copy.ring[i % HEALTH_HISTORY_MAX];
	return (n);
}
