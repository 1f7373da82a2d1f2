/*
 * Query string parsing.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "query.h"

static int
hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return (ch - '0');
	ch = tolower(ch);
	if (ch >= 'a' && ch <= 'f')
		return (ch - 'a' + 10);
	return (-1);
}

int
percent_decode(const char *s, size_t len, int plus_is_space, char *out,
    size_t outlen)
{
	size_t	i, o = 0;
	int	hi, lo;

	if (outlen == 0)
		return (-1);
	for (i = 0; i < len; i++) {
		if (o + 1 >= outlen)
			return (-1);
		if (s[i] == '%') {
			if (i + 2 >= len)
				return (-1);
			hi = hexval((unsigned char)s[i + 1]);
			lo = hexval((unsigned char)s[i + 2]);
			if (hi == -1 || lo == -1 || (hi == 0 && lo == 0))
				return (-1);
			out[o++] = (char)(hi * 16 + lo);
			i += 2;
		} else if (s[i] == '+' && plus_is_space) {
			out[o++] = ' ';
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	return ((int)o);
}

static char *
decode_dup(const char *s, size_t len)
{
	char	*out;

	if ((out = malloc(len + 1)) == NULL)
		return (NULL);
	if (percent_decode(s, len, 1, out, len + 1) == -1) {
		free(out);
		return (NULL);
	}
	return (out);
}

void
query_free(struct query *q)
{
	size_t	i;

	for (i = 0; i < q->n; i++) {
		free(q->params[i].key);
		free(q->params[i].value);
	}
	free(q->params);
	q->params = NULL;
	q->n = 0;
}

int
query_parse(struct query *q, const char *text, size_t len)
{
	const char	*p, *end, *amp, *eq;
	size_t		 count = 0, i;

	memset(q, 0, sizeof(*q));
	if (text == NULL || len == 0)
		return (0);
	for (i = 0; i < len; i++) {
		if (text[i] == '&')
			count++;
	}
	if (++count > QUERY_PARAMS_MAX)
		return (-1);
	if ((q->params = calloc(count, sizeof(*q->params))) == NULL)
		return (-1);

	for (p = text, end = text + len; p < end;
	    p = amp < end ? amp + 1 : end) {
		if ((amp = memchr(p, '&', (size_t)(end - p))) == NULL)
			amp = end;
		if (amp == p)
			continue;
		if ((eq = memchr(p, '=', (size_t)(amp - p))) == NULL)
			eq = amp;
		q->params[q->n].key = decode_dup(p, (size_t)(eq - p));
		q->params[q->n].value = eq < amp ?
		    decode_dup(eq + 1, (size_t)(amp - eq - 1)) :
		    decode_dup("", 0);
		q->n++;
		if (q->params[q->n - 1].key == NULL ||
		    q->params[q->n - 1].value == NULL) {
			query_free(q);
			return (-1);
		}
	}
	return (0);
}

const char *
query_get(const struct query *q, const char *key)
{
	size_t	i;

	for (i = 0; i < q->n; i++) {
		if (strcmp(q->params[i].key, key) == 0)
			return (q->params[i].value);
	}
	return (NULL);
}
