/*
 * One change in the group commit (group_commit.h): its own copy of what
 * was submitted, what the batches learned of it (its columns, its audit
 * row, whether a write carrying it may have landed), and its answer.
 * Here is the rule that every submitter hears exactly once, unless it
 * cancelled, and that the cache hears of every change that landed, even
 * after its submitter gave up.  The state machine (group_commit.c) moves
 * tickets through batches; nothing outside the group commit uses this.
 */
#ifndef ZEUES_GROUP_COMMIT_TICKET_H
#define ZEUES_GROUP_COMMIT_TICKET_H

#include <stddef.h>
#include <stdint.h>

#include "group_commit.h"

#define GC_HEADER_MAX	128

enum gc_ticket_state {
	TICKET_WAITING,	/* not verified yet */
	TICKET_VERIFIED,	/* row as expected at the last read */
	TICKET_DONE,		/* answered (or cancelled) */
};

/* What tickets report to: the group commit's counters and cache hook. */
struct gc_ticket_home {
	struct group_commit_stats	 stats;
	gc_applied_fn			*applied;
	void				*applied_arg;
	const char			*key_header;
	const char			*version_header;
};

/* Another row of a change (struct gc_row), its own copy. */
struct gc_ticket_row {
	char			*sheet;
	char			*key_header;
	char			*key;
	unsigned int		 row;
	struct gc_write		*writes;
	size_t			 nwrites;
	long			*cols;		/* of writes, at last read */
};

struct gc_ticket {
	struct gc_ticket_home	*home;
	enum gc_ticket_state	 state;
	gc_done_fn		*done;		/* NULL once cancelled */
	void			*arg;
	uint64_t		 deadline_ms;
	char			*sheet;
	char			*tag;
	char			*expected;
	unsigned int		 row;
	struct gc_write		*writes;	/* own copies */
	size_t			 nwrites;
	long			*cols;		/* of writes, at the last read */
	long			 ver_col;
	struct sheets_row	*audits;	/* own cells, texts */
	size_t			 naudits;
	struct gc_ticket_row	*rows;
	size_t			 nrows;
	size_t			 ranges;	/* its write needs at most */
	char			 version[UUID4_STRLEN];
	unsigned int		 meta_row;	/* first; 0 until reserved */
	int			 in_write;	/* in the write in flight */
	int			 maybe;		/* in a write of unknown fate */
};

/*
 * group_commit_change.c: a submitted change checked and copied.
 *
 * -1 with err set when c cannot be a change (group_commit_submit()).
 */
int		 gc_ticket_check(const struct gc_ticket_home *home,
		    const struct gc_change *c, char *err, size_t errsz);
/*
 * A waiting ticket for c (checked), or NULL when out of memory.  Its
 * ranges: one for its row, and one per run of its other rows that one
 * range can write (rows of a sheet next to each other writing the same
 * columns), so that the write of a batch is known to fit its ranges
 * before any header is read.
 */
struct gc_ticket *gc_ticket_new(struct gc_ticket_home *home,
		    const struct gc_change *c, uint64_t deadline_ms,
		    gc_done_fn *done, void *arg);
void		 gc_ticket_free(struct gc_ticket *m);
/* Whether m writes row of sheet: its own row, or another with cells. */
int		 gc_ticket_writes_row(const struct gc_ticket *m,
		    const char *sheet, unsigned int row);

/* group_commit_ticket.c: answering. */

/* Answers m with st (not APPLIED), unless it cancelled. */
void		 gc_ticket_fail(struct gc_ticket *m, enum gc_status st,
		    uint64_t retry_after_ms, const char *fmt, ...)
		    __attribute__((format(printf, 4, 5)));
/*
 * Answers m CONFLICT, its row's version being version, for its own row
 * (which 0) or its rows[which - 1].
 */
void		 gc_ticket_conflict(struct gc_ticket *m, const char *version,
		    size_t which, const char *fmt, ...)
		    __attribute__((format(printf, 4, 5)));
/* m landed: tells the cache, then its submitter if it still waits. */
void		 gc_ticket_landed(struct gc_ticket *m);

#endif
