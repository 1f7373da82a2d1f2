/*
 * Occupation events through Redis: publishing, and replay of what a
 * client missed (data.md §2 and §4, api.md §5).
 *
 * Publishing is one server-side script, so it is atomic: it adds the
 * event to a capped stream, which gives it its id, trims the stream by
 * count and by age, and PUBLISHes the event, stamped with that id as
 * "event_id", on the channel every worker subscribes to.  A subscriber
 * therefore never hears of an event the history lacks, and the ids, which
 * one Redis assigns, increase strictly across all workers and instances.
 *
 * The stream holds the event as the publisher gave it; the replay script
 * stamps each entry the same way, so a replayed event is byte for byte
 * the message that was published.
 *
 * Replay answers with the events after a given id, or RESET when they
 * cannot all be given: the id is no longer in the stream (trimmed, or
 * never written by this Redis), or more than replay_max events follow it.
 * RESET carries the newest id, up to which the client's reload counts.
 *
 * Every callback is delivered exactly once, never from inside the call
 * that started the operation, and never after event_log_cancel().
 */
#ifndef ZEUES_EVENT_LOG_H
#define ZEUES_EVENT_LOG_H

#include <stddef.h>
#include <stdint.h>

#include "event_id.h"
#include "redis_pool.h"

#define EVENT_LOG_KEY_MAX	128
/* A published event body; data.md §4 events are a few hundred bytes. */
#define EVENT_LOG_BODY_MAX	4096
/* What stamping adds: ,"event_id":"<id>". */
#define EVENT_LOG_STAMP_MAX	(sizeof(",\"event_id\":\"\"") - 1 + \
				    EVENT_ID_TEXT_MAX - 1)
/* A stamped event as published and replayed. */
#define EVENT_LOG_MESSAGE_MAX	(EVENT_LOG_BODY_MAX + EVENT_LOG_STAMP_MAX)

/* Every number must be at least 1. */
struct event_log_config {
	char		stream[EVENT_LOG_KEY_MAX];	/* "spools:events" */
	char		channel[EVENT_LOG_KEY_MAX];	/* "spools:updates" */
	uint32_t	max_len;	/* about this many events are kept */
	uint64_t	max_age_ms;	/* and none much older than this */
	uint32_t	replay_max;	/* more missed than this: RESET */
};

/* spools:events, spools:updates, 1,000 events, 1 hour, 1,000 events. */
void	event_log_config_default(struct event_log_config *);

enum event_log_result {
	EVENT_LOG_OK,
	EVENT_LOG_RESET,	/* replay: the client must reload */
	EVENT_LOG_ERROR,	/* Redis failed or answered oddly; see status */
};

/* One stamped event; json is not NUL-terminated. */
struct event_log_entry {
	struct event_id	 id;
	const char	*json;
	size_t		 len;
};

struct event_log_reply {
	enum event_log_result		 result;
	/* The pool's status when ERROR; OK for an unexpected reply. */
	enum redis_pool_status		 status;
	/*
	 * Publish: the new event's id.  Reset: the newest id in the
	 * stream, or 0-0 when the stream is gone.  Replay: unused.
	 */
	struct event_id			 id;
	/* Replay OK: the events after the id asked for, oldest first. */
	const struct event_log_entry	*entries;
	size_t				 n;
};

/* The reply, entries included, is valid only during the call. */
typedef void	event_log_done_fn(void *arg, const struct event_log_reply *);

struct event_log_op;

/*
 * An event body publish accepts: one line, 2..EVENT_LOG_BODY_MAX bytes, a
 * JSON object with at least one member and no "event_id" (the script adds
 * it), with no blank before its opening or after its closing brace.
 */
int	event_log_body_valid(const char *json, size_t len);

/*
 * Publishes the event; done gets its id.  Returns NULL when the body is
 * not valid (*why is then REDIS_POOL_OK) or the pool refused the command
 * (*why says why); done will not run then.
 */
struct event_log_op	*event_log_publish(struct redis_pool *,
			    const struct event_log_config *, const char *json,
			    size_t len, uint64_t deadline_ms,
			    event_log_done_fn *, void *arg,
			    enum redis_pool_status *why);

/*
 * The events after `after`, oldest first, or RESET.  Returns NULL when
 * the pool refused the command (*why says why); done will not run then.
 */
struct event_log_op	*event_log_replay(struct redis_pool *,
			    const struct event_log_config *,
			    const struct event_id *after, uint64_t deadline_ms,
			    event_log_done_fn *, void *arg,
			    enum redis_pool_status *why);

/* done will not run; a publish may still take effect. */
void			 event_log_cancel(struct event_log_op *);

#endif
