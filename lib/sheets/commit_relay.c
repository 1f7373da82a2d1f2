/*
 * The relay of row changes (commit_relay.h): here the origins' side, a
 * change appended to the stream and its outcome polled for; the
 * committer's side is commit_relay_committer.c.
 */
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commit_relay_impl.h"
#include "redis_script.h"
#include "uuid4.h"

void
commit_relay_config_defaults(struct commit_relay_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->version_header = "version";
	cfg->lease_ttl_ms = 3000;
	cfg->renew_ms = 1000;
	cfg->poll_ms = 20;
	cfg->call_timeout_ms = 10000;
	cfg->outcome_ttl_ms = 60000;
	cfg->redis_timeout_ms = 1000;
	cfg->read_count = 64;
	cfg->late_ms = 120000;
	cfg->consumer_idle_ms = 3600 * 1000;
}

uint64_t
cr_unix_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000);
}

int
cr_outcome_key(const struct commit_relay *cr, const char *id, char *out,
    size_t len)
{
	int	n = snprintf(out, len, "%s%s", cr->outcome, id);

	return (n < 0 || (size_t)n >= len ? -1 : 0);
}

static int
key(char *out, size_t len, const char *sid, const char *what)
{
	int	n = snprintf(out, len, "zeues:gc:%s:%s", sid, what);

	return (n < 0 || (size_t)n >= len ? -1 : 0);
}

struct commit_relay *
commit_relay_new(const struct commit_relay_config *cfg,
    struct group_commit *gc, struct redis_pool *pool, struct io_loop *loop,
    char *err, size_t errsz)
{
	struct commit_relay	*cr;
	const char		*sid = cfg->spreadsheet_id;
	char			 life[UUID4_STRLEN];
	int			 n;

	if (gc == NULL || pool == NULL || loop == NULL) {
		snprintf(err, errsz, "commit relay: group commit, pool and "
		    "loop are required");
		return (NULL);
	}
	if (cfg->enabled && (sid == NULL || sid[0] == '\0' ||
	    strlen(sid) > AUDIT_ROWS_ID_MAX || cfg->holder == NULL ||
	    cfg->holder[0] == '\0' || cfg->poll_ms == 0 ||
	    cfg->read_count == 0 || cfg->renew_ms == 0 ||
	    cfg->lease_ttl_ms <= cfg->renew_ms || cfg->consumer_idle_ms == 0)) {
		snprintf(err, errsz, "commit relay: spreadsheet id, holder, "
		    "polls, a consumer idle time and a lease longer than its "
		    "renewal are required");
		return (NULL);
	}
	if ((cr = calloc(1, sizeof(*cr))) == NULL) {
		snprintf(err, errsz, "commit relay: out of memory");
		return (NULL);
	}
	cr->cfg = *cfg;
	/*
	 * The name, made this life's own: a process that comes back under
	 * the same name (a pid used again) does not take its past life's
	 * entries for its own, which a write of that life may still carry.
	 */
	if (uuid4_generate(life) == -1) {
		snprintf(err, errsz, "commit relay: no random name");
		free(cr);
		return (NULL);
	}
	n = snprintf(cr->holder, sizeof(cr->holder), "%s:%.8s",
	    cfg->holder != NULL ? cfg->holder : "", life);
	if (n < 0 || (size_t)n >= sizeof(cr->holder) ||
	    snprintf(cr->version_header, sizeof(cr->version_header), "%s",
	    cfg->version_header != NULL ? cfg->version_header : "version") >=
	    (int)sizeof(cr->version_header) ||
	    (cfg->enabled && (key(cr->stream, sizeof(cr->stream), sid,
	    "changes") == -1 || key(cr->lease, sizeof(cr->lease), sid,
	    "committer") == -1 || key(cr->outcome, sizeof(cr->outcome), sid,
	    "outcome:") == -1 || key(cr->landed, sizeof(cr->landed), sid,
	    "landed") == -1 || key(cr->nudge, sizeof(cr->nudge), sid,
	    "nudge") == -1))) {
		snprintf(err, errsz, "commit relay: a name is too long");
		free(cr);
		return (NULL);
	}
	cr->cfg.holder = cr->holder;
	cr->cfg.version_header = cr->version_header;
	cr->cfg.spreadsheet_id = NULL;
	cr->gc = gc;
	cr->pool = pool;
	cr->loop = loop;
	snprintf(cr->cursor, sizeof(cr->cursor), "0-0");
	snprintf(cr->own_cursor, sizeof(cr->own_cursor), "0");
	/* From the stream's end: the cache reads Sheets anyway. */
	snprintf(cr->landed_id, sizeof(cr->landed_id), "%s",
	    cfg->enabled && cfg->landed != NULL ? "$" : "");
	TAILQ_INIT(&cr->tickets);
	TAILQ_INIT(&cr->ghosts);
	TAILQ_INIT(&cr->jobs);
	return (cr);
}

static void
ticket_free(struct commit_ticket *t)
{
	struct commit_relay	*cr = t->cr;

	if (t->local != NULL)
		group_commit_cancel(t->local);
	if (t->cmd != NULL)
		redis_pool_cancel(t->cmd);
	TAILQ_REMOVE(&cr->tickets, t, entry);
	strbuf_free(&t->json);
	free(t);
}

/* No late outcome for this ticket: its late fn learns so, once. */
static void
late_none(commit_late_fn *late, void *arg)
{
	if (late != NULL)
		late(arg, NULL);
}

static void
ghost_free(struct commit_relay *cr, struct commit_ghost *g,
    const struct gc_outcome *o)
{
	commit_late_fn	*late = g->late;
	void		*arg = g->late_arg;

	TAILQ_REMOVE(&cr->ghosts, g, entry);
	cr->nghosts--;
	free(g);
	late(arg, o);
}

void
commit_relay_free(struct commit_relay *cr)
{
	struct commit_ticket	*t;
	struct commit_ghost	*g;
	commit_late_fn		*late;
	void			*arg;

	if (cr == NULL)
		return;
	while ((t = TAILQ_FIRST(&cr->tickets)) != NULL) {
		late = t->late;
		arg = t->late_arg;
		ticket_free(t);
		late_none(late, arg);
	}
	while ((g = TAILQ_FIRST(&cr->ghosts)) != NULL)
		ghost_free(cr, g, NULL);
	if (cr->poll_cmd != NULL)
		redis_pool_cancel(cr->poll_cmd);
	free(cr->poll_ids);
	cr_committer_stop(cr);
	if (cr->lease_cmd != NULL)
		redis_pool_cancel(cr->lease_cmd);
	if (cr->group_cmd != NULL)
		redis_pool_cancel(cr->group_cmd);
	if (cr->give_back_cmd != NULL)
		redis_pool_cancel(cr->give_back_cmd);
	free(cr);
}

int
commit_relay_is_committer(const struct commit_relay *cr)
{
	return (cr->committer);
}

void
commit_relay_stats(const struct commit_relay *cr,
    struct commit_relay_stats *out)
{
	*out = cr->stats;
}

/* Relay off: the group commit's answer is the submitter's. */
static void
local_done(void *arg, const struct gc_outcome *o)
{
	struct commit_ticket	*t = arg;
	gc_done_fn		*done = t->done;
	void			*darg = t->arg;
	commit_late_fn		*late = t->late;
	void			*larg = t->late_arg;

	t->local = NULL;
	ticket_free(t);
	done(darg, o);
	late_none(late, larg);
}

int
cr_note_change(gc_applied_fn *fn, void *arg, const char *version_header,
    const char *json, size_t len, const char *version, char *err,
    size_t errsz)
{
	struct gc_wire_change	 wc;
	const struct gc_change	*c = &wc.change;
	const struct gc_row	*r;
	const char		*text;
	char			 buf[64];
	size_t			 i, k;

	if (gc_wire_decode_change(json, len, &wc, err, errsz) == -1)
		return (-1);
	for (i = 0; i < c->nwrites; i++) {
		if ((text = gc_cell_text(&c->writes[i].value, buf,
		    sizeof(buf))) != NULL)
			fn(arg, c->sheet, c->tag, c->writes[i].header, text);
	}
	fn(arg, c->sheet, c->tag, version_header, version != NULL &&
	    uuid4_valid(version) ? version : c->new_version);
	for (k = 0; k < c->nrows; k++) {
		r = &c->rows[k];
		for (i = 0; i < r->nwrites; i++) {
			if ((text = gc_cell_text(&r->writes[i].value, buf,
			    sizeof(buf))) != NULL)
				fn(arg, r->sheet, r->key, r->writes[i].header,
				    text);
		}
	}
	gc_wire_change_clear(&wc);
	return (0);
}

/* The cells of our own change that landed, for our cache. */
static void
tell_cache(struct commit_relay *cr, struct commit_ticket *t,
    const struct gc_outcome *o)
{
	char	err[GC_ERROR_MAX];

	if (cr->cfg.applied != NULL)
		(void)cr_note_change(cr->cfg.applied, cr->cfg.applied_arg,
		    cr->version_header, t->json.data, t->json.len, o->version,
		    err, sizeof(err));
}

/*
 * The answer; a late fn then listens for what the committer does with a
 * change its origin gave up on while it was in the stream.
 */
static void
ticket_answer(struct commit_ticket *t, const struct gc_outcome *o)
{
	struct commit_relay	*cr = t->cr;
	struct commit_ghost	*g = NULL;
	gc_done_fn		*done = t->done;
	void			*arg = t->arg;
	commit_late_fn		*late = t->late;
	void			*larg = t->late_arg;

	if (o->status == GC_APPLIED)
		tell_cache(cr, t, o);
	if (late != NULL && o->status == GC_TIMEOUT && o->maybe_applied &&
	    t->id[0] != '\0' && cr->nghosts < CR_GHOSTS_MAX &&
	    (g = calloc(1, sizeof(*g))) != NULL) {
		memcpy(g->id, t->id, sizeof(g->id));
		g->late = late;
		g->late_arg = larg;
		g->until = io_loop_now(cr->loop) + cr->cfg.late_ms;
		TAILQ_INSERT_TAIL(&cr->ghosts, g, entry);
		cr->nghosts++;
	}
	ticket_free(t);
	done(arg, o);
	if (g == NULL)
		late_none(late, larg);
}

static void
ticket_fail(struct commit_ticket *t, enum gc_status st, int maybe,
    const char *why)
{
	struct gc_outcome	o;

	memset(&o, 0, sizeof(o));
	o.status = st;
	o.maybe_applied = maybe;
	snprintf(o.error, sizeof(o.error), "%s", why);
	ticket_answer(t, &o);
}

int
commit_relay_channel(const char *spreadsheet_id, char *out, size_t len)
{
	return (key(out, len, spreadsheet_id, "nudge"));
}

static void	poll_outcomes(struct commit_relay *, uint64_t);

/*
 * Tells the committer that a change is in the stream.  Unanswered: a
 * nudge lost costs a poll's wait.
 */
static void
nudge_committer(struct commit_relay *cr)
{
	enum redis_pool_status	why;

	(void)redis_pool_submitf(cr->pool, NULL, NULL,
	    io_loop_now(cr->loop) + cr->cfg.redis_timeout_ms, &why,
	    "PUBLISH %s %s", cr->nudge, CR_NUDGE_CHANGE);
}

void
commit_relay_nudged(struct commit_relay *cr, const char *message,
    size_t len)
{
	uint64_t	now;

	if (!cr->cfg.enabled || len != 1)
		return;
	now = io_loop_now(cr->loop);
	if (message[0] == CR_NUDGE_CHANGE[0] && cr->committer) {
		cr->next_read = 0;
		cr_committer_tick(cr, now);
	} else if (message[0] == CR_NUDGE_OUTCOME[0] &&
	    (!TAILQ_EMPTY(&cr->tickets) || !TAILQ_EMPTY(&cr->ghosts))) {
		cr->next_poll = 0;
		poll_outcomes(cr, now);
	}
}

static void
appended(void *arg, enum redis_pool_status st, const redisReply *r)
{
	struct commit_ticket	*t = arg;

	t->cmd = NULL;
	if (st == REDIS_POOL_OK && r->type == REDIS_REPLY_STRING &&
	    r->len > 0 && (size_t)r->len < sizeof(t->id)) {
		memcpy(t->id, r->str, r->len);
		t->id[r->len] = '\0';
		t->cr->stats.appended++;
		nudge_committer(t->cr);
		return;
	}
	if (st == REDIS_POOL_TIMEOUT || st == REDIS_POOL_UNAVAILABLE)
		ticket_fail(t, GC_TIMEOUT, 1, "the change's way to the "
		    "committer was cut (Redis)");
	else
		ticket_fail(t, GC_FAILED, 0, st == REDIS_POOL_OK &&
		    r->type == REDIS_REPLY_ERROR ? r->str : "Redis refused "
		    "the change");
}

static struct commit_ticket *
relay_submit(struct commit_relay *cr, struct commit_ticket *t,
    const struct gc_change *c, uint64_t deadline_ms, char *err, size_t errsz)
{
	struct gc_change	 copy = *c;
	enum redis_pool_status	 why;
	char			 version[UUID4_STRLEN];
	const char		*argv[5];
	size_t			 argvlen[5];
	uint64_t		 now = io_loop_now(cr->loop), wait;

	/* A committer taking over knows the change landed by its version. */
	if (c->new_version == NULL || !uuid4_valid(c->new_version)) {
		if (uuid4_generate(version) == -1) {
			snprintf(err, errsz, "change: no random version");
			return (NULL);
		}
		copy.new_version = version;
	}
	wait = deadline_ms > now ? deadline_ms - now : 0;
	strbuf_init(&t->json, GC_WIRE_CHANGE_MAX + 1);
	/*
	 * Too late for the committer to answer in time (it drops such an
	 * entry unwritten): known not written, where sending it would leave
	 * the submitter unsure whether it landed.
	 */
	if (wait <= 2 * CR_ANSWER_MARGIN_POLLS * cr->cfg.poll_ms) {
		TAILQ_INSERT_TAIL(&cr->tickets, t, entry);
		t->fail = GC_TIMEOUT;
		snprintf(t->why, sizeof(t->why), "deadline too close to hand "
		    "the change to the committer");
		return (t);
	}
	if (gc_wire_encode_change(&copy, cr_unix_ms() + wait, &t->json, err,
	    errsz) == -1) {
		strbuf_free(&t->json);
		return (NULL);
	}
	argv[0] = "XADD";
	argv[1] = cr->stream;
	argv[2] = "*";
	argv[3] = "c";
	argv[4] = t->json.data;
	argvlen[0] = 4;
	argvlen[1] = strlen(cr->stream);
	argvlen[2] = 1;
	argvlen[3] = 1;
	argvlen[4] = t->json.len;
	TAILQ_INSERT_TAIL(&cr->tickets, t, entry);
	t->cmd = redis_pool_submit(cr->pool, appended, t, now +
	    cr->cfg.redis_timeout_ms, 5, argv, argvlen, &why);
	if (t->cmd == NULL) {
		/* Answered at the next tick, never from inside submit. */
		t->fail = GC_FAILED;
		snprintf(t->why, sizeof(t->why), "Redis: %s",
		    redis_pool_status_name(why));
	} else
		t->sent = 1;
	return (t);
}

struct commit_ticket *
commit_relay_submit(struct commit_relay *cr, const struct gc_change *c,
    uint64_t deadline_ms, gc_done_fn *done, void *arg, char *err,
    size_t errsz)
{
	struct commit_ticket	*t;

	if (done == NULL) {
		snprintf(err, errsz, "change: no callback");
		return (NULL);
	}
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		snprintf(err, errsz, "change: out of memory");
		return (NULL);
	}
	t->cr = cr;
	t->done = done;
	t->arg = arg;
	t->deadline_ms = deadline_ms;
	t->fail = GC_APPLIED;		/* none */
	if (!cr->cfg.enabled) {
		t->local = group_commit_submit(cr->gc, c, deadline_ms,
		    local_done, t, err, errsz);
		if (t->local == NULL) {
			free(t);
			return (NULL);
		}
		/* Listed too, so that commit_relay_free() frees it. */
		TAILQ_INSERT_TAIL(&cr->tickets, t, entry);
		return (t);
	}
	if (relay_submit(cr, t, c, deadline_ms, err, errsz) == NULL) {
		free(t);
		return (NULL);
	}
	return (t);
}

void
commit_relay_cancel(struct commit_ticket *t)
{
	commit_late_fn	*late = t->late;
	void		*arg = t->late_arg;

	ticket_free(t);
	late_none(late, arg);
}

void
commit_relay_on_late(struct commit_ticket *t, commit_late_fn *fn, void *arg)
{
	t->late = fn;
	t->late_arg = arg;
}

static struct commit_ghost *
ghost_by_id(struct commit_relay *cr, const char *id)
{
	struct commit_ghost	*g;

	TAILQ_FOREACH(g, &cr->ghosts, entry) {
		if (strcmp(g->id, id) == 0)
			return (g);
	}
	return (NULL);
}

static struct commit_ticket *
ticket_by_id(struct commit_relay *cr, const char *id)
{
	struct commit_ticket	*t;

	TAILQ_FOREACH(t, &cr->tickets, entry) {
		if (strcmp(t->id, id) == 0)
			return (t);
	}
	return (NULL);
}

/*
 * One round: the landed changes after ARGV[1] ("" none, "$" only the
 * stream's end), at most ARGV[2], then the outcomes of KEYS[2..]; in one
 * script, so that every change landed before an outcome was written is
 * in the stream this round reads.  XREAD in a script never blocks.
 */
static const char poll_script[] =
    "local from, landed = ARGV[1], false\n"
    "if from == '$' then\n"
    "  local last = redis.pcall('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)\n"
    "  if type(last) == 'table' and last[1] then from = last[1][1]\n"
    "  else from = '0-0' end\n"
    "elseif from ~= '' then\n"
    "  local x = redis.pcall('XREAD', 'COUNT', ARGV[2], 'STREAMS', KEYS[1],\n"
    "      from)\n"
    "  if type(x) == 'table' and x[1] then landed = x[1][2] end\n"
    "end\n"
    "local o = {}\n"
    "if #KEYS > 1 then o = redis.call('MGET', unpack(KEYS, 2)) end\n"
    "return {from, landed, o}\n";

/* Sent by digest: the poll runs every few ms on every worker. */
static char	poll_sha[REDIS_SCRIPT_SHA_SIZE];

static void
landed_bad(struct commit_relay *cr, const char *id, const char *why)
{
	cr->stats.landed_bad++;
	if (cr->landed_logged)
		return;
	cr->landed_logged = 1;
	log_sink_printf(&cr->cfg.log, LOG_LEVEL_WARNING, "commit relay: "
	    "landed entry %s skipped (%s); further ones are not logged", id,
	    why);
}

/* A landed entry [id, [field, value, ...]]: its cells to our cache. */
static void
landed_entry(struct commit_relay *cr, const redisReply *e)
{
	const redisReply	*id, *f, *json = NULL, *version = NULL;
	char			 idbuf[CR_ID_MAX], vbuf[UUID4_STRLEN];
	char			 err[GC_ERROR_MAX];
	size_t			 i;

	if (e->type != REDIS_REPLY_ARRAY || e->elements != 2 ||
	    (id = e->element[0])->type != REDIS_REPLY_STRING ||
	    id->len == 0 || (size_t)id->len >= sizeof(idbuf)) {
		landed_bad(cr, "?", "not an entry");
		return;
	}
	memcpy(idbuf, id->str, id->len);
	idbuf[id->len] = '\0';
	memcpy(cr->landed_id, idbuf, sizeof(idbuf));
	if ((f = e->element[1])->type != REDIS_REPLY_ARRAY) {
		landed_bad(cr, idbuf, "no fields");
		return;
	}
	for (i = 0; i + 1 < f->elements; i += 2) {
		if (f->element[i]->type != REDIS_REPLY_STRING ||
		    f->element[i + 1]->type != REDIS_REPLY_STRING)
			continue;
		if (strcmp(f->element[i]->str, "c") == 0)
			json = f->element[i + 1];
		else if (strcmp(f->element[i]->str, "v") == 0)
			version = f->element[i + 1];
	}
	vbuf[0] = '\0';
	if (version != NULL && (size_t)version->len < sizeof(vbuf)) {
		memcpy(vbuf, version->str, version->len);
		vbuf[version->len] = '\0';
	}
	if (json == NULL) {
		landed_bad(cr, idbuf, "no change");
		return;
	}
	if (cr_note_change(cr->cfg.landed, cr->cfg.landed_arg,
	    cr->version_header, json->str, json->len, vbuf, err,
	    sizeof(err)) == -1) {
		landed_bad(cr, idbuf, err);
		return;
	}
	cr->stats.landed++;
}

/* Landed changes first; 1 when the stream's end was reached. */
static int
landed_read(struct commit_relay *cr, const redisReply *from,
    const redisReply *list)
{
	size_t	i;

	if (cr->landed_id[0] == '\0')
		return (1);
	if (strcmp(cr->landed_id, "$") == 0) {
		if (from->type != REDIS_REPLY_STRING || from->len == 0 ||
		    (size_t)from->len >= sizeof(cr->landed_id))
			return (0);
		memcpy(cr->landed_id, from->str, from->len);
		cr->landed_id[from->len] = '\0';
		return (1);
	}
	if (list->type != REDIS_REPLY_ARRAY)
		return (list->type == REDIS_REPLY_NIL);
	for (i = 0; i < list->elements; i++)
		landed_entry(cr, list->element[i]);
	return (list->elements < cr->cfg.read_count);
}

static void
polled(void *arg, enum redis_pool_status st, const redisReply *r)
{
	struct commit_relay	*cr = arg;
	struct commit_ticket	*t;
	struct commit_ghost	*g;
	struct gc_outcome	 o;
	const redisReply	*e, *outs;
	char			 err[GC_ERROR_MAX];
	size_t			 i;

	cr->poll_cmd = NULL;
	if (st == REDIS_POOL_OK && redis_script_missing(r)) {
		cr->poll_evaled = 1;
		cr->next_poll = 0;
		return;
	}
	if (st != REDIS_POOL_OK || r->type != REDIS_REPLY_ARRAY ||
	    r->elements != 3)
		return;			/* the next poll asks again */
	if (!landed_read(cr, r->element[0], r->element[1])) {
		/* Outcomes wait until the cache has heard what came before. */
		cr->next_poll = 0;
		return;
	}
	outs = r->element[2];
	if (outs->type != REDIS_REPLY_ARRAY || outs->elements != cr->npoll)
		return;
	for (i = 0; i < outs->elements; i++) {
		e = outs->element[i];
		if (e->type != REDIS_REPLY_STRING)
			continue;
		if ((t = ticket_by_id(cr, cr->poll_ids[i])) == NULL) {
			if ((g = ghost_by_id(cr, cr->poll_ids[i])) == NULL)
				continue;
			if (gc_wire_decode_outcome(e->str, e->len, &o, err,
			    sizeof(err)) == -1) {
				ghost_free(cr, g, NULL);
				continue;
			}
			/* The replay that tells the fate is still to come. */
			if (o.status == GC_TIMEOUT && o.maybe_applied)
				continue;
			cr->stats.late++;
			ghost_free(cr, g, &o);
			continue;
		}
		cr->stats.outcomes++;
		if (gc_wire_decode_outcome(e->str, e->len, &o, err,
		    sizeof(err)) == -1)
			ticket_fail(t, GC_TIMEOUT, 1, "the committer's answer "
			    "cannot be read");
		else
			ticket_answer(t, &o);
	}
}

/* One script for the landed changes and every outcome awaited. */
static void
poll_outcomes(struct commit_relay *cr, uint64_t now)
{
	struct commit_ticket	*t;
	struct commit_ghost	*g;
	enum redis_pool_status	 why;
	char			(*keys)[CR_KEY_MAX], nkeys[24], count[24];
	const char		**argv;
	size_t			*argvlen, n = 0, i;

	if (cr->poll_cmd != NULL || now < cr->next_poll)
		return;
	cr->next_poll = now + cr->cfg.poll_ms;
	if (cr->poll_ids == NULL && (cr->poll_ids = calloc(CR_POLL_MAX,
	    sizeof(*cr->poll_ids))) == NULL)
		return;
	keys = calloc(CR_POLL_MAX, sizeof(*keys));
	argv = calloc(CR_POLL_MAX + 6, sizeof(*argv));
	argvlen = calloc(CR_POLL_MAX + 6, sizeof(*argvlen));
	if (keys != NULL && argv != NULL && argvlen != NULL) {
		TAILQ_FOREACH(t, &cr->tickets, entry) {
			if (n == CR_POLL_MAX)
				break;
			if (t->id[0] == '\0' || cr_outcome_key(cr, t->id,
			    keys[n], sizeof(keys[n])) == -1)
				continue;
			memcpy(cr->poll_ids[n], t->id, sizeof(t->id));
			argv[n + 4] = keys[n];
			n++;
		}
		TAILQ_FOREACH(g, &cr->ghosts, entry) {
			if (n == CR_POLL_MAX)
				break;
			if (cr_outcome_key(cr, g->id, keys[n],
			    sizeof(keys[n])) == -1)
				continue;
			memcpy(cr->poll_ids[n], g->id, sizeof(g->id));
			argv[n + 4] = keys[n];
			n++;
		}
		cr->npoll = n;
		snprintf(nkeys, sizeof(nkeys), "%zu", n + 1);
		snprintf(count, sizeof(count), "%zu", cr->cfg.read_count);
		redis_script_head(poll_script, poll_sha, cr->poll_evaled,
		    argv);
		cr->poll_evaled = 0;
		argv[2] = nkeys;
		argv[3] = cr->landed;
		argv[n + 4] = cr->landed_id;
		argv[n + 5] = count;
		for (i = 0; i < n + 6; i++)
			argvlen[i] = strlen(argv[i]);
		if (n > 0 || cr->landed_id[0] != '\0')
			cr->poll_cmd = redis_pool_submit(cr->pool, polled, cr,
			    now + cr->cfg.redis_timeout_ms, (int)n + 6, argv,
			    argvlen, &why);
	}
	free(keys);
	free(argv);
	free(argvlen);
}

void
commit_relay_tick(struct commit_relay *cr, uint64_t now)
{
	struct commit_ticket	*t;
	struct commit_ghost	*g;

	if (!cr->cfg.enabled)
		return;
	while ((g = TAILQ_FIRST(&cr->ghosts)) != NULL && now >= g->until)
		ghost_free(cr, g, NULL);
	/* A callback may cancel any other ticket: look again after each. */
again:
	TAILQ_FOREACH(t, &cr->tickets, entry) {
		if (t->fail != GC_APPLIED) {
			ticket_fail(t, t->fail, 0, t->why);
			goto again;
		}
		if (now >= t->deadline_ms) {
			ticket_fail(t, GC_TIMEOUT, t->sent, "deadline passed "
			    "waiting for the committer");
			goto again;
		}
	}
	poll_outcomes(cr, now);
	cr_committer_tick(cr, now);
}
