/*
 * Request heads as they arrive from the socket (lib/http/http_head.c), read
 * in place: the buffer is libFuzzer's own, exactly len bytes and not
 * NUL-terminated, so any read past it is caught.  A head found must lie
 * inside the buffer, and a field's value inside the head.
 */
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_input.h"
#include "http_head.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const char	*base = (const char *)data, *v;
	size_t		 head, vlen;
	uint64_t	 length;

	head = http_head_length(data, len);
	if (head > len)
		abort();
	if (http_head_field(data, len, "content-length", &v, &vlen) > 0 &&
	    (head == 0 || v < base || v + vlen > base + head))
		abort();
	switch (http_head_declared_body(data, len, &length)) {
	case HTTP_HEAD_PARTIAL:
		if (head != 0)
			abort();
		break;
	case HTTP_HEAD_NO_BODY:
	case HTTP_HEAD_DECLARED:
	case HTTP_HEAD_UNCLEAR:
		if (head == 0)
			abort();
		break;
	default:
		abort();
	}
	return (0);
}
