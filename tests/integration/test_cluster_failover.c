/*
 * More than one instance (issue 15), on scripts/run-cluster: nginx in
 * front of instances a and b, a Redis primary and replica under three
 * Sentinels, the test's Sheets emulator.
 *
 *  - 10 concurrent TOMARs of one spool through nginx, over both
 *    instances: one 200, nine 409;
 *  - failover with traffic running: the primary is killed, the Sentinels
 *    promote the replica, both instances follow within 10 s, /api/health
 *    says degraded in the gap and healthy after, no acknowledged change
 *    is missing from Sheets, no spool has two owners, and a lock the
 *    replica never had is restored by the reconciliation that runs at
 *    once after a failover (its interval is left at 120 s);
 *  - instance a is killed: nginx routes around it, the next requests
 *    succeed, its live-board clients reconnect with Last-Event-ID to b and
 *    miss nothing;
 *  - throughout, sampled every 100 ms, the connections both instances hold
 *    in Redis and in the Sentinels stay within the sum of their budgets.
 *
 * CLUSTER_SSE_CLIENTS (default 500, the figure) live-board
 * clients: the whole file takes about 12 s plain and 30 s under the
 * sanitizers on 2 cores.
 */
#include <sys/types.h>

#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <hiredis/hiredis.h>

#include "cluster.h"
#include "emulator_fixture.h"
#include "harness.h"
#include "http_parallel.h"
#include "server.h"
#include "sse_clients.h"

#define BUDGET		8	/* per instance */
#define NTRAFFIC	8	/* spools the traffic cycles */
#define REQUEST_DEADLINE_MS	10000	/* the server's default */

static struct emu		emu;
static struct test_cluster	cl;
/* Workers who may take ARM: the race needs ten different ones. */
static long long		ayudante[10];

/* --- connections, sampled every 100 ms --- */

static pthread_t	sampler;
static volatile int	sampling;
static int		max_total, max_redis, max_sentinel, samples;

static void *
sample(void *arg)
{
	int	r, s;

	(void)arg;
	while (sampling) {
		if (test_cluster_connections(&cl, &r, &s) == 0) {
			samples++;
			if (r + s > max_total)
				max_total = r + s;
			if (r > max_redis)
				max_redis = r;
			if (s > max_sentinel)
				max_sentinel = s;
		}
		harness_sleep_ms(100);
	}
	return (NULL);
}

/* Sentinel connections count in each instance's budget. */
static void
check_connections(const char *when)
{
	print_message("connections %s: max %d (Redis %d, Sentinel %d) over "
	    "%d samples; budgets %d\n", when, max_total, max_redis,
	    max_sentinel, samples, 2 * BUDGET);
	assert_true(samples > 0);
	assert_true(max_total <= 2 * BUDGET);
}

/* --- set-up --- */

static int
has_role(yajl_val w, const char *role)
{
	yajl_val	roles = jpath(w, "roles", NULL);
	size_t		i;

	for (i = 0; roles != NULL && YAJL_IS_ARRAY(roles) &&
	    i < roles->u.array.len; i++) {
		if (YAJL_IS_STRING(roles->u.array.values[i]) &&
		    strcmp(roles->u.array.values[i]->u.string, role) == 0)
			return (1);
	}
	return (0);
}

static int
pick_workers(void)
{
	struct http_reply	 r;
	yajl_val		 j, list, w;
	char			 url[128];
	size_t			 i, n = 0;

	snprintf(url, sizeof(url), "%s/api/workers", cl.base);
	if (http_get(url, 10000, &r) != 0 || r.status != 200)
		return (-1);
	j = http_reply_json(&r);
	list = jpath(j, "workers", NULL);
	for (i = 0; list != NULL && i < list->u.array.len && n < 10; i++) {
		w = list->u.array.values[i];
		if (has_role(w, "Ayudante") || has_role(w, "Armador"))
			ayudante[n++] = jpath_int(w, -1, "id", NULL);
	}
	yajl_tree_free(j);
	http_reply_free(&r);
	print_message("%zu workers who may take ARM\n", n);
	return (n == 10 ? 0 : -1);
}

/* ARM spools nobody has started, never the same twice. */
static size_t
pick_spools(char tags[][80], size_t want)
{
	static char		 handed[64][80];
	static size_t		 nhanded;
	struct http_reply	 r;
	yajl_val		 j, list, s;
	const char		*t;
	char			 url[160];
	size_t			 i, k, n = 0;

	snprintf(url, sizeof(url), "%s/api/spools/iniciar?operacion=ARM",
	    cl.base);
	assert_int_equal(http_get(url, 10000, &r), 0);
	j = http_reply_json(&r);
	list = jpath(j, "spools", NULL);
	for (i = 0; list != NULL && i < list->u.array.len && n < want &&
	    nhanded < 64; i++) {
		s = list->u.array.values[i];
		t = jpath_str(s, "tag_spool", NULL);
		/* v3 spools only: a v4 one is taken with INICIAR. */
		if (t == NULL || !YAJL_IS_NULL(jpath(s, "armador", NULL)) ||
		    jpath_int(s, 0, "total_uniones", NULL) > 0)
			continue;
		for (k = 0; k < nhanded && strcmp(handed[k], t) != 0; k++)
			;
		if (k < nhanded)
			continue;
		snprintf(handed[nhanded++], 80, "%s", t);
		snprintf(tags[n++], 80, "%s", t);
	}
	yajl_tree_free(j);
	http_reply_free(&r);
	return (n);
}

static int
setup(void **state)
{
	char	*env[20];
	size_t	 i;

	(void)state;
	if (emu_start(&emu, 400, 30, NULL) == -1)
		return (-1);
	for (i = 0; emu.te.env[i] != NULL; i++)
		env[i] = emu.te.env[i];
	env[i++] = "SENTINEL_DOWN_AFTER_MS=1000";
	env[i++] = "SENTINEL_FAILOVER_TIMEOUT_MS=3000";
	env[i++] = "REDIS_SOCKET_TIMEOUT=2";
	env[i++] = "REDIS_SOCKET_CONNECT_TIMEOUT=1";
	env[i++] = "REQUEST_DEADLINE_MS=5000";
	env[i++] = "SSE_MAX_CLIENTS_PER_WORKER=2000";
	env[i++] = "ACCESS_LOG=off";
	/* The emulator has no quota: the floor's pace is the traffic's. */
	env[i++] = "SHEETS_WRITES_PER_MINUTE=6000";
	env[i++] = "SHEETS_READS_PER_MINUTE=6000";
	env[i++] = "SHEETS_BATCH_WINDOW_MS=20";
	env[i] = NULL;
	memset(&cl, 0, sizeof(cl));
	cl.budget = BUDGET;
	if (test_cluster_start(&cl, env) == -1) {
		print_message("the cluster did not start: see %s\n", cl.log);
		return (-1);
	}
	sampling = 1;
	if (pthread_create(&sampler, NULL, sample, NULL) != 0)
		return (-1);
	return (pick_workers());
}

static int
teardown(void **state)
{
	int	bad;

	(void)state;
	if (sampling) {
		sampling = 0;
		pthread_join(sampler, NULL);
	}
	bad = test_cluster_stop(&cl);
	bad |= emu_stop(&emu);
	return (bad);
}

/* --- requests through nginx --- */

static int	verbose = 5;	/* the first few failures are shown */

static long
act(const char *base, const char *action, const char *tag, long long worker)
{
	static const char *const json[] = { "Content-Type: application/json",
				    NULL };
	struct http_reply	r;
	char			url[160], body[256];
	long			st;

	snprintf(url, sizeof(url), "%s/api/occupation/%s", base, action);
	snprintf(body, sizeof(body), "{\"tag_spool\":\"%s\",\"worker_id\":"
	    "%lld,\"operacion\":\"ARM\"}", tag, worker);
	memset(&r, 0, sizeof(r));
	st = http_request("POST", url, json, body, strlen(body), 8000,
	    &r) == 0 ? r.status : 0;
	if (st != 200 && st != 409 && verbose-- > 0)
		print_message("%s %s: %ld %s\n", action, tag, st,
		    r.body != NULL ? r.body : "");
	http_reply_free(&r);
	return (st);
}

/* Lines of nginx's access log holding both needles. */
static int
access_lines(const char *a, const char *b)
{
	char	path[700], *text, *line, *save;
	int	n = 0;

	snprintf(path, sizeof(path), "%s/log/nginx-access.log", cl.dir);
	if ((text = emu_slurp(path)) == NULL)
		return (0);
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (strstr(line, a) != NULL && strstr(line, b) != NULL)
			n++;
	}
	free(text);
	return (n);
}

static void
test_race_through_nginx(void **state)
{
	struct http_job	jobs[10];
	char		tag[1][80], body[10][200], url[160], up[2][32];
	size_t		i;
	int		ok = 0, busy = 0;

	(void)state;
	assert_int_equal(pick_spools(tag, 1), 1);
	snprintf(url, sizeof(url), "%s/api/occupation/tomar", cl.base);
	memset(jobs, 0, sizeof(jobs));
	for (i = 0; i < 10; i++) {
		snprintf(body[i], sizeof(body[i]), "{\"tag_spool\":\"%s\","
		    "\"worker_id\":%lld,\"operacion\":\"ARM\"}", tag[0],
		    ayudante[i]);
		jobs[i].url = url;
		jobs[i].body = body[i];
		jobs[i].bodylen = strlen(body[i]);
	}
	assert_int_equal(http_parallel(jobs, 10, 10, 15000), 0);
	for (i = 0; i < 10; i++) {
		if (jobs[i].reply.status == 200)
			ok++;
		else if (jobs[i].reply.status == 409)
			busy++;
		else
			print_message("unexpected %ld: %s\n",
			    jobs[i].reply.status, jobs[i].reply.body);
	}
	http_parallel_free(jobs, 10);
	assert_int_equal(ok, 1);
	assert_int_equal(busy, 9);
	/* Spread over both instances. */
	snprintf(up[0], sizeof(up[0]), "upstream=127.0.0.1:%d", cl.port_a);
	snprintf(up[1], sizeof(up[1]), "upstream=127.0.0.1:%d", cl.port_b);
	print_message("TOMARs by instance: a %d, b %d\n",
	    access_lines("/api/occupation/tomar", up[0]),
	    access_lines("/api/occupation/tomar", up[1]));
	assert_true(access_lines("/api/occupation/tomar", up[0]) > 0);
	assert_true(access_lines("/api/occupation/tomar", up[1]) > 0);
	check_connections("after the race");
}

/* --- failover --- */

enum held { UNKNOWN, HELD, FREE };

struct traffic {
	pthread_t	 thread;
	volatile int	 run;
	char		 tags[NTRAFFIC][80];
	enum held	 state[NTRAFFIC];	/* as last acknowledged */
	int		 codes[600];
	volatile int	 requests;
	volatile int	 ok;
	int		 failed;
	int		 already;	/* 400: it already was so */
};

static void *
traffic_run(void *arg)
{
	struct traffic	*t = arg;
	size_t		 i;
	long		 st;
	int		 take;

	while (t->run) {
		for (i = 0; i < NTRAFFIC && t->run; i++) {
			take = t->state[i] != HELD;
			st = act(cl.base, take ? "tomar" : "pausar", t->tags[i],
			    ayudante[0]);
			t->requests++;
			if (st == 200) {
				t->ok++;
				t->state[i] = take ? HELD : FREE;
			} else if (st == 400) {
				/* Already so (after a reply that was lost). */
				t->state[i] = take ? HELD : FREE;
				t->already++;
			} else {
				/* The outcome is not known: not checked. */
				t->state[i] = UNKNOWN;
				t->failed++;
				if (st >= 0 && st < 600)
					t->codes[st]++;
			}
		}
		harness_sleep_ms(50);
	}
	return (NULL);
}

static redisReply *
redis_at(int port, const char *fmt, ...)
{
	struct timeval	 tv = { 1, 0 };
	redisContext	*c;
	redisReply	*r;
	va_list		 ap;

	if ((c = redisConnectWithTimeout("127.0.0.1", port, tv)) == NULL ||
	    c->err) {
		if (c != NULL)
			redisFree(c);
		return (NULL);
	}
	va_start(ap, fmt);
	r = redisvCommand(c, fmt, ap);
	va_end(ap);
	redisFree(c);
	return (r);
}

static int
is_master(int port)
{
	redisReply	*r = redis_at(port, "ROLE");
	int		 yes;

	yes = r != NULL && r->type == REDIS_REPLY_ARRAY && r->elements > 0 &&
	    strcmp(r->element[0]->str, "master") == 0;
	if (r != NULL)
		freeReplyObject(r);
	return (yes);
}

/* The worker id of the lock of tag on port: 0 none, -1 no answer. */
static long long
lock_worker(int port, const char *tag)
{
	redisReply	*r = redis_at(port, "GET spool_lock:%s", tag);
	long long	 w = -1;

	if (r != NULL && r->type == REDIS_REPLY_NIL)
		w = 0;
	else if (r != NULL && r->type == REDIS_REPLY_STRING)
		w = atoll(r->str);
	if (r != NULL)
		freeReplyObject(r);
	return (w);
}

/* The worker Ocupado_Por names ("Name(id)"), 0 when empty. */
static long long
sheet_owner(yajl_val ops, const char *tag)
{
	char		 buf[128];
	const char	*cell, *open;
	long		 ct = emu_column(ops, "TAG_SPOOL");
	long		 co = emu_column(ops, "Ocupado_Por");
	size_t		 r;

	for (r = 1; r < emu_nrows(ops); r++) {
		if (strcmp(emu_cell(ops, r, (size_t)ct, buf, sizeof(buf)),
		    tag) != 0)
			continue;
		cell = emu_cell(ops, r, (size_t)co, buf, sizeof(buf));
		if (*cell == '\0')
			return (0);
		open = strrchr(cell, '(');
		return (open != NULL ? atoll(open + 1) : -1);
	}
	return (-1);
}

/* "healthy" or "degraded" from an instance's /api/health, "" if neither. */
static void
health_of(const char *base, char *out, size_t len)
{
	struct http_reply	 r;
	char			 url[128];
	yajl_val		 j;
	const char		*s;

	snprintf(url, sizeof(url), "%s/api/health", base);
	out[0] = '\0';
	memset(&r, 0, sizeof(r));
	if (http_get(url, 1500, &r) == 0 && (j = http_reply_json(&r)) != NULL) {
		if ((s = jpath_str(j, "status", NULL)) != NULL)
			snprintf(out, len, "%s", s);
		yajl_tree_free(j);
	}
	http_reply_free(&r);
}

static long
ready(const char *base)
{
	char	url[128];
	struct http_reply r;
	long	st;

	snprintf(url, sizeof(url), "%s/readyz", base);
	memset(&r, 0, sizeof(r));
	st = http_get(url, 1500, &r) == 0 ? r.status : 0;
	http_reply_free(&r);
	return (st);
}

static void
test_failover_with_traffic(void **state)
{
	static struct traffic	 t;
	char			 lost[1][80], h[16], cmd[64];
	const char		*bases[2] = { cl.base_a, cl.base_b };
	int			 old = cl.redis_port, new = cl.redis_port + 1;
	int			 down[2] = { 0, 0 }, degraded[2] = { 0, 0 };
	uint64_t		 t_kill, t_promo = 0, t_back[2] = { 0, 0 };
	uint64_t		 until, t_restored = 0;
	int			 ok_before, ok_back;
	yajl_val		 wb, ops;
	long long		 owner, lw;
	redisReply		*r;
	size_t			 i;
	int			 k, code;

	(void)state;
	assert_int_equal(test_cluster_primary(&cl), old);

	/* A lock the replica will not have: taken, then deleted there. */
	assert_int_equal(pick_spools(lost, 1), 1);
	assert_int_equal(act(cl.base, "tomar", lost[0], ayudante[1]), 200);
	harness_sleep_ms(300);		/* replicated */
	r = redis_at(new, "CONFIG SET replica-read-only no");
	assert_non_null(r);
	freeReplyObject(r);
	r = redis_at(new, "DEL spool_lock:%s", lost[0]);
	assert_non_null(r);
	assert_int_equal(r->integer, 1);
	freeReplyObject(r);

	assert_int_equal(pick_spools(t.tags, NTRAFFIC), NTRAFFIC);
	t.run = 1;
	assert_int_equal(pthread_create(&t.thread, NULL, traffic_run, &t), 0);
	harness_sleep_ms(2000);

	ok_before = t.ok;
	t_kill = harness_now_ms();
	snprintf(cmd, sizeof(cmd), "redis-%d", old);
	assert_int_equal(kill(test_cluster_pid(&cl, cmd), SIGKILL), 0);

	/* Both instances go down, the replica is promoted, both come back. */
	until = t_kill + 30000;
	while (harness_now_ms() < until && (t_back[0] == 0 || t_back[1] == 0)) {
		if (t_promo == 0 && is_master(new))
			t_promo = harness_now_ms();
		for (k = 0; k < 2; k++) {
			if (t_back[k] != 0)
				continue;
			health_of(bases[k], h, sizeof(h));
			if (strcmp(h, "degraded") == 0)
				degraded[k] = 1;
			code = (int)ready(bases[k]);
			if (code != 200)
				down[k] = 1;
			else if (down[k] && t_promo != 0)
				t_back[k] = harness_now_ms();
		}
		harness_sleep_ms(50);
	}
	print_message("failover: promoted %llu ms after the kill; instance a "
	    "back %lld ms, b %lld ms after the promotion\n",
	    (unsigned long long)(t_promo - t_kill),
	    t_back[0] != 0 ? (long long)(t_back[0] - t_promo) : -1LL,
	    t_back[1] != 0 ? (long long)(t_back[1] - t_promo) : -1LL);
	assert_true(t_promo != 0);
	for (k = 0; k < 2; k++) {
		assert_true(t_back[k] != 0);
		assert_true(t_back[k] - t_promo <= 10000);
		assert_true(degraded[k]);
		health_of(bases[k], h, sizeof(h));
		assert_string_equal(h, "healthy");
	}
	assert_int_equal(test_cluster_primary(&cl), new);

	/* The lost lock comes back at once, not after the 120 s interval. */
	until = harness_now_ms() + 15000;
	while (harness_now_ms() < until && t_restored == 0) {
		if (lock_worker(new, lost[0]) == ayudante[1])
			t_restored = harness_now_ms();
		else
			harness_sleep_ms(100);
	}
	print_message("the lost lock restored %lld ms after the promotion\n",
	    (long long)(t_restored - t_promo));
	assert_true(t_restored != 0);

	/*
	 * Traffic on the new primary, 3 s at least; a request in flight at
	 * the kill may wait out REQUEST_DEADLINE_MS before the next one.
	 */
	ok_back = t.ok;
	until = harness_now_ms() + 3000;
	if (until < t_kill + REQUEST_DEADLINE_MS + 3000)
		until = t_kill + REQUEST_DEADLINE_MS + 3000;
	harness_sleep_ms(3000);
	while (t.ok - ok_back < NTRAFFIC / 2 && harness_now_ms() < until)
		harness_sleep_ms(100);
	t.run = 0;
	pthread_join(t.thread, NULL);
	print_message("traffic: %d requests, %d before the kill and %d after "
	    "the recovery acknowledged, %d refused as already done (a lost "
	    "reply), %d failed:", t.requests, ok_before, t.ok - ok_back,
	    t.already, t.failed);
	for (i = 0; i < 600; i++) {
		if (t.codes[i] > 0)
			print_message(" %zu x%d", i, t.codes[i]);
	}
	print_message("\n");
	assert_true(ok_before >= NTRAFFIC / 2);
	assert_true(t.ok - ok_back >= NTRAFFIC / 2);

	/* Every acknowledged change is in Sheets; one owner a spool. */
	wb = emu_workbook(&emu);
	assert_non_null(wb);
	ops = emu_sheet(wb, "Operaciones");
	assert_non_null(ops);
	for (i = 0; i < NTRAFFIC; i++) {
		owner = sheet_owner(ops, t.tags[i]);
		lw = lock_worker(new, t.tags[i]);
		if (t.state[i] == HELD)
			assert_int_equal(owner, ayudante[0]);
		else if (t.state[i] == FREE)
			assert_int_equal(owner, 0);
		if (owner > 0)
			assert_int_equal(lw, owner);
		assert_true(lw == 0 || lw == owner || owner == 0);
	}
	assert_int_equal(sheet_owner(ops, lost[0]), ayudante[1]);
	yajl_tree_free(wb);
	check_connections("through the failover");
}

/* --- an instance dies --- */

static void
test_instance_dies_sse_moves(void **state)
{
	struct sse_clients	 all, re;
	const char		*env = getenv("CLUSTER_SSE_CLIENTS");
	size_t			 n = env != NULL ? (size_t)atoi(env) : 500;
	size_t			 i, j, closed = 0, ref = (size_t)-1;
	char			 tags[2][80], first[SSE_ID_MAX];
	char			 last[SSE_ID_MAX], path[32];
	const struct sse_client_state *c, *rc;
	uint64_t		 until;
	int			 k;

	(void)state;
	assert_int_equal(pick_spools(tags, 2), 2);
	snprintf(path, sizeof(path), "/api/sse/stream");
	assert_int_equal(sse_clients_open(&all, n, cl.port, path, NULL, 1), 0);
	sse_clients_pump(&all, 500);
	assert_int_equal(sse_clients_open_count(&all), n);

	/* One event every client has: where the reconnects resume. */
	assert_int_equal(act(cl.base, "tomar", tags[0], ayudante[2]), 200);
	until = harness_now_ms() + 10000;
	while (all.c[0].nids == 0 && harness_now_ms() < until)
		sse_clients_pump(&all, 100);
	assert_true(all.c[0].nids > 0);
	snprintf(first, sizeof(first), "%s", all.c[0].ids[all.c[0].nids - 1]);
	assert_int_equal(sse_clients_wait_id(&all, first, 10000), 0);

	assert_int_equal(kill(test_cluster_pid(&cl, "zeues-a"), SIGKILL), 0);
	until = harness_now_ms() + 5000;
	while (harness_now_ms() < until && sse_clients_open_count(&all) == n)
		sse_clients_pump(&all, 100);
	sse_clients_pump(&all, 500);
	for (i = 0; i < n; i++)
		closed += !all.c[i].open;
	print_message("%zu of %zu live-board clients were on instance a\n",
	    closed, n);
	assert_true(closed > 0 && closed < n);

	/* Its tablets' next requests succeed (nginx tries b). */
	for (k = 0; k < 3; k++) {
		assert_int_equal(act(cl.base, "pausar", tags[0], ayudante[2]),
		    200);
		assert_int_equal(act(cl.base, "tomar", tags[0], ayudante[2]),
		    200);
	}
	assert_int_equal(act(cl.base, "tomar", tags[1], ayudante[2]), 200);

	/* Reconnected with the id they had, to the only instance left. */
	assert_int_equal(sse_clients_open(&re, closed, cl.port, path, first,
	    1), 0);
	for (i = 0; i < n && ref == (size_t)-1; i++) {
		if (all.c[i].open)
			ref = i;
	}
	until = harness_now_ms() + 10000;
	while (all.c[ref].nids < 8 && harness_now_ms() < until)
		sse_clients_pump(&all, 100);
	rc = &all.c[ref];
	snprintf(last, sizeof(last), "%s", rc->ids[rc->nids - 1]);
	assert_int_equal(sse_clients_wait_id(&all, last, 10000), 0);
	assert_int_equal(sse_clients_wait_id(&re, last, 10000), 0);

	/* The same events in the same order, once, for everyone. */
	for (i = 0; i < n; i++) {
		c = &all.c[i];
		if (!c->open)
			continue;
		assert_int_equal(c->nids, rc->nids);
		for (j = 0; j < c->nids; j++)
			assert_string_equal(c->ids[j], rc->ids[j]);
	}
	k = (int)sse_client_find(rc, first);
	assert_true(k >= 0);
	for (i = 0; i < re.n; i++) {
		c = &re.c[i];
		assert_int_equal(c->nids, rc->nids - (size_t)k - 1);
		for (j = 0; j < c->nids; j++)
			assert_string_equal(c->ids[j], rc->ids[k + 1 + j]);
	}
	sse_clients_close(&re);
	sse_clients_close(&all);
	check_connections("with one instance gone");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_race_through_nginx),
		cmocka_unit_test(test_failover_with_traffic),
		cmocka_unit_test(test_instance_dies_sse_moves),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}
