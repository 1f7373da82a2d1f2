/*
 * Sheets API v4 request bodies and response parsing; see sheets_codec.h.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_gen.h>

#include "a1.h"
#include "json_tree.h"
#include "sheets_codec.h"

#define GEN_OK(x)	((x) == yajl_gen_status_ok)

static int
gen_str(yajl_gen g, const char *s)
{
	return (GEN_OK(yajl_gen_string(g, (const unsigned char *)s,
	    strlen(s))));
}

/*
 * The shortest %g spelling that reads back as the same double.  yajl's own
 * yajl_gen_double prints 17 digits always, which turns 0.1 into
 * 0.10000000000000001 in the sheet.
 */
static int
format_number(double d, char *buf, size_t bufsz)
{
	int	prec;

	if (!isfinite(d))
		return (-1);
	for (prec = 15; prec <= 17; prec++) {
		snprintf(buf, bufsz, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	/* A locale with a decimal comma would make this invalid JSON. */
	if (strspn(buf, "0123456789+-.e") != strlen(buf))
		return (-1);
	return (0);
}

/* Where a cell of a write is, for error messages: "data[0] row 3 cell 7". */
struct cell_pos {
	size_t		 range;
	size_t		 row;
	size_t		 cell;
};

static void
cell_error(char *err, size_t errsz, const struct cell_pos *pos,
    const char *msg)
{
	snprintf(err, errsz, "data[%zu] row %zu cell %zu: %s", pos->range,
	    pos->row, pos->cell, msg);
}

/* Writes one cell. */
static int
gen_cell(yajl_gen g, enum sheets_value_input input,
    const struct sheets_cell *c, const struct sheets_limits *lim,
    const struct cell_pos *pos, char *err, size_t errsz)
{
	char	 num[32], *quoted;
	size_t	 len;
	int	 ok;

	switch (c->kind) {
	case SHEETS_CELL_SKIP:
		return (GEN_OK(yajl_gen_null(g)) ? 0 : -1);
	case SHEETS_CELL_BOOL:
		return (GEN_OK(yajl_gen_bool(g, c->boolean != 0)) ? 0 : -1);
	case SHEETS_CELL_NUMBER:
		if (format_number(c->number, num, sizeof(num)) == -1) {
			cell_error(err, errsz, pos, "number is not finite");
			return (-1);
		}
		return (GEN_OK(yajl_gen_number(g, num, strlen(num))) ? 0 : -1);
	case SHEETS_CELL_TEXT:
	case SHEETS_CELL_ENTERED:
		break;
	default:
		cell_error(err, errsz, pos, "unknown cell kind");
		return (-1);
	}

	if (c->text == NULL || (len = strlen(c->text)) > lim->max_cell_bytes) {
		cell_error(err, errsz, pos, "text missing or too long");
		return (-1);
	}
	if (c->kind == SHEETS_CELL_TEXT && input == SHEETS_INPUT_USER_ENTERED &&
	    len > 0) {
		if ((quoted = malloc(len + 2)) == NULL) {
			snprintf(err, errsz, "out of memory");
			return (-1);
		}
		quoted[0] = '\'';
		memcpy(quoted + 1, c->text, len + 1);
		ok = gen_str(g, quoted);
		free(quoted);
	} else
		ok = gen_str(g, c->text);
	if (!ok) {
		cell_error(err, errsz, pos, "text is not valid UTF-8");
		return (-1);
	}
	return (0);
}

/* Writes "values": [[...], ...] for one range. */
static int
gen_values(yajl_gen g, enum sheets_value_input input,
    const struct sheets_range_data *d, size_t di,
    const struct sheets_limits *lim, char *err, size_t errsz)
{
	const struct sheets_row	*row;
	struct cell_pos		 pos = { di, 0, 0 };
	size_t			 r, c;

	if (d->nrows > lim->max_rows) {
		snprintf(err, errsz, "data[%zu]: more than %zu rows", di,
		    lim->max_rows);
		return (-1);
	}
	if (!gen_str(g, "values") || !GEN_OK(yajl_gen_array_open(g)))
		goto fail;
	for (r = 0; r < d->nrows; r++) {
		row = &d->rows[r];
		if (row->ncells > lim->max_cells_per_row) {
			snprintf(err, errsz, "data[%zu] row %zu: more than %zu "
			    "cells", di, r, lim->max_cells_per_row);
			return (-1);
		}
		if (!GEN_OK(yajl_gen_array_open(g)))
			goto fail;
		for (c = 0; c < row->ncells; c++) {
			pos.row = r;
			pos.cell = c;
			if (gen_cell(g, input, &row->cells[c], lim, &pos, err,
			    errsz) == -1)
				return (-1);
		}
		if (!GEN_OK(yajl_gen_array_close(g)))
			goto fail;
	}
	if (!GEN_OK(yajl_gen_array_close(g)))
		goto fail;
	return (0);

fail:
	snprintf(err, errsz, "JSON generation failed");
	return (-1);
}

/* Writes the range and its values, as a ValueRange's members. */
static int
gen_range_members(yajl_gen g, enum sheets_value_input input,
    const struct sheets_range_data *d, size_t di,
    const struct sheets_limits *lim, char *err, size_t errsz)
{
	if (d->range == NULL || d->range[0] == '\0') {
		snprintf(err, errsz, "data[%zu]: no range", di);
		return (-1);
	}
	if (!gen_str(g, "range") || !gen_str(g, d->range) ||
	    !gen_str(g, "majorDimension") || !gen_str(g, "ROWS")) {
		snprintf(err, errsz, "data[%zu]: range is not valid UTF-8", di);
		return (-1);
	}
	return (gen_values(g, input, d, di, lim, err, errsz));
}

static yajl_gen
gen_new(char *err, size_t errsz)
{
	yajl_gen	g;

	if ((g = yajl_gen_alloc(NULL)) == NULL) {
		snprintf(err, errsz, "out of memory");
		return (NULL);
	}
	yajl_gen_config(g, yajl_gen_validate_utf8, 1);
	return (g);
}

/* Copies the generated text out and frees the generator. */
static char *
gen_finish(yajl_gen g, size_t *lenp, char *err, size_t errsz)
{
	const unsigned char	*buf;
	size_t			 len;
	char			*out;

	yajl_gen_get_buf(g, &buf, &len);
	if ((out = malloc(len + 1)) == NULL) {
		snprintf(err, errsz, "out of memory");
	} else {
		memcpy(out, buf, len);
		out[len] = '\0';
		*lenp = len;
	}
	yajl_gen_free(g);
	return (out);
}

static const char *
input_name(enum sheets_value_input input)
{
	return (input == SHEETS_INPUT_RAW ? "RAW" : "USER_ENTERED");
}

char *
sheets_encode_batch_update(enum sheets_value_input input,
    const struct sheets_range_data *data, size_t ndata,
    const struct sheets_limits *lim, size_t *lenp, char *err, size_t errsz)
{
	yajl_gen	g;
	size_t		i;

	if (ndata == 0 || ndata > lim->max_ranges) {
		snprintf(err, errsz, "batchUpdate: %zu ranges (1 to %zu "
		    "allowed)", ndata, lim->max_ranges);
		return (NULL);
	}
	if ((g = gen_new(err, errsz)) == NULL)
		return (NULL);
	if (!GEN_OK(yajl_gen_map_open(g)) || !gen_str(g, "valueInputOption") ||
	    !gen_str(g, input_name(input)) || !gen_str(g, "data") ||
	    !GEN_OK(yajl_gen_array_open(g)))
		goto genfail;
	for (i = 0; i < ndata; i++) {
		if (!GEN_OK(yajl_gen_map_open(g)))
			goto genfail;
		if (gen_range_members(g, input, &data[i], i, lim, err,
		    errsz) == -1)
			goto fail;
		if (!GEN_OK(yajl_gen_map_close(g)))
			goto genfail;
	}
	if (!GEN_OK(yajl_gen_array_close(g)) || !GEN_OK(yajl_gen_map_close(g)))
		goto genfail;
	return (gen_finish(g, lenp, err, errsz));

genfail:
	snprintf(err, errsz, "JSON generation failed");
fail:
	yajl_gen_free(g);
	return (NULL);
}

char *
sheets_encode_append(enum sheets_value_input input,
    const struct sheets_range_data *data, const struct sheets_limits *lim,
    size_t *lenp, char *err, size_t errsz)
{
	yajl_gen	g;

	if ((g = gen_new(err, errsz)) == NULL)
		return (NULL);
	if (!GEN_OK(yajl_gen_map_open(g))) {
		snprintf(err, errsz, "JSON generation failed");
		goto fail;
	}
	if (gen_range_members(g, input, data, 0, lim, err, errsz) == -1)
		goto fail;
	if (!GEN_OK(yajl_gen_map_close(g))) {
		snprintf(err, errsz, "JSON generation failed");
		goto fail;
	}
	return (gen_finish(g, lenp, err, errsz));

fail:
	yajl_gen_free(g);
	return (NULL);
}

char *
sheets_encode_update_spreadsheet(const char *const *requests,
    size_t nrequests, size_t *lenp, char *err, size_t errsz)
{
	size_t	len = sizeof("{\"requests\":[]}"), i, off;
	char	*b;

	if (nrequests == 0) {
		snprintf(err, errsz, "spreadsheets.batchUpdate: no request");
		return (NULL);
	}
	for (i = 0; i < nrequests; i++)
		len += strlen(requests[i]) + 1;
	if ((b = malloc(len)) == NULL) {
		snprintf(err, errsz, "out of memory");
		return (NULL);
	}
	off = (size_t)snprintf(b, len, "{\"requests\":[");
	for (i = 0; i < nrequests; i++)
		off += (size_t)snprintf(b + off, len - off, "%s%s",
		    i > 0 ? "," : "", requests[i]);
	off += (size_t)snprintf(b + off, len - off, "]}");
	*lenp = off;
	return (b);
}

char *
sheets_encode_append_dimension(long long sheet_id, enum sheets_dimension dim,
    unsigned int length, size_t *lenp, char *err, size_t errsz)
{
	yajl_gen	g;
	int		ok;

	if (sheet_id < 0 || length == 0) {
		snprintf(err, errsz, "appendDimension: invalid sheet id or "
		    "length");
		return (NULL);
	}
	if ((g = gen_new(err, errsz)) == NULL)
		return (NULL);
	ok = GEN_OK(yajl_gen_map_open(g)) && gen_str(g, "requests") &&
	    GEN_OK(yajl_gen_array_open(g)) &&
	    GEN_OK(yajl_gen_map_open(g)) && gen_str(g, "appendDimension") &&
	    GEN_OK(yajl_gen_map_open(g)) &&
	    gen_str(g, "sheetId") && GEN_OK(yajl_gen_integer(g, sheet_id)) &&
	    gen_str(g, "dimension") &&
	    gen_str(g, dim == SHEETS_DIM_ROWS ? "ROWS" : "COLUMNS") &&
	    gen_str(g, "length") && GEN_OK(yajl_gen_integer(g, length)) &&
	    GEN_OK(yajl_gen_map_close(g)) && GEN_OK(yajl_gen_map_close(g)) &&
	    GEN_OK(yajl_gen_array_close(g)) && GEN_OK(yajl_gen_map_close(g));
	if (!ok) {
		snprintf(err, errsz, "JSON generation failed");
		yajl_gen_free(g);
		return (NULL);
	}
	return (gen_finish(g, lenp, err, errsz));
}

/* Copies a string of at most max bytes; "" for NULL. */
static char *
dup_bounded(const char *s, size_t max)
{
	if (s == NULL)
		s = "";
	if (strnlen(s, max + 1) > max)
		return (NULL);
	return (strdup(s));
}

void
sheets_value_range_clear(struct sheets_value_range *vr)
{
	size_t	r, c;

	for (r = 0; r < vr->nrows; r++) {
		for (c = 0; c < vr->rows[r].ncells; c++)
			free(vr->rows[r].cells[c]);
		free(vr->rows[r].cells);
	}
	free(vr->rows);
	free(vr->range);
	memset(vr, 0, sizeof(*vr));
}

void
sheets_value_ranges_free(struct sheets_value_ranges *vrs)
{
	size_t	i;

	for (i = 0; i < vrs->nranges; i++)
		sheets_value_range_clear(&vrs->ranges[i]);
	free(vrs->ranges);
	memset(vrs, 0, sizeof(*vrs));
}

/* Absent counts stay 0: proto3 JSON leaves out zero values. */
static int
parse_update(yajl_val v, struct sheets_update_result *u, const char *what,
    char *err, size_t errsz)
{
	memset(u, 0, sizeof(*u));
	if (!YAJL_IS_OBJECT(v)) {
		snprintf(err, errsz, "%s: not an object", what);
		return (-1);
	}
	if ((u->updated_range = dup_bounded(json_tree_string(v,
	    "updatedRange"), SHEETS_RANGE_MAX_BYTES)) == NULL) {
		snprintf(err, errsz, "%s: updatedRange too long", what);
		return (-1);
	}
	(void)json_tree_integer(v, "updatedRows", &u->updated_rows);
	(void)json_tree_integer(v, "updatedColumns", &u->updated_columns);
	(void)json_tree_integer(v, "updatedCells", &u->updated_cells);
	return (0);
}

int
sheets_parse_batch_update(const char *body, size_t len,
    const struct sheets_limits *lim, struct sheets_batch_update_result *out,
    char *err, size_t errsz)
{
	yajl_val	root, resp;
	char		what[48];
	size_t		n, i;

	memset(out, 0, sizeof(*out));
	if ((root = json_tree_parse(body, len, err, errsz)) == NULL)
		return (-1);
	if (!YAJL_IS_OBJECT(root)) {
		snprintf(err, errsz, "batchUpdate response: not an object");
		goto fail;
	}
	(void)json_tree_integer(root, "totalUpdatedRows",
	    &out->total_updated_rows);
	(void)json_tree_integer(root, "totalUpdatedColumns",
	    &out->total_updated_columns);
	(void)json_tree_integer(root, "totalUpdatedCells",
	    &out->total_updated_cells);
	(void)json_tree_integer(root, "totalUpdatedSheets",
	    &out->total_updated_sheets);

	if ((resp = json_tree_get(root, "responses", yajl_t_any)) != NULL) {
		if (!YAJL_IS_ARRAY(resp) || resp->u.array.len >
		    lim->max_ranges) {
			snprintf(err, errsz, "batchUpdate response: bad "
			    "\"responses\"");
			goto fail;
		}
		n = resp->u.array.len;
		if (n > 0 && (out->responses = calloc(n,
		    sizeof(*out->responses))) == NULL) {
			snprintf(err, errsz, "out of memory");
			goto fail;
		}
		for (i = 0; i < n; i++) {
			out->nresponses = i + 1;
			snprintf(what, sizeof(what), "responses[%zu]", i);
			if (parse_update(resp->u.array.values[i],
			    &out->responses[i], what, err, errsz) == -1)
				goto fail;
		}
	}
	yajl_tree_free(root);
	return (0);

fail:
	yajl_tree_free(root);
	sheets_batch_update_result_free(out);
	return (-1);
}

void
sheets_batch_update_result_free(struct sheets_batch_update_result *r)
{
	size_t	i;

	for (i = 0; i < r->nresponses; i++)
		free(r->responses[i].updated_range);
	free(r->responses);
	memset(r, 0, sizeof(*r));
}

int
sheets_parse_append(const char *body, size_t len,
    struct sheets_append_result *out, char *err, size_t errsz)
{
	struct a1_range	 written;
	yajl_val	 root;

	memset(out, 0, sizeof(*out));
	if ((root = json_tree_parse(body, len, err, errsz)) == NULL)
		return (-1);
	if (!YAJL_IS_OBJECT(root)) {
		snprintf(err, errsz, "append response: not an object");
		goto fail;
	}
	/* Absent or "" when the range held no table yet. */
	if ((out->table_range = dup_bounded(json_tree_string(root,
	    "tableRange"), SHEETS_RANGE_MAX_BYTES)) == NULL) {
		snprintf(err, errsz, "append response: tableRange too long");
		goto fail;
	}
	if (parse_update(json_tree_get(root, "updates", yajl_t_any),
	    &out->updates, "append response: updates", err, errsz) == -1)
		goto fail;
	if (a1_parse_range(out->updates.updated_range, &written) == -1 ||
	    !written.has_area || written.area.first_row == 0 ||
	    written.area.last_row == 0) {
		snprintf(err, errsz, "append response: updatedRange does not "
		    "name the rows written");
		goto fail;
	}
	out->first_row = written.area.first_row;
	out->last_row = written.area.last_row;
	yajl_tree_free(root);
	return (0);

fail:
	yajl_tree_free(root);
	sheets_append_result_free(out);
	return (-1);
}

void
sheets_append_result_free(struct sheets_append_result *r)
{
	free(r->table_range);
	free(r->updates.updated_range);
	memset(r, 0, sizeof(*r));
}

static int
parse_sheet(yajl_val v, size_t i, struct sheets_sheet *s, char *err,
    size_t errsz)
{
	yajl_val	props, grid;

	props = json_tree_get(v, "properties", yajl_t_object);
	if (props == NULL) {
		snprintf(err, errsz, "sheets[%zu]: missing \"properties\"", i);
		return (-1);
	}
	if (json_tree_get(props, "title", yajl_t_string) == NULL) {
		snprintf(err, errsz, "sheets[%zu]: missing \"title\"", i);
		return (-1);
	}
	if ((s->title = dup_bounded(json_tree_string(props, "title"),
	    A1_SHEET_NAME_SIZE - 1)) == NULL) {
		snprintf(err, errsz, "sheets[%zu]: title too long", i);
		return (-1);
	}
	/* Absent numbers are 0: proto3 JSON leaves out zero values. */
	if (json_tree_get(props, "sheetId", yajl_t_any) != NULL &&
	    (json_tree_integer(props, "sheetId", &s->sheet_id) == -1 ||
	    s->sheet_id < 0)) {
		snprintf(err, errsz, "sheets[%zu]: bad \"sheetId\"", i);
		return (-1);
	}
	(void)json_tree_integer(props, "index", &s->index);
	if ((grid = json_tree_get(props, "gridProperties",
	    yajl_t_object)) != NULL) {
		(void)json_tree_integer(grid, "rowCount", &s->row_count);
		(void)json_tree_integer(grid, "columnCount",
		    &s->column_count);
	}
	return (0);
}

int
sheets_parse_spreadsheet(const char *body, size_t len,
    struct sheets_spreadsheet *out, char *err, size_t errsz)
{
	yajl_val	root, sheets;
	size_t		n, i;

	memset(out, 0, sizeof(*out));
	if ((root = json_tree_parse(body, len, err, errsz)) == NULL)
		return (-1);
	sheets = json_tree_get(root, "sheets", yajl_t_array);
	if (sheets == NULL) {
		snprintf(err, errsz, "spreadsheet: missing \"sheets\"");
		goto fail;
	}
	n = sheets->u.array.len;
	if (n > SHEETS_MAX_SHEETS) {
		snprintf(err, errsz, "spreadsheet: more than %d sheets",
		    SHEETS_MAX_SHEETS);
		goto fail;
	}
	if (n > 0 && (out->sheets = calloc(n, sizeof(*out->sheets))) == NULL) {
		snprintf(err, errsz, "out of memory");
		goto fail;
	}
	for (i = 0; i < n; i++) {
		out->nsheets = i + 1;
		if (parse_sheet(sheets->u.array.values[i], i, &out->sheets[i],
		    err, errsz) == -1)
			goto fail;
	}
	yajl_tree_free(root);
	return (0);

fail:
	yajl_tree_free(root);
	sheets_spreadsheet_free(out);
	return (-1);
}

void
sheets_spreadsheet_free(struct sheets_spreadsheet *ss)
{
	size_t	i;

	for (i = 0; i < ss->nsheets; i++)
		free(ss->sheets[i].title);
	free(ss->sheets);
	memset(ss, 0, sizeof(*ss));
}

const struct sheets_sheet *
sheets_spreadsheet_find(const struct sheets_spreadsheet *ss,
    const char *title)
{
	size_t	i;

	for (i = 0; i < ss->nsheets; i++) {
		if (strcmp(ss->sheets[i].title, title) == 0)
			return (&ss->sheets[i]);
	}
	return (NULL);
}
