/*
 * The commit relay against the Sheets emulator and a real redis-server:
 * two relays in one process stand for two workers, each with its own
 * group commit.  Changes from both leave in one write through whichever
 * holds the lease, each outcome reaches its own origin (and its cache),
 * a committer that read a change and died (before or after writing it)
 * is taken over and the change lands exactly once, and with Redis gone a
 * change is answered before its deadline.  Every worker hears every
 * landed change through the landed stream, and skips a corrupt entry.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <hiredis/hiredis.h>

#include "audit.h"
#include "commit_relay.h"
#include "emulator_fixture.h"
#include "gc_wire.h"
#include "group_commit.h"
#include "harness.h"
#include "poll_loop.h"
#include "redis_pool.h"
#include "redis_subscriber.h"
#include "sheets_client.h"
#include "sheets_limiter.h"

#define SPOOLS		40
#define NRELAYS		2
#define LEASE_MS	600
#define CALL_MS		1000

/* What a worker's cache hears through the landed stream. */
struct heard {
	int	versions;
	int	log_lines;
	char	tag[64];
	char	estado[64];
	char	version[UUID4_STRLEN];
};

struct fixture {
	struct emu			 emu;
	int				 redis_port;
	pid_t				 redis;
	struct poll_loop		*pl;
	struct redis_pool_config	 pcfg;
	struct redis_pool		*pool;
	struct redis_pool_stats		 pool_stats;
	struct sheets_client		*sc;
	struct sheets_limiter		*lim;
	struct group_commit		*gc[NRELAYS];
	struct commit_relay		*cr[NRELAYS];
	int				 origin_versions[NRELAYS];
	struct heard			 heard[NRELAYS];
	char				 stream[256];
	char				 lease[256];
	uint64_t			 consumer_idle_ms; /* 0: default */
	uint64_t			 poll_ms;	/* 0: default */
	struct redis_subscriber		*sub;		/* nudges, or NULL */
	struct redis_subscriber_stats	 sub_stats;
};

struct done {
	int			calls;
	struct gc_outcome	out;
	uint64_t		at_ms;
	unsigned int		row;
	char			estado[64];
	char			id[UUID4_STRLEN];	/* its audit row's */
};

static void
on_done(void *arg, const struct gc_outcome *o)
{
	struct done	*d = arg;

	d->calls++;
	d->out = *o;
	d->at_ms = harness_now_ms();
}

/* What an origin's cache hears: its own changes only. */
static void
on_origin_applied(void *arg, const char *sheet, const char *tag,
    const char *header, const char *value)
{
	int	*versions = arg;

	assert_string_equal(sheet, "Operaciones");
	assert_true(tag[0] != '\0' && value != NULL);
	if (strcmp(header, "version") == 0)
		(*versions)++;
}

static void
on_landed(void *arg, const char *sheet, const char *tag, const char *header,
    const char *value)
{
	struct heard	*h = arg;

	assert_string_equal(sheet, "Operaciones");
	if (strcmp(header, "version") == 0) {
		h->versions++;
		snprintf(h->version, sizeof(h->version), "%s", value);
	} else if (strcmp(header, "Estado_Detalle") == 0) {
		snprintf(h->tag, sizeof(h->tag), "%s", tag);
		snprintf(h->estado, sizeof(h->estado), "%s", value);
	}
}

static void
on_log(void *arg, enum log_level level, const char *line)
{
	struct heard	*h = arg;

	(void)level;
	(void)line;
	h->log_lines++;
}

static void
pump_once(struct fixture *f)
{
	uint64_t	now;
	int		i;

	poll_loop_run_once(f->pl, IO_LOOP_TICK_MS);
	now = harness_now_ms();
	redis_pool_tick(f->pool, now);
	if (f->sub != NULL)
		redis_subscriber_tick(f->sub, now);
	sheets_client_tick(f->sc, now);
	sheets_limiter_tick(f->lim, now);
	for (i = 0; i < NRELAYS; i++) {
		if (f->gc[i] != NULL)
			group_commit_tick(f->gc[i], now);
		if (f->cr[i] != NULL)
			commit_relay_tick(f->cr[i], now);
	}
}

static int
pump_until(struct fixture *f, const struct done *d, size_t n, int ms)
{
	uint64_t	end = harness_now_ms() + (uint64_t)ms;
	size_t		i, done;

	while (harness_now_ms() < end) {
		pump_once(f);
		for (i = 0, done = 0; i < n; i++)
			done += d[i].calls > 0;
		if (done == n)
			return (0);
	}
	return (-1);
}

static void
pump(struct fixture *f, int ms)
{
	uint64_t	end = harness_now_ms() + (uint64_t)ms;

	while (harness_now_ms() < end)
		pump_once(f);
}

static int
committer(const struct fixture *f)
{
	int	i;

	for (i = 0; i < NRELAYS; i++) {
		if (f->cr[i] != NULL && commit_relay_is_committer(f->cr[i]))
			return (i);
	}
	return (-1);
}

static void
relay_open(struct fixture *f, int i)
{
	struct group_commit_config	gcfg;
	struct commit_relay_config	rcfg;
	char				err[256], holder[32];

	group_commit_config_defaults(&gcfg);
	gcfg.spreadsheet_id = f->emu.spreadsheet_id;
	gcfg.slot_first = 1;
	gcfg.call_timeout_ms = CALL_MS;
	f->gc[i] = group_commit_new(&gcfg, f->sc, f->pool, f->lim,
	    poll_loop_io(f->pl), err, sizeof(err));
	if (f->gc[i] == NULL)
		fail_msg("%s", err);
	commit_relay_config_defaults(&rcfg);
	rcfg.enabled = 1;
	rcfg.spreadsheet_id = f->emu.spreadsheet_id;
	snprintf(holder, sizeof(holder), "test:w%d:%d", i + 1, (int)getpid());
	rcfg.holder = holder;
	rcfg.lease_ttl_ms = LEASE_MS;
	rcfg.renew_ms = 200;
	rcfg.call_timeout_ms = CALL_MS;
	rcfg.applied = on_origin_applied;
	rcfg.applied_arg = &f->origin_versions[i];
	rcfg.landed = on_landed;
	rcfg.landed_arg = &f->heard[i];
	rcfg.log.fn = on_log;
	rcfg.log.arg = &f->heard[i];
	if (f->consumer_idle_ms != 0)
		rcfg.consumer_idle_ms = f->consumer_idle_ms;
	if (f->poll_ms != 0)
		rcfg.poll_ms = f->poll_ms;
	f->cr[i] = commit_relay_new(&rcfg, f->gc[i], f->pool,
	    poll_loop_io(f->pl), err, sizeof(err));
	if (f->cr[i] == NULL)
		fail_msg("%s", err);
}

static void
relay_close(struct fixture *f, int i)
{
	commit_relay_free(f->cr[i]);
	group_commit_free(f->gc[i]);
	f->cr[i] = NULL;
	f->gc[i] = NULL;
}

static int
setup(void **state)
{
	struct fixture			*f = calloc(1, sizeof(*f));
	struct redis_pool_config	*pcfg;
	struct sheets_limiter_config	 lcfg;
	int				 i;

	assert_non_null(f);
	assert_int_equal(emu_start(&f->emu, SPOOLS, 12, NULL), 0);
	f->redis_port = harness_free_port();
	f->redis = harness_start_redis(f->redis_port, harness_tmpdir());
	assert_true(f->redis > 0);
	f->pl = poll_loop_new();
	pcfg = &f->pcfg;
	snprintf(pcfg->url.host, sizeof(pcfg->url.host), "127.0.0.1");
	pcfg->url.port = f->redis_port;
	snprintf(pcfg->client_name, sizeof(pcfg->client_name),
	    "zeues-test-cr");
	pcfg->max_connections = 2;
	pcfg->connect_timeout_ms = 1000;
	pcfg->command_timeout_ms = 1000;
	pcfg->health_interval_ms = 30000;
	pcfg->idle_timeout_ms = 60000;
	pcfg->grow_depth = 16;
	pcfg->wait_queue_max = 1000;
	pcfg->pipeline_max = 256;
	f->pool = redis_pool_new(pcfg, poll_loop_io(f->pl), &f->pool_stats);
	assert_non_null(f->pool);
	assert_non_null(f->sc = emu_client(&f->emu, poll_loop_io(f->pl)));
	sheets_limiter_config_defaults(&lcfg);
	lcfg.account = "cr@test";
	lcfg.per_window[SHEETS_QUOTA_READ] = 600;
	lcfg.per_window[SHEETS_QUOTA_WRITE] = 60;
	lcfg.spacing_ms[SHEETS_QUOTA_WRITE] = 1250;
	f->lim = sheets_limiter_new(&lcfg, f->pool, poll_loop_io(f->pl));
	assert_non_null(f->lim);
	snprintf(f->stream, sizeof(f->stream), "zeues:gc:%s:changes",
	    f->emu.spreadsheet_id);
	snprintf(f->lease, sizeof(f->lease), "zeues:gc:%s:committer",
	    f->emu.spreadsheet_id);
	for (i = 0; i < NRELAYS; i++)
		relay_open(f, i);
	*state = f;
	return (0);
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;
	int		 i, rc;

	for (i = 0; i < NRELAYS; i++)
		relay_close(f, i);
	redis_subscriber_free(f->sub);
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

/* The version of a sheet row (1-based) as the emulator has it. */
static void
version_now(struct fixture *f, unsigned int row, char *version, size_t len)
{
	yajl_val	 wb, op;
	char		 buf[64];

	assert_non_null(wb = emu_workbook(&f->emu));
	assert_non_null(op = emu_sheet(wb, "Operaciones"));
	snprintf(version, len, "%s", emu_cell(op, row - 1,
	    (size_t)emu_column(op, "version"), buf, sizeof(buf)));
	yajl_tree_free(wb);
}

/* How many Metadata rows carry id in column A. */
static int
audit_count(struct fixture *f, const char *id)
{
	yajl_val	wb, meta;
	char		buf[64];
	size_t		r;
	int		n = 0;

	assert_non_null(wb = emu_workbook(&f->emu));
	meta = emu_sheet(wb, "Metadata");
	for (r = 1; r < emu_nrows(meta); r++) {
		if (strcmp(emu_cell(meta, r, 0, buf, sizeof(buf)), id) == 0)
			n++;
	}
	yajl_tree_free(wb);
	return (n);
}

/* A change of row as the emulator has it; the audit row's texts in *ap. */
static void
change_of(struct fixture *f, struct done *d, unsigned int row,
    struct gc_change *c, struct gc_write *w, struct sheets_cell *cells,
    struct sheets_row *arow, struct audit_record *ap, char *tag,
    size_t taglen, char *expected, size_t explen)
{
	struct audit_record	a;
	yajl_val		wb, op;
	char			buf[64];

	assert_non_null(wb = emu_workbook(&f->emu));
	assert_non_null(op = emu_sheet(wb, "Operaciones"));
	snprintf(tag, taglen, "%s", emu_cell(op, row - 1,
	    (size_t)emu_column(op, "TAG_SPOOL"), buf, sizeof(buf)));
	snprintf(expected, explen, "%s", emu_cell(op, row - 1,
	    (size_t)emu_column(op, "version"), buf, sizeof(buf)));
	yajl_tree_free(wb);
	memset(c, 0, sizeof(*c));
	memset(w, 0, sizeof(*w));
	snprintf(d->estado, sizeof(d->estado), "MR(93) trabajando ARM r%u",
	    row);
	d->row = row;
	w->header = "Estado_Detalle";
	w->value.kind = SHEETS_CELL_TEXT;
	w->value.text = d->estado;
	c->sheet = "Operaciones";
	c->tag = tag;
	c->row = row;
	c->expected_version = expected;
	c->writes = w;
	c->nwrites = 1;
	memset(&a, 0, sizeof(a));
	assert_int_equal(uuid4_generate(d->id), 0);
	snprintf(a.id, sizeof(a.id), "%s", d->id);
	snprintf(a.timestamp, sizeof(a.timestamp), "26-11-2025 10:00:00");
	a.evento_tipo = "TOMAR_SPOOL";
	snprintf(a.tag_spool, sizeof(a.tag_spool), "%s", tag);
	snprintf(a.worker_id, sizeof(a.worker_id), "93");
	snprintf(a.worker_nombre, sizeof(a.worker_nombre), "MR(93)");
	a.operacion = "ARM";
	a.accion = "TOMAR";
	snprintf(a.fecha_operacion, sizeof(a.fecha_operacion), "26-11-2025");
	snprintf(a.metadata_json, sizeof(a.metadata_json), "{}");
	*ap = a;
	audit_row(ap, cells);
	arow->cells = cells;
	arow->ncells = AUDIT_COLUMNS;
	c->audits = arow;
	c->naudits = 1;
}

static struct commit_ticket *
submit(struct fixture *f, int via, struct done *d, unsigned int row,
    uint64_t deadline_ms)
{
	struct gc_change	 c;
	struct gc_write		 w;
	struct sheets_cell	 cells[AUDIT_COLUMNS];
	struct sheets_row	 arow;
	struct audit_record	 a;
	struct commit_ticket	*t;
	char			 tag[64], expected[64], err[256];

	change_of(f, d, row, &c, &w, cells, &arow, &a, tag, sizeof(tag), expected,
	    sizeof(expected));
	t = commit_relay_submit(f->cr[via], &c, deadline_ms, on_done, d, err,
	    sizeof(err));
	if (t == NULL)
		fail_msg("submit: %s", err);
	return (t);
}

static void
wait_committer(struct fixture *f)
{
	uint64_t	end = harness_now_ms() + 3000;

	while (committer(f) == -1 && harness_now_ms() < end)
		pump_once(f);
	assert_true(committer(f) != -1);
}

static void
assert_applied(struct fixture *f, const struct done *d)
{
	char	version[64];

	assert_int_equal(d->calls, 1);
	if (d->out.status != GC_APPLIED)
		fail_msg("row %u: %s: %s", d->row,
		    gc_status_name(d->out.status), d->out.error);
	version_now(f, d->row, version, sizeof(version));
	assert_string_equal(version, d->out.version);
	assert_int_equal(audit_count(f, d->id), 1);
}

/*
 * Twenty changes, ten through each worker, at once: one verification and
 * one write for all of them, from the committer, and each origin hears
 * its own outcomes (and tells its own cache).
 */
static void
test_both_workers_one_write(void **state)
{
	struct fixture			*f = *state;
	struct done			 d[20];
	struct group_commit_stats	 st;
	struct commit_relay_stats	 rs;
	uint64_t			 deadline;
	int				 i, c;

	memset(d, 0, sizeof(d));
	wait_committer(f);
	c = committer(f);
	pump(f, 100);			/* the consumer group made */
	emu_reset_counters(&f->emu);
	deadline = harness_now_ms() + 8000;
	for (i = 0; i < 20; i++)
		submit(f, i % 2, &d[i], (unsigned int)i + 2, deadline);
	assert_int_equal(pump_until(f, d, 20, 9000), 0);
	for (i = 0; i < 20; i++)
		assert_applied(f, &d[i]);
	assert_int_equal(emu_counter(&f->emu, "calls", "batchUpdate", NULL),
	    1);
	group_commit_stats(f->gc[c], &st);
	assert_int_equal(st.applied, 20);
	group_commit_stats(f->gc[1 - c], &st);
	assert_int_equal(st.batches, 0);
	assert_int_equal(f->origin_versions[0], 10);
	assert_int_equal(f->origin_versions[1], 10);
	commit_relay_stats(f->cr[c], &rs);
	assert_int_equal(rs.taken, 20);
	assert_int_equal(rs.answered, 20);
}

/*
 * Changes that reach the committer while its batch waits for the next
 * write slot leave in that batch, not one slot later: five, then five
 * more half a second afterwards, all in one write.
 */
static void
test_late_changes_join_the_slot(void **state)
{
	struct fixture	*f = *state;
	struct done	 first, d[10];
	uint64_t	 deadline;
	int		 i;

	memset(&first, 0, sizeof(first));
	memset(d, 0, sizeof(d));
	wait_committer(f);
	pump(f, 100);
	/* A write now: the next slot is 1.25 s away. */
	submit(f, 0, &first, 15, harness_now_ms() + 5000);
	assert_int_equal(pump_until(f, &first, 1, 6000), 0);
	assert_applied(f, &first);
	emu_reset_counters(&f->emu);
	deadline = harness_now_ms() + 8000;
	for (i = 0; i < 5; i++)
		submit(f, 0, &d[i], (unsigned int)i + 16, deadline);
	pump(f, 500);
	for (i = 5; i < 10; i++)
		submit(f, 1, &d[i], (unsigned int)i + 16, deadline);
	assert_int_equal(pump_until(f, d, 10, 9000), 0);
	for (i = 0; i < 10; i++)
		assert_applied(f, &d[i]);
	assert_int_equal(emu_counter(&f->emu, "calls", "batchUpdate", NULL),
	    1);
}

/* Every worker's subscription hears the relay's nudges. */
static void
on_nudge(void *arg, const char *channel, const char *payload, size_t len)
{
	struct fixture	*f = arg;
	int		 i;

	(void)channel;
	for (i = 0; i < NRELAYS; i++) {
		if (f->cr[i] != NULL)
			commit_relay_nudged(f->cr[i], payload, len);
	}
}

static int
cmp_ms(const void *a, const void *b)
{
	uint64_t	x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x < y ? -1 : x > y);
}

/*
 * Nudges stand in for the polls.  With polls a second apart, a change
 * handed over by the worker that is not the committer is read by the
 * committer, and its outcome by its origin, as soon as each is in
 * Redis.  Five changes, one per write slot: the median time from submit
 * to answer stays within the batch window and 350 ms.  Polls alone would
 * add two waits of 0 to 1000 ms each, and stay within that bound for
 * three changes of five about one run in a thousand.
 */
static void
test_nudges_stand_in_for_polls(void **state)
{
	struct fixture			*f = *state;
	struct redis_pool_config	 pcfg;
	struct redis_subscriber_handlers h = { on_nudge, NULL, f };
	const char			*channels[2] = { NULL, NULL };
	char				 channel[COMMIT_RELAY_CHANNEL_MAX];
	struct done			 d[5];
	uint64_t			 took[5], t0, end;
	int				 i, c;

	memset(d, 0, sizeof(d));
	for (i = 0; i < NRELAYS; i++)
		relay_close(f, i);
	f->poll_ms = 1000;
	for (i = 0; i < NRELAYS; i++)
		relay_open(f, i);
	assert_int_equal(commit_relay_channel(f->emu.spreadsheet_id, channel,
	    sizeof(channel)), 0);
	channels[0] = channel;
	/* The pool's settings, under the subscription's own name. */
	pcfg = f->pcfg;
	snprintf(pcfg.client_name, sizeof(pcfg.client_name),
	    "zeues-test-cr-sub");
	f->sub = redis_subscriber_new(&pcfg, f->pool, poll_loop_io(f->pl),
	    channels, &h, &f->sub_stats);
	assert_non_null(f->sub);
	end = harness_now_ms() + 3000;
	while (!redis_subscriber_live(f->sub) && harness_now_ms() < end)
		pump_once(f);
	assert_true(redis_subscriber_live(f->sub));
	wait_committer(f);
	c = committer(f);
	pump(f, 1500);			/* the group made, the polls' phase */
	for (i = 0; i < 5; i++) {
		t0 = harness_now_ms();
		submit(f, 1 - c, &d[i], (unsigned int)i + 2, t0 + 20000);
		assert_int_equal(pump_until(f, &d[i], 1, 15000), 0);
		took[i] = d[i].at_ms - t0;
		assert_applied(f, &d[i]);
		pump(f, 1300);		/* the next write slot */
	}
	qsort(took, 5, sizeof(took[0]), cmp_ms);
	if (took[2] > 200 + 350)
		fail_msg("median %llu ms from submit to answer (%llu .. %llu)",
		    (unsigned long long)took[2], (unsigned long long)took[0],
		    (unsigned long long)took[4]);
}

static redisContext	*sync_redis(struct fixture *);
static void		 expect_ok(redisContext *, redisReply *);

/* Until every worker's cache has heard n versions. */
static void
pump_heard(struct fixture *f, int n)
{
	uint64_t	end = harness_now_ms() + 2000;

	while ((f->heard[0].versions < n || f->heard[1].versions < n) &&
	    harness_now_ms() < end)
		pump_once(f);
}

/*
 * A change that lands through one worker reaches the other worker's
 * cache, cells and new version, from the landed stream: that worker
 * decides its next change on the row's version without reading Sheets.
 */
static void
test_landed_heard_by_every_worker(void **state)
{
	struct fixture			*f = *state;
	struct commit_relay_stats	 rs;
	struct done			 d;
	int				 i;

	memset(&d, 0, sizeof(d));
	wait_committer(f);
	pump(f, 200);			/* each at the landed stream's end */
	submit(f, 1 - committer(f), &d, 20, harness_now_ms() + 5000);
	assert_int_equal(pump_until(f, &d, 1, 6000), 0);
	assert_applied(f, &d);
	pump_heard(f, 1);
	for (i = 0; i < NRELAYS; i++) {
		assert_int_equal(f->heard[i].versions, 1);
		assert_string_equal(f->heard[i].version, d.out.version);
		assert_string_equal(f->heard[i].estado, d.estado);
		commit_relay_stats(f->cr[i], &rs);
		assert_int_equal(rs.landed, 1);
		assert_int_equal(rs.landed_bad, 0);
	}
}

/*
 * Corrupt landed entries (not JSON, no change, a change without its
 * fields) are skipped, logged once per worker; the change after them is
 * heard.
 */
static void
test_landed_corrupt_skipped(void **state)
{
	struct fixture			*f = *state;
	redisContext			*rc = sync_redis(f);
	struct commit_relay_stats	 rs;
	struct done			 d;
	char				 landed[256];
	int				 i;

	memset(&d, 0, sizeof(d));
	wait_committer(f);
	pump(f, 200);
	snprintf(landed, sizeof(landed), "zeues:gc:%s:landed",
	    f->emu.spreadsheet_id);
	expect_ok(rc, redisCommand(rc, "XADD %s * c %s v x", landed,
	    "{not json"));
	expect_ok(rc, redisCommand(rc, "XADD %s * v x", landed));
	expect_ok(rc, redisCommand(rc, "XADD %s * c %s", landed,
	    "{\"v\":1,\"sheet\":\"Operaciones\"}"));
	submit(f, 0, &d, 21, harness_now_ms() + 5000);
	assert_int_equal(pump_until(f, &d, 1, 6000), 0);
	assert_applied(f, &d);
	pump_heard(f, 1);
	for (i = 0; i < NRELAYS; i++) {
		assert_int_equal(f->heard[i].versions, 1);
		assert_string_equal(f->heard[i].estado, d.estado);
		assert_int_equal(f->heard[i].log_lines, 1);
		commit_relay_stats(f->cr[i], &rs);
		assert_int_equal(rs.landed, 1);
		assert_int_equal(rs.landed_bad, 3);
	}
	redisFree(rc);
}

/*
 * A synchronous Redis client: the test plays a committer that reads an
 * entry and dies without answering.
 */
static redisContext *
sync_redis(struct fixture *f)
{
	redisContext	*rc = redisConnect("127.0.0.1", f->redis_port);

	assert_non_null(rc);
	assert_int_equal(rc->err, 0);
	return (rc);
}

static void
expect_ok(redisContext *rc, redisReply *r)
{
	if (r == NULL)
		fail_msg("redis: %s", rc->errstr);
	if (r->type == REDIS_REPLY_ERROR &&
	    strncmp(r->str, "BUSYGROUP", 9) != 0)
		fail_msg("redis: %s", r->str);
	freeReplyObject(r);
}

/* The dead committer's read: one entry, its JSON copied to out. */
static void
dead_read(redisContext *rc, const char *stream, char *out, size_t len)
{
	redisReply	*r;
	redisReply	*e;

	r = redisCommand(rc, "XREADGROUP GROUP committers dead COUNT 1 "
	    "STREAMS %s >", stream);
	assert_non_null(r);
	assert_int_equal(r->type, REDIS_REPLY_ARRAY);
	e = r->element[0]->element[1]->element[0];
	assert_int_equal(e->element[1]->elements, 2);
	snprintf(out, len, "%s", e->element[1]->element[1]->str);
	freeReplyObject(r);
}

static void
dead_written(void *arg, const struct gc_outcome *o)
{
	int	*landed = arg;

	*landed = o->status == GC_APPLIED ? 1 : -1;
}

/*
 * The committer dies holding a change: before writing it (with_write 0)
 * or after its write landed but before it answered (1).  The next
 * committer claims it and the origin hears APPLIED; the row carries it
 * once, its audit row is in Metadata exactly once.  Without the replay's
 * "may already have landed" the second case would answer CONFLICT (the
 * row's version is no longer the expected one).
 */
static void
committer_dies(struct fixture *f, int with_write)
{
	redisContext		*rc = sync_redis(f);
	struct gc_wire_change	 wc;
	struct done		 d;
	struct group_commit	*dead_gc = NULL;
	struct group_commit_config gcfg;
	char			 json[8192], err[256];
	uint64_t		 end;
	int			 i, landed = 0;

	memset(&d, 0, sizeof(d));
	/* The lease is the dead one's: the live relays only append. */
	for (i = 0; i < NRELAYS; i++)
		relay_close(f, i);
	expect_ok(rc, redisCommand(rc, "SET %s dead PX 2000", f->lease));
	expect_ok(rc, redisCommand(rc, "XGROUP CREATE %s committers 0 "
	    "MKSTREAM", f->stream));
	for (i = 0; i < NRELAYS; i++)
		relay_open(f, i);
	submit(f, 0, &d, 5, harness_now_ms() + 20000);
	pump(f, 100);
	assert_int_equal(committer(f), -1);
	dead_read(rc, f->stream, json, sizeof(json));
	if (with_write) {
		group_commit_config_defaults(&gcfg);
		gcfg.spreadsheet_id = f->emu.spreadsheet_id;
		dead_gc = group_commit_new(&gcfg, f->sc, f->pool, f->lim,
		    poll_loop_io(f->pl), err, sizeof(err));
		assert_non_null(dead_gc);
		if (gc_wire_decode_change(json, strlen(json), &wc, err,
		    sizeof(err)) == -1)
			fail_msg("%s", err);
		assert_non_null(group_commit_submit(dead_gc, &wc.change,
		    harness_now_ms() + 5000, dead_written, &landed, err,
		    sizeof(err)));
		end = harness_now_ms() + 5000;
		while (landed == 0 && harness_now_ms() < end) {
			pump_once(f);
			group_commit_tick(dead_gc, harness_now_ms());
		}
		assert_int_equal(landed, 1);
		gc_wire_change_clear(&wc);
		group_commit_free(dead_gc);
		assert_int_equal(audit_count(f, d.id), 1);
	}
	/* Lease gone, taken, then the claim after a Sheets call and idle. */
	assert_int_equal(pump_until(f, &d, 1, 15000), 0);
	assert_applied(f, &d);
	assert_true(committer(f) != -1);
	redisFree(rc);
}

static void
test_dead_committer_before_write(void **state)
{
	committer_dies(*state, 0);
}

static void
test_dead_committer_after_write(void **state)
{
	struct fixture			*f = *state;
	struct commit_relay_stats	 rs;

	committer_dies(f, 1);
	commit_relay_stats(f->cr[committer(f)], &rs);
	assert_int_equal(rs.replayed, 1);
}

/* What a late fn heard: how often, and the status (-1: NULL). */
struct late {
	int	calls;
	int	status;
};

static void
on_late(void *arg, const struct gc_outcome *o)
{
	struct late	*l = arg;

	l->calls++;
	l->status = o != NULL ? (int)o->status : -1;
}

/*
 * The origin gives up on a change a dead committer holds (503 "it may
 * have landed" for the tablet); the next committer replays it, and the
 * origin's late fn hears APPLIED, once: the occupation flow then gives
 * back the lock of a PAUSAR that landed after all.  A change answered in
 * time runs its late fn with NULL.
 */
static void
test_late_outcome_heard(void **state)
{
	struct fixture		*f = *state;
	redisContext		*rc = sync_redis(f);
	struct commit_ticket	*t;
	struct done		 d, d2;
	struct late		 late, late2;
	char			 json[8192];
	uint64_t		 end;
	int			 i;

	memset(&d, 0, sizeof(d));
	memset(&d2, 0, sizeof(d2));
	memset(&late, 0, sizeof(late));
	memset(&late2, 0, sizeof(late2));
	for (i = 0; i < NRELAYS; i++)
		relay_close(f, i);
	expect_ok(rc, redisCommand(rc, "SET %s dead PX 2000", f->lease));
	expect_ok(rc, redisCommand(rc, "XGROUP CREATE %s committers 0 "
	    "MKSTREAM", f->stream));
	for (i = 0; i < NRELAYS; i++)
		relay_open(f, i);
	t = submit(f, 0, &d, 6, harness_now_ms() + 1500);
	commit_relay_on_late(t, on_late, &late);
	pump(f, 100);
	dead_read(rc, f->stream, json, sizeof(json));
	assert_int_equal(pump_until(f, &d, 1, 3000), 0);
	assert_int_equal(d.out.status, GC_TIMEOUT);
	assert_true(d.out.maybe_applied);
	assert_int_equal(late.calls, 0);

	end = harness_now_ms() + 15000;
	while (late.calls == 0 && harness_now_ms() < end)
		pump_once(f);
	assert_int_equal(late.calls, 1);
	assert_int_equal(late.status, GC_APPLIED);
	assert_int_equal(audit_count(f, d.id), 1);

	t = submit(f, 1, &d2, 7, harness_now_ms() + 5000);
	commit_relay_on_late(t, on_late, &late2);
	assert_int_equal(pump_until(f, &d2, 1, 6000), 0);
	assert_applied(f, &d2);
	assert_int_equal(late2.calls, 1);
	assert_int_equal(late2.status, -1);
	pump(f, 200);
	assert_int_equal(late.calls, 1);
	redisFree(rc);
}

/*
 * The committer's write is still on its way when the change's deadline
 * passes (Sheets slow): the origin hears "it may have landed", and the
 * entry stays pending instead of being acknowledged; its replay finds the
 * row carrying the change and the origin's late fn hears APPLIED.  Before,
 * nobody learned the change's fate, and the lock of a PAUSAR that landed
 * stayed until RECONCILE_GRACE_SECONDS.
 */
static void
test_unconfirmed_write_replayed(void **state)
{
	struct fixture		*f = *state;
	struct commit_ticket	*t;
	struct done		 first, d;
	struct late		 late;
	uint64_t		 end;

	memset(&first, 0, sizeof(first));
	memset(&d, 0, sizeof(d));
	memset(&late, 0, sizeof(late));
	wait_committer(f);
	pump(f, 100);
	/* The group commit knows Metadata's length; the next slot is free. */
	submit(f, 0, &first, 9, harness_now_ms() + 5000);
	assert_int_equal(pump_until(f, &first, 1, 6000), 0);
	assert_applied(f, &first);
	pump(f, 1300);
	assert_int_equal(emu_faults(&f->emu, "{\"latency_ms\":700}"), 0);
	t = submit(f, 0, &d, 8, harness_now_ms() + 1400);
	commit_relay_on_late(t, on_late, &late);
	assert_int_equal(pump_until(f, &d, 1, 3000), 0);
	assert_int_equal(d.out.status, GC_TIMEOUT);
	assert_true(d.out.maybe_applied);
	assert_int_equal(emu_faults(&f->emu, "{}"), 0);

	end = harness_now_ms() + 15000;
	while (late.calls == 0 && harness_now_ms() < end)
		pump_once(f);
	assert_int_equal(late.calls, 1);
	assert_int_equal(late.status, GC_APPLIED);
	assert_int_equal(audit_count(f, d.id), 1);
}

/* The committer goes away: the other worker takes the lease and writes. */
static void
test_lease_handover(void **state)
{
	struct fixture	*f = *state;
	struct done	 d[2];
	int		 c;

	memset(d, 0, sizeof(d));
	wait_committer(f);
	c = committer(f);
	relay_close(f, c);
	submit(f, 1 - c, &d[0], 7, harness_now_ms() + 5000);
	assert_int_equal(pump_until(f, d, 1, 6000), 0);
	assert_applied(f, &d[0]);
	assert_int_equal(committer(f), 1 - c);
	relay_open(f, c);
	submit(f, c, &d[1], 8, harness_now_ms() + 5000);
	assert_int_equal(pump_until(f, &d[1], 1, 6000), 0);
	assert_applied(f, &d[1]);
	assert_int_equal(committer(f), 1 - c);
}

/*
 * The committer loses its lease while a change waits in its batch for the
 * write slot (the lease key taken by someone else, as after a failover
 * that lost the key): it drops the change and gives it back, and the
 * next committer takes it at once, well before the claim of a dead
 * committer's entries (a Sheets call after the lease, and idle for a
 * lease and a Sheets call) would; the change lands once.
 */
static void
test_lost_lease_gives_back(void **state)
{
	struct fixture			*f = *state;
	redisContext			*rc = sync_redis(f);
	struct commit_relay_stats	 rs;
	struct done			 first, d;
	uint64_t			 stolen, freed;
	int				 c, i;

	memset(&first, 0, sizeof(first));
	memset(&d, 0, sizeof(d));
	wait_committer(f);
	c = committer(f);
	pump(f, 100);
	/* A write now: the next slot is 1.25 s away. */
	submit(f, c, &first, 20, harness_now_ms() + 5000);
	assert_int_equal(pump_until(f, &first, 1, 6000), 0);
	assert_applied(f, &first);
	submit(f, 1 - c, &d, 21, harness_now_ms() + 10000);
	pump(f, 200);
	commit_relay_stats(f->cr[c], &rs);
	assert_true(rs.taken >= 2);
	assert_int_equal(d.calls, 0);

	expect_ok(rc, redisCommand(rc, "SET %s someone-else PX %d", f->lease,
	    LEASE_MS));
	stolen = harness_now_ms();
	freed = stolen + LEASE_MS;
	assert_int_equal(pump_until(f, &d, 1, 8000), 0);
	print_message("lease taken away; the change answered %llu ms after "
	    "the lease was free again\n",
	    (unsigned long long)(d.at_ms - freed));
	assert_applied(f, &d);
	assert_true(d.at_ms < freed + CALL_MS + 1000);
	commit_relay_stats(f->cr[c], &rs);
	assert_int_equal(rs.given_back, 1);
	for (i = 0, rs.replayed = 0; i < NRELAYS; i++) {
		struct commit_relay_stats	one;

		commit_relay_stats(f->cr[i], &one);
		rs.replayed += one.replayed;
	}
	assert_int_equal(rs.replayed, 1);
	redisFree(rc);
}

/* Whether the group has a consumer of that name. */
static int
has_consumer(struct fixture *f, redisContext *rc, const char *name)
{
	redisReply	*r, *c;
	size_t		 i, k;
	int		 found = 0;

	r = redisCommand(rc, "XINFO CONSUMERS %s committers", f->stream);
	assert_non_null(r);
	assert_int_equal(r->type, REDIS_REPLY_ARRAY);
	for (i = 0; i < r->elements; i++) {
		c = r->element[i];
		for (k = 0; k + 1 < c->elements; k += 2) {
			if (strcmp(c->element[k]->str, "name") == 0 &&
			    strcmp(c->element[k + 1]->str, name) == 0)
				found = 1;
		}
	}
	freeReplyObject(r);
	return (found);
}

/*
 * Past lives' consumers do not pile up in the group: one idle with
 * nothing pending is removed; one still holding an entry (a dead
 * committer's, for the claim) stays; changes still land after.
 */
static void
test_idle_consumers_removed(void **state)
{
	struct fixture			*f = *state;
	redisContext			*rc = sync_redis(f);
	struct commit_relay_stats	 rs;
	redisReply			*r;
	struct done			 d;
	int				 i, c, held = 0;

	memset(&d, 0, sizeof(d));
	for (i = 0; i < NRELAYS; i++)
		relay_close(f, i);
	f->consumer_idle_ms = 300;
	for (i = 0; i < NRELAYS; i++)
		relay_open(f, i);
	wait_committer(f);
	c = committer(f);
	/* The committer's own consumer: it has read the stream. */
	submit(f, c, &d, 22, harness_now_ms() + 5000);
	assert_int_equal(pump_until(f, &d, 1, 6000), 0);
	assert_applied(f, &d);

	expect_ok(rc, redisCommand(rc, "XGROUP CREATECONSUMER %s committers "
	    "past:idle", f->stream));
	/* A relay read may reach Redis first: then add another. */
	for (i = 0; i < 5 && !held; i++) {
		expect_ok(rc, redisCommand(rc, "XADD %s * not-a-change 1",
		    f->stream));
		r = redisCommand(rc, "XREADGROUP GROUP committers past:busy "
		    "COUNT 1 STREAMS %s >", f->stream);
		assert_non_null(r);
		held = r->type == REDIS_REPLY_ARRAY;
		freeReplyObject(r);
	}
	assert_true(held);
	assert_true(has_consumer(f, rc, "past:idle"));

	/* Past its 300 ms idle, before the claim (2.6 s) takes the entry. */
	pump(f, 1000);
	assert_false(has_consumer(f, rc, "past:idle"));
	assert_true(has_consumer(f, rc, "past:busy"));
	commit_relay_stats(f->cr[c], &rs);
	assert_true(rs.pruned >= 1);
	/*
	 * Its own consumer may have gone too (Redis counts a read that
	 * delivers nothing as no activity): nothing was pending to it, and
	 * the next change it reads makes it again.
	 */
	memset(&d, 0, sizeof(d));
	submit(f, 1 - c, &d, 23, harness_now_ms() + 5000);
	assert_int_equal(pump_until(f, &d, 1, 6000), 0);
	assert_applied(f, &d);
	redisFree(rc);
}

/* Redis gone: answered before the deadline, never left waiting. */
static void
test_redis_down_answers(void **state)
{
	struct fixture	*f = *state;
	struct done	 d[2];
	uint64_t	 deadline;

	memset(d, 0, sizeof(d));
	wait_committer(f);
	harness_stop(f->redis, 3000);
	f->redis = -1;
	deadline = harness_now_ms() + 3000;
	submit(f, 0, &d[0], 9, deadline);
	submit(f, 1, &d[1], 10, deadline);
	assert_int_equal(pump_until(f, d, 2, 4000), 0);
	assert_true(d[0].at_ms <= deadline + 50 && d[1].at_ms <= deadline + 50);
	assert_true(d[0].out.status == GC_FAILED ||
	    d[0].out.status == GC_TIMEOUT);
	assert_true(d[1].out.status == GC_FAILED ||
	    d[1].out.status == GC_TIMEOUT);
}

/* A cancelled change is never answered; the relay frees cleanly. */
static void
test_cancel(void **state)
{
	struct fixture		*f = *state;
	struct done		 d;
	struct commit_ticket	*t;

	memset(&d, 0, sizeof(d));
	wait_committer(f);
	t = submit(f, 0, &d, 11, harness_now_ms() + 3000);
	commit_relay_cancel(t);
	pump(f, 3500);
	assert_int_equal(d.calls, 0);
	/* One left in flight at teardown: freed without a callback. */
	submit(f, 1, &d, 12, harness_now_ms() + 3000);
}

/*
 * Relay off: straight to the worker's own group commit, no Redis stream;
 * a change still waiting when the relay is freed is freed with it.
 */
static void
test_pass_through(void **state)
{
	struct fixture			*f = *state;
	struct commit_relay_config	 rcfg;
	struct commit_relay		*local;
	struct commit_relay		*saved = f->cr[0];
	struct commit_relay_stats	 rs;
	struct done			 d[2];
	char				 err[256];

	memset(d, 0, sizeof(d));
	commit_relay_config_defaults(&rcfg);
	local = commit_relay_new(&rcfg, f->gc[0], f->pool, poll_loop_io(f->pl),
	    err, sizeof(err));
	assert_non_null(local);
	f->cr[0] = local;
	submit(f, 0, &d[0], 13, harness_now_ms() + 5000);
	assert_int_equal(pump_until(f, d, 1, 6000), 0);
	assert_applied(f, &d[0]);
	commit_relay_stats(local, &rs);
	assert_int_equal(rs.appended, 0);
	submit(f, 0, &d[1], 14, harness_now_ms() + 5000);
	commit_relay_free(local);
	f->cr[0] = saved;
	pump(f, 300);
	assert_int_equal(d[1].calls, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_both_workers_one_write,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_late_changes_join_the_slot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dead_committer_before_write,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_dead_committer_after_write,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_unconfirmed_write_replayed,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_late_outcome_heard,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_lost_lease_gives_back,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_lease_handover, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_redis_down_answers, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_cancel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pass_through, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_landed_heard_by_every_worker, setup, teardown),
		cmocka_unit_test_setup_teardown(test_landed_corrupt_skipped,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_idle_consumers_removed,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_nudges_stand_in_for_polls,
		    setup, teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
