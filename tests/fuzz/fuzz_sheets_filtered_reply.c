/*
 * The values.batchGetByDataFilter reply (sheets_parse_filtered_reply in
 * lib/sheets/sheets_codec.h): the group commit's verification read when
 * its ranges would not fit a URL.  Its own harness, so the corpus of
 * fuzz_sheets_codec keeps reaching the parsers it reached.  The streaming
 * parser needs no NUL, so the body gets none: a read past its end is one
 * ASan sees.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_input.h"
#include "sheets_codec.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const struct sheets_limits	lim = SHEETS_LIMITS_DEFAULT_INIT;
	struct sheets_value_ranges	vrs;
	struct sheets_filter_echo	echo;
	char				err[256];
	char				*body;

	if ((body = malloc(len > 0 ? len : 1)) == NULL)
		abort();
	memcpy(body, data, len);
	if (sheets_parse_filtered_reply(body, len, &lim, &vrs, &echo, err,
	    sizeof(err)) == 0) {
		sheets_value_ranges_free(&vrs);
		sheets_filter_echo_free(&echo);
	}
	free(body);
	return (0);
}
