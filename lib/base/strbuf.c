#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "strbuf.h"

void
strbuf_init(struct strbuf *b, size_t limit)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->limit = limit;
	b->overflow = 0;
}

void
strbuf_free(struct strbuf *b)
{
	free(b->data);
	strbuf_init(b, b->limit);
}

void
strbuf_appendf(struct strbuf *b, const char *fmt, ...)
{
	va_list	 ap;
	size_t	 need, ncap;
	char	*np;
	int	 n;

	if (b->overflow)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	need = b->len + (size_t)n + 1;
	if (need > b->limit) {
		b->overflow = 1;
		return;
	}
	if (need > b->cap) {
		ncap = b->cap ? b->cap : 4096;
		while (ncap < need)
			ncap *= 2;
		if (ncap > b->limit)
			ncap = b->limit;
		if ((np = realloc(b->data, ncap)) == NULL) {
			b->overflow = 1;
			return;
		}
		b->data = np;
		b->cap = ncap;
	}
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}
