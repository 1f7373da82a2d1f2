/*
 * Unit tests for lib/floor/v4_rules.c and the v4 checks of
 * occupation_rules.c (floor.md §1.2): INICIAR is TOMAR with its audit
 * mark, WRONG_VERSION both ways with its readable detail and top-level
 * keys, ARM_PREREQUISITE, and FINALIZAR's outcomes - cancel, pause,
 * complete, the metrología hand-off - with exactly the union cells,
 * aggregate cells, audit rows and events TEAM.md lists; the selection
 * compared as a set with the unions available now (409, nothing decided).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json_out.h"
#include "v4_rules.h"

#define TAG	"MK-1-V4"

static const struct worker	A = { 93, "MR(93)", 1, WORKER_ROLE_AYUDANTE };
static const struct worker	B = { 7, "AN(7)", 1, WORKER_ROLE_AYUDANTE };

struct floor {
	char			cell[SPOOL_FIELD_COUNT][SPOOL_DETALLE_MAX];
	struct spool_row	row;
	struct occ_lock		lock;
	struct zoned_time	now;
	struct union_rec	u[4];
	char			ucell[4][UNION_FIELD_COUNT][48];
	struct union_list	list;
	int			v4;
};

static const char	*empty = "";

static void
floor_init(struct floor *f)
{
	static const struct { int n; long dn; enum union_tipo t; } def[4] = {
		{ 1, 2500, UNION_TIPO_BW }, { 2, 1000, UNION_TIPO_FW },
		{ 3, 750, UNION_TIPO_SO }, { 4, 12000, UNION_TIPO_BR },
	};
	size_t	i, k;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < SPOOL_FIELD_COUNT; i++)
		f->row.f[i] = f->cell[i];
	snprintf(f->cell[SPOOL_TAG], sizeof(f->cell[0]), "%s", TAG);
	snprintf(f->cell[SPOOL_OT], sizeof(f->cell[0]), "OT-7");
	snprintf(f->cell[SPOOL_FECHA_MATERIALES], sizeof(f->cell[0]),
	    "01-02-2026");
	snprintf(f->cell[SPOOL_VERSION], sizeof(f->cell[0]), "v0");
	f->now.local = (struct civil_time){ 2026, 2, 2, 8, 53, 45, 1 };
	f->now.utc_offset = -3 * 3600;
	for (i = 0; i < 4; i++) {
		for (k = 0; k < UNION_FIELD_COUNT; k++)
			f->u[i].f[k] = f->ucell[i][k];
		f->u[i].i = i;
		f->u[i].row = (unsigned int)(10 + i);
		f->u[i].n_union = def[i].n;
		f->u[i].dn = def[i].dn;
		f->u[i].tipo = def[i].t;
		snprintf(f->ucell[i][UNION_ID], 48, "OT-7+%d", def[i].n);
		snprintf(f->ucell[i][UNION_OT], 48, "OT-7");
	}
	f->list.u = f->u;
	f->list.n = 4;
	f->v4 = 1;
	(void)empty;
}

static void
hold(struct floor *f, const struct worker *w, const char *op)
{
	f->lock.held = 1;
	f->lock.worker_id = w->id;
	f->lock.holder_nombre = w->nombre_completo;
	snprintf(f->cell[SPOOL_OCUPADO_POR], sizeof(f->cell[0]), "%s",
	    w->nombre_completo);
	snprintf(f->cell[SPOOL_FECHA_OCUPACION], sizeof(f->cell[0]),
	    "02-02-2026 07:00:00");
	snprintf(f->cell[SPOOL_ESTADO_DETALLE], sizeof(f->cell[0]),
	    "%s trabajando %s (ARM en progreso, SOLD pendiente)",
	    w->nombre_completo, op);
	if (strcmp(op, "ARM") == 0)
		snprintf(f->cell[SPOOL_ARMADOR], sizeof(f->cell[0]), "%s",
		    w->nombre_completo);
}

static void
base_input(struct floor *f, const struct worker *w, enum occ_action a,
    enum operacion op, struct occ_input *in)
{
	memset(in, 0, sizeof(*in));
	in->action = a;
	in->op = op;
	in->row = &f->row;
	in->worker = w;
	in->lock = &f->lock;
	in->lock_token = "tok";
	in->now = &f->now;
	in->new_version = "v-new";
	in->audit_id = "audit-0";
	in->spool_v4 = f->v4;
}

static void
finalizar(struct floor *f, const struct worker *w, enum operacion op,
    const char *const *sel, size_t nsel, struct v4_outcome *o)
{
	static char			ids[V4_AUDITS_MAX][16];
	struct v4_finalizar_input	in;
	struct v4_request		r;
	struct occ_request_errors	e;
	char				body[512];
	size_t				i, off;

	off = (size_t)snprintf(body, sizeof(body), "{\"tag_spool\":\"" TAG
	    "\",\"worker_id\":1,\"operacion\":\"ARM\",\"selected_unions\":[");
	for (i = 0; i < nsel; i++)
		off += (size_t)snprintf(body + off, sizeof(body) - off, "%s%s",
		    i ? "," : "", sel[i]);
	snprintf(body + off, sizeof(body) - off, "]}");
	assert_int_equal(v4_request_parse(V4_REQ_FINALIZAR, body, strlen(body),
	    &r, &e), 0);

	memset(&in, 0, sizeof(in));
	base_input(f, w, OCC_PAUSAR, op, &in.base);
	in.unions = &f->list;
	in.sel = r.unions;
	in.nsel = r.nunions;
	for (i = 0; i < V4_AUDITS_MAX; i++) {
		snprintf(ids[i], sizeof(ids[i]), "audit-%zu", i);
		in.audit_ids[i] = ids[i];
	}
	in.has_ops_count = 1;
	in.has_ops_pulgadas = 1;
	v4_finalizar_decide(&in, o);
}

/* The cell of union i's write under header, or NULL. */
static const char *
union_cell(const struct v4_outcome *o, size_t i, const char *header)
{
	size_t	k;

	for (k = 0; k < o->unions[i].ncells; k++) {
		if (strcmp(o->unions[i].cells[k].header, header) == 0)
			return (o->unions[i].cells[k].value);
	}
	return (NULL);
}

static const char *
spool_cell(const struct occ_outcome *o, enum spool_field field)
{
	size_t	k;

	for (k = 0; k < o->ncells; k++) {
		if (o->cells[k].field == field)
			return (o->cells[k].value);
	}
	return (NULL);
}

static char *
body_of(const struct v4_outcome *o)
{
	yajl_gen	 g = json_out_new();
	size_t		 len;
	char		*s;

	v4_finalizar_write(g, o);
	s = strdup(json_out_text(g, &len));
	yajl_gen_free(g);
	return (s);
}

static void
test_iniciar_and_versions(void **state)
{
	struct floor		f;
	struct occ_input	in;
	struct occ_outcome	o;
	yajl_gen		g;
	size_t			len;
	const char		*text;

	(void)state;
	floor_init(&f);
	base_input(&f, &A, OCC_TOMAR, OPERACION_ARM, &in);
	in.v4_route = 1;
	occ_decide(&in, &o);
	assert_true(o.ok);
	assert_string_equal(o.audit.evento_tipo, "TOMAR_SPOOL");
	assert_non_null(strstr(o.audit.metadata_json,
	    "\"v4_operation\":\"INICIAR\""));
	assert_string_equal(o.event.event_type, "TOMAR");
	assert_int_equal(o.lock_effect, OCC_LOCK_ACQUIRE);

	/* v3 TOMAR and COMPLETAR of a v4 spool: the v4 route, by name. */
	in.v4_route = 0;
	occ_decide(&in, &o);
	assert_false(o.ok);
	assert_int_equal(o.fail.error, OCC_ERR_WRONG_VERSION);
	assert_string_equal(o.fail.correct_endpoint,
	    "/api/v4/occupation/iniciar");
	hold(&f, &A, "ARM");
	base_input(&f, &A, OCC_COMPLETAR, OPERACION_ARM, &in);
	occ_decide(&in, &o);
	assert_int_equal(o.fail.error, OCC_ERR_WRONG_VERSION);
	assert_string_equal(o.fail.spool_version, "v4.0");
	/* PAUSAR stays open: releasing is always safe. */
	base_input(&f, &A, OCC_PAUSAR, OPERACION_ARM, &in);
	occ_decide(&in, &o);
	assert_true(o.ok);

	/* INICIAR of a v3 spool: readable detail, the v3 route named. */
	floor_init(&f);
	f.v4 = 0;
	base_input(&f, &A, OCC_TOMAR, OPERACION_ARM, &in);
	in.v4_route = 1;
	occ_decide(&in, &o);
	assert_int_equal(o.fail.error, OCC_ERR_WRONG_VERSION);
	assert_int_equal(occ_error_status(o.fail.error), 400);
	assert_non_null(strstr(o.fail.detail, "/api/occupation/tomar"));
	g = json_out_new();
	occ_response_write(g, &o);
	text = json_out_text(g, &len);
	assert_non_null(strstr(text, "\"detail\":\"El spool"));
	assert_non_null(strstr(text, "\"error\":\"WRONG_VERSION\""));
	assert_non_null(strstr(text, "\"spool_version\":\"v3.0\","
	    "\"correct_endpoint\":\"/api/occupation/tomar\"}"));
	yajl_gen_free(g);

	/* SOLD before any union is ARM-done: 403 ARM_PREREQUISITE. */
	floor_init(&f);
	base_input(&f, &A, OCC_TOMAR, OPERACION_SOLD, &in);
	in.v4_route = 1;
	snprintf(f.cell[SPOOL_ARMADOR], sizeof(f.cell[0]), "MR(93)");
	occ_decide(&in, &o);
	assert_int_equal(o.fail.error, OCC_ERR_ARM_PREREQUISITE);
	assert_int_equal(occ_error_status(o.fail.error), 403);
	in.unions_arm_done = 1;
	occ_decide(&in, &o);
	assert_true(o.ok);
	/* REPARACION or METROLOGIA have no INICIAR. */
	base_input(&f, &A, OCC_TOMAR, OPERACION_REPARACION, &in);
	in.v4_route = 1;
	occ_decide(&in, &o);
	assert_int_equal(o.fail.error, OCC_ERR_INVALID_STATE_TRANSITION);
}

static void
test_finalizar_pause_then_complete_then_metrologia(void **state)
{
	const char		*sel1[] = { "2", "\"OT-7+1\"", "1", "2" };
	const char		*sel2[] = { "3", "4" };
	const char		*sold[] = { "1", "\"3\"", "4" };
	struct floor		 f;
	struct v4_outcome	*o = calloc(1, sizeof(*o));
	char			*body;

	(void)state;
	floor_init(&f);
	hold(&f, &A, "ARM");
	finalizar(&f, &A, OPERACION_ARM, sel1, 4, o);
	assert_true(o->base.ok);
	assert_int_equal(o->action, V4_PAUSAR);
	assert_int_equal(o->base.lock_effect, OCC_LOCK_RELEASE);
	assert_int_equal(o->nunions, 2);
	assert_string_equal(o->unions[0].id, "OT-7+2");
	assert_int_equal(o->unions[0].row, 11);
	assert_string_equal(union_cell(o, 0, "ARM_FECHA_FIN"),
	    "02-02-2026 08:53:45");
	assert_string_equal(union_cell(o, 0, "ARM_WORKER"), "MR(93)");
	/* The session's start, for a union not started before. */
	assert_string_equal(union_cell(o, 0, "ARM_FECHA_INICIO"),
	    "02-02-2026 07:00:00");
	assert_null(spool_cell(&o->base, SPOOL_FECHA_ARMADO));
	assert_string_equal(spool_cell(&o->base, SPOOL_OCUPADO_POR), "");
	/* Aggregates: two ARM-done, 1.0 + 2.5 inches. */
	assert_int_equal(o->nops, 2);
	assert_string_equal(o->ops[0].header, "Uniones_ARM_Completadas");
	assert_string_equal(o->ops[0].value, "2");
	assert_string_equal(o->ops[1].header, "Pulgadas_ARM");
	assert_string_equal(o->ops[1].value, "3.5");
	/* Audit rows: the spool's, then one per union in selection order. */
	assert_int_equal(o->naudits, 3);
	assert_string_equal(o->audits[0].evento_tipo, "UNION_ARM_REGISTRADA");
	assert_string_equal(o->audits[0].accion, "PAUSAR");
	assert_string_equal(o->audits[0].operacion, "ARM");
	assert_string_equal(o->audits[0].n_union, "");
	assert_string_equal(o->audits[0].id, "audit-0");
	assert_non_null(strstr(o->audits[0].metadata_json, "{\"union_count\":2,"
	    "\"pulgadas\":3.5,\"union_ids\":[\"OT-7+2\",\"OT-7+1\"]"));
	assert_string_equal(o->audits[1].n_union, "2");
	assert_string_equal(o->audits[1].id, "audit-1");
	assert_string_equal(o->audits[1].metadata_json,
	    "{\"union_id\":\"OT-7+2\",\"dn_union\":1}");
	assert_string_equal(o->audits[2].n_union, "1");
	assert_string_equal(o->base.event.event_type, "PAUSAR");
	assert_int_equal(o->base.event.union_count, 2);
	assert_int_equal(o->base.event.pulgadas, 3500);
	body = body_of(o);
	assert_non_null(strstr(body, "\"action_taken\":\"PAUSAR\","
	    "\"action\":\"PAUSAR\",\"unions_processed\":2,"
	    "\"uniones_completadas\":2,\"pulgadas\":3.5,"
	    "\"pulgadas_completadas\":3.5,\"metrologia_triggered\":false"));
	free(body);

	/* The cells landed; B takes over and finishes the rest: COMPLETAR. */
	f.u[0].arm_done = f.u[1].arm_done = 1;
	snprintf(f.ucell[0][UNION_ARM_FECHA_FIN], 48, "x");
	memset(&f.lock, 0, sizeof(f.lock));
	hold(&f, &B, "ARM");
	finalizar(&f, &B, OPERACION_ARM, sel2, 2, o);
	assert_true(o->base.ok);
	assert_int_equal(o->action, V4_COMPLETAR);
	assert_non_null(spool_cell(&o->base, SPOOL_FECHA_ARMADO));
	assert_string_equal(o->ops[0].value, "4");
	assert_string_equal(o->ops[1].value, "16.25");
	assert_false(o->metrologia);
	assert_int_equal(o->naudits, 3);
	assert_string_equal(o->audits[0].accion, "COMPLETAR");
	assert_string_equal(o->base.event.event_type, "COMPLETAR");

	/* SOLD: the SOLD types (not FW) all welded -> metrología. */
	f.u[2].arm_done = f.u[3].arm_done = 1;
	snprintf(f.cell[SPOOL_FECHA_ARMADO], sizeof(f.cell[0]), "02-02-2026");
	memset(&f.lock, 0, sizeof(f.lock));
	hold(&f, &B, "SOLD");
	finalizar(&f, &B, OPERACION_SOLD, sold, 3, o);
	assert_true(o->base.ok);
	assert_int_equal(o->action, V4_COMPLETAR);
	assert_true(o->metrologia);
	assert_string_equal(o->base.estado_detalle, "En Cola Metrología");
	assert_string_equal(spool_cell(&o->base, SPOOL_ESTADO_DETALLE),
	    "En Cola Metrología");
	assert_non_null(spool_cell(&o->base, SPOOL_FECHA_SOLDADURA));
	assert_string_equal(union_cell(o, 0, "SOL_FECHA_FIN"),
	    "02-02-2026 08:53:45");
	assert_string_equal(union_cell(o, 0, "SOL_WORKER"), "AN(7)");
	assert_int_equal(o->naudits, 5);
	assert_string_equal(o->audits[0].evento_tipo, "UNION_SOLD_REGISTRADA");
	assert_string_equal(o->audits[4].evento_tipo,
	    "METROLOGIA_AUTO_TRIGGERED");
	assert_string_equal(o->audits[4].operacion, "METROLOGIA");
	assert_string_equal(o->metro_event.event_type, "METROLOGIA_READY");
	assert_string_equal(o->ops[0].header, "Uniones_SOLD_Completadas");
	assert_string_equal(o->ops[0].value, "3");
	body = body_of(o);
	assert_non_null(strstr(body, "\"metrologia_triggered\":true"));
	assert_non_null(strstr(body, "\"new_state\":\"En Cola Metrología\""));
	free(body);
	free(o);
}

static void
test_finalizar_refusals(void **state)
{
	const char		*done[] = { "1" };
	const char		*unknown[] = { "9" };
	const char		*other[] = { "\"OT-8+2\"" };
	const char		*fw_sold[] = { "2" };
	struct floor		 f;
	struct v4_outcome	*o = calloc(1, sizeof(*o));
	char			*body;

	(void)state;
	floor_init(&f);
	hold(&f, &A, "ARM");
	f.u[0].arm_done = 1;
	finalizar(&f, &A, OPERACION_ARM, done, 1, o);
	assert_false(o->base.ok);
	assert_int_equal(o->base.fail.error, OCC_ERR_RACE_CONDITION);
	assert_int_equal(occ_error_status(o->base.fail.error), 409);
	assert_non_null(strstr(o->base.fail.detail, "Conflicto"));
	body = body_of(o);
	assert_non_null(strstr(body, "\"error\":\"RACE_CONDITION\""));
	assert_non_null(strstr(body, "\"detail\":\"Conflicto"));
	free(body);
	finalizar(&f, &A, OPERACION_ARM, unknown, 1, o);
	assert_int_equal(o->base.fail.error, OCC_ERR_RACE_CONDITION);
	finalizar(&f, &A, OPERACION_ARM, other, 1, o);
	assert_int_equal(o->base.fail.error, OCC_ERR_RACE_CONDITION);
	assert_non_null(strstr(o->base.fail.detail, "otro spool"));

	/* Not the holder: 403 with "autorizado"; no lock: 410. */
	finalizar(&f, &B, OPERACION_ARM, unknown, 1, o);
	assert_int_equal(o->base.fail.error, OCC_ERR_NO_AUTORIZADO);
	assert_non_null(strstr(o->base.fail.detail, "autorizado"));
	memset(&f.lock, 0, sizeof(f.lock));
	finalizar(&f, &A, OPERACION_ARM, unknown, 1, o);
	assert_int_equal(o->base.fail.error, OCC_ERR_LOCK_EXPIRED);

	/* An FW union is never SOLD work. */
	floor_init(&f);
	f.u[1].arm_done = 1;
	snprintf(f.cell[SPOOL_ARMADOR], sizeof(f.cell[0]), "MR(93)");
	hold(&f, &A, "SOLD");
	finalizar(&f, &A, OPERACION_SOLD, fw_sold, 1, o);
	assert_int_equal(o->base.fail.error, OCC_ERR_RACE_CONDITION);

	/* A v3 spool on FINALIZAR. */
	floor_init(&f);
	f.v4 = 0;
	hold(&f, &A, "ARM");
	finalizar(&f, &A, OPERACION_ARM, done, 1, o);
	assert_int_equal(o->base.fail.error, OCC_ERR_WRONG_VERSION);
	free(o);
}

static void
test_finalizar_empty_cancels(void **state)
{
	struct floor		 f;
	struct v4_outcome	*o = calloc(1, sizeof(*o));
	char			*body;

	(void)state;
	floor_init(&f);
	f.u[0].arm_done = 1;
	hold(&f, &A, "ARM");
	finalizar(&f, &A, OPERACION_ARM, NULL, 0, o);
	assert_true(o->base.ok);
	assert_int_equal(o->action, V4_CANCELADO);
	assert_int_equal(o->base.lock_effect, OCC_LOCK_RELEASE);
	assert_string_equal(spool_cell(&o->base, SPOOL_OCUPADO_POR), "");
	assert_int_equal(o->nunions, 0);
	assert_int_equal(o->nops, 0);
	assert_int_equal(o->naudits, 1);
	assert_string_equal(o->audits[0].evento_tipo, "SPOOL_CANCELADO");
	assert_string_equal(o->audits[0].accion, "CANCELAR");
	assert_string_equal(o->audits[0].operacion, "ARM");
	assert_string_equal(o->base.event.event_type, "CANCELAR");
	body = body_of(o);
	assert_non_null(strstr(body, "\"action_taken\":\"CANCELADO\","
	    "\"action\":\"CANCELAR\",\"unions_processed\":0"));
	assert_non_null(strstr(body, "\"pulgadas\":2.5,"
	    "\"pulgadas_completadas\":0"));
	free(body);
	free(o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iniciar_and_versions),
		cmocka_unit_test(
		    test_finalizar_pause_then_complete_then_metrologia),
		cmocka_unit_test(test_finalizar_refusals),
		cmocka_unit_test(test_finalizar_empty_cancels),
	};

	return (cmocka_run_group_tests_name("v4_rules", tests, NULL, NULL));
}
