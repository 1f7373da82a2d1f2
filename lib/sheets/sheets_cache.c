/*
 * The read cache of the workbook's tables; see sheets_cache.h.  Here are
 * the readers, the refreshes that read Sheets and the tables with the
 * writes noted into them; the shared mode and the journal of noted
 * writes are sheets_cache_shared.c, the state both use
 * sheets_cache_private.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache_share.h"
#include "sheets_cache_private.h"

/*
 * Uniones left out (no such sheet, no key column, too big to share a
 * reply) is asked for again this long after: a workbook migrated while
 * the server runs gets its unions within a minute, and one that is not
 * costs one refused read a minute.
 */
#define UNIONES_RETRY_MS	60000

struct sheets_cache_wait {
	TAILQ_ENTRY(sheets_cache_wait)	 entry;
	struct sheets_cache		*cache;
	uint64_t			 serial;
	uint64_t			 deadline_ms;
	int				 ready;		/* answer on the tick */
	sheets_cache_fn			*cb;
	void				*arg;
};

void
sheets_cache_config_defaults(struct sheets_cache_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->sheet[SHEETS_CACHE_OPERACIONES] = "Operaciones";
	cfg->sheet[SHEETS_CACHE_TRABAJADORES] = "Trabajadores";
	cfg->sheet[SHEETS_CACHE_ROLES] = "Roles";
	cfg->sheet[SHEETS_CACHE_UNIONES] = "Uniones";
	cfg->key_header[SHEETS_CACHE_OPERACIONES] = "TAG_SPOOL";
	cfg->key_header[SHEETS_CACHE_TRABAJADORES] = "Id";
	cfg->key_header[SHEETS_CACHE_UNIONES] = "ID";
	cfg->group_header[SHEETS_CACHE_UNIONES] = "TAG_SPOOL";
	cfg->ttl_ms = 15000;
	cfg->max_stale_ms = 300000;
	cfg->refresh_timeout_ms = 20000;
	cfg->retry_ms = 2000;
}

/* A failed cache with no reader retries after this many retry_ms. */
#define IDLE_RETRY_FACTOR	5

static uint64_t
now_ms(const struct sheets_cache *c)
{
	return (io_loop_now(c->loop));
}

static void
tables_clear(struct cache_table *tab)
{
	int	i;

	for (i = 0; i < SHEETS_CACHE_TABLES; i++) {
		sheet_table_free(tab[i].t);
		memset(&tab[i], 0, sizeof(tab[i]));
	}
}

static void
rider_got_clear(struct sheets_cache *c)
{
	size_t	k;

	for (k = 0; k < SHEETS_CACHE_RIDER_MAX; k++) {
		sheets_value_range_clear(&c->rider_got[k]);
		free(c->rider_asked[k]);
		c->rider_asked[k] = NULL;
	}
	c->nrider_got = 0;
}

static enum sheets_cache_status
status_at(const struct sheets_cache *c, uint64_t now)
{
	uint64_t	age;

	if (!c->have)
		return (SHEETS_CACHE_UNAVAILABLE);
	age = now > c->loaded_ms ? now - c->loaded_ms : 0;
	if (!c->expired && age < c->cfg.ttl_ms)
		return (SHEETS_CACHE_FRESH);
	if (age < c->cfg.max_stale_ms)
		return (SHEETS_CACHE_STALE);
	return (SHEETS_CACHE_UNAVAILABLE);
}

static void
view_fill(const struct sheets_cache *c, struct sheets_cache_view *v)
{
	uint64_t	now = now_ms(c);
	int		i;

	memset(v, 0, sizeof(*v));
	v->status = status_at(c, now);
	v->generation = c->generation;
	v->age_ms = c->have && now > c->loaded_ms ? now - c->loaded_ms : 0;
	v->error = c->error;
	if (v->status == SHEETS_CACHE_UNAVAILABLE) {
		if (c->error[0] == '\0')
			v->error = c->have ? "cached tables too old" :
			    "the tables have not been read yet";
		return;
	}
	for (i = 0; i < SHEETS_CACHE_TABLES; i++)
		v->table[i] = c->tab[i].t;
}

/* Answers w and frees it. */
static void
wait_deliver(struct sheets_cache_wait *w)
{
	struct sheets_cache		*c = w->cache;
	struct sheets_cache_view	 v;
	sheets_cache_fn			*cb = w->cb;
	void				*arg = w->arg;

	TAILQ_REMOVE(&c->waits, w, entry);
	free(w);
	view_fill(c, &v);
	cb(arg, &v);
}

void
cache_deliver_waiting(struct sheets_cache *c)
{
	struct sheets_cache_wait	*w;
	uint64_t			 upto = c->serial;

	/* A callback may read or cancel: rescan after each. */
	for (;;) {
		TAILQ_FOREACH(w, &c->waits, entry) {
			if (w->serial <= upto)
				break;
		}
		if (w == NULL)
			return;
		wait_deliver(w);
	}
}

void
cache_table_apply(struct sheets_cache *c, int i, const char *tag,
    const char *header, const char *value)
{
	struct cache_table	*ct = &c->tab[i];
	struct sheets_value_row	*row;
	char			**cells, *v;
	long			 r, col;
	size_t			 k;

	if (ct->t == NULL || c->key[i][0] == '\0' ||
	    (r = sheet_table_find(ct->t, tag)) < 0 ||
	    (col = sheet_table_column(ct->t, header)) < 0 ||
	    col == sheet_table_column(ct->t, c->key[i]) ||
	    (c->group[i][0] != '\0' &&
	    col == sheet_table_column(ct->t, c->group[i])) ||
	    (size_t)r + 1 >= ct->nrows)
		return;
	row = &ct->rows[r + 1];
	if ((size_t)col >= row->ncells) {
		/* Ragged rows stop at their last value: widen this one. */
		if ((cells = reallocarray(row->cells, (size_t)col + 1,
		    sizeof(*cells))) == NULL)
			return;
		row->cells = cells;
		for (k = row->ncells; k <= (size_t)col; k++) {
			if ((cells[k] = strdup("")) == NULL)
				return;
			row->ncells = k + 1;
		}
	}
	if ((v = strdup(value)) == NULL)
		return;
	free(row->cells[col]);
	row->cells[col] = v;
}

static int
table_of(const struct sheets_cache *c, const char *sheet)
{
	int	i;

	for (i = 0; i < SHEETS_CACHE_TABLES; i++) {
		if (strcmp(c->sheet[i], sheet) == 0)
			return (i);
	}
	return (-1);
}

void
cache_got_clear(struct sheets_cache *c)
{
	int	i;

	for (i = 0; i < SHEETS_CACHE_TABLES; i++)
		sheets_value_range_clear(&c->got[i]);
	sheet_chunks_clear(&c->chunks);
}

static void
refresh_failed(struct sheets_cache *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
refresh_failed(struct sheets_cache *c, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(c->error, sizeof(c->error), fmt, ap);
	va_end(ap);
	c->refreshing = 0;
	cache_got_clear(c);
	c->failures++;
	c->last_ok = 0;
	c->attempted = 1;
	c->attempt_end_ms = now_ms(c);
	c->next_refresh_ms = c->attempt_end_ms + c->cfg.retry_ms;
	/* The writes are in the tables we keep already. */
	if (c->share == NULL)
		journal_clear(c);
	/* The deployment's next try comes after the same pause as ours. */
	if (c->leased)
		cache_share_release(c->share, c->cfg.retry_ms);
	c->leased = 0;
	c->share_sleeping = 0;
	cache_deliver_waiting(c);
}

static void
unions_pause(struct sheets_cache *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Uniones is left out of the refreshes for UNIONES_RETRY_MS. */
static void
unions_pause(struct sheets_cache *c, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(c->unions_error, sizeof(c->unions_error), fmt, ap);
	va_end(ap);
	c->unions_paused_until_ms = now_ms(c) + UNIONES_RETRY_MS;
}

/* Uniones as read, or NULL (and paused) when it cannot be indexed. */
static void
unions_build(struct sheets_cache *c, struct cache_table *out)
{
	struct sheets_value_range	*vr = &c->got[SHEETS_CACHE_UNIONES];
	const char			*bad = NULL;

	if (!c->got_unions)
		return;
	out->rows = vr->rows;
	out->nrows = vr->nrows;
	if ((out->t = sheet_table_new(vr)) == NULL)
		bad = "out of memory";
	else if (sheet_table_index(out->t, c->key[SHEETS_CACHE_UNIONES]) ==
	    -1)
		bad = c->key[SHEETS_CACHE_UNIONES];
	else if (c->group[SHEETS_CACHE_UNIONES][0] != '\0' &&
	    sheet_table_group(out->t, c->group[SHEETS_CACHE_UNIONES]) == -1)
		bad = c->group[SHEETS_CACHE_UNIONES];
	if (bad == NULL) {
		c->unions_error[0] = '\0';
		return;
	}
	unions_pause(c, "sheet '%s' left out: no column '%s'",
	    c->sheet[SHEETS_CACHE_UNIONES], bad);
	sheet_table_free(out->t);
	memset(out, 0, sizeof(*out));
}

/* Builds the tables from what the refresh read; -1 with err set. */
static int
tables_build(struct sheets_cache *c, struct cache_table *out, char *err,
    size_t errsz)
{
	struct sheets_value_range	*vr;
	int				 i;

	unions_build(c, &out[SHEETS_CACHE_UNIONES]);
	for (i = 0; i < SHEETS_CACHE_UNIONES; i++) {
		vr = &c->got[i];
		out[i].rows = vr->rows;
		out[i].nrows = vr->nrows;
		if ((out[i].t = sheet_table_new(vr)) == NULL) {
			snprintf(err, errsz, "out of memory");
			return (-1);
		}
		if (c->key[i][0] != '\0' &&
		    sheet_table_index(out[i].t, c->key[i]) == -1) {
			snprintf(err, errsz, "sheet '%s' has no column '%s'",
			    c->sheet[i], c->key[i]);
			return (-1);
		}
	}
	return (0);
}

static void
rider_pause(struct sheets_cache *c)
{
	if (c->nranges > c->ntables)
		c->rider_paused_until_ms = now_ms(c) + RIDER_PAUSE_MS;
}

static int	next_request(struct sheets_cache *, enum refresh_step);
static void	next_or_fail(struct sheets_cache *, enum refresh_step);

int
cache_tables_install(struct sheets_cache *c, uint64_t loaded_ms,
    uint64_t journal_from_ms, char *err, size_t errsz)
{
	struct cache_table	 fresh[SHEETS_CACHE_TABLES];

	memset(fresh, 0, sizeof(fresh));
	if (tables_build(c, fresh, err, errsz) == -1) {
		tables_clear(fresh);
		return (-1);
	}
	cache_got_clear(c);
	tables_clear(c->tab);
	memcpy(c->tab, fresh, sizeof(c->tab));
	c->have = 1;
	c->expired = 0;
	c->loaded_ms = loaded_ms;
	c->generation++;
	c->refreshing = 0;
	c->share_sleeping = 0;
	c->last_ok = 1;
	c->attempted = 1;
	c->attempt_end_ms = now_ms(c);
	c->error[0] = '\0';
	journal_apply(c, journal_from_ms);
	return (0);
}

/* Every piece is in: the tables replace the ones served. */
static void
refresh_done(struct sheets_cache *c)
{
	char	err[SHEETS_CACHE_ERROR_MAX];

	/* Data up to the grid's last row: rows may have been added past it. */
	if (sheet_chunks_at_grid_end(&c->chunks))
		c->regrid = 1;
	sheet_chunks_finish(&c->chunks, &c->got[SHEETS_CACHE_OPERACIONES]);
	if (cache_tables_install(c, c->call_sent_ms, c->refresh_started_ms,
	    err, sizeof(err)) == -1) {
		refresh_failed(c, "%s", err);
		return;
	}
	c->read++;
	if (c->leased)
		share_store(c);
	c->leased = 0;
	cache_deliver_waiting(c);
}

/*
 * A batchGet failed.  A reply too big to take is asked again smaller:
 * with Operaciones in pieces, then without the rider's ranges, then in
 * smaller pieces; a range past a grid that shrank learns the grid again.
 */
static void
batch_failed(struct sheets_cache *c, struct sheets_result *res)
{
	const char	*sheet = c->sheet[SHEETS_CACHE_OPERACIONES];
	int		 with_rider = c->step == STEP_MAIN &&
			    c->nranges > c->ntables;
	int		 with_unions = c->step == STEP_MAIN &&
			    c->ntables == SHEETS_CACHE_TABLES;

	if (res->http_status == 400 && with_unions && (!with_rider ||
	    strstr(res->error, c->sheet[SHEETS_CACHE_UNIONES]) != NULL)) {
		/*
		 * Not migrated: no Uniones sheet to name ("Unable to parse
		 * range: Uniones").  With the rider along, only when the
		 * message names Uniones: a refused log range is the rider's.
		 */
		unions_pause(c, "sheet '%s' left out: %s",
		    c->sheet[SHEETS_CACHE_UNIONES], res->error);
		next_or_fail(c, STEP_MAIN);
	} else if (c->step == STEP_UNIONES &&
	    (res->too_big || res->http_status == 400)) {
		unions_pause(c, "sheet '%s' left out: %s",
		    c->sheet[SHEETS_CACHE_UNIONES], res->error);
		refresh_done(c);
	} else if (res->too_big && sheet_chunks_whole(&c->chunks)) {
		next_or_fail(c, STEP_GRID);
	} else if (res->too_big && with_unions) {
		/*
		 * From now on in a request of its own, after the pieces:
		 * before the rider is blamed, since the rider's tail of the
		 * log shared the first piece's reply before Uniones existed.
		 */
		c->unions_alone = 1;
		next_or_fail(c, STEP_MAIN);
	} else if (res->too_big && with_rider) {
		rider_pause(c);
		next_or_fail(c, STEP_MAIN);
	} else if (res->too_big && sheet_chunks_shrink(&c->chunks) == 0) {
		next_or_fail(c, c->step);
	} else if (res->too_big) {
		refresh_failed(c, "row %u of '%s' cannot be read within the "
		    "limits of one reply: %s", sheet_chunks_piece_row(
		    &c->chunks), sheet, res->error);
		/* It will not fix itself soon: no more reads than a TTL's. */
		if (c->cfg.ttl_ms > c->cfg.retry_ms)
			c->next_refresh_ms = c->attempt_end_ms + c->cfg.ttl_ms;
	} else if (res->http_status == 400 && !c->replanned && !with_rider &&
	    !sheet_chunks_whole(&c->chunks)) {
		c->replanned = 1;
		next_or_fail(c, STEP_GRID);
	} else {
		if (c->step == STEP_MAIN)
			rider_pause(c);
		refresh_failed(c, "%s", res->error);
	}
}

/* What the rider's ranges brought, for the snapshot we may store. */
static void
rider_keep(struct sheets_cache *c, struct sheets_value_range *vr, size_t n)
{
	size_t	k;

	for (k = 0; k < SHEETS_CACHE_RIDER_MAX; k++)
		sheets_value_range_clear(&c->rider_got[k]);
	c->nrider_got = 0;
	if (c->share == NULL)
		return;
	for (k = 0; k < n && k < SHEETS_CACHE_RIDER_MAX; k++) {
		if (c->rider_asked[k] == NULL)
			break;
		c->rider_got[k] = vr[k];
		memset(&vr[k], 0, sizeof(vr[k]));
		c->nrider_got = k + 1;
	}
}

static void
on_batch(void *arg, struct sheets_result *res)
{
	struct sheets_cache	*c = arg;
	struct sheets_value_range *vr;
	int			 i;

	c->call_id = 0;
	if (res->class != SHEETS_OK) {
		batch_failed(c, res);
		return;
	}
	if (c->step == STEP_UNIONES && res->value_ranges.nranges == 1) {
		sheets_value_range_clear(&c->got[SHEETS_CACHE_UNIONES]);
		c->got[SHEETS_CACHE_UNIONES] = res->value_ranges.ranges[0];
		memset(&res->value_ranges.ranges[0], 0,
		    sizeof(res->value_ranges.ranges[0]));
		c->got_unions = 1;
		refresh_done(c);
		return;
	}
	if (res->value_ranges.nranges != c->nranges) {
		if (c->step == STEP_MAIN)
			rider_pause(c);
		refresh_failed(c, "%zu ranges back for %zu asked",
		    res->value_ranges.nranges, c->nranges);
		return;
	}
	vr = res->value_ranges.ranges;
	if (c->step == STEP_MAIN) {
		for (i = 1; i < SHEETS_CACHE_TABLES; i++)
			sheets_value_range_clear(&c->got[i]);
		for (i = 1; i < (int)c->ntables; i++) {
			c->got[i] = vr[i];
			memset(&vr[i], 0, sizeof(vr[i]));
		}
		c->got_unions = c->ntables == SHEETS_CACHE_TABLES;
		if (c->nranges > c->ntables)
			c->cfg.rider.take(c->cfg.rider.arg, &vr[c->ntables],
			    c->nranges - c->ntables, now_ms(c));
		rider_keep(c, &vr[c->ntables], c->nranges - c->ntables);
	}
	if (sheet_chunks_take(&c->chunks, &vr[0], res->response_bytes) ==
	    -1) {
		refresh_failed(c, "out of memory");
		return;
	}
	if (!sheet_chunks_done(&c->chunks))
		next_or_fail(c, STEP_PIECE);
	else if (c->unions_alone && now_ms(c) >= c->unions_paused_until_ms)
		next_or_fail(c, STEP_UNIONES);
	else
		refresh_done(c);
}

static void
on_grid(void *arg, struct sheets_result *res)
{
	struct sheets_cache		*c = arg;
	const struct sheets_sheet	*sh;
	const char			*sheet = c->sheet[SHEETS_CACHE_OPERACIONES];

	c->call_id = 0;
	if (res->class != SHEETS_OK) {
		refresh_failed(c, "reading the grid of '%s': %s", sheet,
		    res->error);
		return;
	}
	sh = sheets_spreadsheet_find(&res->spreadsheet, sheet);
	if (sh == NULL) {
		refresh_failed(c, "no sheet '%s' in the spreadsheet", sheet);
		return;
	}
	sheet_chunks_set_grid(&c->chunks, sh->row_count, sh->column_count);
	if (sheet_chunks_whole(&c->chunks)) {
		refresh_failed(c, "sheet '%s' has no grid size", sheet);
		return;
	}
	c->regrid = 0;
	sheet_chunks_begin(&c->chunks);
	next_or_fail(c, STEP_MAIN);
}

/* The rider's ranges of this request, named in the snapshot. */
static void
rider_asked(struct sheets_cache *c, const char **ranges, size_t n)
{
	size_t	k;

	rider_got_clear(c);
	if (c->share == NULL)
		return;
	for (k = 0; k < n && k < SHEETS_CACHE_RIDER_MAX; k++) {
		if ((c->rider_asked[k] = strdup(ranges[k])) == NULL)
			break;
	}
}

/* Sends the request of c->step, its read already granted. */
static void
send_step(struct sheets_cache *c)
{
	const char	*ranges[SHEETS_CACHE_TABLES + SHEETS_CACHE_RIDER_MAX];
	char		 err[SHEETS_CACHE_ERROR_MAX];
	uint64_t	 now = now_ms(c), end, left;
	int		 i, n;

	end = c->step_started_ms + c->cfg.refresh_timeout_ms;
	left = end > now ? end - now : 1;
	switch (c->step) {
	case STEP_GRID:
		c->call_id = sheets_get_spreadsheet(c->sc, left, on_grid, c,
		    err, sizeof(err));
		break;
	case STEP_MAIN:
		ranges[SHEETS_CACHE_OPERACIONES] =
		    sheet_chunks_range(&c->chunks);
		for (i = 1; i < SHEETS_CACHE_UNIONES; i++)
			ranges[i] = c->range[i];
		c->ntables = SHEETS_CACHE_UNIONES;
		if (!c->unions_alone && now >= c->unions_paused_until_ms)
			ranges[c->ntables++] = c->range[SHEETS_CACHE_UNIONES];
		c->nranges = c->ntables;
		if (c->cfg.rider.ranges != NULL &&
		    now >= c->rider_paused_until_ms &&
		    (n = c->cfg.rider.ranges(c->cfg.rider.arg,
		    &ranges[c->ntables])) > 0 &&
		    n <= SHEETS_CACHE_RIDER_MAX)
			c->nranges += (size_t)n;
		rider_asked(c, &ranges[c->ntables], c->nranges - c->ntables);
		c->call_sent_ms = now;
		c->call_id = sheets_batch_get(c->sc, ranges, c->nranges,
		    SHEETS_RENDER_FORMATTED, left, on_batch, c, err,
		    sizeof(err));
		break;
	case STEP_UNIONES:
		ranges[0] = c->range[SHEETS_CACHE_UNIONES];
		c->nranges = 1;
		c->call_id = sheets_batch_get(c->sc, ranges, 1,
		    SHEETS_RENDER_FORMATTED, left, on_batch, c, err,
		    sizeof(err));
		break;
	case STEP_PIECE:
		ranges[0] = sheet_chunks_range(&c->chunks);
		c->nranges = 1;
		c->call_id = sheets_batch_get(c->sc, ranges, 1,
		    SHEETS_RENDER_FORMATTED, left, on_batch, c, err,
		    sizeof(err));
		break;
	}
	if (c->call_id == 0)
		refresh_failed(c, "%s", err);
}

static void
on_limit(void *arg, const struct sheets_limit_reply *r)
{
	struct sheets_cache	*c = arg;

	c->lop = NULL;
	if (r->result == SHEETS_LIMIT_WAIT) {
		refresh_failed(c, "Sheets read budget exhausted; a request "
		    "frees in %llu ms", (unsigned long long)r->wait_ms);
		return;
	}
	send_step(c);
}

/*
 * Each request of a refresh waits for its own read and has its own
 * refresh_timeout_ms: a sheet read in pieces takes longer as a whole, and
 * readers stop waiting at their own deadlines anyway.  0 or -1 (memory).
 */
static int
next_request(struct sheets_cache *c, enum refresh_step step)
{
	c->step = step;
	c->step_started_ms = now_ms(c);
	c->lop = sheets_limiter_acquire_spare(c->lim, SHEETS_QUOTA_READ,
	    c->step_started_ms + c->cfg.refresh_timeout_ms, on_limit, c);
	return (c->lop != NULL ? 0 : -1);
}

/* From a callback, where failing may answer the readers. */
static void
next_or_fail(struct sheets_cache *c, enum refresh_step step)
{
	if (next_request(c, step) == -1)
		refresh_failed(c, "out of memory");
}

/* The first request of a read of Sheets by this worker. */
static int
read_begin(struct sheets_cache *c)
{
	c->replanned = 0;
	sheet_chunks_begin(&c->chunks);
	return (next_request(c, c->regrid ? STEP_GRID : STEP_MAIN));
}

/* Not refresh_failed(): no reader may be answered from here. */
void
cache_read_start(struct sheets_cache *c)
{
	if (read_begin(c) == -1) {
		c->refreshing = 0;
		c->failures++;
		snprintf(c->error, sizeof(c->error), "out of memory");
	}
}

void
cache_read_or_fail(struct sheets_cache *c)
{
	c->share_sleeping = 0;
	if (read_begin(c) == -1)
		refresh_failed(c, "out of memory");
}

/* Starts a refresh unless one runs or a failed one is too recent. */
static void
refresh_start(struct sheets_cache *c)
{
	uint64_t	now = now_ms(c);

	if (c->refreshing || now < c->next_refresh_ms)
		return;
	c->refreshing = 1;
	c->refreshes++;
	c->refresh_started_ms = now;
	c->leased = 0;
	if (c->share == NULL || !share_refresh(c, now))
		cache_read_start(c);
}

struct sheets_cache *
sheets_cache_new(const struct sheets_cache_config *cfg,
    struct sheets_client *sc, struct sheets_limiter *lim,
    struct io_loop *loop, char *err, size_t errsz)
{
	struct sheets_cache	*c;
	const char		*key;
	int			 i, n, g;

	if (sc == NULL || lim == NULL || loop == NULL) {
		snprintf(err, errsz, "sheets cache: client, limiter and loop "
		    "are required");
		return (NULL);
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(err, errsz, "sheets cache: out of memory");
		return (NULL);
	}
	c->cfg = *cfg;
	for (i = 0; i < SHEETS_CACHE_TABLES; i++) {
		key = cfg->key_header[i] != NULL ? cfg->key_header[i] : "";
		n = snprintf(c->key[i], sizeof(c->key[i]), "%s", key);
		key = cfg->group_header[i] != NULL ? cfg->group_header[i] : "";
		g = snprintf(c->group[i], sizeof(c->group[i]), "%s", key);
		if (cfg->sheet[i] == NULL || cfg->sheet[i][0] == '\0' ||
		    strlen(cfg->sheet[i]) >= sizeof(c->sheet[i]) ||
		    n < 0 || (size_t)n >= sizeof(c->key[i]) ||
		    g < 0 || (size_t)g >= sizeof(c->group[i]) ||
		    a1_format_range(c->range[i], sizeof(c->range[i]),
		    cfg->sheet[i], NULL) == -1) {
			snprintf(err, errsz, "sheets cache: bad sheet or key "
			    "name");
			free(c);
			return (NULL);
		}
		snprintf(c->sheet[i], sizeof(c->sheet[i]), "%s",
		    cfg->sheet[i]);
		c->cfg.sheet[i] = c->sheet[i];
		c->cfg.key_header[i] = c->key[i];
		c->cfg.group_header[i] = c->group[i];
	}
	if (sheet_chunks_init(&c->chunks, c->sheet[SHEETS_CACHE_OPERACIONES],
	    sheets_client_limits(sc)->max_cells) == -1) {
		snprintf(err, errsz, "sheets cache: bad sheet name");
		free(c);
		return (NULL);
	}
	c->sc = sc;
	c->lim = lim;
	c->loop = loop;
	TAILQ_INIT(&c->waits);
	if (cfg->share_pool != NULL && share_init(c) == -1) {
		snprintf(err, errsz, "sheets cache: cannot share through "
		    "Redis (spreadsheet id too long, or out of memory)");
		sheets_cache_free(c);
		return (NULL);
	}
	return (c);
}

void
sheets_cache_free(struct sheets_cache *c)
{
	struct sheets_cache_wait	*w;

	if (c == NULL)
		return;
	if (c->lop != NULL)
		sheets_limiter_cancel(c->lop);
	if (c->call_id != 0)
		(void)sheets_client_cancel(c->sc, c->call_id);
	/* A lease held is left to expire, as if the worker had died. */
	cache_share_free(c->share);
	rider_got_clear(c);
	while ((w = TAILQ_FIRST(&c->waits)) != NULL) {
		TAILQ_REMOVE(&c->waits, w, entry);
		free(w);
	}
	tables_clear(c->tab);
	cache_got_clear(c);
	journal_clear(c);
	free(c->journal);
	free(c);
}

void
sheets_cache_tick(struct sheets_cache *c, uint64_t now)
{
	struct sheets_cache_wait	*w;

	if (c->share_sleeping && now >= c->share_due_ms)
		share_ask(c);
	/*
	 * A failed cache tries again on its own, less often than a reader
	 * would make it: its tables, and what /api/health says of them,
	 * must not wait for the next request to this worker.
	 */
	if (!c->refreshing && c->attempted && !c->last_ok &&
	    now >= c->attempt_end_ms + IDLE_RETRY_FACTOR * c->cfg.retry_ms)
		refresh_start(c);
	for (;;) {
		TAILQ_FOREACH(w, &c->waits, entry) {
			if (w->ready || now >= w->deadline_ms)
				break;
		}
		if (w == NULL)
			return;
		wait_deliver(w);
	}
}

struct sheets_cache_wait *
sheets_cache_read(struct sheets_cache *c, uint64_t deadline_ms,
    sheets_cache_fn *cb, void *arg)
{
	struct sheets_cache_wait	*w;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return (NULL);
	w->cache = c;
	w->serial = ++c->serial;
	w->deadline_ms = deadline_ms;
	w->cb = cb;
	w->arg = arg;
	TAILQ_INSERT_TAIL(&c->waits, w, entry);
	if (status_at(c, now_ms(c)) == SHEETS_CACHE_FRESH) {
		w->ready = 1;
		return (w);
	}
	refresh_start(c);
	/* No refresh to wait for: answer with what there is. */
	if (!c->refreshing)
		w->ready = 1;
	return (w);
}

void
sheets_cache_cancel(struct sheets_cache_wait *w)
{
	TAILQ_REMOVE(&w->cache->waits, w, entry);
	free(w);
}

void
sheets_cache_peek(struct sheets_cache *c, struct sheets_cache_view *out)
{
	view_fill(c, out);
}

void
sheets_cache_invalidate(struct sheets_cache *c)
{
	c->expired = 1;
	c->invalidated_ms = now_ms(c);
}

void
sheets_cache_note_write(void *arg, const char *sheet, const char *tag,
    const char *header, const char *value)
{
	struct sheets_cache	*c = arg;
	int			 i;

	if ((i = table_of(c, sheet)) == -1)
		return;
	cache_table_apply(c, i, tag, header, value);
	if (!c->refreshing && c->share == NULL)
		return;
	journal_note(c, i, tag, header, value);
}

void
sheets_cache_health(const struct sheets_cache *c,
    struct sheets_cache_health *out)
{
	uint64_t	now = now_ms(c);

	memset(out, 0, sizeof(*out));
	out->have_data = c->have;
	out->last_ok = c->last_ok;
	out->age_ms = c->have && now > c->loaded_ms ? now - c->loaded_ms : 0;
	out->since_attempt_ms = c->attempted && now > c->attempt_end_ms ?
	    now - c->attempt_end_ms : 0;
	out->generation = c->generation;
	out->refreshes = c->refreshes;
	out->failures = c->failures;
	snprintf(out->error, sizeof(out->error), "%s", c->error);
	out->have_unions = c->have && c->tab[SHEETS_CACHE_UNIONES].t != NULL;
	snprintf(out->unions_error, sizeof(out->unions_error), "%s",
	    c->unions_error);
	out->shared = c->share != NULL;
	out->adopted = c->adopted;
	out->read = c->read;
	out->stored = c->stored;
	out->share_failures = c->share_failures;
}
