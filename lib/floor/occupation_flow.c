/*
 * One occupation action on one spool, from request to event, as a chain
 * of asynchronous steps on the flow's loop:
 *
 *   cache  the spool's row, the worker and their roles (Sheets read cache)
 *   owner  the spool's lock as Redis has it now, and from the same value
 *          whether the caller proved holding it (REQUIRE_LOCK_TOKEN)
 *   decide occ_decide(), or a FINALIZAR's decision (flow_decide(),
 *          v4_flow.c): the error to answer, or the changes to make
 *   lock   TOMAR takes the lock (SET NX in a script) with a new token it
 *          answers as lock_token; a loser decides again against the
 *          winner, which answers 409 naming them
 *   commit the row change and its audit row through the group commit;
 *          the request answers only once the batch is confirmed
 *          (occupation_commit.c, like the two steps after it)
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
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lock_token.h"
#include "occupation_steps.h"
#include "operacion_infer.h"
#include "release_retry.h"
#include "v4_flow.h"

static void	job_step_owner(struct occ_job *);
static void	job_decide(struct occ_job *, const struct occ_lock *);

uint64_t
flow_deadline(const struct occ_flow *f)
{
	return (io_loop_now(f->deps.loop) + f->deps.redis_timeout_ms);
}

void
flow_log(const struct occ_job *job, enum log_level level, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_sink_vprintf(&job->flow->deps.log, level, fmt, ap);
	va_end(ap);
}

void
flow_fail(struct occ_job *job, enum occ_error e, const char *detail)
{
	occ_fail_other(&job->out, e, job->tag, detail);
}

/* The job is over: tell whoever waits, or free it if nobody does. */
void
flow_finish(struct occ_job *job)
{
	job->done = 1;
	if (job->done_cb != NULL)
		job->done_cb(job->done_arg, job);
	else
		occ_job_free(job);
}

static void
job_release_then_finish_done(void *arg, const struct lock_reply *r)
{
	struct occ_job	*job = arg;

	job->lock_op = NULL;
	if (r->result == LOCK_ERROR)
		release_retry_add(job->flow->retry, job->tag, job->lock_value);
	flow_finish(job);
}

/* Gives back a lock this job took, then finishes with the error set. */
void
flow_undo(struct occ_job *job)
{
	enum redis_pool_status	why;

	if (!job->lock_taken) {
		flow_finish(job);
		return;
	}
	job->lock_taken = 0;
	job->lock_op = lock_release(job->flow->deps.pool, job->tag,
	    job->lock_value, flow_deadline(job->flow),
	    job_release_then_finish_done, job, &why);
	if (job->lock_op == NULL) {
		release_retry_add(job->flow->retry, job->tag, job->lock_value);
		flow_finish(job);
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

	sheets_cache_peek(job->flow->deps.cache, &view);
	job->rows_stale = view.status != SHEETS_CACHE_FRESH;
	if (view.status == SHEETS_CACHE_UNAVAILABLE) {
		flow_fail(job, OCC_ERR_SHEETS_UNAVAILABLE, "Google Sheets no "
		    "responde; vuelve a intentarlo en unos segundos.");
		return (-1);
	}
	ops = view.table[SHEETS_CACHE_OPERACIONES];
	if (spool_columns_find(ops, &cols, &missing) == -1) {
		flow_log(job, LOG_LEVEL_ERROR, "Operaciones lacks column %s: "
		    "run zeues-migrate", missing);
		flow_fail(job, OCC_ERR_SHEETS_UNAVAILABLE, "La hoja de "
		    "operaciones no tiene las columnas esperadas.");
		return (-1);
	}
	if ((i = sheet_table_find(ops, job->tag)) < 0) {
		occ_fail_spool_not_found(&job->out, job->tag);
		return (-1);
	}
	spool_row_read(ops, &cols, (size_t)i, row);
	*rownum = sheet_table_row_number(ops, (size_t)i);
	job->row_index = i;
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
		flow_finish(job);
		return;
	}
	if (job->has_nombre && strcmp(job->nombre, w.nombre_completo) != 0)
		flow_log(job, LOG_LEVEL_INFO, "%s: worker_nombre '%s' sent "
		    "for worker %lld, who is %s; using the sheet's", job->tag,
		    job->nombre, job->worker_id, w.nombre_completo);
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
	lock->token_refused = job->flow->deps.require_lock_token &&
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
		flow_fail(job, OCC_ERR_REDIS_UNAVAILABLE, "Redis no responde: "
		    "no se puede ocupar ni liberar spools ahora.");
		flow_finish(job);
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

	job->lock_op = lock_owner(job->flow->deps.pool, job->tag,
	    flow_deadline(job->flow), job_owner_done, job, &why);
	if (job->lock_op == NULL) {
		flow_fail(job, OCC_ERR_REDIS_UNAVAILABLE, "Redis no responde: "
		    "no se puede ocupar ni liberar spools ahora.");
		flow_finish(job);
	}
}

/* --- decide --- */

/* The holder's label, from the roster, for messages naming them. */
static void
holder_name(struct occ_job *job, long long id, char *buf, size_t len)
{
	struct sheets_cache_view	view;
	struct worker			w;

	buf[0] = '\0';
	sheets_cache_peek(job->flow->deps.cache, &view);
	if (id > 0 && view.status != SHEETS_CACHE_UNAVAILABLE &&
	    worker_lookup(view.table[SHEETS_CACHE_TRABAJADORES],
	    view.table[SHEETS_CACHE_ROLES], id, &w) == 0)
		snprintf(buf, len, "%s", w.nombre_completo);
}

/*
 * 1 when a refusal may come from a cached row older than Redis: the
 * caller's own lock with a row that does not name them (a TOMAR through
 * another worker or instance), or "occupied" by a row while no lock
 * exists (a release through another worker).  A fresh read decides.
 */
static int
cache_may_be_behind(const struct occ_job *job, const struct spool_row *row,
    const struct occ_lock *lock)
{
	struct spool_state	st;

	if (!lock->held)
		return (job->out.fail.error == OCC_ERR_SPOOL_OCCUPIED);
	if (job->action == OCC_TOMAR || lock->worker_id != job->worker_id)
		return (0);
	spool_state_derive(row, &st);
	return (!st.occupied || st.occupant_id != job->worker_id);
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
	char			 unsure[OCC_INFER_DETAIL_MAX];

	if (job_read_tables(job, &row, &w, &job->rownum) == -1) {
		flow_undo(job);
		return;
	}
	holder_name(job, lock.worker_id, holder, sizeof(holder));
	lock.holder_nombre = holder[0] != '\0' ? holder : NULL;
	if (zone_now(&now) == -1 || uuid4_generate(version) == -1 ||
	    uuid4_generate(audit) == -1 ||
	    (job->action == OCC_TOMAR && (uuid4_generate(job->token) == -1 ||
	    lock_token_generate(job->secret) == -1))) {
		flow_fail(job, OCC_ERR_INTERNAL, "No se pudo preparar el "
		    "cambio.");
		flow_undo(job);
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
	/* Inferred on every decision: a fresh read may tell another story. */
	if (job->infer_op && occ_operacion_infer(&row, job->tag,
	    job->worker_id, &in.op, unsure) == -1)
		flow_fail(job, OCC_ERR_INVALID_STATE_TRANSITION, unsure);
	else if (job->decide != NULL)
		job->decide(job->decide_arg, &in, &job->out);
	else
		flow_decide(job, &in);
	if (job->out.ok && job->lost_race) {
		/* The rules refuse a held lock; never race a second time. */
		flow_fail(job, OCC_ERR_SPOOL_OCCUPIED, "El spool acaba de ser "
		    "tomado por otra persona.");
	}
	if (!job->out.ok && !job->retried && !job->lost_race &&
	    cache_may_be_behind(job, &row, &lock)) {
		/*
		 * Redis and the cached row disagree: the change went through
		 * another worker or instance, whose write this cache has not
		 * read.  Decide once more on a fresh read rather than refuse
		 * on a row that may be stale.
		 */
		sheets_cache_invalidate(job->flow->deps.cache);
		job->retried = 1;
		flow_restart(job);
		return;
	}
	if (!job->out.ok && job->retried && job->rows_stale &&
	    cache_may_be_behind(job, &row, &lock)) {
		/*
		 * The fresh read did not come (Sheets down, the read quota
		 * spent): refusing on a row Redis contradicts would tell
		 * the tablet something false.
		 */
		flow_fail(job, OCC_ERR_SHEETS_UNAVAILABLE, "No se pudo leer "
		    "Google Sheets para confirmar el estado del spool; vuelve "
		    "a intentarlo en unos segundos.");
	}
	if (!job->out.ok) {
		flow_undo(job);
		return;
	}

	if (job->out.lock_effect == OCC_LOCK_RELEASE) {
		snprintf(job->lock_value, sizeof(job->lock_value), "%s",
		    job->holder_value);
		flow_commit(job);
		return;
	}
	/* OCC_LOCK_BRIEF: a lock of its own, held for the change only. */
	if ((job->out.lock_effect == OCC_LOCK_BRIEF &&
	    (uuid4_generate(job->token) == -1 ||
	    lock_token_generate(job->secret) == -1)) ||
	    lock_token_join(session_token, sizeof(session_token), job->token,
	    job->secret) == -1 || lock_value(job->lock_value,
	    sizeof(job->lock_value), job->worker_id, session_token) == -1) {
		flow_fail(job, OCC_ERR_INTERNAL, "No se pudo preparar el "
		    "lock.");
		flow_finish(job);
		return;
	}
	if (job->out.lock_effect == OCC_LOCK_ACQUIRE)
		snprintf(job->out.lock_token, sizeof(job->out.lock_token),
		    "%s", job->secret);
	job->lock_op = lock_acquire(job->flow->deps.pool, job->tag,
	    job->lock_value, 0, flow_deadline(job->flow), job_acquire_done,
	    job, &why);
	if (job->lock_op == NULL) {
		flow_fail(job, OCC_ERR_REDIS_UNAVAILABLE, "Redis no responde: "
		    "no se puede ocupar ni liberar spools ahora.");
		flow_finish(job);
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
		flow_commit(job);
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
		release_retry_add(job->flow->retry, job->tag, job->lock_value);
		flow_fail(job, OCC_ERR_REDIS_UNAVAILABLE, "Redis no responde: "
		    "no se puede ocupar ni liberar spools ahora.");
		flow_finish(job);
		return;
	}
}

static void
job_start_over(struct occ_job *job)
{
	memset(&job->out, 0, sizeof(job->out));
	job->holder_value[0] = '\0';
	job->lock_value[0] = '\0';
	job->lost_race = 0;
	job->cache_wait = sheets_cache_read(job->flow->deps.cache,
	    job->deadline, job_cache_done, job);
	if (job->cache_wait == NULL) {
		flow_fail(job, OCC_ERR_OVERLOADED, "El servidor está saturado; "
		    "vuelve a intentarlo.");
		flow_finish(job);
	}
}

static void
job_restart_released(void *arg, const struct lock_reply *r)
{
	struct occ_job	*job = arg;

	job->lock_op = NULL;
	if (r->result == LOCK_ERROR) {
		release_retry_add(job->flow->retry, job->tag, job->lock_value);
		flow_fail(job, OCC_ERR_REDIS_UNAVAILABLE, "Redis no responde: "
		    "no se puede ocupar ni liberar spools ahora.");
		flow_finish(job);
		return;
	}
	job_start_over(job);
}

/* Gives back a lock this job took, then runs the job again. */
void
flow_restart(struct occ_job *job)
{
	enum redis_pool_status	why;

	if (!job->lock_taken) {
		job_start_over(job);
		return;
	}
	job->lock_taken = 0;
	job->lock_op = lock_release(job->flow->deps.pool, job->tag,
	    job->lock_value, flow_deadline(job->flow), job_restart_released,
	    job, &why);
	if (job->lock_op == NULL) {
		release_retry_add(job->flow->retry, job->tag, job->lock_value);
		flow_fail(job, OCC_ERR_REDIS_UNAVAILABLE, "Redis no responde: "
		    "no se puede ocupar ni liberar spools ahora.");
		flow_finish(job);
	}
}

/* --- public --- */

struct occ_flow *
occ_flow_new(const struct occ_flow_deps *deps)
{
	struct occ_flow	*f;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return (NULL);
	f->deps = *deps;
	f->retry = release_retry_new(f->deps.loop, f->deps.pool,
	    f->deps.redis_timeout_ms, &f->deps.log);
	if (f->retry == NULL) {
		free(f);
		return (NULL);
	}
	return (f);
}

void
occ_flow_free(struct occ_flow *f)
{
	if (f == NULL)
		return;
	release_retry_free(f->retry);
	free(f);
}

void
occ_flow_tick(struct occ_flow *f, uint64_t now)
{
	release_retry_tick(f->retry, now);
}

struct occ_job *
occ_job_new(struct occ_flow *flow, enum occ_action action, enum operacion op,
    const char *tag, long long worker_id, uint64_t deadline)
{
	struct occ_job	*job;

	if ((job = calloc(1, sizeof(*job))) == NULL)
		return (NULL);
	job->flow = flow;
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
	job->cache_wait = sheets_cache_read(job->flow->deps.cache,
	    job->deadline, job_cache_done, job);
	if (job->cache_wait == NULL) {
		flow_fail(job, OCC_ERR_OVERLOADED, "El servidor está saturado; "
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
		occ_job_free(job);
		return;
	}
	job->done_cb = NULL;
	job->done_arg = NULL;
	if (job->done)
		occ_job_free(job);
}

void
occ_job_free(struct occ_job *job)
{
	if (job == NULL)
		return;
	free(job->v4);
	free(job);
}
