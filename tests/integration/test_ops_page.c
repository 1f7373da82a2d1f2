/*
 * The ops page (issue 14): its routes over HTTP, then the page itself in
 * headless Chromium driven by tests/browser/ops_page.mjs (playwright-core,
 * pinned, installed by the Makefile into build/browser): it loads with no
 * console error, shows a TOMAR within 1 s, turns red within the probe
 * interval when Redis stops and green after it restarts, and its pool
 * chart's latest point equals /api/redis-connection-stats.  The script
 * asks for Redis to be stopped and started on its stdout ("CONTROL ...");
 * this side does it with the harness and answers "done".  Screenshots go
 * to the build folder.  Without Chromium the browser part is skipped,
 * saying so.
 */
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "emulator_fixture.h"
#include "harness.h"
#include "server.h"

#define OPS_TOKEN	"ops-page-test-token-0123456789"
#define PROBE_S		"5"
#define BROWSER_MAX_MS	90000

static struct emu		emu;
static struct test_server	srv;

static int
setup(void **state)
{
	char	*env[12];
	size_t	 i;

	(void)state;
	if (emu_start(&emu, 400, 30, NULL) == -1)
		return (-1);
	for (i = 0; emu.te.env[i] != NULL; i++)
		env[i] = emu.te.env[i];
	env[i++] = "OPS_TOKEN=" OPS_TOKEN;
	env[i++] = "REDIS_HEALTH_CHECK_INTERVAL=" PROBE_S;
	env[i++] = "REDIS_SOCKET_TIMEOUT=2";
	env[i++] = "REDIS_SOCKET_CONNECT_TIMEOUT=2";
	env[i++] = "WORKERS=2";
	env[i] = NULL;
	memset(&srv, 0, sizeof(srv));
	return (test_server_start(&srv, env));
}

static int
teardown(void **state)
{
	int	bad;

	(void)state;
	bad = test_server_stop(&srv);
	bad |= emu_stop(&emu);
	return (bad);
}

static void
get(const char *path, const char *auth, struct http_reply *r)
{
	const char	*headers[] = { auth, NULL };
	char		 url[256];

	snprintf(url, sizeof(url), "%s%s", srv.base, path);
	assert_int_equal(http_request("GET", url, auth ? headers : NULL, NULL,
	    0, 10000, r), 0);
}

static void
test_routes(void **state)
{
	struct http_reply	r;
	char			h[512];
	const char		*last;
	yajl_val		j, t;
	uint64_t		end;

	(void)state;
	get("/", NULL, &r);
	assert_int_equal(r.status, 302);
	assert_int_equal(http_reply_header(&r, "location", h, sizeof(h)), 0);
	assert_string_equal(h, "/ops");
	http_reply_free(&r);

	get("/ops", NULL, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(http_reply_header(&r, "content-type", h, sizeof(h)),
	    0);
	assert_string_equal(h, "text/html; charset=utf-8");
	assert_int_equal(http_reply_header(&r, "content-security-policy", h,
	    sizeof(h)), 0);
	assert_non_null(strstr(h, "connect-src 'self'"));
	assert_non_null(strstr(r.body, "/ops/ops.js"));
	http_reply_free(&r);

	get("/ops/ops.js", NULL, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "EventSource"));
	http_reply_free(&r);

	get("/ops/chart.js", NULL, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "export function drawChart"));
	http_reply_free(&r);

	get("/ops/ops.css", NULL, &r);
	assert_int_equal(r.status, 200);
	http_reply_free(&r);

	/* Unknown files get the JSON 404 like any unknown path. */
	get("/ops/secret.txt", NULL, &r);
	assert_int_equal(r.status, 404);
	j = http_reply_json(&r);
	assert_non_null(j);
	assert_string_equal(jpath_str(j, "error", NULL), "NOT_FOUND");
	yajl_tree_free(j);
	http_reply_free(&r);

	/* The page is open; what it reads is guarded like /metrics. */
	get("/api/ops/stats", NULL, &r);
	assert_int_equal(r.status, 401);
	http_reply_free(&r);
	/*
	 * The state since start-up is known once the first Sheets probe
	 * has answered (none is noted before: "not checked yet" is no
	 * outage); then the newest transition says healthy.
	 */
	end = harness_now_ms() + 10000;
	for (;;) {
		get("/api/ops/stats", "Authorization: Bearer " OPS_TOKEN, &r);
		assert_int_equal(r.status, 200);
		j = http_reply_json(&r);
		assert_non_null(j);
		t = json_at(j, "health.transitions");
		assert_true(YAJL_IS_ARRAY(t));
		last = YAJL_GET_ARRAY(t)->len == 0 ? "" : jpath_str(
		    YAJL_GET_ARRAY(t)->values[YAJL_GET_ARRAY(t)->len - 1],
		    "verdict", NULL);
		if (strcmp(last, "healthy") == 0 || harness_now_ms() > end)
			break;
		yajl_tree_free(j);
		http_reply_free(&r);
		harness_sleep_ms(100);
	}
	assert_string_equal(last, "healthy");
	assert_int_equal(YAJL_GET_INTEGER(json_at(j,
	    "sheets.writes_per_minute")), 60);
	assert_true(YAJL_IS_TRUE(json_at(j, "sheets.configured")));
	yajl_tree_free(j);
	http_reply_free(&r);
}

/* A value of /metrics: the number after "series ", or -1. */
static double
metric(const char *series)
{
	struct http_reply	 r;
	const char		*p;
	size_t			 n = strlen(series);
	double			 v = -1;

	get("/metrics", "Authorization: Bearer " OPS_TOKEN, &r);
	assert_int_equal(r.status, 200);
	for (p = r.body; p != NULL && *p != '\0'; p = strchr(p, '\n'),
	    p = p != NULL ? p + 1 : NULL) {
		if (strncmp(p, series, n) == 0 && p[n] == ' ') {
			v = strtod(p + n + 1, NULL);
			break;
		}
	}
	http_reply_free(&r);
	return (v);
}

/* An ARM-capable worker and a spool ready for ARM, from the demo. */
static void
pick(char *tag, size_t tagsz, long long *worker, char *name, size_t namesz)
{
	struct http_reply	r;
	yajl_val		j, a, w, roles;
	size_t			i, k;
	const char		*role;

	get("/api/spools/iniciar?operacion=ARM", NULL, &r);
	j = http_reply_json(&r);
	a = jpath(j, "spools", NULL);
	assert_true(YAJL_IS_ARRAY(a) && YAJL_GET_ARRAY(a)->len > 2);
	/*
	 * The last v3 one (a v4 spool is taken with INICIAR): the browser
	 * test takes the first.
	 */
	tag[0] = '\0';
	for (i = YAJL_GET_ARRAY(a)->len; i > 0 && tag[0] == '\0'; i--) {
		w = YAJL_GET_ARRAY(a)->values[i - 1];
		if (jpath_int(w, 0, "total_uniones", NULL) == 0)
			snprintf(tag, tagsz, "%s", jpath_str(w, "tag_spool",
			    NULL));
	}
	assert_true(tag[0] != '\0');
	yajl_tree_free(j);
	http_reply_free(&r);

	get("/api/workers", NULL, &r);
	j = http_reply_json(&r);
	a = jpath(j, "workers", NULL);
	assert_true(YAJL_IS_ARRAY(a));
	*worker = 0;
	for (i = 0; i < YAJL_GET_ARRAY(a)->len && *worker == 0; i++) {
		w = YAJL_GET_ARRAY(a)->values[i];
		roles = jpath(w, "roles", NULL);
		for (k = 0; YAJL_IS_ARRAY(roles) &&
		    k < YAJL_GET_ARRAY(roles)->len; k++) {
			role = YAJL_GET_STRING(YAJL_GET_ARRAY(roles)->values[k]);
			if (role != NULL && (strcmp(role, "Armador") == 0 ||
			    strcmp(role, "Ayudante") == 0)) {
				*worker = YAJL_GET_INTEGER(jpath(w, "id", NULL));
				snprintf(name, namesz, "%s", jpath_str(w,
				    "nombre_completo", NULL));
				break;
			}
		}
	}
	assert_true(*worker > 0);
	yajl_tree_free(j);
	http_reply_free(&r);
}

/*
 * The latency /metrics counts (and the page's p50/p99) is the whole
 * request's: a TOMAR sleeps while Redis and the group commit work, and
 * Kore restarts req->start on every handler run, so counting from it gave
 * the last run alone (well under a millisecond).
 */
static void
test_latency_is_the_whole_request(void **state)
{
	const char	*headers[] = { "Content-Type: application/json", NULL };
	const char	*sum = "zeues_http_request_duration_seconds_sum{"
			    "route=\"/api/occupation/tomar\"}";
	struct http_reply r;
	char		 tag[128], name[64], url[256], body[512];
	long long	 worker;
	double		 before, after;

	(void)state;
	pick(tag, sizeof(tag), &worker, name, sizeof(name));
	before = metric(sum);
	if (before < 0)
		before = 0;
	snprintf(url, sizeof(url), "%s/api/occupation/tomar", srv.base);
	snprintf(body, sizeof(body), "{\"tag_spool\":\"%s\",\"worker_id\":"
	    "%lld,\"worker_nombre\":\"%s\",\"operacion\":\"ARM\"}", tag,
	    worker, name);
	assert_int_equal(http_request("POST", url, headers, body,
	    strlen(body), 15000, &r), 0);
	assert_int_equal(r.status, 200);
	/* At least the group commit's window (SHEETS_BATCH_WINDOW_MS). */
	assert_true(r.seconds >= 0.15);
	after = metric(sum);
	print_message("TOMAR took %.3f s at the client, %.3f s in /metrics\n",
	    r.seconds, after - before);
	assert_true(after - before >= 0.8 * r.seconds - 0.005);
	assert_true(after - before <= r.seconds + 0.005);
	http_reply_free(&r);
}

static const char *
chromium_path(void)
{
	const char	*c = getenv("CHROMIUM");

	/* CHROMIUM=path names the browser; Debian's is the default. */
	if (c == NULL || *c == '\0')
		c = "/usr/bin/chromium";
	return (access(c, X_OK) == 0 ? c : NULL);
}

static pid_t
spawn_node(const char *chromium, const char *playwright, int *to_node,
    int *from_node)
{
	int	in[2], out[2];
	pid_t	pid;

	if (pipe(in) == -1 || pipe(out) == -1)
		return (-1);
	if ((pid = fork()) == -1)
		return (-1);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(out[1], 2);
		close(in[1]);
		close(out[0]);
		setenv("ZEUES_BASE", srv.base, 1);
		setenv("OPS_TOKEN", OPS_TOKEN, 1);
		setenv("CHROMIUM", chromium, 1);
		setenv("PLAYWRIGHT_CORE", playwright, 1);
		setenv("SHOT_DIR", test_build_path(""), 1);
		setenv("PROBE_MS", PROBE_S "000", 1);
		execlp("node", "node", test_repo_path(
		    "tests/browser/ops_page.mjs"), (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	*to_node = in[1];
	*from_node = out[0];
	return (pid);
}

/* Does what the script asks for; 0, or -1 when it cannot. */
static int
control(const char *what)
{
	if (strcmp(what, "redis-stop") == 0) {
		harness_stop(srv.redis, 5000);
		srv.redis = 0;
		return (0);
	}
	if (strcmp(what, "redis-start") == 0) {
		srv.redis = harness_start_redis(srv.redis_port,
		    harness_tmpdir());
		return (srv.redis > 0 ? 0 : -1);
	}
	return (-1);
}

/* Relays the script's lines, doing what they ask; 0 or -1. */
static int
relay(pid_t pid, int to_node, int from_node)
{
	char		 buf[8192], *nl, *line;
	size_t		 len = 0;
	ssize_t		 n;
	uint64_t	 end = harness_now_ms() + BROWSER_MAX_MS;
	struct pollfd	 pfd = { from_node, POLLIN, 0 };
	int		 bad = 0;

	for (;;) {
		if (harness_now_ms() >= end) {
			print_error("the browser test ran past %d ms\n",
			    BROWSER_MAX_MS);
			kill(pid, SIGKILL);
			return (-1);
		}
		if (poll(&pfd, 1, 1000) == 0)
			continue;
		n = read(from_node, buf + len, sizeof(buf) - 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		buf[len] = '\0';
		line = buf;
		while ((nl = strchr(line, '\n')) != NULL) {
			*nl = '\0';
			print_message("  %s\n", line);
			if (strncmp(line, "CONTROL ", 8) == 0 &&
			    (control(line + 8) == -1 ||
			    write(to_node, "done\n", 5) != 5))
				bad = -1;
			line = nl + 1;
		}
		len -= (size_t)(line - buf);
		memmove(buf, line, len);
		/* A line longer than the buffer is shown in pieces. */
		if (len == sizeof(buf) - 1) {
			print_message("  %s\n", buf);
			len = 0;
		}
	}
	return (bad);
}

static void
test_page_in_chromium(void **state)
{
	const char	*chromium;
	char		 playwright[1024];
	pid_t		 pid;
	int		 to_node = -1, from_node = -1, st, relayed;

	(void)state;
	if ((chromium = chromium_path()) == NULL) {
		print_message("SKIP: no Chromium at %s (scripts/install-deps "
		    "installs Debian's chromium; CHROMIUM=path names another): "
		    "the ops page was NOT tested in a browser\n",
		    getenv("CHROMIUM") != NULL && *getenv("CHROMIUM") != '\0' ?
		    getenv("CHROMIUM") : "/usr/bin/chromium");
		skip();
	}
	snprintf(playwright, sizeof(playwright), "%s",
	    test_repo_path("build/browser/node_modules/playwright-core"));
	if (access(playwright, R_OK) != 0)
		fail_msg("%s is missing: the Makefile installs it with "
		    "npm ci (tests/browser/package-lock.json)", playwright);

	pid = spawn_node(chromium, playwright, &to_node, &from_node);
	assert_true(pid > 0);
	relayed = relay(pid, to_node, from_node);
	close(from_node);
	close(to_node);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_int_equal(relayed, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail_msg("the browser test failed (status %d): see the "
		    "\"not ok\" lines above", st);
	/* Redis is back for the teardown's checks. */
	assert_true(srv.redis > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_routes),
		cmocka_unit_test(test_latency_is_the_whole_request),
		cmocka_unit_test(test_page_in_chromium),
	};

	signal(SIGPIPE, SIG_IGN);
	return (cmocka_run_group_tests(tests, setup, teardown));
}
