/*
 * Workbook and API dates, and the floor's time zone; see sheet_dates.h.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sheet_dates.h"

/* Sheets serial day 0 is 1899-12-30 (Lotus 1-2-3's leap-year bug kept). */
#define SERIAL_EPOCH_Y		1899
#define SERIAL_EPOCH_M		12
#define SERIAL_EPOCH_D		30
/* 9999-12-31, the last date a four-digit year can show. */
#define SERIAL_MAX		2958465LL
#define SECONDS_PER_DAY		86400

static int
is_leap(int y)
{
	return ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0);
}

int
civil_days_in_month(int year, int month)
{
	static const int	days[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (month < 1 || month > 12)
		return (0);
	return (month == 2 && is_leap(year) ? 29 : days[month - 1]);
}

int
civil_valid(const struct civil_time *t)
{
	return (t->year >= 1 && t->year <= 9999 &&
	    t->month >= 1 && t->month <= 12 &&
	    t->day >= 1 && t->day <= civil_days_in_month(t->year, t->month) &&
	    t->hour >= 0 && t->hour <= 23 && t->min >= 0 && t->min <= 59 &&
	    t->sec >= 0 && t->sec <= 59);
}

/* Howard Hinnant's days_from_civil, exact for the proleptic calendar. */
long long
civil_to_days(int year, int month, int day)
{
	long long	y = year - (month <= 2);
	long long	era = (y >= 0 ? y : y - 399) / 400;
	long long	yoe = y - era * 400;
	long long	doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 +
			    day - 1;
	long long	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return (era * 146097 + doe - 719468);
}

void
civil_from_days(long long days, int *year, int *month, int *day)
{
	long long	z = days + 719468;
	long long	era = (z >= 0 ? z : z - 146096) / 146097;
	long long	doe = z - era * 146097;
	long long	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) /
			    365;
	long long	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long long	mp = (5 * doy + 2) / 153;
	int		m = (int)(mp < 10 ? mp + 3 : mp - 9);

	*day = (int)(doy - (153 * mp + 2) / 5 + 1);
	*month = m;
	*year = (int)(yoe + era * 400 + (m <= 2));
}

int
civil_compare(const struct civil_time *a, const struct civil_time *b)
{
	const int	av[6] = { a->year, a->month, a->day, a->hour, a->min,
			    a->sec };
	const int	bv[6] = { b->year, b->month, b->day, b->hour, b->min,
			    b->sec };
	int		i;

	for (i = 0; i < 6; i++) {
		if (av[i] != bv[i])
			return (av[i] < bv[i] ? -1 : 1);
	}
	return (0);
}

/*
 * Reads min..max decimal digits at *pp into *val and advances *pp.
 * Returns the number of digits, or 0 when there are too few or too many.
 */
static int
digits(const char **pp, int min, int max, int *val)
{
	const char	*p = *pp;
	int		 n = 0, v = 0;

	while (*p >= '0' && *p <= '9') {
		if (++n > max)
			return (0);
		v = v * 10 + (*p++ - '0');
	}
	if (n < min)
		return (0);
	*val = v;
	*pp = p;
	return (n);
}

/* " H:MM[:SS]" or "THH:MM[:SS]" at p, to the end of the text. */
static int
parse_time(const char *p, const char *end, struct civil_time *t)
{
	if (p == end)
		return (0);
	if (*p == 'T') {
		p++;
	} else if (*p == ' ') {
		while (*p == ' ')
			p++;
	} else {
		return (-1);
	}
	if (digits(&p, 1, 2, &t->hour) == 0 || *p++ != ':' ||
	    digits(&p, 2, 2, &t->min) == 0)
		return (-1);
	if (*p == ':' && (p++, digits(&p, 2, 2, &t->sec) == 0))
		return (-1);
	if (p != end)
		return (-1);
	t->has_time = 1;
	return (0);
}

/*
 * A serial number: up to 7 integer digits (day) and an optional fraction
 * (time of day), rounded to the nearest second.
 */
static int
parse_serial(const char *p, const char *end, struct civil_time *t)
{
	long long	days = 0, secs;
	double		frac = 0, scale = 0.1;
	int		n = 0, has_frac = 0;

	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		if (++n > 7)
			return (-1);
		days = days * 10 + (*p - '0');
	}
	if (n == 0)
		return (-1);
	if (p < end && *p == '.') {
		p++;
		has_frac = 1;
		if (p == end)
			return (-1);
		for (; p < end && *p >= '0' && *p <= '9'; p++) {
			frac += (*p - '0') * scale;
			scale /= 10;
		}
	}
	if (p != end || days < 1 || days > SERIAL_MAX)
		return (-1);

	secs = (long long)(frac * SECONDS_PER_DAY + 0.5);
	if (secs >= SECONDS_PER_DAY) {
		/* .99999999 rounds to midnight of the next day. */
		days++;
		secs -= SECONDS_PER_DAY;
		if (days > SERIAL_MAX)
			return (-1);
	}
	memset(t, 0, sizeof(*t));
	civil_from_days(civil_to_days(SERIAL_EPOCH_Y, SERIAL_EPOCH_M,
	    SERIAL_EPOCH_D) + days, &t->year, &t->month, &t->day);
	if (has_frac) {
		t->has_time = 1;
		t->hour = (int)(secs / 3600);
		t->min = (int)(secs / 60 % 60);
		t->sec = (int)(secs % 60);
	}
	return (0);
}

int
sheet_date_parse(const char *s, struct civil_time *out)
{
	struct civil_time	 t;
	const char		*p, *end;
	char			 sep;
	int			 a, b, c, na;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (end == s)
		return (-1);
	if (strspn(s, "0123456789.") >= (size_t)(end - s)) {
		if (parse_serial(s, end, &t) == -1)
			return (-1);
		*out = t;
		return (0);
	}

	memset(&t, 0, sizeof(t));
	p = s;
	if ((na = digits(&p, 1, 4, &a)) == 0 || (*p != '-' && *p != '/'))
		return (-1);
	sep = *p++;
	if (digits(&p, 1, 2, &b) == 0 || *p++ != sep)
		return (-1);
	if (na == 4 && sep == '-') {
		/* YYYY-MM-DD */
		if (digits(&p, 1, 2, &c) == 0)
			return (-1);
		t.year = a;
		t.month = b;
		t.day = c;
	} else if (na <= 2) {
		/* DD-MM-YYYY or DD/MM/YYYY */
		if (digits(&p, 4, 4, &c) == 0)
			return (-1);
		t.day = a;
		t.month = b;
		t.year = c;
	} else {
		return (-1);
	}
	if (parse_time(p, end, &t) == -1 || !civil_valid(&t))
		return (-1);
	*out = t;
	return (0);
}

int
api_date_parse(const char *s, struct civil_time *out)
{
	struct civil_time	 t;
	const char		*p = s;

	memset(&t, 0, sizeof(t));
	if (digits(&p, 4, 4, &t.year) == 0 || *p++ != '-' ||
	    digits(&p, 2, 2, &t.month) == 0 || *p++ != '-' ||
	    digits(&p, 2, 2, &t.day) == 0 || *p != '\0' || !civil_valid(&t))
		return (-1);
	*out = t;
	return (0);
}

void
sheet_date_format(const struct civil_time *t, char buf[SHEET_DATE_LEN])
{
	(void)snprintf(buf, SHEET_DATE_LEN, "%02d-%02d-%04d", t->day,
	    t->month, t->year);
}

void
sheet_timestamp_format(const struct civil_time *t,
    char buf[SHEET_TIMESTAMP_LEN])
{
	(void)snprintf(buf, SHEET_TIMESTAMP_LEN,
	    "%02d-%02d-%04d %02d:%02d:%02d", t->day, t->month, t->year,
	    t->hour, t->min, t->sec);
}

void
api_date_format(const struct civil_time *t, char buf[API_DATE_LEN])
{
	(void)snprintf(buf, API_DATE_LEN, "%04d-%02d-%02d", t->year, t->month,
	    t->day);
}

void
iso_timestamp_format(const struct zoned_time *z, char buf[ISO_TIMESTAMP_LEN])
{
	const struct civil_time	*t = &z->local;
	unsigned long		 off;
	char			 sign = '+';

	if (z->utc_offset < 0) {
		sign = '-';
		off = -(unsigned long)z->utc_offset;
	} else {
		off = (unsigned long)z->utc_offset;
	}
	/* Real offsets are within +-14:00; the modulos only bound the text. */
	(void)snprintf(buf, ISO_TIMESTAMP_LEN,
	    "%04d-%02d-%02dT%02d:%02d:%02d%c%02lu:%02lu", t->year, t->month,
	    t->day, t->hour, t->min, t->sec, sign, off / 3600 % 100,
	    off / 60 % 60);
}

/* An IANA name: letters, digits, "_+-" and "/" between parts, no "..". */
static int
zone_name_ok(const char *name)
{
	size_t	len = strlen(name);

	if (len == 0 || len >= ZONE_NAME_MAX || name[0] == '/' ||
	    name[len - 1] == '/' || strstr(name, "..") != NULL ||
	    strstr(name, "//") != NULL)
		return (0);
	return (strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789_+-/") == len);
}

/* 1 when path is a compiled zone file (it starts with "TZif"). */
static int
zone_file_ok(const char *path)
{
	struct stat	st;
	char		magic[4];
	int		fd, ok;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return (0);
	ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    read(fd, magic, sizeof(magic)) == (ssize_t)sizeof(magic) &&
	    memcmp(magic, "TZif", sizeof(magic)) == 0;
	close(fd);
	return (ok);
}

int
zone_check(const char *name, char *err, size_t errsz)
{
	const char	*dir;
	char		 path[512];

	if (name == NULL || name[0] == '\0')
		name = ZONE_DEFAULT;
	if (!zone_name_ok(name)) {
		snprintf(err, errsz, "time zone '%.*s' is not an IANA zone "
		    "name (like America/Santiago)", ZONE_NAME_MAX, name);
		return (-1);
	}
	if ((dir = getenv("TZDIR")) == NULL || dir[0] == '\0')
		dir = "/usr/share/zoneinfo";
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path) || !zone_file_ok(path)) {
		snprintf(err, errsz, "time zone '%s' not found under %s "
		    "(is tzdata installed?)", name, dir);
		return (-1);
	}
	return (0);
}

int
zone_init(const char *name, char *err, size_t errsz)
{
	if (zone_check(name, err, errsz) == -1)
		return (-1);
	if (name == NULL || name[0] == '\0')
		name = ZONE_DEFAULT;
	if (setenv("TZ", name, 1) == -1) {
		snprintf(err, errsz, "cannot set TZ");
		return (-1);
	}
	tzset();
	return (0);
}

int
zone_from_epoch(time_t t, struct zoned_time *out)
{
	struct tm	tm;

	if (localtime_r(&t, &tm) == NULL)
		return (-1);
	out->local.year = tm.tm_year + 1900;
	out->local.month = tm.tm_mon + 1;
	out->local.day = tm.tm_mday;
	out->local.hour = tm.tm_hour;
	out->local.min = tm.tm_min;
	/* A leap second (60) reads as the last second of its minute. */
	out->local.sec = tm.tm_sec > 59 ? 59 : tm.tm_sec;
	out->local.has_time = 1;
	out->utc_offset = tm.tm_gmtoff;
	return (civil_valid(&out->local) ? 0 : -1);
}

int
zone_now(struct zoned_time *out)
{
	return (zone_from_epoch(time(NULL), out));
}

int
zone_to_epoch(const struct civil_time *local, time_t *out)
{
	struct tm	tm;
	time_t		t;

	if (!civil_valid(local))
		return (-1);
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = local->year - 1900;
	tm.tm_mon = local->month - 1;
	tm.tm_mday = local->day;
	tm.tm_hour = local->hour;
	tm.tm_min = local->min;
	tm.tm_sec = local->sec;
	tm.tm_isdst = -1;
	/* -1 is also 1969-12-31 23:59:59 UTC; tm_yday tells them apart. */
	tm.tm_yday = -1;
	t = mktime(&tm);
	if (t == (time_t)-1 && tm.tm_yday == -1)
		return (-1);
	*out = t;
	return (0);
}

int
zone_localize(const struct civil_time *local, struct zoned_time *out)
{
	time_t	t;

	if (zone_to_epoch(local, &t) == -1)
		return (-1);
	return (zone_from_epoch(t, out));
}
