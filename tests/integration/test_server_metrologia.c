/*
 * POST /api/metrologia/completar on the real server (two workers), a real
 * Redis and the Sheets emulator with the demo workbook (issue 12's done
 * means for metrología): APROBADO and RECHAZADO on spools with ARM and
 * SOLD done, with the workbook, the audit row, the lock and the event
 * checked; every refusal with its code and nothing written; a Sheets
 * failure that changes nothing and leaves no lock.
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
#include "server.h"

static struct emu		emu;
static struct test_server	srv;
static long long		metro, no_metro, ayudante, inactive;

static int
setup(void **state)
{
	char	*env[8];
	size_t	 i;

	(void)state;
	if (emu_start(&emu, 400, 30, NULL) == -1)
		return (-1);
	for (i = 0; emu.te.env[i] != NULL; i++)
		env[i] = emu.te.env[i];
	env[i++] = "REQUEST_DEADLINE_MS=5000";
	env[i++] = "SHEETS_CACHE_TTL_MS=500";
	env[i] = NULL;
	memset(&srv, 0, sizeof(srv));
	if (test_server_start(&srv, env) == -1)
		return (-1);
	metro = floor_worker(srv.base, "Metrologia", NULL, 0);
	no_metro = floor_worker(srv.base, "Soldador", "Metrologia", 0);
	ayudante = floor_worker(srv.base, "Ayudante", NULL, 0);
	inactive = floor_inactive_worker(&emu);
	print_message("workers: metrología %lld, without the role %lld, "
	    "ayudante %lld, inactive %lld\n", metro, no_metro, ayudante,
	    inactive);
	return (metro && no_metro && ayudante && inactive ? 0 : -1);
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

/* A spool waiting for inspection, never handed out before. */
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
metrologia(const char *tag, long long worker, const char *resultado,
    char *code, size_t len, yajl_val *json)
{
	char	body[256];

	snprintf(body, sizeof(body), "{\"tag_spool\":\"%s\",\"worker_id\":"
	    "%lld,\"resultado\":\"%s\"}", tag, worker, resultado);
	return (floor_post(srv.base, "/api/metrologia/completar", body, code,
	    len, json));
}

/* What a refusal must leave as it was: the row and its audit rows. */
struct snapshot {
	char	version[128];
	char	detalle[256];
	char	fecha_qc[64];
	size_t	audits;
};

static void
snap(const char *tag, struct snapshot *s)
{
	struct floor_wb	wb;

	assert_int_equal(floor_wb_load(&emu, &wb), 0);
	floor_cell(&wb, tag, "version", s->version, sizeof(s->version));
	floor_cell(&wb, tag, "Estado_Detalle", s->detalle,
	    sizeof(s->detalle));
	floor_cell(&wb, tag, "Fecha_QC_Metrología", s->fecha_qc,
	    sizeof(s->fecha_qc));
	s->audits = floor_audits(&wb, tag, NULL, NULL, 0, NULL, 0);
	floor_wb_free(&wb);
}

static void
assert_unchanged(const char *tag, const struct snapshot *before)
{
	struct snapshot	after;
	char		*lock, args[128];

	snap(tag, &after);
	assert_string_equal(after.version, before->version);
	assert_string_equal(after.detalle, before->detalle);
	assert_string_equal(after.fecha_qc, before->fecha_qc);
	assert_int_equal(after.audits, before->audits);
	snprintf(args, sizeof(args), "GET spool_lock:%s", tag);
	lock = floor_redis(srv.redis_port, args);
	assert_string_equal(lock, "");		/* none left behind */
	free(lock);
}

/* The newest events carry this one, for this spool. */
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

static void
test_aprobado(void **state)
{
	struct snapshot	 before, after;
	struct floor_wb	 wb;
	yajl_val	 j;
	char		 tag[80], code[48], json[256], worker[32], *lock;
	char		 args[128];

	(void)state;
	pick_metrologia(tag, sizeof(tag));
	snap(tag, &before);
	assert_int_equal(metrologia(tag, metro, "APROBADO", code, sizeof(code),
	    &j), 200);
	assert_true(YAJL_IS_TRUE(jpath(j, "success", NULL)));
	assert_string_equal(jpath_str(j, "tag_spool", NULL), tag);
	assert_string_equal(jpath_str(j, "resultado", NULL), "APROBADO");
	assert_string_equal(jpath_str(j, "estado_detalle", NULL),
	    "METROLOGIA_APROBADO ✓");
	assert_non_null(jpath_str(j, "message", NULL));
	yajl_tree_free(j);

	snap(tag, &after);
	assert_string_not_equal(after.version, before.version);
	assert_string_equal(after.detalle, "METROLOGIA_APROBADO ✓");
	assert_true(after.fecha_qc[0] != '\0');
	assert_int_equal(after.audits, before.audits + 1);
	assert_int_equal(floor_wb_load(&emu, &wb), 0);
	assert_int_equal(floor_audits(&wb, tag, "COMPLETAR_METROLOGIA", json,
	    sizeof(json), worker, sizeof(worker)), 1);
	assert_string_equal(json, "{\"resultado\":\"APROBADO\"}");
	assert_int_equal(atoll(worker), metro);
	floor_wb_free(&wb);
	snprintf(args, sizeof(args), "GET spool_lock:%s", tag);
	lock = floor_redis(srv.redis_port, args);
	assert_string_equal(lock, "");		/* the brief lock went back */
	free(lock);
	assert_event(tag, "COMPLETAR_METROLOGIA");

	/* Inspected: a second verdict is refused, and nothing changes. */
	snap(tag, &before);
	assert_int_equal(metrologia(tag, metro, "RECHAZADO", code,
	    sizeof(code), NULL), 400);
	assert_string_equal(code, "OPERACION_YA_COMPLETADA");
	assert_unchanged(tag, &before);
	j = floor_get(srv.base, "/api/spools/iniciar?operacion=METROLOGIA");
	assert_null(floor_listed(j, tag));
	yajl_tree_free(j);
}

static void
test_rechazado(void **state)
{
	struct floor_wb	 wb;
	yajl_val	 j, item;
	char		 tag[80], code[48], json[256];

	(void)state;
	pick_metrologia(tag, sizeof(tag));
	assert_int_equal(metrologia(tag, metro, "RECHAZADO", code,
	    sizeof(code), &j), 200);
	assert_string_equal(jpath_str(j, "resultado", NULL), "RECHAZADO");
	assert_string_equal(jpath_str(j, "estado_detalle", NULL),
	    "RECHAZADO (Ciclo 1/3) - Pendiente reparación");
	yajl_tree_free(j);
	assert_int_equal(floor_wb_load(&emu, &wb), 0);
	assert_int_equal(floor_audits(&wb, tag, "COMPLETAR_METROLOGIA", json,
	    sizeof(json), NULL, 0), 1);
	assert_string_equal(json, "{\"resultado\":\"RECHAZADO\"}");
	floor_wb_free(&wb);
	assert_event(tag, "COMPLETAR_METROLOGIA");

	/* Waiting for repair: listed there, cycle 1, not blocked. */
	j = floor_get(srv.base, "/api/spools/reparacion");
	assert_non_null(item = floor_listed(j, tag));
	assert_int_equal(jpath_int(item, -1, "cycle", NULL), 1);
	assert_true(YAJL_IS_FALSE(jpath(item, "bloqueado", NULL)));
	assert_non_null(jpath_str(item, "fecha_rechazo", NULL));
	yajl_tree_free(j);

	/* Not inspected again before its repair. */
	assert_int_equal(metrologia(tag, metro, "APROBADO", code,
	    sizeof(code), NULL), 400);
	assert_string_equal(code, "OPERACION_YA_COMPLETADA");
}

/* One refusal: its status and code, and nothing written. */
static void
refused(const char *tag, long long worker, const char *resultado,
    long status, const char *want)
{
	struct snapshot	before;
	char		code[48];

	snap(tag, &before);
	assert_int_equal(metrologia(tag, worker, resultado, code,
	    sizeof(code), NULL), status);
	assert_string_equal(code, want);
	assert_unchanged(tag, &before);
}

static void
test_refusals(void **state)
{
	struct floor_wb	 wb;
	char		 tag[80], no_arm[1][80], no_sold[1][80], code[48];
	char		 body[256], args[160], *v;
	yajl_val	 j;

	(void)state;
	assert_int_equal(floor_wb_load(&emu, &wb), 0);
	assert_int_equal(floor_spools_where(&wb, "Fecha_Materiales", NULL,
	    "Fecha_Armado", "Armador", no_arm, 1), 1);
	assert_int_equal(floor_spools_where(&wb, "Fecha_Armado", NULL,
	    "Fecha_Soldadura", "Soldador", no_sold, 1), 1);
	floor_wb_free(&wb);

	refused(no_arm[0], metro, "APROBADO", 400,
	    "DEPENDENCIAS_NO_SATISFECHAS");
	refused(no_sold[0], metro, "RECHAZADO", 400,
	    "DEPENDENCIAS_NO_SATISFECHAS");

	pick_metrologia(tag, sizeof(tag));
	refused(tag, no_metro, "APROBADO", 403, "ROL_NO_AUTORIZADO");
	refused(tag, inactive, "APROBADO", 403, "WORKER_INACTIVO");
	refused("NO-SUCH-SPOOL-1", metro, "APROBADO", 404,
	    "SPOOL_NO_ENCONTRADO");

	/* A bad verdict, or none, is the body's fault: 422. */
	snprintf(body, sizeof(body), "{\"tag_spool\":\"%s\",\"worker_id\":"
	    "%lld,\"resultado\":\"QUIZAS\"}", tag, metro);
	assert_int_equal(floor_post(srv.base, "/api/metrologia/completar",
	    body, code, sizeof(code), &j), 422);
	assert_string_equal(code, "VALIDATION_ERROR");
	assert_non_null(jpath_str(j, "message", NULL));
	yajl_tree_free(j);
	snprintf(body, sizeof(body), "{\"tag_spool\":\"%s\",\"worker_id\":"
	    "%lld}", tag, metro);
	assert_int_equal(floor_post(srv.base, "/api/metrologia/completar",
	    body, code, sizeof(code), NULL), 422);

	/* Held in Redis by anyone (a TOMAR in flight): 409, "ocupado". */
	snprintf(args, sizeof(args), "SET spool_lock:%s 77:abc", tag);
	free(floor_redis(srv.redis_port, args));
	assert_int_equal(metrologia(tag, metro, "APROBADO", code,
	    sizeof(code), &j), 409);
	assert_string_equal(code, "SPOOL_OCCUPIED");
	assert_non_null(strstr(jpath_str(j, "detail", NULL), "ocupado"));
	yajl_tree_free(j);
	snprintf(args, sizeof(args), "GET spool_lock:%s", tag);
	v = floor_redis(srv.redis_port, args);
	assert_string_equal(v, "77:abc");	/* someone else's, kept */
	free(v);
	snprintf(args, sizeof(args), "DEL spool_lock:%s", tag);
	free(floor_redis(srv.redis_port, args));

	/* Occupied in the sheet (an ARM take): 409 before the rest. */
	snprintf(body, sizeof(body), "{\"tag_spool\":\"%s\",\"worker_id\":"
	    "%lld,\"operacion\":\"ARM\"}", no_arm[0], ayudante);
	assert_int_equal(floor_post(srv.base, "/api/occupation/tomar", body,
	    code, sizeof(code), NULL), 200);
	assert_int_equal(metrologia(no_arm[0], metro, "APROBADO", code,
	    sizeof(code), NULL), 409);
	assert_string_equal(code, "SPOOL_OCCUPIED");
	assert_int_equal(floor_post(srv.base, "/api/occupation/pausar", body,
	    code, sizeof(code), NULL), 200);

	/* After all that, the spool still takes its verdict. */
	assert_int_equal(metrologia(tag, metro, "APROBADO", code,
	    sizeof(code), NULL), 200);
}

static void
test_sheets_failure(void **state)
{
	struct snapshot	 before;
	char		 tag[80], code[48];
	uint64_t	 t0;
	long		 status;

	(void)state;
	pick_metrologia(tag, sizeof(tag));
	snap(tag, &before);
	assert_int_equal(emu_faults(&emu, "{\"error_rate\":1.0,"
	    "\"error_status\":503}"), 0);
	assert_int_equal(metrologia(tag, metro, "RECHAZADO", code,
	    sizeof(code), NULL), 503);
	assert_string_equal(code, "SHEETS_UNAVAILABLE");
	assert_int_equal(emu_faults(&emu, "{}"), 0);
	assert_unchanged(tag, &before);
	/* Once Sheets is back (the group commit may still back off). */
	t0 = harness_now_ms();
	while ((status = metrologia(tag, metro, "RECHAZADO", code,
	    sizeof(code), NULL)) == 503 && harness_now_ms() - t0 < 15000)
		harness_sleep_ms(500);
	assert_int_equal(status, 200);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aprobado),
		cmocka_unit_test(test_rechazado),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_sheets_failure),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}
