/*
 * JSON writer with Google-style pretty printing.  See jsonw.h.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"

void
jw_init(struct jw *w, int flags)
{
	memset(w, 0, sizeof(*w));
	w->pretty = (flags & JW_PRETTY) != 0;
	w->html_safe = (flags & JW_HTML_SAFE) != 0;
}

void
jw_free(struct jw *w)
{
	free(w->buf);
	w->buf = NULL;
	w->len = w->cap = 0;
}

/*
 * Room for n more bytes and the NUL that jw_finish() adds; -1 (and failed)
 * when out of memory.  Out of line, so that jw_put(), called for every
 * token, is a test and a memcpy().
 */
static int
jw_grow(struct jw *w, size_t n)
{
	size_t	 ncap;
	char	*nbuf;

	if (w->failed)
		return (-1);
	if (n > SIZE_MAX - w->len - 1) {
		w->failed = 1;
		return (-1);
	}
	if (w->len + n + 1 <= w->cap)
		return (0);
	ncap = w->cap ? w->cap : 256;
	while (ncap < w->len + n + 1) {
		if (ncap > SIZE_MAX / 2) {
			w->failed = 1;
			return (-1);
		}
		ncap *= 2;
	}
	if ((nbuf = realloc(w->buf, ncap)) == NULL) {
		w->failed = 1;
		return (-1);
	}
	w->buf = nbuf;
	w->cap = ncap;
	return (0);
}

static inline void
jw_put(struct jw *w, const char *p, size_t n)
{
	if (w->failed || (w->cap - w->len <= n && jw_grow(w, n) == -1))
		return;
	memcpy(w->buf + w->len, p, n);
	w->len += n;
}

static void
jw_puts(struct jw *w, const char *s)
{
	jw_put(w, s, strlen(s));
}

static int
jw_inline(const struct jw *w)
{
	return (!w->pretty ||
	    (w->depth > 0 && w->stack[w->depth - 1].is_inline));
}

/* A newline and the deepest indentation, cut to length in one put. */
#define JW_SPACES16	"                "
static const char jw_nl_indent[] =
    "\n" JW_SPACES16 JW_SPACES16 JW_SPACES16 JW_SPACES16;
_Static_assert(sizeof(jw_nl_indent) == 2 + 2 * JW_MAX_DEPTH,
    "jw_nl_indent must cover JW_MAX_DEPTH levels");

static void
jw_newline(struct jw *w, unsigned int depth)
{
	jw_put(w, jw_nl_indent, 1 + 2 * (size_t)depth);
}

/* Separator and indentation owed before the next array element or key. */
static void
jw_next_slot(struct jw *w)
{
	struct jw_level	*top = &w->stack[w->depth - 1];

	if (top->count > 0)
		jw_put(w, ", ", (w->pretty && top->is_inline) ? 2 : 1);
	if (!jw_inline(w))
		jw_newline(w, w->depth);
	top->count++;
}

static void
jw_before_value(struct jw *w)
{
	if (w->failed)
		return;
	if (w->depth == 0) {
		if (w->len > 0)
			w->failed = 1;	/* a second top-level value */
		return;
	}
	if (w->stack[w->depth - 1].is_object) {
		if (!w->after_key)
			w->failed = 1;
		w->after_key = 0;
		return;
	}
	jw_next_slot(w);
}

static void
jw_open(struct jw *w, int is_object, int is_inline, char tok)
{
	int	parent_inline;

	jw_before_value(w);
	if (w->failed)
		return;
	if (w->depth >= JW_MAX_DEPTH) {
		w->failed = 1;
		return;
	}
	parent_inline = w->depth > 0 && w->stack[w->depth - 1].is_inline;
	w->stack[w->depth].is_object = (uint8_t)is_object;
	w->stack[w->depth].is_inline = (uint8_t)(is_inline || parent_inline);
	w->stack[w->depth].count = 0;
	w->depth++;
	jw_put(w, &tok, 1);
}

static void
jw_close(struct jw *w, int is_object, char tok)
{
	struct jw_level	*top;

	if (w->failed)
		return;
	if (w->depth == 0 || w->after_key ||
	    w->stack[w->depth - 1].is_object != is_object) {
		w->failed = 1;
		return;
	}
	top = &w->stack[w->depth - 1];
	if (top->count > 0 && !jw_inline(w))
		jw_newline(w, w->depth - 1);
	w->depth--;
	jw_put(w, &tok, 1);
}

void
jw_obj_open(struct jw *w)
{
	jw_open(w, 1, 0, '{');
}

void
jw_obj_open_inline(struct jw *w)
{
	jw_open(w, 1, 1, '{');
}

void
jw_obj_close(struct jw *w)
{
	jw_close(w, 1, '}');
}

void
jw_arr_open(struct jw *w)
{
	jw_open(w, 0, 0, '[');
}

void
jw_arr_open_inline(struct jw *w)
{
	jw_open(w, 0, 1, '[');
}

void
jw_arr_close(struct jw *w)
{
	jw_close(w, 0, ']');
}

/* Length of the valid UTF-8 sequence at p, or 0 if it is not valid. */
static size_t
utf8_seq_len(const unsigned char *p, size_t avail)
{
	unsigned int	cp;
	size_t		n, i;

	if (p[0] < 0x80)
		return (1);
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2;
		cp = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		cp = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		cp = p[0] & 0x07;
	} else {
		return (0);
	}
	if (avail < n)
		return (0);
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return (0);
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return (0);
	return (n);
}

/*
 * What ends a run of bytes copied as they are: JW_ESC_ALWAYS for control
 * characters, '"', '\\' and every non-ASCII byte (whose UTF-8 is checked),
 * JW_ESC_HTML for < > & = ' under JW_HTML_SAFE.  A table, because this test
 * runs for every byte of every string and strchr() made it the hot spot of
 * saving a workbook.
 */
#define JW_ESC_ALWAYS	1
#define JW_ESC_HTML	2

static const uint8_t jw_esc_class[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0x00 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	0, 0, 1, 0, 0, 0, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0,	/* " & ' */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 2, 0,	/* < = > */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x40 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,	/* \\ */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x60 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0x80 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

/* Length of the run at p that needs no escaping. */
static size_t
jw_plain_run(const unsigned char *p, size_t n, unsigned int mask)
{
	size_t	i;

	for (i = 0; i < n && (jw_esc_class[p[i]] & mask) == 0; i++)
		continue;
	return (i);
}

/* Non-ASCII at p: valid UTF-8 as is, U+2028/9 escaped, junk as U+FFFD. */
static size_t
jw_escape_utf8(struct jw *w, const unsigned char *p, size_t avail)
{
	size_t	sl;

	if ((sl = utf8_seq_len(p, avail)) == 0) {
		jw_put(w, "\\ufffd", 6);
		return (1);
	}
	if (sl == 3 && p[0] == 0xe2 && p[1] == 0x80 &&
	    (p[2] == 0xa8 || p[2] == 0xa9)) {
		jw_put(w, p[2] == 0xa8 ? "\\u2028" : "\\u2029", 6);
		return (3);
	}
	jw_put(w, (const char *)p, sl);
	return (sl);
}

/* One ASCII byte that jw_esc_class marks. */
static void
jw_escape_ascii(struct jw *w, unsigned char c)
{
	static const char	 hex[] = "0123456789abcdef";
	char			 esc[6];

	switch (c) {
	case '"':
		jw_put(w, "\\\"", 2);
		break;
	case '\\':
		jw_put(w, "\\\\", 2);
		break;
	case '\n':
		jw_put(w, "\\n", 2);
		break;
	case '\r':
		jw_put(w, "\\r", 2);
		break;
	case '\t':
		jw_put(w, "\\t", 2);
		break;
	case '\b':
		jw_put(w, "\\b", 2);
		break;
	case '\f':
		jw_put(w, "\\f", 2);
		break;
	default:
		/* Only bytes below 0x80 get here: \u00XX. */
		memcpy(esc, "\\u00", 4);
		esc[4] = hex[c >> 4];
		esc[5] = hex[c & 0xf];
		jw_put(w, esc, sizeof(esc));
		break;
	}
}

static void
jw_escaped(struct jw *w, const char *s, size_t n)
{
	const unsigned char	*p = (const unsigned char *)s;
	unsigned int		 mask;
	size_t			 i, run;

	mask = w->html_safe ? (JW_ESC_ALWAYS | JW_ESC_HTML) : JW_ESC_ALWAYS;
	jw_put(w, "\"", 1);
	for (i = 0; i < n && !w->failed; ) {
		/* Copy the longest run that needs no escaping in one go. */
		if ((run = jw_plain_run(p + i, n - i, mask)) > 0) {
			jw_put(w, s + i, run);
			i += run;
		} else if (p[i] >= 0x80) {
			i += jw_escape_utf8(w, p + i, n - i);
		} else {
			jw_escape_ascii(w, p[i]);
			i++;
		}
	}
	jw_put(w, "\"", 1);
}

void
jw_key(struct jw *w, const char *k)
{
	if (w->failed)
		return;
	if (w->depth == 0 || !w->stack[w->depth - 1].is_object ||
	    w->after_key) {
		w->failed = 1;
		return;
	}
	jw_next_slot(w);
	jw_escaped(w, k, strlen(k));
	jw_put(w, ": ", w->pretty ? 2 : 1);
	w->after_key = 1;
}

void
jw_strn(struct jw *w, const char *s, size_t n)
{
	jw_before_value(w);
	jw_escaped(w, s, n);
}

void
jw_str(struct jw *w, const char *s)
{
	jw_strn(w, s, strlen(s));
}

/* "%lld" of LLONG_MIN and its NUL */
#define JW_LLD_MAX	21

/*
 * Numbers are formatted by hand: snprintf() took a fifth of the time of
 * saving a workbook, most of its cells being numbers.
 */

/* The decimal digits of u, ending just before end; returns their start. */
static char *
jw_digits_back(char *end, unsigned long long u)
{
	do {
		*--end = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	return (end);
}

/* v as "%lld" prints it, without a NUL; buf has JW_LLD_MAX bytes. */
static size_t
jw_fmt_lld(char *buf, long long v)
{
	char			 tmp[JW_LLD_MAX], *p;
	unsigned long long	 u;
	size_t			 n;

	/* Negated as unsigned, so LLONG_MIN works too. */
	u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	p = jw_digits_back(tmp + sizeof(tmp), u);
	if (v < 0)
		*--p = '-';
	n = (size_t)(tmp + sizeof(tmp) - p);
	memcpy(buf, p, n);
	return (n);
}

void
jw_int(struct jw *w, long long v)
{
	char	num[JW_LLD_MAX];

	jw_before_value(w);
	jw_put(w, num, jw_fmt_lld(num, v));
}

/*
 * A short decimal fraction such as 2.5 or 0.75, as "%.15g" prints it; 0 if
 * v is not one.  Scaling by 10^k until v becomes an integer m below 1e15
 * with m / 10^k reading back as v (both exact, the division correctly
 * rounded) shows that v is the double nearest the decimal m * 10^-k of at
 * most 15 digits.  "%.15g" then prints that decimal, in fixed notation as
 * 1e-4 <= |v| < 1e15, and it reads back as v: the digits the loop in
 * jw_format_double() would stop at.  Anything else takes that loop.
 */
static size_t
jw_fmt_short_fraction(char *buf, size_t len, double v)
{
	static const double	 p10[] = { 1e1, 1e2, 1e3, 1e4, 1e5, 1e6,
				    1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13,
				    1e14 };
	char			 digits[JW_LLD_MAX], *d, *o = buf;
	double			 a = fabs(v), m;
	size_t			 k, nd, nf;

	if (a < 1e-4)
		return (0);
	for (k = 0; k < sizeof(p10) / sizeof(p10[0]); k++) {
		m = a * p10[k];
		if (m >= 1e15)
			return (0);
		if (m == floor(m) && m / p10[k] == a)
			break;
	}
	if (k == sizeof(p10) / sizeof(p10[0]))
		return (0);
	d = jw_digits_back(digits + sizeof(digits), (unsigned long long)m);
	nd = (size_t)(digits + sizeof(digits) - d);
	/* %g drops trailing zeros of the fraction. */
	for (nf = k + 1; nf > 0 && d[nd - 1] == '0'; nf--)
		nd--;
	if (nf == 0)
		return (0);	/* an integer after all: not ours */
	/* sign, "0." and leading zeros at most, the digits, NUL */
	if (len < 1 + 2 + nf + nd + 1)
		return (0);
	if (v < 0)
		*o++ = '-';
	if (nd > nf) {
		memcpy(o, d, nd - nf);
		o += nd - nf;
		*o++ = '.';
		memcpy(o, d + nd - nf, nf);
		o += nf;
	} else {
		*o++ = '0';
		*o++ = '.';
		memset(o, '0', nf - nd);
		o += nf - nd;
		memcpy(o, d, nd);
		o += nd;
	}
	*o = '\0';
	return ((size_t)(o - buf));
}

size_t
jw_format_double(char *buf, size_t len, double v)
{
	char	num[JW_LLD_MAX];
	size_t	sn;
	int	n, prec;

	if (!isfinite(v) || len < 2)
		return (0);
	if (v == 0.0)
		v = 0.0;	/* no "-0" */
	if (v == floor(v) && fabs(v) < 1e15) {
		/* Exact as a long long, and "%.0f" prints the same. */
		sn = jw_fmt_lld(num, (long long)v);
		if (sn >= len)
			return (0);
		memcpy(buf, num, sn);
		buf[sn] = '\0';
		return (sn);
	}
	if ((sn = jw_fmt_short_fraction(buf, len, v)) > 0)
		return (sn);
	for (prec = 15; prec <= 17; prec++) {
		n = snprintf(buf, len, "%.*g", prec, v);
		if (n < 0 || (size_t)n >= len)
			return (0);
		if (strtod(buf, NULL) == v)
			break;
	}
	return ((size_t)n);
}

void
jw_double(struct jw *w, double v)
{
	char	num[40];
	size_t	n;

	jw_before_value(w);
	if ((n = jw_format_double(num, sizeof(num), v)) == 0) {
		jw_puts(w, "null");	/* JSON has no NaN or infinity */
		return;
	}
	jw_put(w, num, n);
}

void
jw_bool(struct jw *w, int v)
{
	jw_before_value(w);
	jw_puts(w, v ? "true" : "false");
}

void
jw_null(struct jw *w)
{
	jw_before_value(w);
	jw_puts(w, "null");
}

void
jw_kstr(struct jw *w, const char *k, const char *v)
{
	jw_key(w, k);
	jw_str(w, v);
}

void
jw_kint(struct jw *w, const char *k, long long v)
{
	jw_key(w, k);
	jw_int(w, v);
}

char *
jw_finish(struct jw *w, size_t *lenp)
{
	char	*out;

	if (w->depth != 0 || w->len == 0)
		w->failed = 1;
	if (w->pretty)
		jw_put(w, "\n", 1);
	if (w->failed) {
		jw_free(w);
		return (NULL);
	}
	/* jw_grow() kept a byte for it. */
	w->buf[w->len] = '\0';
	out = w->buf;
	if (lenp != NULL)
		*lenp = w->len;
	w->buf = NULL;
	w->len = w->cap = 0;
	return (out);
}
