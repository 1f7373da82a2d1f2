#include <ctype.h>
#include <string.h>

#include "query_string.h"

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	return (-1);
}

int
url_decode(const char *s, const char *e, int plus_is_space, char *out,
    size_t outlen)
{
	size_t	n = 0;
	int	hi, lo, c;

	for (; s < e; s++) {
		c = (unsigned char)*s;
		if (c == '%') {
			if (e - s < 3 || (hi = hexval(s[1])) == -1 ||
			    (lo = hexval(s[2])) == -1)
				return (-1);
			c = hi * 16 + lo;
			s += 2;
		} else if (c == '+' && plus_is_space) {
			c = ' ';
		}
		if (c == 0 || n + 1 >= outlen)
			return (-1);
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return (0);
}

enum query_result
query_param(const char *qs, const char *name, char *out, size_t outlen)
{
	const char	*p, *amp, *eq;
	size_t		 nlen = strlen(name);

	if (outlen == 0)
		return (QUERY_INVALID);
	out[0] = '\0';
	if (qs == NULL)
		return (QUERY_ABSENT);
	for (p = qs; *p != '\0'; p = *amp != '\0' ? amp + 1 : amp) {
		if ((amp = strchr(p, '&')) == NULL)
			amp = p + strlen(p);
		eq = memchr(p, '=', (size_t)(amp - p));
		if ((size_t)((eq != NULL ? eq : amp) - p) != nlen ||
		    strncmp(p, name, nlen) != 0)
			continue;
		if (eq == NULL)
			return (QUERY_FOUND);
		return (url_decode(eq + 1, amp, 1, out, outlen) == 0 ? QUERY_FOUND :
		    QUERY_INVALID);
	}
	return (QUERY_ABSENT);
}
