/*
 * What a browser makes of a date string: Debian's node (the V8 of
 * Chromium) runs `new Date(s)` in the floor's time zone, as a tablet in
 * Chile would, so a test can check the instant a dashboard would show,
 * not just that it is not NaN.
 */
#ifndef ZEUES_TEST_JS_DATE_H
#define ZEUES_TEST_JS_DATE_H

#include <stddef.h>

#define JS_DATE_TZ	"America/Santiago"

/*
 * ms[i] = new Date(s[i]).getTime(), or NAN when V8 finds no date there.
 * 0, or -1 when node did not run or answered something else.
 */
int	js_date_parse(const char *const *s, size_t n, double *ms);

/* 1 when s is ISO 8601 date-time with an offset (Z or +hh:mm). */
int	js_date_is_iso_offset(const char *s);

/* Unix time of "DD-MM-YYYY HH:MM:SS" read in JS_DATE_TZ, or -1. */
long long	js_date_sheet_epoch(const char *s);

#endif
