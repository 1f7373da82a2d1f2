/*
 * The one libcurl set-up of the tests: every request a test makes, alone
 * (harness.h's http_request) or many at once (http_parallel, http_load),
 * starts from http_easy().
 */
#ifndef ZEUES_TEST_HTTP_EASY_H
#define ZEUES_TEST_HTTP_EASY_H

#include <stddef.h>

#include <curl/curl.h>

/* A growing NUL-terminated buffer; start from { NULL, 0 }. */
struct http_buf {
	char	*p;
	size_t	 len;
};

/* libcurl write callback appending to the struct http_buf at arg. */
size_t	http_buf_write(char *data, size_t size, size_t n, void *arg);

/*
 * An easy handle for url without signals and with a total timeout; method
 * NULL is libcurl's own (GET); the response body is appended to body, or
 * thrown away when body is NULL.  NULL if libcurl has no handle to give.
 */
CURL	*http_easy(const char *method, const char *url, long timeout_ms,
	    struct http_buf *body);

#endif
