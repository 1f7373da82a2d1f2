/*
 * api.md §1 error codes; see occupation_error.h.
 */
#include <stddef.h>

#include "api_error.h"
#include "occupation_error.h"

static const struct {
	int		 status;
	const char	*code;
	int		 retry_after;
} errors[OCC_ERR_COUNT] = {
	[OCC_ERR_DEPENDENCIAS_NO_SATISFECHAS] =
	    { 400, "DEPENDENCIAS_NO_SATISFECHAS", 0 },
	[OCC_ERR_INVALID_STATE_TRANSITION] =
	    { 400, "INVALID_STATE_TRANSITION", 0 },
	[OCC_ERR_OPERACION_YA_COMPLETADA] =
	    { 400, "OPERACION_YA_COMPLETADA", 0 },
	[OCC_ERR_WRONG_VERSION] = { 400, "WRONG_VERSION", 0 },
	[OCC_ERR_NO_AUTORIZADO] = { 403, "NO_AUTORIZADO", 0 },
	[OCC_ERR_ROL_NO_AUTORIZADO] = { 403, "ROL_NO_AUTORIZADO", 0 },
	[OCC_ERR_SPOOL_BLOQUEADO] = { 403, "SPOOL_BLOQUEADO", 0 },
	[OCC_ERR_WORKER_INACTIVO] = { 403, "WORKER_INACTIVO", 0 },
	[OCC_ERR_ARM_PREREQUISITE] = { 403, "ARM_PREREQUISITE", 0 },
	[OCC_ERR_SPOOL_NO_ENCONTRADO] = { 404, "SPOOL_NO_ENCONTRADO", 0 },
	[OCC_ERR_WORKER_NO_ENCONTRADO] = { 404, "WORKER_NO_ENCONTRADO", 0 },
	[OCC_ERR_NOT_FOUND] = { 404, "NOT_FOUND", 0 },
	[OCC_ERR_SPOOL_OCCUPIED] = { 409, "SPOOL_OCCUPIED", 0 },
	[OCC_ERR_RACE_CONDITION] = { 409, "RACE_CONDITION", 0 },
	[OCC_ERR_LOCK_EXPIRED] = { 410, "LOCK_EXPIRED", 0 },
	[OCC_ERR_PAYLOAD_TOO_LARGE] = { 413, "PAYLOAD_TOO_LARGE", 0 },
	[OCC_ERR_UNSUPPORTED_MEDIA_TYPE] =
	    { 415, "UNSUPPORTED_MEDIA_TYPE", 0 },
	[OCC_ERR_VALIDATION] = { 422, "VALIDATION_ERROR", 0 },
	/* The same Retry-After values as api_error.c. */
	[OCC_ERR_RATE_LIMITED] = { 429, "RATE_LIMITED", 1 },
	[OCC_ERR_REDIS_UNAVAILABLE] = { 503, "REDIS_UNAVAILABLE", 5 },
	[OCC_ERR_SHEETS_UNAVAILABLE] = { 503, "SHEETS_UNAVAILABLE", 10 },
	[OCC_ERR_OVERLOADED] = { 503, "OVERLOADED", 2 },
	[OCC_ERR_INTERNAL] = { 500, "INTERNAL_ERROR", 0 },
};

int
occ_error_status(enum occ_error e)
{
	return ((unsigned int)e < OCC_ERR_COUNT ? errors[e].status : 500);
}

const char *
occ_error_code(enum occ_error e)
{
	return ((unsigned int)e < OCC_ERR_COUNT ? errors[e].code :
	    "INTERNAL_ERROR");
}

int
occ_error_retry_after(enum occ_error e)
{
	return ((unsigned int)e < OCC_ERR_COUNT ? errors[e].retry_after : 0);
}

void
occ_error_write(yajl_gen g, enum occ_error e, const char *detail,
    void (*data_fn)(yajl_gen, void *), void *arg)
{
	api_error_body(g, occ_error_code(e), detail, data_fn, arg);
}
