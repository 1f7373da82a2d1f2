/*
 * The read cache's tables as a batchGet reply; see cache_snapshot.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache_snapshot.h"
#include "json_out.h"

char *
cache_snapshot_encode(const struct cache_snapshot_part *parts, size_t nparts,
    size_t max_bytes, size_t *len)
{
	yajl_gen		 g;
	const struct sheets_value_row *row;
	const char		*text;
	char			*out = NULL;
	size_t			 i, r, c, n;

	*len = 0;
	if ((g = json_out_new()) == NULL)
		return (NULL);
	yajl_gen_map_open(g);
	json_key(g, "valueRanges");
	yajl_gen_array_open(g);
	for (i = 0; i < nparts; i++) {
		yajl_gen_map_open(g);
		json_kstr(g, "range", parts[i].range);
		json_key(g, "values");
		yajl_gen_array_open(g);
		for (r = 0; r < parts[i].nrows; r++) {
			row = &parts[i].rows[r];
			yajl_gen_array_open(g);
			for (c = 0; c < row->ncells; c++)
				json_str(g, row->cells[c]);
			yajl_gen_array_close(g);
		}
		yajl_gen_array_close(g);
		yajl_gen_map_close(g);
		/* Stop early rather than build what will be refused. */
		(void)json_out_text(g, &n);
		if (n > max_bytes) {
			*len = n;
			yajl_gen_free(g);
			return (NULL);
		}
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	text = json_out_text(g, &n);
	*len = n;
	if (text != NULL && n <= max_bytes && (out = malloc(n + 1)) != NULL) {
		memcpy(out, text, n);
		out[n] = '\0';
	}
	yajl_gen_free(g);
	return (out);
}

int
cache_snapshot_decode(const char *bytes, size_t len,
    const struct sheets_limits *lim, struct sheets_value_ranges *out,
    char *err, size_t errsz)
{
	struct sheets_limits	l = *lim;

	memset(out, 0, sizeof(*out));
	l.max_cells = 0;
	if (sheets_parse_batch_get(bytes, len, &l, out, err, errsz) == -1) {
		sheets_value_ranges_free(out);
		return (-1);
	}
	return (0);
}
