/*
 * Responses: JSON bodies with the right headers, CORS for the frontend's
 * origins, the api.md error body with Retry-After, the operator token of
 * the operational routes, per-route counts and the access log.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bearer_token.h"
#include "json_out.h"
#include "nelem.h"
#include "stat_counter.h"
#include "zeues.h"

static const char *
method_list(int allowed, char *buf, size_t len)
{
	static const struct { int bit; const char *name; } methods[] = {
		{ HTTP_METHOD_GET, "GET" }, { HTTP_METHOD_HEAD, "HEAD" },
		{ HTTP_METHOD_POST, "POST" }, { HTTP_METHOD_PUT, "PUT" },
		{ HTTP_METHOD_DELETE, "DELETE" },
		{ HTTP_METHOD_PATCH, "PATCH" },
	};
	size_t	i, off = 0;
	int	n;

	buf[0] = '\0';
	for (i = 0; i < NELEM(methods); i++) {
		if (!(allowed & methods[i].bit))
			continue;
		n = snprintf(buf + off, len - off, "%s%s", off ? ", " : "",
		    methods[i].name);
		if (n < 0 || (size_t)n >= len - off)
			break;
		off += (size_t)n;
	}
	n = snprintf(buf + off, len - off, "%sOPTIONS", off ? ", " : "");
	(void)n;
	return (buf);
}

#define READ_METHODS	(HTTP_METHOD_GET | HTTP_METHOD_HEAD)

/*
 * "*" in ALLOWED_ORIGINS opens the reads to any page; a change (any other
 * method) needs an origin named in the list, or any page a floor tablet's
 * browser opens could drive the occupation routes.
 */
static int
origin_admitted(const char *origin, int method)
{
	if (method & READ_METHODS)
		return (config_origin_allowed(&zeues_cfg, origin));
	return (config_origin_listed(&zeues_cfg, origin));
}

/* The method a preflight asks about; GET when it names none. */
static int
preflight_method(struct http_request *req)
{
	const char	*m;

	if (!http_request_header(req, "access-control-request-method", &m))
		return (HTTP_METHOD_GET);
	if (strcmp(m, "GET") == 0)
		return (HTTP_METHOD_GET);
	if (strcmp(m, "HEAD") == 0)
		return (HTTP_METHOD_HEAD);
	return (HTTP_METHOD_POST);
}

static int
cors_headers(struct http_request *req, int method)
{
	const char	*origin;

	if (!http_request_header(req, "origin", &origin))
		return (0);
	if (!origin_admitted(origin, method))
		return (0);
	http_response_header(req, "access-control-allow-origin", origin);
	http_response_header(req, "access-control-expose-headers",
	    "x-request-id");
	http_response_header(req, "vary", "Origin");
	return (1);
}

static void
count(struct http_request *req, enum http_route route, int status)
{
	uint64_t	elapsed = kore_time_ms() - req->start;

	http_stats_count(&zw.stats->http, route, status, elapsed * 1000);
}

/* Every answer of the module leaves through here. */
static void
respond(struct http_request *req, enum http_route route, int status,
    const void *body, size_t len)
{
	http_response_header(req, "x-request-id", request_log_id(req));
	http_response(req, status, body, len);
	count(req, route, status);
	request_log_end(req, route, status);
}

void
http_send_text(struct http_request *req, enum http_route route, int status,
    const char *content_type, const void *body, size_t len)
{
	cors_headers(req, req->method);
	http_response_header(req, "content-type", content_type);
	if (route != ROUTE_SSE)
		http_response_header(req, "cache-control", "no-store");
	respond(req, route, status, body, len);
}

void
http_send_json(struct http_request *req, enum http_route route, int status,
    yajl_gen g)
{
	const char	*body;
	size_t		 len;

	body = json_out_text(g, &len);
	http_send_text(req, route, status, "application/json", body, len);
}

void
http_send_error(struct http_request *req, enum http_route route,
    enum api_error e, const char *detail, void (*data_fn)(yajl_gen, void *),
    void *arg)
{
	yajl_gen	g;
	char		secs[16];
	int		retry;

	if ((retry = api_error_retry_after(e)) > 0) {
		snprintf(secs, sizeof(secs), "%d", retry);
		http_response_header(req, "retry-after", secs);
	}
	if ((g = json_out_new()) == NULL) {
		http_send_text(req, route, 500, "application/json",
		    API_ERROR_NO_MEMORY_BODY,
		    sizeof(API_ERROR_NO_MEMORY_BODY) - 1);
		return;
	}
	api_error_write(g, e, detail, data_fn, arg);
	http_send_json(req, route, api_error_status(e), g);
	yajl_gen_free(g);
}

/* OPS_TOKEN guards what shows the service's inside, not the probes. */
static int
ops_authorized(struct http_request *req, enum http_route route)
{
	const char	*auth;

	if (zeues_cfg.ops_token[0] == '\0' || (route != ROUTE_METRICS &&
	    route != ROUTE_REDIS_STATS && route != ROUTE_REDIS_HEALTH))
		return (1);
	if (!http_request_header(req, "authorization", &auth))
		auth = NULL;
	return (bearer_token_matches(auth, zeues_cfg.ops_token));
}

static void
send_unauthorized(struct http_request *req, enum http_route route)
{
	yajl_gen	g;
	const char	*body;
	size_t		 len;

	http_response_header(req, "www-authenticate", "Bearer realm=\"zeues\"");
	if ((g = json_out_new()) == NULL) {
		http_send_text(req, route, 500, "application/json",
		    API_ERROR_NO_MEMORY_BODY,
		    sizeof(API_ERROR_NO_MEMORY_BODY) - 1);
		return;
	}
	api_error_body(g, "UNAUTHORIZED", "Esta ruta requiere el token de "
	    "operación (Authorization: Bearer).", NULL, NULL);
	body = json_out_text(g, &len);
	http_send_text(req, route, 401, "application/json", body, len);
	yajl_gen_free(g);
}

static void
allowed_data(yajl_gen g, void *arg)
{
	json_kstr(g, "allowed", arg);
}

#ifdef ZEUES_TEST_LEAKY_REDIS
/*
 * Test builds only (make build/leaky/zeues.so): the old backend's
 * defect, one Redis connection per request that is never closed, so the
 * soak test can show that its verdict catches it.  Never compiled into
 * the real server.
 */
static void
leak_a_connection(void)
{
	static struct redis_pool_stats	leak_stats;
	struct redis_pool_config	lc;

	memset(&lc, 0, sizeof(lc));
	lc.url = zeues_cfg.redis;
	snprintf(lc.client_name, sizeof(lc.client_name), "%sw%d:leak",
	    zw.client_prefix, zw.id);
	lc.max_connections = 1;
	lc.connect_timeout_ms = zeues_cfg.redis_connect_timeout_ms;
	lc.command_timeout_ms = zeues_cfg.redis_socket_timeout_ms;
	lc.health_interval_ms = zeues_cfg.redis_health_interval_ms;
	lc.idle_timeout_ms = zeues_cfg.redis_idle_timeout_ms;
	lc.grow_depth = 1;
	lc.wait_queue_max = 1;
	lc.pipeline_max = 1;
	(void)redis_pool_new(&lc, zw.loop, &leak_stats);
}
#endif

void
http_too_large_detail(char *buf, size_t len)
{
	snprintf(buf, len, "El cuerpo de la petición supera el máximo de %zu "
	    "bytes.", zeues_cfg.max_body_bytes);
}

int
http_route_begin(struct http_request *req, enum http_route route,
    int allowed)
{
	char		methods[96], offered[96], detail[256];
	int		listed;
	const char	*origin;

#ifdef ZEUES_TEST_LEAKY_REDIS
	leak_a_connection();
#endif

	request_log_begin(req);
	method_list(allowed, methods, sizeof(methods));
	/*
	 * Not content_length: Kore 4.1 leaves it as the previous request in
	 * its pool set it, so a GET after a large POST would look large.
	 */
	if (req->http_body_length > zeues_cfg.max_body_bytes) {
		http_too_large_detail(detail, sizeof(detail));
		/* The rest of the body may still be arriving: never read it. */
		req->owner->flags |= CONN_CLOSE_EMPTY;
		http_send_error(req, route, API_ERR_PAYLOAD_TOO_LARGE, detail,
		    NULL, NULL);
		return (0);
	}
	if (req->method == HTTP_METHOD_OPTIONS) {
		if (cors_headers(req, preflight_method(req))) {
			http_request_header(req, "origin", &origin);
			listed = config_origin_listed(&zeues_cfg, origin);
			method_list(listed ? allowed : allowed & READ_METHODS,
			    offered, sizeof(offered));
			http_response_header(req,
			    "access-control-allow-methods", offered);
			http_response_header(req,
			    "access-control-allow-headers",
			    "content-type, last-event-id, x-lock-token");
			http_response_header(req, "access-control-max-age",
			    "600");
		}
		http_response_header(req, "allow", methods);
		respond(req, route, 204, NULL, 0);
		return (0);
	}
	if (!ops_authorized(req, route)) {
		send_unauthorized(req, route);
		return (0);
	}
	if (!(req->method & allowed)) {
		http_response_header(req, "allow", methods);
		snprintf(detail, sizeof(detail), "Método %s no permitido en "
		    "%.80s; use %s.", http_method_text(req->method), req->path,
		    methods);
		http_send_error(req, route, API_ERR_METHOD_NOT_ALLOWED, detail,
		    allowed_data, methods);
		return (0);
	}
	return (1);
}

uint64_t
http_redis_deadline(uint64_t cap_ms)
{
	uint64_t	ms = (uint64_t)zeues_cfg.request_deadline_ms;

	if (cap_ms > 0 && cap_ms < ms)
		ms = cap_ms;
	return (kore_io_loop_now() + ms);
}

void
iso_timestamp(char *buf, size_t len)
{
	struct tm	tm;
	time_t		now = time(NULL);
	char		tz[8];

	localtime_r(&now, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	/* strftime's %z has no colon; ISO-8601 in the API has one. */
	strftime(tz, sizeof(tz), "%z", &tm);
	if (strlen(tz) == 5 && strlen(buf) + 7 <= len) {
		snprintf(buf + strlen(buf), len - strlen(buf), "%c%c%c:%c%c",
		    tz[0], tz[1], tz[2], tz[3], tz[4]);
	}
}

/* --- one Redis PING per request --- */

static void
redis_ping_answer(void *arg, enum redis_pool_status st, const char *error)
{
	struct redis_ping_call	*call = arg;

	call->ping = NULL;
	call->done = 1;
	call->status = st;
	if (error != NULL && (call->error = strdup(error)) == NULL)
		call->status = REDIS_POOL_OVERLOADED;
	http_request_wakeup(call->req);
}

static void
redis_ping_onfree(struct http_request *req)
{
	struct redis_ping_call	*call = req->hdlr_extra;

	if (call == NULL)
		return;
	if (call->ping != NULL)
		redis_ping_cancel(call->ping);
	free(call->error);
	free(call);
	req->hdlr_extra = NULL;
}

static struct redis_ping_call	no_memory_call = {
	.done = 1,
	.status = REDIS_POOL_OVERLOADED,
};

struct redis_ping_call *
redis_ping_step(struct http_request *req, uint64_t deadline_ms)
{
	struct redis_ping_call	*call = req->hdlr_extra;
	enum redis_pool_status	 why;

	if (call != NULL) {
		if (!call->done) {
			http_request_sleep(req);
			return (NULL);
		}
		return (call);
	}

	/* Out of memory: answer 503 rather than die like kore_calloc. */
	if ((call = calloc(1, sizeof(*call))) == NULL)
		return (&no_memory_call);
	call->req = req;
	req->hdlr_extra = call;
	req->flags |= HTTP_REQUEST_RETAIN_EXTRA;
	req->onfree = redis_ping_onfree;
	call->ping = redis_ping(zw.pool, deadline_ms, redis_ping_answer, call,
	    &why);
	if (call->ping == NULL) {
		call->done = 1;
		call->status = why;
		return (call);
	}
	http_request_sleep(req);
	return (NULL);
}
