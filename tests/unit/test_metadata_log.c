/*
 * Unit tests for lib/floor/metadata_log.c: the ranges each read asks for, rows
 * indexed by tag, a row read twice kept once, rows landing out of order
 * around an empty reserved row, an empty row given up after gap_ms, and a
 * header without TAG_SPOOL refused without change.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "metadata_log.h"
#include "nelem.h"
#include "sheets_codec.h"

#define GAP_MS		60000

static char *hdr_cells[] = {
	"ID", "Timestamp", "Evento_Tipo", "TAG_SPOOL", "Worker_ID",
	"Worker_Nombre", "Operacion", "Accion",
};
static char *take_t1[] = {
	"a1", "01-02-2026 08:00:00", "TOMAR_SPOOL", "T1", "93", "MR(93)",
	"ARM", "TOMAR",
};
static char *take_t2[] = {
	"a2", "01-02-2026 08:30:00", "TOMAR_SPOOL", "T2", "7", "AN(7)",
	"ARM", "TOMAR",
};
static char *pause_t1[] = {
	"a3", "01-02-2026 09:00:00", "PAUSAR_SPOOL", "T1", "93", "MR(93)",
	"ARM", "PAUSAR",
};
static char *sold_t1[] = {
	"a4", "01-02-2026 10:00:00", "TOMAR_SPOOL", "T1", "5", "JP(5)",
	"SOLD", "TOMAR",
};

#define ROW(cells)	{ cells, NELEM(cells) }
#define EMPTY		{ NULL, 0 }

static struct sheets_value_row	header_row[] = { ROW(hdr_cells) };
static struct sheets_value_range header = { NULL, header_row, 1 };

/* A read of the log's ranges that brought rows (from the asked row). */
static int
read_in(struct metadata_log *ml, struct sheets_value_row *rows, size_t n,
    uint64_t now, char *tail_range, size_t len)
{
	struct sheets_value_range	 tail = { NULL, rows, n };
	const char			*h, *t;

	assert_int_equal(metadata_log_ranges(ml, &h, &t), 0);
	assert_string_equal(h, "'Metadata'!A1:K1");
	snprintf(tail_range, len, "%s", t);
	return (metadata_log_ingest(ml, &header, &tail, now));
}

static size_t
sessions_of(const struct metadata_log *ml, const char *tag)
{
	struct history	h;
	size_t		n;

	assert_int_equal(metadata_log_history(ml, tag, &h), 0);
	n = h.nsessions;
	history_free(&h);
	return (n);
}

static void
test_reads_resume_and_dedupe(void **state)
{
	struct metadata_log	*ml;
	char			 range[64];
	/* Rows 2..5; row 4 is reserved but not written yet. */
	struct sheets_value_row	 first[] = {
		ROW(take_t1), ROW(take_t2), EMPTY, ROW(pause_t1),
	};
	/* From row 4: 4 is now written, 5 comes again, 6 is new. */
	struct sheets_value_row	 second[] = {
		ROW(take_t2), ROW(pause_t1), ROW(sold_t1),
	};

	(void)state;
	assert_non_null(ml = metadata_log_new("Metadata", GAP_MS));
	assert_false(metadata_log_loaded(ml));
	assert_int_equal(read_in(ml, first, NELEM(first), 0, range,
	    sizeof(range)), 0);
	assert_string_equal(range, "'Metadata'!A2:K");
	assert_true(metadata_log_loaded(ml));
	assert_int_equal(metadata_log_rows(ml), 3);
	assert_int_equal(metadata_log_next_row(ml), 4);	/* the gap */
	assert_int_equal(sessions_of(ml, "T1"), 1);
	assert_int_equal(sessions_of(ml, " T1 "), 1);	/* trimmed */
	assert_int_equal(sessions_of(ml, "T3"), 0);

	assert_int_equal(read_in(ml, second, NELEM(second), 1000, range,
	    sizeof(range)), 0);
	assert_string_equal(range, "'Metadata'!A4:K");
	assert_int_equal(metadata_log_rows(ml), 5);	/* row 5 once */
	assert_int_equal(metadata_log_next_row(ml), 7);
	assert_int_equal(sessions_of(ml, "T1"), 2);
	assert_int_equal(sessions_of(ml, "T2"), 1);
	metadata_log_free(ml);
}

static void
test_empty_row_given_up_after_gap(void **state)
{
	struct metadata_log	*ml;
	char			 range[64];
	/* Row 2 stays empty (its batch failed); row 3 is written. */
	struct sheets_value_row	 rows[] = { EMPTY, ROW(take_t1) };

	(void)state;
	assert_non_null(ml = metadata_log_new("Metadata", GAP_MS));
	assert_int_equal(read_in(ml, rows, NELEM(rows), 5000, range,
	    sizeof(range)), 0);
	assert_int_equal(metadata_log_next_row(ml), 2);
	assert_int_equal(read_in(ml, rows, NELEM(rows), 5000 + GAP_MS - 1,
	    range, sizeof(range)), 0);
	assert_string_equal(range, "'Metadata'!A2:K");
	assert_int_equal(metadata_log_next_row(ml), 2);
	assert_int_equal(metadata_log_rows(ml), 1);
	assert_int_equal(read_in(ml, rows, NELEM(rows), 5000 + GAP_MS,
	    range, sizeof(range)), 0);
	assert_int_equal(metadata_log_next_row(ml), 4);
	assert_int_equal(metadata_log_rows(ml), 1);
	metadata_log_free(ml);
}

static void
test_header_without_tag_refused(void **state)
{
	static char		*bad_cells[] = { "ID", "Timestamp", "Accion" };
	struct sheets_value_row	 bad_row[] = { ROW(bad_cells) };
	struct sheets_value_range bad = { NULL, bad_row, 1 };
	struct sheets_value_row	 rows[] = { ROW(take_t1) };
	struct sheets_value_range tail = { NULL, rows, 1 };
	struct metadata_log	*ml;
	const char		*h, *t;

	(void)state;
	assert_non_null(ml = metadata_log_new("Metadata", GAP_MS));
	assert_int_equal(metadata_log_ranges(ml, &h, &t), 0);
	assert_int_equal(metadata_log_ingest(ml, &bad, &tail, 0), -1);
	assert_false(metadata_log_loaded(ml));
	assert_int_equal(metadata_log_rows(ml), 0);
	assert_int_equal(metadata_log_next_row(ml), 2);
	metadata_log_free(ml);

	assert_null(metadata_log_new("", GAP_MS));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reads_resume_and_dedupe),
		cmocka_unit_test(test_empty_row_given_up_after_gap),
		cmocka_unit_test(test_header_without_tag_refused),
	};
	char	err[128];

	if (zone_init(NULL, err, sizeof(err)) == -1)
		return (1);
	return (cmocka_run_group_tests_name("metadata_log", tests, NULL,
	    NULL));
}
