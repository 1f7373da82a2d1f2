/*
 * The spreadsheet held in memory: sheets with a grid size and sparse rows
 * of cells.  Every stored cell lies inside its sheet's grid.
 */
#ifndef EMU_WORKBOOK_H
#define EMU_WORKBOOK_H

#include <stddef.h>
#include <stdint.h>

#include "a1.h"
#include "cell.h"

/* Google's limit for a whole spreadsheet. */
#define WORKBOOK_CELL_LIMIT	10000000ull
#define WORKBOOK_SHEETS_MAX	200
#define SHEET_TITLE_MAX		100	/* characters, as Google counts them */

struct sheet_row {
	struct cell	*cells;
	uint32_t	 len;		/* cells[0..len) exist, maybe empty */
	uint32_t	 cap;
};

struct sheet {
	char		*title;
	int64_t		 sheet_id;
	uint32_t	 row_count;
	uint32_t	 col_count;
	struct sheet_row *rows;		/* rows[0..nrows) exist */
	uint32_t	 nrows;
	uint32_t	 rows_cap;
};

struct workbook {
	char		*spreadsheet_id;
	char		*title;
	char		*locale;
	char		*time_zone;
	struct sheet	**sheets;
	size_t		 nsheets;
};

struct workbook	*workbook_new(const char *id, const char *title);
void		 workbook_free(struct workbook *);
struct workbook	*workbook_clone(const struct workbook *);

struct sheet	*workbook_sheet_by_title(const struct workbook *, const char *);
struct sheet	*workbook_sheet_by_id(const struct workbook *, int64_t);
/* Appends a sheet; NULL on allocation failure. */
struct sheet	*workbook_add_sheet(struct workbook *, const char *title,
		    int64_t sheet_id, uint32_t rows, uint32_t cols);
/* Moves the sheet at index from to index to. */
void		 workbook_move_sheet(struct workbook *, size_t from, size_t to);
int64_t		 workbook_unused_sheet_id(const struct workbook *,
		    uint64_t seed);
uint64_t	 workbook_cell_total(const struct workbook *);
size_t		 workbook_sheet_index(const struct workbook *,
		    const struct sheet *);

/* 1-based; NULL for an empty cell. */
const struct cell *sheet_cell(const struct sheet *, uint32_t r, uint32_t c);
/* Stores *val (taking ownership) or clears the cell; -1 on ENOMEM. */
int		 sheet_put(struct sheet *, uint32_t r, uint32_t c,
		    struct cell *val);
void		 sheet_clear_rect(struct sheet *, const struct grid_rect *);
/* Whether any cell in row r, columns [c1, c2], holds a value. */
int		 sheet_row_has_data(const struct sheet *, uint32_t r,
		    uint32_t c1, uint32_t c2);
int		 sheet_col_has_data(const struct sheet *, uint32_t c,
		    uint32_t r1, uint32_t r2);
/* Inserts n empty rows (columns) before 1-based index at; grows the grid. */
int		 sheet_insert_rows(struct sheet *, uint32_t at, uint32_t n);
int		 sheet_insert_cols(struct sheet *, uint32_t at, uint32_t n);
/* Sets the grid size; shrinking drops the cells outside. */
void		 sheet_resize(struct sheet *, uint32_t rows, uint32_t cols);
int		 sheet_set_title(struct sheet *, const char *);

#endif
