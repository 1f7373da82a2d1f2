/*
 * libcurl wrapper.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "http_client.h"

#define BODY_MAX	(64u * 1024 * 1024)

static size_t
on_body(char *data, size_t size, size_t n, void *arg)
{
	struct http_resp	*r = arg;
	size_t			 len = size * n;
	char			*nb;

	if (len > BODY_MAX - r->len)
		return (0);
	if ((nb = realloc(r->body, r->len + len + 1)) == NULL)
		return (0);
	memcpy(nb + r->len, data, len);
	r->len += len;
	nb[r->len] = '\0';
	r->body = nb;
	return (len);
}

static void
copy_header_value(const char *line, size_t len, size_t skip, char *out,
    size_t outlen)
{
	size_t	n;

	while (skip < len && line[skip] == ' ')
		skip++;
	n = len - skip;
	while (n > 0 && (line[skip + n - 1] == '\r' ||
	    line[skip + n - 1] == '\n'))
		n--;
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, line + skip, n);
	out[n] = '\0';
}

static size_t
on_header(char *line, size_t size, size_t n, void *arg)
{
	struct http_resp	*r = arg;
	size_t			 len = size * n;

	if (len > 13 && strncasecmp(line, "content-type:", 13) == 0)
		copy_header_value(line, len, 13, r->content_type,
		    sizeof(r->content_type));
	else if (len > 17 && strncasecmp(line, "www-authenticate:", 17) == 0)
		copy_header_value(line, len, 17, r->www_authenticate,
		    sizeof(r->www_authenticate));
	return (len);
}

int
http_call(const char *method, const char *url, const char *bearer,
    const char *content_type, const char *body, long timeout_ms,
    struct http_resp *r)
{
	struct curl_slist	*hdrs = NULL;
	CURL			*c;
	char			 line[512];
	CURLcode		 rc;

	memset(r, 0, sizeof(*r));
	if ((c = curl_easy_init()) == NULL)
		return (-1);
	/* Kore does not send "100 Continue"; do not wait for it. */
	hdrs = curl_slist_append(hdrs, "Expect:");
	if (bearer != NULL) {
		(void)snprintf(line, sizeof(line), "Authorization: Bearer %s",
		    bearer);
		hdrs = curl_slist_append(hdrs, line);
	}
	if (content_type != NULL) {
		(void)snprintf(line, sizeof(line), "Content-Type: %s",
		    content_type);
		hdrs = curl_slist_append(hdrs, line);
	}
	(void)curl_easy_setopt(c, CURLOPT_URL, url);
	(void)curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	(void)curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	(void)curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
	(void)curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
	(void)curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	(void)curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	(void)curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	(void)curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	(void)curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
	if (body != NULL) {
		(void)curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		(void)curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE,
		    (long)strlen(body));
	} else if (strcmp(method, "GET") != 0) {
		(void)curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
		(void)curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, 0L);
	}
	rc = curl_easy_perform(c);
	r->curl_code = (int)rc;
	if (rc == CURLE_OK)
		(void)curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	(void)curl_easy_getinfo(c, CURLINFO_TOTAL_TIME, &r->seconds);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(c);
	if (r->body == NULL && (r->body = calloc(1, 1)) == NULL)
		return (-1);
	return (rc == CURLE_OK ? 0 : -1);
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
