/*
 * POST /api/metrologia/completar as an occupation job: the same chain of
 * steps (occupation_flow.c) with metro_decide() for the decision and a
 * lock held only while the change is written (OCC_LOCK_BRIEF), so a
 * verdict never interleaves with a TOMAR of the same spool.
 */
#ifndef ZEUES_METROLOGIA_FLOW_H
#define ZEUES_METROLOGIA_FLOW_H

#include "metrologia_request.h"
#include "occupation_flow.h"

/* NULL when out of memory; set done_cb, then occ_job_start(). */
struct occ_job	*metro_job_new(struct occ_flow *, const struct metro_request *,
		    uint64_t deadline);
/* The job's answer: the 200 body of metro_response_write() or the error. */
void		 metro_job_response_write(yajl_gen, const struct occ_job *);

#endif
