/*
 * GET /ops: the operators' page, and / sending browsers to it.  Its HTML,
 * CSS and JavaScript (assets/ops/) are compiled into the module, so
 * serving them touches no disk and needs no CDN: the floor's network may
 * have no internet.  The page itself holds nothing secret and stays open;
 * the routes it polls keep their OPS_TOKEN guard, and the page sends the
 * token the operator gives it (see assets/ops/ops.js).
 */
#include <stdio.h>
#include <string.h>

#include "nelem.h"
#include "zeues.h"

/* The files, with their sizes taken at build time (app/app.mk). */
#define OPS_ASSET(sym, file)						\
	__asm__(".section .rodata\n"					\
	    ".global " #sym "\n" #sym ":\n"				\
	    ".incbin \"" file "\"\n"					\
	    ".global " #sym "_end\n" #sym "_end:\n"			\
	    ".previous\n");						\
	extern const char sym[], sym##_end[]

OPS_ASSET(zeues_ops_html, "assets/ops/index.html");
OPS_ASSET(zeues_ops_css, "assets/ops/ops.css");
OPS_ASSET(zeues_ops_js, "assets/ops/ops.js");
OPS_ASSET(zeues_ops_chart_js, "assets/ops/chart.js");

static const struct {
	const char	*path;
	const char	*type;
	const char	*start;
	const char	*end;
} assets[] = {
	{ "/ops", "text/html; charset=utf-8", zeues_ops_html,
	    zeues_ops_html_end },
	{ "/ops/ops.css", "text/css; charset=utf-8", zeues_ops_css,
	    zeues_ops_css_end },
	{ "/ops/ops.js", "text/javascript; charset=utf-8", zeues_ops_js,
	    zeues_ops_js_end },
	{ "/ops/chart.js", "text/javascript; charset=utf-8", zeues_ops_chart_js,
	    zeues_ops_chart_js_end },
};

/* Same-origin only: the page loads and asks nothing from elsewhere. */
#define OPS_CSP	"default-src 'none'; script-src 'self'; style-src 'self'; " \
		"img-src 'self' data:; connect-src 'self'; " \
		"frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

int	route_ops(struct http_request *);
int	route_root(struct http_request *);

int
route_ops(struct http_request *req)
{
	char	detail[160];
	size_t	i;

	if (!http_route_begin(req, ROUTE_OPS,
	    HTTP_METHOD_GET | HTTP_METHOD_HEAD))
		return (KORE_RESULT_OK);
	for (i = 0; i < NELEM(assets); i++) {
		if (strcmp(req->path, assets[i].path) != 0)
			continue;
		http_response_header(req, "content-security-policy", OPS_CSP);
		http_response_header(req, "x-content-type-options", "nosniff");
		http_response_header(req, "referrer-policy", "no-referrer");
		http_send_text(req, ROUTE_OPS, 200, assets[i].type,
		    assets[i].start, (size_t)(assets[i].end - assets[i].start));
		return (KORE_RESULT_OK);
	}
	snprintf(detail, sizeof(detail), "Ruta no encontrada: %.100s",
	    req->path);
	http_send_error(req, ROUTE_OPS, API_ERR_NOT_FOUND, detail, NULL, NULL);
	return (KORE_RESULT_OK);
}

/* A browser keeps the URL's #fragment (the page's token) across this. */
int
route_root(struct http_request *req)
{
	if (!http_route_begin(req, ROUTE_OPS,
	    HTTP_METHOD_GET | HTTP_METHOD_HEAD))
		return (KORE_RESULT_OK);
	http_response_header(req, "location", "/ops");
	http_send_text(req, ROUTE_OPS, 302, "text/plain; charset=utf-8",
	    "/ops\n", 5);
	return (KORE_RESULT_OK);
}
