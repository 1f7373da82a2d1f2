/*
 * The occupation flow and the reconciler (lib/floor) on a poll loop,
 * against a real redis-server and the Sheets emulator, without the
 * server: a TOMAR -> PAUSAR -> TOMAR -> COMPLETAR cycle with lock tokens
 * required, a race of two TOMARs with one winner, a failed commit that
 * gives its lock back, a job whose waiter left that still runs to its end,
 * reconciliation restoring a missing lock and removing a stray one
 * after the grace period, and a reconciler freed with fixes in flight
 * that none of their answers reaches.
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
#include "commit_relay.h"
#include "group_commit.h"
#include "harness.h"
#include "occupation_flow.h"
#include "union_model.h"
#include "poll_loop.h"
#include "reconciler.h"
#include "redis_pool.h"
#include "sheets_cache.h"
#include "sheets_limiter.h"
#include "spool_state.h"

#define SPOOLS		80
#define WORKERS		12
#define GRACE_MS	300
#define INTERVAL_MS	1000

struct fixture {
	struct emu			 emu;
	int				 redis_port;
	pid_t				 redis;
	struct poll_loop		*pl;
	struct redis_pool		*pool;
	struct redis_pool_stats		 pool_stats;
	struct sheets_client		*sc;
	struct sheets_limiter		*lim;
	struct sheets_cache		*cache;
	struct group_commit		*gc;
	struct commit_relay		*relay;
	struct occ_flow			*flow;
	struct reconciler		*rec;
	struct occupation_stats		 stats;
	int				 warnings;
	int				 restored_lines;	/* logged */
	long long			 armador[2];	/* active, may ARM */
};

/* One job's end as its waiter saw it. */
struct ran {
	int			calls;
	struct occ_outcome	out;
};

static void
on_log(void *arg, enum log_level level, const char *line)
{
	struct fixture	*f = arg;

	if (level <= LOG_LEVEL_WARNING)
		f->warnings++;
	if (strstr(line, "had no lock: restored") != NULL)
		f->restored_lines++;
	print_message("log %d: %s\n", (int)level, line);
}

static void
pump_once(struct fixture *f)
{
	uint64_t	now;

	poll_loop_run_once(f->pl, IO_LOOP_TICK_MS);
	now = harness_now_ms();
	redis_pool_tick(f->pool, now);
	sheets_client_tick(f->sc, now);
	sheets_limiter_tick(f->lim, now);
	sheets_cache_tick(f->cache, now);
	group_commit_tick(f->gc, now);
	occ_flow_tick(f->flow, now);
	if (f->rec != NULL)
		reconciler_tick(f->rec, now);
}

static void
pump(struct fixture *f, int ms)
{
	uint64_t	end = harness_now_ms() + (uint64_t)ms;

	while (harness_now_ms() < end)
		pump_once(f);
}

/* Pumps until every ran has been called once; fails the test otherwise. */
static void
pump_jobs(struct fixture *f, struct ran *r, size_t n, int ms)
{
	uint64_t	end = harness_now_ms() + (uint64_t)ms;
	size_t		i, done;

	while (harness_now_ms() < end) {
		pump_once(f);
		for (i = 0, done = 0; i < n; i++)
			done += r[i].calls;
		if (done == n)
			return;
	}
	fail_msg("jobs not done within %d ms", ms);
}

/* The lock value of tag as Redis has it ("" for none; caller frees). */
static char *
lock_of(struct fixture *f, const char *tag)
{
	char	args[160], *out;
	size_t	len;

	snprintf(args, sizeof(args), "GET spool_lock:%s", tag);
	assert_non_null(out = harness_redis_cli(f->redis_port, args));
	len = strlen(out);
	while (len > 0 && (out[len - 1] == '\n' || out[len - 1] == '\r'))
		out[--len] = '\0';
	return (out);
}

static void
redis_do(struct fixture *f, const char *args)
{
	free(harness_redis_cli(f->redis_port, args));
}

/* Polls Redis until tag's lock is (want) or is not (!want) there. */
static int
wait_lock(struct fixture *f, const char *tag, int want, int ms)
{
	uint64_t	end = harness_now_ms() + (uint64_t)ms;
	char		*v;
	int		 has;

	while (harness_now_ms() < end) {
		pump(f, 50);
		v = lock_of(f, tag);
		has = v[0] != '\0';
		free(v);
		if (has == want)
			return (0);
	}
	return (-1);
}

static void
on_cache(void *arg, const struct sheets_cache_view *view)
{
	(void)view;
	(*(int *)arg)++;
}

/* Waits for the read cache's tables, read fresh. */
static void
cache_ready(struct fixture *f)
{
	int	got = 0;

	sheets_cache_invalidate(f->cache);
	assert_non_null(sheets_cache_read(f->cache, harness_now_ms() + 10000,
	    on_cache, &got));
	while (got == 0)
		pump_once(f);
}

/* Two active workers who may take ARM, from the cached roster. */
static void
pick_armadores(struct fixture *f)
{
	struct sheets_cache_view	view;
	struct worker			w;
	long long			id;
	size_t				n = 0;

	sheets_cache_peek(f->cache, &view);
	for (id = 1; id < 1000 && n < 2; id++) {
		if (worker_lookup(view.table[SHEETS_CACHE_TRABAJADORES],
		    view.table[SHEETS_CACHE_ROLES], id, &w) == 0 &&
		    w.activo && worker_role_allows(w.roles, OPERACION_ARM))
			f->armador[n++] = id;
	}
	assert_int_equal(n, 2);
}

/* A spool ARM may start on, free, never handed out before. */
static void
pick_spool(struct fixture *f, char *tag, size_t len)
{
	static char			 handed[SPOOLS][SPOOL_TAG_MAX + 1];
	static size_t			 nhanded;
	struct sheets_cache_view	 view;
	const struct sheet_table	*ops;
	struct spool_columns		 cols;
	struct spool_row		 row;
	struct spool_state		 st;
	const char			*missing;
	size_t				 i, k;

	sheets_cache_peek(f->cache, &view);
	ops = view.table[SHEETS_CACHE_OPERACIONES];
	assert_int_equal(spool_columns_find(ops, &cols, &missing), 0);
	for (i = 0; i < sheet_table_rows(ops); i++) {
		spool_row_read(ops, &cols, i, &row);
		spool_state_derive(&row, &st);
		/* v3 spools: a v4 one is taken through INICIAR. */
		if (!spool_listed_iniciar(&row, &st, OPERACION_ARM) ||
		    spool_cell_set(row.f[SPOOL_ARMADOR]) ||
		    strlen(row.f[SPOOL_TAG]) > SPOOL_TAG_MAX ||
		    union_spool_is_v4(ops, union_ops_total_column(ops), i))
			continue;
		for (k = 0; k < nhanded; k++) {
			if (strcmp(handed[k], row.f[SPOOL_TAG]) == 0)
				break;
		}
		if (k < nhanded)
			continue;
		snprintf(handed[nhanded++], sizeof(handed[0]), "%s",
		    row.f[SPOOL_TAG]);
		snprintf(tag, len, "%s", row.f[SPOOL_TAG]);
		return;
	}
	fail_msg("no spool left to start ARM on");
}

static void
job_done(void *arg, struct occ_job *job)
{
	struct ran	*r = arg;

	r->calls++;
	r->out = job->out;
}

static struct occ_job *
job_new(struct fixture *f, struct ran *r, enum occ_action action,
    const char *tag, long long worker, const char *token)
{
	struct occ_job	*job;

	memset(r, 0, sizeof(*r));
	job = occ_job_new(f->flow, action, OPERACION_ARM, tag, worker,
	    harness_now_ms() + 5000);
	assert_non_null(job);
	snprintf(job->presented_token, sizeof(job->presented_token), "%s",
	    token != NULL ? token : "");
	job->done_cb = job_done;
	job->done_arg = r;
	return (job);
}

/* One job run to its end; its outcome in r. */
static void
run(struct fixture *f, struct ran *r, enum occ_action action,
    const char *tag, long long worker, const char *token)
{
	struct occ_job	*job = job_new(f, r, action, tag, worker, token);

	occ_job_start(job);
	pump_jobs(f, r, 1, 10000);
	occ_job_detach(job);
}

/* Metadata rows of tag, and the Evento_Tipo of the last one. */
static size_t
audit_rows(struct fixture *f, const char *tag, char *evento, size_t len)
{
	yajl_val	wb, meta;
	char		buf[64];
	long		ctag, cev;
	size_t		r, n = 0;

	assert_non_null(wb = emu_workbook(&f->emu));
	assert_non_null(meta = emu_sheet(wb, "Metadata"));
	ctag = emu_column(meta, "TAG_SPOOL");
	cev = emu_column(meta, "Evento_Tipo");
	assert_true(ctag >= 0 && cev >= 0);
	for (r = 1; r < emu_nrows(meta); r++) {
		if (strcmp(emu_cell(meta, r, (size_t)ctag, buf, sizeof(buf)),
		    tag) != 0)
			continue;
		n++;
		snprintf(evento, len, "%s", emu_cell(meta, r, (size_t)cev,
		    buf, sizeof(buf)));
	}
	yajl_tree_free(wb);
	return (n);
}

static int
setup(void **state)
{
	struct fixture			*f = calloc(1, sizeof(*f));
	struct redis_pool_config	 pcfg;
	struct sheets_limiter_config	 lcfg;
	struct sheets_cache_config	 ccfg;
	struct group_commit_config	 gcfg;
	struct commit_relay_config	 rcfg;
	struct occ_flow_deps		 fd;
	char				 err[256];

	assert_non_null(f);
	assert_int_equal(emu_start(&f->emu, SPOOLS, WORKERS, NULL), 0);
	f->redis_port = harness_free_port();
	f->redis = harness_start_redis(f->redis_port, harness_tmpdir());
	assert_true(f->redis > 0);
	f->pl = poll_loop_new();
	memset(&pcfg, 0, sizeof(pcfg));
	snprintf(pcfg.url.host, sizeof(pcfg.url.host), "127.0.0.1");
	pcfg.url.port = f->redis_port;
	snprintf(pcfg.client_name, sizeof(pcfg.client_name), "zeues-test-flow");
	pcfg.max_connections = 2;
	pcfg.connect_timeout_ms = 1000;
	pcfg.command_timeout_ms = 1000;
	pcfg.health_interval_ms = 30000;
	pcfg.idle_timeout_ms = 60000;
	pcfg.grow_depth = 16;
	pcfg.wait_queue_max = 1000;
	pcfg.pipeline_max = 256;
	f->pool = redis_pool_new(&pcfg, poll_loop_io(f->pl), &f->pool_stats);
	assert_non_null(f->pool);
	assert_non_null(f->sc = emu_client(&f->emu, poll_loop_io(f->pl)));
	sheets_limiter_config_defaults(&lcfg);
	lcfg.account = "flow@test";
	lcfg.per_window[SHEETS_QUOTA_READ] = 600;
	lcfg.per_window[SHEETS_QUOTA_WRITE] = 600;
	f->lim = sheets_limiter_new(&lcfg, f->pool, poll_loop_io(f->pl));
	assert_non_null(f->lim);
	sheets_cache_config_defaults(&ccfg);
	ccfg.ttl_ms = 60000;
	f->cache = sheets_cache_new(&ccfg, f->sc, f->lim, poll_loop_io(f->pl),
	    err, sizeof(err));
	if (f->cache == NULL)
		fail_msg("%s", err);
	group_commit_config_defaults(&gcfg);
	gcfg.spreadsheet_id = f->emu.spreadsheet_id;
	gcfg.window_ms = 20;
	gcfg.applied = sheets_cache_note_write;
	gcfg.applied_arg = f->cache;
	f->gc = group_commit_new(&gcfg, f->sc, f->pool, f->lim,
	    poll_loop_io(f->pl), err, sizeof(err));
	if (f->gc == NULL)
		fail_msg("%s", err);
	commit_relay_config_defaults(&rcfg);
	f->relay = commit_relay_new(&rcfg, f->gc, f->pool, poll_loop_io(f->pl),
	    err, sizeof(err));
	if (f->relay == NULL)
		fail_msg("%s", err);

	memset(&fd, 0, sizeof(fd));
	fd.loop = poll_loop_io(f->pl);
	fd.pool = f->pool;
	fd.cache = f->cache;
	fd.commit = f->relay;
	event_log_config_default(&fd.events);
	fd.operaciones = "Operaciones";
	fd.redis_timeout_ms = 1000;
	fd.require_lock_token = 1;
	fd.stats = &f->stats;
	fd.log.fn = on_log;
	fd.log.arg = f;
	assert_non_null(f->flow = occ_flow_new(&fd));
	cache_ready(f);
	pick_armadores(f);
	*state = f;
	return (0);
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;
	int		 rc;

	reconciler_free(f->rec);
	occ_flow_free(f->flow);
	commit_relay_free(f->relay);
	group_commit_free(f->gc);
	sheets_cache_free(f->cache);
	sheets_limiter_free(f->lim);
	sheets_client_free(f->sc);
	redis_pool_free(f->pool);
	poll_loop_free(f->pl);
	harness_stop(f->redis, 3000);
	rc = emu_stop(&f->emu);
	free(f);
	assert_int_equal(rc, 0);
	return (0);
}

/*
 * TOMAR, PAUSAR, TOMAR, COMPLETAR through the flow: each is written with
 * its audit row, the lock follows, the token TOMAR answers is the proof
 * PAUSAR and COMPLETAR need, and each change is published once.
 */
static void
test_cycle(void **state)
{
	struct fixture	*f = *state;
	struct ran	 r;
	char		 tag[SPOOL_TAG_MAX + 1], token[LOCK_TOKEN_STRLEN];
	char		 evento[64], want[64], *lock;
	long long	 w = f->armador[0];

	pick_spool(f, tag, sizeof(tag));

	run(f, &r, OCC_TOMAR, tag, w, NULL);
	assert_true(r.out.ok);
	assert_true(r.out.lock_token[0] != '\0');
	snprintf(token, sizeof(token), "%s", r.out.lock_token);
	lock = lock_of(f, tag);
	snprintf(want, sizeof(want), "%lld:", w);
	assert_true(strncmp(lock, want, strlen(want)) == 0);
	assert_non_null(strstr(lock, token));
	free(lock);
	assert_int_equal(audit_rows(f, tag, evento, sizeof(evento)), 1);
	assert_string_equal(evento, "TOMAR_SPOOL");

	/* Without the token the holder is refused and nothing changes. */
	run(f, &r, OCC_PAUSAR, tag, w, "not-the-token");
	assert_false(r.out.ok);
	assert_int_equal(r.out.fail.error, OCC_ERR_NO_AUTORIZADO);

	run(f, &r, OCC_PAUSAR, tag, w, token);
	assert_true(r.out.ok);
	lock = lock_of(f, tag);
	assert_string_equal(lock, "");
	free(lock);
	assert_int_equal(audit_rows(f, tag, evento, sizeof(evento)), 2);
	assert_string_equal(evento, "PAUSAR_SPOOL");

	run(f, &r, OCC_TOMAR, tag, w, NULL);
	assert_true(r.out.ok);
	snprintf(token, sizeof(token), "%s", r.out.lock_token);
	run(f, &r, OCC_COMPLETAR, tag, w, token);
	assert_true(r.out.ok);
	lock = lock_of(f, tag);
	assert_string_equal(lock, "");
	free(lock);
	assert_int_equal(audit_rows(f, tag, evento, sizeof(evento)), 4);
	assert_string_equal(evento, "COMPLETAR_ARM");

	assert_int_equal(f->stats.changes_total[OCC_TOMAR], 2);
	assert_int_equal(f->stats.changes_total[OCC_PAUSAR], 1);
	assert_int_equal(f->stats.changes_total[OCC_COMPLETAR], 1);
	assert_int_equal(f->stats.events_failed_total, 0);
	lock = harness_redis_cli(f->redis_port, "XLEN spools:events");
	assert_int_equal(atoi(lock), 4);
	free(lock);
}

/* Two TOMARs of one spool in the same tick: one wins, one gets 409. */
static void
test_race(void **state)
{
	struct fixture	*f = *state;
	struct ran	 r[2];
	struct occ_job	*job[2];
	char		 tag[SPOOL_TAG_MAX + 1], want[32], evento[64], *lock;
	int		 winner;

	pick_spool(f, tag, sizeof(tag));
	job[0] = job_new(f, &r[0], OCC_TOMAR, tag, f->armador[0], NULL);
	job[1] = job_new(f, &r[1], OCC_TOMAR, tag, f->armador[1], NULL);
	occ_job_start(job[0]);
	occ_job_start(job[1]);
	pump_jobs(f, r, 2, 10000);
	occ_job_detach(job[0]);
	occ_job_detach(job[1]);

	assert_int_equal(r[0].out.ok + r[1].out.ok, 1);
	winner = r[0].out.ok ? 0 : 1;
	assert_int_equal(r[!winner].out.fail.error, OCC_ERR_SPOOL_OCCUPIED);
	assert_int_equal(r[!winner].out.fail.owner_id, f->armador[winner]);
	snprintf(want, sizeof(want), "%lld:", f->armador[winner]);
	lock = lock_of(f, tag);
	assert_true(strncmp(lock, want, strlen(want)) == 0);
	free(lock);
	assert_int_equal(audit_rows(f, tag, evento, sizeof(evento)), 1);
}

/* A change Sheets refuses gives back the lock its TOMAR took. */
static void
test_failed_commit_releases(void **state)
{
	struct fixture	*f = *state;
	struct ran	 r;
	char		 tag[SPOOL_TAG_MAX + 1], evento[64], *lock;

	pick_spool(f, tag, sizeof(tag));
	assert_int_equal(emu_faults(&f->emu, "{\"error_rate\":1.0,"
	    "\"error_status\":400}"), 0);
	run(f, &r, OCC_TOMAR, tag, f->armador[0], NULL);
	assert_int_equal(emu_faults(&f->emu, "{}"), 0);
	assert_false(r.out.ok);
	assert_int_equal(r.out.fail.error, OCC_ERR_SHEETS_UNAVAILABLE);
	lock = lock_of(f, tag);
	assert_string_equal(lock, "");
	free(lock);
	assert_int_equal(audit_rows(f, tag, evento, sizeof(evento)), 0);
}

/*
 * A job whose waiter is gone after it took its lock (a client that hung
 * up) runs on: its change lands, and it frees itself (LeakSanitizer).
 */
static void
test_detached_job_runs_to_its_end(void **state)
{
	struct fixture	*f = *state;
	struct ran	 r;
	struct occ_job	*job;
	char		 tag[SPOOL_TAG_MAX + 1], evento[64];
	uint64_t	 end = harness_now_ms() + 5000;

	pick_spool(f, tag, sizeof(tag));
	job = job_new(f, &r, OCC_TOMAR, tag, f->armador[0], NULL);
	occ_job_start(job);
	while (job->ticket == NULL && harness_now_ms() < end)
		pump_once(f);
	assert_non_null(job->ticket);
	occ_job_detach(job);
	assert_int_equal(wait_lock(f, tag, 1, 2000), 0);
	end = harness_now_ms() + 5000;
	while (f->stats.changes_total[OCC_TOMAR] == 0 &&
	    harness_now_ms() < end)
		pump_once(f);
	assert_int_equal(r.calls, 0);
	assert_int_equal(f->stats.changes_total[OCC_TOMAR], 1);
	assert_int_equal(audit_rows(f, tag, evento, sizeof(evento)), 1);
	pump(f, 100);		/* the event, then the job frees itself */
}

static void
reconciler_open(struct fixture *f)
{
	struct reconciler_deps	rd;

	memset(&rd, 0, sizeof(rd));
	rd.loop = poll_loop_io(f->pl);
	rd.pool = f->pool;
	rd.cache = f->cache;
	snprintf(rd.holder, sizeof(rd.holder), "zeues:test:w1");
	rd.redis_timeout_ms = 1000;
	rd.sheets_timeout_ms = 5000;
	rd.interval_ms = INTERVAL_MS;
	rd.grace_ms = GRACE_MS;
	rd.stats = &f->stats;
	rd.log.fn = on_log;
	rd.log.arg = f;
	assert_non_null(f->rec = reconciler_new(&rd));
}

/*
 * A spool occupied in Sheets whose lock is gone gets it back for its
 * occupant; a lock of a free spool is left alone for the grace period,
 * then removed; a key the server would not write is not touched.
 */
static void
test_reconcile(void **state)
{
	struct fixture	*f = *state;
	struct ran	 r;
	char		 held[SPOOL_TAG_MAX + 1], free_tag[SPOOL_TAG_MAX + 1];
	char		 args[320], want[32], *lock;
	uint64_t	 first_pass;

	pick_spool(f, held, sizeof(held));
	pick_spool(f, free_tag, sizeof(free_tag));
	run(f, &r, OCC_TOMAR, held, f->armador[0], NULL);
	assert_true(r.out.ok);
	snprintf(args, sizeof(args), "DEL spool_lock:%s", held);
	redis_do(f, args);
	snprintf(args, sizeof(args), "SET spool_lock:%s 7:stray-token",
	    free_tag);
	redis_do(f, args);
	redis_do(f, "SET spool_lock:%zz 7:not-ours");

	reconciler_open(f);
	assert_int_equal(wait_lock(f, held, 1, 5000), 0);
	first_pass = harness_now_ms();
	snprintf(want, sizeof(want), "%lld:", f->armador[0]);
	lock = lock_of(f, held);
	assert_true(strncmp(lock, want, strlen(want)) == 0);
	free(lock);
	/* The demo workbook may hold other occupied spools. */
	assert_true(f->stats.reconcile_restored_total >= 1);

	/* Seen stray once: still there within the grace period. */
	pump(f, 100);
	lock = lock_of(f, free_tag);
	assert_string_equal(lock, "7:stray-token");
	free(lock);

	/* A later pass, past the grace, removes it. */
	assert_int_equal(wait_lock(f, free_tag, 0, 5000), 0);
	assert_true(harness_now_ms() - first_pass >= GRACE_MS);
	assert_int_equal(f->stats.reconcile_removed_total, 1);
	assert_true(f->stats.reconcile_runs_total >= 2);
	lock = lock_of(f, "%zz");
	assert_string_equal(lock, "7:not-ours");
	free(lock);
	lock = lock_of(f, held);
	assert_true(strncmp(lock, want, strlen(want)) == 0);
	free(lock);
}

/*
 * A worker stopping while a pass has lock fixes in flight: the reconciler
 * is freed before their answers come (they come from the pool, which
 * outlives it); none of them reaches it.  ASan caught a
 * heap-use-after-free here in CI before the fixes were cancelled.
 */
static void
test_freed_with_fixes_in_flight(void **state)
{
	struct fixture	*f = *state;
	struct ran	 r;
	char		 held[SPOOL_TAG_MAX + 1], args[320];
	uint64_t	 end;

	pick_spool(f, held, sizeof(held));
	run(f, &r, OCC_TOMAR, held, f->armador[0], NULL);
	assert_true(r.out.ok);
	snprintf(args, sizeof(args), "DEL spool_lock:%s", held);
	redis_do(f, args);

	reconciler_open(f);
	/*
	 * The pass counts itself and sends its fixes when its fresh read
	 * answers; their answers come at a later turn of the loop.
	 */
	end = harness_now_ms() + 5000;
	while (f->stats.reconcile_runs_total == 0 && harness_now_ms() < end)
		pump_once(f);
	assert_int_equal(f->stats.reconcile_runs_total, 1);
	assert_int_equal(f->stats.reconcile_restored_total, 0);
	reconciler_free(f->rec);
	f->rec = NULL;
	pump(f, 300);

	/*
	 * Cancelled, the fix may or may not have reached Redis; its answer
	 * went nowhere.  The next pass restores the lock.
	 */
	assert_int_equal(f->stats.reconcile_restored_total, 0);
	assert_int_equal(f->restored_lines, 0);
	reconciler_open(f);
	assert_int_equal(wait_lock(f, held, 1, 5000), 0);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test_setup_teardown(test_cycle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_race, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_commit_releases,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_detached_job_runs_to_its_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reconcile, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_freed_with_fixes_in_flight, setup, teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
