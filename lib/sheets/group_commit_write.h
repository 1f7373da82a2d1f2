/*
 * The group commit's write (group_commit.h, step 3), without its state:
 * the ranges and cells of the ONE values.batchUpdate that carries a
 * batch's verified changes, their new versions and their audit rows.
 * Pure, so that what a batch writes where is tested on its own
 * (tests/unit/test_group_commit_write.c); the state machine in
 * group_commit.c sends it.
 */
#ifndef ZEUES_GROUP_COMMIT_WRITE_H
#define ZEUES_GROUP_COMMIT_WRITE_H

#include <stddef.h>

#include "group_commit.h"
#include "group_commit_verify.h"
#include "sheets_codec.h"

/* Another row a change writes (struct gc_row): no version, no audit. */
struct gc_other_write {
	const char			*sheet;
	unsigned int			 row;
	const struct gc_write		*writes;
	const long			*cols;	/* 0-based, one per write */
	size_t				 nwrites;
};

/* What one verified change writes. */
struct gc_row_write {
	const char			*sheet;
	unsigned int			 row;
	const struct gc_write		*writes;
	const long			*cols;	/* 0-based, one per write */
	size_t				 nwrites;
	long				 ver_col;
	const char			*version;	/* the new one */
	unsigned int			 audit_row;	/* the first reserved */
	const struct sheets_row		*audits;	/* consecutive rows */
	size_t				 naudits;
	const struct gc_other_write	*others;
	size_t				 nothers;
};

/* The request's ranges, and everything they point into. */
struct gc_write_buf {
	struct sheets_range_data	*data;
	size_t				 ndata;
	struct sheets_row		*rows;
	struct sheets_cell		*cells;
	char				(*a1)[GC_RANGE_MAX];
};

/*
 * Per change, in the order given: one range for its row (from its first
 * to its last written column, the version included, untouched cells
 * skipped), then one for each run of its other rows with cells, sorted
 * by sheet and row, that are consecutive rows of a sheet spanning the
 * same columns; then one range of audit_cols columns of metadata_sheet over
 * the changes' audit rows (rows of others in between skipped, and the
 * cells past a narrower audit row's last).  The
 * cells point at the texts rw points at, which must outlive the buffer.
 * -1 with err set when a range cannot be named or memory runs out.
 */
int	gc_write_build(struct gc_write_buf *w, const struct gc_row_write *rw,
	    size_t n, const char *metadata_sheet, size_t audit_cols,
	    char *err, size_t errsz);
void	gc_write_buf_free(struct gc_write_buf *w);

#endif
