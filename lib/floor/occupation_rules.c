/*
 * TOMAR / PAUSAR / COMPLETAR / CANCELAR decisions; see occupation_rules.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "json_out.h"
#include "occupation_rules.h"
#include "utf8.h"

/* Bound of each text copied into Metadata_JSON; see audit_json(). */
#define AUDIT_TEXT_MAX		65

static const char *const action_names[OCC_ACTION_COUNT] = {
	[OCC_TOMAR] = "TOMAR",
	[OCC_PAUSAR] = "PAUSAR",
	[OCC_COMPLETAR] = "COMPLETAR",
	[OCC_CANCELAR] = "CANCELAR",
};

/* floor.md §3, word for word: the tablet shows it as it is. */
#define SPOOL_BLOQUEADO_TEXT \
	"Spool bloqueado después de 3 rechazos. Contactar supervisor."

/* Spanish verbs for "No puedes %s el spool". */
static const char *const action_verbs[OCC_ACTION_COUNT] = {
	[OCC_TOMAR] = "tomar",
	[OCC_PAUSAR] = "pausar",
	[OCC_COMPLETAR] = "completar",
	[OCC_CANCELAR] = "cancelar",
};

/* Everything one decision works with. */
struct decision {
	const struct occ_input	*in;
	struct occ_outcome	*out;
	struct spool_state	 st;
	const char		*tag;		/* the row's, bounded copy */
	const char		*label;		/* worker's nombre_completo */
};

const char *
occ_action_name(enum occ_action a)
{
	return ((unsigned int)a < OCC_ACTION_COUNT ? action_names[a] : "");
}

static void
vfail(struct occ_outcome *o, enum occ_error e, const char *tag,
    const char *fmt, va_list ap)
{
	memset(o, 0, sizeof(*o));
	o->fail.error = e;
	(void)utf8_copy(o->fail.tag_spool, sizeof(o->fail.tag_spool), tag);
	(void)vsnprintf(o->fail.detail, sizeof(o->fail.detail), fmt, ap);
}

static void	fail(struct occ_outcome *, enum occ_error, const char *tag,
		    const char *fmt, ...)
		    __attribute__((format(printf, 4, 5)));

static void
fail(struct occ_outcome *o, enum occ_error e, const char *tag,
    const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vfail(o, e, tag, fmt, ap);
	va_end(ap);
}

void
occ_fail_spool_not_found(struct occ_outcome *o, const char *tag)
{
	fail(o, OCC_ERR_SPOOL_NO_ENCONTRADO, tag,
	    "El spool '%s' no existe.", tag);
}

void
occ_fail_worker_not_found(struct occ_outcome *o, const char *tag,
    long long worker_id)
{
	fail(o, OCC_ERR_WORKER_NO_ENCONTRADO, tag,
	    "El trabajador con id %lld no existe.", worker_id);
	o->fail.worker_id = worker_id;
}

void
occ_fail_other(struct occ_outcome *o, enum occ_error e, const char *tag,
    const char *detail)
{
	fail(o, e, tag, "%s", detail);
}

/* data.owner_*: who holds the spool, as far as it is known. */
static void
set_owner(struct occ_outcome *o, long long id, const char *nombre)
{
	o->fail.owner_id = id > 0 ? id : 0;
	if (nombre != NULL)
		(void)utf8_copy(o->fail.owner_nombre,
		    sizeof(o->fail.owner_nombre), nombre);
}

/*
 * The holder's label for messages: the lock holder's from Trabajadores,
 * else the row's when it names the same worker, else by id.
 */
static const char *
holder_label(const struct decision *d, long long id, char *buf, size_t len)
{
	const struct occ_lock	*lk = d->in->lock;

	if (lk->held && lk->worker_id == id && lk->holder_nombre != NULL &&
	    lk->holder_nombre[0] != '\0')
		return (lk->holder_nombre);
	if (d->st.occupied && (d->st.occupant_id == id || id <= 0))
		return (d->st.occupant);
	(void)snprintf(buf, len, "el trabajador %lld", id);
	return (buf);
}

static void
fail_occupied(struct decision *d, long long id)
{
	char		 buf[48];
	const char	*who = holder_label(d, id, buf, sizeof(buf));

	fail(d->out, OCC_ERR_SPOOL_OCCUPIED, d->tag,
	    "El spool '%s' ya está ocupado por %s. Espera a que "
	    "termine o elige otro spool.", d->tag, who);
	set_owner(d->out, id, who == buf ? NULL : who);
}

static void
fail_not_holder(struct decision *d, long long id)
{
	char		 buf[48];
	const char	*who = holder_label(d, id, buf, sizeof(buf));

	if (d->in->v4_route)
		fail(d->out, OCC_ERR_NO_AUTORIZADO, d->tag, "No estás "
		    "autorizado: el spool '%s' lo tiene tomado %s, y solo "
		    "quien lo inició puede finalizarlo.", d->tag, who);
	else
		fail(d->out, OCC_ERR_NO_AUTORIZADO, d->tag,
		    "No puedes %s el spool '%s': lo tiene tomado %s.",
		    action_verbs[d->in->action], d->tag, who);
	set_owner(d->out, id, who == buf ? NULL : who);
}

static void
fail_state(struct decision *d, enum occ_error e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
fail_state(struct decision *d, enum occ_error e, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vfail(d->out, e, d->tag, fmt, ap);
	va_end(ap);
	d->out->fail.operacion = operacion_name(d->in->op);
}

/* Copies text for Metadata_JSON: bounded, control characters left out. */
static void
audit_text(char out[AUDIT_TEXT_MAX], const char *src)
{
	char	tmp[AUDIT_TEXT_MAX];
	size_t	i, n = 0;

	(void)utf8_copy(tmp, sizeof(tmp), src);
	for (i = 0; tmp[i] != '\0'; i++) {
		if ((unsigned char)tmp[i] >= 0x20 && tmp[i] != 0x7f)
			out[n++] = tmp[i];
	}
	out[n] = '\0';
}

/*
 * Metadata_JSON: the lock token, the session's start, the versions before
 * and after, the new Estado_Detalle.  Four texts of at most 64 bytes and
 * one under SPOOL_DETALLE_MAX, none with control characters, so yajl at
 * most doubles them (\" and \\); keys and punctuation take under 100.
 */
_Static_assert(2 * (4 * (AUDIT_TEXT_MAX - 1) + SPOOL_DETALLE_MAX - 1) + 130 <=
    AUDIT_METADATA_JSON_MAX, "Metadata_JSON could be cut short");

static void
audit_json(struct decision *d, const char *fecha_ocupacion)
{
	struct audit_record	*a = &d->out->audit;
	yajl_gen		 g;
	const char		*text;
	char			 buf[AUDIT_TEXT_MAX];
	size_t			 len;

	if ((g = json_out_new()) == NULL) {
		(void)snprintf(a->metadata_json, sizeof(a->metadata_json),
		    "{}");
		return;
	}
	yajl_gen_map_open(g);
	audit_text(buf, d->in->lock_token);
	json_kstr(g, "lock_token", buf);
	audit_text(buf, fecha_ocupacion);
	json_kstr(g, "fecha_ocupacion", buf);
	audit_text(buf, d->in->row->f[SPOOL_VERSION]);
	json_kstr(g, "version_anterior", buf);
	audit_text(buf, d->in->new_version);
	json_kstr(g, "version", buf);
	json_kstr(g, "estado_detalle", d->out->estado_detalle);
	if (d->in->v4_route && d->in->action == OCC_TOMAR)
		json_kstr(g, "v4_operation", "INICIAR");
	yajl_gen_map_close(g);
	text = json_out_text(g, &len);
	(void)snprintf(a->metadata_json, sizeof(a->metadata_json), "%.*s",
	    (int)len, text);
	yajl_gen_free(g);
}

static void
add_cell(struct occ_outcome *o, enum spool_field f, const char *value,
    int entered)
{
	struct occ_cell	*c = &o->cells[o->ncells++];

	c->field = f;
	(void)utf8_copy(c->value, sizeof(c->value), value);
	c->entered = entered;
}

/* The audit row, the event and the reply of an allowed decision. */
static void
finish(struct decision *d, const char *evento_tipo, const char *event_type,
    const struct civil_time *fecha, const char *fecha_ocupacion)
{
	const struct occ_input	*in = d->in;
	struct occ_outcome	*o = d->out;
	struct audit_record	*a = &o->audit;
	struct occ_event	*ev = &o->event;
	char			 ts[SHEET_TIMESTAMP_LEN];

	o->ok = 1;
	o->action = in->action;
	(void)utf8_copy(o->tag_spool, sizeof(o->tag_spool), d->tag);
	(void)utf8_copy(o->expect_version, sizeof(o->expect_version),
	    in->row->f[SPOOL_VERSION]);
	add_cell(o, SPOOL_VERSION, in->new_version, 0);
	add_cell(o, SPOOL_ESTADO_DETALLE, o->estado_detalle, 0);

	sheet_timestamp_format(&in->now->local, ts);
	(void)utf8_copy(a->id, sizeof(a->id), in->audit_id);
	memcpy(a->timestamp, ts, sizeof(ts));
	a->evento_tipo = evento_tipo;
	(void)utf8_copy(a->tag_spool, sizeof(a->tag_spool), d->tag);
	(void)snprintf(a->worker_id, sizeof(a->worker_id), "%lld",
	    in->worker->id);
	(void)utf8_copy(a->worker_nombre, sizeof(a->worker_nombre), d->label);
	a->operacion = operacion_name(in->op);
	a->accion = occ_action_name(in->action);
	sheet_date_format(fecha, a->fecha_operacion);
	audit_json(d, fecha_ocupacion);

	ev->event_type = event_type;
	(void)utf8_copy(ev->tag_spool, sizeof(ev->tag_spool), d->tag);
	(void)utf8_copy(ev->worker_nombre, sizeof(ev->worker_nombre),
	    d->label);
	ev->worker_id = in->worker->id;
	ev->operacion = operacion_name(in->op);
	memcpy(ev->estado_detalle, o->estado_detalle,
	    sizeof(ev->estado_detalle));
	memcpy(ev->timestamp, ts, sizeof(ts));
}

/* The worker column and completion date column of ARM or SOLD. */
static enum spool_field
worker_field(enum operacion op)
{
	return (op == OPERACION_ARM ? SPOOL_ARMADOR : SPOOL_SOLDADOR);
}

static enum spool_field
date_field(enum operacion op)
{
	return (op == OPERACION_ARM ? SPOOL_FECHA_ARMADO :
	    SPOOL_FECHA_SOLDADURA);
}

/*
 * 1 when op is what the worker, who holds the row, is doing: the known
 * occupied operation, or - when the row does not say - any that could be.
 */
static int
holds_op(const struct decision *d)
{
	if (d->st.op_known)
		return (d->st.op == d->in->op);
	return (spool_op_open(d->in->row, d->in->op));
}

/* The repair cycle shown while repairing: a rejection counts at least 1. */
static int
repair_cycle(const struct decision *d)
{
	return (d->st.cycle > 0 ? d->st.cycle : 1);
}

/*
 * Fecha_Ocupacion of a take: now, except when the worker takes back the
 * spool the row still gives them (the lock was lost) - the session goes
 * on, so its start stays.  Returns the session's start, for the audit.
 */
static const char *
session_start(struct decision *d, char ts[SHEET_TIMESTAMP_LEN])
{
	const char	*since = d->in->row->f[SPOOL_FECHA_OCUPACION];

	if (d->st.occupied && spool_cell_set(since))
		return (since);
	sheet_timestamp_format(&d->in->now->local, ts);
	add_cell(d->out, SPOOL_FECHA_OCUPACION, ts, 1);
	return (ts);
}

static void
tomar_reparacion(struct decision *d)
{
	struct occ_outcome	*o = d->out;
	const char		*since;
	char			 ts[SHEET_TIMESTAMP_LEN];

	if (d->st.phase == PHASE_BLOQUEADO ||
	    d->st.cycle >= SPOOL_CYCLES_MAX) {
		fail_state(d, OCC_ERR_SPOOL_BLOQUEADO, "%s",
		    SPOOL_BLOQUEADO_TEXT);
		return;
	}
	if (d->st.phase != PHASE_RECHAZADO &&
	    d->st.phase != PHASE_REPARACION_PAUSADA &&
	    !(d->st.occupied && d->st.op_known &&
	    d->st.op == OPERACION_REPARACION)) {
		fail_state(d, OCC_ERR_INVALID_STATE_TRANSITION, "El spool '%s' "
		    "no está pendiente de reparación.", d->tag);
		return;
	}
	spool_detalle_en_reparacion(o->estado_detalle, repair_cycle(d),
	    d->label);
	add_cell(o, SPOOL_OCUPADO_POR, d->label, 0);
	since = session_start(d, ts);
	o->lock_effect = OCC_LOCK_ACQUIRE;
	o->expect_occupant = d->st.occupied ? d->st.occupant_id : 0;
	(void)snprintf(o->message, sizeof(o->message),
	    "Spool %s tomado por %s para reparación", d->tag, d->label);
	finish(d, audit_event_name(AUDIT_TOMAR_REPARACION), "TOMAR_REPARACION",
	    &d->in->now->local,
	    since);
}

static void
tomar(struct decision *d)
{
	const struct occ_input	*in = d->in;
	struct occ_outcome	*o = d->out;
	const struct spool_row	*row = in->row;
	enum op_state		 arm = d->st.arm, sold = d->st.sold;
	long long		 self = in->worker->id;
	const char		*since;
	char			 ts[SHEET_TIMESTAMP_LEN];

	if (in->lock->held && in->lock->worker_id != self) {
		fail_occupied(d, in->lock->worker_id);
		return;
	}
	if (d->st.occupied && d->st.occupant_id != self) {
		fail_occupied(d, d->st.occupant_id);
		return;
	}
	if (in->lock->held) {
		fail_state(d, OCC_ERR_INVALID_STATE_TRANSITION, "Ya tienes "
		    "tomado el spool '%s'.", d->tag);
		return;
	}
	/* The row still names this worker: only the same work resumes. */
	if (d->st.occupied && !holds_op(d)) {
		fail_state(d, OCC_ERR_INVALID_STATE_TRANSITION, "Ya estás "
		    "trabajando %s en el spool '%s': páusalo o "
		    "complétalo antes de tomar %s.", d->st.op_known ?
		    operacion_name(d->st.op) : "otra operación", d->tag,
		    operacion_name(in->op));
		return;
	}
	if (!d->st.materiales) {
		fail_state(d, OCC_ERR_DEPENDENCIAS_NO_SATISFECHAS, "El spool "
		    "'%s' no tiene Fecha_Materiales: no se puede tomar.",
		    d->tag);
		o->fail.dependencia_faltante = "Fecha_Materiales";
		return;
	}
	if (in->op == OPERACION_REPARACION) {
		tomar_reparacion(d);
		return;
	}
	if ((in->op == OPERACION_ARM ? arm : sold) == OP_COMPLETADO) {
		fail_state(d, OCC_ERR_INVALID_STATE_TRANSITION, "%s ya está "
		    "completado en el spool '%s'.", operacion_name(in->op),
		    d->tag);
		return;
	}
	if (in->op == OPERACION_SOLD && in->spool_v4) {
		if (in->unions_arm_done == 0) {
			fail_state(d, OCC_ERR_ARM_PREREQUISITE, "No se puede "
			    "iniciar SOLD en el spool '%s': ninguna unión está "
			    "armada todavía. Completa ARM primero.", d->tag);
			o->fail.dependencia_faltante = "ARM";
			return;
		}
	} else if (in->op == OPERACION_SOLD && !d->st.arm_initiated) {
		fail_state(d, OCC_ERR_DEPENDENCIAS_NO_SATISFECHAS,
		    "No se puede tomar SOLD en el spool '%s': ARM no ha sido "
		    "iniciado.", d->tag);
		o->fail.dependencia_faltante = "ARM";
		return;
	}

	if (in->op == OPERACION_ARM)
		arm = OP_EN_PROGRESO;
	else
		sold = OP_EN_PROGRESO;
	spool_detalle_production(o->estado_detalle, d->label, in->op, arm,
	    sold);
	add_cell(o, SPOOL_OCUPADO_POR, d->label, 0);
	since = session_start(d, ts);
	if (!spool_cell_set(row->f[worker_field(in->op)]))
		add_cell(o, worker_field(in->op), d->label, 0);
	o->lock_effect = OCC_LOCK_ACQUIRE;
	o->expect_occupant = d->st.occupied ? d->st.occupant_id : 0;
	(void)snprintf(o->message, sizeof(o->message), "Spool %s tomado por %s",
	    d->tag, d->label);
	finish(d, audit_event_name(AUDIT_TOMAR_SPOOL), "TOMAR", &in->now->local,
	    since);
}

static void
release_reparacion(struct decision *d)
{
	const struct occ_input	*in = d->in;
	struct occ_outcome	*o = d->out;
	const struct civil_time	*fecha = &in->now->local;
	const char		*evento;

	if (d->st.phase == PHASE_BLOQUEADO) {
		fail_state(d, OCC_ERR_SPOOL_BLOQUEADO, "%s",
		    SPOOL_BLOQUEADO_TEXT);
		return;
	}
	if (!d->st.occupied || !d->st.op_known ||
	    d->st.op != OPERACION_REPARACION) {
		fail_state(d, OCC_ERR_INVALID_STATE_TRANSITION, "La "
		    "reparación no está en progreso en el spool "
		    "'%s'.", d->tag);
		return;
	}
	switch (in->action) {
	case OCC_PAUSAR:
		evento = audit_event_name(AUDIT_PAUSAR_REPARACION);
		spool_detalle_reparacion_pausada(o->estado_detalle,
		    repair_cycle(d));
		(void)snprintf(o->message, sizeof(o->message),
		    "Reparación pausada en %s", d->tag);
		break;
	case OCC_COMPLETAR:
		evento = audit_event_name(AUDIT_COMPLETAR_REPARACION);
		if (in->fecha_operacion != NULL)
			fecha = in->fecha_operacion;
		spool_detalle_pendiente_metrologia(o->estado_detalle,
		    repair_cycle(d));
		(void)snprintf(o->message, sizeof(o->message),
		    "Reparación completada en %s", d->tag);
		break;
	default:
		evento = audit_event_name(AUDIT_CANCELAR_REPARACION);
		spool_detalle_rechazo(o->estado_detalle, repair_cycle(d));
		(void)snprintf(o->message, sizeof(o->message),
		    "Reparación cancelada en %s", d->tag);
		break;
	}
	add_cell(o, SPOOL_OCUPADO_POR, "", 0);
	add_cell(o, SPOOL_FECHA_OCUPACION, "", 0);
	o->lock_effect = OCC_LOCK_RELEASE;
	o->expect_occupant = in->worker->id;
	/* Reparación events are named like their audit rows (data.md §4). */
	finish(d, evento, evento, fecha, in->row->f[SPOOL_FECHA_OCUPACION]);
}

/*
 * The caller holds the spool: the lock is theirs, proved by its token when
 * that is required, and the row does not name someone else.  Returns 0, or
 * -1 with the failure set.
 */
static int
holder_check(struct decision *d)
{
	const struct occ_lock	*lk = d->in->lock;
	long long		 self = d->in->worker->id;

	if (!lk->held) {
		fail_state(d, OCC_ERR_LOCK_EXPIRED, "El spool '%s' ya no "
		    "está tomado: la ocupación expiró o fue "
		    "liberada. Tómalo de nuevo para continuar.", d->tag);
		return (-1);
	}
	if (lk->worker_id != self) {
		fail_not_holder(d, lk->worker_id);
		return (-1);
	}
	if (lk->token_refused) {
		fail(d->out, OCC_ERR_NO_AUTORIZADO, d->tag, "No puedes %s el "
		    "spool '%s': falta el lock_token que entregó la toma, o no "
		    "es el suyo.", action_verbs[d->in->action], d->tag);
		return (-1);
	}
	if (d->st.occupied && d->st.occupant_id != self) {
		fail_not_holder(d, d->st.occupant_id);
		return (-1);
	}
	return (0);
}

/* PAUSAR, COMPLETAR and CANCELAR: the holder lets go of the spool. */
static void
release(struct decision *d)
{
	const struct occ_input	*in = d->in;
	struct occ_outcome	*o = d->out;
	const struct spool_row	*row = in->row;
	const struct civil_time	*fecha = &in->now->local;
	enum op_state		 arm = d->st.arm, sold = d->st.sold, cur;
	long long		 self = in->worker->id;
	char			 date[SHEET_DATE_LEN];

	if (holder_check(d) == -1)
		return;
	if (in->op == OPERACION_REPARACION) {
		release_reparacion(d);
		return;
	}
	cur = in->op == OPERACION_ARM ? arm : sold;
	if (cur == OP_COMPLETADO) {
		fail_state(d, in->action == OCC_COMPLETAR ?
		    OCC_ERR_OPERACION_YA_COMPLETADA :
		    OCC_ERR_INVALID_STATE_TRANSITION, "%s ya está "
		    "completado en el spool '%s'.", operacion_name(in->op),
		    d->tag);
		return;
	}
	if (!d->st.occupied || !holds_op(d)) {
		if (d->st.occupied && d->st.op_known)
			fail_state(d, OCC_ERR_INVALID_STATE_TRANSITION,
			    "En el spool '%s' estás trabajando %s, no %s.",
			    d->tag, operacion_name(d->st.op),
			    operacion_name(in->op));
		else
			fail_state(d, OCC_ERR_INVALID_STATE_TRANSITION,
			    "%s no está en progreso en el spool '%s'.",
			    operacion_name(in->op), d->tag);
		return;
	}

	cur = in->action == OCC_COMPLETAR ? OP_COMPLETADO : OP_PAUSADO;
	if (in->op == OPERACION_ARM)
		arm = cur;
	else
		sold = cur;
	spool_detalle_production(o->estado_detalle, NULL, in->op, arm, sold);
	add_cell(o, SPOOL_OCUPADO_POR, "", 0);
	add_cell(o, SPOOL_FECHA_OCUPACION, "", 0);
	/* Before v3.0 a take did not record the worker: do it now. */
	if (!spool_cell_set(row->f[worker_field(in->op)]))
		add_cell(o, worker_field(in->op), d->label, 0);
	if (in->action == OCC_COMPLETAR) {
		if (in->fecha_operacion != NULL)
			fecha = in->fecha_operacion;
		sheet_date_format(fecha, date);
		add_cell(o, date_field(in->op), date, 1);
		(void)snprintf(o->message, sizeof(o->message),
		    "Operación completada en %s", d->tag);
	} else {
		(void)snprintf(o->message, sizeof(o->message),
		    "Trabajo pausado en %s", d->tag);
	}
	o->lock_effect = OCC_LOCK_RELEASE;
	o->expect_occupant = self;
	finish(d, audit_event_name(in->action == OCC_PAUSAR ?
	    AUDIT_PAUSAR_SPOOL : in->op == OPERACION_ARM ?
	    AUDIT_COMPLETAR_ARM : AUDIT_COMPLETAR_SOLD),
	    occ_action_name(in->action), fecha, row->f[SPOOL_FECHA_OCUPACION]);
}

/*
 * A v3 spool on a union route, or a v4 spool taken or completed on a v3
 * route: 400 WRONG_VERSION naming the route to use.  Returns 0 or -1.
 */
static int
version_check(struct decision *d)
{
	const struct occ_input	*in = d->in;
	const char		*route;

	if (in->op != OPERACION_ARM && in->op != OPERACION_SOLD) {
		if (!in->v4_route)
			return (0);
		fail_state(d, OCC_ERR_INVALID_STATE_TRANSITION, "INICIAR y "
		    "FINALIZAR son para ARM o SOLD, no para %s.",
		    operacion_name(in->op));
		return (-1);
	}
	if (in->v4_route && !in->spool_v4) {
		route = in->action == OCC_TOMAR ? "/api/occupation/tomar" :
		    in->action == OCC_COMPLETAR ? "/api/occupation/completar" :
		    "/api/occupation/pausar";
		fail_state(d, OCC_ERR_WRONG_VERSION, "El spool '%s' es v3.0 "
		    "(sin uniones): usa %s en lugar de INICIAR/FINALIZAR.",
		    d->tag, route);
		d->out->fail.spool_version = "v3.0";
		d->out->fail.correct_endpoint = route;
		return (-1);
	}
	if (!in->v4_route && in->spool_v4 && in->action != OCC_PAUSAR) {
		route = in->action == OCC_TOMAR ? "/api/v4/occupation/iniciar" :
		    "/api/v4/occupation/finalizar";
		fail_state(d, OCC_ERR_WRONG_VERSION, "El spool '%s' es v4.0 "
		    "(trabajo por uniones): usa %s.", d->tag, route);
		d->out->fail.spool_version = "v4.0";
		d->out->fail.correct_endpoint = route;
		return (-1);
	}
	return (0);
}

void
occ_decide(const struct occ_input *in, struct occ_outcome *out)
{
	struct decision	d;
	char		tag[SPOOL_TAG_MAX + 1];

	memset(out, 0, sizeof(*out));
	memset(&d, 0, sizeof(d));
	d.in = in;
	d.out = out;
	spool_state_derive(in->row, &d.st);
	(void)utf8_copy(tag, sizeof(tag), in->row->f[SPOOL_TAG]);
	d.tag = tag;
	d.label = in->worker->nombre_completo;

	if ((unsigned int)in->action >= OCC_ACTION_COUNT ||
	    (unsigned int)in->op >= OPERACION_COUNT) {
		fail(out, OCC_ERR_INTERNAL, tag, "Acción desconocida.");
		return;
	}
	if (in->op == OPERACION_METROLOGIA) {
		fail_state(&d, OCC_ERR_INVALID_STATE_TRANSITION,
		    "METROLOGIA no se toma, pausa ni completa aquí: se "
		    "registra en un paso con POST /api/metrologia/completar.");
		return;
	}
	if (in->action == OCC_CANCELAR && in->op != OPERACION_REPARACION) {
		fail_state(&d, OCC_ERR_INVALID_STATE_TRANSITION, "Solo una "
		    "reparación se puede cancelar; %s se pausa.",
		    operacion_name(in->op));
		return;
	}
	if (version_check(&d) == -1)
		return;
	if (!in->worker->activo) {
		fail(out, OCC_ERR_WORKER_INACTIVO, tag, "El trabajador %s no "
		    "está activo.", d.label);
		out->fail.worker_id = in->worker->id;
		return;
	}
	if (!worker_role_allows(in->worker->roles, in->op)) {
		fail_state(&d, OCC_ERR_ROL_NO_AUTORIZADO, "El trabajador %s no "
		    "tiene un rol autorizado para %s (se requiere %s).",
		    d.label, operacion_name(in->op),
		    worker_roles_required(in->op));
		out->fail.worker_id = in->worker->id;
		return;
	}
	if (in->action == OCC_TOMAR)
		tomar(&d);
	else
		release(&d);
}

int
occ_row_unchanged(const struct occ_outcome *o, const struct spool_row *cur)
{
	struct spool_state	st;
	const char		*t = cur->f[SPOOL_TAG];
	size_t			 len;

	t += strspn(t, " \t");
	len = strlen(t);
	while (len > 0 && (t[len - 1] == ' ' || t[len - 1] == '\t'))
		len--;
	if (len != strlen(o->tag_spool) || strncmp(t, o->tag_spool, len) != 0)
		return (0);
	if (strncmp(cur->f[SPOOL_VERSION], o->expect_version,
	    OCC_VERSION_MAX - 1) != 0)
		return (0);
	spool_state_derive(cur, &st);
	if (o->expect_occupant == 0)
		return (!st.occupied);
	return (st.occupied && st.occupant_id == o->expect_occupant);
}

static void
failure_data(yajl_gen g, void *arg)
{
	const struct occ_failure	*f = arg;

	json_kstr(g, "tag_spool", f->tag_spool);
	if (f->owner_id > 0 || f->owner_nombre[0] != '\0') {
		if (f->owner_id > 0)
			json_kint(g, "owner_id", f->owner_id);
		else
			json_knull(g, "owner_id");
		json_kstr(g, "owner_nombre", f->owner_nombre[0] != '\0' ?
		    f->owner_nombre : NULL);
	}
	if (f->dependencia_faltante != NULL)
		json_kstr(g, "dependencia_faltante", f->dependencia_faltante);
	if (f->operacion != NULL)
		json_kstr(g, "operacion", f->operacion);
	if (f->worker_id > 0)
		json_kint(g, "worker_id", f->worker_id);
}

static void
success_write(yajl_gen g, const struct occ_outcome *o)
{
	yajl_gen_map_open(g);
	json_kbool(g, "success", 1);
	json_kstr(g, "tag_spool", o->tag_spool);
	json_kstr(g, "message", o->message);
	json_kstr(g, "action_taken", occ_action_name(o->action));
	json_kstr(g, "new_state", o->estado_detalle);
	json_knull(g, "unions_processed");
	json_knull(g, "pulgadas");
	json_knull(g, "metrologia_triggered");
	if (o->lock_token[0] != '\0')
		json_kstr(g, "lock_token", o->lock_token);
	yajl_gen_map_close(g);
}

/* api.md §1's body with WRONG_VERSION's top-level keys (frontend.md §7.9). */
static void
wrong_version_write(yajl_gen g, const struct occ_failure *f)
{
	yajl_gen_map_open(g);
	json_kstr(g, "detail", f->detail);
	json_kstr(g, "error", occ_error_code(f->error));
	json_kstr(g, "message", f->detail);
	json_kbool(g, "success", 0);
	json_key(g, "data");
	yajl_gen_map_open(g);
	failure_data(g, (void *)f);
	json_kstr(g, "spool_version", f->spool_version);
	json_kstr(g, "correct_endpoint", f->correct_endpoint);
	yajl_gen_map_close(g);
	json_kstr(g, "spool_version", f->spool_version);
	json_kstr(g, "correct_endpoint", f->correct_endpoint);
	yajl_gen_map_close(g);
}

void
occ_response_write(yajl_gen g, const struct occ_outcome *o)
{
	if (o->ok)
		success_write(g, o);
	else if (o->fail.spool_version != NULL)
		wrong_version_write(g, &o->fail);
	else
		occ_error_write(g, o->fail.error, o->fail.detail,
		    failure_data, (void *)&o->fail);
}

void
occ_batch_write(yajl_gen g, const struct occ_outcome *items, size_t n)
{
	size_t	i, ok = 0;

	for (i = 0; i < n; i++)
		ok += items[i].ok != 0;
	yajl_gen_map_open(g);
	json_kint(g, "total", (long long)n);
	json_kint(g, "succeeded", (long long)ok);
	json_kint(g, "failed", (long long)(n - ok));
	json_key(g, "details");
	yajl_gen_array_open(g);
	for (i = 0; i < n; i++) {
		if (items[i].ok) {
			success_write(g, &items[i]);
			continue;
		}
		yajl_gen_map_open(g);
		json_kbool(g, "success", 0);
		json_kstr(g, "tag_spool", items[i].fail.tag_spool);
		json_kstr(g, "message", items[i].fail.detail);
		json_kstr(g, "error", occ_error_code(items[i].fail.error));
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
}
