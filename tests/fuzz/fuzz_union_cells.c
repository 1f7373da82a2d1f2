/*
 * Union cells as people type them (lib/floor/union_cells.c): a DN that
 * parses is in range and formats back to the same thousandths; an
 * N_UNION or Total_Uniones that parses is in range; a type is one of the
 * kinds whatever the bytes.
 */
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_input.h"
#include "union_cells.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char	*s, buf[UNION_NUMBER_MAX];
	long	 dn, total;
	int	 n;

	s = fuzz_cstring(data, len);
	if ((dn = union_dn_parse(s)) != -1) {
		if (dn <= 0 || dn > (long)(UNION_DN_MAX * 1000))
			abort();
		union_number_format(dn, 3, buf);
		if (union_dn_parse(buf) != dn)
			abort();
	}
	n = union_n_parse(s);
	if (n != -1 && (n < 1 || n > UNION_N_MAX))
		abort();
	total = union_total_parse(s);
	if (total != -1 && (total < 0 || total > UNION_TOTAL_MAX))
		abort();
	if ((unsigned int)union_tipo_parse(s) > UNION_TIPO_OTRO)
		abort();
	free(s);
	return (0);
}
