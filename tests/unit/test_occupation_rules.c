/*
 * Unit tests for lib/floor/occupation_rules.c.
 *
 * A "floor" is one spool row plus its Redis lock; act() decides a request
 * the way a route would and, when it is allowed, applies exactly the cells
 * and lock change the decision returned - so a sequence of act() calls is
 * the floor as the server would leave it.  The whole cycle runs
 * through it (take, race loser, wrong pauser, pause, hand-off, complete
 * ARM, take and complete SOLD), then every error of api.md §2 and the
 * rules of data.md §5, the reparación discipline, the optimistic check,
 * the Metadata row, the event and the response bodies.
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

#include "event_log.h"
#include "history.h"
#include "json_out.h"
#include "nelem.h"
#include "occupation_rules.h"

#define TAG		"MK-1335-CW-25238-011"

static const struct worker	A = { 93, "MR(93)", 1, WORKER_ROLE_ARMADOR };
static const struct worker	B = { 7, "ÁN(7)", 1,
				    WORKER_ROLE_AYUDANTE };
static const struct worker	C = { 5, "JP(5)", 1, WORKER_ROLE_SOLDADOR };
static const struct worker	M = { 20, "CM(20)", 1,
				    WORKER_ROLE_METROLOGIA };
static const struct worker	I = { 30, "PS(30)", 0, WORKER_ROLE_ARMADOR };

#define LOG_MAX		32

struct floor {
	char			cell[SPOOL_FIELD_COUNT][SPOOL_DETALLE_MAX];
	struct spool_row	row;
	struct occ_lock		lock;
	char			holder[WORKER_NOMBRE_MAX];
	char			token[48];
	struct zoned_time	now;
	int			seq;
	/* Metadata rows appended so far, for the history cross-check. */
	struct audit_record	log[LOG_MAX];
	size_t			nlog;
};

static void
floor_init(struct floor *f, const char *materiales)
{
	int	i;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < SPOOL_FIELD_COUNT; i++)
		f->row.f[i] = f->cell[i];
	snprintf(f->cell[SPOOL_TAG], sizeof(f->cell[0]), "%s", TAG);
	snprintf(f->cell[SPOOL_FECHA_MATERIALES], sizeof(f->cell[0]), "%s",
	    materiales);
	snprintf(f->cell[SPOOL_VERSION], sizeof(f->cell[0]),
	    "00000000-0000-4000-8000-000000000000");
	f->now.local = (struct civil_time){ 2026, 2, 2, 8, 53, 45, 1 };
	f->now.utc_offset = -3 * 3600;
}

static void
set(struct floor *f, enum spool_field field, const char *v)
{
	snprintf(f->cell[field], sizeof(f->cell[0]), "%s", v);
}

/* Moves the clock forward by minutes (same day, for simple arithmetic). */
static void
later(struct floor *f, int minutes)
{
	int	t = f->now.local.hour * 60 + f->now.local.min + minutes;

	f->now.local.hour = t / 60;
	f->now.local.min = t % 60;
}

static void
act(struct floor *f, const struct worker *w, enum occ_action a,
    enum operacion op, const struct civil_time *fecha, struct occ_outcome *o)
{
	struct occ_input	in;
	char			version[40], audit[40], token[48];
	size_t			i;

	f->seq++;
	snprintf(version, sizeof(version),
	    "%08d-0000-4000-8000-00000000000v", f->seq);
	snprintf(audit, sizeof(audit), "%08d-0000-4000-8000-00000000000a",
	    f->seq);
	snprintf(token, sizeof(token), "%08d-0000-4000-8000-00000000000t",
	    f->seq);
	memset(&in, 0, sizeof(in));
	in.action = a;
	in.op = op;
	in.row = &f->row;
	in.worker = w;
	in.lock = &f->lock;
	in.lock_token = a == OCC_TOMAR ? token : f->token;
	in.now = &f->now;
	in.fecha_operacion = fecha;
	in.new_version = version;
	in.audit_id = audit;
	occ_decide(&in, o);
	if (!o->ok)
		return;

	/* The row read a moment ago is still the row: the write may go. */
	assert_true(occ_row_unchanged(o, &f->row));
	for (i = 0; i < o->ncells; i++)
		set(f, o->cells[i].field, o->cells[i].value);
	if (o->lock_effect == OCC_LOCK_ACQUIRE) {
		f->lock.held = 1;
		f->lock.worker_id = w->id;
		snprintf(f->holder, sizeof(f->holder), "%s",
		    w->nombre_completo);
		f->lock.holder_nombre = f->holder;
		snprintf(f->token, sizeof(f->token), "%s", token);
	} else {
		memset(&f->lock, 0, sizeof(f->lock));
		f->token[0] = '\0';
	}
	assert_true(f->nlog < LOG_MAX);
	f->log[f->nlog++] = o->audit;
}

/* The cell a decision writes to field, or NULL when it leaves it alone. */
static const struct occ_cell *
written(const struct occ_outcome *o, enum spool_field field)
{
	size_t	i;

	for (i = 0; i < o->ncells; i++) {
		if (o->cells[i].field == field)
			return (&o->cells[i]);
	}
	return (NULL);
}

static void
assert_ok(const struct occ_outcome *o)
{
	if (!o->ok)
		fail_msg("refused %s: %s", occ_error_code(o->fail.error),
		    o->fail.detail);
}

static void
assert_refused(const struct occ_outcome *o, enum occ_error e, int status)
{
	if (o->ok)
		fail_msg("allowed, want %s", occ_error_code(e));
	if (o->fail.error != e)
		fail_msg("%s (%s), want %s", occ_error_code(o->fail.error),
		    o->fail.detail, occ_error_code(e));
	assert_int_equal(occ_error_status(o->fail.error), status);
	assert_string_equal(o->fail.tag_spool, TAG);
	assert_true(o->fail.detail[0] != '\0');
}

static void
assert_cell(const struct occ_outcome *o, enum spool_field field,
    const char *value, int entered)
{
	const struct occ_cell	*c = written(o, field);

	if (c == NULL)
		fail_msg("%s not written", spool_field_header(field));
	assert_string_equal(c->value, value);
	assert_int_equal(c->entered, entered);
}

static void
assert_untouched(const struct occ_outcome *o, enum spool_field field)
{
	if (written(o, field) != NULL)
		fail_msg("%s written", spool_field_header(field));
}

static void
assert_audit(const struct occ_outcome *o, const char *tipo,
    const char *accion, const char *op, const struct worker *w,
    const char *fecha)
{
	const struct audit_record	*a = &o->audit;
	char				 id[24];

	snprintf(id, sizeof(id), "%lld", w->id);
	assert_string_equal(a->evento_tipo, tipo);
	assert_string_equal(a->accion, accion);
	assert_string_equal(a->operacion, op);
	assert_string_equal(a->tag_spool, TAG);
	assert_string_equal(a->worker_id, id);
	assert_string_equal(a->worker_nombre, w->nombre_completo);
	assert_string_equal(a->fecha_operacion, fecha);
	assert_int_equal(strlen(a->timestamp), 19);
	assert_true(uuid4_valid(a->id) || strlen(a->id) == 36);
}

/* The floor cycle, step by step. */
static void
test_floor_cycle(void **state)
{
	struct floor		f;
	struct occ_outcome	o;
	struct civil_time	feb3 = { 2026, 2, 3, 0, 0, 0, 0 };
	char			old_version[64];

	(void)state;
	floor_init(&f, "01-02-2026");

	/* 1. A takes ARM. */
	strcpy(old_version, f.cell[SPOOL_VERSION]);
	act(&f, &A, OCC_TOMAR, OPERACION_ARM, NULL, &o);
	assert_ok(&o);
	assert_int_equal(o.lock_effect, OCC_LOCK_ACQUIRE);
	assert_int_equal(o.expect_occupant, 0);
	assert_string_equal(o.expect_version, old_version);
	assert_cell(&o, SPOOL_OCUPADO_POR, "MR(93)", 0);
	assert_cell(&o, SPOOL_FECHA_OCUPACION, "02-02-2026 08:53:45", 1);
	assert_cell(&o, SPOOL_ARMADOR, "MR(93)", 0);
	assert_cell(&o, SPOOL_VERSION, "00000001-0000-4000-8000-00000000000v",
	    0);
	assert_cell(&o, SPOOL_ESTADO_DETALLE,
	    "MR(93) trabajando ARM (ARM en progreso, SOLD pendiente)", 0);
	assert_untouched(&o, SPOOL_SOLDADOR);
	assert_untouched(&o, SPOOL_FECHA_ARMADO);
	assert_int_equal(o.ncells, 5);
	assert_string_equal(o.message, "Spool " TAG " tomado por MR(93)");
	assert_audit(&o, "TOMAR_SPOOL", "TOMAR", "ARM", &A, "02-02-2026");
	assert_string_equal(o.event.event_type, "TOMAR");

	/* 2. B loses the race: 409 naming A. */
	later(&f, 5);
	act(&f, &B, OCC_TOMAR, OPERACION_ARM, NULL, &o);
	assert_refused(&o, OCC_ERR_SPOOL_OCCUPIED, 409);
	assert_string_equal(o.fail.detail, "El spool '" TAG "' ya está "
	    "ocupado por MR(93). Espera a que termine o elige otro spool.");
	assert_int_equal(o.fail.owner_id, 93);
	assert_string_equal(o.fail.owner_nombre, "MR(93)");

	/* 3. B may not pause what A holds. */
	act(&f, &B, OCC_PAUSAR, OPERACION_ARM, NULL, &o);
	assert_refused(&o, OCC_ERR_NO_AUTORIZADO, 403);
	assert_int_equal(o.fail.owner_id, 93);
	assert_non_null(strstr(o.fail.detail, "MR(93)"));

	/* 4. A pauses. */
	later(&f, 55);
	act(&f, &A, OCC_PAUSAR, OPERACION_ARM, NULL, &o);
	assert_ok(&o);
	assert_int_equal(o.lock_effect, OCC_LOCK_RELEASE);
	assert_int_equal(o.expect_occupant, 93);
	assert_cell(&o, SPOOL_OCUPADO_POR, "", 0);
	assert_cell(&o, SPOOL_FECHA_OCUPACION, "", 0);
	assert_cell(&o, SPOOL_ESTADO_DETALLE,
	    "Disponible - ARM pausado, SOLD pendiente", 0);
	assert_untouched(&o, SPOOL_ARMADOR);
	assert_untouched(&o, SPOOL_FECHA_ARMADO);
	assert_untouched(&o, SPOOL_FECHA_SOLDADURA);
	assert_string_equal(o.message, "Trabajo pausado en " TAG);
	assert_audit(&o, "PAUSAR_SPOOL", "PAUSAR", "ARM", &A, "02-02-2026");
	assert_string_equal(o.event.event_type, "PAUSAR");
	assert_false(f.lock.held);

	/* 5. B takes the hand-off; Armador stays A's. */
	later(&f, 10);
	act(&f, &B, OCC_TOMAR, OPERACION_ARM, NULL, &o);
	assert_ok(&o);
	assert_untouched(&o, SPOOL_ARMADOR);
	assert_cell(&o, SPOOL_OCUPADO_POR, "ÁN(7)", 0);
	assert_cell(&o, SPOOL_ESTADO_DETALLE, "ÁN(7) trabajando ARM "
	    "(ARM en progreso, SOLD pendiente)", 0);
	assert_string_equal(f.cell[SPOOL_ARMADOR], "MR(93)");

	/* 6. B completes ARM today: Fecha_Armado only. */
	later(&f, 120);
	act(&f, &B, OCC_COMPLETAR, OPERACION_ARM, NULL, &o);
	assert_ok(&o);
	assert_cell(&o, SPOOL_FECHA_ARMADO, "02-02-2026", 1);
	assert_untouched(&o, SPOOL_FECHA_SOLDADURA);
	assert_untouched(&o, SPOOL_SOLDADOR);
	assert_untouched(&o, SPOOL_ARMADOR);
	assert_cell(&o, SPOOL_OCUPADO_POR, "", 0);
	assert_cell(&o, SPOOL_ESTADO_DETALLE,
	    "Disponible - ARM completado, SOLD pendiente", 0);
	assert_string_equal(o.message, "Operación completada en " TAG);
	assert_audit(&o, "COMPLETAR_ARM", "COMPLETAR", "ARM", &B,
	    "02-02-2026");
	assert_string_equal(o.event.event_type, "COMPLETAR");

	/* 7. C takes SOLD. */
	later(&f, 30);
	act(&f, &C, OCC_TOMAR, OPERACION_SOLD, NULL, &o);
	assert_ok(&o);
	assert_cell(&o, SPOOL_SOLDADOR, "JP(5)", 0);
	assert_untouched(&o, SPOOL_ARMADOR);
	assert_cell(&o, SPOOL_ESTADO_DETALLE,
	    "JP(5) trabajando SOLD (ARM completado, SOLD en progreso)", 0);
	assert_audit(&o, "TOMAR_SPOOL", "TOMAR", "SOLD", &C, "02-02-2026");

	/* 8. C completes SOLD dated the 3rd: Fecha_Soldadura only. */
	later(&f, 60);
	act(&f, &C, OCC_COMPLETAR, OPERACION_SOLD, &feb3, &o);
	assert_ok(&o);
	assert_cell(&o, SPOOL_FECHA_SOLDADURA, "03-02-2026", 1);
	assert_untouched(&o, SPOOL_FECHA_ARMADO);
	assert_untouched(&o, SPOOL_ARMADOR);
	assert_cell(&o, SPOOL_ESTADO_DETALLE,
	    "Disponible - ARM completado, SOLD completado", 0);
	assert_audit(&o, "COMPLETAR_SOLD", "COMPLETAR", "SOLD", &C,
	    "03-02-2026");

	/* The row as the floor left it. */
	assert_string_equal(f.cell[SPOOL_ARMADOR], "MR(93)");
	assert_string_equal(f.cell[SPOOL_FECHA_ARMADO], "02-02-2026");
	assert_string_equal(f.cell[SPOOL_SOLDADOR], "JP(5)");
	assert_string_equal(f.cell[SPOOL_FECHA_SOLDADURA], "03-02-2026");
	assert_string_equal(f.cell[SPOOL_OCUPADO_POR], "");
	assert_false(f.lock.held);
	assert_int_equal(f.nlog, 6);

	/* Nothing is left to take. */
	act(&f, &A, OCC_TOMAR, OPERACION_ARM, NULL, &o);
	assert_refused(&o, OCC_ERR_INVALID_STATE_TRANSITION, 400);
	act(&f, &B, OCC_TOMAR, OPERACION_SOLD, NULL, &o);
	assert_refused(&o, OCC_ERR_INVALID_STATE_TRANSITION, 400);
}

/* The Metadata rows of the cycle rebuild its three sessions. */
static void
test_floor_history(void **state)
{
	struct floor		f;
	struct occ_outcome	o;
	struct history_event	ev[LOG_MAX];
	struct history		h;
	char			err[128];
	size_t			i;

	(void)state;
	assert_int_equal(zone_init(NULL, err, sizeof(err)), 0);
	floor_init(&f, "01-02-2026");
	act(&f, &A, OCC_TOMAR, OPERACION_ARM, NULL, &o);
	later(&f, 60);
	act(&f, &A, OCC_PAUSAR, OPERACION_ARM, NULL, &o);
	later(&f, 10);
	act(&f, &B, OCC_TOMAR, OPERACION_ARM, NULL, &o);
	later(&f, 135);
	act(&f, &B, OCC_COMPLETAR, OPERACION_ARM, NULL, &o);
	later(&f, 5);
	act(&f, &C, OCC_TOMAR, OPERACION_SOLD, NULL, &o);
	assert_int_equal(f.nlog, 5);

	for (i = 0; i < f.nlog; i++) {
		struct sheets_cell	cells[AUDIT_COLUMNS];

		audit_row(&f.log[i], cells);
		ev[i].timestamp = cells[1].text;
		ev[i].evento_tipo = cells[2].text;
		ev[i].worker_id = cells[4].text;
		ev[i].worker_nombre = cells[5].text;
		ev[i].operacion = cells[6].text;
		ev[i].accion = cells[7].text;
		ev[i].metadata_json = cells[9].text;
		ev[i].n_union = cells[10].text;
	}
	assert_int_equal(history_build(ev, f.nlog, &h), 0);
	assert_int_equal(h.nsessions, 3);
	assert_string_equal(h.sessions[0].worker_nombre, "MR(93)");
	assert_true(h.sessions[0].has_end);
	assert_int_equal(h.sessions[0].end.hour, 9);
	assert_int_equal(h.sessions[0].end.min, 53);
	assert_int_equal(h.sessions[1].worker_id, 7);
	assert_int_equal(h.sessions[1].op, OPERACION_ARM);
	assert_int_equal(h.sessions[2].op, OPERACION_SOLD);
	assert_false(h.sessions[2].has_end);
	history_free(&h);
}

static void
test_dependencies(void **state)
{
	struct floor		f;
	struct occ_outcome	o;

	(void)state;
	/* No Fecha_Materiales: nothing can be taken. */
	floor_init(&f, "");
	act(&f, &A, OCC_TOMAR, OPERACION_ARM, NULL, &o);
	assert_refused(&o, OCC_ERR_DEPENDENCIAS_NO_SATISFECHAS, 400);
	assert_string_equal(o.fail.dependencia_faltante, "Fecha_Materiales");
	assert_string_equal(o.fail.operacion, "ARM");
	assert_false(f.lock.held);

	/* SOLD before ARM was initiated. */
	floor_init(&f, "01-02-2026");
	act(&f, &C, OCC_TOMAR, OPERACION_SOLD, NULL, &o);
	assert_refused(&o, OCC_ERR_DEPENDENCIAS_NO_SATISFECHAS, 400);
	assert_string_equal(o.fail.dependencia_faltante, "ARM");
	assert_string_equal(o.fail.detail, "No se puede tomar SOLD en el "
	    "spool '" TAG "': ARM no ha sido iniciado.");

	/* ARM initiated (paused) is enough for SOLD. */
	act(&f, &A, OCC_TOMAR, OPERACION_ARM, NULL, &o);
	assert_ok(&o);
	act(&f, &A, OCC_PAUSAR, OPERACION_ARM, NULL, &o);
	assert_ok(&o);
	act(&f, &C, OCC_TOMAR, OPERACION_SOLD, NULL, &o);
	assert_ok(&o);
	assert_cell(&o, SPOOL_ESTADO_DETALLE,
	    "JP(5) trabajando SOLD (ARM pausado, SOLD en progreso)", 0);
	/* While C welds, ARM cannot be taken: the spool is held. */
	act(&f, &A, OCC_TOMAR, OPERACION_ARM, NULL, &o);
	assert_refused(&o, OCC_ERR_SPOOL_OCCUPIED, 409);
	act(&f, &C, OCC_PAUSAR, OPERACION_SOLD, NULL, &o);
	assert_ok(&o);
	assert_cell(&o, SPOOL_ESTADO_DETALLE,
	    "Disponible - ARM pausado, SOLD pausado", 0);
}

static void
test_metrologia_and_cancel(void **state)
{
	static const enum occ_action	actions[] = { OCC_TOMAR, OCC_PAUSAR,
		OCC_COMPLETAR, OCC_CANCELAR };
	struct floor			f;
	struct occ_outcome		o;
	size_t				i;

	(void)state;
	floor_init(&f, "01-02-2026");
	for (i = 0; i < NELEM(actions); i++) {
		act(&f, &M, actions[i], OPERACION_METROLOGIA, NULL, &o);
		assert_refused(&o, OCC_ERR_INVALID_STATE_TRANSITION, 400);
		assert_non_null(strstr(o.fail.detail,
		    "/api/metrologia/completar"));
	}
	act(&f, &A, OCC_CANCELAR, OPERACION_ARM, NULL, &o);
	assert_refused(&o, OCC_ERR_INVALID_STATE_TRANSITION, 400);
}

static void
test_worker_checks(void **state)
{
	static const struct {
		const struct worker	*w;
		enum operacion		 op;
		int			 ok;
	} roles[] = {
		{ &A, OPERACION_ARM, 1 }, { &A, OPERACION_SOLD, 0 },
		{ &B, OPERACION_ARM, 1 }, { &B, OPERACION_SOLD, 1 },
		{ &C, OPERACION_ARM, 0 }, { &C, OPERACION_SOLD, 1 },
		{ &M, OPERACION_ARM, 0 }, { &M, OPERACION_SOLD, 0 },
	};
	struct floor		f;
	struct occ_outcome	o;
	size_t			i;

	(void)state;
	floor_init(&f, "01-02-2026");
	act(&f, &I, OCC_TOMAR, OPERACION_ARM, NULL, &o);
	assert_refused(&o, OCC_ERR_WORKER_INACTIVO, 403);
	assert_int_equal(o.fail.worker_id, 30);
	assert_string_equal(o.fail.detail,
	    "El trabajador PS(30) no está activo.");

	for (i = 0; i < NELEM(roles); i++) {
		floor_init(&f, "01-02-2026");
		set(&f, SPOOL_ARMADOR, "MR(93)");	/* SOLD may start */
		act(&f, roles[i].w, OCC_TOMAR, roles[i].op, NULL, &o);
		if (roles[i].ok) {
			assert_ok(&o);
			continue;
		}
		assert_refused(&o, OCC_ERR_ROL_NO_AUTORIZADO, 403);
		assert_non_null(strstr(o.fail.detail,
		    worker_roles_required(roles[i].op)));
	}

	/* A role removed mid-shift stops the next step, too. */
	floor_init(&f, "01-02-2026");
	act(&f, &A, OCC_TOMAR, OPERACION_ARM, NULL, &o);
	assert_ok(&o);
	{
		struct worker	demoted = A;

		demoted.roles = WORKER_ROLE_SOLDADOR;
		act(&f, &demoted, OCC_COMPLETAR, OPERACION_ARM, NULL, &o);
		assert_refused(&o, OCC_ERR_ROL_NO_AUTORIZADO, 403);
		demoted.activo = 0;
		act(&f, &demoted, OCC_PAUSAR, OPERACION_ARM, NULL, &o);
		assert_refused(&o, OCC_ERR_WORKER_INACTIVO, 403);
	}
}

static void
test_lock_discipline(void **state)
{
	struct floor		f;
	struct occ_outcome	o;

	(void)state;
	/* PAUSAR and COMPLETAR with no lock: 410. */
	floor_init(&f, "01-02-2026");
	act(&f, &A, OCC_PAUSAR, OPERACION_ARM, NULL, &o);
	assert_refused(&o, OCC_ERR_LOCK_EXPIRED, 410);
	act(&f, &A, OCC_COMPLETAR, OPERACION_ARM, NULL, &o);
	assert_refused(&o, OCC_ERR_LOCK_EXPIRED, 410);

	/* COMPLETAR by someone else: 403 naming the holder. */
	act(&f, &A, OCC_TOMAR, OPERACION_ARM, NULL, &o);
	assert_ok(&o);
	act(&f, &B, OCC_COMPLETAR, OPERACION_ARM, NULL, &o);
	assert_refused(&o, OCC_ERR_NO_AUTORIZADO, 403);
	assert_int_equal(o.fail.owner_id, 93);
	assert_string_equal(o.fail.owner_nombre, "MR(93)");
	assert_string_equal(o.fail.detail, "No puedes completar el spool '"
	    TAG "': lo tiene tomado MR(93).");

	/* The race loser's view: lock taken, row not yet written. */
	floor_init(&f, "01-02-2026");
	f.lock.held = 1;
	f.lock.worker_id = 93;
	f.lock.holder_nombre = "MR(93)";
	act(&f, &B, OCC_TOMAR, OPERACION_ARM, NULL, &o);
	assert_refused(&o, OCC_ERR_SPOOL_OCCUPIED, 409);
	assert_non_null(strstr(o.fail.detail, "ocupado por MR(93)."));
	/* ... and when the holder's name is not known. */
	f.lock.holder_nombre = NULL;
	act(&f, &B, OCC_TOMAR, OPERACION_ARM, NULL, &o);
	assert_refused(&o, OCC_ERR_SPOOL_OCCUPIED, 409);
	assert_non_null(strstr(o.fail.detail,
	    "ocupado por el trabajador 93."));
	assert_int_equal(o.fail.owner_id, 93);
	assert_string_equal(o.fail.owner_nombre, "");
	/* The holder's own second tap. */
	act(&f, &A, OCC_TOMAR, OPERACION_ARM, NULL, &o);
	assert_refused(&o, OCC_ERR_INVALID_STATE_TRANSITION, 400);

	/* Occupied in Sheets with no lock (Redis lost it): still taken. */
	floor_init(&f, "01-02-2026");
	set(&f, SPOOL_ARMADOR, "MR(93)");
	set(&f, SPOOL_OCUPADO_POR, "MR(93)");
	set(&f, SPOOL_ESTADO_DETALLE, "MR(93) trabajando ARM (ARM en progreso, "
	    "SOLD pendiente)");
	act(&f, &B, OCC_TOMAR, OPERACION_ARM, NULL, &o);
	assert_refused(&o, OCC_ERR_SPOOL_OCCUPIED, 409);
	assert_int_equal(o.fail.owner_id, 93);
	/* Its holder gets 410 on PAUSAR, then takes it back the same way. */
	act(&f, &A, OCC_PAUSAR, OPERACION_ARM, NULL, &o);
	assert_refused(&o, OCC_ERR_LOCK_EXPIRED, 410);
	act(&f, &A, OCC_TOMAR, OPERACION_SOLD, NULL, &o);
	assert_refused(&o, OCC_ERR_ROL_NO_AUTORIZADO, 403);
	{
		struct worker	both = A;

		both.roles |= WORKER_ROLE_SOLDADOR;
		/* One operation of a spool at a time per worker. */
		act(&f, &both, OCC_TOMAR, OPERACION_SOLD, NULL, &o);
		assert_refused(&o, OCC_ERR_INVALID_STATE_TRANSITION, 400);
		assert_non_null(strstr(o.fail.detail, "trabajando ARM"));
	}
	set(&f, SPOOL_FECHA_OCUPACION, "02-02-2026 07:00:00");
	later(&f, 30);
	act(&f, &A, OCC_TOMAR, OPERACION_ARM, NULL, &o);
	assert_ok(&o);
	assert_int_equal(o.expect_occupant, 93);
	assert_true(f.lock.held);
	/* The session goes on: its start stays, in the row and the log. */
	assert_untouched(&o, SPOOL_FECHA_OCUPACION);
	assert_non_null(strstr(o.audit.metadata_json,
	    "\"fecha_ocupacion\":\"02-02-2026 07:00:00\""));
	act(&f, &A, OCC_PAUSAR, OPERACION_ARM, NULL, &o);
	assert_ok(&o);

	/* Lock says A, the row was handed to B by hand: A may not clear it. */
	floor_init(&f, "01-02-2026");
	set(&f, SPOOL_ARMADOR, "MR(93)");
	set(&f, SPOOL_OCUPADO_POR, "ÁN(7)");
	f.lock.held = 1;
	f.lock.worker_id = 93;
	act(&f, &A, OCC_PAUSAR, OPERACION_ARM, NULL, &o);
	assert_refused(&o, OCC_ERR_NO_AUTORIZADO, 403);
	assert_int_equal(o.fail.owner_id, 7);
	assert_string_equal(o.fail.owner_nombre, "ÁN(7)");
}

static void
test_state_transitions(void **state)
{
	struct floor		f;
	struct occ_outcome	o;
	struct worker		both = A;

	(void)state;
	both.roles |= WORKER_ROLE_SOLDADOR;

	/* PAUSAR of what is not in progress (lock held, row free). */
	floor_init(&f, "01-02-2026");
	f.lock.held = 1;
	f.lock.worker_id = 93;
	act(&f, &A, OCC_PAUSAR, OPERACION_ARM, NULL, &o);
	assert_refused(&o, OCC_ERR_INVALID_STATE_TRANSITION, 400);
	assert_string_equal(o.fail.detail,
	    "ARM no está en progreso en el spool '" TAG "'.");

	/* Holding ARM, pausing or completing SOLD is refused. */
	floor_init(&f, "01-02-2026");
	act(&f, &both, OCC_TOMAR, OPERACION_ARM, NULL, &o);
	assert_ok(&o);
	act(&f, &both, OCC_PAUSAR, OPERACION_SOLD, NULL, &o);
	assert_refused(&o, OCC_ERR_INVALID_STATE_TRANSITION, 400);
	assert_string_equal(o.fail.detail, "En el spool '" TAG "' estás "
	    "trabajando ARM, no SOLD.");
	act(&f, &both, OCC_COMPLETAR, OPERACION_SOLD, NULL, &o);
	assert_refused(&o, OCC_ERR_INVALID_STATE_TRANSITION, 400);
	/* Nor can they take SOLD on top. */
	act(&f, &both, OCC_TOMAR, OPERACION_SOLD, NULL, &o);
	assert_refused(&o, OCC_ERR_INVALID_STATE_TRANSITION, 400);
	act(&f, &both, OCC_COMPLETAR, OPERACION_ARM, NULL, &o);
	assert_ok(&o);

	/* Completed: TOMAR 400 INVALID_STATE_TRANSITION, COMPLETAR 400 YA. */
	act(&f, &both, OCC_TOMAR, OPERACION_ARM, NULL, &o);
	assert_refused(&o, OCC_ERR_INVALID_STATE_TRANSITION, 400);
	assert_string_equal(o.fail.detail,
	    "ARM ya está completado en el spool '" TAG "'.");
	act(&f, &both, OCC_TOMAR, OPERACION_SOLD, NULL, &o);
	assert_ok(&o);
	act(&f, &both, OCC_COMPLETAR, OPERACION_ARM, NULL, &o);
	assert_refused(&o, OCC_ERR_OPERACION_YA_COMPLETADA, 400);
	act(&f, &both, OCC_PAUSAR, OPERACION_ARM, NULL, &o);
	assert_refused(&o, OCC_ERR_INVALID_STATE_TRANSITION, 400);
	act(&f, &both, OCC_COMPLETAR, OPERACION_SOLD, NULL, &o);
	assert_ok(&o);
}

/* Neither completion writes the other's date, whatever the row holds. */
static void
test_completion_columns(void **state)
{
	static const struct {
		enum operacion		 op;
		enum spool_field	 mine, other;
		const char		*tipo;
	} cases[] = {
		{ OPERACION_ARM, SPOOL_FECHA_ARMADO, SPOOL_FECHA_SOLDADURA,
		    "COMPLETAR_ARM" },
		{ OPERACION_SOLD, SPOOL_FECHA_SOLDADURA, SPOOL_FECHA_ARMADO,
		    "COMPLETAR_SOLD" },
	};
	struct floor		f;
	struct occ_outcome	o;
	struct civil_time	jan15 = { 2026, 1, 15, 0, 0, 0, 0 };
	size_t			i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		floor_init(&f, "01-01-2026");
		if (cases[i].op == OPERACION_SOLD) {
			set(&f, SPOOL_ARMADOR, "MR(93)");
			set(&f, SPOOL_FECHA_ARMADO, "10-01-2026");
		}
		act(&f, &B, OCC_TOMAR, cases[i].op, NULL, &o);
		assert_ok(&o);
		act(&f, &B, OCC_COMPLETAR, cases[i].op, &jan15, &o);
		assert_ok(&o);
		assert_cell(&o, cases[i].mine, "15-01-2026", 1);
		assert_untouched(&o, cases[i].other);
		assert_string_equal(o.audit.evento_tipo, cases[i].tipo);
		assert_string_equal(o.audit.operacion,
		    operacion_name(cases[i].op));
		assert_string_equal(o.audit.fecha_operacion, "15-01-2026");
	}
}

/* Rows occupied before v3.0, or edited by hand. */
static void
test_legacy_rows(void **state)
{
	struct floor		f;
	struct occ_outcome	o;
	struct worker		both = A;

	(void)state;
	both.roles |= WORKER_ROLE_SOLDADOR;

	/* Occupied without Armador: pausing records who worked. */
	floor_init(&f, "01-02-2026");
	set(&f, SPOOL_OCUPADO_POR, "MR(93)");
	f.lock.held = 1;
	f.lock.worker_id = 93;
	act(&f, &A, OCC_PAUSAR, OPERACION_ARM, NULL, &o);
	assert_ok(&o);
	assert_cell(&o, SPOOL_ARMADOR, "MR(93)", 0);
	assert_cell(&o, SPOOL_ESTADO_DETALLE,
	    "Disponible - ARM pausado, SOLD pendiente", 0);

	/* Which operation the row does not say: the holder's word goes. */
	floor_init(&f, "01-02-2026");
	set(&f, SPOOL_ARMADOR, "MR(93)");
	set(&f, SPOOL_OCUPADO_POR, "MR(93)");
	set(&f, SPOOL_ESTADO_DETALLE, "revisar");
	f.lock.held = 1;
	f.lock.worker_id = 93;
	act(&f, &both, OCC_PAUSAR, OPERACION_SOLD, NULL, &o);
	assert_ok(&o);
	assert_cell(&o, SPOOL_SOLDADOR, "MR(93)", 0);
	assert_cell(&o, SPOOL_ESTADO_DETALLE,
	    "Disponible - ARM pausado, SOLD pausado", 0);
}

static void
test_reparacion(void **state)
{
	struct floor		f;
	struct occ_outcome	o;

	(void)state;
	floor_init(&f, "01-01-2026");
	set(&f, SPOOL_ARMADOR, "MR(93)");
	set(&f, SPOOL_FECHA_ARMADO, "10-01-2026");
	set(&f, SPOOL_SOLDADOR, "JP(5)");
	set(&f, SPOOL_FECHA_SOLDADURA, "12-01-2026");

	/* Not rejected: nothing to repair. */
	act(&f, &A, OCC_TOMAR, OPERACION_REPARACION, NULL, &o);
	assert_refused(&o, OCC_ERR_INVALID_STATE_TRANSITION, 400);

	set(&f, SPOOL_ESTADO_DETALLE,
	    "RECHAZADO (Ciclo 2/3) - Pendiente reparación");
	/* Any active worker may repair, whatever the role. */
	act(&f, &M, OCC_TOMAR, OPERACION_REPARACION, NULL, &o);
	assert_ok(&o);
	assert_cell(&o, SPOOL_ESTADO_DETALLE,
	    "EN_REPARACION (Ciclo 2/3) - Ocupado: CM(20)", 0);
	assert_cell(&o, SPOOL_OCUPADO_POR, "CM(20)", 0);
	assert_audit(&o, "TOMAR_REPARACION", "TOMAR", "REPARACION", &M,
	    "02-02-2026");
	assert_string_equal(o.event.event_type, "TOMAR_REPARACION");

	act(&f, &A, OCC_TOMAR, OPERACION_REPARACION, NULL, &o);
	assert_refused(&o, OCC_ERR_SPOOL_OCCUPIED, 409);
	act(&f, &A, OCC_PAUSAR, OPERACION_REPARACION, NULL, &o);
	assert_refused(&o, OCC_ERR_NO_AUTORIZADO, 403);

	act(&f, &M, OCC_PAUSAR, OPERACION_REPARACION, NULL, &o);
	assert_ok(&o);
	assert_cell(&o, SPOOL_ESTADO_DETALLE,
	    "REPARACION_PAUSADA (Ciclo 2/3)", 0);
	assert_audit(&o, "PAUSAR_REPARACION", "PAUSAR", "REPARACION", &M,
	    "02-02-2026");

	act(&f, &A, OCC_TOMAR, OPERACION_REPARACION, NULL, &o);
	assert_ok(&o);
	act(&f, &A, OCC_CANCELAR, OPERACION_REPARACION, NULL, &o);
	assert_ok(&o);
	assert_cell(&o, SPOOL_ESTADO_DETALLE,
	    "RECHAZADO (Ciclo 2/3) - Pendiente reparación", 0);
	assert_audit(&o, "CANCELAR_REPARACION", "CANCELAR", "REPARACION", &A,
	    "02-02-2026");
	assert_string_equal(o.message, "Reparación cancelada en " TAG);

	act(&f, &A, OCC_TOMAR, OPERACION_REPARACION, NULL, &o);
	assert_ok(&o);
	act(&f, &A, OCC_COMPLETAR, OPERACION_REPARACION, NULL, &o);
	assert_ok(&o);
	/* Back to inspection, with its cycle: the count lives in the text. */
	assert_cell(&o, SPOOL_ESTADO_DETALLE,
	    "PENDIENTE_METROLOGIA (Ciclo 2/3)", 0);
	assert_untouched(&o, SPOOL_FECHA_ARMADO);
	assert_untouched(&o, SPOOL_FECHA_SOLDADURA);
	assert_audit(&o, "COMPLETAR_REPARACION", "COMPLETAR", "REPARACION",
	    &A, "02-02-2026");
	act(&f, &A, OCC_TOMAR, OPERACION_REPARACION, NULL, &o);
	assert_refused(&o, OCC_ERR_INVALID_STATE_TRANSITION, 400);

	/* The third rejection blocks. */
	set(&f, SPOOL_ESTADO_DETALLE, "BLOQUEADO - Contactar supervisor");
	act(&f, &A, OCC_TOMAR, OPERACION_REPARACION, NULL, &o);
	assert_refused(&o, OCC_ERR_SPOOL_BLOQUEADO, 403);
	/* floor.md §3's words, which the tablet shows as they are. */
	assert_string_equal(o.fail.detail, "Spool bloqueado después de 3 "
	    "rechazos. Contactar supervisor.");
	set(&f, SPOOL_ESTADO_DETALLE, "RECHAZADO (Ciclo 3/3)");
	act(&f, &A, OCC_TOMAR, OPERACION_REPARACION, NULL, &o);
	assert_refused(&o, OCC_ERR_SPOOL_BLOQUEADO, 403);
}

static void
test_row_unchanged(void **state)
{
	struct floor		f;
	struct occ_outcome	o;
	struct occ_input	in;
	char			long_version[OCC_VERSION_MAX + 50];

	(void)state;
	floor_init(&f, "01-02-2026");
	memset(&in, 0, sizeof(in));
	in.action = OCC_TOMAR;
	in.op = OPERACION_ARM;
	in.row = &f.row;
	in.worker = &A;
	in.lock = &f.lock;
	in.lock_token = "t";
	in.now = &f.now;
	in.new_version = "v2";
	in.audit_id = "a";
	occ_decide(&in, &o);
	assert_ok(&o);
	assert_true(occ_row_unchanged(&o, &f.row));

	/* Someone else wrote the row in between (a new version). */
	set(&f, SPOOL_VERSION, "ffffffff-0000-4000-8000-000000000000");
	assert_false(occ_row_unchanged(&o, &f.row));
	set(&f, SPOOL_VERSION, "00000000-0000-4000-8000-000000000000");
	/* A person typed a name into Ocupado_Por. */
	set(&f, SPOOL_OCUPADO_POR, "JP(5)");
	assert_false(occ_row_unchanged(&o, &f.row));
	set(&f, SPOOL_OCUPADO_POR, "");
	/* Rows shifted: another tag at that position. */
	set(&f, SPOOL_TAG, "MK-OTHER");
	assert_false(occ_row_unchanged(&o, &f.row));
	set(&f, SPOOL_TAG, " " TAG " ");
	assert_true(occ_row_unchanged(&o, &f.row));

	/* An over-long version is compared by what fits. */
	memset(long_version, 'x', sizeof(long_version) - 1);
	long_version[sizeof(long_version) - 1] = '\0';
	set(&f, SPOOL_VERSION, long_version);
	set(&f, SPOOL_TAG, TAG);
	occ_decide(&in, &o);
	assert_ok(&o);
	assert_true(occ_row_unchanged(&o, &f.row));

	/* PAUSAR expects its own worker still in the row. */
	floor_init(&f, "01-02-2026");
	act(&f, &A, OCC_TOMAR, OPERACION_ARM, NULL, &o);
	in.action = OCC_PAUSAR;
	in.lock_token = f.token;
	occ_decide(&in, &o);
	assert_ok(&o);
	assert_true(occ_row_unchanged(&o, &f.row));
	set(&f, SPOOL_OCUPADO_POR, "");
	assert_false(occ_row_unchanged(&o, &f.row));
}

static yajl_val
parse(const char *text, size_t len)
{
	yajl_val	 v;
	char		*copy, err[128];

	copy = strndup(text, len);
	assert_non_null(copy);
	assert_null(strchr(copy, '\n'));
	if ((v = yajl_tree_parse(copy, err, sizeof(err))) == NULL)
		fail_msg("%s: %s", err, copy);
	free(copy);
	return (v);
}

static yajl_val
get(yajl_val obj, const char *key)
{
	const char	*path[] = { key, NULL };

	return (yajl_tree_get(obj, path, yajl_t_any));
}

static const char *
str(yajl_val obj, const char *key)
{
	yajl_val	v = get(obj, key);

	if (v == NULL || !YAJL_IS_STRING(v))
		fail_msg("\"%s\" is not a string", key);
	return (v->u.string);
}

static void
test_audit_row(void **state)
{
	struct floor		 f;
	struct occ_outcome	 o;
	struct sheets_cell	 cells[AUDIT_COLUMNS];
	yajl_val		 v;
	size_t			 i;

	(void)state;
	floor_init(&f, "01-02-2026");
	act(&f, &A, OCC_TOMAR, OPERACION_ARM, NULL, &o);
	assert_ok(&o);
	audit_row(&o.audit, cells);
	assert_string_equal(audit_header(0), "ID");
	assert_string_equal(audit_header(9), "Metadata_JSON");
	assert_string_equal(audit_header(10), "N_UNION");
	assert_string_equal(audit_header(11), "");
	assert_string_equal(cells[0].text,
	    "00000001-0000-4000-8000-00000000000a");
	assert_string_equal(cells[1].text, "02-02-2026 08:53:45");
	assert_string_equal(cells[2].text, "TOMAR_SPOOL");
	assert_string_equal(cells[3].text, TAG);
	assert_string_equal(cells[4].text, "93");
	assert_string_equal(cells[5].text, "MR(93)");
	assert_string_equal(cells[6].text, "ARM");
	assert_string_equal(cells[7].text, "TOMAR");
	assert_string_equal(cells[8].text, "02-02-2026");
	assert_string_equal(cells[10].text, "");
	/*
	 * Dates and numbers as typed, the rest as text.  N_UNION (K) is a
	 * number: the group commit always sent it typed; this test said text.
	 */
	for (i = 0; i < AUDIT_COLUMNS; i++)
		assert_int_equal(cells[i].kind, i == 1 || i == 4 || i == 8 ||
		    i == 10 ? SHEETS_CELL_ENTERED : SHEETS_CELL_TEXT);

	v = parse(cells[9].text, strlen(cells[9].text));
	assert_string_equal(str(v, "lock_token"),
	    "00000001-0000-4000-8000-00000000000t");
	assert_string_equal(str(v, "fecha_ocupacion"), "02-02-2026 08:53:45");
	assert_string_equal(str(v, "version_anterior"),
	    "00000000-0000-4000-8000-000000000000");
	assert_string_equal(str(v, "version"),
	    "00000001-0000-4000-8000-00000000000v");
	assert_string_equal(str(v, "estado_detalle"),
	    "MR(93) trabajando ARM (ARM en progreso, SOLD pendiente)");
	yajl_tree_free(v);

	/* PAUSAR logs the session's start and the lock it releases. */
	later(&f, 90);
	act(&f, &A, OCC_PAUSAR, OPERACION_ARM, NULL, &o);
	assert_ok(&o);
	v = parse(o.audit.metadata_json, strlen(o.audit.metadata_json));
	assert_string_equal(str(v, "lock_token"),
	    "00000001-0000-4000-8000-00000000000t");
	assert_string_equal(str(v, "fecha_ocupacion"), "02-02-2026 08:53:45");
	yajl_tree_free(v);
	assert_string_equal(o.audit.timestamp, "02-02-2026 10:23:45");

	/* Hostile cells cannot break the JSON nor overflow it. */
	floor_init(&f, "01-02-2026");
	memset(f.cell[SPOOL_VERSION], '"', sizeof(f.cell[0]) - 1);
	f.cell[SPOOL_VERSION][sizeof(f.cell[0]) - 1] = '\0';
	f.cell[SPOOL_VERSION][3] = '\n';
	act(&f, &A, OCC_TOMAR, OPERACION_ARM, NULL, &o);
	assert_ok(&o);
	v = parse(o.audit.metadata_json, strlen(o.audit.metadata_json));
	assert_true(strlen(str(v, "version_anterior")) <= 64);
	yajl_tree_free(v);
}

static char *
gen(void (*fn)(yajl_gen, const void *), const void *arg, size_t *lenp)
{
	yajl_gen	 g = json_out_new();
	const char	*t;
	char		*s;

	assert_non_null(g);
	fn(g, arg);
	t = json_out_text(g, lenp);
	s = strndup(t, *lenp);
	assert_non_null(s);
	yajl_gen_free(g);
	return (s);
}

static void
write_response(yajl_gen g, const void *arg)
{
	occ_response_write(g, arg);
}

static void
write_event(yajl_gen g, const void *arg)
{
	occ_event_write(g, arg);
}

static void
test_bodies(void **state)
{
	struct floor		 f;
	struct occ_outcome	 o[3];
	yajl_val		 v, d, item;
	yajl_gen		 g;
	const char		*t;
	char			*s;
	size_t			 len;

	(void)state;
	floor_init(&f, "01-02-2026");
	act(&f, &A, OCC_TOMAR, OPERACION_ARM, NULL, &o[0]);
	assert_ok(&o[0]);
	s = gen(write_response, &o[0], &len);
	assert_string_equal(s, "{\"success\":true,\"tag_spool\":\"" TAG "\","
	    "\"message\":\"Spool " TAG " tomado por MR(93)\","
	    "\"action_taken\":\"TOMAR\",\"new_state\":\"MR(93) trabajando ARM "
	    "(ARM en progreso, SOLD pendiente)\",\"unions_processed\":null,"
	    "\"pulgadas\":null,\"metrologia_triggered\":null}");
	free(s);

	/* The publisher stamps "event_id": the body must be one it takes. */
	s = gen(write_event, &o[0].event, &len);
	assert_string_equal(s, "{\"event_type\":\"TOMAR\",\"type\":\"TOMAR\","
	    "\"tag_spool\":\"" TAG "\",\"worker_nombre\":\"MR(93)\","
	    "\"worker\":\"MR(93)\",\"worker_id\":93,"
	    "\"operacion\":\"ARM\",\"estado_detalle\":\"MR(93) trabajando ARM "
	    "(ARM en progreso, SOLD pendiente)\",\"timestamp\":"
	    "\"2026-02-02T08:53:45-03:00\",\"timestamp_sheets\":\"02-02-2026 "
	    "08:53:45\"}");
	assert_true(event_log_body_valid(s, len));
	free(s);

	/* The api.md §1 example, exactly. */
	act(&f, &B, OCC_TOMAR, OPERACION_ARM, NULL, &o[1]);
	s = gen(write_response, &o[1], &len);
	assert_string_equal(s, "{\"detail\":\"El spool '" TAG "' ya está "
	    "ocupado por MR(93). Espera a que termine o elige otro spool.\","
	    "\"error\":\"SPOOL_OCCUPIED\",\"message\":\"El spool '" TAG "' ya "
	    "está ocupado por MR(93). Espera a que termine o elige otro "
	    "spool.\",\"success\":false,\"data\":{\"tag_spool\":\"" TAG "\","
	    "\"owner_id\":93,\"owner_nombre\":\"MR(93)\"}}");
	free(s);

	/* Batch: items in request order, failures in their short form. */
	occ_fail_spool_not_found(&o[2], "MK-404");
	assert_int_equal(occ_error_status(o[2].fail.error), 404);
	g = json_out_new();
	occ_batch_write(g, o, 3);
	t = json_out_text(g, &len);
	v = parse(t, len);
	yajl_gen_free(g);
	assert_int_equal(YAJL_GET_INTEGER(get(v, "total")), 3);
	assert_int_equal(YAJL_GET_INTEGER(get(v, "succeeded")), 1);
	assert_int_equal(YAJL_GET_INTEGER(get(v, "failed")), 2);
	d = get(v, "details");
	assert_true(YAJL_IS_ARRAY(d));
	assert_int_equal(d->u.array.len, 3);
	item = d->u.array.values[0];
	assert_true(YAJL_IS_TRUE(get(item, "success")));
	assert_string_equal(str(item, "action_taken"), "TOMAR");
	item = d->u.array.values[1];
	assert_true(YAJL_IS_FALSE(get(item, "success")));
	assert_string_equal(str(item, "tag_spool"), TAG);
	assert_string_equal(str(item, "error"), "SPOOL_OCCUPIED");
	assert_non_null(strstr(str(item, "message"), "MR(93)"));
	item = d->u.array.values[2];
	assert_string_equal(str(item, "tag_spool"), "MK-404");
	assert_string_equal(str(item, "error"), "SPOOL_NO_ENCONTRADO");
	assert_string_equal(str(item, "message"), "El spool 'MK-404' no "
	    "existe.");
	yajl_tree_free(v);

	occ_fail_worker_not_found(&o[2], TAG, 404);
	assert_string_equal(occ_error_code(o[2].fail.error),
	    "WORKER_NO_ENCONTRADO");
	assert_int_equal(o[2].fail.worker_id, 404);
	occ_fail_other(&o[2], OCC_ERR_SHEETS_UNAVAILABLE, TAG,
	    "Google Sheets no responde.");
	assert_int_equal(occ_error_status(o[2].fail.error), 503);
	assert_string_equal(o[2].fail.detail, "Google Sheets no responde.");

	/* DEPENDENCIAS carries dependencia_faltante and operacion. */
	floor_init(&f, "");
	act(&f, &A, OCC_TOMAR, OPERACION_ARM, NULL, &o[0]);
	s = gen(write_response, &o[0], &len);
	v = parse(s, len);
	free(s);
	d = get(v, "data");
	assert_string_equal(str(d, "dependencia_faltante"),
	    "Fecha_Materiales");
	assert_string_equal(str(d, "operacion"), "ARM");
	assert_null(get(d, "owner_id"));
	yajl_tree_free(v);
}

/*
 * REQUIRE_LOCK_TOKEN: the holder's own lock without its proof is refused
 * like someone else's (403), before anything is decided or written; a
 * lock of another worker still names them; TOMAR needs no token, and its
 * answer carries the one the caller set.
 */
static void
test_lock_token_refused(void **state)
{
	struct floor		f;
	struct occ_outcome	o;
	yajl_val		v;
	char			*s;
	size_t			len;

	(void)state;
	floor_init(&f, "01-02-2026");
	act(&f, &A, OCC_TOMAR, OPERACION_ARM, NULL, &o);
	assert_ok(&o);
	f.lock.token_refused = 1;
	act(&f, &A, OCC_PAUSAR, OPERACION_ARM, NULL, &o);
	assert_refused(&o, OCC_ERR_NO_AUTORIZADO, 403);
	assert_non_null(strstr(o.fail.detail, "lock_token"));
	assert_int_equal(o.ncells, 0);
	act(&f, &A, OCC_COMPLETAR, OPERACION_ARM, NULL, &o);
	assert_refused(&o, OCC_ERR_NO_AUTORIZADO, 403);
	act(&f, &B, OCC_PAUSAR, OPERACION_ARM, NULL, &o);
	assert_refused(&o, OCC_ERR_NO_AUTORIZADO, 403);
	assert_int_equal(o.fail.owner_id, 93);
	f.lock.token_refused = 0;
	act(&f, &A, OCC_PAUSAR, OPERACION_ARM, NULL, &o);
	assert_ok(&o);

	/* No lock: nothing to prove, the answer stays 410. */
	f.lock.token_refused = 1;
	act(&f, &A, OCC_PAUSAR, OPERACION_ARM, NULL, &o);
	assert_refused(&o, OCC_ERR_LOCK_EXPIRED, 410);
	act(&f, &A, OCC_TOMAR, OPERACION_ARM, NULL, &o);
	assert_ok(&o);
	snprintf(o.lock_token, sizeof(o.lock_token), "%s",
	    "00112233445566778899aabbccddeeff");
	s = gen(write_response, &o, &len);
	v = parse(s, len);
	free(s);
	assert_string_equal(str(v, "lock_token"),
	    "00112233445566778899aabbccddeeff");
	yajl_tree_free(v);
	/* Never in the event, nor in the audit row. */
	s = gen(write_event, &o.event, &len);
	assert_null(strstr(s, "00112233445566778899aabbccddeeff"));
	free(s);
	assert_null(strstr(o.audit.metadata_json,
	    "00112233445566778899aabbccddeeff"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_floor_cycle),
		cmocka_unit_test(test_floor_history),
		cmocka_unit_test(test_dependencies),
		cmocka_unit_test(test_metrologia_and_cancel),
		cmocka_unit_test(test_worker_checks),
		cmocka_unit_test(test_lock_discipline),
		cmocka_unit_test(test_state_transitions),
		cmocka_unit_test(test_completion_columns),
		cmocka_unit_test(test_legacy_rows),
		cmocka_unit_test(test_reparacion),
		cmocka_unit_test(test_row_unchanged),
		cmocka_unit_test(test_audit_row),
		cmocka_unit_test(test_bodies),
		cmocka_unit_test(test_lock_token_refused),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
