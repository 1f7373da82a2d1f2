#include <string.h>
#include <strings.h>

#include "http_head.h"
#include "nelem.h"

size_t
http_head_length(const void *buf, size_t len)
{
	const char	*p = buf, *end;

	if ((end = memmem(p, len, "\r\n\r\n", 4)) != NULL)
		return ((size_t)(end - p) + 4);
	if ((end = memmem(p, len, "\n\n", 2)) != NULL)
		return ((size_t)(end - p) + 2);
	return (0);
}

static int
is_eol(char ch)
{
	return (ch == '\r' || ch == '\n');
}

/* The next line at or after *off, skipping empty ones; 0 at the end. */
static size_t
next_line(const char *p, size_t len, size_t *off, const char **line)
{
	size_t	start, i;

	for (i = *off; i < len && is_eol(p[i]); i++)
		;
	for (start = i; i < len && !is_eol(p[i]); i++)
		;
	*off = i;
	*line = p + start;
	return (i - start);
}

int
http_head_field(const void *buf, size_t len, const char *name,
    const char **value, size_t *vlen)
{
	const char	*p = buf, *line;
	size_t		 head, off = 0, n, nlen = strlen(name), i;
	int		 found = 0;

	if ((head = http_head_length(buf, len)) == 0)
		return (0);
	/* The request line. */
	(void)next_line(p, head, &off, &line);
	while ((n = next_line(p, head, &off, &line)) > 0) {
		if (n <= nlen || line[nlen] != ':' ||
		    strncasecmp(line, name, nlen) != 0)
			continue;
		if (found++ > 0)
			continue;
		for (i = nlen + 1; i < n && (line[i] == ' ' ||
		    line[i] == '\t'); i++)
			;
		*value = line + i;
		*vlen = n - i;
	}
	return (found);
}

/* Kore's methods with a body (http_request_new), by its first word. */
static int
body_method(const char *p, size_t len)
{
	static const char	*methods[] = { "POST ", "PUT ", "PATCH " };
	size_t			 i, off = 0, n, mlen;
	const char		*line;

	n = next_line(p, len, &off, &line);
	/* Kore splits the request line at each space, skipping empty words. */
	while (n > 0 && *line == ' ') {
		line++;
		n--;
	}
	for (i = 0; i < NELEM(methods); i++) {
		mlen = strlen(methods[i]);
		if (n >= mlen && strncasecmp(line, methods[i], mlen) == 0)
			return (1);
	}
	return (0);
}

enum http_head_body
http_head_declared_body(const void *buf, size_t len, uint64_t *length)
{
	const char	*v;
	size_t		 head, vlen, i;
	uint64_t	 n = 0;
	unsigned int	 d;

	if ((head = http_head_length(buf, len)) == 0)
		return (HTTP_HEAD_PARTIAL);
	if (!body_method(buf, head))
		return (HTTP_HEAD_NO_BODY);
	switch (http_head_field(buf, head, "content-length", &v, &vlen)) {
	case 0:
		return (HTTP_HEAD_NO_BODY);
	case 1:
		break;
	default:
		return (HTTP_HEAD_UNCLEAR);
	}
	if (vlen == 0)
		return (HTTP_HEAD_UNCLEAR);
	for (i = 0; i < vlen; i++) {
		if (v[i] < '0' || v[i] > '9')
			return (HTTP_HEAD_UNCLEAR);
		d = (unsigned int)(v[i] - '0');
		n = n > (UINT64_MAX - d) / 10 ? UINT64_MAX : n * 10 + d;
	}
	*length = n;
	return (HTTP_HEAD_DECLARED);
}
