/*
 * Group commit of row changes with reserved audit rows; see group_commit.h.
 *
 * One batch is in flight at a time per group commit (one per worker):
 * while it is, new changes gather in the next window, so under load the
 * batches grow instead of multiplying.  Here changes are taken in and
 * batches scheduled; group_commit_batch.c takes the batch in flight
 * through its steps.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "group_commit.h"
#include "group_commit_batch.h"

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

static int
copy_str(char *dst, size_t len, const char *src)
{
	int	n = snprintf(dst, len, "%s", src != NULL ? src : "");

	return (n < 0 || (size_t)n >= len ? -1 : 0);
}

struct group_commit *
group_commit_new(const struct group_commit_config *cfg,
    struct sheets_client *sc, struct redis_pool *pool,
    struct sheets_limiter *lim, struct io_loop *loop, char *err,
    size_t errsz)
{
	struct group_commit	*gc;

	if (sc == NULL || pool == NULL || lim == NULL || loop == NULL ||
	    cfg->spreadsheet_id == NULL || cfg->spreadsheet_id[0] == '\0' ||
	    strlen(cfg->spreadsheet_id) > AUDIT_ROWS_ID_MAX) {
		snprintf(err, errsz, "group commit: client, pool, limiter, "
		    "loop and spreadsheet id are required");
		return (NULL);
	}
	/* The largest change, a range per other row, fits a call alone. */
	if (cfg->max_batch == 0 || cfg->max_ranges < GC_ROWS_MAX + 2 ||
	    cfg->max_batch + 1 > cfg->max_ranges) {
		snprintf(err, errsz, "group commit: max_ranges must be at "
		    "least %d, max_batch 1 to max_ranges - 1",
		    GC_ROWS_MAX + 2);
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
	gc->home.applied = cfg->applied;
	gc->home.applied_arg = cfg->applied_arg;
	gc->home.key_header = gc->key_header;
	gc->home.version_header = gc->version_header;
	if (audit_rows_key(gc->counter, sizeof(gc->counter),
	    cfg->spreadsheet_id, gc->metadata_sheet) == -1) {
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
		gc_batch_free(gc->open);
	while ((b = TAILQ_FIRST(&gc->queue)) != NULL) {
		TAILQ_REMOVE(&gc->queue, b, entry);
		gc_batch_free(b);
	}
	if (gc->active != NULL)
		gc_batch_free(gc->active);
	while ((sh = gc->sheets) != NULL) {
		gc->sheets = sh->next;
		sheet_table_free(sh->hdr);
		free(sh->name);
		free(sh);
	}
	free(gc);
}

void
group_commit_tick(struct group_commit *gc, uint64_t now)
{
	struct gc_batch	*b, *next;

	/* Callbacks below may only add to gc->open or cancel. */
	if (gc->open != NULL)
		gc_batch_expire(gc->open, now);
	TAILQ_FOREACH(b, &gc->queue, entry)
		gc_batch_expire(b, now);
	if (gc->active != NULL)
		gc_batch_expire(gc->active, now);

	for (b = TAILQ_FIRST(&gc->queue); b != NULL; b = next) {
		next = TAILQ_NEXT(b, entry);
		if (gc_batch_live(b) == 0) {
			TAILQ_REMOVE(&gc->queue, b, entry);
			gc_batch_free(b);
		}
	}
	/* A write in flight is waited for: if it lands, the cache hears. */
	if (gc->active != NULL && gc_batch_live(gc->active) == 0 &&
	    !(gc->active->step == GC_STEP_SHEETS &&
	    gc->active->act == GC_ACT_WRITE)) {
		gc_batch_free(gc->active);
		gc->active = NULL;
	}
	/*
	 * The open batch keeps gathering while another is on its way and
	 * for min_interval_ms after the last one started: under sustained
	 * load batches grow instead of queueing up, and the quota is spent
	 * evenly instead of in one burst that leaves the rest of the minute
	 * without writes.
	 */
	if (gc->open != NULL && (gc_batch_live(gc->open) == 0 ||
	    (now >= gc->open->opened_ms + gc->cfg.window_ms &&
	    gc->active == NULL && TAILQ_EMPTY(&gc->queue) &&
	    now >= gc->last_start_ms + gc->cfg.min_interval_ms))) {
		if (gc_batch_live(gc->open) == 0)
			gc_batch_free(gc->open);
		else
			TAILQ_INSERT_TAIL(&gc->queue, gc->open, entry);
		gc->open = NULL;
	}

	if (gc->active == NULL && (b = TAILQ_FIRST(&gc->queue)) != NULL) {
		TAILQ_REMOVE(&gc->queue, b, entry);
		gc->active = b;
		gc->last_start_ms = now;
		gc->home.stats.batches++;
		gc_batch_advance(b);
	} else if (gc->active != NULL && gc->active->step == GC_STEP_BACKOFF &&
	    now >= gc->active->retry_at) {
		gc->active->step = GC_STEP_IDLE;
		gc_batch_advance(gc->active);
	}
}

static struct gc_ticket *
submit(struct group_commit *gc, const struct gc_change *c,
    uint64_t deadline_ms, int maybe, gc_done_fn *done, void *arg, char *err,
    size_t errsz)
{
	struct gc_ticket	*m;
	struct gc_batch		*b;

	if (done == NULL) {
		snprintf(err, errsz, "change: no callback");
		return (NULL);
	}
	if (maybe && (c->new_version == NULL || c->new_version[0] == '\0')) {
		snprintf(err, errsz, "change: a replay names its new version");
		return (NULL);
	}
	if (gc_ticket_check(&gc->home, c, err, errsz) == -1)
		return (NULL);
	if ((m = gc_ticket_new(&gc->home, c, deadline_ms, done, arg)) == NULL) {
		snprintf(err, errsz, "change: out of memory");
		return (NULL);
	}
	/* Its row holding the new version is then this change landed. */
	m->maybe = maybe;
	/*
	 * Slot first: a batch still waiting for its write's slot takes the
	 * change in, so that whatever arrives before the slot leaves in it
	 * rather than one slot later.  It shares the batch's wait: were the
	 * limiter to refuse the slot before the batch's latest deadline
	 * (a long 429 pause), it is answered with the batch.
	 */
	if ((b = gc->active) != NULL && gc->cfg.slot_first &&
	    gc->open == NULL && b->step == GC_STEP_LIMIT &&
	    b->act == GC_ACT_SLOT && b->n + 1 <= gc->cfg.max_batch &&
	    b->ranges + m->ranges + 1 <= gc->cfg.max_ranges) {
		if (gc_batch_add(b, m) == -1) {
			gc_ticket_free(m);
			snprintf(err, errsz, "change: out of memory");
			return (NULL);
		}
		b->ranges += m->ranges;
		return (m);
	}
	/*
	 * A write carries whole changes and the Metadata range: a change
	 * that would not fit the open batch's write goes to the next one.
	 */
	if (gc->open != NULL && gc->open->n > 0 &&
	    gc->open->ranges + m->ranges + 1 > gc->cfg.max_ranges) {
		TAILQ_INSERT_TAIL(&gc->queue, gc->open, entry);
		gc->open = NULL;
	}
	if (gc->open == NULL && (gc->open = gc_batch_new(gc)) == NULL) {
		gc_ticket_free(m);
		snprintf(err, errsz, "change: out of memory");
		return (NULL);
	}
	if (gc_batch_add(gc->open, m) == -1) {
		gc_ticket_free(m);
		snprintf(err, errsz, "change: out of memory");
		return (NULL);
	}
	gc->open->ranges += m->ranges;
	/* A full batch waits no longer; the next change opens another. */
	if (gc->open->n >= gc->cfg.max_batch ||
	    gc->open->ranges + 2 > gc->cfg.max_ranges) {
		TAILQ_INSERT_TAIL(&gc->queue, gc->open, entry);
		gc->open = NULL;
	}
	return (m);
}

struct gc_ticket *
group_commit_submit(struct group_commit *gc, const struct gc_change *c,
    uint64_t deadline_ms, gc_done_fn *done, void *arg, char *err,
    size_t errsz)
{
	return (submit(gc, c, deadline_ms, 0, done, arg, err, errsz));
}

struct gc_ticket *
group_commit_submit_replay(struct group_commit *gc, const struct gc_change *c,
    uint64_t deadline_ms, gc_done_fn *done, void *arg, char *err,
    size_t errsz)
{
	return (submit(gc, c, deadline_ms, 1, done, arg, err, errsz));
}

void
group_commit_cancel(struct gc_ticket *m)
{
	m->done = NULL;
	m->state = TICKET_DONE;
}

int
group_commit_writing(const struct group_commit *gc)
{
	return ((gc->active != NULL && gc->active->step == GC_STEP_SHEETS &&
	    gc->active->act == GC_ACT_WRITE) ||
	    io_loop_now(gc->loop) < gc->write_doubt_until);
}

void
group_commit_stats(const struct group_commit *gc,
    struct group_commit_stats *out)
{
	*out = gc->home.stats;
}
