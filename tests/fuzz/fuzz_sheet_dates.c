/*
 * Dates as people type them into the workbook (lib/base/sheet_dates.c): what
 * parses is a real date, and formats and parses back to the same day.
 */
#include <stdint.h>
#include <string.h>

#include "fuzz_input.h"
#include "sheet_dates.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct civil_time	 t, again;
	char			 buf[SHEET_TIMESTAMP_LEN];
	char			*s;

	s = fuzz_cstring(data, len);
	if (sheet_date_parse(s, &t) == 0) {
		if (!civil_valid(&t))
			abort();
		sheet_timestamp_format(&t, buf);
		if (sheet_date_parse(buf, &again) == -1 ||
		    again.year != t.year || again.month != t.month ||
		    again.day != t.day)
			abort();
	}
	if (api_date_parse(s, &t) == 0) {
		api_date_format(&t, buf);
		if (strcmp(buf, s) != 0)
			abort();
	}
	free(s);
	return (0);
}
