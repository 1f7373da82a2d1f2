/*
 * Black-box hostile traffic against the real server (two workers, Redis,
 * the emulator), in the plain and the sanitizer pass alike: more than
 * 20,000 requests of malformed request lines and headers over raw
 * sockets, mutated JSON bodies, hostile paths and queries, slow and
 * oversized bodies and SSE streams with odd Last-Event-IDs, from several
 * connections at once, mixed with real TOMARs and PAUSARs.  Then: no
 * sanitizer report, no worker restarted, every JSON body strict UTF-8
 * JSON, no lock in Redis that Sheets does not hold, and /livez answered
 * all along.
 */
#include <sys/socket.h>
#include <sys/time.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cmocka.h>

#include "emulator_fixture.h"
#include "harness.h"
#include "http_parallel.h"
#include "json_strict.h"
#include "nelem.h"
#include "redis_lock.h"
#include "server.h"
#include "spool_tag.h"

#define RAW_THREADS		8
#define RAW_REQUESTS		8000
#define JSON_REQUESTS		10000
#define PATH_REQUESTS		2000
#define SSE_STREAMS		160
#define SLOW_BODIES		16
#define PARALLEL		24
#define REAL_TAGS		24
#define RAW_TIMEOUT_MS		1000
#define RAW_PLAIN_HEADERS	5
#define MAX_BODY_BYTES		65536	/* as configured in setup() */

static struct emu		emu;
static struct test_server	srv;

/* Real spools and workers, for the well-formed part of the traffic. */
static char		tags[REAL_TAGS][80];
static size_t		ntags;
static long long	workers[8];
static size_t		nworkers;
static long long	pids_before[16];
static size_t		npids_before;

static atomic_ulong	sent;		/* requests of every kind */
static atomic_ulong	bad_json;	/* JSON bodies that are not strict */
static atomic_ulong	raw_timeouts;
static atomic_ulong	raw_json, raw_other, raw_closed;

/* bad_json before the current test: each test counts its own. */
static unsigned long	bad_before;

static int
count_from_here(void **state)
{
	(void)state;
	bad_before = atomic_load(&bad_json);
	return (0);
}

#define assert_no_bad_json()						\
	assert_int_equal(atomic_load(&bad_json) - bad_before, 0)

/* --- a small deterministic generator, one state per thread --- */

static unsigned int
rnd(unsigned int *st, unsigned int n)
{
	*st = *st * 1103515245u + 12345u;
	return ((*st >> 8) % n);
}

/* --- a JSON body as a client would trust it --- */

static void
check_json(const char *what, const char *body, size_t len)
{
	char	why[96];

	if (json_strict_valid(body, len, why, sizeof(why)))
		return;
	if (atomic_fetch_add(&bad_json, 1) < 8)
		fprintf(stderr, "not strict JSON (%s) for %s: %.200s\n", why,
		    what, body != NULL ? body : "");
}

/* --- raw sockets --- */

struct raw_reply {
	int	status;		/* 0: closed without an answer, -1: timeout */
	char	ctype[64];
	char	*body;
	size_t	len;
	int	head_only;	/* the answer to a HEAD */
};

static int
raw_connect(int timeout_ms)
{
	struct sockaddr_in	sin;
	struct timeval		tv;
	int			fd, one = 1;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return (-1);
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)srv.port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		close(fd);
		return (-1);
	}
	return (fd);
}

static int
raw_send(int fd, const char *buf, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		if ((n = send(fd, buf, len, MSG_NOSIGNAL)) <= 0)
			return (-1);
		buf += n;
		len -= (size_t)n;
	}
	return (0);
}

/*
 * Reads one response: the head, then Content-Length bytes of body (none
 * after a HEAD; up to EOF or the timeout without a length).  Fills r; the
 * body is NUL-terminated.
 */
static void
raw_read(int fd, int head_only, struct raw_reply *r)
{
	static const size_t	 cap = 1 << 20;
	char			*buf, *eoh, *cl, *ct;
	size_t			 have = 0, want = 0;
	ssize_t			 n;
	int			 head = 0, has_cl = 0;

	memset(r, 0, sizeof(*r));
	r->head_only = head_only;
	if ((buf = malloc(cap + 1)) == NULL)
		return;
	for (;;) {
		if (head && has_cl && have >= want)
			break;
		if (have >= cap)
			break;
		n = recv(fd, buf + have, cap - have, 0);
		if (n == 0)
			break;
		if (n < 0) {
			if (!head && (errno == EAGAIN || errno == EWOULDBLOCK))
				r->status = -1;
			break;
		}
		have += (size_t)n;
		buf[have] = '\0';
		if (head || (eoh = strstr(buf, "\r\n\r\n")) == NULL)
			continue;
		head = 1;
		*eoh = '\0';
		(void)sscanf(buf, "HTTP/1.%*d %d", &r->status);
		if ((ct = strcasestr(buf, "\r\ncontent-type:")) != NULL)
			(void)sscanf(ct + 15, " %63[^;\r]", r->ctype);
		if ((cl = strcasestr(buf, "\r\ncontent-length:")) != NULL) {
			has_cl = 1;
			want = (size_t)(eoh + 4 - buf) + strtoul(cl + 17,
			    NULL, 10);
		}
		*eoh = '\r';
		/* Kore sends no Content-Length where no body can follow. */
		if (head_only || r->status == 204 || r->status == 304 ||
		    r->status < 200)
			break;
	}
	buf[have] = '\0';
	if (head && (eoh = strstr(buf, "\r\n\r\n")) != NULL) {
		r->len = have - (size_t)(eoh + 4 - buf);
		if ((r->body = malloc(r->len + 1)) != NULL) {
			memcpy(r->body, eoh + 4, r->len);
			r->body[r->len] = '\0';
		}
	}
	free(buf);
}

/* HEAD, 204 and 304 answers have no body to check. */
static void
raw_check(const char *what, const struct raw_reply *r)
{
	if (r->status == -1)
		atomic_fetch_add(&raw_timeouts, 1);
	else if (r->status == 0)
		atomic_fetch_add(&raw_closed, 1);
	else if (strcasecmp(r->ctype, "application/json") != 0)
		atomic_fetch_add(&raw_other, 1);
	else {
		atomic_fetch_add(&raw_json, 1);
		if (!r->head_only && r->status != 204 && r->status != 304)
			check_json(what, r->body, r->len);
	}
}

/* One request over its own connection. */
static int
raw_exchange(const char *req, size_t len, int timeout_ms,
    struct raw_reply *r)
{
	int	fd;

	memset(r, 0, sizeof(*r));
	if ((fd = raw_connect(timeout_ms)) == -1)
		return (-1);
	atomic_fetch_add(&sent, 1);
	(void)raw_send(fd, req, len);
	raw_read(fd, strncmp(req, "HEAD ", 5) == 0, r);
	close(fd);
	return (0);
}

/* --- /livez, asked all along from its own thread --- */

static atomic_int	livez_stop;
static atomic_ulong	livez_ok, livez_failed;
static pthread_t	livez_thread;

static void *
livez_loop(void *arg)
{
	(void)arg;
	while (!atomic_load(&livez_stop)) {
		if (test_server_status(&srv, "/livez", 5000) == 200)
			atomic_fetch_add(&livez_ok, 1);
		else
			atomic_fetch_add(&livez_failed, 1);
		harness_sleep_ms(100);
	}
	return (NULL);
}

/* --- set-up: the stack, real spools and workers, the worker pids --- */

static int
worker_pids(long long *out, size_t max)
{
	struct http_reply	 r;
	yajl_val		 j, list;
	char			 url[128];
	size_t			 i, n = 0;

	snprintf(url, sizeof(url), "%s/api/redis-connection-stats", srv.base);
	if (http_get(url, 10000, &r) != 0 || r.status != 200) {
		http_reply_free(&r);
		return (-1);
	}
	j = http_reply_json(&r);
	list = jpath(j, "per_worker", NULL);
	for (i = 0; list != NULL && YAJL_IS_ARRAY(list) &&
	    i < list->u.array.len && n < max; i++)
		out[n++] = jpath_int(list->u.array.values[i], 0, "pid", NULL);
	yajl_tree_free(j);
	http_reply_free(&r);
	return ((int)n);
}

static int
pick_real_traffic(void)
{
	struct http_reply	 r;
	yajl_val		 j, list, v;
	const char		*tag;
	char			 url[160];
	size_t			 i;

	snprintf(url, sizeof(url), "%s/api/spools/iniciar?operacion=ARM",
	    srv.base);
	if (http_get(url, 10000, &r) != 0 || r.status != 200)
		return (-1);
	j = http_reply_json(&r);
	list = jpath(j, "spools", NULL);
	for (i = 0; list != NULL && i < list->u.array.len &&
	    ntags < REAL_TAGS; i++) {
		tag = jpath_str(list->u.array.values[i], "tag_spool", NULL);
		if (tag != NULL && strlen(tag) < sizeof(tags[0]))
			snprintf(tags[ntags++], sizeof(tags[0]), "%s", tag);
	}
	yajl_tree_free(j);
	http_reply_free(&r);

	snprintf(url, sizeof(url), "%s/api/workers", srv.base);
	if (http_get(url, 10000, &r) != 0 || r.status != 200)
		return (-1);
	j = http_reply_json(&r);
	list = jpath(j, "workers", NULL);
	for (i = 0; list != NULL && i < list->u.array.len &&
	    nworkers < NELEM(workers); i++) {
		v = list->u.array.values[i];
		workers[nworkers++] = jpath_int(v, 0, "id", NULL);
	}
	yajl_tree_free(j);
	http_reply_free(&r);
	return (ntags > 0 && nworkers > 0 ? 0 : -1);
}

static int
setup(void **state)
{
	char	*env[12];
	size_t	 i;
	int	 n;

	(void)state;
	if (emu_start(&emu, 400, 30, NULL) == -1)
		return (-1);
	for (i = 0; emu.te.env[i] != NULL; i++)
		env[i] = emu.te.env[i];
	env[i++] = "REQUEST_DEADLINE_MS=5000";
	env[i++] = "SHEETS_CACHE_TTL_MS=1000";
	env[i++] = "MAX_BODY_BYTES=65536";
	env[i] = NULL;
	memset(&srv, 0, sizeof(srv));
	if (test_server_start(&srv, env) == -1 || pick_real_traffic() == -1)
		return (-1);
	if ((n = worker_pids(pids_before, NELEM(pids_before))) <= 0)
		return (-1);
	npids_before = (size_t)n;
	return (pthread_create(&livez_thread, NULL, livez_loop, NULL) == 0 ?
	    0 : -1);
}

static int
teardown(void **state)
{
	int	bad;

	(void)state;
	if (!atomic_exchange(&livez_stop, 1))
		(void)pthread_join(livez_thread, NULL);
	bad = test_server_stop(&srv);
	bad |= emu_stop(&emu);
	return (bad);
}

/* --- 1. malformed request lines and headers, raw --- */

static const char	*raw_methods[] = {
	"GET", "POST", "PUT", "DELETE", "OPTIONS", "HEAD", "get", "BREW",
	"G\001ET", "",
};

static const char	*raw_paths[] = {
	"/", "/livez", "/api/workers", "/api/health", "/metrics",
	"/api/occupation/status/%ED%B0%80X", "/api/history/%C0%AF",
	"/api/occupation/status/\xff\xfe", "/api/history/\xed\xa0\x80",
	"/api/occupation/status/%00", "/%00", "/\xc0\xaf",
	"/api/spools/iniciar?operacion=%FF",
	"/api/spools/iniciar?operacion=ARM&operacion=SOLD",
	"/api/spools/iniciar?operacion=%E0%80%80",
	"/api/spools/completar?operacion=ARM&worker_id=99999999999999999999",
	"/api/spools/completar?operacion=SOLD&worker_id=-1",
	"*", "http://evil/", "/api/occupation/tomar",
	"/api/occupation/status/..%2F..%2Fetc%2Fpasswd",
	"/api/dashboard/occupied?%%%", "/api/history/%F4%90%80%80",
	"/api/occupation/status/%EF%BF%BE", "no-slash",
};

static const char	*raw_versions[] = {
	"HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/1.1 extra", "",
	"http/1.1", "HTTP/1.1\t", "HTTP/01.1",
};

/* Header blocks; a body, when there is one, is given in full. */
static const char	*raw_headers[] = {
	/* The first RAW_PLAIN_HEADERS are well-formed. */
	"",
	"Host: x\r\n",
	"Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
	"Origin: https://evil.example\r\n",
	"Accept: */*\r\nConnection: keep-alive\r\n",
	"Content-Length: -1\r\n",
	"Content-Length: 99999999999999999999\r\n",
	"Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}\n",
	"Transfer-Encoding: chunked\r\n\r\nzz\r\n\r\n",
	"Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n",
	"NoColonHeader\r\n",
	" leading-space: x\r\n",
	"Host: \001\002\r\n",
	"X-Lock-Token: \xc0\xaf\r\n",
	"Last-Event-ID: \xff\xfe\r\n",
	"Authorization: Bearer \xed\xa0\x80\r\n",
	"Content-Type: application/json; charset=\xff\r\n",
	"Connection: close, \x7f\r\n",
};

static size_t
raw_request(unsigned int *st, char *buf, size_t cap)
{
	const char	*hdr;
	size_t		 n, i, k;
	int		 w;

	/* Mostly a method and version Kore takes, so the module sees it. */
	w = snprintf(buf, cap, "%s %s %s\r\n",
	    raw_methods[rnd(st, 4) ? rnd(st, 6) : rnd(st, NELEM(raw_methods))],
	    raw_paths[rnd(st, NELEM(raw_paths))],
	    raw_versions[rnd(st, 4) ? rnd(st, 2) :
	    rnd(st, NELEM(raw_versions))]);
	n = (size_t)w;
	switch (rnd(st, 16)) {
	case 0:		/* a very long request line */
		n -= 2;
		for (i = 0; i < 9000 && n < cap - 8; i++)
			buf[n++] = "abc%/"[rnd(st, 5)];
		break;
	case 1:		/* a very long header */
		n += (size_t)snprintf(buf + n, cap - n, "X-Big: ");
		for (i = 0; i < 20000 && n < cap - 8; i++)
			buf[n++] = 'a';
		break;
	case 2:		/* a great many headers */
		for (k = 0; k < 300 && n < cap - 64; k++)
			n += (size_t)snprintf(buf + n, cap - n, "X-%zu: %zu\r\n",
			    k, k);
		n -= 2;
		break;
	case 3:		/* raw random bytes in a header */
		n += (size_t)snprintf(buf + n, cap - n, "X-Bytes: ");
		for (i = 0; i < 64; i++) {
			buf[n] = (char)rnd(st, 256);
			if (buf[n] != '\r' && buf[n] != '\n')
				n++;
		}
		break;
	default:	/* the request line alone */
		n -= 2;
		break;
	}
	/* End the last line (the head itself ends below). */
	buf[n++] = '\r';
	buf[n++] = '\n';
	/* Kore answers 400 itself without a Host: mostly send one. */
	if (rnd(st, 8) != 0)
		n += (size_t)snprintf(buf + n, cap - n, "Host: x\r\n");
	hdr = raw_headers[rnd(st, 2) ? rnd(st, RAW_PLAIN_HEADERS) :
	    rnd(st, NELEM(raw_headers))];
	n += (size_t)snprintf(buf + n, cap - n, "%s", hdr);
	/* Blocks that carry a body already ended their head. */
	if (strstr(hdr, "\r\n\r\n") == NULL)
		n += (size_t)snprintf(buf + n, cap - n, "\r\n");
	return (n < cap ? n : cap - 1);
}

static atomic_ulong	raw_next;

static void *
raw_worker(void *arg)
{
	struct raw_reply	 r;
	unsigned long		 i;
	unsigned int		 st;
	size_t			 cap = 64 * 1024, n;
	char			*buf = malloc(cap);

	(void)arg;
	while (buf != NULL &&
	    (i = atomic_fetch_add(&raw_next, 1)) < RAW_REQUESTS) {
		st = (unsigned int)i * 2654435761u + 1;
		n = raw_request(&st, buf, cap);
		if (raw_exchange(buf, n, RAW_TIMEOUT_MS, &r) == 0)
			raw_check("a malformed request", &r);
		free(r.body);
	}
	free(buf);
	return (NULL);
}

static void
test_malformed_request_lines_and_headers(void **state)
{
	pthread_t	t[RAW_THREADS];
	size_t		i;
	uint64_t	start = harness_now_ms();

	(void)state;
	for (i = 0; i < RAW_THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, raw_worker, NULL),
		    0);
	for (i = 0; i < RAW_THREADS; i++)
		pthread_join(t[i], NULL);
	print_message("%d raw requests in %.1f s: %lu JSON answers, %lu "
	    "others, %lu closed unanswered, %lu waited %d ms for more\n",
	    RAW_REQUESTS, (harness_now_ms() - start) / 1000.0,
	    atomic_load(&raw_json), atomic_load(&raw_other),
	    atomic_load(&raw_closed), atomic_load(&raw_timeouts),
	    RAW_TIMEOUT_MS);
	assert_no_bad_json();
	assert_int_equal(test_server_status(&srv, "/livez", 5000), 200);
}

/* --- 2. mutated JSON bodies, with real TOMARs and PAUSARs among them --- */

static const char	*json_routes[] = {
	"occupation/tomar", "occupation/pausar", "occupation/completar",
	"occupation/batch-tomar", "metrologia/completar", "tomar-reparacion",
	"pausar-reparacion", "completar-reparacion", "cancelar-reparacion",
};

static const char	*json_values[] = {
	"\"NO-SUCH-TAG\"", "\"\"", "\"\xff\xfe\"", "\"\xc0\xaf\"",
	"\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"", "\"\\udc00\"",
	"\"\\ud800x\"", "\"a\\u0000b\"", "1e999999", "-1", "0", "null",
	"true", "{}", "[]", "1.5", "-0", "1E2",
	"123456789012345678901234567890123456789012345678901234567890",
	"\"ARM\"", "\"SOLD\"", "\"METROLOGIA\"", "\"REPARACION\"",
	"\"2026-02-30\"", "\"APROBADO\"", "[\"A\",\"A\"]", "\"</script>\"",
};

static size_t
json_body(unsigned int *st, char *buf, size_t cap)
{
	const char	*a = json_values[rnd(st, NELEM(json_values))];
	const char	*b = json_values[rnd(st, NELEM(json_values))];
	const char	*c = json_values[rnd(st, NELEM(json_values))];
	size_t		 n = 0, i, len;
	int		 w = 0;

	switch (rnd(st, 10)) {
	case 0:		/* nesting 60,000 deep, under MAX_BODY_BYTES */
		len = 60000;
		for (i = 0; i < len && i < cap; i++)
			buf[i] = rnd(st, 4) ? '[' : '{';
		if (rnd(st, 2)) {
			memcpy(buf, "{\"tag_spool\":", 13);
		}
		return (i);
	case 1:		/* a 60 KB tag */
		n = (size_t)snprintf(buf, cap, "{\"worker_id\":%lld,"
		    "\"operacion\":\"ARM\",\"tag_spool\":\"",
		    workers[rnd(st, (unsigned int)nworkers)]);
		for (i = 0; i < 60 * 1024 && n < cap - 8; i++)
			buf[n++] = rnd(st, 50) ? 'T' : "\xc3\x91\xff\\"[
			    rnd(st, 4)];
		n += (size_t)snprintf(buf + n, cap - n, "\"}");
		return (n);
	case 2:		/* duplicate keys */
		w = snprintf(buf, cap, "{\"tag_spool\":\"%s\",\"tag_spool\":%s,"
		    "\"worker_id\":%lld,\"worker_id\":%s,\"operacion\":%s,"
		    "\"operacion\":%s}", tags[rnd(st, (unsigned int)ntags)], a,
		    workers[rnd(st, (unsigned int)nworkers)], b, c, c);
		break;
	case 3:		/* wrong types everywhere */
		w = snprintf(buf, cap, "{\"tag_spool\":%s,\"worker_id\":%s,"
		    "\"operacion\":%s,\"fecha_operacion\":%s,"
		    "\"tag_spools\":%s,\"resultado\":%s}", a, b, c, a, b, c);
		break;
	case 4:		/* huge numbers */
		n = (size_t)snprintf(buf, cap, "{\"tag_spool\":\"%s\","
		    "\"operacion\":\"ARM\",\"worker_id\":",
		    tags[rnd(st, (unsigned int)ntags)]);
		len = 1 + rnd(st, 20000);
		for (i = 0; i < len && n < cap - 16; i++)
			buf[n++] = (char)('1' + rnd(st, 9));
		n += (size_t)snprintf(buf + n, cap - n, "%s}",
		    rnd(st, 2) ? "e99999" : "");
		return (n);
	case 5:		/* random bytes */
		len = 1 + rnd(st, 4096);
		for (i = 0; i < len; i++)
			buf[i] = (char)rnd(st, 256);
		return (len);
	case 6:		/* a batch of odd tags */
		w = snprintf(buf, cap, "{\"tag_spools\":[%s,%s,%s,\"%s\","
		    "\"%s\"],\"worker_id\":%lld,\"operacion\":\"ARM\"}", a, b,
		    c, tags[rnd(st, (unsigned int)ntags)],
		    tags[rnd(st, (unsigned int)ntags)],
		    workers[rnd(st, (unsigned int)nworkers)]);
		break;
	case 7:		/* truncated */
		w = snprintf(buf, cap, "{\"tag_spool\":\"%s\",\"worker_id\":",
		    tags[rnd(st, (unsigned int)ntags)]);
		w -= (int)rnd(st, (unsigned int)w);
		break;
	default:	/* a real request, or one value made odd */
		w = snprintf(buf, cap, "{\"tag_spool\":\"%s\",\"worker_id\":"
		    "%lld,\"operacion\":\"ARM\",\"worker_nombre\":%s,"
		    "\"fecha_operacion\":null}",
		    tags[rnd(st, (unsigned int)ntags)],
		    workers[rnd(st, (unsigned int)nworkers)],
		    rnd(st, 2) ? "null" : a);
		break;
	}
	return (w < 0 ? 0 : ((size_t)w < cap ? (size_t)w : cap - 1));
}

static unsigned long	jobs_ok;	/* 2xx: real TOMARs and PAUSARs took */

static void
run_jobs(struct http_job *jobs, size_t n, const char *what)
{
	size_t	i;

	assert_int_equal(http_parallel(jobs, n, PARALLEL, 60000), 0);
	atomic_fetch_add(&sent, n);
	for (i = 0; i < n; i++) {
		if (jobs[i].reply.status / 100 == 2)
			jobs_ok++;
		if (jobs[i].reply.status >= 500 &&
		    jobs[i].reply.status != 503)
			print_message("%ld for %s\n", jobs[i].reply.status, what);
		check_json(what, jobs[i].reply.body, jobs[i].reply.len);
	}
}

static void
test_mutated_json_bodies(void **state)
{
	struct http_job	*jobs;
	char		*scratch, *body, url[NELEM(json_routes)][160];
	size_t		 i, cap = 62 * 1024, r;
	unsigned int	 st = 7;
	uint64_t	 start = harness_now_ms();

	(void)state;
	for (i = 0; i < NELEM(json_routes); i++)
		snprintf(url[i], sizeof(url[i]), "%s/api/%s", srv.base,
		    json_routes[i]);
	jobs = calloc(JSON_REQUESTS, sizeof(*jobs));
	scratch = malloc(cap);
	assert_non_null(jobs);
	assert_non_null(scratch);
	/* In ten rounds, so the bodies of one round fit in memory. */
	for (r = 0; r < 10; r++) {
		for (i = 0; i < JSON_REQUESTS / 10; i++) {
			/* Mostly the occupation routes, some others. */
			jobs[i].url = url[rnd(&st, 4) ? rnd(&st, 3) :
			    rnd(&st, NELEM(json_routes))];
			jobs[i].bodylen = json_body(&st, scratch, cap);
			assert_non_null(body = malloc(jobs[i].bodylen + 1));
			memcpy(body, scratch, jobs[i].bodylen);
			jobs[i].body = body;
			if (rnd(&st, 40) == 0)
				jobs[i].content_type = "text/plain";
		}
		run_jobs(jobs, JSON_REQUESTS / 10, "a mutated JSON body");
		http_parallel_free(jobs, JSON_REQUESTS / 10);
		for (i = 0; i < JSON_REQUESTS / 10; i++)
			free((char *)jobs[i].body);
		memset(jobs, 0, JSON_REQUESTS / 10 * sizeof(*jobs));
	}
	free(scratch);
	free(jobs);
	print_message("%d JSON bodies in %.1f s, %lu answered 2xx\n",
	    JSON_REQUESTS, (harness_now_ms() - start) / 1000.0, jobs_ok);
	assert_no_bad_json();
}

/* --- 3. hostile paths and queries on the read routes --- */

static const char	*path_parts[] = {
	"%ED%B0%80X", "%C0%AF", "%FF", "%00", "%F4%90%80%80", "%EF%BF%BF",
	"%E2%80%AE", "..%2F", "%22%5C%3C%2Fscript%3E", "MK%20BAD%20TAG",
	"MK-%C3%91AND%C3%9A-1", "%25", "%", "+", "%0A", "%7F",
	"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
};

static void
test_hostile_paths_and_queries(void **state)
{
	/* URL: base, [0], a part or a real tag, [1], another part. */
	static const char	*shapes[][2] = {
		{ "/api/occupation/status/", "" }, { "/api/history/", "" },
		{ "/api/spools/iniciar?operacion=", "" },
		{ "/api/spools/completar?operacion=ARM&worker_id=", "" },
		{ "/api/spools/completar?operacion=", "&worker_id=1" },
		{ "/api/", "" }, { "/api/sse/stream/", "" },
	};
	size_t			 k;
	struct http_job		*jobs;
	char			(*urls)[512];
	size_t			 i;
	unsigned int		 st = 11;

	(void)state;
	jobs = calloc(PATH_REQUESTS, sizeof(*jobs));
	urls = calloc(PATH_REQUESTS, sizeof(*urls));
	assert_non_null(jobs);
	assert_non_null(urls);
	for (i = 0; i < PATH_REQUESTS; i++) {
		k = rnd(&st, NELEM(shapes));
		snprintf(urls[i], sizeof(urls[i]), "%s%s%s%s%s", srv.base,
		    shapes[k][0], rnd(&st, 4) ? path_parts[rnd(&st,
		    NELEM(path_parts))] : tags[rnd(&st, (unsigned int)ntags)],
		    shapes[k][1], path_parts[rnd(&st, NELEM(path_parts))]);
		jobs[i].method = "GET";
		jobs[i].url = urls[i];
	}
	run_jobs(jobs, PATH_REQUESTS, "a hostile path");
	http_parallel_free(jobs, PATH_REQUESTS);
	free(jobs);
	free(urls);
	assert_no_bad_json();
}

/* --- 4. slow bodies, and bodies over MAX_BODY_BYTES --- */

static void *
slow_body(void *arg)
{
	struct raw_reply	 r;
	const char		*body = "{\"tag_spool\":\"NO-SUCH\","
				    "\"worker_id\":1,\"operacion\":\"ARM\"}";
	char			 head[256];
	size_t			 i;
	int			 fd;

	(void)arg;
	if ((fd = raw_connect(20000)) == -1)
		return (NULL);
	atomic_fetch_add(&sent, 1);
	snprintf(head, sizeof(head), "POST /api/occupation/tomar HTTP/1.1\r\n"
	    "Host: x\r\nContent-Type: application/json\r\n"
	    "Content-Length: %zu\r\n\r\n", strlen(body));
	(void)raw_send(fd, head, strlen(head));
	/* A byte every 80 ms: about 4 s for the body. */
	for (i = 0; body[i] != '\0'; i++) {
		if (raw_send(fd, body + i, 1) == -1)
			break;
		harness_sleep_ms(80);
	}
	raw_read(fd, 0, &r);
	raw_check("a slow body", &r);
	free(r.body);
	close(fd);
	return (NULL);
}

static void
test_slow_bodies_leave_the_floor_working(void **state)
{
	pthread_t		t[SLOW_BODIES];
	struct http_reply	r;
	char			url[128];
	size_t			i;
	uint64_t		start;
	int			ok = 0;

	(void)state;
	for (i = 0; i < SLOW_BODIES; i++)
		assert_int_equal(pthread_create(&t[i], NULL, slow_body, NULL),
		    0);
	/* Reads answer while the slow bodies trickle in. */
	snprintf(url, sizeof(url), "%s/api/workers", srv.base);
	start = harness_now_ms();
	while (harness_now_ms() - start < 4000) {
		atomic_fetch_add(&sent, 1);
		if (http_get(url, 5000, &r) == 0 && r.status == 200)
			ok++;
		http_reply_free(&r);
		harness_sleep_ms(100);
	}
	for (i = 0; i < SLOW_BODIES; i++)
		pthread_join(t[i], NULL);
	assert_true(ok > 0);
	assert_no_bad_json();
}

/*
 * A body over MAX_BODY_BYTES is refused with 413 JSON as soon as its
 * headers arrive: nothing of it is sent here, so an answer within the
 * timeout means the server did not wait to buffer it.
 */
static void
test_oversized_bodies_refused_before_upload(void **state)
{
	static const unsigned long long	sizes[] = {
		MAX_BODY_BYTES + 1, 16 * MAX_BODY_BYTES,
		16 * MAX_BODY_BYTES + 1, 2147483648ULL,
	};
	struct raw_reply	r;
	char			head[256];
	size_t			i;
	int			fd, refused = 0;

	(void)state;
	for (i = 0; i < NELEM(sizes); i++) {
		assert_true((fd = raw_connect(RAW_TIMEOUT_MS)) != -1);
		atomic_fetch_add(&sent, 1);
		snprintf(head, sizeof(head), "POST /api/occupation/tomar "
		    "HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
		    "Content-Length: %llu\r\n\r\n{\"tag_spool\":", sizes[i]);
		(void)raw_send(fd, head, strlen(head));
		raw_read(fd, 0, &r);
		close(fd);
		raw_check("an oversized body", &r);
		if (r.status == 413 &&
		    strcasecmp(r.ctype, "application/json") == 0)
			refused++;
		else
			print_message("Content-Length %llu: status %d (%s)\n",
			    sizes[i], r.status, r.status == -1 ?
			    "no answer before the body" : r.ctype);
		free(r.body);
	}
	assert_int_equal(refused, (int)NELEM(sizes));
}

/* --- 5. SSE streams with odd Last-Event-IDs --- */

static const char	*event_ids[] = {
	"", "0-0", "0-1", "1-0", "-1", "abc", "1-", "-", "1--1", "1-2-3",
	"\xff\xfe", "\xc0\xaf", "01-1", "1-01", " 1-1", "1-1 ",
	"99999999999999999999-0", "18446744073709551615-18446744073709551615",
	"18446744073709551616-0", "1e3-0", "%00", "1712345678901",
	"9999999999999-0",
};

static atomic_ulong	sse_next, sse_streams, sse_data_lines;

static void *
sse_worker(void *arg)
{
	struct raw_reply	 r;
	char			*req, *line, *save = NULL;
	unsigned long		 i;
	size_t			 cap = 16384, n;
	int			 fd;

	(void)arg;
	req = malloc(cap);
	while (req != NULL && (i = atomic_fetch_add(&sse_next, 1)) <
	    SSE_STREAMS) {
		if (i % NELEM(event_ids) == 0 && i > 0) {
			/* An id of 10,000 digits. */
			n = (size_t)snprintf(req, cap, "GET /api/sse/stream "
			    "HTTP/1.1\r\nHost: x\r\nLast-Event-ID: ");
			memset(req + n, '7', 10000);
			n += 10000;
			n += (size_t)snprintf(req + n, cap - n, "-0\r\n\r\n");
		} else {
			n = (size_t)snprintf(req, cap, "GET /api/sse/stream "
			    "HTTP/1.1\r\nHost: x\r\nLast-Event-ID: %s\r\n\r\n",
			    event_ids[i % NELEM(event_ids)]);
		}
		/* A stream never ends: read what comes in 250 ms. */
		if ((fd = raw_connect(250)) == -1)
			continue;
		atomic_fetch_add(&sent, 1);
		(void)raw_send(fd, req, n);
		raw_read(fd, 0, &r);
		close(fd);
		if (r.status > 0 && strcasecmp(r.ctype, "text/event-stream") !=
		    0) {
			raw_check("an SSE request", &r);
		} else if (r.body != NULL) {
			atomic_fetch_add(&sse_streams, 1);
			/* Every complete data line is one JSON value. */
			for (line = strtok_r(r.body, "\n", &save); line != NULL;
			    line = strtok_r(NULL, "\n", &save)) {
				/* Complete: its newline was read too. */
				if (strncmp(line, "data: ", 6) != 0 ||
				    line + strlen(line) >= r.body + r.len)
					continue;
				atomic_fetch_add(&sse_data_lines, 1);
				check_json("an SSE data line", line + 6,
				    strlen(line + 6));
			}
		}
		free(r.body);
	}
	free(req);
	return (NULL);
}

static void
test_sse_streams_with_odd_last_event_ids(void **state)
{
	pthread_t	t[RAW_THREADS];
	size_t		i;

	(void)state;
	for (i = 0; i < RAW_THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, sse_worker, NULL),
		    0);
	for (i = 0; i < RAW_THREADS; i++)
		pthread_join(t[i], NULL);
	print_message("%d SSE requests: %lu streams, %lu data lines\n",
	    SSE_STREAMS, atomic_load(&sse_streams),
	    atomic_load(&sse_data_lines));
	assert_no_bad_json();
}

/* --- afterwards --- */

static int
log_mentions(const char *path, const char *what)
{
	char	 line[1024];
	FILE	*fp;
	int	 found = 0;

	if ((fp = fopen(path, "r")) == NULL)
		return (0);
	while (!found && fgets(line, sizeof(line), fp) != NULL)
		if (strstr(line, what) != NULL) {
			fprintf(stderr, "%s: %s", path, line);
			found = 1;
		}
	fclose(fp);
	return (found);
}

/* Locks in Redis whose spool's Ocupado_Por is empty in the workbook. */
static int
orphan_locks(int verbose)
{
	struct wb_view {
		yajl_val	root, ops;
	}		 wb;
	char		*keys, *key, *save = NULL, buf[SPOOL_TAG_MAX + 1];
	char		 tag[SPOOL_TAG_MAX + 1], cell[SPOOL_TAG_MAX + 1];
	const char	*text;
	long		 ctag, cocc;
	size_t		 r;
	int		 orphans = 0, held;

	keys = harness_redis_cli(srv.redis_port, "--scan --pattern "
	    "spool_lock:*");
	if (keys == NULL)
		return (-1);
	wb.root = emu_workbook(&emu);
	wb.ops = emu_sheet(wb.root, "Operaciones");
	if (wb.ops == NULL) {
		free(keys);
		yajl_tree_free(wb.root);
		return (-1);
	}
	ctag = emu_column(wb.ops, "TAG_SPOOL");
	cocc = emu_column(wb.ops, "Ocupado_Por");
	for (key = strtok_r(keys, "\n", &save); key != NULL;
	    key = strtok_r(NULL, "\n", &save)) {
		/* A key we cannot read back as a tag is foreign: an orphan. */
		if (lock_key_tag(key, strlen(key), tag, sizeof(tag)) == -1)
			tag[0] = '\0';
		held = 0;
		for (r = 1; r < emu_nrows(wb.ops) && !held && tag[0] != '\0';
		    r++) {
			text = emu_cell(wb.ops, r, (size_t)ctag, buf,
			    sizeof(buf));
			if (spool_tag_canon(text, strlen(text), cell,
			    sizeof(cell)) == 0 && strcmp(cell, tag) == 0 &&
			    emu_cell(wb.ops, r, (size_t)cocc, buf,
			    sizeof(buf))[0] != '\0')
				held = 1;
		}
		if (!held) {
			orphans++;
			if (verbose)
				print_message("lock without Ocupado_Por: %s\n",
				    key);
		}
	}
	free(keys);
	yajl_tree_free(wb.root);
	return (orphans);
}

static void
test_afterwards_nothing_broke(void **state)
{
	long long	pids[16];
	uint64_t	end;
	size_t		i;
	int		n, orphans;

	(void)state;
	atomic_store(&livez_stop, 1);
	pthread_join(livez_thread, NULL);
	print_message("%lu requests in all; /livez answered %lu times, failed "
	    "%lu\n", atomic_load(&sent), atomic_load(&livez_ok),
	    atomic_load(&livez_failed));
	assert_true(atomic_load(&sent) >= 20000);
	assert_true(atomic_load(&livez_ok) > 0);
	assert_int_equal(atomic_load(&livez_failed), 0);

	/* No worker died and came back. */
	n = worker_pids(pids, NELEM(pids));
	assert_int_equal(n, (int)npids_before);
	for (i = 0; i < (size_t)n; i++)
		assert_true(pids[i] == pids_before[i]);
	assert_false(log_mentions(srv.log, "exited with status"));
	assert_false(log_mentions(srv.log, "restarting worker"));
	assert_true(test_log_clean(srv.log));

	/* Group commits in flight get a few seconds to land. */
	end = harness_now_ms() + 15000;
	while ((orphans = orphan_locks(0)) != 0 && harness_now_ms() < end)
		harness_sleep_ms(500);
	if (orphans != 0)
		(void)orphan_locks(1);
	assert_int_equal(orphans, 0);
}

#define T(f)	cmocka_unit_test_setup(f, count_from_here)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_malformed_request_lines_and_headers),
		T(test_mutated_json_bodies),
		T(test_hostile_paths_and_queries),
		T(test_slow_bodies_leave_the_floor_working),
		T(test_oversized_bodies_refused_before_upload),
		T(test_sse_streams_with_odd_last_event_ids),
		T(test_afterwards_nothing_broke),
	};

	return (cmocka_run_group_tests_name("server_hostile", tests, setup,
	    teardown));
}
