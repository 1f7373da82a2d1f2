/*
 * Strict UTF-8; see utf8.h.
 */
#include <stdlib.h>
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
	uint64_t	w;
	uint32_t	cp;
	size_t		i = 0;
	int		n;

	while (i < len) {
		/* Whole sheets pass through here: ASCII goes 8 bytes a step. */
		if (len - i >= sizeof(w)) {
			memcpy(&w, s + i, sizeof(w));
			if ((w & 0x8080808080808080ULL) == 0) {
				i += sizeof(w);
				continue;
			}
		}
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		if ((n = utf8_decode(s + i, len - i, &cp)) < 0)
			return (0);
		i += (size_t)n;
	}
	return (1);
}

/*
 * Bytes of the maximal subpart at p (Unicode 15, section 3.9): the longest
 * start of a well-formed sequence there, or 1.  p starts no character.
 */
static size_t
bad_subpart(const unsigned char *p, size_t len)
{
	unsigned char	lo = 0x80, hi = 0xbf;
	size_t		need, i;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		need = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		need = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		need = 4;
	else
		return (1);
	if (p[0] == 0xe0)
		lo = 0xa0;	/* overlong below */
	else if (p[0] == 0xed)
		hi = 0x9f;	/* surrogates above */
	else if (p[0] == 0xf0)
		lo = 0x90;	/* overlong below */
	else if (p[0] == 0xf4)
		hi = 0x8f;	/* past U+10FFFF above */
	for (i = 1; i < need && i < len; i++) {
		if (p[i] < lo || p[i] > hi)
			break;
		lo = 0x80;
		hi = 0xbf;
	}
	return (i);
}

char *
utf8_sanitize(const char *s, size_t len, size_t *outlen)
{
	static const char	 fffd[] = "\xef\xbf\xbd";
	uint32_t		 cp;
	size_t			 i = 0, n = 0;
	char			*out;
	int			 k;

	/* At worst every byte becomes three. */
	if (len > (SIZE_MAX - 1) / 3 || (out = malloc(len * 3 + 1)) == NULL)
		return (NULL);
	while (i < len) {
		if ((k = utf8_decode(s + i, len - i, &cp)) > 0) {
			memcpy(out + n, s + i, (size_t)k);
			n += (size_t)k;
			i += (size_t)k;
		} else {
			memcpy(out + n, fffd, 3);
			n += 3;
			i += bad_subpart((const unsigned char *)s + i, len - i);
		}
	}
	out[n] = '\0';
	if (outlen != NULL)
		*outlen = n;
	return (out);
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
