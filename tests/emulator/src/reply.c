/*
 * Replies and Google's error envelopes (notes A4).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reply.h"

void
reply_free(struct reply *r)
{
	free(r->body);
	memset(r, 0, sizeof(*r));
}

static void
reply_set(struct reply *r, int status, char *body, size_t len)
{
	free(r->body);
	r->status = status;
	r->body = body;
	r->len = len;
}

void
reply_json(struct reply *r, int status, struct jw *w)
{
	static const char	oom[] = "{\n  \"error\": {\n"
	    "    \"code\": 500,\n"
	    "    \"message\": \"Internal error encountered.\",\n"
	    "    \"status\": \"INTERNAL\"\n  }\n}\n";
	char			*body;
	size_t			 len;

	if ((body = jw_finish(w, &len)) != NULL) {
		reply_set(r, status, body, len);
		return;
	}
	/* Out of memory: fall back to a static body. */
	r->mutated = 0;
	reply_set(r, 500, strdup(oom), strlen(oom));
	if (r->body == NULL)
		r->len = 0;
}

static const char *
status_name(int code)
{
	switch (code) {
	case 400:
		return ("INVALID_ARGUMENT");
	case 401:
		return ("UNAUTHENTICATED");
	case 403:
		return ("PERMISSION_DENIED");
	case 404:
		return ("NOT_FOUND");
	case 409:
		return ("ABORTED");
	case 413:
		return ("INVALID_ARGUMENT");
	case 429:
		return ("RESOURCE_EXHAUSTED");
	case 500:
		return ("INTERNAL");
	case 501:
		return ("UNIMPLEMENTED");
	case 502:
	case 503:
		return ("UNAVAILABLE");
	case 504:
		return ("DEADLINE_EXCEEDED");
	default:
		return ("UNKNOWN");
	}
}

static void
error_open(struct jw *w, int code, const char *msg)
{
	jw_init(w, JW_PRETTY | JW_HTML_SAFE);
	jw_obj_open(w);
	jw_key(w, "error");
	jw_obj_open(w);
	jw_kint(w, "code", code);
	jw_kstr(w, "message", msg);
	jw_kstr(w, "status", status_name(code));
}

void
reply_error(struct reply *r, int code, const char *fmt, ...)
{
	struct jw	w;
	va_list		ap;
	char		msg[1024];

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	error_open(&w, code, msg);
	jw_obj_close(&w);
	jw_obj_close(&w);
	r->mutated = 0;
	reply_json(r, code, &w);
	r->www_authenticate = (code == 401);
}

void
reply_quota(struct reply *r, enum quota_kind kind, const char *project)
{
	struct jw	 w;
	const char	*what = kind == QUOTA_READ ? "Read" : "Write";
	const char	*metric = kind == QUOTA_READ ?
	    "sheets.googleapis.com/read_requests" :
	    "sheets.googleapis.com/write_requests";
	char		 msg[512], limit[64], consumer[96];

	(void)snprintf(msg, sizeof(msg), "Quota exceeded for quota metric "
	    "'%s requests' and limit '%s requests per minute per user' of "
	    "service 'sheets.googleapis.com' for consumer "
	    "'project_number:%s'.", what, what, project);
	(void)snprintf(limit, sizeof(limit), "%sRequestsPerMinutePerUser",
	    what);
	(void)snprintf(consumer, sizeof(consumer), "projects/%s", project);

	error_open(&w, 429, msg);
	jw_key(&w, "details");
	jw_arr_open(&w);
	jw_obj_open(&w);
	jw_kstr(&w, "@type", "type.googleapis.com/google.rpc.ErrorInfo");
	jw_kstr(&w, "reason", "RATE_LIMIT_EXCEEDED");
	jw_kstr(&w, "domain", "googleapis.com");
	jw_key(&w, "metadata");
	jw_obj_open(&w);
	jw_kstr(&w, "service", "sheets.googleapis.com");
	jw_kstr(&w, "quota_metric", metric);
	jw_kstr(&w, "quota_limit", limit);
	jw_kstr(&w, "consumer", consumer);
	jw_obj_close(&w);
	jw_obj_close(&w);
	jw_arr_close(&w);
	jw_obj_close(&w);
	jw_obj_close(&w);
	r->mutated = 0;
	reply_json(r, 429, &w);
}

void
reply_oauth_error(struct reply *r, const char *error, const char *desc)
{
	struct jw	w;

	jw_init(&w, JW_PRETTY);
	jw_obj_open(&w);
	jw_kstr(&w, "error", error);
	jw_kstr(&w, "error_description", desc);
	jw_obj_close(&w);
	reply_json(r, 400, &w);
}

void
reply_injected(struct reply *r, int code, enum quota_kind kind,
    const char *project)
{
	switch (code) {
	case 401:
		reply_error(r, code, MSG_UNAUTHENTICATED);
		break;
	case 403:
		reply_error(r, code, "The caller does not have permission");
		break;
	case 404:
		reply_error(r, code, MSG_NOT_FOUND);
		break;
	case 429:
		reply_quota(r, kind, project);
		break;
	case 500:
		reply_error(r, code, MSG_INTERNAL);
		break;
	case 502:
		reply_error(r, code, "Bad Gateway");
		break;
	case 503:
		reply_error(r, code, "The service is currently unavailable.");
		break;
	case 504:
		reply_error(r, code,
		    "Deadline expired before operation could complete.");
		break;
	default:
		reply_error(r, code, "Injected fault.");
		break;
	}
}
