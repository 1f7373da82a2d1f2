/*
 * The decision of a FINALIZAR (floor.md §1.2): the holder of a v4 spool
 * names the unions finished in this occupation, and the spool is paused,
 * completed or - with none named - cancelled.  Pure like occ_decide(),
 * which decides the spool's part (who may, the row's cells, the lock, the
 * event); this adds the unions' part.
 *
 * Checks, in order: occ_decide()'s for PAUSAR (the holder, 410 without a
 * lock, 403 NO_AUTORIZADO, WRONG_VERSION for a v3 spool, roles, the
 * operation in progress); then the selection, normalised to n_union (an id
 * "{OT}+{n}" must name the spool's OT) and deduplicated, must be a subset
 * of the unions available for the operation NOW: an unknown union, one
 * already done, or one of another spool is 409 RACE_CONDITION ("Conflicto"
 * in the text, which the frontend's reload modal looks for) and nothing is
 * written.
 *
 *   none selected        CANCELADO: occupation cleared, lock released,
 *                        one SPOOL_CANCELADO row (Accion CANCELAR), event
 *                        CANCELAR
 *   all available        COMPLETAR: Fecha_Armado / Fecha_Soldadura too
 *   some                 PAUSAR
 *
 * Writes of PAUSAR/COMPLETAR: each union's ARM_FECHA_FIN + ARM_WORKER (or
 * SOL_*), and ARM_/SOL_FECHA_INICIO when empty (the session's start,
 * Fecha_Ocupacion); the spool row; the aggregate Operaciones columns
 * (Uniones_*_Completadas, Pulgadas_*) when the sheet has them; audit rows
 * as TEAM.md lists them: one spool-level UNION_*_REGISTRADA row with
 * {"union_count","pulgadas","union_ids",...}, one per union with N_UNION
 * and {"union_id","dn_union"}, and on a completion that leaves every FW
 * union ARM-done and every SOLD-type union SOLD-done, Estado_Detalle
 * "En Cola Metrología", a METROLOGIA_AUTO_TRIGGERED row last and a
 * METROLOGIA_READY event after the spool's.
 */
#ifndef ZEUES_V4_RULES_H
#define ZEUES_V4_RULES_H

#include <stddef.h>

#include <yajl/yajl_gen.h>

#include "occupation_rules.h"
#include "union_model.h"
#include "v4_request.h"

/* GC_ROWS_MAX and GC_AUDITS_MAX (24): unions, their rows, two more. */
#define V4_UNIONS_MAX		22
#define V4_AUDITS_MAX		(V4_UNIONS_MAX + 2)
#define V4_ID_MAX		(V4_REQ_OT_MAX + 8)
#define V4_UNION_CELLS_MAX	3
#define V4_OPS_CELLS_MAX	2

#define V4_DETALLE_METROLOGIA	"En Cola Metrología"

enum v4_action {
	V4_PAUSAR,
	V4_COMPLETAR,
	V4_CANCELADO,
};

/* "PAUSAR", "COMPLETAR", "CANCELADO"; and the frontend's "CANCELAR". */
const char	*v4_action_name(enum v4_action);
const char	*v4_action_frontend(enum v4_action);

struct v4_finalizar_input {
	struct occ_input		 base;	/* action: set here */
	const struct union_list		*unions;	/* the spool's, now */
	const struct v4_union_ref	*sel;
	size_t				 nsel;
	/* uuid4s for the audit rows: V4_AUDITS_MAX of them. */
	const char			*audit_ids[V4_AUDITS_MAX];
	/* Which aggregate columns Operaciones has (union_ops_headers). */
	int				 has_ops_count;
	int				 has_ops_pulgadas;
};

struct v4_cell {
	const char	*header;
	char		 value[SPOOL_DETALLE_MAX];
	int		 entered;	/* a date: USER_ENTERED */
};

/* A union row to write, found by its ID. */
struct v4_union_write {
	char		 id[V4_ID_MAX];
	unsigned int	 row;
	struct v4_cell	 cells[V4_UNION_CELLS_MAX];
	size_t		 ncells;
};

struct v4_outcome {
	struct occ_outcome	 base;	/* the spool: row, lock, event */
	/* When base.ok: */
	enum v4_action		 action;
	struct v4_union_write	 unions[V4_UNIONS_MAX];
	size_t			 nunions;
	struct v4_cell		 ops[V4_OPS_CELLS_MAX];	/* aggregates */
	size_t			 nops;
	struct audit_record	 audits[V4_AUDITS_MAX];
	size_t			 naudits;
	long			 pulgadas_call;		/* thousandths */
	long			 pulgadas_total;	/* the op's, after */
	size_t			 completadas_total;	/* the op's, after */
	int			 metrologia;
	struct occ_event	 metro_event;
};

void	v4_finalizar_decide(const struct v4_finalizar_input *,
	    struct v4_outcome *);

/* The FINALIZAR 200 body, or the error body (occ_response_write()). */
void	v4_finalizar_write(yajl_gen, const struct v4_outcome *);

#endif
