/*
 * The error body every route answers with (api.md §1): a Spanish `detail`
 * for people, a stable `error` code for programs, `message` = detail,
 * `success: false`, and optional `data`.  Each code has one HTTP status,
 * so no error can fall through to a 500 (the old backend's defect §8.6).
 */
#ifndef ZEUES_API_ERROR_H
#define ZEUES_API_ERROR_H

#include <yajl/yajl_gen.h>

enum api_error {
	API_ERR_BAD_REQUEST,
	API_ERR_SPOOL_NOT_FOUND,
	API_ERR_NOT_FOUND,
	API_ERR_METHOD_NOT_ALLOWED,
	API_ERR_PAYLOAD_TOO_LARGE,
	API_ERR_UNSUPPORTED_MEDIA_TYPE,
	API_ERR_VALIDATION,
	API_ERR_RATE_LIMITED,
	API_ERR_REDIS_UNAVAILABLE,
	API_ERR_SHEETS_UNAVAILABLE,
	API_ERR_OVERLOADED,
	API_ERR_INTERNAL,
	API_ERR_MAX,
};

int		 api_error_status(enum api_error);
const char	*api_error_code(enum api_error);
/* Seconds for Retry-After, or 0 when the status does not carry one. */
int		 api_error_retry_after(enum api_error);

/*
 * Writes the whole error object.  data_fn, when set, writes the members
 * of the "data" object; otherwise data is null.
 */
void	api_error_write(yajl_gen, enum api_error, const char *detail,
	    void (*data_fn)(yajl_gen, void *), void *arg);
/*
 * The body when not even the JSON writer can be had (out of memory): still
 * the shape of every error, so a client that parses it reads a reason.
 */
#define API_ERROR_NO_MEMORY_BODY					\
	"{\"detail\":\"El servidor no tiene memoria para responder.\","	\
	"\"error\":\"INTERNAL_ERROR\",\"message\":\"El servidor no tiene "	\
	"memoria para responder.\",\"success\":false,\"data\":null}"

/* The same body for a code of another table (occupation_error.h). */
void	api_error_body(yajl_gen, const char *code, const char *detail,
	    void (*data_fn)(yajl_gen, void *), void *arg);

#endif
