/*
 * The read cache's state (sheets_cache.h), shared by the two files that
 * make it: sheets_cache.c, the cache itself (readers, the refreshes that
 * read Sheets, the tables and the writes noted into them), and
 * sheets_cache_shared.c, its shared mode (the refresh lease and the
 * snapshots of cache_share.h) and the journal of noted writes applied
 * again to tables read before them.  Only lib/sheets/sheets_cache*.c
 * include this; everything else uses sheets_cache.h.
 */
#ifndef ZEUES_SHEETS_CACHE_PRIVATE_H
#define ZEUES_SHEETS_CACHE_PRIVATE_H

#include <sys/queue.h>

#include <stddef.h>
#include <stdint.h>

#include "a1.h"
#include "sheet_chunks.h"
#include "sheets_cache.h"

#define HEADER_MAX	128
/*
 * After a refresh that carried the rider's ranges fails, the next ones
 * leave them out this long: whatever the rider's trouble (a sheet too
 * long to read at once, a missing column), the floor's tables must not
 * share it.  In shared mode, a rider that snapshots do not cover reads
 * Sheets itself at most this often.
 */
#define RIDER_PAUSE_MS	60000

/*
 * A cached sheet.  sheet_table_new() takes the value range's rows over as
 * its own storage, so rows is the table's storage too: a cell written
 * there is what sheet_table_cell() returns.  Only cells of data rows
 * outside the key and group columns are ever written, so the header, key
 * and group indexes stay right.
 */
struct cache_table {
	struct sheet_table	*t;
	struct sheets_value_row	*rows;		/* rows[0] is the header */
	size_t			 nrows;
};

/*
 * A refresh is one batchGet when the workbook fits one reply.  Past that,
 * Operaciones is read in pieces (sheet_chunks.h): the grid first when it
 * is not known, then the other tables with the first piece, then the
 * rest, each request charged to the read quota on its own.  Uniones that
 * does not fit the first request with the others is read after the
 * pieces in a request of its own, from then on (unions_alone).
 */
enum refresh_step {
	STEP_GRID,		/* spreadsheets.get: the grid's size */
	STEP_MAIN,		/* every table, Operaciones' first piece */
	STEP_PIECE,		/* one more piece of Operaciones */
	STEP_UNIONES,		/* Uniones alone, when it does not fit MAIN */
};

/* A write noted while a refresh was in flight, to apply to its tables. */
struct noted_write {
	uint64_t noted_ms;
	int	 table;
	char	*tag;
	char	*header;
	char	*value;
};

struct sheets_cache {
	struct sheets_cache_config	 cfg;
	char				 sheet[SHEETS_CACHE_TABLES]
					     [A1_SHEET_NAME_SIZE];
	char				 key[SHEETS_CACHE_TABLES][HEADER_MAX];
	char				 group[SHEETS_CACHE_TABLES][HEADER_MAX];
	char				 range[SHEETS_CACHE_TABLES]
					     [A1_SHEET_NAME_SIZE + 2];
	struct sheets_client		*sc;
	struct sheets_limiter		*lim;
	struct io_loop			*loop;

	struct cache_table		 tab[SHEETS_CACHE_TABLES];
	int				 have;
	int				 expired;	/* invalidated */
	uint64_t			 loaded_ms;	/* when they were asked for */

	int				 refreshing;
	enum refresh_step		 step;
	struct sheets_limit_op		*lop;
	uint64_t			 call_id;
	size_t				 nranges;	/* of that call */
	size_t				 ntables;	/* tables of them */
	int				 got_unions;	/* this refresh */
	int				 unions_alone;	/* STEP_UNIONES */
	uint64_t			 unions_paused_until_ms;
	char				 unions_error[SHEETS_CACHE_ERROR_MAX];
	struct sheet_chunks		 chunks;	/* Operaciones */
	/* The value ranges read so far by the refresh under way. */
	struct sheets_value_range	 got[SHEETS_CACHE_TABLES];
	int				 regrid;	/* learn it first */
	int				 replanned;	/* this refresh */
	uint64_t			 rider_paused_until_ms;
	uint64_t			 step_started_ms;
	uint64_t			 call_sent_ms;
	uint64_t			 next_refresh_ms;
	uint64_t			 attempt_end_ms;
	int				 attempted;
	int				 last_ok;
	char				 error[SHEETS_CACHE_ERROR_MAX];

	struct noted_write		*journal;
	size_t				 njournal;
	size_t				 capjournal;
	uint64_t			 refresh_started_ms;

	/* Shared mode (cache_share.h); share NULL when unshared. */
	struct cache_share		*share;
	int				 share_sleeping;
	uint64_t			 share_due_ms;
	uint64_t			 share_give_up_ms;
	int				 leased;	/* this refresh */
	uint64_t			 lease_redis_ms;
	uint64_t			 lease_local_ms;	/* the same */
	uint64_t			 share_gen;	/* the tables' */
	uint64_t			 invalidated_ms;
	int				 share_down;	/* for one log line */
	int				 rider_owes;	/* own read due */
	uint64_t			 rider_own_ms;	/* not before */
	char				*rider_asked[SHEETS_CACHE_RIDER_MAX];
	struct sheets_value_range	 rider_got[SHEETS_CACHE_RIDER_MAX];
	size_t				 nrider_got;
	uint64_t			 adopted;
	uint64_t			 read;
	uint64_t			 stored;
	uint64_t			 share_failures;

	TAILQ_HEAD(, sheets_cache_wait)	 waits;
	uint64_t			 serial;
	uint64_t			 generation;
	uint64_t			 refreshes;
	uint64_t			 failures;
};

/*
 * sheets_cache.c: what an adopted snapshot goes through as a refresh's
 * reply does, and the read of Sheets a shared cache falls back to.
 */

/*
 * The row of table i whose key is tag gets value under header: a noted
 * write, and the journal's again after a refresh or an adoption.
 */
void	cache_table_apply(struct sheets_cache *c, int i, const char *tag,
	    const char *header, const char *value);
/* Drops the ranges read so far; an adoption fills c->got as a reply. */
void	cache_got_clear(struct sheets_cache *c);
/*
 * The tables built from c->got replace the ones served, dated loaded_ms;
 * the writes noted since journal_from_ms go in again, since they may
 * have landed after the sheet was read.  -1 with err set.  A refresh's
 * reply and an adopted snapshot both end here.
 */
int	cache_tables_install(struct sheets_cache *c, uint64_t loaded_ms,
	    uint64_t journal_from_ms, char *err, size_t errsz);
/* Answers every reader that was waiting before this moment. */
void	cache_deliver_waiting(struct sheets_cache *c);
/*
 * The worker reads Sheets itself, when it is unshared, holds the lease
 * or Redis cannot help.  From the tick or a read: out of memory, the
 * refresh ends without answering anyone.
 */
void	cache_read_start(struct sheets_cache *c);
/* The same from a callback (Redis' answer), where failing answers them. */
void	cache_read_or_fail(struct sheets_cache *c);

/*
 * sheets_cache_shared.c: the journal, which an unshared cache uses too
 * while a refresh is in flight, and shared mode's entry points.
 */

/* Keeps a write noted while a refresh is in flight, or any when shared. */
void	journal_note(struct sheets_cache *c, int i, const char *tag,
	    const char *header, const char *value);
/*
 * The writes noted since from_ms go into newly installed tables again;
 * unshared, the journal is done with then.
 */
void	journal_apply(struct sheets_cache *c, uint64_t from_ms);
/* Forgets the noted writes: a failed refresh (unshared), the cache freed. */
void	journal_clear(struct sheets_cache *c);
/* From sheets_cache_new(): -1 when out of memory or the id is too long. */
int	share_init(struct sheets_cache *c);
/*
 * A refresh starts in shared mode: 1 when Redis was asked first, 0 when
 * the worker must read Sheets itself (a rider that snapshots do not
 * cover).
 */
int	share_refresh(struct sheets_cache *c, uint64_t now);
/* Asks Redis again, from the tick, once share_due_ms comes. */
void	share_ask(struct sheets_cache *c);
/* What this worker read under the lease goes to Redis for the others. */
void	share_store(struct sheets_cache *c);

#endif
