/*
 * GET /api/workers: the active workers with their roles (api.md §3), and
 * GET /api/workers/{id}/roles: one worker's (frontend.md U2).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_out.h"
#include "sheets_cache.h"
#include "worker_roster.h"
#include "zeues.h"

int	route_workers(struct http_request *);
int	route_worker_roles(struct http_request *);

/*
 * The roster from the read cache, or NULL once the request has been
 * answered or must wait (*retry says which).
 */
static struct worker_roster *
roster_begin(struct http_request *req, enum http_route route, int *retry)
{
	struct sheets_cache_view	 view;
	struct worker_roster		*roster;
	char				 err[160];

	*retry = 0;
	if (req->hdlr_extra == NULL && (!http_route_begin(req, route,
	    HTTP_METHOD_GET | HTTP_METHOD_HEAD) ||
	    !sheets_configured_or_503(req, route)))
		return (NULL);
	if (!cache_call_step(req, &view)) {
		*retry = 1;
		return (NULL);
	}
	if (!cache_view_usable(req, route, &view))
		return (NULL);

	roster = worker_roster_build(view.table[SHEETS_CACHE_TRABAJADORES],
	    view.table[SHEETS_CACHE_ROLES], err, sizeof(err));
	if (roster == NULL) {
		zlog(LOG_LEVEL_ERROR, "Trabajadores: %s", err);
		http_send_error(req, route, API_ERR_SHEETS_UNAVAILABLE,
		    "La hoja de trabajadores no tiene el formato esperado.",
		    NULL, NULL);
	}
	return (roster);
}

int
route_workers(struct http_request *req)
{
	struct worker_roster		*roster;
	yajl_gen			 g;
	int				 retry;

	if ((roster = roster_begin(req, ROUTE_WORKERS, &retry)) == NULL)
		return (retry ? KORE_RESULT_RETRY : KORE_RESULT_OK);
	g = json_out_new();
	worker_roster_write_json(roster, g);
	http_send_json(req, ROUTE_WORKERS, 200, g);
	yajl_gen_free(g);
	worker_roster_free(roster);
	return (KORE_RESULT_OK);
}

static void
worker_data(yajl_gen g, void *arg)
{
	json_kint(g, "worker_id", *(long long *)arg);
}

int
route_worker_roles(struct http_request *req)
{
	const struct roster_worker	*w;
	struct worker_roster		*roster;
	const char			*p;
	char				 detail[96], *end;
	long long			 id;
	int				 retry;
	yajl_gen			 g;

	if ((roster = roster_begin(req, ROUTE_WORKER_ROLES, &retry)) == NULL)
		return (retry ? KORE_RESULT_RETRY : KORE_RESULT_OK);
	/* The route's pattern is ^/api/workers/[^/]+/roles$. */
	p = req->path + strlen("/api/workers/");
	id = (*p >= '0' && *p <= '9') ? strtoll(p, &end, 10) : 0;
	if (id <= 0 || strcmp(end, "/roles") != 0) {
		worker_roster_free(roster);
		http_send_error(req, ROUTE_WORKER_ROLES, API_ERR_VALIDATION,
		    "El id del trabajador debe ser un entero mayor que 0.",
		    NULL, NULL);
		return (KORE_RESULT_OK);
	}
	g = json_out_new();
	if ((w = worker_roster_find(roster, id)) == NULL) {
		snprintf(detail, sizeof(detail), "Trabajador %lld no "
		    "encontrado.", id);
		api_error_body(g, "WORKER_NO_ENCONTRADO", detail, worker_data,
		    &id);
		http_send_json(req, ROUTE_WORKER_ROLES, 404, g);
	} else {
		worker_roster_write_roles(w, g);
		http_send_json(req, ROUTE_WORKER_ROLES, 200, g);
	}
	yajl_gen_free(g);
	worker_roster_free(roster);
	return (KORE_RESULT_OK);
}
