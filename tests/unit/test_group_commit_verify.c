/*
 * Unit tests for lib/sheets/group_commit_verify.c: which ranges the group
 * commit reads to verify a batch, and what it concludes from the cells
 * that come back.  Header rows and read-backs are parsed from batchGet
 * bodies, as the group commit gets them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "group_commit_verify.h"

static const struct sheets_limits	limits = SHEETS_LIMITS_DEFAULT_INIT;

static void
parse(const char *body, struct sheets_value_ranges *vrs)
{
	char	err[128];

	if (sheets_parse_batch_get(body, strlen(body), &limits, vrs, err,
	    sizeof(err)) == -1)
		fail_msg("%s", err);
}

/* A sheet whose header row has been read: TAG_SPOOL in C, version in E. */
static void
sheet_read(struct gc_sheet *sh, const char *name)
{
	struct sheets_value_ranges	vrs;

	memset(sh, 0, sizeof(*sh));
	sh->name = (char *)name;
	parse("{\"valueRanges\":[{\"range\":\"x!1:1\",\"values\":"
	    "[[\"OT\",\"NV\",\"TAG_SPOOL\",\"Estado\",\"version\"]]}]}",
	    &vrs);
	assert_non_null(sh->hdr = sheet_table_new(&vrs.ranges[0]));
	sheets_value_ranges_free(&vrs);
}

static void
assert_range(const struct gc_plan *plan, size_t i, enum gc_plan_kind kind,
    const char *a1)
{
	assert_true(i < plan->n);
	assert_int_equal(plan->ranges[i].kind, kind);
	assert_string_equal(plan->ranges[i].a1, a1);
}

static void
test_verdicts(void **state)
{
	static const struct {
		const char	*key, *version, *expected;
		int		 maybe;
		enum gc_verdict	 verdict;
	} c[] = {
		{ "MK-1", "v1", "v1", 0, GC_VERDICT_WRITE },
		/* Spaces around the key cell do not matter; inside they do. */
		{ " \tMK-1 ", "v1", "v1", 0, GC_VERDICT_WRITE },
		{ "MK -1", "v1", "v1", 0, GC_VERDICT_NOT_KEY },
		{ "", "", "", 0, GC_VERDICT_NOT_KEY },
		/* No version is as expected when none is expected. */
		{ "MK-1", "", "", 0, GC_VERDICT_WRITE },
		{ "MK-1", "v0", "v1", 0, GC_VERDICT_STALE },
		/* Our new version: written, if a write of ours may have. */
		{ "MK-1", "v2", "v1", 1, GC_VERDICT_LANDED },
		{ "MK-1", "v2", "v1", 0, GC_VERDICT_STALE },
		{ "MK-1", "v1", "v1", 1, GC_VERDICT_WRITE },
		/* The key is checked first. */
		{ "MK-2", "v2", "v1", 1, GC_VERDICT_NOT_KEY },
	};
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		if (gc_verify_row(c[i].key, c[i].version, "MK-1",
		    c[i].expected, "v2", c[i].maybe) != c[i].verdict)
			fail_msg("case %zu: verdict %d", i, (int)gc_verify_row(
			    c[i].key, c[i].version, "MK-1", c[i].expected,
			    "v2", c[i].maybe));
	}
}

/* Before its header is known, a sheet's plan is its header row alone. */
static void
test_plan_header_first(void **state)
{
	struct gc_sheet		sh = { .name = "Operaciones" };
	struct gc_target	t[] = { { &sh, 5, NULL }, { &sh, 9, NULL } };
	struct gc_plan		plan = { 0 };
	char			err[128];

	(void)state;
	assert_int_equal(gc_plan_build(&plan, 8, t, 2, "TAG_SPOOL",
	    "version", err, sizeof(err)), 0);
	assert_int_equal(plan.n, 1);
	assert_range(&plan, 0, GC_PLAN_HEADER, "'Operaciones'!1:1");
	assert_false(gc_plan_reads(&plan, &sh, 2, 5));
	gc_plan_free(&plan);
}

/* Nearby rows are read as one span, far ones apart, per sheet. */
static void
test_plan_spans(void **state)
{
	struct gc_sheet		a, b;
	struct gc_target	t[] = {
		{ &a, 40, NULL }, { &a, 5, NULL }, { &b, 7, NULL },
		{ &a, 37, NULL }, { &a, 100, NULL },
	};
	struct gc_plan		plan = { 0 };
	char			err[128];

	(void)state;
	sheet_read(&a, "Operaciones");
	sheet_read(&b, "Otra");
	assert_int_equal(gc_plan_build(&plan, 16, t, 5, "TAG_SPOOL",
	    "version", err, sizeof(err)), 0);
	assert_int_equal(plan.n, 8);
	assert_range(&plan, 0, GC_PLAN_HEADER, "'Operaciones'!1:1");
	assert_range(&plan, 1, GC_PLAN_KEYS, "'Operaciones'!C5:C40");
	assert_range(&plan, 2, GC_PLAN_VERSIONS, "'Operaciones'!E5:E40");
	assert_range(&plan, 3, GC_PLAN_KEYS, "'Operaciones'!C100");
	assert_range(&plan, 4, GC_PLAN_VERSIONS, "'Operaciones'!E100");
	assert_range(&plan, 5, GC_PLAN_HEADER, "'Otra'!1:1");
	assert_range(&plan, 6, GC_PLAN_KEYS, "'Otra'!C7");
	assert_range(&plan, 7, GC_PLAN_VERSIONS, "'Otra'!E7");
	assert_true(gc_plan_reads(&plan, &a, 2, 37));
	assert_true(gc_plan_reads(&plan, &a, 4, 100));
	assert_false(gc_plan_reads(&plan, &a, 2, 41));
	assert_false(gc_plan_reads(&plan, &a, 3, 40));

	/* Too many ranges: one span per sheet; fewer still: an error. */
	assert_int_equal(gc_plan_build(&plan, 6, t, 5, "TAG_SPOOL",
	    "version", err, sizeof(err)), 0);
	assert_int_equal(plan.n, 6);
	assert_range(&plan, 1, GC_PLAN_KEYS, "'Operaciones'!C5:C100");
	assert_range(&plan, 2, GC_PLAN_VERSIONS, "'Operaciones'!E5:E100");
	assert_int_equal(gc_plan_build(&plan, 5, t, 5, "TAG_SPOOL",
	    "version", err, sizeof(err)), -1);
	assert_string_equal(err, "verification needs more than 5 ranges");

	/* A sheet without the version column: its header row only. */
	assert_int_equal(gc_plan_build(&plan, 16, t, 5, "TAG_SPOOL",
	    "revision", err, sizeof(err)), 0);
	assert_int_equal(plan.n, 2);
	assert_range(&plan, 1, GC_PLAN_HEADER, "'Otra'!1:1");
	gc_plan_free(&plan);
	sheet_table_free(a.hdr);
	sheet_table_free(b.hdr);
}

/*
 * Other rows of changes are read by their own key column only, after the
 * changes' rows of their sheet, in runs like theirs; a key column the
 * header does not name is not read (the change fails on it).
 */
static void
test_plan_other_rows(void **state)
{
	struct gc_sheet		a, u;
	struct gc_target	t[] = {
		{ &a, 5, NULL }, { &u, 300, "NV" }, { &u, 301, "NV" },
		{ &a, 9, "OT" }, { &u, 900, "NV" }, { &u, 302, "TAG_SPOOL" },
		{ &u, 303, "Nada" },
	};
	struct gc_plan		plan = { 0 };
	char			err[128];

	(void)state;
	sheet_read(&a, "Operaciones");
	sheet_read(&u, "Uniones");
	assert_int_equal(gc_plan_build(&plan, 16, t, 7, "TAG_SPOOL",
	    "version", err, sizeof(err)), 0);
	assert_int_equal(plan.n, 8);
	assert_range(&plan, 0, GC_PLAN_HEADER, "'Operaciones'!1:1");
	assert_range(&plan, 1, GC_PLAN_KEYS, "'Operaciones'!C5");
	assert_range(&plan, 2, GC_PLAN_VERSIONS, "'Operaciones'!E5");
	assert_range(&plan, 3, GC_PLAN_KEYS, "'Operaciones'!A9");
	assert_range(&plan, 4, GC_PLAN_HEADER, "'Uniones'!1:1");
	assert_range(&plan, 5, GC_PLAN_KEYS, "'Uniones'!B300:B301");
	assert_range(&plan, 6, GC_PLAN_KEYS, "'Uniones'!B900");
	assert_range(&plan, 7, GC_PLAN_KEYS, "'Uniones'!C302");
	assert_true(gc_plan_reads(&plan, &u, 1, 301));
	assert_false(gc_plan_reads(&plan, &u, 2, 301));
	assert_false(gc_plan_reads(&plan, &u, 4, 300));

	/* Too many: one run per sheet and column. */
	assert_int_equal(gc_plan_build(&plan, 7, t, 7, "TAG_SPOOL",
	    "version", err, sizeof(err)), 0);
	assert_int_equal(plan.n, 7);
	assert_range(&plan, 5, GC_PLAN_KEYS, "'Uniones'!B300:B900");
	assert_range(&plan, 6, GC_PLAN_KEYS, "'Uniones'!C302");
	gc_plan_free(&plan);
	sheet_table_free(a.hdr);
	sheet_table_free(u.hdr);
}

/* The cells of the read-back are found by sheet, column and row. */
static void
test_plan_cells(void **state)
{
	struct gc_sheet			a;
	struct gc_target		t[] = {
		{ &a, 5, NULL }, { &a, 7, NULL },
	};
	struct gc_plan			plan = { 0 };
	struct sheets_value_ranges	vrs;
	char				err[128];

	(void)state;
	sheet_read(&a, "Operaciones");
	assert_int_equal(gc_plan_build(&plan, 8, t, 2, "TAG_SPOOL",
	    "version", err, sizeof(err)), 0);
	assert_int_equal(plan.n, 3);
	/* Row 6 is empty, row 7 has no version: the API leaves them out. */
	parse("{\"valueRanges\":["
	    "{\"range\":\"Operaciones!A1:E1\",\"values\":[[\"OT\"]]},"
	    "{\"range\":\"Operaciones!C5:C7\",\"values\":"
	    "[[\"MK-5\"],[],[\"MK-7\"]]},"
	    "{\"range\":\"Operaciones!E5:E7\",\"values\":[[\"v5\"]]}]}",
	    &vrs);
	assert_string_equal(gc_plan_cell(&plan, &vrs, &a, 2, 5),
	    "MK-5");
	assert_string_equal(gc_plan_cell(&plan, &vrs, &a, 2, 6),
	    "");
	assert_string_equal(gc_plan_cell(&plan, &vrs, &a, 2, 7),
	    "MK-7");
	assert_string_equal(gc_plan_cell(&plan, &vrs, &a, 4, 5), "v5");
	assert_string_equal(gc_plan_cell(&plan, &vrs, &a, 4, 7), "");
	/* Rows the plan did not read. */
	assert_string_equal(gc_plan_cell(&plan, &vrs, &a, 2, 8),
	    "");
	sheets_value_ranges_free(&vrs);
	gc_plan_free(&plan);
	sheet_table_free(a.hdr);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_plan_header_first),
		cmocka_unit_test(test_plan_spans),
		cmocka_unit_test(test_plan_other_rows),
		cmocka_unit_test(test_plan_cells),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
