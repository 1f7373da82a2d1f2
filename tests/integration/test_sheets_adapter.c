/*
 * The Sheets client's calls against the emulator over real HTTP (issue 3,
 * done-means 1; tokens are test_sheets_token.c's): values.append puts a
 * row after the table and says where, values.batchGet reads it back, and
 * values.batchUpdate changes one of its cells.
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

struct call {
	int			done;
	enum sheets_error_class	class;
	char			error[256];
	unsigned int		first_row, last_row;	/* append */
	long long		updated_cells;		/* batchUpdate */
	char			cell[2][64];		/* batchGet: A, B */
};

static void
call_done(void *arg, struct sheets_result *res)
{
	struct call			*c = arg;
	const struct sheets_value_range	*vr;
	size_t				 i;

	c->done = 1;
	c->class = res->class;
	snprintf(c->error, sizeof(c->error), "%s", res->error != NULL ?
	    res->error : "");
	if (res->class != SHEETS_OK)
		return;
	c->first_row = res->append.first_row;
	c->last_row = res->append.last_row;
	c->updated_cells = res->batch_update.total_updated_cells;
	if (res->value_ranges.nranges == 0)
		return;
	vr = &res->value_ranges.ranges[0];
	for (i = 0; vr->nrows > 0 && i < 2 && i < vr->rows[0].ncells; i++)
		snprintf(c->cell[i], sizeof(c->cell[i]), "%s",
		    vr->rows[0].cells[i]);
}

static void
wait_call(struct poll_loop *pl, struct sheets_client *sc, struct call *c)
{
	uint64_t	end = harness_now_ms() + 10000;

	while (!c->done && harness_now_ms() < end) {
		poll_loop_run_once(pl, IO_LOOP_TICK_MS);
		sheets_client_tick(sc, harness_now_ms());
	}
	assert_true(c->done);
	if (c->class != SHEETS_OK)
		fail_msg("call failed: %s", c->error);
}

static void
read_row(struct poll_loop *pl, struct sheets_client *sc, unsigned int row,
    struct call *c)
{
	char		 range[64], err[160];
	const char	*ranges[] = { range };

	snprintf(range, sizeof(range), "'Metadata'!A%u:B%u", row, row);
	memset(c, 0, sizeof(*c));
	if (sheets_batch_get(sc, ranges, 1, SHEETS_RENDER_FORMATTED, 10000,
	    call_done, c, err, sizeof(err)) == 0)
		fail_msg("batch_get: %s", err);
	wait_call(pl, sc, c);
}

static void
test_append_read_update(void **state)
{
	const struct sheets_cell	 cells[] = {
		{ SHEETS_CELL_TEXT, "adapter-test-row", 0, 0 },
		{ SHEETS_CELL_TEXT, "appended", 0, 0 },
	};
	const struct sheets_cell	 edit[] = {
		{ SHEETS_CELL_TEXT, "updated", 0, 0 },
	};
	const struct sheets_row		 row = { cells, 2 }, edit_row = {
					    edit, 1 };
	const struct sheets_range_data	 app = { "'Metadata'!A1:K1", &row,
					    1 };
	struct sheets_range_data	 upd = { NULL, &edit_row, 1 };
	struct emu			 emu;
	struct poll_loop		*pl;
	struct sheets_client		*sc;
	struct call			 c;
	char				 err[160], range[64];
	unsigned int			 at;

	(void)state;
	assert_int_equal(emu_start(&emu, 20, 10, NULL), 0);
	pl = poll_loop_new();
	assert_non_null(sc = emu_client(&emu, poll_loop_io(pl)));

	memset(&c, 0, sizeof(c));
	assert_int_not_equal(sheets_append(sc, SHEETS_INPUT_USER_ENTERED,
	    &app, 10000, call_done, &c, err, sizeof(err)), 0);
	wait_call(pl, sc, &c);
	at = c.first_row;
	assert_true(at >= 2);
	assert_int_equal(c.last_row, at);
	read_row(pl, sc, at, &c);
	assert_string_equal(c.cell[0], "adapter-test-row");
	assert_string_equal(c.cell[1], "appended");

	snprintf(range, sizeof(range), "'Metadata'!B%u", at);
	upd.range = range;
	memset(&c, 0, sizeof(c));
	assert_int_not_equal(sheets_batch_update(sc, SHEETS_INPUT_USER_ENTERED,
	    &upd, 1, 10000, call_done, &c, err, sizeof(err)), 0);
	wait_call(pl, sc, &c);
	assert_int_equal(c.updated_cells, 1);
	read_row(pl, sc, at, &c);
	assert_string_equal(c.cell[0], "adapter-test-row");
	assert_string_equal(c.cell[1], "updated");

	sheets_client_free(sc);
	poll_loop_free(pl);
	assert_int_equal(emu_stop(&emu), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_append_read_update),
	};

	return (cmocka_run_group_tests_name("sheets_adapter", tests, NULL,
	    NULL));
}
