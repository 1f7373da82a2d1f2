/*
 * The access log's Kore side: what is known of a request between its first
 * handler run and its answer (start time, request id, the occupation
 * route's tag and worker), and the line written when it is answered.
 *
 * Kore 4.1 resets req->start on every run of a sleeping handler and has no
 * field a module may own, so the notes live in a per-worker table keyed by
 * the request's address.  Kore recycles requests from a pool of at most
 * http_request_limit live ones, so the table never holds more addresses
 * than that; a flag bit Kore does not use tells a request seen before from
 * a recycled address whose note is stale.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "access_log.h"
#include "zeues.h"

/* Not one of Kore 4.1's HTTP_REQUEST_* bits. */
#define REQUEST_NOTED		0x0400
#define NOTE_TAG_MAX		64
#define LOG_BUFFER_BYTES	4096
#define LOG_FLUSH_MS		100

struct note {
	struct http_request	*req;
	uint64_t		 start_us;
	char			 id[ACCESS_LOG_ID_MAX + 1];
	char			 tag[NOTE_TAG_MAX + 1];
	long long		 worker_id;
	int			 has_tag;
};

static struct note	*notes;
static size_t		 nnotes;
static uint32_t		 id_prefix;
static uint64_t		 id_counter;
static char		 pending[LOG_BUFFER_BYTES];
static size_t		 npending;
static int		 flushing;

static uint64_t
now_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000);
}

static int
notes_ready(void)
{
	size_t	n = 64;

	if (notes != NULL)
		return (1);
	while (n < 2 * (size_t)http_request_limit)
		n *= 2;
	if ((notes = calloc(n, sizeof(*notes))) == NULL)
		return (0);
	nnotes = n;
	id_prefix = (uint32_t)random();
	return (1);
}

/* The request's note, or a free slot for it; NULL when the table is full. */
static struct note *
note_slot(struct http_request *req)
{
	size_t	i, h;

	if (!notes_ready())
		return (NULL);
	h = ((uintptr_t)req >> 4) * 2654435761u;
	for (i = 0; i < nnotes; i++) {
		struct note	*n = &notes[(h + i) & (nnotes - 1)];

		if (n->req == req || n->req == NULL)
			return (n);
	}
	return (NULL);
}

static struct note *
note_of(struct http_request *req)
{
	struct note	*n;

	if (!(req->flags & REQUEST_NOTED) || (n = note_slot(req)) == NULL ||
	    n->req != req)
		return (NULL);
	return (n);
}

void
request_log_begin(struct http_request *req)
{
	struct note	*n;
	const char	*given;

	if (req->flags & REQUEST_NOTED || (n = note_slot(req)) == NULL)
		return;
	req->flags |= REQUEST_NOTED;
	n->req = req;
	n->start_us = now_us();
	n->has_tag = 0;
	n->worker_id = -1;
	if (http_request_header(req, "x-request-id", &given) &&
	    access_log_id_acceptable(given)) {
		snprintf(n->id, sizeof(n->id), "%s", given);
	} else {
		request_log_new_id(n->id, sizeof(n->id));
	}
}

uint64_t
request_log_elapsed_us(struct http_request *req)
{
	struct note	*n = note_of(req);

	return (n != NULL ? now_us() - n->start_us :
	    (kore_time_ms() - req->start) * 1000);
}

void
request_log_new_id(char *buf, size_t len)
{
	if (!notes_ready()) {
		snprintf(buf, len, "-");
		return;
	}
	snprintf(buf, len, "%08x-%02x-%012llx", id_prefix,
	    (unsigned int)zw.id, (unsigned long long)++id_counter);
}

void
request_log_occupation(struct http_request *req, const char *tag,
    long long worker_id)
{
	struct note	*n;

	if ((n = note_of(req)) == NULL)
		return;
	n->has_tag = tag != NULL;
	if (tag != NULL)
		snprintf(n->tag, sizeof(n->tag), "%s", tag);
	n->worker_id = worker_id;
}

const char *
request_log_id(struct http_request *req)
{
	struct note	*n = note_of(req);

	return (n != NULL ? n->id : "-");
}

static int
is_occupation_route(enum http_route route)
{
	switch (route) {
	case ROUTE_TOMAR:
	case ROUTE_PAUSAR:
	case ROUTE_COMPLETAR:
	case ROUTE_BATCH_TOMAR:
	case ROUTE_V4_INICIAR:
	case ROUTE_V4_FINALIZAR:
		return (1);
	default:
		return (0);
	}
}

/* UTC with milliseconds; the seconds are formatted once per second. */
static void
utc_time(char *buf, size_t len)
{
	static time_t	last_sec = -1;
	static char	secs[32];
	static size_t	nsecs;
	struct timespec	ts;
	struct tm	tm;
	int		ms;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (ts.tv_sec != last_sec) {
		gmtime_r(&ts.tv_sec, &tm);
		nsecs = strftime(secs, sizeof(secs), "%Y-%m-%dT%H:%M:%S", &tm);
		last_sec = ts.tv_sec;
	}
	if (len < nsecs + 6)
		return;
	ms = (int)(ts.tv_nsec / 1000000);
	memcpy(buf, secs, nsecs);
	buf[nsecs] = '.';
	buf[nsecs + 1] = (char)('0' + ms / 100);
	buf[nsecs + 2] = (char)('0' + ms / 10 % 10);
	buf[nsecs + 3] = (char)('0' + ms % 10);
	buf[nsecs + 4] = 'Z';
	buf[nsecs + 5] = '\0';
}

static void
flush(void)
{
	ssize_t	n;

	if (npending == 0)
		return;
	/* A failed write has nowhere to be reported: it is the log. */
	n = write(STDERR_FILENO, pending, npending);
	(void)n;
	npending = 0;
}

static void
flush_tick(void *arg, u_int64_t now)
{
	(void)arg;
	(void)now;
	flush();
}

static void
append(const char *line, size_t len)
{
	if (!flushing) {
		flushing = 1;
		kore_timer_add(flush_tick, LOG_FLUSH_MS, NULL, 0);
		atexit(flush);
	}
	if (npending + len > sizeof(pending))
		flush();
	memcpy(pending + npending, line, len);
	npending += len;
}

void
request_log_end(struct http_request *req, enum http_route route, int status)
{
	struct access_log_entry	 e;
	struct note		*n;
	char			 line[ACCESS_LOG_LINE_MAX], ts[40];
	size_t			 len;

	if (!zeues_cfg.access_log)
		return;
	n = note_of(req);
	memset(&e, 0, sizeof(e));
	utc_time(ts, sizeof(ts));
	e.time = ts;
	e.request_id = n != NULL ? n->id : "-";
	e.method = http_method_text(req->method);
	e.route = http_route_name(route);
	e.path = req->path;
	e.status = status;
	e.duration_us = request_log_elapsed_us(req);
	if (is_occupation_route(route)) {
		e.has_occupation = 1;
		e.tag = n != NULL && n->has_tag ? n->tag : NULL;
		e.worker_id = n != NULL ? n->worker_id : -1;
		e.kore_worker = zw.id;
		e.pool_open = zw.stats->redis.open;
		e.pool_budget = zw.stats->redis.max_connections;
		e.pool_waiting = zw.stats->redis.waiting_requests;
	}
	len = access_log_line(zeues_cfg.log_format, &e, line, sizeof(line));
	append(line, len);
}
