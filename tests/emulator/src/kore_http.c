/*
 * Kore request handling: routing, fault injection, authentication, quota,
 * then the API method; waiting requests sleep and are woken by a timer, so
 * the worker never blocks.
 */
#include <kore/kore.h>
#include <kore/http.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api.h"
#include "emulator.h"
#include "field_mask.h"
#include "jwt_verify.h"
#include "route.h"
#include "workbook_file.h"

#define CT_GOOGLE	"application/json; charset=UTF-8"
#define CT_OAUTH	"application/json; charset=utf-8"
#define CT_ADMIN	"application/json"
#define JWT_GRANT	"urn:ietf:params:oauth:grant-type:jwt-bearer"

enum call_state {
	CALL_NEW,
	CALL_WAITING,
};

struct emu_call {
	struct http_request	*req;
	struct route		 route;
	struct fault_decision	 decision;
	enum call_state		 state;
	uint64_t		 wake_at;
	TAILQ_ENTRY(emu_call)	 list;
};

static enum route_method
method_of(const struct http_request *req)
{
	switch (req->method) {
	case HTTP_METHOD_GET:
		return (METHOD_GET);
	case HTTP_METHOD_POST:
		return (METHOD_POST);
	case HTTP_METHOD_PUT:
		return (METHOD_PUT);
	default:
		return (METHOD_OTHER);
	}
}

static void
send_reply(struct http_request *req, const struct reply *r, const char *ct)
{
	http_response_header(req, "content-type", ct);
	if (r->www_authenticate)
		http_response_header(req, "www-authenticate",
		    "Bearer realm=\"https://accounts.google.com/\"");
	http_response(req, r->status, r->body, r->body != NULL ? r->len : 0);
}

/* The whole body as a NUL-terminated string (NULL when there is none). */
static int
read_body(struct http_request *req, char **out, size_t *lenp)
{
	size_t	total = req->http_body_length, off = 0;
	ssize_t	n;
	char	*buf;

	*out = NULL;
	*lenp = 0;
	if (req->http_body == NULL && req->http_body_fd == -1)
		return (0);
	if ((buf = malloc(total + 1)) == NULL)
		return (-1);
	while (off < total) {
		if ((n = http_body_read(req, buf + off, total - off)) <= 0) {
			free(buf);
			return (-1);
		}
		off += (size_t)n;
	}
	buf[off] = '\0';
	*out = buf;
	*lenp = off;
	return (0);
}

static void
call_onfree(struct http_request *req)
{
	struct emu_call	*call = req->hdlr_extra;

	/* The client went away while we made it wait. */
	if (emu != NULL && call != NULL && call->state == CALL_WAITING) {
		TAILQ_REMOVE(&emu->waiting, call, list);
		call->state = CALL_NEW;
		emu->counters.waiting--;
	}
}

static int
call_wait(struct emu_call *call, uint64_t until)
{
	call->wake_at = until;
	if (call->state != CALL_WAITING) {
		TAILQ_INSERT_TAIL(&emu->waiting, call, list);
		call->state = CALL_WAITING;
		emu->counters.waiting++;
	}
	http_request_sleep(call->req);
	return (KORE_RESULT_RETRY);
}

void
emu_wake_due(uint64_t now)
{
	struct emu_call	*call, *next;

	for (call = TAILQ_FIRST(&emu->waiting); call != NULL; call = next) {
		next = TAILQ_NEXT(call, list);
		if (now < call->wake_at)
			continue;
		TAILQ_REMOVE(&emu->waiting, call, list);
		call->state = CALL_NEW;
		emu->counters.waiting--;
		http_request_wakeup(call->req);
	}
}

static void
persist(void)
{
	if (workbook_save(emu->wb, emu->cfg.workbook_path) == 0)
		return;
	/* The change stays in memory and goes out with the next write. */
	emu->counters.persist_failures++;
	kore_log(LOG_ERR, "emulator: saving %s failed: %s",
	    emu->cfg.workbook_path, errno_s);
}

static void
serve_token(struct http_request *req, struct reply *r)
{
	struct jwt_expect	 x;
	struct jwt_claims	 claims;
	struct query		 form;
	struct jw		 w;
	enum jwt_result		 jr;
	const char		*grant, *assertion;
	char			*body, token[TOKEN_TEXT_MAX];
	size_t			 len;

	if (read_body(req, &body, &len) == -1) {
		reply_error(r, 500, MSG_INTERNAL);
		return;
	}
	if (query_parse(&form, body, len) == -1) {
		free(body);
		reply_oauth_error(r, "invalid_request", "Invalid request.");
		return;
	}
	free(body);
	grant = query_get(&form, "grant_type");
	assertion = query_get(&form, "assertion");
	if (grant == NULL || strcmp(grant, JWT_GRANT) != 0) {
		char	desc[256];

		(void)snprintf(desc, sizeof(desc), "Invalid grant_type: %s",
		    grant != NULL ? grant : "");
		reply_oauth_error(r, "unsupported_grant_type", desc);
		goto out;
	}
	if (assertion == NULL || assertion[0] == '\0') {
		reply_oauth_error(r, "invalid_request",
		    "Missing required parameter: assertion");
		goto out;
	}
	x.pub = emu->key.pub;
	x.iss = emu->key.client_email;
	x.aud = emu->key.token_uri;
	x.now = (int64_t)time(NULL);
	if ((jr = jwt_verify(assertion, &x, &claims)) != JWT_OK) {
		reply_oauth_error(r, jwt_error_code(jr),
		    jwt_error_description(jr));
		goto out;
	}
	if (token_issue(&emu->tokens, kore_time_ms(), emu->cfg.token_ttl_s,
	    token_scopes(claims.scope), token, sizeof(token)) == -1) {
		reply_error(r, 500, MSG_INTERNAL);
		goto out;
	}
	jw_init(&w, JW_PRETTY);
	jw_obj_open(&w);
	jw_kstr(&w, "access_token", token);
	jw_kint(&w, "expires_in", emu->cfg.token_ttl_s);
	jw_kstr(&w, "token_type", "Bearer");
	jw_obj_close(&w);
	reply_json(r, 200, &w);
out:
	query_free(&form);
}

static const struct token *
bearer_token(struct http_request *req)
{
	const char	*h;

	if (!http_request_header(req, "authorization", &h) ||
	    strncasecmp(h, "Bearer ", 7) != 0)
		return (NULL);
	h += 7;
	while (*h == ' ')
		h++;
	return (token_lookup(&emu->tokens, h, kore_time_ms()));
}

static void
dispatch(struct api_ctx *ctx, const struct route *rt)
{
	switch (rt->call) {
	case KIND_GET:
		api_values_get(ctx, rt->range);
		break;
	case KIND_BATCH_GET:
		api_values_batch_get(ctx);
		break;
	case KIND_BATCH_GET_BY_FILTER:
		api_values_batch_get_by_filter(ctx);
		break;
	case KIND_UPDATE:
		api_values_update(ctx, rt->range);
		break;
	case KIND_APPEND:
		api_values_append(ctx, rt->range);
		break;
	case KIND_CLEAR:
		api_values_clear(ctx, rt->range);
		break;
	case KIND_BATCH_UPDATE:
		api_values_batch_update(ctx);
		break;
	case KIND_BATCH_CLEAR:
		api_values_batch_clear(ctx);
		break;
	case KIND_SS_GET:
		api_spreadsheets_get(ctx);
		break;
	case KIND_SS_BATCH_UPDATE:
		api_spreadsheets_batch_update(ctx);
		break;
	default:
		reply_error(ctx->reply, 404, MSG_METHOD_NOT_FOUND);
		break;
	}
}

/* The system parameters `fields` and `prettyPrint`. */
static void
apply_system_params(const struct query *q, struct reply *r)
{
	struct field_mask	*fm = NULL;
	const char		*fields = query_get(q, "fields");
	const char		*pretty = query_get(q, "prettyPrint");
	int			 compact;

	compact = pretty != NULL && strcmp(pretty, "false") == 0;
	if (fields != NULL && r->status == 200 &&
	    (fm = field_mask_parse(fields)) == NULL) {
		reply_error(r, 400, "Invalid field selection %s", fields);
		return;
	}
	if ((fm != NULL || compact) && field_mask_apply(fm, r, !compact) == -1)
		reply_error(r, 500, MSG_INTERNAL);
	field_mask_free(fm);
}

static void
serve_sheets(struct http_request *req, const struct route *rt,
    struct reply *r)
{
	const struct token	*tok;
	struct quota_window	*window;
	struct api_ctx		 ctx;
	struct query		 q;
	char			*body = NULL;
	size_t			 len = 0;
	int			 write;

	if (rt->call == KIND_OTHER) {
		reply_error(r, 404, MSG_METHOD_NOT_FOUND);
		return;
	}
	if ((tok = bearer_token(req)) == NULL) {
		reply_error(r, 401, MSG_UNAUTHENTICATED);
		return;
	}
	write = call_kind_is_write(rt->call);
	if (!(tok->scopes & (write ? SCOPE_WRITE : SCOPE_READ))) {
		reply_error(r, 403,
		    "Request had insufficient authentication scopes.");
		return;
	}
	window = write ? &emu->quota.write : &emu->quota.read;
	if (!quota_take(window, kore_time_ms())) {
		reply_quota(r, write ? QUOTA_WRITE : QUOTA_READ,
		    emu->cfg.project_number);
		return;
	}
	if (write)
		emu->counters.writes++;
	else
		emu->counters.reads++;

	if (strcmp(rt->spreadsheet_id, emu->wb->spreadsheet_id) != 0) {
		reply_error(r, 404, MSG_NOT_FOUND);
		return;
	}
	if (query_parse(&q, req->query_string, req->query_string != NULL ?
	    strlen(req->query_string) : 0) == -1) {
		reply_error(r, 400, "Invalid query string.");
		return;
	}
	if (read_body(req, &body, &len) == -1) {
		query_free(&q);
		reply_error(r, 500, MSG_INTERNAL);
		return;
	}
	ctx.wbp = &emu->wb;
	ctx.query = &q;
	ctx.body = body;
	ctx.body_len = len;
	ctx.reply = r;
	dispatch(&ctx, rt);
	if (r->mutated)
		persist();
	apply_system_params(&q, r);
	query_free(&q);
	free(body);
}

static int
serve_google(struct http_request *req, struct emu_call *call)
{
	struct reply		 r;
	const struct route	*rt = &call->route;
	enum quota_kind		 qk;

	memset(&r, 0, sizeof(r));
	qk = call_kind_is_write(rt->call) ? QUOTA_WRITE : QUOTA_READ;
	switch (call->decision.action) {
	case FAULT_ERROR:
	case FAULT_QUOTA:
		reply_injected(&r, call->decision.status, qk,
		    emu->cfg.project_number);
		emu->counters.outcomes[OUTCOME_INJECTED]++;
		break;
	case FAULT_HANG:
		/* Counted when the hang began; this is the hang cap. */
		reply_injected(&r, 504, qk, emu->cfg.project_number);
		break;
	default:
		if (rt->kind == ROUTE_TOKEN)
			serve_token(req, &r);
		else
			serve_sheets(req, rt, &r);
		if (r.status == 0)	/* a method that forgot to answer */
			reply_error(&r, 500, MSG_INTERNAL);
		emu->counters.outcomes[outcome_of_status(r.status)]++;
		break;
	}
	send_reply(req, &r, rt->kind == ROUTE_TOKEN ? CT_OAUTH : CT_GOOGLE);
	reply_free(&r);
	return (KORE_RESULT_OK);
}

static void
admin_error(struct reply *r, int status, const char *msg)
{
	struct jw	w;

	jw_init(&w, JW_PRETTY);
	jw_obj_open(&w);
	jw_kstr(&w, "error", msg);
	jw_obj_close(&w);
	reply_json(r, status, &w);
}

/* Parses the JSON object body of an admin POST; NULL after replying. */
static yajl_val
admin_body(struct http_request *req, struct reply *r)
{
	yajl_val	 v = NULL;
	char		*body, err[128];
	size_t		 len;

	if (read_body(req, &body, &len) == -1) {
		admin_error(r, 500, "cannot read body");
		return (NULL);
	}
	v = yajl_tree_parse(body != NULL ? body : "{}", err, sizeof(err));
	free(body);
	if (v == NULL || !YAJL_IS_OBJECT(v)) {
		if (v != NULL)
			yajl_tree_free(v);
		admin_error(r, 400, "body must be a JSON object");
		return (NULL);
	}
	return (v);
}

static void
admin_faults(struct http_request *req, struct reply *r)
{
	struct fault_config	cfg;
	struct jw		w;
	yajl_val		v;
	char			err[256];

	if (req->method == HTTP_METHOD_POST) {
		if ((v = admin_body(req, r)) == NULL)
			return;
		if (faults_from_json(&cfg, v, err, sizeof(err)) == -1) {
			yajl_tree_free(v);
			admin_error(r, 400, err);
			return;
		}
		yajl_tree_free(v);
		faults_apply(&emu->faults, &cfg, kore_time_ms());
	}
	jw_init(&w, JW_PRETTY);
	faults_write_json(&w, &emu->faults, kore_time_ms());
	reply_json(r, 200, &w);
}

static int
quota_member(yajl_val v, const char *key, uint32_t *out)
{
	const char	*path[2] = { key, NULL };
	yajl_val	 n;

	if ((n = yajl_tree_get(v, path, yajl_t_any)) == NULL)
		return (0);
	if (!YAJL_IS_INTEGER(n) || YAJL_GET_INTEGER(n) < 0 ||
	    YAJL_GET_INTEGER(n) > 1000000)
		return (-1);
	*out = (uint32_t)YAJL_GET_INTEGER(n);
	return (0);
}

static void
admin_quota(struct http_request *req, struct reply *r)
{
	struct jw	w;
	yajl_val	v;
	uint32_t	reads = emu->quota.read.limit;
	uint32_t	writes = emu->quota.write.limit;
	uint64_t	now = kore_time_ms();

	if (req->method == HTTP_METHOD_POST) {
		if ((v = admin_body(req, r)) == NULL)
			return;
		if (quota_member(v, "reads_per_minute", &reads) == -1 ||
		    quota_member(v, "writes_per_minute", &writes) == -1) {
			yajl_tree_free(v);
			admin_error(r, 400, "reads_per_minute and "
			    "writes_per_minute must be integers >= 0");
			return;
		}
		yajl_tree_free(v);
		/* New limits start with fresh windows. */
		quota_init(&emu->quota, reads, writes);
	}
	jw_init(&w, JW_PRETTY);
	jw_obj_open(&w);
	jw_kint(&w, "reads_per_minute", emu->quota.read.limit);
	jw_kint(&w, "writes_per_minute", emu->quota.write.limit);
	jw_kint(&w, "reads_used", emu->quota.read.used);
	jw_kint(&w, "writes_used", emu->quota.write.used);
	jw_kint(&w, "reads_reset_in_ms",
	    (long long)quota_reset_in(&emu->quota.read, now));
	jw_kint(&w, "writes_reset_in_ms",
	    (long long)quota_reset_in(&emu->quota.write, now));
	jw_obj_close(&w);
	reply_json(r, 200, &w);
}

static void
serve_admin(struct http_request *req, const struct route *rt)
{
	struct reply	 r;
	struct jw	 w;
	char		*text;
	size_t		 len;
	uint64_t	 waiting;
	int		 post = req->method == HTTP_METHOD_POST;
	int		 get = req->method == HTTP_METHOD_GET;

	memset(&r, 0, sizeof(r));
	switch (rt->kind) {
	case ROUTE_ADMIN_FAULTS:
		if (get || post)
			admin_faults(req, &r);
		else
			admin_error(&r, 405, "use GET or POST");
		break;
	case ROUTE_ADMIN_QUOTA:
		if (get || post)
			admin_quota(req, &r);
		else
			admin_error(&r, 405, "use GET or POST");
		break;
	case ROUTE_ADMIN_COUNTERS:
	case ROUTE_ADMIN_COUNTERS_RESET:
		if (rt->kind == ROUTE_ADMIN_COUNTERS ? !get : !post) {
			admin_error(&r, 405, rt->kind == ROUTE_ADMIN_COUNTERS ?
			    "use GET" : "use POST");
			break;
		}
		if (rt->kind == ROUTE_ADMIN_COUNTERS_RESET) {
			/* A gauge, not a count: it survives the reset. */
			waiting = emu->counters.waiting;
			memset(&emu->counters, 0, sizeof(emu->counters));
			emu->counters.waiting = waiting;
		}
		jw_init(&w, JW_PRETTY);
		counters_write_json(&w, &emu->counters);
		reply_json(&r, 200, &w);
		break;
	default:
		if (!get) {
			admin_error(&r, 405, "use GET");
			break;
		}
		if ((text = workbook_to_json(emu->wb, &len)) == NULL) {
			admin_error(&r, 500, "out of memory");
			break;
		}
		r.status = 200;
		r.body = text;
		r.len = len;
		break;
	}
	send_reply(req, &r, CT_ADMIN);
	reply_free(&r);
}

int
emu_handle(struct http_request *req)
{
	struct emu_call	*call = req->hdlr_extra;
	struct reply	 r;
	uint64_t	 now = kore_time_ms();

	if (call != NULL) {
		/* Woken up: serve it unless it is not due yet. */
		if (now < call->wake_at)
			return (call_wait(call, call->wake_at));
		return (serve_google(req, call));
	}

	call = kore_calloc(1, sizeof(*call));
	call->req = req;
	req->hdlr_extra = call;
	req->onfree = call_onfree;
	route_parse(req->path, method_of(req), &call->route);

	switch (call->route.kind) {
	case ROUTE_NONE:
		memset(&r, 0, sizeof(r));
		reply_error(&r, 404, MSG_NOT_FOUND);
		send_reply(req, &r, CT_GOOGLE);
		reply_free(&r);
		return (KORE_RESULT_OK);
	case ROUTE_TOKEN:
	case ROUTE_SHEETS:
		break;
	default:
		/* Admin calls: no bearer, no quota, no faults. */
		serve_admin(req, &call->route);
		return (KORE_RESULT_OK);
	}

	emu->counters.calls[call->route.call]++;
	faults_decide(&emu->faults, now, call->route.kind == ROUTE_SHEETS,
	    &call->decision);
	if (call->decision.action == FAULT_HANG) {
		emu->counters.outcomes[OUTCOME_INJECTED]++;
		return (call_wait(call, now + emu->cfg.hang_max_ms));
	}
	/*
	 * kore_time_ms() truncates to the millisecond, so "now" may be up to
	 * 1 ms in the past: wake one later, or a call could be answered
	 * before its full latency has passed.
	 */
	if (call->decision.delay_ms > 0)
		return (call_wait(call, now + call->decision.delay_ms + 1));
	return (serve_google(req, call));
}
