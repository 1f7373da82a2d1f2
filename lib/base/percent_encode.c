/*
 * Percent-encoding of one URL component; see percent_encode.h.
 */
#include "percent_encode.h"

static int
is_unreserved(unsigned char c)
{
	return ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	    c == '~');
}

long
percent_encode(const char *in, char *out, size_t outsz)
{
	static const char	 hex[] = "0123456789ABCDEF";
	const unsigned char	*p;
	size_t			 n = 0;

	if (outsz == 0)
		return (-1);

	for (p = (const unsigned char *)in; *p != '\0'; p++) {
		if (is_unreserved(*p)) {
			if (outsz - n < 2)
				goto truncated;
			out[n++] = (char)*p;
		} else {
			if (outsz - n < 4)
				goto truncated;
			out[n++] = '%';
			out[n++] = hex[*p >> 4];
			out[n++] = hex[*p & 0x0f];
		}
	}
	out[n] = '\0';
	return ((long)n);

truncated:
	out[0] = '\0';
	return (-1);
}
