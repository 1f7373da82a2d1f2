/*
 * POST /api/metrologia/completar (floor.md §2): parse the body, run one
 * metrología job (lib/floor/metrologia_flow.c), answer when it is done.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json_out.h"
#include "metrologia_flow.h"
#include "zeues.h"

int	route_metrologia(struct http_request *);

static void
job_done(void *arg, struct occ_job *job)
{
	(void)job;
	http_request_wakeup(arg);
}

static void
job_onfree(struct http_request *req)
{
	if (req->hdlr_extra != NULL)
		occ_job_detach(req->hdlr_extra);
	req->hdlr_extra = NULL;
}

static void
answer(struct http_request *req, const struct occ_job *job)
{
	yajl_gen	g;
	char		secs[16];
	int		status, retry;

	status = job->out.ok ? 200 : occ_error_status(job->out.fail.error);
	if (!job->out.ok &&
	    (retry = occ_error_retry_after(job->out.fail.error)) > 0) {
		snprintf(secs, sizeof(secs), "%d", retry);
		http_response_header(req, "retry-after", secs);
	}
	g = json_out_new();
	metro_job_response_write(g, job);
	http_send_json(req, ROUTE_METROLOGIA, status, g);
	yajl_gen_free(g);
}

static int
is_json(struct http_request *req)
{
	const char	*ct;

	if (!http_request_header(req, "content-type", &ct))
		return (0);
	return (strncasecmp(ct, "application/json", 16) == 0 &&
	    (ct[16] == '\0' || ct[16] == ';' || ct[16] == ' '));
}

int
route_metrologia(struct http_request *req)
{
	struct occ_job			*job = req->hdlr_extra;
	struct metro_request		 r;
	struct occ_request_errors	 errs;
	char				*body;
	ssize_t				 nread;
	int				 parsed;
	yajl_gen			 g;

	if (job != NULL) {
		if (!job->done) {
			http_request_sleep(req);
			return (KORE_RESULT_RETRY);
		}
		answer(req, job);
		return (KORE_RESULT_OK);
	}
	if (!http_route_begin(req, ROUTE_METROLOGIA, HTTP_METHOD_POST))
		return (KORE_RESULT_OK);
	if (!is_json(req)) {
		http_send_error(req, ROUTE_METROLOGIA,
		    API_ERR_UNSUPPORTED_MEDIA_TYPE, "El cuerpo debe ser JSON "
		    "(Content-Type: application/json).", NULL, NULL);
		return (KORE_RESULT_OK);
	}
	if ((body = malloc(zeues_cfg.max_body_bytes + 1)) == NULL) {
		http_send_error(req, ROUTE_METROLOGIA, API_ERR_OVERLOADED,
		    "El servidor está saturado; vuelve a intentarlo.", NULL,
		    NULL);
		return (KORE_RESULT_OK);
	}
	nread = http_body_read(req, body, zeues_cfg.max_body_bytes);
	parsed = metro_request_parse(body, nread > 0 ? (size_t)nread : 0, &r,
	    &errs);
	free(body);
	if (parsed == -1) {
		g = json_out_new();
		occ_request_errors_write(g, &errs);
		http_send_json(req, ROUTE_METROLOGIA, 422, g);
		yajl_gen_free(g);
		return (KORE_RESULT_OK);
	}
	request_log_occupation(req, r.tag_spool, r.worker_id);
	if (!sheets_configured_or_503(req, ROUTE_METROLOGIA))
		return (KORE_RESULT_OK);
	if ((job = metro_job_new(zw.flow, &r, http_redis_deadline(0))) ==
	    NULL) {
		http_send_error(req, ROUTE_METROLOGIA, API_ERR_OVERLOADED,
		    "El servidor está saturado; vuelve a intentarlo.", NULL,
		    NULL);
		return (KORE_RESULT_OK);
	}
	job->done_cb = job_done;
	job->done_arg = req;
	req->hdlr_extra = job;
	req->flags |= HTTP_REQUEST_RETAIN_EXTRA;
	req->onfree = job_onfree;
	occ_job_start(job);
	if (job->done) {
		answer(req, job);
		return (KORE_RESULT_OK);
	}
	http_request_sleep(req);
	return (KORE_RESULT_RETRY);
}
