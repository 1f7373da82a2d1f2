/*
 * The access log's line format.  Values are written through one escaper per
 * format; a value that does not fit is cut and marked with "...", so a 60 KB
 * tag costs one bounded line.
 */
#include <stdio.h>
#include <string.h>

#include "access_log.h"
#include "utf8.h"

/* The bytes one escaped value may take of a line, before "...". */
#define VALUE_MAX	256

struct line {
	char	*buf;
	size_t	 len;
	size_t	 off;
};

static void
put(struct line *l, const char *s, size_t n)
{
	/* One byte stays free for the final newline. */
	if (n > l->len - 1 - l->off)
		n = l->len - 1 - l->off;
	memcpy(l->buf + l->off, s, n);
	l->off += n;
}

static void
puts_(struct line *l, const char *s)
{
	put(l, s, strlen(s));
}

/* Digits by hand: snprintf would be most of a line's cost. */
static void
put_number(struct line *l, unsigned long long v)
{
	char	num[24];
	size_t	i = sizeof(num);

	do {
		num[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	put(l, num + i, sizeof(num) - i);
}

static void
put_ms(struct line *l, uint64_t us)
{
	char	frac[4];

	put_number(l, us / 1000);
	frac[0] = '.';
	frac[1] = (char)('0' + us / 100 % 10);
	frac[2] = (char)('0' + us / 10 % 10);
	frac[3] = (char)('0' + us % 10);
	put(l, frac, sizeof(frac));
}

/* 1 for a byte written as it is: printable ASCII but quote and backslash. */
static int
plain(unsigned char c)
{
	return (c >= 0x20 && c < 0x7f && c != '"' && c != '\\');
}

/*
 * The value's characters, escaped for a quoted logfmt or JSON string:
 * quote and backslash escaped, control characters as \u00XX (JSON) or
 * \xXX (logfmt), bytes that are not UTF-8 as U+FFFD.
 */
static void
put_escaped(struct line *l, const char *s, int json)
{
	size_t		len = strlen(s), i = 0, start = l->off;
	uint32_t	cp;
	char		esc[8];
	int		n;

	while (i < len) {
		if (l->off - start >= VALUE_MAX) {
			puts_(l, "...");
			return;
		}
		/* Most values are plain ASCII: copy each run at once. */
		for (n = 0; i + (size_t)n < len && n < VALUE_MAX &&
		    plain((unsigned char)s[i + (size_t)n]); n++)
			;
		if (n > 0) {
			if ((size_t)n > VALUE_MAX - (l->off - start))
				n = (int)(VALUE_MAX - (l->off - start));
			put(l, s + i, (size_t)n);
			i += (size_t)n;
			continue;
		}
		if ((n = utf8_decode(s + i, len - i, &cp)) == -1) {
			puts_(l, "\xef\xbf\xbd");
			i++;
			continue;
		}
		if (cp == '"' || cp == '\\') {
			esc[0] = '\\';
			esc[1] = (char)cp;
			put(l, esc, 2);
		} else if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0)) {
			snprintf(esc, sizeof(esc), json ? "\\u%04x" : "\\x%02x",
			    (unsigned int)cp);
			puts_(l, esc);
		} else {
			put(l, s + i, (size_t)n);
		}
		i += (size_t)n;
	}
}

static void
field_key(struct line *l, int json, const char *key)
{
	if (json)
		puts_(l, l->off > 1 ? ",\"" : "\"");
	else if (l->off > 0)
		puts_(l, " ");
	puts_(l, key);
	puts_(l, json ? "\":" : "=");
}

/*
 * Strings are always quoted, in logfmt too, so no value has to be
 * inspected to be parsed; a missing one is null in JSON, absent in logfmt.
 */
static void
field_str(struct line *l, int json, const char *key, const char *v)
{
	if (v == NULL) {
		if (json) {
			field_key(l, json, key);
			puts_(l, "null");
		}
		return;
	}
	field_key(l, json, key);
	puts_(l, "\"");
	put_escaped(l, v, json);
	puts_(l, "\"");
}

static void
field_num(struct line *l, int json, const char *key, unsigned long long v)
{
	field_key(l, json, key);
	put_number(l, v);
}

size_t
access_log_line(enum access_log_format f, const struct access_log_entry *e,
    char *buf, size_t len)
{
	struct line	l = { buf, len, 0 };
	int		json = f == ACCESS_LOG_JSON;
	char		pool[48];

	if (json)
		puts_(&l, "{");
	field_str(&l, json, "time", e->time);
	field_str(&l, json, "request_id", e->request_id);
	field_str(&l, json, "method", e->method);
	field_str(&l, json, "route", e->route);
	field_str(&l, json, "path", e->path);
	field_num(&l, json, "status", (unsigned long long)e->status);
	field_key(&l, json, "duration_ms");
	put_ms(&l, e->duration_us);
	if (e->has_occupation) {
		field_str(&l, json, "tag", e->tag);
		if (e->worker_id >= 0)
			field_num(&l, json, "worker_id",
			    (unsigned long long)e->worker_id);
		else if (json)
			field_str(&l, json, "worker_id", NULL);
		field_num(&l, json, "kore_worker",
		    (unsigned long long)e->kore_worker);
		snprintf(pool, sizeof(pool), "%llu/%llu",
		    (unsigned long long)e->pool_open,
		    (unsigned long long)e->pool_budget);
		field_str(&l, json, "redis_pool", pool);
		field_num(&l, json, "redis_waiting",
		    (unsigned long long)e->pool_waiting);
	}
	if (json)
		puts_(&l, "}");
	l.buf[l.off++] = '\n';
	return (l.off);
}

int
access_log_id_acceptable(const char *s)
{
	size_t	i;

	for (i = 0; s[i] != '\0'; i++) {
		if (i == ACCESS_LOG_ID_MAX)
			return (0);
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || strchr("-._:", s[i]) != NULL))
			return (0);
	}
	return (i > 0);
}

int
access_log_format_parse(const char *s)
{
	if (strcmp(s, "logfmt") == 0)
		return (ACCESS_LOG_LOGFMT);
	if (strcmp(s, "json") == 0)
		return (ACCESS_LOG_JSON);
	return (-1);
}
