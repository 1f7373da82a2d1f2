/*
 * The batch in flight, step by step; see group_commit_batch.h.
 *
 * gc_batch_advance() looks at what is known (verified?  rows reserved?
 * grid large enough?) and starts the one call that is missing; every
 * completion comes back to it.  At most one limiter wait, Sheets call or
 * Redis command is pending per batch.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "a1.h"
#include "backoff.h"
#include "group_commit_batch.h"
#include "group_commit_write.h"
#include "redis_script.h"

static uint64_t
now_ms(const struct group_commit *gc)
{
	return (io_loop_now(gc->loop));
}

/* Batches ------------------------------------------------------------ */

size_t
gc_batch_live(const struct gc_batch *b)
{
	size_t	i, n = 0;

	for (i = 0; i < b->n; i++)
		n += b->m[i]->state != TICKET_DONE;
	return (n);
}

/* The latest deadline of a live member: the batch works until then. */
static uint64_t
batch_deadline(const struct gc_batch *b)
{
	uint64_t	d = 0;
	size_t		i;

	for (i = 0; i < b->n; i++) {
		if (b->m[i]->state != TICKET_DONE && b->m[i]->deadline_ms > d)
			d = b->m[i]->deadline_ms;
	}
	return (d);
}

/* How long a call may take: what is left, up to call_timeout_ms. */
static uint64_t
batch_call_timeout(const struct gc_batch *b)
{
	uint64_t	now = now_ms(b->gc), d = batch_deadline(b), left;

	left = d > now ? d - now : 1;
	return (left < b->gc->cfg.call_timeout_ms ? left :
	    b->gc->cfg.call_timeout_ms);
}

/* Fails every live member the same way. */
static void
batch_fail(struct gc_batch *b, enum gc_status st, uint64_t retry_after,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
batch_fail(struct gc_batch *b, enum gc_status st, uint64_t retry_after,
    const char *fmt, ...)
{
	char	msg[GC_ERROR_MAX];
	va_list	ap;
	size_t	i;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	for (i = 0; i < b->n; i++) {
		if (b->m[i]->state != TICKET_DONE)
			gc_ticket_fail(b->m[i], st, retry_after, "%s", msg);
	}
}

/* Stops whatever b is waiting for; no callback of it will come. */
static void
batch_stop(struct gc_batch *b)
{
	if (b->lop != NULL)
		sheets_limiter_cancel(b->lop);
	if (b->call_id != 0)
		(void)sheets_client_cancel(b->gc->sc, b->call_id);
	if (b->cmd != NULL)
		redis_pool_cancel(b->cmd);
	b->lop = NULL;
	b->call_id = 0;
	b->cmd = NULL;
	b->step = GC_STEP_IDLE;
}

void
gc_batch_free(struct gc_batch *b)
{
	size_t	i;

	batch_stop(b);
	for (i = 0; i < b->n; i++)
		gc_ticket_free(b->m[i]);
	free(b->m);
	gc_plan_free(&b->plan);
	free(b);
}

struct gc_batch *
gc_batch_new(struct group_commit *gc)
{
	struct gc_batch	*b;

	if ((b = calloc(1, sizeof(*b))) == NULL)
		return (NULL);
	b->gc = gc;
	b->opened_ms = now_ms(gc);
	return (b);
}

int
gc_batch_add(struct gc_batch *b, struct gc_ticket *m)
{
	struct gc_ticket	**nm;
	size_t			  cap;

	if (b->n == b->cap) {
		cap = b->cap > 0 ? b->cap * 2 : 16;
		if ((nm = reallocarray(b->m, cap, sizeof(*nm))) == NULL)
			return (-1);
		b->m = nm;
		b->cap = cap;
	}
	b->m[b->n++] = m;
	return (0);
}

static void
batch_backoff(struct gc_batch *b)
{
	struct group_commit	*gc = b->gc;

	b->step = GC_STEP_BACKOFF;
	b->retry_at = now_ms(gc) + backoff_delay_ms(b->attempts++,
	    gc->cfg.backoff_base_ms, gc->cfg.backoff_cap_ms,
	    backoff_rand_default, NULL);
}

/*
 * Whether a call refused whole may have been refused for one change in it
 * or for its size: 400 (one bad range or cell makes Google refuse all),
 * 413, 414.  Such a batch is split rather than failed, and not retried
 * as it was: the same request would be refused again.
 */
static int
refusal_splits(const struct sheets_result *res)
{
	return (res->class == SHEETS_FATAL && (res->http_status == 400 ||
	    res->http_status == 413 || res->http_status == 414));
}

/*
 * Replaces the active batch b by two halves of its live members, queued
 * ahead of everything else, so that a change that makes a request fail
 * ends up failing alone and the others go through in about log2(n) more
 * batches.  Each member keeps its reserved audit row (nothing else can
 * land there) and is verified again in its half.  When the refused call
 * was the write, it wrote nothing, so its members no longer may have
 * landed; otherwise what an earlier lost answer left unknown stays
 * unknown until that verification.  -1 when b cannot be split (one member
 * left, out of memory): then b is left as it was.
 */
static int
batch_split(struct gc_batch *b, int write_refused)
{
	struct group_commit	*gc = b->gc;
	struct gc_batch		*half[2], *h;
	struct gc_ticket	*m;
	size_t			 live = gc_batch_live(b), i, k, kept = 0;

	if (live < 2 || gc->active != b)
		return (-1);
	half[0] = gc_batch_new(gc);
	half[1] = gc_batch_new(gc);
	for (k = 0; k < 2; k++) {
		if (half[k] != NULL && (half[k]->m = calloc(live,
		    sizeof(*half[k]->m))) != NULL)
			half[k]->cap = live;
	}
	if (half[0] == NULL || half[1] == NULL || half[0]->cap == 0 ||
	    half[1]->cap == 0) {
		for (k = 0; k < 2; k++) {
			if (half[k] != NULL)
				gc_batch_free(half[k]);
		}
		return (-1);
	}
	for (i = 0, k = 0; i < b->n; i++) {
		m = b->m[i];
		if (m->state == TICKET_DONE) {
			b->m[kept++] = m;	/* freed with b */
			continue;
		}
		m->state = TICKET_WAITING;
		if (write_refused && m->in_write)
			m->maybe = 0;
		m->in_write = 0;
		h = half[k++ < live / 2 ? 0 : 1];
		h->m[h->n++] = m;
	}
	b->n = kept;
	gc->home.stats.splits++;
	TAILQ_INSERT_HEAD(&gc->queue, half[1], entry);
	TAILQ_INSERT_HEAD(&gc->queue, half[0], entry);
	gc->active = NULL;
	gc_batch_free(b);
	return (0);
}

/* Sheets' view of the target sheets ---------------------------------- */

static struct gc_sheet *
sheet_get(struct group_commit *gc, const char *name)
{
	struct gc_sheet	*sh;

	for (sh = gc->sheets; sh != NULL; sh = sh->next) {
		if (strcmp(sh->name, name) == 0)
			return (sh);
	}
	if ((sh = calloc(1, sizeof(*sh))) == NULL)
		return (NULL);
	if ((sh->name = strdup(name)) == NULL) {
		free(sh);
		return (NULL);
	}
	sh->next = gc->sheets;
	gc->sheets = sh;
	return (sh);
}

/* Verification (the pure part: group_commit_verify.c) ---------------- */

/* Plans the verification read of every live member and its other rows. */
static int
plan_build(struct gc_batch *b, char *err, size_t errsz)
{
	struct group_commit	*gc = b->gc;
	struct gc_ticket	*m;
	struct gc_target	*t;
	size_t			 i, k, nt = 0, most = 0;
	int			 rc = -1;

	for (i = 0; i < b->n; i++)
		most += 1 + b->m[i]->nrows;
	if ((t = calloc(most + 1, sizeof(*t))) == NULL) {
		snprintf(err, errsz, "out of memory");
		return (-1);
	}
	for (i = 0; i < b->n; i++) {
		m = b->m[i];
		if (m->state == TICKET_DONE)
			continue;
		if ((t[nt].sh = sheet_get(gc, m->sheet)) == NULL)
			goto oom;
		t[nt++].row = m->row;
		for (k = 0; k < m->nrows; k++) {
			if ((t[nt].sh = sheet_get(gc, m->rows[k].sheet)) ==
			    NULL)
				goto oom;
			t[nt].row = m->rows[k].row;
			t[nt++].key_header = m->rows[k].key_header;
		}
	}
	rc = gc_plan_build(&b->plan, gc->cfg.max_ranges, t, nt,
	    gc->key_header, gc->version_header, err, errsz);
	free(t);
	return (rc);
oom:
	snprintf(err, errsz, "out of memory");
	free(t);
	return (-1);
}

/*
 * The row of m another live member before it changes (which: 0 its own,
 * k + 1 its rows[k]), or -1: one change at a time per row and batch.
 */
static long
row_taken(const struct gc_batch *b, const struct gc_ticket *m)
{
	const struct gc_ticket	*p;
	size_t			 i, k;

	for (i = 0; i < b->n && b->m[i] != m; i++) {
		p = b->m[i];
		if (p->state != TICKET_VERIFIED)
			continue;
		if (gc_ticket_writes_row(p, m->sheet, m->row))
			return (0);
		for (k = 0; k < m->nrows; k++) {
			if (m->rows[k].nwrites > 0 && gc_ticket_writes_row(p,
			    m->rows[k].sheet, m->rows[k].row))
				return ((long)k + 1);
		}
	}
	return (-1);
}

/*
 * The columns of the n writes on sh, into cols; -1 with m failed when
 * the sheet has no such column.
 */
static int
write_cols(struct gc_ticket *m, const struct gc_sheet *sh,
    const struct gc_write *w, size_t n, long *cols)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if ((cols[i] = gc_sheet_col(sh, w[i].header)) < 0) {
			gc_ticket_fail(m, GC_FAILED, 0, "sheet '%s' has no "
			    "column '%s'", sh->name, w[i].header);
			return (-1);
		}
	}
	return (0);
}

/*
 * Finds the columns of m and its other rows in the headers just read,
 * and whether the read covered them.  -1 when m is answered (a column
 * missing), 1 when the read must be made again (a header moved since
 * the plan), 0 when the read can decide m; *kc and *vc are its key and
 * version columns then.
 */
static int
member_cols(struct gc_batch *b, struct gc_ticket *m, struct gc_sheet *sh,
    long *kc, long *vc)
{
	struct group_commit	*gc = b->gc;
	struct gc_ticket_row	*r;
	struct gc_sheet		*rsh;
	long			 rkc;
	size_t			 k;
	int			 again = 0;

	*kc = gc_sheet_col(sh, gc->key_header);
	*vc = gc_sheet_col(sh, gc->version_header);
	if (*kc < 0 || *vc < 0) {
		gc_ticket_fail(m, GC_FAILED, 0, "sheet '%s' has no column "
		    "'%s'", sh->name, *kc < 0 ? gc->key_header :
		    gc->version_header);
		return (-1);
	}
	if (write_cols(m, sh, m->writes, m->nwrites, m->cols) == -1)
		return (-1);
	m->ver_col = *vc;
	if (!gc_plan_reads(&b->plan, sh, *kc, m->row) ||
	    !gc_plan_reads(&b->plan, sh, *vc, m->row))
		again = 1;
	for (k = 0; k < m->nrows; k++) {
		r = &m->rows[k];
		if ((rsh = sheet_get(gc, r->sheet)) == NULL) {
			gc_ticket_fail(m, GC_FAILED, 0, "out of memory");
			return (-1);
		}
		if ((rkc = gc_sheet_col(rsh, r->key_header)) < 0) {
			gc_ticket_fail(m, GC_FAILED, 0, "sheet '%s' has no "
			    "column '%s'", rsh->name, r->key_header);
			return (-1);
		}
		if (write_cols(m, rsh, r->writes, r->nwrites, r->cols) == -1)
			return (-1);
		if (!gc_plan_reads(&b->plan, rsh, rkc, r->row))
			again = 1;
	}
	return (again);
}

/*
 * Decides m from the read vrs: answered, verified, or (1) to be read
 * again.
 */
static int
verify_member(struct gc_batch *b, struct gc_ticket *m,
    const struct sheets_value_ranges *vrs)
{
	struct group_commit	*gc = b->gc;
	struct gc_ticket_row	*r;
	struct gc_sheet		*sh, *rsh;
	const char		*key, *ver;
	long			 kc, vc, taken;
	size_t			 k;
	int			 rc;

	if ((sh = sheet_get(gc, m->sheet)) == NULL) {
		gc_ticket_fail(m, GC_FAILED, 0, "out of memory");
		return (0);
	}
	if ((rc = member_cols(b, m, sh, &kc, &vc)) != 0) {
		if (rc == 1)
			m->state = TICKET_WAITING;
		return (rc == 1);
	}
	key = gc_plan_cell(&b->plan, vrs, sh, kc, m->row);
	ver = gc_plan_cell(&b->plan, vrs, sh, vc, m->row);
	switch (gc_verify_row(key, ver, m->tag, m->expected, m->version,
	    m->maybe)) {
	case GC_VERDICT_NOT_KEY:
		gc_ticket_conflict(m, ver, 0, "row %u of '%s' holds '%.64s', "
		    "not '%.64s'", m->row, sh->name, key, m->tag);
		return (0);
	case GC_VERDICT_LANDED:
		gc_ticket_landed(m);	/* an earlier write of ours landed */
		return (0);
	case GC_VERDICT_STALE:
		gc_ticket_conflict(m, ver, 0, "version of '%.64s' is '%.64s', "
		    "expected '%.64s'", m->tag, ver, m->expected);
		return (0);
	case GC_VERDICT_WRITE:
		break;
	}
	m->maybe = 0;			/* not written: the version is old */
	for (k = 0; k < m->nrows; k++) {
		r = &m->rows[k];
		rsh = sheet_get(gc, r->sheet);	/* found by member_cols() */
		key = gc_plan_cell(&b->plan, vrs, rsh,
		    gc_sheet_col(rsh, r->key_header), r->row);
		if (!sheet_key_matches(key, r->key)) {
			gc_ticket_conflict(m, ver, k + 1, "row %u of '%s' "
			    "holds '%.64s', not '%.64s'", r->row, rsh->name,
			    key, r->key);
			return (0);
		}
	}
	if ((taken = row_taken(b, m)) >= 0) {
		gc_ticket_conflict(m, ver, (size_t)taken, "an earlier change "
		    "in the same batch changes row %u of '%s'", taken == 0 ?
		    m->row : m->rows[taken - 1].row, taken == 0 ? m->sheet :
		    m->rows[taken - 1].sheet);
		return (0);
	}
	m->state = TICKET_VERIFIED;
	return (0);
}

/* Takes the verification read in: the headers, then each member. */
static void
verify_apply(struct gc_batch *b, struct sheets_value_ranges *vrs)
{
	struct gc_sheet		*sh;
	size_t			 i, k;
	int			 again = 0;

	if (vrs->nranges != b->plan.n) {
		batch_fail(b, GC_FAILED, 0, "verification read: %zu ranges "
		    "back for %zu asked", vrs->nranges, b->plan.n);
		return;
	}
	for (k = 0; k < b->plan.n; k++) {
		if (b->plan.ranges[k].kind != GC_PLAN_HEADER)
			continue;
		sh = b->plan.ranges[k].sh;
		sheet_table_free(sh->hdr);
		if ((sh->hdr = sheet_table_new(&vrs->ranges[k])) == NULL) {
			batch_fail(b, GC_FAILED, 0, "out of memory");
			return;
		}
	}
	for (i = 0; i < b->n; i++) {
		if (b->m[i]->state != TICKET_DONE &&
		    verify_member(b, b->m[i], vrs))
			again = 1;
	}
	b->verified = !again;
}

/* Writing (the pure part: group_commit_write.c) ---------------------- */

/*
 * The batchUpdate of the verified members, in their order; the audit
 * range as wide as the widest of their audit rows.
 */
static int
write_build(struct gc_batch *b, struct gc_write_buf *w, char *err,
    size_t errsz)
{
	struct gc_row_write	*rw;
	struct gc_other_write	*ow, *o;
	struct gc_ticket	*m;
	size_t			 i, k, n = 0, width = 0, most = 0;
	int			 rc;

	for (i = 0; i < b->n; i++)
		most += b->m[i]->nrows;
	if ((rw = calloc(b->n + 1, sizeof(*rw))) == NULL ||
	    (ow = calloc(most + 1, sizeof(*ow))) == NULL) {
		free(rw);
		snprintf(err, errsz, "out of memory");
		return (-1);
	}
	for (i = 0, o = ow; i < b->n; i++) {
		m = b->m[i];
		if (m->state != TICKET_VERIFIED)
			continue;
		rw[n].others = o;
		rw[n].nothers = m->nrows;
		for (k = 0; k < m->nrows; k++, o++) {
			o->sheet = m->rows[k].sheet;
			o->row = m->rows[k].row;
			o->writes = m->rows[k].writes;
			o->cols = m->rows[k].cols;
			o->nwrites = m->rows[k].nwrites;
		}
		rw[n].sheet = m->sheet;
		rw[n].row = m->row;
		rw[n].writes = m->writes;
		rw[n].cols = m->cols;
		rw[n].nwrites = m->nwrites;
		rw[n].ver_col = m->ver_col;
		rw[n].version = m->version;
		rw[n].audit_row = m->meta_row;
		rw[n].audits = m->audits;
		rw[n].naudits = m->naudits;
		for (k = 0; k < m->naudits; k++) {
			if (m->audits[k].ncells > width)
				width = m->audits[k].ncells;
		}
		n++;
	}
	rc = gc_write_build(w, rw, n, b->gc->metadata_sheet, width, err,
	    errsz);
	free(rw);
	free(ow);
	return (rc);
}

/* Starting calls ----------------------------------------------------- */

static void	on_sheets(void *, struct sheets_result *);
static void	on_redis(void *, enum redis_pool_status, const redisReply *);

static void
start_sheets(struct gc_batch *b)
{
	struct group_commit	*gc = b->gc;
	struct gc_write_buf	 w;
	const char		*ranges[1], **list;
	char			 err[GC_ERROR_MAX], a1[GC_RANGE_MAX];
	struct a1_area		 col_a = { 1, 0, 1, 0 };
	uint64_t		 timeout = batch_call_timeout(b);
	size_t			 i;

	err[0] = '\0';
	b->call_id = 0;
	switch (b->act) {
	case GC_ACT_VERIFY:
		if (plan_build(b, err, sizeof(err)) == -1)
			break;
		if ((list = calloc(b->plan.n, sizeof(*list))) == NULL) {
			snprintf(err, sizeof(err), "out of memory");
			break;
		}
		for (i = 0; i < b->plan.n; i++)
			list[i] = b->plan.ranges[i].a1;
		gc->home.stats.reads++;
		b->call_id = sheets_batch_get(gc->sc, list, b->plan.n,
		    SHEETS_RENDER_FORMATTED, timeout, on_sheets, b, err,
		    sizeof(err));
		free(list);
		break;
	case GC_ACT_COUNT:
		if (a1_format_range(a1, sizeof(a1), gc->metadata_sheet,
		    &col_a) == -1) {
			snprintf(err, sizeof(err), "bad Metadata sheet name");
			break;
		}
		ranges[0] = a1;
		gc->home.stats.reads++;
		b->call_id = sheets_batch_get(gc->sc, ranges, 1,
		    SHEETS_RENDER_FORMATTED, timeout, on_sheets, b, err,
		    sizeof(err));
		break;
	case GC_ACT_GRID:
		gc->home.stats.reads++;
		b->call_id = sheets_get_spreadsheet(gc->sc, timeout, on_sheets,
		    b, err, sizeof(err));
		break;
	case GC_ACT_GROW:
		gc->home.stats.writes++;
		b->call_id = sheets_append_dimension(gc->sc, gc->meta_sheet_id,
		    SHEETS_DIM_ROWS, b->grow_by, timeout, on_sheets, b, err,
		    sizeof(err));
		break;
	case GC_ACT_WRITE:
		if (write_build(b, &w, err, sizeof(err)) == -1)
			break;
		gc->home.stats.writes++;
		b->call_id = sheets_batch_update(gc->sc,
		    SHEETS_INPUT_USER_ENTERED, w.data, w.ndata, timeout,
		    on_sheets, b, err, sizeof(err));
		gc_write_buf_free(&w);
		for (i = 0; b->call_id != 0 && i < b->n; i++) {
			if (b->m[i]->state == TICKET_VERIFIED) {
				b->m[i]->in_write = 1;
				b->m[i]->maybe = 1;
			}
		}
		break;
	default:
		snprintf(err, sizeof(err), "not a Sheets step");
		break;
	}
	if (b->call_id == 0) {
		/* A request of one change or another may not build: split. */
		if ((b->act == GC_ACT_VERIFY || b->act == GC_ACT_WRITE) &&
		    batch_split(b, 0) == 0)
			return;
		batch_fail(b, GC_FAILED, 0, "%s", err);
		gc_batch_advance(b);
		return;
	}
	b->step = GC_STEP_SHEETS;
}

static void
on_limit(void *arg, const struct sheets_limit_reply *r)
{
	struct gc_batch	*b = arg;

	b->lop = NULL;
	b->step = GC_STEP_IDLE;
	if (r->result == SHEETS_LIMIT_WAIT) {
		batch_fail(b, GC_TIMEOUT, r->wait_ms, "Sheets %s budget "
		    "exhausted; a request frees in %llu ms",
		    b->act == GC_ACT_GROW || b->act == GC_ACT_WRITE ||
		    b->act == GC_ACT_SLOT ? "write" : "read",
		    (unsigned long long)r->wait_ms);
		gc_batch_advance(b);
		return;
	}
	if (b->act == GC_ACT_SLOT) {
		b->slot_held = 1;
		gc_batch_advance(b);
		return;
	}
	start_sheets(b);
}

/* Waits for the limiter, then makes the Sheets call of act. */
static void
batch_call(struct gc_batch *b, enum gc_batch_act act, enum sheets_quota_kind k)
{
	b->act = act;
	b->step = GC_STEP_LIMIT;
	b->lop = sheets_limiter_acquire(b->gc->lim, k, batch_deadline(b),
	    on_limit, b);
	if (b->lop == NULL) {
		b->step = GC_STEP_IDLE;
		batch_fail(b, GC_FAILED, 0, "out of memory");
		gc_batch_advance(b);
	}
}

static void
batch_redis(struct gc_batch *b, enum gc_batch_act act, unsigned int used)
{
	struct group_commit	*gc = b->gc;
	enum redis_pool_status	 why;
	uint64_t		 deadline;
	size_t			 i;

	deadline = now_ms(gc) + gc->cfg.redis_timeout_ms;
	if (batch_deadline(b) < deadline)
		deadline = batch_deadline(b);
	b->act = act;
	if (act == GC_ACT_RESERVE) {
		b->reserve_n = 0;
		for (i = 0; i < b->n; i++) {
			if (b->m[i]->state == TICKET_VERIFIED &&
			    b->m[i]->meta_row == 0)
				b->reserve_n += b->m[i]->naudits;
		}
		b->cmd = audit_rows_reserve(gc->pool, gc->counter,
		    b->reserve_n, b->evaled, deadline, on_redis, b, &why);
	} else {
		b->cmd = audit_rows_start(gc->pool, gc->counter, used,
		    deadline, on_redis, b, &why);
	}
	if (b->cmd == NULL) {
		batch_fail(b, GC_FAILED, 0, "cannot number the audit rows: "
		    "Redis %s", redis_pool_status_name(why));
		gc_batch_advance(b);
		return;
	}
	b->step = GC_STEP_REDIS;
}

/* Completions -------------------------------------------------------- */

static void
on_redis(void *arg, enum redis_pool_status st, const redisReply *reply)
{
	struct gc_batch		*b = arg;
	struct group_commit	*gc = b->gc;
	long long		 last;
	unsigned int		 row;
	size_t			 i;

	b->cmd = NULL;
	b->step = GC_STEP_IDLE;
	if (st == REDIS_POOL_OK && b->act == GC_ACT_RESERVE && !b->evaled &&
	    redis_script_missing(reply)) {
		b->evaled = 1;
		batch_redis(b, GC_ACT_RESERVE, 0);
		return;
	}
	if (st != REDIS_POOL_OK || reply->type == REDIS_REPLY_ERROR) {
		batch_fail(b, GC_FAILED, 0, "cannot number the audit rows: "
		    "Redis %s", st != REDIS_POOL_OK ?
		    redis_pool_status_name(st) : "error reply");
		gc_batch_advance(b);
		return;
	}
	if (b->act == GC_ACT_COUNT_SET) {
		gc->counter_ready = 1;	/* set now, by us or another */
		gc_batch_advance(b);
		return;
	}
	switch (audit_rows_reserved(reply, b->reserve_n, &row, &last)) {
	case AUDIT_ROWS_RESERVED:
		break;
	case AUDIT_ROWS_NOT_STARTED:
		gc->counter_ready = 0;	/* lost (a flushed Redis): start it */
		gc_batch_advance(b);
		return;
	case AUDIT_ROWS_OUT_OF_RANGE:
		batch_fail(b, GC_FAILED, 0, "Metadata row counter at %lld",
		    last);
		gc_batch_advance(b);
		return;
	case AUDIT_ROWS_BAD_REPLY:
		batch_fail(b, GC_FAILED, 0, "cannot number the audit rows: "
		    "Redis error reply");
		gc_batch_advance(b);
		return;
	}
	for (i = 0; i < b->n; i++) {
		if (b->m[i]->state == TICKET_VERIFIED &&
		    b->m[i]->meta_row == 0) {
			b->m[i]->meta_row = row;
			row += b->m[i]->naudits;
		}
	}
	gc_batch_advance(b);
}

static void
on_write(struct gc_batch *b, struct sheets_result *res)
{
	struct gc_ticket	*m;
	size_t			 i;

	/* Refused whole, so nothing landed: try the halves. */
	if (refusal_splits(res) && batch_split(b, 1) == 0)
		return;
	for (i = 0; i < b->n; i++) {
		m = b->m[i];
		if (!m->in_write)
			continue;
		m->in_write = 0;
		if (res->class == SHEETS_OK) {
			gc_ticket_landed(m);
		} else if (res->class != SHEETS_RETRYABLE) {
			/* Refused: an atomic batch that was not applied. */
			m->maybe = 0;
			if (m->state != TICKET_DONE)
				gc_ticket_fail(m, GC_FAILED, 0, "write "
				    "refused: %s", res->error);
		}
	}
	if (res->class == SHEETS_RETRYABLE) {
		/* Its fate is unknown: read again before writing again. */
		b->gc->write_doubt_until = io_loop_now(b->gc->loop) +
		    b->gc->cfg.call_timeout_ms;
		b->verified = 0;
		b->gc->home.stats.retries++;
		batch_backoff(b);
		return;
	}
	gc_batch_advance(b);
}

static void
on_sheets(void *arg, struct sheets_result *res)
{
	struct gc_batch			*b = arg;
	struct group_commit		*gc = b->gc;
	const struct sheets_sheet	*sh;
	size_t				 used;

	b->call_id = 0;
	b->step = GC_STEP_IDLE;
	if (b->act == GC_ACT_WRITE) {
		on_write(b, res);
		return;
	}
	if (res->class == SHEETS_RETRYABLE) {
		batch_backoff(b);
		return;
	}
	if (res->class != SHEETS_OK) {
		if (b->act == GC_ACT_VERIFY && refusal_splits(res) &&
		    batch_split(b, 0) == 0)
			return;
		batch_fail(b, GC_FAILED, 0, "%s", res->error);
		gc_batch_advance(b);
		return;
	}
	switch (b->act) {
	case GC_ACT_VERIFY:
		verify_apply(b, &res->value_ranges);
		break;
	case GC_ACT_COUNT:
		/* Row 1 is the header even on an empty sheet. */
		used = res->value_ranges.nranges > 0 ?
		    res->value_ranges.ranges[0].nrows : 0;
		batch_redis(b, GC_ACT_COUNT_SET, used > 0 ? (unsigned int)used :
		    1);
		return;
	case GC_ACT_GRID:
		sh = sheets_spreadsheet_find(&res->spreadsheet,
		    gc->metadata_sheet);
		if (sh == NULL) {
			batch_fail(b, GC_FAILED, 0, "no sheet '%s' in the "
			    "workbook (run zeues-migrate)", gc->metadata_sheet);
			break;
		}
		gc->meta_sheet_id = sh->sheet_id;
		gc->meta_rows = sh->row_count;
		gc->meta_known = 1;
		b->grid_fresh = 1;
		break;
	case GC_ACT_GROW:
		gc->meta_rows += b->grow_by;
		break;
	default:
		break;
	}
	gc_batch_advance(b);
}

/*
 * Starts the next step of b, or frees it when no member is left to
 * answer.  b has nothing in flight here.
 */
void
gc_batch_advance(struct gc_batch *b)
{
	struct group_commit	*gc = b->gc;
	unsigned int		 need = 0, top = 0;
	size_t			 i;

	if (gc_batch_live(b) == 0) {
		if (gc->active == b)
			gc->active = NULL;
		gc_batch_free(b);
		return;
	}
	/*
	 * Slot first: the batch takes its write's quota slot before it
	 * spends a verification read, so the deployment verifies once per
	 * slot, and changes keep gathering in the open batch meanwhile.
	 */
	if (!b->verified && gc->cfg.slot_first && !b->slot_held) {
		batch_call(b, GC_ACT_SLOT, SHEETS_QUOTA_WRITE);
		return;
	}
	if (!b->verified) {
		batch_call(b, GC_ACT_VERIFY, SHEETS_QUOTA_READ);
		return;
	}
	for (i = 0; i < b->n; i++) {
		if (b->m[i]->state != TICKET_VERIFIED)
			continue;
		if (b->m[i]->meta_row == 0)
			need++;
		else if (b->m[i]->meta_row + b->m[i]->naudits - 1 > top)
			top = b->m[i]->meta_row + b->m[i]->naudits - 1;
	}
	if (need > 0) {
		if (gc->counter_ready)
			batch_redis(b, GC_ACT_RESERVE, 0);
		else
			batch_call(b, GC_ACT_COUNT, SHEETS_QUOTA_READ);
		return;
	}
	if (!gc->meta_known) {
		batch_call(b, GC_ACT_GRID, SHEETS_QUOTA_READ);
		return;
	}
	if ((long long)top + gc->cfg.grid_margin_rows > gc->meta_rows) {
		if (!b->grid_fresh) {
			/* Another instance may have grown it already. */
			gc->meta_known = 0;
			batch_call(b, GC_ACT_GRID, SHEETS_QUOTA_READ);
			return;
		}
		b->grow_by = gc->cfg.grid_grow_rows;
		if ((long long)top + gc->cfg.grid_margin_rows - gc->meta_rows >
		    b->grow_by)
			b->grow_by = (unsigned int)(top +
			    gc->cfg.grid_margin_rows - gc->meta_rows);
		batch_call(b, GC_ACT_GROW, SHEETS_QUOTA_WRITE);
		return;
	}
	if (b->slot_held) {
		/* Charged when the slot was granted. */
		b->slot_held = 0;
		b->act = GC_ACT_WRITE;
		start_sheets(b);
		return;
	}
	batch_call(b, GC_ACT_WRITE, SHEETS_QUOTA_WRITE);
}

/* Answers the members of b whose deadline passed. */
void
gc_batch_expire(struct gc_batch *b, uint64_t now)
{
	struct gc_ticket	*m;
	size_t			 i;

	for (i = 0; i < b->n; i++) {
		m = b->m[i];
		if (m->state == TICKET_DONE || now < m->deadline_ms)
			continue;
		gc_ticket_fail(m, GC_TIMEOUT, 0, m->maybe ? "deadline passed "
		    "with its write unconfirmed: it landed whole or not at "
		    "all" : "deadline passed before it could be written");
	}
}
