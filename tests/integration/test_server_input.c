/*
 * Input the server must take apart safely and answer in strict UTF-8
 * (issue 9, defects 1-3), on the real server, a real Redis and the
 * emulator with a demo workbook in which people have typed two tags that
 * are not plain ASCII:
 *
 *  - a body whose last token is worker_id: under the sanitizer build (with
 *    the fresh-heap fill the Makefile sets) the parser once read past it;
 *  - "MK BAD TAG" and "MK-ÑANDÚ-1" can be taken and paused like any spool
 *    (the lock key encodes them), also named with blanks around;
 *  - a tag the rule refuses is a 422 naming body, path or query, never a
 *    503; a surrogate, an overlong form or raw bytes in a URL never come
 *    back in a body, every one of which is strict UTF-8.
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "emulator_fixture.h"
#include "harness.h"
#include "nelem.h"
#include "server.h"
#include "utf8.h"

#define TAG_SPACE	"MK BAD TAG"
#define TAG_ACCENT	"MK-ÑANDÚ-1"
/* The same tags as a URL path segment or query value. */
#define URL_SPACE	"MK%20BAD%20TAG"
#define URL_ACCENT	"MK-%C3%91AND%C3%9A-1"

static struct emu		emu;
static struct test_server	srv;
static long long		worker;		/* may take ARM */

/* --- the workbook --- */

/* Tags of free spools ready for ARM (materials in, ARM not started). */
static int
pick_fresh(yajl_val ops, char tags[][80], size_t want)
{
	char	buf[64];
	long	ct = emu_column(ops, "TAG_SPOOL");
	long	cm = emu_column(ops, "Fecha_Materiales");
	long	ca = emu_column(ops, "Armador");
	long	co = emu_column(ops, "Ocupado_Por");
	long	cf = emu_column(ops, "Fecha_Armado");
	long	cu = emu_column(ops, "Total_Uniones");
	size_t	r, n = 0;

	if (ct < 0 || cm < 0 || ca < 0 || co < 0 || cf < 0)
		return (-1);
	for (r = 1; r < emu_nrows(ops) && n < want; r++) {
		if (emu_cell(ops, r, (size_t)cm, buf, sizeof(buf))[0] == '\0' ||
		    emu_cell(ops, r, (size_t)ca, buf, sizeof(buf))[0] != '\0' ||
		    emu_cell(ops, r, (size_t)co, buf, sizeof(buf))[0] != '\0' ||
		    emu_cell(ops, r, (size_t)cf, buf, sizeof(buf))[0] != '\0')
			continue;
		/* v3 spools: a v4 one is taken through INICIAR. */
		if (cu >= 0 && atoi(emu_cell(ops, r, (size_t)cu, buf,
		    sizeof(buf))) > 0)
			continue;
		snprintf(tags[n++], 80, "%s",
		    emu_cell(ops, r, (size_t)ct, buf, sizeof(buf)));
	}
	return (n == want ? 0 : -1);
}

/* text with every "from" (quoted) replaced by "to"; caller frees. */
static char *
replace_quoted(char *text, const char *from, const char *to)
{
	char	qf[100], qt[100], *out, *at, *p;
	size_t	nf, nt, count = 0;

	snprintf(qf, sizeof(qf), "\"%s\"", from);
	snprintf(qt, sizeof(qt), "\"%s\"", to);
	nf = strlen(qf);
	nt = strlen(qt);
	for (p = text; (p = strstr(p, qf)) != NULL; p += nf)
		count++;
	if ((out = malloc(strlen(text) + count * (nt + 1) + 1)) == NULL)
		return (NULL);
	out[0] = '\0';
	for (p = text; (at = strstr(p, qf)) != NULL; p = at + nf) {
		strncat(out, p, (size_t)(at - p));
		strcat(out, qt);
	}
	strcat(out, p);
	free(text);
	return (out);
}

/* Renames two fresh spools to what people typed, then restarts on it. */
static int
seed_typed_tags(void)
{
	char		 tags[2][80], *text;
	yajl_val	 wb;
	int		 rc;

	if ((wb = emu_workbook(&emu)) == NULL)
		return (-1);
	rc = pick_fresh(emu_sheet(wb, "Operaciones"), tags, 2);
	yajl_tree_free(wb);
	if (rc == -1 || (text = emu_slurp(emu.workbook)) == NULL)
		return (-1);
	if ((text = replace_quoted(text, tags[0], TAG_SPACE)) == NULL ||
	    (text = replace_quoted(text, tags[1], TAG_ACCENT)) == NULL)
		return (-1);
	rc = emu_restart_with(&emu, text);
	free(text);
	return (rc);
}

static int
has_role(yajl_val w, const char *role)
{
	yajl_val	 roles = jpath(w, "roles", NULL);
	const char	*name;
	size_t		 i;

	for (i = 0; roles != NULL && i < roles->u.array.len; i++) {
		name = YAJL_IS_STRING(roles->u.array.values[i]) ?
		    YAJL_GET_STRING(roles->u.array.values[i]) : NULL;
		if (name != NULL && strcmp(name, role) == 0)
			return (1);
	}
	return (0);
}

static int
pick_worker(void)
{
	struct http_reply	 r;
	yajl_val		 j, list;
	char			 url[128];
	size_t			 i;

	snprintf(url, sizeof(url), "%s/api/workers", srv.base);
	if (http_get(url, 10000, &r) != 0 || r.status != 200) {
		http_reply_free(&r);
		return (-1);
	}
	j = http_reply_json(&r);
	list = jpath(j, "workers", NULL);
	for (i = 0; list != NULL && i < list->u.array.len && worker == 0; i++)
		if (has_role(list->u.array.values[i], "Ayudante"))
			worker = jpath_int(list->u.array.values[i], 0, "id",
			    NULL);
	yajl_tree_free(j);
	http_reply_free(&r);
	return (worker > 0 ? 0 : -1);
}

static int
setup(void **state)
{
	char	*env[8];
	size_t	 i;

	(void)state;
	if (emu_start(&emu, 40, 20, NULL) == -1 || seed_typed_tags() == -1)
		return (-1);
	for (i = 0; emu.te.env[i] != NULL; i++)
		env[i] = emu.te.env[i];
	env[i++] = "REQUEST_DEADLINE_MS=5000";
	env[i++] = "SHEETS_CACHE_TTL_MS=1000";
	env[i++] = "RECONCILE_INTERVAL_SECONDS=2";
	env[i++] = "RECONCILE_GRACE_SECONDS=1";
	env[i] = NULL;
	memset(&srv, 0, sizeof(srv));
	if (test_server_start(&srv, env) == -1)
		return (-1);
	return (pick_worker());
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

/* --- requests --- */

/* A JSON answer: strict UTF-8 and JSON, else the test fails. */
static yajl_val
strict_json(const struct http_reply *r)
{
	yajl_val	j;

	if (!utf8_valid(r->body != NULL ? r->body : "", r->len))
		fail_msg("HTTP %ld body is not strict UTF-8: %.*s", r->status,
		    (int)r->len, r->body);
	if ((j = http_reply_json(r)) == NULL)
		fail_msg("HTTP %ld body is not JSON: %.*s", r->status,
		    (int)r->len, r->body);
	return (j);
}

static long
post(const char *action, const char *body, yajl_val *out)
{
	const char		*h[] = { "Content-Type: application/json",
				    NULL };
	struct http_reply	 r;
	char			 url[160];
	long			 status;

	snprintf(url, sizeof(url), "%s/api/occupation/%s", srv.base, action);
	assert_int_equal(http_request("POST", url, h, body, strlen(body),
	    15000, &r), 0);
	status = r.status;
	*out = strict_json(&r);
	http_reply_free(&r);
	return (status);
}

static long
act(const char *action, const char *tag, yajl_val *out)
{
	char	body[256];

	snprintf(body, sizeof(body), "{\"tag_spool\":\"%s\",\"worker_id\":"
	    "%lld,\"operacion\":\"ARM\"}", tag, worker);
	return (post(action, body, out));
}

static long
get(const char *path, yajl_val *out)
{
	struct http_reply	r;
	char			url[512];
	long			status;

	snprintf(url, sizeof(url), "%s%s", srv.base, path);
	assert_int_equal(http_get(url, 10000, &r), 0);
	status = r.status;
	*out = strict_json(&r);
	http_reply_free(&r);
	return (status);
}

/* The value of a Redis key (the trailing newline cut), caller frees. */
static char *
redis_get(const char *key)
{
	char	args[256], *v;
	size_t	n;

	snprintf(args, sizeof(args), "GET %s", key);
	v = harness_redis_cli(srv.redis_port, args);
	assert_non_null(v);
	n = strlen(v);
	while (n > 0 && (v[n - 1] == '\n' || v[n - 1] == '\r'))
		v[--n] = '\0';
	return (v);
}

/* The 422 names loc [where, "tag_spool"]. */
static void
assert_tag_refused(long status, yajl_val j, const char *where)
{
	yajl_val	d, loc;

	assert_int_equal(status, 422);
	assert_string_equal(jpath_str(j, "error", NULL), "VALIDATION_ERROR");
	d = jpath(j, "detail", NULL);
	assert_true(d != NULL && YAJL_IS_ARRAY(d) && d->u.array.len >= 1);
	loc = jpath(d->u.array.values[0], "loc", NULL);
	assert_true(loc != NULL && YAJL_IS_ARRAY(loc) &&
	    loc->u.array.len >= 2);
	assert_string_equal(YAJL_GET_STRING(loc->u.array.values[0]), where);
	assert_string_equal(YAJL_GET_STRING(loc->u.array.values[1]),
	    "tag_spool");
}

/* --- defect 1 --- */

/*
 * worker_id as the body's last member: the number token ends where the
 * body ends, and in the sanitizer build a read past it is an ASan report
 * in the server's log (and a respawned worker).
 */
static void
test_last_token_read_in_bounds(void **state)
{
	yajl_val	j;
	int		i;

	(void)state;
	for (i = 0; i < 4; i++) {
		assert_int_equal(post("tomar", "{\"tag_spool\":\"X\","
		    "\"operacion\":\"ARM\",\"worker_id\":84}", &j), 404);
		yajl_tree_free(j);
	}
	assert_int_equal(test_server_status(&srv, "/livez", 5000), 200);
	assert_true(test_log_clean(srv.log));
}

/* --- defect 2 --- */

static void
cycle(const char *tag, const char *sent, const char *url_tag,
    const char *key)
{
	yajl_val	 j;
	char		*lock, path[256];

	/* TOMAR, named as typed with blanks around or not. */
	assert_int_equal(act("tomar", sent, &j), 200);
	assert_string_equal(jpath_str(j, "tag_spool", NULL), tag);
	yajl_tree_free(j);
	lock = redis_get(key);
	assert_int_equal(atoll(lock), worker);
	free(lock);

	snprintf(path, sizeof(path), "/api/occupation/status/%s", url_tag);
	assert_int_equal(get(path, &j), 200);
	assert_string_equal(jpath_str(j, "tag_spool", NULL), tag);
	assert_true(YAJL_IS_TRUE(jpath(j, "occupied", NULL)));
	yajl_tree_free(j);

	assert_int_equal(act("pausar", tag, &j), 200);
	yajl_tree_free(j);
	lock = redis_get(key);
	assert_string_equal(lock, "");
	free(lock);
}

static void
test_typed_tags_occupiable(void **state)
{
	(void)state;
	cycle(TAG_SPACE, TAG_SPACE, URL_SPACE, "spool_lock:MK%20BAD%20TAG");
	cycle(TAG_ACCENT, "  " TAG_ACCENT "\\t", URL_ACCENT,
	    "spool_lock:MK-%C3%91AND%C3%9A-1");
}

static void
test_refused_tags_are_422(void **state)
{
	static const char *const bodies[] = {
		"{\"tag_spool\":\"A\\u0001\",\"worker_id\":1,"
		    "\"operacion\":\"ARM\"}",
		"{\"tag_spool\":\"   \",\"worker_id\":1,\"operacion\":\"ARM\"}",
		"{\"tag_spool\":\"01234567890123456789012345678901234567890123"
		    "456789012345678901234\",\"worker_id\":1,"
		    "\"operacion\":\"ARM\"}",
	};
	static const char *const paths[] = {
		"/api/occupation/status/%ED%B0%80X",
		"/api/history/%C0%AF",
		"/api/occupation/status/%20%20",
		"/api/history/A%01",
		"/api/v3/occupation/status/%F4%90%80%80",
	};
	yajl_val	j;
	long		status;
	size_t		i;

	(void)state;
	for (i = 0; i < NELEM(bodies); i++) {
		status = post("tomar", bodies[i], &j);
		assert_tag_refused(status, j, "body");
		yajl_tree_free(j);
	}
	for (i = 0; i < NELEM(paths); i++) {
		status = get(paths[i], &j);
		assert_tag_refused(status, j, "path");
		yajl_tree_free(j);
	}
	status = get("/api/sse/stream?tag_spool=%C0%AF", &j);
	assert_tag_refused(status, j, "query");
	yajl_tree_free(j);
}

/* Waits up to 15 s for key's value to start with want ("" = gone). */
static int
await_key(const char *key, const char *want)
{
	uint64_t	 end = harness_now_ms() + 15000;
	char		*v;
	int		 ok;

	for (;;) {
		v = redis_get(key);
		ok = want[0] == '\0' ? v[0] == '\0' :
		    strncmp(v, want, strlen(want)) == 0;
		free(v);
		if (ok || harness_now_ms() > end)
			return (ok ? 0 : -1);
		harness_sleep_ms(200);
	}
}

/*
 * The reconciler reads encoded keys back: a lost lock of a typed tag is
 * restored under its key, a stray one removed, and a key this server
 * would never write (a raw space) left alone.
 */
static void
test_reconciler_decodes_keys(void **state)
{
	yajl_val	 j;
	char		 want[32], *v;

	(void)state;
	assert_int_equal(act("tomar", TAG_SPACE, &j), 200);
	yajl_tree_free(j);
	free(harness_redis_cli(srv.redis_port, "DEL spool_lock:" URL_SPACE));
	snprintf(want, sizeof(want), "%lld:", worker);
	assert_int_equal(await_key("spool_lock:" URL_SPACE, want), 0);

	free(harness_redis_cli(srv.redis_port, "SET 'spool_lock:MK BAD' "
	    "7:foreign"));
	free(harness_redis_cli(srv.redis_port, "SET spool_lock:" URL_ACCENT
	    " 7:stray"));
	assert_int_equal(await_key("spool_lock:" URL_ACCENT, ""), 0);
	v = harness_redis_cli(srv.redis_port, "GET 'spool_lock:MK BAD'");
	assert_string_equal(v, "7:foreign\n");
	free(v);
	/*
	 * Passes enough to remove a stray have run: the live lock is still
	 * there, so its key was read as the occupied spool it names.
	 */
	harness_sleep_ms(3000);
	v = redis_get("spool_lock:" URL_SPACE);
	assert_int_equal(atoll(v), worker);
	free(v);

	assert_int_equal(act("pausar", TAG_SPACE, &j), 200);
	yajl_tree_free(j);
}

/* --- defect 3 --- */

/* One request with the path's bytes as they are; the reply's body. */
static char *
raw_get(const char *path, long *status)
{
	struct sockaddr_in	 sin;
	char			 req[512], *buf, *body;
	size_t			 len = 0, cap = 65536;
	ssize_t			 n;
	int			 fd;

	assert_true((fd = socket(AF_INET, SOCK_STREAM, 0)) != -1);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)srv.port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)),
	    0);
	snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	    "Connection: close\r\n\r\n", path);
	assert_int_equal(write(fd, req, strlen(req)), (ssize_t)strlen(req));
	assert_non_null(buf = malloc(cap));
	while (len < cap - 1 && (n = read(fd, buf + len, cap - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	*status = strncmp(buf, "HTTP/1.1 ", 9) == 0 ? atol(buf + 9) : -1;
	body = strstr(buf, "\r\n\r\n");
	body = strdup(body != NULL ? body + 4 : "");
	free(buf);
	return (body);
}

static void
test_answers_strict_utf8(void **state)
{
	static const char *const raw[] = {
		"/api/nope/\xed\xb0\x80X",
		"/api/nope/\xc0\xaf",
		"/api/nope/\xff\xfe",
		"/api/occupation/status/\xed\xb0\x80X",
		"/api/history/MK-\xf4\x90\x80\x80",
	};
	yajl_val	 j;
	char		*body;
	long		 status;
	size_t		 i;

	(void)state;
	for (i = 0; i < NELEM(raw); i++) {
		body = raw_get(raw[i], &status);
		assert_true(status >= 400 && status < 500);
		if (!utf8_valid(body, strlen(body)))
			fail_msg("%s: %ld body not strict UTF-8: %s", raw[i],
			    status, body);
		free(body);
	}
	/* Lists of the whole sheet carry the typed tags as they are. */
	assert_int_equal(get("/api/spools/iniciar?operacion=ARM", &j), 200);
	yajl_tree_free(j);
	assert_int_equal(get("/api/history/" URL_ACCENT, &j), 200);
	yajl_tree_free(j);
	assert_true(test_log_clean(srv.log));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_last_token_read_in_bounds),
		cmocka_unit_test(test_typed_tags_occupiable),
		cmocka_unit_test(test_refused_tags_are_422),
		cmocka_unit_test(test_reconciler_decodes_keys),
		cmocka_unit_test(test_answers_strict_utf8),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}
