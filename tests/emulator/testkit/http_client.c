/*
 * The golden test's requests, on the harness's one libcurl set-up.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "harness.h"
#include "http_client.h"

int
http_call(const char *method, const char *url, const char *bearer,
    const char *content_type, const char *body, long timeout_ms,
    struct http_resp *r)
{
	struct http_reply	 reply;
	const char		*hdrs[4];
	char			 auth[512], ct[512];
	size_t			 n = 0;
	int			 rc;

	memset(r, 0, sizeof(*r));
	/* Kore does not send "100 Continue"; do not wait for it. */
	hdrs[n++] = "Expect:";
	if (bearer != NULL) {
		(void)snprintf(auth, sizeof(auth), "Authorization: Bearer %s",
		    bearer);
		hdrs[n++] = auth;
	}
	if (content_type != NULL) {
		(void)snprintf(ct, sizeof(ct), "Content-Type: %s",
		    content_type);
		hdrs[n++] = ct;
	}
	hdrs[n] = NULL;
	/* Other methods than GET always carry a body, if an empty one. */
	if (body == NULL && strcmp(method, "GET") != 0)
		body = "";
	rc = http_request(method, url, hdrs, body, body != NULL ?
	    strlen(body) : 0, timeout_ms, &reply);
	r->curl_code = reply.curl_error;
	r->status = rc == 0 ? reply.status : 0;
	r->seconds = reply.seconds;
	(void)http_reply_header(&reply, "Content-Type", r->content_type,
	    sizeof(r->content_type));
	(void)http_reply_header(&reply, "WWW-Authenticate",
	    r->www_authenticate, sizeof(r->www_authenticate));
	r->body = reply.body;
	r->len = reply.len;
	free(reply.headers);
	return (rc);
}

void
http_resp_free(struct http_resp *r)
{
	free(r->body);
	r->body = NULL;
	r->len = 0;
}

char *
http_escape(const char *s)
{
	char	*e, *out;

	if ((e = curl_easy_escape(NULL, s, 0)) == NULL)
		return (NULL);
	out = strdup(e);
	curl_free(e);
	return (out);
}
