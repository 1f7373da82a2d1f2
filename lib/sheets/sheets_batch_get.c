/*
 * values.batchGet replies, and the values.batchGetByDataFilter replies
 * that stand for them (sheets_data_filter.h), parsed with yajl's
 * callbacks straight into value ranges (sheets_codec.h).  The two shapes
 * differ only around each value range:
 *
 *	batchGet		{"valueRanges":[ValueRange...]}
 *	batchGetByDataFilter	{"valueRanges":[{"valueRange":ValueRange,
 *				 "dataFilters":[{"a1Range":...}...]}...]}
 *
 * so one parser reads both, the second with two more states around the
 * value range.  A yajl_tree of a reply at the HTTP cap
 * costs some 500 MB when the cells are small numbers (a node, a number
 * string and a pointer for each two bytes of input); here each cell costs
 * its own text and every limit is checked as the cell arrives, so a reply
 * over a limit stops growing at the limit.
 *
 * The outcome matches what checking a whole tree would give: invalid JSON
 * or nesting past JSON_TREE_MAX_DEPTH is reported as such even when the
 * shape went wrong earlier (the parser goes on, building nothing, to find
 * out), otherwise the first shape or limit error.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_parse.h>

#include "json_tree.h"
#include "sheets_codec.h"
#include "utf8.h"

enum bg_state {
	BG_TOP,			/* before the root */
	BG_ROOT,		/* in the root object */
	BG_RANGES,		/* in "valueRanges" */
	BG_ANSWER,		/* by filter: in one matched value range */
	BG_FILTERS,		/* by filter: in its "dataFilters" */
	BG_FILTER,		/* by filter: in one of them */
	BG_RANGE,		/* in one value range */
	BG_VALUES,		/* in its "values" */
	BG_ROW,			/* in one row */
	BG_DONE,		/* after the root, or failed */
};

enum bg_key {
	BG_KEY_OTHER,
	BG_KEY_VALUE_RANGES,
	BG_KEY_RANGE,
	BG_KEY_DIMENSION,
	BG_KEY_VALUES,
	BG_KEY_VALUE_RANGE,	/* by filter */
	BG_KEY_DATA_FILTERS,
	BG_KEY_A1_RANGE,
};

struct bg_parse {
	const char			*what;		/* in errors */
	const struct sheets_limits	*lim;
	struct sheets_value_ranges	*out;
	struct sheets_filter_echo	*echo;		/* by filter; or NULL */
	enum bg_state			 state;
	enum bg_key			 key;
	unsigned int			 depth;
	unsigned int			 skip;		/* nesting being skipped */
	int				 too_deep;
	int				 failed;
	int				 seen_ranges;	/* "valueRanges" */
	int				 seen_values;	/* of this range */
	int				 seen_range;	/* of this answer */
	int				 seen_filters;	/* of this answer */
	int				 seen_a1;	/* of this filter */
	size_t				 cap_ranges;
	size_t				 cap_echo;
	size_t				 cap_a1;
	size_t				 cap_rows;
	size_t				 cap_cells;
	size_t				 cells;		/* in the reply */
	char				*err;
	size_t				 errsz;
};

static void
bg_fail(struct bg_parse *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Records the first error; the rest of the text is only checked. */
static void
bg_fail(struct bg_parse *p, const char *fmt, ...)
{
	va_list	ap;

	if (p->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(p->err, p->errsz, fmt, ap);
	va_end(ap);
	p->failed = 1;
	p->state = BG_DONE;
}

static struct sheets_value_range *
bg_range(struct bg_parse *p)
{
	return (&p->out->ranges[p->out->nranges - 1]);
}

static struct sheets_value_row *
bg_row(struct bg_parse *p)
{
	struct sheets_value_range	*vr = bg_range(p);

	return (&vr->rows[vr->nrows - 1]);
}

/* Grows *arr (of *cap members of size sz) to hold n; 0 or -1. */
static int
bg_grow(void *arrp, size_t *cap, size_t n, size_t sz)
{
	void	**arr = arrp, *na;
	size_t	  ncap;

	if (n <= *cap)
		return (0);
	ncap = *cap > 0 ? *cap * 2 : 8;
	if ((na = reallocarray(*arr, ncap, sz)) == NULL)
		return (-1);
	memset((char *)na + *cap * sz, 0, (ncap - *cap) * sz);
	*arr = na;
	*cap = ncap;
	return (0);
}

static void
bg_open_range(struct bg_parse *p)
{
	struct sheets_value_ranges	*out = p->out;

	if (out->nranges >= p->lim->max_ranges) {
		bg_fail(p, "%s: more than %zu value ranges", p->what,
		    p->lim->max_ranges);
		return;
	}
	if (bg_grow(&out->ranges, &p->cap_ranges, out->nranges + 1,
	    sizeof(*out->ranges)) == -1 || (p->echo != NULL &&
	    bg_grow(&p->echo->answers, &p->cap_echo, out->nranges + 1,
	    sizeof(*p->echo->answers)) == -1)) {
		bg_fail(p, "out of memory");
		return;
	}
	out->nranges++;
	p->cap_rows = 0;
	p->seen_values = 0;
	if (p->echo != NULL) {
		p->echo->nanswers = out->nranges;
		p->cap_a1 = 0;
		p->seen_range = p->seen_filters = 0;
		p->state = BG_ANSWER;
	} else
		p->state = BG_RANGE;
}

/* The a1Range of a filter the current answer echoes. */
static void
bg_echo(struct bg_parse *p, const char *s, size_t len)
{
	struct sheets_filter_answer	*a;

	a = &p->echo->answers[p->out->nranges - 1];
	if (bg_grow(&a->a1, &p->cap_a1, a->na1 + 1, sizeof(*a->a1)) == -1 ||
	    (a->a1[a->na1] = strndup(s, len)) == NULL) {
		bg_fail(p, "out of memory");
		return;
	}
	a->na1++;
}

static void
bg_open_row(struct bg_parse *p)
{
	struct sheets_value_range	*vr = bg_range(p);

	if (vr->nrows >= p->lim->max_rows) {
		bg_fail(p, "valueRanges[%zu]: more than %zu rows",
		    p->out->nranges - 1, p->lim->max_rows);
		return;
	}
	if (bg_grow(&vr->rows, &p->cap_rows, vr->nrows + 1,
	    sizeof(*vr->rows)) == -1) {
		bg_fail(p, "out of memory");
		return;
	}
	vr->nrows++;
	p->cap_cells = 0;
	p->state = BG_ROW;
}

/* The row's cell array shrinks to its size: rows are kept for long. */
static void
bg_close_row(struct bg_parse *p)
{
	struct sheets_value_row	*row = bg_row(p);
	char			**cells;

	if (row->ncells > 0 && row->ncells < p->cap_cells &&
	    (cells = reallocarray(row->cells, row->ncells,
	    sizeof(*cells))) != NULL)
		row->cells = cells;
	p->state = BG_VALUES;
}

static void
bg_cell(struct bg_parse *p, const char *s, size_t len)
{
	struct sheets_value_row	*row = bg_row(p);
	size_t			 vi = p->out->nranges - 1;
	size_t			 ri = bg_range(p)->nrows - 1;
	char			*c = NULL;

	if (row->ncells >= p->lim->max_cells_per_row) {
		bg_fail(p, "valueRanges[%zu] row %zu: more than %zu cells", vi,
		    ri, p->lim->max_cells_per_row);
		return;
	}
	if (p->lim->max_cells > 0 && p->cells >= p->lim->max_cells) {
		bg_fail(p, "%s: more than %zu cells", p->what,
		    p->lim->max_cells);
		return;
	}
	/* U+FFFD for a bad byte never makes text shorter: check both. */
	if (len <= p->lim->max_cell_bytes) {
		if (utf8_valid(s, len)) {
			if ((c = malloc(len + 1)) != NULL) {
				memcpy(c, s, len);
				c[len] = '\0';
			}
		} else
			c = utf8_sanitize(s, len, &len);
	}
	if (len > p->lim->max_cell_bytes) {
		free(c);
		bg_fail(p, "valueRanges[%zu] row %zu cell %zu: too long", vi,
		    ri, row->ncells);
		return;
	}
	if (c == NULL || bg_grow(&row->cells, &p->cap_cells,
	    row->ncells + 1, sizeof(*row->cells)) == -1) {
		free(c);
		bg_fail(p, "out of memory");
		return;
	}
	row->cells[row->ncells++] = c;
	p->cells++;
}

/* A string member of a value range. */
static void
bg_range_string(struct bg_parse *p, const char *s, size_t len)
{
	struct sheets_value_range	*vr = bg_range(p);
	size_t				 vi = p->out->nranges - 1;

	switch (p->key) {
	case BG_KEY_RANGE:
		if (vr->range != NULL) {
			bg_fail(p, "valueRanges[%zu]: \"range\" twice", vi);
			return;
		}
		if (len > SHEETS_RANGE_MAX_BYTES)
			bg_fail(p, "valueRanges[%zu]: range too long", vi);
		else if (memchr(s, '\0', len) != NULL || !utf8_valid(s, len))
			bg_fail(p, "valueRanges[%zu]: range is not UTF-8 text",
			    vi);
		else if ((vr->range = strndup(s, len)) == NULL)
			bg_fail(p, "out of memory");
		return;
	case BG_KEY_DIMENSION:
		if (len != 4 || memcmp(s, "ROWS", 4) != 0)
			bg_fail(p, "valueRanges[%zu]: majorDimension is not "
			    "ROWS", vi);
		return;
	case BG_KEY_VALUES:
		bg_fail(p, "valueRanges[%zu]: \"values\" is not an array", vi);
		return;
	default:
		return;
	}
}

/* A scalar: its text, and whether it was a JSON string. */
static int
bg_scalar(void *ctx, const char *s, size_t len, int is_string)
{
	struct bg_parse	*p = ctx;

	if (p->failed || p->skip > 0)
		return (1);
	switch (p->state) {
	case BG_TOP:
		bg_fail(p, "%s: not an object", p->what);
		break;
	case BG_ROOT:
		if (p->key == BG_KEY_VALUE_RANGES)
			bg_fail(p, "%s: \"valueRanges\" is not an array",
			    p->what);
		break;
	case BG_ANSWER:
	case BG_FILTERS:
		break;		/* not ours; a wrong type reads as absent */
	case BG_FILTER:
		if (is_string && p->key == BG_KEY_A1_RANGE && !p->seen_a1) {
			p->seen_a1 = 1;
			bg_echo(p, s, len);
		}
		break;
	case BG_RANGES:
		bg_fail(p, "valueRanges[%zu]: not an object", p->out->nranges);
		break;
	case BG_RANGE:
		if (is_string)
			bg_range_string(p, s, len);
		else if (p->key == BG_KEY_VALUES)
			bg_fail(p, "valueRanges[%zu]: \"values\" is not an "
			    "array", p->out->nranges - 1);
		break;
	case BG_VALUES:
		bg_fail(p, "valueRanges[%zu] row %zu: not an array",
		    p->out->nranges - 1, bg_range(p)->nrows);
		break;
	case BG_ROW:
		bg_cell(p, s, len);
		break;
	case BG_DONE:
		break;
	}
	return (1);
}

static int
bg_null(void *ctx)
{
	return (bg_scalar(ctx, "", 0, 0));
}

static int
bg_boolean(void *ctx, int b)
{
	return (b ? bg_scalar(ctx, "TRUE", 4, 0) :
	    bg_scalar(ctx, "FALSE", 5, 0));
}

/* Numbers keep their JSON spelling. */
static int
bg_number(void *ctx, const char *s, size_t len)
{
	return (bg_scalar(ctx, s, len, 0));
}

static int
bg_string(void *ctx, const unsigned char *s, size_t len)
{
	return (bg_scalar(ctx, (const char *)s, len, 1));
}

static int
bg_key(void *ctx, const unsigned char *s, size_t len)
{
	struct bg_parse	*p = ctx;

	if (p->failed || p->skip > 0)
		return (1);
#define IS(k)	(len == sizeof(k) - 1 && memcmp(s, k, len) == 0)
	p->key = BG_KEY_OTHER;
	if (p->state == BG_ROOT && IS("valueRanges"))
		p->key = BG_KEY_VALUE_RANGES;
	else if (p->state == BG_RANGE && IS("range"))
		p->key = BG_KEY_RANGE;
	else if (p->state == BG_RANGE && IS("majorDimension"))
		p->key = BG_KEY_DIMENSION;
	else if (p->state == BG_RANGE && IS("values"))
		p->key = BG_KEY_VALUES;
	else if (p->state == BG_ANSWER && IS("valueRange"))
		p->key = BG_KEY_VALUE_RANGE;
	else if (p->state == BG_ANSWER && IS("dataFilters"))
		p->key = BG_KEY_DATA_FILTERS;
	else if (p->state == BG_FILTER && IS("a1Range"))
		p->key = BG_KEY_A1_RANGE;
#undef IS
	return (1);
}

/* An object or array begins: enter it, or skip what is not ours. */
static int
bg_start(struct bg_parse *p, int array)
{
	size_t	vi;

	if (++p->depth > JSON_TREE_MAX_DEPTH) {
		p->too_deep = 1;
		return (0);
	}
	if (p->failed)
		return (1);
	if (p->skip > 0) {
		p->skip++;
		return (1);
	}
	switch (p->state) {
	case BG_TOP:
		if (array)
			bg_fail(p, "%s: not an object", p->what);
		else
			p->state = BG_ROOT;
		return (1);
	case BG_ROOT:
		if (p->key != BG_KEY_VALUE_RANGES)
			break;
		if (!array || p->seen_ranges) {
			bg_fail(p, "%s: \"valueRanges\" is not an array",
			    p->what);
			return (1);
		}
		p->seen_ranges = 1;
		p->state = BG_RANGES;
		return (1);
	case BG_RANGES:
		if (array)
			bg_fail(p, "valueRanges[%zu]: not an object",
			    p->out->nranges);
		else
			bg_open_range(p);
		return (1);
	case BG_ANSWER:
		/* The first of each, of its type; the rest is not ours. */
		if (p->key == BG_KEY_VALUE_RANGE && !array && !p->seen_range) {
			p->seen_range = 1;
			p->state = BG_RANGE;
			return (1);
		}
		if (p->key == BG_KEY_DATA_FILTERS && array &&
		    !p->seen_filters) {
			p->seen_filters = 1;
			p->state = BG_FILTERS;
			return (1);
		}
		break;
	case BG_FILTERS:
		if (array)
			break;
		p->seen_a1 = 0;
		p->state = BG_FILTER;
		return (1);
	case BG_FILTER:
		break;
	case BG_RANGE:
		if (p->key != BG_KEY_VALUES)
			break;
		vi = p->out->nranges - 1;
		if (!array || p->seen_values) {
			bg_fail(p, "valueRanges[%zu]: \"values\" is not an "
			    "array", vi);
			return (1);
		}
		p->seen_values = 1;
		p->state = BG_VALUES;
		return (1);
	case BG_VALUES:
		if (!array)
			bg_fail(p, "valueRanges[%zu] row %zu: not an array",
			    p->out->nranges - 1, bg_range(p)->nrows);
		else
			bg_open_row(p);
		return (1);
	case BG_ROW:
		bg_fail(p, "valueRanges[%zu] row %zu cell %zu: not a scalar",
		    p->out->nranges - 1, bg_range(p)->nrows - 1,
		    bg_row(p)->ncells);
		return (1);
	case BG_DONE:
		return (1);
	}
	p->skip = 1;
	return (1);
}

static int
bg_end(void *ctx)
{
	struct bg_parse	*p = ctx;

	p->depth--;
	if (p->failed)
		return (1);
	if (p->skip > 0) {
		p->skip--;
		return (1);
	}
	switch (p->state) {
	case BG_ROW:
		bg_close_row(p);
		break;
	case BG_VALUES:
		p->state = BG_RANGE;
		break;
	case BG_RANGE:
		if (bg_range(p)->range == NULL)
			bg_fail(p, "valueRanges[%zu]: missing \"range\"",
			    p->out->nranges - 1);
		else
			p->state = p->echo != NULL ? BG_ANSWER : BG_RANGES;
		break;
	case BG_FILTER:
		p->state = BG_FILTERS;
		break;
	case BG_FILTERS:
		p->state = BG_ANSWER;
		break;
	case BG_ANSWER:
		if (!p->seen_range || !p->seen_filters)
			bg_fail(p, "valueRanges[%zu]: no valueRange or "
			    "dataFilters", p->out->nranges - 1);
		else
			p->state = BG_RANGES;
		break;
	case BG_RANGES:
		p->state = BG_ROOT;
		break;
	case BG_ROOT:
		p->state = BG_DONE;
		break;
	case BG_TOP:
	case BG_DONE:
		break;
	}
	return (1);
}

static int
bg_start_map(void *ctx)
{
	return (bg_start(ctx, 0));
}

static int
bg_start_array(void *ctx)
{
	return (bg_start(ctx, 1));
}

static const yajl_callbacks	bg_callbacks = {
	.yajl_null = bg_null,
	.yajl_boolean = bg_boolean,
	.yajl_number = bg_number,
	.yajl_string = bg_string,
	.yajl_start_map = bg_start_map,
	.yajl_map_key = bg_key,
	.yajl_end_map = bg_end,
	.yajl_start_array = bg_start_array,
	.yajl_end_array = bg_end,
};

/* Either shape; echo is NULL for a batchGet reply. */
static int
bg_parse(const char *what, const char *body, size_t len,
    const struct sheets_limits *lim, struct sheets_value_ranges *out,
    struct sheets_filter_echo *echo, char *err, size_t errsz)
{
	struct bg_parse	 p;
	yajl_handle	 h;
	yajl_status	 st;
	unsigned char	*msg;

	memset(out, 0, sizeof(*out));
	memset(&p, 0, sizeof(p));
	p.what = what;
	p.lim = lim;
	p.out = out;
	p.echo = echo;
	p.state = BG_TOP;
	p.err = err;
	p.errsz = errsz;
	if ((h = yajl_alloc(&bg_callbacks, NULL, &p)) == NULL) {
		snprintf(err, errsz, "out of memory");
		return (-1);
	}
	st = yajl_parse(h, (const unsigned char *)body, len);
	if (st == yajl_status_ok)
		st = yajl_complete_parse(h);
	if (p.too_deep) {
		snprintf(err, errsz, "JSON nested deeper than %d",
		    JSON_TREE_MAX_DEPTH);
		p.failed = 1;
	} else if (st != yajl_status_ok) {
		msg = yajl_get_error(h, 0, NULL, 0);
		snprintf(err, errsz, "invalid JSON: %s", msg != NULL ?
		    (const char *)msg : "parse error");
		if (msg != NULL)
			yajl_free_error(h, msg);
		p.failed = 1;
	}
	yajl_free(h);
	if (p.failed) {
		sheets_value_ranges_free(out);
		if (echo != NULL)
			sheets_filter_echo_free(echo);
		return (-1);
	}
	return (0);
}

int
sheets_parse_batch_get(const char *body, size_t len,
    const struct sheets_limits *lim, struct sheets_value_ranges *out,
    char *err, size_t errsz)
{
	return (bg_parse("batchGet", body, len, lim, out, NULL, err, errsz));
}

int
sheets_parse_filtered_reply(const char *body, size_t len,
    const struct sheets_limits *lim, struct sheets_value_ranges *out,
    struct sheets_filter_echo *echo, char *err, size_t errsz)
{
	memset(echo, 0, sizeof(*echo));
	return (bg_parse("batchGetByDataFilter", body, len, lim, out, echo,
	    err, errsz));
}

void
sheets_filter_echo_free(struct sheets_filter_echo *echo)
{
	size_t	i, k;

	for (i = 0; i < echo->nanswers; i++) {
		for (k = 0; k < echo->answers[i].na1; k++)
			free(echo->answers[i].a1[k]);
		free(echo->answers[i].a1);
	}
	free(echo->answers);
	memset(echo, 0, sizeof(*echo));
}
