/*
 * values.batchGetByDataFilter bodies; see sheets_data_filter.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_gen.h>

#include "sheets_data_filter.h"

#define GEN_OK(x)	((x) == yajl_gen_status_ok)

static int
gen_str(yajl_gen g, const char *s)
{
	return (GEN_OK(yajl_gen_string(g, (const unsigned char *)s,
	    strlen(s))));
}

char *
sheets_encode_batch_get_by_filter(const char *const *ranges, size_t nranges,
    const char *value_render, size_t *lenp, char *err, size_t errsz)
{
	const unsigned char	*buf;
	yajl_gen		 g;
	size_t			 len, i;
	char			*out = NULL;
	int			 ok;

	if ((g = yajl_gen_alloc(NULL)) == NULL) {
		snprintf(err, errsz, "out of memory");
		return (NULL);
	}
	(void)yajl_gen_config(g, yajl_gen_validate_utf8, 1);
	ok = GEN_OK(yajl_gen_map_open(g)) && gen_str(g, "dataFilters") &&
	    GEN_OK(yajl_gen_array_open(g));
	for (i = 0; ok && i < nranges; i++)
		ok = GEN_OK(yajl_gen_map_open(g)) && gen_str(g, "a1Range") &&
		    gen_str(g, ranges[i]) && GEN_OK(yajl_gen_map_close(g));
	ok = ok && GEN_OK(yajl_gen_array_close(g)) &&
	    gen_str(g, "majorDimension") && gen_str(g, "ROWS") &&
	    gen_str(g, "valueRenderOption") && gen_str(g, value_render) &&
	    GEN_OK(yajl_gen_map_close(g)) &&
	    GEN_OK(yajl_gen_get_buf(g, &buf, &len));
	if (!ok)
		snprintf(err, errsz, "batchGetByDataFilter: range %zu is not "
		    "valid UTF-8", i > 0 ? i - 1 : 0);
	else if ((out = malloc(len + 1)) == NULL)
		snprintf(err, errsz, "out of memory");
	else {
		memcpy(out, buf, len);
		out[len] = '\0';
		*lenp = len;
	}
	yajl_gen_free(g);
	return (out);
}

/* A deep copy, for a range asked twice and answered once. */
static int
value_range_copy(struct sheets_value_range *dst,
    const struct sheets_value_range *src)
{
	size_t	r, c;

	memset(dst, 0, sizeof(*dst));
	if ((dst->range = strdup(src->range)) == NULL)
		return (-1);
	if (src->nrows > 0 && (dst->rows = calloc(src->nrows,
	    sizeof(*dst->rows))) == NULL)
		return (-1);
	for (r = 0; r < src->nrows; r++) {
		dst->nrows = r + 1;
		if (src->rows[r].ncells > 0 && (dst->rows[r].cells =
		    calloc(src->rows[r].ncells, sizeof(char *))) == NULL)
			return (-1);
		for (c = 0; c < src->rows[r].ncells; c++) {
			if ((dst->rows[r].cells[c] =
			    strdup(src->rows[r].cells[c])) == NULL)
				return (-1);
			dst->rows[r].ncells = c + 1;
		}
	}
	return (0);
}

/* The first requested range named a1 that no answer has taken yet. */
static long
request_index(const char *const *ranges, size_t nranges, const char *filled,
    const char *a1)
{
	size_t	k;

	for (k = 0; k < nranges; k++) {
		if (!filled[k] && strcmp(ranges[k], a1) == 0)
			return ((long)k);
	}
	return (-1);
}

/*
 * Puts answer i (parsed into *vr) at the index of every range its filters
 * name: moved to the first, copied to the others.
 */
static int
take_answer(struct sheets_value_range *vr,
    const struct sheets_filter_answer *a, size_t i,
    const char *const *ranges, size_t nranges, char *filled,
    struct sheets_value_ranges *out, char *err, size_t errsz)
{
	size_t	j;
	long	k, first = -1;

	for (j = 0; j < a->na1; j++) {
		if ((k = request_index(ranges, nranges, filled,
		    a->a1[j])) == -1)
			continue;
		filled[k] = 1;
		if (first == -1) {
			out->ranges[k] = *vr;
			memset(vr, 0, sizeof(*vr));
			first = k;
		} else if (value_range_copy(&out->ranges[k],
		    &out->ranges[first]) == -1) {
			snprintf(err, errsz, "out of memory");
			return (-1);
		}
	}
	if (first == -1) {
		snprintf(err, errsz, "valueRanges[%zu]: matches no range "
		    "asked for", i);
		return (-1);
	}
	return (0);
}

int
sheets_parse_batch_get_by_filter(const char *body, size_t len,
    const struct sheets_limits *lim, const char *const *ranges,
    size_t nranges, struct sheets_value_ranges *out, char *err, size_t errsz)
{
	struct sheets_value_ranges	answers;
	struct sheets_filter_echo	echo;
	char				*filled = NULL;
	size_t				 i;

	memset(out, 0, sizeof(*out));
	if (nranges > lim->max_ranges) {
		snprintf(err, errsz, "batchGetByDataFilter: more than %zu "
		    "value ranges", lim->max_ranges);
		return (-1);
	}
	if (sheets_parse_filtered_reply(body, len, lim, &answers, &echo, err,
	    errsz) == -1)
		return (-1);
	if (nranges > 0 && ((out->ranges = calloc(nranges,
	    sizeof(*out->ranges))) == NULL ||
	    (filled = calloc(nranges, 1)) == NULL)) {
		snprintf(err, errsz, "out of memory");
		goto fail;
	}
	out->nranges = nranges;
	for (i = 0; i < answers.nranges; i++) {
		if (take_answer(&answers.ranges[i], &echo.answers[i], i,
		    ranges, nranges, filled, out, err, errsz) == -1)
			goto fail;
	}
	for (i = 0; i < nranges; i++) {
		if (!filled[i]) {
			snprintf(err, errsz, "batchGetByDataFilter: no answer "
			    "for range %zu", i);
			goto fail;
		}
	}
	free(filled);
	sheets_value_ranges_free(&answers);
	sheets_filter_echo_free(&echo);
	return (0);

fail:
	free(filled);
	sheets_value_ranges_free(&answers);
	sheets_filter_echo_free(&echo);
	sheets_value_ranges_free(out);
	return (-1);
}
