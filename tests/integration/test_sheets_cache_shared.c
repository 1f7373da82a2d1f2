/*
 * The read cache shared through Redis (SHEETS_CACHE_SHARED): several
 * caches, each standing for one worker with its own Sheets client,
 * limiter and Redis pool, against one emulator and one redis-server.
 * One refresh per TTL for all of them; our own writes survive a snapshot
 * read before them; a refresher that died is taken over when its lease
 * expires; Redis down or a corrupt snapshot, each reads Sheets itself;
 * the Metadata log rides along in the snapshot.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "emulator_fixture.h"
#include "harness.h"
#include "metadata_log.h"
#include "poll_loop.h"
#include "redis_pool.h"
#include "sheets_cache.h"
#include "sheets_client.h"
#include "sheets_limiter.h"

#define WORKERS		4

struct floor_worker {
	struct sheets_client	*sc;
	struct sheets_limiter	*lim;
	struct redis_pool	*pool;
	struct redis_pool_stats	 pool_stats;
	struct sheets_cache	*cache;
	struct metadata_log	*log;
};

struct fixture {
	struct emu		 emu;
	struct poll_loop	*pl;
	pid_t			 redis;
	int			 port;
	struct floor_worker		 w[WORKERS];
	int			 errors;	/* ERROR lines logged */
};

struct got {
	int				calls;
	enum sheets_cache_status	status;
	char				cell[128];
	const char			*probe_tag;
	const char			*probe_header;
};

static void
on_view(void *arg, const struct sheets_cache_view *v)
{
	struct got			*g = arg;
	const struct sheet_table	*op;
	long				 r;

	g->calls++;
	g->status = v->status;
	op = v->table[SHEETS_CACHE_OPERACIONES];
	if (g->probe_tag != NULL && op != NULL &&
	    (r = sheet_table_find(op, g->probe_tag)) >= 0)
		snprintf(g->cell, sizeof(g->cell), "%s", sheet_table_cell(op,
		    (size_t)r, sheet_table_column(op, g->probe_header)));
}

static void
on_log(void *arg, enum log_level level, const char *line)
{
	struct fixture	*f = arg;

	if (level == LOG_LEVEL_ERROR)
		f->errors++;
	if (getenv("TEST_VERBOSE") != NULL)
		fprintf(stderr, "log %d: %s\n", (int)level, line);
}

static void
pump_once(struct fixture *f)
{
	uint64_t	now;
	int		i;

	poll_loop_run_once(f->pl, IO_LOOP_TICK_MS);
	now = harness_now_ms();
	for (i = 0; i < WORKERS; i++) {
		if (f->w[i].cache == NULL)
			continue;
		redis_pool_tick(f->w[i].pool, now);
		sheets_client_tick(f->w[i].sc, now);
		sheets_limiter_tick(f->w[i].lim, now);
		sheets_cache_tick(f->w[i].cache, now);
	}
}

static void
pump(struct fixture *f, int ms)
{
	uint64_t	end = harness_now_ms() + (uint64_t)ms;

	while (harness_now_ms() < end)
		pump_once(f);
}

static int
wait_got(struct fixture *f, const struct got *g, int ms)
{
	uint64_t	end = harness_now_ms() + (uint64_t)ms;

	while (harness_now_ms() < end) {
		pump_once(f);
		if (g->calls > 0)
			return (0);
	}
	return (-1);
}

/* Worker i's cache: shared or not, with a Metadata log or not. */
static void
worker_open(struct fixture *f, int i, int shared, int with_log,
    uint64_t ttl, uint64_t lease)
{
	struct floor_worker			*w = &f->w[i];
	struct redis_pool_config	 pcfg;
	struct sheets_limiter_config	 lcfg;
	struct sheets_cache_config	 cfg;
	char				 err[256];

	assert_non_null(w->sc = emu_client(&f->emu, poll_loop_io(f->pl)));
	memset(&pcfg, 0, sizeof(pcfg));
	snprintf(pcfg.url.host, sizeof(pcfg.url.host), "127.0.0.1");
	pcfg.url.port = f->port;
	snprintf(pcfg.client_name, sizeof(pcfg.client_name), "zeues-test");
	pcfg.max_connections = 2;
	pcfg.connect_timeout_ms = 500;
	pcfg.command_timeout_ms = 500;
	pcfg.health_interval_ms = 30000;
	pcfg.idle_timeout_ms = 60000;
	pcfg.grow_depth = 16;
	pcfg.wait_queue_max = 100;
	pcfg.pipeline_max = 64;
	assert_non_null(w->pool = redis_pool_new(&pcfg, poll_loop_io(f->pl),
	    &w->pool_stats));
	sheets_limiter_config_defaults(&lcfg);
	lcfg.account = "cache@test";
	lcfg.per_window[SHEETS_QUOTA_READ] = 600;
	lcfg.per_window[SHEETS_QUOTA_WRITE] = 600;
	assert_non_null(w->lim = sheets_limiter_new(&lcfg, NULL,
	    poll_loop_io(f->pl)));
	sheets_cache_config_defaults(&cfg);
	cfg.ttl_ms = ttl;
	cfg.retry_ms = 200;
	cfg.refresh_timeout_ms = 5000;
	if (with_log) {
		assert_non_null(w->log = metadata_log_new("Metadata", 60000));
		metadata_log_rider(w->log, &cfg.rider);
	}
	if (shared) {
		cfg.share_pool = w->pool;
		cfg.share_id = f->emu.spreadsheet_id;
		cfg.share_lease_ms = lease;
		cfg.share_redis_timeout_ms = 500;
		cfg.log.fn = on_log;
		cfg.log.arg = f;
	}
	w->cache = sheets_cache_new(&cfg, w->sc, w->lim, poll_loop_io(f->pl),
	    err, sizeof(err));
	if (w->cache == NULL)
		fail_msg("%s", err);
}

static void
worker_close(struct floor_worker *w)
{
	sheets_cache_free(w->cache);
	metadata_log_free(w->log);
	sheets_limiter_free(w->lim);
	sheets_client_free(w->sc);
	redis_pool_free(w->pool);
	memset(w, 0, sizeof(*w));
}

static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(emu_start(&f->emu, 60, 12, NULL), 0);
	f->pl = poll_loop_new();
	f->port = harness_free_port();
	f->redis = harness_start_redis(f->port, harness_tmpdir());
	assert_true(f->redis > 0);
	*state = f;
	return (0);
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;
	int		 i, rc;

	for (i = 0; i < WORKERS; i++)
		worker_close(&f->w[i]);
	poll_loop_free(f->pl);
	if (f->redis > 0)
		harness_stop(f->redis, 3000);
	rc = emu_stop(&f->emu);
	free(f);
	assert_int_equal(rc, 0);
	return (0);
}

static long long
reads(struct fixture *f)
{
	return (emu_counter(&f->emu, "reads", NULL));
}

/* Every worker reads every 50 ms for ms; the Sheets reads it cost. */
static long long
busy_floor(struct fixture *f, int ms)
{
	struct got	g[WORKERS];
	uint64_t	end;
	int		i;

	emu_reset_counters(&f->emu);
	end = harness_now_ms() + (uint64_t)ms;
	while (harness_now_ms() < end) {
		memset(g, 0, sizeof(g));
		for (i = 0; i < WORKERS; i++)
			assert_non_null(sheets_cache_read(f->w[i].cache,
			    harness_now_ms() + 2000, on_view, &g[i]));
		for (i = 0; i < WORKERS; i++) {
			assert_int_equal(wait_got(f, &g[i], 3000), 0);
			assert_int_not_equal(g[i].status,
			    SHEETS_CACHE_UNAVAILABLE);
		}
		pump(f, 50);
	}
	return (reads(f));
}

/*
 * Four workers reading all the time: one Sheets read per TTL for all of
 * them, the others adopting it; unshared, each reads its own.
 */
static void
test_one_refresh_per_ttl(void **state)
{
	struct fixture			*f = *state;
	struct sheets_cache_health	 h;
	long long			 shared, alone;
	uint64_t			 adopted = 0, read = 0;
	int				 i;

	for (i = 0; i < WORKERS; i++)
		worker_open(f, i, 1, 0, 500, 2000);
	pump(f, 300);			/* the pools connected */
	shared = busy_floor(f, 3000);
	for (i = 0; i < WORKERS; i++) {
		sheets_cache_health(f->w[i].cache, &h);
		assert_true(h.shared);
		adopted += h.adopted;
		read += h.read;
	}
	print_message("Sheets reads in 3 s, %d workers, TTL 500 ms: shared "
	    "%lld (%llu adopted)\n", WORKERS, shared,
	    (unsigned long long)adopted);
	/* 3 s at a 500 ms TTL: 6 refreshes, 7 at the edges. */
	assert_true(shared >= 5 && shared <= 8);
	assert_int_equal((long long)read, shared);
	assert_true(adopted >= 3 * read - 4);
	assert_int_equal(f->errors, 0);

	for (i = 0; i < WORKERS; i++) {
		worker_close(&f->w[i]);
		worker_open(f, i, 0, 0, 500, 2000);
	}
	alone = busy_floor(f, 3000);
	print_message("unshared: %lld\n", alone);
	assert_true(alone >= 3 * shared);
}

/*
 * A write noted by one worker is in its tables even when the snapshot
 * it adopts was read before the write; the refresher's own noted writes
 * travel in its snapshot.
 */
static void
test_own_writes_survive_adoption(void **state)
{
	struct fixture	*f = *state;
	struct got	 g[3];
	char		 tag[64], buf[64];
	yajl_val	 wb, op;

	wb = emu_workbook(&f->emu);
	assert_non_null(wb);
	op = emu_sheet(wb, "Operaciones");
	snprintf(tag, sizeof(tag), "%s", emu_cell(op, 2,
	    (size_t)emu_column(op, "TAG_SPOOL"), buf, sizeof(buf)));
	yajl_tree_free(wb);
	worker_open(f, 0, 1, 0, 15000, 2000);
	worker_open(f, 1, 1, 0, 15000, 2000);
	pump(f, 300);			/* the pools connected */

	/* Worker 1's write lands after worker 0 read the sheet. */
	memset(g, 0, sizeof(g));
	assert_non_null(sheets_cache_read(f->w[0].cache,
	    harness_now_ms() + 3000, on_view, &g[0]));
	assert_int_equal(wait_got(f, &g[0], 4000), 0);
	sheets_cache_note_write(f->w[1].cache, "Operaciones", tag,
	    "Armador", "MR(93)");
	emu_reset_counters(&f->emu);
	g[1].probe_tag = tag;
	g[1].probe_header = "Armador";
	assert_non_null(sheets_cache_read(f->w[1].cache,
	    harness_now_ms() + 3000, on_view, &g[1]));
	assert_int_equal(wait_got(f, &g[1], 4000), 0);
	assert_int_equal(g[1].status, SHEETS_CACHE_FRESH);
	assert_string_equal(g[1].cell, "MR(93)");
	assert_int_equal(reads(f), 0);		/* adopted, not read */

	/* Worker 0 refreshes with a write of its own in flight. */
	sheets_cache_invalidate(f->w[0].cache);
	pump(f, 20);
	memset(&g[2], 0, sizeof(g[2]));
	assert_non_null(sheets_cache_read(f->w[0].cache,
	    harness_now_ms() + 3000, on_view, &g[2]));
	sheets_cache_note_write(f->w[0].cache, "Operaciones", tag,
	    "Soldador", "MR(94)");
	assert_int_equal(wait_got(f, &g[2], 4000), 0);
	pump(f, 100);				/* the snapshot stored */
	worker_close(&f->w[1]);
	worker_open(f, 1, 1, 0, 15000, 2000);
	pump(f, 300);
	memset(&g[1], 0, sizeof(g[1]));
	g[1].probe_tag = tag;
	g[1].probe_header = "Soldador";
	assert_non_null(sheets_cache_read(f->w[1].cache,
	    harness_now_ms() + 3000, on_view, &g[1]));
	assert_int_equal(wait_got(f, &g[1], 4000), 0);
	assert_string_equal(g[1].cell, "MR(94)");
	assert_int_equal(reads(f), 1);		/* worker 0's */
}

/*
 * A refresher that died holding the lease: the others serve what they
 * have (nothing here) at their deadlines and one of them reads Sheets
 * once the lease has expired.
 */
static void
test_dead_refresher_taken_over(void **state)
{
	struct fixture	*f = *state;
	struct got	 g[2];
	char		 cmd[256], *out;
	uint64_t	 t0;

	worker_open(f, 0, 1, 0, 15000, 1500);
	worker_open(f, 1, 1, 0, 15000, 1500);
	pump(f, 300);			/* the pools connected */
	emu_reset_counters(&f->emu);
	t0 = harness_now_ms();
	snprintf(cmd, sizeof(cmd), "SET zeues:sheets_cache:%s:lease dead "
	    "PX 1500", f->emu.spreadsheet_id);
	assert_non_null(out = harness_redis_cli(f->port, cmd));
	free(out);
	memset(g, 0, sizeof(g));
	assert_non_null(sheets_cache_read(f->w[0].cache, t0 + 500, on_view,
	    &g[0]));
	assert_non_null(sheets_cache_read(f->w[1].cache, t0 + 3000, on_view,
	    &g[1]));
	assert_int_equal(wait_got(f, &g[0], 1000), 0);
	assert_int_equal(g[0].status, SHEETS_CACHE_UNAVAILABLE);
	assert_int_equal(reads(f), 0);
	assert_int_equal(wait_got(f, &g[1], 3000), 0);
	assert_int_equal(g[1].status, SHEETS_CACHE_FRESH);
	assert_true(harness_now_ms() - t0 >= 1400);
	pump(f, 200);
	assert_int_equal(reads(f), 1);
}

/* Redis gone: every worker reads Sheets itself, and readers get tables. */
static void
test_redis_down_reads_sheets(void **state)
{
	struct fixture			*f = *state;
	struct sheets_cache_health	 h;
	struct got			 g[2];
	int				 i;

	worker_open(f, 0, 1, 0, 15000, 2000);
	worker_open(f, 1, 1, 0, 15000, 2000);
	pump(f, 100);
	harness_stop(f->redis, 3000);
	f->redis = 0;
	emu_reset_counters(&f->emu);
	memset(g, 0, sizeof(g));
	for (i = 0; i < 2; i++)
		assert_non_null(sheets_cache_read(f->w[i].cache,
		    harness_now_ms() + 3000, on_view, &g[i]));
	for (i = 0; i < 2; i++) {
		assert_int_equal(wait_got(f, &g[i], 4000), 0);
		assert_int_equal(g[i].status, SHEETS_CACHE_FRESH);
		sheets_cache_health(f->w[i].cache, &h);
		assert_true(h.share_failures > 0);
		assert_int_equal(h.read, 1);
	}
	assert_int_equal(reads(f), 2);
}

/* Bytes that are no snapshot: logged, and Sheets is read instead. */
static void
test_corrupt_snapshot_read_around(void **state)
{
	struct fixture	*f = *state;
	struct got	 g[1];
	char		 cmd[512], *out;

	snprintf(cmd, sizeof(cmd), "EVAL \"local t = redis.call('TIME') "
	    "redis.call('HSET', KEYS[1], 'gen', 77, 'at', t[1] * 1000, "
	    "'data', '{\\\"valueRanges\\\":[{\\\"range\\\":') return 1\" 1 "
	    "zeues:sheets_cache:%s:snapshot", f->emu.spreadsheet_id);
	assert_non_null(out = harness_redis_cli(f->port, cmd));
	free(out);
	worker_open(f, 0, 1, 0, 15000, 2000);
	pump(f, 300);			/* the pool connected */
	emu_reset_counters(&f->emu);
	memset(g, 0, sizeof(g));
	assert_non_null(sheets_cache_read(f->w[0].cache,
	    harness_now_ms() + 3000, on_view, &g[0]));
	assert_int_equal(wait_got(f, &g[0], 4000), 0);
	assert_int_equal(g[0].status, SHEETS_CACHE_FRESH);
	assert_int_equal(reads(f), 1);
	assert_int_equal(f->errors, 1);
}

/* The Metadata log of a worker that adopts is filled from the snapshot. */
static void
test_metadata_log_rides_in_the_snapshot(void **state)
{
	struct fixture	*f = *state;
	struct got	 g[2];

	worker_open(f, 0, 1, 1, 15000, 2000);
	worker_open(f, 1, 1, 1, 15000, 2000);
	pump(f, 300);			/* the pools connected */
	emu_reset_counters(&f->emu);
	memset(g, 0, sizeof(g));
	assert_non_null(sheets_cache_read(f->w[0].cache,
	    harness_now_ms() + 3000, on_view, &g[0]));
	assert_int_equal(wait_got(f, &g[0], 4000), 0);
	pump(f, 100);
	assert_non_null(sheets_cache_read(f->w[1].cache,
	    harness_now_ms() + 3000, on_view, &g[1]));
	assert_int_equal(wait_got(f, &g[1], 4000), 0);
	assert_true(metadata_log_loaded(f->w[0].log));
	assert_true(metadata_log_loaded(f->w[1].log));
	assert_int_equal(metadata_log_rows(f->w[1].log),
	    metadata_log_rows(f->w[0].log));
	assert_int_equal(reads(f), 1);
}

/*
 * The demo workbook (2,000 spools and their unions): the snapshot's
 * bytes, and how long adopting it takes (the script's GET, the parse and
 * the indexes), against reading Sheets.
 */
static void
test_demo_workbook_snapshot(void **state)
{
	struct fixture			*f = *state;
	struct sheets_cache_health	 h;
	struct got			 g[2];
	char				 cmd[256], *out;
	uint64_t			 t0, t1, t2;

	assert_int_equal(emu_stop(&f->emu), 0);
	assert_int_equal(emu_start(&f->emu, 2000, 50, NULL), 0);
	worker_open(f, 0, 1, 0, 15000, 5000);
	worker_open(f, 1, 1, 0, 15000, 5000);
	pump(f, 300);
	memset(g, 0, sizeof(g));
	t0 = harness_now_ms();
	assert_non_null(sheets_cache_read(f->w[0].cache, t0 + 10000, on_view,
	    &g[0]));
	assert_int_equal(wait_got(f, &g[0], 11000), 0);
	t1 = harness_now_ms();
	pump(f, 500);
	t2 = harness_now_ms();
	assert_non_null(sheets_cache_read(f->w[1].cache, t2 + 10000, on_view,
	    &g[1]));
	assert_int_equal(wait_got(f, &g[1], 11000), 0);
	sheets_cache_health(f->w[1].cache, &h);
	assert_int_equal(h.adopted, 1);
	assert_true(h.have_unions);
	snprintf(cmd, sizeof(cmd), "HSTRLEN zeues:sheets_cache:%s:snapshot "
	    "data", f->emu.spreadsheet_id);
	assert_non_null(out = harness_redis_cli(f->port, cmd));
	print_message("demo workbook: snapshot %s bytes; read from Sheets "
	    "in %llu ms, adopted in %llu ms\n", strtok(out, "\n"),
	    (unsigned long long)(t1 - t0),
	    (unsigned long long)(harness_now_ms() - t2));
	assert_true(atol(out) > 0 && atol(out) < SHEETS_CACHE_SHARE_MAX_BYTES);
	free(out);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test_setup_teardown(test_one_refresh_per_ttl,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_own_writes_survive_adoption, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_dead_refresher_taken_over, setup, teardown),
		cmocka_unit_test_setup_teardown(test_redis_down_reads_sheets,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_corrupt_snapshot_read_around, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_metadata_log_rides_in_the_snapshot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_demo_workbook_snapshot,
		    setup, teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
