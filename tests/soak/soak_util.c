/*
 * What every part of the tool shares: clocks, random numbers, the latency
 * histogram, the accounting of HTTP outcomes, JSON helpers, blocking HTTP.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "soak.h"

const char *const soak_route_label[RT_COUNT] = {
	[RT_TOMAR] = "POST /api/occupation/tomar",
	[RT_PAUSAR] = "POST /api/occupation/pausar",
	[RT_COMPLETAR] = "POST /api/occupation/completar",
	[RT_INICIAR] = "GET /api/spools/iniciar",
	[RT_MIS_SPOOLS] = "GET /api/spools/completar",
	[RT_WORKERS] = "GET /api/workers",
	[RT_DASHBOARD] = "GET /api/dashboard/occupied",
	[RT_HEALTH] = "GET /api/health",
	[RT_STATS] = "GET /api/redis-connection-stats",
	[RT_SSE] = "GET /api/sse/stream",
	[RT_METRICS] = "GET /metrics",
};

atomic_int		soak_stopping;
atomic_int		soak_interrupted;

static uint64_t		start_us;

uint64_t
soak_mono_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u);
}

double
soak_now(void)
{
	if (start_us == 0)
		start_us = soak_mono_us();
	return ((double)(soak_mono_us() - start_us) / 1e6);
}

double
soak_wall(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

void
soak_sleep(double s)
{
	struct timespec	ts;

	if (s <= 0)
		return;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

void
soak_log(struct soak *sk, const char *fmt, ...)
{
	struct soak_opts	*opt = &sk->opt;
	va_list			 ap;

	if (opt->quiet)
		return;
	fprintf(stderr, "zeues-soak [T+%7.1fs] ", soak_now());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
soak_incident(struct soak *sk, const char *fmt, ...)
{
	struct soak_stats	*st = &sk->st;
	va_list			 ap;
	struct note_line	*n;
	char			 text[SOAK_LINE_MAX];

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	soak_log(sk, "incident: %s", text);
	pthread_mutex_lock(&st->lock);
	if (st->nincidents < INCIDENTS_MAX) {
		n = &st->incidents[st->nincidents++];
		n->t = soak_now();
		snprintf(n->text, sizeof(n->text), "%s", text);
	} else
		st->incidents_dropped++;
	pthread_mutex_unlock(&st->lock);
}

/* ------------------------------------------------------------------ */

#define LH_BASE		1.04

static int
lh_index(uint64_t us)
{
	int	i;

	if (us <= 1)
		return (0);
	i = (int)(log((double)us) / log(LH_BASE)) + 1;
	return (i >= LH_BUCKETS ? LH_BUCKETS - 1 : i);
}

static double
lh_upper_us(int i)
{
	return (i == 0 ? 1.0 : pow(LH_BASE, (double)i));
}

void
lh_add(struct lhist *h, uint64_t us)
{
	h->b[lh_index(us)]++;
	h->count++;
	h->sum_us += (double)us;
	if (us > h->max_us)
		h->max_us = us;
}

void
lh_merge(struct lhist *dst, const struct lhist *src)
{
	int	i;

	for (i = 0; i < LH_BUCKETS; i++)
		dst->b[i] += src->b[i];
	dst->count += src->count;
	dst->sum_us += src->sum_us;
	if (src->max_us > dst->max_us)
		dst->max_us = src->max_us;
}

double
lh_quantile_ms(const struct lhist *h, double q)
{
	uint64_t	rank, seen = 0;
	double		v;
	int		i;

	if (h->count == 0)
		return (0);
	rank = (uint64_t)ceil(q * (double)h->count);
	if (rank < 1)
		rank = 1;
	for (i = 0; i < LH_BUCKETS; i++) {
		seen += h->b[i];
		if (seen >= rank) {
			v = lh_upper_us(i);
			if (v > (double)h->max_us)
				v = (double)h->max_us;
			return (v / 1000.0);
		}
	}
	return ((double)h->max_us / 1000.0);
}

/* ------------------------------------------------------------------ */

void
rng_seed(struct rng *r, uint64_t seed)
{
	r->s = seed * 0x9E3779B97F4A7C15ull + 0x2545F4914F6CDD1Dull;
	if (r->s == 0)
		r->s = 1;
}

static uint64_t
rng_next(struct rng *r)
{
	uint64_t	x = r->s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	r->s = x;
	return (x * 0x2545F4914F6CDD1Dull);
}

double
rng_unit(struct rng *r)
{
	return ((double)(rng_next(r) >> 11) / 9007199254740992.0);
}

double
rng_range(struct rng *r, double lo, double hi)
{
	if (hi <= lo)
		return (lo);
	return (lo + (hi - lo) * rng_unit(r));
}

double
rng_exp(struct rng *r, double mean)
{
	double	u = rng_unit(r);

	if (u < 1e-12)
		u = 1e-12;
	return (-mean * log(u));
}

uint32_t
rng_below(struct rng *r, uint32_t n)
{
	return (n == 0 ? 0 : (uint32_t)(rng_next(r) % n));
}

/* ------------------------------------------------------------------ */

yajl_val
jget(yajl_val obj, const char *key)
{
	size_t	i;

	if (obj == NULL || !YAJL_IS_OBJECT(obj))
		return (NULL);
	for (i = 0; i < obj->u.object.len; i++) {
		if (strcmp(obj->u.object.keys[i], key) == 0)
			return (obj->u.object.values[i]);
	}
	return (NULL);
}

const char *
jstr(yajl_val obj, const char *key)
{
	yajl_val	v = jget(obj, key);

	return (v != NULL && YAJL_IS_STRING(v) ? YAJL_GET_STRING(v) : NULL);
}

int
jint(yajl_val obj, const char *key, long long *out)
{
	yajl_val	v = jget(obj, key);

	if (v == NULL)
		return (-1);
	if (YAJL_IS_INTEGER(v)) {
		*out = YAJL_GET_INTEGER(v);
		return (0);
	}
	if (YAJL_IS_DOUBLE(v)) {
		*out = (long long)YAJL_GET_DOUBLE(v);
		return (0);
	}
	if (YAJL_IS_STRING(v) && v->u.string != NULL &&
	    v->u.string[0] != '\0') {
		char	*end;

		*out = strtoll(v->u.string, &end, 10);
		return (*end == '\0' ? 0 : -1);
	}
	return (-1);
}

int
jnum(yajl_val obj, const char *key, double *out)
{
	yajl_val	v = jget(obj, key);

	if (v == NULL || !YAJL_IS_NUMBER(v))
		return (-1);
	*out = YAJL_GET_DOUBLE(v);
	return (0);
}

void
jcell(yajl_val row, size_t i, char *buf, size_t size)
{
	yajl_val	v;

	buf[0] = '\0';
	if (row == NULL || !YAJL_IS_ARRAY(row) || i >= row->u.array.len)
		return;
	v = row->u.array.values[i];
	if (v == NULL || YAJL_IS_NULL(v))
		return;
	if (YAJL_IS_STRING(v))
		snprintf(buf, size, "%s", YAJL_GET_STRING(v));
	else if (YAJL_IS_INTEGER(v))
		snprintf(buf, size, "%lld", YAJL_GET_INTEGER(v));
	else if (YAJL_IS_NUMBER(v))
		snprintf(buf, size, "%g", YAJL_GET_DOUBLE(v));
	else if (YAJL_IS_TRUE(v))
		snprintf(buf, size, "TRUE");
	else if (YAJL_IS_FALSE(v))
		snprintf(buf, size, "FALSE");
	else if (YAJL_IS_OBJECT(v))
		snprintf(buf, size, "%s", "=formula");
}

void
json_str(FILE *fp, const char *s)
{
	const unsigned char	*p;

	if (s == NULL) {
		fputs("null", fp);
		return;
	}
	fputc('"', fp);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", fp);
			break;
		case '\\':
			fputs("\\\\", fp);
			break;
		case '\n':
			fputs("\\n", fp);
			break;
		case '\r':
			fputs("\\r", fp);
			break;
		case '\t':
			fputs("\\t", fp);
			break;
		default:
			if (*p < 0x20)
				fprintf(fp, "\\u%04x", *p);
			else
				fputc(*p, fp);
		}
	}
	fputc('"', fp);
}

int
header_eq(const char *a, const char *b)
{
	for (;;) {
		while (*a == ' ' || *a == '_')
			a++;
		while (*b == ' ' || *b == '_')
			b++;
		if (*a == '\0' || *b == '\0')
			return (*a == *b);
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return (0);
		a++;
		b++;
	}
}

/* ------------------------------------------------------------------ */

void
soak_error_code(const char *body, size_t len, char *buf, size_t size)
{
	const char	*p, *end, *q;
	size_t		 n;

	buf[0] = '\0';
	if (body == NULL || len == 0)
		return;
	/* "error": "CODE" near the start of an api.md §1 body. */
	end = body + len;
	for (p = body; p + 9 < end; p++) {
		if (memcmp(p, "\"error\"", 7) != 0)
			continue;
		for (q = p + 7; q < end && (*q == ' ' || *q == ':'); q++)
			;
		if (q >= end || *q != '"')
			return;
		q++;
		for (n = 0; q + n < end && q[n] != '"' && n + 1 < size; n++)
			buf[n] = (isalnum((unsigned char)q[n]) || q[n] == '_') ?
			    q[n] : '?';
		buf[n] = '\0';
		return;
	}
}

static void
note_add(struct note_line *arr, int *n, const char *text)
{
	if (*n >= NOTE_LINES_MAX)
		return;
	arr[*n].t = soak_now();
	snprintf(arr[*n].text, sizeof(arr[*n].text), "%s", text);
	(*n)++;
}

/* Caller holds st.lock. */
static const char *
memcasestr(const char *hay, size_t len, const char *needle)
{
	size_t	nlen = strlen(needle), i;

	for (i = 0; i + nlen <= len; i++) {
		if (strncasecmp(hay + i, needle, nlen) == 0)
			return (hay + i);
	}
	return (NULL);
}

int
soak_scan_tmc(struct soak *sk, const char *where, const char *text, size_t len)
{
	struct soak_stats	*st = &sk->st;
	static const char	*needles[] = { "too many connections",
				    "max number of clients" };
	const char		*hit = NULL;
	char			 line[SOAK_LINE_MAX];
	size_t			 i, k;

	if (text == NULL)
		return (0);
	for (i = 0; i < 2 && hit == NULL; i++)
		hit = memcasestr(text, len, needles[i]);
	if (hit == NULL)
		return (0);
	k = (size_t)(text + len - hit);
	if (k > 160)
		k = 160;
	snprintf(line, sizeof(line), "%s: %.*s", where, (int)k, hit);
	for (i = 0; line[i] != '\0'; i++) {
		if (line[i] == '\n' || line[i] == '\r')
			line[i] = ' ';
	}
	pthread_mutex_lock(&st->lock);
	note_add(st->tmc_lines, &st->ntmc_lines, line);
	pthread_mutex_unlock(&st->lock);
	return (1);
}

void
stats_response(struct soak *sk, int route, long status, const char *body,
    size_t len, uint64_t us, int curl_error)
{
	struct soak_stats	*st = &sk->st;
	char			 code[SOAK_CODE_MAX];
	struct errkey		*e = NULL;
	size_t			 i;
	int			 tmc;
	double			 now = soak_now();

	if (status == 0)
		snprintf(code, sizeof(code), "curl:%s",
		    curl_easy_strerror((CURLcode)curl_error));
	else if (status >= 300)
		soak_error_code(body, len, code, sizeof(code));
	else
		code[0] = '\0';
	/* Shorten curl's text to a code-like token. */
	for (i = 0; code[i] != '\0'; i++) {
		if (code[i] == ' ')
			code[i] = '_';
	}
	tmc = status >= 300 ? soak_scan_tmc(sk, soak_route_label[route], body,
	    len) : 0;

	pthread_mutex_lock(&st->lock);
	st->resp[route]++;
	if (status != 0 && route != RT_SSE) {
		lh_add(&st->lat[route], us);
		lh_add(&st->lat_iv[route], us);
	}
	if (status == 0)
		st->transport++;
	else if (status < 300)
		st->resp_2xx++;
	else if (status < 500)
		st->resp_4xx++;
	else if (status < 600)
		st->resp_5xx++;
	else
		st->resp_other++;
	if (status == 500)
		st->resp_500++;
	if (status == 404 && strcmp(code, "NOT_FOUND") == 0)
		st->resp_404_missing[route]++;
	if (tmc)
		st->tmc_responses++;
	if (strcmp(code, "REDIS_UNAVAILABLE") == 0) {
		char	line[SOAK_LINE_MAX];

		st->redis_errors_seen++;
		if (st->redis_err_t == NULL)
			st->redis_err_t = calloc(100000, sizeof(double));
		if (st->redis_err_t != NULL && st->nredis_err_t < 100000)
			st->redis_err_t[st->nredis_err_t++] = now;
		snprintf(line, sizeof(line), "%s -> %ld REDIS_UNAVAILABLE",
		    soak_route_label[route], status);
		if (st->redis_errors_seen <= 3 ||
		    st->nredis_err_lines < NOTE_LINES_MAX / 2)
			note_add(st->redis_err_lines, &st->nredis_err_lines,
			    line);
	}
	if (strcmp(code, "SHEETS_UNAVAILABLE") == 0) {
		if (st->sheets_err_t == NULL)
			st->sheets_err_t = calloc(100000, sizeof(double));
		if (st->sheets_err_t != NULL && st->nsheets_err_t < 100000)
			st->sheets_err_t[st->nsheets_err_t++] = now;
	}
	if (status >= 300 || status == 0) {
		for (i = 0; i < st->nerrs; i++) {
			if (st->errs[i].route == route &&
			    st->errs[i].status == (int)status &&
			    strcmp(st->errs[i].code, code) == 0) {
				e = &st->errs[i];
				break;
			}
		}
		if (e == NULL && st->nerrs < ERRKEYS_MAX) {
			e = &st->errs[st->nerrs++];
			e->route = route;
			e->status = (int)status;
			snprintf(e->code, sizeof(e->code), "%s", code);
			e->first_t = now;
		}
		if (e != NULL) {
			e->n++;
			e->last_t = now;
		} else
			st->errs_overflow++;
	}
	pthread_mutex_unlock(&st->lock);
}

/* ------------------------------------------------------------------ */

struct grow {
	char	*p;
	size_t	 len;
	size_t	 limit;
};

static size_t
grow_write(char *data, size_t size, size_t n, void *arg)
{
	struct grow	*g = arg;
	size_t		 add = size * n;
	char		*np;

	if (g->len + add > g->limit)
		return (0);
	if ((np = realloc(g->p, g->len + add + 1)) == NULL)
		return (0);
	g->p = np;
	memcpy(g->p + g->len, data, add);
	g->len += add;
	g->p[g->len] = '\0';
	return (add);
}

int
http_call(const char *method, const char *url, const char *body,
    double timeout_s, struct http_res *r)
{
	CURL			*h;
	struct curl_slist	*hl = NULL;
	struct grow		 g = { NULL, 0, 64u << 20 };
	CURLcode		 rc;
	curl_off_t		 t = 0;

	memset(r, 0, sizeof(*r));
	if ((h = curl_easy_init()) == NULL)
		return (-1);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)(timeout_s * 1000));
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, grow_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &g);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "zeues-soak/1");
	if (body != NULL) {
		hl = curl_slist_append(hl, "Content-Type: application/json");
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	}
	rc = curl_easy_perform(h);
	if (rc == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
	curl_easy_getinfo(h, CURLINFO_TOTAL_TIME_T, &t);
	r->us = (uint64_t)t;
	r->curl_error = (int)rc;
	r->body = g.p != NULL ? g.p : calloc(1, 1);
	r->len = g.len;
	curl_slist_free_all(hl);
	curl_easy_cleanup(h);
	return (rc == CURLE_OK ? 0 : -1);
}

void
http_res_free(struct http_res *r)
{
	free(r->body);
	memset(r, 0, sizeof(*r));
}

int
http_server(struct soak *sk, int route, const char *method, const char *path,
    const char *body, double timeout_s, struct http_res *r)
{
	struct soak_opts	*opt = &sk->opt;
	char			 url[SOAK_URL_MAX + 512];
	int			 rc;

	snprintf(url, sizeof(url), "%s%s", opt->base_url, path);
	rc = http_call(method, url, body, timeout_s, r);
	stats_response(sk, route, r->status, r->body, r->len, r->us,
	    r->curl_error);
	return (rc);
}

/* ------------------------------------------------------------------ */

double
prom_sum(const char *text, const char *metric, const char *const needles[])
{
	const char	*line, *end, *p;
	size_t		 mlen = strlen(metric), i;
	double		 sum = 0;
	int		 found = 0, ok;
	char		 lbuf[1024];

	if (text == NULL)
		return (-1);
	for (line = text; *line != '\0'; line = *end ? end + 1 : end) {
		if ((end = strchr(line, '\n')) == NULL)
			end = line + strlen(line);
		if (*line == '#' || (size_t)(end - line) <= mlen ||
		    strncmp(line, metric, mlen) != 0 ||
		    (line[mlen] != '{' && line[mlen] != ' '))
			continue;
		snprintf(lbuf, sizeof(lbuf), "%.*s", (int)(end - line), line);
		ok = 1;
		for (i = 0; needles != NULL && needles[i] != NULL; i++) {
			p = strchr(lbuf, ' ');
			if (p == NULL || strstr(lbuf, needles[i]) == NULL ||
			    strstr(lbuf, needles[i]) > p)
				ok = 0;
		}
		if (!ok)
			continue;
		if ((p = strrchr(lbuf, ' ')) == NULL)
			continue;
		sum += strtod(p + 1, NULL);
		found = 1;
	}
	return (found ? sum : -1);
}
