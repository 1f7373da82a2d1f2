/*
 * The query-string and percent decoders (lib/base/query_string.c): a parameter
 * looked up in arbitrary text, and url_decode on arbitrary bytes, in both
 * modes and with output buffers from tiny to roomy.
 */
#include <stdint.h>
#include <string.h>

#include "fuzz_input.h"
#include "query_string.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const char	*names[] = { "operacion", "tag_spool", "a", "" };
	char			 out[256];
	char			*s;
	size_t			 outlen, n;
	int			 r;

	if (len == 0)
		return (0);
	outlen = (size_t)(data[0] % sizeof(out)) + 1;
	s = fuzz_cstring(data + 1, len - 1);
	n = len - 1;

	r = url_decode(s, s + n, data[0] & 1, out, outlen);
	if (r != -1 && memchr(out, '\0', outlen) == NULL)
		abort();
	if (query_param(s, names[data[0] % 4], out, outlen) == QUERY_FOUND &&
	    memchr(out, '\0', outlen) == NULL)
		abort();
	free(s);
	return (0);
}
