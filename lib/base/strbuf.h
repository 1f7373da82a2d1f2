/* A growable text buffer with a hard cap, for Prometheus text and such. */
#ifndef ZEUES_STRBUF_H
#define ZEUES_STRBUF_H

#include <stddef.h>

struct strbuf {
	char	*data;
	size_t	 len;
	size_t	 cap;
	size_t	 limit;
	int	 overflow;	/* an append did not fit under limit */
};

void	strbuf_init(struct strbuf *, size_t limit);
void	strbuf_free(struct strbuf *);
void	strbuf_appendf(struct strbuf *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
