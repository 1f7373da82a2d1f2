/*
 * The body of POST /api/metrologia/completar (floor.md §2, frontend.md
 * R13): {"tag_spool": str, "worker_id": int > 0, "resultado": "APROBADO"
 * | "RECHAZADO"}; other fields are ignored.  A body that is not that is a
 * 422 with occupation_request.h's body, one item per field at fault.
 */
#ifndef ZEUES_METROLOGIA_REQUEST_H
#define ZEUES_METROLOGIA_REQUEST_H

#include <stddef.h>

#include "metrologia_rules.h"
#include "occupation_request.h"

struct metro_request {
	char			 tag_spool[SPOOL_TAG_MAX + 1];
	long long		 worker_id;
	enum metro_resultado	 resultado;
};

/* Returns 0 with out filled, or -1 with at least one error in errs. */
int	metro_request_parse(const char *body, size_t len,
	    struct metro_request *out, struct occ_request_errors *errs);

#endif
