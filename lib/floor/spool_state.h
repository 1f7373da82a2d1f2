/*
 * The state of a spool, derived from its Operaciones row and never stored
 * apart from it (data.md §5), and the Estado_Detalle texts the floor reads.
 *
 * Per operation (ARM shown; SOLD is the same with Soldador and
 * Fecha_Soldadura), the first line that applies:
 *
 *	Fecha_Armado set			completado
 *	occupied for ARM			en_progreso
 *	Armador set				pausado
 *	otherwise				pendiente
 *
 * A cell is "set" when it holds anything but spaces: a date someone typed
 * in an odd way still means the step happened.
 *
 * Which operation an occupied row is occupied for.  Ocupado_Por says who,
 * not what.  The answer must come from the row, because the row is the
 * record: the reconciliation rebuilds lost Redis locks from it, and the
 * lists (GET /api/spools/completar?operacion=...) read only the cached
 * sheet.  The lock value ("{worker_id}:{token}") is therefore not the
 * place, even though it could carry more.  The rule, in order:
 *
 *   1. Estado_Detalle as this server writes it in the same update as
 *	Ocupado_Por: "{Ocupado_Por} trabajando ARM|SOLD (...)" with the same
 *	worker, or "EN_REPARACION ...".  Believed only when the row allows
 *	that operation to be in progress (ARM not completed; SOLD with ARM
 *	initiated and SOLD not completed), so a stale or hand-edited text
 *	cannot contradict the dates.
 *   2. Otherwise the dates, when only one operation can be in progress:
 *	with ARM not yet initiated only ARM can be; with ARM completed and
 *	SOLD not, only SOLD.
 *   3. Otherwise unknown (ARM initiated but open, SOLD open too, and a
 *	detail that does not say): the occupation rules then accept the
 *	operation the holder names, if it can be in progress.
 */
#ifndef ZEUES_SPOOL_STATE_H
#define ZEUES_SPOOL_STATE_H

#include <stddef.h>

#include <yajl/yajl_gen.h>

#include "spool_tag.h"
#include "worker_identity.h"

struct sheet_table;

/* The longest Estado_Detalle this server writes, with room to spare. */
#define SPOOL_DETALLE_MAX	192

#define SPOOL_DETALLE_APROBADO		"METROLOGIA_APROBADO ✓"
#define SPOOL_DETALLE_BLOQUEADO		"BLOQUEADO - Contactar supervisor"
#define SPOOL_DETALLE_PENDIENTE_METROLOGIA	"PENDIENTE_METROLOGIA"
/* The rejection that blocks a spool. */
#define SPOOL_CYCLES_MAX	3

/* The Operaciones columns the occupation reads and writes. */
enum spool_field {
	SPOOL_TAG,
	SPOOL_OT,
	SPOOL_NV,
	SPOOL_FECHA_MATERIALES,
	SPOOL_FECHA_ARMADO,
	SPOOL_ARMADOR,
	SPOOL_FECHA_SOLDADURA,
	SPOOL_SOLDADOR,
	SPOOL_FECHA_QC,
	SPOOL_OCUPADO_POR,
	SPOOL_FECHA_OCUPACION,
	SPOOL_VERSION,
	SPOOL_ESTADO_DETALLE,
	SPOOL_FIELD_COUNT,
};

/* The header of a field as data.md spells it: "Fecha_QC_Metrología". */
const char	*spool_field_header(enum spool_field);

/*
 * A row as read: every field a string, "" when empty, never NULL.
 * total_uniones is Total_Uniones (floor.md §1), optional: "" when the
 * workbook has no such column (not migrated), NULL in a row not read by
 * spool_row_read().
 */
struct spool_row {
	const char	*f[SPOOL_FIELD_COUNT];
	const char	*total_uniones;
};

struct spool_columns {
	long	col[SPOOL_FIELD_COUNT];
	long	total_uniones;		/* -1: no such column */
};

/*
 * Locates every field's column.  Returns 0, or -1 with the header of the
 * first missing column in *missing (the migration was not applied).
 */
int	spool_columns_find(const struct sheet_table *,
	    struct spool_columns *, const char **missing);
/* Points row at data row i's cells; valid while the table lives. */
void	spool_row_read(const struct sheet_table *,
	    const struct spool_columns *, size_t i, struct spool_row *row);

/* 1 when the cell holds more than spaces. */
int	spool_cell_set(const char *cell);

enum op_state {
	OP_PENDIENTE,
	OP_EN_PROGRESO,
	OP_PAUSADO,
	OP_COMPLETADO,
};

/* The API's word ("en_progreso") and Estado_Detalle's ("en progreso"). */
const char	*op_state_api(enum op_state);
const char	*op_state_detalle(enum op_state);

/* Where the spool is after ARM and SOLD, from Estado_Detalle. */
enum spool_phase {
	PHASE_PRODUCCION,		/* ARM/SOLD texts, or anything else */
	PHASE_PENDIENTE_METROLOGIA,
	PHASE_APROBADO,
	PHASE_RECHAZADO,
	PHASE_BLOQUEADO,
	PHASE_EN_REPARACION,
	PHASE_REPARACION_PAUSADA,
};

struct spool_state {
	enum op_state	 arm;
	enum op_state	 sold;
	int		 materiales;	/* Fecha_Materiales set */
	int		 arm_initiated;	/* Armador or Fecha_Armado set */

	int		 occupied;	/* Ocupado_Por set */
	char		 occupant[WORKER_NOMBRE_MAX];	/* trimmed, or "" */
	long long	 occupant_id;	/* from "(id)", or -1 */
	int		 op_known;	/* occupied and op is known */
	enum operacion	 op;		/* the occupied operation */

	enum spool_phase phase;
	int		 cycle;		/* rejections so far, 0..3 */
};

void	spool_state_derive(const struct spool_row *, struct spool_state *);

/*
 * 1 when op could be in progress on this row (the dependencies of rule 1
 * above): ARM not completed; SOLD with ARM initiated and not completed;
 * REPARACION while rejected or in repair.
 */
int	spool_op_open(const struct spool_row *, enum operacion op);

/* The count in "Ciclo N/3" (at most 3), 3 for BLOQUEADO, else 0. */
int	spool_cycle_parse(const char *detalle);

/*
 * Estado_Detalle of the ARM/SOLD phase: "{worker} trabajando {op} (ARM
 * {a}, SOLD {s})" when worker is not NULL, "Disponible - ARM {a}, SOLD
 * {s}" otherwise.  The reparación phase: "EN_REPARACION (Ciclo N/3) -
 * Ocupado: {worker}", "REPARACION_PAUSADA (Ciclo N/3)", and a rejection
 * "RECHAZADO (Ciclo N/3) - Pendiente reparación", which at the third is
 * SPOOL_DETALLE_BLOQUEADO.
 */
void	spool_detalle_production(char buf[SPOOL_DETALLE_MAX],
	    const char *worker, enum operacion op, enum op_state arm,
	    enum op_state sold);
void	spool_detalle_en_reparacion(char buf[SPOOL_DETALLE_MAX], int cycle,
	    const char *worker);
void	spool_detalle_reparacion_pausada(char buf[SPOOL_DETALLE_MAX],
	    int cycle);
void	spool_detalle_rechazo(char buf[SPOOL_DETALLE_MAX], int cycle);
/*
 * Back in the inspection queue after a repair: "PENDIENTE_METROLOGIA
 * (Ciclo N/3)".  The cycle rides along because Estado_Detalle is where
 * the count lives (floor.md §2): a bare "PENDIENTE_METROLOGIA" would make
 * every rejection after a repair the first, and BLOQUEADO unreachable.
 */
void	spool_detalle_pendiente_metrologia(char buf[SPOOL_DETALLE_MAX],
	    int cycle);

/*
 * 1 when the spool has had its verdict and has not come back from a
 * repair: approved, rejected, blocked or in repair by Estado_Detalle, or
 * Fecha_QC_Metrología set and not back in the queue (PENDIENTE_METROLOGIA).
 */
int	spool_metrologia_done(const struct spool_row *,
	    const struct spool_state *);

/*
 * GET /api/spools/iniciar?operacion=op: ARM with Fecha_Materiales, not
 * completed; SOLD with ARM initiated, not completed; METROLOGIA with
 * Fecha_Soldadura and no verdict (spool_metrologia_done); none of them
 * occupied.
 */
int	spool_listed_iniciar(const struct spool_row *,
	    const struct spool_state *, enum operacion op);
/*
 * GET /api/spools/completar and /cancelar: held by worker_id ("(id)" in
 * Ocupado_Por) for op, v3 TOMAR or v4 INICIAR alike.  A row that does not
 * say for which operation it is held (rule 3 above) is listed under each
 * operation it could be held for, as the rules accept either from the
 * holder: hiding it would leave the holder no way to release it.
 */
int	spool_listed_completar(const struct spool_row *,
	    const struct spool_state *, enum operacion op, long long worker_id);

/*
 * The Spool object of api.md §3 (dates ISO or null), with what the
 * deployed frontend reads (frontend.md §7 items 13, 18): "Ocupado_Por"
 * ("" when free) and "fecha_ocupacion_sheets".
 */
void	spool_json_write(yajl_gen, const struct spool_row *);
/*
 * "fecha_ocupacion": Fecha_Ocupacion as ISO 8601 with the floor's offset,
 * the only spelling a browser's Date reads right, or null when the cell is
 * empty or unreadable (never "N/A"); "fecha_ocupacion_sheets": the cell
 * as the workbook has it, or null.
 */
void	spool_since_write(yajl_gen, const struct spool_row *);
/* GET /api/occupation/status/{tag}. */
void	spool_status_write(yajl_gen, const struct spool_row *,
	    const struct spool_state *);

#endif
