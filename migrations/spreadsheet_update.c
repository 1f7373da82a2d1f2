/*
 * spreadsheets.batchUpdate for the migration tool; see spreadsheet_update.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backoff.h"
#include "http_client.h"
#include "jwt.h"
#include "oauth_token.h"
#include "percent_encode.h"
#include "poll_loop.h"
#include "secret_alloc.h"
#include "service_account.h"
#include "sheets_error.h"
#include "spreadsheet_update.h"

#define RESPONSE_MAX	(1024 * 1024)

/* One finished exchange, copied out of the client's callback. */
struct exchange {
	int			 done;
	enum http_client_error	 error;
	long			 status;
	char			*body;
	size_t			 len;
};

static void
on_response(void *arg, const struct http_client_result *res)
{
	struct exchange	*x = arg;

	x->done = 1;
	x->error = res->error;
	x->status = res->status;
	if ((x->body = malloc(res->body_len + 1)) != NULL) {
		memcpy(x->body, res->body, res->body_len);
		x->body[res->body_len] = '\0';
		x->len = res->body_len;
	}
}

/* POSTs body and waits for the answer; x->done is 0 if none came. */
static void
post(struct poll_loop *pl, struct http_client *http, const char *url,
    const char *const *headers, const char *body, uint64_t timeout_ms,
    struct exchange *x)
{
	struct http_client_request	 req;
	struct io_loop			*io = poll_loop_io(pl);

	memset(x, 0, sizeof(*x));
	memset(&req, 0, sizeof(req));
	req.method = HTTP_CLIENT_POST;
	req.url = url;
	req.headers = headers;
	req.body = body;
	req.body_len = strlen(body);
	req.timeout_ms = timeout_ms > 0 ? timeout_ms : 1;
	req.max_response = RESPONSE_MAX;
	if (http_client_submit(http, &req, on_response, x) == 0)
		return;
	while (!x->done) {
		poll_loop_run_once(pl, IO_LOOP_TICK_MS);
		http_client_tick(http, io_loop_now(io));
	}
}

/* "Authorization: Bearer <token>" for sa, or NULL with err set. */
static char *
bearer(struct poll_loop *pl, struct http_client *http,
    const struct service_account *sa, uint64_t timeout_ms, char *err,
    size_t errsz)
{
	static const char *const	 form[] = {
		"Content-Type: application/x-www-form-urlencoded", NULL
	};
	struct jwt_signer		*signer;
	struct oauth_token		 tok;
	struct exchange			 x;
	char				*jws, *body, *hdr = NULL, why[192];
	size_t				 len;

	if ((signer = jwt_signer_new(sa, err, errsz)) == NULL)
		return (NULL);
	jws = jwt_sign_assertion(signer, OAUTH_SCOPE_SPREADSHEETS,
	    (int64_t)time(NULL), err, errsz);
	jwt_signer_free(signer);
	if (jws == NULL)
		return (NULL);
	body = oauth_token_request_body(jws);
	free(jws);
	if (body == NULL) {
		snprintf(err, errsz, "out of memory");
		return (NULL);
	}
	post(pl, http, sa->token_uri, form, body, timeout_ms, &x);
	free(body);
	if (!x.done || x.error != HTTP_CLIENT_OK || x.status != 200) {
		snprintf(err, errsz, "access token: %s (HTTP %ld)",
		    x.done ? http_client_error_name(x.error) : "not sent",
		    x.status);
	} else if (oauth_token_parse(x.body, x.len, &tok, why,
	    sizeof(why)) == -1) {
		snprintf(err, errsz, "access token: %s", why);
	} else {
		len = strlen(tok.access_token) + sizeof("Authorization: Bearer ");
		if ((hdr = malloc(len)) != NULL)
			snprintf(hdr, len, "Authorization: Bearer %s",
			    tok.access_token);
		else
			snprintf(err, errsz, "out of memory");
		oauth_token_clear(&tok);
	}
	secret_free(x.body);		/* it held the token */
	return (hdr);
}

/* {"requests":[r0,r1,...]}; the requests are JSON already. */
static char *
body_of(const char *const *requests, size_t n)
{
	size_t	len = sizeof("{\"requests\":[]}"), i, off;
	char	*b;

	for (i = 0; i < n; i++)
		len += strlen(requests[i]) + 1;
	if ((b = malloc(len)) == NULL)
		return (NULL);
	off = (size_t)snprintf(b, len, "{\"requests\":[");
	for (i = 0; i < n; i++)
		off += (size_t)snprintf(b + off, len - off, "%s%s",
		    i > 0 ? "," : "", requests[i]);
	snprintf(b + off, len - off, "]}");
	return (b);
}

static char *
url_of(const char *base_url, const char *id)
{
	size_t	cap = strlen(base_url) + strlen(id) * 3 + 64, n;
	char	*u;

	if ((u = malloc(cap)) == NULL)
		return (NULL);
	n = strlen(base_url);
	while (n > 0 && base_url[n - 1] == '/')
		n--;
	n = (size_t)snprintf(u, cap, "%.*s/v4/spreadsheets/", (int)n,
	    base_url);
	if (percent_encode(id, u + n, cap - n) == -1 ||
	    strlen(u) + sizeof(":batchUpdate") > cap) {
		free(u);
		return (NULL);
	}
	strcat(u, ":batchUpdate");
	return (u);
}

int
spreadsheet_update(struct poll_loop *pl, const struct service_account *sa,
    const char *base_url, const char *spreadsheet_id,
    const char *const *requests, size_t nrequests, uint64_t timeout_ms,
    char *err, size_t errsz)
{
	struct io_loop		*io = poll_loop_io(pl);
	struct http_client	*http;
	struct sheets_api_error	 ae;
	struct exchange		 x;
	enum sheets_error_class	 class;
	const char		*headers[3];
	char			*auth = NULL, *body = NULL, *url = NULL;
	uint64_t		 deadline = io_loop_now(io) + timeout_ms, now;
	uint64_t		 delay;
	unsigned int		 attempt;
	int			 rc = -1;

	if ((http = http_client_new(io, 2, err, errsz)) == NULL)
		return (-1);
	if ((body = body_of(requests, nrequests)) == NULL ||
	    (url = url_of(base_url, spreadsheet_id)) == NULL) {
		snprintf(err, errsz, "out of memory");
		goto out;
	}
	if (sa != NULL && (auth = bearer(pl, http, sa, timeout_ms, err,
	    errsz)) == NULL)
		goto out;
	headers[0] = "Content-Type: application/json; charset=utf-8";
	headers[1] = auth;
	headers[2] = NULL;
	for (attempt = 0; ; attempt++) {
		now = io_loop_now(io);
		post(pl, http, url, headers, body, deadline > now ?
		    deadline - now : 1, &x);
		class = x.done ? sheets_classify(x.error, x.status) :
		    SHEETS_FATAL;
		if (class == SHEETS_OK) {
			rc = 0;
			free(x.body);
			break;
		}
		if (x.done && x.error == HTTP_CLIENT_OK && sheets_parse_error(
		    x.body, x.len, &ae) == 0)
			snprintf(err, errsz, "spreadsheets.batchUpdate: HTTP "
			    "%ld %s: %s", x.status, ae.status, ae.message);
		else
			snprintf(err, errsz, "spreadsheets.batchUpdate: %s "
			    "(HTTP %ld)", x.done ? http_client_error_name(
			    x.error) : "not sent", x.status);
		free(x.body);
		delay = backoff_delay_ms(attempt, 1000, 16000,
		    backoff_rand_default, NULL);
		if (class != SHEETS_RETRYABLE ||
		    io_loop_now(io) + delay >= deadline)
			break;
		for (now = io_loop_now(io); io_loop_now(io) < now + delay; )
			poll_loop_run_once(pl, IO_LOOP_TICK_MS);
	}
out:
	secret_free(auth);
	free(body);
	free(url);
	http_client_free(http);
	return (rc);
}
