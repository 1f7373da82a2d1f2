/*
 * Strict UTF-8; see utf8.h.
 */
#include <string.h>

#include "utf8.h"

int
utf8_decode(const char *s, size_t len, uint32_t *cp)
{
	const unsigned char	*p = (const unsigned char *)s;
	uint32_t		 c, min;
	size_t			 n, i;

	if (len == 0)
		return (-1);
	if (p[0] < 0x80) {
		*cp = p[0];
		return (1);
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2;
		c = p[0] & 0x1f;
		min = 0x80;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		c = p[0] & 0x0f;
		min = 0x800;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		c = p[0] & 0x07;
		min = 0x10000;
	} else {
		/* 80..BF continuation, C0/C1 always overlong, F5.. too big. */
		return (-1);
	}
	if (len < n)
		return (-1);
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return (-1);
		c = (c << 6) | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return (-1);
	*cp = c;
	return ((int)n);
}

int
utf8_valid(const char *s, size_t len)
{
	uint32_t	cp;
	size_t		i = 0;
	int		n;

	while (i < len) {
		if ((n = utf8_decode(s + i, len - i, &cp)) < 0)
			return (0);
		i += (size_t)n;
	}
	return (1);
}

int
utf8_has_control(const char *s, size_t len)
{
	uint32_t	cp;
	size_t		i = 0;
	int		n;

	while (i < len) {
		if ((n = utf8_decode(s + i, len - i, &cp)) < 0)
			return (1);	/* not text at all: refuse it too */
		if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
			return (1);
		i += (size_t)n;
	}
	return (0);
}

int
utf8_copy(char *dst, size_t dstsz, const char *src)
{
	const unsigned char	*p = (const unsigned char *)src;
	size_t			 len = strlen(src);

	if (len < dstsz) {
		memcpy(dst, src, len + 1);
		return (0);
	}
	/* Back up over continuation bytes to the start of a character. */
	len = dstsz - 1;
	while (len > 0 && (p[len] & 0xc0) == 0x80)
		len--;
	memcpy(dst, src, len);
	dst[len] = '\0';
	return (-1);
}
