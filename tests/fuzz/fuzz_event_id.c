/*
 * Last-Event-ID / event ids (lib/base/event_id.c): exactly len bytes are read,
 * and an id that parses formats back to the same bytes.
 */
#include <stdint.h>
#include <string.h>

#include "event_id.h"
#include "fuzz_input.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct event_id	 id, again;
	char		 buf[EVENT_ID_TEXT_MAX];
	char		*s;
	int		 n;

	/* No terminator: the header value is a length, not a C string. */
	if ((s = malloc(len ? len : 1)) == NULL)
		abort();
	memcpy(s, data, len);
	if (event_id_parse(s, len, &id) == 0) {
		n = event_id_format(&id, buf, sizeof(buf));
		if (n < 0 || (size_t)n != len || memcmp(buf, s, len) != 0)
			abort();
		if (event_id_parse(buf, (size_t)n, &again) == -1 ||
		    event_id_cmp(&id, &again) != 0)
			abort();
	}
	free(s);
	return (0);
}
