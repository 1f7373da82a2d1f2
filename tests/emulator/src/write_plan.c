/*
 * Write plans.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonr.h"
#include "write_plan.h"

const char *const value_range_keys[] = {
	"range", "majorDimension", "values", NULL
};

static const char *const input_names[] = {
	"INPUT_VALUE_OPTION_UNSPECIFIED", "RAW", "USER_ENTERED", NULL
};

/* Checks the shape and cell types of "values" and measures it. */
static int
plan_measure(struct write_plan *p, char *msg, size_t msglen)
{
	yajl_val	 line, v;
	uint8_t		*rows_hit = NULL, *cols_hit = NULL;
	size_t		 i, j, n_outer, n_inner = 0;
	uint32_t	 r, c;

	p->nrows = p->ncols = 0;
	p->upd_rows = p->upd_cols = p->upd_cells = 0;
	if (p->values == NULL)
		return (0);
	if (!YAJL_IS_ARRAY(p->values)) {
		(void)snprintf(msg, msglen, "Invalid JSON payload received. "
		    "Expected a list of lists for \"values\".");
		return (-1);
	}
	n_outer = p->values->u.array.len;
	for (i = 0; i < n_outer; i++) {
		line = p->values->u.array.values[i];
		if (YAJL_IS_NULL(line))
			continue;
		if (!YAJL_IS_ARRAY(line)) {
			(void)snprintf(msg, msglen, "Invalid values[%zu]: "
			    "expected a list", i);
			return (-1);
		}
		if (line->u.array.len > n_inner)
			n_inner = line->u.array.len;
		for (j = 0; j < line->u.array.len; j++) {
			v = line->u.array.values[j];
			if (YAJL_IS_OBJECT(v) || YAJL_IS_ARRAY(v)) {
				(void)snprintf(msg, msglen, "Invalid "
				    "values[%zu][%zu]: %s", i, j,
				    YAJL_IS_OBJECT(v) ? "struct_value" :
				    "list_value");
				return (-1);
			}
			if (YAJL_IS_STRING(v) && cell_text_too_long(jstr(v))) {
				(void)snprintf(msg, msglen, "Your input "
				    "contains more than the maximum of %d "
				    "characters in a single cell.",
				    CELL_TEXT_MAX);
				return (-1);
			}
		}
	}
	if (n_outer > A1_ROW_MAX || n_inner > A1_ROW_MAX) {
		(void)snprintf(msg, msglen, "Too many values.");
		return (-1);
	}
	p->nrows = (uint32_t)(p->columns ? n_inner : n_outer);
	p->ncols = (uint32_t)(p->columns ? n_outer : n_inner);
	if (p->nrows == 0 || p->ncols == 0) {
		p->nrows = p->ncols = 0;
		return (0);
	}

	rows_hit = calloc(p->nrows, 1);
	cols_hit = calloc(p->ncols, 1);
	if (rows_hit == NULL || cols_hit == NULL) {
		free(rows_hit);
		free(cols_hit);
		(void)snprintf(msg, msglen, MSG_INTERNAL);
		return (-1);
	}
	for (i = 0; i < n_outer; i++) {
		line = p->values->u.array.values[i];
		if (YAJL_IS_NULL(line))
			continue;
		for (j = 0; j < line->u.array.len; j++) {
			if (YAJL_IS_NULL(line->u.array.values[j]))
				continue;
			r = (uint32_t)(p->columns ? j : i);
			c = (uint32_t)(p->columns ? i : j);
			p->upd_cells++;
			if (!rows_hit[r]) {
				rows_hit[r] = 1;
				p->upd_rows++;
			}
			if (!cols_hit[c]) {
				cols_hit[c] = 1;
				p->upd_cols++;
			}
		}
	}
	free(rows_hit);
	free(cols_hit);
	return (0);
}

struct grid_rect
plan_rect(const struct write_plan *p)
{
	struct grid_rect	g;

	g.r1 = p->r0;
	g.c1 = p->c0;
	g.r2 = p->nrows ? p->r0 + p->nrows - 1 : p->r0;
	g.c2 = p->ncols ? p->c0 + p->ncols - 1 : p->c0;
	return (g);
}

/*
 * values.update and batchUpdate: a single cell is only an anchor, a larger
 * range must hold all the data.
 */
int
plan_check_bounds(const struct write_plan *p, char *msg, size_t msglen)
{
	const struct grid_rect	*q = &p->t.rect;
	struct grid_rect	 g = plan_rect(p);
	char			 text[RANGE_TEXT_MAX], col[8];
	int			 anchor;

	anchor = p->t.a1.whole_sheet || (q->r1 == q->r2 && q->c1 == q->c2);
	if (!anchor && target_check(&p->t, msg, msglen) == -1)
		return (-1);
	if (p->nrows == 0)
		return (0);
	if (anchor) {
		if (a1_format(text, sizeof(text), p->t.sh->title, &g) == -1)
			text[0] = '\0';
		return (grid_check(p->t.sh, &g, text, msg, msglen));
	}
	target_text(&p->t, text, sizeof(text));
	if (g.r2 > q->r2) {
		(void)snprintf(msg, msglen, "Requested writing within range "
		    "[%s], but tried writing to row [%u]", text, q->r2 + 1);
		return (-1);
	}
	if (g.c2 > q->c2) {
		a1_col_name(q->c2 + 1, col, sizeof(col));
		(void)snprintf(msg, msglen, "Requested writing within range "
		    "[%s], but tried writing to column [%s]", text, col);
		return (-1);
	}
	return (0);
}

int
plan_apply(struct write_plan *p)
{
	yajl_val	line;
	struct cell	c;
	size_t		i, j;
	uint32_t	r, col;

	if (p->values == NULL || p->nrows == 0)
		return (0);
	for (i = 0; i < p->values->u.array.len; i++) {
		line = p->values->u.array.values[i];
		if (YAJL_IS_NULL(line))
			continue;
		for (j = 0; j < line->u.array.len; j++) {
			memset(&c, 0, sizeof(c));
			switch (cell_from_input(&c, line->u.array.values[j],
			    p->input)) {
			case CELL_INPUT_OK:
				break;
			case CELL_INPUT_SKIP:
				continue;
			default:
				return (-1);
			}
			r = p->r0 + (uint32_t)(p->columns ? j : i);
			col = p->c0 + (uint32_t)(p->columns ? i : j);
			if (sheet_put(p->t.sh, r, col, &c) == -1)
				return (-1);
		}
	}
	return (0);
}

void
write_update_response(struct jw *w, const struct workbook *wb,
    const struct write_plan *p, int include_values, enum value_render how)
{
	struct grid_rect	g = plan_rect(p);

	jw_obj_open(w);
	jw_kstr(w, "spreadsheetId", wb->spreadsheet_id);
	write_range_key(w, "updatedRange", p->t.sh, &g);
	/* Like any proto3 JSON, zero counts are left out. */
	if (p->upd_rows)
		jw_kint(w, "updatedRows", p->upd_rows);
	if (p->upd_cols)
		jw_kint(w, "updatedColumns", p->upd_cols);
	if (p->upd_cells)
		jw_kint(w, "updatedCells", p->upd_cells);
	if (include_values) {
		jw_key(w, "updatedData");
		write_value_range(w, p->t.sh, &g, p->columns, how);
	}
	jw_obj_close(w);
}

static int
parse_bool(const char *s)
{
	return (s != NULL && strcmp(s, "true") == 0);
}

int
write_options_parse(struct api_ctx *ctx, const char *input, const char *include,
    const char *render, struct write_options *o)
{
	int	v;

	if (input == NULL || input[0] == '\0') {
		reply_error(ctx->reply, 400,
		    "'valueInputOption' is required but not specified");
		return (-1);
	}
	if ((v = api_enum(ctx, input, input_names, 0, "value_input_option",
	    "ValueInputOption")) == -1)
		return (-1);
	if (v == 0) {
		reply_error(ctx->reply, 400, "Invalid valueInputOption: "
		    "INPUT_VALUE_OPTION_UNSPECIFIED");
		return (-1);
	}
	o->input = v == 1 ? INPUT_RAW : INPUT_USER_ENTERED;
	o->include_values = parse_bool(include);
	if ((v = api_enum(ctx, render, value_render_names, RENDER_FORMATTED,
	    "response_value_render_option", "ValueRenderOption")) == -1)
		return (-1);
	o->render = (enum value_render)v;
	return (0);
}

/* Fills a plan from a ValueRange object and a range text. */
int
plan_from_value_range(const struct workbook *wb, const char *range,
    yajl_val vr, enum value_input input, struct write_plan *p, char *msg,
    size_t msglen)
{
	yajl_val	dim;

	memset(p, 0, sizeof(*p));
	p->input = input;
	if (target_resolve(wb, range, &p->t, msg, msglen) == -1)
		return (-1);
	dim = api_member(vr, "majorDimension", yajl_t_string);
	if (dim != NULL && strcmp(jstr(dim), "COLUMNS") == 0)
		p->columns = 1;
	else if (dim != NULL && strcmp(jstr(dim), "ROWS") != 0 &&
	    strcmp(jstr(dim), "DIMENSION_UNSPECIFIED") != 0) {
		(void)snprintf(msg, msglen, "Invalid value at "
		    "'data.major_dimension' (type.googleapis.com/"
		    "google.apps.sheets.v4.Dimension), \"%s\"",
		    jstr(dim));
		return (-1);
	}
	p->values = api_member(vr, "values", yajl_t_any);
	if (p->values != NULL && YAJL_IS_NULL(p->values))
		p->values = NULL;
	if (plan_measure(p, msg, msglen) == -1)
		return (-1);
	p->r0 = p->t.rect.r1;
	p->c0 = p->t.rect.c1;
	return (0);
}

