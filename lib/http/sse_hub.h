/*
 * One worker's fan-out of occupation events to its SSE clients (api.md
 * §5, architecture.md §4), with no Kore and no sockets in it: the host
 * (app/ on Kore, or a test) writes to and closes connections and fetches
 * history for it.  The worker's one Redis subscription feeds it; each
 * event is parsed and framed once and offered to every client it matches.
 *
 * Per client the hub keeps the newest id it has written and writes only
 * newer ones, so a client never gets an id twice and gets ids in order,
 * however replay and live delivery overlap.
 *
 * A client that sent Last-Event-ID first gets a replay: the live events
 * that arrive meanwhile are held for it (up to pending_max), then the
 * replayed events are written, then the held ones not already written.
 * When the replay answers RESET the client is sent "event: reset" and
 * must reload; a malformed Last-Event-ID is answered the same way.
 *
 * After the subscription was lost (sse_hub_resubscribed) the hub fetches
 * what the worker missed, after the newest id it had, holding live events
 * meanwhile the same way, so every client catches up without duplicates;
 * if that cannot be done the clients are sent "event: reset".
 *
 * Slow clients cost bounded memory: the host reports how many bytes a
 * connection still has unsent after each write, and a client over
 * max_unsent_bytes, or with bytes unsent for stall_timeout_ms, is
 * dropped without holding up the others.
 *
 * The host's callbacks must not call into the hub.  close() asks the host
 * to close a connection; the hub writes nothing more to it, and the host
 * still calls sse_hub_remove() once the connection is freed.  Every
 * client sse_hub_add() returned is removed exactly once, or freed with
 * the hub.
 */
#ifndef ZEUES_SSE_HUB_H
#define ZEUES_SSE_HUB_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "event_id.h"
#include "event_log.h"
#include "histogram.h"
#include "io_loop.h"

/* The SSE event type of an occupation event. */
#define SSE_HUB_EVENT_TYPE	"spool_update"

enum sse_drop_reason {
	SSE_DROP_SLOW,			/* unsent bytes over the cap */
	SSE_DROP_STALLED,		/* bytes unsent for too long */
	SSE_DROP_WRITE_ERROR,		/* the host could not write */
	SSE_DROP_REPLAY_FAILED,		/* no history: the browser retries */
	SSE_DROP_REPLAY_OVERFLOW,	/* too many live events held */
	SSE_DROP_MAX,
};

/*
 * What the hub publishes about itself: single-writer counters that may
 * live in the shared stats region (stat_counter.h).
 */
struct sse_hub_stats {
	uint64_t		clients;		/* gauge */
	uint64_t		replaying;		/* gauge */
	uint64_t		connects_total;
	uint64_t		rejected_total;		/* over max_clients */
	uint64_t		events_in_total;	/* live, accepted */
	uint64_t		events_invalid_total;
	uint64_t		events_duplicate_total;
	uint64_t		events_out_total;	/* replay included */
	uint64_t		bytes_out_total;
	uint64_t		heartbeats_total;
	uint64_t		replays_total;
	uint64_t		catchups_total;		/* after resubscribe */
	uint64_t		resets_total;		/* reset frames sent */
	uint64_t		dropped_total[SSE_DROP_MAX];
	struct histogram	fanout;		/* one event to all clients */
};

struct sse_hub_config {
	size_t		max_clients;		/* more: the host answers 503 */
	size_t		max_unsent_bytes;	/* per client */
	size_t		pending_max;		/* events held in a replay */
	uint64_t	heartbeat_ms;
	uint64_t	stall_timeout_ms;
	uint64_t	replay_timeout_ms;
	unsigned int	retry_ms;		/* the "retry:" sent at start */
};

/*
 * 500 clients, 64 KiB, 1,024 events, 15 s, 60 s, 5 s, 3,000 ms.  Each
 * client also holds one of Kore's http_request_limit slots (1,000 by
 * default), so max_clients must leave room below it for API requests.
 */
void	sse_hub_config_default(struct sse_hub_config *);

struct sse_hub_host {
	/*
	 * Queues len bytes on the connection of handle and sends what the
	 * socket takes; returns how many bytes that connection still has
	 * unsent afterwards (this write included), or -1 if it failed.
	 */
	ssize_t	 (*write)(void *arg, void *handle, const char *buf,
		    size_t len);
	/* The hub has dropped the client: close its connection. */
	void	 (*close)(void *arg, void *handle);
	/*
	 * Starts event_log_replay() or its like: done must run exactly once,
	 * not from inside fetch, by deadline_ms, never after cancel.
	 * Returns the operation, or NULL if it could not be started.
	 */
	void	*(*fetch)(void *arg, const struct event_id *after,
		    uint64_t deadline_ms, event_log_done_fn *done,
		    void *done_arg);
	void	 (*cancel)(void *arg, void *op);
	void	*arg;
};

struct sse_hub;
struct sse_client;

/* Returns NULL when out of memory. */
struct sse_hub		*sse_hub_new(const struct sse_hub_config *,
			    const struct sse_hub_host *, struct io_loop *,
			    struct sse_hub_stats *);
/* Cancels every fetch and frees every client, with no callbacks. */
void			 sse_hub_free(struct sse_hub *);

/* 1 when sse_hub_add() would refuse for lack of room. */
int			 sse_hub_full(const struct sse_hub *);
size_t			 sse_hub_clients(const struct sse_hub *);

/*
 * Registers a client; nothing is written yet, so the host can still
 * answer 503 when this returns NULL (full: counted as rejected, or out of
 * memory, or tag is not a valid spool tag).  tag NULL or "" means every
 * event; last_event_id is the raw header value, or NULL.
 */
struct sse_client	*sse_hub_add(struct sse_hub *, void *handle,
			    const char *tag, const char *last_event_id);
/*
 * After the host has sent the response headers: writes "retry:", then
 * starts the replay or the reset, or goes live.  May call close().
 */
void			 sse_hub_start(struct sse_hub *, struct sse_client *);
/* The connection is gone: forget the client, cancelling its replay. */
void			 sse_hub_remove(struct sse_hub *, struct sse_client *);

/* A message from the event channel (data.md §4, with its event_id). */
void			 sse_hub_publish(struct sse_hub *, const char *payload,
			    size_t len);
/* The subscription was lost and is back: catch up on what was missed. */
void			 sse_hub_resubscribed(struct sse_hub *);
/* Sends heartbeats when they are due; call at least every second. */
void			 sse_hub_tick(struct sse_hub *, uint64_t now_ms);

const char		*sse_drop_reason_name(enum sse_drop_reason);

#endif
