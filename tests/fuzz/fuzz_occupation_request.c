/*
 * The occupation routes' body parser (lib/floor/occupation_request.c).  The
 * first byte picks the route kind; the body is the rest, handed over
 * without a NUL after it, as Kore hands a request body.  A parse that
 * succeeds must leave a valid tag, and the 422 body must serialize.
 */
#include <stdint.h>
#include <string.h>

#include <yajl/yajl_gen.h>

#include "fuzz_input.h"
#include "occupation_request.h"
#include "spool_tag.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static struct occ_request	 req;
	struct occ_request_errors	 errs;
	enum occ_request_kind		 kind;
	yajl_gen			 g;
	char				*body;
	size_t				 i;

	if (len == 0)
		return (0);
	kind = (enum occ_request_kind)(data[0] % 3);
	len--;
	/* Exactly len bytes, no terminator: the copy ends where the body does. */
	if ((body = malloc(len ? len : 1)) == NULL)
		abort();
	memcpy(body, data + 1, len);

	memset(&errs, 0, sizeof(errs));
	if (occ_request_parse(kind, body, len, &req, &errs) == 0) {
		if (kind != OCC_REQ_BATCH &&
		    !spool_tag_valid(req.tag_spool,
		    strlen(req.tag_spool)))
			abort();
		for (i = 0; kind == OCC_REQ_BATCH && i < req.ntags; i++)
			if (!spool_tag_valid(req.tags[i],
			    strlen(req.tags[i])))
				abort();
		if (req.worker_id <= 0)
			abort();
		/* operacion and fecha_operacion are optional, never made up. */
		if (!req.has_operacion && req.op != 0)
			abort();
		if (req.has_fecha && (kind != OCC_REQ_COMPLETAR ||
		    !civil_valid(&req.fecha) || req.fecha.has_time))
			abort();
	} else {
		if (errs.n == 0)
			abort();
		if ((g = yajl_gen_alloc(NULL)) == NULL)
			abort();
		occ_request_errors_write(g, &errs);
		yajl_gen_free(g);
	}
	free(body);
	return (0);
}
