/*
 * The state commit_relay.c (the origins' side: append, poll, answer the
 * submitter) and commit_relay_committer.c (the lease, the stream read,
 * the claim of a dead committer's entries, the answers) share.  Nothing
 * outside the relay uses it.
 */
#ifndef ZEUES_COMMIT_RELAY_IMPL_H
#define ZEUES_COMMIT_RELAY_IMPL_H

#include <sys/queue.h>

#include "audit_rows.h"
#include "commit_relay.h"
#include "gc_wire.h"

#define CR_ID_MAX	48			/* a stream entry id */
#define CR_KEY_MAX	(AUDIT_ROWS_ID_MAX + 64 + CR_ID_MAX)
#define CR_GROUP	"committers"
/* The consumer that holds entries given back, for the committer. */
#define CR_RETURNED	"returned"
#define CR_POLL_MAX	256			/* outcomes per poll */
#define CR_GHOSTS_MAX	(CR_POLL_MAX / 2)	/* of them, late ones */
/* The committer answers this many origin polls before its deadline. */
#define CR_ANSWER_MARGIN_POLLS	5
/* What a nudge on the relay's channel says is waiting in Redis. */
#define CR_NUDGE_CHANGE		"c"	/* an entry in the stream */
#define CR_NUDGE_OUTCOME	"o"	/* an outcome */

/* A change of this worker's, from submit to its answer. */
struct commit_ticket {
	TAILQ_ENTRY(commit_ticket)	 entry;
	struct commit_relay		*cr;
	gc_done_fn			*done;
	void				*arg;
	uint64_t			 deadline_ms;
	struct gc_ticket		*local;		/* relay off */
	struct redis_cmd		*cmd;		/* the append */
	char				 id[CR_ID_MAX];	/* "" until appended */
	struct strbuf			 json;		/* the change */
	int				 sent;		/* it may be in the stream */
	enum gc_status			 fail;		/* unsent: at next tick */
	char				 why[GC_ERROR_MAX];
	commit_late_fn			*late;
	void				*late_arg;
};

/* A change whose origin gave up, its outcome still listened for. */
struct commit_ghost {
	TAILQ_ENTRY(commit_ghost)	 entry;
	char				 id[CR_ID_MAX];
	commit_late_fn			*late;
	void				*late_arg;
	uint64_t			 until;
};

/* An entry of the stream in this committer's hands. */
struct cr_job {
	TAILQ_ENTRY(cr_job)		 entry;
	struct commit_relay		*cr;
	char				 id[CR_ID_MAX];
	struct gc_wire_change		 wc;
	int				 decoded;
	char				*json;		/* as its origin wrote it */
	size_t				 jsonlen;
	struct gc_ticket		*gct;		/* until its outcome */
	struct redis_cmd		*cmd;		/* the answer */
	/* The answer's arguments, kept to send its text after NOSCRIPT. */
	struct strbuf			 outcome;	/* encoded; empty: none */
	char				 landed_version[UUID4_STRLEN];
	int				 evaled;
	int				 keep;		/* pending after */
};

TAILQ_HEAD(commit_ticket_list, commit_ticket);
TAILQ_HEAD(commit_ghost_list, commit_ghost);
TAILQ_HEAD(cr_job_list, cr_job);

struct commit_relay {
	struct commit_relay_config	 cfg;
	char				 holder[COMMIT_RELAY_HOLDER_MAX];
	char				 version_header[128];
	char				 stream[CR_KEY_MAX];
	char				 lease[CR_KEY_MAX];
	char				 outcome[CR_KEY_MAX];	/* prefix */
	char				 landed[CR_KEY_MAX];
	char				 nudge[CR_KEY_MAX];	/* channel */
	struct group_commit		*gc;
	struct redis_pool		*pool;
	struct io_loop			*loop;
	struct commit_relay_stats	 stats;

	/* The origin's side. */
	struct commit_ticket_list	 tickets;
	struct commit_ghost_list	 ghosts;
	size_t				 nghosts;
	struct redis_cmd		*poll_cmd;
	char				(*poll_ids)[CR_ID_MAX];
	size_t				 npoll;
	uint64_t			 next_poll;
	int				 poll_evaled;	/* NOSCRIPT: text */
	char				 landed_id[CR_ID_MAX];	/* last seen */
	int				 landed_logged;	/* a bad entry */

	/* The committer's side. */
	struct cr_job_list		 jobs;
	size_t				 njobs;
	int				 committer;
	uint64_t			 lease_until;	/* by our own clock */
	uint64_t			 claim_from;	/* held long enough */
	uint64_t			 lease_sent;
	uint64_t			 next_lease;
	struct redis_cmd		*lease_cmd;
	int				 lease_evaled;	/* NOSCRIPT: text */
	int				 group_ready;
	struct redis_cmd		*group_cmd;
	struct redis_cmd		*read_cmd;
	uint64_t			 next_read;
	struct redis_cmd		*claim_cmd;
	uint64_t			 next_claim;
	char				 cursor[CR_ID_MAX];
	/*
	 * Entries delivered to this very process and not in hand (a read's
	 * or an answer's reply lost, the lease lost and taken again) are
	 * read again from its own pending list once its group commit has
	 * no write on its way, not left for a claim a lease and a Sheets
	 * call later.
	 */
	int				 own_due;
	struct redis_cmd		*own_cmd;
	char				 own_cursor[CR_ID_MAX];
	/*
	 * A process that stops being the committer gives the entries it
	 * held back (to the consumer CR_RETURNED) as soon as its group
	 * commit has no write on its way, and the committer takes them at
	 * once: they were never written.
	 */
	int				 give_back_due;
	struct redis_cmd		*give_back_cmd;
	int				 give_back_evaled;
	uint64_t			 next_give_back;
	struct redis_cmd		*returned_cmd;
	int				 returned_evaled;
	uint64_t			 next_returned;
	/* The group's idle consumers, removed (commit_relay_prune.c). */
	struct redis_cmd		*prune_cmd;
	int				 prune_evaled;
	uint64_t			 next_prune;
};

/* Milliseconds since the Unix epoch: deadlines between instances. */
uint64_t	cr_unix_ms(void);
/* The key of an entry's outcome; -1 when it does not fit. */
int		cr_outcome_key(const struct commit_relay *, const char *id,
		    char *out, size_t len);

/*
 * Tells fn of the cells of the change in json, under version when it is a
 * uuid4 (its new version otherwise); -1 with err set when it is no change.
 */
int		cr_note_change(gc_applied_fn *fn, void *arg,
		    const char *version_header, const char *json, size_t len,
		    const char *version, char *err, size_t errsz);

/* commit_relay_committer.c */
void		cr_committer_tick(struct commit_relay *, uint64_t now);
/* Stops being the committer: drops every entry in hand. */
void		cr_committer_stop(struct commit_relay *);

/* commit_relay_prune.c: the committer's, once its group is there. */
void		cr_prune_tick(struct commit_relay *, uint64_t now);

#endif
