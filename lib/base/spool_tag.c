/*
 * The spool tag rule and its lock-key form; see spool_tag.h.
 */
#include <string.h>

#include "spool_tag.h"
#include "utf8.h"

static const char	hex[] = "0123456789ABCDEF";

static int
is_blank(char c)
{
	return (c == ' ' || c == '\t');
}

/* Kept as it is in a key: what lock keys have always held, but "%". */
static int
key_safe(unsigned char c)
{
	return (c > 0x20 && c < 0x7f && c != '%');
}

int
spool_tag_valid(const char *s, size_t len)
{
	uint32_t	cp;
	size_t		i = 0, chars = 0;
	int		n;

	if (len == 0 || is_blank(s[0]) || is_blank(s[len - 1]))
		return (0);
	while (i < len) {
		if ((n = utf8_decode(s + i, len - i, &cp)) < 0 ||
		    cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ||
		    ++chars > SPOOL_TAG_CHARS)
			return (0);
		i += (size_t)n;
	}
	return (1);
}

int
spool_tag_canon(const char *s, size_t len, char *out, size_t outsz)
{
	if (outsz > 0)
		out[0] = '\0';
	while (len > 0 && is_blank(s[0])) {
		s++;
		len--;
	}
	while (len > 0 && is_blank(s[len - 1]))
		len--;
	if (!spool_tag_valid(s, len) || len >= outsz)
		return (-1);
	memcpy(out, s, len);
	out[len] = '\0';
	return (0);
}

long
spool_tag_encode(const char *tag, char *out, size_t outsz)
{
	const unsigned char	*p = (const unsigned char *)tag;
	size_t			 n = 0;

	if (outsz == 0)
		return (-1);
	out[0] = '\0';
	if (!spool_tag_valid(tag, strlen(tag)))
		return (-1);
	for (; *p != '\0'; p++) {
		if (key_safe(*p)) {
			if (outsz - n < 2)
				goto small;
			out[n++] = (char)*p;
		} else {
			if (outsz - n < 4)
				goto small;
			out[n++] = '%';
			out[n++] = hex[*p >> 4];
			out[n++] = hex[*p & 0x0f];
		}
	}
	out[n] = '\0';
	return ((long)n);

small:
	out[0] = '\0';
	return (-1);
}

static int
hex_digit(char c)
{
	const char	*at;

	/* Upper case only: the encoder's spelling is the only one. */
	if (c == '\0' || (at = strchr(hex, c)) == NULL)
		return (-1);
	return ((int)(at - hex));
}

int
spool_tag_decode(const char *s, size_t len, char *out, size_t outsz)
{
	size_t	i, n = 0;
	int	hi, lo, c;

	if (outsz > 0)
		out[0] = '\0';
	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == '%') {
			if (len - i < 3 || (hi = hex_digit(s[i + 1])) == -1 ||
			    (lo = hex_digit(s[i + 2])) == -1)
				goto bad;
			c = hi * 16 + lo;
			/* A safe byte spelled %XX is not the encoder's. */
			if (key_safe((unsigned char)c))
				goto bad;
			i += 2;
		} else if (!key_safe((unsigned char)c)) {
			goto bad;
		}
		if (n + 1 >= outsz)
			goto bad;
		out[n++] = (char)c;
	}
	if (!spool_tag_valid(out, n))
		goto bad;
	out[n] = '\0';
	return (0);

bad:
	if (outsz > 0)
		out[0] = '\0';
	return (-1);
}
