/*
 * The read cache against the Sheets emulator: one read for four sheets
 * (Uniones among them, indexed and grouped, our writes to it noted),
 * TTL and single flight, stale tables while Sheets fails, deadlines while
 * it hangs, our own writes visible at once, a health probe that costs
 * no quota, the Metadata log read along without risking the tables, and
 * a workbook past what one reply may hold read in pieces.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "audit.h"
#include "emulator_fixture.h"
#include "group_commit.h"
#include "harness.h"
#include "metadata_log.h"
#include "poll_loop.h"
#include "redis_pool.h"
#include "service_account.h"
#include "sheets_cache.h"
#include "sheets_client.h"
#include "sheets_limiter.h"

struct fixture {
	struct emu		 emu;
	struct poll_loop	*pl;
	struct sheets_client	*sc;
	struct sheets_limiter	*lim;
	struct sheets_cache	*cache;
	struct metadata_log	*log;		/* read along, when set */
	/* Only the group commit test has these. */
	pid_t			 redis;
	struct redis_pool	*pool;
	struct redis_pool_stats	 pool_stats;
	struct group_commit	*gc;
};

struct got {
	int				calls;
	enum sheets_cache_status	status;
	uint64_t			generation;
	uint64_t			at_ms;
	char				error[SHEETS_CACHE_ERROR_MAX];
	char				cell[128];	/* probe's answer */
	const char			*probe_tag;
	const char			*probe_header;
};

/* Records the view; looks up probe_tag's probe_header while valid. */
static void
on_view(void *arg, const struct sheets_cache_view *v)
{
	struct got			*g = arg;
	const struct sheet_table	*op;
	long				 r;

	g->calls++;
	g->status = v->status;
	g->generation = v->generation;
	g->at_ms = harness_now_ms();
	snprintf(g->error, sizeof(g->error), "%s", v->error);
	op = v->table[SHEETS_CACHE_OPERACIONES];
	if (g->probe_tag != NULL && op != NULL &&
	    (r = sheet_table_find(op, g->probe_tag)) >= 0)
		snprintf(g->cell, sizeof(g->cell), "%s", sheet_table_cell(op,
		    (size_t)r, sheet_table_column(op, g->probe_header)));
}

static void
pump_once(struct fixture *f)
{
	uint64_t	now;

	poll_loop_run_once(f->pl, IO_LOOP_TICK_MS);
	now = harness_now_ms();
	if (f->pool != NULL)
		redis_pool_tick(f->pool, now);
	sheets_client_tick(f->sc, now);
	sheets_limiter_tick(f->lim, now);
	sheets_cache_tick(f->cache, now);
	if (f->gc != NULL)
		group_commit_tick(f->gc, now);
}

static void
pump(struct fixture *f, int ms)
{
	uint64_t	end = harness_now_ms() + (uint64_t)ms;

	while (harness_now_ms() < end)
		pump_once(f);
}

static int
pump_until(struct fixture *f, const int *calls, size_t stride, size_t n,
    int ms)
{
	uint64_t	end = harness_now_ms() + (uint64_t)ms;
	size_t		i, done;

	while (harness_now_ms() < end) {
		pump_once(f);
		for (i = 0, done = 0; i < n; i++)
			done += *(const int *)((const char *)calls +
			    i * stride) > 0;
		if (done == n)
			return (0);
	}
	return (-1);
}

#define WAIT_GOT(f, g, n, ms) \
	pump_until((f), &(g)[0].calls, sizeof((g)[0]), (n), (ms))

static void
cache_open(struct fixture *f, uint64_t ttl, uint64_t max_stale,
    uint64_t retry, uint64_t refresh_timeout)
{
	struct sheets_cache_config	cfg;
	char				err[256];

	sheets_cache_free(f->cache);
	sheets_cache_config_defaults(&cfg);
	cfg.ttl_ms = ttl;
	cfg.max_stale_ms = max_stale;
	cfg.retry_ms = retry;
	cfg.refresh_timeout_ms = refresh_timeout;
	if (f->log != NULL)
		metadata_log_rider(f->log, &cfg.rider);
	f->cache = sheets_cache_new(&cfg, f->sc, f->lim, poll_loop_io(f->pl),
	    err, sizeof(err));
	if (f->cache == NULL)
		fail_msg("%s", err);
}

static int
setup(void **state)
{
	struct fixture			*f = calloc(1, sizeof(*f));
	struct sheets_limiter_config	 lcfg;

	assert_non_null(f);
	assert_int_equal(emu_start(&f->emu, 60, 12, NULL), 0);
	f->pl = poll_loop_new();
	assert_non_null(f->sc = emu_client(&f->emu, poll_loop_io(f->pl)));
	sheets_limiter_config_defaults(&lcfg);
	lcfg.account = "cache@test";
	lcfg.per_window[SHEETS_QUOTA_READ] = 600;
	lcfg.per_window[SHEETS_QUOTA_WRITE] = 600;
	f->lim = sheets_limiter_new(&lcfg, NULL, poll_loop_io(f->pl));
	assert_non_null(f->lim);
	cache_open(f, 15000, 300000, 2000, 5000);
	*state = f;
	return (0);
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;
	int		 rc;

	group_commit_free(f->gc);
	sheets_cache_free(f->cache);
	metadata_log_free(f->log);
	sheets_limiter_free(f->lim);
	sheets_client_free(f->sc);
	redis_pool_free(f->pool);
	poll_loop_free(f->pl);
	if (f->redis > 0)
		harness_stop(f->redis, 3000);
	rc = emu_stop(&f->emu);
	free(f);
	assert_int_equal(rc, 0);
	return (0);
}

static long long
batch_gets(struct fixture *f)
{
	return (emu_counter(&f->emu, "calls", "batchGet", NULL));
}

/* The tag of the first data row, from the emulator's workbook. */
static void
first_tag(struct fixture *f, char *tag, size_t len)
{
	yajl_val	wb, op;
	char		buf[32];

	assert_non_null(wb = emu_workbook(&f->emu));
	op = emu_sheet(wb, "Operaciones");
	snprintf(tag, len, "%s", emu_cell(op, 1,
	    (size_t)emu_column(op, "TAG_SPOOL"), buf, sizeof(buf)));
	yajl_tree_free(wb);
}

/* One batchGet fills all three tables, indexed for O(1) lookups. */
static void
test_one_read_for_three_sheets(void **state)
{
	struct fixture			*f = *state;
	struct sheets_cache_view	 v;
	struct got			 g[1];
	char				 tag[80];
	long				 r;

	first_tag(f, tag, sizeof(tag));
	emu_reset_counters(&f->emu);
	memset(g, 0, sizeof(g));
	assert_non_null(sheets_cache_read(f->cache, harness_now_ms() + 5000,
	    on_view, &g[0]));
	assert_int_equal(g[0].calls, 0);
	assert_int_equal(WAIT_GOT(f, g, 1, 6000), 0);
	assert_int_equal(g[0].status, SHEETS_CACHE_FRESH);
	assert_int_equal(batch_gets(f), 1);
	assert_int_equal(emu_counter(&f->emu, "reads", NULL), 1);

	sheets_cache_peek(f->cache, &v);
	assert_int_equal(v.status, SHEETS_CACHE_FRESH);
	assert_int_equal(sheet_table_rows(v.table[SHEETS_CACHE_OPERACIONES]),
	    60);
	r = sheet_table_find(v.table[SHEETS_CACHE_OPERACIONES], tag);
	assert_int_equal(r, 0);
	assert_true(sheet_table_find(v.table[SHEETS_CACHE_TRABAJADORES],
	    "81") >= 0);
	assert_int_equal(sheet_table_rows(v.table[SHEETS_CACHE_TRABAJADORES]),
	    12);
	assert_true(sheet_table_rows(v.table[SHEETS_CACHE_ROLES]) >= 12);
}

/*
 * The Metadata log rides in the same batchGet (one read); a log whose
 * ranges make the read fail costs one failed refresh, after which the
 * tables are read without it.
 */
static void
test_metadata_log_rides_along(void **state)
{
	struct fixture	*f = *state;
	struct got	 g[2];

	assert_non_null(f->log = metadata_log_new("Metadata", 60000));
	cache_open(f, 15000, 300000, 100, 5000);
	emu_reset_counters(&f->emu);
	memset(g, 0, sizeof(g));
	assert_non_null(sheets_cache_read(f->cache, harness_now_ms() + 5000,
	    on_view, &g[0]));
	assert_int_equal(WAIT_GOT(f, g, 1, 6000), 0);
	assert_int_equal(g[0].status, SHEETS_CACHE_FRESH);
	assert_int_equal(emu_counter(&f->emu, "reads", NULL), 1);
	assert_true(metadata_log_loaded(f->log));

	sheets_cache_free(f->cache);
	f->cache = NULL;
	metadata_log_free(f->log);
	assert_non_null(f->log = metadata_log_new("No such sheet", 60000));
	cache_open(f, 15000, 300000, 100, 5000);
	memset(g, 0, sizeof(g));
	assert_non_null(sheets_cache_read(f->cache, harness_now_ms() + 5000,
	    on_view, &g[0]));
	assert_int_equal(WAIT_GOT(f, g, 1, 6000), 0);
	assert_int_equal(g[0].status, SHEETS_CACHE_UNAVAILABLE);
	pump(f, 200);			/* past retry_ms */
	assert_non_null(sheets_cache_read(f->cache, harness_now_ms() + 5000,
	    on_view, &g[1]));
	assert_int_equal(WAIT_GOT(f, &g[1], 1, 6000), 0);
	assert_int_equal(g[1].status, SHEETS_CACHE_FRESH);
	assert_false(metadata_log_loaded(f->log));
}

/* Readers during a refresh share it; within the TTL nobody reads Sheets. */
static void
test_single_flight_and_ttl(void **state)
{
	struct fixture	*f = *state;
	struct got	 g[21];
	int		 i;

	cache_open(f, 400, 300000, 2000, 5000);
	emu_reset_counters(&f->emu);
	memset(g, 0, sizeof(g));
	for (i = 0; i < 20; i++)
		sheets_cache_read(f->cache, harness_now_ms() + 5000, on_view,
		    &g[i]);
	assert_int_equal(WAIT_GOT(f, g, 20, 6000), 0);
	for (i = 0; i < 20; i++) {
		assert_int_equal(g[i].calls, 1);
		assert_int_equal(g[i].status, SHEETS_CACHE_FRESH);
		assert_int_equal(g[i].generation, 1);
	}
	assert_int_equal(batch_gets(f), 1);

	memset(g, 0, sizeof(g));
	for (i = 0; i < 20; i++)
		sheets_cache_read(f->cache, harness_now_ms() + 5000, on_view,
		    &g[i]);
	assert_int_equal(WAIT_GOT(f, g, 20, 6000), 0);
	assert_int_equal(batch_gets(f), 1);

	pump(f, 450);			/* past the TTL */
	sheets_cache_read(f->cache, harness_now_ms() + 5000, on_view, &g[20]);
	assert_int_equal(WAIT_GOT(f, &g[20], 1, 6000), 0);
	assert_int_equal(g[20].generation, 2);
	assert_int_equal(batch_gets(f), 2);
}

/* Sheets failing: the last tables are served stale, then not at all. */
static void
test_stale_while_error(void **state)
{
	struct fixture			*f = *state;
	struct sheets_cache_health	 h;
	struct got			 g[4];

	cache_open(f, 200, 2500, 400, 800);
	memset(g, 0, sizeof(g));
	sheets_cache_read(f->cache, harness_now_ms() + 5000, on_view, &g[0]);
	assert_int_equal(WAIT_GOT(f, g, 1, 6000), 0);
	assert_int_equal(g[0].status, SHEETS_CACHE_FRESH);

	assert_int_equal(emu_faults(&f->emu, "{\"fail_all_seconds\":60}"), 0);
	pump(f, 250);
	sheets_cache_read(f->cache, harness_now_ms() + 3000, on_view, &g[1]);
	assert_int_equal(WAIT_GOT(f, &g[1], 1, 5000), 0);
	assert_int_equal(g[1].status, SHEETS_CACHE_STALE);
	assert_string_not_equal(g[1].error, "");
	assert_int_equal(g[1].generation, 1);
	sheets_cache_health(f->cache, &h);
	assert_int_equal(h.have_data, 1);
	assert_int_equal(h.last_ok, 0);
	assert_true(h.failures >= 1);
	assert_string_not_equal(h.error, "");

	pump(f, 2600);			/* past max_stale */
	sheets_cache_read(f->cache, harness_now_ms() + 1000, on_view, &g[2]);
	assert_int_equal(WAIT_GOT(f, &g[2], 1, 3000), 0);
	assert_int_equal(g[2].status, SHEETS_CACHE_UNAVAILABLE);

	assert_int_equal(emu_faults(&f->emu, "{}"), 0);
	pump(f, 450);			/* past retry_ms */
	sheets_cache_read(f->cache, harness_now_ms() + 5000, on_view, &g[3]);
	assert_int_equal(WAIT_GOT(f, &g[3], 1, 6000), 0);
	assert_int_equal(g[3].status, SHEETS_CACHE_FRESH);
	assert_int_equal(g[3].generation, 2);
	sheets_cache_health(f->cache, &h);
	assert_int_equal(h.last_ok, 1);
	assert_string_equal(h.error, "");
}

/*
 * A cache whose refresh failed reads again by itself once Sheets is back,
 * with no reader asking: its health must not wait for the next request.
 */
static void
test_failed_cache_recovers_without_readers(void **state)
{
	struct fixture			*f = *state;
	struct sheets_cache_health	 h;
	struct got			 g[2];
	int				 i;

	cache_open(f, 200, 60000, 300, 800);
	memset(g, 0, sizeof(g));
	sheets_cache_read(f->cache, harness_now_ms() + 5000, on_view, &g[0]);
	assert_int_equal(WAIT_GOT(f, g, 1, 6000), 0);

	assert_int_equal(emu_faults(&f->emu, "{\"fail_all_seconds\":60}"), 0);
	pump(f, 250);
	sheets_cache_read(f->cache, harness_now_ms() + 3000, on_view, &g[1]);
	assert_int_equal(WAIT_GOT(f, &g[1], 1, 5000), 0);
	assert_int_equal(g[1].status, SHEETS_CACHE_STALE);
	assert_int_equal(emu_faults(&f->emu, "{}"), 0);

	/* 5 × retry_ms with no reader, then some slack for the read. */
	for (i = 0; i < 60; i++) {
		pump(f, 100);
		sheets_cache_health(f->cache, &h);
		if (h.last_ok)
			break;
	}
	assert_int_equal(h.last_ok, 1);
	assert_int_equal(h.generation, 2);
	assert_string_equal(h.error, "");
	assert_int_equal(g[0].calls + g[1].calls, 2);
}

/* A hung Sheets: readers are answered at their deadline. */
static void
test_deadline_while_refresh_hangs(void **state)
{
	struct fixture	*f = *state;
	struct got	 g[2];
	uint64_t	 t0;

	assert_int_equal(emu_faults(&f->emu, "{\"hang_rate\":1.0}"), 0);
	memset(g, 0, sizeof(g));
	t0 = harness_now_ms();
	sheets_cache_read(f->cache, t0 + 400, on_view, &g[0]);
	sheets_cache_read(f->cache, t0 + 800, on_view, &g[1]);
	assert_int_equal(WAIT_GOT(f, g, 2, 3000), 0);
	assert_int_equal(g[0].status, SHEETS_CACHE_UNAVAILABLE);
	assert_int_equal(g[1].status, SHEETS_CACHE_UNAVAILABLE);
	assert_true(g[0].at_ms - t0 >= 400 && g[0].at_ms - t0 < 550);
	assert_true(g[1].at_ms - t0 >= 800 && g[1].at_ms - t0 < 950);
	assert_int_equal(emu_faults(&f->emu, "{}"), 0);
}

/*
 * Noted writes show at once, widen ragged rows, never touch the key, and
 * are applied again to a refresh that was in flight when they came.
 */
static void
test_noted_writes(void **state)
{
	struct fixture			*f = *state;
	struct sheets_cache_view	 v;
	const struct sheet_table	*op;
	struct got			 g[2];
	char				 tag[80];
	long				 r;

	first_tag(f, tag, sizeof(tag));
	memset(g, 0, sizeof(g));
	sheets_cache_read(f->cache, harness_now_ms() + 5000, on_view, &g[0]);
	assert_int_equal(WAIT_GOT(f, g, 1, 6000), 0);

	sheets_cache_note_write(f->cache, "Operaciones", tag,
	    "Estado_Detalle", "written by us");
	sheets_cache_note_write(f->cache, "Operaciones", tag, "TAG_SPOOL",
	    "MK-NOT-A-TAG");
	sheets_cache_note_write(f->cache, "Operaciones", "MK-UNKNOWN",
	    "Estado_Detalle", "x");
	sheets_cache_note_write(f->cache, "Elsewhere", tag, "Estado_Detalle",
	    "x");
	sheets_cache_peek(f->cache, &v);
	op = v.table[SHEETS_CACHE_OPERACIONES];
	r = sheet_table_find(op, tag);
	assert_int_equal(r, 0);
	assert_string_equal(sheet_table_cell(op, 0, sheet_table_column(op,
	    "Estado_Detalle")), "written by us");
	assert_string_equal(sheet_table_cell(op, 0, sheet_table_column(op,
	    "TAG_SPOOL")), tag);

	/* A write that comes while a refresh is in flight survives it. */
	sheets_cache_invalidate(f->cache);
	g[1].probe_tag = tag;
	g[1].probe_header = "Estado_Detalle";
	sheets_cache_read(f->cache, harness_now_ms() + 5000, on_view, &g[1]);
	sheets_cache_note_write(f->cache, "Operaciones", tag,
	    "Estado_Detalle", "noted mid-refresh");
	assert_int_equal(WAIT_GOT(f, &g[1], 1, 6000), 0);
	assert_int_equal(g[1].generation, 2);
	assert_string_equal(g[1].cell, "noted mid-refresh");
}

/*
 * Uniones rides in the same batchGet, indexed by ID and grouped by
 * TAG_SPOOL; our writes to a union (keyed by ID, as group commit reports
 * them) show at once, and its key and group cells are never written.
 */
static void
test_uniones_ride_along(void **state)
{
	struct fixture			*f = *state;
	struct sheets_cache_view	 v;
	struct sheets_cache_health	 h;
	const struct sheet_table	*un;
	struct got			 g[1];
	char				 id[64], tag[80];
	long				 r, next;

	emu_reset_counters(&f->emu);
	memset(g, 0, sizeof(g));
	sheets_cache_read(f->cache, harness_now_ms() + 5000, on_view, &g[0]);
	assert_int_equal(WAIT_GOT(f, g, 1, 6000), 0);
	assert_int_equal(emu_counter(&f->emu, "reads", NULL), 1);
	sheets_cache_peek(f->cache, &v);
	assert_non_null(un = v.table[SHEETS_CACHE_UNIONES]);
	assert_true(sheet_table_rows(un) > 0);
	snprintf(id, sizeof(id), "%s", sheet_table_cell(un, 0,
	    sheet_table_column(un, "ID")));
	snprintf(tag, sizeof(tag), "%s", sheet_table_cell(un, 0,
	    sheet_table_column(un, "TAG_SPOOL")));
	assert_int_equal(sheet_table_find(un, id), 0);
	/* The spool's unions, chained in sheet order. */
	assert_int_equal(sheet_table_group_first(un, tag), 0);
	next = sheet_table_group_next(un, 0);
	assert_true(next == -1 || next > 0);
	assert_int_equal(sheet_table_group_first(un, "MK-NONE"), -1);
	sheets_cache_health(f->cache, &h);
	assert_true(h.have_unions);
	assert_string_equal(h.unions_error, "");

	sheets_cache_note_write(f->cache, "Uniones", id, "ARM_FECHA_FIN",
	    "03-12-2026 10:00:00");
	sheets_cache_note_write(f->cache, "Uniones", id, "ID", "not-an-id");
	sheets_cache_note_write(f->cache, "Uniones", id, "TAG_SPOOL", "MK-X");
	sheets_cache_peek(f->cache, &v);
	un = v.table[SHEETS_CACHE_UNIONES];
	r = sheet_table_find(un, id);
	assert_int_equal(r, 0);
	assert_string_equal(sheet_table_cell(un, 0, sheet_table_column(un,
	    "ARM_FECHA_FIN")), "03-12-2026 10:00:00");
	assert_string_equal(sheet_table_cell(un, 0, sheet_table_column(un,
	    "ID")), id);
	/* The group column neither: the spool keeps its unions. */
	assert_string_equal(sheet_table_cell(un, 0, sheet_table_column(un,
	    "TAG_SPOOL")), tag);
	assert_int_equal(sheet_table_group_first(un, tag), 0);
}

/* The health probe spends no quota, however often it is asked. */
static void
test_health_is_free(void **state)
{
	struct fixture			*f = *state;
	struct sheets_cache_health	 h;
	struct got			 g[1];
	int				 i;

	sheets_cache_health(f->cache, &h);
	assert_int_equal(h.have_data, 0);
	memset(g, 0, sizeof(g));
	sheets_cache_read(f->cache, harness_now_ms() + 5000, on_view, &g[0]);
	assert_int_equal(WAIT_GOT(f, g, 1, 6000), 0);
	emu_reset_counters(&f->emu);
	for (i = 0; i < 1000; i++) {
		sheets_cache_health(f->cache, &h);
		pump_once(f);
	}
	assert_int_equal(h.have_data, 1);
	assert_int_equal(h.last_ok, 1);
	assert_true(h.age_ms > 0);
	assert_int_equal(h.generation, 1);
	assert_int_equal(emu_counter(&f->emu, "total", NULL), 0);
}

/* A cancelled reader is never called. */
static void
test_cancel(void **state)
{
	struct fixture			*f = *state;
	struct sheets_cache_wait	*w;
	struct got			 g[2];

	memset(g, 0, sizeof(g));
	w = sheets_cache_read(f->cache, harness_now_ms() + 5000, on_view,
	    &g[0]);
	sheets_cache_read(f->cache, harness_now_ms() + 5000, on_view, &g[1]);
	sheets_cache_cancel(w);
	assert_int_equal(WAIT_GOT(f, &g[1], 1, 6000), 0);
	pump(f, 100);
	assert_int_equal(g[0].calls, 0);
}

struct gc_got {
	int			calls;
	struct gc_outcome	out;
};

static void
on_done_gc(void *arg, const struct gc_outcome *o)
{
	struct gc_got	*d = arg;

	d->calls++;
	d->out = *o;
}

/* Group commit's writes reach the cache: read-your-writes, no re-read. */
static void
test_group_commit_writes_reach_the_cache(void **state)
{
	struct fixture			*f = *state;
	struct redis_pool_config	 pcfg;
	struct group_commit_config	 gcfg;
	struct sheets_cache_view	 v;
	const struct sheet_table	*op;
	struct gc_write			 w;
	struct gc_change		 c;
	struct audit_record		 a;
	struct sheets_cell		 cells[AUDIT_COLUMNS];
	struct sheets_row		 arow;
	struct got			 g[1];
	char				 err[256], tag[80], version[80];
	int				 port = harness_free_port();
	long				 r;
	struct gc_got			 done;

	memset(&done, 0, sizeof(done));
	f->redis = harness_start_redis(port, harness_tmpdir());
	assert_true(f->redis > 0);
	memset(&pcfg, 0, sizeof(pcfg));
	snprintf(pcfg.url.host, sizeof(pcfg.url.host), "127.0.0.1");
	pcfg.url.port = port;
	snprintf(pcfg.client_name, sizeof(pcfg.client_name), "zeues-test");
	pcfg.max_connections = 2;
	pcfg.connect_timeout_ms = 1000;
	pcfg.command_timeout_ms = 1000;
	pcfg.health_interval_ms = 30000;
	pcfg.idle_timeout_ms = 60000;
	pcfg.grow_depth = 16;
	pcfg.wait_queue_max = 100;
	pcfg.pipeline_max = 64;
	f->pool = redis_pool_new(&pcfg, poll_loop_io(f->pl), &f->pool_stats);
	group_commit_config_defaults(&gcfg);
	gcfg.spreadsheet_id = f->emu.spreadsheet_id;
	gcfg.applied = sheets_cache_note_write;
	gcfg.applied_arg = f->cache;
	f->gc = group_commit_new(&gcfg, f->sc, f->pool, f->lim,
	    poll_loop_io(f->pl), err, sizeof(err));
	assert_non_null(f->gc);

	memset(g, 0, sizeof(g));
	sheets_cache_read(f->cache, harness_now_ms() + 5000, on_view, &g[0]);
	assert_int_equal(WAIT_GOT(f, g, 1, 6000), 0);
	sheets_cache_peek(f->cache, &v);
	op = v.table[SHEETS_CACHE_OPERACIONES];
	snprintf(tag, sizeof(tag), "%s", sheet_table_cell(op, 3,
	    sheet_table_column(op, "TAG_SPOOL")));
	snprintf(version, sizeof(version), "%s", sheet_table_cell(op, 3,
	    sheet_table_column(op, "version")));

	memset(&c, 0, sizeof(c));
	w.header = "Estado_Detalle";
	w.value.kind = SHEETS_CELL_TEXT;
	w.value.text = "MR(93) trabajando ARM (ARM en progreso, SOLD "
	    "pendiente)";
	c.sheet = "Operaciones";
	c.tag = tag;
	c.row = sheet_table_row_number(op, 3);
	c.expected_version = version;
	c.writes = &w;
	c.nwrites = 1;
	memset(&a, 0, sizeof(a));
	assert_int_equal(uuid4_generate(a.id), 0);
	a.evento_tipo = "TOMAR_SPOOL";
	snprintf(a.tag_spool, sizeof(a.tag_spool), "%s", tag);
	audit_row(&a, cells);
	arow.cells = cells;
	arow.ncells = AUDIT_COLUMNS;
	c.audits = &arow;
	c.naudits = 1;
	assert_non_null(group_commit_submit(f->gc, &c,
	    harness_now_ms() + 10000, on_done_gc, &done, err,
	    sizeof(err)));
	assert_int_equal(pump_until(f, &done.calls, sizeof(done), 1, 10000),
	    0);
	assert_int_equal(done.out.status, GC_APPLIED);

	/* Seen at once, from the same tables: no refresh happened. */
	sheets_cache_peek(f->cache, &v);
	assert_int_equal(v.generation, 1);
	op = v.table[SHEETS_CACHE_OPERACIONES];
	r = sheet_table_find(op, tag);
	assert_int_equal(r, 3);
	assert_string_equal(sheet_table_cell(op, 3, sheet_table_column(op,
	    "Estado_Detalle")), w.value.text);
	assert_string_equal(sheet_table_cell(op, 3, sheet_table_column(op,
	    "version")), done.out.version);
}

/*
 * A workbook past what one reply may hold (here a client allowing 1,000
 * cells a reply, so the 60 rows of 72 columns do not fit): the whole read
 * fails, the grid is learned once, Operaciones comes in pieces of whole
 * rows with the Metadata log along, and the table is the whole sheet.
 * The next refresh goes straight to the pieces.
 */
static void
test_pieces_past_the_reply_cap(void **state)
{
	struct fixture			*f = *state;
	struct sheets_client_config	 cfg;
	struct service_account		*sa;
	struct sheets_cache_view	 v;
	struct sheets_cache_health	 h;
	struct got			 g[2];
	char				 tag[80], err[256];
	long long			 gets;

	first_tag(f, tag, sizeof(tag));
	sheets_cache_free(f->cache);
	f->cache = NULL;
	sheets_client_free(f->sc);
	assert_non_null(sa = emu_account(&f->emu));
	sheets_client_config_defaults(&cfg);
	cfg.base_url = f->emu.base;
	cfg.spreadsheet_id = f->emu.spreadsheet_id;
	cfg.attempt_timeout_ms = 5000;
	cfg.limits.max_cells = 1000;
	f->sc = sheets_client_new(poll_loop_io(f->pl), sa, &cfg, err,
	    sizeof(err));
	service_account_free(sa);
	assert_non_null(f->sc);
	assert_non_null(f->log = metadata_log_new("Metadata", 60000));
	cache_open(f, 15000, 300000, 100, 5000);

	emu_reset_counters(&f->emu);
	memset(g, 0, sizeof(g));
	assert_non_null(sheets_cache_read(f->cache, harness_now_ms() + 10000,
	    on_view, &g[0]));
	assert_int_equal(WAIT_GOT(f, g, 1, 11000), 0);
	if (g[0].status != SHEETS_CACHE_FRESH)
		fail_msg("%s", g[0].error);
	sheets_cache_peek(f->cache, &v);
	assert_int_equal(sheet_table_rows(v.table[SHEETS_CACHE_OPERACIONES]),
	    60);
	assert_int_equal(sheet_table_find(v.table[SHEETS_CACHE_OPERACIONES],
	    tag), 0);
	assert_int_equal(sheet_table_rows(v.table[SHEETS_CACHE_TRABAJADORES]),
	    12);
	assert_true(metadata_log_loaded(f->log));
	assert_int_equal(emu_counter(&f->emu, "calls", "spreadsheets.get",
	    NULL), 1);
	gets = batch_gets(f);
	print_message("first refresh: %lld batchGets\n", gets);
	/* The whole read, then 60 rows at 9 a piece (the grid's empty rest
	   costs a few more). */
	assert_true(gets >= 8);

	sheets_cache_invalidate(f->cache);
	emu_reset_counters(&f->emu);
	assert_non_null(sheets_cache_read(f->cache, harness_now_ms() + 10000,
	    on_view, &g[1]));
	assert_int_equal(WAIT_GOT(f, &g[1], 1, 11000), 0);
	assert_int_equal(g[1].status, SHEETS_CACHE_FRESH);
	assert_int_equal(emu_counter(&f->emu, "calls", "spreadsheets.get",
	    NULL), 0);
	/* No whole read, no grid, no halving: the pieces only. */
	print_message("next refresh: %lld batchGets\n", batch_gets(f));
	assert_true(batch_gets(f) <= gets - 1);
	sheets_cache_health(f->cache, &h);
	assert_true(h.last_ok);
	assert_int_equal(h.failures, 0);
}

/*
 * A Uniones that fits a reply alone but not with Operaciones' first
 * piece is read in a request of its own after the pieces, from then on;
 * one that fits no reply is left out (v3 for all) without failing the
 * floor's tables.
 */
static void
test_uniones_read_alone(void **state)
{
	struct fixture			*f = *state;
	struct sheets_client_config	 cfg;
	struct service_account		*sa;
	struct sheets_cache_view	 v;
	struct sheets_cache_health	 h;
	struct got			 g[2];
	char				 err[256];
	size_t				 cells;
	long long			 gets;

	/* The demo's Uniones: its cells decide the reply cap below. */
	memset(g, 0, sizeof(g));
	sheets_cache_read(f->cache, harness_now_ms() + 5000, on_view, &g[0]);
	assert_int_equal(WAIT_GOT(f, g, 1, 6000), 0);
	sheets_cache_peek(f->cache, &v);
	cells = (sheet_table_rows(v.table[SHEETS_CACHE_UNIONES]) + 1) * 19;
	assert_true(cells > 61 * 72);

	sheets_cache_free(f->cache);
	f->cache = NULL;
	sheets_client_free(f->sc);
	assert_non_null(sa = emu_account(&f->emu));
	sheets_client_config_defaults(&cfg);
	cfg.base_url = f->emu.base;
	cfg.spreadsheet_id = f->emu.spreadsheet_id;
	cfg.attempt_timeout_ms = 5000;
	/* Uniones alone fits; with all of Operaciones it does not. */
	cfg.limits.max_cells = cells + 200;
	f->sc = sheets_client_new(poll_loop_io(f->pl), sa, &cfg, err,
	    sizeof(err));
	service_account_free(sa);
	assert_non_null(f->sc);
	cache_open(f, 15000, 300000, 100, 5000);

	memset(g, 0, sizeof(g));
	sheets_cache_read(f->cache, harness_now_ms() + 10000, on_view, &g[0]);
	assert_int_equal(WAIT_GOT(f, g, 1, 11000), 0);
	if (g[0].status != SHEETS_CACHE_FRESH)
		fail_msg("%s", g[0].error);
	sheets_cache_peek(f->cache, &v);
	assert_int_equal(sheet_table_rows(v.table[SHEETS_CACHE_OPERACIONES]),
	    60);
	assert_non_null(v.table[SHEETS_CACHE_UNIONES]);
	assert_int_equal((sheet_table_rows(v.table[SHEETS_CACHE_UNIONES]) +
	    1) * 19, cells);

	/* The next refresh: the tables, then Uniones; nothing refused. */
	sheets_cache_invalidate(f->cache);
	emu_reset_counters(&f->emu);
	sheets_cache_read(f->cache, harness_now_ms() + 10000, on_view, &g[1]);
	assert_int_equal(WAIT_GOT(f, &g[1], 1, 11000), 0);
	assert_int_equal(g[1].status, SHEETS_CACHE_FRESH);
	gets = batch_gets(f);
	assert_int_equal(emu_counter(&f->emu, "outcomes", "4xx", NULL), 0);
	print_message("refresh with Uniones alone: %lld batchGets\n", gets);
	assert_true(gets >= 2 && gets <= 3);
	sheets_cache_health(f->cache, &h);
	assert_true(h.last_ok && h.have_unions);
	assert_string_equal(h.unions_error, "");
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test_setup_teardown(test_one_read_for_three_sheets,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_metadata_log_rides_along,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_single_flight_and_ttl,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_while_error, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_failed_cache_recovers_without_readers, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_deadline_while_refresh_hangs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_noted_writes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_uniones_ride_along, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_health_is_free, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_cancel, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_group_commit_writes_reach_the_cache, setup, teardown),
		cmocka_unit_test_setup_teardown(test_uniones_read_alone, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_pieces_past_the_reply_cap,
		    setup, teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
