/* The catch-all route: every unknown path gets the JSON 404 body. */
#include <stdio.h>

#include "zeues.h"

int	route_not_found(struct http_request *);

int
route_not_found(struct http_request *req)
{
	char	detail[160];

	/* Preflight and oversized bodies get their own answers first. */
	if (!http_route_begin(req, ROUTE_OTHER, HTTP_METHOD_ALL))
		return (KORE_RESULT_OK);
	snprintf(detail, sizeof(detail), "Ruta no encontrada: %.100s",
	    req->path);
	http_send_error(req, ROUTE_OTHER, API_ERR_NOT_FOUND, detail, NULL,
	    NULL);
	return (KORE_RESULT_OK);
}
