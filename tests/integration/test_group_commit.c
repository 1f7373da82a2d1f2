/*
 * Group commit against the Sheets emulator and a real redis-server: many
 * changes leave as one write call, conflicts are answered one by one,
 * faults never lose or duplicate an audit row, every change is answered by
 * its deadline, and the Metadata row counter survives a flushed Redis.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "a1.h"
#include "audit.h"
#include "emulator_fixture.h"
#include "group_commit.h"
#include "harness.h"
#include "poll_loop.h"
#include "redis_pool.h"
#include "sheets_client.h"
#include "sheets_limiter.h"

#define SPOOLS		60
#define WIDE_SPOOLS	1300

struct fixture {
	struct emu			 emu;
	int				 redis_port;
	pid_t				 redis;
	struct poll_loop		*pl;
	struct redis_pool		*pool;
	struct redis_pool_stats		 pool_stats;
	struct sheets_client		*sc;
	struct sheets_limiter		*lim;
	struct group_commit		*gc;
	int				 applied_calls;
	int				 version_notes;
};

struct done {
	int			calls;
	struct gc_outcome	out;
	uint64_t		at_ms;
	uint64_t		deadline_ms;
	unsigned int		row;
	char			tag[80];
	char			estado[64];
	const char		*text;		/* Estado_Detalle, if not estado */
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

static void
on_applied(void *arg, const char *sheet, const char *tag, const char *header,
    const char *value)
{
	struct fixture	*f = arg;

	assert_string_equal(sheet, "Operaciones");
	assert_true(tag[0] != '\0' && value != NULL);
	f->applied_calls++;
	if (strcmp(header, "version") == 0)
		f->version_notes++;
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
	group_commit_tick(f->gc, now);
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

/* Everything but the group commit, which each test configures. */
static int
setup_spools(void **state, int spools)
{
	struct fixture			*f = calloc(1, sizeof(*f));
	struct redis_pool_config	 pcfg;
	struct sheets_limiter_config	 lcfg;

	assert_non_null(f);
	assert_int_equal(emu_start(&f->emu, spools, 12, NULL), 0);
	f->redis_port = harness_free_port();
	f->redis = harness_start_redis(f->redis_port, harness_tmpdir());
	assert_true(f->redis > 0);
	f->pl = poll_loop_new();
	memset(&pcfg, 0, sizeof(pcfg));
	snprintf(pcfg.url.host, sizeof(pcfg.url.host), "127.0.0.1");
	pcfg.url.port = f->redis_port;
	snprintf(pcfg.client_name, sizeof(pcfg.client_name), "zeues-test-gc");
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
	lcfg.account = "gc@test";
	lcfg.per_window[SHEETS_QUOTA_READ] = 600;
	lcfg.per_window[SHEETS_QUOTA_WRITE] = 600;
	f->lim = sheets_limiter_new(&lcfg, f->pool, poll_loop_io(f->pl));
	assert_non_null(f->lim);
	*state = f;
	return (0);
}

static int
setup(void **state)
{
	return (setup_spools(state, SPOOLS));
}

/* Spools far enough apart that each change is verified on its own. */
static int
setup_wide(void **state)
{
	return (setup_spools(state, WIDE_SPOOLS));
}

static void
gc_open(struct fixture *f, struct group_commit_config *cfg)
{
	struct group_commit_config	def;
	char				err[256];

	if (cfg == NULL) {
		group_commit_config_defaults(&def);
		cfg = &def;
	}
	cfg->spreadsheet_id = f->emu.spreadsheet_id;
	cfg->applied = on_applied;
	cfg->applied_arg = f;
	f->gc = group_commit_new(cfg, f->sc, f->pool, f->lim,
	    poll_loop_io(f->pl), err, sizeof(err));
	if (f->gc == NULL)
		fail_msg("%s", err);
	pump(f, 50);
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;
	int		 rc;

	group_commit_free(f->gc);
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

/* The tag and version of a sheet row (1-based) as the emulator has them. */
static void
row_now(struct fixture *f, unsigned int row, char *tag, size_t taglen,
    char *version, size_t verlen, char *estado, size_t estlen)
{
	yajl_val	 wb, op;
	char		 buf[32];

	assert_non_null(wb = emu_workbook(&f->emu));
	assert_non_null(op = emu_sheet(wb, "Operaciones"));
	if (tag != NULL)
		snprintf(tag, taglen, "%s", emu_cell(op, row - 1,
		    (size_t)emu_column(op, "TAG_SPOOL"), buf, sizeof(buf)));
	if (version != NULL)
		snprintf(version, verlen, "%s", emu_cell(op, row - 1,
		    (size_t)emu_column(op, "version"), buf, sizeof(buf)));
	if (estado != NULL)
		snprintf(estado, estlen, "%s", emu_cell(op, row - 1,
		    (size_t)emu_column(op, "Estado_Detalle"), buf,
		    sizeof(buf)));
	yajl_tree_free(wb);
}

/* How many Metadata rows carry id in column A, and the last such row. */
static int
audit_rows(yajl_val wb, const char *id, size_t *row)
{
	yajl_val	meta = emu_sheet(wb, "Metadata");
	char		buf[32];
	size_t		r;
	int		n = 0;

	for (r = 1; r < emu_nrows(meta); r++) {
		if (strcmp(emu_cell(meta, r, 0, buf, sizeof(buf)), id) == 0) {
			n++;
			if (row != NULL)
				*row = r + 1;
		}
	}
	return (n);
}

/* Submits a change of row writing Estado_Detalle etc. */
static struct gc_ticket *
submit(struct fixture *f, struct done *d, unsigned int row, const char *tag,
    const char *expected, uint64_t deadline_ms)
{
	struct gc_write		w[3];
	struct gc_change	c;
	struct gc_ticket	*t;
	struct audit_record	a;
	struct sheets_cell	cells[AUDIT_COLUMNS];
	struct sheets_row	arow;
	char			err[256];

	memset(&c, 0, sizeof(c));
	memset(w, 0, sizeof(w));
	snprintf(d->estado, sizeof(d->estado), "MR(93) trabajando ARM r%u",
	    row);
	snprintf(d->tag, sizeof(d->tag), "%s", tag);
	d->row = row;
	d->deadline_ms = deadline_ms;
	w[0].header = "Estado_Detalle";
	w[0].value.kind = SHEETS_CELL_TEXT;
	w[0].value.text = d->text != NULL ? d->text : d->estado;
	w[1].header = "Ocupado_Por";
	w[1].value.kind = SHEETS_CELL_TEXT;
	w[1].value.text = "MR(93)";
	w[2].header = "Fecha_Ocupacion";
	w[2].value.kind = SHEETS_CELL_ENTERED;
	w[2].value.text = "26-11-2025 10:00:00";
	c.sheet = "Operaciones";
	c.tag = tag;
	c.row = row;
	c.expected_version = expected;
	c.writes = w;
	c.nwrites = 3;
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
	snprintf(a.metadata_json, sizeof(a.metadata_json),
	    "{\"lock_token\":\"t\"}");
	audit_row(&a, cells);
	arow.cells = cells;
	arow.ncells = AUDIT_COLUMNS;
	c.audits = &arow;
	c.naudits = 1;
	t = group_commit_submit(f->gc, &c, deadline_ms, on_done, d, err,
	    sizeof(err));
	if (t == NULL)
		fail_msg("submit: %s", err);
	return (t);
}

/* Submits a change of row with the tag and version it has now. */
static struct gc_ticket *
submit_current(struct fixture *f, struct done *d, unsigned int row,
    uint64_t deadline_ms)
{
	char	tag[80], version[80];

	row_now(f, row, tag, sizeof(tag), version, sizeof(version), NULL, 0);
	return (submit(f, d, row, tag, version, deadline_ms));
}

/* 50 concurrent changes to 50 rows: at most 2 write calls, 50 audits. */
static void
test_fifty_changes_one_write(void **state)
{
	struct fixture		*f = *state;
	struct done		 d[50];
	struct group_commit_stats st;
	yajl_val		 wb, meta;
	char			 version[80], estado[80];
	size_t			 i, j, row;
	uint64_t		 deadline;

	gc_open(f, NULL);
	memset(d, 0, sizeof(d));
	deadline = harness_now_ms() + 20000;
	for (i = 0; i < 50; i++)
		submit_current(f, &d[i], (unsigned int)i + 2, deadline);
	emu_reset_counters(&f->emu);
	for (i = 0; i < 50; i++)
		assert_int_equal(d[i].calls, 0);	/* never synchronous */
	assert_int_equal(pump_until(f, d, 50, 20000), 0);

	for (i = 0; i < 50; i++) {
		assert_int_equal(d[i].calls, 1);
		if (d[i].out.status != GC_APPLIED)
			fail_msg("row %u: %s: %s", d[i].row,
			    gc_status_name(d[i].out.status), d[i].out.error);
		assert_true(uuid4_valid(d[i].out.version));
		assert_true(uuid4_valid(d[i].id));
		assert_true(d[i].out.audit_row >= 2);
	}
	assert_true(emu_counter(&f->emu, "calls", "batchUpdate", NULL) <= 2);
	assert_true(emu_counter(&f->emu, "writes", NULL) <= 2);
	group_commit_stats(f->gc, &st);
	assert_true(st.writes <= 2);
	assert_int_equal(st.applied, 50);
	assert_int_equal(f->version_notes, 50);
	assert_int_equal(f->applied_calls, 50 * 4);

	assert_non_null(wb = emu_workbook(&f->emu));
	meta = emu_sheet(wb, "Metadata");
	assert_int_equal(emu_nrows(meta), 51);
	for (i = 0; i < 50; i++) {
		assert_int_equal(audit_rows(wb, d[i].id, &row), 1);
		assert_int_equal(row, d[i].out.audit_row);
		for (j = 0; j < i; j++)
			assert_true(d[j].out.audit_row != d[i].out.audit_row);
	}
	yajl_tree_free(wb);
	for (i = 0; i < 50; i += 7) {
		row_now(f, d[i].row, NULL, 0, version, sizeof(version), estado,
		    sizeof(estado));
		assert_string_equal(version, d[i].out.version);
		assert_string_equal(estado, d[i].estado);
	}
}

/* The next row, round robin, whose last change has been answered. */
static unsigned int
free_row(const struct done *d, size_t n, unsigned int *cursor)
{
	unsigned int	row;
	size_t		i, tries;

	for (tries = 0; tries < SPOOLS; tries++) {
		row = *cursor % SPOOLS + 2;
		*cursor += 1;
		for (i = 0; i < n && !(d[i].row == row && d[i].calls == 0); i++)
			;
		if (i == n)
			return (row);
	}
	fail_msg("every row has a change in flight");
	return (0);
}

/*
 * Google's real budget (issue 3, done-means 3): with the emulator and the
 * limiter both at 60 writes and 60 reads a minute, 300 changes submitted
 * over a minute all land, no 429 ever reaches a caller, and the write
 * calls stay within the quota.
 */
static void
test_three_hundred_changes_in_a_minute(void **state)
{
	struct fixture			*f = *state;
	struct sheets_limiter_config	 lcfg;
	struct group_commit_config	 gcfg;
	struct done			*d;
	yajl_val			 q;
	uint64_t			 t0, next;
	size_t				 i, n = 300;
	unsigned int			 row, cursor = 0;
	long long			 writes, r429;

	sheets_limiter_free(f->lim);
	sheets_limiter_config_defaults(&lcfg);
	lcfg.account = "quota@test";
	lcfg.per_window[SHEETS_QUOTA_READ] = 60;
	lcfg.per_window[SHEETS_QUOTA_WRITE] = 60;
	f->lim = sheets_limiter_new(&lcfg, f->pool, poll_loop_io(f->pl));
	assert_non_null(f->lim);
	q = emu_admin(&f->emu, "POST", "/admin/quota",
	    "{\"reads_per_minute\":60,\"writes_per_minute\":60}");
	assert_non_null(q);
	yajl_tree_free(q);
	/* As the server sets it: the quota's pace with a quarter spare. */
	group_commit_config_defaults(&gcfg);
	gcfg.min_interval_ms = 60000 / 60 * 5 / 4;
	gc_open(f, &gcfg);
	emu_reset_counters(&f->emu);

	d = calloc(n, sizeof(*d));
	t0 = harness_now_ms();
	for (i = 0; i < n; i++) {
		/* Five a second, each on a row with no change in flight. */
		next = t0 + i * 200;
		while (harness_now_ms() < next)
			pump_once(f);
		row = free_row(d, i, &cursor);
		submit_current(f, &d[i], row, harness_now_ms() + 45000);
	}
	assert_int_equal(pump_until(f, d, n, 50000), 0);
	for (i = 0; i < n; i++) {
		if (d[i].out.status != GC_APPLIED)
			fail_msg("change %zu (row %u): %s: %s", i, d[i].row,
			    gc_status_name(d[i].out.status), d[i].out.error);
	}
	writes = emu_counter(&f->emu, "writes", NULL);
	r429 = emu_counter(&f->emu, "outcomes", "429", NULL);
	print_message("300 changes in %llu ms: %lld Sheets writes, %lld "
	    "answers 429\n", (unsigned long long)(harness_now_ms() - t0),
	    writes, r429);
	assert_true(writes <= 60 * (long long)((harness_now_ms() - t0) /
	    60000 + 1));
	assert_int_equal(r429, 0);
	free(d);
}

/* Values written as text stay text; the audit row has all 11 cells. */
static void
test_audit_row_contents(void **state)
{
	struct fixture	*f = *state;
	struct done	 d;
	yajl_val	 wb, meta;
	char		 buf[32];
	size_t		 row = 0;

	gc_open(f, NULL);
	memset(&d, 0, sizeof(d));
	submit_current(f, &d, 7, harness_now_ms() + 10000);
	assert_int_equal(pump_until(f, &d, 1, 10000), 0);
	assert_int_equal(d.out.status, GC_APPLIED);
	assert_non_null(wb = emu_workbook(&f->emu));
	assert_int_equal(audit_rows(wb, d.id, &row), 1);
	meta = emu_sheet(wb, "Metadata");
	assert_string_equal(emu_cell(meta, row - 1, 2, buf, sizeof(buf)),
	    "TOMAR_SPOOL");
	assert_string_equal(emu_cell(meta, row - 1, 3, buf, sizeof(buf)),
	    d.tag);
	assert_string_equal(emu_cell(meta, row - 1, 4, buf, sizeof(buf)),
	    "93");
	assert_string_equal(emu_cell(meta, row - 1, 5, buf, sizeof(buf)),
	    "MR(93)");
	assert_string_equal(emu_cell(meta, row - 1, 7, buf, sizeof(buf)),
	    "TOMAR");
	assert_string_equal(emu_cell(meta, row - 1, 9, buf, sizeof(buf)),
	    "{\"lock_token\":\"t\"}");
	yajl_tree_free(wb);
}

static void
on_sheets_done(void *arg, struct sheets_result *res)
{
	struct done	*d = arg;

	d->calls++;
	d->out.status = res->class == SHEETS_OK ? GC_APPLIED : GC_FAILED;
}

/* Writes a version behind the group commit's back. */
static void
edit_version(struct fixture *f, unsigned int row, const char *version)
{
	struct sheets_cell		cell = { SHEETS_CELL_TEXT, version, 0, 0 };
	struct sheets_row		r = { &cell, 1 };
	struct sheets_range_data	data;
	struct done			d;
	yajl_val			wb, op;
	char				range[64], col[8];

	assert_non_null(wb = emu_workbook(&f->emu));
	op = emu_sheet(wb, "Operaciones");
	assert_int_equal(a1_column_letters((unsigned int)emu_column(op,
	    "version") + 1, col, sizeof(col)), 0);
	yajl_tree_free(wb);
	snprintf(range, sizeof(range), "Operaciones!%s%u", col, row);
	data.range = range;
	data.rows = &r;
	data.nrows = 1;
	memset(&d, 0, sizeof(d));
	assert_true(sheets_batch_update(f->sc, SHEETS_INPUT_RAW, &data, 1,
	    5000, on_sheets_done, &d, range, sizeof(range)) != 0);
	assert_int_equal(pump_until(f, &d, 1, 6000), 0);
	assert_int_equal(d.out.status, GC_APPLIED);
}

/*
 * A version edited behind our back gives CONFLICT and writes nothing;
 * the rest of the batch lands.  So does a tag no longer at its row, and
 * the second of two changes to one row.
 */
static void
test_conflicts_are_answered_one_by_one(void **state)
{
	struct fixture	*f = *state;
	struct done	 d[5];
	char		 tag[80], version[80], estado[80], other[80];
	yajl_val	 wb;
	uint64_t	 deadline;
	int		 i;

	gc_open(f, NULL);
	memset(d, 0, sizeof(d));
	row_now(f, 10, tag, sizeof(tag), version, sizeof(version), estado,
	    sizeof(estado));
	edit_version(f, 10, "edited-by-a-person");
	row_now(f, 12, other, sizeof(other), NULL, 0, NULL, 0);
	deadline = harness_now_ms() + 10000;
	submit(f, &d[0], 10, tag, version, deadline);
	submit_current(f, &d[1], 11, deadline);
	submit(f, &d[2], 13, other, "", deadline);	/* tag of row 12 */
	submit_current(f, &d[3], 14, deadline);
	submit_current(f, &d[4], 14, deadline);		/* same row again */
	assert_int_equal(pump_until(f, d, 5, 10000), 0);

	assert_int_equal(d[0].out.status, GC_CONFLICT);
	assert_string_equal(d[0].out.found_version, "edited-by-a-person");
	assert_int_equal(d[1].out.status, GC_APPLIED);
	assert_int_equal(d[2].out.status, GC_CONFLICT);
	assert_int_equal(d[3].out.status, GC_APPLIED);
	assert_int_equal(d[4].out.status, GC_CONFLICT);
	for (i = 0; i < 5; i++)
		assert_int_equal(d[i].calls, 1);

	/* Nothing of the conflicting changes was written. */
	row_now(f, 10, NULL, 0, version, sizeof(version), other,
	    sizeof(other));
	assert_string_equal(version, "edited-by-a-person");
	assert_string_equal(other, estado);
	assert_non_null(wb = emu_workbook(&f->emu));
	assert_int_equal(audit_rows(wb, d[0].id, NULL), 0);
	assert_int_equal(audit_rows(wb, d[2].id, NULL), 0);
	assert_int_equal(audit_rows(wb, d[4].id, NULL), 0);
	assert_int_equal(audit_rows(wb, d[1].id, NULL), 1);
	assert_int_equal(audit_rows(wb, d[3].id, NULL), 1);
	/* No gap: only verified changes got audit rows. */
	assert_int_equal(d[3].out.audit_row, d[1].out.audit_row + 1);
	yajl_tree_free(wb);
}

/* Writes text cells into row of Operaciones from column col (0-based). */
static void
put_cells(struct fixture *f, unsigned int row, long col,
    const char *const *texts, size_t n)
{
	struct sheets_cell		cells[4];
	struct sheets_row		r;
	struct sheets_range_data	data;
	struct a1_area			area;
	struct done			d;
	char				range[64];
	size_t				i;

	for (i = 0; i < n; i++) {
		memset(&cells[i], 0, sizeof(cells[i]));
		cells[i].kind = SHEETS_CELL_TEXT;
		cells[i].text = texts[i];
	}
	r.cells = cells;
	r.ncells = n;
	area.first_col = (unsigned int)col + 1;
	area.last_col = (unsigned int)(col + (long)n);
	area.first_row = area.last_row = row;
	assert_int_equal(a1_format_range(range, sizeof(range), "Operaciones",
	    &area), 0);
	data.range = range;
	data.rows = &r;
	data.nrows = 1;
	memset(&d, 0, sizeof(d));
	assert_true(sheets_batch_update(f->sc, SHEETS_INPUT_RAW, &data, 1,
	    5000, on_sheets_done, &d, range, sizeof(range)) != 0);
	assert_int_equal(pump_until(f, &d, 1, 6000), 0);
	assert_int_equal(d.out.status, GC_APPLIED);
}

/*
 * Someone swaps two columns between batches: the verification read sees
 * the header moved, reads again at the right columns, and writes there.
 */
static void
test_moved_header_is_read_again(void **state)
{
	struct fixture			*f = *state;
	struct group_commit_stats	 before, after;
	struct done			 d[2];
	const char			*cells[2];
	yajl_val			 wb, op;
	char				 version[80], estado[80], buf[80];
	long				 vc, ec;

	gc_open(f, NULL);
	memset(d, 0, sizeof(d));
	submit_current(f, &d[0], 15, harness_now_ms() + 10000);
	assert_int_equal(pump_until(f, &d[0], 1, 10000), 0);
	assert_int_equal(d[0].out.status, GC_APPLIED);

	assert_non_null(wb = emu_workbook(&f->emu));
	op = emu_sheet(wb, "Operaciones");
	vc = emu_column(op, "version");
	ec = emu_column(op, "Estado_Detalle");
	assert_int_equal(ec, vc + 1);
	snprintf(version, sizeof(version), "%s", emu_cell(op, 15, (size_t)vc,
	    buf, sizeof(buf)));
	snprintf(estado, sizeof(estado), "%s", emu_cell(op, 15, (size_t)ec,
	    buf, sizeof(buf)));
	yajl_tree_free(wb);
	cells[0] = "Estado_Detalle";
	cells[1] = "version";
	put_cells(f, 1, vc, cells, 2);
	cells[0] = estado;
	cells[1] = version;
	put_cells(f, 16, vc, cells, 2);

	group_commit_stats(f->gc, &before);
	submit_current(f, &d[1], 16, harness_now_ms() + 10000);
	assert_int_equal(pump_until(f, &d[1], 1, 10000), 0);
	if (d[1].out.status != GC_APPLIED)
		fail_msg("%s: %s", gc_status_name(d[1].out.status),
		    d[1].out.error);
	group_commit_stats(f->gc, &after);
	assert_int_equal(after.reads - before.reads, 2);	/* read again */
	assert_non_null(wb = emu_workbook(&f->emu));
	op = emu_sheet(wb, "Operaciones");
	assert_string_equal(emu_cell(op, 15, (size_t)ec, buf, sizeof(buf)),
	    d[1].out.version);
	assert_string_equal(emu_cell(op, 15, (size_t)vc, buf, sizeof(buf)),
	    d[1].estado);
	yajl_tree_free(wb);
}

/*
 * 30 % of calls answered 503, then a 429 storm: every change lands
 * exactly once or is answered with an error by its deadline, and no audit
 * ID appears twice.
 */
static void
test_faults_never_lose_or_duplicate(void **state)
{
	struct fixture	*f = *state;
	struct done	 d[40];
	yajl_val	 wb;
	char		 version[80];
	uint64_t	 deadline;
	size_t		 i, n;
	int		 landed, applied = 0;

	gc_open(f, NULL);
	memset(d, 0, sizeof(d));
	assert_int_equal(emu_faults(&f->emu,
	    "{\"error_rate\":0.3,\"error_status\":503}"), 0);
	deadline = harness_now_ms() + 12000;
	for (i = 0; i < 20; i++)
		submit_current(f, &d[i], (unsigned int)i + 2, deadline);
	pump(f, 1500);
	assert_int_equal(emu_faults(&f->emu, "{\"error_rate\":0.3,"
	    "\"error_status\":503,\"storm_429_seconds\":2}"), 0);
	deadline = harness_now_ms() + 12000;
	for (i = 20; i < 40; i++)
		submit_current(f, &d[i], (unsigned int)i + 2, deadline);
	assert_int_equal(pump_until(f, d, 40, 20000), 0);
	assert_int_equal(emu_faults(&f->emu, "{}"), 0);

	assert_non_null(wb = emu_workbook(&f->emu));
	for (i = 0; i < 40; i++) {
		assert_int_equal(d[i].calls, 1);
		assert_true(d[i].at_ms <= d[i].deadline_ms + 100);
		n = (size_t)audit_rows(wb, d[i].id, NULL);
		assert_true(n <= 1);			/* never twice */
		row_now(f, d[i].row, NULL, 0, version, sizeof(version), NULL,
		    0);
		landed = strcmp(version, d[i].out.version) == 0;
		/* Whole or nothing: the row and its audit row together. */
		assert_int_equal(landed, (int)n);
		switch (d[i].out.status) {
		case GC_APPLIED:
			assert_true(landed);
			applied++;
			break;
		case GC_CONFLICT:
		case GC_FAILED:
			assert_false(landed);
			break;
		case GC_TIMEOUT:
			if (!d[i].out.maybe_applied)
				assert_false(landed);
			break;
		}
	}
	yajl_tree_free(wb);
	assert_true(applied > 0);
}

/*
 * A relay between the client and the emulator that passes every call on
 * and, while drop_writes is set, throws away the answer of each
 * values:batchUpdate: the write lands, its answer is lost.  One request
 * per connection, handled in order on its own thread.
 */
struct relay {
	int		 lfd;
	int		 port;
	int		 upstream;
	pthread_t	 thread;
	atomic_int	 stop;
	atomic_int	 drop_writes;
	atomic_int	 dropped;
};

/* Reads one HTTP message (head + Content-Length body); its length or -1. */
static ssize_t
relay_read(int fd, char *buf, size_t cap)
{
	size_t		 len = 0, need = 0;
	ssize_t		 n;
	char		*end, *cl;

	for (;;) {
		if (len == cap - 1)
			return (-1);
		if ((n = read(fd, buf + len, cap - 1 - len)) <= 0)
			return (-1);
		len += (size_t)n;
		buf[len] = '\0';
		if (need == 0 && (end = strstr(buf, "\r\n\r\n")) != NULL) {
			need = (size_t)(end - buf) + 4;
			if ((cl = strcasestr(buf, "\r\nContent-Length:")) !=
			    NULL && cl < end)
				need += strtoul(cl + 17, NULL, 10);
		}
		if (need != 0 && len >= need)
			return ((ssize_t)len);
	}
}

static int
relay_write(int fd, const char *buf, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		if ((n = write(fd, buf, len)) <= 0)
			return (-1);
		buf += n;
		len -= (size_t)n;
	}
	return (0);
}

static void
relay_one(struct relay *r, int cfd)
{
	static char		req[1 << 20], resp[1 << 22];
	struct sockaddr_in	sin;
	struct timeval		tv = { 10, 0 };
	ssize_t			qlen, rlen;
	int			ufd;

	(void)setsockopt(cfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if ((qlen = relay_read(cfd, req, sizeof(req))) == -1)
		return;
	if ((ufd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return;
	(void)setsockopt(ufd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)r->upstream);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(ufd, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
	    relay_write(ufd, req, (size_t)qlen) == 0 &&
	    (rlen = relay_read(ufd, resp, sizeof(resp))) != -1) {
		if (atomic_load(&r->drop_writes) && strncmp(req, "POST ", 5) ==
		    0 && strstr(req, "/values:batchUpdate") != NULL &&
		    strstr(req, "/values:batchUpdate") < strstr(req, "\r\n"))
			atomic_fetch_add(&r->dropped, 1);
		else
			(void)relay_write(cfd, resp, (size_t)rlen);
	}
	close(ufd);
}

static void *
relay_main(void *arg)
{
	struct relay	*r = arg;
	struct pollfd	 pfd;
	int		 cfd;

	while (!atomic_load(&r->stop)) {
		pfd.fd = r->lfd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 50) <= 0)
			continue;
		if ((cfd = accept(r->lfd, NULL, NULL)) == -1)
			continue;
		relay_one(r, cfd);
		close(cfd);
	}
	return (NULL);
}

static void
relay_start(struct relay *r, int upstream)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);

	memset(r, 0, sizeof(*r));
	r->upstream = upstream;
	assert_true((r->lfd = socket(AF_INET, SOCK_STREAM, 0)) != -1);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(r->lfd, (struct sockaddr *)&sin, sizeof(sin)),
	    0);
	assert_int_equal(getsockname(r->lfd, (struct sockaddr *)&sin, &len),
	    0);
	assert_int_equal(listen(r->lfd, 64), 0);
	r->port = ntohs(sin.sin_port);
	assert_int_equal(pthread_create(&r->thread, NULL, relay_main, r), 0);
}

static void
relay_stop(struct relay *r)
{
	atomic_store(&r->stop, 1);
	pthread_join(r->thread, NULL);
	close(r->lfd);
}

/*
 * Every answer to a write is lost, though the writes land: the client
 * gives up, the batch is read again, and rows already at their new
 * version count as applied, each with exactly one audit row.
 */
static void
test_lost_answers_are_retried_safely(void **state)
{
	struct fixture			*f = *state;
	struct group_commit_config	 cfg;
	struct group_commit_stats	 st;
	struct relay			 r;
	struct emu			 via;
	struct done			 d[5];
	yajl_val			 wb;
	char				 version[80];
	size_t				 i;

	relay_start(&r, f->emu.te.port);
	via = f->emu;
	snprintf(via.base, sizeof(via.base), "http://127.0.0.1:%d", r.port);
	sheets_client_free(f->sc);
	assert_non_null(f->sc = emu_client(&via, poll_loop_io(f->pl)));
	group_commit_config_defaults(&cfg);
	cfg.call_timeout_ms = 1500;
	gc_open(f, &cfg);
	memset(d, 0, sizeof(d));
	atomic_store(&r.drop_writes, 1);
	for (i = 0; i < 5; i++)
		submit_current(f, &d[i], (unsigned int)i + 2,
		    harness_now_ms() + 15000);
	assert_int_equal(pump_until(f, d, 5, 16000), 0);
	relay_stop(&r);

	group_commit_stats(f->gc, &st);
	assert_true(atomic_load(&r.dropped) >= 1);
	assert_true(st.retries >= 1);
	assert_non_null(wb = emu_workbook(&f->emu));
	for (i = 0; i < 5; i++) {
		if (d[i].out.status != GC_APPLIED)
			fail_msg("row %u: %s: %s", d[i].row,
			    gc_status_name(d[i].out.status), d[i].out.error);
		assert_int_equal(audit_rows(wb, d[i].id, NULL), 1);
		row_now(f, d[i].row, NULL, 0, version, sizeof(version), NULL,
		    0);
		assert_string_equal(version, d[i].out.version);
	}
	assert_int_equal(emu_nrows(emu_sheet(wb, "Metadata")), 6);
	yajl_tree_free(wb);
}

/* A hung emulator: the change is answered at its deadline, not later. */
static void
test_deadline_with_hung_api(void **state)
{
	struct fixture	*f = *state;
	struct done	 d;
	uint64_t	 t0;

	gc_open(f, NULL);
	memset(&d, 0, sizeof(d));
	assert_int_equal(emu_faults(&f->emu, "{\"hang_rate\":1.0}"), 0);
	t0 = harness_now_ms();
	submit_current(f, &d, 20, t0 + 1500);
	assert_int_equal(pump_until(f, &d, 1, 5000), 0);
	assert_int_equal(d.out.status, GC_TIMEOUT);
	assert_int_equal(d.out.maybe_applied, 0);
	assert_true(d.at_ms - t0 >= 1500);
	assert_true(d.at_ms - t0 < 1700);
	assert_int_equal(emu_faults(&f->emu, "{}"), 0);
}

/*
 * The counter starts from the used length of Metadata!A:A and, when Redis
 * loses it, starts again from the sheet instead of from zero.
 */
static void
test_counter_survives_a_flushed_redis(void **state)
{
	struct fixture	*f = *state;
	struct done	 d[3];
	char		*out;
	yajl_val	 wb;

	gc_open(f, NULL);
	memset(d, 0, sizeof(d));
	submit_current(f, &d[0], 30, harness_now_ms() + 10000);
	assert_int_equal(pump_until(f, &d[0], 1, 10000), 0);
	assert_int_equal(d[0].out.status, GC_APPLIED);
	assert_int_equal(d[0].out.audit_row, 2);	/* header + 0 rows */

	out = harness_redis_cli(f->redis_port, "FLUSHALL");
	free(out);
	submit_current(f, &d[1], 31, harness_now_ms() + 10000);
	assert_int_equal(pump_until(f, &d[1], 1, 10000), 0);
	assert_int_equal(d[1].out.status, GC_APPLIED);
	assert_int_equal(d[1].out.audit_row, 3);

	/* A restarted Redis without the scripts: NOSCRIPT, then EVAL. */
	out = harness_redis_cli(f->redis_port, "SCRIPT FLUSH");
	free(out);
	submit_current(f, &d[2], 32, harness_now_ms() + 10000);
	assert_int_equal(pump_until(f, &d[2], 1, 10000), 0);
	assert_int_equal(d[2].out.status, GC_APPLIED);
	assert_int_equal(d[2].out.audit_row, 4);

	assert_non_null(wb = emu_workbook(&f->emu));
	assert_int_equal(audit_rows(wb, d[0].id, NULL), 1);
	assert_int_equal(audit_rows(wb, d[1].id, NULL), 1);
	assert_int_equal(audit_rows(wb, d[2].id, NULL), 1);
	yajl_tree_free(wb);
}

/* Metadata's grid grows ahead of need. */
static void
test_grid_grows_ahead(void **state)
{
	struct fixture			*f = *state;
	struct group_commit_config	 cfg;
	struct done			 d;
	yajl_val			 wb;

	group_commit_config_defaults(&cfg);
	cfg.grid_margin_rows = 1000;		/* the demo has 1,000 rows */
	cfg.grid_grow_rows = 500;
	gc_open(f, &cfg);
	memset(&d, 0, sizeof(d));
	submit_current(f, &d, 40, harness_now_ms() + 10000);
	assert_int_equal(pump_until(f, &d, 1, 10000), 0);
	assert_int_equal(d.out.status, GC_APPLIED);
	assert_non_null(wb = emu_workbook(&f->emu));
	assert_int_equal(jpath_int(emu_sheet(wb, "Metadata"), 0, "rowCount",
	    NULL), 1500);
	yajl_tree_free(wb);
}

/* Out of write budget: answered at once with when to try again. */
static void
test_budget_exhausted(void **state)
{
	struct fixture			*f = *state;
	struct sheets_limiter_config	 lcfg;
	struct done			 d[2];

	sheets_limiter_free(f->lim);
	sheets_limiter_config_defaults(&lcfg);
	lcfg.account = "gc-budget@test";
	lcfg.per_window[SHEETS_QUOTA_WRITE] = 1;
	f->lim = sheets_limiter_new(&lcfg, f->pool, poll_loop_io(f->pl));
	gc_open(f, NULL);
	memset(d, 0, sizeof(d));
	submit_current(f, &d[0], 50, harness_now_ms() + 10000);
	assert_int_equal(pump_until(f, &d[0], 1, 10000), 0);
	assert_int_equal(d[0].out.status, GC_APPLIED);
	submit_current(f, &d[1], 51, harness_now_ms() + 3000);
	assert_int_equal(pump_until(f, &d[1], 1, 10000), 0);
	assert_int_equal(d[1].out.status, GC_TIMEOUT);
	assert_int_equal(d[1].out.maybe_applied, 0);
	assert_true(d[1].out.retry_after_ms > 3000);
}

/* The tag and version of each of rows, from one read of the workbook. */
static void
rows_now(struct fixture *f, const unsigned int *rows, size_t n,
    char (*tag)[80], char (*version)[80])
{
	yajl_val	 wb, op;
	char		 buf[32];
	size_t		 i, tc, vc;

	assert_non_null(wb = emu_workbook(&f->emu));
	assert_non_null(op = emu_sheet(wb, "Operaciones"));
	tc = (size_t)emu_column(op, "TAG_SPOOL");
	vc = (size_t)emu_column(op, "version");
	for (i = 0; i < n; i++) {
		snprintf(tag[i], 80, "%s", emu_cell(op, rows[i] - 1, tc, buf,
		    sizeof(buf)));
		snprintf(version[i], 80, "%s", emu_cell(op, rows[i] - 1, vc,
		    buf, sizeof(buf)));
	}
	yajl_tree_free(wb);
}

/* Each change landed once, at its audit row, and its row shows it. */
static void
assert_landed(struct fixture *f, const struct done *d, size_t n)
{
	yajl_val	 wb, op;
	char		 buf[64];
	size_t		 i, row, vc, ec;

	assert_non_null(wb = emu_workbook(&f->emu));
	assert_non_null(op = emu_sheet(wb, "Operaciones"));
	vc = (size_t)emu_column(op, "version");
	ec = (size_t)emu_column(op, "Estado_Detalle");
	for (i = 0; i < n; i++) {
		if (d[i].out.status != GC_APPLIED)
			continue;
		assert_int_equal(audit_rows(wb, d[i].id, &row), 1);
		assert_int_equal(row, d[i].out.audit_row);
		assert_string_equal(emu_cell(op, d[i].row - 1, vc, buf,
		    sizeof(buf)), d[i].out.version);
		assert_string_equal(emu_cell(op, d[i].row - 1, ec, buf,
		    sizeof(buf)), d[i].estado);
	}
	yajl_tree_free(wb);
}

/*
 * Issue 9, defect 11: 64 changes in one window on spools far apart, in
 * pairs of neighbours.  Each pair is one span to verify, so a batch of 60
 * asks for 61 ranges, about 2,300 bytes of batchGet query string: the
 * emulator (like Google's front ends) answered 414 and every change of
 * the batch failed, again on every retry.  Now the read goes as
 * batchGetByDataFilter: all land and the emulator saw no 4xx.
 */
static void
test_wide_batch_reads_without_414(void **state)
{
	struct fixture			*f = *state;
	struct group_commit_stats	 st;
	static struct done		 d[64];
	static char			 tag[64][80], version[64][80];
	unsigned int			 rows[64];
	uint64_t			 deadline;
	size_t				 i;

	gc_open(f, NULL);
	memset(d, 0, sizeof(d));
	for (i = 0; i < 64; i++)
		rows[i] = 2 + (unsigned int)(i / 2) * 40 + (unsigned int)(i % 2);
	rows_now(f, rows, 64, tag, version);
	emu_reset_counters(&f->emu);
	deadline = harness_now_ms() + 20000;
	for (i = 0; i < 64; i++)
		submit(f, &d[i], rows[i], tag[i], version[i], deadline);
	assert_int_equal(pump_until(f, d, 64, 20000), 0);
	for (i = 0; i < 64; i++) {
		if (d[i].out.status != GC_APPLIED)
			fail_msg("row %u: %s: %s", d[i].row,
			    gc_status_name(d[i].out.status), d[i].out.error);
	}
	print_message("64 changes: %lld batchGetByDataFilter, %lld batchGet, "
	    "%lld batchUpdate, %lld answers 4xx\n",
	    emu_counter(&f->emu, "calls", "batchGetByDataFilter", NULL),
	    emu_counter(&f->emu, "calls", "batchGet", NULL),
	    emu_counter(&f->emu, "calls", "batchUpdate", NULL),
	    emu_counter(&f->emu, "outcomes", "4xx", NULL));
	assert_int_equal(emu_counter(&f->emu, "outcomes", "4xx", NULL), 0);
	assert_true(emu_counter(&f->emu, "calls", "batchGetByDataFilter",
	    NULL) >= 1);
	assert_true(emu_counter(&f->emu, "calls", "batchUpdate", NULL) <= 2);
	group_commit_stats(f->gc, &st);
	assert_int_equal(st.applied, 64);
	assert_int_equal(st.splits, 0);
	assert_landed(f, d, 64);
}

/*
 * One change of a batch carries a cell over Google's 50,000 characters,
 * so the API refuses the whole batchUpdate with 400.  Retrying it as it
 * was would fail forever; the batch is halved until that change is
 * alone: it fails with the API's reason, the seven others land with one
 * audit row each, and nothing of the refused change is written.
 */
static void
test_refused_change_fails_alone(void **state)
{
	struct fixture			*f = *state;
	struct group_commit_stats	 st;
	struct done			 d[8];
	char				*huge, version[80], after[80];
	yajl_val			 wb;
	uint64_t			 deadline;
	size_t				 i;

	gc_open(f, NULL);
	memset(d, 0, sizeof(d));
	assert_non_null(huge = malloc(50002));
	memset(huge, 'x', 50001);
	huge[50001] = '\0';
	d[5].text = huge;
	row_now(f, 7, NULL, 0, version, sizeof(version), NULL, 0);
	deadline = harness_now_ms() + 20000;
	for (i = 0; i < 8; i++)
		submit_current(f, &d[i], (unsigned int)i + 2, deadline);
	emu_reset_counters(&f->emu);
	assert_int_equal(pump_until(f, d, 8, 20000), 0);

	for (i = 0; i < 8; i++) {
		assert_int_equal(d[i].calls, 1);
		if (i == 5)
			continue;
		if (d[i].out.status != GC_APPLIED)
			fail_msg("row %u: %s: %s", d[i].row,
			    gc_status_name(d[i].out.status), d[i].out.error);
	}
	assert_int_equal(d[5].out.status, GC_FAILED);
	assert_int_equal(d[5].out.maybe_applied, 0);
	assert_non_null(strstr(d[5].out.error, "50000"));
	group_commit_stats(f->gc, &st);
	assert_true(st.splits >= 1);
	assert_int_equal(st.applied, 7);
	assert_int_equal(st.failed, 1);
	assert_true(emu_counter(&f->emu, "calls", "batchUpdate", NULL) >= 2);
	assert_true(emu_counter(&f->emu, "outcomes", "4xx", NULL) >= 1);
	assert_landed(f, d, 8);

	row_now(f, 7, NULL, 0, after, sizeof(after), NULL, 0);
	assert_string_equal(after, version);
	assert_non_null(wb = emu_workbook(&f->emu));
	assert_int_equal(audit_rows(wb, d[5].id, NULL), 0);
	yajl_tree_free(wb);
	free(huge);
}

/*
 * A change aimed past the grid (a row number from a stale cache of a
 * sheet that shrank) makes the verification read fail with 400 for the
 * whole batch.  Split, it fails alone and the others land.
 */
static void
test_unreadable_change_fails_alone(void **state)
{
	struct fixture			*f = *state;
	struct group_commit_stats	 st;
	struct done			 d[6];
	uint64_t			 deadline;
	size_t				 i;

	gc_open(f, NULL);
	memset(d, 0, sizeof(d));
	deadline = harness_now_ms() + 20000;
	for (i = 0; i < 6; i++) {
		if (i == 2)
			submit(f, &d[i], 900000, "MK-GONE-1", "", deadline);
		else
			submit_current(f, &d[i], (unsigned int)i + 20,
			    deadline);
	}
	assert_int_equal(pump_until(f, d, 6, 20000), 0);
	for (i = 0; i < 6; i++) {
		assert_int_equal(d[i].calls, 1);
		if (i != 2 && d[i].out.status != GC_APPLIED)
			fail_msg("row %u: %s: %s", d[i].row,
			    gc_status_name(d[i].out.status), d[i].out.error);
	}
	assert_int_equal(d[2].out.status, GC_FAILED);
	assert_non_null(strstr(d[2].out.error, "grid"));
	group_commit_stats(f->gc, &st);
	assert_true(st.splits >= 1);
	assert_int_equal(st.applied, 5);
	assert_landed(f, d, 6);
}

/* Cancelled before its window closed: no callback, nothing written. */
static void
test_cancel_and_bad_changes(void **state)
{
	struct fixture		*f = *state;
	struct done		 d[2];
	struct gc_change	 c;
	struct gc_write		 w;
	struct gc_ticket	*t;
	char			 version[80], before[80], err[256];

	gc_open(f, NULL);
	memset(d, 0, sizeof(d));
	row_now(f, 45, NULL, 0, before, sizeof(before), NULL, 0);
	t = submit_current(f, &d[0], 45, harness_now_ms() + 10000);
	group_commit_cancel(t);
	submit_current(f, &d[1], 46, harness_now_ms() + 10000);
	assert_int_equal(pump_until(f, &d[1], 1, 10000), 0);
	pump(f, 300);
	assert_int_equal(d[0].calls, 0);
	row_now(f, 45, NULL, 0, version, sizeof(version), NULL, 0);
	assert_string_equal(version, before);

	memset(&c, 0, sizeof(c));
	memset(&w, 0, sizeof(w));
	c.sheet = "Operaciones";
	c.tag = "MK-1";
	c.row = 5;
	c.writes = &w;
	c.nwrites = 1;
	w.value.kind = SHEETS_CELL_TEXT;
	w.value.text = "x";
	w.header = "TAG_SPOOL";
	assert_null(group_commit_submit(f->gc, &c, 1, on_done, &d[0], err,
	    sizeof(err)));
	w.header = "Version";
	assert_null(group_commit_submit(f->gc, &c, 1, on_done, &d[0], err,
	    sizeof(err)));
	w.header = "Estado_Detalle";
	c.row = 1;
	assert_null(group_commit_submit(f->gc, &c, 1, on_done, &d[0], err,
	    sizeof(err)));
	pump(f, 300);
	assert_int_equal(d[0].calls, 0);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test_setup_teardown(test_fifty_changes_one_write,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_three_hundred_changes_in_a_minute, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_row_contents,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_conflicts_are_answered_one_by_one, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_moved_header_is_read_again, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_faults_never_lose_or_duplicate, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_lost_answers_are_retried_safely, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deadline_with_hung_api,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_counter_survives_a_flushed_redis, setup, teardown),
		cmocka_unit_test_setup_teardown(test_grid_grows_ahead, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_budget_exhausted, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_wide_batch_reads_without_414, setup_wide, teardown),
		cmocka_unit_test_setup_teardown(
		    test_refused_change_fails_alone, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_unreadable_change_fails_alone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel_and_bad_changes,
		    setup, teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
