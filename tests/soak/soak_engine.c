/*
 * The asynchronous HTTP engine of the simulated floor: one libcurl multi
 * handle for every tablet, live board and operator request.
 */
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "soak.h"

static CURLM	*multi;
static int	 active;

#define BODY_LIMIT	(8u << 20)

int
engine_init(void)
{
	if ((multi = curl_multi_init()) == NULL)
		return (-1);
	curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, 400L);
	return (0);
}

void
engine_fini(void)
{
	if (multi != NULL)
		curl_multi_cleanup(multi);
	multi = NULL;
}

int
engine_active(void)
{
	return (active);
}

static size_t
xfer_write(char *data, size_t size, size_t n, void *arg)
{
	struct xfer	*x = arg;
	size_t		 add = size * n, ncap;
	char		*np;

	if (x->len + add > BODY_LIMIT)
		return (0);
	if (x->len + add + 1 > x->cap) {
		ncap = x->cap ? x->cap : 1024;
		while (ncap < x->len + add + 1)
			ncap *= 2;
		if ((np = realloc(x->body, ncap)) == NULL)
			return (0);
		x->body = np;
		x->cap = ncap;
	}
	memcpy(x->body + x->len, data, add);
	x->len += add;
	x->body[x->len] = '\0';
	return (add);
}

struct xfer *
engine_start(struct soak *sk, int route, const char *method, const char *path,
    const char *body, const char *last_event_id, xfer_done_fn *done,
    void *arg, int is_sse, size_t (*sse_write)(char *, size_t, size_t,
    void *))
{
	struct soak_opts	*opt = &sk->opt;
	struct xfer		*x;
	CURL			*h;
	struct curl_slist	*hl = NULL;
	char			 url[SOAK_URL_MAX + 512], hdr[160];

	if ((x = calloc(1, sizeof(*x))) == NULL)
		return (NULL);
	if ((h = curl_easy_init()) == NULL) {
		free(x);
		return (NULL);
	}
	x->h = h;
	x->route = route;
	x->done = done;
	x->arg = arg;
	x->sk = sk;
	x->is_sse = is_sse;
	snprintf(url, sizeof(url), "%s%s", opt->base_url, path);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_PRIVATE, x);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "zeues-soak/1");
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
	if (is_sse) {
		hl = curl_slist_append(hl, "Accept: text/event-stream");
		hl = curl_slist_append(hl, "Cache-Control: no-cache");
		if (last_event_id != NULL && last_event_id[0] != '\0') {
			snprintf(hdr, sizeof(hdr), "Last-Event-ID: %s",
			    last_event_id);
			hl = curl_slist_append(hl, hdr);
		}
		curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sse_write);
		curl_easy_setopt(h, CURLOPT_WRITEDATA, arg);
		/* The frontend's watchdog: heartbeats come every 15 s. */
		curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
		curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 45L);
	} else {
		curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, xfer_write);
		curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
		curl_easy_setopt(h, CURLOPT_TIMEOUT_MS,
		    (long)(opt->request_timeout * 1000));
	}
	if (body != NULL) {
		x->post = strdup(body);
		hl = curl_slist_append(hl, "Content-Type: application/json");
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, x->post);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE,
		    (long)strlen(x->post));
	}
	if (method != NULL && strcmp(method, "GET") != 0)
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	x->hdrs = hl;
	if (hl != NULL)
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
	if (curl_multi_add_handle(multi, h) != CURLM_OK) {
		xfer_free(x);
		return (NULL);
	}
	active++;
	return (x);
}

void
xfer_free(struct xfer *x)
{
	if (x == NULL)
		return;
	if (x->h != NULL)
		curl_easy_cleanup(x->h);
	curl_slist_free_all(x->hdrs);
	free(x->body);
	free(x->post);
	free(x);
}

/* Removes a running transfer without calling its done function. */
void
engine_cancel(struct soak *sk, struct xfer *x)
{
	struct soak_stats	*st = &sk->st;

	if (x == NULL)
		return;
	curl_multi_remove_handle(multi, x->h);
	active--;
	if (!x->recorded) {
		pthread_mutex_lock(&st->lock);
		st->cancelled++;
		pthread_mutex_unlock(&st->lock);
	}
	xfer_free(x);
}

void
engine_step(struct soak *sk, int wait_ms)
{
	CURLMsg		*m;
	struct xfer	*x;
	char		*priv;
	int		 running, left, rounds = 0;
	curl_off_t	 t = 0;
	long		 status = 0;

	curl_multi_perform(multi, &running);
	while ((m = curl_multi_info_read(multi, &left)) != NULL &&
	    rounds++ < 10000) {
		if (m->msg != CURLMSG_DONE)
			continue;
		priv = NULL;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &priv);
		if ((x = (struct xfer *)(void *)priv) == NULL)
			continue;
		x->curl_error = (int)m->data.result;
		curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &status);
		x->status = status;
		curl_easy_getinfo(x->h, CURLINFO_TOTAL_TIME_T, &t);
		x->us = (uint64_t)t;
		curl_multi_remove_handle(multi, x->h);
		active--;
		if (x->is_sse) {
			sse_done(sk, x->arg, x->status, x->curl_error);
			xfer_free(x);
			continue;
		}
		if (x->curl_error != CURLE_OK)
			x->status = 0;
		stats_response(sk, x->route, x->status, x->body, x->len, x->us,
		    x->curl_error);
		if (x->done != NULL)
			x->done(x, x->arg);
		xfer_free(x);
	}
	if (wait_ms > 0)
		curl_multi_poll(multi, NULL, 0, wait_ms, NULL);
}
