/*
 * FINALIZAR's decision; see v4_rules.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "json_out.h"
#include "union_json.h"
#include "utf8.h"
#include "v4_rules.h"

/* Room kept in Metadata_JSON for what follows the union ids. */
#define IDS_JSON_BUDGET	(AUDIT_METADATA_JSON_MAX - 400)

static const char *const action_names[] = {
	[V4_PAUSAR] = "PAUSAR",
	[V4_COMPLETAR] = "COMPLETAR",
	[V4_CANCELADO] = "CANCELADO",
};

const char *
v4_action_name(enum v4_action a)
{
	return (a <= V4_CANCELADO ? action_names[a] : "");
}

const char *
v4_action_frontend(enum v4_action a)
{
	return (a == V4_CANCELADO ? "CANCELAR" : v4_action_name(a));
}

/* Everything one decision works with. */
struct fin {
	const struct v4_finalizar_input	*in;
	struct v4_outcome		*out;
	const char			*tag;	/* the decided row's */
	const struct union_rec		*sel[V4_UNIONS_MAX];
	size_t				 nsel;
	char				 ts[SHEET_TIMESTAMP_LEN];
};

static void	race(struct fin *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static void
race(struct fin *f, const char *fmt, ...)
{
	char	detail[OCC_DETAIL_MAX];
	va_list	ap;

	va_start(ap, fmt);
	(void)vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	occ_fail_other(&f->out->base, OCC_ERR_RACE_CONDITION, f->tag, detail);
	f->out->base.fail.operacion = operacion_name(f->in->base.op);
}

/* Trimmed equality of an OT as sent and a cell. */
static int
same_ot(const char *sent, const char *cell)
{
	size_t	len;

	cell += strspn(cell, " \t");
	len = strlen(cell);
	while (len > 0 && (cell[len - 1] == ' ' || cell[len - 1] == '\t'))
		len--;
	return (len > 0 && strlen(sent) == len && strncmp(sent, cell, len) == 0);
}

/*
 * The selection as unions of this spool available now, each once.
 * Returns 0, or -1 with 409 RACE_CONDITION (or 400 for a list longer than
 * one change carries) set.
 */
static int
resolve(struct fin *f)
{
	const struct v4_finalizar_input	*in = f->in;
	const struct union_rec		*u;
	size_t				 i, k;

	for (i = 0; i < in->nsel; i++) {
		u = union_list_by_n(in->unions, (int)in->sel[i].n_union);
		if (u == NULL) {
			race(f, "Conflicto: la unión %d no existe en el spool "
			    "'%s'. Recarga las uniones disponibles.",
			    (int)in->sel[i].n_union, f->tag);
			return (-1);
		}
		if (in->sel[i].has_ot &&
		    !same_ot(in->sel[i].ot, in->base.row->f[SPOOL_OT]) &&
		    !same_ot(in->sel[i].ot, u->f[UNION_OT])) {
			race(f, "Conflicto: la unión %d indicada es de otro "
			    "spool, no de '%s'. Recarga las uniones "
			    "disponibles.", (int)in->sel[i].n_union, f->tag);
			return (-1);
		}
		if (!union_available(u, in->base.op)) {
			race(f, "Conflicto: la unión %d del spool '%s' ya no "
			    "está disponible (otro trabajador pudo haberla "
			    "completado). Recarga las uniones disponibles.",
			    u->n_union, f->tag);
			return (-1);
		}
		for (k = 0; k < f->nsel && f->sel[k] != u; k++)
			;
		if (k < f->nsel)
			continue;
		if (f->nsel == V4_UNIONS_MAX) {
			occ_fail_other(&f->out->base,
			    OCC_ERR_INVALID_STATE_TRANSITION, f->tag,
			    "Demasiadas uniones en un solo registro.");
			return (-1);
		}
		f->sel[f->nsel++] = u;
	}
	return (0);
}

static int
selected(const struct fin *f, const struct union_rec *u)
{
	size_t	k;

	for (k = 0; k < f->nsel; k++) {
		if (f->sel[k]->i == u->i)
			return (1);
	}
	return (0);
}

/* The union's id as the audit names it: its ID cell, else "{OT}+{n}". */
static void
union_id(const struct fin *f, const struct union_rec *u, char *buf,
    size_t len)
{
	if (spool_cell_set(u->f[UNION_ID]))
		(void)utf8_copy(buf, len, u->f[UNION_ID]);
	else
		(void)snprintf(buf, len, "%s+%d", f->in->base.row->f[SPOOL_OT],
		    u->n_union);
}

static void
cell(struct v4_cell *c, const char *header, const char *value, int entered)
{
	c->header = header;
	(void)utf8_copy(c->value, sizeof(c->value), value);
	c->entered = entered;
}

static void
union_writes(struct fin *f)
{
	const struct occ_input	*b = &f->in->base;
	struct v4_outcome	*o = f->out;
	struct v4_union_write	*w;
	const struct union_rec	*u;
	int			 arm = b->op == OPERACION_ARM;
	const char		*since = b->row->f[SPOOL_FECHA_OCUPACION];
	size_t			 i;

	if (!spool_cell_set(since))
		since = f->ts;
	for (i = 0; i < f->nsel; i++) {
		u = f->sel[i];
		w = &o->unions[o->nunions++];
		union_id(f, u, w->id, sizeof(w->id));
		w->row = u->row;
		cell(&w->cells[w->ncells++], union_field_header(arm ?
		    UNION_ARM_FECHA_FIN : UNION_SOL_FECHA_FIN), f->ts, 1);
		cell(&w->cells[w->ncells++], union_field_header(arm ?
		    UNION_ARM_WORKER : UNION_SOL_WORKER),
		    b->worker->nombre_completo, 0);
		if (!spool_cell_set(u->f[arm ? UNION_ARM_FECHA_INICIO :
		    UNION_SOL_FECHA_INICIO]))
			cell(&w->cells[w->ncells++], union_field_header(arm ?
			    UNION_ARM_FECHA_INICIO : UNION_SOL_FECHA_INICIO),
			    since, 1);
	}
}

/* The op's totals after this change, and the hand-off to metrología. */
static void
totals(struct fin *f)
{
	const struct v4_finalizar_input	*in = f->in;
	struct v4_outcome		*o = f->out;
	const struct union_rec		*u;
	int				 arm = in->base.op == OPERACION_ARM;
	int				 ready = in->unions->n > 0;
	int				 done;
	long				 raw = 0;
	char				 num[UNION_NUMBER_MAX];
	size_t				 i;

	for (i = 0; i < in->unions->n; i++) {
		u = &in->unions->u[i];
		done = (arm ? u->arm_done : u->sold_done) || selected(f, u);
		if (done) {
			o->completadas_total++;
			if (u->dn > 0)
				raw += u->dn;
		}
		if (u->tipo == UNION_TIPO_FW)
			ready &= u->arm_done || (arm && selected(f, u));
		else if (union_tipo_sold(u->tipo))
			ready &= u->sold_done || (!arm && selected(f, u));
	}
	o->pulgadas_total = union_round2(raw);
	o->pulgadas_call = union_pulgadas(f->sel, f->nsel);
	o->metrologia = o->action == V4_COMPLETAR && ready;

	if (in->has_ops_count) {
		(void)snprintf(num, sizeof(num), "%zu", o->completadas_total);
		cell(&o->ops[o->nops++], arm ? UNION_OPS_ARM : UNION_OPS_SOLD,
		    num, 0);
	}
	if (in->has_ops_pulgadas) {
		union_number_format(o->pulgadas_total, 2, num);
		cell(&o->ops[o->nops++], arm ? UNION_OPS_PULG_ARM :
		    UNION_OPS_PULG_SOLD, num, 0);
	}
}

static void
json_inches(yajl_gen g, const char *key, long thousandths)
{
	json_key(g, key);
	union_json_number(g, thousandths, 2);
}

/* Metadata_JSON from a generator, or "{}" when it cannot be had. */
static void
json_into(yajl_gen g, char *dst, size_t len)
{
	const char	*text;
	size_t		 n;

	text = json_out_text(g, &n);
	if (n >= len)
		(void)snprintf(dst, len, "{}");
	else
		(void)snprintf(dst, len, "%.*s", (int)n, text);
}

static void
spool_audit_json(struct fin *f, struct audit_record *a)
{
	struct v4_outcome	*o = f->out;
	yajl_gen		 g;
	char			 id[V4_ID_MAX];
	size_t			 i, used = 0;

	if ((g = json_out_new()) == NULL)
		return;
	yajl_gen_map_open(g);
	json_kint(g, "union_count", (long long)f->nsel);
	json_inches(g, "pulgadas", o->pulgadas_call);
	json_key(g, "union_ids");
	yajl_gen_array_open(g);
	for (i = 0; i < f->nsel; i++) {
		union_id(f, f->sel[i], id, sizeof(id));
		/* Ids of absurd length: the count still tells how many. */
		if ((used += strlen(id) * 2 + 3) > IDS_JSON_BUDGET)
			break;
		json_str(g, id);
	}
	yajl_gen_array_close(g);
	json_kstr(g, "version", f->in->base.new_version);
	json_kstr(g, "estado_detalle", o->base.estado_detalle);
	yajl_gen_map_close(g);
	json_into(g, a->metadata_json, sizeof(a->metadata_json));
	yajl_gen_free(g);
}

static void
union_audit_json(struct fin *f, const struct union_rec *u,
    struct audit_record *a)
{
	yajl_gen	g;
	char		id[V4_ID_MAX];

	if ((g = json_out_new()) == NULL)
		return;
	union_id(f, u, id, sizeof(id));
	yajl_gen_map_open(g);
	json_kstr(g, "union_id", id);
	json_inches(g, "dn_union", u->dn > 0 ? u->dn : 0);
	yajl_gen_map_close(g);
	json_into(g, a->metadata_json, sizeof(a->metadata_json));
	yajl_gen_free(g);
}

static void
audits(struct fin *f)
{
	struct v4_outcome	*o = f->out;
	struct audit_record	*a;
	const char		*evento, *accion;
	yajl_gen		 g;
	size_t			 i;

	evento = audit_event_name(f->in->base.op == OPERACION_ARM ?
	    AUDIT_UNION_ARM_REGISTRADA : AUDIT_UNION_SOLD_REGISTRADA);
	accion = v4_action_name(o->action);
	a = &o->audits[o->naudits++];
	*a = o->base.audit;
	a->evento_tipo = evento;
	a->accion = accion;
	spool_audit_json(f, a);
	for (i = 0; i < f->nsel; i++) {
		a = &o->audits[o->naudits];
		*a = o->base.audit;
		(void)utf8_copy(a->id, sizeof(a->id),
		    f->in->audit_ids[o->naudits++]);
		a->evento_tipo = evento;
		a->accion = accion;
		(void)snprintf(a->n_union, sizeof(a->n_union), "%d",
		    f->sel[i]->n_union);
		union_audit_json(f, f->sel[i], a);
	}
	if (!o->metrologia)
		return;
	a = &o->audits[o->naudits];
	*a = o->base.audit;
	(void)utf8_copy(a->id, sizeof(a->id), f->in->audit_ids[o->naudits++]);
	a->evento_tipo = audit_event_name(AUDIT_METROLOGIA_AUTO_TRIGGERED);
	a->operacion = operacion_name(OPERACION_METROLOGIA);
	a->accion = "";
	if ((g = json_out_new()) != NULL) {
		yajl_gen_map_open(g);
		json_kstr(g, "estado_detalle", V4_DETALLE_METROLOGIA);
		json_kstr(g, "operacion_completada",
		    operacion_name(f->in->base.op));
		yajl_gen_map_close(g);
		json_into(g, a->metadata_json, sizeof(a->metadata_json));
		yajl_gen_free(g);
	}
}

/* The spool goes to metrología: its Estado_Detalle, in the row and event. */
static void
to_metrologia(struct fin *f)
{
	struct occ_outcome	*b = &f->out->base;
	size_t			 i;

	(void)snprintf(b->estado_detalle, sizeof(b->estado_detalle), "%s",
	    V4_DETALLE_METROLOGIA);
	for (i = 0; i < b->ncells; i++) {
		if (b->cells[i].field == SPOOL_ESTADO_DETALLE)
			(void)snprintf(b->cells[i].value,
			    sizeof(b->cells[i].value), "%s",
			    V4_DETALLE_METROLOGIA);
	}
	memcpy(b->event.estado_detalle, b->estado_detalle,
	    sizeof(b->event.estado_detalle));
	f->out->metro_event = b->event;
	f->out->metro_event.event_type = "METROLOGIA_READY";
	f->out->metro_event.operacion = operacion_name(OPERACION_METROLOGIA);
	f->out->metro_event.has_unions = 0;
}

static void
cancel(struct fin *f)
{
	struct v4_outcome	*o = f->out;
	struct audit_record	*a;

	o->action = V4_CANCELADO;
	a = &o->audits[o->naudits++];
	*a = o->base.audit;
	a->evento_tipo = audit_event_name(AUDIT_SPOOL_CANCELADO);
	a->accion = occ_action_name(OCC_CANCELAR);
	o->base.event.event_type = occ_action_name(OCC_CANCELAR);
	(void)snprintf(o->base.message, sizeof(o->base.message),
	    "Spool %s liberado sin registrar uniones", f->tag);
}

void
v4_finalizar_decide(const struct v4_finalizar_input *in,
    struct v4_outcome *out)
{
	struct occ_input	 b = in->base;
	struct fin		 f;
	char			 tag[SPOOL_TAG_MAX + 1];
	size_t			 i, navail = 0;

	memset(out, 0, sizeof(*out));
	memset(&f, 0, sizeof(f));
	(void)utf8_copy(tag, sizeof(tag), in->base.row->f[SPOOL_TAG]);
	f.in = in;
	f.out = out;
	f.tag = tag;
	sheet_timestamp_format(&in->base.now->local, f.ts);

	b.v4_route = 1;
	b.action = OCC_PAUSAR;
	occ_decide(&b, &out->base);
	if (!out->base.ok)
		return;
	if (in->nsel == 0) {
		cancel(&f);
		totals(&f);
		out->nops = 0;		/* nothing was done */
		return;
	}
	if (resolve(&f) == -1)
		return;
	for (i = 0; i < in->unions->n; i++)
		navail += union_available(&in->unions->u[i], b.op) != 0;
	if (f.nsel == navail) {
		b.action = OCC_COMPLETAR;
		b.fecha_operacion = NULL;	/* today, floor time */
		occ_decide(&b, &out->base);
		if (!out->base.ok)
			return;
		out->action = V4_COMPLETAR;
	} else {
		out->action = V4_PAUSAR;
	}
	totals(&f);
	if (out->metrologia)
		to_metrologia(&f);
	union_writes(&f);
	audits(&f);
	out->base.event.has_unions = 1;
	out->base.event.union_count = (long)f.nsel;
	out->base.event.pulgadas = out->pulgadas_call;
	(void)snprintf(out->base.message, sizeof(out->base.message),
	    "%zu unión(es) de %s registradas en %s%s", f.nsel,
	    operacion_name(b.op), f.tag, out->metrologia ?
	    "; el spool pasa a metrología" : out->action == V4_COMPLETAR ?
	    "; operación completada" : "");
}

void
v4_finalizar_write(yajl_gen g, const struct v4_outcome *o)
{
	size_t	n = o->action == V4_CANCELADO ? 0 : o->nunions;

	if (!o->base.ok) {
		occ_response_write(g, &o->base);
		return;
	}
	yajl_gen_map_open(g);
	json_kbool(g, "success", 1);
	json_kstr(g, "tag_spool", o->base.tag_spool);
	json_kstr(g, "message", o->base.message);
	json_kstr(g, "action_taken", v4_action_name(o->action));
	json_kstr(g, "action", v4_action_frontend(o->action));
	json_kint(g, "unions_processed", (long long)n);
	json_kint(g, "uniones_completadas", (long long)n);
	json_inches(g, "pulgadas", o->pulgadas_total);
	json_inches(g, "pulgadas_completadas", o->pulgadas_call);
	json_kbool(g, "metrologia_triggered", o->metrologia);
	json_kstr(g, "new_state", o->base.estado_detalle);
	yajl_gen_map_close(g);
}
