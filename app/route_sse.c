/*
 * GET /api/sse/stream: the live floor.  The worker's one subscription
 * feeds lib/http/sse_hub.c, which fans events out to this worker's clients;
 * this file is the Kore side: the long-lived response, writes, closes,
 * and the history fetches the hub asks for.
 *
 * A stream must survive Kore's timers (kore-4.1-debian.md §5): with
 * CONN_IS_BUSY the header timeout is not re-armed after the response
 * headers, the request stays alive (asleep) so the keep-alive timer does
 * not apply, and CONN_CLOSE_EMPTY is cleared so HTTP/1.0 and
 * "Connection: close" clients are not cut off when the queue drains.
 *
 * Kore's accept lock leaves one worker accepting until it is full, so
 * long-lived streams would pile up on it.  After starting a stream, a
 * worker holding more than its share of all streams makes itself look
 * full for one tick, which hands the lock to another worker.
 */
#include <sys/queue.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event_log.h"
#include "json_out.h"
#include "spool_tag.h"
#include "sse_hub.h"
#include "stat_counter.h"
#include "zeues.h"

#define SSE_SHARE_SLACK		4

int	route_sse_stream(struct http_request *);

struct sse_stream {
	struct http_request	*req;
	struct sse_client	*cl;
};

static struct sse_hub		*hub;
static struct event_log_config	 events;
static u_int32_t		 saved_max_connections;

static ssize_t
host_write(void *arg, void *handle, const char *buf, size_t len)
{
	struct sse_stream	*st = handle;
	struct connection	*c;
	struct netbuf		*nb;
	size_t			 unsent = 0;

	(void)arg;
	if (st->req == NULL || (c = st->req->owner) == NULL ||
	    c->state == CONN_STATE_DISCONNECTING)
		return (-1);
	net_send_queue(c, buf, len);
	if (!net_send_flush(c))
		return (-1);
	TAILQ_FOREACH(nb, &c->send_queue, list)
		unsent += nb->b_len - nb->s_off;
	return ((ssize_t)unsent);
}

static void
host_close(void *arg, void *handle)
{
	struct sse_stream	*st = handle;

	(void)arg;
	if (st->req != NULL && st->req->owner != NULL)
		kore_connection_disconnect(st->req->owner);
}

static void *
host_fetch(void *arg, const struct event_id *after, uint64_t deadline_ms,
    event_log_done_fn *done, void *done_arg)
{
	enum redis_pool_status	why;

	(void)arg;
	return (event_log_replay(zw.pool, &events, after, deadline_ms, done,
	    done_arg, &why));
}

static void
host_cancel(void *arg, void *op)
{
	(void)arg;
	event_log_cancel(op);
}

int
sse_glue_start(void)
{
	struct sse_hub_config	cfg;
	struct sse_hub_host	host = { host_write, host_close, host_fetch,
				    host_cancel, NULL };

	event_log_config_default(&events);
	sse_hub_config_default(&cfg);
	cfg.max_clients = (size_t)zeues_cfg.sse_max_clients;
	cfg.heartbeat_ms = (uint64_t)zeues_cfg.sse_heartbeat_ms;
	cfg.max_unsent_bytes = (size_t)zeues_cfg.sse_max_unsent;
	hub = sse_hub_new(&cfg, &host, zw.loop, &zw.stats->sse);
	return (hub == NULL ? -1 : 0);
}

void
sse_glue_stop(void)
{
	sse_hub_free(hub);
	hub = NULL;
}

void
sse_glue_event(const char *payload, size_t len)
{
	if (hub != NULL)
		sse_hub_publish(hub, payload, len);
}

void
sse_glue_resubscribed(void)
{
	if (hub != NULL)
		sse_hub_resubscribed(hub);
}

void
sse_glue_tick(uint64_t now)
{
	if (saved_max_connections != 0) {
		worker_max_connections = saved_max_connections;
		saved_max_connections = 0;
	}
	if (hub != NULL)
		sse_hub_tick(hub, now);
}

/* This worker's streams against an even share of the server's. */
static void
balance_streams(void)
{
	uint64_t	total = 0, mine, share;
	size_t		i;

	for (i = 0; i < zeues_stats->nslots; i++) {
		if (stat_get(&zeues_stats->slot[i].pid) != 0)
			total += stat_get(&zeues_stats->slot[i].sse.clients);
	}
	mine = stat_get(&zw.stats->sse.clients);
	share = total / (uint64_t)zeues_cfg.workers;
	if (mine <= share + SSE_SHARE_SLACK || saved_max_connections != 0)
		return;
	saved_max_connections = worker_max_connections;
	worker_max_connections = worker_active_connections;
}

static void
sse_onfree(struct http_request *req)
{
	struct sse_stream	*st = req->hdlr_extra;

	if (st == NULL)
		return;
	if (hub != NULL)
		sse_hub_remove(hub, st->cl);
	free(st);
	req->hdlr_extra = NULL;
}

static void
full_data(yajl_gen g, void *arg)
{
	(void)arg;
	json_kint(g, "max_clients_per_worker", zeues_cfg.sse_max_clients);
}

int
route_sse_stream(struct http_request *req)
{
	struct sse_stream	*st;
	const char		*lei = NULL;
	char			 tag[SPOOL_TAG_MAX + 1];

	/* Woken for nothing: a stream sleeps until its connection goes. */
	if (req->hdlr_extra != NULL) {
		http_request_sleep(req);
		return (KORE_RESULT_RETRY);
	}
	if (!http_route_begin(req, ROUTE_SSE, HTTP_METHOD_GET))
		return (KORE_RESULT_OK);

	if (route_tag_query(req, ROUTE_SSE, tag, sizeof(tag)) == -1)
		return (KORE_RESULT_OK);
	(void)http_request_header(req, "last-event-id", &lei);

	if (hub == NULL || (st = calloc(1, sizeof(*st))) == NULL) {
		http_send_error(req, ROUTE_SSE, API_ERR_OVERLOADED,
		    "El servidor no puede aceptar más conexiones en vivo.",
		    full_data, NULL);
		return (KORE_RESULT_OK);
	}
	st->req = req;
	if ((st->cl = sse_hub_add(hub, st, tag, lei)) == NULL) {
		free(st);
		http_send_error(req, ROUTE_SSE, API_ERR_OVERLOADED,
		    "El servidor no puede aceptar más conexiones en vivo.",
		    full_data, NULL);
		return (KORE_RESULT_OK);
	}
	req->hdlr_extra = st;
	req->flags |= HTTP_REQUEST_RETAIN_EXTRA | HTTP_REQUEST_NO_CONTENT_LENGTH;
	req->onfree = sse_onfree;
	req->owner->flags |= CONN_IS_BUSY;

	http_response_header(req, "cache-control", "no-cache, no-transform");
	http_response_header(req, "x-accel-buffering", "no");
	http_send_text(req, ROUTE_SSE, 200, "text/event-stream", NULL, 0);
	req->owner->flags &= ~CONN_CLOSE_EMPTY;

	sse_hub_start(hub, st->cl);
	balance_streams();
	http_request_sleep(req);
	return (KORE_RESULT_RETRY);
}
