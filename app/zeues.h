/*
 * State of one worker process of the ZEUES server, and the glue that the
 * route handlers share.  Everything here is Kore-facing; the logic it
 * drives lives in lib/.
 */
#ifndef ZEUES_APP_H
#define ZEUES_APP_H

#include <kore/kore.h>
#include <kore/http.h>

#include <yajl/yajl_gen.h>

#include "api_error.h"
#include "config.h"
#include "http_stats.h"
#include "io_loop.h"
#include "redis_ping.h"
#include "redis_pool.h"
#include "redis_sentinel.h"
#include "redis_snapshot.h"
#include "redis_subscriber.h"
#include "redis_text.h"
#include "sheets_config.h"
#include "worker_stats.h"

#define ZEUES_VERSION		"0.1.0"
#define EVENTS_CHANNEL		"spools:updates"

struct zeues_worker {
	int			 id;		/* Kore's worker id, 1-based */
	int			 command_share;
	char			 client_prefix[64];	/* "zeues:<instance>:" */
	struct io_loop		*loop;
	struct redis_pool	*pool;
	struct redis_subscriber	*sub;
	struct redis_sentinel	*sentinel;	/* NULL without REDIS_SENTINELS */
	/* All NULL when Sheets is not configured. */
	struct sheets_client	*sheets;
	struct sheets_limiter	*limiter;	/* shared quota, via Redis */
	struct sheets_cache	*cache;		/* Operaciones, Trabajadores, Roles */
	struct metadata_log	*metadata;	/* read along with the cache */
	struct group_commit	*commit;	/* row changes + audit rows */
	struct commit_relay	*relay;		/* the way to a group commit */
	struct occ_flow		*flow;		/* occupation actions */
	struct reconciler	*reconciler;	/* locks in line with Sheets */
	struct override_watch	*override;	/* manual unblocks, recorded */
	struct worker_stats	*stats;
};

/* Set in the parent before the workers fork; read-only afterwards. */
extern struct zeues_config	 zeues_cfg;
extern struct sheets_config	 zeues_sheets;
extern struct stats_region	*zeues_stats;
/* This worker's state. */
extern struct zeues_worker	 zw;

void		 zlog(enum log_level, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));

/* kore_io_loop.c */
struct io_loop	*kore_io_loop_get(void);
void		 kore_io_loop_reap(void);
uint64_t	 kore_io_loop_now(void);

/* http_out.c: every response goes through these, so each is counted. */

/*
 * Answers the JSON 413 of a body over MAX_BODY_BYTES, CORS preflight, the
 * 401 of an operational route without OPS_TOKEN, and refuses methods
 * outside allowed (a mask of HTTP_METHOD_*) with a JSON 405.  Returns 1
 * when the handler should go on, 0 when a response has been sent.
 */
int	http_route_begin(struct http_request *, enum http_route, int allowed);
void	http_send_json(struct http_request *, enum http_route, int status,
	    yajl_gen);
void	http_send_text(struct http_request *, enum http_route, int status,
	    const char *content_type, const void *body, size_t len);
void	http_send_error(struct http_request *, enum http_route,
	    enum api_error, const char *detail,
	    void (*data_fn)(yajl_gen, void *), void *arg);
/* The detail of the 413 of a body over MAX_BODY_BYTES. */
void	http_too_large_detail(char *, size_t);
/* The absolute deadline of a Redis call made for this request. */
uint64_t	http_redis_deadline(uint64_t cap_ms);

/* request_log.c: the access log, fed by http_out.c. */
void	request_log_begin(struct http_request *);
/* An occupation route's tag (may be NULL) and worker id, for its line. */
void	request_log_occupation(struct http_request *, const char *tag,
	    long long worker_id);
const char	*request_log_id(struct http_request *);
/* Since the request's first handler run (Kore's req->start is its last). */
uint64_t	 request_log_elapsed_us(struct http_request *);
/* A request id for an answer given before Kore made a request of it. */
void	request_log_new_id(char *, size_t);
void	request_log_end(struct http_request *, enum http_route, int status);

/*
 * Pings Redis for a request: the handler is re-entered (Kore RETRY) when
 * the answer or the deadline arrives.  An error reply is copied, so the
 * handler may read it then; the request's onfree releases it.
 */
struct redis_ping_call {
	struct http_request	*req;
	struct redis_ping	*ping;
	int			 done;
	enum redis_pool_status	 status;
	char			*error;		/* Redis's error reply */
};

/*
 * Returns the finished ping (done set) or NULL while waiting; the handler
 * returns KORE_RESULT_RETRY on NULL.
 */
struct redis_ping_call	*redis_ping_step(struct http_request *,
			    uint64_t deadline_ms);

/*
 * snapshot_wait.c: what the Redis server reports (CLIENT LIST, INFO; see
 * lib/redis/redis_snapshot.h), refreshed at most once per
 * REDIS_SNAPSHOT_MAX_AGE_MS per worker.
 */
#define REDIS_SNAPSHOT_MAX_AGE_MS	1000

/*
 * Like redis_ping_step: the snapshot, or NULL while a refresh runs (the
 * handler returns KORE_RESULT_RETRY and is woken when it ends).
 */
const struct redis_snapshot	*redis_snapshot_step(struct http_request *,
				    enum redis_snapshot_kind);
/* The pool at the moment that kind's snapshot was taken. */
const struct pool_totals	*redis_snapshot_pool(enum redis_snapshot_kind);
uint64_t			 redis_snapshot_age(
				    const struct redis_snapshot *);
void				 redis_snapshot_stop(void);

/*
 * sheets_glue.c: the worker's Sheets client, the shared health probe, and
 * what needs Sheets: the occupation flow and the reconciler.
 */
int	sheets_glue_start(char *err, size_t errlen);
void	sheets_glue_stop(void);
void	sheets_glue_tick(uint64_t now_ms);
/* 1 when Sheets is healthy; 0 with the reason in why. */
int	sheets_glue_health(char *why, size_t whylen);
/* 1 unless a worker's read cache failed its last refresh (why says). */
int	sheets_glue_read_cache(char *why, size_t whylen);

/* route_sse.c: the live floor's fan-out. */
int	sse_glue_start(void);
void	sse_glue_stop(void);
void	sse_glue_event(const char *payload, size_t len);
void	sse_glue_resubscribed(void);
void	sse_glue_tick(uint64_t now_ms);

/* ops_glue.c: health transitions and counters for the ops page. */
void	ops_glue_tick(uint64_t now_ms);

/* pool_json.c: the pool figures of the whole server. */
void	pool_json_totals(yajl_gen, const struct pool_totals *);
void	pool_json_per_worker(yajl_gen);

/*
 * cache_call.c: waits for the Sheets read cache.  cache_call_step returns
 * 0 while waiting (the handler returns KORE_RESULT_RETRY), 1 with view
 * filled.  The other two answer 503 themselves and return 0 when the
 * request cannot go on.
 */
struct sheets_cache_view;
int	cache_call_step(struct http_request *, struct sheets_cache_view *);
int	cache_view_usable(struct http_request *, enum http_route,
	    const struct sheets_cache_view *);
int	sheets_configured_or_503(struct http_request *, enum http_route);

/*
 * route_tag.c: a spool tag named by the path's last segment or by the
 * query's tag_spool, decoded and made canonical by spool_tag.h's rule.
 * Returns 0 with tag filled ("" for an absent or empty query parameter),
 * or -1 once the request has been answered 422 naming where the tag was.
 */
int	route_tag_path(struct http_request *, enum http_route, char *tag,
	    size_t tagsz);
/* The segment before the path's last (/api/v4/uniones/{tag}/metricas). */
int	route_tag_path_inner(struct http_request *, enum http_route,
	    char *tag, size_t tagsz);
int	route_tag_query(struct http_request *, enum http_route, char *tag,
	    size_t tagsz);

/* Timestamp "2026-02-02T08:53:45-03:00" in the server's local time. */
void	iso_timestamp(char *buf, size_t len);

#endif
