/*
 * The decision of every occupation request (api.md §2, §4 reparación,
 * data.md §5): given the spool's row, the worker, the action, the
 * operation and the Redis lock as read, either the error to answer or
 * everything to write - the row's cells, the Metadata audit row, the
 * event - with the lock's fate.  Pure: the caller supplies the clock and
 * the uuids, so the same input always gives the same output.
 *
 * Checks, in order (the first that fails answers):
 *
 *   1. METROLOGIA through these routes: 400 INVALID_STATE_TRANSITION
 *	(metrología has no TOMAR/PAUSAR/COMPLETAR; it is one instant POST);
 *	CANCELAR of anything but REPARACION: 400 INVALID_STATE_TRANSITION.
 *	The spool's version against the route (occ_input.v4_route): 400
 *	WRONG_VERSION with the route to use (floor.md §1).
 *   2. Worker not active: 403 WORKER_INACTIVO.  Role: 403
 *	ROL_NO_AUTORIZADO (checked on every action, so a role removed
 *	during a shift stops the next step, data.md §8.7).
 *   3. TOMAR: held by another worker, in Redis or in the row: 409
 *	SPOOL_OCCUPIED naming the holder (the race loser's answer).  A
 *	worker holds at most one operation of a spool: if the lock is
 *	already theirs, 400 INVALID_STATE_TRANSITION.  If only the row
 *	names them (the lock was lost), TOMAR of the same operation resumes
 *	it: that is how a worker recovers after 410 LOCK_EXPIRED.
 *	PAUSAR/COMPLETAR/CANCELAR: no lock, 410 LOCK_EXPIRED; lock or row
 *	held by someone else, 403 NO_AUTORIZADO with data.owner_id; the
 *	worker's own lock without the proof REQUIRE_LOCK_TOKEN asks for
 *	(occ_lock.token_refused), 403 NO_AUTORIZADO too.
 *   4. State: TOMAR needs Fecha_Materiales and, for SOLD, ARM initiated
 *	(400 DEPENDENCIAS_NO_SATISFECHAS, data.dependencia_faltante
 *	"Fecha_Materiales" or "ARM"); TOMAR of a completed operation is 400
 *	INVALID_STATE_TRANSITION; COMPLETAR of one is 400
 *	OPERACION_YA_COMPLETADA; PAUSAR/COMPLETAR of an operation that is
 *	not in progress (or is not the one the worker holds) is 400
 *	INVALID_STATE_TRANSITION.  REPARACION: BLOQUEADO is 403
 *	SPOOL_BLOQUEADO; TOMAR needs RECHAZADO or REPARACION_PAUSADA.
 *
 * Writes.  TOMAR: Ocupado_Por, Fecha_Ocupacion (kept when resuming: the
 * session goes on), Armador/Soldador only if still empty (a hand-off keeps
 * the first worker), version, Estado_Detalle.
 * PAUSAR: Ocupado_Por and Fecha_Ocupacion cleared, version,
 * Estado_Detalle.  COMPLETAR ARM adds Fecha_Armado and COMPLETAR SOLD adds
 * Fecha_Soldadura - each only its own, never the other (data.md §8.2).
 * PAUSAR/COMPLETAR also fill Armador/Soldador when a row taken before v3.0
 * left it empty, so the work is never unattributed.
 */
#ifndef ZEUES_OCCUPATION_RULES_H
#define ZEUES_OCCUPATION_RULES_H

#include <stddef.h>

#include <yajl/yajl_gen.h>

#include "audit.h"
#include "lock_token.h"
#include "occupation_error.h"
#include "sheet_dates.h"
#include "spool_event.h"
#include "spool_state.h"
#include "uuid4.h"
#include "worker_identity.h"

enum occ_action {
	OCC_TOMAR,
	OCC_PAUSAR,
	OCC_COMPLETAR,
	OCC_CANCELAR,		/* reparación only */
	OCC_ACTION_COUNT,
};

/* "TOMAR", "PAUSAR", "COMPLETAR", "CANCELAR". */
const char	*occ_action_name(enum occ_action);

/* The spool's Redis lock as read (lock_owner, or a refused acquire). */
struct occ_lock {
	int		 held;
	long long	 worker_id;	/* lock_value_worker() of the value */
	const char	*holder_nombre;	/* that worker's label, or NULL */
	/*
	 * REQUIRE_LOCK_TOKEN is on and the caller's token does not prove
	 * holding it (lock_token_accepts() on the value of the same read).
	 * Every action on a held lock goes through holder_check(), which
	 * refuses it, so a new route is covered by setting this.
	 */
	int		 token_refused;
};

/* Every pointer is required but fecha_operacion. */
struct occ_input {
	enum occ_action		 action;
	enum operacion		 op;
	const struct spool_row	*row;
	const struct worker	*worker;	/* from worker_lookup() */
	const struct occ_lock	*lock;
	/* TOMAR: the token about to be set; otherwise the holder's token. */
	const char		*lock_token;
	const struct zoned_time	*now;
	/* COMPLETAR: the date of the work; NULL for today. */
	const struct civil_time	*fecha_operacion;
	const char		*new_version;	/* uuid4 for the row */
	const char		*audit_id;	/* uuid4 for the Metadata row */

	/*
	 * v4 (floor.md §1).  A v4 spool (Total_Uniones > 0) is taken and
	 * completed only through the union routes, a v3 spool never: the
	 * other route answers 400 WRONG_VERSION naming the right one
	 * (PAUSAR stays open to both, releasing is always safe).  INICIAR
	 * is TOMAR with v4_route set; SOLD then needs a union ARM-done (403
	 * ARM_PREREQUISITE) instead of Armador.
	 */
	int			 v4_route;	/* INICIAR, FINALIZAR */
	int			 spool_v4;
	size_t			 unions_arm_done;
};

#define OCC_DETAIL_MAX		320
#define OCC_MESSAGE_MAX		160
#define OCC_CELLS_MAX		6
#define OCC_VERSION_MAX		128

/* An error answer: api.md §1's body, "data" from the set members. */
struct occ_failure {
	enum occ_error	 error;
	char		 detail[OCC_DETAIL_MAX];
	char		 tag_spool[SPOOL_TAG_MAX + 1];
	long long	 owner_id;	/* > 0: data.owner_id, owner_nombre */
	char		 owner_nombre[WORKER_NOMBRE_MAX];	/* "" = null */
	const char	*dependencia_faltante;	/* or NULL */
	const char	*operacion;		/* or NULL */
	long long	 worker_id;		/* > 0: data.worker_id */
	/* WRONG_VERSION: top-level "spool_version", "correct_endpoint". */
	const char	*spool_version;
	const char	*correct_endpoint;
};

/* One Operaciones cell to write; "" clears it. */
struct occ_cell {
	enum spool_field field;
	char		 value[SPOOL_DETALLE_MAX];
	/*
	 * A date or timestamp: write it USER_ENTERED (SHEETS_CELL_ENTERED)
	 * so Sheets stores a date; other values go as literal text.
	 */
	int		 entered;
};

enum occ_lock_effect {
	OCC_LOCK_ACQUIRE,	/* SET NX "{worker_id}:{lock_token}" */
	OCC_LOCK_RELEASE,	/* owner-checked release */
	/*
	 * An instant action (metrología): SET NX of a lock of its own before
	 * the commit, owner-checked release after it, whatever the outcome.
	 */
	OCC_LOCK_BRIEF,
};

/*
 * Self-contained: nothing points into the row or the input, so a cache
 * refresh before the group commit writes it changes nothing.
 */
struct occ_outcome {
	int			 ok;
	struct occ_failure	 fail;		/* when !ok */

	/* When ok: */
	enum occ_action		 action;
	enum occ_lock_effect	 lock_effect;
	char			 tag_spool[SPOOL_TAG_MAX + 1];
	char			 message[OCC_MESSAGE_MAX];
	char			 estado_detalle[SPOOL_DETALLE_MAX];
	struct occ_cell		 cells[OCC_CELLS_MAX];
	size_t			 ncells;
	/* What the row must still be when written (occ_row_unchanged). */
	char			 expect_version[OCC_VERSION_MAX];
	long long		 expect_occupant;	/* 0: free */
	struct audit_record	 audit;
	struct occ_event	 event;
	/* TOMAR: the lock's token, answered as lock_token; set by the caller. */
	char			 lock_token[LOCK_TOKEN_STRLEN];
};

void	occ_decide(const struct occ_input *, struct occ_outcome *);

/*
 * The optimistic check before the write (data.md §2): 1 when current is
 * still the row the decision was made on - same tag, same version (its
 * first OCC_VERSION_MAX - 1 bytes), the same occupant (or still free).
 * A person who edited Ocupado_Por or version in between makes it 0.
 */
int	occ_row_unchanged(const struct occ_outcome *,
	    const struct spool_row *current);

/*
 * Failures the routes find before there is a row or a worker to decide
 * on: 404 SPOOL_NO_ENCONTRADO, 404 WORKER_NO_ENCONTRADO, or any code with
 * the caller's detail (503s in a batch).
 */
void	occ_fail_spool_not_found(struct occ_outcome *, const char *tag);
void	occ_fail_worker_not_found(struct occ_outcome *, const char *tag,
	    long long worker_id);
void	occ_fail_other(struct occ_outcome *, enum occ_error,
	    const char *tag, const char *detail);

/*
 * Response bodies: the 200 OccupationResponse, or the error body; the
 * batch-tomar body {"total", "succeeded", "failed", "details"} with one
 * item per tag in request order.
 */
void	occ_response_write(yajl_gen, const struct occ_outcome *);
void	occ_batch_write(yajl_gen, const struct occ_outcome *items, size_t n);
/* The event as one line of JSON, as event_log_publish() takes it. */

#endif
