/*
 * The Google Sheets API v4 client: the five calls the adapter makes, on top
 * of the asynchronous HTTP client, with the service-account token handled
 * inside.
 *
 * Access token: fetched with a signed JWT assertion (jwt.h) from the key's
 * token_uri, cached, and refreshed in the background once it is within
 * token_refresh_margin_ms of expiring.  Only one refresh is ever in flight;
 * calls that need a token meanwhile wait for it.  A 401 makes a call drop
 * the token it used, wait for a new one and retry, once.
 *
 * Retries: retryable failures (sheets_error.h: 429, 5xx, timeouts, broken
 * connections) are retried with truncated exponential backoff and jitter
 * (backoff.h) until the call's deadline.  Each attempt's HTTP timeout is cut
 * to what is left of the deadline, so a call always ends by its deadline:
 * with a result, or with the last error seen.
 *
 * Like http_client, callbacks run only from sheets_client_tick() or socket
 * readiness, never from the call that started the request, and they may
 * start or cancel calls but not free the client.
 */
#ifndef ZEUES_SHEETS_CLIENT_H
#define ZEUES_SHEETS_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "backoff.h"
#include "io_loop.h"
#include "sheets_codec.h"
#include "sheets_error.h"

#define SHEETS_DEFAULT_BASE_URL		"https://sheets.googleapis.com"

/*
 * No request is sent with a longer URL (scheme, host, path and query).
 * Google documents no limit, but its front ends have one: its own client
 * libraries turn a GET into a POST past 2,048 bytes of URL, its servers
 * have been seen refusing past 8 KB, and the emulator's Kore answers 414
 * past 1,998 bytes of path and query.  A batchGet whose ranges would make
 * the URL longer is sent as values:batchGetByDataFilter instead (the same
 * read, the ranges in the body); any other call that would is refused
 * before it is sent.
 */
#define SHEETS_URI_MAX			2000

struct service_account;
struct sheets_client;

struct sheets_client_config {
	const char	*base_url;		/* no "/v4"; a trailing / is ok */
	const char	*spreadsheet_id;
	const char	*scope;			/* NULL: read/write spreadsheets */
	long		 max_host_connections;
	uint64_t	 attempt_timeout_ms;	/* cap on one HTTP attempt */
	uint64_t	 token_timeout_ms;	/* one token request */
	uint64_t	 token_refresh_margin_ms;
	uint64_t	 backoff_base_ms;
	uint64_t	 backoff_cap_ms;
	struct sheets_limits limits;
	backoff_rand_fn	*rand;			/* NULL: backoff_rand_default */
	void		*rand_arg;
	int64_t		(*wall_clock_s)(void);	/* NULL: time(3); JWT iat */
	/* Told of every 429 with the call (an enum sheets_call), NULL: no one. */
	void		(*rate_limited)(void *arg, int call);
	void		*rate_limited_arg;
};

/*
 * Defaults: Google's base URL, 8 connections per host, 30 s per attempt,
 * 10 s per token request, refresh 5 min before expiry, backoff from 1 s up
 * to 32 s (Google's guidance), SHEETS_LIMITS_DEFAULT_INIT.
 */
void	sheets_client_config_defaults(struct sheets_client_config *cfg);

enum sheets_call {
	SHEETS_CALL_BATCH_GET,		/* values.batchGet */
	SHEETS_CALL_BATCH_UPDATE,	/* values.batchUpdate */
	SHEETS_CALL_APPEND,		/* values.append */
	SHEETS_CALL_GET_SPREADSHEET,	/* spreadsheets.get */
	SHEETS_CALL_UPDATE_SPREADSHEET,	/* spreadsheets.batchUpdate */
};
#define SHEETS_CALLS	5

/* Google's name for a call, as metrics label it. */
const char	*sheets_call_name(enum sheets_call);

enum sheets_render {
	SHEETS_RENDER_FORMATTED,	/* what a person sees */
	SHEETS_RENDER_UNFORMATTED,	/* numbers, date serials */
};

/*
 * A finished call.  On success class is SHEETS_OK and the member matching
 * call is filled.  On failure class says why (a deadline that ran out while
 * retrying reports SHEETS_RETRYABLE) and error says what, in one line.
 * The callback may take the parsed data for itself (moving it out and
 * zeroing the member, as sheet_table_new() does with a value range);
 * whatever is left is freed when the callback returns.
 */
struct sheets_result {
	enum sheets_call			 call;
	enum sheets_error_class			 class;
	const char				*error;
	long					 http_status;
	struct sheets_api_error			 api_error;
	unsigned int				 attempts;
	size_t					 response_bytes;
	/*
	 * The reply passed the response cap, or a batchGet reply could not
	 * be taken in whole (past a codec limit, or malformed): asking for
	 * less may succeed where asking again would not.
	 */
	int					 too_big;
	struct sheets_value_ranges		 value_ranges;
	struct sheets_batch_update_result	 batch_update;
	struct sheets_append_result		 append;
	struct sheets_spreadsheet		 spreadsheet;
};

typedef void	sheets_done_fn(void *arg, struct sheets_result *res);

/* Counters since the client was made. */
struct sheets_client_stats {
	uint64_t	calls_ok;
	uint64_t	calls_failed;
	uint64_t	by_call[SHEETS_CALLS][2];	/* [call][0 ok, 1 failed] */
	uint64_t	rate_limited;			/* 429 answers seen */
	uint64_t	attempts;
	uint64_t	retries;
	uint64_t	token_refreshes;
	uint64_t	token_failures;
	/* The last call answered ok: when (loop clock; 0: none), how fast. */
	uint64_t	last_ok_ms;
	uint64_t	last_ok_latency_ms;
};

/*
 * sa may be NULL for a server that wants no Authorization (a local
 * emulator run without a key); otherwise its key is loaded here and sa is
 * not used afterwards.  Returns NULL with err set.
 */
struct sheets_client	*sheets_client_new(struct io_loop *loop,
			    const struct service_account *sa,
			    const struct sheets_client_config *cfg, char *err,
			    size_t errsz);
/* Cancels every call without callbacks, wipes the token, frees. */
void			 sheets_client_free(struct sheets_client *sc);

/* Call at least every IO_LOOP_TICK_MS. */
void			 sheets_client_tick(struct sheets_client *sc,
			    uint64_t now_ms);

/*
 * The calls.  timeout_ms is the call's whole budget, retries included.
 * Each returns an id for sheets_client_cancel(), or 0 when the call could
 * not be started (its arguments did not encode: err says why); then cb
 * will not run.
 */
/*
 * values.batchGet, or values.batchGetByDataFilter when the ranges would
 * make the URL longer than SHEETS_URI_MAX; either way one read, and the
 * result is the same.
 */
uint64_t	sheets_batch_get(struct sheets_client *sc,
		    const char *const *ranges, size_t nranges,
		    enum sheets_render render, uint64_t timeout_ms,
		    sheets_done_fn *cb, void *arg, char *err, size_t errsz);
uint64_t	sheets_batch_update(struct sheets_client *sc,
		    enum sheets_value_input input,
		    const struct sheets_range_data *data, size_t ndata,
		    uint64_t timeout_ms, sheets_done_fn *cb, void *arg,
		    char *err, size_t errsz);
/* Appends after the table found in data->range, inserting rows. */
uint64_t	sheets_append(struct sheets_client *sc,
		    enum sheets_value_input input,
		    const struct sheets_range_data *data, uint64_t timeout_ms,
		    sheets_done_fn *cb, void *arg, char *err, size_t errsz);
/* spreadsheets.get limited to sheets.properties. */
uint64_t	sheets_get_spreadsheet(struct sheets_client *sc,
		    uint64_t timeout_ms, sheets_done_fn *cb, void *arg,
		    char *err, size_t errsz);
/*
 * spreadsheets.batchUpdate with requests, each a Request object in JSON
 * (addSheet, appendDimension...): Google applies them all or none.
 */
uint64_t	sheets_update_spreadsheet(struct sheets_client *sc,
		    const char *const *requests, size_t nrequests,
		    uint64_t timeout_ms, sheets_done_fn *cb, void *arg,
		    char *err, size_t errsz);
/* spreadsheets.batchUpdate with one appendDimension request. */
uint64_t	sheets_append_dimension(struct sheets_client *sc,
		    long long sheet_id, enum sheets_dimension dim,
		    unsigned int length, uint64_t timeout_ms,
		    sheets_done_fn *cb, void *arg, char *err, size_t errsz);

/* Abandons a call; 1 if it was pending, 0 if already done or unknown. */
int		sheets_client_cancel(struct sheets_client *sc, uint64_t id);

size_t		sheets_client_pending(const struct sheets_client *sc);
/* The limits its replies are parsed with. */
const struct sheets_limits *sheets_client_limits(
		    const struct sheets_client *sc);
void		sheets_client_stats(const struct sheets_client *sc,
		    struct sheets_client_stats *out);

#endif
