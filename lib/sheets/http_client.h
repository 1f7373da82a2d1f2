/*
 * An asynchronous HTTP(S) client: a libcurl multi handle driven by the
 * host's event loop (io_loop.h), so a Kore worker never blocks on it.
 *
 * The host calls http_client_tick() at least every IO_LOOP_TICK_MS; that
 * runs libcurl's timers (timeouts, retransmits, connection set-up).  Socket
 * readiness arrives through the io_loop watches the client registers.
 *
 * Completion callbacks run only from inside http_client_tick() or a socket
 * readiness callback, never from http_client_submit(), so a caller can
 * finish its own bookkeeping after submitting.  A callback may submit and
 * cancel requests; it must not free the client.
 *
 * Connections are kept alive and reused across requests (the multi
 * handle's connection cache), with at most max_host_connections per host;
 * requests beyond that wait inside libcurl, still bound by their timeout.
 */
#ifndef ZEUES_HTTP_CLIENT_H
#define ZEUES_HTTP_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "io_loop.h"

/* Default cap on a response body; a batchGet of the whole workbook fits. */
#define HTTP_CLIENT_MAX_RESPONSE	(8 * 1024 * 1024)

enum http_client_method {
	HTTP_CLIENT_GET,
	HTTP_CLIENT_POST,
};

/* Why no response came; HTTP_CLIENT_OK means one did, whatever its status. */
enum http_client_error {
	HTTP_CLIENT_OK = 0,
	HTTP_CLIENT_ERR_TIMEOUT,	/* the request's timeout passed */
	HTTP_CLIENT_ERR_CONNECT,	/* refused or unreachable */
	HTTP_CLIENT_ERR_RESOLVE,	/* the host name did not resolve */
	HTTP_CLIENT_ERR_TLS,		/* handshake or certificate */
	HTTP_CLIENT_ERR_IO,		/* connection broke, or no/bad reply */
	HTTP_CLIENT_ERR_TOO_LARGE,	/* the body passed the cap */
	HTTP_CLIENT_ERR_OTHER,		/* bad URL, protocol, memory, ... */
};

struct http_client_request {
	enum http_client_method	 method;
	const char		*url;		/* http:// or https:// only */
	const char *const	*headers;	/* "Name: value", NULL-ended */
	const char		*body;		/* POST; copied at submit */
	size_t			 body_len;
	uint64_t		 timeout_ms;	/* the whole exchange; > 0 */
	size_t			 max_response;	/* 0: HTTP_CLIENT_MAX_RESPONSE */
};

struct http_client_result {
	enum http_client_error	 error;
	const char		*error_text;	/* libcurl's words; "" if OK */
	long			 status;	/* 0 without a response */
	const char		*body;		/* NUL-terminated, never NULL */
	size_t			 body_len;
	uint64_t		 elapsed_ms;
};

/* res and everything it points to are valid only during the call. */
typedef void	http_client_done_fn(void *arg,
		    const struct http_client_result *res);

struct http_client;

/* Returns NULL with err set if libcurl cannot be set up. */
struct http_client	*http_client_new(struct io_loop *loop,
			    long max_host_connections, char *err,
			    size_t errsz);

/* Cancels everything still pending (no callbacks run) and frees. */
void			 http_client_free(struct http_client *c);

/*
 * Starts a request.  Returns its id (never 0), or 0 when the request is
 * invalid or memory ran out, in which case cb will never be called.
 */
uint64_t		 http_client_submit(struct http_client *c,
			    const struct http_client_request *req,
			    http_client_done_fn *cb, void *arg);

/*
 * Abandons request id: its callback will not run.  Returns 1 if it was
 * pending, 0 if it had already completed (or never existed), so calling it
 * after the callback fired is harmless.
 */
int			 http_client_cancel(struct http_client *c,
			    uint64_t id);

/* Runs libcurl's due timers; call at least every IO_LOOP_TICK_MS. */
void			 http_client_tick(struct http_client *c,
			    uint64_t now_ms);

/* Requests submitted and not yet completed or cancelled. */
size_t			 http_client_pending(const struct http_client *c);

/* A short fixed name for logs and metrics, e.g. "timeout". */
const char		*http_client_error_name(enum http_client_error e);

#endif
