/*
 * The reparación cycle on the real server (two workers), a real Redis and
 * the Sheets emulator (issue 12's done means for reparación): the full
 * cycle RECHAZADO -> tomar -> pausar -> tomar -> completar ->
 * PENDIENTE_METROLOGIA -> the METROLOGIA list -> APROBADO, with the
 * tablet's bodies (tag_spool and worker_id only); cancelar; one winner
 * among ten tomar; only the holder pauses; three rejections end in
 * BLOQUEADO, refused with 403 SPOOL_BLOQUEADO, until a supervisor's hand
 * edit, recorded exactly once by two server instances; a Sheets failure
 * at each step leaves the row, its audit rows and the lock as they were;
 * a reparación lock Redis lost comes back through reconciliation; the
 * cycle's events are replayed by Last-Event-ID.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "floor_calls.h"
#include "harness.h"
#include "http_parallel.h"
#include "server.h"
#include "sse_clients.h"

static struct emu		emu;
static struct test_server	srv;
static long long		metro, rep_a, rep_b;
static char			*server_env[12];

static int
setup(void **state)
{
	size_t	 i;

	(void)state;
	if (emu_start(&emu, 400, 30, NULL) == -1)
		return (-1);
	for (i = 0; emu.te.env[i] != NULL; i++)
		server_env[i] = emu.te.env[i];
	server_env[i++] = "REQUEST_DEADLINE_MS=5000";
	server_env[i++] = "SHEETS_CACHE_TTL_MS=500";
	/*
	 * A reconciliation pass every 2 s reads Sheets each time: the
	 * emulator has no quota here, so neither may the server starve.
	 */
	server_env[i++] = "RECONCILE_INTERVAL_SECONDS=2";
	server_env[i++] = "SHEETS_READS_PER_MINUTE=600";
	server_env[i] = NULL;
	memset(&srv, 0, sizeof(srv));
	if (test_server_start(&srv, server_env) == -1)
		return (-1);
	metro = floor_worker(srv.base, "Metrologia", NULL, 0);
	/* Any active worker repairs: two without the Metrologia role. */
	rep_a = floor_worker(srv.base, "Soldador", "Metrologia", 0);
	rep_b = floor_worker(srv.base, "Soldador", "Metrologia", 1);
	print_message("workers: metrología %lld, repair %lld and %lld\n",
	    metro, rep_a, rep_b);
	return (metro && rep_a && rep_b && rep_a != rep_b ? 0 : -1);
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
pick_metrologia(char *tag, size_t len)
{
	static char	 handed[64][80];
	static size_t	 nhanded;
	yajl_val	 j, list;
	const char	*t;
	size_t		 i, k;

	j = floor_get(srv.base, "/api/spools/iniciar?operacion=METROLOGIA");
	assert_non_null(j);
	list = jpath(j, "spools", NULL);
	tag[0] = '\0';
	for (i = 0; list != NULL && i < list->u.array.len && !tag[0]; i++) {
		t = jpath_str(list->u.array.values[i], "tag_spool", NULL);
		for (k = 0; t != NULL && k < nhanded &&
		    strcmp(handed[k], t) != 0; k++)
			;
		if (t == NULL || k < nhanded || nhanded == 64)
			continue;
		snprintf(handed[nhanded++], 80, "%s", t);
		snprintf(tag, len, "%s", t);
	}
	yajl_tree_free(j);
	assert_true(tag[0] != '\0');
}

static long
metrologia(const char *tag, const char *resultado, char *detalle,
    size_t len)
{
	char		 body[256], code[48];
	yajl_val	 j;
	long		 status;

	snprintf(body, sizeof(body), "{\"tag_spool\":\"%s\",\"worker_id\":"
	    "%lld,\"resultado\":\"%s\"}", tag, metro, resultado);
	status = floor_post(srv.base, "/api/metrologia/completar", body, code,
	    sizeof(code), &j);
	if (detalle != NULL)
		snprintf(detalle, len, "%s", jpath_str(j, "estado_detalle",
		    NULL) != NULL ? jpath_str(j, "estado_detalle", NULL) : "");
	yajl_tree_free(j);
	return (status);
}

/* One reparación call with the tablet's body: tag_spool, worker_id. */
static long
repair(const char *base, const char *action, const char *tag,
    long long worker, char *code, size_t len, yajl_val *json)
{
	char	path[64], body[256];

	snprintf(path, sizeof(path), "/api/%s-reparacion", action);
	snprintf(body, sizeof(body), "{\"tag_spool\":\"%s\",\"worker_id\":"
	    "%lld}", tag, worker);
	return (floor_post(base, path, body, code, len, json));
}

static void
cell(const char *tag, const char *header, char *buf, size_t len)
{
	struct floor_wb	wb;

	assert_int_equal(floor_wb_load(&emu, &wb), 0);
	floor_cell(&wb, tag, header, buf, len);
	floor_wb_free(&wb);
}

static size_t
audits(const char *tag, const char *evento)
{
	struct floor_wb	wb;
	size_t		n;

	assert_int_equal(floor_wb_load(&emu, &wb), 0);
	n = floor_audits(&wb, tag, evento, NULL, 0, NULL, 0);
	floor_wb_free(&wb);
	return (n);
}

/* The worker holding the spool's lock, 0 when free. */
static long long
lock_holder(const char *tag)
{
	char		 args[128], *v;
	long long	 id;

	snprintf(args, sizeof(args), "GET spool_lock:%s", tag);
	v = floor_redis(srv.redis_port, args);
	id = atoll(v);
	free(v);
	return (id);
}

static void
assert_event(const char *tag, const char *event_type)
{
	char	*events, want[96];

	events = floor_redis(srv.redis_port,
	    "XREVRANGE spools:events + - COUNT 20");
	snprintf(want, sizeof(want), "\"event_type\":\"%s\"", event_type);
	assert_non_null(strstr(events, want));
	assert_non_null(strstr(events, tag));
	free(events);
}

/* 1 when /api/spools/reparacion lists tag; its cycle and lock then. */
static int
in_reparacion_list(const char *base, const char *tag, long long *cycle,
    int *bloqueado)
{
	yajl_val	j, item;
	int		found;

	assert_non_null(j = floor_get(base, "/api/spools/reparacion"));
	assert_non_null(jpath(j, "total", NULL));
	assert_non_null(jpath(j, "bloqueados", NULL));
	assert_non_null(jpath_str(j, "filtro_aplicado", NULL));
	if ((found = (item = floor_listed(j, tag)) != NULL)) {
		if (cycle != NULL)
			*cycle = jpath_int(item, -1, "cycle", NULL);
		if (bloqueado != NULL)
			*bloqueado = YAJL_IS_TRUE(jpath(item, "bloqueado",
			    NULL));
	}
	yajl_tree_free(j);
	return (found);
}

static int
in_metrologia_list(const char *tag)
{
	yajl_val	j;
	int		found;

	j = floor_get(srv.base, "/api/spools/iniciar?operacion=METROLOGIA");
	assert_non_null(j);
	found = floor_listed(j, tag) != NULL;
	yajl_tree_free(j);
	return (found);
}

/* The newest id of the event stream ("" when empty). */
static void
newest_event(char *id, size_t len)
{
	char	*v, *nl;

	v = floor_redis(srv.redis_port, "XREVRANGE spools:events + - COUNT 1");
	if ((nl = strchr(v, '\n')) != NULL)
		*nl = '\0';
	snprintf(id, len, "%s", v);
	free(v);
}

/*
 * Every event published after `after` is replayed to a client that
 * reconnects with it as Last-Event-ID, in order; at least `want` of them
 * name tag.
 */
static void
assert_replayed(const char *after, const char *tag, size_t want)
{
	struct sse_clients	 sc;
	char			 args[128], ids[64][SSE_ID_MAX], *v, *line;
	char			*next, *prev = NULL;
	size_t			 n = 0, of_tag = 0, i;

	snprintf(args, sizeof(args), "XRANGE spools:events '(%s' + COUNT 64",
	    after);
	v = floor_redis(srv.redis_port, args);
	/* Raw replies: the id, then the field "e", then the event. */
	for (line = v; line != NULL && n < 64; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (prev != NULL && strcmp(line, "e") == 0)
			snprintf(ids[n++], SSE_ID_MAX, "%s", prev);
		else if (prev != NULL && strstr(line, tag) != NULL)
			of_tag++;
		prev = line;
	}
	free(v);
	assert_true(n > 0);
	assert_true(of_tag >= want);
	assert_int_equal(sse_clients_open(&sc, 1, srv.port,
	    "/api/sse/stream", after, 1), 0);
	assert_int_equal(sse_clients_wait_id(&sc, ids[n - 1], 10000), 0);
	for (i = 0; i < n; i++)
		assert_true(sse_client_find(&sc.c[0], ids[i]) >= 0);
	sse_clients_close(&sc);
}

static void
test_full_cycle(void **state)
{
	yajl_val	 j;
	char		 tag[80], code[48], detalle[256], want[160];
	char		 since[SSE_ID_MAX];
	long long	 cycle;
	int		 bloqueado;

	(void)state;
	pick_metrologia(tag, sizeof(tag));
	assert_int_equal(metrologia(tag, "RECHAZADO", detalle,
	    sizeof(detalle)), 200);
	assert_true(in_reparacion_list(srv.base, tag, &cycle, &bloqueado));
	assert_int_equal(cycle, 1);
	assert_false(bloqueado);
	newest_event(since, sizeof(since));

	/* tomar */
	assert_int_equal(repair(srv.base, "tomar", tag, rep_a, code,
	    sizeof(code), &j), 200);
	assert_string_equal(jpath_str(j, "action_taken", NULL), "TOMAR");
	yajl_tree_free(j);
	cell(tag, "Estado_Detalle", detalle, sizeof(detalle));
	assert_non_null(strstr(detalle, "EN_REPARACION (Ciclo 1/3) - "
	    "Ocupado: "));
	cell(tag, "Ocupado_Por", want, sizeof(want));
	assert_true(want[0] != '\0');
	assert_int_equal(lock_holder(tag), rep_a);
	assert_false(in_reparacion_list(srv.base, tag, NULL, NULL));
	assert_event(tag, "TOMAR_REPARACION");

	/* Only the holder pauses. */
	assert_int_equal(repair(srv.base, "pausar", tag, rep_b, code,
	    sizeof(code), NULL), 403);
	assert_string_equal(code, "NO_AUTORIZADO");
	assert_int_equal(lock_holder(tag), rep_a);

	/* pausar */
	assert_int_equal(repair(srv.base, "pausar", tag, rep_a, code,
	    sizeof(code), NULL), 200);
	cell(tag, "Estado_Detalle", detalle, sizeof(detalle));
	assert_string_equal(detalle, "REPARACION_PAUSADA (Ciclo 1/3)");
	assert_int_equal(lock_holder(tag), 0);
	assert_true(in_reparacion_list(srv.base, tag, &cycle, &bloqueado));
	assert_int_equal(cycle, 1);
	assert_event(tag, "PAUSAR_REPARACION");

	/* tomar again, by someone else, and completar */
	assert_int_equal(repair(srv.base, "tomar", tag, rep_b, code,
	    sizeof(code), NULL), 200);
	assert_int_equal(lock_holder(tag), rep_b);
	assert_int_equal(repair(srv.base, "completar", tag, rep_b, code,
	    sizeof(code), NULL), 200);
	cell(tag, "Estado_Detalle", detalle, sizeof(detalle));
	assert_string_equal(detalle, "PENDIENTE_METROLOGIA (Ciclo 1/3)");
	cell(tag, "Ocupado_Por", want, sizeof(want));
	assert_string_equal(want, "");
	assert_int_equal(lock_holder(tag), 0);
	assert_event(tag, "COMPLETAR_REPARACION");
	assert_int_equal(audits(tag, "TOMAR_REPARACION"), 2);
	assert_int_equal(audits(tag, "PAUSAR_REPARACION"), 1);
	assert_int_equal(audits(tag, "COMPLETAR_REPARACION"), 1);

	/* Back in the METROLOGIA list, and inspected again. */
	assert_true(in_metrologia_list(tag));
	assert_false(in_reparacion_list(srv.base, tag, NULL, NULL));
	assert_int_equal(metrologia(tag, "APROBADO", detalle,
	    sizeof(detalle)), 200);
	assert_string_equal(detalle, "METROLOGIA_APROBADO ✓");
	assert_false(in_metrologia_list(tag));

	/* tomar, pausar, tomar, completar and the verdict: replayable. */
	assert_replayed(since, tag, 5);
}

static void
test_cancelar(void **state)
{
	char	tag[80], code[48], detalle[256];

	(void)state;
	pick_metrologia(tag, sizeof(tag));
	assert_int_equal(metrologia(tag, "RECHAZADO", NULL, 0), 200);
	assert_int_equal(repair(srv.base, "tomar", tag, rep_a, code,
	    sizeof(code), NULL), 200);
	assert_int_equal(repair(srv.base, "cancelar", tag, rep_b, code,
	    sizeof(code), NULL), 403);
	assert_int_equal(repair(srv.base, "cancelar", tag, rep_a, code,
	    sizeof(code), NULL), 200);
	cell(tag, "Estado_Detalle", detalle, sizeof(detalle));
	assert_string_equal(detalle,
	    "RECHAZADO (Ciclo 1/3) - Pendiente reparación");
	assert_int_equal(lock_holder(tag), 0);
	assert_int_equal(audits(tag, "CANCELAR_REPARACION"), 1);
	assert_event(tag, "CANCELAR_REPARACION");
	/* An explicit operacion other than REPARACION is not this route's. */
	assert_int_equal(floor_post(srv.base, "/api/tomar-reparacion",
	    "{\"tag_spool\":\"X\",\"worker_id\":1,\"operacion\":\"ARM\"}",
	    code, sizeof(code), NULL), 400);
}

/* Up to max distinct workers of /api/workers. */
static size_t
some_workers(long long *ids, size_t max)
{
	yajl_val	j, list;
	size_t		i, n = 0;

	assert_non_null(j = floor_get(srv.base, "/api/workers"));
	list = jpath(j, "workers", NULL);
	for (i = 0; list != NULL && i < list->u.array.len && n < max; i++)
		if ((ids[n] = jpath_int(list->u.array.values[i], 0, "id",
		    NULL)) > 0)
			n++;
	yajl_tree_free(j);
	return (n);
}

static void
test_ten_tomar_one_winner(void **state)
{
	struct http_job	 jobs[10];
	char		 tag[80], url[160], bodies[10][160];
	long long	 workers[10];
	size_t		 i, ok = 0, busy = 0;

	(void)state;
	pick_metrologia(tag, sizeof(tag));
	assert_int_equal(metrologia(tag, "RECHAZADO", NULL, 0), 200);
	snprintf(url, sizeof(url), "%s/api/tomar-reparacion", srv.base);
	memset(jobs, 0, sizeof(jobs));
	assert_int_equal(some_workers(workers, 10), 10);
	for (i = 0; i < 10; i++) {
		snprintf(bodies[i], sizeof(bodies[i]), "{\"tag_spool\":\"%s\","
		    "\"worker_id\":%lld}", tag, workers[i]);
		jobs[i].url = url;
		jobs[i].body = bodies[i];
		jobs[i].bodylen = strlen(bodies[i]);
	}
	assert_int_equal(http_parallel(jobs, 10, 10, 20000), 0);
	for (i = 0; i < 10; i++) {
		if (jobs[i].reply.status == 200)
			ok++;
		else if (jobs[i].reply.status == 409)
			busy++;
	}
	http_parallel_free(jobs, 10);
	assert_int_equal(ok, 1);
	assert_int_equal(busy, 9);
	assert_true(lock_holder(tag) > 0);
	assert_int_equal(audits(tag, "TOMAR_REPARACION"), 1);
}

/* One step under a Sheets outage: 503, and nothing moved. */
static void
failed_step(const char *action, const char *tag, long long worker,
    long long holder_after)
{
	char	before[128], after[128], detalle[256], detalle2[256];
	char	code[48];
	size_t	n;

	cell(tag, "version", before, sizeof(before));
	cell(tag, "Estado_Detalle", detalle, sizeof(detalle));
	n = audits(tag, NULL);
	assert_int_equal(emu_faults(&emu, "{\"error_rate\":1.0,"
	    "\"error_status\":503}"), 0);
	assert_int_equal(repair(srv.base, action, tag, worker, code,
	    sizeof(code), NULL), 503);
	assert_string_equal(code, "SHEETS_UNAVAILABLE");
	assert_int_equal(emu_faults(&emu, "{}"), 0);
	cell(tag, "version", after, sizeof(after));
	cell(tag, "Estado_Detalle", detalle2, sizeof(detalle2));
	assert_string_equal(after, before);
	assert_string_equal(detalle2, detalle);
	assert_int_equal(audits(tag, NULL), n);
	assert_int_equal(lock_holder(tag), holder_after);
}

/*
 * The step once Sheets is back.  The group commit may still be backing
 * off from the outage, which answers 503 again: the tablet's retry.
 */
static void
after_outage(const char *action, const char *tag, long long worker)
{
	uint64_t	t0 = harness_now_ms();
	char		code[48];
	long		status;

	while ((status = repair(srv.base, action, tag, worker, code,
	    sizeof(code), NULL)) == 503 && harness_now_ms() - t0 < 15000)
		harness_sleep_ms(500);
	assert_int_equal(status, 200);
}

static void
test_sheets_failure_each_step(void **state)
{
	char	tag[80];

	(void)state;
	pick_metrologia(tag, sizeof(tag));
	assert_int_equal(metrologia(tag, "RECHAZADO", NULL, 0), 200);
	failed_step("tomar", tag, rep_a, 0);	/* the lock is given back */
	after_outage("tomar", tag, rep_a);
	failed_step("pausar", tag, rep_a, rep_a);	/* still held */
	failed_step("completar", tag, rep_a, rep_a);
	failed_step("cancelar", tag, rep_a, rep_a);
	after_outage("completar", tag, rep_a);
	assert_int_equal(lock_holder(tag), 0);
}

/* Redis lost a reparación lock: reconciliation gives it back. */
static void
test_reconciler_restores_repair_lock(void **state)
{
	char		tag[80], code[48], args[128];
	uint64_t	t0;

	(void)state;
	pick_metrologia(tag, sizeof(tag));
	assert_int_equal(metrologia(tag, "RECHAZADO", NULL, 0), 200);
	assert_int_equal(repair(srv.base, "tomar", tag, rep_a, code,
	    sizeof(code), NULL), 200);
	snprintf(args, sizeof(args), "DEL spool_lock:%s", tag);
	free(floor_redis(srv.redis_port, args));
	t0 = harness_now_ms();
	while (lock_holder(tag) != rep_a) {
		assert_true(harness_now_ms() - t0 < 10000);
		harness_sleep_ms(200);
	}
	assert_int_equal(repair(srv.base, "pausar", tag, rep_a, code,
	    sizeof(code), NULL), 200);
	assert_int_equal(lock_holder(tag), 0);
}

/* Waits for the Metadata rows of evento for tag to reach n. */
static size_t
wait_audits(const char *tag, const char *evento, size_t n,
    const struct test_server *other, int ms)
{
	uint64_t	end = harness_now_ms() + (uint64_t)ms;
	size_t		got;
	yajl_val	j;

	for (;;) {
		got = audits(tag, evento);
		if (got >= n || harness_now_ms() > end)
			return (got);
		/* Reads refresh each worker's cache, which looks. */
		if ((j = floor_get(srv.base, "/api/spools/reparacion")) != NULL)
			yajl_tree_free(j);
		if (other != NULL && (j = floor_get(other->base,
		    "/api/spools/reparacion")) != NULL)
			yajl_tree_free(j);
		harness_sleep_ms(200);
	}
}

/* The supervisor's hand edit: BLOQUEADO back to RECHAZADO in the sheet. */
static void
supervisor_unblocks(const char *tag)
{
	struct http_reply	 r;
	char			 url[160], *line, *at, *text;
	const char		*from = "BLOQUEADO - Contactar supervisor";
	const char		*to = "RECHAZADO (Ciclo 2/3) - Pendiente "
				    "reparaci\\u00f3n";
	size_t			 head;

	snprintf(url, sizeof(url), "%s/admin/workbook", emu.base);
	assert_int_equal(http_get(url, 10000, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(line = strstr(r.body, tag));
	assert_non_null(at = strstr(line, from));
	assert_null(memchr(line, '\n', (size_t)(at - line)));	/* its row */
	head = (size_t)(at - r.body);
	assert_non_null(text = malloc(r.len + strlen(to) + 1));
	memcpy(text, r.body, head);
	memcpy(text + head, to, strlen(to));
	strcpy(text + head + strlen(to), at + strlen(from));
	http_reply_free(&r);
	assert_int_equal(emu_restart_with(&emu, text), 0);
	free(text);
}

static void
test_three_rejections_block_until_supervisor(void **state)
{
	struct test_server	 s2;
	yajl_val		 j;
	char			 tag[80], code[48], detalle[256], worker[32];
	char			 args[160], *v, *env[12];
	long long		 cycle;
	int			 bloqueado, round;
	uint64_t		 t0;
	size_t			 i;

	(void)state;
	pick_metrologia(tag, sizeof(tag));
	for (round = 1; round <= 3; round++) {
		assert_int_equal(metrologia(tag, "RECHAZADO", detalle,
		    sizeof(detalle)), 200);
		if (round < 3) {
			snprintf(args, sizeof(args), "RECHAZADO (Ciclo %d/3) "
			    "- Pendiente reparación", round);
			assert_string_equal(detalle, args);
			assert_int_equal(repair(srv.base, "tomar", tag, rep_a,
			    code, sizeof(code), NULL), 200);
			assert_int_equal(repair(srv.base, "completar", tag,
			    rep_a, code, sizeof(code), NULL), 200);
		}
	}
	assert_string_equal(detalle, "BLOQUEADO - Contactar supervisor");

	/* A fourth repair is refused, in the floor's words. */
	assert_int_equal(repair(srv.base, "tomar", tag, rep_b, code,
	    sizeof(code), &j), 403);
	assert_string_equal(code, "SPOOL_BLOQUEADO");
	assert_string_equal(jpath_str(j, "detail", NULL),
	    "Spool bloqueado después de 3 rechazos. Contactar supervisor.");
	yajl_tree_free(j);
	assert_int_equal(lock_holder(tag), 0);
	assert_true(in_reparacion_list(srv.base, tag, &cycle, &bloqueado));
	assert_int_equal(cycle, 3);
	assert_true(bloqueado);

	/* The blocked spool is known to Redis after a refresh. */
	snprintf(args, sizeof(args), "HGET zeues:bloqueados %s", tag);
	t0 = harness_now_ms();
	for (;;) {
		v = floor_redis(srv.redis_port, args);
		if (v[0] != '\0') {
			free(v);
			break;
		}
		free(v);
		assert_true(harness_now_ms() - t0 < 10000);
		assert_true(in_reparacion_list(srv.base, tag, NULL, NULL));
		harness_sleep_ms(200);
	}

	/* A second instance watches as well. */
	memset(&s2, 0, sizeof(s2));
	s2.redis_port = srv.redis_port;
	s2.redis = srv.redis;
	for (i = 0; server_env[i] != NULL; i++)
		env[i] = server_env[i];
	env[i++] = "INSTANCE_NAME=second";
	env[i] = NULL;
	assert_int_equal(test_server_start(&s2, env), 0);

	supervisor_unblocks(tag);
	assert_int_equal(wait_audits(tag, "SUPERVISOR_OVERRIDE", 1, &s2,
	    15000), 1);
	/* Every worker of both instances has looked again: still one. */
	assert_int_equal(wait_audits(tag, "SUPERVISOR_OVERRIDE", 2, &s2,
	    4000), 1);
	{
		struct floor_wb	wb;
		char		json[512];

		assert_int_equal(floor_wb_load(&emu, &wb), 0);
		assert_int_equal(floor_audits(&wb, tag, "SUPERVISOR_OVERRIDE",
		    json, sizeof(json), worker, sizeof(worker)), 1);
		floor_wb_free(&wb);
		assert_string_equal(worker, "0");
		assert_non_null(strstr(json, "\"estado_anterior\":"
		    "\"BLOQUEADO - Contactar supervisor\""));
	}
	v = floor_redis(srv.redis_port, args);
	assert_string_equal(v, "");		/* forgotten once recorded */
	free(v);

	/* And the spool is repaired again. */
	assert_int_equal(repair(s2.base, "tomar", tag, rep_b, code,
	    sizeof(code), NULL), 200);
	cell(tag, "Estado_Detalle", detalle, sizeof(detalle));
	assert_non_null(strstr(detalle, "EN_REPARACION (Ciclo 2/3) - "
	    "Ocupado: "));
	s2.redis = 0;
	assert_int_equal(test_server_stop(&s2), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_cycle),
		cmocka_unit_test(test_cancelar),
		cmocka_unit_test(test_ten_tomar_one_winner),
		cmocka_unit_test(test_reconciler_restores_repair_lock),
		cmocka_unit_test(test_three_rejections_block_until_supervisor),
		/* Last: the group commit may still back off after it. */
		cmocka_unit_test(test_sheets_failure_each_step),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}
