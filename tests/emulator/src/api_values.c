/*
 * spreadsheets.values.*: get, batchGet, update, clear, batchUpdate,
 * batchClear (append has its own file).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "jsonr.h"
#include "value_range.h"
#include "write_plan.h"

enum dimension {
	DIM_UNSPECIFIED,
	DIM_ROWS,
	DIM_COLUMNS,
};

static const char *const dimension_names[] = {
	"DIMENSION_UNSPECIFIED", "ROWS", "COLUMNS", NULL
};
static const char *const datetime_names[] = {
	"SERIAL_NUMBER", "FORMATTED_STRING", NULL
};

/* Parses the read options shared by get and batchGet. */
static int
read_options(struct api_ctx *ctx, int *columns, enum value_render *how)
{
	int	dim, render;

	dim = api_enum(ctx, query_get(ctx->query, "majorDimension"),
	    dimension_names, DIM_ROWS, "major_dimension", "Dimension");
	if (dim == -1)
		return (-1);
	render = api_enum(ctx, query_get(ctx->query, "valueRenderOption"),
	    value_render_names, RENDER_FORMATTED, "value_render_option",
	    "ValueRenderOption");
	if (render == -1)
		return (-1);
	if (api_enum(ctx, query_get(ctx->query, "dateTimeRenderOption"),
	    datetime_names, 0, "date_time_render_option",
	    "DateTimeRenderOption") == -1)
		return (-1);
	*columns = (dim == DIM_COLUMNS);
	*how = (enum value_render)render;
	return (0);
}

void
api_values_get(struct api_ctx *ctx, const char *range)
{
	struct target		t;
	struct jw		w;
	enum value_render	how;
	int			columns;
	char			msg[MSG_MAX];

	if (read_options(ctx, &columns, &how) == -1)
		return;
	if (target_resolve(*ctx->wbp, range, &t, msg, sizeof(msg)) == -1 ||
	    target_check(&t, msg, sizeof(msg)) == -1) {
		reply_error(ctx->reply, 400, "%s", msg);
		return;
	}
	jw_init(&w, JW_PRETTY | JW_HTML_SAFE);
	write_value_range(&w, t.sh, &t.rect, columns, how);
	reply_json(ctx->reply, 200, &w);
}

void
api_values_batch_get(struct api_ctx *ctx)
{
	const struct query	*q = ctx->query;
	struct target		*ts = NULL;
	struct jw		 w;
	enum value_render	 how;
	size_t			 i, n = 0;
	int			 columns;
	char			 msg[MSG_MAX];

	if (read_options(ctx, &columns, &how) == -1)
		return;
	if (q->n > 0 && (ts = calloc(q->n, sizeof(*ts))) == NULL) {
		reply_error(ctx->reply, 500, MSG_INTERNAL);
		return;
	}
	for (i = 0; i < q->n; i++) {
		if (strcmp(q->params[i].key, "ranges") != 0)
			continue;
		if (target_resolve(*ctx->wbp, q->params[i].value, &ts[n], msg,
		    sizeof(msg)) == -1 ||
		    target_check(&ts[n], msg, sizeof(msg)) == -1) {
			reply_error(ctx->reply, 400, "%s", msg);
			free(ts);
			return;
		}
		n++;
	}
	jw_init(&w, JW_PRETTY | JW_HTML_SAFE);
	jw_obj_open(&w);
	jw_kstr(&w, "spreadsheetId", (*ctx->wbp)->spreadsheet_id);
	if (n > 0) {
		jw_key(&w, "valueRanges");
		jw_arr_open(&w);
		for (i = 0; i < n; i++)
			write_value_range(&w, ts[i].sh, &ts[i].rect, columns,
			    how);
		jw_arr_close(&w);
	}
	jw_obj_close(&w);
	free(ts);
	reply_json(ctx->reply, 200, &w);
}

void
api_values_update(struct api_ctx *ctx, const char *range)
{
	struct write_options	o;
	struct write_plan	p;
	struct jw		w;
	yajl_val		root;
	char			msg[MSG_MAX];

	if (write_options_parse(ctx, query_get(ctx->query, "valueInputOption"),
	    query_get(ctx->query, "includeValuesInResponse"),
	    query_get(ctx->query, "responseValueRenderOption"), &o) == -1)
		return;
	if ((root = api_body_object(ctx)) == NULL)
		return;
	if (api_known_keys(ctx, root, value_range_keys, NULL) == -1)
		goto out;
	if (plan_from_value_range(*ctx->wbp, range, root, o.input, &p, msg,
	    sizeof(msg)) == -1 ||
	    plan_check_bounds(&p, msg, sizeof(msg)) == -1) {
		reply_error(ctx->reply, 400, "%s", msg);
		goto out;
	}
	if (plan_apply(&p) == -1) {
		reply_error(ctx->reply, 500, MSG_INTERNAL);
		goto out;
	}
	jw_init(&w, JW_PRETTY | JW_HTML_SAFE);
	write_update_response(&w, *ctx->wbp, &p, o.include_values, o.render);
	reply_json(ctx->reply, 200, &w);
	ctx->reply->mutated = 1;
out:
	yajl_tree_free(root);
}

void
api_values_clear(struct api_ctx *ctx, const char *range)
{
	struct target	t;
	struct jw	w;
	char		msg[MSG_MAX];

	if (target_resolve(*ctx->wbp, range, &t, msg, sizeof(msg)) == -1 ||
	    target_check(&t, msg, sizeof(msg)) == -1) {
		reply_error(ctx->reply, 400, "%s", msg);
		return;
	}
	sheet_clear_rect(t.sh, &t.rect);
	jw_init(&w, JW_PRETTY | JW_HTML_SAFE);
	jw_obj_open(&w);
	jw_kstr(&w, "spreadsheetId", (*ctx->wbp)->spreadsheet_id);
	write_range_key(&w, "clearedRange", t.sh, &t.rect);
	jw_obj_close(&w);
	reply_json(ctx->reply, 200, &w);
	ctx->reply->mutated = 1;
}

void
api_values_batch_clear(struct api_ctx *ctx)
{
	static const char *const	 keys[] = { "ranges", NULL };
	struct target			*ts = NULL;
	struct jw			 w;
	yajl_val			 root, ranges, v;
	size_t				 i, n;
	char				 msg[MSG_MAX];

	if ((root = api_body_object(ctx)) == NULL)
		return;
	if (api_known_keys(ctx, root, keys, NULL) == -1)
		goto out;
	ranges = api_member(root, "ranges", yajl_t_array);
	n = ranges != NULL ? ranges->u.array.len : 0;
	if (n > 0 && (ts = calloc(n, sizeof(*ts))) == NULL) {
		reply_error(ctx->reply, 500, MSG_INTERNAL);
		goto out;
	}
	for (i = 0; i < n; i++) {
		v = ranges->u.array.values[i];
		if (!YAJL_IS_STRING(v)) {
			reply_error(ctx->reply, 400, "Invalid JSON payload "
			    "received. Expected a string at 'ranges[%zu]'.", i);
			goto out;
		}
		if (target_resolve(*ctx->wbp, jstr(v), &ts[i], msg,
		    sizeof(msg)) == -1 ||
		    target_check(&ts[i], msg, sizeof(msg)) == -1) {
			reply_error(ctx->reply, 400,
			    "Invalid range[%zu]: %s", i, msg);
			goto out;
		}
	}
	for (i = 0; i < n; i++)
		sheet_clear_rect(ts[i].sh, &ts[i].rect);
	jw_init(&w, JW_PRETTY | JW_HTML_SAFE);
	jw_obj_open(&w);
	jw_kstr(&w, "spreadsheetId", (*ctx->wbp)->spreadsheet_id);
	if (n > 0) {
		jw_key(&w, "clearedRanges");
		jw_arr_open(&w);
		for (i = 0; i < n; i++) {
			char	text[RANGE_TEXT_MAX];

			if (a1_format(text, sizeof(text), ts[i].sh->title,
			    &ts[i].rect) == -1)
				text[0] = '\0';
			jw_str(&w, text);
		}
		jw_arr_close(&w);
	}
	jw_obj_close(&w);
	reply_json(ctx->reply, 200, &w);
	ctx->reply->mutated = 1;
out:
	free(ts);
	yajl_tree_free(root);
}

static const char *
str_member(yajl_val obj, const char *key)
{
	yajl_val	v = api_member(obj, key, yajl_t_string);

	return (v != NULL ? jstr(v) : NULL);
}

static const char *
bool_member(yajl_val obj, const char *key)
{
	yajl_val	v = api_member(obj, key, yajl_t_any);

	return (v != NULL && YAJL_IS_TRUE(v) ? "true" : NULL);
}

void
api_values_batch_update(struct api_ctx *ctx)
{
	static const char *const	 keys[] = { "valueInputOption", "data",
	    "includeValuesInResponse", "responseValueRenderOption",
	    "responseDateTimeRenderOption", NULL };
	struct write_options		 o;
	struct write_plan		*plans = NULL;
	struct workbook			*wb = *ctx->wbp;
	struct sheet			**touched = NULL;
	struct jw			 w;
	yajl_val			 root, data, item, range;
	uint64_t			 trows = 0, tcols = 0, tcells = 0;
	size_t				 i, k, n, nsheets = 0;
	char				 msg[MSG_MAX], where[32];

	if ((root = api_body_object(ctx)) == NULL)
		return;
	if (api_known_keys(ctx, root, keys, NULL) == -1)
		goto out;
	if (write_options_parse(ctx, str_member(root, "valueInputOption"),
	    bool_member(root, "includeValuesInResponse"),
	    str_member(root, "responseValueRenderOption"), &o) == -1)
		goto out;
	data = api_member(root, "data", yajl_t_array);
	n = data != NULL ? data->u.array.len : 0;
	if (n > 0 && ((plans = calloc(n, sizeof(*plans))) == NULL ||
	    (touched = calloc(n, sizeof(*touched))) == NULL)) {
		reply_error(ctx->reply, 500, MSG_INTERNAL);
		goto out;
	}

	/* Validate every item before changing anything: the call is atomic. */
	for (i = 0; i < n; i++) {
		item = data->u.array.values[i];
		(void)snprintf(where, sizeof(where), "data[%zu]", i);
		if (!YAJL_IS_OBJECT(item)) {
			reply_error(ctx->reply, 400, "Invalid JSON payload "
			    "received. Expected an object at '%s'.", where);
			goto out;
		}
		if (api_known_keys(ctx, item, value_range_keys, where) == -1)
			goto out;
		range = api_member(item, "range", yajl_t_string);
		if (plan_from_value_range(wb, range != NULL ?
		    jstr(range) : "", item, o.input, &plans[i], msg,
		    sizeof(msg)) == -1 ||
		    plan_check_bounds(&plans[i], msg, sizeof(msg)) == -1) {
			reply_error(ctx->reply, 400, "Invalid data[%zu]: %s",
			    i, msg);
			goto out;
		}
	}
	for (i = 0; i < n; i++) {
		if (plan_apply(&plans[i]) == -1) {
			reply_error(ctx->reply, 500, MSG_INTERNAL);
			ctx->reply->mutated = 1;
			goto out;
		}
		trows += plans[i].upd_rows;
		tcols += plans[i].upd_cols;
		tcells += plans[i].upd_cells;
		if (plans[i].upd_cells == 0)
			continue;
		for (k = 0; k < nsheets && touched[k] != plans[i].t.sh; k++)
			;
		if (k == nsheets)
			touched[nsheets++] = plans[i].t.sh;
	}

	jw_init(&w, JW_PRETTY | JW_HTML_SAFE);
	jw_obj_open(&w);
	jw_kstr(&w, "spreadsheetId", wb->spreadsheet_id);
	if (trows)
		jw_kint(&w, "totalUpdatedRows", (long long)trows);
	if (tcols)
		jw_kint(&w, "totalUpdatedColumns", (long long)tcols);
	if (tcells)
		jw_kint(&w, "totalUpdatedCells", (long long)tcells);
	if (nsheets)
		jw_kint(&w, "totalUpdatedSheets", (long long)nsheets);
	if (n > 0) {
		jw_key(&w, "responses");
		jw_arr_open(&w);
		for (i = 0; i < n; i++)
			write_update_response(&w, wb, &plans[i],
			    o.include_values, o.render);
		jw_arr_close(&w);
	}
	jw_obj_close(&w);
	reply_json(ctx->reply, 200, &w);
	ctx->reply->mutated = 1;
out:
	free(plans);
	free(touched);
	yajl_tree_free(root);
}

/*
 * values.batchGetByDataFilter: the POST twin of batchGet, with the ranges
 * as DataFilters in the body, so a long list of ranges does not make a
 * long URL.  Only a1Range filters are implemented; gridRange and
 * developerMetadataLookup are refused with 400 rather than misread.  Each
 * filter selects one range, answered as a MatchedValueRange in request
 * order that echoes the filter.
 */
void
api_values_batch_get_by_filter(struct api_ctx *ctx)
{
	static const char *const	 keys[] = { "dataFilters",
	    "majorDimension", "valueRenderOption", "dateTimeRenderOption",
	    NULL };
	static const char *const	 filter_keys[] = { "a1Range",
	    "gridRange", "developerMetadataLookup", NULL };
	struct target			*ts = NULL;
	struct jw			 w;
	enum value_render		 how;
	yajl_val			 root, filters, f, a1;
	size_t				 i, n;
	int				 dim, render;
	char				 msg[MSG_MAX], where[48];

	if ((root = api_body_object(ctx)) == NULL)
		return;
	if (api_known_keys(ctx, root, keys, NULL) == -1)
		goto out;
	if ((dim = api_enum(ctx, str_member(root, "majorDimension"),
	    dimension_names, DIM_ROWS, "major_dimension", "Dimension")) == -1 ||
	    (render = api_enum(ctx, str_member(root, "valueRenderOption"),
	    value_render_names, RENDER_FORMATTED, "value_render_option",
	    "ValueRenderOption")) == -1 ||
	    api_enum(ctx, str_member(root, "dateTimeRenderOption"),
	    datetime_names, 0, "date_time_render_option",
	    "DateTimeRenderOption") == -1)
		goto out;
	how = (enum value_render)render;
	filters = api_member(root, "dataFilters", yajl_t_array);
	if ((n = filters != NULL ? filters->u.array.len : 0) == 0) {
		reply_error(ctx->reply, 400, "Must specify at least one data "
		    "filter.");
		goto out;
	}
	if ((ts = calloc(n, sizeof(*ts))) == NULL) {
		reply_error(ctx->reply, 500, MSG_INTERNAL);
		goto out;
	}
	for (i = 0; i < n; i++) {
		f = filters->u.array.values[i];
		(void)snprintf(where, sizeof(where), "data_filters[%zu]", i);
		if (!YAJL_IS_OBJECT(f)) {
			reply_error(ctx->reply, 400, "Invalid JSON payload "
			    "received. Expected an object at '%s'.", where);
			goto out;
		}
		if (api_known_keys(ctx, f, filter_keys, where) == -1)
			goto out;
		if (f->u.object.len != 1) {
			reply_error(ctx->reply, 400, "Invalid JSON payload "
			    "received. Exactly one of a1Range, gridRange and "
			    "developerMetadataLookup must be set at '%s'.",
			    where);
			goto out;
		}
		if ((a1 = api_member(f, "a1Range", yajl_t_string)) == NULL) {
			reply_error(ctx->reply, 400, "Invalid %s: only a1Range "
			    "filters are supported by the emulator (%s).", where,
			    f->u.object.keys[0]);
			goto out;
		}
		if (target_resolve(*ctx->wbp, jstr(a1), &ts[i], msg,
		    sizeof(msg)) == -1 ||
		    target_check(&ts[i], msg, sizeof(msg)) == -1) {
			reply_error(ctx->reply, 400, "%s", msg);
			goto out;
		}
	}
	jw_init(&w, JW_PRETTY | JW_HTML_SAFE);
	jw_obj_open(&w);
	jw_kstr(&w, "spreadsheetId", (*ctx->wbp)->spreadsheet_id);
	jw_key(&w, "valueRanges");
	jw_arr_open(&w);
	for (i = 0; i < n; i++) {
		a1 = api_member(filters->u.array.values[i], "a1Range",
		    yajl_t_string);
		jw_obj_open(&w);
		jw_key(&w, "valueRange");
		write_value_range(&w, ts[i].sh, &ts[i].rect, dim == DIM_COLUMNS,
		    how);
		jw_key(&w, "dataFilters");
		jw_arr_open(&w);
		jw_obj_open(&w);
		jw_kstr(&w, "a1Range", jstr(a1));
		jw_obj_close(&w);
		jw_arr_close(&w);
		jw_obj_close(&w);
	}
	jw_arr_close(&w);
	jw_obj_close(&w);
	reply_json(ctx->reply, 200, &w);
out:
	free(ts);
	yajl_tree_free(root);
}
