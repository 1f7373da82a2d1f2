/*
 * The union routes' body parser (lib/floor/v4_request.c).  The first byte
 * picks INICIAR or FINALIZAR; the body is the rest, handed over without a
 * NUL after it, as Kore hands a request body.  A parse that succeeds must
 * leave a valid tag and distinct unions in range, and the 422 body must
 * serialize.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_gen.h>

#include "fuzz_input.h"
#include "spool_tag.h"
#include "v4_request.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static struct v4_request	 req;
	struct occ_request_errors	 errs;
	enum v4_request_kind		 kind;
	yajl_gen			 g;
	char				*body;
	size_t				 i, k;

	if (len == 0)
		return (0);
	kind = data[0] % 2 ? V4_REQ_FINALIZAR : V4_REQ_INICIAR;
	len--;
	if ((body = malloc(len ? len : 1)) == NULL)
		abort();
	memcpy(body, data + 1, len);

	memset(&errs, 0, sizeof(errs));
	if (v4_request_parse(kind, body, len, &req, &errs) == 0) {
		if (!spool_tag_valid(req.base.tag_spool,
		    strlen(req.base.tag_spool)) || req.base.worker_id <= 0)
			abort();
		if (req.nunions > V4_REQ_UNIONS_MAX)
			abort();
		for (i = 0; i < req.nunions; i++) {
			if (req.unions[i].n_union < 1 ||
			    req.unions[i].n_union > V4_REQ_N_MAX ||
			    (req.unions[i].has_ot && req.unions[i].ot[0] == '\0'))
				abort();
			for (k = 0; k < i; k++)
				if (req.unions[k].n_union ==
				    req.unions[i].n_union &&
				    req.unions[k].has_ot ==
				    req.unions[i].has_ot &&
				    strcmp(req.unions[k].ot,
				    req.unions[i].ot) == 0)
					abort();
		}
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
