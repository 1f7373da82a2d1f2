/*
 * Spool tags taken from a URL; see zeues.h.  Whatever the rule refuses is
 * answered like a body's refused tag (occupation_request.h), so a client
 * sees one 422 shape for one mistake wherever it made it.
 */
#include <string.h>

#include "json_out.h"
#include "occupation_request.h"
#include "query_string.h"
#include "spool_tag.h"
#include "zeues.h"

/* Decoded text before trimming: room for a tag and blanks around it. */
#define RAW_TAG_MAX	(SPOOL_TAG_MAX * 2)

static int
refused(struct http_request *req, enum http_route route, const char *where)
{
	struct occ_request_errors	errs;
	yajl_gen			g;

	occ_request_tag_refused(&errs, where);
	g = json_out_new();
	occ_request_errors_write(g, &errs);
	http_send_json(req, route, 422, g);
	yajl_gen_free(g);
	return (-1);
}

int
route_tag_path(struct http_request *req, enum http_route route, char *tag,
    size_t tagsz)
{
	const char	*seg;
	char		 raw[RAW_TAG_MAX + 1];

	seg = strrchr(req->path, '/') + 1;
	if (url_decode(seg, seg + strlen(seg), 0, raw, sizeof(raw)) == -1 ||
	    spool_tag_canon(raw, strlen(raw), tag, tagsz) == -1)
		return (refused(req, route, "path"));
	return (0);
}

int
route_tag_path_inner(struct http_request *req, enum http_route route,
    char *tag, size_t tagsz)
{
	const char	*end, *seg;
	char		 raw[RAW_TAG_MAX + 1];

	/* The route's pattern guarantees "/{tag}/{last}". */
	end = strrchr(req->path, '/');
	for (seg = end; seg > req->path && seg[-1] != '/'; seg--)
		;
	if (url_decode(seg, end, 0, raw, sizeof(raw)) == -1 ||
	    spool_tag_canon(raw, strlen(raw), tag, tagsz) == -1)
		return (refused(req, route, "path"));
	return (0);
}

int
route_tag_query(struct http_request *req, enum http_route route, char *tag,
    size_t tagsz)
{
	char	raw[RAW_TAG_MAX + 1];

	tag[0] = '\0';
	switch (query_param(req->query_string, "tag_spool", raw,
	    sizeof(raw))) {
	case QUERY_ABSENT:
		return (0);
	case QUERY_FOUND:
		/* "?tag_spool=" has always meant every spool. */
		if (raw[0] == '\0' ||
		    spool_tag_canon(raw, strlen(raw), tag, tagsz) == 0)
			return (0);
		break;
	case QUERY_INVALID:
		break;
	}
	return (refused(req, route, "query"));
}
