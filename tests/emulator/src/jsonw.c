/*
 * JSON writer with Google-style pretty printing.  See jsonw.h.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"

#define JW_INDENT	"  "

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

static void
jw_put(struct jw *w, const char *p, size_t n)
{
	size_t	 ncap;
	char	*nbuf;

	if (w->failed)
		return;
	if (n > SIZE_MAX - w->len - 1) {
		w->failed = 1;
		return;
	}
	if (w->len + n + 1 > w->cap) {
		ncap = w->cap ? w->cap : 256;
		while (ncap < w->len + n + 1) {
			if (ncap > SIZE_MAX / 2) {
				w->failed = 1;
				return;
			}
			ncap *= 2;
		}
		if ((nbuf = realloc(w->buf, ncap)) == NULL) {
			w->failed = 1;
			return;
		}
		w->buf = nbuf;
		w->cap = ncap;
	}
	memcpy(w->buf + w->len, p, n);
	w->len += n;
	w->buf[w->len] = '\0';
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

static void
jw_newline(struct jw *w, unsigned int depth)
{
	unsigned int	i;

	jw_put(w, "\n", 1);
	for (i = 0; i < depth; i++)
		jw_puts(w, JW_INDENT);
}

/* Separator and indentation owed before the next array element or key. */
static void
jw_next_slot(struct jw *w)
{
	struct jw_level	*top = &w->stack[w->depth - 1];

	if (top->count > 0)
		jw_puts(w, (w->pretty && top->is_inline) ? ", " : ",");
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
jw_open(struct jw *w, int is_object, int is_inline, const char *tok)
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
	jw_puts(w, tok);
}

static void
jw_close(struct jw *w, int is_object, const char *tok)
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
	jw_puts(w, tok);
}

void
jw_obj_open(struct jw *w)
{
	jw_open(w, 1, 0, "{");
}

void
jw_obj_open_inline(struct jw *w)
{
	jw_open(w, 1, 1, "{");
}

void
jw_obj_close(struct jw *w)
{
	jw_close(w, 1, "}");
}

void
jw_arr_open(struct jw *w)
{
	jw_open(w, 0, 0, "[");
}

void
jw_arr_open_inline(struct jw *w)
{
	jw_open(w, 0, 1, "[");
}

void
jw_arr_close(struct jw *w)
{
	jw_close(w, 0, "]");
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

static void
jw_escaped(struct jw *w, const char *s, size_t n)
{
	const unsigned char	*p = (const unsigned char *)s;
	const char		*special;
	char			 esc[8];
	size_t			 i, run, sl;

	special = w->html_safe ? "\"\\<>&='" : "\"\\";
	jw_put(w, "\"", 1);
	for (i = 0; i < n && !w->failed; ) {
		/* Copy the longest run that needs no escaping in one go. */
		for (run = i; run < n; run++) {
			if (p[run] < 0x20 || p[run] >= 0x80 ||
			    strchr(special, p[run]) != NULL)
				break;
		}
		if (run > i) {
			jw_put(w, s + i, run - i);
			i = run;
			continue;
		}
		if (p[i] >= 0x80) {
			if ((sl = utf8_seq_len(p + i, n - i)) == 0) {
				jw_puts(w, "\\ufffd");
				i++;
			} else if (sl == 3 && p[i] == 0xe2 &&
			    p[i + 1] == 0x80 &&
			    (p[i + 2] == 0xa8 || p[i + 2] == 0xa9)) {
				jw_puts(w, p[i + 2] == 0xa8 ?
				    "\\u2028" : "\\u2029");
				i += 3;
			} else {
				jw_put(w, s + i, sl);
				i += sl;
			}
			continue;
		}
		switch (p[i]) {
		case '"':
			jw_puts(w, "\\\"");
			break;
		case '\\':
			jw_puts(w, "\\\\");
			break;
		case '\n':
			jw_puts(w, "\\n");
			break;
		case '\r':
			jw_puts(w, "\\r");
			break;
		case '\t':
			jw_puts(w, "\\t");
			break;
		case '\b':
			jw_puts(w, "\\b");
			break;
		case '\f':
			jw_puts(w, "\\f");
			break;
		default:
			(void)snprintf(esc, sizeof(esc), "\\u%04x", p[i]);
			jw_puts(w, esc);
			break;
		}
		i++;
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
	jw_puts(w, w->pretty ? ": " : ":");
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

void
jw_int(struct jw *w, long long v)
{
	char	num[32];

	jw_before_value(w);
	(void)snprintf(num, sizeof(num), "%lld", v);
	jw_puts(w, num);
}

size_t
jw_format_double(char *buf, size_t len, double v)
{
	int	n, prec;

	if (!isfinite(v) || len < 2)
		return (0);
	if (v == 0.0)
		v = 0.0;	/* no "-0" */
	if (v == floor(v) && fabs(v) < 1e15) {
		n = snprintf(buf, len, "%.0f", v);
		return ((n < 0 || (size_t)n >= len) ? 0 : (size_t)n);
	}
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
	out = w->buf;
	if (lenp != NULL)
		*lenp = w->len;
	w->buf = NULL;
	w->len = w->cap = 0;
	return (out);
}
