/*
 * Group commit of row changes to the workbook (architecture.md §3): the
 * changes submitted within one window (SHEETS_BATCH_WINDOW_MS) leave as ONE
 * values.batchUpdate, each submitter learns its own outcome, and a batch
 * lands whole or not at all.
 *
 * A change names one row (sheet, key = TAG_SPOOL, the row number the cache
 * had, the version the row should still have), the cells to write there,
 * and its audit rows: cells the caller made (lib/floor/audit.h makes the
 * Metadata row of data.md §1), appended in order to the Metadata sheet on
 * consecutive rows and never read here.  The row gets a new version
 * (uuid4), chosen here.  A change may also write cells of other rows (a
 * FINALIZAR marks its unions on Uniones): each is found by its own key
 * column and verified by its key alone, since the change's own row and
 * its version already decide whether the change is still the one to
 * make.  Everything a change carries lands together or not at all.
 *
 * When a window closes, the batch goes through:
 *
 *  1. verify: one values.batchGet of the header row of each target sheet
 *     and of the key and version cells of the target rows, and of the key
 *     cells of their other rows (column spans around the rows, not whole
 *     rows).  A change whose row no longer holds its tag, or whose version
 *     is not the expected one, or one of whose other rows no longer holds
 *     its key, is answered GC_CONFLICT on its own, nothing of it written;
 *     the others go on.  A header that moved since the last batch is
 *     noticed here and the batch is verified again.
 *  2. reserve: the Metadata rows of the verified changes are numbered in
 *     Redis (one INCRBY on a counter started once from the used length of
 *     Metadata!A:A), each change's audit rows one after the other.  The
 *     grid is grown with appendDimension ahead of need.
 *  3. write: ONE values.batchUpdate (USER_ENTERED, so dates are dates; text
 *     cells are sent as text by the codec) writes the row cells, the new
 *     versions, the other rows' cells and the audit rows at their reserved
 *     numbers.  A call carries at most max_ranges ranges: one per change's
 *     row, one per run of its other rows that one range can write
 *     (consecutive rows of a sheet writing the same columns), one for all
 *     the audit rows.  A batch closes before a change that would not fit;
 *     a change is never divided between calls.
 *
 * Why reserved rows rather than the values.append the first design had:
 * append is a second call that is not atomic with the batchUpdate (a crash
 * in between leaves changes without their audit rows, or the reverse), and
 * it is not idempotent (retrying an append whose answer was lost adds the
 * rows twice).  Writing the audit rows at reserved numbers inside the same
 * batchUpdate makes the batch atomic, and makes a retry harmless: writing
 * the same cells twice changes nothing.  So after an ambiguous failure
 * (a timeout, a 5xx) the batch is verified again and written again; a row
 * that already carries the change's new version counts as applied.  An
 * audit row is therefore never lost and never duplicated.  What it costs:
 * Metadata must be written only through this counter (no other tool may
 * append to it while the server runs), and a batch that fails for good
 * leaves its reserved rows empty.
 *
 * Every Sheets call goes through the request limiter.  Failures are
 * retried with backoff until the change's deadline; then the submitter
 * gets GC_TIMEOUT, with maybe_applied set when a write carrying the change
 * was in flight or its answer was lost (it landed whole or not at all).
 *
 * A verification read or a write refused whole for what it carries (400,
 * 413, 414, or a request that cannot even be built) is not sent again as
 * it was: the batch is split in halves, queued ahead of the rest, and each
 * half is verified and written on its own.  So a change that makes the
 * request fail (a cell Google refuses, a row past the grid) ends up alone
 * and gets GC_FAILED, and the others land.  A refused write wrote
 * nothing, so the changes keep their reserved audit rows.
 *
 * Callbacks run exactly once, never from inside group_commit_submit(),
 * never after group_commit_cancel().  A callback may submit and cancel but
 * must not free the group commit.
 */
#ifndef ZEUES_GROUP_COMMIT_H
#define ZEUES_GROUP_COMMIT_H

#include <stddef.h>
#include <stdint.h>

#include "io_loop.h"
#include "redis_pool.h"
#include "sheets_client.h"
#include "sheets_limiter.h"
#include "uuid4.h"

#define GC_AUDIT_CELLS_MAX	26	/* an audit row is A..Z at most */
#define GC_ROWS_MAX		24	/* other rows one change writes */
/*
 * Audit rows of one change: a FINALIZAR of GC_ROWS_MAX unions writes one
 * spool-level row, one per union and maybe METROLOGIA_AUTO_TRIGGERED.
 */
#define GC_AUDITS_MAX		(GC_ROWS_MAX + 2)
#define GC_ERROR_MAX		256
#define GC_FOUND_MAX		80

/* One cell to write on the change's row, by header name. */
struct gc_write {
	const char		*header;
	struct sheets_cell	 value;
};

/*
 * Another row the change writes, on any sheet (the change's own included,
 * but never a row the change already names): the row whose key_header
 * cell holds key, expected at row.  It gets no version.  nwrites may be 0
 * (then only its key is checked).
 */
struct gc_row {
	const char		*sheet;
	const char		*key_header;
	const char		*key;
	unsigned int		 row;			/* 1-based, > 1 */
	const struct gc_write	*writes;
	size_t			 nwrites;
};

struct gc_change {
	const char		*sheet;
	const char		*tag;			/* the key cell's value */
	unsigned int		 row;			/* 1-based, > 1 */
	const char		*expected_version;	/* "" for none */
	const struct gc_write	*writes;
	size_t			 nwrites;		/* 0: audit only */
	/*
	 * The audit rows, 1 to GC_AUDITS_MAX, written in this order on
	 * consecutive Metadata rows, each from column A with 1 to
	 * GC_AUDIT_CELLS_MAX cells written as they are (copied).
	 */
	const struct sheets_row	*audits;
	size_t			 naudits;
	/* Other rows written with it, 0 to GC_ROWS_MAX (copied). */
	const struct gc_row	*rows;
	size_t			 nrows;
	/*
	 * The row's new version, when the caller has already written it
	 * elsewhere (into the audit row, say); NULL for a fresh uuid4.
	 */
	const char		*new_version;
};

enum gc_status {
	GC_APPLIED,	/* written whole: cells, other rows, audit rows */
	GC_CONFLICT,	/* a row is not as expected; nothing written */
	GC_FAILED,	/* cannot be written (see error); nothing written */
	GC_TIMEOUT,	/* the deadline passed; see maybe_applied */
};

struct gc_outcome {
	enum gc_status	 status;
	int		 maybe_applied;
	uint64_t	 retry_after_ms;	/* TIMEOUT for want of budget */
	char		 version[UUID4_STRLEN];	/* the row's new version */
	unsigned int	 audit_row;		/* APPLIED: the first */
	char		 found_version[GC_FOUND_MAX];	/* CONFLICT */
	char		 error[GC_ERROR_MAX];	/* "" when APPLIED */
	/* CONFLICT: 0 for the change's own row, k + 1 for its rows[k]. */
	size_t		 conflict_row;
};

typedef void	gc_done_fn(void *arg, const struct gc_outcome *);

/*
 * Told of every cell of a change that landed (its new version included,
 * and the cells of its other rows, with their sheet and key), before its
 * submitter, even if the submitter timed out meanwhile: the read cache
 * applies our own writes with it (sheets_cache_note_write()).
 */
typedef void	gc_applied_fn(void *arg, const char *sheet, const char *tag,
		    const char *header, const char *value);

struct group_commit_config {
	const char	*spreadsheet_id;	/* names the row counter */
	const char	*metadata_sheet;	/* HOJA_METADATA_NOMBRE */
	const char	*key_header;
	const char	*version_header;
	uint64_t	 window_ms;		/* SHEETS_BATCH_WINDOW_MS */
	/* Between batch starts: pace writes to the quota (0: no pacing). */
	uint64_t	 min_interval_ms;
	/*
	 * Take the write's quota slot before the verification read: with
	 * the limiter's write spacing, one batch per slot for the whole
	 * deployment, and one verification read per write.
	 */
	int		 slot_first;
	size_t		 max_batch;		/* changes per write call */
	size_t		 max_ranges;		/* per Sheets call */
	uint64_t	 call_timeout_ms;	/* one Sheets call, retries in */
	uint64_t	 redis_timeout_ms;
	uint64_t	 backoff_base_ms;
	uint64_t	 backoff_cap_ms;
	unsigned int	 grid_margin_rows;	/* grow when fewer are left */
	unsigned int	 grid_grow_rows;
	gc_applied_fn	*applied;
	void		*applied_arg;
};

/*
 * Defaults: "Metadata", "TAG_SPOOL", "version", a 200 ms window, 60
 * changes per batch and the client's default 64 ranges per call (at
 * least GC_ROWS_MAX + 2, so that any change fits a call), 10 s per call,
 * 1 s for Redis, backoff 500 ms to 8 s, grow Metadata by 1,000 rows when
 * fewer than 200 are left.
 */
void	group_commit_config_defaults(struct group_commit_config *cfg);

struct group_commit_stats {
	uint64_t	batches;
	uint64_t	reads;			/* Sheets read calls made */
	uint64_t	writes;			/* Sheets write calls made */
	uint64_t	applied;
	uint64_t	conflicts;
	uint64_t	failed;
	uint64_t	timeouts;
	uint64_t	retries;		/* batches verified again */
	uint64_t	splits;			/* refused batches halved */
};

struct group_commit;
struct gc_ticket;

/* Returns NULL with err set. */
struct group_commit	*group_commit_new(const struct group_commit_config *,
			    struct sheets_client *, struct redis_pool *,
			    struct sheets_limiter *, struct io_loop *,
			    char *err, size_t errsz);
/* Drops every change without calling back (their writes may land). */
void			 group_commit_free(struct group_commit *);

/* Call at least every IO_LOOP_TICK_MS. */
void			 group_commit_tick(struct group_commit *,
			    uint64_t now_ms);

/*
 * Queues a change (copied); deadline_ms is absolute (loop clock).  Returns
 * NULL with err set when the change is malformed (done will not run).
 */
struct gc_ticket	*group_commit_submit(struct group_commit *,
			    const struct gc_change *, uint64_t deadline_ms,
			    gc_done_fn *done, void *arg, char *err,
			    size_t errsz);
/*
 * As group_commit_submit(), for a change a write may already have carried
 * (one a committer that died had read: commit_relay.h).  c->new_version
 * must be set; a row that already holds it counts as the change landed
 * (APPLIED, nothing written again), so replaying a change is harmless.
 */
struct gc_ticket	*group_commit_submit_replay(struct group_commit *,
			    const struct gc_change *, uint64_t deadline_ms,
			    gc_done_fn *done, void *arg, char *err,
			    size_t errsz);
/*
 * done will not run.  A change still waiting for its window is dropped;
 * one whose batch is being written may still land.
 */
void			 group_commit_cancel(struct gc_ticket *);
/*
 * 1 while a change cancelled from its batch may still land: a
 * values.batchUpdate is on its way, or one ended without an answer (a
 * timeout, a 5xx) less than a Sheets call ago.
 */
int			 group_commit_writing(const struct group_commit *);

void			 group_commit_stats(const struct group_commit *,
			    struct group_commit_stats *out);

const char		*gc_status_name(enum gc_status);
/*
 * A written cell's value as the applied hook gets it (buf for numbers),
 * or NULL for a cell that writes nothing.
 */
const char		*gc_cell_text(const struct sheets_cell *, char *buf,
			    size_t len);

#endif
