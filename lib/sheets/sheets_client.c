/*
 * Google Sheets API v4 client; see sheets_client.h.
 */
#include <sys/queue.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http_client.h"
#include "jwt.h"
#include "oauth_token.h"
#include "percent_encode.h"
#include "secret_alloc.h"
#include "service_account.h"
#include "sheets_client.h"
#include "sheets_data_filter.h"

/*
 * A token this close to expiry is no longer sent at all (a request could
 * arrive after it expired).  Both margins are capped at half the token's
 * lifetime so that even a short-lived token gets used.
 */
#define TOKEN_USABLE_MARGIN_MS	30000
#define JSON_CONTENT_TYPE	"Content-Type: application/json; charset=utf-8"
#define FORM_CONTENT_TYPE	"Content-Type: application/x-www-form-urlencoded"

enum op_state {
	OP_WAIT_TOKEN,		/* queued behind the token refresh */
	OP_IN_FLIGHT,		/* an HTTP attempt is running */
	OP_BACKOFF,		/* waiting until due_ms to retry */
};

struct sheets_op {
	TAILQ_ENTRY(sheets_op)	 entry;
	struct sheets_client	*sc;
	uint64_t		 id;
	enum sheets_call	 call;
	enum op_state		 state;
	enum http_client_method	 method;
	char			*url;
	char			*body;
	size_t			 body_len;
	char			**ranges;	/* asked by data filter */
	size_t			 nranges;
	uint64_t		 deadline_ms;
	uint64_t		 due_ms;
	uint64_t		 http_id;
	uint64_t		 token_gen;	/* token the attempt carried */
	uint64_t		 sent_ms;	/* the attempt's start */
	int			 auth_retried;
	sheets_done_fn		*cb;
	void			*arg;
	struct sheets_result	 res;
	char			 error[640];
};

struct sheets_client {
	struct io_loop		*loop;
	struct http_client	*http;
	struct sheets_client_config cfg;
	char			*base;		/* base/v4/spreadsheets/<id> */
	char			*scope;
	TAILQ_HEAD(sheets_op_list, sheets_op) ops;
	size_t			 nops;
	uint64_t		 next_id;
	struct sheets_client_stats stats;

	/* The access token; none of this is used when signer is NULL. */
	struct jwt_signer	*signer;
	char			*token_uri;
	char			*token;		/* wiped when replaced */
	uint64_t		 token_refresh_ms;	/* refresh from here */
	uint64_t		 token_usable_ms;	/* stop sending it here */
	uint64_t		 token_gen;	/* bumped on every new token */
	uint64_t		 token_http_id;	/* refresh in flight, or 0 */
	unsigned int		 token_failures;	/* in a row */
	uint64_t		 token_retry_ms;	/* no refresh before */
	char			 token_error[384];
};

static void	op_send(struct sheets_op *);
static void	token_refresh(struct sheets_client *, uint64_t);

static int64_t
wall_clock_default(void)
{
	return ((int64_t)time(NULL));
}

void
sheets_client_config_defaults(struct sheets_client_config *cfg)
{
	const struct sheets_limits	lim = SHEETS_LIMITS_DEFAULT_INIT;

	memset(cfg, 0, sizeof(*cfg));
	cfg->base_url = SHEETS_DEFAULT_BASE_URL;
	cfg->max_host_connections = 8;
	cfg->attempt_timeout_ms = 30000;
	cfg->token_timeout_ms = 10000;
	cfg->token_refresh_margin_ms = 5 * 60 * 1000;
	cfg->backoff_base_ms = 1000;
	cfg->backoff_cap_ms = 32000;
	cfg->limits = lim;
}

static uint64_t
now_ms(const struct sheets_client *sc)
{
	return (io_loop_now(sc->loop));
}

static uint64_t
backoff(const struct sheets_client *sc, unsigned int attempt)
{
	return (backoff_delay_ms(attempt, sc->cfg.backoff_base_ms,
	    sc->cfg.backoff_cap_ms, sc->cfg.rand, sc->cfg.rand_arg));
}

/* "<base>/v4/spreadsheets/<id>" with the id as one encoded segment. */
static char *
make_base(const char *base_url, const char *id)
{
	size_t	blen, cap, n;
	char	*s;

	blen = strlen(base_url);
	while (blen > 0 && base_url[blen - 1] == '/')
		blen--;
	cap = blen + sizeof("/v4/spreadsheets/") + strlen(id) * 3;
	if ((s = malloc(cap)) == NULL)
		return (NULL);
	memcpy(s, base_url, blen);
	memcpy(s + blen, "/v4/spreadsheets/", sizeof("/v4/spreadsheets/"));
	n = strlen(s);
	if (percent_encode(id, s + n, cap - n) <= 0) {
		free(s);
		return (NULL);
	}
	return (s);
}

struct sheets_client *
sheets_client_new(struct io_loop *loop, const struct service_account *sa,
    const struct sheets_client_config *cfg, char *err, size_t errsz)
{
	struct sheets_client	*sc;

	if (cfg->base_url == NULL || cfg->spreadsheet_id == NULL ||
	    cfg->spreadsheet_id[0] == '\0' || cfg->attempt_timeout_ms == 0 ||
	    cfg->token_timeout_ms == 0) {
		snprintf(err, errsz, "sheets client: base URL, spreadsheet id "
		    "and timeouts are required");
		return (NULL);
	}
	if ((sc = calloc(1, sizeof(*sc))) == NULL) {
		snprintf(err, errsz, "sheets client: out of memory");
		return (NULL);
	}
	sc->loop = loop;
	sc->cfg = *cfg;
	if (sc->cfg.rand == NULL)
		sc->cfg.rand = backoff_rand_default;
	if (sc->cfg.wall_clock_s == NULL)
		sc->cfg.wall_clock_s = wall_clock_default;
	sc->cfg.base_url = NULL;		/* not kept: copied below */
	sc->cfg.spreadsheet_id = NULL;
	sc->cfg.scope = NULL;
	sc->next_id = 1;
	TAILQ_INIT(&sc->ops);

	if ((sc->base = make_base(cfg->base_url, cfg->spreadsheet_id)) ==
	    NULL || (sc->scope = strdup(cfg->scope != NULL ? cfg->scope :
	    OAUTH_SCOPE_SPREADSHEETS)) == NULL) {
		snprintf(err, errsz, "sheets client: out of memory");
		goto fail;
	}
	if (sa != NULL) {
		if ((sc->signer = jwt_signer_new(sa, err, errsz)) == NULL)
			goto fail;
		if ((sc->token_uri = strdup(sa->token_uri)) == NULL) {
			snprintf(err, errsz, "sheets client: out of memory");
			goto fail;
		}
	}
	if ((sc->http = http_client_new(loop, cfg->max_host_connections, err,
	    errsz)) == NULL)
		goto fail;
	return (sc);

fail:
	sheets_client_free(sc);
	return (NULL);
}

static void
op_free(struct sheets_op *op)
{
	struct sheets_result	*r = &op->res;
	size_t			 i;

	for (i = 0; i < op->nranges; i++)
		free(op->ranges[i]);
	free(op->ranges);
	sheets_value_ranges_free(&r->value_ranges);
	sheets_batch_update_result_free(&r->batch_update);
	sheets_append_result_free(&r->append);
	sheets_spreadsheet_free(&r->spreadsheet);
	free(op->url);
	free(op->body);
	free(op);
}

/* Takes op off the list and out of the HTTP client; no callback. */
static void
op_detach(struct sheets_op *op)
{
	struct sheets_client	*sc = op->sc;

	if (op->state == OP_IN_FLIGHT)
		(void)http_client_cancel(sc->http, op->http_id);
	TAILQ_REMOVE(&sc->ops, op, entry);
	sc->nops--;
}

void
sheets_client_free(struct sheets_client *sc)
{
	struct sheets_op	*op;

	if (sc == NULL)
		return;
	while ((op = TAILQ_FIRST(&sc->ops)) != NULL) {
		op_detach(op);
		op_free(op);
	}
	/* Frees the token request too, without its callback. */
	http_client_free(sc->http);
	jwt_signer_free(sc->signer);
	secret_free(sc->token);
	free(sc->token_uri);
	free(sc->scope);
	free(sc->base);
	free(sc);
}

/* Ends op: the callback, then the leftovers. */
static void
op_finish(struct sheets_op *op, enum sheets_error_class class)
{
	struct sheets_client	*sc = op->sc;

	op_detach(op);
	op->res.class = class;
	op->res.error = class == SHEETS_OK ? "" : op->error;
	if (class == SHEETS_OK) {
		sc->stats.calls_ok++;
		sc->stats.last_ok_ms = now_ms(sc);
		sc->stats.last_ok_latency_ms = sc->stats.last_ok_ms -
		    op->sent_ms;
	} else
		sc->stats.calls_failed++;
	if ((unsigned int)op->res.call < SHEETS_CALLS)
		sc->stats.by_call[op->res.call][class == SHEETS_OK ? 0 : 1]++;
	op->cb(op->arg, &op->res);
	op_free(op);
}

static void
op_fail(struct sheets_op *op, enum sheets_error_class class,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
op_fail(struct sheets_op *op, enum sheets_error_class class,
    const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(op->error, sizeof(op->error), fmt, ap);
	va_end(ap);
	op_finish(op, class);
}

/* The deadline leaves no room for another attempt. */
static void
op_give_up(struct sheets_op *op)
{
	char	last[sizeof(op->error)];

	if (op->res.attempts == 0) {
		op_fail(op, SHEETS_RETRYABLE, "deadline passed before the "
		    "request could be sent");
		return;
	}
	memcpy(last, op->error, sizeof(last));
	op_fail(op, SHEETS_RETRYABLE, "deadline reached after %u attempts; "
	    "last: %.256s", op->res.attempts, last);
}

/* Whether the cached token may still be sent, and whether it is fresh. */
static int
token_usable(const struct sheets_client *sc, uint64_t now)
{
	return (sc->token != NULL && now < sc->token_usable_ms);
}

static int
token_fresh(const struct sheets_client *sc, uint64_t now)
{
	return (sc->token != NULL && now < sc->token_refresh_ms);
}

static uint64_t
min_u64(uint64_t a, uint64_t b)
{
	return (a < b ? a : b);
}

/* Takes tok over as the current token, received at now. */
static void
token_install(struct sheets_client *sc, struct oauth_token *tok,
    uint64_t now)
{
	uint64_t	life = (uint64_t)tok->expires_in * 1000;

	secret_free(sc->token);
	sc->token = tok->access_token;
	tok->access_token = NULL;
	sc->token_usable_ms = now + life -
	    min_u64(TOKEN_USABLE_MARGIN_MS, life / 2);
	sc->token_refresh_ms = min_u64(sc->token_usable_ms, now + life -
	    min_u64(sc->cfg.token_refresh_margin_ms, life / 2));
	sc->token_gen++;
}

/* Sends op now if it has what it needs, else queues it for the token. */
static void
op_start(struct sheets_op *op)
{
	struct sheets_client	*sc = op->sc;
	uint64_t		 now = now_ms(sc);

	if (sc->signer != NULL) {
		if (!token_fresh(sc, now))
			token_refresh(sc, now);
		if (!token_usable(sc, now)) {
			op->state = OP_WAIT_TOKEN;
			return;
		}
	}
	op_send(op);
}

/* Parses a 2xx body into op->res; -1 with op->error set. */
static int
op_parse(struct sheets_op *op, const struct http_client_result *hr)
{
	struct sheets_client	*sc = op->sc;
	struct sheets_result	*r = &op->res;
	char			 err[256];
	int			 rc = 0;

	switch (op->call) {
	case SHEETS_CALL_BATCH_GET:
		if (op->ranges != NULL)
			rc = sheets_parse_batch_get_by_filter(hr->body,
			    hr->body_len, &sc->cfg.limits,
			    (const char *const *)op->ranges, op->nranges,
			    &r->value_ranges, err, sizeof(err));
		else
			rc = sheets_parse_batch_get(hr->body, hr->body_len,
			    &sc->cfg.limits, &r->value_ranges, err,
			    sizeof(err));
		break;
	case SHEETS_CALL_BATCH_UPDATE:
		rc = sheets_parse_batch_update(hr->body, hr->body_len,
		    &sc->cfg.limits, &r->batch_update, err, sizeof(err));
		break;
	case SHEETS_CALL_APPEND:
		rc = sheets_parse_append(hr->body, hr->body_len, &r->append,
		    err, sizeof(err));
		break;
	case SHEETS_CALL_GET_SPREADSHEET:
		rc = sheets_parse_spreadsheet(hr->body, hr->body_len,
		    &r->spreadsheet, err, sizeof(err));
		break;
	case SHEETS_CALL_UPDATE_SPREADSHEET:
		/* Its replies are empty objects: 2xx is the whole answer. */
		break;
	}
	if (rc == -1)
		snprintf(op->error, sizeof(op->error), "unexpected response "
		    "(HTTP %ld): %s", hr->status, err);
	return (rc);
}

/* Describes a failed attempt in op->error and op->res. */
static void
note_failure(struct sheets_op *op, const struct http_client_result *hr)
{
	struct sheets_result	*r = &op->res;

	memset(&r->api_error, 0, sizeof(r->api_error));
	if (hr->error != HTTP_CLIENT_OK) {
		snprintf(op->error, sizeof(op->error), "%s: %s",
		    http_client_error_name(hr->error), hr->error_text);
		return;
	}
	if (sheets_parse_error(hr->body, hr->body_len, &r->api_error) == 0)
		snprintf(op->error, sizeof(op->error), "HTTP %ld %s: %s",
		    hr->status, r->api_error.status, r->api_error.message);
	else
		snprintf(op->error, sizeof(op->error), "HTTP %ld without an "
		    "API error body", hr->status);
}

static void
op_response(void *arg, const struct http_client_result *hr)
{
	struct sheets_op	*op = arg;
	struct sheets_client	*sc = op->sc;
	enum sheets_error_class	 class;
	uint64_t		 now, delay;

	/* Every branch below reschedules or finishes op. */
	op->http_id = 0;
	op->state = OP_BACKOFF;
	op->due_ms = UINT64_MAX;
	op->res.http_status = hr->status;
	op->res.response_bytes = hr->body_len;
	op->res.too_big = hr->error == HTTP_CLIENT_ERR_TOO_LARGE;
	class = sheets_classify(hr->error, hr->status);
	if (hr->status == 429) {
		sc->stats.rate_limited++;
		if (sc->cfg.rate_limited != NULL)
			sc->cfg.rate_limited(sc->cfg.rate_limited_arg,
			    (int)op->call);
	}

	switch (class) {
	case SHEETS_OK:
		if (op_parse(op, hr) == -1) {
			op->res.too_big = op->call == SHEETS_CALL_BATCH_GET;
			op_finish(op, SHEETS_FATAL);
		}
		else
			op_finish(op, SHEETS_OK);
		return;
	case SHEETS_AUTH:
		note_failure(op, hr);
		if (op->auth_retried || sc->signer == NULL) {
			op_finish(op, SHEETS_AUTH);
			return;
		}
		op->auth_retried = 1;
		/* Drop the token only if no one replaced it meanwhile. */
		if (op->token_gen == sc->token_gen) {
			secret_free(sc->token);
			sc->token = NULL;
		}
		op_start(op);
		return;
	case SHEETS_RETRYABLE:
		note_failure(op, hr);
		now = now_ms(sc);
		delay = backoff(sc, op->res.attempts - 1);
		if (now + delay >= op->deadline_ms) {
			op_give_up(op);
			return;
		}
		op->state = OP_BACKOFF;
		op->due_ms = now + delay;
		return;
	case SHEETS_FATAL:
		note_failure(op, hr);
		op_finish(op, SHEETS_FATAL);
		return;
	}
}

/*
 * Hands op to the HTTP client, with left ms to go; -1 with *why set when
 * it cannot be handed over.  Never calls back.
 */
static int
op_hand_over(struct sheets_op *op, uint64_t left, const char **why)
{
	struct sheets_client		*sc = op->sc;
	struct http_client_request	 req;
	const char			*headers[3];
	char				*auth = NULL;
	size_t				 nh = 0, len;

	if (sc->signer != NULL) {
		len = strlen(sc->token) + sizeof("Authorization: Bearer ");
		if ((auth = malloc(len)) == NULL) {
			*why = "out of memory";
			return (-1);
		}
		snprintf(auth, len, "Authorization: Bearer %s", sc->token);
		headers[nh++] = auth;
		op->token_gen = sc->token_gen;
	}
	if (op->method == HTTP_CLIENT_POST)
		headers[nh++] = JSON_CONTENT_TYPE;
	headers[nh] = NULL;

	memset(&req, 0, sizeof(req));
	req.method = op->method;
	req.url = op->url;
	req.headers = headers;
	req.body = op->body;
	req.body_len = op->body_len;
	req.timeout_ms = left < sc->cfg.attempt_timeout_ms ? left :
	    sc->cfg.attempt_timeout_ms;

	op->http_id = http_client_submit(sc->http, &req, op_response, op);
	secret_free(auth);
	if (op->http_id == 0) {
		*why = "cannot submit the HTTP request";
		return (-1);
	}
	op->state = OP_IN_FLIGHT;
	op->sent_ms = now_ms(sc);
	if (op->res.attempts++ > 0)
		sc->stats.retries++;
	sc->stats.attempts++;
	return (0);
}

static void
op_send(struct sheets_op *op)
{
	const char	*why;
	uint64_t	 now = now_ms(op->sc);

	if (now >= op->deadline_ms) {
		op_give_up(op);
		return;
	}
	if (op_hand_over(op, op->deadline_ms - now, &why) == -1)
		op_fail(op, SHEETS_FATAL, "%s", why);
}

/* Fails every call waiting for a token with the token error. */
static void
fail_token_waiters(struct sheets_client *sc, enum sheets_error_class class)
{
	struct sheets_op	*op;

	/* A callback may change the list: rescan from the head each time. */
	for (;;) {
		TAILQ_FOREACH(op, &sc->ops, entry) {
			if (op->state == OP_WAIT_TOKEN)
				break;
		}
		if (op == NULL)
			return;
		op_fail(op, class, "no access token: %s", sc->token_error);
	}
}

/* Sends every call that was waiting for the token. */
static void
release_token_waiters(struct sheets_client *sc)
{
	struct sheets_op	*op;

	for (;;) {
		TAILQ_FOREACH(op, &sc->ops, entry) {
			if (op->state == OP_WAIT_TOKEN)
				break;
		}
		if (op == NULL || !token_usable(sc, now_ms(sc)))
			return;
		op_send(op);
	}
}

static void
token_response(void *arg, const struct http_client_result *hr)
{
	struct sheets_client	*sc = arg;
	struct oauth_token	 tok;
	struct oauth_error	 oe;
	enum sheets_error_class	 class;
	char			 err[192];
	uint64_t		 now = now_ms(sc);

	sc->token_http_id = 0;
	class = sheets_classify(hr->error, hr->status);
	if (class == SHEETS_OK) {
		if (oauth_token_parse(hr->body, hr->body_len, &tok, err,
		    sizeof(err)) == 0) {
			token_install(sc, &tok, now);
			sc->token_failures = 0;
			sc->token_error[0] = '\0';
			release_token_waiters(sc);
			return;
		}
		snprintf(sc->token_error, sizeof(sc->token_error), "%s", err);
		class = SHEETS_FATAL;
	} else if (hr->error != HTTP_CLIENT_OK) {
		snprintf(sc->token_error, sizeof(sc->token_error), "%s: %s",
		    http_client_error_name(hr->error), hr->error_text);
	} else if (oauth_error_parse(hr->body, hr->body_len, &oe) == 0) {
		snprintf(sc->token_error, sizeof(sc->token_error),
		    "HTTP %ld %s: %s", hr->status, oe.error, oe.description);
	} else {
		snprintf(sc->token_error, sizeof(sc->token_error),
		    "HTTP %ld from the token endpoint", hr->status);
	}

	sc->stats.token_failures++;
	sc->token_retry_ms = now + backoff(sc, sc->token_failures++);
	/*
	 * A rejected key or assertion will not fix itself: tell the waiting
	 * calls now.  Transient failures leave them waiting for the retry,
	 * each bounded by its own deadline.
	 */
	if (class != SHEETS_RETRYABLE)
		fail_token_waiters(sc, class == SHEETS_AUTH ? SHEETS_AUTH :
		    SHEETS_FATAL);
}

/* Starts a token request unless one is running or it is too soon. */
static void
token_refresh(struct sheets_client *sc, uint64_t now)
{
	struct http_client_request	 req;
	const char			*headers[] = { FORM_CONTENT_TYPE, NULL };
	char				*jws, *body, err[192];

	if (sc->token_http_id != 0 || now < sc->token_retry_ms)
		return;
	sc->stats.token_refreshes++;
	jws = jwt_sign_assertion(sc->signer, sc->scope,
	    sc->cfg.wall_clock_s(), err, sizeof(err));
	body = jws != NULL ? oauth_token_request_body(jws) : NULL;
	free(jws);
	if (body == NULL) {
		snprintf(sc->token_error, sizeof(sc->token_error), "%s",
		    jws == NULL ? err : "out of memory");
		goto failed;
	}

	memset(&req, 0, sizeof(req));
	req.method = HTTP_CLIENT_POST;
	req.url = sc->token_uri;
	req.headers = headers;
	req.body = body;
	req.body_len = strlen(body);
	req.timeout_ms = sc->cfg.token_timeout_ms;
	req.max_response = 64 * 1024;
	sc->token_http_id = http_client_submit(sc->http, &req, token_response,
	    sc);
	free(body);
	if (sc->token_http_id != 0)
		return;
	snprintf(sc->token_error, sizeof(sc->token_error), "cannot submit "
	    "the token request");

failed:
	sc->stats.token_failures++;
	sc->token_retry_ms = now + backoff(sc, sc->token_failures++);
}

void
sheets_client_tick(struct sheets_client *sc, uint64_t now)
{
	struct sheets_op	*op;
	int			 waiting;

	http_client_tick(sc->http, now);

	/* Any callback may change the list, so rescan after each action. */
	for (;;) {
		waiting = 0;
		TAILQ_FOREACH(op, &sc->ops, entry) {
			if (op->state == OP_BACKOFF && now >= op->due_ms)
				break;
			if (op->state == OP_WAIT_TOKEN &&
			    now >= op->deadline_ms)
				break;
			if (op->state == OP_WAIT_TOKEN)
				waiting = 1;
		}
		if (op == NULL)
			break;
		if (op->state == OP_BACKOFF)
			op_start(op);
		else
			op_fail(op, SHEETS_RETRYABLE, "deadline passed waiting "
			    "for an access token%s%s",
			    sc->token_error[0] != '\0' ? ": " : "",
			    sc->token_error);
	}
	/* Retries a refresh that failed, once its backoff has passed. */
	if (waiting && sc->signer != NULL)
		token_refresh(sc, now);
}

/* Queues a call; takes url and body (freed on failure). */
static uint64_t
op_submit(struct sheets_client *sc, enum sheets_call call,
    enum http_client_method method, char *url, char *body, size_t body_len,
    uint64_t timeout_ms, sheets_done_fn *cb, void *arg, char *err,
    size_t errsz)
{
	struct sheets_op	*op;
	const char		*why;

	if (url != NULL && strlen(url) > SHEETS_URI_MAX) {
		snprintf(err, errsz, "%s: request URL of %zu bytes is over "
		    "the %d-byte limit; not sent", sheets_call_name(call),
		    strlen(url), SHEETS_URI_MAX);
		free(url);
		free(body);
		return (0);
	}
	if (url == NULL || cb == NULL || timeout_ms == 0 ||
	    (op = calloc(1, sizeof(*op))) == NULL) {
		snprintf(err, errsz, "sheets: invalid call or out of memory");
		free(url);
		free(body);
		return (0);
	}
	op->sc = sc;
	op->id = sc->next_id++;
	op->call = call;
	op->method = method;
	op->url = url;
	op->body = body;
	op->body_len = body_len;
	op->deadline_ms = now_ms(sc) + timeout_ms;
	op->cb = cb;
	op->arg = arg;
	op->res.call = call;
	op->state = OP_BACKOFF;
	op->due_ms = 0;
	TAILQ_INSERT_TAIL(&sc->ops, op, entry);
	sc->nops++;
	/*
	 * Sent now when nothing stands in the way, rather than up to a
	 * tick later on every call.  Whatever does (a token to fetch, a
	 * refused hand-over) is dealt with from the next tick, so that no
	 * callback runs from here.
	 */
	if (sc->signer == NULL || token_fresh(sc, now_ms(sc)))
		(void)op_hand_over(op, timeout_ms, &why);
	return (op->id);
}

/* base + suffix, or NULL. */
static char *
url_with(const struct sheets_client *sc, const char *suffix)
{
	size_t	len = strlen(sc->base) + strlen(suffix) + 1;
	char	*u;

	if ((u = malloc(len)) != NULL)
		snprintf(u, len, "%s%s", sc->base, suffix);
	return (u);
}

static const char *
render_name(enum sheets_render render)
{
	return (render == SHEETS_RENDER_UNFORMATTED ? "UNFORMATTED_VALUE" :
	    "FORMATTED_VALUE");
}

/* values:batchGet?ranges=...; NULL with err set. */
static char *
batch_get_url(const struct sheets_client *sc, const char *const *ranges,
    size_t nranges, enum sheets_render render, char *err, size_t errsz)
{
	char	*url;
	size_t	 cap, n, i;
	long	 w;

	cap = strlen(sc->base) + 128;
	for (i = 0; i < nranges; i++)
		cap += sizeof("&ranges=") + strlen(ranges[i]) * 3;
	if ((url = malloc(cap)) == NULL) {
		snprintf(err, errsz, "batchGet: out of memory");
		return (NULL);
	}
	n = (size_t)snprintf(url, cap, "%s/values:batchGet", sc->base);
	for (i = 0; i < nranges; i++) {
		n += (size_t)snprintf(url + n, cap - n, "%cranges=",
		    i == 0 ? '?' : '&');
		if ((w = percent_encode(ranges[i], url + n, cap - n)) <= 0) {
			snprintf(err, errsz, "batchGet: range %zu is empty", i);
			free(url);
			return (NULL);
		}
		n += (size_t)w;
	}
	/* Unindented, the same rows cost about half the bytes. */
	snprintf(url + n, cap - n, "&majorDimension=ROWS&prettyPrint=false"
	    "&valueRenderOption=%s", render_name(render));
	return (url);
}

/* The same read as a POST with the ranges in the body. */
static uint64_t
batch_get_by_filter(struct sheets_client *sc, const char *const *ranges,
    size_t nranges, enum sheets_render render, uint64_t timeout_ms,
    sheets_done_fn *cb, void *arg, char *err, size_t errsz)
{
	struct sheets_op	*op;
	char			**copy, *body;
	size_t			  len, i;
	uint64_t		  id;

	if ((copy = calloc(nranges, sizeof(*copy))) == NULL) {
		snprintf(err, errsz, "batchGet: out of memory");
		return (0);
	}
	for (i = 0; i < nranges; i++) {
		if ((copy[i] = strdup(ranges[i])) == NULL)
			break;
	}
	body = i == nranges ? sheets_encode_batch_get_by_filter(ranges,
	    nranges, render_name(render), &len, err, errsz) : NULL;
	if (i < nranges)
		snprintf(err, errsz, "batchGet: out of memory");
	id = body == NULL ? 0 : op_submit(sc, SHEETS_CALL_BATCH_GET,
	    HTTP_CLIENT_POST, url_with(sc, "/values:batchGetByDataFilter"),
	    body, len, timeout_ms, cb, arg, err, errsz);
	if (id == 0) {
		while (i > 0)
			free(copy[--i]);
		free(copy);
		return (0);
	}
	/* The op just queued is the last; its answer is matched to these. */
	op = TAILQ_LAST(&sc->ops, sheets_op_list);
	op->ranges = copy;
	op->nranges = nranges;
	return (id);
}

uint64_t
sheets_batch_get(struct sheets_client *sc, const char *const *ranges,
    size_t nranges, enum sheets_render render, uint64_t timeout_ms,
    sheets_done_fn *cb, void *arg, char *err, size_t errsz)
{
	char	*url;

	if (nranges == 0 || nranges > sc->cfg.limits.max_ranges) {
		snprintf(err, errsz, "batchGet: %zu ranges (1 to %zu allowed)",
		    nranges, sc->cfg.limits.max_ranges);
		return (0);
	}
	if ((url = batch_get_url(sc, ranges, nranges, render, err, errsz)) ==
	    NULL)
		return (0);
	if (strlen(url) > SHEETS_URI_MAX) {
		free(url);
		return (batch_get_by_filter(sc, ranges, nranges, render,
		    timeout_ms, cb, arg, err, errsz));
	}
	return (op_submit(sc, SHEETS_CALL_BATCH_GET, HTTP_CLIENT_GET, url,
	    NULL, 0, timeout_ms, cb, arg, err, errsz));
}

uint64_t
sheets_batch_update(struct sheets_client *sc, enum sheets_value_input input,
    const struct sheets_range_data *data, size_t ndata, uint64_t timeout_ms,
    sheets_done_fn *cb, void *arg, char *err, size_t errsz)
{
	char	*body;
	size_t	 len;

	if ((body = sheets_encode_batch_update(input, data, ndata,
	    &sc->cfg.limits, &len, err, errsz)) == NULL)
		return (0);
	return (op_submit(sc, SHEETS_CALL_BATCH_UPDATE, HTTP_CLIENT_POST,
	    url_with(sc, "/values:batchUpdate"), body, len, timeout_ms, cb,
	    arg, err, errsz));
}

uint64_t
sheets_append(struct sheets_client *sc, enum sheets_value_input input,
    const struct sheets_range_data *data, uint64_t timeout_ms,
    sheets_done_fn *cb, void *arg, char *err, size_t errsz)
{
	char	*body, *url, *enc;
	size_t	 len, cap;

	if ((body = sheets_encode_append(input, data, &sc->cfg.limits, &len,
	    err, errsz)) == NULL)
		return (0);
	/* Only the range is encoded: ":append" must stay as it is. */
	cap = strlen(data->range) * 3 + 1;
	if ((enc = malloc(cap)) == NULL ||
	    percent_encode(data->range, enc, cap) == -1) {
		free(enc);
		free(body);
		snprintf(err, errsz, "append: out of memory");
		return (0);
	}
	cap += strlen(sc->base) + 128;
	if ((url = malloc(cap)) != NULL)
		snprintf(url, cap, "%s/values/%s:append?valueInputOption=%s"
		    "&insertDataOption=INSERT_ROWS", sc->base, enc,
		    input == SHEETS_INPUT_RAW ? "RAW" : "USER_ENTERED");
	free(enc);
	return (op_submit(sc, SHEETS_CALL_APPEND, HTTP_CLIENT_POST, url, body,
	    len, timeout_ms, cb, arg, err, errsz));
}

uint64_t
sheets_get_spreadsheet(struct sheets_client *sc, uint64_t timeout_ms,
    sheets_done_fn *cb, void *arg, char *err, size_t errsz)
{
	return (op_submit(sc, SHEETS_CALL_GET_SPREADSHEET, HTTP_CLIENT_GET,
	    url_with(sc, "?fields=sheets.properties"), NULL, 0, timeout_ms,
	    cb, arg, err, errsz));
}

/* spreadsheets.batchUpdate with body (taken; NULL when it did not encode). */
static uint64_t
update_spreadsheet(struct sheets_client *sc, char *body, size_t len,
    uint64_t timeout_ms, sheets_done_fn *cb, void *arg, char *err,
    size_t errsz)
{
	if (body == NULL)
		return (0);
	return (op_submit(sc, SHEETS_CALL_UPDATE_SPREADSHEET, HTTP_CLIENT_POST,
	    url_with(sc, ":batchUpdate"), body, len, timeout_ms, cb, arg, err,
	    errsz));
}

uint64_t
sheets_update_spreadsheet(struct sheets_client *sc,
    const char *const *requests, size_t nrequests, uint64_t timeout_ms,
    sheets_done_fn *cb, void *arg, char *err, size_t errsz)
{
	char	*body;
	size_t	 len = 0;

	body = sheets_encode_update_spreadsheet(requests, nrequests, &len,
	    err, errsz);
	return (update_spreadsheet(sc, body, len, timeout_ms, cb, arg, err,
	    errsz));
}

uint64_t
sheets_append_dimension(struct sheets_client *sc, long long sheet_id,
    enum sheets_dimension dim, unsigned int length, uint64_t timeout_ms,
    sheets_done_fn *cb, void *arg, char *err, size_t errsz)
{
	char	*body;
	size_t	 len = 0;

	body = sheets_encode_append_dimension(sheet_id, dim, length, &len, err,
	    errsz);
	return (update_spreadsheet(sc, body, len, timeout_ms, cb, arg, err,
	    errsz));
}

int
sheets_client_cancel(struct sheets_client *sc, uint64_t id)
{
	struct sheets_op	*op;

	TAILQ_FOREACH(op, &sc->ops, entry) {
		if (op->id == id) {
			op_detach(op);
			op_free(op);
			return (1);
		}
	}
	return (0);
}

size_t
sheets_client_pending(const struct sheets_client *sc)
{
	return (sc->nops);
}

const struct sheets_limits *
sheets_client_limits(const struct sheets_client *sc)
{
	return (&sc->cfg.limits);
}

void
sheets_client_stats(const struct sheets_client *sc,
    struct sheets_client_stats *out)
{
	*out = sc->stats;
}

const char *
sheets_call_name(enum sheets_call call)
{
	switch (call) {
	case SHEETS_CALL_BATCH_GET:
		return ("values.batchGet");
	case SHEETS_CALL_BATCH_UPDATE:
		return ("values.batchUpdate");
	case SHEETS_CALL_APPEND:
		return ("values.append");
	case SHEETS_CALL_GET_SPREADSHEET:
		return ("spreadsheets.get");
	case SHEETS_CALL_UPDATE_SPREADSHEET:
		return ("spreadsheets.batchUpdate");
	}
	return ("unknown");
}
