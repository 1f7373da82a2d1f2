/*
 * The whole error table of api.md §1: every code with its one HTTP status
 * and Retry-After, so no code can fall through to a 500 (data.md §8.6).
 *
 * api_error.h holds only the codes the server's generic routes needed so
 * far; the occupation routes need the domain codes too.  The codes both
 * tables share have the same status and Retry-After (the unit test checks
 * it), and occ_error_write() writes the same body as api_error_write().
 */
#ifndef ZEUES_OCCUPATION_ERROR_H
#define ZEUES_OCCUPATION_ERROR_H

#include <yajl/yajl_gen.h>

enum occ_error {
	OCC_ERR_DEPENDENCIAS_NO_SATISFECHAS,	/* 400 */
	OCC_ERR_INVALID_STATE_TRANSITION,	/* 400 */
	OCC_ERR_WRONG_VERSION,			/* 400, v3 spool on a v4 route */
	OCC_ERR_OPERACION_YA_COMPLETADA,	/* 400 */
	OCC_ERR_NO_AUTORIZADO,			/* 403 */
	OCC_ERR_ROL_NO_AUTORIZADO,		/* 403 */
	OCC_ERR_SPOOL_BLOQUEADO,		/* 403 */
	OCC_ERR_WORKER_INACTIVO,		/* 403 */
	OCC_ERR_ARM_PREREQUISITE,		/* 403, v4 SOLD before ARM */
	OCC_ERR_SPOOL_NO_ENCONTRADO,		/* 404 */
	OCC_ERR_WORKER_NO_ENCONTRADO,		/* 404 */
	OCC_ERR_NOT_FOUND,			/* 404 */
	OCC_ERR_SPOOL_OCCUPIED,			/* 409 */
	OCC_ERR_RACE_CONDITION,			/* 409, unions taken meanwhile */
	OCC_ERR_LOCK_EXPIRED,			/* 410 */
	OCC_ERR_PAYLOAD_TOO_LARGE,		/* 413 */
	OCC_ERR_UNSUPPORTED_MEDIA_TYPE,		/* 415 */
	OCC_ERR_VALIDATION,			/* 422 */
	OCC_ERR_RATE_LIMITED,			/* 429, Retry-After */
	OCC_ERR_REDIS_UNAVAILABLE,		/* 503, Retry-After */
	OCC_ERR_SHEETS_UNAVAILABLE,		/* 503, Retry-After */
	OCC_ERR_OVERLOADED,			/* 503, Retry-After */
	OCC_ERR_INTERNAL,			/* 500 */
	OCC_ERR_COUNT,
};

/* Out-of-range values answer as 500 INTERNAL_ERROR. */
int		 occ_error_status(enum occ_error);
const char	*occ_error_code(enum occ_error);
/* Seconds for Retry-After, or 0 when the status does not carry one. */
int		 occ_error_retry_after(enum occ_error);

/*
 * {"detail", "error", "message" (= detail), "success": false, "data"};
 * data_fn, when set, writes the members of "data", otherwise it is null.
 */
void	occ_error_write(yajl_gen, enum occ_error, const char *detail,
	    void (*data_fn)(yajl_gen, void *), void *arg);

#endif
