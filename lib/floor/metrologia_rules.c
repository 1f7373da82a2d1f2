/*
 * The metrología verdict; see metrologia_rules.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "json_out.h"
#include "metrologia_rules.h"
#include "utf8.h"

static const char *const resultado_names[] = {
	[METRO_APROBADO] = "APROBADO",
	[METRO_RECHAZADO] = "RECHAZADO",
};

int
metro_resultado_parse(const char *s, enum metro_resultado *out)
{
	if (strcmp(s, "APROBADO") == 0)
		*out = METRO_APROBADO;
	else if (strcmp(s, "RECHAZADO") == 0)
		*out = METRO_RECHAZADO;
	else
		return (-1);
	return (0);
}

const char *
metro_resultado_name(enum metro_resultado r)
{
	return (r == METRO_RECHAZADO ? resultado_names[METRO_RECHAZADO] :
	    resultado_names[METRO_APROBADO]);
}

static void	refuse(struct occ_outcome *, enum occ_error, const char *tag,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* The refusal e with its detail. */
static void
refuse(struct occ_outcome *o, enum occ_error e, const char *tag,
    const char *fmt, ...)
{
	va_list	ap;

	occ_fail_other(o, e, tag, "");
	va_start(ap, fmt);
	(void)vsnprintf(o->fail.detail, sizeof(o->fail.detail), fmt, ap);
	va_end(ap);
}

static void	say(struct occ_outcome *, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));

/* The 200's message; a long tag may cut it short. */
static void
say(struct occ_outcome *o, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	(void)vsnprintf(o->message, sizeof(o->message), fmt, ap);
	va_end(ap);
}

/* The refusal of an occupied spool, naming the holder when known. */
static void
fail_occupied(struct occ_outcome *o, const char *tag, long long id,
    const char *nombre)
{
	if (nombre != NULL && nombre[0] != '\0')
		refuse(o, OCC_ERR_SPOOL_OCCUPIED, tag, "El spool '%s' está "
		    "ocupado por %s: la metrología se registra con el spool "
		    "libre.", tag, nombre);
	else
		refuse(o, OCC_ERR_SPOOL_OCCUPIED, tag, "El spool '%s' está "
		    "ocupado: la metrología se registra con el spool libre.",
		    tag);
	o->fail.owner_id = id > 0 ? id : 0;
	if (nombre != NULL)
		(void)utf8_copy(o->fail.owner_nombre,
		    sizeof(o->fail.owner_nombre), nombre);
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

/* Returns 0, or -1 with the refusal set. */
static int
check(const struct occ_input *in, const struct spool_state *st,
    const char *tag, struct occ_outcome *o)
{
	const struct worker	*w = in->worker;
	const struct spool_row	*row = in->row;
	const char		*missing = NULL;

	if (!w->activo) {
		refuse(o, OCC_ERR_WORKER_INACTIVO, tag, "El trabajador %s no "
		    "está activo.", w->nombre_completo);
		o->fail.worker_id = w->id;
		return (-1);
	}
	if (!worker_role_allows(w->roles, OPERACION_METROLOGIA)) {
		refuse(o, OCC_ERR_ROL_NO_AUTORIZADO, tag, "El trabajador %s no "
		    "está autorizado para METROLOGIA (se requiere %s).",
		    w->nombre_completo,
		    worker_roles_required(OPERACION_METROLOGIA));
		o->fail.operacion = operacion_name(OPERACION_METROLOGIA);
		o->fail.worker_id = w->id;
		return (-1);
	}
	if (in->lock->held) {
		fail_occupied(o, tag, in->lock->worker_id,
		    in->lock->holder_nombre);
		return (-1);
	}
	if (st->occupied) {
		fail_occupied(o, tag, st->occupant_id, st->occupant);
		return (-1);
	}
	if (!spool_cell_set(row->f[SPOOL_FECHA_ARMADO]))
		missing = "ARM";
	else if (!spool_cell_set(row->f[SPOOL_FECHA_SOLDADURA]))
		missing = "SOLD";
	if (missing != NULL) {
		refuse(o, OCC_ERR_DEPENDENCIAS_NO_SATISFECHAS, tag, "No se "
		    "puede registrar la metrología del spool '%s': %s no "
		    "está completado.", tag, missing);
		o->fail.dependencia_faltante = missing;
		o->fail.operacion = operacion_name(OPERACION_METROLOGIA);
		return (-1);
	}
	if (spool_metrologia_done(row, st)) {
		refuse(o, OCC_ERR_OPERACION_YA_COMPLETADA, tag, "La "
		    "metrología del spool '%s' ya está registrada (%s) y no "
		    "ha vuelto de reparación.", tag, row->f[SPOOL_ESTADO_DETALLE]);
		o->fail.operacion = operacion_name(OPERACION_METROLOGIA);
		return (-1);
	}
	return (0);
}

void
metro_decide(const struct occ_input *in, enum metro_resultado res,
    struct occ_outcome *o)
{
	struct spool_state	 st;
	struct audit_record	*a = &o->audit;
	struct occ_event	*ev = &o->event;
	const char		*label = in->worker->nombre_completo;
	char			 tag[SPOOL_TAG_MAX + 1];
	char			 date[SHEET_DATE_LEN];
	char			 ts[SHEET_TIMESTAMP_LEN];

	memset(o, 0, sizeof(*o));
	(void)utf8_copy(tag, sizeof(tag), in->row->f[SPOOL_TAG]);
	spool_state_derive(in->row, &st);
	if (check(in, &st, tag, o) == -1)
		return;

	o->ok = 1;
	o->action = OCC_COMPLETAR;
	o->lock_effect = OCC_LOCK_BRIEF;
	o->expect_occupant = 0;
	(void)utf8_copy(o->tag_spool, sizeof(o->tag_spool), tag);
	(void)utf8_copy(o->expect_version, sizeof(o->expect_version),
	    in->row->f[SPOOL_VERSION]);
	if (res == METRO_APROBADO) {
		(void)snprintf(o->estado_detalle, sizeof(o->estado_detalle),
		    "%s", SPOOL_DETALLE_APROBADO);
		say(o, "Metrología APROBADA en %s", tag);
	} else {
		/* A count past 3 by hand is still the third: BLOQUEADO. */
		spool_detalle_rechazo(o->estado_detalle, st.cycle + 1);
		say(o, "Metrología RECHAZADA en %s: %s", tag, st.cycle + 1 >=
		    SPOOL_CYCLES_MAX ? "bloqueado, contactar supervisor" :
		    "pendiente de reparación");
	}
	sheet_date_format(&in->now->local, date);
	sheet_timestamp_format(&in->now->local, ts);
	add_cell(o, SPOOL_VERSION, in->new_version, 0);
	add_cell(o, SPOOL_ESTADO_DETALLE, o->estado_detalle, 0);
	add_cell(o, SPOOL_FECHA_QC, date, 1);

	(void)utf8_copy(a->id, sizeof(a->id), in->audit_id);
	memcpy(a->timestamp, ts, sizeof(ts));
	a->evento_tipo = audit_event_name(AUDIT_COMPLETAR_METROLOGIA);
	(void)utf8_copy(a->tag_spool, sizeof(a->tag_spool), tag);
	(void)snprintf(a->worker_id, sizeof(a->worker_id), "%lld",
	    in->worker->id);
	(void)utf8_copy(a->worker_nombre, sizeof(a->worker_nombre), label);
	a->operacion = operacion_name(OPERACION_METROLOGIA);
	a->accion = occ_action_name(OCC_COMPLETAR);
	memcpy(a->fecha_operacion, date, sizeof(date));
	(void)snprintf(a->metadata_json, sizeof(a->metadata_json),
	    "{\"resultado\":\"%s\"}", metro_resultado_name(res));

	ev->event_type = audit_event_name(AUDIT_COMPLETAR_METROLOGIA);
	(void)utf8_copy(ev->tag_spool, sizeof(ev->tag_spool), tag);
	(void)utf8_copy(ev->worker_nombre, sizeof(ev->worker_nombre), label);
	ev->worker_id = in->worker->id;
	ev->operacion = operacion_name(OPERACION_METROLOGIA);
	memcpy(ev->estado_detalle, o->estado_detalle,
	    sizeof(ev->estado_detalle));
	memcpy(ev->timestamp, ts, sizeof(ts));
}

void
metro_response_write(yajl_gen g, const struct occ_outcome *o,
    enum metro_resultado res)
{
	if (!o->ok) {
		occ_response_write(g, o);
		return;
	}
	yajl_gen_map_open(g);
	json_kbool(g, "success", 1);
	json_kstr(g, "tag_spool", o->tag_spool);
	json_kstr(g, "resultado", metro_resultado_name(res));
	json_kstr(g, "estado_detalle", o->estado_detalle);
	json_kstr(g, "message", o->message);
	yajl_gen_map_close(g);
}
