/*
 * The text/event-stream wire format (WHATWG HTML, "Server-sent events"),
 * written into caller buffers.
 *
 * A browser splits the stream at CR, LF and CRLF and dispatches an event
 * at each empty line, so one stray line break in a payload would cut an
 * event in two or forge fields.  Nothing here escapes: whatever would
 * break framing (CR, LF or NUL in a data line, comment or event type) is
 * refused, and the caller counts the event as invalid.  Event payloads
 * are one line of JSON, where a line break can only be insignificant
 * whitespace or an error, so refusing loses nothing.
 *
 * Every writer returns the bytes written (no NUL is added), or -1 when the
 * input is refused or the frame does not fit in size.
 */
#ifndef ZEUES_SSE_WIRE_H
#define ZEUES_SSE_WIRE_H

#include <stddef.h>

#include "event_id.h"

/* Longest event type name accepted ("spool_update", "reset"). */
#define SSE_WIRE_TYPE_MAX	32
/* Longest Last-Event-ID header value looked at, surrounding blanks too. */
#define SSE_WIRE_LAST_ID_MAX	64

/* "retry: <ms>\n\n": the reconnection delay, sent once at the start. */
int	sse_wire_retry(char *buf, size_t size, unsigned int ms);

/* ": <text>\n\n": a comment, which clients ignore; the heartbeat. */
int	sse_wire_comment(char *buf, size_t size, const char *text);

/*
 * "id: <id>\nevent: <type>\ndata: <data>\n\n".  type is 1..32 characters
 * of [A-Za-z0-9_-]; data is one line (len bytes, no CR, LF or NUL).
 */
int	sse_wire_event(char *buf, size_t size, const struct event_id *id,
	    const char *type, const char *data, size_t len);

/* The bytes sse_wire_event needs for this type and data length. */
size_t	sse_wire_event_size(const char *type, size_t len);

/*
 * "id: <id>\nevent: reset\ndata: {\"reason\":\"<reason>\"}\n\n": the
 * client must reload its state; the events up to id are part of what it
 * reloads.  With id NULL the line is "id:", which clears the browser's
 * last event id so that its next reconnect asks for no replay.  reason is
 * 1..32 characters of [A-Za-z0-9_-].
 */
int	sse_wire_reset(char *buf, size_t size, const struct event_id *id,
	    const char *reason);

/*
 * A Last-Event-ID header value: optional blanks (SP, HTAB) around one
 * event id (event_id.h), nothing else, at most SSE_WIRE_LAST_ID_MAX
 * bytes in all.  Returns 0, or -1 when malformed.
 */
int	sse_wire_last_event_id(const char *value, struct event_id *out);

#endif
