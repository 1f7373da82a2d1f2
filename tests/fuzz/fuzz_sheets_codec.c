/*
 * The Sheets response parsers (lib/sheets/sheets_codec.c) through their public
 * entry points only, so the file stays thin when the parsing behind them
 * changes.  The first byte picks the response kind.  The body gets the NUL
 * after it that the HTTP client guarantees (http_client.h) and today's
 * parsers rely on (json_tree.h).
 */
#include <stdint.h>

#include "fuzz_input.h"
#include "sheets_codec.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const struct sheets_limits		lim = SHEETS_LIMITS_DEFAULT_INIT;
	struct sheets_value_ranges		vrs;
	struct sheets_batch_update_result	bur;
	struct sheets_append_result		ar;
	struct sheets_spreadsheet		ss;
	char					err[256];
	char					*body;

	if (len == 0)
		return (0);
	len--;
	body = fuzz_cstring(data + 1, len);

	switch (data[0] % 4) {
	case 0:
		if (sheets_parse_batch_get(body, len, &lim, &vrs, err,
		    sizeof(err)) == 0)
			sheets_value_ranges_free(&vrs);
		break;
	case 1:
		if (sheets_parse_batch_update(body, len, &lim, &bur, err,
		    sizeof(err)) == 0)
			sheets_batch_update_result_free(&bur);
		break;
	case 2:
		if (sheets_parse_append(body, len, &ar, err,
		    sizeof(err)) == 0)
			sheets_append_result_free(&ar);
		break;
	default:
		if (sheets_parse_spreadsheet(body, len, &ss, err,
		    sizeof(err)) == 0) {
			(void)sheets_spreadsheet_find(&ss, "Operaciones");
			sheets_spreadsheet_free(&ss);
		}
		break;
	}
	free(body);
	return (0);
}
