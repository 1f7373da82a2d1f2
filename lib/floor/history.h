/*
 * GET /api/history/{tag}: the work sessions of one spool, rebuilt from its
 * Metadata rows (api.md §3).
 *
 * Rows are taken in time order (ties keep sheet order).  A TOMAR opens a
 * session of its operation; the next PAUSAR, COMPLETAR or CANCELAR of the
 * same operation closes it.  Two cases the log can hold besides:
 *
 *	- a TOMAR while the same worker's session of that operation is open
 *	  is the worker taking the spool back after its lock was lost: the
 *	  session goes on;
 *	- a TOMAR by someone else while a session is open means the first
 *	  one's end was never logged: it stays without an end (null), which
 *	  is what is known, and the new one opens.
 *
 * A close with nothing open (rows older than the log) is ignored, as are
 * metrología rows (an instant, not a session) and rows whose time, action
 * or operation cannot be read; the last are counted in skipped.
 *
 * Union work (v4, TEAM.md's row formats): INICIAR writes TOMAR_SPOOL with
 * "v4_operation":"INICIAR" in Metadata_JSON and opens a session like any
 * TOMAR; FINALIZAR closes it with one spool-level UNION_ARM_REGISTRADA or
 * UNION_SOLD_REGISTRADA row (N_UNION empty, {"union_count", "pulgadas",
 * "union_ids"}) or, with no union, SPOOL_CANCELADO.  The session then
 * carries the unions finished in it.  The per-union rows (N_UNION set)
 * repeat what the spool-level row says and are not steps; nor are
 * METROLOGIA_AUTO_TRIGGERED (an instant) and SUPERVISOR_OVERRIDE rows (a
 * sheet edit, not work).  Reparación sessions
 * are TOMAR_REPARACION ... PAUSAR/COMPLETAR/CANCELAR_REPARACION.
 */
#ifndef ZEUES_HISTORY_H
#define ZEUES_HISTORY_H

#include <stddef.h>

#include <yajl/yajl_gen.h>

#include "sheet_dates.h"
#include "worker_identity.h"

/* One Metadata row, its cells as read ("" when empty). */
struct history_event {
	const char	*timestamp;	/* B */
	const char	*evento_tipo;	/* C */
	const char	*worker_id;	/* E */
	const char	*worker_nombre;	/* F */
	const char	*operacion;	/* G */
	const char	*accion;	/* H */
	/*
	 * J: "" unless a history reads it (metadata_log.c keeps it only
	 * for TOMAR v4 rows and spool-level FINALIZAR rows).
	 */
	const char	*metadata_json;
	const char	*n_union;	/* K */
};

struct history_session {
	char			worker_nombre[WORKER_NOMBRE_MAX];
	long long		worker_id;	/* -1: unknown */
	enum operacion		op;
	struct civil_time	start;
	int			has_end;
	struct civil_time	end;
	const char		*end_accion;	/* PAUSAR..., or NULL */

	/* An INICIAR...FINALIZAR session: the unions finished in it. */
	int			v4;
	int			has_unions;	/* its FINALIZAR row said */
	long long		n_unions;
	int			has_pulgadas;
	double			pulgadas;
	char			*union_ids;	/* nids strings, NUL-separated */
	size_t			nids;
};

struct history {
	struct history_session	*sessions;	/* by start time */
	size_t			 nsessions;
	size_t			 skipped;	/* unreadable rows */
};

/* Returns 0, or -1 when out of memory (out is then empty). */
int	history_build(const struct history_event *, size_t n,
	    struct history *out);
void	history_free(struct history *);

/* "1d 2h 15m", "2h 15m" or "45m"; seconds are dropped, negatives are 0. */
void	history_duration(long long seconds, char *buf, size_t len);

/*
 * {"tag_spool", "sessions": [{"worker_nombre", "worker_id", "operacion",
 * "start_time", "end_time", "duration", "tipo", "accion_final",
 * "n_unions", "union_ids", "pulgadas"}]}, times ISO-8601 with offset; an
 * open session has null end_time and duration.  "tipo" is "INICIAR" for
 * union work, "TOMAR" otherwise; "accion_final" how it ended (null while
 * open); the union keys are null unless its FINALIZAR row says.
 */
void	history_write(yajl_gen, const char *tag, const struct history *);

#endif
