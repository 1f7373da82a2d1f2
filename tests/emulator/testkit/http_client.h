/*
 * Blocking HTTP requests for the golden test (libcurl), always with a
 * timeout.
 */
#ifndef TESTKIT_HTTP_CLIENT_H
#define TESTKIT_HTTP_CLIENT_H

#include <stddef.h>

#define HTTP_TIMEOUT_MS		10000

struct http_resp {
	long	 status;	/* 0 when the transfer failed */
	int	 curl_code;
	char	*body;		/* NUL-terminated */
	size_t	 len;
	double	 seconds;
	char	 content_type[128];
	char	 www_authenticate[256];
};

/*
 * method is GET, POST or PUT; bearer and body may be NULL.  Returns 0 when
 * an HTTP answer arrived, -1 otherwise (r->curl_code says why).
 */
int	http_call(const char *method, const char *url, const char *bearer,
	    const char *content_type, const char *body, long timeout_ms,
	    struct http_resp *r);
void	http_resp_free(struct http_resp *);
/* Percent-encodes one path segment or query value (caller frees). */
char	*http_escape(const char *);

#endif
