/*
 * The union routes on the real server, a real Redis and the Sheets
 * emulator with the demo workbook (issue 11's done-means): the whole v4
 * cycle with the workbook, the audit rows (exact list and order), the
 * lock and the events checked after each step; one winner among ten
 * INICIARs, on one instance and across two; two workers finishing
 * overlapping unions; Sheets failing at each step of a FINALIZAR (error,
 * hang, lost answer) writing nothing partial and nothing twice; v3 spools
 * on the v4 routes and v4 spools on the v3 routes; bad selections; and
 * fifty tablets cycling under the 60 writes/min quota without a 429.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "emulator_fixture.h"
#include "harness.h"
#include "http_parallel.h"
#include "server.h"
#include "sheets_relay.h"

static struct emu		 emu;
static struct test_server	 srv;

/* Workers with ARM and SOLD (Ayudante), and every ARM-capable one. */
static long long	ayud[3];
static long long	armers[16];
static size_t		narmers;

static int	pick_workers(void);

static int
setup(void **state)
{
	char	*env[8];
	size_t	 i;

	(void)state;
	if (emu_start(&emu, 800, 30, NULL) == -1)
		return (-1);
	for (i = 0; emu.te.env[i] != NULL; i++)
		env[i] = emu.te.env[i];
	/*
	 * Under the 60/min quota of the fifty-tablet test a change may wait
	 * for a read slot and then for its worker's write slice (2.5 s each
	 * with two workers): the default deadline, not a tighter one.  The
	 * sanitizer build (SAN_ENV preloads ASan) is several times slower.
	 */
	env[i++] = getenv("ZEUES_PRELOAD") != NULL ?
	    "REQUEST_DEADLINE_MS=15000" : "REQUEST_DEADLINE_MS=10000";
	env[i++] = "SHEETS_CACHE_TTL_MS=1000";
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

/* A second instance on the same Redis and Sheets (base: another URL). */
static void
second_start(struct test_server *s2, const char *sheets_base)
{
	static char	 url[128];
	char		*env[16];
	size_t		 i, n = 0;

	memset(s2, 0, sizeof(*s2));
	s2->redis_port = srv.redis_port;
	s2->redis = srv.redis;
	for (i = 0; emu.te.env[i] != NULL; i++) {
		if (sheets_base != NULL && strncmp(emu.te.env[i],
		    "SHEETS_API_BASE_URL=", 20) == 0) {
			snprintf(url, sizeof(url), "SHEETS_API_BASE_URL=%s",
			    sheets_base);
			env[n++] = url;
		} else {
			env[n++] = emu.te.env[i];
		}
	}
	env[n++] = "INSTANCE_NAME=second";
	env[n++] = "SHEETS_CACHE_TTL_MS=1000";
	/*
	 * Behind a relay that breaks Sheets for this instance alone, its
	 * changes must be written by its own group commit: with one
	 * committer for the deployment they could leave through the other
	 * instance, past the faults (test_commit_relay covers the
	 * committer's side).
	 */
	if (sheets_base != NULL)
		env[n++] = "SHEETS_COMMIT_MODE=slices";
	/*
	 * A lost answer is given up on, and the batch read again, in time;
	 * the sanitizer build (SAN_ENV preloads ASan) is several times
	 * slower.
	 */
	if (getenv("ZEUES_PRELOAD") != NULL) {
		env[n++] = "REQUEST_DEADLINE_MS=15000";
		env[n++] = "SHEETS_CALL_TIMEOUT_MS=4000";
	} else {
		env[n++] = "REQUEST_DEADLINE_MS=5000";
		env[n++] = "SHEETS_CALL_TIMEOUT_MS=800";
	}
	env[n] = NULL;
	assert_int_equal(test_server_start(s2, env), 0);
}

static void
second_stop(struct test_server *s2)
{
	s2->redis = 0;
	assert_int_equal(test_server_stop(s2), 0);
}

/* --- the workbook --- */

struct wb {
	yajl_val	root;
	yajl_val	ops;
	yajl_val	meta;
	yajl_val	uni;
};

static void
wb_load(struct wb *wb)
{
	wb->root = emu_workbook(&emu);
	assert_non_null(wb->root);
	wb->ops = emu_sheet(wb->root, "Operaciones");
	wb->meta = emu_sheet(wb->root, "Metadata");
	wb->uni = emu_sheet(wb->root, "Uniones");
	assert_non_null(wb->ops);
	assert_non_null(wb->meta);
	assert_non_null(wb->uni);
}

static long
wb_find(yajl_val sheet, const char *header, const char *value)
{
	char	buf[128];
	long	col = emu_column(sheet, header);
	size_t	r;

	for (r = 1; col >= 0 && r < emu_nrows(sheet); r++) {
		if (strcmp(emu_cell(sheet, r, (size_t)col, buf, sizeof(buf)),
		    value) == 0)
			return ((long)r);
	}
	return (-1);
}

static const char *
wb_cell(yajl_val sheet, const char *key_header, const char *key,
    const char *header, char *out, size_t len)
{
	char	buf[256];
	long	r = wb_find(sheet, key_header, key);

	assert_true(r > 0);
	assert_true(emu_column(sheet, header) >= 0);
	snprintf(out, len, "%s", emu_cell(sheet, (size_t)r,
	    (size_t)emu_column(sheet, header), buf, sizeof(buf)));
	return (out);
}

#define AUDIT_MAX	64

/*
 * The spool's Metadata rows as "Evento_Tipo Operacion Accion N_UNION",
 * in sheet order; the last one's Metadata_JSON into json.
 */
static size_t
audits_of(const struct wb *wb, const char *tag, char out[][96],
    char *json, size_t jsonlen)
{
	char	b[4][256];
	long	ct = emu_column(wb->meta, "TAG_SPOOL");
	size_t	r, n = 0;

	for (r = 1; r < emu_nrows(wb->meta) && n < AUDIT_MAX; r++) {
		if (strcmp(emu_cell(wb->meta, r, (size_t)ct, b[0],
		    sizeof(b[0])), tag) != 0)
			continue;
		snprintf(out[n++], 96, "%s %s %s %s",
		    emu_cell(wb->meta, r, (size_t)emu_column(wb->meta,
		    "Evento_Tipo"), b[0], sizeof(b[0])),
		    emu_cell(wb->meta, r, (size_t)emu_column(wb->meta,
		    "Operacion"), b[1], sizeof(b[1])),
		    emu_cell(wb->meta, r, (size_t)emu_column(wb->meta,
		    "Accion"), b[2], sizeof(b[2])),
		    emu_cell(wb->meta, r, (size_t)emu_column(wb->meta,
		    "N_UNION"), b[3], sizeof(b[3])));
		if (json != NULL)
			snprintf(json, jsonlen, "%s", emu_cell(wb->meta, r,
			    (size_t)emu_column(wb->meta, "Metadata_JSON"),
			    b[0], sizeof(b[0])));
	}
	return (n);
}

/* --- what the test expects, kept as the cycle goes --- */

struct expect {
	char	tag[80];
	char	ot[64];
	char	audits[AUDIT_MAX][96];
	size_t	naudits;
	char	events[32][32];
	size_t	nevents;
};

static void
expect_audit(struct expect *x, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
expect_audit(struct expect *x, const char *fmt, ...)
{
	va_list	ap;

	assert_true(x->naudits < AUDIT_MAX);
	va_start(ap, fmt);
	vsnprintf(x->audits[x->naudits++], 96, fmt, ap);
	va_end(ap);
}

static void
expect_event(struct expect *x, const char *type)
{
	snprintf(x->events[x->nevents++], 32, "%s", type);
}

/* The spool's events in the replay stream, in order: their types. */
static size_t
events_of(const char *tag, char out[][32], size_t max)
{
	char		*text, *line, *save = NULL, needle[128];
	yajl_val	 j;
	size_t		 n = 0;

	text = harness_redis_cli(srv.redis_port, "XRANGE spools:events - +");
	snprintf(needle, sizeof(needle), "\"tag_spool\":\"%s\"", tag);
	for (line = strtok_r(text, "\n", &save); line != NULL && n < max;
	    line = strtok_r(NULL, "\n", &save)) {
		if (line[0] != '{' || strstr(line, needle) == NULL)
			continue;
		j = yajl_tree_parse(line, NULL, 0);
		assert_non_null(j);
		snprintf(out[n++], 32, "%s", jpath_str(j, "event_type", NULL));
		yajl_tree_free(j);
	}
	free(text);
	return (n);
}

static char *
lock_of(const char *tag)
{
	char	args[160], *v;
	size_t	n;

	snprintf(args, sizeof(args), "GET spool_lock:%s", tag);
	v = harness_redis_cli(srv.redis_port, args);
	n = strlen(v);
	while (n > 0 && (v[n - 1] == '\n' || v[n - 1] == '\r'))
		v[--n] = '\0';
	return (v);
}

/*
 * After a step: the audit rows are exactly the expected ones in order,
 * the events too, the lock is the holder's (or gone) and Ocupado_Por
 * agrees.
 */
static void
check_step(const struct expect *x, long long holder, const char *occupant)
{
	char		got[AUDIT_MAX][96], ev[32][32], cell[128], *lock;
	struct wb	wb;
	size_t		n, i;
	uint64_t	until = harness_now_ms() + 5000;

	wb_load(&wb);
	n = audits_of(&wb, x->tag, got, NULL, 0);
	for (i = 0; i < n && i < x->naudits; i++)
		assert_string_equal(got[i], x->audits[i]);
	assert_int_equal(n, x->naudits);
	wb_cell(wb.ops, "TAG_SPOOL", x->tag, "Ocupado_Por", cell,
	    sizeof(cell));
	assert_string_equal(cell, occupant);
	yajl_tree_free(wb.root);

	lock = lock_of(x->tag);
	if (holder > 0)
		assert_int_equal(atoll(lock), holder);
	else
		assert_string_equal(lock, "");
	free(lock);

	/* Events are published after the answer's commit: wait a little. */
	while ((n = events_of(x->tag, ev, 32)) < x->nevents &&
	    harness_now_ms() < until)
		harness_sleep_ms(50);
	for (i = 0; i < n && i < x->nevents; i++)
		assert_string_equal(ev[i], x->events[i]);
	assert_int_equal(n, x->nevents);
}

/* --- picking demo data --- */

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
	size_t			 i, na = 0;
	long long		 id;

	snprintf(url, sizeof(url), "%s/api/workers", srv.base);
	if (http_get(url, 10000, &r) != 0 || r.status != 200)
		return (-1);
	j = http_reply_json(&r);
	list = jpath(j, "workers", NULL);
	for (i = 0; list != NULL && i < list->u.array.len; i++) {
		w = list->u.array.values[i];
		id = jpath_int(w, -1, "id", NULL);
		if (has_role(w, "Ayudante") && na < 3)
			ayud[na++] = id;
		if ((has_role(w, "Ayudante") || has_role(w, "Armador")) &&
		    narmers < 16)
			armers[narmers++] = id;
	}
	yajl_tree_free(j);
	http_reply_free(&r);
	print_message("Ayudantes %lld %lld %lld; %zu ARM-capable\n", ayud[0],
	    ayud[1], ayud[2], narmers);
	return (na == 3 && narmers >= 3 ? 0 : -1);
}

static const char *
nombre_of(long long id, char *buf, size_t len)
{
	struct http_reply	 r;
	yajl_val		 j, list;
	char			 url[128];
	size_t			 i;

	snprintf(url, sizeof(url), "%s/api/workers", srv.base);
	assert_int_equal(http_get(url, 10000, &r), 0);
	j = http_reply_json(&r);
	list = jpath(j, "workers", NULL);
	buf[0] = '\0';
	for (i = 0; list != NULL && i < list->u.array.len; i++) {
		if (jpath_int(list->u.array.values[i], 0, "id", NULL) == id)
			snprintf(buf, len, "%s", jpath_str(
			    list->u.array.values[i], "nombre_completo", NULL));
	}
	yajl_tree_free(j);
	http_reply_free(&r);
	return (buf);
}

struct unions {
	size_t	n;
	int	n_union[32];
	char	id[32][64];
	char	tipo[32][8];
	long	dn_milli[32];
};

static int
sold_type(const char *t)
{
	return (strcmp(t, "BW") == 0 || strcmp(t, "BR") == 0 ||
	    strcmp(t, "SO") == 0 || strcmp(t, "FILL") == 0 ||
	    strcmp(t, "LET") == 0);
}

/* GET .../disponibles?operacion=op into u; the answer's status. */
static long
disponibles(const char *tag, const char *op, struct unions *u)
{
	struct http_reply	 r;
	yajl_val		 j, list, it, dn;
	char			 url[200];
	long			 status;
	size_t			 i;

	snprintf(url, sizeof(url), "%s/api/v4/uniones/%s/disponibles?"
	    "operacion=%s", srv.base, tag, op);
	assert_int_equal(http_get(url, 10000, &r), 0);
	status = r.status;
	memset(u, 0, sizeof(*u));
	j = http_reply_json(&r);
	list = jpath(j, "uniones", NULL);
	for (i = 0; list != NULL && i < list->u.array.len && u->n < 32; i++) {
		it = list->u.array.values[i];
		u->n_union[u->n] = (int)jpath_int(it, -1, "n_union", NULL);
		snprintf(u->id[u->n], 64, "%s", jpath_str(it, "id", NULL) ?
		    jpath_str(it, "id", NULL) : "");
		snprintf(u->tipo[u->n], 8, "%s", jpath_str(it, "tipo_union",
		    NULL) ? jpath_str(it, "tipo_union", NULL) : "");
		dn = jpath(it, "dn_union", NULL);
		u->dn_milli[u->n] = dn != NULL && YAJL_IS_NUMBER(dn) ?
		    (long)(YAJL_GET_DOUBLE(dn) * 1000 + 0.5) : 0;
		u->n++;
	}
	yajl_tree_free(j);
	http_reply_free(&r);
	return (status);
}

/*
 * Free v4 spools with no union ARM-done yet, at least min unions, one of
 * them SOLD work; never the same twice.  want of them into tags.
 */
static size_t
pick_v4(char tags[][80], size_t want, size_t min)
{
	static char		 handed[400][80];
	static size_t		 nhanded;
	struct http_reply	 r;
	struct unions		 u;
	yajl_val		 j, list, s;
	const char		*t;
	char			 url[160];
	long long		 total;
	size_t			 i, k, n = 0, sold;

	snprintf(url, sizeof(url), "%s/api/spools/iniciar?operacion=ARM",
	    srv.base);
	assert_int_equal(http_get(url, 10000, &r), 0);
	j = http_reply_json(&r);
	list = jpath(j, "spools", NULL);
	for (i = 0; list != NULL && i < list->u.array.len && n < want &&
	    nhanded < 400; i++) {
		s = list->u.array.values[i];
		t = jpath_str(s, "tag_spool", NULL);
		total = jpath_int(s, 0, "total_uniones", NULL);
		if (t == NULL || total < (long long)min ||
		    !YAJL_IS_NULL(jpath(s, "armador", NULL)))
			continue;
		for (k = 0; k < nhanded && strcmp(handed[k], t) != 0; k++)
			;
		if (k < nhanded)
			continue;
		if (disponibles(t, "ARM", &u) != 200 ||
		    (long long)u.n != total)
			continue;
		for (k = 0, sold = 0; k < u.n; k++)
			sold += sold_type(u.tipo[k]);
		if (sold == 0)
			continue;
		snprintf(handed[nhanded++], 80, "%s", t);
		snprintf(tags[n++], 80, "%s", t);
	}
	yajl_tree_free(j);
	http_reply_free(&r);
	return (n);
}

/* A free v3 spool (no unions) ready for ARM. */
static void
pick_v3(char tag[80])
{
	struct http_reply	 r;
	yajl_val		 j, list, s;
	char			 url[160];
	size_t			 i;

	tag[0] = '\0';
	snprintf(url, sizeof(url), "%s/api/spools/iniciar?operacion=ARM",
	    srv.base);
	assert_int_equal(http_get(url, 10000, &r), 0);
	j = http_reply_json(&r);
	list = jpath(j, "spools", NULL);
	for (i = 0; list != NULL && i < list->u.array.len; i++) {
		s = list->u.array.values[i];
		if (jpath_int(s, -1, "total_uniones", NULL) == 0 &&
		    YAJL_IS_NULL(jpath(s, "armador", NULL))) {
			snprintf(tag, 80, "%s", jpath_str(s, "tag_spool",
			    NULL));
			break;
		}
	}
	yajl_tree_free(j);
	http_reply_free(&r);
	assert_true(tag[0] != '\0');
}

/* --- requests --- */

static long
post(const char *base, const char *route, const char *body, yajl_val *out)
{
	struct http_reply	 r;
	char			 url[200];
	const char		*h[] = { "Content-Type: application/json",
				    NULL };
	long			 status;

	snprintf(url, sizeof(url), "%s/api/%s", base, route);
	assert_int_equal(http_request("POST", url, h, body, strlen(body),
	    30000, &r), 0);
	status = r.status;
	if (out != NULL)
		*out = http_reply_json(&r);
	http_reply_free(&r);
	return (status);
}

static long
iniciar_at(const char *base, const char *tag, long long worker,
    const char *op, yajl_val *out)
{
	char	body[256];

	/* The frontend's worker_nombre: raw initials, not the label. */
	snprintf(body, sizeof(body), "{\"tag_spool\":\"%s\",\"worker_id\":"
	    "%lld,\"worker_nombre\":\"x(%lld)\",\"operacion\":\"%s\"}", tag,
	    worker, worker, op);
	return (post(base, "v4/occupation/iniciar", body, out));
}

static long
iniciar(const char *tag, long long worker, const char *op)
{
	return (iniciar_at(srv.base, tag, worker, op, NULL));
}

static long
finalizar_at(const char *base, const char *tag, long long worker,
    const char *op, const char *unions, yajl_val *out)
{
	char	body[1024];

	snprintf(body, sizeof(body), "{\"tag_spool\":\"%s\",\"worker_id\":"
	    "%lld,\"worker_nombre\":\"W\",\"operacion\":\"%s\","
	    "\"selected_unions\":%s,\"fecha_operacion\":\"2026-02-03\"}",
	    tag, worker, op, unions);
	return (post(base, "v4/occupation/finalizar", body, out));
}

static long
finalizar(const char *tag, long long worker, const char *op,
    const char *unions, yajl_val *out)
{
	return (finalizar_at(srv.base, tag, worker, op, unions, out));
}

static long
v3(const char *action, const char *tag, long long worker, const char *op,
    yajl_val *out)
{
	char	body[256], route[64];

	snprintf(route, sizeof(route), "occupation/%s", action);
	snprintf(body, sizeof(body), "{\"tag_spool\":\"%s\",\"worker_id\":"
	    "%lld,\"operacion\":\"%s\",\"fecha_operacion\":null}", tag, worker,
	    op);
	return (post(srv.base, route, body, out));
}

/* "[a,b,...]" of the n_union of u's entries from..to-1. */
static const char *
list_of(const struct unions *u, size_t from, size_t to, char *buf,
    size_t len)
{
	size_t	i, off;

	off = (size_t)snprintf(buf, len, "[");
	for (i = from; i < to; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%d",
		    i > from ? "," : "", u->n_union[i]);
	snprintf(buf + off, len - off, "]");
	return (buf);
}

static const char *
ids_of(const struct unions *u, size_t from, size_t to, char *buf,
    size_t len)
{
	size_t	i, off;

	off = (size_t)snprintf(buf, len, "[");
	for (i = from; i < to; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s\"%s\"",
		    i > from ? "," : "", u->id[i]);
	snprintf(buf + off, len - off, "]");
	return (buf);
}

/* Expected audit rows of a FINALIZAR of u[from..to). */
static void
expect_finalizar(struct expect *x, const char *op, const char *accion,
    const struct unions *u, size_t from, size_t to)
{
	size_t	i;

	expect_audit(x, "UNION_%s_REGISTRADA %s %s ", op, op, accion);
	for (i = from; i < to; i++)
		expect_audit(x, "UNION_%s_REGISTRADA %s %s %d", op, op, accion,
		    u->n_union[i]);
}

/* Each union of u[from..to) carries op's end, worker and start. */
static void
check_unions(const struct unions *u, size_t from, size_t to,
    const char *op, const char *nombre)
{
	struct wb	 wb;
	char		 cell[128], h[32];
	size_t		 i;
	const char	*p = strcmp(op, "ARM") == 0 ? "ARM" : "SOL";

	wb_load(&wb);
	for (i = from; i < to; i++) {
		snprintf(h, sizeof(h), "%s_FECHA_FIN", p);
		assert_true(strlen(wb_cell(wb.uni, "ID", u->id[i], h, cell,
		    sizeof(cell))) >= 10);
		snprintf(h, sizeof(h), "%s_WORKER", p);
		assert_string_equal(wb_cell(wb.uni, "ID", u->id[i], h, cell,
		    sizeof(cell)), nombre);
		snprintf(h, sizeof(h), "%s_FECHA_INICIO", p);
		assert_true(strlen(wb_cell(wb.uni, "ID", u->id[i], h, cell,
		    sizeof(cell))) >= 10);
	}
	yajl_tree_free(wb.root);
}

static void
check_unions_untouched(const struct unions *u, size_t from, size_t to,
    const char *op)
{
	struct wb	 wb;
	char		 cell[128], h[32];
	size_t		 i;

	wb_load(&wb);
	snprintf(h, sizeof(h), "%s_FECHA_FIN", strcmp(op, "ARM") == 0 ?
	    "ARM" : "SOL");
	for (i = from; i < to; i++)
		assert_string_equal(wb_cell(wb.uni, "ID", u->id[i], h, cell,
		    sizeof(cell)), "");
	yajl_tree_free(wb.root);
}

static void
ops_cell(const char *tag, const char *header, char *out, size_t len)
{
	struct wb	wb;

	wb_load(&wb);
	wb_cell(wb.ops, "TAG_SPOOL", tag, header, out, len);
	yajl_tree_free(wb.root);
}

/* --- the cycle --- */

/*
 * Session back (0: the newest) of the spool's history, once the history
 * has caught up with the last FINALIZAR (it reads Metadata through the
 * read cache): an INICIAR session of op by nombre, ended by accion, with
 * n unions finished in it.
 */
static void
check_union_session(const char *tag, size_t back, const char *nombre,
    const char *op, const char *accion, size_t n)
{
	struct http_reply	 r;
	yajl_val		 h = NULL, list, s = NULL;
	uint64_t		 until = harness_now_ms() + 15000;
	char			 url[200];
	size_t			 len;

	snprintf(url, sizeof(url), "%s/api/history/%s", srv.base, tag);
	for (;;) {
		assert_int_equal(http_get(url, 10000, &r), 0);
		assert_int_equal(r.status, 200);
		h = http_reply_json(&r);
		http_reply_free(&r);
		list = jpath(h, "sessions", NULL);
		len = list != NULL && YAJL_IS_ARRAY(list) ? list->u.array.len : 0;
		if (len >= 3 && jpath_str(list->u.array.values[len - 1],
		    "accion_final", NULL) != NULL &&
		    strcmp(jpath_str(list->u.array.values[len - 1],
		    "operacion", NULL), "SOLD") == 0) {
			s = list->u.array.values[len - 1 - back];
			break;
		}
		yajl_tree_free(h);
		assert_true(harness_now_ms() < until);
		harness_sleep_ms(200);
	}
	assert_string_equal(jpath_str(s, "tipo", NULL), "INICIAR");
	assert_string_equal(jpath_str(s, "worker_nombre", NULL), nombre);
	assert_string_equal(jpath_str(s, "operacion", NULL), op);
	assert_string_equal(jpath_str(s, "accion_final", NULL), accion);
	assert_int_equal(jpath_int(s, -1, "n_unions", NULL), (long long)n);
	assert_non_null(jpath_str(s, "end_time", NULL));
	yajl_tree_free(h);
}

static void
test_full_v4_cycle(void **state)
{
	struct expect	*x = calloc(1, sizeof(*x));
	struct unions	 arm, sold;
	char		 tag[1][80], a[48], b[48], c[48], list[512];
	char		 cell[256], json[1024], got[AUDIT_MAX][96];
	struct wb	 wb;
	yajl_val	 j;
	size_t		 half, i;
	long		 inches = 0;

	(void)state;
	assert_int_equal(pick_v4(tag, 1, 3), 1);
	snprintf(x->tag, sizeof(x->tag), "%s", tag[0]);
	nombre_of(ayud[0], a, sizeof(a));
	nombre_of(ayud[1], b, sizeof(b));
	nombre_of(ayud[2], c, sizeof(c));
	assert_int_equal(disponibles(x->tag, "ARM", &arm), 200);
	half = arm.n / 2;
	print_message("%s: %zu unions\n", x->tag, arm.n);

	/* A INICIAR ARM: occupied, locked, TOMAR_SPOOL marked INICIAR. */
	assert_int_equal(iniciar(x->tag, ayud[0], "ARM"), 200);
	expect_audit(x, "TOMAR_SPOOL ARM TOMAR ");
	expect_event(x, "TOMAR");
	check_step(x, ayud[0], a);
	wb_load(&wb);
	audits_of(&wb, x->tag, got, json, sizeof(json));
	assert_non_null(strstr(json, "\"v4_operation\":\"INICIAR\""));
	yajl_tree_free(wb.root);
	check_unions_untouched(&arm, 0, arm.n, "ARM");

	/* A FINALIZAR some (ints, one repeated): PAUSAR. */
	list_of(&arm, 0, half, list, sizeof(list));
	if (half > 0) {
		list[strlen(list) - 1] = '\0';
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
		    ",%d]", arm.n_union[0]);
	}
	assert_int_equal(finalizar(x->tag, ayud[0], "ARM", list, &j), 200);
	assert_string_equal(jpath_str(j, "action_taken", NULL), "PAUSAR");
	assert_string_equal(jpath_str(j, "action", NULL), "PAUSAR");
	assert_int_equal(jpath_int(j, -1, "unions_processed", NULL),
	    (long long)half);
	for (i = 0; i < half; i++)
		inches += arm.dn_milli[i];
	assert_true(jpath(j, "pulgadas_completadas", NULL) != NULL);
	assert_true(YAJL_IS_FALSE(jpath(j, "metrologia_triggered", NULL)));
	yajl_tree_free(j);
	expect_finalizar(x, "ARM", "PAUSAR", &arm, 0, half);
	expect_event(x, "PAUSAR");
	check_step(x, 0, "");
	check_unions(&arm, 0, half, "ARM", a);
	check_unions_untouched(&arm, half, arm.n, "ARM");
	ops_cell(x->tag, "Uniones_ARM_Completadas", cell, sizeof(cell));
	assert_int_equal(atoi(cell), (int)half);

	/* B INICIAR, FINALIZAR the rest as ids: COMPLETAR, Fecha_Armado. */
	assert_int_equal(iniciar(x->tag, ayud[1], "ARM"), 200);
	expect_audit(x, "TOMAR_SPOOL ARM TOMAR ");
	expect_event(x, "TOMAR");
	check_step(x, ayud[1], b);
	ids_of(&arm, half, arm.n, list, sizeof(list));
	assert_int_equal(finalizar(x->tag, ayud[1], "ARM", list, &j), 200);
	assert_string_equal(jpath_str(j, "action_taken", NULL), "COMPLETAR");
	assert_int_equal(jpath_int(j, -1, "uniones_completadas", NULL),
	    (long long)(arm.n - half));
	yajl_tree_free(j);
	expect_finalizar(x, "ARM", "COMPLETAR", &arm, half, arm.n);
	expect_event(x, "COMPLETAR");
	check_step(x, 0, "");
	check_unions(&arm, half, arm.n, "ARM", b);
	ops_cell(x->tag, "Fecha_Armado", cell, sizeof(cell));
	assert_true(strlen(cell) >= 8);
	ops_cell(x->tag, "Fecha_Soldadura", cell, sizeof(cell));
	assert_string_equal(cell, "");
	ops_cell(x->tag, "Uniones_ARM_Completadas", cell, sizeof(cell));
	assert_int_equal(atoi(cell), (int)arm.n);

	/* C INICIAR SOLD, FINALIZAR every SOLD-type union: metrología. */
	assert_int_equal(disponibles(x->tag, "SOLD", &sold), 200);
	assert_true(sold.n > 0);
	assert_int_equal(iniciar(x->tag, ayud[2], "SOLD"), 200);
	expect_audit(x, "TOMAR_SPOOL SOLD TOMAR ");
	expect_event(x, "TOMAR");
	check_step(x, ayud[2], c);
	list_of(&sold, 0, sold.n, list, sizeof(list));
	assert_int_equal(finalizar(x->tag, ayud[2], "SOLD", list, &j), 200);
	assert_string_equal(jpath_str(j, "action_taken", NULL), "COMPLETAR");
	assert_true(YAJL_IS_TRUE(jpath(j, "metrologia_triggered", NULL)));
	assert_string_equal(jpath_str(j, "new_state", NULL),
	    "En Cola Metrología");
	yajl_tree_free(j);
	expect_finalizar(x, "SOLD", "COMPLETAR", &sold, 0, sold.n);
	expect_audit(x, "METROLOGIA_AUTO_TRIGGERED METROLOGIA  ");
	expect_event(x, "COMPLETAR");
	expect_event(x, "METROLOGIA_READY");
	check_step(x, 0, "");
	check_unions(&sold, 0, sold.n, "SOLD", c);
	ops_cell(x->tag, "Estado_Detalle", cell, sizeof(cell));
	assert_string_equal(cell, "En Cola Metrología");
	ops_cell(x->tag, "Fecha_Soldadura", cell, sizeof(cell));
	assert_true(strlen(cell) >= 8);
	ops_cell(x->tag, "Uniones_SOLD_Completadas", cell, sizeof(cell));
	assert_int_equal(atoi(cell), (int)sold.n);

	/* The history shows the three union sessions and what each did. */
	check_union_session(x->tag, 2, a, "ARM", "PAUSAR", half);
	check_union_session(x->tag, 1, b, "ARM", "COMPLETAR", arm.n - half);
	check_union_session(x->tag, 0, c, "SOLD", "COMPLETAR", sold.n);
	free(x);
}

/* --- races --- */

/* Ten INICIARs of one spool by different workers: one 200, nine 409. */
static void
race(struct test_server *s2, const char *tag)
{
	struct http_job	jobs[10];
	char		bodies[10][200], urls[2][160];
	size_t		i;
	int		ok = 0, busy = 0, mine = 0;

	snprintf(urls[0], sizeof(urls[0]), "%s/api/v4/occupation/iniciar",
	    srv.base);
	snprintf(urls[1], sizeof(urls[1]), "%s/api/v4/occupation/iniciar",
	    s2 != NULL ? s2->base : srv.base);
	memset(jobs, 0, sizeof(jobs));
	for (i = 0; i < 10; i++) {
		snprintf(bodies[i], sizeof(bodies[i]), "{\"tag_spool\":\"%s\","
		    "\"worker_id\":%lld,\"operacion\":\"ARM\"}", tag,
		    armers[i % narmers]);
		jobs[i].url = urls[i % 2];
		jobs[i].body = bodies[i];
		jobs[i].bodylen = strlen(bodies[i]);
	}
	assert_int_equal(http_parallel(jobs, 10, 10, 30000), 0);
	for (i = 0; i < 10; i++) {
		if (jobs[i].reply.status == 200)
			ok++;
		else if (jobs[i].reply.status == 409)
			busy++;
		else if (jobs[i].reply.status == 400 && narmers < 10)
			mine++;		/* the winner asking again */
		else
			print_message("unexpected %ld: %s\n",
			    jobs[i].reply.status, jobs[i].reply.body);
	}
	http_parallel_free(jobs, 10);
	assert_int_equal(ok, 1);
	assert_int_equal(busy + mine, 9);
	if (narmers >= 10)
		assert_int_equal(busy, 9);
}

static void
test_ten_concurrent_iniciar_one_winner(void **state)
{
	struct test_server	s2;
	char			tag[2][80];

	(void)state;
	assert_int_equal(pick_v4(tag, 2, 1), 2);
	race(NULL, tag[0]);
	second_start(&s2, NULL);
	race(&s2, tag[1]);
	second_stop(&s2);
}

/*
 * Two workers finishing overlapping unions: A records 1..k, then B, who
 * took the spool next, sends a selection from before (overlapping A's):
 * 409 RACE_CONDITION with "Conflicto", nothing written, B still holds it.
 */
static void
test_overlapping_unions_one_wins(void **state)
{
	struct unions	 u;
	char		 tag[1][80], list[256], got[AUDIT_MAX][96];
	char		 ev[32][32];
	struct wb	 wb;
	yajl_val	 j;
	size_t		 audits, events;
	long long	 writes;
	char		*lock;

	(void)state;
	assert_int_equal(pick_v4(tag, 1, 3), 1);
	assert_int_equal(disponibles(tag[0], "ARM", &u), 200);
	assert_int_equal(iniciar(tag[0], ayud[0], "ARM"), 200);
	assert_int_equal(finalizar(tag[0], ayud[0], "ARM",
	    list_of(&u, 0, 2, list, sizeof(list)), NULL), 200);
	assert_int_equal(iniciar(tag[0], ayud[1], "ARM"), 200);

	wb_load(&wb);
	audits = audits_of(&wb, tag[0], got, NULL, 0);
	yajl_tree_free(wb.root);
	events = events_of(tag[0], ev, 32);
	writes = emu_counter(&emu, "writes", NULL);
	assert_int_equal(finalizar(tag[0], ayud[1], "ARM",
	    list_of(&u, 1, 3, list, sizeof(list)), &j), 409);
	assert_string_equal(jpath_str(j, "error", NULL), "RACE_CONDITION");
	assert_non_null(strstr(jpath_str(j, "detail", NULL), "Conflicto"));
	assert_non_null(strstr(jpath_str(j, "message", NULL), "Conflicto"));
	yajl_tree_free(j);
	assert_int_equal(emu_counter(&emu, "writes", NULL), writes);
	wb_load(&wb);
	assert_int_equal(audits_of(&wb, tag[0], got, NULL, 0), audits);
	yajl_tree_free(wb.root);
	assert_int_equal(events_of(tag[0], ev, 32), events);
	check_unions_untouched(&u, 2, 3, "ARM");
	lock = lock_of(tag[0]);
	assert_int_equal(atoll(lock), ayud[1]);
	free(lock);
	/* Union 2 was A's once: B records only the third. */
	assert_int_equal(finalizar(tag[0], ayud[1], "ARM",
	    list_of(&u, 2, 3, list, sizeof(list)), NULL), 200);
	wb_load(&wb);
	assert_int_equal(audits_of(&wb, tag[0], got, NULL, 0), audits + 2);
	yajl_tree_free(wb.root);
}

/* --- refusals --- */

static void
test_versions_and_bad_selections(void **state)
{
	struct unions	 u;
	char		 v3tag[80], tag[2][80], list[256], got[AUDIT_MAX][96];
	const char	*d;
	struct wb	 wb;
	yajl_val	 j;
	long long	 writes;
	size_t		 audits;

	(void)state;
	/* A v3 spool on INICIAR: 400 WRONG_VERSION, readable, v3 route. */
	pick_v3(v3tag);
	assert_int_equal(iniciar_at(srv.base, v3tag, ayud[0], "ARM", &j), 400);
	assert_string_equal(jpath_str(j, "error", NULL), "WRONG_VERSION");
	d = jpath_str(j, "detail", NULL);
	assert_non_null(d);
	assert_non_null(strstr(d, "/api/occupation/tomar"));
	assert_string_equal(jpath_str(j, "message", NULL), d);
	assert_string_equal(jpath_str(j, "spool_version", NULL), "v3.0");
	assert_string_equal(jpath_str(j, "correct_endpoint", NULL),
	    "/api/occupation/tomar");
	assert_true(YAJL_IS_FALSE(jpath(j, "success", NULL)));
	yajl_tree_free(j);

	/* A v4 spool on TOMAR: 400 naming INICIAR; PAUSAR still releases. */
	assert_int_equal(pick_v4(tag, 2, 3), 2);
	assert_int_equal(v3("tomar", tag[0], ayud[0], "ARM", &j), 400);
	assert_string_equal(jpath_str(j, "error", NULL), "WRONG_VERSION");
	assert_string_equal(jpath_str(j, "correct_endpoint", NULL),
	    "/api/v4/occupation/iniciar");
	yajl_tree_free(j);
	assert_int_equal(iniciar(tag[0], ayud[0], "ARM"), 200);
	assert_int_equal(v3("completar", tag[0], ayud[0], "ARM", &j), 400);
	assert_string_equal(jpath_str(j, "error", NULL), "WRONG_VERSION");
	yajl_tree_free(j);
	assert_int_equal(v3("pausar", tag[0], ayud[0], "ARM", NULL), 200);

	/* SOLD before any union is armed: 403 ARM_PREREQUISITE. */
	assert_int_equal(iniciar_at(srv.base, tag[1], ayud[2], "SOLD", &j),
	    403);
	assert_string_equal(jpath_str(j, "error", NULL), "ARM_PREREQUISITE");
	yajl_tree_free(j);

	/* Bad selections on a held spool: nothing written. */
	assert_int_equal(disponibles(tag[1], "ARM", &u), 200);
	assert_int_equal(iniciar(tag[1], ayud[0], "ARM"), 200);
	wb_load(&wb);
	audits = audits_of(&wb, tag[1], got, NULL, 0);
	yajl_tree_free(wb.root);
	writes = emu_counter(&emu, "writes", NULL);
	/* Not the holder: 403 with "autorizado"; unknown union: 409. */
	assert_int_equal(finalizar(tag[1], ayud[1], "ARM", "[]", &j), 403);
	assert_string_equal(jpath_str(j, "error", NULL), "NO_AUTORIZADO");
	assert_non_null(strstr(jpath_str(j, "detail", NULL), "autorizado"));
	yajl_tree_free(j);
	assert_int_equal(finalizar(tag[1], ayud[0], "ARM", "[999]", &j), 409);
	assert_string_equal(jpath_str(j, "error", NULL), "RACE_CONDITION");
	yajl_tree_free(j);
	/* A union of another spool (its OT is not this spool's). */
	snprintf(list, sizeof(list), "[\"NO-SUCH-OT+%d\"]", u.n_union[0]);
	assert_int_equal(finalizar(tag[1], ayud[0], "ARM", list, &j), 409);
	assert_string_equal(jpath_str(j, "error", NULL), "RACE_CONDITION");
	yajl_tree_free(j);
	/* Wrong types: 422 of api.md §1. */
	assert_int_equal(finalizar(tag[1], ayud[0], "ARM", "[1.5]", &j), 422);
	assert_string_equal(jpath_str(j, "error", NULL), "VALIDATION_ERROR");
	assert_non_null(jpath_str(j, "message", NULL));
	yajl_tree_free(j);
	assert_int_equal(finalizar(tag[1], ayud[0], "ARM", "\"1\"", NULL),
	    422);
	assert_int_equal(emu_counter(&emu, "writes", NULL), writes);
	wb_load(&wb);
	assert_int_equal(audits_of(&wb, tag[1], got, NULL, 0), audits);
	yajl_tree_free(wb.root);
	check_unions_untouched(&u, 0, u.n, "ARM");

	/* A duplicate, as int and id and numeric string: recorded once. */
	snprintf(list, sizeof(list), "[%d,\"%s\",\"%d\"]", u.n_union[0],
	    u.id[0], u.n_union[0]);
	assert_int_equal(finalizar(tag[1], ayud[0], "ARM", list, &j), 200);
	assert_int_equal(jpath_int(j, -1, "unions_processed", NULL), 1);
	yajl_tree_free(j);
	wb_load(&wb);
	assert_int_equal(audits_of(&wb, tag[1], got, NULL, 0), audits + 2);
	yajl_tree_free(wb.root);

	/* An empty selection cancels: SPOOL_CANCELADO, lock released. */
	assert_int_equal(iniciar(tag[1], ayud[0], "ARM"), 200);
	assert_int_equal(finalizar(tag[1], ayud[0], "ARM", "[]", &j), 200);
	assert_string_equal(jpath_str(j, "action_taken", NULL), "CANCELADO");
	assert_string_equal(jpath_str(j, "action", NULL), "CANCELAR");
	yajl_tree_free(j);
	wb_load(&wb);
	assert_int_equal(audits_of(&wb, tag[1], got, NULL, 0), audits + 4);
	assert_string_equal(got[audits + 3], "SPOOL_CANCELADO ARM CANCELAR ");
	yajl_tree_free(wb.root);
	/* No lock now: 410. */
	assert_int_equal(finalizar(tag[1], ayud[0], "ARM", "[]", &j), 410);
	yajl_tree_free(j);
}

/* --- Sheets failing under a FINALIZAR --- */

struct snapshot {
	size_t		audits;
	char		version[80];
};

static void
snap(const char *tag, struct snapshot *s)
{
	char		got[AUDIT_MAX][96];
	struct wb	wb;

	wb_load(&wb);
	s->audits = audits_of(&wb, tag, got, NULL, 0);
	wb_cell(wb.ops, "TAG_SPOOL", tag, "version", s->version,
	    sizeof(s->version));
	yajl_tree_free(wb.root);
}

/* The failed FINALIZAR changed nothing and left the lock to its holder. */
static void
unchanged(const char *tag, const struct snapshot *before,
    const struct unions *u, long long holder)
{
	struct snapshot	 now;
	char		*lock;

	snap(tag, &now);
	assert_int_equal(now.audits, before->audits);
	assert_string_equal(now.version, before->version);
	check_unions_untouched(u, 0, u->n, "ARM");
	lock = lock_of(tag);
	assert_int_equal(atoll(lock), holder);
	free(lock);
}

/*
 * Forgets the Sheets quota spent so far: the earlier tests of this file
 * spend the server's read budget (60 a minute) in well under a minute,
 * and a test that needs its caches to refresh starts afresh, as a
 * deployment after a quiet minute.
 */
static void
quota_log_forget(void)
{
	free(harness_redis_cli(srv.redis_port, "EVAL \"for _, k in ipairs("
	    "redis.call('KEYS', 'zeues:sheets_quota:*')) do "
	    "redis.call('DEL', k) end\" 0"));
}

static void
test_sheets_failing_under_finalizar(void **state)
{
	struct sheets_relay	*relay;
	struct test_server	 s2;
	struct snapshot		 before, after;
	struct unions		 u;
	char			 tag[1][80], base[64], list[256], url[160];
	const char		*s2base;
	yajl_val		 j;
	long			 st;

	(void)state;
	quota_log_forget();
	assert_non_null(relay = sheets_relay_start(emu.te.port));
	snprintf(base, sizeof(base), "http://127.0.0.1:%d",
	    sheets_relay_port(relay));
	second_start(&s2, base);
	s2base = s2.base;
	assert_int_equal(pick_v4(tag, 1, 2), 1);
	assert_int_equal(disponibles(tag[0], "ARM", &u), 200);
	list_of(&u, 0, u.n, list, sizeof(list));
	assert_int_equal(iniciar_at(s2base, tag[0], ayud[0], "ARM", NULL),
	    200);
	snap(tag[0], &before);

	/* Every Sheets call answered 503: the verification read fails. */
	assert_int_equal(emu_faults(&emu, "{\"error_rate\":1.0,"
	    "\"error_status\":503}"), 0);
	st = finalizar_at(s2base, tag[0], ayud[0], "ARM", list, &j);
	assert_int_equal(emu_faults(&emu, "{}"), 0);
	assert_int_equal(st, 503);
	assert_string_equal(jpath_str(j, "error", NULL), "SHEETS_UNAVAILABLE");
	yajl_tree_free(j);
	unchanged(tag[0], &before, &u, ayud[0]);

	/*
	 * Sheets hangs: the answer comes at the deadline, nothing lands.
	 * (Through the first instance: the relay serves one call at a time
	 * and would keep the hung ones in its way.)
	 */
	harness_sleep_ms(1100);		/* its cache reads the INICIAR */
	snprintf(url, sizeof(url), "/api/occupation/status/%s", tag[0]);
	assert_int_equal(test_server_status(&srv, url, 5000), 200);
	assert_int_equal(emu_faults(&emu, "{\"hang_rate\":1.0}"), 0);
	st = finalizar_at(srv.base, tag[0], ayud[0], "ARM", list, NULL);
	assert_int_equal(emu_faults(&emu, "{}"), 0);
	assert_int_equal(st, 503);
	unchanged(tag[0], &before, &u, ayud[0]);

	/* The write itself refused (reads fine). */
	sheets_relay_mode(relay, SHEETS_RELAY_FAIL);
	st = finalizar_at(s2base, tag[0], ayud[0], "ARM", list, NULL);
	sheets_relay_mode(relay, SHEETS_RELAY_PASS);
	assert_int_equal(st, 503);
	assert_true(sheets_relay_spoiled(relay) >= 1);
	unchanged(tag[0], &before, &u, ayud[0]);

	/*
	 * The write lands and its answer is lost: it is tried again (read
	 * again, or written again at the same reserved rows) and answered
	 * 200 - each audit row once, each union marked once.
	 */
	emu_reset_counters(&emu);
	sheets_relay_mode(relay, SHEETS_RELAY_LOSE);
	st = finalizar_at(s2base, tag[0], ayud[0], "ARM", list, &j);
	sheets_relay_mode(relay, SHEETS_RELAY_PASS);
	if (st != 200)
		print_message("lost answer: %ld\n", st);
	assert_int_equal(st, 200);
	assert_string_equal(jpath_str(j, "action_taken", NULL), "COMPLETAR");
	yajl_tree_free(j);
	print_message("lost answer: %lld batchUpdate calls; %d writes "
	    "spoiled in all\n",
	    emu_counter(&emu, "calls", "batchUpdate", NULL),
	    sheets_relay_spoiled(relay));
	/*
	 * The client may send a write whose answer was lost again (the same
	 * cells at the same reserved rows): it lands, and changes nothing.
	 */
	assert_true(emu_counter(&emu, "calls", "batchUpdate", NULL) >= 1);
	snap(tag[0], &after);
	assert_int_equal(after.audits, before.audits + 1 + u.n);
	check_unions(&u, 0, u.n, "ARM", nombre_of(ayud[0], base,
	    sizeof(base)));

	second_stop(&s2);
	sheets_relay_stop(relay);
}

/* --- quota --- */

/*
 * Fifty tablets, each on its own v4 spool, INICIAR then FINALIZAR one
 * union, twice, with the emulator at 60 writes and 60 reads a minute:
 * every call answers 200 and the emulator never answers 429.
 */
static void
test_fifty_tablets_under_quota(void **state)
{
	struct http_job	 jobs[50];
	char		 tags[50][80], bodies[50][400], url[2][160];
	struct unions	 u[50];
	yajl_val	 q;
	size_t		 i, cycle, phase;
	long long	 writes;

	(void)state;
	assert_int_equal(pick_v4(tags, 50, 2), 50);
	for (i = 0; i < 50; i++)
		assert_int_equal(disponibles(tags[i], "ARM", &u[i]), 200);
	q = emu_admin(&emu, "POST", "/admin/quota",
	    "{\"reads_per_minute\":60,\"writes_per_minute\":60}");
	assert_non_null(q);
	yajl_tree_free(q);
	emu_reset_counters(&emu);
	quota_log_forget();
	snprintf(url[0], sizeof(url[0]), "%s/api/v4/occupation/iniciar",
	    srv.base);
	snprintf(url[1], sizeof(url[1]), "%s/api/v4/occupation/finalizar",
	    srv.base);
	for (cycle = 0; cycle < 2; cycle++) {
		for (phase = 0; phase < 2; phase++) {
			memset(jobs, 0, sizeof(jobs));
			for (i = 0; i < 50; i++) {
				if (phase == 0)
					snprintf(bodies[i], sizeof(bodies[i]),
					    "{\"tag_spool\":\"%.79s\",\"worker_id\":"
					    "%lld,\"operacion\":\"ARM\"}",
					    tags[i], ayud[i % 3]);
				else
					snprintf(bodies[i], sizeof(bodies[i]),
					    "{\"tag_spool\":\"%.79s\",\"worker_id\":"
					    "%lld,\"operacion\":\"ARM\","
					    "\"selected_unions\":[%d]}", tags[i],
					    ayud[i % 3], u[i].n_union[cycle]);
				jobs[i].url = url[phase];
				jobs[i].body = bodies[i];
				jobs[i].bodylen = strlen(bodies[i]);
			}
			assert_int_equal(http_parallel(jobs, 50, 50, 60000),
			    0);
			for (i = 0; i < 50; i++) {
				if (jobs[i].reply.status != 200)
					print_message("%s: %ld %s\n", tags[i],
					    jobs[i].reply.status,
					    jobs[i].reply.body);
				assert_int_equal(jobs[i].reply.status, 200);
			}
			http_parallel_free(jobs, 50);
		}
	}
	writes = emu_counter(&emu, "writes", NULL);
	print_message("200 v4 changes: %lld Sheets write calls, %lld 429s\n",
	    writes, emu_counter(&emu, "outcomes", "429", NULL));
	assert_int_equal(emu_counter(&emu, "outcomes", "429", NULL), 0);
	q = emu_admin(&emu, "POST", "/admin/quota",
	    "{\"reads_per_minute\":0,\"writes_per_minute\":0}");
	yajl_tree_free(q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_v4_cycle),
		cmocka_unit_test(test_ten_concurrent_iniciar_one_winner),
		cmocka_unit_test(test_overlapping_unions_one_wins),
		cmocka_unit_test(test_versions_and_bad_selections),
		cmocka_unit_test(test_sheets_failing_under_finalizar),
		cmocka_unit_test(test_fifty_tablets_under_quota),
	};

	return (cmocka_run_group_tests_name("server_v4", tests, setup,
	    teardown));
}
