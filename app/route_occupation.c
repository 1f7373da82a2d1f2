/*
 * POST /api/occupation/{tomar,pausar,completar,batch-tomar} and their
 * /api/v3 aliases (api.md §2): parse and validate the body, run one
 * occupation job per spool, answer when every job is done.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json_out.h"
#include "occupation_flow.h"
#include "occupation_request.h"
#include "zeues.h"

int	route_tomar(struct http_request *);
int	route_pausar(struct http_request *);
int	route_completar(struct http_request *);
int	route_batch_tomar(struct http_request *);
int	route_tomar_reparacion(struct http_request *);
int	route_pausar_reparacion(struct http_request *);
int	route_completar_reparacion(struct http_request *);
int	route_cancelar_reparacion(struct http_request *);

struct occ_call {
	struct http_request	*req;
	enum http_route		 route;
	int			 batch;
	size_t			 n;
	size_t			 pending;
	struct occ_job		*jobs[OCC_REQ_BATCH_MAX];
};

static void
call_job_done(void *arg, struct occ_job *job)
{
	struct occ_call	*call = arg;

	(void)job;
	if (--call->pending == 0)
		http_request_wakeup(call->req);
}

static void
call_onfree(struct http_request *req)
{
	struct occ_call	*call = req->hdlr_extra;
	size_t		 i;

	if (call == NULL)
		return;
	for (i = 0; i < call->n; i++) {
		if (call->jobs[i] != NULL)
			occ_job_detach(call->jobs[i]);
	}
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
send_outcome(struct http_request *req, enum http_route route,
    const struct occ_outcome *o)
{
	yajl_gen	g;
	char		secs[16];
	int		status, retry;

	status = o->ok ? 200 : occ_error_status(o->fail.error);
	if (!o->ok && (retry = occ_error_retry_after(o->fail.error)) > 0) {
		snprintf(secs, sizeof(secs), "%d", retry);
		http_response_header(req, "retry-after", secs);
	}
	g = json_out_new();
	occ_response_write(g, o);
	http_send_json(req, route, status, g);
	yajl_gen_free(g);
}

static void
answer(struct http_request *req, struct occ_call *call)
{
	struct occ_outcome	*items;
	yajl_gen		 g;
	size_t			 i;

	if (!call->batch) {
		send_outcome(req, call->route, &call->jobs[0]->out);
		return;
	}
	if ((items = calloc(call->n, sizeof(*items))) == NULL) {
		http_send_error(req, call->route, API_ERR_INTERNAL,
		    "Sin memoria para la respuesta.", NULL, NULL);
		return;
	}
	for (i = 0; i < call->n; i++)
		items[i] = call->jobs[i]->out;
	g = json_out_new();
	occ_batch_write(g, items, call->n);
	http_send_json(req, call->route, 200, g);
	yajl_gen_free(g);
	free(items);
}

/*
 * The reparación routes act on REPARACION only: the frontend sends no
 * operacion (frontend.md §7 item 3), any other one is refused.
 */
static int
reparacion_only(struct http_request *req, enum http_route route,
    const struct occ_request *r)
{
	if (r->op == OPERACION_REPARACION)
		return (1);
	http_send_error(req, route, API_ERR_BAD_REQUEST, "Esta ruta es de "
	    "reparación: operacion debe ser REPARACION o no enviarse.", NULL,
	    NULL);
	return (0);
}

static int
occupation_route(struct http_request *req, enum http_route route,
    enum occ_action action, enum occ_request_kind kind, int reparacion)
{
	struct occ_call			*call = req->hdlr_extra;
	struct occ_request		 r;
	struct occ_request_errors	 errs;
	const char			*token;
	char				*body;
	ssize_t				 nread;
	size_t				 i, len;
	int				 parsed;
	yajl_gen			 g;

	if (call != NULL) {
		if (call->pending > 0) {
			http_request_sleep(req);
			return (KORE_RESULT_RETRY);
		}
		answer(req, call);
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
	/* http_route_begin() answered 413 above MAX_BODY_BYTES. */
	if ((body = malloc(zeues_cfg.max_body_bytes + 1)) == NULL) {
		http_send_error(req, route, API_ERR_OVERLOADED,
		    "El servidor está saturado; vuelve a intentarlo.", NULL,
		    NULL);
		return (KORE_RESULT_OK);
	}
	nread = http_body_read(req, body, zeues_cfg.max_body_bytes);
	len = nread > 0 ? (size_t)nread : 0;
	parsed = occ_request_parse(kind, body, len, &r, &errs);
	free(body);
	/* The tablet sends reparación bodies without operacion (§7 item 3). */
	if (parsed == 0 && reparacion && !r.has_operacion) {
		r.has_operacion = 1;
		r.op = OPERACION_REPARACION;
	}
	/* PAUSAR and COMPLETAR take it from the occupation held. */
	if (parsed == 0 && !r.has_operacion && action == OCC_TOMAR) {
		occ_request_operacion_missing(&errs);
		parsed = -1;
	}
	if (parsed == -1) {
		g = json_out_new();
		occ_request_errors_write(g, &errs);
		http_send_json(req, route, 422, g);
		yajl_gen_free(g);
		return (KORE_RESULT_OK);
	}
	request_log_occupation(req, kind == OCC_REQ_BATCH ? r.tags[0] :
	    r.tag_spool, r.worker_id);
	if (reparacion && !reparacion_only(req, route, &r))
		return (KORE_RESULT_OK);
	if (!sheets_configured_or_503(req, route))
		return (KORE_RESULT_OK);
	/* The holder's proof: the header, else the body's field. */
	if (!http_request_header(req, "x-lock-token", &token) ||
	    *token == '\0')
		token = r.lock_token;

	if ((call = calloc(1, sizeof(*call))) == NULL) {
		http_send_error(req, route, API_ERR_OVERLOADED,
		    "El servidor está saturado; vuelve a intentarlo.", NULL,
		    NULL);
		return (KORE_RESULT_OK);
	}
	call->req = req;
	call->route = route;
	call->batch = kind == OCC_REQ_BATCH;
	call->n = call->batch ? r.ntags : 1;
	req->hdlr_extra = call;
	req->flags |= HTTP_REQUEST_RETAIN_EXTRA;
	req->onfree = call_onfree;

	for (i = 0; i < call->n; i++) {
		call->jobs[i] = occ_job_new(zw.flow, action, r.op,
		    call->batch ? r.tags[i] : r.tag_spool, r.worker_id,
		    http_redis_deadline(0));
		if (call->jobs[i] == NULL)
			break;
		call->jobs[i]->has_nombre = r.has_worker_nombre;
		snprintf(call->jobs[i]->nombre, sizeof(call->jobs[i]->nombre),
		    "%s", r.worker_nombre);
		call->jobs[i]->infer_op = !r.has_operacion;
		call->jobs[i]->has_fecha = r.has_fecha;
		call->jobs[i]->fecha = r.fecha;
		snprintf(call->jobs[i]->presented_token,
		    sizeof(call->jobs[i]->presented_token), "%s", token);
		call->jobs[i]->done_cb = call_job_done;
		call->jobs[i]->done_arg = call;
	}
	if (i < call->n) {
		while (i-- > 0) {
			occ_job_free(call->jobs[i]);
			call->jobs[i] = NULL;
		}
		http_send_error(req, route, API_ERR_OVERLOADED,
		    "El servidor está saturado; vuelve a intentarlo.", NULL,
		    NULL);
		return (KORE_RESULT_OK);
	}
	/* Counted first: a job may finish inside start. */
	call->pending = call->n;
	for (i = 0; i < call->n; i++)
		occ_job_start(call->jobs[i]);
	if (call->pending == 0) {
		answer(req, call);
		return (KORE_RESULT_OK);
	}
	http_request_sleep(req);
	return (KORE_RESULT_RETRY);
}

int
route_tomar(struct http_request *req)
{
	return (occupation_route(req, ROUTE_TOMAR, OCC_TOMAR, OCC_REQ_SINGLE,
	    0));
}

int
route_pausar(struct http_request *req)
{
	return (occupation_route(req, ROUTE_PAUSAR, OCC_PAUSAR,
	    OCC_REQ_SINGLE, 0));
}

int
route_completar(struct http_request *req)
{
	return (occupation_route(req, ROUTE_COMPLETAR, OCC_COMPLETAR,
	    OCC_REQ_COMPLETAR, 0));
}

int
route_batch_tomar(struct http_request *req)
{
	return (occupation_route(req, ROUTE_BATCH_TOMAR, OCC_TOMAR,
	    OCC_REQ_BATCH, 0));
}

int
route_tomar_reparacion(struct http_request *req)
{
	return (occupation_route(req, ROUTE_TOMAR_REPARACION, OCC_TOMAR,
	    OCC_REQ_SINGLE, 1));
}

int
route_pausar_reparacion(struct http_request *req)
{
	return (occupation_route(req, ROUTE_PAUSAR_REPARACION, OCC_PAUSAR,
	    OCC_REQ_SINGLE, 1));
}

int
route_completar_reparacion(struct http_request *req)
{
	return (occupation_route(req, ROUTE_COMPLETAR_REPARACION,
	    OCC_COMPLETAR, OCC_REQ_SINGLE, 1));
}

int
route_cancelar_reparacion(struct http_request *req)
{
	return (occupation_route(req, ROUTE_CANCELAR_REPARACION, OCC_CANCELAR,
	    OCC_REQ_SINGLE, 1));
}
