/*
 * The read cache's tables as bytes, to share one refresh through Redis
 * (sheets_cache.h, shared mode).  The bytes are a values.batchGet reply,
 * so a worker adopting a snapshot runs the very parser that takes Sheets'
 * own replies, with its limits (and its fuzz harness): bytes from Redis
 * are no more trusted than bytes from Google.  Each value range keeps the
 * range it answers as its "range": the sheet's name for a table, the
 * range asked for a rider's.
 */
#ifndef ZEUES_CACHE_SNAPSHOT_H
#define ZEUES_CACHE_SNAPSHOT_H

#include <stddef.h>

#include "sheets_codec.h"

/* One range of a snapshot: rows[0] is the header, as read. */
struct cache_snapshot_part {
	const char			*range;
	const struct sheets_value_row	*rows;
	size_t				 nrows;
};

/*
 * The encoded parts, NUL-terminated, in *len bytes (without the NUL);
 * NULL when out of memory or past max_bytes (then *len is how far it got).
 */
char	*cache_snapshot_encode(const struct cache_snapshot_part *parts,
	    size_t nparts, size_t max_bytes, size_t *len);

/*
 * The value ranges of a snapshot, in their order, under lim (the reply
 * cap per call does not apply: a snapshot may hold several pieces).
 * Returns -1 with err set; out is then empty.
 */
int	cache_snapshot_decode(const char *bytes, size_t len,
	    const struct sheets_limits *lim, struct sheets_value_ranges *out,
	    char *err, size_t errsz);

#endif
