/*
 * Unit tests for lib/sheets/cache_snapshot.c: what one worker's refresh
 * writes, another worker adopts unchanged, bad bytes from Sheets included.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cache_snapshot.h"

static const struct sheets_limits	limits = SHEETS_LIMITS_DEFAULT_INIT;

/*
 * A reply with a cell that is not UTF-8 and a range as long as a range
 * may be: decoded, encoded and decoded again, it reads the same.
 */
static void
test_round_trip(void **state)
{
	struct sheets_value_ranges	 first, again;
	struct cache_snapshot_part	 part;
	char				*reply, *bytes, err[128];
	size_t				 n, len, i;

	(void)state;
	n = SHEETS_RANGE_MAX_BYTES;
	reply = malloc(n + 128);
	assert_non_null(reply);
	len = (size_t)snprintf(reply, n + 128, "{\"valueRanges\":[{\"range\":"
	    "\"%*s\",\"values\":[[\"TAG\",\"x\"],[\"MK-\xc0\x87\",\"\"]]}]}",
	    (int)n, "S!A1");
	if (cache_snapshot_decode(reply, len, &limits, &first, err,
	    sizeof(err)) == -1)
		fail_msg("%s", err);
	assert_int_equal(strlen(first.ranges[0].range), n);

	part.range = first.ranges[0].range;
	part.rows = first.ranges[0].rows;
	part.nrows = first.ranges[0].nrows;
	bytes = cache_snapshot_encode(&part, 1, SIZE_MAX, &len);
	assert_non_null(bytes);
	if (cache_snapshot_decode(bytes, len, &limits, &again, err,
	    sizeof(err)) == -1)
		fail_msg("%s", err);
	assert_int_equal(again.nranges, 1);
	assert_string_equal(again.ranges[0].range, first.ranges[0].range);
	assert_int_equal(again.ranges[0].nrows, 2);
	for (i = 0; i < 2; i++) {
		assert_int_equal(again.ranges[0].rows[i].ncells, 2);
		assert_string_equal(again.ranges[0].rows[i].cells[0],
		    first.ranges[0].rows[i].cells[0]);
		assert_string_equal(again.ranges[0].rows[i].cells[1],
		    first.ranges[0].rows[i].cells[1]);
	}
	assert_string_equal(again.ranges[0].rows[1].cells[0],
	    "MK-\xef\xbf\xbd\xef\xbf\xbd");

	sheets_value_ranges_free(&again);
	sheets_value_ranges_free(&first);
	free(bytes);
	free(reply);
}

/* Bytes from Redis are refused as a Sheets reply would be. */
#define BAD_RANGE	"{\"valueRanges\":[{\"range\":\"S\xc0\x87\"}]}"
static void
test_refuses(void **state)
{
	struct sheets_value_ranges	vrs;
	char				err[128];

	(void)state;
	assert_int_equal(cache_snapshot_decode(BAD_RANGE,
	    sizeof(BAD_RANGE) - 1, &limits, &vrs, err, sizeof(err)), -1);
	assert_int_equal(vrs.nranges, 0);
	assert_non_null(strstr(err, "not UTF-8"));
	assert_int_equal(cache_snapshot_decode("{\"valueRanges\":", 15,
	    &limits, &vrs, err, sizeof(err)), -1);
	assert_int_equal(vrs.nranges, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_refuses),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
