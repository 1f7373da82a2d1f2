/*
 * The deployment's committer (commit_relay.h): whoever holds the lease
 * reads the stream through the consumer group, claims what a dead
 * committer left pending, writes each change through its own group commit
 * and answers.  Every process in relay mode runs this; all but one only
 * try for the lease.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commit_relay_impl.h"
#include "redis_script.h"

/* Entries in hand at most: beyond, the stream waits. */
#define CR_JOBS_MAX	1024

/* Ours: extended.  Free: taken (2).  Someone else's: 0. */
static const char lease_script[] =
    "local v = redis.call('GET', KEYS[1])\n"
    "if v == ARGV[1] then\n"
    "  redis.call('PEXPIRE', KEYS[1], ARGV[2])\n"
    "  return 1\n"
    "end\n"
    "if not v then\n"
    "  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])\n"
    "  return 2\n"
    "end\n"
    "return 0\n";

/*
 * The outcome first: an entry acknowledged always has its answer.  A
 * change that landed goes to the landed stream before its outcome, so
 * that a worker that sees the outcome has the change in its next read.
 * ARGV[8] '1' keeps the entry pending: its fate is not known yet.  An
 * outcome written is announced on the relay's channel (ARGV[9]), so that
 * its origin need not wait for its next poll.
 */
static const char answer_script[] =
    "if ARGV[5] ~= '' then\n"
    "  redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[7], '*',\n"
    "      'c', ARGV[5], 'v', ARGV[6])\n"
    "end\n"
    "if ARGV[3] ~= '' then\n"
    "  redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4])\n"
    "end\n"
    "if ARGV[8] ~= '1' then\n"
    "  redis.call('XACK', KEYS[1], ARGV[2], ARGV[1])\n"
    "  redis.call('XDEL', KEYS[1], ARGV[1])\n"
    "end\n"
    "if ARGV[3] ~= '' then\n"
    "  redis.call('PUBLISH', ARGV[9], '" CR_NUDGE_OUTCOME "')\n"
    "end\n"
    "return 1\n";

/*
 * Every entry pending to ARGV[2] moves to ARGV[3] (CR_RETURNED), a page
 * of ARGV[4] at a time; the count moved.  No stream or group yet: none.
 */
static const char give_back_script[] =
    "local p = redis.pcall('XPENDING', KEYS[1], ARGV[1], '-', '+',\n"
    "    ARGV[4], ARGV[2])\n"
    "if type(p) ~= 'table' or p.err then return 0 end\n"
    "if #p == 0 then return 0 end\n"
    "local a = {KEYS[1], ARGV[1], ARGV[3], '0'}\n"
    "for _, e in ipairs(p) do a[#a + 1] = e[1] end\n"
    "a[#a + 1] = 'JUSTID'\n"
    "redis.call('XCLAIM', unpack(a))\n"
    "return #p\n";

/* The entries given back, a page of ARGV[4], claimed by ARGV[2]. */
static const char returned_script[] =
    "local p = redis.pcall('XPENDING', KEYS[1], ARGV[1], '-', '+',\n"
    "    ARGV[4], ARGV[3])\n"
    "if type(p) ~= 'table' or p.err or #p == 0 then return {} end\n"
    "local a = {KEYS[1], ARGV[1], ARGV[2], '0'}\n"
    "for _, e in ipairs(p) do a[#a + 1] = e[1] end\n"
    "return redis.call('XCLAIM', unpack(a))\n";

/* Sent by digest, as every script here: redis_script.h. */
static char	lease_sha[REDIS_SCRIPT_SHA_SIZE];
static char	answer_sha[REDIS_SCRIPT_SHA_SIZE];
static char	give_back_sha[REDIS_SCRIPT_SHA_SIZE];
static char	returned_sha[REDIS_SCRIPT_SHA_SIZE];

static void
job_free(struct cr_job *j)
{
	struct commit_relay	*cr = j->cr;

	if (j->gct != NULL)
		group_commit_cancel(j->gct);
	if (j->cmd != NULL)
		redis_pool_cancel(j->cmd);
	if (j->decoded)
		gc_wire_change_clear(&j->wc);
	strbuf_free(&j->outcome);
	free(j->json);
	TAILQ_REMOVE(&cr->jobs, j, entry);
	cr->njobs--;
	free(j);
}

void
cr_committer_stop(struct commit_relay *cr)
{
	struct cr_job	*j;

	if (cr->committer)
		cr->give_back_due = 1;
	cr->committer = 0;
	cr->group_ready = 0;
	if (cr->read_cmd != NULL)
		redis_pool_cancel(cr->read_cmd);
	if (cr->claim_cmd != NULL)
		redis_pool_cancel(cr->claim_cmd);
	if (cr->own_cmd != NULL)
		redis_pool_cancel(cr->own_cmd);
	if (cr->returned_cmd != NULL)
		redis_pool_cancel(cr->returned_cmd);
	if (cr->prune_cmd != NULL)
		redis_pool_cancel(cr->prune_cmd);
	cr->read_cmd = cr->claim_cmd = cr->own_cmd = cr->returned_cmd = NULL;
	cr->prune_cmd = NULL;
	cr->own_due = 0;
	/* Pending in the group: given back, or claimed by the next one. */
	while ((j = TAILQ_FIRST(&cr->jobs)) != NULL)
		job_free(j);
}

static int	answer_send(struct cr_job *);

static void
answered(void *arg, enum redis_pool_status st, const redisReply *r)
{
	struct cr_job	*j = arg;

	j->cmd = NULL;
	if (st == REDIS_POOL_OK && !j->evaled && redis_script_missing(r)) {
		j->evaled = 1;
		if (answer_send(j) == 0 && j->cmd != NULL)
			return;
	}
	/* Not acknowledged: still pending, so replayed, and answered then. */
	if (st != REDIS_POOL_OK)
		j->cr->own_due = 1;
	job_free(j);
}

/*
 * The outcome (none for a change dropped unread) and the entry gone.
 * -1 when the outcome's key cannot be made; j->cmd NULL when Redis
 * could not be asked.
 */
static int
answer_send(struct cr_job *j)
{
	struct commit_relay	*cr = j->cr;
	enum redis_pool_status	 why;
	char			 okey[CR_KEY_MAX], ttl[24], maxlen[24];
	const char		*argv[15];
	size_t			 argvlen[15];
	int			 i, landed = j->landed_version[0] != '\0';

	if (cr_outcome_key(cr, j->id, okey, sizeof(okey)) == -1)
		return (-1);
	snprintf(ttl, sizeof(ttl), "%llu",
	    (unsigned long long)cr->cfg.outcome_ttl_ms);
	snprintf(maxlen, sizeof(maxlen), "%d", COMMIT_RELAY_LANDED_MAX);
	redis_script_head(answer_script, answer_sha, j->evaled, argv);
	argv[2] = "3";
	argv[3] = cr->stream;
	argv[4] = okey;
	argv[5] = cr->landed;
	argv[6] = j->id;
	argv[7] = CR_GROUP;
	argv[8] = j->outcome.data != NULL ? j->outcome.data : "";
	argv[9] = ttl;
	argv[10] = landed ? j->json : "";
	argv[11] = j->landed_version;
	argv[12] = maxlen;
	argv[13] = j->keep ? "1" : "0";
	argv[14] = cr->nudge;
	for (i = 0; i < 15; i++)
		argvlen[i] = strlen(argv[i]);
	argvlen[8] = j->outcome.data != NULL ? j->outcome.len : 0;
	argvlen[10] = landed ? j->jsonlen : 0;
	j->cmd = redis_pool_submit(cr->pool, answered, j,
	    io_loop_now(cr->loop) + cr->cfg.redis_timeout_ms, 15, argv,
	    argvlen, &why);
	return (0);
}

static void
job_answer(struct cr_job *j, const struct gc_outcome *o)
{
	struct commit_relay	*cr = j->cr;
	char			 err[GC_ERROR_MAX];

	strbuf_init(&j->outcome, 64 * 1024);
	if (o != NULL && o->status == GC_APPLIED && j->json != NULL)
		snprintf(j->landed_version, sizeof(j->landed_version), "%s",
		    o->version);
	/*
	 * "It may have landed" is no fate: the entry stays pending, so that
	 * it is replayed (its row's version tells whether it landed, and it
	 * is written if not) and its origin, which listens for a late
	 * outcome, learns which.  Not beyond late_ms after its deadline.
	 */
	j->keep = o != NULL && o->status == GC_TIMEOUT && o->maybe_applied &&
	    j->decoded && cr_unix_ms() < j->wc.deadline_unix_ms +
	    cr->cfg.late_ms;
	j->evaled = 0;
	if ((o != NULL && gc_wire_encode_outcome(o, &j->outcome, err,
	    sizeof(err)) == -1) || answer_send(j) == -1) {
		job_free(j);
		return;
	}
	if (o != NULL)
		cr->stats.answered++;
	if (j->cmd == NULL)
		job_free(j);
}

static void
job_done(void *arg, const struct gc_outcome *o)
{
	struct cr_job	*j = arg;

	j->gct = NULL;
	job_answer(j, o);
}

static void
job_refuse(struct cr_job *j, const char *why)
{
	struct gc_outcome	o;

	memset(&o, 0, sizeof(o));
	o.status = GC_FAILED;
	snprintf(o.error, sizeof(o.error), "%s", why);
	job_answer(j, &o);
}

static struct cr_job *
job_by_id(struct commit_relay *cr, const char *id, size_t len)
{
	struct cr_job	*j;

	TAILQ_FOREACH(j, &cr->jobs, entry) {
		if (strlen(j->id) == len && memcmp(j->id, id, len) == 0)
			return (j);
	}
	return (NULL);
}

/*
 * An entry [id, [field, value, ...]] into this committer's group commit.
 * A replay may have landed already; its deadline is its origin's, but at
 * least long enough for a verification and a write.
 */
static void
take_entry(struct commit_relay *cr, const redisReply *e, int replay)
{
	const redisReply	*id, *f, *json = NULL;
	struct cr_job		*j;
	char			 err[GC_ERROR_MAX];
	uint64_t		 now = io_loop_now(cr->loop), unix_now, rem;
	size_t			 i;

	if (e->type != REDIS_REPLY_ARRAY || e->elements != 2 ||
	    (id = e->element[0])->type != REDIS_REPLY_STRING ||
	    id->len == 0 || (size_t)id->len >= CR_ID_MAX ||
	    job_by_id(cr, id->str, id->len) != NULL)
		return;
	if ((f = e->element[1])->type != REDIS_REPLY_ARRAY)
		return;				/* deleted meanwhile */
	for (i = 0; i + 1 < f->elements; i += 2) {
		if (f->element[i]->type == REDIS_REPLY_STRING &&
		    strcmp(f->element[i]->str, "c") == 0 &&
		    f->element[i + 1]->type == REDIS_REPLY_STRING)
			json = f->element[i + 1];
	}
	if ((j = calloc(1, sizeof(*j))) == NULL)
		return;				/* still pending: replayed */
	j->cr = cr;
	memcpy(j->id, id->str, id->len);
	TAILQ_INSERT_TAIL(&cr->jobs, j, entry);
	cr->njobs++;
	if (replay)
		cr->stats.replayed++;
	else
		cr->stats.taken++;
	if (json == NULL || gc_wire_decode_change(json->str, json->len,
	    &j->wc, err, sizeof(err)) == -1) {
		job_refuse(j, json == NULL ? "no change in the entry" : err);
		return;
	}
	j->decoded = 1;
	/* For the landed stream, as its origin wrote it. */
	if ((j->json = malloc(json->len + 1)) != NULL) {
		memcpy(j->json, json->str, json->len);
		j->json[json->len] = '\0';
		j->jsonlen = json->len;
	}
	unix_now = cr_unix_ms();
	rem = j->wc.deadline_unix_ms > unix_now ?
	    j->wc.deadline_unix_ms - unix_now : 0;
	if (!replay && rem <= CR_ANSWER_MARGIN_POLLS * cr->cfg.poll_ms) {
		/* Its origin has given up (TIMEOUT, maybe applied): unwritten. */
		cr->stats.dropped++;
		job_answer(j, NULL);
		return;
	}
	/*
	 * Answer a few polls before the origin gives up: an outcome that
	 * comes after it is lost, and the origin must then say "maybe
	 * applied" (the lock kept) for a change known to have failed.
	 */
	if (!replay)
		rem -= CR_ANSWER_MARGIN_POLLS * cr->cfg.poll_ms;
	else if (rem < 2 * cr->cfg.call_timeout_ms)
		rem = 2 * cr->cfg.call_timeout_ms;
	j->gct = (replay ? group_commit_submit_replay : group_commit_submit)(
	    cr->gc, &j->wc.change, now + rem, job_done, j, err, sizeof(err));
	if (j->gct == NULL)
		job_refuse(j, err);
}

/* The entries of a read or a claim: [[id, fields], ...]. */
static void
take_entries(struct commit_relay *cr, const redisReply *list, int replay)
{
	size_t	i;

	if (list->type != REDIS_REPLY_ARRAY)
		return;
	for (i = 0; i < list->elements && cr->committer; i++)
		take_entry(cr, list->element[i], replay);
}

static void
lease_replied(void *arg, enum redis_pool_status st, const redisReply *r)
{
	struct commit_relay	*cr = arg;
	uint64_t		 now = io_loop_now(cr->loop);

	cr->lease_cmd = NULL;
	if (st == REDIS_POOL_OK && redis_script_missing(r)) {
		cr->lease_evaled = 1;
		cr->next_lease = 0;
		return;
	}
	/* Without an answer the lease runs out by our own clock. */
	if (st != REDIS_POOL_OK || r->type != REDIS_REPLY_INTEGER)
		return;
	if (r->integer == 0) {
		if (cr->committer) {
			cr->stats.lost++;
			cr_committer_stop(cr);
		}
		return;
	}
	if (!cr->committer) {
		cr->committer = 1;
		cr->stats.leases++;
		/*
		 * A write the last committer had in flight ends within one
		 * Sheets call after its lease ran out: claim only then.
		 */
		cr->claim_from = now + cr->cfg.call_timeout_ms + 1000;
		snprintf(cr->cursor, sizeof(cr->cursor), "0-0");
		cr->own_due = 1;
		cr->next_read = now;
	}
	/* Measured from the request: the lease can only have begun later. */
	cr->lease_until = cr->lease_sent + cr->cfg.lease_ttl_ms;
}

static void
lease_tick(struct commit_relay *cr, uint64_t now)
{
	enum redis_pool_status	 why;
	char			 ttl[24];
	const char		*argv[6];
	size_t			 argvlen[6];
	int			 i;

	if (cr->lease_cmd != NULL || now < cr->next_lease)
		return;
	cr->next_lease = now + cr->cfg.renew_ms;
	cr->lease_sent = now;
	snprintf(ttl, sizeof(ttl), "%llu",
	    (unsigned long long)cr->cfg.lease_ttl_ms);
	redis_script_head(lease_script, lease_sha, cr->lease_evaled, argv);
	cr->lease_evaled = 0;
	argv[2] = "1";
	argv[3] = cr->lease;
	argv[4] = cr->holder;
	argv[5] = ttl;
	for (i = 0; i < 6; i++)
		argvlen[i] = strlen(argv[i]);
	cr->lease_cmd = redis_pool_submit(cr->pool, lease_replied, cr,
	    now + cr->cfg.redis_timeout_ms, 6, argv, argvlen, &why);
}

static void
group_made(void *arg, enum redis_pool_status st, const redisReply *r)
{
	struct commit_relay	*cr = arg;

	cr->group_cmd = NULL;
	if (st == REDIS_POOL_OK && (r->type == REDIS_REPLY_STATUS ||
	    (r->type == REDIS_REPLY_ERROR &&
	    strncmp(r->str, "BUSYGROUP", 9) == 0)))
		cr->group_ready = 1;
}

static void
read_done(void *arg, enum redis_pool_status st, const redisReply *r)
{
	struct commit_relay	*cr = arg;
	const redisReply	*s;

	cr->read_cmd = NULL;
	if (st != REDIS_POOL_OK) {
		cr->own_due = 1;	/* it may have delivered entries */
		return;
	}
	if (r->type == REDIS_REPLY_ERROR) {
		if (strncmp(r->str, "NOGROUP", 7) == 0)
			cr->group_ready = 0;	/* the stream was deleted */
		return;
	}
	/* [[stream, [[id, fields], ...]]], or nil when nothing is new. */
	if (r->type != REDIS_REPLY_ARRAY || r->elements < 1 ||
	    (s = r->element[0])->type != REDIS_REPLY_ARRAY ||
	    s->elements != 2)
		return;
	take_entries(cr, s->element[1], 0);
	if (s->element[1]->type == REDIS_REPLY_ARRAY &&
	    s->element[1]->elements >= cr->cfg.read_count)
		cr->next_read = 0;		/* more waiting */
}

static void
claim_done(void *arg, enum redis_pool_status st, const redisReply *r)
{
	struct commit_relay	*cr = arg;
	const redisReply	*c;

	cr->claim_cmd = NULL;
	if (st != REDIS_POOL_OK)
		cr->own_due = 1;
	/* [next cursor, [[id, fields], ...], deleted ids] */
	if (st != REDIS_POOL_OK || r->type != REDIS_REPLY_ARRAY ||
	    r->elements < 2 || (c = r->element[0])->type !=
	    REDIS_REPLY_STRING || (size_t)c->len >= sizeof(cr->cursor))
		return;
	memcpy(cr->cursor, c->str, c->len);
	cr->cursor[c->len] = '\0';
	if (strcmp(cr->cursor, "0-0") != 0)
		cr->next_claim = 0;		/* the scan goes on */
	take_entries(cr, r->element[1], 1);
}

/*
 * This process's own pending entries, from own_cursor: the reply is as a
 * read's, each entry a replay (a write may have carried it).  A page
 * that comes back full is followed by the next one.
 */
static void
own_done(void *arg, enum redis_pool_status st, const redisReply *r)
{
	struct commit_relay	*cr = arg;
	const redisReply	*s, *list, *last;

	cr->own_cmd = NULL;
	if (st != REDIS_POOL_OK || r->type != REDIS_REPLY_ARRAY ||
	    r->elements < 1 || (s = r->element[0])->type !=
	    REDIS_REPLY_ARRAY || s->elements != 2 ||
	    (list = s->element[1])->type != REDIS_REPLY_ARRAY)
		return;				/* asked again */
	take_entries(cr, list, 1);
	if (list->elements < cr->cfg.read_count) {
		cr->own_due = 0;
		snprintf(cr->own_cursor, sizeof(cr->own_cursor), "0");
		return;
	}
	last = list->element[list->elements - 1];
	if (last->type == REDIS_REPLY_ARRAY && last->elements == 2 &&
	    last->element[0]->type == REDIS_REPLY_STRING &&
	    (size_t)last->element[0]->len < sizeof(cr->own_cursor)) {
		memcpy(cr->own_cursor, last->element[0]->str,
		    last->element[0]->len);
		cr->own_cursor[last->element[0]->len] = '\0';
	}
}

static void
given_back(void *arg, enum redis_pool_status st, const redisReply *r)
{
	struct commit_relay	*cr = arg;

	cr->give_back_cmd = NULL;
	if (st == REDIS_POOL_OK && redis_script_missing(r)) {
		cr->give_back_evaled = 1;
		cr->next_give_back = 0;
		return;
	}
	if (st != REDIS_POOL_OK || r->type != REDIS_REPLY_INTEGER ||
	    r->integer < 0)
		return;
	cr->stats.given_back += (uint64_t)r->integer;
	if (r->integer < (long long)cr->cfg.read_count)
		cr->give_back_due = 0;
}

static void
returned_done(void *arg, enum redis_pool_status st, const redisReply *r)
{
	struct commit_relay	*cr = arg;

	cr->returned_cmd = NULL;
	if (st == REDIS_POOL_OK && redis_script_missing(r)) {
		cr->returned_evaled = 1;
		cr->next_returned = 0;
		return;
	}
	if (st != REDIS_POOL_OK || r->type != REDIS_REPLY_ARRAY)
		return;
	take_entries(cr, r, 1);
	if (r->elements >= cr->cfg.read_count)
		cr->next_returned = 0;		/* more waiting */
}

/*
 * A script of this file on the stream: KEYS[1] the stream, ARGV the
 * group, this process, CR_RETURNED and a page's size.
 */
static struct redis_cmd *
pending_script(struct commit_relay *cr, const char *text, char *sha,
    int *evaled, redis_pool_reply_fn *fn, uint64_t now)
{
	enum redis_pool_status	 why;
	char			 count[24];
	const char		*argv[8];
	size_t			 argvlen[8];
	int			 i;

	snprintf(count, sizeof(count), "%zu", cr->cfg.read_count);
	redis_script_head(text, sha, *evaled, argv);
	*evaled = 0;
	argv[2] = "1";
	argv[3] = cr->stream;
	argv[4] = CR_GROUP;
	argv[5] = cr->holder;
	argv[6] = CR_RETURNED;
	argv[7] = count;
	for (i = 0; i < 8; i++)
		argvlen[i] = strlen(argv[i]);
	return (redis_pool_submit(cr->pool, fn, cr,
	    now + cr->cfg.redis_timeout_ms, 8, argv, argvlen, &why));
}

/*
 * Not the committer (any more): what it held, once no write of its own
 * can carry it, goes back for the committer to take at once.
 */
static void
give_back_tick(struct commit_relay *cr, uint64_t now)
{
	if (cr->committer || !cr->give_back_due || cr->give_back_cmd != NULL ||
	    now < cr->next_give_back || group_commit_writing(cr->gc))
		return;
	cr->next_give_back = now + CR_ANSWER_MARGIN_POLLS * cr->cfg.poll_ms;
	cr->give_back_cmd = pending_script(cr, give_back_script,
	    give_back_sha, &cr->give_back_evaled, given_back, now);
}

static struct redis_cmd *
send(struct commit_relay *cr, redis_pool_reply_fn *fn, uint64_t now,
    int argc, const char **argv)
{
	enum redis_pool_status	why;
	size_t			argvlen[16];
	int			i;

	for (i = 0; i < argc; i++)
		argvlen[i] = strlen(argv[i]);
	return (redis_pool_submit(cr->pool, fn, cr,
	    now + cr->cfg.redis_timeout_ms, argc, argv, argvlen, &why));
}

void
cr_committer_tick(struct commit_relay *cr, uint64_t now)
{
	char		 count[24], idle[24];
	const char	*argv[16];

	lease_tick(cr, now);
	give_back_tick(cr, now);
	if (!cr->committer)
		return;
	if (now >= cr->lease_until) {
		cr->stats.lost++;
		cr_committer_stop(cr);
		return;
	}
	snprintf(count, sizeof(count), "%zu", cr->cfg.read_count);
	if (!cr->group_ready) {
		if (cr->group_cmd == NULL) {
			argv[0] = "XGROUP";
			argv[1] = "CREATE";
			argv[2] = cr->stream;
			argv[3] = CR_GROUP;
			argv[4] = "0";
			argv[5] = "MKSTREAM";
			cr->group_cmd = send(cr, group_made, now, 6, argv);
		}
		return;
	}
	if (cr->read_cmd == NULL && now >= cr->next_read &&
	    cr->njobs < CR_JOBS_MAX) {
		cr->next_read = now + cr->cfg.poll_ms;
		argv[0] = "XREADGROUP";
		argv[1] = "GROUP";
		argv[2] = CR_GROUP;
		argv[3] = cr->holder;
		argv[4] = "COUNT";
		argv[5] = count;
		argv[6] = "STREAMS";
		argv[7] = cr->stream;
		argv[8] = ">";
		cr->read_cmd = send(cr, read_done, now, 9, argv);
	}
	if (cr->returned_cmd == NULL && now >= cr->next_returned &&
	    cr->njobs < CR_JOBS_MAX) {
		cr->next_returned = now + CR_ANSWER_MARGIN_POLLS *
		    cr->cfg.poll_ms;
		cr->returned_cmd = pending_script(cr, returned_script,
		    returned_sha, &cr->returned_evaled, returned_done, now);
	}
	if (cr->own_due && cr->own_cmd == NULL &&
	    cr->njobs < CR_JOBS_MAX && !group_commit_writing(cr->gc)) {
		argv[0] = "XREADGROUP";
		argv[1] = "GROUP";
		argv[2] = CR_GROUP;
		argv[3] = cr->holder;
		argv[4] = "COUNT";
		argv[5] = count;
		argv[6] = "STREAMS";
		argv[7] = cr->stream;
		argv[8] = cr->own_cursor;
		cr->own_cmd = send(cr, own_done, now, 9, argv);
	}
	cr_prune_tick(cr, now);
	/*
	 * What a dead committer read and never answered: idle for longer
	 * than a lease and a Sheets call, so no live committer still has
	 * it on its way.
	 */
	if (cr->claim_cmd == NULL && now >= cr->claim_from &&
	    now >= cr->next_claim && cr->njobs < CR_JOBS_MAX) {
		cr->next_claim = now + cr->cfg.renew_ms;
		snprintf(idle, sizeof(idle), "%llu", (unsigned long long)
		    (cr->cfg.lease_ttl_ms + cr->cfg.call_timeout_ms + 1000));
		argv[0] = "XAUTOCLAIM";
		argv[1] = cr->stream;
		argv[2] = CR_GROUP;
		argv[3] = cr->holder;
		argv[4] = idle;
		argv[5] = cr->cursor;
		argv[6] = "COUNT";
		argv[7] = count;
		cr->claim_cmd = send(cr, claim_done, now, 8, argv);
	}
}
