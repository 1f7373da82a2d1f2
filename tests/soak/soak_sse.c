/*
 * The live boards: EventSource clients of GET /api/sse/stream that behave
 * like the frontend.  A board loads GET /api/dashboard/occupied when it
 * mounts and after a "reset" event; it closes its stream when the tab is
 * hidden and reopens it with Last-Event-ID when the tab is shown again;
 * after a failure it reconnects with exponential backoff, 1 s to 30 s.
 *
 * Every spool_update is checked: ids must increase on each stream, the
 * lag from the event's id (the Redis stream id, "<ms>-<seq>") to its
 * receipt is measured, and the event is matched with the acknowledged
 * mutation it reports (TOMAR response -> SSE event).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "soak.h"

enum bstate { B_WAIT, B_CONNECTING, B_OPEN, B_HIDDEN };

#define LINE_MAX_BYTES	(64 * 1024)

struct board {
	int		 idx;
	struct rng	 r;
	enum bstate	 state;
	struct xfer	*x;
	double		 next;		/* reconnect or reopen at */
	double		 hide_at;
	double		 opened_at;
	int		 fails;
	int		 got_event;
	int		 recorded;	/* status of this attempt counted */
	char		 last_id[48];
	/* parser */
	char		*line;
	size_t		 llen;
	int		 cr;
	char		 ev_id[48];
	int		 ev_id_set;
	char		 ev_type[40];
	char		*data;
	size_t		 dlen;
	char		 errbody[512];
	size_t		 errlen;
	struct xfer	*dash;
};

static struct board	*boards;
static int		 nboards;
static int		 sse_seen_200;

/* Events that came before their mutation's answer. */
#define EARLY_MAX	512
struct early {
	int	kind;
	int	worker;
	char	tag[SOAK_TAG_MAX];
	char	event_id[48];
	double	t;
};
static struct early	early[EARLY_MAX];
static unsigned		nearly;


int
sse_route_seen(void)
{
	return (sse_seen_200);
}

int
sse_init(struct soak *sk)
{
	struct soak_opts	*opt = &sk->opt;
	int			 i;

	nboards = opt->sse_clients;
	if (nboards <= 0)
		return (0);
	if ((boards = calloc((size_t)nboards, sizeof(*boards))) == NULL)
		return (-1);
	for (i = 0; i < nboards; i++) {
		boards[i].idx = i;
		rng_seed(&boards[i].r, opt->seed * 104729u + (uint64_t)i + 3);
		boards[i].state = B_WAIT;
		/* Boards open over the first few seconds. */
		boards[i].next = soak_now() + rng_range(&boards[i].r, 0, 5);
	}
	return (0);
}

static void
dash_done(struct xfer *x, void *arg)
{
	struct board	*b = arg;

	(void)x;
	b->dash = NULL;
}

static void
board_load(struct soak *sk, struct board *b)
{
	if (b->dash == NULL)
		b->dash = engine_start(sk, RT_DASHBOARD, "GET",
		    "/api/dashboard/occupied", NULL, NULL, dash_done, b, 0,
		    NULL);
}

static void
parser_reset(struct board *b)
{
	b->llen = 0;
	b->cr = 0;
	b->ev_id[0] = b->ev_type[0] = '\0';
	b->ev_id_set = 0;
	b->dlen = 0;
	b->errlen = 0;
}

static int
id_parse(const char *s, unsigned long long *ms, unsigned long long *seq)
{
	char	*end;

	*ms = strtoull(s, &end, 10);
	if (end == s || *end != '-')
		return (-1);
	*seq = strtoull(end + 1, &end, 10);
	return (*end == '\0' ? 0 : -1);
}

static int
id_cmp(const char *a, const char *b)
{
	unsigned long long	am, as, bm, bs;

	if (id_parse(a, &am, &as) == -1 || id_parse(b, &bm, &bs) == -1)
		return (strcmp(a, b));
	if (am != bm)
		return (am < bm ? -1 : 1);
	return (as < bs ? -1 : as > bs ? 1 : 0);
}

static int
kind_of(const char *event_type)
{
	if (event_type == NULL)
		return (-1);
	if (strcmp(event_type, "TOMAR") == 0)
		return (MUT_TOMAR);
	if (strcmp(event_type, "PAUSAR") == 0)
		return (MUT_PAUSAR);
	if (strcmp(event_type, "COMPLETAR") == 0)
		return (MUT_COMPLETAR);
	return (-1);
}

static void
deliver(struct soak *sk, double dt)
{
	struct soak_stats	*st = &sk->st;
	uint64_t		 us = dt > 0 ? (uint64_t)(dt * 1e6) : 0;

	pthread_mutex_lock(&st->lock);
	lh_add(&st->sse_deliver, us);
	lh_add(&st->sse_deliver_iv, us);
	pthread_mutex_unlock(&st->lock);
}

static void
match_event(struct soak *sk, int kind, const char *tag, int worker,
    const char *event_id)
{
	struct floor_model	*fl = &sk->fl;
	struct mutation		*m;
	struct early		*e;
	size_t			 i, lo;
	double			 now = soak_now();

	lo = fl->nmuts > 8192 ? fl->nmuts - 8192 : 0;
	/* Another board's copy of an event already matched. */
	if (event_id[0] != '\0') {
		for (i = fl->nmuts; i > lo; i--) {
			m = &fl->muts[i - 1];
			if (m->seen && strcmp(m->event_id, event_id) == 0) {
				deliver(sk, now - m->t_ack);
				return;
			}
		}
	}
	for (i = lo; i < fl->nmuts; i++) {
		m = &fl->muts[i];
		if (m->seen || m->status != 200 || m->kind != kind ||
		    m->worker != worker ||
		    strcmp(fl->spools[m->spool].tag, tag) != 0)
			continue;
		m->seen = 1;
		m->t_event = now;
		snprintf(m->event_id, sizeof(m->event_id), "%s", event_id);
		deliver(sk, now - m->t_ack);
		return;
	}
	/* Its answer has not been read yet (or it is not ours). */
	e = &early[nearly++ % EARLY_MAX];
	e->kind = kind;
	e->worker = worker;
	snprintf(e->tag, sizeof(e->tag), "%s", tag);
	snprintf(e->event_id, sizeof(e->event_id), "%s", event_id);
	e->t = now;
}

void
sse_note_ack(struct soak *sk, int mut)
{
	struct soak_stats	*st = &sk->st;
	struct floor_model	*fl = &sk->fl;
	struct mutation		*m = &fl->muts[mut];
	struct early		*e;
	unsigned		 i, n = nearly < EARLY_MAX ? nearly : EARLY_MAX;

	for (i = 0; i < n; i++) {
		e = &early[i];
		if (e->t == 0 || e->kind != m->kind || e->worker != m->worker ||
		    strcmp(e->tag, fl->spools[m->spool].tag) != 0)
			continue;
		m->seen = 1;
		m->t_event = e->t;
		snprintf(m->event_id, sizeof(m->event_id), "%s", e->event_id);
		e->t = 0;
		pthread_mutex_lock(&st->lock);
		st->sse_event_before_ack++;
		lh_add(&st->sse_deliver, 0);
		lh_add(&st->sse_deliver_iv, 0);
		pthread_mutex_unlock(&st->lock);
		return;
	}
}

static void
dispatch(struct soak *sk, struct board *b)
{
	struct soak_stats	*st = &sk->st;
	yajl_val		 root;
	char			 err[128], idbuf[48];
	const char		*et, *tag;
	long long		 wid = 0;
	unsigned long long	 ms, seq;
	double			 lag;
	int			 out_of_order = 0, kind;

	if (b->ev_id_set) {
		if (b->ev_id[0] != '\0' && b->last_id[0] != '\0' &&
		    id_cmp(b->ev_id, b->last_id) <= 0)
			out_of_order = 1;
		snprintf(b->last_id, sizeof(b->last_id), "%s", b->ev_id);
	}
	if (strcmp(b->ev_type, "reset") == 0) {
		pthread_mutex_lock(&st->lock);
		st->sse_resets++;
		pthread_mutex_unlock(&st->lock);
		board_load(sk, b);
		return;
	}
	if (b->dlen == 0)
		return;
	if (b->ev_type[0] != '\0' && strcmp(b->ev_type, "spool_update") != 0)
		return;
	b->got_event = 1;
	snprintf(idbuf, sizeof(idbuf), "%s", b->ev_id);
	b->data[b->dlen] = '\0';
	root = yajl_tree_parse(b->data, err, sizeof(err));
	pthread_mutex_lock(&st->lock);
	st->sse_events++;
	if (out_of_order)
		st->sse_out_of_order++;
	if (root == NULL)
		st->sse_parse_errors++;
	if (idbuf[0] != '\0' && id_parse(idbuf, &ms, &seq) == 0) {
		lag = soak_wall() * 1000.0 - (double)ms;
		if (lag < 0)
			lag = 0;
		if (lag < 86400e3) {
			lh_add(&st->sse_lag, (uint64_t)(lag * 1000));
			lh_add(&st->sse_lag_iv, (uint64_t)(lag * 1000));
		}
	}
	pthread_mutex_unlock(&st->lock);
	if (root == NULL)
		return;
	et = jstr(root, "event_type");
	tag = jstr(root, "tag_spool");
	jint(root, "worker_id", &wid);
	if (idbuf[0] == '\0' && jstr(root, "event_id") != NULL)
		snprintf(idbuf, sizeof(idbuf), "%s", jstr(root, "event_id"));
	if ((kind = kind_of(et)) != -1 && tag != NULL)
		match_event(sk, kind, tag, (int)wid, idbuf);
	yajl_tree_free(root);
}

static void
field(struct soak *sk, struct board *b, const char *line, size_t len)
{
	struct soak_stats	*st = &sk->st;
	const char		*colon, *v;
	size_t			 flen, vlen;
	char			*np;

	if (len == 0) {
		dispatch(sk, b);
		b->ev_type[0] = '\0';
		b->ev_id_set = 0;
		b->dlen = 0;
		return;
	}
	if (line[0] == ':') {
		pthread_mutex_lock(&st->lock);
		st->sse_heartbeats++;
		pthread_mutex_unlock(&st->lock);
		return;
	}
	colon = memchr(line, ':', len);
	flen = colon != NULL ? (size_t)(colon - line) : len;
	v = colon != NULL ? colon + 1 : line + len;
	vlen = (size_t)(line + len - v);
	if (vlen > 0 && *v == ' ') {
		v++;
		vlen--;
	}
	if (flen == 2 && memcmp(line, "id", 2) == 0) {
		if (vlen < sizeof(b->ev_id) && memchr(v, '\0', vlen) == NULL) {
			memcpy(b->ev_id, v, vlen);
			b->ev_id[vlen] = '\0';
			b->ev_id_set = 1;
		}
	} else if (flen == 5 && memcmp(line, "event", 5) == 0) {
		if (vlen >= sizeof(b->ev_type))
			vlen = sizeof(b->ev_type) - 1;
		memcpy(b->ev_type, v, vlen);
		b->ev_type[vlen] = '\0';
	} else if (flen == 4 && memcmp(line, "data", 4) == 0) {
		if (b->dlen + vlen + 2 > LINE_MAX_BYTES)
			return;
		if ((np = realloc(b->data, b->dlen + vlen + 2)) == NULL)
			return;
		b->data = np;
		if (b->dlen > 0)
			b->data[b->dlen++] = '\n';
		memcpy(b->data + b->dlen, v, vlen);
		b->dlen += vlen;
		b->data[b->dlen] = '\0';
	}
	/* retry: the frontend's own backoff is used instead. */
}

static size_t
sse_write(char *data, size_t size, size_t n, void *arg)
{
	struct soak		*sk = ((struct board *)arg)->x->sk;
	struct soak_opts	*opt = &sk->opt;
	struct soak_stats	*st = &sk->st;
	struct board		*b = arg;
	size_t			 len = size * n, i;
	long			 status = 0;
	curl_off_t		 t = 0;

	curl_easy_getinfo(b->x->h, CURLINFO_RESPONSE_CODE, &status);
	if (status != 200) {
		i = sizeof(b->errbody) - 1 - b->errlen;
		if (i > len)
			i = len;
		memcpy(b->errbody + b->errlen, data, i);
		b->errlen += i;
		b->errbody[b->errlen] = '\0';
		return (len);
	}
	if (!b->recorded) {
		b->recorded = 1;
		b->x->recorded = 1;
		sse_seen_200 = 1;
		curl_easy_getinfo(b->x->h, CURLINFO_STARTTRANSFER_TIME_T, &t);
		stats_response(sk, RT_SSE, 200, NULL, 0, (uint64_t)t, 0);
		pthread_mutex_lock(&st->lock);
		lh_add(&st->lat[RT_SSE], (uint64_t)t);
		lh_add(&st->lat_iv[RT_SSE], (uint64_t)t);
		st->sse_open++;
		st->sse_connects++;
		if (b->last_id[0] != '\0')
			st->sse_replay_requests++;
		pthread_mutex_unlock(&st->lock);
		b->state = B_OPEN;
		b->opened_at = soak_now();
		b->hide_at = b->opened_at + rng_exp(&b->r,
		    opt->sse_visible_mean);
		if (b->last_id[0] == '\0')
			board_load(sk, b);
	}
	for (i = 0; i < len; i++) {
		char	c = data[i];

		if (c == '\n' && b->cr) {
			b->cr = 0;
			continue;
		}
		b->cr = (c == '\r');
		if (c == '\n' || c == '\r') {
			field(sk, b, b->line != NULL ? b->line : "", b->llen);
			b->llen = 0;
			continue;
		}
		if (b->llen + 2 > LINE_MAX_BYTES) {
			pthread_mutex_lock(&st->lock);
			st->sse_parse_errors++;
			pthread_mutex_unlock(&st->lock);
			return (0);	/* abort: the stream is broken */
		}
		if (b->line == NULL &&
		    (b->line = malloc(LINE_MAX_BYTES)) == NULL)
			return (0);
		b->line[b->llen++] = c;
		b->line[b->llen] = '\0';
	}
	return (len);
}

static void
board_connect(struct soak *sk, struct board *b)
{
	parser_reset(b);
	b->recorded = 0;
	b->got_event = 0;
	b->state = B_CONNECTING;
	b->x = engine_start(sk, RT_SSE, "GET", "/api/sse/stream", NULL,
	    b->last_id, NULL, b, 1, sse_write);
	if (b->x == NULL) {
		b->state = B_WAIT;
		b->next = soak_now() + 5;
	}
}

static void
board_backoff(struct board *b)
{
	double	d;

	if (b->got_event || (b->opened_at > 0 &&
	    soak_now() - b->opened_at >= 30))
		b->fails = 0;
	d = (double)(1 << (b->fails < 5 ? b->fails : 5));
	if (d > 30)
		d = 30;
	d *= rng_range(&b->r, 0.5, 1.0);
	if (d < 1)
		d = 1;
	b->fails++;
	b->state = B_WAIT;
	b->next = soak_now() + d;
	b->opened_at = 0;
}

void
sse_done(struct soak *sk, void *arg, long status, int curl_error)
{
	struct soak_stats	*st = &sk->st;
	struct board		*b = arg;

	b->x = NULL;
	if (!b->recorded) {
		/* Never reached 200: its status counts now. */
		stats_response(sk, RT_SSE, status, b->errbody, b->errlen, 0,
		    curl_error);
		pthread_mutex_lock(&st->lock);
		st->sse_connect_fail++;
		pthread_mutex_unlock(&st->lock);
	} else {
		pthread_mutex_lock(&st->lock);
		st->sse_open--;
		if (curl_error == CURLE_OPERATION_TIMEDOUT)
			st->sse_stalls++;
		pthread_mutex_unlock(&st->lock);
	}
	board_backoff(b);
}

void
sse_tick(struct soak *sk, double now)
{
	struct soak_opts	*opt = &sk->opt;
	struct soak_stats	*st = &sk->st;
	struct board		*b;
	int			 i;

	for (i = 0; i < nboards; i++) {
		b = &boards[i];
		switch (b->state) {
		case B_WAIT:
		case B_HIDDEN:
			if (now >= b->next)
				board_connect(sk, b);
			break;
		case B_OPEN:
			if (now >= b->hide_at) {
				/* The tab is hidden: the frontend closes. */
				engine_cancel(sk, b->x);
				b->x = NULL;
				pthread_mutex_lock(&st->lock);
				st->sse_open--;
				st->sse_hides++;
				pthread_mutex_unlock(&st->lock);
				b->state = B_HIDDEN;
				b->fails = 0;
				b->next = now + rng_range(&b->r,
				    opt->sse_hidden_min, opt->sse_hidden_max);
			}
			break;
		default:
			break;
		}
	}
}

void
sse_stop_all(struct soak *sk)
{
	struct soak_stats	*st = &sk->st;
	int			 i;

	for (i = 0; i < nboards; i++) {
		struct board	*b = &boards[i];

		if (b->x != NULL) {
			engine_cancel(sk, b->x);
			b->x = NULL;
			if (b->state == B_OPEN) {
				pthread_mutex_lock(&st->lock);
				st->sse_open--;
				pthread_mutex_unlock(&st->lock);
			}
		}
		if (b->dash != NULL) {
			engine_cancel(sk, b->dash);
			b->dash = NULL;
		}
		free(b->line);
		free(b->data);
		b->line = b->data = NULL;
		b->state = B_HIDDEN;
		b->next = 1e18;
	}
}

void
sse_fini(struct soak *sk)
{
	sse_stop_all(sk);
	free(boards);
	boards = NULL;
	nboards = 0;
}
