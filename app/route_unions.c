/*
 * The union read routes (floor.md §1.2, frontend.md R5, R6, U4): answered
 * from the read cache's Operaciones and Uniones tables, so they cost no
 * Sheets quota per request; lib/floor/union_json.c decides and writes.
 */
#include "json_out.h"
#include "query_string.h"
#include "sheets_cache.h"
#include "union_json.h"
#include "zeues.h"

int	route_uniones_disponibles(struct http_request *);
int	route_uniones_metricas(struct http_request *);
int	route_diagnostic_version(struct http_request *);

/*
 * Opens the route, takes the tag from the path and waits for the cache.
 * Returns 1 with the view, or 0 when the request has been answered or
 * must wait (*retry says which).
 */
static int
unions_begin(struct http_request *req, enum http_route route, char *tag,
    size_t tagsz, struct sheets_cache_view *view, int *retry)
{
	*retry = 0;
	if (req->hdlr_extra == NULL && (!http_route_begin(req, route,
	    HTTP_METHOD_GET | HTTP_METHOD_HEAD) ||
	    !sheets_configured_or_503(req, route)))
		return (0);
	/* Checked on every entry: cheap, and the tag is needed each time. */
	if (route_tag_path_inner(req, route, tag, tagsz) == -1)
		return (0);
	if (!cache_call_step(req, view)) {
		*retry = 1;
		return (0);
	}
	return (cache_view_usable(req, route, view));
}

int
route_uniones_disponibles(struct http_request *req)
{
	struct sheets_cache_view	 view;
	enum operacion			 op;
	char				 tag[SPOOL_TAG_MAX + 1], name[16];
	int				 retry, status;
	yajl_gen			 g;

	if (!unions_begin(req, ROUTE_UNIONES_DISPONIBLES, tag, sizeof(tag),
	    &view, &retry))
		return (retry ? KORE_RESULT_RETRY : KORE_RESULT_OK);
	if (query_param(req->query_string, "operacion", name,
	    sizeof(name)) != QUERY_FOUND || operacion_parse(name, &op) == -1 ||
	    (op != OPERACION_ARM && op != OPERACION_SOLD)) {
		http_send_error(req, ROUTE_UNIONES_DISPONIBLES,
		    API_ERR_BAD_REQUEST, "Operación inválida: operacion debe "
		    "ser ARM o SOLD.", NULL, NULL);
		return (KORE_RESULT_OK);
	}
	g = json_out_new();
	status = union_disponibles_answer(g,
	    view.table[SHEETS_CACHE_OPERACIONES],
	    view.table[SHEETS_CACHE_UNIONES], tag, op);
	http_send_json(req, ROUTE_UNIONES_DISPONIBLES, status, g);
	yajl_gen_free(g);
	return (KORE_RESULT_OK);
}

int
route_uniones_metricas(struct http_request *req)
{
	struct sheets_cache_view	 view;
	char				 tag[SPOOL_TAG_MAX + 1];
	int				 retry, status;
	yajl_gen			 g;

	if (!unions_begin(req, ROUTE_UNIONES_METRICAS, tag, sizeof(tag),
	    &view, &retry))
		return (retry ? KORE_RESULT_RETRY : KORE_RESULT_OK);
	g = json_out_new();
	status = union_metricas_answer(g, view.table[SHEETS_CACHE_OPERACIONES],
	    view.table[SHEETS_CACHE_UNIONES], tag);
	http_send_json(req, ROUTE_UNIONES_METRICAS, status, g);
	yajl_gen_free(g);
	return (KORE_RESULT_OK);
}

int
route_diagnostic_version(struct http_request *req)
{
	struct sheets_cache_view	 view;
	char				 tag[SPOOL_TAG_MAX + 1];
	int				 retry, status;
	yajl_gen			 g;

	if (!unions_begin(req, ROUTE_DIAGNOSTIC_VERSION, tag, sizeof(tag),
	    &view, &retry))
		return (retry ? KORE_RESULT_RETRY : KORE_RESULT_OK);
	g = json_out_new();
	status = union_version_answer(g, view.table[SHEETS_CACHE_OPERACIONES],
	    tag);
	http_send_json(req, ROUTE_DIAGNOSTIC_VERSION, status, g);
	yajl_gen_free(g);
	return (KORE_RESULT_OK);
}
