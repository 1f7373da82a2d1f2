#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <openssl/rand.h>

#include "uuid4.h"

int
uuid4_generate(char out[UUID4_STRLEN])
{
	unsigned char	b[16];

	if (RAND_bytes(b, sizeof(b)) != 1)
		return (-1);
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	snprintf(out, UUID4_STRLEN,
	    "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4], b[5],
	    b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
	return (0);
}

int
uuid4_valid(const char *s)
{
	size_t	i;

	if (strlen(s) != UUID4_STRLEN - 1)
		return (0);
	for (i = 0; i < UUID4_STRLEN - 1; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return (0);
		} else if (!isxdigit((unsigned char)s[i])) {
			return (0);
		}
	}
	return (1);
}
