/*
 * The floor's read routes (api.md §2 status, §3): answered from the Sheets
 * read cache (history from the Metadata log it reads along), so they work while Redis is down (the degraded mode) and
 * cost no Sheets quota per request.
 */
#include <stdio.h>
#include <string.h>

#include "history.h"
#include "json_out.h"
#include "metadata_log.h"
#include "query_string.h"
#include "sheets_cache.h"
#include "spool_lists.h"
#include "zeues.h"

int	route_status(struct http_request *);
int	route_spools_iniciar(struct http_request *);
int	route_spools_completar(struct http_request *);
int	route_spools_cancelar(struct http_request *);
int	route_dashboard(struct http_request *);
int	route_history(struct http_request *);
int	route_spools_reparacion(struct http_request *);

/*
 * Opens the route and waits for the cache; returns the Operaciones table
 * and its columns, or NULL when the request has been answered or must
 * wait (*retry says which).
 */
static const struct sheet_table *
floor_begin(struct http_request *req, enum http_route route,
    struct spool_columns *cols, int *retry)
{
	struct sheets_cache_view	 view;
	const char			*missing;

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
	if (spool_columns_find(view.table[SHEETS_CACHE_OPERACIONES], cols,
	    &missing) == -1) {
		zlog(LOG_LEVEL_ERROR, "Operaciones lacks column %s: run "
		    "zeues-migrate", missing);
		http_send_error(req, route, API_ERR_SHEETS_UNAVAILABLE,
		    "La hoja de operaciones no tiene las columnas esperadas.",
		    NULL, NULL);
		return (NULL);
	}
	return (view.table[SHEETS_CACHE_OPERACIONES]);
}

static void
tag_data(yajl_gen g, void *arg)
{
	json_kstr(g, "tag_spool", arg);
}

/*
 * The spool named by the path's last segment: its Operaciones row, or -1
 * once the request has been answered (bad tag, 404).
 */
static long
path_spool(struct http_request *req, enum http_route route,
    const struct sheet_table *ops, char *tag, size_t taglen)
{
	char		 detail[SPOOL_TAG_MAX + 64];
	long		 i;

	if (route_tag_path(req, route, tag, taglen) == -1)
		return (-1);
	if ((i = sheet_table_find(ops, tag)) < 0) {
		snprintf(detail, sizeof(detail), "Spool '%s' no encontrado.",
		    tag);
		http_send_error(req, route, API_ERR_SPOOL_NOT_FOUND, detail,
		    tag_data, tag);
		return (-1);
	}
	return (i);
}

int
route_status(struct http_request *req)
{
	const struct sheet_table	*ops;
	struct spool_columns		 cols;
	char				 tag[SPOOL_TAG_MAX + 1];
	long				 i;
	int				 retry;
	yajl_gen			 g;

	if ((ops = floor_begin(req, ROUTE_STATUS, &cols, &retry)) == NULL)
		return (retry ? KORE_RESULT_RETRY : KORE_RESULT_OK);
	if ((i = path_spool(req, ROUTE_STATUS, ops, tag, sizeof(tag))) < 0)
		return (KORE_RESULT_OK);
	g = json_out_new();
	spool_row_status_write(g, ops, &cols, (size_t)i);
	http_send_json(req, ROUTE_STATUS, 200, g);
	yajl_gen_free(g);
	return (KORE_RESULT_OK);
}

/* operacion from the query string; answers 400 and returns -1 if bad. */
static int
query_operacion(struct http_request *req, enum http_route route,
    enum operacion *op, char *name, size_t namelen)
{
	if (query_param(req->query_string, "operacion", name, namelen) !=
	    QUERY_FOUND || operacion_parse(name, op) == -1 ||
	    !spool_list_takes(route == ROUTE_SPOOLS_INICIAR ?
	    SPOOL_LIST_INICIAR : SPOOL_LIST_COMPLETAR, *op)) {
		http_send_error(req, route, API_ERR_BAD_REQUEST,
		    route != ROUTE_SPOOLS_INICIAR ? "operacion debe ser ARM o "
		    "SOLD (las reparaciones se listan en "
		    "/api/spools/reparacion)." :
		    "operacion debe ser ARM, SOLD o METROLOGIA.",
		    NULL, NULL);
		return (-1);
	}
	return (0);
}

static void
list_send(struct http_request *req, enum http_route route,
    const struct sheet_table *ops, const struct spool_columns *cols,
    enum operacion op, long long worker_id, const char *filtro)
{
	yajl_gen	g;

	g = json_out_new();
	spool_list_write(g, ops, cols, route == ROUTE_SPOOLS_INICIAR ?
	    SPOOL_LIST_INICIAR : SPOOL_LIST_COMPLETAR, op, worker_id, filtro);
	http_send_json(req, route, 200, g);
	yajl_gen_free(g);
}

int
route_spools_iniciar(struct http_request *req)
{
	const struct sheet_table	*ops;
	struct spool_columns		 cols;
	enum operacion			 op;
	char				 name[16], filtro[64];
	int				 retry;

	if ((ops = floor_begin(req, ROUTE_SPOOLS_INICIAR, &cols, &retry)) ==
	    NULL)
		return (retry ? KORE_RESULT_RETRY : KORE_RESULT_OK);
	if (query_operacion(req, ROUTE_SPOOLS_INICIAR, &op, name,
	    sizeof(name)) == -1)
		return (KORE_RESULT_OK);
	snprintf(filtro, sizeof(filtro), "operacion=%s", name);
	list_send(req, ROUTE_SPOOLS_INICIAR, ops, &cols, op, 0, filtro);
	return (KORE_RESULT_OK);
}

/*
 * The spools a worker holds now for an operation: GET /api/spools/completar
 * (api.md §3) and GET /api/spools/cancelar, the name the tablet's PAUSAR,
 * COMPLETAR and FINALIZAR screens use (frontend.md R3, §7 item 14).
 */
static int
held_list(struct http_request *req, enum http_route route)
{
	const struct sheet_table	*ops;
	struct spool_columns		 cols;
	enum operacion			 op;
	char				 name[16], idbuf[24], filtro[80], *end;
	long long			 worker_id;
	int				 retry;

	if ((ops = floor_begin(req, route, &cols, &retry)) == NULL)
		return (retry ? KORE_RESULT_RETRY : KORE_RESULT_OK);
	if (query_operacion(req, route, &op, name, sizeof(name)) == -1)
		return (KORE_RESULT_OK);
	if (query_param(req->query_string, "worker_id", idbuf,
	    sizeof(idbuf)) != QUERY_FOUND ||
	    (worker_id = strtoll(idbuf, &end, 10)) <= 0 || *end != '\0' ||
	    idbuf[0] == '+' || idbuf[0] == ' ') {
		http_send_error(req, route, API_ERR_VALIDATION,
		    "worker_id debe ser un entero mayor que 0.", NULL, NULL);
		return (KORE_RESULT_OK);
	}
	snprintf(filtro, sizeof(filtro), "operacion=%s&worker_id=%lld", name,
	    worker_id);
	list_send(req, route, ops, &cols, op, worker_id, filtro);
	return (KORE_RESULT_OK);
}

int
route_spools_completar(struct http_request *req)
{
	return (held_list(req, ROUTE_SPOOLS_COMPLETAR));
}

int
route_spools_cancelar(struct http_request *req)
{
	return (held_list(req, ROUTE_SPOOLS_CANCELAR));
}

int
route_dashboard(struct http_request *req)
{
	const struct sheet_table	*ops;
	struct spool_columns		 cols;
	int				 retry;
	yajl_gen			 g;

	if ((ops = floor_begin(req, ROUTE_DASHBOARD, &cols, &retry)) == NULL)
		return (retry ? KORE_RESULT_RETRY : KORE_RESULT_OK);
	g = json_out_new();
	spool_dashboard_write(g, ops, &cols);
	http_send_json(req, ROUTE_DASHBOARD, 200, g);
	yajl_gen_free(g);
	return (KORE_RESULT_OK);
}

/*
 * The log is read in the cache's refresh, so it is as fresh as the view;
 * 503 only before its first read has been taken in.
 */
int
route_history(struct http_request *req)
{
	const struct sheet_table	*ops;
	struct spool_columns		 cols;
	struct history			 h;
	char				 tag[SPOOL_TAG_MAX + 1];
	int				 retry;
	yajl_gen			 g;

	if ((ops = floor_begin(req, ROUTE_HISTORY, &cols, &retry)) == NULL)
		return (retry ? KORE_RESULT_RETRY : KORE_RESULT_OK);
	if (path_spool(req, ROUTE_HISTORY, ops, tag, sizeof(tag)) < 0)
		return (KORE_RESULT_OK);
	if (!metadata_log_loaded(zw.metadata) ||
	    metadata_log_history(zw.metadata, tag, &h) == -1) {
		http_send_error(req, ROUTE_HISTORY, API_ERR_SHEETS_UNAVAILABLE,
		    "El historial de Metadata no está disponible; vuelve a "
		    "intentarlo en unos segundos.", NULL, NULL);
		return (KORE_RESULT_OK);
	}
	g = json_out_new();
	history_write(g, tag, &h);
	http_send_json(req, ROUTE_HISTORY, 200, g);
	yajl_gen_free(g);
	history_free(&h);
	return (KORE_RESULT_OK);
}

int
route_spools_reparacion(struct http_request *req)
{
	const struct sheet_table	*ops;
	struct spool_columns		 cols;
	int				 retry;
	yajl_gen			 g;

	if ((ops = floor_begin(req, ROUTE_SPOOLS_REPARACION, &cols, &retry)) ==
	    NULL)
		return (retry ? KORE_RESULT_RETRY : KORE_RESULT_OK);
	g = json_out_new();
	spool_reparacion_write(g, ops, &cols);
	http_send_json(req, ROUTE_SPOOLS_REPARACION, 200, g);
	yajl_gen_free(g);
	return (KORE_RESULT_OK);
}
