/*
 * Spool state from an Operaciones row; see spool_state.h.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "json_out.h"
#include "nelem.h"
#include "sheet_dates.h"
#include "sheet_table.h"
#include "spool_state.h"
#include "union_cells.h"
#include "utf8.h"

static const char *const headers[SPOOL_FIELD_COUNT] = {
	[SPOOL_TAG] = "TAG_SPOOL",
	[SPOOL_OT] = "OT",
	[SPOOL_NV] = "NV",
	[SPOOL_FECHA_MATERIALES] = "Fecha_Materiales",
	[SPOOL_FECHA_ARMADO] = "Fecha_Armado",
	[SPOOL_ARMADOR] = "Armador",
	[SPOOL_FECHA_SOLDADURA] = "Fecha_Soldadura",
	[SPOOL_SOLDADOR] = "Soldador",
	[SPOOL_FECHA_QC] = "Fecha_QC_Metrología",
	[SPOOL_OCUPADO_POR] = "Ocupado_Por",
	[SPOOL_FECHA_OCUPACION] = "Fecha_Ocupacion",
	[SPOOL_VERSION] = "version",
	[SPOOL_ESTADO_DETALLE] = "Estado_Detalle",
};

/* Estado_Detalle prefixes of the phases after ARM and SOLD. */
static const struct {
	const char		*prefix;
	enum spool_phase	 phase;
} phases[] = {
	{ "METROLOGIA_APROBADO", PHASE_APROBADO },
	{ "RECHAZADO", PHASE_RECHAZADO },
	{ "BLOQUEADO", PHASE_BLOQUEADO },
	{ "EN_REPARACION", PHASE_EN_REPARACION },
	{ "REPARACION_PAUSADA", PHASE_REPARACION_PAUSADA },
	{ "PENDIENTE_METROLOGIA", PHASE_PENDIENTE_METROLOGIA },
	/* The old backend's words for the same queue. */
	{ "En Cola Metrolog", PHASE_PENDIENTE_METROLOGIA },
};

const char *
spool_field_header(enum spool_field f)
{
	return ((unsigned int)f < SPOOL_FIELD_COUNT ? headers[f] : "");
}

int
spool_columns_find(const struct sheet_table *t, struct spool_columns *cols,
    const char **missing)
{
	int	f;

	for (f = 0; f < SPOOL_FIELD_COUNT; f++) {
		if ((cols->col[f] = sheet_table_column(t, headers[f])) == -1) {
			*missing = headers[f];
			return (-1);
		}
	}
	cols->total_uniones = sheet_table_column(t, "Total_Uniones");
	return (0);
}

void
spool_row_read(const struct sheet_table *t, const struct spool_columns *cols,
    size_t i, struct spool_row *row)
{
	int	f;

	for (f = 0; f < SPOOL_FIELD_COUNT; f++)
		row->f[f] = sheet_table_cell(t, i, cols->col[f]);
	row->total_uniones = sheet_table_cell(t, i, cols->total_uniones);
}

int
spool_cell_set(const char *cell)
{
	return (cell[strspn(cell, " \t\r\n")] != '\0');
}

const char *
op_state_api(enum op_state s)
{
	switch (s) {
	case OP_EN_PROGRESO:
		return ("en_progreso");
	case OP_PAUSADO:
		return ("pausado");
	case OP_COMPLETADO:
		return ("completado");
	default:
		return ("pendiente");
	}
}

const char *
op_state_detalle(enum op_state s)
{
	return (s == OP_EN_PROGRESO ? "en progreso" : op_state_api(s));
}

int
spool_cycle_parse(const char *detalle)
{
	const char	*p, *d;
	int		 n;

	p = detalle + strspn(detalle, " ");
	if (strncasecmp(p, "BLOQUEADO", 9) == 0)
		return (SPOOL_CYCLES_MAX);
	/* Ciclo (\d+)/3, the first match; a count past 3 is still 3. */
	for (p = detalle; (p = strstr(p, "Ciclo ")) != NULL; p++) {
		for (n = 0, d = p + 6; *d >= '0' && *d <= '9'; d++) {
			if (n <= SPOOL_CYCLES_MAX)
				n = n * 10 + (*d - '0');
		}
		if (d > p + 6 && strncmp(d, "/3", 2) == 0)
			return (n > SPOOL_CYCLES_MAX ? SPOOL_CYCLES_MAX : n);
	}
	return (0);
}

static enum spool_phase
phase_of(const char *detalle)
{
	size_t	i;

	detalle += strspn(detalle, " ");
	for (i = 0; i < NELEM(phases); i++) {
		if (strncasecmp(detalle, phases[i].prefix,
		    strlen(phases[i].prefix)) == 0)
			return (phases[i].phase);
	}
	return (PHASE_PRODUCCION);
}

int
spool_op_open(const struct spool_row *row, enum operacion op)
{
	enum spool_phase	ph;

	switch (op) {
	case OPERACION_ARM:
		return (!spool_cell_set(row->f[SPOOL_FECHA_ARMADO]));
	case OPERACION_SOLD:
		return ((spool_cell_set(row->f[SPOOL_ARMADOR]) ||
		    spool_cell_set(row->f[SPOOL_FECHA_ARMADO])) &&
		    !spool_cell_set(row->f[SPOOL_FECHA_SOLDADURA]));
	case OPERACION_REPARACION:
		ph = phase_of(row->f[SPOOL_ESTADO_DETALLE]);
		return (ph == PHASE_EN_REPARACION ||
		    ph == PHASE_REPARACION_PAUSADA || (ph == PHASE_RECHAZADO &&
		    spool_cycle_parse(row->f[SPOOL_ESTADO_DETALLE]) <
		    SPOOL_CYCLES_MAX));
	default:
		return (0);
	}
}

/* Rule 1 of spool_state.h: what Estado_Detalle says, if it may be true. */
static int
op_from_detalle(const struct spool_row *row, const char *occupant,
    enum operacion *op)
{
	const char	*d = row->f[SPOOL_ESTADO_DETALLE];
	size_t		 len = strlen(occupant);

	d += strspn(d, " ");
	if (phase_of(d) == PHASE_EN_REPARACION) {
		*op = OPERACION_REPARACION;
		return (1);
	}
	if (len == 0 || strncmp(d, occupant, len) != 0 ||
	    strncmp(d + len, " trabajando ", 12) != 0)
		return (0);
	d += len + 12;
	if (strncmp(d, "ARM", 3) == 0 && (d[3] == ' ' || d[3] == '\0'))
		*op = OPERACION_ARM;
	else if (strncmp(d, "SOLD", 4) == 0 && (d[4] == ' ' || d[4] == '\0'))
		*op = OPERACION_SOLD;
	else
		return (0);
	return (spool_op_open(row, *op));
}

static enum op_state
op_state_of(const char *done, const char *worker, int occupied_for_op)
{
	if (spool_cell_set(done))
		return (OP_COMPLETADO);
	if (occupied_for_op)
		return (OP_EN_PROGRESO);
	if (spool_cell_set(worker))
		return (OP_PAUSADO);
	return (OP_PENDIENTE);
}

/* Ocupado_Por without surrounding spaces, cut to fit a label. */
static void
trimmed_copy(char *dst, size_t dstsz, const char *src)
{
	char	tmp[WORKER_NOMBRE_MAX + 1];
	size_t	len;

	src += strspn(src, " \t");
	len = strlen(src);
	while (len > 0 && (src[len - 1] == ' ' || src[len - 1] == '\t'))
		len--;
	if (len >= sizeof(tmp))
		len = sizeof(tmp) - 1;
	memcpy(tmp, src, len);
	tmp[len] = '\0';
	(void)utf8_copy(dst, dstsz, tmp);
}

void
spool_state_derive(const struct spool_row *row, struct spool_state *st)
{
	int	arm_open, sold_open;

	memset(st, 0, sizeof(*st));
	st->occupant_id = -1;
	st->materiales = spool_cell_set(row->f[SPOOL_FECHA_MATERIALES]);
	st->arm_initiated = spool_cell_set(row->f[SPOOL_ARMADOR]) ||
	    spool_cell_set(row->f[SPOOL_FECHA_ARMADO]);
	st->phase = phase_of(row->f[SPOOL_ESTADO_DETALLE]);
	st->cycle = spool_cycle_parse(row->f[SPOOL_ESTADO_DETALLE]);

	if ((st->occupied = spool_cell_set(row->f[SPOOL_OCUPADO_POR]))) {
		trimmed_copy(st->occupant, sizeof(st->occupant),
		    row->f[SPOOL_OCUPADO_POR]);
		st->occupant_id = worker_id_from_nombre(st->occupant);
		if (op_from_detalle(row, st->occupant, &st->op)) {
			st->op_known = 1;
		} else {
			/* Rule 2: the dates leave one candidate. */
			arm_open = spool_op_open(row, OPERACION_ARM);
			sold_open = spool_op_open(row, OPERACION_SOLD);
			if (arm_open != sold_open) {
				st->op_known = 1;
				st->op = arm_open ? OPERACION_ARM :
				    OPERACION_SOLD;
			}
		}
	}
	st->arm = op_state_of(row->f[SPOOL_FECHA_ARMADO],
	    row->f[SPOOL_ARMADOR], st->op_known && st->op == OPERACION_ARM);
	st->sold = op_state_of(row->f[SPOOL_FECHA_SOLDADURA],
	    row->f[SPOOL_SOLDADOR], st->op_known && st->op == OPERACION_SOLD);
}

void
spool_detalle_production(char buf[SPOOL_DETALLE_MAX], const char *worker,
    enum operacion op, enum op_state arm, enum op_state sold)
{
	if (worker != NULL)
		(void)snprintf(buf, SPOOL_DETALLE_MAX,
		    "%s trabajando %s (ARM %s, SOLD %s)", worker,
		    operacion_name(op), op_state_detalle(arm),
		    op_state_detalle(sold));
	else
		(void)snprintf(buf, SPOOL_DETALLE_MAX,
		    "Disponible - ARM %s, SOLD %s", op_state_detalle(arm),
		    op_state_detalle(sold));
}

void
spool_detalle_en_reparacion(char buf[SPOOL_DETALLE_MAX], int cycle,
    const char *worker)
{
	(void)snprintf(buf, SPOOL_DETALLE_MAX,
	    "EN_REPARACION (Ciclo %d/3) - Ocupado: %s", cycle, worker);
}

void
spool_detalle_reparacion_pausada(char buf[SPOOL_DETALLE_MAX], int cycle)
{
	(void)snprintf(buf, SPOOL_DETALLE_MAX,
	    "REPARACION_PAUSADA (Ciclo %d/3)", cycle);
}

void
spool_detalle_rechazo(char buf[SPOOL_DETALLE_MAX], int cycle)
{
	if (cycle >= SPOOL_CYCLES_MAX)
		(void)snprintf(buf, SPOOL_DETALLE_MAX, "%s",
		    SPOOL_DETALLE_BLOQUEADO);
	else
		(void)snprintf(buf, SPOOL_DETALLE_MAX,
		    "RECHAZADO (Ciclo %d/3) - Pendiente reparación", cycle);
}

void
spool_detalle_pendiente_metrologia(char buf[SPOOL_DETALLE_MAX], int cycle)
{
	(void)snprintf(buf, SPOOL_DETALLE_MAX, "%s (Ciclo %d/3)",
	    SPOOL_DETALLE_PENDIENTE_METROLOGIA, cycle);
}

int
spool_metrologia_done(const struct spool_row *row, const struct spool_state *st)
{
	switch (st->phase) {
	case PHASE_APROBADO:
	case PHASE_RECHAZADO:
	case PHASE_BLOQUEADO:
	case PHASE_EN_REPARACION:
	case PHASE_REPARACION_PAUSADA:
		return (1);
	case PHASE_PENDIENTE_METROLOGIA:
		return (0);
	default:
		return (spool_cell_set(row->f[SPOOL_FECHA_QC]));
	}
}

int
spool_listed_iniciar(const struct spool_row *row, const struct spool_state *st,
    enum operacion op)
{
	if (st->occupied)
		return (0);
	switch (op) {
	case OPERACION_ARM:
		return (st->materiales && st->arm != OP_COMPLETADO);
	case OPERACION_SOLD:
		return (st->arm_initiated && st->sold != OP_COMPLETADO);
	case OPERACION_METROLOGIA:
		return (spool_cell_set(row->f[SPOOL_FECHA_SOLDADURA]) &&
		    !spool_metrologia_done(row, st));
	default:
		return (0);
	}
}

int
spool_listed_completar(const struct spool_row *row,
    const struct spool_state *st, enum operacion op, long long worker_id)
{
	if (!st->occupied || worker_id <= 0 || st->occupant_id != worker_id)
		return (0);
	return (st->op_known ? st->op == op : spool_op_open(row, op));
}

/* A cell as a JSON string, or null when empty. */
static void
kcell(yajl_gen g, const char *key, const char *cell)
{
	if (spool_cell_set(cell))
		json_kstr(g, key, cell);
	else
		json_knull(g, key);
}

/* A workbook date as "YYYY-MM-DD", or null when empty or unreadable. */
static void
kdate(yajl_gen g, const char *key, const char *cell)
{
	struct civil_time	t;
	char			buf[API_DATE_LEN];

	if (sheet_date_parse(cell, &t) == -1) {
		json_knull(g, key);
		return;
	}
	api_date_format(&t, buf);
	json_kstr(g, key, buf);
}

/* A workbook timestamp as ISO-8601 with offset, or null. */
static void
ktimestamp(yajl_gen g, const char *key, const char *cell)
{
	struct civil_time	t;
	struct zoned_time	z;
	char			buf[ISO_TIMESTAMP_LEN];

	if (sheet_date_parse(cell, &t) == -1 || zone_localize(&t, &z) == -1) {
		json_knull(g, key);
		return;
	}
	iso_timestamp_format(&z, buf);
	json_kstr(g, key, buf);
}

void
spool_since_write(yajl_gen g, const struct spool_row *row)
{
	ktimestamp(g, "fecha_ocupacion", row->f[SPOOL_FECHA_OCUPACION]);
	kcell(g, "fecha_ocupacion_sheets", row->f[SPOOL_FECHA_OCUPACION]);
}

void
spool_json_write(yajl_gen g, const struct spool_row *row)
{
	long	total;

	yajl_gen_map_open(g);
	json_kstr(g, "tag_spool", row->f[SPOOL_TAG]);
	kcell(g, "ot", row->f[SPOOL_OT]);
	kcell(g, "nv", row->f[SPOOL_NV]);
	kdate(g, "fecha_materiales", row->f[SPOOL_FECHA_MATERIALES]);
	kdate(g, "fecha_armado", row->f[SPOOL_FECHA_ARMADO]);
	kdate(g, "fecha_soldadura", row->f[SPOOL_FECHA_SOLDADURA]);
	kdate(g, "fecha_qc_metrologia", row->f[SPOOL_FECHA_QC]);
	kcell(g, "armador", row->f[SPOOL_ARMADOR]);
	kcell(g, "soldador", row->f[SPOOL_SOLDADOR]);
	kcell(g, "ocupado_por", row->f[SPOOL_OCUPADO_POR]);
	/* The tablet's INICIAR and FINALIZAR lists filter on this spelling. */
	json_kstr(g, "Ocupado_Por", spool_cell_set(row->f[SPOOL_OCUPADO_POR]) ?
	    row->f[SPOOL_OCUPADO_POR] : "");
	spool_since_write(g, row);
	kcell(g, "version", row->f[SPOOL_VERSION]);
	kcell(g, "estado_detalle", row->f[SPOOL_ESTADO_DETALLE]);
	/* The frontend badges a spool v4 when this is > 0 (frontend.md 4.3). */
	total = row->total_uniones != NULL ?
	    union_total_parse(row->total_uniones) : -1;
	json_kint(g, "total_uniones", total > 0 ? total : 0);
	yajl_gen_map_close(g);
}

void
spool_status_write(yajl_gen g, const struct spool_row *row,
    const struct spool_state *st)
{
	yajl_gen_map_open(g);
	json_kstr(g, "tag_spool", row->f[SPOOL_TAG]);
	json_kbool(g, "occupied", st->occupied);
	if (st->occupied && st->occupant_id > 0)
		json_kint(g, "worker_id", st->occupant_id);
	else
		json_knull(g, "worker_id");
	if (st->occupied)
		json_kstr(g, "worker_nombre", st->occupant);
	else
		json_knull(g, "worker_nombre");
	if (st->occupied)
		ktimestamp(g, "since", row->f[SPOOL_FECHA_OCUPACION]);
	else
		json_knull(g, "since");
	json_kstr(g, "estado_detalle", row->f[SPOOL_ESTADO_DETALLE]);
	json_kstr(g, "arm", op_state_api(st->arm));
	json_kstr(g, "sold", op_state_api(st->sold));
	yajl_gen_map_close(g);
}
