/*
 * Fault injection: latency, random errors, hangs, 429 storms and total
 * outages, decided per call before the call is served.
 */
#ifndef EMU_FAULTS_H
#define EMU_FAULTS_H

#include <stddef.h>
#include <stdint.h>

#include <yajl/yajl_tree.h>

#include "jsonw.h"

#define FAULT_LATENCY_MAX_MS	600000u
#define FAULT_SECONDS_MAX	86400u
#define FAULT_DEFAULT_STATUS	503

struct fault_config {
	uint32_t	latency_ms;
	uint32_t	latency_jitter_ms;	/* uniform extra 0..jitter */
	double		error_rate;		/* 0..1 */
	int		error_status;		/* 400..599 */
	double		hang_rate;		/* 0..1 */
	uint32_t	storm_429_seconds;	/* from the time it is set */
	uint32_t	fail_all_seconds;
	int		has_seed;		/* restart the coin flips */
	uint64_t	seed;
};

struct faults {
	struct fault_config	cfg;
	uint64_t		storm_until_ms;
	uint64_t		fail_all_until_ms;
	uint64_t		rng;
};

enum fault_action {
	FAULT_NONE,
	FAULT_ERROR,	/* answer cfg.error_status */
	FAULT_QUOTA,	/* answer 429 RESOURCE_EXHAUSTED */
	FAULT_HANG,	/* never answer (until the hang cap) */
};

struct fault_decision {
	enum fault_action	action;
	int			status;
	uint32_t		delay_ms;
};

void	faults_init(struct faults *, uint64_t seed);
/*
 * Installs cfg; the storm and outage windows start at now.  With a seed,
 * the coin flips start again from it: the same calls meet the same faults.
 */
void	faults_apply(struct faults *, const struct fault_config *,
	    uint64_t now_ms);
/*
 * Reads {"latency_ms":..,"error_rate":..,...}; members left out are off.
 * 0, or -1 with err set.
 */
int	faults_from_json(struct fault_config *, yajl_val, char *err,
	    size_t errlen);
void	faults_write_json(struct jw *, const struct faults *, uint64_t now_ms);
/* quota_applies: a Sheets call (the token endpoint has no quota). */
void	faults_decide(struct faults *, uint64_t now_ms, int quota_applies,
	    struct fault_decision *);

#endif
