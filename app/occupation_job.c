/*
 * One occupation action on one spool, from request to event, as a chain
 * of asynchronous steps on the worker's loop:
 *
 *   cache  the spool's row, the worker and their roles (Sheets read cache)
 *   owner  the spool's lock as Redis has it now, and from the same value
 *          whether the caller proved holding it (REQUIRE_LOCK_TOKEN)
 *   decide occ_decide(): the error to answer, or the changes to make
 *   lock   TOMAR takes the lock (SET NX in a script) with a new token it
 *          answers as lock_token; a loser decides again against the
 *          winner, which answers 409 naming them
 *   commit the row change and its audit row through the group commit;
 *          the request answers only once the batch is confirmed
 *   unlock PAUSAR/COMPLETAR give the lock back, owner-checked
 *   event  published with its stream id; a failure here is logged and
 *          counted, the answer is still 200 (the change is recorded)
 *
 * All or nothing: when anything fails before the commit is confirmed, a
 * lock this job took is given back and the caller gets a clean error.
 * A job outlives its HTTP request: a client that hangs up must not leave
 * a lock behind, so the chain always runs to its end and then frees itself
 * if nobody is waiting for it.
 */
#include <sys/queue.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event_log.h"
#include "group_commit.h"
#include "json_out.h"
#include "lock_token.h"
#include "occupation_job.h"
#include "redis_lock.h"
#include "sheets_cache.h"
#include "stat_counter.h"
#include "zeues.h"

static struct event_log_config	job_events;
static int			job_events_ready;

/*
 * Locks a failed change could not give back because Redis was away at
 * that moment: given back as soon as Redis answers again, so an outage
 * leaves no lock behind.  Owner-checked, so a retry never frees a lock
 * someone has taken since.
 */
#define RELEASE_RETRY_MS	1000
#define RELEASE_GIVE_UP_MS	(10 * 60 * 1000)

struct pending_release {
	TAILQ_ENTRY(pending_release)	 entry;
	char				 tag[SPOOL_TAG_MAX + 1];
	char				 value[LOCK_VALUE_MAX];
	uint64_t			 next_ms;
	uint64_t			 until_ms;
	struct lock_op			*op;
};

static TAILQ_HEAD(, pending_release)	pending_releases =
    TAILQ_HEAD_INITIALIZER(pending_releases);

static void	job_step_owner(struct occ_job *);
static void	job_decide(struct occ_job *, const struct occ_lock *);
static void	job_commit(struct occ_job *);
static void	job_finish(struct occ_job *);

static void
job_fail(struct occ_job *job, enum occ_error e, const char *detail)
{
	occ_fail_other(&job->out, e, job->tag, detail);
}

/* The job is over: tell whoever waits, or free it if nobody does. */
static void
job_finish(struct occ_job *job)
{
	job->done = 1;
	if (job->done_cb != NULL)
		job->done_cb(job->done_arg, job);
	else
		free(job);
}

static void
release_later(const char *tag, const char *value)
{
	struct pending_release	*p;
	uint64_t		 now = kore_io_loop_now();

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		zlog(LOG_LEVEL_WARNING, "%s: lock not released after a failed "
		    "change; reconciliation will clear it", tag);
		return;
	}
	snprintf(p->tag, sizeof(p->tag), "%s", tag);
	snprintf(p->value, sizeof(p->value), "%s", value);
	p->next_ms = now + RELEASE_RETRY_MS;
	p->until_ms = now + RELEASE_GIVE_UP_MS;
	TAILQ_INSERT_TAIL(&pending_releases, p, entry);
	zlog(LOG_LEVEL_WARNING, "%s: lock not released after a failed change "
	    "(Redis unavailable); retrying until Redis answers", tag);
}

static void
pending_release_done(void *arg, const struct lock_reply *r)
{
	struct pending_release	*p = arg;

	p->op = NULL;
	if (r->result == LOCK_ERROR) {
		p->next_ms = kore_io_loop_now() + RELEASE_RETRY_MS;
		return;
	}
	if (r->result == LOCK_OK)
		zlog(LOG_LEVEL_INFO, "%s: lock of a failed change released "
		    "after Redis came back", p->tag);
	TAILQ_REMOVE(&pending_releases, p, entry);
	free(p);
}

void
occ_job_tick(uint64_t now)
{
	struct pending_release	*p, *next;
	enum redis_pool_status	 why;

	for (p = TAILQ_FIRST(&pending_releases); p != NULL; p = next) {
		next = TAILQ_NEXT(p, entry);
		if (p->op != NULL || now < p->next_ms)
			continue;
		if (now >= p->until_ms) {
			zlog(LOG_LEVEL_WARNING, "%s: gave up releasing the lock "
			    "of a failed change; reconciliation will clear it",
			    p->tag);
			TAILQ_REMOVE(&pending_releases, p, entry);
			free(p);
			continue;
		}
		p->next_ms = now + RELEASE_RETRY_MS;
		if (!redis_pool_is_up(zw.pool))
			continue;
		p->op = lock_release(zw.pool, p->tag, p->value, now +
		    (uint64_t)zeues_cfg.redis_socket_timeout_ms,
		    pending_release_done, p, &why);
	}
}

void
occ_job_stop(void)
{
	struct pending_release	*p;

	while ((p = TAILQ_FIRST(&pending_releases)) != NULL) {
		TAILQ_REMOVE(&pending_releases, p, entry);
		if (p->op != NULL)
			lock_cancel(p->op);
		free(p);
	}
}

static void
job_release_then_finish_done(void *arg, const struct lock_reply *r)
{
	struct occ_job	*job = arg;

	job->lock_op = NULL;
	if (r->result == LOCK_ERROR)
		release_later(job->tag, job->lock_value);
	job_finish(job);
}

/* Gives back a lock this job took, then finishes with the error set. */
static void
job_undo_and_finish(struct occ_job *job)
{
	enum redis_pool_status	why;

	if (!job->lock_taken) {
		job_finish(job);
		return;
	}
	job->lock_taken = 0;
	job->lock_op = lock_release(zw.pool, job->tag, job->lock_value,
	    kore_io_loop_now() + (uint64_t)zeues_cfg.redis_socket_timeout_ms,
	    job_release_then_finish_done, job, &why);
	if (job->lock_op == NULL) {
		release_later(job->tag, job->lock_value);
		job_finish(job);
	}
}

/* --- cache: the row, the worker --- */

/*
 * Reads the row and the worker from the cache's current tables.  Returns
 * 0, or -1 with the failure set in job->out.
 */
static int
job_read_tables(struct occ_job *job, struct spool_row *row,
    struct worker *w, unsigned int *rownum)
{
	struct sheets_cache_view	 view;
	struct spool_columns		 cols;
	const struct sheet_table	*ops;
	const char			*missing;
	long				 i;

	sheets_cache_peek(zw.cache, &view);
	if (view.status == SHEETS_CACHE_UNAVAILABLE) {
		job_fail(job, OCC_ERR_SHEETS_UNAVAILABLE, "Google Sheets no "
		    "responde; vuelve a intentarlo en unos segundos.");
		return (-1);
	}
	ops = view.table[SHEETS_CACHE_OPERACIONES];
	if (spool_columns_find(ops, &cols, &missing) == -1) {
		zlog(LOG_LEVEL_ERROR, "Operaciones lacks column %s: run "
		    "zeues-migrate", missing);
		job_fail(job, OCC_ERR_SHEETS_UNAVAILABLE, "La hoja de "
		    "operaciones no tiene las columnas esperadas.");
		return (-1);
	}
	if ((i = sheet_table_find(ops, job->tag)) < 0) {
		occ_fail_spool_not_found(&job->out, job->tag);
		return (-1);
	}
	spool_row_read(ops, &cols, (size_t)i, row);
	*rownum = sheet_table_row_number(ops, (size_t)i);
	if (worker_lookup(view.table[SHEETS_CACHE_TRABAJADORES],
	    view.table[SHEETS_CACHE_ROLES], job->worker_id, w) == -1) {
		occ_fail_worker_not_found(&job->out, job->tag, job->worker_id);
		return (-1);
	}
	return (0);
}

static void
job_cache_done(void *arg, const struct sheets_cache_view *view)
{
	struct occ_job		*job = arg;
	struct spool_row	 row;
	struct worker		 w;
	unsigned int		 rownum;

	(void)view;
	job->cache_wait = NULL;
	if (job_read_tables(job, &row, &w, &rownum) == -1) {
		job_finish(job);
		return;
	}
	if (job->has_nombre && strcmp(job->nombre, w.nombre_completo) != 0)
		zlog(LOG_LEVEL_INFO, "%s: worker_nombre '%s' sent for worker "
		    "%lld, who is %s; using the sheet's", job->tag, job->nombre,
		    job->worker_id, w.nombre_completo);
	job_step_owner(job);
}

/* --- owner: the lock as Redis has it --- */

/*
 * The held lock as one read gave it: who holds it and, from the same
 * value, whether the caller proved holding it - so the holder check and
 * the token check can never see two different locks.  Every action on a
 * held lock reads it through here.
 */
static void
job_lock_read(struct occ_job *job, const char *value, struct occ_lock *lock)
{
	memset(lock, 0, sizeof(*lock));
	lock->held = 1;
	lock->worker_id = lock_value_worker(value);
	lock->token_refused = zeues_cfg.require_lock_token &&
	    !lock_token_accepts(value, job->presented_token);
	snprintf(job->holder_value, sizeof(job->holder_value), "%s", value);
}

static void
job_owner_done(void *arg, const struct lock_reply *r)
{
	struct occ_job	*job = arg;
	struct occ_lock	 lock;

	job->lock_op = NULL;
	memset(&lock, 0, sizeof(lock));
	if (r->result == LOCK_ERROR) {
		job_fail(job, OCC_ERR_REDIS_UNAVAILABLE, "Redis no responde: "
		    "no se puede ocupar ni liberar spools ahora.");
		job_finish(job);
		return;
	}
	if (r->result == LOCK_OK)
		job_lock_read(job, r->owner, &lock);
	job_decide(job, &lock);
}

static void
job_step_owner(struct occ_job *job)
{
	enum redis_pool_status	why;

	job->lock_op = lock_owner(zw.pool, job->tag, kore_io_loop_now() +
	    (uint64_t)zeues_cfg.redis_socket_timeout_ms, job_owner_done, job,
	    &why);
	if (job->lock_op == NULL) {
		job_fail(job, OCC_ERR_REDIS_UNAVAILABLE, "Redis no responde: "
		    "no se puede ocupar ni liberar spools ahora.");
		job_finish(job);
	}
}

/* --- decide --- */

/* The holder's label, from the roster, for messages naming them. */
static void
holder_name(long long id, char *buf, size_t len)
{
	struct sheets_cache_view	view;
	struct worker			w;

	buf[0] = '\0';
	sheets_cache_peek(zw.cache, &view);
	if (id > 0 && view.status != SHEETS_CACHE_UNAVAILABLE &&
	    worker_lookup(view.table[SHEETS_CACHE_TRABAJADORES],
	    view.table[SHEETS_CACHE_ROLES], id, &w) == 0)
		snprintf(buf, len, "%s", w.nombre_completo);
}

static void	job_acquire_done(void *, const struct lock_reply *);

static void
job_decide(struct occ_job *job, const struct occ_lock *lock_in)
{
	struct spool_row	 row;
	struct worker		 w;
	struct occ_input	 in;
	struct occ_lock		 lock = *lock_in;
	struct zoned_time	 now;
	enum redis_pool_status	 why;
	char			 version[UUID4_STRLEN], audit[UUID4_STRLEN];
	char			 holder[WORKER_NOMBRE_MAX];
	char			 token[UUID4_STRLEN];
	char			 session_token[LOCK_VALUE_MAX];

	if (job_read_tables(job, &row, &w, &job->rownum) == -1) {
		job_undo_and_finish(job);
		return;
	}
	holder_name(lock.worker_id, holder, sizeof(holder));
	lock.holder_nombre = holder[0] != '\0' ? holder : NULL;
	if (zone_now(&now) == -1 || uuid4_generate(version) == -1 ||
	    uuid4_generate(audit) == -1 ||
	    (job->action == OCC_TOMAR && (uuid4_generate(job->token) == -1 ||
	    lock_token_generate(job->secret) == -1))) {
		job_fail(job, OCC_ERR_INTERNAL, "No se pudo preparar el cambio.");
		job_undo_and_finish(job);
		return;
	}
	/*
	 * The audit row carries the lock's session (the holder's, for
	 * PAUSAR/COMPLETAR), never its secret token.
	 */
	if (job->action == OCC_TOMAR)
		snprintf(token, sizeof(token), "%s", job->token);
	else
		lock_token_session(job->holder_value, token, sizeof(token));

	memset(&in, 0, sizeof(in));
	in.action = job->action;
	in.op = job->op;
	in.row = &row;
	in.worker = &w;
	in.lock = &lock;
	in.lock_token = token;
	in.now = &now;
	in.fecha_operacion = job->has_fecha ? &job->fecha : NULL;
	in.new_version = version;
	in.audit_id = audit;
	occ_decide(&in, &job->out);
	if (job->out.ok && job->lost_race) {
		/* The rules refuse a held lock; never race a second time. */
		job_fail(job, OCC_ERR_SPOOL_OCCUPIED, "El spool acaba de ser "
		    "tomado por otra persona.");
	}
	if (!job->out.ok) {
		job_undo_and_finish(job);
		return;
	}

	if (job->out.lock_effect != OCC_LOCK_ACQUIRE) {
		snprintf(job->lock_value, sizeof(job->lock_value), "%s",
		    job->holder_value);
		job_commit(job);
		return;
	}
	if (lock_token_join(session_token, sizeof(session_token), job->token,
	    job->secret) == -1 || lock_value(job->lock_value,
	    sizeof(job->lock_value), job->worker_id, session_token) == -1) {
		job_fail(job, OCC_ERR_INTERNAL, "No se pudo preparar el lock.");
		job_finish(job);
		return;
	}
	snprintf(job->out.lock_token, sizeof(job->out.lock_token), "%s",
	    job->secret);
	job->lock_op = lock_acquire(zw.pool, job->tag, job->lock_value, 0,
	    kore_io_loop_now() + (uint64_t)zeues_cfg.redis_socket_timeout_ms,
	    job_acquire_done, job, &why);
	if (job->lock_op == NULL) {
		job_fail(job, OCC_ERR_REDIS_UNAVAILABLE, "Redis no responde: "
		    "no se puede ocupar ni liberar spools ahora.");
		job_finish(job);
	}
}

/* --- lock --- */

static void
job_acquire_done(void *arg, const struct lock_reply *r)
{
	struct occ_job	*job = arg;
	struct occ_lock	 lock;

	job->lock_op = NULL;
	switch (r->result) {
	case LOCK_OK:
		job->lock_taken = 1;
		job_commit(job);
		return;
	case LOCK_HELD:
		/* The race was lost: decide again against the winner. */
		job_lock_read(job, r->owner, &lock);
		job->lost_race = 1;
		job_decide(job, &lock);
		return;
	default:
		/*
		 * No answer is not "not taken": Redis may have run the SET
		 * and lost only the reply.  Give back what may be ours; the
		 * release compares the value this attempt wrote, so a lock
		 * that is not ours stays.
		 */
		release_later(job->tag, job->lock_value);
		job_fail(job, OCC_ERR_REDIS_UNAVAILABLE, "Redis no responde: "
		    "no se puede ocupar ni liberar spools ahora.");
		job_finish(job);
		return;
	}
}

/* --- commit --- */

static void	job_committed(void *, const struct gc_outcome *);

static void
job_commit(struct occ_job *job)
{
	struct gc_write		writes[OCC_CELLS_MAX];
	struct gc_change	ch;
	const char		*cells[OCC_AUDIT_COLUMNS];
	char			err[GC_ERROR_MAX];
	size_t			i, n = 0;

	memset(&ch, 0, sizeof(ch));
	/* The group commit writes the row's new version itself. */
	for (i = 0; i < job->out.ncells; i++) {
		if (job->out.cells[i].field == SPOOL_VERSION) {
			ch.new_version = job->out.cells[i].value;
			continue;
		}
		writes[n].header = spool_field_header(job->out.cells[i].field);
		writes[n].value.kind = job->out.cells[i].entered ?
		    SHEETS_CELL_ENTERED : SHEETS_CELL_TEXT;
		writes[n].value.text = job->out.cells[i].value;
		n++;
	}
	occ_audit_cells(&job->out.audit, cells);
	ch.sheet = zeues_sheets.operaciones;
	ch.tag = job->tag;
	ch.row = job->rownum;
	ch.expected_version = job->out.expect_version;
	ch.writes = writes;
	ch.nwrites = n;
	ch.audit.timestamp = cells[1];
	ch.audit.evento_tipo = cells[2];
	ch.audit.worker_id = cells[4];
	ch.audit.worker_nombre = cells[5];
	ch.audit.operacion = cells[6];
	ch.audit.accion = cells[7];
	ch.audit.fecha_operacion = cells[8];
	ch.audit.metadata_json = cells[9];
	ch.audit_id = job->out.audit.id;
	job->ticket = group_commit_submit(zw.commit, &ch, job->deadline,
	    job_committed, job, err, sizeof(err));
	if (job->ticket == NULL) {
		zlog(LOG_LEVEL_ERROR, "%s: change refused: %s", job->tag, err);
		job_fail(job, OCC_ERR_INTERNAL, "No se pudo preparar el cambio.");
		job_undo_and_finish(job);
	}
}

static void	job_unlock(struct occ_job *);
static void	job_publish(struct occ_job *);

static void
job_start_over(struct occ_job *job)
{
	memset(&job->out, 0, sizeof(job->out));
	job->holder_value[0] = '\0';
	job->lock_value[0] = '\0';
	job->lost_race = 0;
	job->cache_wait = sheets_cache_read(zw.cache, job->deadline,
	    job_cache_done, job);
	if (job->cache_wait == NULL) {
		job_fail(job, OCC_ERR_OVERLOADED, "El servidor está saturado; "
		    "vuelve a intentarlo.");
		job_finish(job);
	}
}

static void
job_restart_released(void *arg, const struct lock_reply *r)
{
	struct occ_job	*job = arg;

	job->lock_op = NULL;
	if (r->result == LOCK_ERROR) {
		release_later(job->tag, job->lock_value);
		job_fail(job, OCC_ERR_REDIS_UNAVAILABLE, "Redis no responde: "
		    "no se puede ocupar ni liberar spools ahora.");
		job_finish(job);
		return;
	}
	job_start_over(job);
}

/* Gives back a lock this job took, then runs the job again. */
static void
job_restart(struct occ_job *job)
{
	enum redis_pool_status	why;

	if (!job->lock_taken) {
		job_start_over(job);
		return;
	}
	job->lock_taken = 0;
	job->lock_op = lock_release(zw.pool, job->tag, job->lock_value,
	    kore_io_loop_now() + (uint64_t)zeues_cfg.redis_socket_timeout_ms,
	    job_restart_released, job, &why);
	if (job->lock_op == NULL) {
		release_later(job->tag, job->lock_value);
		job_fail(job, OCC_ERR_REDIS_UNAVAILABLE, "Redis no responde: "
		    "no se puede ocupar ni liberar spools ahora.");
		job_finish(job);
	}
}

static void
job_committed(void *arg, const struct gc_outcome *o)
{
	struct occ_job	*job = arg;

	job->ticket = NULL;
	switch (o->status) {
	case GC_APPLIED:
		if (job->out.lock_effect == OCC_LOCK_RELEASE)
			job_unlock(job);
		else
			job_publish(job);
		return;
	case GC_CONFLICT:
		sheets_cache_invalidate(zw.cache);
		/*
		 * Usually another worker's write this worker's cache had not
		 * seen yet: decide once more on a fresh read.
		 */
		if (!job->retried) {
			job->retried = 1;
			job_restart(job);
			return;
		}
		zlog(LOG_LEVEL_WARNING, "%s: row changed under us (version "
		    "now '%s'); nothing written", job->tag, o->found_version);
		job_fail(job, OCC_ERR_SPOOL_OCCUPIED, "El spool cambió en la "
		    "planilla mientras se procesaba; revisa su estado y vuelve "
		    "a intentarlo.");
		job_undo_and_finish(job);
		return;
	case GC_FAILED:
	case GC_TIMEOUT:
		zlog(LOG_LEVEL_WARNING, "%s: change not written: %s%s",
		    job->tag, o->error, o->maybe_applied ?
		    " (it may have landed; reconciliation will align the lock)" :
		    "");
		job_fail(job, OCC_ERR_SHEETS_UNAVAILABLE, "Google Sheets no "
		    "respondió a tiempo; el cambio no se registró. Vuelve a "
		    "intentarlo.");
		/* A write that may have landed keeps its lock for the row. */
		if (o->maybe_applied)
			job->lock_taken = 0;
		job_undo_and_finish(job);
		return;
	}
}

/* --- unlock and event --- */

static void
job_unlocked(void *arg, const struct lock_reply *r)
{
	struct occ_job	*job = arg;

	job->lock_op = NULL;
	if (r->result == LOCK_ERROR)
		release_later(job->tag, job->lock_value);
	else if (r->result != LOCK_OK)
		zlog(LOG_LEVEL_WARNING, "%s: change recorded; its lock was "
		    "already gone or someone else's", job->tag);
	job_publish(job);
}

static void
job_unlock(struct occ_job *job)
{
	enum redis_pool_status	why;

	job->lock_op = lock_release(zw.pool, job->tag, job->lock_value,
	    kore_io_loop_now() + (uint64_t)zeues_cfg.redis_socket_timeout_ms,
	    job_unlocked, job, &why);
	if (job->lock_op == NULL) {
		release_later(job->tag, job->lock_value);
		job_publish(job);
	}
}

static void
job_published(void *arg, const struct event_log_reply *r)
{
	struct occ_job	*job = arg;

	job->event_op = NULL;
	if (r->result != EVENT_LOG_OK) {
		stat_add(&zw.stats->occupation.events_failed_total, 1);
		zlog(LOG_LEVEL_WARNING, "%s: change recorded but its event was "
		    "not published", job->tag);
	}
	job_finish(job);
}

static void
job_publish(struct occ_job *job)
{
	enum redis_pool_status	 why;
	const char		*body;
	size_t			 len;
	yajl_gen		 g;

	stat_add(&zw.stats->occupation.changes_total[job->action], 1);
	if (!job_events_ready) {
		event_log_config_default(&job_events);
		job_events_ready = 1;
	}
	if ((g = json_out_new()) == NULL) {
		job_finish(job);
		return;
	}
	occ_event_write(g, &job->out.event);
	body = json_out_text(g, &len);
	job->event_op = event_log_publish(zw.pool, &job_events, body, len,
	    kore_io_loop_now() + (uint64_t)zeues_cfg.redis_socket_timeout_ms,
	    job_published, job, &why);
	yajl_gen_free(g);
	if (job->event_op == NULL) {
		stat_add(&zw.stats->occupation.events_failed_total, 1);
		zlog(LOG_LEVEL_WARNING, "%s: change recorded but its event was "
		    "not published (%s)", job->tag, redis_pool_status_name(why));
		job_finish(job);
	}
}

/* --- public --- */

struct occ_job *
occ_job_new(enum occ_action action, enum operacion op, const char *tag,
    long long worker_id, uint64_t deadline)
{
	struct occ_job	*job;

	if ((job = calloc(1, sizeof(*job))) == NULL)
		return (NULL);
	job->action = action;
	job->op = op;
	job->worker_id = worker_id;
	job->deadline = deadline;
	snprintf(job->tag, sizeof(job->tag), "%s", tag);
	return (job);
}

void
occ_job_start(struct occ_job *job)
{
	job->cache_wait = sheets_cache_read(zw.cache, job->deadline,
	    job_cache_done, job);
	if (job->cache_wait == NULL) {
		job_fail(job, OCC_ERR_OVERLOADED, "El servidor está saturado; "
		    "vuelve a intentarlo.");
		job->done = 1;
		if (job->done_cb != NULL)
			job->done_cb(job->done_arg, job);
	}
}

void
occ_job_detach(struct occ_job *job)
{
	/*
	 * Before the commit nothing has changed: the job can stop here.  A
	 * job past that point runs on so that no lock is left behind.
	 */
	if (job->cache_wait != NULL) {
		sheets_cache_cancel(job->cache_wait);
		free(job);
		return;
	}
	job->done_cb = NULL;
	job->done_arg = NULL;
	if (job->done)
		free(job);
}
