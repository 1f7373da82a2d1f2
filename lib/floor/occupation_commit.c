/*
 * The steps of an occupation job after its decision and lock: the change
 * through the group commit, the lock given back (PAUSAR, COMPLETAR), the
 * event.  See occupation_flow.c for the whole chain.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_out.h"
#include "occupation_steps.h"
#include "release_retry.h"
#include "stat_counter.h"
#include "v4_flow.h"

static void	job_committed(void *, const struct gc_outcome *);
static void	job_late(void *, const struct gc_outcome *);
static void	job_unlock(struct occ_job *);
static void	job_publish(struct occ_job *);

/* What a change that gives the spool back needs if it lands late. */
struct occ_late {
	struct occ_flow	*flow;
	char		 tag[SPOOL_TAG_MAX + 1];
	char		 lock_value[LOCK_VALUE_MAX];
};

void
flow_commit(struct occ_job *job)
{
	struct gc_write		writes[OCC_CELLS_MAX + V4_OPS_WRITES_MAX];
	struct v4_change	v4;
	struct gc_change	ch;
	struct sheets_cell	audit[AUDIT_COLUMNS];
	struct sheets_row	audit_row1 = { audit, AUDIT_COLUMNS };
	struct occ_late		*late;
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
	/*
	 * The audit row names the spool as the request did, the key the
	 * change is made under (the row's cell may carry spaces).
	 */
	snprintf(job->out.audit.tag_spool, sizeof(job->out.audit.tag_spool),
	    "%s", job->tag);
	audit_row(&job->out.audit, audit);
	ch.sheet = job->flow->deps.operaciones;
	ch.tag = job->tag;
	ch.row = job->rownum;
	ch.expected_version = job->out.expect_version;
	ch.writes = writes;
	ch.nwrites = n;
	ch.audits = &audit_row1;
	ch.naudits = 1;
	flow_v4_change(job, &v4, &ch, writes, &n);
	ch.nwrites = n;
	job->ticket = commit_relay_submit(job->flow->deps.commit, &ch,
	    job->deadline, job_committed, job, err, sizeof(err));
	if (job->ticket == NULL) {
		flow_log(job, LOG_LEVEL_ERROR, "%s: change refused: %s",
		    job->tag, err);
		flow_fail(job, OCC_ERR_INTERNAL, "No se pudo preparar el "
		    "cambio.");
		flow_undo(job);
		return;
	}
	if (job->out.lock_effect == OCC_LOCK_RELEASE &&
	    (late = calloc(1, sizeof(*late))) != NULL) {
		late->flow = job->flow;
		memcpy(late->tag, job->tag, sizeof(late->tag));
		memcpy(late->lock_value, job->lock_value,
		    sizeof(late->lock_value));
		commit_relay_on_late(job->ticket, job_late, late);
	}
}

/*
 * A change that gives the spool back was answered 503 "it may have
 * landed", its lock kept, and the committer wrote it after all: the lock
 * goes back now, owner-checked, not after RECONCILE_GRACE_SECONDS, so the
 * spool is free for the next worker as soon as Sheets says so.
 */
static void
job_late(void *arg, const struct gc_outcome *o)
{
	struct occ_late	*late = arg;

	if (o != NULL && o->status == GC_APPLIED) {
		log_sink_printf(&late->flow->deps.log, LOG_LEVEL_INFO,
		    "%s: a change answered 503 landed after all; its lock is "
		    "given back", late->tag);
		release_retry_add(late->flow->retry, late->tag,
		    late->lock_value);
	}
	free(late);
}

static void
job_committed(void *arg, const struct gc_outcome *o)
{
	struct occ_job	*job = arg;

	job->ticket = NULL;
	switch (o->status) {
	case GC_APPLIED:
		if (job->out.lock_effect != OCC_LOCK_ACQUIRE)
			job_unlock(job);	/* RELEASE, BRIEF */
		else
			job_publish(job);
		return;
	case GC_CONFLICT:
		sheets_cache_invalidate(job->flow->deps.cache);
		/*
		 * Usually another worker's write this worker's cache had not
		 * seen yet: decide once more on a fresh read.
		 */
		if (!job->retried) {
			job->retried = 1;
			flow_restart(job);
			return;
		}
		flow_log(job, LOG_LEVEL_WARNING, "%s: row changed under us "
		    "(version now '%s'); nothing written", job->tag,
		    o->found_version);
		flow_fail(job, OCC_ERR_SPOOL_OCCUPIED, "El spool cambió en la "
		    "planilla mientras se procesaba; revisa su estado y vuelve "
		    "a intentarlo.");
		flow_undo(job);
		return;
	case GC_FAILED:
	case GC_TIMEOUT:
		flow_log(job, LOG_LEVEL_WARNING, "%s: change not written: %s%s",
		    job->tag, o->error, o->maybe_applied ?
		    " (it may have landed; reconciliation will align the lock)" :
		    "");
		/* A worker told "not recorded" would do it twice. */
		flow_fail(job, OCC_ERR_SHEETS_UNAVAILABLE, o->maybe_applied ?
		    "Google Sheets no confirmó el cambio a tiempo; puede que se "
		    "haya registrado. Revisa el estado del spool antes de "
		    "repetirlo." : "Google Sheets no respondió a tiempo; el "
		    "cambio no se registró. Vuelve a intentarlo.");
		/*
		 * A write that may have landed keeps its lock for the row;
		 * a brief lock (metrología) goes back all the same.
		 */
		if (o->maybe_applied &&
		    job->out.lock_effect != OCC_LOCK_BRIEF)
			job->lock_taken = 0;
		flow_undo(job);
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
		release_retry_add(job->flow->retry, job->tag, job->lock_value);
	else if (r->result != LOCK_OK)
		flow_log(job, LOG_LEVEL_WARNING, "%s: change recorded; its "
		    "lock was already gone or someone else's", job->tag);
	job_publish(job);
}

static void
job_unlock(struct occ_job *job)
{
	enum redis_pool_status	why;

	job->lock_op = lock_release(job->flow->deps.pool, job->tag,
	    job->lock_value, flow_deadline(job->flow), job_unlocked, job,
	    &why);
	if (job->lock_op == NULL) {
		release_retry_add(job->flow->retry, job->tag, job->lock_value);
		job_publish(job);
	}
}

static void	job_publish_event(struct occ_job *, const struct occ_event *);

/* The job's next event (a FINALIZAR may have a second), or finish. */
static void
job_publish_next(struct occ_job *job)
{
	const struct occ_event	*ev;

	if ((ev = flow_v4_next_event(job)) != NULL)
		job_publish_event(job, ev);
	else
		flow_finish(job);
}

static void
job_published(void *arg, const struct event_log_reply *r)
{
	struct occ_job	*job = arg;

	job->event_op = NULL;
	if (r->result != EVENT_LOG_OK) {
		stat_add(&job->flow->deps.stats->events_failed_total, 1);
		flow_log(job, LOG_LEVEL_WARNING, "%s: change recorded but its "
		    "event was not published", job->tag);
	}
	job_publish_next(job);
}

static void
job_publish(struct occ_job *job)
{
	stat_add(&job->flow->deps.stats->changes_total[job->out.action], 1);
	job_publish_event(job, &job->out.event);
}

static void
job_publish_event(struct occ_job *job, const struct occ_event *ev)
{
	enum redis_pool_status	 why;
	const char		*body;
	size_t			 len;
	yajl_gen		 g;

	if ((g = json_out_new()) == NULL) {
		flow_finish(job);
		return;
	}
	occ_event_write(g, ev);
	body = json_out_text(g, &len);
	job->event_op = event_log_publish(job->flow->deps.pool,
	    &job->flow->deps.events, body, len, flow_deadline(job->flow),
	    job_published, job, &why);
	yajl_gen_free(g);
	if (job->event_op == NULL) {
		stat_add(&job->flow->deps.stats->events_failed_total, 1);
		flow_log(job, LOG_LEVEL_WARNING, "%s: change recorded but its "
		    "event was not published (%s)", job->tag,
		    redis_pool_status_name(why));
		job_publish_next(job);
	}
}

