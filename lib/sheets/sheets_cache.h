/*
 * The read cache of the Operaciones, Trabajadores, Roles and Uniones
 * sheets.
 *
 * One values.batchGet (one read request) refreshes all four; it is a
 * spare acquire of the read quota (sheets_limiter.h), which leaves the
 * reserve to the reads a write needs.  Data is
 * fresh for ttl_ms (SHEETS_CACHE_TTL_MS); a read after that refreshes it,
 * and readers arriving while a refresh is in flight wait for that same
 * refresh (single flight), each until its own deadline.
 *
 * Stale while error: when a refresh fails, or a reader's deadline comes
 * before the refresh, the last good tables are served as STALE for up to
 * max_stale_ms after they were read, with the error; past that the cache
 * answers UNAVAILABLE.  After a failure no new refresh starts for retry_ms,
 * so a Sheets outage costs one read per retry_ms, not one per request;
 * with no reader, sheets_cache_tick() tries again every 5 × retry_ms, so
 * the tables (and /api/health) recover without waiting for a request.
 *
 * Our own writes: group commit reports every cell it wrote
 * (group_commit.h, gc_applied_fn) to sheets_cache_note_write(), which puts
 * it into the cached table at once, so a read after our write sees it
 * without reading Sheets again.  A write noted while a refresh is in
 * flight is applied again to the tables that refresh brings, since the
 * refresh may have read the sheet before the write landed.
 *
 * Operaciones is indexed by TAG_SPOOL, Trabajadores by Id and Uniones by
 * ID (sheet_table_find() is O(1)); Roles, several rows per worker, is not.
 * Uniones also gets a group index by TAG_SPOOL (sheet_table_group()), so
 * a spool's unions are found without a scan; both are built once per
 * refresh.
 *
 * Shared (SHEETS_CACHE_SHARED, share_pool set): one refresh per TTL for
 * the whole deployment.  A cache whose tables are too old asks Redis
 * first (cache_share.h): a snapshot another worker stored within the TTL
 * is adopted (parsed as a batchGet reply, our noted writes of the last
 * TTL applied again, as to a refresh in flight); otherwise the worker
 * that gets the refresh lease reads Sheets as above and stores what it
 * read; the others ask again every SHARE_POLL_MS until its snapshot is
 * there or its lease expires (a refresher that died), and their readers
 * get the stale-while-error answer at their deadlines meanwhile.  After
 * sheets_cache_invalidate() only a snapshot read since is adopted, and a
 * worker does not wait for another's read then: it reads Sheets itself.
 * Redis down, slow, or a snapshot unreadable or past share_max_bytes:
 * the worker reads Sheets itself, as unshared.
 *
 * Uniones is optional: a workbook not migrated (m003) has no such sheet,
 * and Sheets refuses a whole batchGet naming it (400).  The refresh is
 * then asked again without it, and the next ones leave it out for
 * UNIONES_RETRY_MS; table[SHEETS_CACHE_UNIONES] is NULL meanwhile (every
 * spool is v3).  The same happens, with the reason in the health's
 * unions_error, when Uniones lacks its key column or cannot share one
 * reply with the other tables: the floor's tables never fail for it.
 *
 * Tables handed out in a view stay valid until control returns to the
 * event loop (a refresh can only replace them from there).  Callbacks run
 * exactly once, never from inside sheets_cache_read(), never after cancel.
 */
#ifndef ZEUES_SHEETS_CACHE_H
#define ZEUES_SHEETS_CACHE_H

#include <stdint.h>

#include "io_loop.h"
#include "log_sink.h"
#include "redis_pool.h"
#include "sheet_table.h"
#include "sheets_client.h"
#include "sheets_limiter.h"

#define SHEETS_CACHE_ERROR_MAX	256

enum sheets_cache_table {
	SHEETS_CACHE_OPERACIONES,
	SHEETS_CACHE_TRABAJADORES,
	SHEETS_CACHE_ROLES,
	SHEETS_CACHE_UNIONES,		/* optional: NULL when not read */
	SHEETS_CACHE_TABLES,
};

#define SHEETS_CACHE_RIDER_MAX	2

/*
 * Ranges of another sheet riding along in every refresh's batchGet (still
 * one read request), for a reader that wants no request of its own (the
 * Metadata log, metadata_log_rider()).  A refresh carrying them that fails
 * is followed by a minute without them, so the reader's trouble is never
 * the tables'.  Unset (ranges NULL), nothing rides along.
 */
struct sheets_cache_rider {
	/*
	 * The ranges the next refresh fetches, at most SHEETS_CACHE_RIDER_MAX
	 * of them, valid until the next call.  Returns how many, or -1 to
	 * ride along with none this time.
	 */
	int	(*ranges)(void *arg, const char **out);
	/* What a refresh brought for them, n of them in the same order. */
	void	(*take)(void *arg, const struct sheets_value_range *vr,
		    size_t n, uint64_t now_ms);
	/*
	 * Shared mode: what another worker's refresh brought for its own
	 * ranges (ranges[i] answered by vr[i]).  Returns 0 when taken, -1
	 * when they do not cover ours: then this worker reads Sheets itself
	 * at its next refresh, at most once per minute.  NULL: never.
	 */
	int	(*adopt)(void *arg, const char *const *ranges,
		    const struct sheets_value_range *vr, size_t n,
		    uint64_t now_ms);
	void	*arg;
};

struct sheets_cache_config {
	const char	*sheet[SHEETS_CACHE_TABLES];	/* HOJA_*_NOMBRE */
	/* The column each table is indexed by; NULL for none. */
	const char	*key_header[SHEETS_CACHE_TABLES];
	/* The column a table's rows are grouped by; NULL for none. */
	const char	*group_header[SHEETS_CACHE_TABLES];
	uint64_t	 ttl_ms;
	uint64_t	 max_stale_ms;
	/* One request of a refresh (one refresh, unless in pieces). */
	uint64_t	 refresh_timeout_ms;	/* budget wait in */
	uint64_t	 retry_ms;		/* after a failed refresh */
	struct sheets_cache_rider rider;	/* optional */
	/* Shared mode; share_pool NULL: this worker's cache alone. */
	struct redis_pool	*share_pool;
	const char		*share_id;		/* the spreadsheet */
	uint64_t		 share_lease_ms;	/* 0: refresh_timeout */
	uint64_t		 share_redis_timeout_ms;
	size_t			 share_max_bytes;	/* a snapshot's cap */
	struct log_sink		 log;			/* shared mode's */
};

/* The default cap of a shared snapshot's bytes. */
#define SHEETS_CACHE_SHARE_MAX_BYTES	(64 * 1024 * 1024)

/*
 * Defaults: Operaciones by TAG_SPOOL, Trabajadores by Id, Roles, Uniones
 * by ID grouped by TAG_SPOOL; fresh
 * for 15 s, served stale for up to 5 min, 20 s per refresh, 2 s between
 * failed refreshes.
 */
void	sheets_cache_config_defaults(struct sheets_cache_config *cfg);

enum sheets_cache_status {
	SHEETS_CACHE_FRESH,		/* read within the TTL */
	SHEETS_CACHE_STALE,		/* older; see error */
	SHEETS_CACHE_UNAVAILABLE,	/* no tables to serve; see error */
};

struct sheets_cache_view {
	enum sheets_cache_status	 status;
	/* NULL when UNAVAILABLE. */
	const struct sheet_table	*table[SHEETS_CACHE_TABLES];
	uint64_t			 generation;	/* +1 per refresh */
	uint64_t			 age_ms;	/* since they were read */
	const char			*error;		/* last refresh's, or "" */
};

typedef void	sheets_cache_fn(void *arg, const struct sheets_cache_view *);

struct sheets_cache_health {
	int		have_data;
	int		last_ok;		/* the last refresh succeeded */
	uint64_t	age_ms;			/* of the data */
	uint64_t	since_attempt_ms;	/* since a refresh last ended */
	uint64_t	generation;
	uint64_t	refreshes;
	uint64_t	failures;
	char		error[SHEETS_CACHE_ERROR_MAX];
	int		have_unions;		/* Uniones read */
	/* Why Uniones is left out, or "" (not an error of the cache). */
	char		unions_error[SHEETS_CACHE_ERROR_MAX];
	/* Shared mode: tables taken from Redis, or read from Sheets. */
	int		shared;
	uint64_t	adopted;
	uint64_t	read;
	uint64_t	stored;
	uint64_t	share_failures;		/* Redis or snapshot trouble */
};

struct sheets_cache;
struct sheets_cache_wait;

/* Returns NULL with err set. */
struct sheets_cache	*sheets_cache_new(const struct sheets_cache_config *,
			    struct sheets_client *, struct sheets_limiter *,
			    struct io_loop *, char *err, size_t errsz);
/* Drops every waiting reader without calling back. */
void			 sheets_cache_free(struct sheets_cache *);

/* Call at least every IO_LOOP_TICK_MS. */
void			 sheets_cache_tick(struct sheets_cache *,
			    uint64_t now_ms);

/*
 * The tables, refreshed first if they are older than the TTL; cb gets the
 * view by deadline_ms (absolute, loop clock).  NULL when out of memory.
 */
struct sheets_cache_wait *sheets_cache_read(struct sheets_cache *,
			    uint64_t deadline_ms, sheets_cache_fn *cb,
			    void *arg);
void			 sheets_cache_cancel(struct sheets_cache_wait *);

/* The tables as they are, without waiting or refreshing. */
void			 sheets_cache_peek(struct sheets_cache *,
			    struct sheets_cache_view *out);

/* The next read refreshes (after a conflict, say). */
void			 sheets_cache_invalidate(struct sheets_cache *);

/*
 * A cell we wrote: the row whose key is tag in the table of sheet gets
 * value under header.  Rows or headers the cache does not know are left
 * to the next refresh.  Matches gc_applied_fn (arg is the cache).
 */
void			 sheets_cache_note_write(void *cache,
			    const char *sheet, const char *tag,
			    const char *header, const char *value);

/* The last refresh's outcome and the data's age; no I/O, no quota. */
void			 sheets_cache_health(const struct sheets_cache *,
			    struct sheets_cache_health *out);

#endif
