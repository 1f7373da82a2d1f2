/*
 * /api/health for the frontend and monitors (always HTTP 200, the verdict
 * is in the body) and /api/redis-health for operators.  Both read Redis's
 * INFO from this worker's snapshot (redis_snapshot.c: at most one INFO per
 * worker per REDIS_SNAPSHOT_MAX_AGE_MS, with a deadline of
 * REDIS_SOCKET_TIMEOUT), so polling them costs Redis next to nothing and
 * what they say is at most that old; the body says how old.
 */
#include <stdio.h>
#include <string.h>

#include "json_out.h"
#include "redis_text.h"
#include "zeues.h"

int	route_health(struct http_request *);
int	route_redis_health(struct http_request *);


int
route_health(struct http_request *req)
{
	const struct redis_snapshot	*snap;
	struct pool_totals		 t;
	const char			*redis_error, *sheets_error, *status;
	const char			*cache_error;
	char				 ts[40], sheets_why[SHEETS_PROBE_ERR_MAX];
	char				 cache_why[SHEETS_PROBE_ERR_MAX];
	yajl_gen			 g;

	if (req->hdlr_extra == NULL && !http_route_begin(req, ROUTE_HEALTH,
	    HTTP_METHOD_GET | HTTP_METHOD_HEAD))
		return (KORE_RESULT_OK);
	if ((snap = redis_snapshot_step(req, REDIS_SNAPSHOT_INFO)) == NULL)
		return (KORE_RESULT_RETRY);

	redis_error = snap->error[0] != '\0' ? snap->error : NULL;
	sheets_error = sheets_glue_health(sheets_why, sizeof(sheets_why)) ?
	    NULL : sheets_why;
	/* Sheets answers, yet the tables cannot be read (too big, say). */
	cache_error = sheets_glue_read_cache(cache_why, sizeof(cache_why)) ?
	    NULL : cache_why;
	if (sheets_error != NULL)
		status = "unhealthy";
	else if (redis_error != NULL || cache_error != NULL)
		status = "degraded";
	else
		status = "healthy";

	iso_timestamp(ts, sizeof(ts));
	pool_totals_sum(zeues_stats, (uint64_t)zeues_cfg.redis_budget, &t);
	g = json_out_new();
	yajl_gen_map_open(g);
	json_kstr(g, "status", status);
	json_kbool(g, "operational", redis_error == NULL &&
	    sheets_error == NULL && cache_error == NULL);
	json_kstr(g, "timestamp", ts);
	json_kstr(g, "environment", zeues_cfg.environment);
	json_kstr(g, "version", ZEUES_VERSION);
	json_kstr(g, "sheets_connection", sheets_error == NULL ? "ok" :
	    "error");
	json_kstr(g, "redis_connection", redis_error == NULL ? "ok" : "error");
	json_key(g, "details");
	yajl_gen_map_open(g);
	json_kstr(g, "sheets_error", sheets_error);
	json_kstr(g, "redis_error", redis_error);
	json_kint(g, "redis_snapshot_age_ms",
	    (long long)redis_snapshot_age(snap));
	json_kstr(g, "read_cache_error", cache_error);
	json_key(g, "redis_pool_stats");
	yajl_gen_map_open(g);
	pool_json_totals(g, &t);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
	http_send_json(req, ROUTE_HEALTH, 200, g);
	yajl_gen_free(g);
	return (KORE_RESULT_OK);
}

static void
info_int(yajl_gen g, const char *key, const char *info, const char *field)
{
	char		buf[32], *end;
	long long	v;

	if (info == NULL ||
	    redis_info_field(info, field, buf, sizeof(buf)) == -1) {
		json_knull(g, key);
		return;
	}
	v = strtoll(buf, &end, 10);
	if (*end != '\0')
		json_knull(g, key);
	else
		json_kint(g, key, v);
}

static void
info_str(yajl_gen g, const char *key, const char *info, const char *field)
{
	char	buf[64];

	if (info == NULL ||
	    redis_info_field(info, field, buf, sizeof(buf)) == -1)
		json_knull(g, key);
	else
		json_kstr(g, key, buf);
}

int
route_redis_health(struct http_request *req)
{
	const struct redis_snapshot	*snap;
	const char			*err, *status, *info;
	char				 message[REDIS_POOL_ERR_MAX + 32];
	yajl_gen			 g;
	int				 code;

	if (req->hdlr_extra == NULL && !http_route_begin(req,
	    ROUTE_REDIS_HEALTH, HTTP_METHOD_GET | HTTP_METHOD_HEAD))
		return (KORE_RESULT_OK);
	if ((snap = redis_snapshot_step(req, REDIS_SNAPSHOT_INFO)) == NULL)
		return (KORE_RESULT_RETRY);

	err = snap->error[0] != '\0' ? snap->error : NULL;
	info = snap->info;
	if (err == NULL && info == NULL)
		err = "unexpected reply to INFO";
	if (err == NULL) {
		status = "healthy";
		code = 200;
		snprintf(message, sizeof(message), "Redis operativo");
	} else {
		status = snap->status == REDIS_POOL_UNAVAILABLE ?
		    "disconnected" : "unhealthy";
		code = 503;
		snprintf(message, sizeof(message), "%s", err);
		http_response_header(req, "retry-after", "5");
	}

	g = json_out_new();
	yajl_gen_map_open(g);
	json_kstr(g, "status", status);
	json_kstr(g, "message", message);
	json_kbool(g, "operational", err == NULL);
	info_str(g, "version", info, "redis_version");
	info_int(g, "connected_clients", info, "connected_clients");
	info_str(g, "used_memory_human", info, "used_memory_human");
	info_int(g, "uptime_in_seconds", info, "uptime_in_seconds");
	json_kint(g, "snapshot_age_ms", (long long)redis_snapshot_age(snap));
	if (code != 200) {
		json_kstr(g, "error", "REDIS_UNAVAILABLE");
		json_kstr(g, "detail", message);
		json_kbool(g, "success", 0);
	}
	yajl_gen_map_close(g);
	http_send_json(req, ROUTE_REDIS_HEALTH, code, g);
	yajl_gen_free(g);
	return (KORE_RESULT_OK);
}
