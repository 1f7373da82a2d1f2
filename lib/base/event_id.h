/*
 * The id of an occupation event: the Redis stream entry id "<ms>-<seq>"
 * the event got when it was added to the history (event_log.h).  One
 * Redis orders every publish of every worker and instance, so ids are
 * strictly increasing and the same id is the SSE "id:", the event's
 * "event_id" field and the position to replay from (Last-Event-ID).
 */
#ifndef ZEUES_EVENT_ID_H
#define ZEUES_EVENT_ID_H

#include <stddef.h>
#include <stdint.h>

/* Two 20-digit numbers, the dash and the NUL. */
#define EVENT_ID_TEXT_MAX	42

struct event_id {
	uint64_t	ms;
	uint64_t	seq;
};

/*
 * Parses exactly len bytes of "<ms>-<seq>": decimal digits without sign,
 * without leading zeros (ids are written by Redis, which writes none)
 * and within 64 bits.  Returns 0, or -1 with *out untouched.
 */
int	event_id_parse(const char *s, size_t len, struct event_id *out);

/* Writes the text form; returns its length, or -1 if it does not fit. */
int	event_id_format(const struct event_id *, char *buf, size_t size);

/* <0, 0, >0 as a is before, equal to or after b. */
int	event_id_cmp(const struct event_id *a, const struct event_id *b);

/* 0-0 is not an id Redis gives out: it stands for "none". */
int	event_id_is_zero(const struct event_id *);

#endif
