#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "http_easy.h"

size_t
http_buf_write(char *data, size_t size, size_t n, void *arg)
{
	struct http_buf	*b = arg;
	size_t		 add = size * n;
	char		*np;

	if ((np = realloc(b->p, b->len + add + 1)) == NULL)
		return (0);
	b->p = np;
	memcpy(b->p + b->len, data, add);
	b->len += add;
	b->p[b->len] = '\0';
	return (add);
}

static size_t
discard(char *data, size_t size, size_t n, void *arg)
{
	(void)data;
	(void)arg;
	return (size * n);
}

CURL *
http_easy(const char *method, const char *url, long timeout_ms,
    struct http_buf *body)
{
	CURL	*h;

	if ((h = curl_easy_init()) == NULL)
		return (NULL);
	curl_easy_setopt(h, CURLOPT_URL, url);
	if (method != NULL)
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
	if (body != NULL) {
		curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, http_buf_write);
		curl_easy_setopt(h, CURLOPT_WRITEDATA, body);
	} else
		curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
	return (h);
}
