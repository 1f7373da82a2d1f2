/*
 * The way a worker's row changes reach the workbook: straight into its own
 * group commit (SHEETS_COMMIT_MODE slices or shared), or through one
 * committer for the whole deployment (relay), so that the changes of every
 * worker of every instance leave together, one batchUpdate per quota slot.
 *
 * Relay: every worker appends each change (gc_wire.h, with its new version
 * always named, and its deadline in Unix ms) to the Redis stream
 * zeues:gc:<spreadsheet id>:changes and polls for its outcome under
 * zeues:gc:<spreadsheet id>:outcome:<entry id>.  The committer is the
 * process holding the lease zeues:gc:<spreadsheet id>:committer (taken
 * with SET NX PX, extended by a compare-and-extend script); it reads the
 * stream through a consumer group, submits each change to ITS group
 * commit, and answers: the outcome SET with a TTL, the entry acknowledged
 * and deleted, in one script.
 *
 * A committer that dies leaves the entries it had read pending in the
 * group.  The next lease holder, once it has held the lease for longer
 * than one Sheets call (so that a write of the old one still in flight
 * has ended), claims entries idle for longer than the lease and one
 * Sheets call, and submits them with group_commit_submit_replay(): a row
 * that already carries the change's new version is the change landed, so
 * a replay writes nothing twice.  A committer that cannot extend its
 * lease in time drops what it holds (group_commit_cancel()); once its
 * group commit has no write that may still land, it gives those entries
 * back (to the consumer "returned"), and the committer takes them at
 * once, as replays: a Redis outage or failover that costs a committer its
 * lease does not leave the changes it held waiting for the claim.  Each
 * process's name in the group is its own for its life (a random part is
 * added to the holder), so a process that comes back never takes a past
 * life's entries for its own; and the entries that a lost reply (a read,
 * an answer) left pending to a live committer it reads again itself.
 * The committer removes the group's consumers idle for consumer_idle_ms
 * with nothing pending (commit_relay_prune.c), so past lives' names do
 * not pile up.  A replay is made even when its origin's deadline has
 * passed (the origin has answered TIMEOUT with maybe_applied then); a
 * change read for the first time after its deadline is dropped unwritten.
 *
 * Once a change is in the stream its fate is the committer's: an origin
 * whose deadline passes answers GC_TIMEOUT with maybe_applied set.  The
 * committer does not acknowledge an entry whose write it could not
 * confirm (GC_TIMEOUT, maybe_applied): the entry is replayed, which finds
 * out whether it landed (and writes it if not), up to late_ms after its
 * deadline.  An origin that gave up can listen for that late outcome
 * (commit_relay_on_late()): the occupation flow gives back the lock of a
 * PAUSAR that landed after all.  A
 * change that could not be appended (Redis down, an error reply) fails
 * with GC_FAILED, or GC_TIMEOUT with maybe_applied when the append's
 * answer was lost.  On GC_APPLIED the origin tells its own cache (the
 * applied hook) of the cells, decoded from its own copy of the change.
 *
 * Every worker hears every landed change: the committer, in the script
 * that writes an APPLIED outcome, also appends the change (the entry its
 * origin wrote, and its version) to zeues:gc:<spreadsheet id>:landed,
 * trimmed to about COMMIT_RELAY_LANDED_MAX entries.  Each worker with a
 * landed hook reads that stream from the last entry it saw, in the same
 * script as its outcome poll, and tells its cache of every change's
 * cells, its own included (noted twice, the same values): a change made
 * after another worker's on the same row is then decided on that row's
 * version, not on a stale one that conflicts at the committer.  The
 * landed entries come first, and a poll that did not reach the stream's
 * end answers no outcome, so the cache hears the changes in the order
 * they landed.  A worker starting up begins at the stream's end (its
 * cache reads Sheets anyway); an entry that does not decode is logged
 * once and skipped; with Redis in trouble the next poll reads on.
 *
 * Polls are the floor, not the pace: an origin whose change is in the
 * stream PUBLISHes a nudge on zeues:gc:<spreadsheet id>:nudge, and the
 * answer script another when it writes an outcome.  Each worker's
 * subscription hears them (commit_relay_nudged()): the committer reads
 * the stream at once, and a worker awaiting outcomes polls at once.  A
 * nudge lost, or a subscription down, costs a poll's wait, nothing more.
 *
 * Callbacks run exactly once, never from inside commit_relay_submit(),
 * never after commit_relay_cancel(); deadlines are absolute (loop clock).
 */
#ifndef ZEUES_COMMIT_RELAY_H
#define ZEUES_COMMIT_RELAY_H

#include <stddef.h>
#include <stdint.h>

#include "audit_rows.h"
#include "group_commit.h"
#include "io_loop.h"
#include "log_sink.h"
#include "redis_pool.h"

#define COMMIT_RELAY_HOLDER_MAX	96
#define COMMIT_RELAY_LANDED_MAX	4096	/* the landed stream, about */
/* The nudge channel's name, for any spreadsheet id the relay takes. */
#define COMMIT_RELAY_CHANNEL_MAX	(AUDIT_ROWS_ID_MAX + 16)

struct commit_relay_config {
	int		 enabled;		/* 0: straight to the group commit */
	const char	*spreadsheet_id;	/* names the keys */
	/* Names this process in the lease and the consumer group. */
	const char	*holder;
	const char	*version_header;	/* for the applied hook */
	uint64_t	 lease_ttl_ms;
	uint64_t	 renew_ms;
	uint64_t	 poll_ms;		/* stream reads, outcome polls */
	uint64_t	 call_timeout_ms;	/* one Sheets call */
	uint64_t	 outcome_ttl_ms;
	uint64_t	 redis_timeout_ms;
	size_t		 read_count;		/* entries per stream read */
	gc_applied_fn	*applied;		/* the origin's cache */
	void		*applied_arg;
	/* Every landed change's cells; NULL: the landed stream is not read. */
	gc_applied_fn	*landed;
	void		*landed_arg;
	struct log_sink	 log;			/* a bad landed entry */
	/* How long after giving up an origin listens for a late outcome. */
	uint64_t	 late_ms;
	/* A consumer of the group idle this long, nothing pending, goes. */
	uint64_t	 consumer_idle_ms;
};

/*
 * Defaults: off, "version", a 3 s lease extended every second, polls every
 * 20 ms, 10 s per Sheets call, outcomes kept 60 s, 1 s for Redis, 64
 * entries per read, late outcomes listened for 120 s, consumers idle for
 * an hour removed.
 */
void	commit_relay_config_defaults(struct commit_relay_config *);

struct commit_relay_stats {
	uint64_t	appended;	/* changes put in the stream */
	uint64_t	outcomes;	/* outcomes received by origins */
	uint64_t	taken;		/* entries read by this committer */
	uint64_t	replayed;	/* entries claimed from another */
	uint64_t	given_back;	/* held when it stopped, given back */
	uint64_t	answered;	/* outcomes written by this committer */
	uint64_t	dropped;	/* read after their deadline */
	uint64_t	leases;		/* times this process became committer */
	uint64_t	lost;		/* times it stopped being one */
	uint64_t	landed;		/* landed changes told to the cache */
	uint64_t	landed_bad;	/* landed entries that did not decode */
	uint64_t	late;		/* outcomes heard after the deadline */
	uint64_t	pruned;		/* idle consumers removed */
};

struct commit_relay;
struct commit_ticket;

/*
 * The fate of a change its origin gave up on (GC_TIMEOUT with
 * maybe_applied: it was in the stream when the deadline passed): the
 * committer may still write it, or answer that it could not, after the
 * origin has answered its caller.  fn runs exactly once per ticket it was
 * set on: with that late outcome when the committer gives one within
 * late_ms of the deadline, else with NULL (the change was answered in
 * time, relay off, no late answer, cancelled, relay freed), always after
 * done.
 */
typedef void		 commit_late_fn(void *arg, const struct gc_outcome *);

/* gc stays the caller's; returns NULL with err set. */
struct commit_relay	*commit_relay_new(const struct commit_relay_config *,
			    struct group_commit *gc, struct redis_pool *,
			    struct io_loop *, char *err, size_t errsz);
/*
 * Drops every change without calling back (their writes may land; the
 * lease expires by itself).  Before the group commit and the pool.
 */
void			 commit_relay_free(struct commit_relay *);
/* Call at least every IO_LOOP_TICK_MS (it does not tick gc). */
void			 commit_relay_tick(struct commit_relay *,
			    uint64_t now_ms);

/* As group_commit_submit(). */
struct commit_ticket	*commit_relay_submit(struct commit_relay *,
			    const struct gc_change *, uint64_t deadline_ms,
			    gc_done_fn *done, void *arg, char *err,
			    size_t errsz);
/* done will not run; the change may still land.  A late fn runs (NULL). */
void			 commit_relay_cancel(struct commit_ticket *);
/* Sets the ticket's late fn (see commit_late_fn), before its answer. */
void			 commit_relay_on_late(struct commit_ticket *,
			    commit_late_fn *fn, void *arg);

/*
 * The nudge channel of spreadsheet_id's relay, for the caller's
 * subscription; -1 when it does not fit in len.
 */
int			 commit_relay_channel(const char *spreadsheet_id,
			    char *out, size_t len);
/* A message heard on that channel: the reads or polls it calls for. */
void			 commit_relay_nudged(struct commit_relay *,
			    const char *message, size_t len);

/* 1 while this process is the deployment's committer. */
int			 commit_relay_is_committer(const struct commit_relay *);
void			 commit_relay_stats(const struct commit_relay *,
			    struct commit_relay_stats *);

#endif
