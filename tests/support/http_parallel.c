#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "http_easy.h"
#include "http_parallel.h"

struct slot {
	CURL			*h;
	struct curl_slist	*headers;
	struct http_job		*job;
	struct http_buf		 body;
};

static void
start(CURLM *m, struct slot *s, struct http_job *job, long timeout_ms)
{
	char	ct[128];

	memset(s, 0, sizeof(*s));
	s->job = job;
	s->h = http_easy(job->method != NULL ? job->method : "POST", job->url,
	    timeout_ms, &s->body);
	snprintf(ct, sizeof(ct), "Content-Type: %s", job->content_type != NULL ?
	    job->content_type : "application/json");
	s->headers = curl_slist_append(NULL, ct);
	s->headers = curl_slist_append(s->headers, "Expect:");
	curl_easy_setopt(s->h, CURLOPT_HTTPHEADER, s->headers);
	curl_easy_setopt(s->h, CURLOPT_POSTFIELDS, job->body != NULL ?
	    job->body : "");
	curl_easy_setopt(s->h, CURLOPT_POSTFIELDSIZE, (long)job->bodylen);
	curl_easy_setopt(s->h, CURLOPT_PRIVATE, s);
	curl_multi_add_handle(m, s->h);
}

int
http_parallel(struct http_job *jobs, size_t n, size_t parallel,
    long timeout_ms)
{
	CURLM		*m;
	CURLMsg		*msg;
	struct slot	*slots, *s;
	size_t		 next = 0, i;
	int		 running, left, failures = 0;

	if ((m = curl_multi_init()) == NULL)
		return (-1);
	if (parallel > n)
		parallel = n;
	slots = calloc(parallel, sizeof(*slots));
	for (i = 0; i < parallel; i++)
		start(m, &slots[i], &jobs[next++], timeout_ms);
	do {
		curl_multi_perform(m, &running);
		while ((msg = curl_multi_info_read(m, &left)) != NULL) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
			    (char **)&s);
			curl_easy_getinfo(s->h, CURLINFO_RESPONSE_CODE,
			    &s->job->reply.status);
			curl_easy_getinfo(s->h, CURLINFO_TOTAL_TIME,
			    &s->job->reply.seconds);
			s->job->reply.curl_error = (int)msg->data.result;
			if (msg->data.result != CURLE_OK)
				failures++;
			s->job->reply.body = s->body.p != NULL ? s->body.p :
			    calloc(1, 1);
			s->job->reply.len = s->body.len;
			s->job->reply.headers = calloc(1, 1);
			curl_multi_remove_handle(m, s->h);
			curl_easy_cleanup(s->h);
			curl_slist_free_all(s->headers);
			if (next < n) {
				start(m, s, &jobs[next++], timeout_ms);
				running++;
			}
		}
		if (running > 0)
			curl_multi_poll(m, NULL, 0, 100, NULL);
	} while (running > 0);
	curl_multi_cleanup(m);
	free(slots);
	return (failures == 0 ? 0 : -1);
}

void
http_parallel_free(struct http_job *jobs, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		http_reply_free(&jobs[i].reply);
}
