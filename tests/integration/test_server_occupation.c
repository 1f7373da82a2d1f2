/*
 * The occupation routes on the real server (two workers), a real Redis
 * and the Sheets emulator with the demo workbook (issue 4's done-means
 * 1-5): the whole floor cycle with the workbook, the audit rows, the lock
 * and the status route agreeing after every step; races decided once,
 * also across two server instances; batches that cost few Sheets writes;
 * the history the cycle leaves, read without a Sheets read per request;
 * the rules' refusals; Sheets and Redis failures that change nothing and
 * leave no lock; and a flood of hostile requests.
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

static struct emu		emu;
static struct test_server	srv;

/* Workers picked from the demo roster at start. */
static long long	arm_a, arm_b, sold_c, no_arm_role, inactive;

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
	env[i++] = "REQUEST_DEADLINE_MS=5000";
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

/* --- the workbook, as the emulator holds it --- */

struct wb {
	yajl_val	root;
	yajl_val	ops;
	yajl_val	meta;
	yajl_val	trab;
};

static void
wb_load(struct wb *wb)
{
	wb->root = emu_workbook(&emu);
	assert_non_null(wb->root);
	wb->ops = emu_sheet(wb->root, "Operaciones");
	wb->meta = emu_sheet(wb->root, "Metadata");
	wb->trab = emu_sheet(wb->root, "Trabajadores");
	assert_non_null(wb->ops);
	assert_non_null(wb->meta);
}

static long
wb_find(yajl_val sheet, const char *header, const char *value)
{
	char	buf[64];
	long	col = emu_column(sheet, header);
	size_t	r;

	for (r = 1; col >= 0 && r < emu_nrows(sheet); r++) {
		if (strcmp(emu_cell(sheet, r, (size_t)col, buf, sizeof(buf)),
		    value) == 0)
			return ((long)r);
	}
	return (-1);
}

/* A cell of the spool's row, copied. */
static void
spool_cell(const struct wb *wb, const char *tag, const char *header,
    char *out, size_t len)
{
	char	buf[64];
	long	r = wb_find(wb->ops, "TAG_SPOOL", tag);

	assert_true(r > 0);
	snprintf(out, len, "%s", emu_cell(wb->ops, (size_t)r,
	    (size_t)emu_column(wb->ops, header), buf, sizeof(buf)));
}

/* The newest audit row's Metadata_JSON, as audit_rows() last saw it. */
static char	last_json[2048];

/* Metadata rows of tag; the last one's cells for the asked headers. */
static size_t
audit_rows(const struct wb *wb, const char *tag, char *evento, char *op,
    char *nombre, size_t len)
{
	char	buf[64];
	long	ctag = emu_column(wb->meta, "TAG_SPOOL");
	size_t	r, n = 0;

	for (r = 1; r < emu_nrows(wb->meta); r++) {
		if (strcmp(emu_cell(wb->meta, r, (size_t)ctag, buf,
		    sizeof(buf)), tag) != 0)
			continue;
		n++;
		snprintf(evento, len, "%s", emu_cell(wb->meta, r, (size_t)
		    emu_column(wb->meta, "Evento_Tipo"), buf, sizeof(buf)));
		snprintf(op, len, "%s", emu_cell(wb->meta, r, (size_t)
		    emu_column(wb->meta, "Operacion"), buf, sizeof(buf)));
		snprintf(nombre, len, "%s", emu_cell(wb->meta, r, (size_t)
		    emu_column(wb->meta, "Worker_Nombre"), buf, sizeof(buf)));
		snprintf(last_json, sizeof(last_json), "%s", emu_cell(wb->meta,
		    r, (size_t)emu_column(wb->meta, "Metadata_JSON"), buf,
		    sizeof(buf)));
	}
	return (n);
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
	struct wb		 wb;
	yajl_val		 j, list, w;
	char			 url[128], buf[32];
	long			 ca, ci;
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
			if (arm_a == 0)
				arm_a = id;
			else if (arm_b == 0)
				arm_b = id;
			else if (sold_c == 0)
				sold_c = id;
		} else if (no_arm_role == 0 && has_role(w, "Metrologia") &&
		    !has_role(w, "Armador")) {
			no_arm_role = id;
		}
	}
	yajl_tree_free(j);
	http_reply_free(&r);

	wb_load(&wb);
	ca = emu_column(wb.trab, "Activo");
	ci = emu_column(wb.trab, "Id");
	for (i = 1; i < emu_nrows(wb.trab) && inactive == 0; i++) {
		if (strcmp(emu_cell(wb.trab, i, (size_t)ca, buf, sizeof(buf)),
		    "FALSE") == 0)
			inactive = atoll(emu_cell(wb.trab, i, (size_t)ci, buf,
			    sizeof(buf)));
	}
	yajl_tree_free(wb.root);
	print_message("workers: A %lld B %lld C %lld, no ARM role %lld, "
	    "inactive %lld\n", arm_a, arm_b, sold_c, no_arm_role, inactive);
	return (arm_a && arm_b && sold_c && no_arm_role && inactive ? 0 : -1);
}

/* Fresh v3 spools for ARM: materials in, ARM not started, free. */
static size_t
pick_arm_spools(char tags[][80], size_t want)
{
	static char		 handed[200][80];	/* never twice */
	static size_t		 nhanded;
	struct http_reply	 r;
	yajl_val		 j, list, s;
	const char		*t;
	char			 url[160];
	size_t			 i, k, n = 0;

	snprintf(url, sizeof(url), "%s/api/spools/iniciar?operacion=ARM",
	    srv.base);
	assert_int_equal(http_get(url, 10000, &r), 0);
	j = http_reply_json(&r);
	list = jpath(j, "spools", NULL);
	for (i = 0; list != NULL && i < list->u.array.len && n < want &&
	    nhanded < 200; i++) {
		s = list->u.array.values[i];
		t = jpath_str(s, "tag_spool", NULL);
		/* v3 spools only: a v4 one is worked with INICIAR. */
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

/* --- requests --- */

static long
act(const char *action, const char *tag, long long worker, const char *op,
    struct http_reply *r)
{
	char	url[160], body[256];

	snprintf(url, sizeof(url), "%s/api/occupation/%s", srv.base, action);
	if (strcmp(action, "completar") == 0)
		snprintf(body, sizeof(body), "{\"tag_spool\":\"%s\",\"worker_id\":"
		    "%lld,\"operacion\":\"%s\",\"fecha_operacion\":null}", tag,
		    worker, op);
	else
		snprintf(body, sizeof(body), "{\"tag_spool\":\"%s\",\"worker_id\":"
		    "%lld,\"operacion\":\"%s\"}", tag, worker, op);
	const char *h[] = { "Content-Type: application/json", NULL };
	assert_int_equal(http_request("POST", url, h, body, strlen(body),
	    15000, r), 0);
	return (r->status);
}

static long
act_code(const char *action, const char *tag, long long worker,
    const char *op, char *code, size_t len)
{
	struct http_reply	r;
	yajl_val		j;
	long			status;

	status = act(action, tag, worker, op, &r);
	j = http_reply_json(&r);
	snprintf(code, len, "%s", jpath_str(j, "error", NULL) != NULL ?
	    jpath_str(j, "error", NULL) : "");
	yajl_tree_free(j);
	http_reply_free(&r);
	return (status);
}

static char *
lock_of(const char *tag)
{
	char	args[128], *v;
	size_t	n;

	snprintf(args, sizeof(args), "GET spool_lock:%s", tag);
	v = harness_redis_cli(srv.redis_port, args);
	n = strlen(v);
	while (n > 0 && (v[n - 1] == '\n' || v[n - 1] == '\r'))
		v[--n] = '\0';
	return (v);
}

static yajl_val
status_of(const char *tag)
{
	struct http_reply	r;
	yajl_val		j;
	char			url[160];

	snprintf(url, sizeof(url), "%s/api/occupation/status/%s", srv.base,
	    tag);
	assert_int_equal(http_get(url, 10000, &r), 0);
	assert_int_equal(r.status, 200);
	j = http_reply_json(&r);
	http_reply_free(&r);
	return (j);
}

/*
 * After a step: the row, the newest audit row, the lock and the status
 * route all tell the same story, and the version moved.
 */
static void
check_step(const char *tag, const char *occupant, long long holder,
    const char *evento, const char *op, const char *nombre,
    size_t audits, char *version)
{
	struct wb	 wb;
	char		 cell[128], e[64], o[64], n[64], *lock;
	yajl_val	 st;

	wb_load(&wb);
	spool_cell(&wb, tag, "Ocupado_Por", cell, sizeof(cell));
	assert_string_equal(cell, occupant);
	spool_cell(&wb, tag, "version", cell, sizeof(cell));
	assert_string_not_equal(cell, version);
	snprintf(version, 128, "%s", cell);
	assert_int_equal(audit_rows(&wb, tag, e, o, n, sizeof(e)), audits);
	/* The audit row names the version the row really got. */
	assert_non_null(strstr(last_json, version));
	assert_string_equal(e, evento);
	assert_string_equal(o, op);
	assert_string_equal(n, nombre);
	yajl_tree_free(wb.root);

	lock = lock_of(tag);
	if (holder > 0)
		assert_int_equal(atoll(lock), holder);
	else
		assert_string_equal(lock, "");
	free(lock);

	st = status_of(tag);
	assert_int_equal(YAJL_IS_TRUE(jpath(st, "occupied", NULL)),
	    occupant[0] != '\0');
	yajl_tree_free(st);
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
	assert_int_equal(r.status, 200);
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

/* GET /api/history/{tag}: its status and, for a 200, the JSON. */
static long
history_of(const char *tag, yajl_val *out)
{
	struct http_reply	r;
	char			url[160];
	long			status;

	snprintf(url, sizeof(url), "%s/api/history/%s", srv.base, tag);
	assert_int_equal(http_get(url, 10000, &r), 0);
	status = r.status;
	*out = http_reply_json(&r);
	http_reply_free(&r);
	return (status);
}

/* The last session of a history (or NULL), and how many it has. */
static yajl_val
last_session(yajl_val h, size_t back, size_t *n)
{
	yajl_val	list = jpath(h, "sessions", NULL);

	*n = list != NULL && YAJL_IS_ARRAY(list) ? list->u.array.len : 0;
	return (*n > back ? list->u.array.values[*n - 1 - back] : NULL);
}

static void
check_session(yajl_val s, const char *nombre, long long id, const char *op)
{
	assert_non_null(s);
	assert_string_equal(jpath_str(s, "worker_nombre", NULL), nombre);
	assert_int_equal(jpath_int(s, 0, "worker_id", NULL), id);
	assert_string_equal(jpath_str(s, "operacion", NULL), op);
	assert_non_null(jpath_str(s, "start_time", NULL));
	assert_non_null(jpath_str(s, "end_time", NULL));
	assert_non_null(jpath_str(s, "duration", NULL));
}

/*
 * The cycle's three sessions, newest last, once the Metadata log has read
 * them (it is as fresh as the read cache, SHEETS_CACHE_TTL_MS); then many
 * histories cost no Sheets read each, and an unknown spool is a 404.
 */
static void
check_history(const char *tag, const char *a, const char *b, const char *c)
{
	yajl_val	h = NULL, s;
	uint64_t	until = harness_now_ms() + 15000, t0, elapsed;
	long long	reads;
	size_t		n = 0;
	int		i;

	for (;;) {
		assert_int_equal(history_of(tag, &h), 200);
		s = last_session(h, 0, &n);
		if (n >= 3 && strcmp(jpath_str(s, "operacion", NULL),
		    "SOLD") == 0 && jpath_str(s, "end_time", NULL) != NULL)
			break;
		yajl_tree_free(h);
		assert_true(harness_now_ms() < until);
		harness_sleep_ms(200);
	}
	assert_string_equal(jpath_str(h, "tag_spool", NULL), tag);
	check_session(last_session(h, 2, &n), a, arm_a, "ARM");
	check_session(last_session(h, 1, &n), b, arm_b, "ARM");
	check_session(last_session(h, 0, &n), c, sold_c, "SOLD");
	yajl_tree_free(h);

	/* Each worker reads at most once per TTL, whatever the requests. */
	reads = emu_counter(&emu, "reads", NULL);
	t0 = harness_now_ms();
	for (i = 0; i < 50; i++) {
		assert_int_equal(history_of(tag, &h), 200);
		yajl_tree_free(h);
	}
	elapsed = harness_now_ms() - t0;
	assert_true(emu_counter(&emu, "reads", NULL) - reads <=
	    (long long)(2 * (1 + elapsed / 1000)));

	assert_int_equal(history_of("NO-SUCH-SPOOL-9", &h), 404);
	assert_string_equal(jpath_str(h, "error", NULL), "SPOOL_NO_ENCONTRADO");
	yajl_tree_free(h);
}

static void
test_full_floor_cycle(void **state)
{
	char		 tag[1][80], version[128] = "", code[48];
	char		 a[48], b[48], c[48], cell[64];
	struct wb	 wb;
	yajl_val	 st;

	(void)state;
	assert_int_equal(pick_arm_spools(tag, 1), 1);
	nombre_of(arm_a, a, sizeof(a));
	nombre_of(arm_b, b, sizeof(b));
	nombre_of(sold_c, c, sizeof(c));

	assert_int_equal(act_code("tomar", tag[0], arm_a, "ARM", code,
	    sizeof(code)), 200);
	check_step(tag[0], a, arm_a, "TOMAR_SPOOL", "ARM", a, 1, version);

	assert_int_equal(act_code("tomar", tag[0], arm_b, "ARM", code,
	    sizeof(code)), 409);
	assert_string_equal(code, "SPOOL_OCCUPIED");
	assert_int_equal(act_code("pausar", tag[0], arm_b, "ARM", code,
	    sizeof(code)), 403);
	assert_string_equal(code, "NO_AUTORIZADO");

	assert_int_equal(act_code("pausar", tag[0], arm_a, "ARM", code,
	    sizeof(code)), 200);
	check_step(tag[0], "", 0, "PAUSAR_SPOOL", "ARM", a, 2, version);

	assert_int_equal(act_code("tomar", tag[0], arm_b, "ARM", code,
	    sizeof(code)), 200);
	check_step(tag[0], b, arm_b, "TOMAR_SPOOL", "ARM", b, 3, version);
	wb_load(&wb);
	spool_cell(&wb, tag[0], "Armador", cell, sizeof(cell));
	assert_string_equal(cell, a);		/* the hand-off keeps A */
	yajl_tree_free(wb.root);

	assert_int_equal(act_code("completar", tag[0], arm_b, "ARM", code,
	    sizeof(code)), 200);
	check_step(tag[0], "", 0, "COMPLETAR_ARM", "ARM", b, 4, version);
	wb_load(&wb);
	spool_cell(&wb, tag[0], "Fecha_Armado", cell, sizeof(cell));
	assert_true(strlen(cell) > 0);
	spool_cell(&wb, tag[0], "Fecha_Soldadura", cell, sizeof(cell));
	assert_string_equal(cell, "");
	yajl_tree_free(wb.root);

	assert_int_equal(act_code("tomar", tag[0], sold_c, "SOLD", code,
	    sizeof(code)), 200);
	check_step(tag[0], c, sold_c, "TOMAR_SPOOL", "SOLD", c, 5, version);
	assert_int_equal(act_code("completar", tag[0], sold_c, "SOLD", code,
	    sizeof(code)), 200);
	check_step(tag[0], "", 0, "COMPLETAR_SOLD", "SOLD", c, 6, version);
	wb_load(&wb);
	spool_cell(&wb, tag[0], "Fecha_Soldadura", cell, sizeof(cell));
	assert_true(strlen(cell) > 0);
	spool_cell(&wb, tag[0], "Soldador", cell, sizeof(cell));
	assert_string_equal(cell, c);
	yajl_tree_free(wb.root);

	st = status_of(tag[0]);
	assert_string_equal(jpath_str(st, "arm", NULL), "completado");
	assert_string_equal(jpath_str(st, "sold", NULL), "completado");
	yajl_tree_free(st);

	check_history(tag[0], a, b, c);
}

/* N TOMARs of one spool by different workers: one 200, N-1 409. */
/* A second instance on the same Redis and emulator. */
static void
second_start(struct test_server *s2)
{
	char	*env[12];
	size_t	 i;

	memset(s2, 0, sizeof(*s2));
	s2->redis_port = srv.redis_port;
	s2->redis = srv.redis;
	for (i = 0; emu.te.env[i] != NULL; i++)
		env[i] = emu.te.env[i];
	env[i++] = "INSTANCE_NAME=second";
	/*
	 * Its own group commit: with the deployment's committer its caches
	 * would also note the first instance's writes as they land, and
	 * the stale rows these tests need would not last.
	 */
	env[i++] = "SHEETS_COMMIT_MODE=slices";
	env[i] = NULL;
	assert_int_equal(test_server_start(s2, env), 0);
}

/* Stops it, leaving the shared Redis running. */
static void
second_stop(struct test_server *s2)
{
	s2->redis = 0;
	assert_int_equal(test_server_stop(s2), 0);
}

static void
race(struct test_server *s2, const char *tag)
{
	struct http_job	jobs[10];
	char		bodies[10][200], urls[2][160];
	size_t		i;
	int		ok = 0, busy = 0;
	long long	ids[3] = { arm_a, arm_b, sold_c };

	snprintf(urls[0], sizeof(urls[0]), "%s/api/occupation/tomar",
	    srv.base);
	snprintf(urls[1], sizeof(urls[1]), "%s/api/occupation/tomar",
	    s2 != NULL ? s2->base : srv.base);
	memset(jobs, 0, sizeof(jobs));
	for (i = 0; i < 10; i++) {
		/* Three Ayudantes, each asking several times at once. */
		snprintf(bodies[i], sizeof(bodies[i]), "{\"tag_spool\":\"%s\","
		    "\"worker_id\":%lld,\"operacion\":\"ARM\"}", tag,
		    ids[i % 3]);
		jobs[i].url = urls[i % 2];
		jobs[i].body = bodies[i];
		jobs[i].bodylen = strlen(bodies[i]);
	}
	assert_int_equal(http_parallel(jobs, 10, 10, 15000), 0);
	for (i = 0; i < 10; i++) {
		if (jobs[i].reply.status == 200)
			ok++;
		else if (jobs[i].reply.status == 409 ||
		    jobs[i].reply.status == 400)
			busy++;
		else
			print_message("unexpected %ld: %s\n",
			    jobs[i].reply.status, jobs[i].reply.body);
	}
	http_parallel_free(jobs, 10);
	assert_int_equal(ok, 1);
	assert_int_equal(busy, 9);
}

static void
test_ten_concurrent_tomar_one_winner(void **state)
{
	char	tag[1][80];

	(void)state;
	assert_int_equal(pick_arm_spools(tag, 1), 1);
	race(NULL, tag[0]);
}

static void
test_race_across_two_instances(void **state)
{
	struct test_server	 s2;
	char			 tag[1][80];

	(void)state;
	second_start(&s2);
	assert_int_equal(pick_arm_spools(tag, 1), 1);
	race(&s2, tag[0]);
	second_stop(&s2);
}

/*
 * A PAUSAR reaching an instance whose read cache still has the row from
 * before the TOMAR (which went through the other instance) is the
 * holder's: it must be decided on a fresh read, not refused with 400
 * while Redis keeps the caller's lock.
 */
static void
test_release_through_instance_with_stale_row(void **state)
{
	struct test_server	 s2;
	struct http_reply	 r;
	char			 tag[1][80], url[200], body[256];
	const char		*h[] = { "Content-Type: application/json", NULL };
	char			*lock;

	(void)state;
	second_start(&s2);
	assert_int_equal(pick_arm_spools(tag, 1), 1);

	/* The second instance reads the free row into its cache... */
	snprintf(url, sizeof(url), "%s/api/occupation/status/%s", s2.base,
	    tag[0]);
	assert_int_equal(http_request("GET", url, NULL, NULL, 0, 15000, &r), 0);
	assert_int_equal(r.status, 200);
	http_reply_free(&r);
	/* ...the first takes the spool... */
	assert_int_equal(act("tomar", tag[0], arm_a, "ARM", &r), 200);
	http_reply_free(&r);
	/* ...and the holder pauses through the second. */
	snprintf(url, sizeof(url), "%s/api/occupation/pausar", s2.base);
	snprintf(body, sizeof(body), "{\"tag_spool\":\"%s\",\"worker_id\":"
	    "%lld,\"operacion\":\"ARM\"}", tag[0], arm_a);
	assert_int_equal(http_request("POST", url, h, body, strlen(body),
	    15000, &r), 0);
	if (r.status != 200)
		print_message("pausar: %ld %s\n", r.status, r.body);
	assert_int_equal(r.status, 200);
	http_reply_free(&r);
	lock = lock_of(tag[0]);
	assert_string_equal(lock, "");
	free(lock);

	second_stop(&s2);
}

/* Fills the last minute's log of Sheets reads: no read is left. */
static void
reads_spent(int spent)
{
	free(harness_redis_cli(srv.redis_port, spent ? "EVAL \"local t = "
	    "redis.call('TIME') local ms = t[1] * 1000 + math.floor(t[2] / "
	    "1000) for _, k in ipairs(redis.call('KEYS', "
	    "'zeues:sheets_quota:*:reads')) do for i = 1, 1000 do "
	    "redis.call('ZADD', k, ms, 'test' .. i) end end\" 0" :
	    "EVAL \"for _, k in ipairs(redis.call('KEYS', "
	    "'zeues:sheets_quota:*:reads')) do redis.call('DEL', k) end\" 0"));
}

/*
 * The same stale row when the fresh read cannot come (the read quota is
 * spent): 503, not a refusal the row would make up, and the lock stays
 * the holder's; once reads are back, the PAUSAR goes through.
 */
static void
test_release_with_stale_row_and_no_reads_left(void **state)
{
	struct test_server	 s2;
	struct http_reply	 r;
	yajl_val		 j;
	char			 tag[1][80], url[200], body[256];
	const char		*h[] = { "Content-Type: application/json", NULL };
	char			*lock;

	(void)state;
	second_start(&s2);
	assert_int_equal(pick_arm_spools(tag, 1), 1);
	snprintf(url, sizeof(url), "%s/api/occupation/status/%s", s2.base,
	    tag[0]);
	assert_int_equal(http_request("GET", url, NULL, NULL, 0, 15000, &r), 0);
	assert_int_equal(r.status, 200);
	http_reply_free(&r);
	assert_int_equal(act("tomar", tag[0], arm_a, "ARM", &r), 200);
	http_reply_free(&r);

	reads_spent(1);
	snprintf(url, sizeof(url), "%s/api/occupation/pausar", s2.base);
	snprintf(body, sizeof(body), "{\"tag_spool\":\"%s\",\"worker_id\":"
	    "%lld,\"operacion\":\"ARM\"}", tag[0], arm_a);
	assert_int_equal(http_request("POST", url, h, body, strlen(body),
	    15000, &r), 0);
	reads_spent(0);
	if (r.status != 503)
		print_message("pausar without reads: %ld %s\n", r.status,
		    r.body);
	assert_int_equal(r.status, 503);
	assert_non_null(j = http_reply_json(&r));
	assert_string_equal(jpath_str(j, "error", NULL), "SHEETS_UNAVAILABLE");
	yajl_tree_free(j);
	http_reply_free(&r);
	lock = lock_of(tag[0]);
	assert_int_equal(atoll(lock), arm_a);
	free(lock);

	/* After the cache's pause between failed refreshes (2 s). */
	harness_sleep_ms(2500);
	assert_int_equal(http_request("POST", url, h, body, strlen(body),
	    15000, &r), 0);
	if (r.status != 200)
		print_message("pausar: %ld %s\n", r.status, r.body);
	assert_int_equal(r.status, 200);
	http_reply_free(&r);
	lock = lock_of(tag[0]);
	assert_string_equal(lock, "");
	free(lock);

	second_stop(&s2);
}

/*
 * The reverse: a spool released through one instance and taken through
 * another whose cache still has it occupied is free (Redis has no lock),
 * not 409 on the stale row.
 */
static void
test_take_through_instance_with_stale_occupied_row(void **state)
{
	struct test_server	 s2;
	struct http_reply	 r;
	char			 tag[1][80], url[200], body[256];
	const char		*h[] = { "Content-Type: application/json", NULL };
	size_t			 i;

	(void)state;
	second_start(&s2);
	assert_int_equal(pick_arm_spools(tag, 1), 1);

	/* Taken through the first, read occupied by the second... */
	assert_int_equal(act("tomar", tag[0], arm_a, "ARM", &r), 200);
	http_reply_free(&r);
	snprintf(url, sizeof(url), "%s/api/occupation/status/%s", s2.base,
	    tag[0]);
	for (i = 0; i < 100; i++) {
		assert_int_equal(http_request("GET", url, NULL, NULL, 0, 15000,
		    &r), 0);
		if (strstr(r.body, "\"occupied\":true") != NULL)
			break;
		http_reply_free(&r);
		harness_sleep_ms(100);
	}
	assert_true(i < 100);
	http_reply_free(&r);
	/* ...paused through the first, taken by another through the second. */
	assert_int_equal(act("pausar", tag[0], arm_a, "ARM", &r), 200);
	http_reply_free(&r);
	snprintf(url, sizeof(url), "%s/api/occupation/tomar", s2.base);
	snprintf(body, sizeof(body), "{\"tag_spool\":\"%s\",\"worker_id\":"
	    "%lld,\"operacion\":\"ARM\"}", tag[0], arm_b);
	assert_int_equal(http_request("POST", url, h, body, strlen(body),
	    15000, &r), 0);
	if (r.status != 200)
		print_message("tomar: %ld %s\n", r.status, r.body);
	assert_int_equal(r.status, 200);
	http_reply_free(&r);
	assert_int_equal(act("pausar", tag[0], arm_b, "ARM", &r), 200);
	http_reply_free(&r);

	second_stop(&s2);
}

static void
test_fifty_spools_few_sheets_writes(void **state)
{
	struct http_job	 jobs[50];
	char		 tags[50][80], bodies[50][320], url[160];
	long long	 before, after;
	size_t		 i;

	(void)state;
	assert_int_equal(pick_arm_spools(tags, 50), 50);
	snprintf(url, sizeof(url), "%s/api/occupation/tomar", srv.base);
	memset(jobs, 0, sizeof(jobs));
	for (i = 0; i < 50; i++) {
		snprintf(bodies[i], sizeof(bodies[i]), "{\"tag_spool\":"
		    "\"%.79s\",\"worker_id\":%lld,\"operacion\":\"ARM\"}",
		    tags[i], arm_a);
		jobs[i].url = url;
		jobs[i].body = bodies[i];
		jobs[i].bodylen = strlen(bodies[i]);
	}
	before = emu_counter(&emu, "writes", NULL);
	assert_int_equal(http_parallel(jobs, 50, 50, 20000), 0);
	after = emu_counter(&emu, "writes", NULL);
	for (i = 0; i < 50; i++) {
		if (jobs[i].reply.status != 200)
			print_message("%s: %ld %s\n", tags[i],
			    jobs[i].reply.status, jobs[i].reply.body);
		assert_int_equal(jobs[i].reply.status, 200);
	}
	http_parallel_free(jobs, 50);
	print_message("50 TOMARs cost %lld Sheets write calls\n",
	    after - before);
	assert_true(after - before <= 5);
}

static void
test_rules_refusals(void **state)
{
	char	tag[2][80], code[48], body[256], url[160];
	struct http_reply r;
	const char *h[] = { "Content-Type: application/json", NULL };
	yajl_val j;

	(void)state;
	assert_int_equal(pick_arm_spools(tag, 2), 2);
	/* SOLD before ARM initiated. */
	assert_int_equal(act_code("tomar", tag[0], sold_c, "SOLD", code,
	    sizeof(code)), 400);
	assert_string_equal(code, "DEPENDENCIAS_NO_SATISFECHAS");
	/* PAUSAR with no lock. */
	assert_int_equal(act_code("pausar", tag[0], arm_a, "ARM", code,
	    sizeof(code)), 410);
	assert_string_equal(code, "LOCK_EXPIRED");
	assert_int_equal(act_code("tomar", "NO-SUCH-SPOOL-1", arm_a, "ARM",
	    code, sizeof(code)), 404);
	assert_string_equal(code, "SPOOL_NO_ENCONTRADO");
	assert_int_equal(act_code("tomar", tag[0], 999999, "ARM", code,
	    sizeof(code)), 404);
	assert_string_equal(code, "WORKER_NO_ENCONTRADO");
	assert_int_equal(act_code("tomar", tag[0], inactive, "ARM", code,
	    sizeof(code)), 403);
	assert_string_equal(code, "WORKER_INACTIVO");
	assert_int_equal(act_code("tomar", tag[0], no_arm_role, "ARM", code,
	    sizeof(code)), 403);
	assert_string_equal(code, "ROL_NO_AUTORIZADO");
	assert_int_equal(act_code("tomar", tag[0], arm_a, "METROLOGIA", code,
	    sizeof(code)), 400);

	/* batch-tomar: duplicates are a 422; 3 of 10 taken already. */
	snprintf(url, sizeof(url), "%s/api/occupation/batch-tomar", srv.base);
	snprintf(body, sizeof(body), "{\"tag_spools\":[\"%s\",\"%s\"],"
	    "\"worker_id\":%lld,\"operacion\":\"ARM\"}", tag[1], tag[1], arm_a);
	assert_int_equal(http_request("POST", url, h, body, strlen(body),
	    10000, &r), 0);
	assert_int_equal(r.status, 422);
	http_reply_free(&r);

	{
		char	tags[10][80], big[2048];
		size_t	i, off;

		assert_int_equal(pick_arm_spools(tags, 10), 10);
		for (i = 0; i < 3; i++)
			assert_int_equal(act_code("tomar", tags[i], arm_b,
			    "ARM", code, sizeof(code)), 200);
		off = (size_t)snprintf(big, sizeof(big), "{\"tag_spools\":[");
		for (i = 0; i < 10; i++)
			off += (size_t)snprintf(big + off, sizeof(big) - off,
			    "%s\"%s\"", i ? "," : "", tags[i]);
		snprintf(big + off, sizeof(big) - off, "],\"worker_id\":%lld,"
		    "\"operacion\":\"ARM\"}", arm_a);
		assert_int_equal(http_request("POST", url, h, big, strlen(big),
		    15000, &r), 0);
		assert_int_equal(r.status, 200);
		j = http_reply_json(&r);
		assert_int_equal(jpath_int(j, -1, "total", NULL), 10);
		assert_int_equal(jpath_int(j, -1, "succeeded", NULL), 7);
		assert_int_equal(jpath_int(j, -1, "failed", NULL), 3);
		yajl_tree_free(j);
		http_reply_free(&r);
	}
}

static void
test_sheets_down_changes_nothing(void **state)
{
	char		 tag[1][80], code[48], before[128], after[128], *lock;
	char		 e[64], o[64], n[64];
	struct wb	 wb;
	size_t		 audits;

	(void)state;
	assert_int_equal(pick_arm_spools(tag, 1), 1);
	wb_load(&wb);
	spool_cell(&wb, tag[0], "version", before, sizeof(before));
	audits = audit_rows(&wb, tag[0], e, o, n, sizeof(e));
	yajl_tree_free(wb.root);

	assert_int_equal(emu_faults(&emu, "{\"error_rate\":1.0,"
	    "\"error_status\":503}"), 0);
	assert_int_equal(act_code("tomar", tag[0], arm_a, "ARM", code,
	    sizeof(code)), 503);
	assert_string_equal(code, "SHEETS_UNAVAILABLE");
	lock = lock_of(tag[0]);
	assert_string_equal(lock, "");		/* given back */
	free(lock);
	assert_int_equal(emu_faults(&emu, "{}"), 0);

	wb_load(&wb);
	spool_cell(&wb, tag[0], "version", after, sizeof(after));
	assert_string_equal(after, before);	/* no half-written row */
	assert_int_equal(audit_rows(&wb, tag[0], e, o, n, sizeof(e)), audits);
	yajl_tree_free(wb.root);
}

static void
test_redis_down_occupation_503_reads_answer(void **state)
{
	char		 tag[1][80], code[48], url[160];
	uint64_t	 t0;

	(void)state;
	assert_int_equal(pick_arm_spools(tag, 1), 1);
	harness_stop(srv.redis, 5000);
	srv.redis = 0;
	harness_sleep_ms(300);
	t0 = harness_now_ms();
	assert_int_equal(act_code("tomar", tag[0], arm_a, "ARM", code,
	    sizeof(code)), 503);
	assert_string_equal(code, "REDIS_UNAVAILABLE");
	assert_true(harness_now_ms() - t0 < 3000);
	/* The floor still reads, from Sheets. */
	snprintf(url, sizeof(url), "/api/occupation/status/%s", tag[0]);
	assert_int_equal(test_server_status(&srv, url, 5000), 200);
	assert_int_equal(test_server_status(&srv,
	    "/api/spools/iniciar?operacion=ARM", 5000), 200);
	srv.redis = harness_start_redis(srv.redis_port, harness_tmpdir());
	assert_true(srv.redis > 0);
	t0 = harness_now_ms();
	while (test_server_status(&srv, "/readyz", 2000) != 200 &&
	    harness_now_ms() - t0 < 15000)
		harness_sleep_ms(100);
}

/* Deterministic junk: a xorshift generator so failures reproduce. */
static unsigned long long	rng_state = 88172645463325252ULL;

static unsigned int
rnd(unsigned int n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return ((unsigned int)(rng_state % n));
}

static size_t
hostile_body(char *buf, size_t cap)
{
	static const char	*values[] = {
		"NO-SUCH-TAG", "", "\xff\xfe", "\xc0\xaf", "\xed\xa0\x80",
		"1e309", "-1", "0", "null", "true", "{}", "[]", "\"x\"",
		"1.5", "9999999999999999999999", "ARM\\u0000", "\\ud800",
	};
	const char	*a = values[rnd(17)], *b = values[rnd(17)];
	const char	*c = values[rnd(17)];
	size_t		 n, i, depth;
	int		 w;

	switch (rnd(7)) {
	case 0:		/* deep nesting */
		depth = 1 + rnd(5000);
		n = depth < cap / 2 ? depth : cap / 2;
		for (i = 0; i < n; i++)
			buf[i] = rnd(2) ? '[' : '{';
		return (n);
	case 1:		/* raw bytes */
		n = 1 + rnd((unsigned int)(cap - 1));
		for (i = 0; i < n; i++)
			buf[i] = (char)rnd(256);
		return (n);
	case 2:
		w = snprintf(buf, cap, "{\"tag_spool\":\"%s\",\"worker_id\":%s,"
		    "\"operacion\":\"%s\"}", a, b, c);
		break;
	case 3:
		w = snprintf(buf, cap, "{\"tag_spool\":%s,\"worker_id\":\"%s\","
		    "\"operacion\":%s}", a, b, c);
		break;
	case 4:
		w = snprintf(buf, cap, "[\"%s\",%s,\"%s\"]", a, b, c);
		break;
	case 5:
		w = snprintf(buf, cap, "{\"tag_spool\":\"%s\"", a);
		break;
	default:
		w = snprintf(buf, cap, "%s%s%s", a, b, c);
		break;
	}
	return (w < 0 ? 0 : ((size_t)w < cap ? (size_t)w : cap - 1));
}

static void
test_hostile_input_flood(void **state)
{
	struct http_job	*jobs;
	char		*bodies, url[3][160], *keys_before, *keys_after;
	const char	*routes[3] = { "tomar", "pausar", "completar" };
	size_t		 i, n = 10000, cap = 8192;
	int		 bad = 0;
	yajl_val	 j;

	(void)state;
	jobs = calloc(n, sizeof(*jobs));
	bodies = malloc(n * cap);
	for (i = 0; i < 3; i++)
		snprintf(url[i], sizeof(url[i]), "%s/api/occupation/%s",
		    srv.base, routes[i]);
	keys_before = harness_redis_cli(srv.redis_port, "DBSIZE");
	for (i = 0; i < n; i++) {
		jobs[i].url = url[i % 3];
		jobs[i].body = bodies + i * cap;
		jobs[i].bodylen = hostile_body(bodies + i * cap, cap);
		if (i % 17 == 0)
			jobs[i].content_type = "text/plain";
		if (i % 101 == 0) {
			/* Over MAX_BODY_BYTES. */
			jobs[i].bodylen = cap;
			memset(bodies + i * cap, 'a', cap);
		}
	}
	assert_int_equal(http_parallel(jobs, n, 32, 20000), 0);
	for (i = 0; i < n; i++) {
		j = http_reply_json(&jobs[i].reply);
		if (jobs[i].reply.status < 400 || jobs[i].reply.status >= 500 ||
		    j == NULL || jpath_str(j, "error", NULL) == NULL) {
			if (bad++ < 5)
				print_message("%ld for a hostile body: %s\n",
				    jobs[i].reply.status, jobs[i].reply.body);
		}
		yajl_tree_free(j);
	}
	http_parallel_free(jobs, n);
	free(jobs);
	free(bodies);
	assert_int_equal(bad, 0);
	assert_int_equal(test_server_status(&srv, "/livez", 2000), 200);
	keys_after = harness_redis_cli(srv.redis_port, "DBSIZE");
	assert_string_equal(keys_before, keys_after);	/* no lock left */
	free(keys_before);
	free(keys_after);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_floor_cycle),
		cmocka_unit_test(test_ten_concurrent_tomar_one_winner),
		cmocka_unit_test(test_race_across_two_instances),
		cmocka_unit_test(test_release_through_instance_with_stale_row),
		cmocka_unit_test(test_release_with_stale_row_and_no_reads_left),
		cmocka_unit_test(test_take_through_instance_with_stale_occupied_row),
		cmocka_unit_test(test_fifty_spools_few_sheets_writes),
		cmocka_unit_test(test_rules_refusals),
		cmocka_unit_test(test_sheets_down_changes_nothing),
		cmocka_unit_test(test_hostile_input_flood),
		cmocka_unit_test(test_redis_down_occupation_503_reads_answer),
	};

	return (cmocka_run_group_tests_name("server_occupation", tests, setup,
	    teardown));
}
