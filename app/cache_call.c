/*
 * A request's wait for the Sheets read cache, in the style of
 * redis_ping_step(): the handler is re-entered once the cache has fresh
 * tables, stale ones with an error, or none.  The handler then takes the
 * tables with sheets_cache_peek(), because a refresh may have replaced
 * them between the callback and the handler's turn.
 */
#include <stdlib.h>

#include "sheets_cache.h"
#include "zeues.h"

struct cache_call {
	struct http_request		*req;
	struct sheets_cache_wait	*wait;
	int				 done;
};

static void
cache_call_done(void *arg, const struct sheets_cache_view *view)
{
	struct cache_call	*call = arg;

	(void)view;
	call->wait = NULL;
	call->done = 1;
	http_request_wakeup(call->req);
}

static void
cache_call_onfree(struct http_request *req)
{
	struct cache_call	*call = req->hdlr_extra;

	if (call == NULL)
		return;
	if (call->wait != NULL)
		sheets_cache_cancel(call->wait);
	free(call);
	req->hdlr_extra = NULL;
}

int
cache_call_step(struct http_request *req, struct sheets_cache_view *view)
{
	struct cache_call	*call = req->hdlr_extra;

	if (call == NULL) {
		if ((call = calloc(1, sizeof(*call))) == NULL)
			goto peek;
		call->req = req;
		req->hdlr_extra = call;
		req->flags |= HTTP_REQUEST_RETAIN_EXTRA;
		req->onfree = cache_call_onfree;
		call->wait = sheets_cache_read(zw.cache, http_redis_deadline(0),
		    cache_call_done, call);
		if (call->wait == NULL)
			goto peek;
	}
	if (!call->done) {
		http_request_sleep(req);
		return (0);
	}
peek:
	sheets_cache_peek(zw.cache, view);
	return (1);
}

int
cache_view_usable(struct http_request *req, enum http_route route,
    const struct sheets_cache_view *view)
{
	if (view->status != SHEETS_CACHE_UNAVAILABLE)
		return (1);
	http_send_error(req, route, API_ERR_SHEETS_UNAVAILABLE,
	    "Google Sheets no responde; vuelve a intentarlo en unos "
	    "segundos.", NULL, NULL);
	return (0);
}

int
sheets_configured_or_503(struct http_request *req, enum http_route route)
{
	if (zw.cache != NULL)
		return (1);
	http_send_error(req, route, API_ERR_SHEETS_UNAVAILABLE,
	    "Google Sheets no está configurado (GOOGLE_SHEET_ID).", NULL, NULL);
	return (0);
}
