/*
 * A1 notation (lib/sheets/a1.c): parsing a range as the API echoes it, and the
 * round trip: whatever parses must format back and parse to the same.
 */
#include <stdint.h>
#include <string.h>

#include "a1.h"
#include "fuzz_input.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct a1_range	 r, again;
	char		 buf[1024], col[A1_COLUMN_SIZE];
	char		*s;
	unsigned int	 c;

	s = fuzz_cstring(data, len);
	if ((c = a1_column_index(s)) != 0) {
		if (a1_column_letters(c, col, sizeof(col)) == -1 ||
		    a1_column_index(col) != c)
			abort();
	}
	(void)a1_quote_sheet(s, buf, sizeof(buf));
	if (a1_parse_range(s, &r) == 0 && r.sheet[0] != '\0' &&
	    a1_format_range(buf, sizeof(buf), r.sheet,
	    r.has_area ? &r.area : NULL) == 0) {
		if (a1_parse_range(buf, &again) == -1 ||
		    strcmp(again.sheet, r.sheet) != 0 ||
		    again.has_area != r.has_area ||
		    (r.has_area && memcmp(&again.area, &r.area,
		    sizeof(r.area)) != 0))
			abort();
	}
	free(s);
	return (0);
}
