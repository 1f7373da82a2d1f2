/*
 * Request ranges and ValueRange output.
 */
#include <stdio.h>
#include <string.h>

#include "value_range.h"

const char *const value_render_names[] = {
	"FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA", NULL
};

int
target_resolve(const struct workbook *wb, const char *text, struct target *t,
    char *msg, size_t msglen)
{
	memset(t, 0, sizeof(*t));
	if (a1_parse(text, &t->a1) == -1)
		goto unparsable;
	t->sh = t->a1.has_sheet ?
	    workbook_sheet_by_title(wb, t->a1.sheet) : wb->sheets[0];
	if (t->sh == NULL)
		goto unparsable;
	t->rect.r1 = t->a1.row1;
	t->rect.c1 = t->a1.col1;
	t->rect.r2 = t->a1.row2 ? t->a1.row2 : t->sh->row_count;
	t->rect.c2 = t->a1.col2 ? t->a1.col2 : t->sh->col_count;
	return (0);
unparsable:
	(void)snprintf(msg, msglen, "Unable to parse range: %s", text);
	return (-1);
}

/* The range as the request gave it, for error messages. */
void
target_text(const struct target *t, char *buf, size_t len)
{
	if (a1_format_request(buf, len, t->sh->title, &t->a1) == -1)
		buf[0] = '\0';
}

/*
 * "Range (Sheet1!A1001) exceeds grid limits. Max rows: 1000, max columns:
 * 26", naming the range the caller asked for (or, for a write anchored at
 * one cell, the cells it would fill).
 */
int
grid_check(const struct sheet *sh, const struct grid_rect *g,
    const char *name, char *msg, size_t msglen)
{
	if (g->r1 <= g->r2 && g->c1 <= g->c2 && g->r2 <= sh->row_count &&
	    g->c2 <= sh->col_count)
		return (0);
	(void)snprintf(msg, msglen, "Range (%s) exceeds grid limits. Max "
	    "rows: %u, max columns: %u", name, sh->row_count, sh->col_count);
	return (-1);
}

/* The requested range itself must lie inside the grid. */
int
target_check(const struct target *t, char *msg, size_t msglen)
{
	char	name[RANGE_TEXT_MAX];

	target_text(t, name, sizeof(name));
	return (grid_check(t->sh, &t->rect, name, msg, msglen));
}

void
write_range_key(struct jw *w, const char *key, const struct sheet *sh,
    const struct grid_rect *g)
{
	char	text[RANGE_TEXT_MAX];

	if (a1_format(text, sizeof(text), sh->title, g) == -1)
		text[0] = '\0';
	jw_kstr(w, key, text);
}

static void
write_cell(struct jw *w, const struct sheet *sh, uint32_t r, uint32_t c,
    enum value_render how)
{
	const struct cell	*cell;

	if ((cell = sheet_cell(sh, r, c)) == NULL)
		jw_str(w, "");
	else
		cell_render(w, cell, how);
}

/* "values", leaving out trailing empty rows and cells, absent if empty. */
static void
write_values(struct jw *w, const struct sheet *sh, const struct grid_rect *g,
    int columns, enum value_render how)
{
	uint32_t	r, c, last, end;

	if (!columns) {
		for (last = min_u32(g->r2, sh->nrows); last >= g->r1 &&
		    last > 0; last--) {
			if (sheet_row_has_data(sh, last, g->c1, g->c2))
				break;
		}
		if (last < g->r1 || last == 0)
			return;
		jw_key(w, "values");
		jw_arr_open(w);
		for (r = g->r1; r <= last; r++) {
			/* Cells past a row's stored length are empty. */
			for (end = min_u32(g->c2, sh->rows[r - 1].len);
			    end >= g->c1 && end > 0; end--) {
				if (sheet_cell(sh, r, end) != NULL)
					break;
			}
			jw_arr_open(w);
			for (c = g->c1; c <= end && end >= g->c1; c++)
				write_cell(w, sh, r, c, how);
			jw_arr_close(w);
		}
		jw_arr_close(w);
		return;
	}

	for (last = g->c2; last >= g->c1 && last > 0; last--) {
		if (sheet_col_has_data(sh, last, g->r1, g->r2))
			break;
	}
	if (last < g->c1 || last == 0)
		return;
	jw_key(w, "values");
	jw_arr_open(w);
	for (c = g->c1; c <= last; c++) {
		for (end = min_u32(g->r2, sh->nrows); end >= g->r1 && end > 0;
		    end--) {
			if (sheet_cell(sh, end, c) != NULL)
				break;
		}
		jw_arr_open(w);
		for (r = g->r1; r <= end && end >= g->r1; r++)
			write_cell(w, sh, r, c, how);
		jw_arr_close(w);
	}
	jw_arr_close(w);
}

void
write_value_range(struct jw *w, const struct sheet *sh,
    const struct grid_rect *g, int columns, enum value_render how)
{
	jw_obj_open(w);
	write_range_key(w, "range", sh, g);
	jw_kstr(w, "majorDimension", columns ? "COLUMNS" : "ROWS");
	write_values(w, sh, g, columns, how);
	jw_obj_close(w);
}

