/*
 * Sheet objects of the workbook file.
 */
#include "demo_sheet.h"

void
demo_sheet_open(struct jw *w, const char *title, int sheet_id, size_t rows,
    int cols)
{
	jw_obj_open(w);
	jw_kstr(w, "title", title);
	jw_kint(w, "sheetId", sheet_id);
	jw_kint(w, "rowCount", (long long)rows);
	jw_kint(w, "columnCount", cols);
	jw_key(w, "rows");
	jw_arr_open(w);
}

void
demo_sheet_close(struct jw *w)
{
	jw_arr_close(w);
	jw_obj_close(w);
}

size_t
demo_grid_rows(size_t data_rows)
{
	/* Room to grow, like a sheet people keep adding to. */
	if (data_rows + 1 <= 800)
		return (1000);
	return (data_rows + 1 + (data_rows / 10 < 200 ? 200 : data_rows / 10));
}
