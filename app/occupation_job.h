/* One occupation action on one spool; see occupation_job.c. */
#ifndef ZEUES_OCCUPATION_JOB_H
#define ZEUES_OCCUPATION_JOB_H

#include <stdint.h>

#include "occupation_request.h"
#include "occupation_rules.h"
#include "redis_lock.h"

struct occ_job;
struct sheets_cache_wait;
struct lock_op;
struct gc_ticket;
struct event_log_op;

typedef void	occ_job_done_fn(void *arg, struct occ_job *);

struct occ_job {
	enum occ_action		 action;
	enum operacion		 op;
	char			 tag[SPOOL_TAG_MAX + 1];
	long long		 worker_id;
	int			 has_nombre;	/* the client's, for the log */
	char			 nombre[OCC_REQ_NOMBRE_MAX + 1];
	int			 has_fecha;
	struct civil_time	 fecha;
	/* X-Lock-Token or lock_token, "" when neither; never logged. */
	char			 presented_token[OCC_REQ_TOKEN_MAX + 1];
	uint64_t		 deadline;

	/* Where the chain is: at most one of these is set at a time. */
	struct sheets_cache_wait *cache_wait;
	struct lock_op		*lock_op;
	struct gc_ticket	*ticket;
	struct event_log_op	*event_op;

	unsigned int		 rownum;
	char			 token[UUID4_STRLEN];	/* TOMAR: the session */
	char			 secret[LOCK_TOKEN_STRLEN]; /* TOMAR: lock_token */
	char			 lock_value[LOCK_VALUE_MAX];	/* ours */
	char			 holder_value[LOCK_VALUE_MAX];	/* as read */
	int			 lock_taken;
	int			 lost_race;
	int			 retried;	/* after a conflict, once */

	int			 done;
	struct occ_outcome	 out;		/* the answer, once done */
	occ_job_done_fn		*done_cb;
	void			*done_arg;
};

/* NULL when out of memory; set done_cb, then start. */
struct occ_job	*occ_job_new(enum occ_action, enum operacion,
		    const char *tag, long long worker_id, uint64_t deadline);
void		 occ_job_start(struct occ_job *);
/*
 * Whoever waited is gone.  A job that has not reached Redis yet stops; a
 * later one runs to its end (so no lock is left behind) and frees itself.
 */
void		 occ_job_detach(struct occ_job *);

/* Retries the lock releases an outage held up; call from the tick. */
void		 occ_job_tick(uint64_t now_ms);
void		 occ_job_stop(void);

#endif
