/*
 * What the steps of an occupation job share across occupation_flow.c and
 * occupation_commit.c; not for other callers (use occupation_flow.h).
 */
#ifndef ZEUES_OCCUPATION_STEPS_H
#define ZEUES_OCCUPATION_STEPS_H

#include "occupation_flow.h"

struct release_retry;

struct occ_flow {
	struct occ_flow_deps	 deps;
	struct release_retry	*retry;	/* locks an outage kept from us */
};

/* A Redis call's deadline from now (REDIS_SOCKET_TIMEOUT). */
uint64_t	flow_deadline(const struct occ_flow *);
void		flow_log(const struct occ_job *, enum log_level, const char *,
		    ...) __attribute__((format(printf, 3, 4)));
/* Sets the job's answer to the error e with detail. */
void		flow_fail(struct occ_job *, enum occ_error, const char *detail);
/* The job is over: tell whoever waits, or free it if nobody does. */
void		flow_finish(struct occ_job *);
/* Gives back a lock this job took, then finishes with the error set. */
void		flow_undo(struct occ_job *);
/* Gives back a lock this job took, then runs the job again. */
void		flow_restart(struct occ_job *);
/* The decided change to the group commit; then unlock and event. */
void		flow_commit(struct occ_job *);

#endif
