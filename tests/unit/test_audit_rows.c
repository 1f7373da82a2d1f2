/*
 * Unit tests for lib/sheets/audit_rows.c: the counter's key and what a
 * reservation's reply means.  The script itself runs against a real Redis
 * in tests/integration/test_group_commit.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "audit_rows.h"

static void
test_key(void **state)
{
	char	key[AUDIT_ROWS_KEY_SIZE], id[AUDIT_ROWS_ID_MAX + 1];
	char	sheet[A1_SHEET_NAME_SIZE];

	(void)state;
	assert_int_equal(audit_rows_key(key, sizeof(key), "1AbC",
	    "Metadata"), 0);
	assert_string_equal(key, "zeues:metadata_rows:1AbC:Metadata");
	/* The longest id and sheet name fit. */
	memset(id, 'i', sizeof(id) - 1);
	id[sizeof(id) - 1] = '\0';
	memset(sheet, 's', sizeof(sheet) - 1);
	sheet[sizeof(sheet) - 1] = '\0';
	assert_int_equal(audit_rows_key(key, sizeof(key), id, sheet), 0);
	assert_int_equal(audit_rows_key(key, 20, "1AbC", "Metadata"), -1);
}

static enum audit_rows_answer
reserved(int type, long long integer, unsigned int n, unsigned int *first,
    long long *last)
{
	redisReply	r;

	memset(&r, 0, sizeof(r));
	r.type = type;
	r.integer = integer;
	return (audit_rows_reserved(&r, n, first, last));
}

static void
test_reserved(void **state)
{
	unsigned int	first = 0;
	long long	last = 0;

	(void)state;
	/* Rows 8..10 of a counter that was at 7. */
	assert_int_equal(reserved(REDIS_REPLY_INTEGER, 10, 3, &first, &last),
	    AUDIT_ROWS_RESERVED);
	assert_int_equal(first, 8);
	assert_int_equal(last, 10);
	assert_int_equal(reserved(REDIS_REPLY_INTEGER, A1_MAX_ROW, 1, &first,
	    &last), AUDIT_ROWS_RESERVED);
	assert_int_equal(first, A1_MAX_ROW);
	/* The script's -1: no counter (a flushed Redis). */
	assert_int_equal(reserved(REDIS_REPLY_INTEGER, -1, 3, &first, &last),
	    AUDIT_ROWS_NOT_STARTED);
	/* Past the grid, or fewer rows than were asked: tampered with. */
	assert_int_equal(reserved(REDIS_REPLY_INTEGER, A1_MAX_ROW + 1LL, 1,
	    &first, &last), AUDIT_ROWS_OUT_OF_RANGE);
	assert_int_equal(last, A1_MAX_ROW + 1LL);
	assert_int_equal(reserved(REDIS_REPLY_INTEGER, 2, 3, &first, &last),
	    AUDIT_ROWS_OUT_OF_RANGE);
	assert_int_equal(reserved(REDIS_REPLY_STATUS, 0, 1, &first, &last),
	    AUDIT_ROWS_BAD_REPLY);
	assert_int_equal(reserved(REDIS_REPLY_NIL, 0, 1, &first, &last),
	    AUDIT_ROWS_BAD_REPLY);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_key),
		cmocka_unit_test(test_reserved),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
