/*
 * A shared read cache snapshot (lib/sheets/cache_snapshot.c) is bytes from
 * Redis that every worker parses: any bytes must be refused or taken
 * cleanly, without the per-reply cell cap a Sheets reply has.  What is
 * taken must encode and decode again to the same ranges, rows and text
 * (a worker adopting a snapshot reads what the refresher wrote).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cache_snapshot.h"
#include "fuzz_input.h"

static int
rows_equal(const struct sheets_value_row *a, const struct sheets_value_row *b)
{
	size_t	c;

	if (a->ncells != b->ncells)
		return (0);
	for (c = 0; c < a->ncells; c++)
		if (strcmp(a->cells[c], b->cells[c]) != 0)
			return (0);
	return (1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const struct sheets_limits	 lim = SHEETS_LIMITS_DEFAULT_INIT;
	struct sheets_value_ranges	 vrs, again;
	struct cache_snapshot_part	*parts;
	char				 err[256], *body, *out;
	size_t				 i, r, n;

	body = fuzz_cstring(data, len);
	if (cache_snapshot_decode(body, len, &lim, &vrs, err,
	    sizeof(err)) == -1) {
		free(body);
		return (0);
	}
	free(body);
	if ((parts = calloc(vrs.nranges + 1, sizeof(*parts))) == NULL)
		abort();
	for (i = 0; i < vrs.nranges; i++) {
		parts[i].range = vrs.ranges[i].range != NULL ?
		    vrs.ranges[i].range : "";
		parts[i].rows = vrs.ranges[i].rows;
		parts[i].nrows = vrs.ranges[i].nrows;
	}
	if ((out = cache_snapshot_encode(parts, vrs.nranges, SIZE_MAX,
	    &n)) == NULL)
		abort();
	if (cache_snapshot_decode(out, n, &lim, &again, err,
	    sizeof(err)) == -1 || again.nranges != vrs.nranges)
		abort();
	for (i = 0; i < vrs.nranges; i++) {
		if (again.ranges[i].range == NULL ||
		    strcmp(again.ranges[i].range, parts[i].range) != 0 ||
		    again.ranges[i].nrows != vrs.ranges[i].nrows)
			abort();
		for (r = 0; r < vrs.ranges[i].nrows; r++)
			if (!rows_equal(&again.ranges[i].rows[r],
			    &vrs.ranges[i].rows[r]))
				abort();
	}
	sheets_value_ranges_free(&again);
	sheets_value_ranges_free(&vrs);
	free(parts);
	free(out);
	return (0);
}
