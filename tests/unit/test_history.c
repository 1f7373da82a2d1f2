/*
 * Unit tests for lib/floor/history.c: sessions opened by TOMAR and closed by
 * the same operation's PAUSAR/COMPLETAR/CANCELAR, rows out of order, a
 * worker taking a spool back, an unlogged end, rows that cannot be read,
 * durations with days and across a DST change, and the JSON of GET
 * /api/history/{tag} from the Metadata log.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <yajl/yajl_tree.h>

#include "history.h"
#include "json_out.h"
#include "metadata_log.h"
#include "nelem.h"
#include "sheets_codec.h"

static int
setup(void **state)
{
	char	err[128];

	(void)state;
	return (zone_init(NULL, err, sizeof(err)));
}

/* timestamp, evento_tipo, worker_id, worker_nombre, operacion, accion */
#define EV(ts, tipo, id, nombre, op, acc) \
	{ ts, tipo, id, nombre, op, acc, "", "" }
/* The same with Metadata_JSON and N_UNION (union work). */
#define EVJ(ts, tipo, id, nombre, op, acc, json, nunion) \
	{ ts, tipo, id, nombre, op, acc, json, nunion }

static void
assert_session(const struct history_session *s, const char *nombre,
    long long id, enum operacion op, const char *start, const char *end)
{
	struct civil_time	t;

	assert_string_equal(s->worker_nombre, nombre);
	assert_int_equal(s->worker_id, id);
	assert_int_equal(s->op, op);
	assert_int_equal(sheet_date_parse(start, &t), 0);
	assert_int_equal(civil_compare(&s->start, &t), 0);
	if (end == NULL) {
		assert_false(s->has_end);
		return;
	}
	assert_true(s->has_end);
	assert_int_equal(sheet_date_parse(end, &t), 0);
	assert_int_equal(civil_compare(&s->end, &t), 0);
}

static void
test_sessions(void **state)
{
	static const struct history_event	ev[] = {
		EV("02-02-2026 08:00:00", "TOMAR_SPOOL", "93", "MR(93)",
		    "ARM", "TOMAR"),
		EV("02-02-2026 10:15:00", "PAUSAR_SPOOL", "93", "MR(93)",
		    "ARM", "PAUSAR"),
		EV("02-02-2026 10:30:00", "TOMAR_SPOOL", "7", "ÁN(7)",
		    "ARM", "TOMAR"),
		/* Another operation's close does not end ARM. */
		EV("02-02-2026 11:00:00", "PAUSAR_SPOOL", "5", "JP(5)",
		    "SOLD", "PAUSAR"),
		EV("03-02-2026 12:45:00", "COMPLETAR_ARM", "7", "ÁN(7)",
		    "ARM", "COMPLETAR"),
		/* Metrología is an instant, not a session. */
		EV("04-02-2026 09:00:00", "COMPLETAR_METROLOGIA", "20",
		    "CM(20)", "METROLOGIA", "COMPLETAR"),
		EV("03-02-2026 13:00:00", "TOMAR_SPOOL", "5", "JP(5)",
		    "SOLD", "TOMAR"),
	};
	struct history	h;

	(void)state;
	assert_int_equal(history_build(ev, NELEM(ev), &h), 0);
	assert_int_equal(h.nsessions, 3);
	assert_int_equal(h.skipped, 0);
	assert_session(&h.sessions[0], "MR(93)", 93, OPERACION_ARM,
	    "02-02-2026 08:00:00", "02-02-2026 10:15:00");
	assert_session(&h.sessions[1], "ÁN(7)", 7, OPERACION_ARM,
	    "02-02-2026 10:30:00", "03-02-2026 12:45:00");
	assert_session(&h.sessions[2], "JP(5)", 5, OPERACION_SOLD,
	    "03-02-2026 13:00:00", NULL);
	history_free(&h);
	assert_null(h.sessions);
}

static void
test_odd_logs(void **state)
{
	static const struct history_event	ev[] = {
		/* Appended late: sorted by time, not by row. */
		EV("02-02-2026 09:00:00", "PAUSAR_SPOOL", "93", "MR(93)",
		    "ARM", "PAUSAR"),
		EV("02-02-2026 08:00:00", "TOMAR_SPOOL", "93", "MR(93)",
		    "ARM", "TOMAR"),
		/* A close with nothing open. */
		EV("01-02-2026 08:00:00", "COMPLETAR_SOLD", "5", "JP(5)",
		    "SOLD", "COMPLETAR"),
		/* Taken back after a lost lock: the same session. */
		EV("02-02-2026 10:00:00", "TOMAR_SPOOL", "93", "MR(93)",
		    "ARM", "TOMAR"),
		EV("02-02-2026 11:00:00", "TOMAR_SPOOL", "93", "MR(93)",
		    "ARM", "TOMAR"),
		/* Someone else takes it: the first end was never logged. */
		EV("02-02-2026 14:00:00", "TOMAR_SPOOL", "", "ÁN(7)",
		    "ARM", "TOMAR"),
		EV("02-02-2026 15:00:00", "PAUSAR_SPOOL", "7", "ÁN(7)",
		    "ARM", "PAUSAR"),
		/* Unreadable rows. */
		EV("ayer", "TOMAR_SPOOL", "1", "AA(1)", "ARM", "TOMAR"),
		EV("02-02-2026 16:00:00", "TOMAR_SPOOL", "1", "AA(1)", "",
		    "TOMAR"),
		EV("02-02-2026 16:00:00", "", "1", "AA(1)", "ARM", "MIRAR"),
		/* Old rows without Accion/Operacion: read from the type. */
		EV("02-02-2026 17:00:00", "TOMAR_REPARACION", "1", "AA(1)", "",
		    ""),
		EV("02-02-2026 18:00:00", "CANCELAR_REPARACION", "1", "AA(1)",
		    "", ""),
	};
	struct history	h;

	(void)state;
	assert_int_equal(history_build(ev, NELEM(ev), &h), 0);
	assert_int_equal(h.skipped, 3);
	assert_int_equal(h.nsessions, 4);
	assert_session(&h.sessions[0], "MR(93)", 93, OPERACION_ARM,
	    "02-02-2026 08:00:00", "02-02-2026 09:00:00");
	assert_session(&h.sessions[1], "MR(93)", 93, OPERACION_ARM,
	    "02-02-2026 10:00:00", NULL);
	/* The id comes from the label when Worker_ID is empty. */
	assert_session(&h.sessions[2], "ÁN(7)", 7, OPERACION_ARM,
	    "02-02-2026 14:00:00", "02-02-2026 15:00:00");
	assert_session(&h.sessions[3], "AA(1)", 1, OPERACION_REPARACION,
	    "02-02-2026 17:00:00", "02-02-2026 18:00:00");
	history_free(&h);

	assert_int_equal(history_build(ev, 0, &h), 0);
	assert_int_equal(h.nsessions, 0);
	history_free(&h);
}

static void
test_duration(void **state)
{
	static const struct {
		long long	 s;
		const char	*want;
	} cases[] = {
		{ 0, "0m" }, { 59, "0m" }, { 60, "1m" }, { 45 * 60, "45m" },
		{ 3600, "1h 0m" }, { 2 * 3600 + 15 * 60 + 59, "2h 15m" },
		{ 86400, "1d 0h 0m" },
		{ 86400 + 2 * 3600 + 15 * 60, "1d 2h 15m" },
		{ 30 * 86400 + 5 * 60, "30d 0h 5m" }, { -5, "0m" },
	};
	char	buf[48];
	size_t	i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		history_duration(cases[i].s, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].want);
	}
}

static yajl_val
written(const char *tag, const struct history *h)
{
	yajl_gen	 g = json_out_new();
	const char	*t;
	char		*s, err[128];
	size_t		 len;
	yajl_val	 v;

	assert_non_null(g);
	history_write(g, tag, h);
	t = json_out_text(g, &len);
	s = strndup(t, len);
	assert_non_null(s);
	assert_null(strchr(s, '\n'));
	if ((v = yajl_tree_parse(s, err, sizeof(err))) == NULL)
		fail_msg("%s", err);
	free(s);
	yajl_gen_free(g);
	return (v);
}

static const char *
str(yajl_val obj, const char *key)
{
	const char	*path[] = { key, NULL };
	yajl_val	 v = yajl_tree_get(obj, path, yajl_t_any);

	if (v == NULL || !YAJL_IS_STRING(v))
		return (NULL);
	return (v->u.string);
}

static yajl_val
member(yajl_val obj, const char *key)
{
	const char	*path[] = { key, NULL };

	return (yajl_tree_get(obj, path, yajl_t_any));
}

static const char	metadata[] =
    "{\"valueRanges\":[{\"range\":\"Metadata!A1:K9\",\"values\":["
    "[\"ID\",\"Timestamp\",\"Evento_Tipo\",\"TAG_SPOOL\",\"Worker_ID\","
    "\"Worker_Nombre\",\"Operacion\",\"Accion\",\"Fecha_Operacion\","
    "\"Metadata_JSON\",\"N_UNION\"],"
    "[\"a1\",\"01-02-2026 08:00:00\",\"TOMAR_SPOOL\",\"MK-1\",\"93\","
    "\"MR(93)\",\"ARM\",\"TOMAR\",\"01-02-2026\",\"{}\"],"
    "[\"a2\",\"02-02-2026 10:15:00\",\"PAUSAR_SPOOL\",\"MK-1 \",\"93\","
    "\"MR(93)\",\"ARM\",\"PAUSAR\",\"02-02-2026\",\"{}\"],"
    "[\"a3\",\"02-02-2026 09:00:00\",\"TOMAR_SPOOL\",\"MK-10\",\"5\","
    "\"JP(5)\",\"ARM\",\"TOMAR\",\"02-02-2026\",\"{}\"],"
    "[\"a4\",\"04-04-2026 22:00:00\",\"TOMAR_SPOOL\",\"MK-1\",\"7\","
    "\"\\u00c1N(7)\",\"SOLD\",\"TOMAR\",\"04-04-2026\",\"{}\"],"
    "[\"a5\",\"05-04-2026 08:00:00\",\"COMPLETAR_SOLD\",\"MK-1\",\"7\","
    "\"\\u00c1N(7)\",\"SOLD\",\"COMPLETAR\",\"05-04-2026\",\"{}\"],"
    "[\"a6\",\"46118.5\",\"TOMAR_SPOOL\",\"MK-1\",\"93\","
    "\"MR(93)\",\"ARM\",\"TOMAR\",\"06-04-2026\",\"{}\"]"
    "]}]}";

static void
test_table_and_json(void **state)
{
	struct sheets_limits		 lim = SHEETS_LIMITS_DEFAULT_INIT;
	struct sheets_value_ranges	 vrs;
	struct sheets_value_range	 header, tail;
	struct metadata_log		*t;
	struct history			 h;
	const char			*r1, *r2;
	yajl_val			 v, s, item;
	char				 err[128];

	(void)state;
	assert_int_equal(sheets_parse_batch_get(metadata, strlen(metadata),
	    &lim, &vrs, err, sizeof(err)), 0);
	/* As the read cache hands them over: the header, then the rows. */
	header = vrs.ranges[0];
	header.nrows = 1;
	tail = vrs.ranges[0];
	tail.rows++;
	tail.nrows--;
	assert_non_null(t = metadata_log_new("Metadata", 60000));
	assert_int_equal(metadata_log_ranges(t, &r1, &r2), 0);
	assert_int_equal(metadata_log_ingest(t, &header, &tail, 0), 0);
	sheets_value_ranges_free(&vrs);

	assert_int_equal(metadata_log_history(t, "MK-1", &h), 0);
	assert_int_equal(h.nsessions, 3);
	v = written("MK-1", &h);
	assert_string_equal(str(v, "tag_spool"), "MK-1");
	s = member(v, "sessions");
	assert_true(YAJL_IS_ARRAY(s));
	assert_int_equal(s->u.array.len, 3);

	/* Across days: "1d 2h 15m". */
	item = s->u.array.values[0];
	assert_string_equal(str(item, "worker_nombre"), "MR(93)");
	assert_int_equal(YAJL_GET_INTEGER(member(item, "worker_id")), 93);
	assert_string_equal(str(item, "operacion"), "ARM");
	assert_string_equal(str(item, "start_time"),
	    "2026-02-01T08:00:00-03:00");
	assert_string_equal(str(item, "end_time"),
	    "2026-02-02T10:15:00-03:00");
	assert_string_equal(str(item, "duration"), "1d 2h 15m");

	/* The night Chile's clocks went back: 11 real hours, not 10. */
	item = s->u.array.values[1];
	assert_string_equal(str(item, "start_time"),
	    "2026-04-04T22:00:00-03:00");
	assert_string_equal(str(item, "end_time"),
	    "2026-04-05T08:00:00-04:00");
	assert_string_equal(str(item, "duration"), "11h 0m");

	/* Open: no end, no duration; a serial-number timestamp. */
	item = s->u.array.values[2];
	assert_string_equal(str(item, "start_time"),
	    "2026-04-06T12:00:00-04:00");
	assert_true(YAJL_IS_NULL(member(item, "end_time")));
	assert_true(YAJL_IS_NULL(member(item, "duration")));
	yajl_tree_free(v);
	history_free(&h);

	/* A tag without rows has no sessions; "MK-10" is not "MK-1". */
	assert_int_equal(metadata_log_history(t, "MK-10", &h), 0);
	assert_int_equal(h.nsessions, 1);
	history_free(&h);
	assert_int_equal(metadata_log_history(t, "MK-2", &h), 0);
	assert_int_equal(h.nsessions, 0);
	v = written("MK-2", &h);
	assert_int_equal(member(v, "sessions")->u.array.len, 0);
	yajl_tree_free(v);
	history_free(&h);
	assert_int_equal(metadata_log_history(t, "", &h), 0);
	assert_int_equal(h.nsessions, 0);
	metadata_log_free(t);
}

/*
 * Union work as v4 logs it (TEAM.md): INICIAR, FINALIZAR's spool-level
 * row and its per-union rows, METROLOGIA_AUTO_TRIGGERED, an empty
 * FINALIZAR (SPOOL_CANCELADO); a reparación session; a supervisor's
 * unblock, which is no step.
 */
#define INICIAR	"{\"lock_token\":\"t\",\"v4_operation\":\"INICIAR\"}"

static const struct history_event	v4_log[] = {
	EVJ("02-02-2026 08:00:00", "TOMAR_SPOOL", "93", "MR(93)", "ARM",
	    "TOMAR", INICIAR, ""),
	EVJ("02-02-2026 09:30:00", "UNION_ARM_REGISTRADA", "93", "MR(93)",
	    "ARM", "PAUSAR", "{\"union_count\":2,\"pulgadas\":6.5,"
	    "\"union_ids\":[\"OT-1+1\",\"OT-1+2\"]}", ""),
	EVJ("02-02-2026 09:30:00", "UNION_ARM_REGISTRADA", "93", "MR(93)",
	    "ARM", "PAUSAR", "{\"union_id\":\"OT-1+1\",\"dn_union\":2.5}",
	    "1"),
	EVJ("02-02-2026 09:30:00", "UNION_ARM_REGISTRADA", "93", "MR(93)",
	    "ARM", "PAUSAR", "{\"union_id\":\"OT-1+2\",\"dn_union\":4}", "2"),
	EVJ("02-02-2026 10:00:00", "TOMAR_SPOOL", "7", "ÁN(7)", "ARM",
	    "TOMAR", INICIAR, ""),
	EVJ("02-02-2026 11:00:00", "UNION_ARM_REGISTRADA", "7", "ÁN(7)",
	    "ARM", "COMPLETAR", "{\"union_count\":1,\"pulgadas\":12.25,"
	    "\"union_ids\":[\"OT-1+3\"]}", ""),
	EVJ("02-02-2026 11:00:00", "UNION_ARM_REGISTRADA", "7", "ÁN(7)",
	    "ARM", "COMPLETAR", "{\"union_id\":\"OT-1+3\",\"dn_union\":12.25}",
	    "3"),
	EVJ("02-02-2026 12:00:00", "TOMAR_SPOOL", "5", "JP(5)", "SOLD",
	    "TOMAR", INICIAR, ""),
	EVJ("02-02-2026 12:20:00", "SPOOL_CANCELADO", "5", "JP(5)", "SOLD",
	    "CANCELAR", "{}", ""),
	EVJ("02-02-2026 13:00:00", "TOMAR_SPOOL", "5", "JP(5)", "SOLD",
	    "TOMAR", INICIAR, ""),
	EVJ("02-02-2026 15:00:00", "UNION_SOLD_REGISTRADA", "5", "JP(5)",
	    "SOLD", "COMPLETAR", "{\"union_count\":3,\"pulgadas\":18.75,"
	    "\"union_ids\":[\"OT-1+1\",\"OT-1+2\",\"OT-1+3\"]}", ""),
	EVJ("02-02-2026 15:00:00", "METROLOGIA_AUTO_TRIGGERED", "5", "JP(5)",
	    "METROLOGIA", "", "{}", ""),
	EV("03-02-2026 09:00:00", "COMPLETAR_METROLOGIA", "20", "CM(20)",
	    "METROLOGIA", "COMPLETAR"),
	EV("03-02-2026 10:00:00", "TOMAR_REPARACION", "8", "RR(8)",
	    "REPARACION", "TOMAR"),
	EV("03-02-2026 11:00:00", "COMPLETAR_REPARACION", "8", "RR(8)",
	    "REPARACION", "COMPLETAR"),
	EVJ("04-02-2026 08:00:00", "SUPERVISOR_OVERRIDE", "0", "SUPERVISOR",
	    "REPARACION", "", "{\"estado_anterior\":\"BLOQUEADO\"}", ""),
	/* A v3 TOMAR is no union work, whatever closes it. */
	EV("05-02-2026 08:00:00", "TOMAR_SPOOL", "9", "ZZ(9)", "ARM",
	    "TOMAR"),
};

static void
test_union_sessions(void **state)
{
	struct history			 h;
	const struct history_session	*s;

	(void)state;
	assert_int_equal(history_build(v4_log, NELEM(v4_log), &h), 0);
	assert_int_equal(h.skipped, 0);	/* nothing unreadable */
	assert_int_equal(h.nsessions, 6);

	/* INICIAR ... FINALIZAR with two unions, paused. */
	s = &h.sessions[0];
	assert_session(s, "MR(93)", 93, OPERACION_ARM, "02-02-2026 08:00:00",
	    "02-02-2026 09:30:00");
	assert_true(s->v4);
	assert_true(s->has_unions);
	assert_int_equal(s->n_unions, 2);
	assert_int_equal(s->nids, 2);
	assert_string_equal(s->union_ids, "OT-1+1");
	assert_string_equal(s->union_ids + 7, "OT-1+2");
	assert_true(s->has_pulgadas);
	assert_true(s->pulgadas > 6.49 && s->pulgadas < 6.51);
	assert_string_equal(s->end_accion, "PAUSAR");

	/* The rest of ARM by someone else: completed. */
	s = &h.sessions[1];
	assert_session(s, "ÁN(7)", 7, OPERACION_ARM, "02-02-2026 10:00:00",
	    "02-02-2026 11:00:00");
	assert_int_equal(s->n_unions, 1);
	assert_string_equal(s->end_accion, "COMPLETAR");

	/* An empty FINALIZAR: no union, cancelled. */
	s = &h.sessions[2];
	assert_session(s, "JP(5)", 5, OPERACION_SOLD, "02-02-2026 12:00:00",
	    "02-02-2026 12:20:00");
	assert_true(s->v4 && s->has_unions);
	assert_int_equal(s->n_unions, 0);
	assert_int_equal(s->nids, 0);
	assert_string_equal(s->end_accion, "CANCELAR");

	s = &h.sessions[3];
	assert_int_equal(s->n_unions, 3);
	assert_int_equal(s->nids, 3);

	/* Reparación: a session of its own. */
	s = &h.sessions[4];
	assert_session(s, "RR(8)", 8, OPERACION_REPARACION,
	    "03-02-2026 10:00:00", "03-02-2026 11:00:00");
	assert_false(s->v4);
	assert_false(s->has_unions);

	/* v3, still open. */
	s = &h.sessions[5];
	assert_false(s->v4);
	assert_false(s->has_end);
	history_free(&h);
}

static void
test_union_json(void **state)
{
	struct history	 h;
	yajl_val	 v, s, item, ids;

	(void)state;
	assert_int_equal(history_build(v4_log, NELEM(v4_log), &h), 0);
	v = written("MK-9", &h);
	s = member(v, "sessions");
	assert_int_equal(s->u.array.len, 6);

	item = s->u.array.values[0];
	assert_string_equal(str(item, "tipo"), "INICIAR");
	assert_string_equal(str(item, "accion_final"), "PAUSAR");
	assert_int_equal(YAJL_GET_INTEGER(member(item, "n_unions")), 2);
	ids = member(item, "union_ids");
	assert_true(YAJL_IS_ARRAY(ids));
	assert_int_equal(ids->u.array.len, 2);
	assert_string_equal(YAJL_GET_STRING(ids->u.array.values[1]),
	    "OT-1+2");
	assert_true(YAJL_IS_NUMBER(member(item, "pulgadas")));
	assert_true(YAJL_GET_DOUBLE(member(item, "pulgadas")) == 6.5);
	assert_string_equal(str(item, "duration"), "1h 30m");

	item = s->u.array.values[2];
	assert_int_equal(YAJL_GET_INTEGER(member(item, "n_unions")), 0);
	assert_int_equal(member(item, "union_ids")->u.array.len, 0);

	/* A v3 or reparación session: the union keys are null. */
	item = s->u.array.values[4];
	assert_string_equal(str(item, "tipo"), "TOMAR");
	assert_string_equal(str(item, "operacion"), "REPARACION");
	assert_true(YAJL_IS_NULL(member(item, "n_unions")));
	assert_true(YAJL_IS_NULL(member(item, "union_ids")));
	assert_true(YAJL_IS_NULL(member(item, "pulgadas")));
	item = s->u.array.values[5];
	assert_true(YAJL_IS_NULL(member(item, "accion_final")));
	yajl_tree_free(v);
	history_free(&h);
}

/* The same work through the Metadata log, which keeps what it needs. */
static const char	v4_metadata[] =
    "{\"valueRanges\":[{\"range\":\"Metadata!A1:K6\",\"values\":["
    "[\"ID\",\"Timestamp\",\"Evento_Tipo\",\"TAG_SPOOL\",\"Worker_ID\","
    "\"Worker_Nombre\",\"Operacion\",\"Accion\",\"Fecha_Operacion\","
    "\"Metadata_JSON\",\"N_UNION\"],"
    "[\"b1\",\"02-02-2026 08:00:00\",\"TOMAR_SPOOL\",\"V4-1\",\"93\","
    "\"MR(93)\",\"ARM\",\"TOMAR\",\"02-02-2026\","
    "\"{\\\"v4_operation\\\":\\\"INICIAR\\\"}\"],"
    "[\"b2\",\"02-02-2026 09:00:00\",\"UNION_ARM_REGISTRADA\",\"V4-1\","
    "\"93\",\"MR(93)\",\"ARM\",\"COMPLETAR\",\"02-02-2026\","
    "\"{\\\"union_count\\\":1,\\\"pulgadas\\\":2.5,"
    "\\\"union_ids\\\":[\\\"OT+1\\\"]}\",\"\"],"
    "[\"b3\",\"02-02-2026 09:00:00\",\"UNION_ARM_REGISTRADA\",\"V4-1\","
    "\"93\",\"MR(93)\",\"ARM\",\"COMPLETAR\",\"02-02-2026\","
    "\"{\\\"union_id\\\":\\\"OT+1\\\",\\\"dn_union\\\":2.5}\",1],"
    "[\"b4\",\"02-02-2026 10:00:00\",\"TOMAR_SPOOL\",\"V4-1\",\"5\","
    "\"JP(5)\",\"SOLD\",\"TOMAR\",\"02-02-2026\",\"{}\"]"
    "]}]}";

static void
test_union_sessions_from_log(void **state)
{
	struct sheets_limits		 lim = SHEETS_LIMITS_DEFAULT_INIT;
	struct sheets_value_ranges	 vrs;
	struct sheets_value_range	 header, tail;
	struct metadata_log		*t;
	struct history			 h;
	const char			*r1, *r2;
	char				 err[128];

	(void)state;
	assert_int_equal(sheets_parse_batch_get(v4_metadata,
	    strlen(v4_metadata), &lim, &vrs, err, sizeof(err)), 0);
	header = vrs.ranges[0];
	header.nrows = 1;
	tail = vrs.ranges[0];
	tail.rows++;
	tail.nrows--;
	assert_non_null(t = metadata_log_new("Metadata", 60000));
	assert_int_equal(metadata_log_ranges(t, &r1, &r2), 0);
	assert_int_equal(metadata_log_ingest(t, &header, &tail, 0), 0);
	sheets_value_ranges_free(&vrs);
	assert_int_equal(metadata_log_history(t, "V4-1", &h), 0);
	assert_int_equal(h.nsessions, 2);
	assert_true(h.sessions[0].v4);
	assert_int_equal(h.sessions[0].n_unions, 1);
	assert_string_equal(h.sessions[0].union_ids, "OT+1");
	assert_true(h.sessions[0].pulgadas == 2.5);
	assert_false(h.sessions[1].v4);		/* "{}": a v3 TOMAR */
	history_free(&h);
	metadata_log_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sessions),
		cmocka_unit_test(test_odd_logs),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_table_and_json),
		cmocka_unit_test(test_union_sessions),
		cmocka_unit_test(test_union_json),
		cmocka_unit_test(test_union_sessions_from_log),
	};

	return (cmocka_run_group_tests(tests, setup, NULL));
}
