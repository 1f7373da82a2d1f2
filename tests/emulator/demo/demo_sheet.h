/*
 * Writing one sheet object of the workbook file.
 */
#ifndef DEMO_SHEET_H
#define DEMO_SHEET_H

#include <stddef.h>

#include "jsonw.h"

/* Opens the sheet object and its "rows" array. */
void	demo_sheet_open(struct jw *, const char *title, int sheet_id,
	    size_t rows, int cols);
void	demo_sheet_close(struct jw *);
/* Grid rows for a sheet with this many data rows (header excluded). */
size_t	demo_grid_rows(size_t data_rows);

#endif
