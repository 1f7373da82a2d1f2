/*
 * Dates and times as the workbook and the API spell them (data.md §1,
 * api.md conventions), and "now" in the floor's time zone.
 *
 *	read from Sheets	tolerant: YYYY-MM-DD, DD/MM/YYYY, DD-MM-YYYY
 *				(one-digit day and month too), each with an
 *				optional time H:MM[:SS] after spaces or a T,
 *				and serial numbers (days since 1899-12-30,
 *				the fraction is the time of day)
 *	written to Sheets	business date DD-MM-YYYY, timestamp
 *				DD-MM-YYYY HH:MM:SS, both local time
 *	API			dates YYYY-MM-DD (strict when read), timestamps
 *				ISO-8601 with offset 2026-02-02T08:53:45-03:00
 *
 * Impossible dates (31-02-2026, 29-02-2025) are refused everywhere.
 *
 * Time zone.  Every local time is in one configured IANA zone (default
 * America/Santiago).  zone_init() sets TZ and calls tzset() once, in the
 * parent before the workers fork and before any thread exists: glibc then
 * holds the zone's rules in memory, localtime_r() never re-reads the
 * environment or the zone file, and nothing calls setenv() per request
 * (setenv is not thread-safe and, after Kore's chroot, the zone file may
 * not even be reachable).  The process-wide zone is what the rest of the
 * server sees too, which is the point: one clock for the whole floor.
 */
#ifndef ZEUES_SHEET_DATES_H
#define ZEUES_SHEET_DATES_H

#include <stddef.h>
#include <time.h>

#define SHEET_DATE_LEN		11	/* "DD-MM-YYYY" and NUL */
#define SHEET_TIMESTAMP_LEN	20	/* "DD-MM-YYYY HH:MM:SS" and NUL */
#define API_DATE_LEN		11	/* "YYYY-MM-DD" and NUL */
#define ISO_TIMESTAMP_LEN	26	/* "YYYY-MM-DDTHH:MM:SS-03:00", NUL */

#define ZONE_DEFAULT		"America/Santiago"
#define ZONE_NAME_MAX		64

/* A date, with a time of day when has_time (otherwise the time is 0). */
struct civil_time {
	int	year;		/* 1..9999 */
	int	month;		/* 1..12 */
	int	day;		/* 1..days in that month */
	int	hour;		/* 0..23 */
	int	min;		/* 0..59 */
	int	sec;		/* 0..59 */
	int	has_time;
};

/* A local time and its offset from UTC in the configured zone. */
struct zoned_time {
	struct civil_time	local;
	long			utc_offset;	/* seconds east of UTC */
};

/* 1 when every field is in range for a real calendar date and time. */
int	civil_valid(const struct civil_time *);
int	civil_days_in_month(int year, int month);

/* Days from 1970-01-01 to a proleptic Gregorian date, and back. */
long long	civil_to_days(int year, int month, int day);
void		civil_from_days(long long days, int *year, int *month,
		    int *day);

/* -1, 0 or 1 as a is before, the same as, or after b. */
int	civil_compare(const struct civil_time *a, const struct civil_time *b);

/*
 * Reads a cell tolerantly (surrounding spaces ignored).  Returns 0, or -1
 * for empty, unreadable or impossible values.
 */
int	sheet_date_parse(const char *s, struct civil_time *out);

/* The API's date: exactly YYYY-MM-DD and a real date, or -1. */
int	api_date_parse(const char *s, struct civil_time *out);

void	sheet_date_format(const struct civil_time *,
	    char buf[SHEET_DATE_LEN]);
void	sheet_timestamp_format(const struct civil_time *,
	    char buf[SHEET_TIMESTAMP_LEN]);
void	api_date_format(const struct civil_time *, char buf[API_DATE_LEN]);
void	iso_timestamp_format(const struct zoned_time *,
	    char buf[ISO_TIMESTAMP_LEN]);

/*
 * Makes name (NULL or "" for ZONE_DEFAULT) the process's local time zone.
 * Call once at start-up, before fork and threads.  The name must be an
 * IANA zone whose file exists under $TZDIR or /usr/share/zoneinfo: glibc
 * silently falls back to UTC otherwise, which would shift every timestamp
 * on the floor by hours.  Returns 0, or -1 with one line in err.
 */
int		 zone_init(const char *name, char *err, size_t errsz);
/* What zone_init() refuses, checked without changing the process's zone. */
int		 zone_check(const char *name, char *err, size_t errsz);

/* The local time of an instant; -1 only if the time cannot be converted. */
int	zone_from_epoch(time_t t, struct zoned_time *out);
int	zone_now(struct zoned_time *out);

/*
 * The instant of a local time (a date alone is its midnight).  A time that
 * a clock change skips or repeats is resolved by mktime(3).  Returns 0, or
 * -1 for an invalid or unrepresentable time.
 */
int	zone_to_epoch(const struct civil_time *local, time_t *out);

/* A local time with its offset, e.g. to print a Sheets timestamp as ISO. */
int	zone_localize(const struct civil_time *local, struct zoned_time *out);

#endif
