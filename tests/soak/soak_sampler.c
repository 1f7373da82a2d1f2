/*
 * The sampler thread.  Every --probe-interval it asks /api/health and
 * checks the dependencies itself (a PING on its own Redis connection, the
 * emulator's admin API), so health can be judged against the truth.  Every
 * --sample-interval it records one line of the samples file: the server's
 * pool figures, Redis's own INFO and CLIENT LIST count of this service,
 * the load since the last sample, the live boards, the emulator counters.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <hiredis/hiredis.h>

#include "redis_text.h"
#include "redis_url.h"
#include "soak.h"


static pthread_t	thr;
static atomic_int	quit;
static int		running;
static redisContext	*rc;
static uint64_t		prev_resp, prev_5xx, prev_transport, prev_events;

/* A fresh connection to --redis-url, named zeues-soak; NULL on failure. */
redisContext *
soak_redis_connect(struct soak *sk)
{
	struct soak_opts	*opt = &sk->opt;
	struct redis_url	 u;
	struct timeval		 tv = { 2, 0 };
	redisContext		*c;
	redisReply		*r;
	char			 err[256];

	if (opt->redis_url[0] == '\0')
		return (NULL);
	if (redis_url_parse(opt->redis_url, &u, err, sizeof(err)) == -1)
		return (NULL);
	c = redisConnectWithTimeout(u.host, u.port, tv);
	if (c == NULL || c->err) {
		if (c != NULL)
			redisFree(c);
		redis_url_clear(&u);
		return (NULL);
	}
	redisSetTimeout(c, tv);
	if (u.password[0] != '\0') {
		if (u.username[0] != '\0')
			r = redisCommand(c, "AUTH %s %s", u.username,
			    u.password);
		else
			r = redisCommand(c, "AUTH %s", u.password);
		if (r == NULL || r->type == REDIS_REPLY_ERROR) {
			if (r != NULL)
				freeReplyObject(r);
			redisFree(c);
			redis_url_clear(&u);
			return (NULL);
		}
		freeReplyObject(r);
	}
	if (u.db != 0) {
		r = redisCommand(c, "SELECT %d", u.db);
		if (r != NULL)
			freeReplyObject(r);
	}
	r = redisCommand(c, "CLIENT SETNAME zeues-soak");
	if (r != NULL)
		freeReplyObject(r);
	redis_url_clear(&u);
	return (c);
}

static redisReply *
rcmd(struct soak *sk, const char *cmd)
{
	redisReply	*r;

	if (rc == NULL && (rc = soak_redis_connect(sk)) == NULL)
		return (NULL);
	r = redisCommand(rc, cmd);
	if (r == NULL) {
		redisFree(rc);
		rc = NULL;
	}
	return (r);
}

int
redis_direct_ping(struct soak *sk)
{
	redisReply	*r = rcmd(sk, "PING");
	int		 ok;

	if (r == NULL)
		return (0);
	ok = r->type == REDIS_REPLY_STATUS && strcasecmp(r->str, "PONG") == 0;
	if (!ok)
		soak_scan_tmc(sk, "Redis PING", r->str, r->len);
	freeReplyObject(r);
	return (ok);
}

int
redis_info_now(struct soak *sk, char *buf, size_t size)
{
	redisReply	*r = rcmd(sk, "INFO everything");

	buf[0] = '\0';
	if (r == NULL)
		return (-1);
	if (r->type == REDIS_REPLY_STRING)
		snprintf(buf, size, "%s", r->str);
	freeReplyObject(r);
	return (buf[0] != '\0' ? 0 : -1);
}

static long
info_long(const char *info, const char *field)
{
	char	v[64];

	if (redis_info_field(info, field, v, sizeof(v)) == -1)
		return (-1);
	return (atol(v));
}

/* errorstat_ERR:count=3 lines: their sum, and the lines themselves. */
static long
errorstats(const char *info, char *lines, size_t size)
{
	const char	*p, *end, *c;
	long		 sum = 0;
	size_t		 n = 0;

	lines[0] = '\0';
	for (p = info; (p = strstr(p, "errorstat_")) != NULL; p = end) {
		if ((end = strchr(p, '\n')) == NULL)
			end = p + strlen(p);
		if ((c = strstr(p, "count=")) != NULL && c < end)
			sum += atol(c + 6);
		if (n + (size_t)(end - p) + 2 < size) {
			memcpy(lines + n, p, (size_t)(end - p));
			n += (size_t)(end - p);
			if (n > 0 && lines[n - 1] == '\r')
				n--;
			lines[n++] = '\n';
			lines[n] = '\0';
		}
	}
	return (sum);
}

/* ------------------------------------------------------------------ */

static int
health_code(const char *s)
{
	if (s == NULL)
		return (3);
	if (strcmp(s, "healthy") == 0)
		return (0);
	if (strcmp(s, "degraded") == 0)
		return (1);
	if (strcmp(s, "unhealthy") == 0)
		return (2);
	return (3);
}

static const char *const health_names[] = { "healthy", "degraded",
    "unhealthy", "no-answer" };

int
soak_emulator_up(struct soak *sk)
{
	struct soak_opts	*opt = &sk->opt;
	struct http_res		 r;
	char			 url[SOAK_URL_MAX + 32], err[64];
	yajl_val		 v;
	double			 left = 0;
	int			 up;

	if (opt->emulator_url[0] == '\0')
		return (2);
	snprintf(url, sizeof(url), "%s/admin/faults", opt->emulator_url);
	up = http_call("GET", url, NULL, 3, &r) == 0 && r.status == 200;
	if (up && (v = yajl_tree_parse(r.body, err, sizeof(err))) != NULL) {
		if (jnum(v, "fail_all_seconds", &left) == 0 && left > 0)
			up = 0;
		yajl_tree_free(v);
	}
	http_res_free(&r);
	return (up);
}

static struct health_obs	last_health;

static void
probe(struct soak *sk)
{
	struct soak_opts	*opt = &sk->opt;
	struct soak_stats	*st = &sk->st;
	struct soak_truth	*truth = &sk->truth;
	struct sampler		*smp = &sk->smp;
	struct health_obs	 h;
	struct http_res		 r;
	yajl_val		 v;
	char			 err[128];
	const char		*s;

	memset(&h, 0, sizeof(h));
	h.truth_redis_up = opt->redis_url[0] != '\0' ?
	    (uint8_t)redis_direct_ping(sk) : 2;
	h.truth_sheets_up = (uint8_t)soak_emulator_up(sk);
	h.chaos_redis_down = (uint8_t)atomic_load(&truth->redis_down);
	h.chaos_sheets_down = (uint8_t)atomic_load(&truth->sheets_down);
	h.status = 3;
	if (http_server(sk, RT_HEALTH, "GET", "/api/health", NULL, 15,
	    &r) == 0 && r.status == 200 &&
	    (v = yajl_tree_parse(r.body, err, sizeof(err))) != NULL) {
		h.status = (uint8_t)health_code(jstr(v, "status"));
		s = jstr(v, "redis_connection");
		h.redis_ok = s != NULL && strcmp(s, "ok") == 0;
		s = jstr(v, "sheets_connection");
		h.sheets_ok = s != NULL && strcmp(s, "ok") == 0;
		if (soak_scan_tmc(sk, "GET /api/health", r.body, r.len)) {
			pthread_mutex_lock(&st->lock);
			st->tmc_health++;
			pthread_mutex_unlock(&st->lock);
		}
		yajl_tree_free(v);
	}
	http_res_free(&r);
	h.t = soak_now();
	if (h.status != last_health.status && smp->nhealth > 0)
		soak_incident(sk, "health: %s -> %s (redis %s, sheets %s)",
		    health_names[last_health.status], health_names[h.status],
		    h.redis_ok ? "ok" : "error", h.sheets_ok ? "ok" : "error");
	last_health = h;
	pthread_mutex_lock(&smp->lock);
	if (smp->health == NULL)
		smp->health = calloc(HEALTH_LOG_MAX, sizeof(*smp->health));
	if (smp->health != NULL && smp->nhealth < HEALTH_LOG_MAX)
		smp->health[smp->nhealth++] = h;
	pthread_mutex_unlock(&smp->lock);
}

static void
sample_stats(struct soak *sk, struct sample *s)
{
	struct sampler	*smp = &sk->smp;
	struct http_res	 r;
	yajl_val	 v, rs, pw;
	char		 err[128];
	long long	 n;
	double		 d;
	const char	*a;

	if (http_server(sk, RT_STATS, "GET", "/api/redis-connection-stats",
	    NULL, 15, &r) == -1 || r.status != 200 ||
	    (v = yajl_tree_parse(r.body, err, sizeof(err))) == NULL) {
		if (r.status != 200)
			soak_scan_tmc(sk, "GET /api/redis-connection-stats",
			    r.body, r.len);
		http_res_free(&r);
		return;
	}
	s->stats_ok = 1;
	if (jint(v, "max_connections", &n) == 0)
		s->max_conn = (int)n;
	if (jint(v, "open_connections", &n) == 0)
		s->open_conn = (int)n;
	if (jint(v, "active_connections", &n) == 0)
		s->active_conn = (int)n;
	if (jint(v, "idle_connections", &n) == 0)
		s->idle_conn = (int)n;
	if (jint(v, "pubsub_connections", &n) == 0)
		s->pubsub_conn = (int)n;
	if (jint(v, "waiting_requests", &n) == 0)
		s->waiting = (int)n;
	if (jint(v, "pending_commands", &n) == 0)
		s->pending = (int)n;
	if (jnum(v, "utilization_percent", &d) == 0)
		s->util_backend = d;
	a = jstr(v, "alert");
	s->alert_high = a != NULL && strcmp(a, "HIGH_UTILIZATION") == 0;
	rs = jget(v, "redis_server");
	s->srv_clients_of_service = -1;
	if (jint(rs, "clients_of_this_service", &n) == 0)
		s->srv_clients_of_service = (int)n;
	if (jstr(rs, "error") != NULL)
		soak_scan_tmc(sk, "redis-connection-stats redis_server.error",
		    jstr(rs, "error"), strlen(jstr(rs, "error")));
	pw = jget(v, "per_worker");
	if (pw != NULL && YAJL_IS_ARRAY(pw))
		smp->workers = (int)pw->u.array.len;
	if (s->max_conn > 0)
		smp->budget = s->max_conn;
	if (s->alert_high)
		soak_incident(sk, "HIGH_UTILIZATION alert: %d of %d open "
		    "(%.1f %%)", s->open_conn, s->max_conn, s->util_backend);
	yajl_tree_free(v);
	http_res_free(&r);
}

static void
sample_redis(struct soak *sk, struct sample *s)
{
	struct soak_opts	*opt = &sk->opt;
	struct sampler		*smp = &sk->smp;
	static char		 info[65536];
	char			 prefix[SOAK_NAME_MAX + 16];
	char			 lines[2048];
	struct client_count	 cc;
	redisReply		*r;
	long			 v;

	s->connected_clients = s->clients_of_service = -1;
	s->rejected_connections = s->errorstat_total = -1;
	if (opt->redis_url[0] == '\0')
		return;
	if (redis_info_now(sk, info, sizeof(info)) == -1) {
		soak_scan_tmc(sk, "Redis INFO", info, strlen(info));
		return;
	}
	s->redis_ok = 1;
	s->connected_clients = info_long(info, "connected_clients");
	s->maxclients = info_long(info, "maxclients");
	s->rejected_connections = info_long(info, "rejected_connections");
	s->errorstat_total = errorstats(info, lines, sizeof(lines));
	if (smp->redis_version[0] == '\0')
		redis_info_field(info, "redis_version", smp->redis_version,
		    sizeof(smp->redis_version));
	if (s->maxclients > 0)
		smp->redis_maxclients = s->maxclients;
	pthread_mutex_lock(&smp->lock);
	if (!smp->have_redis0) {
		smp->have_redis0 = 1;
		smp->rejected0 = s->rejected_connections;
		smp->errorstat0 = s->errorstat_total;
		snprintf(smp->errorstats0, sizeof(smp->errorstats0), "%s",
		    lines);
	}
	snprintf(smp->errorstats1, sizeof(smp->errorstats1), "%s", lines);
	pthread_mutex_unlock(&smp->lock);
	if ((r = rcmd(sk, "CLIENT LIST")) != NULL) {
		if (r->type == REDIS_REPLY_STRING) {
			snprintf(prefix, sizeof(prefix), "zeues:%s:",
			    opt->instance);
			redis_client_list_count(r->str, prefix, &cc);
			s->clients_of_service = cc.named;
		}
		freeReplyObject(r);
	}
	v = s->rejected_connections - smp->rejected0;
	if (smp->have_redis0 && v > 0 && smp->nsamples > 0 &&
	    smp->samples[smp->nsamples - 1].rejected_connections >= 0 &&
	    s->rejected_connections >
	    smp->samples[smp->nsamples - 1].rejected_connections)
		soak_incident(sk, "Redis rejected_connections rose to %ld "
		    "(maxclients %ld): clients were refused", v,
		    s->maxclients);
}

static void
sample_emulator(struct soak *sk, struct sample *s)
{
	struct soak_opts	*opt = &sk->opt;
	struct sampler		*smp = &sk->smp;
	struct http_res		 r;
	char			 url[SOAK_URL_MAX + 32], err[128];
	yajl_val		 v, o;
	long long		 n;

	s->emu_reads = s->emu_writes = s->emu_429 = -1;
	if (opt->emulator_url[0] == '\0')
		return;
	snprintf(url, sizeof(url), "%s/admin/counters", opt->emulator_url);
	if (http_call("GET", url, NULL, 5, &r) == 0 && r.status == 200 &&
	    (v = yajl_tree_parse(r.body, err, sizeof(err))) != NULL) {
		if (jint(v, "reads", &n) == 0)
			s->emu_reads = (long)n;
		if (jint(v, "writes", &n) == 0)
			s->emu_writes = (long)n;
		o = jget(v, "outcomes");
		if (jint(o, "429", &n) == 0)
			s->emu_429 = (long)n;
		pthread_mutex_lock(&smp->lock);
		if (!smp->have_emu0) {
			smp->have_emu0 = 1;
			smp->emu_reads0 = s->emu_reads;
			smp->emu_writes0 = s->emu_writes;
			smp->emu_429_0 = s->emu_429;
			smp->emu_5xx0 = jint(o, "5xx", &n) == 0 ? (long)n : 0;
		}
		smp->emu_reads1 = s->emu_reads;
		smp->emu_writes1 = s->emu_writes;
		smp->emu_429_1 = s->emu_429;
		smp->emu_5xx1 = jint(o, "5xx", &n) == 0 ? (long)n : 0;
		pthread_mutex_unlock(&smp->lock);
		yajl_tree_free(v);
	}
	http_res_free(&r);
}

static void
sample_load(struct soak *sk, struct sample *s)
{
	struct soak_stats	*st = &sk->st;
	struct lhist		 all, mut;
	uint64_t		 resp = 0;
	int			 i;

	memset(&all, 0, sizeof(all));
	memset(&mut, 0, sizeof(mut));
	pthread_mutex_lock(&st->lock);
	for (i = 0; i < RT_COUNT; i++) {
		resp += st->resp[i];
		if (i != RT_SSE)
			lh_merge(&all, &st->lat_iv[i]);
		if (i == RT_TOMAR || i == RT_PAUSAR || i == RT_COMPLETAR)
			lh_merge(&mut, &st->lat_iv[i]);
		memset(&st->lat_iv[i], 0, sizeof(st->lat_iv[i]));
	}
	s->requests = resp - prev_resp;
	s->errors_5xx = st->resp_5xx - prev_5xx;
	s->transport = st->transport - prev_transport;
	s->sse_events = st->sse_events - prev_events;
	prev_resp = resp;
	prev_5xx = st->resp_5xx;
	prev_transport = st->transport;
	prev_events = st->sse_events;
	s->sse_open = st->sse_open;
	s->sse_lag_p99_ms = lh_quantile_ms(&st->sse_lag_iv, 0.99);
	memset(&st->sse_lag_iv, 0, sizeof(st->sse_lag_iv));
	pthread_mutex_unlock(&st->lock);
	s->p50_ms = lh_quantile_ms(&all, 0.50);
	s->p99_ms = lh_quantile_ms(&all, 0.99);
	s->p99_mut_ms = lh_quantile_ms(&mut, 0.99);
}

static void
sample_write(FILE *fp, const struct sample *s)
{
	fprintf(fp, "{\"t\":%.1f,\"wall\":%.3f,\"stats_ok\":%d,"
	    "\"max_connections\":%d,\"open_connections\":%d,"
	    "\"active_connections\":%d,\"idle_connections\":%d,"
	    "\"pubsub_connections\":%d,\"waiting_requests\":%d,"
	    "\"pending_commands\":%d,\"utilization_percent\":%.1f,"
	    "\"alert\":%s,\"server_clients_of_this_service\":%d,"
	    "\"redis_ok\":%d,\"redis_connected_clients\":%ld,"
	    "\"redis_clients_of_this_service\":%ld,\"redis_maxclients\":%ld,"
	    "\"redis_rejected_connections\":%ld,\"redis_errorstat_total\":%ld,"
	    "\"redis_utilization_percent\":%.1f,",
	    s->t, s->wall, s->stats_ok, s->max_conn, s->open_conn,
	    s->active_conn, s->idle_conn, s->pubsub_conn, s->waiting,
	    s->pending, s->util_backend,
	    s->alert_high ? "\"HIGH_UTILIZATION\"" : "null",
	    s->srv_clients_of_service, s->redis_ok, s->connected_clients,
	    s->clients_of_service, s->maxclients, s->rejected_connections,
	    s->errorstat_total, s->util_redis);
	fprintf(fp, "\"health\":\"%s\",\"health_redis\":%d,"
	    "\"health_sheets\":%d,\"requests\":%llu,\"errors_5xx\":%llu,"
	    "\"transport_errors\":%llu,\"p50_ms\":%.2f,\"p99_ms\":%.2f,"
	    "\"p99_mutation_ms\":%.2f,\"sse_open\":%d,\"sse_events\":%llu,"
	    "\"sse_lag_p99_ms\":%.1f,\"emulator_reads\":%ld,"
	    "\"emulator_writes\":%ld,\"emulator_429\":%ld,"
	    "\"chaos_redis_down\":%d,\"chaos_sheets_down\":%d}\n",
	    s->health, s->h_redis_ok, s->h_sheets_ok,
	    (unsigned long long)s->requests,
	    (unsigned long long)s->errors_5xx,
	    (unsigned long long)s->transport, s->p50_ms, s->p99_ms,
	    s->p99_mut_ms, s->sse_open, (unsigned long long)s->sse_events,
	    s->sse_lag_p99_ms, s->emu_reads, s->emu_writes, s->emu_429,
	    s->redis_down, s->sheets_down);
	fflush(fp);
}

static void
sample(struct soak *sk)
{
	struct soak_opts	*opt = &sk->opt;
	struct soak_truth	*truth = &sk->truth;
	struct sampler		*smp = &sk->smp;
	struct sample		 s;
	struct sample		*np;

	memset(&s, 0, sizeof(s));
	s.t = soak_now();
	s.wall = soak_wall();
	s.redis_down = atomic_load(&truth->redis_down);
	s.sheets_down = atomic_load(&truth->sheets_down);
	sample_stats(sk, &s);
	sample_redis(sk, &s);
	sample_emulator(sk, &s);
	sample_load(sk, &s);
	snprintf(s.health, sizeof(s.health), "%s",
	    smp->nhealth > 0 ? health_names[last_health.status] : "unknown");
	s.h_redis_ok = last_health.redis_ok;
	s.h_sheets_ok = last_health.sheets_ok;
	if (smp->budget > 0 && s.clients_of_service >= 0)
		s.util_redis = 100.0 * (double)s.clients_of_service /
		    smp->budget;
	if (smp->out != NULL)
		sample_write(smp->out, &s);
	pthread_mutex_lock(&smp->lock);
	if (smp->nsamples == smp->cap && smp->cap < 1000000) {
		smp->cap = smp->cap ? smp->cap * 2 : 1024;
		np = realloc(smp->samples, smp->cap * sizeof(*np));
		if (np != NULL)
			smp->samples = np;
		else
			smp->cap = smp->nsamples;
	}
	if (smp->nsamples < smp->cap)
		smp->samples[smp->nsamples++] = s;
	pthread_mutex_unlock(&smp->lock);
	if (!opt->quiet)
		soak_log(sk, "sample: open %d/%d (%.0f %%), redis sees %ld of "
		    "this service, %ld clients in all; health %s; %llu req, "
		    "p99 %.1f ms; boards open %d", s.open_conn, s.max_conn,
		    s.util_backend, s.clients_of_service,
		    s.connected_clients, s.health,
		    (unsigned long long)s.requests, s.p99_ms, s.sse_open);
}

static void *
sampler_main(void *arg)
{
	struct soak		*sk = arg;
	struct soak_opts	*opt = &sk->opt;
	double			 next_probe, next_sample, now, wake;
	long			 loops = 0;

	now = soak_now();
	next_probe = now;
	next_sample = now;
	while (!atomic_load(&quit) && loops++ < 100000000L) {
		now = soak_now();
		if (now >= next_probe) {
			probe(sk);
			next_probe += opt->probe_interval;
			if (next_probe < soak_now())
				next_probe = soak_now() + opt->probe_interval;
		}
		if (now >= next_sample) {
			sample(sk);
			next_sample += opt->sample_interval;
			if (next_sample < soak_now())
				next_sample = soak_now();
		}
		wake = next_probe < next_sample ? next_probe : next_sample;
		now = soak_now();
		if (wake > now)
			soak_sleep(wake - now > 0.2 ? 0.2 : wake - now);
	}
	/* The closing sample. */
	probe(sk);
	sample(sk);
	return (NULL);
}

int
sampler_start(struct soak *sk, const char *samples_path)
{
	struct sampler	*smp = &sk->smp;

	if ((smp->out = fopen(samples_path, "w")) == NULL)
		return (-1);
	if (pthread_create(&thr, NULL, sampler_main, sk) != 0) {
		fclose(smp->out);
		smp->out = NULL;
		return (-1);
	}
	running = 1;
	return (0);
}

void
sampler_stop(struct soak *sk)
{
	struct sampler	*smp = &sk->smp;

	if (!running)
		return;
	atomic_store(&quit, 1);
	pthread_join(thr, NULL);
	running = 0;
	if (smp->out != NULL)
		fclose(smp->out);
	smp->out = NULL;
	if (rc != NULL)
		redisFree(rc);
	rc = NULL;
}

int
redis_scan_locks(struct soak *sk, void (*fn)(const char *, const char *,
    void *), void *arg)
{
	redisContext	*c = soak_redis_connect(sk);
	redisReply	*r, *g;
	char		 cursor[32] = "0";
	size_t		 i;
	int		 n = 0, rounds = 0;

	if (c == NULL)
		return (-1);
	do {
		r = redisCommand(c, "SCAN %s MATCH spool_lock:* COUNT 1000",
		    cursor);
		if (r == NULL || r->type != REDIS_REPLY_ARRAY ||
		    r->elements != 2) {
			if (r != NULL)
				freeReplyObject(r);
			redisFree(c);
			return (-1);
		}
		snprintf(cursor, sizeof(cursor), "%s", r->element[0]->str);
		for (i = 0; i < r->element[1]->elements; i++) {
			const char	*key = r->element[1]->element[i]->str;

			g = redisCommand(c, "GET %s", key);
			if (g != NULL && g->type == REDIS_REPLY_STRING) {
				fn(key + strlen("spool_lock:"), g->str, arg);
				n++;
			}
			if (g != NULL)
				freeReplyObject(g);
		}
		freeReplyObject(r);
	} while (strcmp(cursor, "0") != 0 && rounds++ < 100000);
	redisFree(c);
	return (n);
}
