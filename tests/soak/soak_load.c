/*
 * The tablets and the operators (main thread).
 *
 * A tablet is one worker at one tablet: it browses the list of spools it
 * may start (GET /api/spools/iniciar, refreshed while the worker thinks),
 * takes one (TOMAR), works on it, opens its list of held spools (GET
 * /api/spools/completar) and pauses or completes it, then thinks again.
 * Picks are mostly distinct spools; a share (--contention) go to a spool
 * another tablet just tried, which gives the 1-of-N races of the floor.
 * An operator polls /api/health and /api/redis-connection-stats.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "soak.h"

enum tstate {
	T_THINK,
	T_LIST_WAIT,
	T_TOMAR_WAIT,
	T_WORK,
	T_MINE_WAIT,
	T_END_WAIT,
	T_ADOPT_WAIT,
	T_DONE,
};

struct tablet {
	int		 idx;
	struct worker	*w;
	struct rng	 r;
	enum tstate	 state;
	double		 next;		/* think or work ends */
	double		 next_list;	/* next list refresh while thinking */
	struct xfer	*x;
	int		 op;
	int		 spool;		/* held, -1 */
	int		 target;	/* TOMAR in flight, -1 */
	int		 end_kind;
	int		 retries;
	int		 mut;
	int		 amb_spool;	/* an ambiguous TOMAR not adopted */
	int		 amb_op;
};

struct operator {
	struct rng	 r;
	double		 next;
	int		 which;
	struct xfer	*x;
};

static struct tablet	*tablets;
static int		 ntablets;
static struct operator	*operators;
static int		 noperators;
static int		 draining;
static int		 lists_missing, mine_missing;

static void	tablet_think(struct tablet *, double lo, double hi);

static void
st_add(struct soak *sk, uint64_t *field, uint64_t n)
{
	struct soak_stats	*st = &sk->st;

	pthread_mutex_lock(&st->lock);
	*field += n;
	pthread_mutex_unlock(&st->lock);
}

int
load_init(struct soak *sk)
{
	struct soak_opts	*opt = &sk->opt;
	struct floor_model	*fl = &sk->fl;
	int			 i, j;

	if (opt->read_only || fl->nworkers == 0 || fl->nspools == 0)
		ntablets = 0;
	else
		ntablets = opt->tablets;
	if (ntablets > 0 && (tablets = calloc((size_t)ntablets,
	    sizeof(*tablets))) == NULL)
		return (-1);
	for (i = 0; i < ntablets; i++) {
		struct tablet	*t = &tablets[i];

		t->idx = i;
		/* More tablets than workers: identities are shared. */
		t->w = &fl->workers[(size_t)i % fl->nworkers];
		rng_seed(&t->r, opt->seed * 1000003u + (uint64_t)i + 1);
		t->spool = t->target = t->amb_spool = -1;
		t->mut = -1;
		t->state = T_THINK;
		/* Stagger the start over the first think period. */
		t->next = soak_now() + rng_range(&t->r, 0, opt->think_max);
		t->next_list = soak_now() + rng_range(&t->r, 0,
		    opt->list_refresh);
	}
	noperators = opt->operators;
	if (noperators > 0 && (operators = calloc((size_t)noperators,
	    sizeof(*operators))) == NULL)
		return (-1);
	for (j = 0; j < noperators; j++) {
		rng_seed(&operators[j].r, opt->seed * 7919u + (uint64_t)j + 17);
		operators[j].next = soak_now() + rng_range(&operators[j].r, 0,
		    opt->operator_interval);
	}
	return (sse_init(sk));
}

void
load_fini(struct soak *sk)
{
	int	i;

	for (i = 0; i < ntablets; i++) {
		if (tablets[i].x != NULL)
			engine_cancel(sk, tablets[i].x);
	}
	for (i = 0; i < noperators; i++) {
		if (operators[i].x != NULL)
			engine_cancel(sk, operators[i].x);
	}
	sse_fini(sk);
	free(tablets);
	free(operators);
	tablets = NULL;
	operators = NULL;
}

/* ------------------------------------------------------------------ */

static int
pick_op(struct tablet *t)
{
	int	can_arm = t->w->can[OP_ARM], can_sold = t->w->can[OP_SOLD];

	if (can_arm && can_sold)
		return (rng_unit(&t->r) < 0.5 ? OP_ARM : OP_SOLD);
	return (can_sold ? OP_SOLD : OP_ARM);
}

static int
spool_free_for(struct soak *sk, int k, int op)
{
	struct floor_model	*fl = &sk->fl;
	struct spool		*s = &fl->spools[k];

	return (s->eligible[op] && s->held_by == -1 && s->pending == 0);
}

static int
pick_spool(struct soak *sk, struct tablet *t, int op)
{
	struct soak_opts	*opt = &sk->opt;
	struct floor_model	*fl = &sk->fl;
	uint32_t		 n = (uint32_t)fl->nspools, start, i;
	int			 k, tries;

	if (n == 0)
		return (-1);
	/* Contention: a spool another tablet has just tried. */
	if (fl->nrecent > 0 && rng_unit(&t->r) < opt->contention) {
		unsigned	m = fl->nrecent < 16 ? fl->nrecent : 16;

		k = fl->recent[rng_below(&t->r, m)];
		if (k >= 0 && fl->spools[k].held_by != t->idx &&
		    fl->spools[k].eligible[op])
			return (k);
	}
	for (tries = 0; tries < 64; tries++) {
		k = (int)rng_below(&t->r, n);
		if (spool_free_for(sk, k, op))
			return (k);
	}
	start = rng_below(&t->r, n);
	for (i = 0; i < n; i++) {
		k = (int)((start + i) % n);
		if (spool_free_for(sk, k, op))
			return (k);
	}
	return (-1);
}

static void
mutation_body(struct soak *sk, char *buf, size_t size, struct tablet *t,
    int spool, int op, int kind)
{
	struct floor_model	*fl = &sk->fl;

	if (kind == MUT_COMPLETAR)
		snprintf(buf, size, "{\"tag_spool\":\"%s\",\"worker_id\":%d,"
		    "\"worker_nombre\":\"%s\",\"operacion\":\"%s\","
		    "\"fecha_operacion\":null}", fl->spools[spool].tag,
		    t->w->id, t->w->nombre, op_name(op));
	else
		snprintf(buf, size, "{\"tag_spool\":\"%s\",\"worker_id\":%d,"
		    "\"worker_nombre\":\"%s\",\"operacion\":\"%s\"}",
		    fl->spools[spool].tag, t->w->id, t->w->nombre, op_name(op));
}

static const char *
mutation_path(int kind)
{
	switch (kind) {
	case MUT_TOMAR:
		return ("/api/occupation/tomar");
	case MUT_PAUSAR:
		return ("/api/occupation/pausar");
	default:
		return ("/api/occupation/completar");
	}
}

static int
mutation_route(int kind)
{
	return (kind == MUT_TOMAR ? RT_TOMAR : kind == MUT_PAUSAR ?
	    RT_PAUSAR : RT_COMPLETAR);
}

static void	tomar_done(struct xfer *, void *);
static void	end_done(struct xfer *, void *);
static void	list_done(struct xfer *, void *);
static void	mine_done(struct xfer *, void *);
static void	adopt_done(struct xfer *, void *);

static void
send_mutation(struct soak *sk, struct tablet *t, int kind, int spool, int op)
{
	struct soak_opts	*opt = &sk->opt;
	struct soak_stats	*st = &sk->st;
	struct floor_model	*fl = &sk->fl;
	char			 body[512];

	mutation_body(sk, body, sizeof(body), t, spool, op, kind);
	t->mut = floor_mut_new(sk, kind, op, spool, t->w->id, t->idx);
	st_add(sk, &st->mut_sent[kind], 1);
	fl->spools[spool].pending++;
	fl->spools[spool].touched = 1;
	t->x = engine_start(sk, mutation_route(kind), "POST",
	    mutation_path(kind),
	    body, NULL, kind == MUT_TOMAR ? tomar_done : end_done, t, 0, NULL);
	if (t->x == NULL) {
		fl->spools[spool].pending--;
		tablet_think(t, opt->think_min, opt->think_max);
	}
}

static void
tablet_think(struct tablet *t, double lo, double hi)
{
	t->x = NULL;
	if (draining && t->spool == -1 && t->amb_spool == -1) {
		t->state = T_DONE;
		return;
	}
	t->state = T_THINK;
	t->next = soak_now() + rng_range(&t->r, lo, hi);
}

static void
tablet_start_tomar(struct soak *sk, struct tablet *t)
{
	struct soak_opts	*opt = &sk->opt;
	struct soak_stats	*st = &sk->st;
	struct floor_model	*fl = &sk->fl;
	int			 k;

	t->op = pick_op(t);
	if ((k = pick_spool(sk, t, t->op)) == -1) {
		st_add(sk, &st->no_candidate, 1);
		tablet_think(t, opt->think_min, opt->think_max);
		return;
	}
	fl->recent[fl->nrecent++ % 16] = k;
	t->target = k;
	t->retries = 0;
	t->state = T_TOMAR_WAIT;
	send_mutation(sk, t, MUT_TOMAR, k, t->op);
}

static void
tablet_end(struct soak *sk, struct tablet *t, int kind)
{
	t->end_kind = kind;
	t->state = T_END_WAIT;
	send_mutation(sk, t, kind, t->spool, t->op);
}

static void
mutation_result(struct soak *sk, struct tablet *t, struct xfer *x, int spool)
{
	struct soak_stats	*st = &sk->st;
	struct floor_model	*fl = &sk->fl;
	struct mutation		*m;
	struct spool		*s = &fl->spools[spool];

	s->pending--;
	if (t->mut < 0)
		return;
	m = &fl->muts[t->mut];
	m->status = (int16_t)x->status;
	m->t_ack = soak_now();
	if (x->status == 200) {
		s->last_ok_mut = t->mut;
		s->ambiguous_after = 0;
		st_add(sk, &st->mut_ok[m->kind], 1);
		sse_note_ack(sk, t->mut);
	} else if (x->status == 0 || x->status >= 500) {
		m->ambiguous = 1;
		s->ambiguous_after = 1;
		st_add(sk, &st->mut_ambiguous, 1);
	}
}

static int
is_code(struct xfer *x, const char *code)
{
	char	buf[SOAK_CODE_MAX];

	soak_error_code(x->body, x->len, buf, sizeof(buf));
	return (strcmp(buf, code) == 0);
}

static void
tomar_done(struct xfer *x, void *arg)
{
	struct soak		*sk = x->sk;
	struct soak_opts	*opt = &sk->opt;
	struct soak_stats	*st = &sk->st;
	struct floor_model	*fl = &sk->fl;
	struct tablet		*t = arg;
	int			 k = t->target;
	struct spool		*s = &fl->spools[k];

	t->x = NULL;
	t->target = -1;
	mutation_result(sk, t, x, k);
	if (x->status == 200) {
		if (s->held_by != -1 && s->held_by != t->idx) {
			struct tablet	*o = &tablets[s->held_by];

			/* Not a double grant if the holder's release is in
			 * flight: its answer is just late. */
			if (!(o->state == T_END_WAIT && o->spool == k)) {
				st_add(sk, &st->double_grants, 1);
				soak_incident(sk, "double grant: %s taken by "
				    "worker %d while tablet %d (worker %d) "
				    "holds it", s->tag, t->w->id, o->idx,
				    o->w->id);
			}
		}
		s->held_by = t->idx;
		t->spool = k;
		if (draining) {
			tablet_end(sk, t, MUT_PAUSAR);
			return;
		}
		t->state = T_WORK;
		t->next = soak_now() + rng_range(&t->r, opt->work_min,
		    opt->work_max);
		return;
	}
	switch (x->status) {
	case 409:
		st_add(sk, &st->mut_conflict, 1);
		tablet_think(t, opt->think_min, opt->think_min +
		    (opt->think_max - opt->think_min) / 4);
		return;
	case 404:
		if (is_code(x, "SPOOL_NO_ENCONTRADO"))
			s->eligible[OP_ARM] = s->eligible[OP_SOLD] = 0;
		if (!is_code(x, "NOT_FOUND"))
			st_add(sk, &st->mut_rejected, 1);
		break;
	case 400:
		s->eligible[t->op] = 0;
		st_add(sk, &st->mut_rejected, 1);
		break;
	case 403:
		if (is_code(x, "ROL_NO_AUTORIZADO"))
			t->w->can[t->op] = 0;
		if (!t->w->can[OP_ARM] && !t->w->can[OP_SOLD])
			t->w->can[t->op] = 1;	/* keep the tablet busy */
		st_add(sk, &st->mut_rejected, 1);
		break;
	default:
		if (x->status == 0 || x->status >= 500) {
			/* Maybe applied: look for it in the held list. */
			t->amb_spool = k;
			t->amb_op = t->op;
			if (!mine_missing && !draining) {
				char	path[128];

				snprintf(path, sizeof(path),
				    "/api/spools/completar?operacion=%s&"
				    "worker_id=%d", op_name(t->op), t->w->id);
				t->state = T_ADOPT_WAIT;
				t->x = engine_start(sk, RT_MIS_SPOOLS, "GET",
				    path, NULL, NULL, adopt_done, t, 0, NULL);
				if (t->x != NULL)
					return;
			}
		} else
			st_add(sk, &st->mut_rejected, 1);
	}
	tablet_think(t, opt->think_min, opt->think_max);
}

static int
body_has_tag(struct xfer *x, const char *tag)
{
	char	needle[SOAK_TAG_MAX + 4];

	snprintf(needle, sizeof(needle), "\"%s\"", tag);
	return (x->body != NULL && strstr(x->body, needle) != NULL);
}

static void
adopt_done(struct xfer *x, void *arg)
{
	struct soak		*sk = x->sk;
	struct soak_opts	*opt = &sk->opt;
	struct floor_model	*fl = &sk->fl;
	struct tablet		*t = arg;
	int			 k = t->amb_spool;

	t->x = NULL;
	if (x->status == 404 && is_code(x, "NOT_FOUND"))
		mine_missing = 1;
	if (x->status == 200 && k >= 0 && body_has_tag(x, fl->spools[k].tag)) {
		/* The ambiguous TOMAR landed: we hold it. */
		fl->spools[k].held_by = t->idx;
		t->spool = k;
		t->op = t->amb_op;
		t->amb_spool = -1;
		t->state = T_WORK;
		t->next = soak_now() + rng_range(&t->r, opt->work_min,
		    opt->work_max);
		return;
	}
	if (x->status == 200)
		t->amb_spool = -1;	/* it did not land */
	tablet_think(t, opt->think_min, opt->think_max);
}

static void
end_done(struct xfer *x, void *arg)
{
	struct soak		*sk = x->sk;
	struct soak_opts	*opt = &sk->opt;
	struct soak_stats	*st = &sk->st;
	struct floor_model	*fl = &sk->fl;
	struct tablet		*t = arg;
	int			 k = t->spool;
	struct spool		*s = &fl->spools[k];
	double			 backoff;

	t->x = NULL;
	mutation_result(sk, t, x, k);
	if (x->status == 0 || x->status >= 500) {
		/* The frontend retries; so does the tablet, with backoff. */
		if (t->retries < 8) {
			backoff = 1 << (t->retries < 5 ? t->retries : 5);
			t->retries++;
			t->state = T_WORK;
			t->next = soak_now() + (backoff > 30 ? 30 : backoff);
			return;
		}
		soak_incident(sk,
		    "gave up %s of %s after %d attempts (last %ld)",
		    mut_name(t->end_kind), s->tag, t->retries + 1, x->status);
	} else if (x->status == 200) {
		if (t->end_kind == MUT_COMPLETAR) {
			s->eligible[t->op] = 0;
			if (t->op == OP_ARM)
				s->eligible[OP_SOLD] = 1;
		}
	} else if (x->status == 410)
		st_add(sk, &st->mut_lock_expired, 1);
	else if (!(x->status == 404 && is_code(x, "NOT_FOUND")))
		st_add(sk, &st->mut_rejected, 1);
	if (s->held_by == t->idx)
		s->held_by = -1;
	t->spool = -1;
	t->retries = 0;
	tablet_think(t, opt->think_min, opt->think_max);
}

static void
list_done(struct xfer *x, void *arg)
{
	struct soak	*sk = x->sk;
	struct tablet	*t = arg;

	t->x = NULL;
	if (x->status == 200)
		floor_merge_list(sk, t->op, x->body, x->len);
	else if (x->status == 404 && is_code(x, "NOT_FOUND"))
		lists_missing = 1;
	t->state = T_THINK;
}

static void
mine_done(struct xfer *x, void *arg)
{
	struct soak		*sk = x->sk;
	struct soak_opts	*opt = &sk->opt;
	struct tablet		*t = arg;
	int			 kind;

	t->x = NULL;
	if (x->status == 404 && is_code(x, "NOT_FOUND"))
		mine_missing = 1;
	kind = (!draining && rng_unit(&t->r) < opt->complete_ratio) ?
	    MUT_COMPLETAR : MUT_PAUSAR;
	tablet_end(sk, t, kind);
}

static void
tablet_tick(struct soak *sk, struct tablet *t, double now)
{
	struct soak_opts	*opt = &sk->opt;
	char			 path[128];

	if (t->x != NULL || t->state == T_DONE)
		return;
	switch (t->state) {
	case T_THINK:
		if (draining) {
			if (t->spool != -1)
				tablet_end(sk, t, MUT_PAUSAR);
			else if (t->amb_spool != -1) {
				/* Release what an ambiguous TOMAR may hold. */
				t->spool = t->amb_spool;
				t->op = t->amb_op;
				t->amb_spool = -1;
				tablet_end(sk, t, MUT_PAUSAR);
			} else
				t->state = T_DONE;
			return;
		}
		if (now >= t->next) {
			tablet_start_tomar(sk, t);
			return;
		}
		if (now >= t->next_list && !lists_missing) {
			t->next_list = now + opt->list_refresh;
			t->op = pick_op(t);
			snprintf(path, sizeof(path),
			    "/api/spools/iniciar?operacion=%s",
			    op_name(t->op));
			t->state = T_LIST_WAIT;
			t->x = engine_start(sk, RT_INICIAR, "GET", path, NULL,
			    NULL, list_done, t, 0, NULL);
			if (t->x == NULL)
				t->state = T_THINK;
		}
		return;
	case T_WORK:
		if (now < t->next && (!draining || t->retries > 0))
			return;
		if (t->retries > 0 || draining || mine_missing) {
			tablet_end(sk, t, t->retries > 0 ? t->end_kind :
			    MUT_PAUSAR);
			return;
		}
		snprintf(path, sizeof(path),
		    "/api/spools/completar?operacion=%s&worker_id=%d",
		    op_name(t->op), t->w->id);
		t->state = T_MINE_WAIT;
		t->x = engine_start(sk, RT_MIS_SPOOLS, "GET", path, NULL, NULL,
		    mine_done, t, 0, NULL);
		if (t->x == NULL)
			tablet_end(sk, t, MUT_PAUSAR);
		return;
	default:
		return;
	}
}

/* ------------------------------------------------------------------ */

static void
operator_done(struct xfer *x, void *arg)
{
	struct soak		*sk = x->sk;
	struct soak_stats	*st = &sk->st;
	struct operator		*o = arg;

	o->x = NULL;
	if (x->status == 200 && soak_scan_tmc(sk, soak_route_label[x->route],
	    x->body, x->len))
		st_add(sk, &st->tmc_health, 1);
}

static void
operator_tick(struct soak *sk, struct operator *o, double now)
{
	struct soak_opts	*opt = &sk->opt;

	if (o->x != NULL || now < o->next)
		return;
	o->next = now + opt->operator_interval;
	o->which = !o->which;
	o->x = engine_start(sk, o->which ? RT_HEALTH : RT_STATS, "GET",
	    o->which ? "/api/health" : "/api/redis-connection-stats", NULL,
	    NULL, operator_done, o, 0, NULL);
}

void
load_run(struct soak *sk, double until)
{
	double	now;
	int	i;
	long	loops = 0;

	while (!soak_interrupted && (now = soak_now()) < until &&
	    loops++ < 100000000L) {
		for (i = 0; i < ntablets; i++)
			tablet_tick(sk, &tablets[i], now);
		for (i = 0; i < noperators; i++)
			operator_tick(sk, &operators[i], now);
		sse_tick(sk, now);
		engine_step(sk, 50);
	}
}

void
load_drain(struct soak *sk, double timeout)
{
	double	end = soak_now() + timeout, now;
	int	i, busy = 1;
	long	loops = 0;

	draining = 1;
	sse_stop_all(sk);
	for (i = 0; i < noperators; i++) {
		if (operators[i].x != NULL)
			engine_cancel(sk, operators[i].x);
		operators[i].x = NULL;
	}
	while (busy && (now = soak_now()) < end && loops++ < 10000000L) {
		busy = 0;
		for (i = 0; i < ntablets; i++) {
			tablet_tick(sk, &tablets[i], now);
			if (tablets[i].state != T_DONE)
				busy = 1;
		}
		engine_step(sk, 50);
	}
	if (busy) {
		for (i = 0; i < ntablets; i++) {
			if (tablets[i].state != T_DONE)
				soak_incident(sk,
				    "drain: tablet %d (worker %d) "
				    "still busy after %.0f s", i,
				    tablets[i].w->id, timeout);
		}
	}
	/* Whatever is still in flight is abandoned. */
	for (i = 0; i < ntablets; i++) {
		if (tablets[i].x != NULL) {
			engine_cancel(sk, tablets[i].x);
			tablets[i].x = NULL;
		}
	}
}
