/*
 * The union routes on the occupation flow (floor.md §1.2): INICIAR is a
 * TOMAR job and FINALIZAR a release job, each carrying a struct v4_job.
 * The chain is occupation_flow.c's (cache, owner, decide, lock, commit,
 * unlock, event); what differs is decided here: the spool's version and
 * unions from the read cache, FINALIZAR's decision (v4_rules.h), and the
 * change with its union rows and audit rows (v4_commit.c).
 */
#ifndef ZEUES_V4_FLOW_H
#define ZEUES_V4_FLOW_H

#include "occupation_flow.h"
#include "v4_request.h"
#include "v4_rules.h"

/* The Uniones sheet when occ_flow_deps.uniones is NULL. */
#define UNION_SHEET_DEFAULT	"Uniones"

struct v4_job {
	enum v4_request_kind	 kind;
	struct v4_union_ref	 sel[V4_REQ_UNIONS_MAX];	/* FINALIZAR */
	size_t			 nsel;
	struct v4_outcome	 out;		/* FINALIZAR's answer */
	int			 metro_sent;	/* METROLOGIA_READY's turn */
};

/*
 * A job for a union route: INICIAR (action OCC_TOMAR) or FINALIZAR
 * (OCC_PAUSAR, decided again here).  NULL when out of memory; start it
 * with occ_job_start() like any other.
 */
struct occ_job	*v4_job_new(struct occ_flow *, const struct v4_request *,
		    enum v4_request_kind, uint64_t deadline);

/* --- steps, for occupation_flow.c and occupation_commit.c only --- */

/*
 * Decides the job on in: the spool's version (both routes' business: a
 * v4 spool is refused on TOMAR/COMPLETAR), the unions INICIAR SOLD and
 * FINALIZAR need, then occ_decide() or v4_finalizar_decide(); the answer
 * in job->out (and job->v4->out).
 */
void	flow_decide(struct occ_job *, struct occ_input *);

/* Room for what a FINALIZAR adds to its change (v4_commit.c). */
struct v4_change {
	struct sheets_cell	cells[V4_AUDITS_MAX][AUDIT_COLUMNS];
	struct sheets_row	audits[V4_AUDITS_MAX];
	struct gc_write		writes[V4_UNIONS_MAX][V4_UNION_CELLS_MAX];
	struct gc_row		rows[V4_UNIONS_MAX];
};

#define V4_OPS_WRITES_MAX	V4_OPS_CELLS_MAX

/*
 * A FINALIZAR's change: its audit rows (in place of the one of the spool),
 * its union rows, and the aggregate cells appended to writes (*n of them
 * already, room for V4_OPS_WRITES_MAX more).  Nothing for other jobs.
 */
void	flow_v4_change(struct occ_job *, struct v4_change *,
	    struct gc_change *, struct gc_write *writes, size_t *n);
/* The METROLOGIA_READY event still to publish after the spool's, or NULL. */
const struct occ_event	*flow_v4_next_event(struct occ_job *);

#endif
