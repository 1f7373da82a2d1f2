/*
 * The occupation flow: one action (TOMAR, PAUSAR, COMPLETAR) on one
 * spool, from the cached row to the published event, as a chain of
 * asynchronous steps on an event loop (see occupation_flow.c).  Its
 * dependencies come in struct occ_flow_deps, so the same flow runs in the
 * server (Kore's loop) and in tests (lib/loop/poll_loop.c).
 */
#ifndef ZEUES_OCCUPATION_FLOW_H
#define ZEUES_OCCUPATION_FLOW_H

#include <stdint.h>

#include "event_log.h"
#include "commit_relay.h"
#include "io_loop.h"
#include "log_sink.h"
#include "occupation_request.h"
#include "occupation_rules.h"
#include "redis_lock.h"
#include "redis_pool.h"
#include "sheets_cache.h"
#include "worker_stats.h"

/* Everything must outlive the flow. */
struct occ_flow_deps {
	struct io_loop		*loop;		/* its clock dates deadlines */
	struct redis_pool	*pool;
	struct sheets_cache	*cache;		/* Operaciones, Trabajadores */
	struct commit_relay	*commit;	/* to the group commit */
	struct event_log_config	 events;	/* where events are published */
	const char		*operaciones;	/* HOJA_OPERACIONES_NOMBRE */
	uint64_t		 redis_timeout_ms; /* REDIS_SOCKET_TIMEOUT */
	int			 require_lock_token;	/* REQUIRE_LOCK_TOKEN */
	struct occupation_stats	*stats;		/* this worker's counters */
	struct log_sink		 log;
	const char		*uniones;	/* NULL: "Uniones" */
};

struct occ_flow;
struct occ_job;
struct v4_job;
struct sheets_cache_wait;
struct lock_op;
struct commit_ticket;
struct event_log_op;

typedef void	occ_job_done_fn(void *arg, struct occ_job *);

struct occ_job {
	struct occ_flow		*flow;
	enum occ_action		 action;
	enum operacion		 op;
	char			 tag[SPOOL_TAG_MAX + 1];
	long long		 worker_id;
	int			 has_nombre;	/* the client's, for the log */
	char			 nombre[OCC_REQ_NOMBRE_MAX + 1];
	int			 has_fecha;
	struct civil_time	 fecha;
	/* No operacion sent: taken from the row (operacion_infer.h). */
	int			 infer_op;
	/* X-Lock-Token or lock_token, "" when neither; never logged. */
	char			 presented_token[OCC_REQ_TOKEN_MAX + 1];
	uint64_t		 deadline;
	/*
	 * Decides in place of occ_decide() (metrologia_flow.c); arg must
	 * outlive the job.  NULL: the occupation rules.
	 */
	void			(*decide)(const void *arg,
				    const struct occ_input *,
				    struct occ_outcome *);
	const void		*decide_arg;

	/* Where the chain is: at most one of these is set at a time. */
	struct sheets_cache_wait *cache_wait;
	struct lock_op		*lock_op;
	struct commit_ticket	*ticket;
	struct event_log_op	*event_op;

	unsigned int		 rownum;
	char			 token[UUID4_STRLEN];	/* TOMAR: the session */
	char			 secret[LOCK_TOKEN_STRLEN]; /* TOMAR: lock_token */
	char			 lock_value[LOCK_VALUE_MAX];	/* ours */
	char			 holder_value[LOCK_VALUE_MAX];	/* as read */
	int			 lock_taken;
	int			 lost_race;
	int			 retried;	/* after a conflict, once */
	int			 rows_stale;	/* decided on unrefreshed rows */

	/* The union routes (v4_flow.h); NULL on the v3 routes. */
	struct v4_job		*v4;
	long			 row_index;	/* the spool's, in the cache */

	int			 done;
	struct occ_outcome	 out;		/* the answer, once done */
	occ_job_done_fn		*done_cb;
	void			*done_arg;
};

/* NULL when out of memory.  deps is copied. */
struct occ_flow	*occ_flow_new(const struct occ_flow_deps *);
/*
 * Forgets the lock releases still to retry.  Jobs still running must be
 * over (or their loop gone): they are not tracked.
 */
void		 occ_flow_free(struct occ_flow *);
/* Retries the lock releases an outage held up; call from the tick. */
void		 occ_flow_tick(struct occ_flow *, uint64_t now_ms);

/* NULL when out of memory; set done_cb (and the request's extras), start. */
struct occ_job	*occ_job_new(struct occ_flow *, enum occ_action,
		    enum operacion, const char *tag, long long worker_id,
		    uint64_t deadline);
/* A job that was never started, or is done and detached. */
void		 occ_job_free(struct occ_job *);
/* done_cb runs once the job is over, possibly from inside this call. */
void		 occ_job_start(struct occ_job *);
/*
 * Whoever waited is gone.  A job that has not reached Redis yet stops; a
 * later one runs to its end (so no lock is left behind) and frees itself.
 */
void		 occ_job_detach(struct occ_job *);

#endif
