/*
 * The supervisor's manual unblock, noticed and recorded once (floor.md
 * §2): a spool BLOQUEADO after three rejections goes back to work only
 * when a supervisor edits its Estado_Detalle by hand (to RECHAZADO), and
 * that edit gets one SUPERVISOR_OVERRIDE audit row (Worker_ID 0).
 *
 * Every worker of every instance watches its own read cache: after each
 * refresh it tells Redis which spools are BLOQUEADO now (a hash, tag ->
 * the row's version, kept across restarts) and reads back every spool
 * Redis knows as blocked.  One of those no longer BLOQUEADO in the sheet
 * was unblocked by hand: the worker that wins a SET NX marker keyed by tag
 * and version records it through the group commit (an audit-only change
 * that must find the row at the version it read), then forgets the spool.
 * The marker stays once the row is written, so two workers, or two
 * instances, seeing the same edit record it once; a write that failed
 * gives the marker back for the next refresh to try again.
 */
#ifndef ZEUES_SUPERVISOR_OVERRIDE_H
#define ZEUES_SUPERVISOR_OVERRIDE_H

#include <stdint.h>

#include "commit_relay.h"
#include "io_loop.h"
#include "log_sink.h"
#include "redis_pool.h"
#include "sheets_cache.h"

#define OVERRIDE_HOLDER_MAX	96

/* Everything must outlive the watch. */
struct override_deps {
	struct io_loop		*loop;
	struct redis_pool	*pool;
	struct sheets_cache	*cache;
	struct commit_relay	*commit;	/* to the group commit */
	const char		*operaciones;	/* HOJA_OPERACIONES_NOMBRE */
	char			 holder[OVERRIDE_HOLDER_MAX];	/* marker */
	uint64_t		 redis_timeout_ms;
	uint64_t		 commit_timeout_ms;
	struct log_sink		 log;
};

struct override_watch;

/* NULL when out of memory.  deps is copied. */
struct override_watch	*override_watch_new(const struct override_deps *);
/* Cancels what is in flight (a change being written may still land). */
void			 override_watch_free(struct override_watch *);
/* Looks at the cache after each of its refreshes; call from the tick. */
void			 override_watch_tick(struct override_watch *,
			    uint64_t now_ms);

#endif
