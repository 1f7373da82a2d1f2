/*
 * Fault injection.
 */
#include <stdio.h>
#include <string.h>

#include "faults.h"

/* splitmix64: small, seedable, good enough for coin flips. */
static uint64_t
rng_next(uint64_t *s)
{
	uint64_t	z;

	z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return (z ^ (z >> 31));
}

/* Uniform in [0, 1). */
static double
rng_unit(uint64_t *s)
{
	return ((double)(rng_next(s) >> 11) / 9007199254740992.0);
}

void
faults_init(struct faults *f, uint64_t seed)
{
	memset(f, 0, sizeof(*f));
	f->cfg.error_status = FAULT_DEFAULT_STATUS;
	f->rng = seed;
}

void
faults_apply(struct faults *f, const struct fault_config *cfg, uint64_t now)
{
	f->cfg = *cfg;
	if (cfg->has_seed)
		f->rng = cfg->seed;
	f->storm_until_ms = cfg->storm_429_seconds ?
	    now + (uint64_t)cfg->storm_429_seconds * 1000 : 0;
	f->fail_all_until_ms = cfg->fail_all_seconds ?
	    now + (uint64_t)cfg->fail_all_seconds * 1000 : 0;
}

static int
get_number(yajl_val obj, const char *key, double lo, double hi, double *out,
    char *err, size_t errlen)
{
	const char	*path[2] = { key, NULL };
	yajl_val	 v;

	if ((v = yajl_tree_get(obj, path, yajl_t_any)) == NULL)
		return (0);
	if (!YAJL_IS_NUMBER(v) || YAJL_GET_DOUBLE(v) < lo ||
	    YAJL_GET_DOUBLE(v) > hi) {
		(void)snprintf(err, errlen, "%s must be a number in [%g, %g]",
		    key, lo, hi);
		return (-1);
	}
	*out = YAJL_GET_DOUBLE(v);
	return (0);
}

int
faults_from_json(struct fault_config *cfg, yajl_val obj, char *err,
    size_t errlen)
{
	static const char *const	known[] = { "latency_ms",
	    "latency_jitter_ms", "error_rate", "error_status", "hang_rate",
	    "storm_429_seconds", "fail_all_seconds", "seed", NULL };
	const char			*seed_path[2] = { "seed", NULL };
	double				lat = 0, jit = 0, storm = 0;
	double				fail = 0, st = FAULT_DEFAULT_STATUS;
	yajl_val			 seed;
	size_t				i, k;

	memset(cfg, 0, sizeof(*cfg));
	if (!YAJL_IS_OBJECT(obj)) {
		(void)snprintf(err, errlen, "expected a JSON object");
		return (-1);
	}
	for (i = 0; i < obj->u.object.len; i++) {
		for (k = 0; known[k] != NULL; k++) {
			if (strcmp(obj->u.object.keys[i], known[k]) == 0)
				break;
		}
		if (known[k] == NULL) {
			(void)snprintf(err, errlen, "unknown member \"%s\"",
			    obj->u.object.keys[i]);
			return (-1);
		}
	}
	if (get_number(obj, "latency_ms", 0, FAULT_LATENCY_MAX_MS, &lat, err,
	    errlen) == -1 ||
	    get_number(obj, "latency_jitter_ms", 0, FAULT_LATENCY_MAX_MS, &jit,
	    err, errlen) == -1 ||
	    get_number(obj, "error_rate", 0, 1, &cfg->error_rate, err,
	    errlen) == -1 ||
	    get_number(obj, "error_status", 400, 599, &st, err, errlen) == -1 ||
	    get_number(obj, "hang_rate", 0, 1, &cfg->hang_rate, err,
	    errlen) == -1 ||
	    get_number(obj, "storm_429_seconds", 0, FAULT_SECONDS_MAX, &storm,
	    err, errlen) == -1 ||
	    get_number(obj, "fail_all_seconds", 0, FAULT_SECONDS_MAX, &fail,
	    err, errlen) == -1)
		return (-1);
	/* An integer as JSON writes it, so every seed is exact. */
	if ((seed = yajl_tree_get(obj, seed_path, yajl_t_any)) != NULL) {
		if (!YAJL_IS_INTEGER(seed) || YAJL_GET_INTEGER(seed) < 0) {
			(void)snprintf(err, errlen, "seed must be an integer "
			    ">= 0");
			return (-1);
		}
		cfg->has_seed = 1;
		cfg->seed = (uint64_t)YAJL_GET_INTEGER(seed);
	}
	cfg->latency_ms = (uint32_t)lat;
	cfg->latency_jitter_ms = (uint32_t)jit;
	cfg->error_status = (int)st;
	cfg->storm_429_seconds = (uint32_t)storm;
	cfg->fail_all_seconds = (uint32_t)fail;
	return (0);
}

static double
seconds_left(uint64_t until, uint64_t now)
{
	return (until > now ? (double)(until - now) / 1000.0 : 0.0);
}

void
faults_write_json(struct jw *w, const struct faults *f, uint64_t now)
{
	jw_obj_open(w);
	jw_kint(w, "latency_ms", f->cfg.latency_ms);
	jw_kint(w, "latency_jitter_ms", f->cfg.latency_jitter_ms);
	jw_key(w, "error_rate");
	jw_double(w, f->cfg.error_rate);
	jw_kint(w, "error_status", f->cfg.error_status);
	jw_key(w, "hang_rate");
	jw_double(w, f->cfg.hang_rate);
	jw_key(w, "storm_429_seconds_left");
	jw_double(w, seconds_left(f->storm_until_ms, now));
	jw_key(w, "fail_all_seconds_left");
	jw_double(w, seconds_left(f->fail_all_until_ms, now));
	jw_obj_close(w);
}

void
faults_decide(struct faults *f, uint64_t now, int quota_applies,
    struct fault_decision *d)
{
	memset(d, 0, sizeof(*d));
	d->delay_ms = f->cfg.latency_ms;
	if (f->cfg.latency_jitter_ms > 0)
		d->delay_ms += (uint32_t)(rng_next(&f->rng) %
		    ((uint64_t)f->cfg.latency_jitter_ms + 1));

	if (now < f->fail_all_until_ms) {
		d->action = FAULT_ERROR;
		d->status = f->cfg.error_status;
	} else if (quota_applies && now < f->storm_until_ms) {
		d->action = FAULT_QUOTA;
		d->status = 429;
	} else if (f->cfg.hang_rate > 0 && rng_unit(&f->rng) <
	    f->cfg.hang_rate) {
		d->action = FAULT_HANG;
	} else if (f->cfg.error_rate > 0 && rng_unit(&f->rng) <
	    f->cfg.error_rate) {
		d->action = FAULT_ERROR;
		d->status = f->cfg.error_status;
	}
}
