/*
 * The read cache's shared mode (sheets_cache.h, SHEETS_CACHE_SHARED): a
 * cache whose tables are too old asks Redis (cache_share.h) for another
 * worker's snapshot or the refresh lease, and adopts the one or reads
 * Sheets under the other, storing what it read.  Here too is the journal
 * of the writes noted into the tables, applied again to tables read
 * before them: a refresh that was in flight when they were noted, shared
 * or not, and in shared mode an adopted snapshot (the writes of the last
 * TTL are kept for it).  The cache itself is sheets_cache.c; the state
 * both use is sheets_cache_private.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache_share.h"
#include "cache_snapshot.h"
#include "sheets_cache_private.h"

/*
 * While another worker holds the refresh lease, Redis is asked again
 * this often (a small script, no Sheets quota).
 */
#define SHARE_POLL_MS		100
/*
 * An adopted snapshot's read time comes from the Redis clock, converted
 * to ours through its age (off by the question's round trip at most):
 * writes noted up to this long before it are applied again too.  The
 * time is the lease's, before the read was sent, which errs the same way.
 */
#define SHARE_SLACK_MS		250
/* Noted writes kept for adopted snapshots; older ones drop first. */
#define JOURNAL_MAX		4096

void
journal_clear(struct sheets_cache *c)
{
	size_t	i;

	for (i = 0; i < c->njournal; i++) {
		free(c->journal[i].tag);
		free(c->journal[i].header);
		free(c->journal[i].value);
	}
	c->njournal = 0;
}

/*
 * Shared mode keeps the writes of the last TTL for adopted snapshots,
 * which another worker may have read before them.
 */
static void
journal_prune(struct sheets_cache *c, uint64_t before_ms)
{
	size_t	i, k = 0;

	for (i = 0; i < c->njournal; i++) {
		if (c->journal[i].noted_ms < before_ms ||
		    c->njournal - i >= JOURNAL_MAX) {
			free(c->journal[i].tag);
			free(c->journal[i].header);
			free(c->journal[i].value);
			continue;
		}
		c->journal[k++] = c->journal[i];
	}
	c->njournal = k;
}

void
journal_apply(struct sheets_cache *c, uint64_t from_ms)
{
	struct noted_write	*n;
	size_t			 k;

	for (k = 0; k < c->njournal; k++) {
		n = &c->journal[k];
		if (n->noted_ms >= from_ms)
			cache_table_apply(c, n->table, n->tag, n->header,
			    n->value);
	}
	if (c->share == NULL)
		journal_clear(c);
}

void
journal_note(struct sheets_cache *c, int i, const char *tag,
    const char *header, const char *value)
{
	struct noted_write	*n;
	size_t			 cap;

	if (c->share != NULL && c->njournal >= JOURNAL_MAX)
		journal_prune(c, 0);
	if (c->njournal == c->capjournal) {
		cap = c->capjournal > 0 ? c->capjournal * 2 : 16;
		if ((n = reallocarray(c->journal, cap, sizeof(*n))) == NULL)
			return;
		c->journal = n;
		c->capjournal = cap;
	}
	n = &c->journal[c->njournal];
	n->noted_ms = io_loop_now(c->loop);
	n->table = i;
	n->tag = strdup(tag);
	n->header = strdup(header);
	n->value = strdup(value);
	if (n->tag == NULL || n->header == NULL || n->value == NULL) {
		free(n->tag);
		free(n->header);
		free(n->value);
		return;
	}
	c->njournal++;
}

/* Redis could not help: one line when it starts, one when it ends. */
static void
share_trouble(struct sheets_cache *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
share_trouble(struct sheets_cache *c, const char *fmt, ...)
{
	char	msg[SHEETS_CACHE_ERROR_MAX];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->share_failures++;
	if (!c->share_down)
		log_sink_printf(&c->cfg.log, LOG_LEVEL_WARNING, "shared read "
		    "cache: %s; this worker reads Sheets itself", msg);
	c->share_down = 1;
}

static void
share_fine(struct sheets_cache *c)
{
	if (c->share_down)
		log_sink_printf(&c->cfg.log, LOG_LEVEL_INFO, "shared read "
		    "cache: Redis answers again");
	c->share_down = 0;
}

/* The rider's share of a snapshot, or an own read of Sheets owed. */
static void
rider_adopt(struct sheets_cache *c, struct sheets_value_range *vr,
    size_t n)
{
	const char	*ranges[SHEETS_CACHE_RIDER_MAX];
	size_t		 k;

	if (c->cfg.rider.ranges == NULL)
		return;
	for (k = 0; k < n && k < SHEETS_CACHE_RIDER_MAX; k++)
		ranges[k] = vr[k].range != NULL ? vr[k].range : "";
	if (c->cfg.rider.adopt == NULL || n == 0 ||
	    n > SHEETS_CACHE_RIDER_MAX ||
	    c->cfg.rider.adopt(c->cfg.rider.arg, ranges, vr, n,
	    io_loop_now(c->loop)) == -1)
		c->rider_owes = 1;
}

/* A snapshot of another worker's replaces ours; -1 when unreadable. */
static int
share_adopt(struct sheets_cache *c, const struct cache_share_reply *r)
{
	struct sheets_value_ranges	 vrs;
	struct sheets_value_range	*vr;
	char				 err[SHEETS_CACHE_ERROR_MAX];
	uint64_t			 now = io_loop_now(c->loop), loaded;
	size_t				 k = 0;
	int				 i;

	if (cache_snapshot_decode(r->data, r->len, sheets_client_limits(
	    c->sc), &vrs, err, sizeof(err)) == -1) {
		c->share_failures++;
		log_sink_printf(&c->cfg.log, LOG_LEVEL_ERROR, "shared read "
		    "cache: snapshot %llu of %zu bytes unreadable (%s); "
		    "reading Sheets", (unsigned long long)r->generation,
		    r->len, err);
		return (-1);
	}
	vr = vrs.ranges;
	for (i = 0; i < SHEETS_CACHE_UNIONES; i++) {
		if (k >= vrs.nranges || vr[k].range == NULL ||
		    strcmp(vr[k].range, c->range[i]) != 0)
			break;
		k++;
	}
	if (i < SHEETS_CACHE_UNIONES) {
		c->share_failures++;
		log_sink_printf(&c->cfg.log, LOG_LEVEL_ERROR, "shared read "
		    "cache: snapshot %llu lacks sheet '%s' or holds other "
		    "sheets; reading Sheets", (unsigned long long)r->generation,
		    c->sheet[i]);
		sheets_value_ranges_free(&vrs);
		return (-1);
	}
	cache_got_clear(c);
	for (i = 0; i < SHEETS_CACHE_UNIONES; i++) {
		c->got[i] = vr[i];
		memset(&vr[i], 0, sizeof(vr[i]));
	}
	c->got_unions = k < vrs.nranges && vr[k].range != NULL &&
	    strcmp(vr[k].range, c->range[SHEETS_CACHE_UNIONES]) == 0;
	if (c->got_unions) {
		c->got[SHEETS_CACHE_UNIONES] = vr[k];
		memset(&vr[k], 0, sizeof(vr[k]));
		k++;
	}
	loaded = now > r->age_ms ? now - r->age_ms : 0;
	if (cache_tables_install(c, loaded, loaded > SHARE_SLACK_MS ?
	    loaded - SHARE_SLACK_MS : 0, err, sizeof(err)) == -1) {
		cache_got_clear(c);
		c->share_failures++;
		log_sink_printf(&c->cfg.log, LOG_LEVEL_ERROR, "shared read "
		    "cache: snapshot %llu: %s; reading Sheets",
		    (unsigned long long)r->generation, err);
		sheets_value_ranges_free(&vrs);
		return (-1);
	}
	c->adopted++;
	c->share_gen = r->generation;
	rider_adopt(c, &vr[k], vrs.nranges - k);
	sheets_value_ranges_free(&vrs);
	cache_deliver_waiting(c);
	return (0);
}

static void
on_share(void *arg, const struct cache_share_reply *r)
{
	struct sheets_cache	*c = arg;
	uint64_t		 now = io_loop_now(c->loop);

	switch (r->answer) {
	case CACHE_SHARE_ADOPT:
		share_fine(c);
		if (share_adopt(c, r) == -1)
			cache_read_or_fail(c);
		break;
	case CACHE_SHARE_LEASED:
		share_fine(c);
		c->leased = 1;
		c->lease_redis_ms = r->redis_ms;
		c->lease_local_ms = now;
		cache_read_or_fail(c);
		break;
	case CACHE_SHARE_BUSY:
		share_fine(c);
		/*
		 * A lease that never ends is not waited for; nor is another
		 * worker's read by a cache that knows its tables are behind
		 * (a conflict): that read may have begun before what this
		 * worker must see, and waiting for reads one after the other
		 * would make every such change wait for them all.
		 */
		if (c->expired || now >= c->share_give_up_ms) {
			cache_read_or_fail(c);
			break;
		}
		c->share_sleeping = 1;
		c->share_due_ms = now + SHARE_POLL_MS;
		break;
	case CACHE_SHARE_FAILED:
		share_trouble(c, "Redis: %s", r->error);
		cache_read_or_fail(c);
		break;
	}
}

/* The tables young enough to adopt: any within the TTL, unless expired. */
void
share_ask(struct sheets_cache *c)
{
	uint64_t	now = io_loop_now(c->loop), max_age = c->cfg.ttl_ms;

	c->share_sleeping = 0;
	if (c->expired)
		max_age = now > c->invalidated_ms ? now - c->invalidated_ms : 0;
	if (cache_share_ask(c->share, max_age, c->share_gen, on_share, c) ==
	    -1) {
		share_trouble(c, "Redis refused the question");
		cache_read_start(c);
	}
}

static void
on_stored(void *arg, uint64_t generation, const char *error)
{
	struct sheets_cache	*c = arg;

	if (generation == 0) {
		log_sink_printf(&c->cfg.log, LOG_LEVEL_DEBUG, "shared read "
		    "cache: snapshot not stored: %s", error);
		return;
	}
	c->stored++;
	/* Unless the tables moved on meanwhile, they are this snapshot. */
	if (!c->refreshing)
		c->share_gen = generation;
}

void
share_store(struct sheets_cache *c)
{
	struct cache_snapshot_part	 parts[SHEETS_CACHE_TABLES +
					     SHEETS_CACHE_RIDER_MAX];
	size_t				 n = 0, k, len;
	char				*data;
	int				 i;

	for (i = 0; i < SHEETS_CACHE_TABLES; i++) {
		if (c->tab[i].t == NULL)
			continue;
		parts[n].range = c->range[i];
		parts[n].rows = c->tab[i].rows;
		parts[n++].nrows = c->tab[i].nrows;
	}
	for (k = 0; k < c->nrider_got; k++) {
		parts[n].range = c->rider_asked[k];
		parts[n].rows = c->rider_got[k].rows;
		parts[n++].nrows = c->rider_got[k].nrows;
	}
	data = cache_snapshot_encode(parts, n, c->cfg.share_max_bytes, &len);
	if (data == NULL) {
		c->share_failures++;
		if (len > c->cfg.share_max_bytes)
			log_sink_printf(&c->cfg.log, LOG_LEVEL_WARNING,
			    "shared read cache: the tables take more than "
			    "%zu bytes (SHEETS_CACHE_SHARED cap): not shared, "
			    "every worker reads Sheets itself",
			    c->cfg.share_max_bytes);
		cache_share_release(c->share, 0);
		return;
	}
	/* Dated when the read was sent, on the Redis clock. */
	if (cache_share_store(c->share, c->lease_redis_ms +
	    (c->call_sent_ms > c->lease_local_ms ? c->call_sent_ms -
	    c->lease_local_ms : 0), data, len,
	    2 * (c->cfg.ttl_ms + c->cfg.refresh_timeout_ms)) == -1)
		cache_share_release(c->share, 0);
	free(data);
}

int
share_refresh(struct sheets_cache *c, uint64_t now)
{
	journal_prune(c, now > c->cfg.ttl_ms + SHARE_SLACK_MS ?
	    now - c->cfg.ttl_ms - SHARE_SLACK_MS : 0);
	/* A rider that snapshots do not cover reads for itself. */
	if (!c->rider_owes || now < c->rider_own_ms) {
		c->share_give_up_ms = now + c->cfg.share_lease_ms +
		    c->cfg.share_redis_timeout_ms;
		share_ask(c);
		return (1);
	}
	c->rider_owes = 0;
	c->rider_own_ms = now + RIDER_PAUSE_MS;
	return (0);
}

int
share_init(struct sheets_cache *c)
{
	struct cache_share_config	sc;

	if (c->cfg.share_lease_ms == 0)
		c->cfg.share_lease_ms = c->cfg.refresh_timeout_ms;
	if (c->cfg.share_redis_timeout_ms == 0)
		c->cfg.share_redis_timeout_ms = 1000;
	if (c->cfg.share_max_bytes == 0)
		c->cfg.share_max_bytes = SHEETS_CACHE_SHARE_MAX_BYTES;
	memset(&sc, 0, sizeof(sc));
	sc.pool = c->cfg.share_pool;
	sc.loop = c->loop;
	sc.spreadsheet_id = c->cfg.share_id != NULL ? c->cfg.share_id : "";
	sc.redis_timeout_ms = c->cfg.share_redis_timeout_ms;
	sc.lease_ms = c->cfg.share_lease_ms;
	sc.stored = on_stored;
	sc.arg = c;
	c->cfg.share_id = NULL;
	return ((c->share = cache_share_new(&sc)) != NULL ? 0 : -1);
}
