/*
 * Many HTTP requests at once (libcurl multi), each with its own body, for
 * races and for floods of hostile input.  Replies come back in order.
 */
#ifndef ZEUES_HTTP_PARALLEL_H
#define ZEUES_HTTP_PARALLEL_H

#include <stddef.h>

#include "harness.h"

struct http_job {
	const char		*method;	/* NULL: POST */
	const char		*url;
	const char		*body;
	size_t			 bodylen;
	const char		*content_type;	/* NULL: application/json */
	struct http_reply	 reply;
};

/* Runs jobs with at most `parallel` in flight; 0 when all got answers. */
int	http_parallel(struct http_job *jobs, size_t n, size_t parallel,
	    long timeout_ms);
void	http_parallel_free(struct http_job *jobs, size_t n);

#endif
