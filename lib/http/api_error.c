#include <stddef.h>

#include "api_error.h"
#include "json_out.h"

static const struct {
	int		 status;
	const char	*code;
	int		 retry_after;
} errors[API_ERR_MAX] = {
	[API_ERR_BAD_REQUEST] = { 400, "INVALID_REQUEST", 0 },
	[API_ERR_SPOOL_NOT_FOUND] = { 404, "SPOOL_NO_ENCONTRADO", 0 },
	[API_ERR_NOT_FOUND] = { 404, "NOT_FOUND", 0 },
	[API_ERR_METHOD_NOT_ALLOWED] = { 405, "METHOD_NOT_ALLOWED", 0 },
	[API_ERR_PAYLOAD_TOO_LARGE] = { 413, "PAYLOAD_TOO_LARGE", 0 },
	[API_ERR_UNSUPPORTED_MEDIA_TYPE] = { 415, "UNSUPPORTED_MEDIA_TYPE", 0 },
	[API_ERR_VALIDATION] = { 422, "VALIDATION_ERROR", 0 },
	[API_ERR_RATE_LIMITED] = { 429, "RATE_LIMITED", 1 },
	[API_ERR_REDIS_UNAVAILABLE] = { 503, "REDIS_UNAVAILABLE", 5 },
	[API_ERR_SHEETS_UNAVAILABLE] = { 503, "SHEETS_UNAVAILABLE", 10 },
	[API_ERR_OVERLOADED] = { 503, "OVERLOADED", 2 },
	[API_ERR_INTERNAL] = { 500, "INTERNAL_ERROR", 0 },
};

int
api_error_status(enum api_error e)
{
	return (e < API_ERR_MAX ? errors[e].status : 500);
}

const char *
api_error_code(enum api_error e)
{
	return (e < API_ERR_MAX ? errors[e].code : "INTERNAL_ERROR");
}

int
api_error_retry_after(enum api_error e)
{
	return (e < API_ERR_MAX ? errors[e].retry_after : 0);
}

void
api_error_write(yajl_gen g, enum api_error e, const char *detail,
    void (*data_fn)(yajl_gen, void *), void *arg)
{
	api_error_body(g, api_error_code(e), detail, data_fn, arg);
}

void
api_error_body(yajl_gen g, const char *code, const char *detail,
    void (*data_fn)(yajl_gen, void *), void *arg)
{
	yajl_gen_map_open(g);
	json_kstr(g, "detail", detail);
	json_kstr(g, "error", code);
	json_kstr(g, "message", detail);
	json_kbool(g, "success", 0);
	json_key(g, "data");
	if (data_fn != NULL) {
		yajl_gen_map_open(g);
		data_fn(g, arg);
		yajl_gen_map_close(g);
	} else {
		yajl_gen_null(g);
	}
	yajl_gen_map_close(g);
}
