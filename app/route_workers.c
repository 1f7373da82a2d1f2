/* GET /api/workers: the active workers with their roles (api.md §3). */
#include "json_out.h"
#include "sheets_cache.h"
#include "worker_roster.h"
#include "zeues.h"

int	route_workers(struct http_request *);

int
route_workers(struct http_request *req)
{
	struct sheets_cache_view	 view;
	struct worker_roster		*roster;
	char				 err[160];
	yajl_gen			 g;

	if (req->hdlr_extra == NULL && (!http_route_begin(req, ROUTE_WORKERS,
	    HTTP_METHOD_GET | HTTP_METHOD_HEAD) ||
	    !sheets_configured_or_503(req, ROUTE_WORKERS)))
		return (KORE_RESULT_OK);
	if (!cache_call_step(req, &view))
		return (KORE_RESULT_RETRY);
	if (!cache_view_usable(req, ROUTE_WORKERS, &view))
		return (KORE_RESULT_OK);

	roster = worker_roster_build(view.table[SHEETS_CACHE_TRABAJADORES],
	    view.table[SHEETS_CACHE_ROLES], err, sizeof(err));
	if (roster == NULL) {
		zlog(LOG_LEVEL_ERROR, "Trabajadores: %s", err);
		http_send_error(req, ROUTE_WORKERS, API_ERR_SHEETS_UNAVAILABLE,
		    "La hoja de trabajadores no tiene el formato esperado.",
		    NULL, NULL);
		return (KORE_RESULT_OK);
	}
	g = json_out_new();
	worker_roster_write_json(roster, g);
	http_send_json(req, ROUTE_WORKERS, 200, g);
	yajl_gen_free(g);
	worker_roster_free(roster);
	return (KORE_RESULT_OK);
}
