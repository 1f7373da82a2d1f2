/*
 * The metrología job; see metrologia_flow.h.
 */
#include "metrologia_flow.h"

/* The verdicts, where a job can point for as long as it lives. */
static const enum metro_resultado verdicts[] = {
	[METRO_APROBADO] = METRO_APROBADO,
	[METRO_RECHAZADO] = METRO_RECHAZADO,
};

static void
decide(const void *arg, const struct occ_input *in, struct occ_outcome *out)
{
	metro_decide(in, *(const enum metro_resultado *)arg, out);
}

struct occ_job *
metro_job_new(struct occ_flow *flow, const struct metro_request *r,
    uint64_t deadline)
{
	struct occ_job	*job;

	/* COMPLETAR METROLOGIA: the action and operation it is counted as. */
	job = occ_job_new(flow, OCC_COMPLETAR, OPERACION_METROLOGIA,
	    r->tag_spool, r->worker_id, deadline);
	if (job == NULL)
		return (NULL);
	job->decide = decide;
	job->decide_arg = &verdicts[r->resultado == METRO_RECHAZADO ?
	    METRO_RECHAZADO : METRO_APROBADO];
	return (job);
}

void
metro_job_response_write(yajl_gen g, const struct occ_job *job)
{
	metro_response_write(g, &job->out,
	    *(const enum metro_resultado *)job->decide_arg);
}
