/*
 * spreadsheets.values.append: find the table, write under it.
 */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "value_range.h"
#include "write_plan.h"

enum insert_option {
	INSERT_OVERWRITE,
	INSERT_ROWS,
};

static const char *const insert_names[] = {
	"OVERWRITE", "INSERT_ROWS", NULL
};

/*
 * The "table" values.append looks for: starting at the first non-empty
 * cell of the range, the block that grows down, right and left while the
 * neighbouring row or column has data.  Only the start has to lie in the
 * range: appending to "Sheet1!A1" finds a table that spans A:D.
 */
static int
find_table(const struct sheet *sh, const struct grid_rect *g,
    struct grid_rect *t)
{
	uint32_t	r, c, last, lo, hi;
	int		changed;

	last = min_u32(g->r2, sh->nrows);
	for (r = g->r1; r <= last; r++) {
		for (c = g->c1; c <= g->c2; c++) {
			if (sheet_cell(sh, r, c) != NULL)
				goto found;
		}
	}
	return (0);
found:
	t->r1 = t->r2 = r;
	t->c1 = t->c2 = c;
	do {
		changed = 0;
		lo = t->c1 > 1 ? t->c1 - 1 : t->c1;
		hi = t->c2 < sh->col_count ? t->c2 + 1 : t->c2;
		while (t->r2 < sh->row_count &&
		    sheet_row_has_data(sh, t->r2 + 1, lo, hi)) {
			t->r2++;
			changed = 1;
		}
		lo = t->r1 > 1 ? t->r1 - 1 : t->r1;
		hi = t->r2 < sh->row_count ? t->r2 + 1 : t->r2;
		while (t->c2 < sh->col_count &&
		    sheet_col_has_data(sh, t->c2 + 1, lo, hi)) {
			t->c2++;
			changed = 1;
		}
		while (t->c1 > 1 && sheet_col_has_data(sh, t->c1 - 1, lo, hi)) {
			t->c1--;
			changed = 1;
		}
	} while (changed);
	return (1);
}

void
api_values_append(struct api_ctx *ctx, const char *range)
{
	struct write_options	 o;
	struct write_plan	 p;
	struct grid_rect	 table, g;
	struct workbook		*wb = *ctx->wbp;
	struct jw		 w;
	yajl_val		 root;
	uint64_t		 grow = 0;
	uint32_t		 last_row;
	int			 has_table, mode;
	char			 msg[MSG_MAX];

	if (write_options_parse(ctx, query_get(ctx->query, "valueInputOption"),
	    query_get(ctx->query, "includeValuesInResponse"),
	    query_get(ctx->query, "responseValueRenderOption"), &o) == -1)
		return;
	if ((mode = api_enum(ctx, query_get(ctx->query, "insertDataOption"),
	    insert_names, INSERT_OVERWRITE, "insert_data_option",
	    "InsertDataOption")) == -1)
		return;
	if ((root = api_body_object(ctx)) == NULL)
		return;
	if (api_known_keys(ctx, root, value_range_keys, NULL) == -1)
		goto out;
	if (plan_from_value_range(wb, range, root, o.input, &p, msg,
	    sizeof(msg)) == -1 ||
	    target_check(&p.t, msg, sizeof(msg)) == -1) {
		reply_error(ctx->reply, 400, "%s", msg);
		goto out;
	}

	if ((has_table = find_table(p.t.sh, &p.t.rect, &table))) {
		p.r0 = table.r2 + 1;
		p.c0 = table.c1;
	}
	g = plan_rect(&p);
	/* Appending adds rows past the grid, never columns. */
	if (g.c2 > p.t.sh->col_count) {
		char	text[RANGE_TEXT_MAX];

		if (a1_format(text, sizeof(text), p.t.sh->title, &g) == -1)
			text[0] = '\0';
		(void)grid_check(p.t.sh, &g, text, msg, sizeof(msg));
		reply_error(ctx->reply, 400, "%s", msg);
		goto out;
	}
	if (p.nrows > 0) {
		last_row = p.r0 + p.nrows - 1;
		if (mode == INSERT_ROWS)
			grow = p.nrows;
		else if (last_row > p.t.sh->row_count)
			grow = last_row - p.t.sh->row_count;
	}
	if (grow > 0 && workbook_cell_total(wb) + grow * p.t.sh->col_count >
	    WORKBOOK_CELL_LIMIT) {
		reply_error(ctx->reply, 400, "This action would increase the "
		    "number of cells in the workbook above the limit of %llu "
		    "cells.", (unsigned long long)WORKBOOK_CELL_LIMIT);
		goto out;
	}
	if (grow > 0 && sheet_insert_rows(p.t.sh,
	    mode == INSERT_ROWS ? min_u32(p.r0, p.t.sh->row_count + 1) :
	    p.t.sh->row_count + 1, (uint32_t)grow) == -1) {
		reply_error(ctx->reply, 500, MSG_INTERNAL);
		goto out;
	}
	if (plan_apply(&p) == -1) {
		reply_error(ctx->reply, 500, MSG_INTERNAL);
		ctx->reply->mutated = 1;
		goto out;
	}

	jw_init(&w, JW_PRETTY | JW_HTML_SAFE);
	jw_obj_open(&w);
	jw_kstr(&w, "spreadsheetId", wb->spreadsheet_id);
	if (has_table)
		write_range_key(&w, "tableRange", p.t.sh, &table);
	jw_key(&w, "updates");
	write_update_response(&w, wb, &p, o.include_values, o.render);
	jw_obj_close(&w);
	reply_json(ctx->reply, 200, &w);
	ctx->reply->mutated = 1;
out:
	yajl_tree_free(root);
}

