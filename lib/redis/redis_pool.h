/*
 * One worker's pool of asynchronous Redis connections.
 *
 * Commands from many requests are pipelined on a few connections (hiredis
 * replies arrive in FIFO order).  The pool opens another connection only
 * when every open one has had grow_depth commands in flight for a
 * sustained 50 ms (or commands are queueing), never more than
 * max_connections, and closes connections idle for idle_timeout.  While
 * Redis is unreachable, commands fail at once with REDIS_POOL_UNAVAILABLE
 * instead of queueing; while a connection is being made or all are at
 * their pipeline cap, commands wait in a bounded FIFO with a deadline.
 *
 * Every callback is delivered exactly once, never from inside
 * redis_pool_submit(), and never after redis_pool_cancel().
 */
#ifndef ZEUES_REDIS_POOL_H
#define ZEUES_REDIS_POOL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <hiredis/hiredis.h>

#include "histogram.h"
#include "io_loop.h"
#include "redis_url.h"

#define REDIS_POOL_NAME_MAX	96
#define REDIS_POOL_ERR_MAX	160

enum redis_pool_status {
	REDIS_POOL_OK,			/* a reply (which may be an error reply) */
	REDIS_POOL_UNAVAILABLE,		/* no connection to Redis */
	REDIS_POOL_TIMEOUT,		/* no reply within the deadline */
	REDIS_POOL_OVERLOADED,		/* the wait queue is full */
	REDIS_POOL_SHUTDOWN,		/* the pool is being destroyed */
};

/* reply is NULL unless status is REDIS_POOL_OK; valid only during the call. */
typedef void	redis_pool_reply_fn(void *arg, enum redis_pool_status status,
		    const redisReply *reply);
/*
 * Redis became unreachable (up 0, why says how), or reachable again after
 * that (up 1, why NULL): once per outage, not once per failed attempt.
 */
typedef void	redis_pool_state_fn(void *arg, int up, const char *why);
/*
 * The primary may have moved: a connection failed, or Redis said READONLY
 * or is not a primary (require_primary).  Sentinel mode asks again.
 */
typedef void	redis_pool_suspect_fn(void *arg);

struct redis_pool_config {
	struct redis_url	url;
	char			client_name[REDIS_POOL_NAME_MAX];
	int			max_connections;
	int			connect_timeout_ms;
	int			command_timeout_ms;
	int			health_interval_ms;
	int			idle_timeout_ms;
	int			grow_depth;
	int			wait_queue_max;
	int			pipeline_max;	/* per connection hard cap */
	redis_pool_state_fn	*on_state;	/* optional */
	void			*state_arg;
	/* Sentinel mode: url.host "" until the first redis_pool_set_primary. */
	int			 require_primary;	/* ROLE at hand-shake */
	redis_pool_suspect_fn	*on_suspect;	/* optional */
	void			*suspect_arg;
};

/*
 * Figures a worker publishes about its pool.  They live in shared memory
 * (see worker_stats.h) and are summed across workers by the stats routes.
 */
struct redis_pool_stats {
	uint64_t		max_connections;
	uint64_t		open;		/* handshake done, usable */
	uint64_t		active;		/* open with commands in flight */
	uint64_t		idle;		/* open with nothing in flight */
	uint64_t		connecting;
	uint64_t		pending_commands;
	uint64_t		waiting_requests;
	uint64_t		up;		/* 1 while Redis answers */
	uint64_t		connects_total;
	uint64_t		connect_failures_total;
	uint64_t		reconnects_total;
	uint64_t		timeouts_total;
	uint64_t		errors_total;
	uint64_t		commands_total;
	uint64_t		rejected_total;
	struct histogram	wait;
	/* Sentinel mode (lib/redis/redis_sentinel.c); 0 without it. */
	uint64_t		sentinel_connected;	/* 0 or 1 */
	uint64_t		sentinel_resolves_total;
	uint64_t		sentinel_switches_total;	/* +switch-master */
	uint64_t		sentinel_failures_total;
	uint64_t		primary_changes_total;
	uint64_t		readonly_total;	/* READONLY or not a primary */
};

struct redis_pool;
struct redis_cmd;

struct redis_pool	*redis_pool_new(const struct redis_pool_config *,
			    struct io_loop *, struct redis_pool_stats *);
/* Fails every outstanding command with REDIS_POOL_SHUTDOWN, then frees. */
void			 redis_pool_free(struct redis_pool *);

/* Runs deadlines, health checks, reconnects, growth and shrinking. */
void			 redis_pool_tick(struct redis_pool *, uint64_t now_ms);

/*
 * Queues a command; returns NULL with *why set when it cannot be accepted
 * (then the callback will not run).  deadline_ms is absolute (loop clock);
 * the callback runs with REDIS_POOL_TIMEOUT if no reply has come by then.
 */
struct redis_cmd	*redis_pool_submit(struct redis_pool *,
			    redis_pool_reply_fn *, void *arg,
			    uint64_t deadline_ms, int argc, const char **argv,
			    const size_t *argvlen, enum redis_pool_status *why);
struct redis_cmd	*redis_pool_submitf(struct redis_pool *,
			    redis_pool_reply_fn *, void *arg,
			    uint64_t deadline_ms, enum redis_pool_status *why,
			    const char *fmt, ...);

/* The callback of cmd will not run; cmd must not have completed yet. */
void			 redis_pool_cancel(struct redis_cmd *);

int			 redis_pool_is_up(const struct redis_pool *);
/* Why Redis is unreachable ("" when it is up). */
const char		*redis_pool_last_error(const struct redis_pool *);

const char		*redis_pool_status_name(enum redis_pool_status);

/*
 * Sentinel mode: the primary is now host:port.  When it moved, every
 * connection to the old one is dropped (commands in flight fail with
 * REDIS_POOL_UNAVAILABLE, waiting ones wait for the new connection) and
 * 1 is returned; 0 when it is where it was (then a pool that is down
 * tries again at once).
 */
int			 redis_pool_set_primary(struct redis_pool *,
			    const char *host, int port);
/* Where the pool connects; generation grows with each move. */
const struct redis_url	*redis_pool_url(const struct redis_pool *);
uint64_t		 redis_pool_generation(const struct redis_pool *);

#endif
