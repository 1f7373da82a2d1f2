/*
 * The shared Sheets health verdict: never checked, healthy, failed with
 * the error, too old to count, and an error that fits its field.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "sheets_probe.h"

static void
test_verdicts(void **state)
{
	struct sheets_probe	p;
	char			why[SHEETS_PROBE_ERR_MAX];

	(void)state;
	memset(&p, 0, sizeof(p));
	assert_int_equal(sheets_probe_verdict(&p, 1000, 5000, why,
	    sizeof(why)), 0);
	assert_string_equal(why, "Sheets not checked yet");

	sheets_probe_record(&p, 1000, 1, 12, NULL, NULL);
	assert_int_equal(sheets_probe_verdict(&p, 2000, 5000, why,
	    sizeof(why)), 1);
	assert_string_equal(why, "");
	assert_int_equal(p.seq % 2, 0);

	/* Older than max_age: the prober stopped; that proves nothing. */
	assert_int_equal(sheets_probe_verdict(&p, 7001, 5000, why,
	    sizeof(why)), 0);
	assert_string_equal(why, "no Sheets check for 6 s");

	sheets_probe_record(&p, 8000, 0, 3, "connect refused", NULL);
	assert_int_equal(sheets_probe_verdict(&p, 8100, 5000, why,
	    sizeof(why)), 0);
	assert_string_equal(why, "connect refused");
	assert_int_equal(p.probes_total, 2);
	assert_int_equal(p.failures_total, 1);

	sheets_probe_record(&p, 9000, 1, 3, "ignored when ok", NULL);
	assert_int_equal(sheets_probe_verdict(&p, 9100, 5000, why,
	    sizeof(why)), 1);
}

static void
test_long_error_truncated(void **state)
{
	struct sheets_probe	p;
	char			err[400], why[SHEETS_PROBE_ERR_MAX];

	(void)state;
	memset(&p, 0, sizeof(p));
	memset(err, 'x', sizeof(err) - 1);
	err[sizeof(err) - 1] = '\0';
	sheets_probe_record(&p, 10, 0, 0, err, NULL);
	assert_int_equal(sheets_probe_verdict(&p, 10, 100, why, sizeof(why)),
	    0);
	assert_int_equal(strlen(why), SHEETS_PROBE_ERR_MAX - 1);
}

/* One change per outage and one per recovery, however many probes. */
static void
test_changes_once_per_outage(void **state)
{
	struct sheets_probe	p;
	uint64_t		down = 0;

	(void)state;
	memset(&p, 0, sizeof(p));
	assert_int_equal(sheets_probe_record(&p, 1000, 1, 5, NULL, &down),
	    SHEETS_PROBE_SAME);
	assert_int_equal(sheets_probe_record(&p, 2000, 0, 5, "refused",
	    &down), SHEETS_PROBE_WENT_DOWN);
	assert_int_equal(sheets_probe_record(&p, 3000, 0, 5, "refused",
	    &down), SHEETS_PROBE_SAME);
	assert_int_equal(sheets_probe_record(&p, 4000, 0, 5, "HTTP 503",
	    &down), SHEETS_PROBE_SAME);
	assert_int_equal(sheets_probe_record(&p, 9500, 1, 5, NULL, &down),
	    SHEETS_PROBE_CAME_BACK);
	assert_int_equal(down, 7500);
	assert_int_equal(sheets_probe_record(&p, 10500, 1, 5, NULL, &down),
	    SHEETS_PROBE_SAME);

	/* A first check that fails is an outage too. */
	memset(&p, 0, sizeof(p));
	assert_int_equal(sheets_probe_record(&p, 0, 0, 5, "refused", NULL),
	    SHEETS_PROBE_WENT_DOWN);
	assert_int_equal(sheets_probe_record(&p, 10, 1, 5, NULL, NULL),
	    SHEETS_PROBE_CAME_BACK);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_long_error_truncated),
		cmocka_unit_test(test_changes_once_per_outage),
	};

	return (cmocka_run_group_tests_name("sheets_probe", tests, NULL,
	    NULL));
}
