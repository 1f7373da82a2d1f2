/*
 * Every request the tablet frontend makes (frontend.md §2, R1-R19 and the
 * unused U2 and U4 it has code for), with the bodies it sends byte for
 * byte and the headers it sends (Content-Type: application/json on every
 * fetch, GETs included, and its Origin, so every route is preflighted
 * first), against the real server on the demo workbook `make run` serves
 * (issue 12, done-means 3).  The walk goes as a worker goes (§4): spools
 * are picked from the lists the tablets load, then worked on: v4 INICIAR,
 * FINALIZAR some unions, FINALIZAR the rest, SOLD, metrología; v3 tomar,
 * pausar, completar, batch; reparación tomar, pausar, completar, cancelar;
 * and the documented refusals.
 *
 * Each row checks the status (2xx or the documented error), the response
 * keys the frontend reads (§3) with their JSON types, and for an error a
 * string `detail` and a `message` (§1.1 E1/E3).  A failed row does not
 * stop the walk: the test ends with every failed row and every inventory
 * entry no row reached, so a route the frontend needs cannot be missed
 * silently.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "emulator_demo.h"
#include "harness.h"
#include "js_date.h"
#include "json_shape.h"
#include "server.h"
#include "sse_feed.h"

/* The deployed frontend's origin, ALLOWED_ORIGINS' default. */
#define ORIGIN		"http://localhost:3000"
#define TAGS_MAX	64
#define TAG_LEN		80

static struct emu		emu;
static struct test_server	srv;

/* --- the inventory (frontend.md §2) and what the walk found --- */

struct entry {
	const char	*rn;
	const char	*route;
	int		 runs;
	int		 fails;
};

static struct entry	inventory[] = {
	{ "R1", "GET /api/workers", 0, 0 },
	{ "R2", "GET /api/spools/iniciar?operacion=", 0, 0 },
	{ "R3", "GET /api/spools/cancelar?operacion=&worker_id=", 0, 0 },
	{ "R4", "GET /api/spools/reparacion", 0, 0 },
	{ "R5", "GET /api/v4/uniones/{tag}/metricas", 0, 0 },
	{ "R6", "GET /api/v4/uniones/{tag}/disponibles?operacion=", 0, 0 },
	{ "R7", "POST /api/v4/occupation/iniciar", 0, 0 },
	{ "R8", "POST /api/v4/occupation/finalizar", 0, 0 },
	{ "R9", "POST /api/occupation/tomar", 0, 0 },
	{ "R10", "POST /api/occupation/batch-tomar", 0, 0 },
	{ "R11", "POST /api/occupation/pausar", 0, 0 },
	{ "R12", "POST /api/occupation/completar", 0, 0 },
	{ "R13", "POST /api/metrologia/completar", 0, 0 },
	{ "R14", "POST /api/tomar-reparacion", 0, 0 },
	{ "R15", "POST /api/pausar-reparacion", 0, 0 },
	{ "R16", "POST /api/completar-reparacion", 0, 0 },
	{ "R17", "POST /api/cancelar-reparacion", 0, 0 },
	{ "R18", "GET /api/dashboard/occupied", 0, 0 },
	{ "R19", "GET /api/sse/stream (EventSource)", 0, 0 },
	{ "U2", "GET /api/workers/{id}/roles", 0, 0 },
	{ "U4", "GET /api/diagnostic/{tag}/version", 0, 0 },
};
#define NINVENTORY	(sizeof(inventory) / sizeof(inventory[0]))

static char	failures[65536];
static size_t	nfailures;

static struct entry *
entry(const char *rn)
{
	size_t	i;

	for (i = 0; i < NINVENTORY; i++)
		if (strcmp(inventory[i].rn, rn) == 0)
			return (&inventory[i]);
	fail_msg("%s is not in the inventory", rn);
	return (NULL);
}

static void __attribute__((format(printf, 2, 3)))
fail_row(const char *rn, const char *fmt, ...)
{
	size_t	used = strlen(failures);
	va_list	ap;

	entry(rn)->fails++;
	nfailures++;
	if (used + 8 >= sizeof(failures))
		return;
	snprintf(failures + used, sizeof(failures) - used, "  %s: ", rn);
	used = strlen(failures);
	va_start(ap, fmt);
	vsnprintf(failures + used, sizeof(failures) - used, fmt, ap);
	va_end(ap);
	used = strlen(failures);
	snprintf(failures + used, sizeof(failures) - used, "\n");
}

/* A check of what a response says, beyond its shape. */
static int __attribute__((format(printf, 3, 4)))
expect(const char *rn, int ok, const char *fmt, ...)
{
	char	msg[1024];
	va_list	ap;

	if (ok)
		return (1);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fail_row(rn, "%s", msg);
	return (0);
}

/* --- checking the keys the frontend reads --- */

/* Date strings met in the row being checked. */
static const char	*dates[512];
static char		 date_where[512][160];
static size_t		 ndates;

/*
 * Every row's dates, copied, for one node run at the end of the walk
 * (starting node costs a tenth of a second).
 */
struct walk_date {
	char		text[64];
	char		rn[8];
	char		where[320];
	unsigned	row;
};

static struct walk_date	*wdates;
static size_t		 nwdates, wdcap;
static unsigned		 nrows_dated;

/* A date found by the shape check: kept for the row's ISO check. */
static void
note_row_date(const char *value, const char *path, void *arg)
{
	(void)arg;
	if (ndates == sizeof(dates) / sizeof(dates[0]))
		return;
	dates[ndates] = value;
	snprintf(date_where[ndates], sizeof(date_where[0]), "%s", path);
	ndates++;
}

/*
 * The keys the frontend reads (json_shape.h's spec); the row's dates
 * must be ISO 8601 with an offset, and go to the one node run at the end.
 */
static void
check_keys(const char *rn, const char *what, yajl_val j, const char *spec)
{
	char	 why[4096], *line;
	size_t	 i, bad, first = 0;

	ndates = 0;
	if (json_shape_check(j, spec, note_row_date, NULL, why,
	    sizeof(why)) > 0) {
		for (line = strtok(why, "\n"); line != NULL;
		    line = strtok(NULL, "\n"))
			fail_row(rn, "%s: %s", what, line);
	}
	for (i = 0, bad = 0; i < ndates; i++)
		if (!js_date_is_iso_offset(dates[i]) && bad++ == 0)
			first = i;
	if (bad > 0)
		fail_row(rn, "%s: %zu of %zu dates are not ISO 8601 with an "
		    "offset, e.g. %s = \"%s\"", what, bad, ndates,
		    date_where[first], dates[first]);
	for (i = 0; i < ndates; i++) {
		if (nwdates == wdcap) {
			wdcap = wdcap ? wdcap * 2 : 256;
			wdates = realloc(wdates, wdcap * sizeof(*wdates));
			assert_non_null(wdates);
		}
		snprintf(wdates[nwdates].text, sizeof(wdates[0].text), "%s",
		    dates[i]);
		snprintf(wdates[nwdates].rn, sizeof(wdates[0].rn), "%s", rn);
		snprintf(wdates[nwdates].where, sizeof(wdates[0].where),
		    "%.200s: %s", what, date_where[i]);
		wdates[nwdates++].row = nrows_dated;
	}
	nrows_dated++;
}

/* What a browser's Date makes of every date of the walk: never NaN. */
static void
walk_dates(void)
{
	const char	**texts = calloc(nwdates + 1, sizeof(*texts));
	double		 *ms = calloc(nwdates + 1, sizeof(*ms));
	size_t		  i, k, bad, first;

	assert_true(texts != NULL && ms != NULL);
	for (i = 0; i < nwdates; i++)
		texts[i] = wdates[i].text;
	if (js_date_parse(texts, nwdates, ms) == -1)
		fail_row("R18", "node could not parse the walk's %zu dates",
		    nwdates);
	else {
		/* One failure per row, with its first Invalid Date. */
		for (i = 0; i < nwdates; i = k) {
			for (k = i, bad = 0, first = i; k < nwdates &&
			    wdates[k].row == wdates[i].row; k++)
				if (isnan(ms[k]) && bad++ == 0)
					first = k;
			if (bad > 0)
				fail_row(wdates[i].rn, "%s = \"%s\": an Invalid "
				    "Date in a browser (%zu such in the row)",
				    wdates[first].where, wdates[first].text,
				    bad);
		}
	}
	free(texts);
	free(ms);
	free(wdates);
	wdates = NULL;
	nwdates = wdcap = 0;
}

/* --- one row: a request as the frontend sends it --- */

static long	last_status;

static int
allowed_has(const char *allowed, long status)
{
	char	buf[8];

	snprintf(buf, sizeof(buf), "%ld", status);
	while (*allowed != '\0') {
		allowed += strspn(allowed, " ");
		if (strncmp(allowed, buf, strlen(buf)) == 0 &&
		    (allowed[strlen(buf)] == ' ' ||
		    allowed[strlen(buf)] == '\0'))
			return (1);
		allowed += strcspn(allowed, " ");
	}
	return (0);
}

/* The browser's CORS preflight of a fetch with Content-Type json. */
static void
preflight(const char *rn, const char *method, const char *path,
    const char *what)
{
	char			 url[512], acrm[64], val[256];
	const char		*hdr[] = { "Origin: " ORIGIN, acrm,
				    "Access-Control-Request-Headers: "
				    "content-type", NULL };
	struct http_reply	 r;

	snprintf(url, sizeof(url), "%s%s", srv.base, path);
	snprintf(acrm, sizeof(acrm), "Access-Control-Request-Method: %s",
	    method);
	if (http_request("OPTIONS", url, hdr, NULL, 0, 10000, &r) != 0) {
		fail_row(rn, "%s: preflight got no answer", what);
		return;
	}
	if (r.status < 200 || r.status > 299)
		fail_row(rn, "%s: preflight answered %ld", what, r.status);
	else if (http_reply_header(&r, "access-control-allow-origin", val,
	    sizeof(val)) != 0 || strcmp(val, ORIGIN) != 0)
		fail_row(rn, "%s: preflight does not allow origin %s", what,
		    ORIGIN);
	else if (http_reply_header(&r, "access-control-allow-methods", val,
	    sizeof(val)) != 0 || strstr(val, method) == NULL)
		fail_row(rn, "%s: preflight does not allow %s", what, method);
	http_reply_free(&r);
}

/*
 * One request of the frontend: the status must be one of allowed; a 2xx
 * body must carry keys; an error body a string detail and a message
 * (holding needle when given).  The parsed body when the status was
 * allowed (caller frees), else NULL.
 */
static yajl_val
row(const char *rn, const char *method, const char *path, const char *body,
    const char *allowed, const char *keys, const char *needle)
{
	const char		*hdr[] = { "Content-Type: application/json",
				    "Origin: " ORIGIN, NULL };
	char			 url[512], what[600], brief[300];
	struct http_reply	 r;
	yajl_val		 j;
	const char		*detail, *message;

	entry(rn)->runs++;
	snprintf(what, sizeof(what), "%s %s%s%s", method, path,
	    body != NULL ? " " : "", body != NULL ? body : "");
	preflight(rn, method, path, what);
	snprintf(url, sizeof(url), "%s%s", srv.base, path);
	last_status = 0;
	if (http_request(method, url, hdr, body, body != NULL ? strlen(body) :
	    0, 15000, &r) != 0) {
		fail_row(rn, "%s: no answer", what);
		http_reply_free(&r);
		return (NULL);
	}
	last_status = r.status;
	j = http_reply_json(&r);
	snprintf(brief, sizeof(brief), "%.*s", r.len > 240 ? 240 : (int)r.len,
	    r.body != NULL ? r.body : "");
	http_reply_free(&r);
	if (!allowed_has(allowed, last_status)) {
		fail_row(rn, "%s: status %ld, not %s: %s", what, last_status,
		    allowed, brief);
		yajl_tree_free(j);
		return (NULL);
	}
	if (j == NULL) {
		fail_row(rn, "%s: %ld without a JSON body", what, last_status);
		return (NULL);
	}
	if (last_status >= 200 && last_status <= 299) {
		check_keys(rn, what, j, keys);
		return (j);
	}
	detail = jpath_str(j, "detail", NULL);
	message = jpath_str(j, "message", NULL);
	expect(rn, detail != NULL, "%s: %ld whose detail is not a string "
	    "(a browser shows [object Object]): %s", what, last_status, brief);
	expect(rn, message != NULL, "%s: %ld without a string message: %s",
	    what, last_status, brief);
	if (needle != NULL && detail != NULL)
		expect(rn, strstr(detail, needle) != NULL, "%s: %ld detail "
		    "\"%s\" lacks \"%s\" (the page decides by it)", what,
		    last_status, detail, needle);
	return (j);
}

static int
ok2xx(void)
{
	return (last_status >= 200 && last_status <= 299);
}

/* --- the demo's people and spools --- */

struct worker {
	long long	id;
	char		nombre_completo[48];
	char		initials[48];		/* R7's raw worker_nombre */
};

static struct worker	arm_a, arm_b, sold_s, metro_m, rep_a, rep_b;

/* The first UTF-8 character of s (JS charAt(0) for these names). */
static size_t
first_char(const char *s)
{
	size_t	n = 1;

	if (s == NULL || *s == '\0')
		return (0);
	while ((s[n] & 0xc0) == 0x80)
		n++;
	return (n);
}

static int
has_role(yajl_val w, const char *role)
{
	yajl_val	roles = jpath(w, "roles", NULL), r;
	const char	*rol = jpath_str(w, "rol", NULL), *s;
	size_t		i;

	if (roles != NULL && YAJL_IS_ARRAY(roles) && roles->u.array.len > 0) {
		for (i = 0; i < roles->u.array.len; i++) {
			r = roles->u.array.values[i];
			s = YAJL_IS_STRING(r) ? YAJL_GET_STRING(r) : NULL;
			if (s != NULL && strcmp(s, role) == 0)
				return (1);
		}
		return (0);
	}
	return (rol != NULL && strcmp(rol, role) == 0);
}

/* The n-th active worker with role (skipping ids in avoid), or 0. */
static int
pick_worker(yajl_val list, const char *role, const long long avoid[],
    struct worker *out)
{
	const char	*nom, *ape, *nc;
	yajl_val	 w;
	size_t		 i, k;
	long long	 id;

	for (i = 0; list != NULL && i < list->u.array.len; i++) {
		w = list->u.array.values[i];
		id = jpath_int(w, 0, "id", NULL);
		for (k = 0; avoid[k] != 0 && avoid[k] != id; k++)
			;
		if (avoid[k] != 0 || id <= 0 || !has_role(w, role) ||
		    !YAJL_IS_TRUE(jpath(w, "activo", NULL)))
			continue;
		nom = jpath_str(w, "nombre", NULL);
		ape = jpath_str(w, "apellido", NULL);
		nc = jpath_str(w, "nombre_completo", NULL);
		if (nom == NULL || nc == NULL)
			continue;
		out->id = id;
		snprintf(out->nombre_completo, sizeof(out->nombre_completo),
		    "%s", nc);
		snprintf(out->initials, sizeof(out->initials), "%.*s%.*s(%lld)",
		    (int)first_char(nom), nom, (int)first_char(ape),
		    ape != NULL ? ape : "", id);
		return (1);
	}
	return (0);
}

/* Spools of a list, as the tablet sees them. */
struct spool {
	char	tag[TAG_LEN];
	double	total_uniones;		/* -1: key absent */
	char	ocupado[64];
	int	cycle;
	int	bloqueado;
	char	estado[160];
};

struct spools {
	struct spool	s[2048];
	size_t		n;
};

static void
load_spools(yajl_val j, struct spools *out)
{
	yajl_val	 list = jpath(j, "spools", NULL), it, v;
	struct spool	*sp;
	const char	*s;
	size_t		 i;

	out->n = 0;
	for (i = 0; list != NULL && YAJL_IS_ARRAY(list) &&
	    i < list->u.array.len && out->n < 2048; i++) {
		it = list->u.array.values[i];
		if ((s = jpath_str(it, "tag_spool", NULL)) == NULL)
			continue;
		sp = &out->s[out->n++];
		memset(sp, 0, sizeof(*sp));
		snprintf(sp->tag, sizeof(sp->tag), "%s", s);
		v = jpath(it, "total_uniones", NULL);
		sp->total_uniones = v != NULL && YAJL_IS_NUMBER(v) ?
		    YAJL_GET_DOUBLE(v) : -1;
		if (v != NULL && YAJL_IS_INTEGER(v))
			sp->total_uniones = (double)YAJL_GET_INTEGER(v);
		s = jpath_str(it, "Ocupado_Por", NULL);
		snprintf(sp->ocupado, sizeof(sp->ocupado), "%s",
		    s != NULL ? s : "");
		sp->cycle = (int)jpath_int(it, 0, "cycle", NULL);
		sp->bloqueado = YAJL_IS_TRUE(jpath(it, "bloqueado", NULL));
		s = jpath_str(it, "estado_detalle", NULL);
		snprintf(sp->estado, sizeof(sp->estado), "%s",
		    s != NULL ? s : "");
	}
}

static const struct spool *
find_spool(const struct spools *l, const char *tag)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->s[i].tag, tag) == 0)
			return (&l->s[i]);
	return (NULL);
}

/* Tags the walk has used, so each flow works on spools of its own. */
static char	used[TAGS_MAX][TAG_LEN];
static size_t	nused;

static int
is_used(const char *tag)
{
	size_t	i;

	for (i = 0; i < nused; i++)
		if (strcmp(used[i], tag) == 0)
			return (1);
	return (0);
}

/*
 * A free spool of list, not yet used, v4 (want 1), v3 (0) or either
 * (-1), copied into tag; 0 when there is none.
 */
static int
take_spool(const struct spools *l, int want, char tag[TAG_LEN])
{
	size_t	i;
	int	v4;

	for (i = 0; i < l->n; i++) {
		v4 = l->s[i].total_uniones > 0;
		/* Free as the INICIAR list filters it (§3 R2). */
		if (is_used(l->s[i].tag) || (l->s[i].ocupado[0] != '\0' &&
		    strcmp(l->s[i].ocupado, "DISPONIBLE") != 0) ||
		    l->s[i].bloqueado || (want != -1 && v4 != want))
			continue;
		if (nused < TAGS_MAX)
			snprintf(used[nused++], TAG_LEN, "%s", l->s[i].tag);
		snprintf(tag, TAG_LEN, "%s", l->s[i].tag);
		return (1);
	}
	tag[0] = '\0';
	return (0);
}

/* --- the requests, body for body as the frontend builds them --- */

static const char	SPOOL_KEYS[] = "spools:a spools[].tag_spool:s "
    "spools[].nv:sn spools[].total_uniones:n spools[].Ocupado_Por:s";

static yajl_val
get_iniciar(const char *op, struct spools *out)
{
	char		path[128];
	yajl_val	j;

	snprintf(path, sizeof(path), "/api/spools/iniciar?operacion=%s", op);
	j = row("R2", "GET", path, NULL, "200", SPOOL_KEYS, NULL);
	load_spools(j, out);
	return (j);
}

static yajl_val
get_cancelar(const char *op, const struct worker *w, struct spools *out)
{
	char		path[128], keys[512];
	yajl_val	j;

	snprintf(path, sizeof(path), "/api/spools/cancelar?operacion=%s&"
	    "worker_id=%lld", op, w->id);
	snprintf(keys, sizeof(keys), "%s spools[].fecha_ocupacion:d?",
	    SPOOL_KEYS);
	j = row("R3", "GET", path, NULL, "200", keys, NULL);
	load_spools(j, out);
	return (j);
}

/*
 * R3 means "spools I hold now" (§7 #14): a held spool is in the worker's
 * FINALIZAR/PAUSAR list as §3 filters it, a paused one is not.
 */
static void
expect_holds(const char *op, const struct worker *w, const char *tag,
    int holds)
{
	struct spools		*l = calloc(1, sizeof(*l));
	const struct spool	*sp;
	char			 needle[32];

	yajl_tree_free(get_cancelar(op, w, l));
	if (ok2xx()) {
		snprintf(needle, sizeof(needle), "(%lld)", w->id);
		sp = find_spool(l, tag);
		if (!holds) {
			expect("R3", sp == NULL, "%s %s, paused, is still in "
			    "worker %lld's list", op, tag, w->id);
			sp = NULL;
		} else
			expect("R3", sp != NULL, "%s %s held by worker %lld "
			    "is not in its list", op, tag, w->id);
		if (sp != NULL)
			expect("R3", strstr(sp->ocupado, needle) != NULL,
			    "%s: Ocupado_Por \"%s\" lacks %s (the FINALIZAR "
			    "list drops it)", tag, sp->ocupado, needle);
	}
	free(l);
}

static void
dashboard(const char *must_have, const char *holder, const char *must_not)
{
	yajl_val	j, it;
	const char	*tag, *who;
	size_t		i;
	int		found = 0;

	j = row("R18", "GET", "/api/dashboard/occupied", NULL, "200",
	    "$:a [].tag_spool:s [].worker_nombre:s [].estado_detalle:s "
	    "[].fecha_ocupacion:d", NULL);
	for (i = 0; j != NULL && YAJL_IS_ARRAY(j) && i < j->u.array.len;
	    i++) {
		it = j->u.array.values[i];
		tag = jpath_str(it, "tag_spool", NULL);
		who = jpath_str(it, "worker_nombre", NULL);
		if (tag == NULL)
			continue;
		if (must_have != NULL && strcmp(tag, must_have) == 0) {
			found = 1;
			expect("R18", who != NULL && strcmp(who, holder) == 0,
			    "%s shows worker %s, not %s", tag,
			    who != NULL ? who : "(none)", holder);
		}
		if (must_not != NULL)
			expect("R18", strcmp(tag, must_not) != 0, "%s still "
			    "shown occupied after its release", tag);
	}
	if (j != NULL && must_have != NULL)
		expect("R18", found, "occupied %s is not on the dashboard",
		    must_have);
	yajl_tree_free(j);
}

static int
iniciar(const char *tag, const struct worker *w, const char *op,
    const char *allowed, const char *needle)
{
	char	body[512];

	snprintf(body, sizeof(body), "{\"tag_spool\":\"%s\",\"worker_id\":%lld,"
	    "\"worker_nombre\":\"%s\",\"operacion\":\"%s\"}", tag, w->id,
	    w->initials, op);
	yajl_tree_free(row("R7", "POST", "/api/v4/occupation/iniciar", body,
	    allowed, "", needle));
	return (ok2xx());
}

/* R8 with the n_union ints ticked; the inches it answers. */
static double
finalizar(const char *tag, const struct worker *w, const char *op,
    const long *unions, size_t n, const char *allowed, const char *needle)
{
	char		body[1024], date[16];
	time_t		now = time(NULL);
	struct tm	tm;
	size_t		i, used_len;
	yajl_val	j, v;
	double		inches = -1;

	/* new Date().toISOString().split('T')[0]: the UTC date. */
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%Y-%m-%d", &tm);
	snprintf(body, sizeof(body), "{\"tag_spool\":\"%s\",\"worker_id\":%lld,"
	    "\"worker_nombre\":\"%s\",\"operacion\":\"%s\","
	    "\"selected_unions\":[", tag, w->id, w->nombre_completo, op);
	for (i = 0; i < n; i++) {
		used_len = strlen(body);
		snprintf(body + used_len, sizeof(body) - used_len, "%s%ld",
		    i > 0 ? "," : "", unions[i]);
	}
	used_len = strlen(body);
	snprintf(body + used_len, sizeof(body) - used_len,
	    "],\"fecha_operacion\":\"%s\"}", date);
	j = row("R8", "POST", "/api/v4/occupation/finalizar", body, allowed,
	    "pulgadas_completadas:n", needle);
	if (ok2xx() && (v = jpath(j, "pulgadas_completadas", NULL)) != NULL &&
	    YAJL_IS_NUMBER(v))
		inches = YAJL_GET_DOUBLE(v);
	yajl_tree_free(j);
	return (inches);
}

/* R6: the available unions' n_union and summed inches. */
static size_t
disponibles(const char *tag, const char *op, const char *allowed, long *nums,
    double *dn, size_t max)
{
	char		path[256];
	yajl_val	j, list, it, v;
	size_t		i, n = 0;

	snprintf(path, sizeof(path), "/api/v4/uniones/%s/disponibles?"
	    "operacion=%s", tag, op);
	j = row("R6", "GET", path, NULL, allowed, "uniones:a "
	    "uniones[].n_union:n uniones[].dn_union:n uniones[].tipo_union:s",
	    NULL);
	list = jpath(j, "uniones", NULL);
	for (i = 0; list != NULL && YAJL_IS_ARRAY(list) &&
	    i < list->u.array.len && n < max; i++) {
		it = list->u.array.values[i];
		v = jpath(it, "n_union", NULL);
		if (v == NULL || !YAJL_IS_NUMBER(v))
			continue;
		nums[n] = YAJL_IS_INTEGER(v) ? (long)YAJL_GET_INTEGER(v) :
		    (long)YAJL_GET_DOUBLE(v);
		v = jpath(it, "dn_union", NULL);
		dn[n] = v != NULL && YAJL_IS_NUMBER(v) ? YAJL_GET_DOUBLE(v) : 0;
		n++;
	}
	yajl_tree_free(j);
	return (n);
}

static void
v3_action(const char *rn, const char *path, const char *tag,
    const struct worker *w, const char *op, const char *allowed)
{
	char	body[512];

	snprintf(body, sizeof(body), "{\"tag_spool\":\"%s\",\"worker_id\":%lld,"
	    "\"worker_nombre\":\"%s\",\"operacion\":\"%s\"}", tag, w->id,
	    w->nombre_completo, op);
	yajl_tree_free(row(rn, "POST", path, body, allowed,
	    strcmp(rn, "R11") == 0 ? "message:s" : "", NULL));
}

/* R12 as the confirm page sends it: no operacion, DD-MM-YYYY local. */
static void
completar(const char *tag, const struct worker *w, const char *allowed)
{
	char		body[512], date[16];
	time_t		now = time(NULL);
	struct tm	tm;

	localtime_r(&now, &tm);
	strftime(date, sizeof(date), "%d-%m-%Y", &tm);
	snprintf(body, sizeof(body), "{\"tag_spool\":\"%s\",\"worker_id\":%lld,"
	    "\"worker_nombre\":\"%s\",\"fecha_operacion\":\"%s\"}", tag, w->id,
	    w->nombre_completo, date);
	yajl_tree_free(row("R12", "POST", "/api/occupation/completar", body,
	    allowed, "message:s", NULL));
}

static void
metrologia(const char *tag, const struct worker *w, const char *resultado,
    const char *allowed)
{
	char	body[512];

	snprintf(body, sizeof(body), "{\"tag_spool\":\"%s\",\"worker_id\":%lld,"
	    "\"resultado\":\"%s\"}", tag, w->id, resultado);
	yajl_tree_free(row("R13", "POST", "/api/metrologia/completar", body,
	    allowed, "", NULL));
}

static void
reparacion(const char *rn, const char *action, const char *tag,
    const struct worker *w, const char *allowed)
{
	char	body[256], path[64];

	snprintf(path, sizeof(path), "/api/%s-reparacion", action);
	snprintf(body, sizeof(body), "{\"tag_spool\":\"%s\",\"worker_id\":%lld}",
	    tag, w->id);
	yajl_tree_free(row(rn, "POST", path, body, allowed, "", NULL));
}

/* R5: total_uniones (the v3/v4 decision) and ARM unions done, or -1. */
static double
metricas(const char *tag, const char *allowed, double *arm_done)
{
	char		path[256];
	yajl_val	j, v;
	double		total = -1;

	snprintf(path, sizeof(path), "/api/v4/uniones/%s/metricas", tag);
	j = row("R5", "GET", path, NULL, allowed, "total_uniones:n", NULL);
	if ((v = jpath(j, "total_uniones", NULL)) != NULL && YAJL_IS_NUMBER(v))
		total = YAJL_GET_DOUBLE(v);
	*arm_done = -1;
	if ((v = jpath(j, "arm_completadas", NULL)) != NULL &&
	    YAJL_IS_NUMBER(v))
		*arm_done = YAJL_GET_DOUBLE(v);
	yajl_tree_free(j);
	return (total);
}

/* --- the flows of §4 --- */

/*
 * The home page blocks until R1 succeeds, with a retry button (§3 R1): a
 * server still filling its cache gets the same patience, up to 30 s.
 */
static void
wait_for_workers(void)
{
	const char		*hdr[] = { "Content-Type: application/json",
				    NULL };
	char			 url[256];
	struct http_reply	 r;
	uint64_t		 end = harness_now_ms() + 30000;
	long			 st = 0;

	snprintf(url, sizeof(url), "%s/api/workers", srv.base);
	while (st != 200 && harness_now_ms() < end) {
		if (http_request("GET", url, hdr, NULL, 0, 10000, &r) == 0)
			st = r.status;
		http_reply_free(&r);
		if (st != 200)
			harness_sleep_ms(200);
	}
}

/* R1, U2 and the people of the walk; 0, or -1 when there are none. */
static int
walk_workers(void)
{
	static const struct {
		const char	*role;
		struct worker	*w;
	}		cast[] = { { "Armador", &arm_a }, { "Armador", &arm_b },
			    { "Soldador", &sold_s }, { "Metrologia", &metro_m },
			    { "Soldador", &rep_a }, { "Armador", &rep_b } };
	yajl_val	j, list;
	char		path[128];
	size_t		i, k;
	long long	avoid[8] = { 0 };

	wait_for_workers();
	j = row("R1", "GET", "/api/workers", NULL, "200", "workers:a "
	    "workers[].id:i workers[].nombre:s workers[].apellido:s? "
	    "workers[].activo:b workers[].roles:a workers[].roles[]:s "
	    "workers[].rol:s? workers[].nombre_completo:s", NULL);
	list = jpath(j, "workers", NULL);
	if (list == NULL || !YAJL_IS_ARRAY(list)) {
		yajl_tree_free(j);
		return (-1);
	}
	for (i = 0; i < list->u.array.len; i++)
		expect("R1", YAJL_IS_TRUE(jpath(list->u.array.values[i],
		    "activo", NULL)), "an inactive worker is listed");
	for (k = 0; k < sizeof(cast) / sizeof(cast[0]); k++) {
		if (!pick_worker(list, cast[k].role, avoid, cast[k].w)) {
			fail_row("R1", "no active %s left for the walk",
			    cast[k].role);
			yajl_tree_free(j);
			return (-1);
		}
		avoid[k] = cast[k].w->id;
	}
	yajl_tree_free(j);
	print_message("workers: ARM %s %s (INICIAR sends %s), SOLD %s, "
	    "metrología %s, reparación %s %s\n", arm_a.nombre_completo,
	    arm_b.nombre_completo, arm_a.initials, sold_s.nombre_completo,
	    metro_m.nombre_completo, rep_a.nombre_completo,
	    rep_b.nombre_completo);

	snprintf(path, sizeof(path), "/api/workers/%lld/roles", arm_a.id);
	j = row("U2", "GET", path, NULL, "200", "roles:a roles[]:s", NULL);
	if (j != NULL && ok2xx())
		expect("U2", has_role(j, "Armador"), "worker %lld's roles "
		    "lack Armador", arm_a.id);
	yajl_tree_free(j);
	return (0);
}

/* §4.4-4.5 and §1.2: INICIAR, FINALIZAR some, FINALIZAR the rest, SOLD. */
static void
walk_v4(const struct spools *arm, char metro_tag[TAG_LEN])
{
	char		t[TAG_LEN], t2[TAG_LEN], t3[TAG_LEN], v3[TAG_LEN];
	char		path[256];
	long		nums[64];
	double		dn[64], total, arm_done, sum, inches;
	size_t		n, half, rest, i;
	yajl_val	j;

	metro_tag[0] = '\0';
	if (!take_spool(arm, 1, t)) {
		fail_row("R2", "the ARM list has no free v4 spool "
		    "(total_uniones > 0) to INICIAR; walking on any spool");
		/* Still call R5-R8 and U4, so their own answers show. */
		if (!take_spool(arm, -1, t))
			return;
	}
	total = metricas(t, "200", &arm_done);
	expect("R5", !ok2xx() || total > 0, "%s: total_uniones %.0f, but R2 "
	    "badges it v4", t, total);
	snprintf(path, sizeof(path), "/api/diagnostic/%s/version", t);
	j = row("U4", "GET", path, NULL, "200", "data:o data.version:s "
	    "data.union_count:n data.detection_logic:s data.tag_spool:s", NULL);
	if (ok2xx())
		expect("U4", jpath_str(j, "data", "version", NULL) != NULL &&
		    strcmp(jpath_str(j, "data", "version", NULL), "v4.0") == 0,
		    "%s: version is not v4.0", t);
	yajl_tree_free(j);

	/* ARM by two workers: some unions, then the rest. */
	if (iniciar(t, &arm_a, "ARM", "200", NULL)) {
		dashboard(t, arm_a.nombre_completo, NULL);
		expect_holds("ARM", &arm_a, t, 1);
	}
	n = disponibles(t, "ARM", "200", nums, dn, 64);
	expect("R6", !ok2xx() || n > 0, "%s: no ARM union available on a "
	    "spool of the ARM list", t);
	half = n > 1 ? n / 2 : n;
	print_message("v4 %s: %zu ARM unions available, %zu in the first "
	    "FINALIZAR\n", t, n, half);
	for (sum = 0, i = 0; i < half; i++)
		sum += dn[i];
	inches = finalizar(t, &arm_a, "ARM", nums, half, "200", NULL);
	if (expect("R8", !ok2xx() || fabs(inches - sum) < 0.011, "%s: "
	    "pulgadas_completadas %.2f, the unions sent sum %.2f", t, inches,
	    sum) && ok2xx()) {
		dashboard(NULL, NULL, t);
		expect_holds("ARM", &arm_a, t, 0);
	}
	if (half < n) {
		iniciar(t, &arm_b, "ARM", "200", NULL);
		rest = disponibles(t, "ARM", "200", nums, dn, 64);
		expect("R6", !ok2xx() || rest == n - half, "%s: %zu ARM "
		    "unions available after %zu of %zu were finalized", t,
		    rest, half, n);
		finalizar(t, &arm_b, "ARM", nums, rest, "200", NULL);
	}

	/* SOLD of the same spool, to metrología. */
	if (iniciar(t, &sold_s, "SOLD", "200", NULL)) {
		n = disponibles(t, "SOLD", "200", nums, dn, 64);
		finalizar(t, &sold_s, "SOLD", nums, n, "200", NULL);
		if (ok2xx() && n > 0)
			snprintf(metro_tag, TAG_LEN, "%s", t);
	}

	/* The refusals a worker meets, each readable. */
	if (take_spool(arm, 1, t2) && iniciar(t2, &arm_a, "ARM", "200",
	    NULL)) {
		iniciar(t2, &arm_b, "ARM", "409", NULL);
		finalizar(t2, &arm_b, "ARM", NULL, 0, "403", "autorizado");
		nums[0] = 999;
		finalizar(t2, &arm_a, "ARM", nums, 1, "409", "Conflicto");
		/* "Liberar Spool": an empty selection. */
		finalizar(t2, &arm_a, "ARM", NULL, 0, "200", NULL);
		if (ok2xx())
			dashboard(NULL, NULL, t2);
	}
	for (i = 0; i < 8 && take_spool(arm, 1, t3); i++) {
		if (metricas(t3, "200", &arm_done) > 0 && arm_done == 0) {
			iniciar(t3, &sold_s, "SOLD", "403", NULL);
			break;
		}
	}
	if (take_spool(arm, 0, v3)) {
		/* §7 #10: WRONG_VERSION readable, or v3 semantics. */
		if (iniciar(v3, &arm_a, "ARM", "400 200", NULL))
			finalizar(v3, &arm_a, "ARM", NULL, 0, "200", NULL);
	}
}

/* §4.6: v3 tomar, pausar, completar, batch, on zero-union spools. */
static void
walk_v3(const struct spools *arm, const struct spools *sold)
{
	char	v1[TAG_LEN], v2[TAG_LEN], v3[TAG_LEN], w[TAG_LEN];
	char	body[512];
	double	arm_done, total;

	if (!take_spool(arm, 0, v1) || !take_spool(arm, 0, v2) ||
	    !take_spool(arm, 0, v3)) {
		fail_row("R2", "the ARM list has no three free v3 spools "
		    "(total_uniones 0)");
		return;
	}
	total = metricas(v1, "200", &arm_done);
	expect("R5", !ok2xx() || total == 0, "%s: total_uniones %.0f on a "
	    "spool R2 badges v3", v1, total);

	v3_action("R9", "/api/occupation/tomar", v1, &arm_a, "ARM", "200");
	if (ok2xx()) {
		expect_holds("ARM", &arm_a, v1, 1);
		dashboard(v1, arm_a.nombre_completo, NULL);
	}
	v3_action("R11", "/api/occupation/pausar", v1, &arm_a, "ARM", "200");
	if (ok2xx())
		expect_holds("ARM", &arm_a, v1, 0);
	v3_action("R9", "/api/occupation/tomar", v1, &arm_a, "ARM", "200");
	completar(v1, &arm_a, "200");
	if (ok2xx())
		dashboard(NULL, NULL, v1);

	snprintf(body, sizeof(body), "{\"tag_spools\":[\"%s\",\"%s\"],"
	    "\"worker_id\":%lld,\"worker_nombre\":\"%s\",\"operacion\":"
	    "\"ARM\"}", v2, v3, arm_a.id, arm_a.nombre_completo);
	yajl_tree_free(row("R10", "POST", "/api/occupation/batch-tomar", body,
	    "200", "total:n succeeded:n failed:n details:a details[].success:b "
	    "details[].tag_spool:s details[].message:s", NULL));
	v3_action("R9", "/api/occupation/tomar", v2, &arm_b, "ARM", "409");
	v3_action("R11", "/api/occupation/pausar", v2, &arm_b, "ARM", "403");
	/* Not the holder, and no operacion to go by: refused, readably. */
	completar(v2, &arm_b, "403 400");
	v3_action("R11", "/api/occupation/pausar", v2, &arm_a, "ARM", "200");
	completar(v3, &arm_a, "200");

	if (!take_spool(sold, 0, w)) {
		fail_row("R2", "the SOLD list has no free v3 spool");
		return;
	}
	v3_action("R9", "/api/occupation/tomar", w, &sold_s, "SOLD", "200");
	if (ok2xx())
		expect_holds("SOLD", &sold_s, w, 1);
	/* COMPLETAR without operacion: SOLD is the one the worker holds. */
	completar(w, &sold_s, "200");
}

/* A spool to call the reparación routes on when no list offers one. */
static char	spare[TAG_LEN];

/* §4.7 and floor.md §2. */
static void
walk_metrologia(const char *v4_tag, char rejected[TAG_LEN])
{
	struct spools	*l = calloc(1, sizeof(*l));
	char		 p1[TAG_LEN];
	size_t		 i;

	yajl_tree_free(get_iniciar("METROLOGIA", l));
	for (i = 0; i < l->n; i++)
		expect("R2", l->s[i].ocupado[0] == '\0', "METROLOGIA lists "
		    "%s occupied by %s (R13 would answer 409)", l->s[i].tag,
		    l->s[i].ocupado);
	if (v4_tag[0] != '\0')
		expect("R2", find_spool(l, v4_tag) != NULL, "%s, SOLD "
		    "finalized, is not in the METROLOGIA list", v4_tag);
	rejected[0] = '\0';
	if (!take_spool(l, -1, p1) || !take_spool(l, -1, rejected)) {
		fail_row("R2", "the METROLOGIA list has no two free spools");
		free(l);
		return;
	}
	if (v4_tag[0] != '\0')
		metrologia(v4_tag, &metro_m, "APROBADO", "200");
	metrologia(p1, &metro_m, "APROBADO", "200");
	metrologia(p1, &metro_m, "APROBADO", "400");
	metrologia(rejected, &arm_a, "RECHAZADO", "403");
	metrologia(rejected, &metro_m, "RECHAZADO", "200");
	if (!ok2xx()) {
		snprintf(spare, sizeof(spare), "%s", rejected);
		rejected[0] = '\0';
	}
	free(l);
}

/* §4.8 and floor.md §3. */
static void
walk_reparacion(const char *rejected)
{
	struct spools		*l = calloc(1, sizeof(*l));
	const struct spool	*sp;
	char			 q[TAG_LEN], q2[TAG_LEN];
	size_t			 i;
	int			 paused = 0, listed;
	yajl_val		 j;

	j = row("R4", "GET", "/api/spools/reparacion", NULL, "200",
	    "spools:a spools[].tag_spool:s spools[].cycle:n "
	    "spools[].bloqueado:b", NULL);
	listed = j != NULL && ok2xx();
	load_spools(j, l);
	yajl_tree_free(j);
	if (rejected[0] != '\0' && listed) {
		sp = find_spool(l, rejected);
		expect("R4", sp != NULL, "%s, just RECHAZADO, is not listed",
		    rejected);
		if (sp != NULL)
			expect("R4", sp->cycle >= 1 && !sp->bloqueado, "%s: "
			    "cycle %d bloqueado %d", rejected, sp->cycle,
			    sp->bloqueado);
	}
	for (i = 0; i < l->n; i++)
		paused |= strstr(l->s[i].estado, "REPARACION_PAUSADA") != NULL;
	expect("R4", !listed || paused, "no REPARACION_PAUSADA spool listed "
	    "(§7 #16: it could never be resumed)");

	if (rejected[0] != '\0' && !is_used(rejected) && nused < TAGS_MAX)
		snprintf(used[nused++], TAG_LEN, "%s", rejected);
	if (rejected[0] != '\0' && (find_spool(l, rejected) != NULL ||
	    !listed))
		snprintf(q, sizeof(q), "%s", rejected);
	else if (!take_spool(l, -1, q)) {
		fail_row("R4", "no spool to repair; walking on %s",
		    spare[0] != '\0' ? spare : "(none)");
		if (spare[0] == '\0') {
			free(l);
			return;
		}
		snprintf(q, sizeof(q), "%s", spare);
	}
	reparacion("R14", "tomar", q, &rep_a, "200");
	if (ok2xx())
		dashboard(q, rep_a.nombre_completo, NULL);
	reparacion("R15", "pausar", q, &rep_b, "403");
	reparacion("R15", "pausar", q, &rep_a, "200");
	reparacion("R14", "tomar", q, &rep_a, "200");
	reparacion("R16", "completar", q, &rep_a, "200");
	if (ok2xx()) {
		struct spools	*m = calloc(1, sizeof(*m));

		yajl_tree_free(get_iniciar("METROLOGIA", m));
		expect("R2", find_spool(m, q) != NULL, "%s, repaired, is not "
		    "back in the METROLOGIA list", q);
		free(m);
		dashboard(NULL, NULL, q);
	}

	if (take_spool(l, -1, q2)) {
		reparacion("R14", "tomar", q2, &rep_b, "200");
		reparacion("R17", "cancelar", q2, &rep_b, "200");
		if (ok2xx())
			dashboard(NULL, NULL, q2);
	} else {
		/* No second spool listed: the route still answers for itself. */
		reparacion("R17", "cancelar", q, &rep_b, "200");
	}
	for (i = 0; i < l->n; i++) {
		if (l->s[i].bloqueado) {
			reparacion("R14", "tomar", l->s[i].tag, &rep_a, "403");
			break;
		}
	}
	expect("R4", i < l->n || !listed, "no BLOQUEADO spool listed");
	free(l);
}

/* A tag no list offers: the documented 404s, each readable (E1). */
static void
walk_unknown(void)
{
	static const char	tag[] = "MK-0000-ZZ-00000-000";
	long			nums[4];
	double			dn[4], arm_done;

	metricas(tag, "404", &arm_done);
	disponibles(tag, "ARM", "404", nums, dn, 4);
	iniciar(tag, &arm_a, "ARM", "404", NULL);
	finalizar(tag, &arm_a, "ARM", NULL, 0, "404", NULL);
	v3_action("R9", "/api/occupation/tomar", tag, &arm_a, "ARM", "404");
	v3_action("R11", "/api/occupation/pausar", tag, &arm_a, "ARM", "404");
	completar(tag, &arm_a, "404");
	metrologia(tag, &metro_m, "APROBADO", "404");
	reparacion("R14", "tomar", tag, &rep_a, "404");
	reparacion("R15", "pausar", tag, &rep_a, "404");
	reparacion("R16", "completar", tag, &rep_a, "404");
	reparacion("R17", "cancelar", tag, &rep_a, "404");
}

/* R19: the stream the walk's changes went out on, as useSSE reads it. */
static void
walk_sse(struct sse_feed *f)
{
	static const char *const	types[] = { "TOMAR", "PAUSAR",
					    "COMPLETAR", "STATE_CHANGE" };
	struct sse_feed			 again;
	char				 val[256], what[64];
	int				 seen[4] = { 0 };
	size_t				 i, k, n = 0;
	yajl_val			 j;
	const char			*type;

	entry("R19")->runs++;
	sse_feed_pump(f, 1500);
	if (!expect("R19", f->status == 200, "the stream answered %d",
	    f->status))
		return;
	expect("R19", sse_feed_header(f, "content-type", val,
	    sizeof(val)) == 0 && strncmp(val, "text/event-stream", 17) == 0,
	    "content-type is not text/event-stream");
	expect("R19", sse_feed_header(f, "access-control-allow-origin", val,
	    sizeof(val)) == 0 && strcmp(val, ORIGIN) == 0, "the stream does "
	    "not allow origin %s", ORIGIN);
	for (i = 0; i < f->nev; i++) {
		if (strcmp(f->ev[i].name, "spool_update") != 0)
			continue;
		n++;
		snprintf(what, sizeof(what), "event %s", f->ev[i].id);
		j = yajl_tree_parse(f->ev[i].data, NULL, 0);
		if (!expect("R19", j != NULL, "%s: data is not JSON", what))
			continue;
		check_keys("R19", what, j, "type:s tag_spool:s worker:s? "
		    "timestamp:d");
		type = jpath_str(j, "type", NULL);
		for (k = 0; type != NULL && k < 4; k++)
			if (strcmp(type, types[k]) == 0)
				seen[k]++;
		yajl_tree_free(j);
	}
	print_message("%zu spool_update events: %d TOMAR, %d PAUSAR, "
	    "%d COMPLETAR, %d STATE_CHANGE\n", n, seen[0], seen[1], seen[2],
	    seen[3]);
	for (k = 0; k < 3; k++)
		expect("R19", seen[k] > 0, "no event of type %s after the "
		    "walk's changes (the dashboard ignores the rest)",
		    types[k]);

	/*
	 * The page reconnects on every render without Last-Event-ID: a new
	 * stream must not replay the walk (§7 #19: a replayed TOMAR would
	 * take the worker's own rows off a list).
	 */
	if (sse_feed_open(&again, srv.port, "/api/sse/stream", ORIGIN) == 0) {
		sse_feed_pump(&again, 1000);
		for (i = 0, n = 0; i < again.nev; i++)
			n += strcmp(again.ev[i].name, "spool_update") == 0;
		expect("R19", again.status == 200 && n == 0, "a new stream "
		    "answered %d and replayed %zu events", again.status, n);
		sse_feed_close(&again);
	} else
		fail_row("R19", "a second stream could not connect");
}

/* --- the test --- */

static int
setup(void **state)
{
	char	*env[12];
	size_t	 i;

	(void)state;
	/* The tablets' clock: COMPLETAR sends the local date. */
	setenv("TZ", JS_DATE_TZ, 1);
	tzset();
	if (emu_start_demo(&emu) == -1)
		return (-1);
	for (i = 0; emu.te.env[i] != NULL; i++)
		env[i] = emu.te.env[i];
	env[i++] = "REQUEST_DEADLINE_MS=8000";
	/*
	 * The emulator here has no quota; the server's own pacing at
	 * Google's 60 writes a minute would make the walk take minutes.
	 */
	env[i++] = "SHEETS_WRITES_PER_MINUTE=3000";
	env[i++] = "SHEETS_READS_PER_MINUTE=3000";
	/* And a short batch window: the walk's changes come one by one. */
	env[i++] = "SHEETS_BATCH_WINDOW_MS=50";
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
test_every_frontend_request_answers_as_documented(void **state)
{
	static struct spools	 arm_list, sold_list;
	struct spools		*arm = &arm_list, *sold = &sold_list;
	struct sse_feed		 feed;
	char		 metro_tag[TAG_LEN], rejected[TAG_LEN], *line;
	size_t		 i, uncovered = 0;
	uint64_t	 t0 = harness_now_ms();

	(void)state;
	assert_int_equal(sse_feed_open(&feed, srv.port, "/api/sse/stream",
	    ORIGIN), 0);
	if (walk_workers() == -1)
		goto report;
	yajl_tree_free(get_iniciar("ARM", arm));
	expect("R2", arm->n > 0, "the ARM list is empty");
	for (i = 0; i < arm->n; i++)
		expect("R2", arm->s[i].ocupado[0] == '\0' ||
		    strcmp(arm->s[i].ocupado, "DISPONIBLE") == 0, "ARM lists "
		    "%s occupied by %s", arm->s[i].tag, arm->s[i].ocupado);
	yajl_tree_free(get_iniciar("SOLD", sold));
	dashboard(NULL, NULL, NULL);

	walk_v4(arm, metro_tag);
	walk_v3(arm, sold);
	walk_metrologia(metro_tag, rejected);
	walk_reparacion(rejected);
	walk_unknown();
	dashboard(NULL, NULL, NULL);
	walk_sse(&feed);
	walk_dates();
report:
	sse_feed_close(&feed);

	print_message("walk took %.1f s\n",
	    (double)(harness_now_ms() - t0) / 1000.0);
	print_message("%-4s %-52s %5s %6s\n", "#", "route", "rows", "failed");
	for (i = 0; i < NINVENTORY; i++) {
		print_message("%-4s %-52s %5d %6d%s\n", inventory[i].rn,
		    inventory[i].route, inventory[i].runs, inventory[i].fails,
		    inventory[i].runs == 0 ? "  NOT COVERED" : "");
		if (inventory[i].runs == 0)
			uncovered++;
	}
	if (nfailures > 0 || uncovered > 0) {
		print_error("%zu failed checks:\n", nfailures);
		for (line = strtok(failures, "\n"); line != NULL;
		    line = strtok(NULL, "\n"))
			print_error("%s\n", line);
		for (i = 0; i < NINVENTORY; i++)
			if (inventory[i].runs == 0)
				print_error("  %s %s: not covered by any row\n",
				    inventory[i].rn, inventory[i].route);
		fail();
	}
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(
		    test_every_frontend_request_answers_as_documented),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}
