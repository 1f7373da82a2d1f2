/*
 * What the deployed tablet frontend sends and reads (frontend.md §7 items
 * 1, 2, 11-14, 17, 18, 20, 22), on the real server (two workers), a real
 * Redis and the Sheets emulator with the demo workbook:
 *
 *   COMPLETAR and PAUSAR without "operacion", and with a DD-MM-YYYY or no
 *   date; the ambiguous case answered 400 with a sentence, nothing written
 *   every error path answering the api.md §1 body in JSON, a string detail
 *   and a human message (422 its list), Kore's own 503 included, and the
 *   CORS preflight on every route, the live stream included
 *   the events' "type", "worker" and ISO "timestamp"; the spool items'
 *   "Ocupado_Por" and ISO "fecha_ocupacion" in the lists and the dashboard
 *   GET /api/spools/cancelar and GET /api/workers/{id}/roles
 *   every timestamp the board, the lists and the stream emit read by
 *   node's Date (Debian's nodejs) as the instant the sheet means
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cmocka.h>

#include "emulator_fixture.h"
#include "harness.h"
#include "nelem.h"
#include "server.h"
#include "sheet_dates.h"
#include "sse_clients.h"

#define ORIGIN		"https://zeues-frontend.example"
#define NODE		"/usr/bin/node"

static struct emu		emu;
static struct test_server	srv;

/* Demo workers: two who may do ARM and SOLD, one who may not do ARM. */
static long long	wa, wb, no_arm;
static char		wa_nombre[64];

/* Timestamps the server emitted: ISO, and the sheet string it stands for. */
struct stamp {
	char	iso[40];
	char	sheets[40];
	char	where[48];
};
static struct stamp	stamps[256];
static size_t		nstamps;

static int	pick_workers(void);

static int
setup(void **state)
{
	char	*env[12], err[128];
	size_t	 i;

	(void)state;
	if (zone_init(NULL, err, sizeof(err)) == -1)
		return (-1);
	if (emu_start(&emu, 400, 30, NULL) == -1)
		return (-1);
	for (i = 0; emu.te.env[i] != NULL; i++)
		env[i] = emu.te.env[i];
	env[i++] = "REQUEST_DEADLINE_MS=5000";
	env[i++] = "SHEETS_CACHE_TTL_MS=1000";
	env[i++] = "ALLOWED_ORIGINS=" ORIGIN;
	env[i] = NULL;
	memset(&srv, 0, sizeof(srv));
	if (test_server_start(&srv, env) == -1)
		return (-1);
	return (pick_workers());
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

static long
request(const char *method, const char *path, const char *ctype,
    const char *body, const char *extra, struct http_reply *r)
{
	const char	*h[4];
	char		 url[512], ct[96];
	size_t		 n = 0;

	snprintf(url, sizeof(url), "%s%s", srv.base, path);
	/* The tablet sends it on every fetch, GETs included (frontend §1). */
	snprintf(ct, sizeof(ct), "Content-Type: %s", ctype != NULL ? ctype :
	    "application/json");
	h[n++] = ct;
	if (extra != NULL)
		h[n++] = extra;
	h[n] = NULL;
	(void)http_request(method, url, h, body, body != NULL ?
	    strlen(body) : 0, 15000, r);
	return (r->status);
}

static yajl_val
get_json(const char *path, long want)
{
	struct http_reply	r;
	yajl_val		j;

	assert_int_equal(request("GET", path, NULL, NULL, NULL, &r), want);
	j = http_reply_json(&r);
	assert_non_null(j);
	http_reply_free(&r);
	return (j);
}

static long
post(const char *route, const char *body, struct http_reply *r)
{
	char	path[96];

	snprintf(path, sizeof(path), "/api/occupation/%s", route);
	return (request("POST", path, NULL, body, NULL, r));
}

/* A POST that must answer want; the reply is thrown away. */
static void
post_ok(const char *route, const char *body, long want)
{
	struct http_reply	r;

	if (post(route, body, &r) != want)
		fail_msg("%s %s: %ld %s", route, body, r.status, r.body);
	http_reply_free(&r);
}

static void
act(const char *route, const char *tag, long long worker, const char *op,
    long want)
{
	char	body[256];

	snprintf(body, sizeof(body), "{\"tag_spool\":\"%s\",\"worker_id\":%lld,"
	    "\"operacion\":\"%s\"%s}", tag, worker, op,
	    strcmp(route, "completar") == 0 ? ",\"fecha_operacion\":null" : "");
	post_ok(route, body, want);
}

/* --- the error body of api.md §1 --- */

static void
check_error(const struct http_reply *r, long status, const char *what)
{
	yajl_val	 j, d;
	const char	*m;
	char		 ct[96];

	if (r->status != status)
		fail_msg("%s: status %ld, want %ld: %s", what, r->status, status,
		    r->body);
	if (http_reply_header(r, "content-type", ct, sizeof(ct)) ||
	    strncasecmp(ct, "application/json", 16) != 0)
		fail_msg("%s: content-type '%s'", what, ct);
	if ((j = http_reply_json(r)) == NULL || !YAJL_IS_OBJECT(j))
		fail_msg("%s: body is not a JSON object: %s", what, r->body);
	d = jpath(j, "detail", NULL);
	/* 422 keeps FastAPI's list; everything else reads as a sentence. */
	if (d == NULL || !(YAJL_IS_STRING(d) ? YAJL_GET_STRING(d)[0] != '\0' :
	    status == 422 && YAJL_IS_ARRAY(d) && d->u.array.len > 0))
		fail_msg("%s: detail %s", what, r->body);
	if ((m = jpath_str(j, "message", NULL)) == NULL || strlen(m) < 8)
		fail_msg("%s: no human message: %s", what, r->body);
	if (jpath_str(j, "error", NULL) == NULL ||
	    !YAJL_IS_FALSE(jpath(j, "success", NULL)) ||
	    jpath(j, "data", NULL) == NULL)
		fail_msg("%s: not the api.md §1 body: %s", what, r->body);
	yajl_tree_free(j);
}

/* --- the workbook --- */

static char *
sheet_cell(const char *sheet_name, const char *key_header, const char *key,
    const char *header, char *out, size_t len)
{
	yajl_val	 wbk = emu_workbook(&emu), sh;
	char		 buf[128];
	long		 ck, ch;
	size_t		 r;

	assert_non_null(wbk);
	sh = emu_sheet(wbk, sheet_name);
	ck = emu_column(sh, key_header);
	ch = emu_column(sh, header);
	assert_true(ck >= 0 && ch >= 0);
	out[0] = '\0';
	for (r = 1; r < emu_nrows(sh); r++) {
		if (strcmp(emu_cell(sh, r, (size_t)ck, buf, sizeof(buf)),
		    key) == 0)
			snprintf(out, len, "%s", emu_cell(sh, r, (size_t)ch,
			    buf, sizeof(buf)));
	}
	yajl_tree_free(wbk);
	return (out);
}

static char *
ops_cell(const char *tag, const char *header, char *out, size_t len)
{
	return (sheet_cell("Operaciones", "TAG_SPOOL", tag, header, out, len));
}

/* The newest audit row of tag: its Evento_Tipo and Operacion. */
static void
last_audit(const char *tag, char *evento, char *op, size_t len)
{
	yajl_val	 wbk = emu_workbook(&emu), sh;
	char		 buf[128];
	long		 ct, ce, co;
	size_t		 r;

	assert_non_null(wbk);
	sh = emu_sheet(wbk, "Metadata");
	ct = emu_column(sh, "TAG_SPOOL");
	ce = emu_column(sh, "Evento_Tipo");
	co = emu_column(sh, "Operacion");
	evento[0] = op[0] = '\0';
	for (r = 1; r < emu_nrows(sh); r++) {
		if (strcmp(emu_cell(sh, r, (size_t)ct, buf, sizeof(buf)),
		    tag) != 0)
			continue;
		snprintf(evento, len, "%s", emu_cell(sh, r, (size_t)ce, buf,
		    sizeof(buf)));
		snprintf(op, len, "%s", emu_cell(sh, r, (size_t)co, buf,
		    sizeof(buf)));
	}
	yajl_tree_free(wbk);
}

/* --- demo data --- */

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
pick_workers(void)
{
	struct http_reply	 r;
	yajl_val		 j, list, w;
	char			 url[128];
	size_t			 i;
	long long		 id;

	snprintf(url, sizeof(url), "%s/api/workers", srv.base);
	if (http_get(url, 10000, &r) != 0 || r.status != 200)
		return (-1);
	j = http_reply_json(&r);
	list = jpath(j, "workers", NULL);
	for (i = 0; list != NULL && i < list->u.array.len; i++) {
		w = list->u.array.values[i];
		id = jpath_int(w, -1, "id", NULL);
		if (has_role(w, "Ayudante")) {
			if (wa == 0) {
				wa = id;
				snprintf(wa_nombre, sizeof(wa_nombre), "%s",
				    jpath_str(w, "nombre_completo", NULL));
			} else if (wb == 0) {
				wb = id;
			}
		} else if (no_arm == 0 && !has_role(w, "Armador")) {
			no_arm = id;
		}
	}
	yajl_tree_free(j);
	http_reply_free(&r);
	return (wa && wb && no_arm ? 0 : -1);
}

/* A fresh ARM spool: materials in, ARM not started, free; never twice. */
static void
fresh_spool(char *tag, size_t len)
{
	static char	 handed[64][80];
	static size_t	 nhanded;
	yajl_val	 j, list, s;
	const char	*t;
	size_t		 i, k;

	j = get_json("/api/spools/iniciar?operacion=ARM", 200);
	list = jpath(j, "spools", NULL);
	tag[0] = '\0';
	for (i = 0; list != NULL && i < list->u.array.len; i++) {
		s = list->u.array.values[i];
		t = jpath_str(s, "tag_spool", NULL);
		/* v3 spools only: a v4 one is taken with INICIAR. */
		if (t == NULL || !YAJL_IS_NULL(jpath(s, "armador", NULL)) ||
		    jpath_int(s, 0, "total_uniones", NULL) > 0 ||
		    strchr(t, '"') != NULL || strchr(t, '\\') != NULL)
			continue;
		for (k = 0; k < nhanded && strcmp(handed[k], t) != 0; k++)
			;
		if (k < nhanded)
			continue;
		snprintf(handed[nhanded++], 80, "%s", t);
		snprintf(tag, len, "%s", t);
		break;
	}
	yajl_tree_free(j);
	assert_true(tag[0] != '\0');
}

/* --- item 1, 2: COMPLETAR and PAUSAR as the tablet sends them --- */

static void
test_completar_without_operacion(void **state)
{
	struct http_reply	 r;
	struct zoned_time	 now;
	char			 t1[80], t2[80], t3[80], body[512], cell[64];
	char			 evento[64], op[64], today[SHEET_DATE_LEN];
	yajl_val		 j;

	(void)state;
	/* R12 byte for byte: no operacion, the device's DD-MM-YYYY date. */
	fresh_spool(t1, sizeof(t1));
	act("tomar", t1, wa, "ARM", 200);
	snprintf(body, sizeof(body), "{\"tag_spool\":\"%s\",\"worker_id\":%lld,"
	    "\"worker_nombre\":\"%s\",\"fecha_operacion\":\"05-01-2026\"}", t1,
	    wa, wa_nombre);
	post_ok("completar", body, 200);
	assert_string_equal(ops_cell(t1, "Fecha_Armado", cell, sizeof(cell)),
	    "05-01-2026");
	assert_string_equal(ops_cell(t1, "Ocupado_Por", cell, sizeof(cell)),
	    "");
	last_audit(t1, evento, op, sizeof(evento));
	assert_string_equal(evento, "COMPLETAR_ARM");
	assert_string_equal(op, "ARM");

	/* PAUSAR without operacion; then SOLD completed with no date. */
	fresh_spool(t2, sizeof(t2));
	act("tomar", t2, wa, "ARM", 200);
	snprintf(body, sizeof(body), "{\"tag_spool\":\"%s\",\"worker_id\":%lld}",
	    t2, wa);
	post_ok("pausar", body, 200);
	last_audit(t2, evento, op, sizeof(evento));
	assert_string_equal(evento, "PAUSAR_SPOOL");
	assert_string_equal(op, "ARM");
	act("tomar", t2, wb, "SOLD", 200);
	snprintf(body, sizeof(body), "{\"tag_spool\":\"%s\",\"worker_id\":%lld}",
	    t2, wb);
	post_ok("completar", body, 200);
	assert_int_equal(zone_now(&now), 0);
	sheet_date_format(&now.local, today);
	assert_string_equal(ops_cell(t2, "Fecha_Soldadura", cell,
	    sizeof(cell)), today);
	assert_string_equal(ops_cell(t2, "Fecha_Armado", cell, sizeof(cell)),
	    "");
	last_audit(t2, evento, op, sizeof(evento));
	assert_string_equal(evento, "COMPLETAR_SOLD");
	assert_string_equal(op, "SOLD");

	/* ARM and SOLD both paused by the same worker: ambiguous. */
	fresh_spool(t3, sizeof(t3));
	act("tomar", t3, wa, "ARM", 200);
	act("pausar", t3, wa, "ARM", 200);
	act("tomar", t3, wa, "SOLD", 200);
	act("pausar", t3, wa, "SOLD", 200);
	snprintf(body, sizeof(body), "{\"tag_spool\":\"%s\",\"worker_id\":%lld,"
	    "\"fecha_operacion\":\"05-01-2026\"}", t3, wa);
	assert_int_equal(post("completar", body, &r), 400);
	check_error(&r, 400, "ambiguous completar");
	j = http_reply_json(&r);
	assert_non_null(strstr(jpath_str(j, "detail", NULL), "operacion"));
	yajl_tree_free(j);
	http_reply_free(&r);
	assert_string_equal(ops_cell(t3, "Fecha_Armado", cell, sizeof(cell)),
	    "");
	assert_string_equal(ops_cell(t3, "Fecha_Soldadura", cell,
	    sizeof(cell)), "");

	/* TOMAR still needs it: the parser's 422 naming the field. */
	snprintf(body, sizeof(body), "{\"tag_spool\":\"%s\",\"worker_id\":%lld}",
	    t3, wa);
	assert_int_equal(post("tomar", body, &r), 422);
	check_error(&r, 422, "tomar without operacion");
	assert_non_null(strstr(r.body, "\"loc\":[\"body\",\"operacion\"]"));
	http_reply_free(&r);
	/* A date neither way round is still refused. */
	snprintf(body, sizeof(body), "{\"tag_spool\":\"%s\",\"worker_id\":%lld,"
	    "\"fecha_operacion\":\"2026/01/05\"}", t3, wa);
	assert_int_equal(post("completar", body, &r), 422);
	check_error(&r, 422, "completar with a bad date");
	http_reply_free(&r);
}

/* --- item 2: every error path, one body shape --- */

static void
test_error_bodies(void **state)
{
	static const struct {
		const char	*method, *path, *ctype, *body;
		long		 status;
	} cases[] = {
		{ "GET", "/no/such/route", NULL, NULL, 404 },
		{ "POST", "/api/no-such", NULL, "{}", 404 },
		{ "GET", "/api/occupation/status/NO-SUCH-SPOOL", NULL, NULL,
		    404 },
		{ "GET", "/api/history/NO-SUCH-SPOOL", NULL, NULL, 404 },
		{ "GET", "/api/occupation/tomar", NULL, NULL, 405 },
		{ "DELETE", "/api/workers", NULL, NULL, 405 },
		{ "POST", "/api/dashboard/occupied", NULL, "{}", 405 },
		{ "POST", "/api/occupation/tomar", "text/plain", "x", 415 },
		{ "POST", "/api/occupation/completar", NULL, "{\"tag", 422 },
		{ "POST", "/api/occupation/pausar", NULL, "[]", 422 },
		{ "GET", "/api/spools/iniciar?operacion=PINTURA", NULL, NULL,
		    400 },
		{ "GET", "/api/spools/iniciar", NULL, NULL, 400 },
		{ "GET", "/api/spools/cancelar?operacion=REPARACION&"
		    "worker_id=1", NULL, NULL, 400 },
		{ "GET", "/api/spools/cancelar?operacion=METROLOGIA&"
		    "worker_id=1", NULL, NULL, 400 },
		{ "GET", "/api/spools/cancelar?operacion=ARM&worker_id=x",
		    NULL, NULL, 422 },
		{ "GET", "/api/workers/999999/roles", NULL, NULL, 404 },
		{ "GET", "/api/workers/x/roles", NULL, NULL, 422 },
		{ "POST", "/api/occupation/tomar", NULL, "{\"tag_spool\":"
		    "\"NO-SUCH-SPOOL\",\"worker_id\":1,\"operacion\":\"ARM\"}",
		    404 },
	};
	struct http_reply	 r;
	char			 tag[80], body[256], what[160], *big;
	size_t			 i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		request(cases[i].method, cases[i].path, cases[i].ctype,
		    cases[i].body, NULL, &r);
		snprintf(what, sizeof(what), "%s %s", cases[i].method,
		    cases[i].path);
		check_error(&r, cases[i].status, what);
		http_reply_free(&r);
	}

	/* 413 from the route: over MAX_BODY_BYTES, under Kore's limit. */
	big = malloc(70001);
	assert_non_null(big);
	memset(big, ' ', 70000);
	big[0] = '{';
	big[69999] = '}';
	big[70000] = '\0';
	request("POST", "/api/occupation/tomar", NULL, big, NULL, &r);
	check_error(&r, 413, "413");
	http_reply_free(&r);
	free(big);

	/* The floor's refusals: 403, 409, 410, 404 worker. */
	fresh_spool(tag, sizeof(tag));
	snprintf(body, sizeof(body), "{\"tag_spool\":\"%s\",\"worker_id\":%lld,"
	    "\"operacion\":\"ARM\"}", tag, no_arm);
	post("tomar", body, &r);
	check_error(&r, 403, "no role");
	http_reply_free(&r);
	snprintf(body, sizeof(body), "{\"tag_spool\":\"%s\",\"worker_id\":%lld,"
	    "\"operacion\":\"ARM\"}", tag, wa);
	post("pausar", body, &r);
	check_error(&r, 410, "pausar a free spool");
	http_reply_free(&r);
	act("tomar", tag, wa, "ARM", 200);
	snprintf(body, sizeof(body), "{\"tag_spool\":\"%s\",\"worker_id\":%lld,"
	    "\"operacion\":\"ARM\"}", tag, wb);
	post("tomar", body, &r);
	check_error(&r, 409, "taken");
	http_reply_free(&r);
	/* The tablet's PAUSAR by someone else: no operacion, still 403. */
	snprintf(body, sizeof(body), "{\"tag_spool\":\"%s\",\"worker_id\":%lld}",
	    tag, wb);
	post("pausar", body, &r);
	check_error(&r, 403, "not the holder");
	http_reply_free(&r);
	snprintf(body, sizeof(body), "{\"tag_spool\":\"%s\",\"worker_id\":"
	    "999999,\"operacion\":\"ARM\"}", tag);
	post("tomar", body, &r);
	check_error(&r, 404, "unknown worker");
	http_reply_free(&r);
	act("pausar", tag, wa, "ARM", 200);
}

/* Every route answers the preflight for the tablet's origin. */
static void
test_preflight_every_route(void **state)
{
	static const struct {
		const char	*path, *method;
	} routes[] = {
		{ "/api/workers", "GET" },
		{ "/api/workers/1/roles", "GET" },
		{ "/api/spools/iniciar?operacion=ARM", "GET" },
		{ "/api/spools/cancelar?operacion=ARM&worker_id=1", "GET" },
		{ "/api/spools/completar?operacion=ARM&worker_id=1", "GET" },
		{ "/api/dashboard/occupied", "GET" },
		{ "/api/sse/stream", "GET" },
		{ "/api/health", "GET" },
		{ "/api/occupation/status/MK-1", "GET" },
		{ "/api/history/MK-1", "GET" },
		{ "/api/occupation/tomar", "POST" },
		{ "/api/occupation/pausar", "POST" },
		{ "/api/occupation/completar", "POST" },
		{ "/api/occupation/batch-tomar", "POST" },
		{ "/api/v3/occupation/completar", "POST" },
		{ "/api/not-yet-a-route", "POST" },
	};
	struct http_reply	 r;
	const char		*h[4];
	char			 url[256], m[96], v[256];
	size_t			 i;

	(void)state;
	for (i = 0; i < NELEM(routes); i++) {
		snprintf(url, sizeof(url), "%s%s", srv.base, routes[i].path);
		snprintf(m, sizeof(m), "Access-Control-Request-Method: %s",
		    routes[i].method);
		h[0] = "Origin: " ORIGIN;
		h[1] = m;
		h[2] = "Access-Control-Request-Headers: content-type";
		h[3] = NULL;
		(void)http_request("OPTIONS", url, h, NULL, 0, 10000, &r);
		if (r.status < 200 || r.status > 299)
			fail_msg("OPTIONS %s: %ld", routes[i].path, r.status);
		if (http_reply_header(&r, "access-control-allow-origin", v,
		    sizeof(v)) || strcmp(v, ORIGIN) != 0)
			fail_msg("OPTIONS %s: no allow-origin", routes[i].path);
		if (http_reply_header(&r, "access-control-allow-headers", v,
		    sizeof(v)) || strcasestr(v, "content-type") == NULL)
			fail_msg("OPTIONS %s: allow-headers '%s'",
			    routes[i].path, v);
		if (http_reply_header(&r, "access-control-allow-methods", v,
		    sizeof(v)) || strstr(v, routes[i].method) == NULL)
			fail_msg("OPTIONS %s: allow-methods '%s'",
			    routes[i].path, v);
		http_reply_free(&r);
	}
	/* The stream itself, as an EventSource opens it (no credentials). */
	snprintf(url, sizeof(url), "%s/api/sse/stream", srv.base);
	h[0] = "Origin: " ORIGIN;
	h[1] = NULL;
	(void)http_request("GET", url, h, NULL, 0, 800, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(http_reply_header(&r, "access-control-allow-origin",
	    v, sizeof(v)), 0);
	assert_string_equal(v, ORIGIN);
	http_reply_free(&r);
}

/*
 * Kore refuses a request over HTTP_REQUEST_LIMIT with an empty 503; the
 * tablet parses a 503's body as JSON (frontend.md §1.1).
 */
static void
test_kore_503_is_json(void **state)
{
	struct test_server	 busy;
	struct sse_clients	 cs;
	struct http_reply	 r;
	char			*env[12], url[128], v[32];
	size_t			 i;

	(void)state;
	for (i = 0; emu.te.env[i] != NULL; i++)
		env[i] = emu.te.env[i];
	env[i++] = "WORKERS=1";
	env[i++] = "HTTP_REQUEST_LIMIT=2";
	env[i++] = "ALLOWED_ORIGINS=" ORIGIN;
	env[i] = NULL;
	memset(&busy, 0, sizeof(busy));
	assert_int_equal(test_server_start(&busy, env), 0);
	/* Two live streams are two requests in flight. */
	assert_int_equal(sse_clients_open(&cs, 2, busy.port,
	    "/api/sse/stream", NULL, 1), 0);
	sse_clients_pump(&cs, 500);
	snprintf(url, sizeof(url), "%s/api/workers", busy.base);
	const char *h[] = { "Origin: " ORIGIN, NULL };
	(void)http_request("GET", url, h, NULL, 0, 5000, &r);
	check_error(&r, 503, "Kore's request limit");
	assert_int_equal(http_reply_header(&r, "retry-after", v, sizeof(v)), 0);
	assert_int_equal(http_reply_header(&r, "access-control-allow-origin",
	    v, sizeof(v)), 0);
	http_reply_free(&r);
	sse_clients_close(&cs);
	assert_int_equal(test_server_stop(&busy), 0);
}

/* --- items 3-5: the board, the lists, the stream --- */

static int
iso_with_offset(const char *s)
{
	size_t	n = s != NULL ? strlen(s) : 0;

	return (n == 25 && s[10] == 'T' && (s[19] == '+' || s[19] == '-') &&
	    s[22] == ':');
}

static void
keep_stamp(const char *iso, const char *sheets, const char *where)
{
	struct stamp	*s;

	if (nstamps == NELEM(stamps))
		return;
	s = &stamps[nstamps++];
	snprintf(s->iso, sizeof(s->iso), "%s", iso != NULL ? iso : "null");
	snprintf(s->sheets, sizeof(s->sheets), "%s", sheets != NULL ?
	    sheets : "");
	snprintf(s->where, sizeof(s->where), "%s", where);
}

/* The newest event id in the replay stream, "" if none. */
static void
newest_event_id(char *out, size_t len)
{
	char	*v, *nl;

	v = harness_redis_cli(srv.redis_port,
	    "XREVRANGE spools:events + - COUNT 1");
	assert_non_null(v);
	if ((nl = strchr(v, '\n')) != NULL)
		*nl = '\0';
	snprintf(out, len, "%s", v);
	free(v);
}

static yajl_val
find_spool(yajl_val list, const char *tag)
{
	yajl_val	s;
	size_t		i;

	for (i = 0; list != NULL && i < list->u.array.len; i++) {
		s = list->u.array.values[i];
		if (strcmp(jpath_str(s, "tag_spool", NULL), tag) == 0)
			return (s);
	}
	return (NULL);
}

static void
test_board_lists_and_events(void **state)
{
	struct http_reply	 r;
	yajl_val		 j, s, ev;
	char			 held[80], done[80], path[160], since[64];
	char			 anchor[64], lei[96], want[16], *line, *save;
	const char		*type, *hdr[2];
	size_t			 i, n;
	int			 seen[4] = { 0 };

	(void)state;
	fresh_spool(held, sizeof(held));
	fresh_spool(done, sizeof(done));
	act("tomar", done, wb, "ARM", 200);
	newest_event_id(anchor, sizeof(anchor));
	assert_true(anchor[0] != '\0');
	act("pausar", done, wb, "ARM", 200);
	act("tomar", done, wb, "ARM", 200);
	act("completar", done, wb, "ARM", 200);
	act("tomar", held, wa, "ARM", 200);
	ops_cell(held, "Fecha_Ocupacion", since, sizeof(since));
	assert_true(since[0] != '\0');

	/* R3: what wa holds now, with the keys the tablet filters on. */
	snprintf(path, sizeof(path), "/api/spools/cancelar?operacion=ARM&"
	    "worker_id=%lld", wa);
	j = get_json(path, 200);
	assert_non_null(s = find_spool(jpath(j, "spools", NULL), held));
	snprintf(want, sizeof(want), "(%lld)", wa);
	assert_non_null(strstr(jpath_str(s, "Ocupado_Por", NULL), want));
	assert_string_equal(jpath_str(s, "fecha_ocupacion_sheets", NULL),
	    since);
	assert_true(iso_with_offset(jpath_str(s, "fecha_ocupacion", NULL)));
	assert_string_equal(jpath_str(j, "filtro_aplicado", NULL), path +
	    strlen("/api/spools/cancelar?"));
	yajl_tree_free(j);
	/* Not for someone else, not for SOLD. */
	snprintf(path, sizeof(path), "/api/spools/cancelar?operacion=ARM&"
	    "worker_id=%lld", wb);
	j = get_json(path, 200);
	assert_null(find_spool(jpath(j, "spools", NULL), held));
	yajl_tree_free(j);
	snprintf(path, sizeof(path), "/api/spools/cancelar?operacion=SOLD&"
	    "worker_id=%lld", wa);
	j = get_json(path, 200);
	assert_null(find_spool(jpath(j, "spools", NULL), held));
	yajl_tree_free(j);

	/* R2: free spools say so in the tablet's spelling. */
	j = get_json("/api/spools/iniciar?operacion=ARM", 200);
	n = (size_t)json_len_at(j, "spools");
	assert_true(n > 0);
	for (i = 0; i < n; i++) {
		s = jpath(j, "spools", NULL)->u.array.values[i];
		assert_string_equal(jpath_str(s, "Ocupado_Por", NULL), "");
	}
	yajl_tree_free(j);

	/* R18: the board. */
	j = get_json("/api/dashboard/occupied", 200);
	assert_true(YAJL_IS_ARRAY(j));
	for (i = 0; i < j->u.array.len; i++) {
		s = j->u.array.values[i];
		if (!iso_with_offset(jpath_str(s, "fecha_ocupacion", NULL)))
			fail_msg("dashboard %s: fecha_ocupacion %s",
			    jpath_str(s, "tag_spool", NULL), jpath_str(s,
			    "fecha_ocupacion", NULL));
	}
	assert_non_null(s = find_spool(j, held));
	assert_string_equal(jpath_str(s, "fecha_ocupacion_sheets", NULL),
	    since);
	yajl_tree_free(j);

	/* The stream: what was published after the anchor, replayed. */
	snprintf(lei, sizeof(lei), "Last-Event-ID: %s", anchor);
	snprintf(path, sizeof(path), "%s/api/sse/stream", srv.base);
	hdr[0] = lei;
	hdr[1] = NULL;
	/* A stream never ends: read what the replay gives for a while. */
	(void)http_request("GET", path, hdr, NULL, 0, 1500, &r);
	assert_int_equal(r.status, 200);
	n = 0;
	for (line = strtok_r(r.body, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "data: ", 6) != 0 ||
		    (ev = yajl_tree_parse(line + 6, NULL, 0)) == NULL)
			continue;
		if (strcmp(jpath_str(ev, "tag_spool", NULL), done) == 0 ||
		    strcmp(jpath_str(ev, "tag_spool", NULL), held) == 0) {
			n++;
			type = jpath_str(ev, "type", NULL);
			assert_non_null(type);
			assert_string_equal(type, jpath_str(ev, "event_type",
			    NULL));
			seen[strcmp(type, "TOMAR") == 0 ? 0 :
			    strcmp(type, "PAUSAR") == 0 ? 1 :
			    strcmp(type, "COMPLETAR") == 0 ? 2 : 3]++;
			assert_string_equal(jpath_str(ev, "worker", NULL),
			    jpath_str(ev, "worker_nombre", NULL));
			assert_true(iso_with_offset(jpath_str(ev, "timestamp",
			    NULL)));
		}
		yajl_tree_free(ev);
	}
	http_reply_free(&r);
	/* pausar, tomar, completar of one, tomar of the other. */
	assert_int_equal(n, 4);
	assert_int_equal(seen[0], 2);
	assert_int_equal(seen[1], 1);
	assert_int_equal(seen[2], 1);
	assert_int_equal(seen[3], 0);
	act("pausar", held, wa, "ARM", 200);
}

/* U2: the roles /api/workers gives, one worker at a time. */
static void
test_worker_roles(void **state)
{
	yajl_val	 all, one, list, w, a, b;
	char		 path[64];
	size_t		 i, k;

	(void)state;
	all = get_json("/api/workers", 200);
	list = jpath(all, "workers", NULL);
	for (i = 0; i < list->u.array.len && i < 5; i++) {
		w = list->u.array.values[i];
		snprintf(path, sizeof(path), "/api/workers/%lld/roles",
		    jpath_int(w, -1, "id", NULL));
		one = get_json(path, 200);
		a = jpath(w, "roles", NULL);
		b = jpath(one, "roles", NULL);
		assert_non_null(b);
		assert_int_equal(a->u.array.len, b->u.array.len);
		for (k = 0; k < a->u.array.len; k++)
			assert_string_equal(jpath_str(a->u.array.values[k],
			    NULL), jpath_str(b->u.array.values[k], NULL));
		yajl_tree_free(one);
	}
	yajl_tree_free(all);
}

/* --- item 6: what a browser's Date makes of every timestamp --- */

/*
 * The timestamps a client reads, each with the workbook's Fecha_Ocupacion
 * of its spool as the instant it stands for: the whole board, the spool
 * just taken in the holder's list, and that TOMAR's live event (stamped
 * with the same second the row was).
 */
static void
collect_stamps(void)
{
	struct http_reply	 r;
	yajl_val		 j, s, ev;
	const char		*hdr[2], *t;
	char			 tag[80], path[160], anchor[64], lei[96];
	char			 cell[64], *line, *save;
	size_t			 i;

	nstamps = 0;
	fresh_spool(tag, sizeof(tag));
	newest_event_id(anchor, sizeof(anchor));
	act("tomar", tag, wa, "ARM", 200);

	j = get_json("/api/dashboard/occupied", 200);
	for (i = 0; YAJL_IS_ARRAY(j) && i < j->u.array.len; i++) {
		s = j->u.array.values[i];
		t = jpath_str(s, "tag_spool", NULL);
		keep_stamp(jpath_str(s, "fecha_ocupacion", NULL), ops_cell(t,
		    "Fecha_Ocupacion", cell, sizeof(cell)), strcmp(t, tag) ==
		    0 ? "dashboard, ours" : "dashboard");
	}
	yajl_tree_free(j);

	snprintf(path, sizeof(path), "/api/spools/cancelar?operacion=ARM&"
	    "worker_id=%lld", wa);
	request("GET", path, NULL, NULL, NULL, &r);
	if ((j = http_reply_json(&r)) != NULL &&
	    (s = find_spool(jpath(j, "spools", NULL), tag)) != NULL)
		keep_stamp(jpath_str(s, "fecha_ocupacion", NULL), ops_cell(tag,
		    "Fecha_Ocupacion", cell, sizeof(cell)), "spools/cancelar");
	yajl_tree_free(j);
	http_reply_free(&r);

	snprintf(lei, sizeof(lei), "Last-Event-ID: %s", anchor);
	snprintf(path, sizeof(path), "%s/api/sse/stream", srv.base);
	hdr[0] = lei;
	hdr[1] = NULL;
	(void)http_request("GET", path, hdr, NULL, 0, 1500, &r);
	for (line = strtok_r(r.body, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "data: ", 6) != 0 ||
		    (ev = yajl_tree_parse(line + 6, NULL, 0)) == NULL)
			continue;
		if (strcmp(jpath_str(ev, "tag_spool", NULL), tag) == 0)
			keep_stamp(jpath_str(ev, "timestamp", NULL),
			    ops_cell(tag, "Fecha_Ocupacion", cell,
			    sizeof(cell)), "sse");
		yajl_tree_free(ev);
	}
	http_reply_free(&r);
	act("pausar", tag, wa, "ARM", 200);
}

static void
test_node_reads_every_timestamp(void **state)
{
	FILE	*f;
	char	 script[512], cmd[1024];
	size_t	 i, ours = 0;
	int	 rc;

	(void)state;
	if (access(NODE, X_OK) != 0)
		skip();
	collect_stamps();
	for (i = 0; i < nstamps; i++)
		ours += strcmp(stamps[i].where, "dashboard") != 0;
	/* The board's card and the event at least; the list's row below. */
	assert_true(ours >= 2);
	snprintf(script, sizeof(script), "%s/node_dates.js", harness_tmpdir());
	assert_non_null(f = fopen(script, "w"));
	fputs("const stamps = [\n", f);
	for (i = 0; i < nstamps; i++)
		fprintf(f, "  [\"%s\", \"%s\", \"%s\"],\n", stamps[i].iso,
		    stamps[i].sheets, stamps[i].where);
	fputs("];\n"
	    "let bad = 0;\n"
	    "for (const [iso, sheets, where] of stamps) {\n"
	    "  /* The instant the sheet means: its fields, local to the\n"
	    "     floor (TZ below), read by V8's own zone rules. */\n"
	    "  const m = /^(\\d\\d)-(\\d\\d)-(\\d{4}) (\\d\\d):(\\d\\d):(\\d\\d)$/"
	    ".exec(sheets);\n"
	    "  const want = m ? new Date(+m[3], m[2] - 1, +m[1], +m[4], +m[5],"
	    " +m[6]).getTime() : NaN;\n"
	    "  const got = new Date(iso).getTime();\n"
	    "  if (!/[+-]\\d\\d:\\d\\d$/.test(iso) || Number.isNaN(got) ||\n"
	    "      got !== want) {\n"
	    "    console.log(`${where}: ${iso} is ${new Date(got)}, `"
	    " + `the sheet's ${sheets} is ${new Date(want)}`);\n"
	    "    bad++;\n"
	    "  }\n"
	    "  /* Ours: not in the future, not before the test began. */\n"
	    "  if (where !== 'dashboard' && (got > Date.now() + 5000 ||\n"
	    "      got < Date.now() - 3600e3)) {\n"
	    "    console.log(`${where}: ${iso} is not about now`);\n"
	    "    bad++;\n"
	    "  }\n"
	    "}\n"
	    "console.log(`${stamps.length} timestamps, ${bad} wrong`);\n"
	    "process.exit(bad ? 1 : 0);\n", f);
	assert_int_equal(fclose(f), 0);
	snprintf(cmd, sizeof(cmd), "TZ=America/Santiago %s %s", NODE, script);
	rc = system(cmd);
	assert_int_equal(rc, 0);
	assert_int_equal(ours, 3);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_completar_without_operacion),
		cmocka_unit_test(test_error_bodies),
		cmocka_unit_test(test_preflight_every_route),
		cmocka_unit_test(test_kore_503_is_json),
		cmocka_unit_test(test_board_lists_and_events),
		cmocka_unit_test(test_worker_roles),
		cmocka_unit_test(test_node_reads_every_timestamp),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}
