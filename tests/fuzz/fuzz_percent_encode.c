/*
 * percent_encode (lib/base/percent_encode.c): the output holds only unreserved
 * characters and escapes, and decodes back to the input.
 */
#include <stdint.h>
#include <string.h>

#include "fuzz_input.h"
#include "percent_encode.h"
#include "query_string.h"

#define OUT_MAX	(3 * 4096 + 1)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static char	 enc[OUT_MAX], dec[4097];
	char		*s;
	size_t		 outsz, i;
	long		 n;

	if (len == 0 || len > 4097)
		return (0);
	/* The first byte sizes the output: too small must fail cleanly. */
	outsz = data[0] == 0 ? sizeof(enc) : data[0];
	s = fuzz_cstring(data + 1, len - 1);
	n = percent_encode(s, enc, outsz);
	if (n == -1) {
		if (enc[0] != '\0')
			abort();
	} else {
		if ((size_t)n >= outsz || enc[n] != '\0')
			abort();
		for (i = 0; i < (size_t)n; i++)
			if (strchr("/?#&=+' !:", enc[i]) != NULL)
				abort();
		if (url_decode(enc, enc + n, 0, dec, sizeof(dec)) == -1 ||
		    strcmp(dec, s) != 0)
			abort();
	}
	free(s);
	return (0);
}
