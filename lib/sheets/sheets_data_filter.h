/*
 * values.batchGetByDataFilter (notes/google-sheets-v4.md, A3): the POST
 * form of values.batchGet.  The ranges travel as A1 DataFilters in the
 * body, so a read of many ranges never makes a long URL (Google's front
 * ends refuse long ones; see SHEETS_URI_MAX in sheets_client.h).  It is
 * one read request toward quota, like the batchGet it stands for.
 *
 * Request:  {"dataFilters":[{"a1Range":"..."}...],
 *	      "majorDimension":"ROWS","valueRenderOption":"..."}
 * Response: {"spreadsheetId":"...","valueRanges":[{"valueRange":
 *	      {ValueRange},"dataFilters":[the filters it matched]}...]}
 *
 * Each answer is put back at the index of the range whose filter it
 * echoes, so the result reads exactly like a batchGet of the same ranges.
 */
#ifndef ZEUES_SHEETS_DATA_FILTER_H
#define ZEUES_SHEETS_DATA_FILTER_H

#include <stddef.h>

#include "sheets_codec.h"

/* value_render: "FORMATTED_VALUE" or "UNFORMATTED_VALUE". */
char	*sheets_encode_batch_get_by_filter(const char *const *ranges,
	    size_t nranges, const char *value_render, size_t *lenp, char *err,
	    size_t errsz);

/*
 * Fills out with one value range per requested range, in request order;
 * fails unless every range was answered and every answer names one.  The
 * reply is read by the batchGet's streaming parser, with its limits
 * (sheets_parse_filtered_reply() in sheets_codec.h).
 */
int	sheets_parse_batch_get_by_filter(const char *body, size_t len,
	    const struct sheets_limits *lim, const char *const *ranges,
	    size_t nranges, struct sheets_value_ranges *out, char *err,
	    size_t errsz);

#endif
