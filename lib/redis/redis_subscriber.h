/*
 * The pool's reserved SUBSCRIBE connection: one per worker, whatever the
 * number of live-board clients, fanned out in memory by the caller.
 *
 * Liveness is proven end to end rather than assumed from an open socket:
 * every heartbeat interval the worker PUBLISHes to a channel only it
 * listens on (through the command pool) and expects to hear it back on
 * this connection within the command timeout.  A silent or half-dead
 * connection is reset and resubscribed with backoff; on_resubscribed tells
 * the caller when events may have been missed.
 */
#ifndef ZEUES_REDIS_SUBSCRIBER_H
#define ZEUES_REDIS_SUBSCRIBER_H

#include <stddef.h>
#include <stdint.h>

#include "redis_pool.h"

#define REDIS_SUBSCRIBER_CHANNELS_MAX	4

struct redis_subscriber;

struct redis_subscriber_stats {
	uint64_t	connected;		/* 0 or 1 */
	uint64_t	live;			/* heartbeat heard in time */
	uint64_t	messages_total;
	uint64_t	resubscribes_total;
	uint64_t	heartbeat_failures_total;
};

struct redis_subscriber_handlers {
	void	(*on_message)(void *arg, const char *channel,
		    const char *payload, size_t len);
	/* Subscribed again after a loss: events may have been missed. */
	void	(*on_resubscribed)(void *arg);
	void	*arg;
};

/*
 * Subscribes to channels (NULL-terminated, 1 to
 * REDIS_SUBSCRIBER_CHANNELS_MAX); cfg supplies the URL, name and
 * timeouts.  NULL when out of memory or given no channel, too many, or
 * one whose name is too long.
 */
struct redis_subscriber	*redis_subscriber_new(
			    const struct redis_pool_config *cfg,
			    struct redis_pool *pool, struct io_loop *loop,
			    const char *const *channels,
			    const struct redis_subscriber_handlers *,
			    struct redis_subscriber_stats *);
void			 redis_subscriber_free(struct redis_subscriber *);
void			 redis_subscriber_tick(struct redis_subscriber *,
			    uint64_t now_ms);
int			 redis_subscriber_live(const struct redis_subscriber *);
const char		*redis_subscriber_last_error(
			    const struct redis_subscriber *);

#endif
