#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "harness.h"
#include "http_easy.h"
#include "http_load.h"

#define LATENCY_SLOTS	100000	/* 10 us resolution up to 1 s, then capped */

struct client {
	CURL		*h;
	uint64_t	 started_us;
};

static uint64_t
now_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000);
}

static double
percentile(const uint64_t *hist, uint64_t total, double q)
{
	uint64_t	rank = (uint64_t)(q * (double)total), seen = 0;
	size_t		i;

	for (i = 0; i < LATENCY_SLOTS; i++) {
		seen += hist[i];
		if (seen > rank)
			return ((double)i * 0.01);
	}
	return ((double)LATENCY_SLOTS * 0.01);
}

int
http_load_run(const char *url, int connections, double seconds,
    struct http_load_result *out)
{
	CURLM		*m;
	CURLMsg		*msg;
	struct client	*cl;
	uint64_t	*hist, start, end, lat, max_lat = 0;
	long		 status;
	int		 i, running, left;

	memset(out, 0, sizeof(*out));
	if ((m = curl_multi_init()) == NULL)
		return (-1);
	cl = calloc((size_t)connections, sizeof(*cl));
	hist = calloc(LATENCY_SLOTS, sizeof(*hist));
	curl_multi_setopt(m, CURLMOPT_MAXCONNECTS, (long)connections);

	start = now_us();
	end = start + (uint64_t)(seconds * 1e6);
	for (i = 0; i < connections; i++) {
		cl[i].h = http_easy(NULL, url, 30000L, NULL);
		curl_easy_setopt(cl[i].h, CURLOPT_PRIVATE, &cl[i]);
		cl[i].started_us = now_us();
		curl_multi_add_handle(m, cl[i].h);
	}

	running = connections;
	while (running > 0) {
		curl_multi_perform(m, &running);
		while ((msg = curl_multi_info_read(m, &left)) != NULL) {
			struct client	*c;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
			    (char **)&c);
			lat = now_us() - c->started_us;
			if (lat > max_lat)
				max_lat = lat;
			hist[lat / 10 < LATENCY_SLOTS ? lat / 10 :
			    LATENCY_SLOTS - 1]++;
			if (msg->data.result != CURLE_OK) {
				out->transport_errors++;
			} else {
				out->requests++;
				curl_easy_getinfo(c->h, CURLINFO_RESPONSE_CODE,
				    &status);
				if (status >= 200 && status < 300)
					out->ok++;
				else
					out->non_2xx++;
			}
			curl_multi_remove_handle(m, c->h);
			if (now_us() < end) {
				c->started_us = now_us();
				curl_multi_add_handle(m, c->h);
				running++;
			}
		}
		if (running > 0)
			curl_multi_poll(m, NULL, 0, 10, NULL);
	}

	out->seconds = (double)(now_us() - start) / 1e6;
	out->rps = out->seconds > 0 ? (double)out->requests / out->seconds : 0;
	out->p50_ms = percentile(hist, out->requests + out->transport_errors,
	    0.50);
	out->p99_ms = percentile(hist, out->requests + out->transport_errors,
	    0.99);
	out->max_ms = (double)max_lat / 1000.0;
	for (i = 0; i < connections; i++)
		curl_easy_cleanup(cl[i].h);
	curl_multi_cleanup(m);
	free(cl);
	free(hist);
	return (0);
}
