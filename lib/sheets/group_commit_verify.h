/*
 * The group commit's verification (group_commit.h, step 1), without its
 * state: which ranges one values.batchGet reads to check a batch's target
 * rows, and what the read-back says of each row.  Pure, so that the
 * choice of ranges and the verdicts are tested on their own
 * (tests/unit/test_group_commit_verify.c); the state machine in
 * group_commit.c makes the call and acts on the verdicts.
 */
#ifndef ZEUES_GROUP_COMMIT_VERIFY_H
#define ZEUES_GROUP_COMMIT_VERIFY_H

#include <stddef.h>

#include "a1.h"
#include "sheet_table.h"
#include "sheets_codec.h"

#define GC_RANGE_MAX	(A1_SHEET_NAME_SIZE + 40)
/* Rows of one sheet this close together are verified as one span. */
#define GC_CLUSTER_GAP	32

/* What a target sheet's header row said at the last read. */
struct gc_sheet {
	char			*name;
	struct sheet_table	*hdr;		/* NULL until read */
	struct gc_sheet		*next;
};

/* The 0-based column of header in sh, or -1 (also before any read). */
long	gc_sheet_col(const struct gc_sheet *sh, const char *header);

enum gc_plan_kind {
	GC_PLAN_HEADER,
	GC_PLAN_KEYS,
	GC_PLAN_VERSIONS,
};

/* One range of a verification read. */
struct gc_plan_range {
	struct gc_sheet		*sh;
	enum gc_plan_kind	 kind;
	unsigned int		 first;
	unsigned int		 last;
	long			 col;		/* KEYS, VERSIONS: 0-based */
	char			 a1[GC_RANGE_MAX];
};

/* The ranges, in the order they are asked for and come back. */
struct gc_plan {
	struct gc_plan_range	*ranges;
	size_t			 n;
};

/*
 * A row to verify: by the plan's key and version columns, or, when
 * key_header is set, by that key column alone (another row of a change).
 */
struct gc_target {
	struct gc_sheet		*sh;
	unsigned int		 row;
	const char		*key_header;
};

/*
 * Plans the read of the targets, at most cap ranges: per sheet (in the
 * order the targets name them) its header row, then, once the header
 * names both the key and the version columns, those two columns over each
 * run of nearby rows (GC_CLUSTER_GAP), then each other key column the
 * header names over each run of its rows; or over one run per sheet and
 * column when that would be too many ranges.  -1 with err set when even
 * that is.  The plan is replaced; gc_plan_free() frees it.
 */
int		 gc_plan_build(struct gc_plan *plan, size_t cap,
		    const struct gc_target *t, size_t nt,
		    const char *key_header, const char *version_header,
		    char *err, size_t errsz);
void		 gc_plan_free(struct gc_plan *plan);

/*
 * Whether the plan reads row of sh in column col (0-based): a header that
 * moved since the plan was made may name columns it did not read.
 */
int		 gc_plan_reads(const struct gc_plan *plan,
		    const struct gc_sheet *sh, long col, unsigned int row);

/*
 * The cell the read vrs (answering plan) returned for row of sh in column
 * col; "" when it returned none.
 */
const char	*gc_plan_cell(const struct gc_plan *plan,
		    const struct sheets_value_ranges *vrs,
		    const struct gc_sheet *sh, long col, unsigned int row);

enum gc_verdict {
	GC_VERDICT_WRITE,	/* as expected: write the change */
	GC_VERDICT_LANDED,	/* carries our new version: written before */
	GC_VERDICT_NOT_KEY,	/* the row holds another key */
	GC_VERDICT_STALE,	/* the version is not the expected one */
};

/*
 * The verdict on a row whose key cell reads key and version cell version,
 * for a change of the row holding tag from version expected to
 * new_version.  A key cell matches with spaces around it.  A row already
 * at new_version counts as written only when a write of the change may
 * have landed (maybe_written).
 */
enum gc_verdict	 gc_verify_row(const char *key, const char *version,
		    const char *tag, const char *expected,
		    const char *new_version, int maybe_written);

#endif
