/*
 * The metrología body parser (lib/floor/metrologia_request.c), handed the
 * body without a NUL after it, as Kore hands a request body.  A parse that
 * succeeds must leave a valid tag, a worker and a verdict; a refusal must
 * say why, and its 422 body must serialize.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_gen.h>

#include "fuzz_input.h"
#include "metrologia_request.h"
#include "spool_tag.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct metro_request		 req;
	struct occ_request_errors	 errs;
	yajl_gen			 g;
	char				*body;

	if ((body = malloc(len ? len : 1)) == NULL)
		abort();
	memcpy(body, data, len);
	if (metro_request_parse(body, len, &req, &errs) == 0) {
		if (!spool_tag_valid(req.tag_spool, strlen(req.tag_spool)) ||
		    req.worker_id <= 0 || (req.resultado != METRO_APROBADO &&
		    req.resultado != METRO_RECHAZADO))
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
