/*
 * POST /api/v4/occupation/iniciar and /finalizar (floor.md §1.2,
 * frontend.md R7, R8): parse the body, run one job on the occupation flow
 * (lib/floor/v4_flow.h), answer when it is done.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json_out.h"
#include "v4_flow.h"
#include "v4_request.h"
#include "zeues.h"

int	route_v4_iniciar(struct http_request *);
int	route_v4_finalizar(struct http_request *);

struct v4_call {
	struct http_request	*req;
	struct occ_job		*job;
	int			 pending;
};

static void
call_job_done(void *arg, struct occ_job *job)
{
	struct v4_call	*call = arg;

	(void)job;
	call->pending = 0;
	http_request_wakeup(call->req);
}

static void
call_onfree(struct http_request *req)
{
	struct v4_call	*call = req->hdlr_extra;

	if (call == NULL)
		return;
	if (call->job != NULL)
		occ_job_detach(call->job);
	free(call);
	req->hdlr_extra = NULL;
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

static void
answer(struct http_request *req, enum http_route route,
    const struct occ_job *job)
{
	const struct occ_outcome	*o = &job->out;
	yajl_gen			 g;
	char				 secs[16];
	int				 status, retry;

	status = o->ok ? 200 : occ_error_status(o->fail.error);
	if (!o->ok && (retry = occ_error_retry_after(o->fail.error)) > 0) {
		snprintf(secs, sizeof(secs), "%d", retry);
		http_response_header(req, "retry-after", secs);
	}
	g = json_out_new();
	/* A FINALIZAR decided has its own body; a failure before, the error. */
	if (job->v4->kind == V4_REQ_FINALIZAR && o->ok)
		v4_finalizar_write(g, &job->v4->out);
	else
		occ_response_write(g, o);
	http_send_json(req, route, status, g);
	yajl_gen_free(g);
}

static int
v4_route(struct http_request *req, enum http_route route,
    enum v4_request_kind kind)
{
	struct v4_call			*call = req->hdlr_extra;
	struct v4_request		*r;
	struct occ_request_errors	 errs;
	char				*body;
	ssize_t				 nread;
	size_t				 len;
	int				 parsed;
	yajl_gen			 g;

	if (call != NULL) {
		if (call->pending) {
			http_request_sleep(req);
			return (KORE_RESULT_RETRY);
		}
		answer(req, route, call->job);
		return (KORE_RESULT_OK);
	}

	if (!http_route_begin(req, route, HTTP_METHOD_POST))
		return (KORE_RESULT_OK);
	if (!is_json(req)) {
		http_send_error(req, route, API_ERR_UNSUPPORTED_MEDIA_TYPE,
		    "El cuerpo debe ser JSON (Content-Type: application/json).",
		    NULL, NULL);
		return (KORE_RESULT_OK);
	}
	body = malloc(zeues_cfg.max_body_bytes + 1);
	r = malloc(sizeof(*r));
	if (body == NULL || r == NULL) {
		free(body);
		free(r);
		http_send_error(req, route, API_ERR_OVERLOADED,
		    "El servidor está saturado; vuelve a intentarlo.", NULL,
		    NULL);
		return (KORE_RESULT_OK);
	}
	nread = http_body_read(req, body, zeues_cfg.max_body_bytes);
	len = nread > 0 ? (size_t)nread : 0;
	parsed = v4_request_parse(kind, body, len, r, &errs);
	free(body);
	if (parsed == -1) {
		free(r);
		g = json_out_new();
		occ_request_errors_write(g, &errs);
		http_send_json(req, route, 422, g);
		yajl_gen_free(g);
		return (KORE_RESULT_OK);
	}
	request_log_occupation(req, r->base.tag_spool, r->base.worker_id);
	/* fecha_operacion is the device's UTC date: the server dates the work. */
	if (!sheets_configured_or_503(req, route)) {
		free(r);
		return (KORE_RESULT_OK);
	}
	if ((call = calloc(1, sizeof(*call))) == NULL) {
		free(r);
		http_send_error(req, route, API_ERR_OVERLOADED,
		    "El servidor está saturado; vuelve a intentarlo.", NULL,
		    NULL);
		return (KORE_RESULT_OK);
	}
	call->req = req;
	call->job = v4_job_new(zw.flow, r, kind, http_redis_deadline(0));
	free(r);
	if (call->job == NULL) {
		free(call);
		http_send_error(req, route, API_ERR_OVERLOADED,
		    "El servidor está saturado; vuelve a intentarlo.", NULL,
		    NULL);
		return (KORE_RESULT_OK);
	}
	call->job->done_cb = call_job_done;
	call->job->done_arg = call;
	req->hdlr_extra = call;
	req->flags |= HTTP_REQUEST_RETAIN_EXTRA;
	req->onfree = call_onfree;

	/* Set first: the job may finish inside start. */
	call->pending = 1;
	occ_job_start(call->job);
	if (!call->pending) {
		answer(req, route, call->job);
		return (KORE_RESULT_OK);
	}
	http_request_sleep(req);
	return (KORE_RESULT_RETRY);
}

int
route_v4_iniciar(struct http_request *req)
{
	return (v4_route(req, ROUTE_V4_INICIAR, V4_REQ_INICIAR));
}

int
route_v4_finalizar(struct http_request *req)
{
	return (v4_route(req, ROUTE_V4_FINALIZAR, V4_REQ_FINALIZAR));
}
