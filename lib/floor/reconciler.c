/*
 * Redis <-> Sheets reconciliation (data.md §2).  Sheets is the record;
 * the locks in Redis must agree with Ocupado_Por:
 *
 *  - a spool occupied in Sheets without a lock gets its lock back (Redis
 *    lost its data, or a lock was deleted by hand);
 *  - a lock whose spool has no Ocupado_Por is crash residue once it has
 *    been seen so for RECONCILE_GRACE_SECONDS (a TOMAR in flight holds its
 *    lock a few seconds before its row is written: the grace covers it).
 *
 * One pass at start-up and every RECONCILE_INTERVAL_SECONDS, by whichever
 * worker of whichever instance takes the lease in Redis first.  Every
 * change is owner-checked in Redis (takeover only if still free, release
 * only if still the value seen), so a pass never fights a live request.
 */
#include <sys/queue.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "reconciler.h"
#include "redis_lock.h"
#include "spool_state.h"
#include "stat_counter.h"
#include "uuid4.h"

#define LEASE_KEY	"zeues:reconcile:lease"
#define STRAY_KEY	"zeues:reconcile:stray"
#define SCAN_COUNT	"500"

/* Sent with EVAL: a pass runs every few minutes, not per request. */
#define PAGE_SCRIPT \
	"local v = redis.call('MGET', unpack(KEYS)) " \
	"local s = redis.call('HMGET', ARGV[1], unpack(ARGV, 2)) " \
	"for i = 1, #s do v[#v + 1] = s[i] end return v"
#define PAGE_MAX	512

enum pass_stage {
	PASS_IDLE,
	PASS_LEASE,		/* SET NX of the lease */
	PASS_CACHE,		/* a fresh read of Operaciones */
	PASS_RESTORING,		/* locks for occupied rows */
	PASS_SCANNING,		/* SCAN and the page's values */
	PASS_REMOVING,		/* stray locks of one page */
};

struct fix;
TAILQ_HEAD(fix_list, fix);

struct reconciler {
	struct reconciler_deps	 deps;
	struct fix_list		 fixes;		/* lock changes in flight */
	enum pass_stage		 stage;
	uint64_t		 next_ms;
	struct redis_cmd	*cmd;
	struct sheets_cache_wait *wait;
	unsigned long long	 cursor;
	int			 scanned;	/* SCAN has answered once */
	size_t			 outstanding;	/* fixes in flight */
	uint64_t		 restored;
	uint64_t		 removed;
	char			 failover_lease[RECONCILER_HOLDER_MAX +
				    sizeof(LEASE_KEY) + 1];	/* "": none */
};

struct scan_page {
	struct reconciler	*rc;
	size_t	 n;
	char	 tags[PAGE_MAX][SPOOL_TAG_MAX + 1];
	char	 keys[PAGE_MAX][LOCK_KEY_MAX];
};

static void	rc_log(const struct reconciler *, enum log_level,
		    const char *, ...) __attribute__((format(printf, 3, 4)));
static void	scan_next(struct reconciler *);
static void	pass_end(struct reconciler *, const char *why);

static void
rc_log(const struct reconciler *rc, enum log_level level, const char *fmt,
    ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_sink_vprintf(&rc->deps.log, level, fmt, ap);
	va_end(ap);
}

static uint64_t
deadline(const struct reconciler *rc)
{
	return (io_loop_now(rc->deps.loop) + rc->deps.redis_timeout_ms);
}

static void
pass_end(struct reconciler *rc, const char *why)
{
	if (why != NULL)
		rc_log(rc, LOG_LEVEL_WARNING, "reconciliation stopped: %s",
		    why);
	else if (rc->restored > 0 || rc->removed > 0)
		rc_log(rc, LOG_LEVEL_INFO, "reconciliation: %llu locks "
		    "restored, %llu stray locks removed",
		    (unsigned long long)rc->restored,
		    (unsigned long long)rc->removed);
	rc->stage = PASS_IDLE;
	rc->cmd = NULL;
	rc->wait = NULL;
	rc->outstanding = 0;
}

/* --- fixes --- */

/* One repair in flight: what it is, for the log line once it is done. */
struct fix {
	TAILQ_ENTRY(fix)	 entry;
	struct lock_op		*op;
	struct reconciler *rc;
	int	restore;
	long long worker;
	char	tag[SPOOL_TAG_MAX + 1];
};

static void
fix_done(void *arg, const struct lock_reply *r)
{
	struct fix		*f = arg;
	struct reconciler	*rc = f->rc;

	if (r->result == LOCK_OK && f->restore) {
		rc->restored++;
		stat_add(&rc->deps.stats->reconcile_restored_total, 1);
		rc_log(rc, LOG_LEVEL_INFO, "reconciliation: %s is occupied by "
		    "worker %lld in Sheets but had no lock: restored", f->tag,
		    f->worker);
	} else if (r->result == LOCK_OK) {
		rc->removed++;
		stat_add(&rc->deps.stats->reconcile_removed_total, 1);
		rc_log(rc, LOG_LEVEL_INFO, "reconciliation: removed the stray "
		    "lock of %s (free in Sheets for over %llu s)", f->tag,
		    (unsigned long long)(rc->deps.grace_ms / 1000));
	}
	TAILQ_REMOVE(&rc->fixes, f, entry);
	free(f);
	/* A pass that ended early has stopped counting its fixes. */
	if (rc->outstanding == 0 || --rc->outstanding > 0)
		return;
	if (rc->stage == PASS_RESTORING) {
		rc->stage = PASS_SCANNING;
		rc->cursor = 0;
		rc->scanned = 0;
		scan_next(rc);
	} else if (rc->stage == PASS_REMOVING) {
		scan_next(rc);
	}
}

static void
ignore_reply(void *arg, enum redis_pool_status st, const redisReply *r)
{
	(void)arg;
	(void)st;
	(void)r;
}

/* A spool occupied in Sheets: its lock, if Redis has none. */
static void
restore_lock(struct reconciler *rc, const char *tag, long long worker)
{
	enum redis_pool_status	 why;
	struct fix		*f;
	char			 value[LOCK_VALUE_MAX], token[UUID4_STRLEN];

	if (worker <= 0 || uuid4_generate(token) == -1 ||
	    lock_value(value, sizeof(value), worker, token) == -1 ||
	    (f = calloc(1, sizeof(*f))) == NULL)
		return;
	f->rc = rc;
	f->restore = 1;
	f->worker = worker;
	snprintf(f->tag, sizeof(f->tag), "%s", tag);
	rc->outstanding++;
	if ((f->op = lock_takeover(rc->deps.pool, tag, "", value, deadline(rc),
	    fix_done, f, &why)) == NULL) {
		rc->outstanding--;
		free(f);
		return;
	}
	TAILQ_INSERT_TAIL(&rc->fixes, f, entry);
}

/*
 * A lock whose spool is free in Sheets: noted the first time, removed once
 * it has stayed so for the grace period and still holds the same value.
 */
static void
stray_lock(struct reconciler *rc, const char *tag, const char *value,
    uint64_t first_seen_ms, uint64_t now_unix_ms)
{
	enum redis_pool_status	 why;
	struct fix		*f;
	char			 now[24];

	if (first_seen_ms == 0) {
		snprintf(now, sizeof(now), "%llu",
		    (unsigned long long)now_unix_ms);
		redis_pool_submitf(rc->deps.pool, ignore_reply, NULL,
		    deadline(rc), &why, "HSETNX %s %s %s", STRAY_KEY, tag, now);
		return;
	}
	if (now_unix_ms - first_seen_ms < rc->deps.grace_ms)
		return;
	redis_pool_submitf(rc->deps.pool, ignore_reply, NULL, deadline(rc),
	    &why, "HDEL %s %s", STRAY_KEY, tag);
	if ((f = calloc(1, sizeof(*f))) == NULL)
		return;
	f->rc = rc;
	snprintf(f->tag, sizeof(f->tag), "%s", tag);
	rc->outstanding++;
	if ((f->op = lock_release(rc->deps.pool, tag, value, deadline(rc),
	    fix_done, f, &why)) == NULL) {
		rc->outstanding--;
		free(f);
		return;
	}
	TAILQ_INSERT_TAIL(&rc->fixes, f, entry);
}

/* --- scanning Redis's locks --- */

static long long
occupant_of(const struct sheet_table *ops, const struct spool_columns *cols,
    const char *tag)
{
	struct spool_row	row;
	long			i;

	if ((i = sheet_table_find(ops, tag)) < 0)
		return (0);
	spool_row_read(ops, cols, (size_t)i, &row);
	if (!spool_cell_set(row.f[SPOOL_OCUPADO_POR]))
		return (0);
	return (worker_id_from_nombre(row.f[SPOOL_OCUPADO_POR]));
}

static uint64_t
unix_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000);
}

/* The page's lock values, then their first-seen-stray times. */
static void
page_values(void *arg, enum redis_pool_status st, const redisReply *r)
{
	struct scan_page		*pg = arg;
	struct reconciler		*rc = pg->rc;
	struct sheets_cache_view	 view;
	struct spool_columns		 cols;
	const struct sheet_table	*ops;
	const redisReply		*v, *seen;
	enum redis_pool_status		 why;
	const char			*missing;
	uint64_t			 now = unix_ms();
	size_t				 i;

	rc->cmd = NULL;
	if (st != REDIS_POOL_OK || r->type != REDIS_REPLY_ARRAY ||
	    r->elements != 2 * pg->n) {
		free(pg);
		pass_end(rc, "Redis did not answer the lock read");
		return;
	}
	sheets_cache_peek(rc->deps.cache, &view);
	ops = view.table[SHEETS_CACHE_OPERACIONES];
	if (view.status == SHEETS_CACHE_UNAVAILABLE ||
	    spool_columns_find(ops, &cols, &missing) == -1) {
		free(pg);
		pass_end(rc, "no Operaciones table to compare with");
		return;
	}
	rc->stage = PASS_REMOVING;
	for (i = 0; i < pg->n; i++) {
		v = r->element[i];
		seen = r->element[pg->n + i];
		if (v->type != REDIS_REPLY_STRING)
			continue;	/* released meanwhile */
		if (occupant_of(ops, &cols, pg->tags[i]) > 0) {
			if (seen->type == REDIS_REPLY_STRING)
				redis_pool_submitf(rc->deps.pool, ignore_reply,
				    NULL, deadline(rc), &why, "HDEL %s %s",
				    STRAY_KEY, pg->tags[i]);
			continue;
		}
		stray_lock(rc, pg->tags[i], v->str,
		    seen->type == REDIS_REPLY_STRING ?
		    strtoull(seen->str, NULL, 10) : 0, now);
	}
	free(pg);
	if (rc->outstanding == 0)
		scan_next(rc);
}

static void
scan_page(void *arg, enum redis_pool_status st, const redisReply *r)
{
	struct reconciler	*rc = arg;
	struct scan_page	*pg;
	const redisReply	*keys;
	const char		*argv[3 + 2 * PAGE_MAX + 1];
	char			 nkeys[24];
	enum redis_pool_status	 why;
	size_t			 i, argc = 0;

	rc->cmd = NULL;
	if (st != REDIS_POOL_OK || r->type != REDIS_REPLY_ARRAY ||
	    r->elements != 2 || r->element[0]->type != REDIS_REPLY_STRING ||
	    r->element[1]->type != REDIS_REPLY_ARRAY) {
		pass_end(rc, "Redis did not answer SCAN");
		return;
	}
	rc->cursor = strtoull(r->element[0]->str, NULL, 10);
	rc->scanned = 1;
	if ((pg = calloc(1, sizeof(*pg))) == NULL) {
		pass_end(rc, "out of memory");
		return;
	}
	pg->rc = rc;
	keys = r->element[1];
	for (i = 0; i < keys->elements && pg->n < PAGE_MAX; i++) {
		/* Keys this server would not write are not its business. */
		if (keys->element[i]->type != REDIS_REPLY_STRING ||
		    keys->element[i]->len >= LOCK_KEY_MAX ||
		    lock_key_tag(keys->element[i]->str, keys->element[i]->len,
		    pg->tags[pg->n], sizeof(pg->tags[pg->n])) == -1)
			continue;
		memcpy(pg->keys[pg->n], keys->element[i]->str,
		    keys->element[i]->len + 1);
		pg->n++;
	}
	if (pg->n == 0) {
		free(pg);
		scan_next(rc);
		return;
	}
	snprintf(nkeys, sizeof(nkeys), "%zu", pg->n);
	argv[argc++] = "EVAL";
	argv[argc++] = PAGE_SCRIPT;
	argv[argc++] = nkeys;
	for (i = 0; i < pg->n; i++)
		argv[argc++] = pg->keys[i];
	argv[argc++] = STRAY_KEY;
	for (i = 0; i < pg->n; i++)
		argv[argc++] = pg->tags[i];
	rc->cmd = redis_pool_submit(rc->deps.pool, page_values, pg,
	    deadline(rc), (int)argc, argv, NULL, &why);
	if (rc->cmd == NULL) {
		free(pg);
		pass_end(rc, redis_pool_status_name(why));
	}
}

/* SCAN goes from cursor 0 until it answers 0 again. */
static void
scan_next(struct reconciler *rc)
{
	enum redis_pool_status	why;
	char			cursor[24];

	if (rc->scanned && rc->cursor == 0) {
		pass_end(rc, NULL);
		return;
	}
	rc->stage = PASS_SCANNING;
	snprintf(cursor, sizeof(cursor), "%llu", rc->cursor);
	rc->cmd = redis_pool_submitf(rc->deps.pool, scan_page, rc,
	    deadline(rc), &why, "SCAN %s MATCH %s COUNT %s", cursor,
	    LOCK_KEY_PATTERN, SCAN_COUNT);
	if (rc->cmd == NULL)
		pass_end(rc, redis_pool_status_name(why));
}

/* --- Sheets side first: occupied rows must have locks --- */

static void
pass_cache(void *arg, const struct sheets_cache_view *unused)
{
	struct reconciler		*rc = arg;
	struct sheets_cache_view	 view;
	struct spool_columns		 cols;
	struct spool_row		 row;
	const struct sheet_table	*ops;
	const char			*missing;
	char				 tag[SPOOL_TAG_MAX + 1];
	size_t				 i;

	(void)unused;
	rc->wait = NULL;
	sheets_cache_peek(rc->deps.cache, &view);
	ops = view.table[SHEETS_CACHE_OPERACIONES];
	if (view.status != SHEETS_CACHE_FRESH ||
	    spool_columns_find(ops, &cols, &missing) == -1) {
		pass_end(rc, "Sheets not read fresh");
		return;
	}
	stat_add(&rc->deps.stats->reconcile_runs_total, 1);
	for (i = 0; i < sheet_table_rows(ops); i++) {
		spool_row_read(ops, &cols, i, &row);
		/* The tag as requests name it: the lookup trims cells too. */
		if (spool_tag_canon(row.f[SPOOL_TAG], strlen(row.f[SPOOL_TAG]),
		    tag, sizeof(tag)) == -1 ||
		    !spool_cell_set(row.f[SPOOL_OCUPADO_POR]))
			continue;
		restore_lock(rc, tag,
		    worker_id_from_nombre(row.f[SPOOL_OCUPADO_POR]));
	}
	rc->stage = PASS_RESTORING;
	if (rc->outstanding == 0) {
		rc->stage = PASS_SCANNING;
		rc->cursor = 0;
		rc->scanned = 0;
		scan_next(rc);
	}
}

static void
pass_lease(void *arg, enum redis_pool_status st, const redisReply *r)
{
	struct reconciler	*rc = arg;

	rc->cmd = NULL;
	if (st != REDIS_POOL_OK || r->type != REDIS_REPLY_STATUS) {
		/* Another worker or instance has this round. */
		rc->stage = PASS_IDLE;
		return;
	}
	rc->stage = PASS_CACHE;
	rc->restored = rc->removed = 0;
	sheets_cache_invalidate(rc->deps.cache);
	rc->wait = sheets_cache_read(rc->deps.cache,
	    io_loop_now(rc->deps.loop) + rc->deps.sheets_timeout_ms,
	    pass_cache, rc);
	if (rc->wait == NULL)
		pass_end(rc, "out of memory");
}

struct reconciler *
reconciler_new(const struct reconciler_deps *deps)
{
	struct reconciler	*rc;

	if ((rc = calloc(1, sizeof(*rc))) == NULL)
		return (NULL);
	rc->deps = *deps;
	TAILQ_INIT(&rc->fixes);
	return (rc);
}

void
reconciler_free(struct reconciler *rc)
{
	struct fix	*f;

	if (rc == NULL)
		return;
	if (rc->cmd != NULL)
		redis_pool_cancel(rc->cmd);
	if (rc->wait != NULL)
		sheets_cache_cancel(rc->wait);
	/* Their answers would come from redis_pool_free(), after us. */
	while ((f = TAILQ_FIRST(&rc->fixes)) != NULL) {
		TAILQ_REMOVE(&rc->fixes, f, entry);
		lock_cancel(f->op);
		free(f);
	}
	free(rc);
}

void
reconciler_tick(struct reconciler *rc, uint64_t now)
{
	enum redis_pool_status	why;
	char			ttl[24];

	if (rc->stage != PASS_IDLE || now < rc->next_ms)
		return;
	/* At start-up the pool may still be connecting: try again soon. */
	if (!redis_pool_is_up(rc->deps.pool)) {
		rc->next_ms = now + 1000;
		return;
	}
	rc->next_ms = now + rc->deps.interval_ms;
	/* The lease lapses a little before the next round is due. */
	snprintf(ttl, sizeof(ttl), "%llu",
	    (unsigned long long)(rc->deps.interval_ms * 9 / 10));
	rc->stage = PASS_LEASE;
	rc->cmd = redis_pool_submitf(rc->deps.pool, pass_lease, rc,
	    deadline(rc), &why, "SET %s %s NX PX %s", rc->failover_lease[0] !=
	    '\0' ? rc->failover_lease : LEASE_KEY, rc->deps.holder, ttl);
	if (rc->cmd == NULL)
		rc->stage = PASS_IDLE;
	else
		rc->failover_lease[0] = '\0';
}

void
reconciler_after_failover(struct reconciler *rc, const char *primary)
{
	snprintf(rc->failover_lease, sizeof(rc->failover_lease), "%s:%s",
	    LEASE_KEY, primary);
	rc->next_ms = 0;
}
