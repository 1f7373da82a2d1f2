/*
 * Unit tests for lib/base/sheet_dates.c: every spelling Sheets may hand back,
 * impossible dates refused, the strict API date, the written formats, the
 * calendar arithmetic against a day-by-day walk, and local time in
 * America/Santiago (summer -03:00, winter -04:00, the April and
 * September changes) with the zone set once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "nelem.h"
#include "sheet_dates.h"

static void
assert_civil(const struct civil_time *t, int y, int mo, int d, int h,
    int mi, int s, int has_time)
{
	if (t->year != y || t->month != mo || t->day != d || t->hour != h ||
	    t->min != mi || t->sec != s || t->has_time != has_time)
		fail_msg("got %04d-%02d-%02d %02d:%02d:%02d (%d), want "
		    "%04d-%02d-%02d %02d:%02d:%02d (%d)", t->year, t->month,
		    t->day, t->hour, t->min, t->sec, t->has_time, y, mo, d, h,
		    mi, s, has_time);
}

static void
test_parse_tolerant(void **state)
{
	static const struct {
		const char	*in;
		int		 y, mo, d, h, mi, s, has_time;
	} cases[] = {
		{ "2026-02-02", 2026, 2, 2, 0, 0, 0, 0 },
		{ "02/02/2026", 2026, 2, 2, 0, 0, 0, 0 },
		{ "02-02-2026", 2026, 2, 2, 0, 0, 0, 0 },
		{ "2/3/2026", 2026, 3, 2, 0, 0, 0, 0 },		/* D/M */
		{ "31-12-2025", 2025, 12, 31, 0, 0, 0, 0 },
		{ "29-02-2024", 2024, 2, 29, 0, 0, 0, 0 },	/* leap */
		{ "29/02/2000", 2000, 2, 29, 0, 0, 0, 0 },	/* 400 rule */
		{ "02-02-2026 08:53:45", 2026, 2, 2, 8, 53, 45, 1 },
		{ "02/02/2026 8:53", 2026, 2, 2, 8, 53, 0, 1 },
		{ "2026-02-02 23:59:59", 2026, 2, 2, 23, 59, 59, 1 },
		{ "2026-02-02T08:53:45", 2026, 2, 2, 8, 53, 45, 1 },
		{ "02-02-2026  00:00", 2026, 2, 2, 0, 0, 0, 1 },
		{ "  02-02-2026\t", 2026, 2, 2, 0, 0, 0, 0 },
		/* Serial numbers, read UNFORMATTED. */
		{ "46055", 2026, 2, 2, 0, 0, 0, 0 },
		{ "46055.5", 2026, 2, 2, 12, 0, 0, 1 },
		{ "46055.370659722", 2026, 2, 2, 8, 53, 45, 1 },
		{ "46055.0", 2026, 2, 2, 0, 0, 0, 1 },
		{ "46055.9999999", 2026, 2, 3, 0, 0, 0, 1 },	/* rounds up */
		{ "1", 1899, 12, 31, 0, 0, 0, 0 },
		{ "60", 1900, 2, 28, 0, 0, 0, 0 },	/* no 29-02-1900 */
		{ "61", 1900, 3, 1, 0, 0, 0, 0 },
		{ "2958465", 9999, 12, 31, 0, 0, 0, 0 },
	};
	struct civil_time	t;
	size_t			i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		if (sheet_date_parse(cases[i].in, &t) == -1)
			fail_msg("'%s' refused", cases[i].in);
		assert_civil(&t, cases[i].y, cases[i].mo, cases[i].d,
		    cases[i].h, cases[i].mi, cases[i].s, cases[i].has_time);
	}
}

static void
test_parse_refused(void **state)
{
	static const char *const bad[] = {
		"31-02-2026", "29-02-2025", "29-02-1900", "31/04/2026",
		"00-01-2026", "01-00-2026", "01-13-2026", "32-01-2026",
		"2026-02-30", "2026-13-01", "2026-00-10",
		"02-02-2026 24:00", "02-02-2026 08:60", "02-02-2026 08:59:60",
		"02-02-2026 08", "02-02-2026 08:5", "02-02-2026 08:53:45:00",
		"02-02-2026 123:00", "02-02-26", "2026/02/02", "02-02/2026",
		"02.02.2026", "2026-02-02x", "2026-02-02 08:53 PM",
		"", "   ", "abc", "-5", "+5", "0", "1.2.3", "46055.",
		".5", "2958466", "99999999", "1e5", "46055,5",
		"２-02-2026",		/* full-width digit */
	};
	struct civil_time	t;
	size_t			i;

	(void)state;
	for (i = 0; i < NELEM(bad); i++) {
		if (sheet_date_parse(bad[i], &t) == 0)
			fail_msg("'%s' accepted", bad[i]);
	}
}

static void
test_api_date_strict(void **state)
{
	static const char *const bad[] = {
		"2026-2-2", "02-02-2026", "2026-02-30", "2026-02-02 ",
		" 2026-02-02", "2026-02-02T00:00:00", "+2026-02-02",
		"20260202", "2026-02", "", "46055", "2026-02-0a",
	};
	struct civil_time	t;
	size_t			i;

	(void)state;
	assert_int_equal(api_date_parse("2026-02-02", &t), 0);
	assert_civil(&t, 2026, 2, 2, 0, 0, 0, 0);
	assert_int_equal(api_date_parse("2024-02-29", &t), 0);
	for (i = 0; i < NELEM(bad); i++) {
		if (api_date_parse(bad[i], &t) == 0)
			fail_msg("'%s' accepted", bad[i]);
	}
}

static void
test_formats(void **state)
{
	struct civil_time	t = { 2026, 2, 2, 8, 5, 9, 1 };
	struct zoned_time	z;
	char			d[SHEET_DATE_LEN], ts[SHEET_TIMESTAMP_LEN];
	char			a[API_DATE_LEN], iso[ISO_TIMESTAMP_LEN];

	(void)state;
	sheet_date_format(&t, d);
	assert_string_equal(d, "02-02-2026");
	sheet_timestamp_format(&t, ts);
	assert_string_equal(ts, "02-02-2026 08:05:09");
	api_date_format(&t, a);
	assert_string_equal(a, "2026-02-02");

	z.local = t;
	z.utc_offset = -3 * 3600;
	iso_timestamp_format(&z, iso);
	assert_string_equal(iso, "2026-02-02T08:05:09-03:00");
	z.utc_offset = 5 * 3600 + 30 * 60;
	iso_timestamp_format(&z, iso);
	assert_string_equal(iso, "2026-02-02T08:05:09+05:30");
	z.utc_offset = 0;
	iso_timestamp_format(&z, iso);
	assert_string_equal(iso, "2026-02-02T08:05:09+00:00");

	/* What is written reads back the same. */
	assert_int_equal(sheet_date_parse(ts, &z.local), 0);
	assert_int_equal(civil_compare(&z.local, &t), 0);
}

static void
test_calendar(void **state)
{
	struct civil_time	a = { 2026, 2, 2, 8, 0, 0, 1 };
	struct civil_time	b = a;
	long long		days;
	int			y = 1899, m = 12, d = 30, yy, mm, dd;

	(void)state;
	assert_int_equal(civil_to_days(1970, 1, 1), 0);
	assert_int_equal(civil_to_days(2000, 3, 1), 11017);
	assert_int_equal(civil_to_days(1969, 12, 31), -1);
	/* A day-by-day walk to 2101 agrees with the closed forms. */
	for (days = civil_to_days(1899, 12, 30);
	    days < civil_to_days(2101, 1, 1); days++) {
		assert_int_equal(civil_to_days(y, m, d), days);
		civil_from_days(days, &yy, &mm, &dd);
		assert_int_equal(yy, y);
		assert_int_equal(mm, m);
		assert_int_equal(dd, d);
		if (++d > civil_days_in_month(y, m)) {
			d = 1;
			if (++m > 12) {
				m = 1;
				y++;
			}
		}
	}
	assert_int_equal(civil_days_in_month(2100, 2), 28);
	assert_int_equal(civil_days_in_month(2000, 2), 29);
	assert_int_equal(civil_days_in_month(2026, 13), 0);

	assert_int_equal(civil_compare(&a, &b), 0);
	b.sec = 1;
	assert_int_equal(civil_compare(&a, &b), -1);
	assert_int_equal(civil_compare(&b, &a), 1);
	b = a;
	b.year = 2025;
	assert_int_equal(civil_compare(&a, &b), 1);
}

static void
test_zone_santiago(void **state)
{
	static const struct {
		time_t		 t;
		const char	*iso;
	} cases[] = {
		{ 1770033225, "2026-02-02T08:53:45-03:00" },	/* summer */
		{ 1784131200, "2026-07-15T12:00:00-04:00" },	/* winter */
		{ 1775314800, "2026-04-04T12:00:00-03:00" },
		{ 1775404800, "2026-04-05T12:00:00-04:00" },	/* DST ended */
		{ 1788624000, "2026-09-05T12:00:00-04:00" },
		{ 1788706800, "2026-09-06T12:00:00-03:00" },	/* DST began */
	};
	struct zoned_time	z, z2;
	struct civil_time	t;
	char			iso[ISO_TIMESTAMP_LEN], err[160];
	time_t			back;
	size_t			i;

	(void)state;
	assert_int_equal(zone_init(NULL, err, sizeof(err)), 0);
	assert_string_equal(getenv("TZ"), ZONE_DEFAULT);
	for (i = 0; i < NELEM(cases); i++) {
		assert_int_equal(zone_from_epoch(cases[i].t, &z), 0);
		iso_timestamp_format(&z, iso);
		assert_string_equal(iso, cases[i].iso);
		/* And back: local time to the same instant. */
		assert_int_equal(zone_to_epoch(&z.local, &back), 0);
		assert_int_equal((long long)back, (long long)cases[i].t);
		assert_int_equal(zone_localize(&z.local, &z2), 0);
		assert_int_equal(z2.utc_offset, z.utc_offset);
	}

	/* A Sheets timestamp printed for the API. */
	assert_int_equal(sheet_date_parse("02-02-2026 08:53:45", &t), 0);
	assert_int_equal(zone_localize(&t, &z), 0);
	iso_timestamp_format(&z, iso);
	assert_string_equal(iso, "2026-02-02T08:53:45-03:00");
	/* A date alone is its midnight. */
	assert_int_equal(sheet_date_parse("15-07-2026", &t), 0);
	assert_int_equal(zone_localize(&t, &z), 0);
	iso_timestamp_format(&z, iso);
	assert_string_equal(iso, "2026-07-15T00:00:00-04:00");

	assert_int_equal(zone_now(&z), 0);
	assert_true(civil_valid(&z.local));
	assert_true(z.utc_offset == -3 * 3600 || z.utc_offset == -4 * 3600);

	t.year = 2026;
	t.month = 2;
	t.day = 30;
	assert_int_equal(zone_to_epoch(&t, &back), -1);
}

static void
test_zone_names(void **state)
{
	static const char *const bad[] = {
		"../../etc/passwd", "/etc/localtime", "America/", "America",
		"Nowhere/City", "America//Santiago", "America/Santiago ",
		"America/Santiago;rm", "zone.tab",
	};
	const char	*old;
	char		 err[160], saved[256] = "";
	size_t		 i;

	(void)state;
	for (i = 0; i < NELEM(bad); i++) {
		err[0] = '\0';
		if (zone_init(bad[i], err, sizeof(err)) == 0)
			fail_msg("'%s' accepted", bad[i]);
		assert_true(err[0] != '\0');
		assert_null(strchr(err, '\n'));
	}
	/* A refused name leaves the zone as it was. */
	assert_string_equal(getenv("TZ"), ZONE_DEFAULT);

	assert_int_equal(zone_init("UTC", err, sizeof(err)), 0);
	assert_string_equal(getenv("TZ"), "UTC");
	{
		struct zoned_time	z;

		assert_int_equal(zone_from_epoch(1770033225, &z), 0);
		assert_int_equal(z.utc_offset, 0);
		assert_int_equal(z.local.hour, 11);
	}

	/* Without tzdata the zone is refused, not silently UTC. */
	if ((old = getenv("TZDIR")) != NULL)
		(void)snprintf(saved, sizeof(saved), "%s", old);
	assert_int_equal(setenv("TZDIR", "/nonexistent-zoneinfo", 1), 0);
	assert_int_equal(zone_init("America/Santiago", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "tzdata"));
	if (old != NULL)
		assert_int_equal(setenv("TZDIR", saved, 1), 0);
	else
		assert_int_equal(unsetenv("TZDIR"), 0);

	assert_int_equal(zone_init("America/Santiago", err, sizeof(err)), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_tolerant),
		cmocka_unit_test(test_parse_refused),
		cmocka_unit_test(test_api_date_strict),
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_calendar),
		cmocka_unit_test(test_zone_santiago),
		cmocka_unit_test(test_zone_names),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
