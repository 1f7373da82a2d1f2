/*
 * Fixed-window quotas.
 */
#include <string.h>

#include "quota.h"

void
quota_init(struct quota *q, uint32_t reads, uint32_t writes)
{
	memset(q, 0, sizeof(*q));
	q->read.limit = reads;
	q->write.limit = writes;
}

int
quota_take(struct quota_window *w, uint64_t now_ms)
{
	if (w->limit == 0)
		return (1);
	if (w->used == 0 || now_ms - w->start_ms >= QUOTA_WINDOW_MS) {
		w->start_ms = now_ms;
		w->used = 0;
	}
	if (w->used >= w->limit)
		return (0);
	w->used++;
	return (1);
}

uint64_t
quota_reset_in(const struct quota_window *w, uint64_t now_ms)
{
	if (w->limit == 0 || w->used < w->limit ||
	    now_ms - w->start_ms >= QUOTA_WINDOW_MS)
		return (0);
	return (QUOTA_WINDOW_MS - (now_ms - w->start_ms));
}
