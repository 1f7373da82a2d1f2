/*
 * No request URL over SHEETS_URI_MAX (issue 9, defect 11): a batchGet of
 * many ranges, which as a GET would be answered 414, is sent as
 * values:batchGetByDataFilter and reads the same; a short one stays a
 * GET; any other call whose URL would be too long is refused before it is
 * sent.  Against the emulator over real HTTP.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "emulator_fixture.h"
#include "harness.h"
#include "poll_loop.h"
#include "sheets_client.h"

#define SPOOLS		80
#define NRANGES		64

struct fixture {
	struct emu		 emu;
	struct poll_loop	*pl;
	struct sheets_client	*sc;
};

struct call {
	int			done;
	enum sheets_error_class	class;
	char			error[256];
	size_t			nranges;
	char			first[NRANGES][80];	/* each range's A cell */
};

static void
call_done(void *arg, struct sheets_result *res)
{
	struct call			*c = arg;
	const struct sheets_value_range	*vr;
	size_t				 i;

	c->done = 1;
	c->class = res->class;
	snprintf(c->error, sizeof(c->error), "%s", res->error);
	c->nranges = res->value_ranges.nranges;
	for (i = 0; i < c->nranges && i < NRANGES; i++) {
		vr = &res->value_ranges.ranges[i];
		snprintf(c->first[i], sizeof(c->first[i]), "%s",
		    vr->nrows > 0 && vr->rows[0].ncells > 0 ?
		    vr->rows[0].cells[0] : "");
	}
}

static void
wait_call(struct fixture *f, struct call *c)
{
	uint64_t	end = harness_now_ms() + 10000;

	while (!c->done && harness_now_ms() < end) {
		poll_loop_run_once(f->pl, IO_LOOP_TICK_MS);
		sheets_client_tick(f->sc, harness_now_ms());
	}
	assert_true(c->done);
}

static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(emu_start(&f->emu, SPOOLS, 12, NULL), 0);
	f->pl = poll_loop_new();
	assert_non_null(f->sc = emu_client(&f->emu, poll_loop_io(f->pl)));
	*state = f;
	return (0);
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;
	int		 rc;

	sheets_client_free(f->sc);
	poll_loop_free(f->pl);
	rc = emu_stop(&f->emu);
	free(f);
	assert_int_equal(rc, 0);
	return (0);
}

/* TAG_SPOOL of each data row, as the emulator holds it. */
static void
tags_now(struct fixture *f, char tags[][80], size_t n)
{
	yajl_val	wb, op;
	char		buf[32];
	size_t		i;
	long		col;

	assert_non_null(wb = emu_workbook(&f->emu));
	assert_non_null(op = emu_sheet(wb, "Operaciones"));
	assert_true((col = emu_column(op, "TAG_SPOOL")) >= 0);
	for (i = 0; i < n; i++)
		snprintf(tags[i], sizeof(tags[i]), "%s", emu_cell(op, i + 1,
		    (size_t)col, buf, sizeof(buf)));
	yajl_tree_free(wb);
}

/* "Operaciones!C<row>:D<row>", TAG_SPOOL being column C. */
static void
tag_ranges(char ranges[][40], const char **list, size_t n, unsigned int step)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		snprintf(ranges[i], sizeof(ranges[i]), "Operaciones!C%zu:D%zu",
		    2 + i / step, 2 + i / step);
		list[i] = ranges[i];
	}
}

/*
 * 64 ranges, about 2,300 bytes of query string: one read, sent as
 * batchGetByDataFilter, every range answered in request order.  Before
 * the fix this was a GET the emulator answered 414.
 */
static void
test_many_ranges_read_by_filter(void **state)
{
	struct fixture			*f = *state;
	struct sheets_client_stats	 st;
	static char			 ranges[NRANGES][40], tags[SPOOLS][80];
	const char			*list[NRANGES];
	struct call			 c;
	char				 err[256];
	size_t				 i;

	tags_now(f, tags, SPOOLS);
	tag_ranges(ranges, list, NRANGES, 1);
	emu_reset_counters(&f->emu);
	memset(&c, 0, sizeof(c));
	if (sheets_batch_get(f->sc, list, NRANGES, SHEETS_RENDER_FORMATTED,
	    8000, call_done, &c, err, sizeof(err)) == 0)
		fail_msg("batchGet: %s", err);
	wait_call(f, &c);
	if (c.class != SHEETS_OK)
		fail_msg("batchGet: %s", c.error);
	assert_int_equal(c.nranges, NRANGES);
	for (i = 0; i < NRANGES; i++)
		assert_string_equal(c.first[i], tags[i]);

	assert_int_equal(emu_counter(&f->emu, "calls", "batchGetByDataFilter",
	    NULL), 1);
	assert_int_equal(emu_counter(&f->emu, "calls", "batchGet", NULL), 0);
	assert_int_equal(emu_counter(&f->emu, "reads", NULL), 1);
	assert_int_equal(emu_counter(&f->emu, "outcomes", "4xx", NULL), 0);
	sheets_client_stats(f->sc, &st);
	assert_int_equal(st.by_call[SHEETS_CALL_BATCH_GET][0], 1);
}

/* A range asked twice is answered twice, by filter as by GET. */
static void
test_repeated_ranges_by_filter(void **state)
{
	struct fixture	*f = *state;
	static char	 ranges[NRANGES][40], tags[SPOOLS][80];
	const char	*list[NRANGES];
	struct call	 c;
	char		 err[256];
	size_t		 i;

	tags_now(f, tags, SPOOLS);
	tag_ranges(ranges, list, NRANGES, 2);	/* each row twice */
	emu_reset_counters(&f->emu);
	memset(&c, 0, sizeof(c));
	if (sheets_batch_get(f->sc, list, NRANGES, SHEETS_RENDER_UNFORMATTED,
	    8000, call_done, &c, err, sizeof(err)) == 0)
		fail_msg("batchGet: %s", err);
	wait_call(f, &c);
	if (c.class != SHEETS_OK)
		fail_msg("batchGet: %s", c.error);
	for (i = 0; i < NRANGES; i++)
		assert_string_equal(c.first[i], tags[i / 2]);
	assert_int_equal(emu_counter(&f->emu, "calls", "batchGetByDataFilter",
	    NULL), 1);
}

/* A few ranges: still the plain GET. */
static void
test_few_ranges_stay_get(void **state)
{
	struct fixture	*f = *state;
	static char	 ranges[4][40], tags[SPOOLS][80];
	const char	*list[4];
	struct call	 c;
	char		 err[256];
	size_t		 i;

	tags_now(f, tags, SPOOLS);
	tag_ranges(ranges, list, 4, 1);
	emu_reset_counters(&f->emu);
	memset(&c, 0, sizeof(c));
	assert_true(sheets_batch_get(f->sc, list, 4, SHEETS_RENDER_FORMATTED,
	    8000, call_done, &c, err, sizeof(err)) != 0);
	wait_call(f, &c);
	assert_int_equal(c.class, SHEETS_OK);
	for (i = 0; i < 4; i++)
		assert_string_equal(c.first[i], tags[i]);
	assert_int_equal(emu_counter(&f->emu, "calls", "batchGet", NULL), 1);
	assert_int_equal(emu_counter(&f->emu, "calls", "batchGetByDataFilter",
	    NULL), 0);
}

/*
 * A call whose URL would pass the limit fails at once and is never sent:
 * an append into a sheet with a long name (the range goes in the path).
 */
static void
test_overlong_url_is_not_sent(void **state)
{
	struct fixture			*f = *state;
	struct sheets_cell		 cell = { SHEETS_CELL_TEXT, "x", 0, 0 };
	struct sheets_row		 row = { &cell, 1 };
	struct sheets_range_data	 data;
	struct call			 c;
	char				 range[2100], err[256];
	uint64_t			 end;

	memset(range, 'S', 1990);
	snprintf(range + 1990, sizeof(range) - 1990, "!A1");
	data.range = range;
	data.rows = &row;
	data.nrows = 1;
	emu_reset_counters(&f->emu);
	memset(&c, 0, sizeof(c));
	err[0] = '\0';
	assert_int_equal(sheets_append(f->sc, SHEETS_INPUT_RAW, &data, 5000,
	    call_done, &c, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "not sent"));
	assert_non_null(strstr(err, "2000"));
	/* Nothing reaches the emulator, and no callback ever runs. */
	end = harness_now_ms() + 300;
	while (harness_now_ms() < end) {
		poll_loop_run_once(f->pl, IO_LOOP_TICK_MS);
		sheets_client_tick(f->sc, harness_now_ms());
	}
	assert_int_equal(c.done, 0);
	assert_int_equal(emu_counter(&f->emu, "calls", "append", NULL), 0);
	assert_int_equal(sheets_client_pending(f->sc), 0);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_many_ranges_read_by_filter, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_repeated_ranges_by_filter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_few_ranges_stay_get,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_overlong_url_is_not_sent,
		    setup, teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
