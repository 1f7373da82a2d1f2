/*
 * Group commit of row changes with reserved audit rows; see group_commit.h.
 *
 * One batch is in flight at a time per group commit (one per worker):
 * while it is, new changes gather in the next window, so under load the
 * batches grow instead of multiplying.  The batch in flight moves through
 * its steps in batch_advance(), which looks at what is known (verified?
 * rows reserved?  grid large enough?) and starts the one call that is
 * missing; every completion comes back to it.  At most one limiter wait,
 * Sheets call or Redis command is pending per batch.
 */
#include <sys/queue.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "a1.h"
#include "backoff.h"
#include "group_commit.h"
#include "sheet_table.h"

#define RANGE_MAX	(A1_SHEET_NAME_SIZE + 40)
#define COUNTER_MAX	(sizeof("zeues:metadata_rows::") + 128 + \
			    A1_SHEET_NAME_SIZE)
#define HEADER_MAX	128
#define TAG_MAX		256
#define WRITES_MAX	256
/* Rows of one sheet this close together are verified as one span. */
#define CLUSTER_GAP	32

/* KEYS[1] the counter; ARGV[1] how many rows.  -1 until it is started. */
static const char	reserve_script[] =
    "if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end\n"
    "return redis.call('INCRBY', KEYS[1], ARGV[1])\n";

static char		reserve_sha[SHA_DIGEST_LENGTH * 2 + 1];

enum member_state {
	M_WAITING,		/* not verified yet */
	M_VERIFIED,		/* row as expected at the last read */
	M_DONE,			/* answered (or cancelled) */
};

struct gc_ticket {
	struct group_commit	*gc;
	enum member_state	 state;
	gc_done_fn		*done;		/* NULL once cancelled */
	void			*arg;
	uint64_t		 deadline_ms;
	char			*sheet;
	char			*tag;
	char			*expected;
	unsigned int		 row;
	struct gc_write		*writes;	/* own copies */
	size_t			 nwrites;
	long			*cols;		/* of writes, at the last read */
	long			 ver_col;
	/* Own copies; cells past naudit are left as they are (SKIP). */
	struct sheets_cell	 audit[GC_AUDIT_CELLS_MAX];
	size_t			 naudit;
	char			 version[UUID4_STRLEN];
	unsigned int		 meta_row;	/* 0 until reserved */
	int			 in_write;	/* in the write in flight */
	int			 maybe;		/* in a write of unknown fate */
};

/* What a sheet's header row said at the last read. */
struct gc_sheet {
	char			*name;
	struct sheet_table	*hdr;		/* NULL until read */
	struct gc_sheet		*next;
};

enum plan_kind {
	PLAN_HEADER,
	PLAN_KEYS,
	PLAN_VERSIONS,
};

/* One range of a verification read. */
struct plan_range {
	struct gc_sheet	*sh;
	enum plan_kind	 kind;
	unsigned int	 first;
	unsigned int	 last;
	long		 col;			/* KEYS, VERSIONS: 0-based */
	char		 a1[RANGE_MAX];
};

enum batch_step {
	STEP_IDLE,
	STEP_LIMIT,		/* waiting for the limiter */
	STEP_SHEETS,		/* a Sheets call in flight */
	STEP_REDIS,		/* a Redis command in flight */
	STEP_BACKOFF,		/* waiting until retry_at */
};

enum batch_act {
	ACT_VERIFY,		/* read: headers, keys, versions */
	ACT_COUNT,		/* read: Metadata!A:A to start the counter */
	ACT_COUNT_SET,		/* Redis: SET counter NX */
	ACT_RESERVE,		/* Redis: number the audit rows */
	ACT_GRID,		/* read: spreadsheets.get */
	ACT_GROW,		/* write: appendDimension on Metadata */
	ACT_WRITE,		/* write: the batchUpdate */
};

struct gc_batch {
	TAILQ_ENTRY(gc_batch)	 entry;
	struct group_commit	*gc;
	struct gc_ticket	**m;
	size_t			 n;
	size_t			 cap;
	uint64_t		 opened_ms;
	enum batch_step		 step;
	enum batch_act		 act;
	struct sheets_limit_op	*lop;
	uint64_t		 call_id;
	struct redis_cmd	*cmd;
	uint64_t		 retry_at;
	unsigned int		 attempts;
	int			 verified;
	int			 grid_fresh;	/* grid size read by this batch */
	int			 evaled;	/* reserve script sent whole */
	unsigned int		 grow_by;
	unsigned int		 reserve_n;
	struct plan_range	*plan;
	size_t			 nplan;
};

TAILQ_HEAD(batch_list, gc_batch);

struct group_commit {
	struct group_commit_config	 cfg;
	char				 metadata_sheet[A1_SHEET_NAME_SIZE];
	char				 key_header[HEADER_MAX];
	char				 version_header[HEADER_MAX];
	char				 counter[COUNTER_MAX];
	struct sheets_client		*sc;
	struct redis_pool		*pool;
	struct sheets_limiter		*lim;
	struct io_loop			*loop;
	struct gc_batch			*open;		/* gathering */
	struct batch_list		 queue;		/* closed, waiting */
	struct gc_batch			*active;	/* in flight */
	struct gc_sheet			*sheets;
	int				 counter_ready;
	int				 meta_known;
	long long			 meta_sheet_id;
	long long			 meta_rows;
	uint64_t			 last_start_ms;	/* of a batch */
	struct group_commit_stats	 stats;
};

static void	batch_advance(struct gc_batch *);

void
group_commit_config_defaults(struct group_commit_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->metadata_sheet = "Metadata";
	cfg->key_header = "TAG_SPOOL";
	cfg->version_header = "version";
	cfg->window_ms = 200;
	cfg->max_batch = 60;
	cfg->max_ranges = 64;
	cfg->call_timeout_ms = 10000;
	cfg->redis_timeout_ms = 1000;
	cfg->backoff_base_ms = 500;
	cfg->backoff_cap_ms = 8000;
	cfg->grid_margin_rows = 200;
	cfg->grid_grow_rows = 1000;
}

const char *
gc_status_name(enum gc_status st)
{
	switch (st) {
	case GC_APPLIED:
		return ("applied");
	case GC_CONFLICT:
		return ("conflict");
	case GC_FAILED:
		return ("failed");
	case GC_TIMEOUT:
		return ("timeout");
	}
	return ("unknown");
}

static uint64_t
now_ms(const struct group_commit *gc)
{
	return (io_loop_now(gc->loop));
}

static int
copy_str(char *dst, size_t len, const char *src)
{
	int	n = snprintf(dst, len, "%s", src != NULL ? src : "");

	return (n < 0 || (size_t)n >= len ? -1 : 0);
}

/* Whether two header names are the same after normalization. */
static int
same_header(const char *a, const char *b)
{
	char	na[HEADER_MAX], nb[HEADER_MAX];

	if (sheet_header_normalize(a, na, sizeof(na)) == -1 ||
	    sheet_header_normalize(b, nb, sizeof(nb)) == -1)
		return (0);
	return (strcmp(na, nb) == 0);
}

/* Compares a key cell with a tag, ignoring spaces around the cell. */
static int
key_matches(const char *cell, const char *tag)
{
	size_t	len;

	while (*cell == ' ' || *cell == '\t')
		cell++;
	len = strlen(cell);
	while (len > 0 && (cell[len - 1] == ' ' || cell[len - 1] == '\t'))
		len--;
	return (len == strlen(tag) && strncmp(cell, tag, len) == 0);
}

/* Tickets ------------------------------------------------------------ */

static void
ticket_free(struct gc_ticket *m)
{
	size_t	i;

	if (m == NULL)
		return;
	free(m->sheet);
	free(m->tag);
	free(m->expected);
	for (i = 0; i < m->nwrites; i++) {
		free((char *)m->writes[i].header);
		free((char *)m->writes[i].value.text);
	}
	free(m->writes);
	free(m->cols);
	for (i = 0; i < m->naudit; i++)
		free((char *)m->audit[i].text);
	free(m);
}

static int
valid_change(const struct group_commit *gc, const struct gc_change *c,
    char *err, size_t errsz)
{
	const struct gc_write	*w;
	size_t			 i;

	if (c->sheet == NULL || c->sheet[0] == '\0' ||
	    strlen(c->sheet) >= A1_SHEET_NAME_SIZE) {
		snprintf(err, errsz, "change: bad sheet name");
		return (-1);
	}
	if (c->tag == NULL || c->tag[0] == '\0' || strlen(c->tag) > TAG_MAX) {
		snprintf(err, errsz, "change: bad tag");
		return (-1);
	}
	if (c->row < 2 || c->row > A1_MAX_ROW) {
		snprintf(err, errsz, "change: row %u is not a data row",
		    c->row);
		return (-1);
	}
	if (c->nwrites > WRITES_MAX || (c->nwrites > 0 && c->writes == NULL)) {
		snprintf(err, errsz, "change: 0 to %d writes", WRITES_MAX);
		return (-1);
	}
	for (i = 0; i < c->nwrites; i++) {
		w = &c->writes[i];
		if (w->header == NULL || w->header[0] == '\0' ||
		    strlen(w->header) >= HEADER_MAX) {
			snprintf(err, errsz, "change: write %zu: bad header", i);
			return (-1);
		}
		/* The key is what finds the row; the version is ours. */
		if (same_header(w->header, gc->key_header) ||
		    same_header(w->header, gc->version_header)) {
			snprintf(err, errsz, "change: write %zu: column '%s' "
			    "is not writable", i, w->header);
			return (-1);
		}
		if ((w->value.kind == SHEETS_CELL_TEXT ||
		    w->value.kind == SHEETS_CELL_ENTERED) &&
		    w->value.text == NULL) {
			snprintf(err, errsz, "change: write %zu: no text", i);
			return (-1);
		}
	}
	if (c->audit.ncells == 0 || c->audit.ncells > GC_AUDIT_CELLS_MAX ||
	    c->audit.cells == NULL) {
		snprintf(err, errsz, "change: 1 to %d audit cells",
		    GC_AUDIT_CELLS_MAX);
		return (-1);
	}
	for (i = 0; i < c->audit.ncells; i++) {
		if ((c->audit.cells[i].kind == SHEETS_CELL_TEXT ||
		    c->audit.cells[i].kind == SHEETS_CELL_ENTERED) &&
		    c->audit.cells[i].text == NULL) {
			snprintf(err, errsz, "change: audit cell %zu: no text",
			    i);
			return (-1);
		}
	}
	return (0);
}

static struct gc_ticket *
ticket_new(struct group_commit *gc, const struct gc_change *c,
    uint64_t deadline_ms, gc_done_fn *done, void *arg)
{
	struct gc_ticket	*m;
	size_t			 i;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return (NULL);
	m->gc = gc;
	m->state = M_WAITING;
	m->done = done;
	m->arg = arg;
	m->deadline_ms = deadline_ms;
	m->row = c->row;
	m->ver_col = -1;
	if (c->new_version != NULL && uuid4_valid(c->new_version))
		memcpy(m->version, c->new_version, UUID4_STRLEN);
	else if (uuid4_generate(m->version) == -1)
		goto fail;
	if ((m->sheet = strdup(c->sheet)) == NULL ||
	    (m->tag = strdup(c->tag)) == NULL ||
	    (m->expected = strdup(c->expected_version != NULL ?
	    c->expected_version : "")) == NULL)
		goto fail;
	if (c->nwrites > 0 &&
	    ((m->writes = calloc(c->nwrites, sizeof(*m->writes))) == NULL ||
	    (m->cols = calloc(c->nwrites, sizeof(*m->cols))) == NULL))
		goto fail;
	for (i = 0; i < c->nwrites; i++, m->nwrites++) {
		m->writes[i].value = c->writes[i].value;
		m->writes[i].value.text = NULL;
		if ((m->writes[i].header = strdup(c->writes[i].header)) ==
		    NULL)
			goto fail;
		if (c->writes[i].value.text != NULL &&
		    (m->writes[i].value.text =
		    strdup(c->writes[i].value.text)) == NULL) {
			m->nwrites++;
			goto fail;
		}
	}
	for (i = 0; i < c->audit.ncells; i++, m->naudit++) {
		m->audit[i] = c->audit.cells[i];
		m->audit[i].text = NULL;
		if (c->audit.cells[i].text != NULL &&
		    (m->audit[i].text = strdup(c->audit.cells[i].text)) ==
		    NULL)
			goto fail;
	}
	return (m);

fail:
	ticket_free(m);
	return (NULL);
}

static void
outcome_init(const struct gc_ticket *m, struct gc_outcome *o,
    enum gc_status st)
{
	memset(o, 0, sizeof(*o));
	o->status = st;
	memcpy(o->version, m->version, sizeof(o->version));
}

/* Answers m (unless cancelled) and counts the outcome. */
static void
ticket_deliver(struct gc_ticket *m, const struct gc_outcome *o)
{
	struct group_commit	*gc = m->gc;
	gc_done_fn		*done = m->done;

	m->state = M_DONE;
	m->done = NULL;
	switch (o->status) {
	case GC_APPLIED:
		gc->stats.applied++;
		break;
	case GC_CONFLICT:
		gc->stats.conflicts++;
		break;
	case GC_FAILED:
		gc->stats.failed++;
		break;
	case GC_TIMEOUT:
		gc->stats.timeouts++;
		break;
	}
	if (done != NULL)
		done(m->arg, o);
}

static void
ticket_fail(struct gc_ticket *m, enum gc_status st, uint64_t retry_after,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
ticket_fail(struct gc_ticket *m, enum gc_status st, uint64_t retry_after,
    const char *fmt, ...)
{
	struct gc_outcome	o;
	va_list			ap;

	outcome_init(m, &o, st);
	o.maybe_applied = m->maybe;
	o.retry_after_ms = retry_after;
	va_start(ap, fmt);
	vsnprintf(o.error, sizeof(o.error), fmt, ap);
	va_end(ap);
	ticket_deliver(m, &o);
}

/* A value as the cache should now show it. */
static const char *
cell_text(const struct sheets_cell *c, char *buf, size_t len)
{
	switch (c->kind) {
	case SHEETS_CELL_TEXT:
	case SHEETS_CELL_ENTERED:
		return (c->text);
	case SHEETS_CELL_NUMBER:
		snprintf(buf, len, "%.15g", c->number);
		return (buf);
	case SHEETS_CELL_BOOL:
		return (c->boolean ? "TRUE" : "FALSE");
	case SHEETS_CELL_SKIP:
		break;
	}
	return (NULL);
}

/* m landed: tell the cache, then its submitter if it still waits. */
static void
ticket_landed(struct gc_ticket *m)
{
	struct group_commit	*gc = m->gc;
	struct gc_outcome	 o;
	const char		*text;
	char			 buf[64];
	size_t			 i;

	m->maybe = 0;
	if (gc->cfg.applied != NULL) {
		for (i = 0; i < m->nwrites; i++) {
			text = cell_text(&m->writes[i].value, buf, sizeof(buf));
			if (text != NULL)
				gc->cfg.applied(gc->cfg.applied_arg, m->sheet,
				    m->tag, m->writes[i].header, text);
		}
		gc->cfg.applied(gc->cfg.applied_arg, m->sheet, m->tag,
		    gc->version_header, m->version);
	}
	if (m->state == M_DONE)
		return;
	outcome_init(m, &o, GC_APPLIED);
	o.audit_row = m->meta_row;
	ticket_deliver(m, &o);
}

/* Batches ------------------------------------------------------------ */

static size_t
batch_live(const struct gc_batch *b)
{
	size_t	i, n = 0;

	for (i = 0; i < b->n; i++)
		n += b->m[i]->state != M_DONE;
	return (n);
}

/* The latest deadline of a live member: the batch works until then. */
static uint64_t
batch_deadline(const struct gc_batch *b)
{
	uint64_t	d = 0;
	size_t		i;

	for (i = 0; i < b->n; i++) {
		if (b->m[i]->state != M_DONE && b->m[i]->deadline_ms > d)
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
		if (b->m[i]->state != M_DONE)
			ticket_fail(b->m[i], st, retry_after, "%s", msg);
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
	b->step = STEP_IDLE;
}

static void
batch_free(struct gc_batch *b)
{
	size_t	i;

	batch_stop(b);
	for (i = 0; i < b->n; i++)
		ticket_free(b->m[i]);
	free(b->m);
	free(b->plan);
	free(b);
}

static struct gc_batch *
batch_new(struct group_commit *gc)
{
	struct gc_batch	*b;

	if ((b = calloc(1, sizeof(*b))) == NULL)
		return (NULL);
	b->gc = gc;
	b->opened_ms = now_ms(gc);
	return (b);
}

static int
batch_add(struct gc_batch *b, struct gc_ticket *m)
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

	b->step = STEP_BACKOFF;
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
	size_t			 live = batch_live(b), i, k, kept = 0;

	if (live < 2 || gc->active != b)
		return (-1);
	half[0] = batch_new(gc);
	half[1] = batch_new(gc);
	for (k = 0; k < 2; k++) {
		if (half[k] != NULL && (half[k]->m = calloc(live,
		    sizeof(*half[k]->m))) != NULL)
			half[k]->cap = live;
	}
	if (half[0] == NULL || half[1] == NULL || half[0]->cap == 0 ||
	    half[1]->cap == 0) {
		for (k = 0; k < 2; k++) {
			if (half[k] != NULL)
				batch_free(half[k]);
		}
		return (-1);
	}
	for (i = 0, k = 0; i < b->n; i++) {
		m = b->m[i];
		if (m->state == M_DONE) {
			b->m[kept++] = m;	/* freed with b */
			continue;
		}
		m->state = M_WAITING;
		if (write_refused && m->in_write)
			m->maybe = 0;
		m->in_write = 0;
		h = half[k++ < live / 2 ? 0 : 1];
		h->m[h->n++] = m;
	}
	b->n = kept;
	gc->stats.splits++;
	TAILQ_INSERT_HEAD(&gc->queue, half[1], entry);
	TAILQ_INSERT_HEAD(&gc->queue, half[0], entry);
	gc->active = NULL;
	batch_free(b);
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

static long
sheet_col(const struct gc_sheet *sh, const char *header)
{
	return (sh->hdr != NULL ? sheet_table_column(sh->hdr, header) : -1);
}

/* Verification ------------------------------------------------------- */

static int
cmp_uint(const void *a, const void *b)
{
	unsigned int	x = *(const unsigned int *)a;
	unsigned int	y = *(const unsigned int *)b;

	return (x < y ? -1 : x > y);
}

static int
plan_push(struct gc_batch *b, size_t cap, struct gc_sheet *sh,
    enum plan_kind kind, unsigned int first, unsigned int last, long col)
{
	struct plan_range	*p;
	struct a1_area		 area;

	if (b->nplan == cap)
		return (-1);
	p = &b->plan[b->nplan];
	p->sh = sh;
	p->kind = kind;
	p->first = first;
	p->last = last;
	p->col = col;
	if (kind == PLAN_HEADER) {
		area.first_col = area.last_col = 0;
		area.first_row = area.last_row = 1;
	} else {
		area.first_col = area.last_col = (unsigned int)col + 1;
		area.first_row = first;
		area.last_row = last;
	}
	if (a1_format_range(p->a1, sizeof(p->a1), sh->name, &area) == -1)
		return (-1);
	b->nplan++;
	return (0);
}

/*
 * The ranges of one sheet: its header row, then the key and version
 * columns over each run of nearby target rows (or one run for all when
 * gap is 0).
 */
static int
plan_sheet(struct gc_batch *b, size_t cap, struct gc_sheet *sh,
    unsigned int *rows, unsigned int gap)
{
	struct group_commit	*gc = b->gc;
	long			 kc, vc;
	size_t			 i, n = 0;
	unsigned int		 first;

	if (plan_push(b, cap, sh, PLAN_HEADER, 1, 1, -1) == -1)
		return (-1);
	kc = sheet_col(sh, gc->key_header);
	vc = sheet_col(sh, gc->version_header);
	if (kc < 0 || vc < 0)
		return (0);		/* learn the header first */
	for (i = 0; i < b->n; i++) {
		if (b->m[i]->state != M_DONE &&
		    strcmp(b->m[i]->sheet, sh->name) == 0)
			rows[n++] = b->m[i]->row;
	}
	qsort(rows, n, sizeof(*rows), cmp_uint);
	for (i = 0; i < n; ) {
		first = rows[i];
		while (i + 1 < n && (gap == 0 || rows[i + 1] - rows[i] <= gap))
			i++;
		if (plan_push(b, cap, sh, PLAN_KEYS, first, rows[i], kc) ==
		    -1 || plan_push(b, cap, sh, PLAN_VERSIONS, first, rows[i],
		    vc) == -1)
			return (-1);
		i++;
	}
	return (0);
}

/* Plans the verification read of every live member. */
static int
plan_build(struct gc_batch *b, char *err, size_t errsz)
{
	struct group_commit	*gc = b->gc;
	struct gc_sheet		**seen = NULL, *sh;
	unsigned int		*rows = NULL;
	size_t			 cap = gc->cfg.max_ranges, nseen = 0, i, k;
	unsigned int		 gap;
	int			 rc = -1;

	free(b->plan);
	b->nplan = 0;
	if ((b->plan = calloc(cap, sizeof(*b->plan))) == NULL ||
	    (seen = calloc(b->n, sizeof(*seen))) == NULL ||
	    (rows = calloc(b->n, sizeof(*rows))) == NULL) {
		snprintf(err, errsz, "out of memory");
		goto out;
	}
	for (i = 0; i < b->n; i++) {
		if (b->m[i]->state == M_DONE)
			continue;
		if ((sh = sheet_get(gc, b->m[i]->sheet)) == NULL) {
			snprintf(err, errsz, "out of memory");
			goto out;
		}
		for (k = 0; k < nseen && seen[k] != sh; k++)
			;
		if (k == nseen)
			seen[nseen++] = sh;
	}
	/* Spans around nearby rows; one span per sheet if that is too many. */
	for (gap = CLUSTER_GAP; ; gap = 0) {
		b->nplan = 0;
		for (k = 0; k < nseen; k++) {
			if (plan_sheet(b, cap, seen[k], rows, gap) == -1)
				break;
		}
		if (k == nseen) {
			rc = 0;
			break;
		}
		if (gap == 0) {
			snprintf(err, errsz, "verification needs more than "
			    "%zu ranges", cap);
			break;
		}
	}
out:
	free(seen);
	free(rows);
	return (rc);
}

/* The cell the read returned for row of sh in the given column kind. */
static const char *
plan_cell(const struct gc_batch *b, const struct sheets_value_ranges *vrs,
    const struct gc_sheet *sh, enum plan_kind kind, unsigned int row)
{
	const struct sheets_value_range	*vr;
	size_t				 i, idx;

	for (i = 0; i < b->nplan && i < vrs->nranges; i++) {
		if (b->plan[i].sh != sh || b->plan[i].kind != kind ||
		    row < b->plan[i].first || row > b->plan[i].last)
			continue;
		vr = &vrs->ranges[i];
		idx = row - b->plan[i].first;
		if (idx < vr->nrows && vr->rows[idx].ncells > 0)
			return (vr->rows[idx].cells[0]);
		return ("");
	}
	return ("");
}

/* The column the plan read for sh in kind, or -1 if it read none. */
static long
plan_col(const struct gc_batch *b, const struct gc_sheet *sh,
    enum plan_kind kind)
{
	size_t	i;

	for (i = 0; i < b->nplan; i++) {
		if (b->plan[i].sh == sh && b->plan[i].kind == kind)
			return (b->plan[i].col);
	}
	return (-1);
}

/* Another live member before m changes the same row. */
static int
row_taken(const struct gc_batch *b, const struct gc_ticket *m)
{
	size_t	i;

	for (i = 0; i < b->n && b->m[i] != m; i++) {
		if (b->m[i]->state == M_VERIFIED && b->m[i]->row == m->row &&
		    strcmp(b->m[i]->sheet, m->sheet) == 0)
			return (1);
	}
	return (0);
}

static void
ticket_conflict(struct gc_ticket *m, const char *version, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));

static void
ticket_conflict(struct gc_ticket *m, const char *version, const char *fmt,
    ...)
{
	struct gc_outcome	o;
	va_list			ap;

	outcome_init(m, &o, GC_CONFLICT);
	o.maybe_applied = m->maybe;
	snprintf(o.found_version, sizeof(o.found_version), "%s", version);
	va_start(ap, fmt);
	vsnprintf(o.error, sizeof(o.error), fmt, ap);
	va_end(ap);
	ticket_deliver(m, &o);
}

/* Decides m from a read whose columns are still right for its sheet. */
static void
verify_member(struct gc_batch *b, struct gc_ticket *m,
    const struct gc_sheet *sh, const struct sheets_value_ranges *vrs)
{
	struct group_commit	*gc = b->gc;
	const char		*key, *ver;
	size_t			 i;

	for (i = 0; i < m->nwrites; i++) {
		if ((m->cols[i] = sheet_col(sh, m->writes[i].header)) < 0) {
			ticket_fail(m, GC_FAILED, 0, "sheet '%s' has no "
			    "column '%s'", sh->name, m->writes[i].header);
			return;
		}
	}
	m->ver_col = sheet_col(sh, gc->version_header);
	key = plan_cell(b, vrs, sh, PLAN_KEYS, m->row);
	ver = plan_cell(b, vrs, sh, PLAN_VERSIONS, m->row);
	if (!key_matches(key, m->tag)) {
		ticket_conflict(m, ver, "row %u of '%s' holds '%.64s', not "
		    "'%.64s'", m->row, sh->name, key, m->tag);
		return;
	}
	if (m->maybe && strcmp(ver, m->version) == 0) {
		ticket_landed(m);	/* an earlier write of ours landed */
		return;
	}
	if (strcmp(ver, m->expected) != 0) {
		ticket_conflict(m, ver, "version of '%.64s' is '%.64s', "
		    "expected '%.64s'", m->tag, ver, m->expected);
		return;
	}
	m->maybe = 0;			/* not written: the version is old */
	if (row_taken(b, m)) {
		ticket_conflict(m, ver, "an earlier change in the same batch "
		    "changes row %u of '%s'", m->row, sh->name);
		return;
	}
	m->state = M_VERIFIED;
}

/* Takes the verification read in. */
static void
verify_apply(struct gc_batch *b, struct sheets_value_ranges *vrs)
{
	struct group_commit	*gc = b->gc;
	struct gc_sheet		*sh;
	struct gc_ticket	*m;
	long			 kc, vc;
	size_t			 i, k;
	int			 again = 0;

	if (vrs->nranges != b->nplan) {
		batch_fail(b, GC_FAILED, 0, "verification read: %zu ranges "
		    "back for %zu asked", vrs->nranges, b->nplan);
		return;
	}
	for (k = 0; k < b->nplan; k++) {
		if (b->plan[k].kind != PLAN_HEADER)
			continue;
		sh = b->plan[k].sh;
		sheet_table_free(sh->hdr);
		if ((sh->hdr = sheet_table_new(&vrs->ranges[k])) == NULL) {
			batch_fail(b, GC_FAILED, 0, "out of memory");
			return;
		}
		kc = sheet_col(sh, gc->key_header);
		vc = sheet_col(sh, gc->version_header);
		for (i = 0; i < b->n; i++) {
			m = b->m[i];
			if (m->state == M_DONE || strcmp(m->sheet, sh->name))
				continue;
			if (kc < 0 || vc < 0) {
				ticket_fail(m, GC_FAILED, 0, "sheet '%s' has "
				    "no column '%s'", sh->name, kc < 0 ?
				    gc->key_header : gc->version_header);
				continue;
			}
			/* Read at other columns than the header says now. */
			if (plan_col(b, sh, PLAN_KEYS) != kc ||
			    plan_col(b, sh, PLAN_VERSIONS) != vc) {
				m->state = M_WAITING;
				again = 1;
				continue;
			}
			verify_member(b, m, sh, vrs);
		}
	}
	b->verified = !again;
}

/* Writing ------------------------------------------------------------ */

/* Everything one batchUpdate request points into. */
struct write_buf {
	struct sheets_range_data	*data;
	struct sheets_row		*rows;
	struct sheets_cell		*cells;
	char				(*a1)[RANGE_MAX];
	size_t				 ndata;
};

static void
write_buf_free(struct write_buf *w)
{
	free(w->data);
	free(w->rows);
	free(w->cells);
	free(w->a1);
}

static void
ticket_span(const struct gc_ticket *m, long *lo, long *hi)
{
	size_t	i;

	*lo = *hi = m->ver_col;
	for (i = 0; i < m->nwrites; i++) {
		if (m->cols[i] < *lo)
			*lo = m->cols[i];
		if (m->cols[i] > *hi)
			*hi = m->cols[i];
	}
}

/*
 * One range per verified member (its row, from its first to its last
 * written column, untouched cells skipped) and one Metadata range over
 * their reserved rows (rows of others in between skipped).
 */
static int
write_build(struct gc_batch *b, struct write_buf *w, char *err,
    size_t errsz)
{
	struct group_commit	*gc = b->gc;
	struct gc_ticket	*m, **byrow = NULL;
	struct sheets_cell	*cells;
	struct a1_area		 area;
	size_t			 i, k, nm = 0, ncells = 0, nrows, cu = 0, ru = 0;
	size_t			 width = 0;
	unsigned int		 lo_row = 0, hi_row = 0, r;
	long			 lo, hi;
	int			 rc = -1;

	memset(w, 0, sizeof(*w));
	for (i = 0; i < b->n; i++) {
		m = b->m[i];
		if (m->state != M_VERIFIED)
			continue;
		nm++;
		ticket_span(m, &lo, &hi);
		ncells += (size_t)(hi - lo + 1);
		if (lo_row == 0 || m->meta_row < lo_row)
			lo_row = m->meta_row;
		if (m->meta_row > hi_row)
			hi_row = m->meta_row;
		if (m->naudit > width)
			width = m->naudit;
	}
	nrows = hi_row - lo_row + 1;
	ncells += nrows * width;
	if ((w->data = calloc(nm + 1, sizeof(*w->data))) == NULL ||
	    (w->rows = calloc(nm + nrows, sizeof(*w->rows))) == NULL ||
	    (w->cells = calloc(ncells, sizeof(*w->cells))) == NULL ||
	    (w->a1 = calloc(nm + 1, sizeof(*w->a1))) == NULL ||
	    (byrow = calloc(nrows, sizeof(*byrow))) == NULL) {
		snprintf(err, errsz, "out of memory");
		goto out;
	}
	for (i = 0; i < ncells; i++)
		w->cells[i].kind = SHEETS_CELL_SKIP;

	for (i = 0; i < b->n; i++) {
		m = b->m[i];
		if (m->state != M_VERIFIED)
			continue;
		byrow[m->meta_row - lo_row] = m;
		ticket_span(m, &lo, &hi);
		cells = &w->cells[cu];
		cu += (size_t)(hi - lo + 1);
		for (k = 0; k < m->nwrites; k++)
			cells[m->cols[k] - lo] = m->writes[k].value;
		cells[m->ver_col - lo].kind = SHEETS_CELL_TEXT;
		cells[m->ver_col - lo].text = m->version;
		w->rows[ru].cells = cells;
		w->rows[ru].ncells = (size_t)(hi - lo + 1);
		area.first_col = (unsigned int)lo + 1;
		area.last_col = (unsigned int)hi + 1;
		area.first_row = area.last_row = m->row;
		if (a1_format_range(w->a1[w->ndata], sizeof(w->a1[0]),
		    m->sheet, &area) == -1) {
			snprintf(err, errsz, "cannot name row %u of '%s'",
			    m->row, m->sheet);
			goto out;
		}
		w->data[w->ndata].range = w->a1[w->ndata];
		w->data[w->ndata].rows = &w->rows[ru++];
		w->data[w->ndata].nrows = 1;
		w->ndata++;
	}

	area.first_col = 1;
	area.last_col = (unsigned int)width;
	area.first_row = lo_row;
	area.last_row = hi_row;
	if (a1_format_range(w->a1[w->ndata], sizeof(w->a1[0]),
	    gc->metadata_sheet, &area) == -1) {
		snprintf(err, errsz, "cannot name Metadata rows %u-%u",
		    lo_row, hi_row);
		goto out;
	}
	w->data[w->ndata].range = w->a1[w->ndata];
	w->data[w->ndata].rows = &w->rows[ru];
	w->data[w->ndata].nrows = nrows;
	w->ndata++;
	for (r = 0; r < nrows; r++, ru++) {
		cells = &w->cells[cu];
		cu += width;
		if ((m = byrow[r]) != NULL) {
			for (k = 0; k < width; k++)
				cells[k] = m->audit[k];
		}
		w->rows[ru].cells = cells;
		w->rows[ru].ncells = width;
	}
	rc = 0;
out:
	free(byrow);
	if (rc == -1)
		write_buf_free(w);
	return (rc);
}

/* Starting calls ----------------------------------------------------- */

static void	on_sheets(void *, struct sheets_result *);
static void	on_redis(void *, enum redis_pool_status, const redisReply *);

static void
start_sheets(struct gc_batch *b)
{
	struct group_commit	*gc = b->gc;
	struct write_buf	 w;
	const char		*ranges[1], **list;
	char			 err[GC_ERROR_MAX], a1[RANGE_MAX];
	struct a1_area		 col_a = { 1, 0, 1, 0 };
	uint64_t		 timeout = batch_call_timeout(b);
	size_t			 i;

	err[0] = '\0';
	b->call_id = 0;
	switch (b->act) {
	case ACT_VERIFY:
		if (plan_build(b, err, sizeof(err)) == -1)
			break;
		if ((list = calloc(b->nplan, sizeof(*list))) == NULL) {
			snprintf(err, sizeof(err), "out of memory");
			break;
		}
		for (i = 0; i < b->nplan; i++)
			list[i] = b->plan[i].a1;
		gc->stats.reads++;
		b->call_id = sheets_batch_get(gc->sc, list, b->nplan,
		    SHEETS_RENDER_FORMATTED, timeout, on_sheets, b, err,
		    sizeof(err));
		free(list);
		break;
	case ACT_COUNT:
		if (a1_format_range(a1, sizeof(a1), gc->metadata_sheet,
		    &col_a) == -1) {
			snprintf(err, sizeof(err), "bad Metadata sheet name");
			break;
		}
		ranges[0] = a1;
		gc->stats.reads++;
		b->call_id = sheets_batch_get(gc->sc, ranges, 1,
		    SHEETS_RENDER_FORMATTED, timeout, on_sheets, b, err,
		    sizeof(err));
		break;
	case ACT_GRID:
		gc->stats.reads++;
		b->call_id = sheets_get_spreadsheet(gc->sc, timeout, on_sheets,
		    b, err, sizeof(err));
		break;
	case ACT_GROW:
		gc->stats.writes++;
		b->call_id = sheets_append_dimension(gc->sc, gc->meta_sheet_id,
		    SHEETS_DIM_ROWS, b->grow_by, timeout, on_sheets, b, err,
		    sizeof(err));
		break;
	case ACT_WRITE:
		if (write_build(b, &w, err, sizeof(err)) == -1)
			break;
		gc->stats.writes++;
		b->call_id = sheets_batch_update(gc->sc,
		    SHEETS_INPUT_USER_ENTERED, w.data, w.ndata, timeout,
		    on_sheets, b, err, sizeof(err));
		write_buf_free(&w);
		for (i = 0; b->call_id != 0 && i < b->n; i++) {
			if (b->m[i]->state == M_VERIFIED) {
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
		if ((b->act == ACT_VERIFY || b->act == ACT_WRITE) &&
		    batch_split(b, 0) == 0)
			return;
		batch_fail(b, GC_FAILED, 0, "%s", err);
		batch_advance(b);
		return;
	}
	b->step = STEP_SHEETS;
}

static void
on_limit(void *arg, const struct sheets_limit_reply *r)
{
	struct gc_batch	*b = arg;

	b->lop = NULL;
	b->step = STEP_IDLE;
	if (r->result == SHEETS_LIMIT_WAIT) {
		batch_fail(b, GC_TIMEOUT, r->wait_ms, "Sheets %s budget "
		    "exhausted; a request frees in %llu ms", b->act == ACT_GROW ||
		    b->act == ACT_WRITE ? "write" : "read",
		    (unsigned long long)r->wait_ms);
		batch_advance(b);
		return;
	}
	start_sheets(b);
}

/* Waits for the limiter, then makes the Sheets call of act. */
static void
batch_call(struct gc_batch *b, enum batch_act act, enum sheets_quota_kind k)
{
	b->act = act;
	b->step = STEP_LIMIT;
	b->lop = sheets_limiter_acquire(b->gc->lim, k, batch_deadline(b),
	    on_limit, b);
	if (b->lop == NULL) {
		b->step = STEP_IDLE;
		batch_fail(b, GC_FAILED, 0, "out of memory");
		batch_advance(b);
	}
}

static const char *
reserve_sha_hex(void)
{
	unsigned char	md[SHA_DIGEST_LENGTH];
	size_t		i;

	if (reserve_sha[0] == '\0') {
		SHA1((const unsigned char *)reserve_script,
		    strlen(reserve_script), md);
		for (i = 0; i < sizeof(md); i++)
			snprintf(&reserve_sha[i * 2], 3, "%02x", md[i]);
	}
	return (reserve_sha);
}

static void
batch_redis(struct gc_batch *b, enum batch_act act, unsigned int used)
{
	struct group_commit	*gc = b->gc;
	enum redis_pool_status	 why;
	const char		*argv[5];
	char			 n[24];
	uint64_t		 deadline;
	size_t			 i;

	deadline = now_ms(gc) + gc->cfg.redis_timeout_ms;
	if (batch_deadline(b) < deadline)
		deadline = batch_deadline(b);
	b->act = act;
	if (act == ACT_RESERVE) {
		b->reserve_n = 0;
		for (i = 0; i < b->n; i++) {
			if (b->m[i]->state == M_VERIFIED &&
			    b->m[i]->meta_row == 0)
				b->reserve_n++;
		}
		snprintf(n, sizeof(n), "%u", b->reserve_n);
		argv[0] = b->evaled ? "EVAL" : "EVALSHA";
		argv[1] = b->evaled ? reserve_script : reserve_sha_hex();
		argv[2] = "1";
		argv[3] = gc->counter;
		argv[4] = n;
		b->cmd = redis_pool_submit(gc->pool, on_redis, b, deadline, 5,
		    argv, NULL, &why);
	} else {
		b->cmd = redis_pool_submitf(gc->pool, on_redis, b, deadline,
		    &why, "SET %s %u NX", gc->counter, used);
	}
	if (b->cmd == NULL) {
		batch_fail(b, GC_FAILED, 0, "cannot number the audit rows: "
		    "Redis %s", redis_pool_status_name(why));
		batch_advance(b);
		return;
	}
	b->step = STEP_REDIS;
}

/* Completions -------------------------------------------------------- */

static void
on_redis(void *arg, enum redis_pool_status st, const redisReply *reply)
{
	struct gc_batch		*b = arg;
	struct group_commit	*gc = b->gc;
	long long		 last, row;
	size_t			 i;

	b->cmd = NULL;
	b->step = STEP_IDLE;
	if (st == REDIS_POOL_OK && reply->type == REDIS_REPLY_ERROR &&
	    b->act == ACT_RESERVE && !b->evaled &&
	    strncmp(reply->str, "NOSCRIPT", 8) == 0) {
		b->evaled = 1;
		batch_redis(b, ACT_RESERVE, 0);
		return;
	}
	if (st != REDIS_POOL_OK || reply->type == REDIS_REPLY_ERROR ||
	    (b->act == ACT_RESERVE && reply->type != REDIS_REPLY_INTEGER)) {
		batch_fail(b, GC_FAILED, 0, "cannot number the audit rows: "
		    "Redis %s", st != REDIS_POOL_OK ?
		    redis_pool_status_name(st) : "error reply");
		batch_advance(b);
		return;
	}
	if (b->act == ACT_COUNT_SET) {
		gc->counter_ready = 1;	/* set now, by us or another */
		batch_advance(b);
		return;
	}
	if ((last = reply->integer) < 0) {
		gc->counter_ready = 0;	/* lost (a flushed Redis): start it */
		batch_advance(b);
		return;
	}
	if (last > A1_MAX_ROW || last < (long long)b->reserve_n) {
		batch_fail(b, GC_FAILED, 0, "Metadata row counter at %lld",
		    last);
		batch_advance(b);
		return;
	}
	row = last - b->reserve_n + 1;
	for (i = 0; i < b->n; i++) {
		if (b->m[i]->state == M_VERIFIED && b->m[i]->meta_row == 0)
			b->m[i]->meta_row = (unsigned int)row++;
	}
	batch_advance(b);
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
			ticket_landed(m);
		} else if (res->class != SHEETS_RETRYABLE) {
			/* Refused: an atomic batch that was not applied. */
			m->maybe = 0;
			if (m->state != M_DONE)
				ticket_fail(m, GC_FAILED, 0, "write refused: "
				    "%s", res->error);
		}
	}
	if (res->class == SHEETS_RETRYABLE) {
		/* Its fate is unknown: read again before writing again. */
		b->verified = 0;
		b->gc->stats.retries++;
		batch_backoff(b);
		return;
	}
	batch_advance(b);
}

static void
on_sheets(void *arg, struct sheets_result *res)
{
	struct gc_batch			*b = arg;
	struct group_commit		*gc = b->gc;
	const struct sheets_sheet	*sh;
	size_t				 used;

	b->call_id = 0;
	b->step = STEP_IDLE;
	if (b->act == ACT_WRITE) {
		on_write(b, res);
		return;
	}
	if (res->class == SHEETS_RETRYABLE) {
		batch_backoff(b);
		return;
	}
	if (res->class != SHEETS_OK) {
		if (b->act == ACT_VERIFY && refusal_splits(res) &&
		    batch_split(b, 0) == 0)
			return;
		batch_fail(b, GC_FAILED, 0, "%s", res->error);
		batch_advance(b);
		return;
	}
	switch (b->act) {
	case ACT_VERIFY:
		verify_apply(b, &res->value_ranges);
		break;
	case ACT_COUNT:
		/* Row 1 is the header even on an empty sheet. */
		used = res->value_ranges.nranges > 0 ?
		    res->value_ranges.ranges[0].nrows : 0;
		batch_redis(b, ACT_COUNT_SET, used > 0 ? (unsigned int)used :
		    1);
		return;
	case ACT_GRID:
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
	case ACT_GROW:
		gc->meta_rows += b->grow_by;
		break;
	default:
		break;
	}
	batch_advance(b);
}

/*
 * Starts the next step of b, or frees it when no member is left to
 * answer.  b has nothing in flight here.
 */
static void
batch_advance(struct gc_batch *b)
{
	struct group_commit	*gc = b->gc;
	unsigned int		 need = 0, top = 0;
	size_t			 i;

	if (batch_live(b) == 0) {
		if (gc->active == b)
			gc->active = NULL;
		batch_free(b);
		return;
	}
	if (!b->verified) {
		batch_call(b, ACT_VERIFY, SHEETS_QUOTA_READ);
		return;
	}
	for (i = 0; i < b->n; i++) {
		if (b->m[i]->state != M_VERIFIED)
			continue;
		if (b->m[i]->meta_row == 0)
			need++;
		else if (b->m[i]->meta_row > top)
			top = b->m[i]->meta_row;
	}
	if (need > 0) {
		if (gc->counter_ready)
			batch_redis(b, ACT_RESERVE, 0);
		else
			batch_call(b, ACT_COUNT, SHEETS_QUOTA_READ);
		return;
	}
	if (!gc->meta_known) {
		batch_call(b, ACT_GRID, SHEETS_QUOTA_READ);
		return;
	}
	if ((long long)top + gc->cfg.grid_margin_rows > gc->meta_rows) {
		if (!b->grid_fresh) {
			/* Another instance may have grown it already. */
			gc->meta_known = 0;
			batch_call(b, ACT_GRID, SHEETS_QUOTA_READ);
			return;
		}
		b->grow_by = gc->cfg.grid_grow_rows;
		if ((long long)top + gc->cfg.grid_margin_rows - gc->meta_rows >
		    b->grow_by)
			b->grow_by = (unsigned int)(top +
			    gc->cfg.grid_margin_rows - gc->meta_rows);
		batch_call(b, ACT_GROW, SHEETS_QUOTA_WRITE);
		return;
	}
	batch_call(b, ACT_WRITE, SHEETS_QUOTA_WRITE);
}

/* The public face ---------------------------------------------------- */

struct group_commit *
group_commit_new(const struct group_commit_config *cfg,
    struct sheets_client *sc, struct redis_pool *pool,
    struct sheets_limiter *lim, struct io_loop *loop, char *err,
    size_t errsz)
{
	struct group_commit	*gc;
	int			 n;

	if (sc == NULL || pool == NULL || lim == NULL || loop == NULL ||
	    cfg->spreadsheet_id == NULL || cfg->spreadsheet_id[0] == '\0' ||
	    strlen(cfg->spreadsheet_id) > 128) {
		snprintf(err, errsz, "group commit: client, pool, limiter, "
		    "loop and spreadsheet id are required");
		return (NULL);
	}
	if (cfg->max_batch == 0 || cfg->max_ranges < 4 ||
	    cfg->max_batch + 1 > cfg->max_ranges) {
		snprintf(err, errsz, "group commit: max_batch must be 1 to "
		    "max_ranges - 1");
		return (NULL);
	}
	if ((gc = calloc(1, sizeof(*gc))) == NULL) {
		snprintf(err, errsz, "group commit: out of memory");
		return (NULL);
	}
	gc->cfg = *cfg;
	if (copy_str(gc->metadata_sheet, sizeof(gc->metadata_sheet),
	    cfg->metadata_sheet) == -1 || gc->metadata_sheet[0] == '\0' ||
	    copy_str(gc->key_header, sizeof(gc->key_header),
	    cfg->key_header) == -1 || gc->key_header[0] == '\0' ||
	    copy_str(gc->version_header, sizeof(gc->version_header),
	    cfg->version_header) == -1 || gc->version_header[0] == '\0') {
		snprintf(err, errsz, "group commit: bad sheet or header name");
		free(gc);
		return (NULL);
	}
	gc->cfg.metadata_sheet = gc->metadata_sheet;
	gc->cfg.key_header = gc->key_header;
	gc->cfg.version_header = gc->version_header;
	gc->cfg.spreadsheet_id = NULL;
	n = snprintf(gc->counter, sizeof(gc->counter),
	    "zeues:metadata_rows:%s:%s", cfg->spreadsheet_id,
	    gc->metadata_sheet);
	if (n < 0 || (size_t)n >= sizeof(gc->counter)) {
		snprintf(err, errsz, "group commit: counter key too long");
		free(gc);
		return (NULL);
	}
	gc->sc = sc;
	gc->pool = pool;
	gc->lim = lim;
	gc->loop = loop;
	gc->counter_ready = 1;		/* until Redis says otherwise */
	TAILQ_INIT(&gc->queue);
	return (gc);
}

void
group_commit_free(struct group_commit *gc)
{
	struct gc_batch	*b;
	struct gc_sheet	*sh;

	if (gc == NULL)
		return;
	if (gc->open != NULL)
		batch_free(gc->open);
	while ((b = TAILQ_FIRST(&gc->queue)) != NULL) {
		TAILQ_REMOVE(&gc->queue, b, entry);
		batch_free(b);
	}
	if (gc->active != NULL)
		batch_free(gc->active);
	while ((sh = gc->sheets) != NULL) {
		gc->sheets = sh->next;
		sheet_table_free(sh->hdr);
		free(sh->name);
		free(sh);
	}
	free(gc);
}

/* Answers the members of b whose deadline passed. */
static void
batch_expire(struct gc_batch *b, uint64_t now)
{
	struct gc_ticket	*m;
	size_t			 i;

	for (i = 0; i < b->n; i++) {
		m = b->m[i];
		if (m->state == M_DONE || now < m->deadline_ms)
			continue;
		ticket_fail(m, GC_TIMEOUT, 0, m->maybe ? "deadline passed "
		    "with its write unconfirmed: it landed whole or not at "
		    "all" : "deadline passed before it could be written");
	}
}

void
group_commit_tick(struct group_commit *gc, uint64_t now)
{
	struct gc_batch	*b, *next;

	/* Callbacks below may only add to gc->open or cancel. */
	if (gc->open != NULL)
		batch_expire(gc->open, now);
	TAILQ_FOREACH(b, &gc->queue, entry)
		batch_expire(b, now);
	if (gc->active != NULL)
		batch_expire(gc->active, now);

	for (b = TAILQ_FIRST(&gc->queue); b != NULL; b = next) {
		next = TAILQ_NEXT(b, entry);
		if (batch_live(b) == 0) {
			TAILQ_REMOVE(&gc->queue, b, entry);
			batch_free(b);
		}
	}
	/* A write in flight is waited for: if it lands, the cache hears. */
	if (gc->active != NULL && batch_live(gc->active) == 0 &&
	    !(gc->active->step == STEP_SHEETS &&
	    gc->active->act == ACT_WRITE)) {
		batch_free(gc->active);
		gc->active = NULL;
	}
	/*
	 * The open batch keeps gathering while another is on its way and
	 * for min_interval_ms after the last one started: under sustained
	 * load batches grow instead of queueing up, and the quota is spent
	 * evenly instead of in one burst that leaves the rest of the minute
	 * without writes.
	 */
	if (gc->open != NULL && (batch_live(gc->open) == 0 ||
	    (now >= gc->open->opened_ms + gc->cfg.window_ms &&
	    gc->active == NULL && TAILQ_EMPTY(&gc->queue) &&
	    now >= gc->last_start_ms + gc->cfg.min_interval_ms))) {
		if (batch_live(gc->open) == 0)
			batch_free(gc->open);
		else
			TAILQ_INSERT_TAIL(&gc->queue, gc->open, entry);
		gc->open = NULL;
	}

	if (gc->active == NULL && (b = TAILQ_FIRST(&gc->queue)) != NULL) {
		TAILQ_REMOVE(&gc->queue, b, entry);
		gc->active = b;
		gc->last_start_ms = now;
		gc->stats.batches++;
		batch_advance(b);
	} else if (gc->active != NULL && gc->active->step == STEP_BACKOFF &&
	    now >= gc->active->retry_at) {
		gc->active->step = STEP_IDLE;
		batch_advance(gc->active);
	}
}

struct gc_ticket *
group_commit_submit(struct group_commit *gc, const struct gc_change *c,
    uint64_t deadline_ms, gc_done_fn *done, void *arg, char *err,
    size_t errsz)
{
	struct gc_ticket	*m;

	if (done == NULL) {
		snprintf(err, errsz, "change: no callback");
		return (NULL);
	}
	if (valid_change(gc, c, err, errsz) == -1)
		return (NULL);
	if ((m = ticket_new(gc, c, deadline_ms, done, arg)) == NULL) {
		snprintf(err, errsz, "change: out of memory");
		return (NULL);
	}
	if (gc->open == NULL && (gc->open = batch_new(gc)) == NULL) {
		ticket_free(m);
		snprintf(err, errsz, "change: out of memory");
		return (NULL);
	}
	if (batch_add(gc->open, m) == -1) {
		ticket_free(m);
		snprintf(err, errsz, "change: out of memory");
		return (NULL);
	}
	/* A full batch waits no longer; the next change opens another. */
	if (gc->open->n >= gc->cfg.max_batch) {
		TAILQ_INSERT_TAIL(&gc->queue, gc->open, entry);
		gc->open = NULL;
	}
	return (m);
}

void
group_commit_cancel(struct gc_ticket *m)
{
	m->done = NULL;
	m->state = M_DONE;
}

void
group_commit_stats(const struct group_commit *gc,
    struct group_commit_stats *out)
{
	*out = gc->stats;
}
