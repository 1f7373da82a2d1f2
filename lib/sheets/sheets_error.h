/*
 * What a failed Sheets API call means for the caller: Google's error
 * envelope, and the retry class of a (transport error, HTTP status) pair.
 *
 *	retryable	429, 408, 500, 502, 503, 504; timeouts, refused or
 *			broken connections, DNS failures: back off and retry
 *			while the request's deadline allows
 *	auth		401: refresh the access token once, then retry
 *	fatal		400, 403, 404 and everything else, TLS failures, an
 *			oversized response: retrying cannot help
 */
#ifndef ZEUES_SHEETS_ERROR_H
#define ZEUES_SHEETS_ERROR_H

#include <stddef.h>

#include "http_client.h"

enum sheets_error_class {
	SHEETS_OK,
	SHEETS_RETRYABLE,
	SHEETS_AUTH,
	SHEETS_FATAL,
};

/* {"error":{"code":404,"message":"...","status":"NOT_FOUND"}} */
struct sheets_api_error {
	long	code;		/* 0 if absent */
	char	status[48];	/* "" if absent */
	char	message[512];	/* "" if absent; may be truncated */
};

enum sheets_error_class	 sheets_classify(enum http_client_error transport,
			    long http_status);

/*
 * Reads Google's error envelope.  Returns 0 when body has one, -1 when it
 * is something else (an HTML page from a proxy, say).  Control characters
 * in the text are replaced, so it is safe to log.
 */
int			 sheets_parse_error(const char *body, size_t len,
			    struct sheets_api_error *e);

#endif
