/*
 * The Metadata audit log mirrored in memory and read incrementally, for
 * GET /api/history/{tag}: a history costs the rows of its tag, never a
 * re-read of the sheet.
 *
 * Metadata only grows, but not strictly in order: group commit writes
 * audit rows at row numbers reserved in Redis (group_commit.h), so a
 * batch can land before an earlier one, and a batch that fails for good
 * leaves its rows empty for ever.  So the log keeps `next`, the first row
 * not known to be final: each read asks for the header row and for the
 * rows from next down, and next moves past an empty row only once that
 * row has stayed empty for gap_ms (longer than any write's deadline).
 * A row read again is known by its number and not added twice.
 *
 * Each row keeps only the cells a history needs, found by header name
 * when the row is read, so columns that move later do not garble it.
 *
 * No I/O here: the read cache fetches both ranges inside its own batchGet
 * (sheets_cache.h, metadata_log_rider()), so the log costs no Sheets
 * request of its own.
 */
#ifndef ZEUES_METADATA_LOG_H
#define ZEUES_METADATA_LOG_H

#include <stddef.h>
#include <stdint.h>

#include "history.h"

struct sheets_cache_rider;
struct sheets_value_range;
struct metadata_log;

/* NULL when out of memory or the sheet name does not fit a range. */
struct metadata_log	*metadata_log_new(const char *sheet, uint64_t gap_ms);
void			 metadata_log_free(struct metadata_log *);

/*
 * The ranges the next read must fetch: the header row and the tail from
 * the first unsettled row.  Valid until the next call.  Returns 0 or -1.
 */
int	metadata_log_ranges(struct metadata_log *, const char **header,
	    const char **tail);

/*
 * Takes in what a read of metadata_log_ranges() brought; the cells it
 * keeps are copied.  now_ms dates the empty rows it sees.  Returns 0, or
 * -1 when out of memory or the header lacks TAG_SPOOL or Timestamp (the
 * rows are then left for the next read).
 */
int	metadata_log_ingest(struct metadata_log *,
	    const struct sheets_value_range *header,
	    const struct sheets_value_range *tail, uint64_t now_ms);

/*
 * Fills out so that the read cache fetches the log's ranges in each of
 * its refreshes and hands what they bring to metadata_log_ingest().
 */
void	metadata_log_rider(struct metadata_log *,
	    struct sheets_cache_rider *out);

/* 1 once a read has been taken in. */
int	metadata_log_loaded(const struct metadata_log *);

/* Rows held, and the first row not yet settled (for tests, /metrics). */
size_t		metadata_log_rows(const struct metadata_log *);
unsigned int	metadata_log_next_row(const struct metadata_log *);

/* The sessions of tag (history.h).  Returns 0, or -1 when out of memory. */
int	metadata_log_history(const struct metadata_log *, const char *tag,
	    struct history *out);

#endif
