/*
 * The group commit's batches (group_commit.h): the changes of one window
 * on their way through verify, reserve and write.  group_commit.c gathers
 * changes into batches and starts them one at a time;
 * group_commit_batch.c moves the one in flight through its steps, with
 * the pure parts in group_commit_verify.c and group_commit_write.c, the
 * row numbering in audit_rows.c and each change's answer in
 * group_commit_ticket.c.  This header is the state they share; nothing
 * outside the group commit uses it.
 */
#ifndef ZEUES_GROUP_COMMIT_BATCH_H
#define ZEUES_GROUP_COMMIT_BATCH_H

#include <sys/queue.h>

#include <stddef.h>
#include <stdint.h>

#include "audit_rows.h"
#include "group_commit.h"
#include "group_commit_ticket.h"
#include "group_commit_verify.h"

enum gc_batch_step {
	GC_STEP_IDLE,
	GC_STEP_LIMIT,		/* waiting for the limiter */
	GC_STEP_SHEETS,		/* a Sheets call in flight */
	GC_STEP_REDIS,		/* a Redis command in flight */
	GC_STEP_BACKOFF,	/* waiting until retry_at */
};

enum gc_batch_act {
	GC_ACT_VERIFY,		/* read: headers, keys, versions */
	GC_ACT_COUNT,		/* read: Metadata!A:A to start the counter */
	GC_ACT_COUNT_SET,	/* Redis: SET counter NX */
	GC_ACT_RESERVE,		/* Redis: number the audit rows */
	GC_ACT_GRID,		/* read: spreadsheets.get */
	GC_ACT_GROW,		/* write: appendDimension on Metadata */
	GC_ACT_WRITE,		/* write: the batchUpdate */
	GC_ACT_SLOT,		/* the write's quota slot, taken first */
};

struct gc_batch {
	TAILQ_ENTRY(gc_batch)	 entry;
	struct group_commit	*gc;
	struct gc_ticket	**m;
	size_t			 n;
	size_t			 cap;
	size_t			 ranges;	/* its members' writes need */
	uint64_t		 opened_ms;
	enum gc_batch_step	 step;
	enum gc_batch_act	 act;
	struct sheets_limit_op	*lop;
	uint64_t		 call_id;
	struct redis_cmd	*cmd;
	uint64_t		 retry_at;
	unsigned int		 attempts;
	int			 verified;
	int			 slot_held;	/* GC_ACT_SLOT granted */
	int			 grid_fresh;	/* grid size read by this batch */
	int			 evaled;	/* reserve script sent whole */
	unsigned int		 grow_by;
	unsigned int		 reserve_n;
	struct gc_plan		 plan;		/* of the last verification */
};

TAILQ_HEAD(gc_batch_list, gc_batch);

struct group_commit {
	struct group_commit_config	 cfg;
	char				 metadata_sheet[A1_SHEET_NAME_SIZE];
	char				 key_header[GC_HEADER_MAX];
	char				 version_header[GC_HEADER_MAX];
	char				 counter[AUDIT_ROWS_KEY_SIZE];
	struct sheets_client		*sc;
	struct redis_pool		*pool;
	struct sheets_limiter		*lim;
	struct io_loop			*loop;
	struct gc_batch			*open;		/* gathering */
	struct gc_batch_list		 queue;		/* closed, waiting */
	struct gc_batch			*active;	/* in flight */
	struct gc_sheet			*sheets;
	int				 counter_ready;
	int				 meta_known;
	long long			 meta_sheet_id;
	long long			 meta_rows;
	uint64_t			 last_start_ms;	/* of a batch */
	/* A write that ended without an answer may land until then. */
	uint64_t			 write_doubt_until;
	struct gc_ticket_home		 home;		/* stats included */
};

/* A batch opened now, empty; NULL when out of memory. */
struct gc_batch	*gc_batch_new(struct group_commit *gc);
/* Stops whatever b waits for (no callback of it will come), frees it. */
void		 gc_batch_free(struct gc_batch *b);
int		 gc_batch_add(struct gc_batch *b, struct gc_ticket *m);
/* Its members still to answer. */
size_t		 gc_batch_live(const struct gc_batch *b);
/* Answers the members of b whose deadline passed. */
void		 gc_batch_expire(struct gc_batch *b, uint64_t now_ms);
/*
 * Starts the next step of the batch in flight, or frees it (and clears
 * gc->active) when no member is left to answer.  b has nothing in flight.
 */
void		 gc_batch_advance(struct gc_batch *b);

#endif
