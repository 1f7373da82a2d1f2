/*
 * base64url without padding; see base64url.h.
 */
#include <stdint.h>

#include "base64url.h"

static const char	alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

long
base64url_encode(const void *in, size_t len, char *out, size_t outsz)
{
	const unsigned char	*p = in;
	size_t			 need, i, n = 0;
	uint32_t		 v;

	if (len > (SIZE_MAX / 4) * 3 - 3)
		return (-1);
	need = BASE64URL_ENCODED_LEN(len);
	if (need >= outsz)
		return (-1);

	for (i = 0; i + 3 <= len; i += 3) {
		v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		out[n++] = alphabet[(v >> 18) & 0x3f];
		out[n++] = alphabet[(v >> 12) & 0x3f];
		out[n++] = alphabet[(v >> 6) & 0x3f];
		out[n++] = alphabet[v & 0x3f];
	}

	switch (len - i) {
	case 1:
		v = (uint32_t)p[i] << 16;
		out[n++] = alphabet[(v >> 18) & 0x3f];
		out[n++] = alphabet[(v >> 12) & 0x3f];
		break;
	case 2:
		v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;
		out[n++] = alphabet[(v >> 18) & 0x3f];
		out[n++] = alphabet[(v >> 12) & 0x3f];
		out[n++] = alphabet[(v >> 6) & 0x3f];
		break;
	default:
		break;
	}
	out[n] = '\0';
	return ((long)n);
}

/* Returns the 6-bit value of c, or -1 outside the alphabet. */
static int
sextet(char c)
{
	if (c >= 'A' && c <= 'Z')
		return (c - 'A');
	if (c >= 'a' && c <= 'z')
		return (c - 'a' + 26);
	if (c >= '0' && c <= '9')
		return (c - '0' + 52);
	if (c == '-')
		return (62);
	if (c == '_')
		return (63);
	return (-1);
}

long
base64url_decode(const char *in, size_t len, void *out, size_t outsz)
{
	unsigned char	*o = out;
	size_t		 need, i, n = 0, tail;
	uint32_t	 v = 0;
	int		 s;

	tail = len % 4;
	if (tail == 1)
		return (-1);
	need = (len / 4) * 3 + (tail == 0 ? 0 : tail - 1);
	if (need > outsz)
		return (-1);

	for (i = 0; i < len; i++) {
		if ((s = sextet(in[i])) == -1)
			return (-1);
		v = v << 6 | (uint32_t)s;
		if (i % 4 == 3) {
			o[n++] = (unsigned char)(v >> 16);
			o[n++] = (unsigned char)(v >> 8);
			o[n++] = (unsigned char)v;
			v = 0;
		}
	}

	switch (tail) {
	case 2:
		/* 12 bits: one byte and 4 bits that must be zero. */
		if (v & 0x0f)
			return (-1);
		o[n++] = (unsigned char)(v >> 4);
		break;
	case 3:
		/* 18 bits: two bytes and 2 bits that must be zero. */
		if (v & 0x03)
			return (-1);
		o[n++] = (unsigned char)(v >> 10);
		o[n++] = (unsigned char)(v >> 2);
		break;
	default:
		break;
	}
	return ((long)n);
}
