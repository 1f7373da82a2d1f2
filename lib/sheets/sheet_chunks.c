/*
 * A sheet read in pieces of whole rows; see sheet_chunks.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sheet_chunks.h"

int
sheet_chunks_init(struct sheet_chunks *ch, const char *sheet,
    size_t reply_cells)
{
	memset(ch, 0, sizeof(*ch));
	ch->max_cells = (reply_cells > 0 ? reply_cells :
	    SHEETS_MAX_CELLS_PER_REPLY) * 2 / 3;
	if (strlen(sheet) >= sizeof(ch->sheet) ||
	    a1_format_range(ch->range, sizeof(ch->range), sheet, NULL) == -1)
		return (-1);
	snprintf(ch->sheet, sizeof(ch->sheet), "%s", sheet);
	ch->next_row = 1;
	return (0);
}

void
sheet_chunks_clear(struct sheet_chunks *ch)
{
	sheets_value_range_clear(&ch->acc);
	ch->cap_rows = 0;
}

static unsigned int
max_rows_by_cells(const struct sheet_chunks *ch)
{
	size_t	cols = ch->grid_cols > 0 ? ch->grid_cols : 1;
	size_t	n = ch->max_cells / cols;

	if (n > A1_MAX_ROW)
		n = A1_MAX_ROW;
	return (n > 0 ? (unsigned int)n : 1);
}

void
sheet_chunks_set_grid(struct sheet_chunks *ch, long long rows,
    long long cols)
{
	if (rows <= 0 || rows > A1_MAX_ROW || cols <= 0 ||
	    cols > A1_MAX_COLUMN) {
		ch->grid_rows = 0;
		return;
	}
	ch->grid_rows = (unsigned int)rows;
	if (ch->bad_row > ch->grid_rows)
		ch->bad_row = 0;
	ch->grid_cols = (unsigned int)cols;
	if (ch->rows_per_read == 0 || ch->rows_per_read > max_rows_by_cells(ch))
		ch->rows_per_read = max_rows_by_cells(ch);
}

int
sheet_chunks_whole(const struct sheet_chunks *ch)
{
	return (ch->grid_rows == 0);
}

void
sheet_chunks_begin(struct sheet_chunks *ch)
{
	sheet_chunks_clear(ch);
	ch->next_row = 1;
	ch->piece_rows = 0;
	ch->ceiling = 0;
	/* The next read starts at the rate of rows that held data. */
	if (ch->data_rows > 0)
		ch->rows_per_read = ch->data_rows;
	ch->whole_taken = 0;
}

const char *
sheet_chunks_range(struct sheet_chunks *ch)
{
	struct a1_area	area;
	unsigned int	last;

	if (sheet_chunks_whole(ch)) {
		(void)a1_format_range(ch->range, sizeof(ch->range), ch->sheet,
		    NULL);
		return (ch->range);
	}
	last = ch->grid_rows - ch->next_row + 1 > ch->rows_per_read ?
	    ch->next_row + ch->rows_per_read - 1 : ch->grid_rows;
	if (ch->bad_row == ch->next_row)
		last = ch->next_row;
	else if (ch->bad_row > ch->next_row && ch->bad_row <= last)
		last = ch->bad_row - 1;
	ch->piece_rows = last - ch->next_row + 1;
	memset(&area, 0, sizeof(area));
	area.first_row = ch->next_row;
	area.last_row = last;
	/* Cannot fail: the title fitted at init and rows are in range. */
	(void)a1_format_range(ch->range, sizeof(ch->range), ch->sheet, &area);
	return (ch->range);
}

/* Appends an empty row, or takes row (zeroing it). */
static int
acc_push(struct sheet_chunks *ch, struct sheets_value_row *row)
{
	struct sheets_value_row	*rows;
	size_t			 cap;

	if (ch->acc.nrows == ch->cap_rows) {
		cap = ch->cap_rows > 0 ? ch->cap_rows * 2 : 1024;
		if ((rows = reallocarray(ch->acc.rows, cap,
		    sizeof(*rows))) == NULL)
			return (-1);
		ch->acc.rows = rows;
		ch->cap_rows = cap;
	}
	rows = &ch->acc.rows[ch->acc.nrows++];
	memset(rows, 0, sizeof(*rows));
	if (row != NULL) {
		*rows = *row;
		memset(row, 0, sizeof(*row));
	}
	return (0);
}

/*
 * The next piece costs about SHEET_CHUNKS_TARGET_BYTES and at most
 * max_cells at the rate of the last one; empty rows cost next to nothing,
 * so a grid with a long empty tail is not read a few rows at a time.
 */
static void
resize(struct sheet_chunks *ch, size_t response_bytes, size_t cells)
{
	size_t	per_row, n = A1_MAX_ROW, by_cells;

	if (ch->piece_rows == 0)
		return;
	per_row = response_bytes / ch->piece_rows;
	if (per_row > 0)
		n = SHEET_CHUNKS_TARGET_BYTES / per_row;
	if (cells > 0) {
		by_cells = ch->max_cells * ch->piece_rows / cells;
		if (n > by_cells)
			n = by_cells;
	} else
		ch->ceiling = 0;	/* past the data: no rate to keep */
	/* After a piece too big, grow back carefully. */
	if (ch->ceiling > 0 && n > (size_t)ch->piece_rows * 2)
		n = (size_t)ch->piece_rows * 2;
	if (ch->ceiling > 0 && n >= ch->ceiling)
		n = ch->ceiling - 1;
	ch->rows_per_read = n > 0 ? (unsigned int)n : 1;
	if (cells > 0)
		ch->data_rows = ch->rows_per_read;
}

int
sheet_chunks_take(struct sheet_chunks *ch, struct sheets_value_range *vr,
    size_t response_bytes)
{
	size_t	r, cells = 0;

	if (sheet_chunks_whole(ch)) {
		sheet_chunks_clear(ch);
		ch->acc.rows = vr->rows;
		ch->acc.nrows = vr->nrows;
		ch->cap_rows = vr->nrows;
		vr->rows = NULL;
		vr->nrows = 0;
		sheets_value_range_clear(vr);
		ch->whole_taken = 1;
		return (0);
	}
	/* Rows left out before this piece were empty. */
	if (vr->nrows > 0) {
		while (ch->acc.nrows < ch->next_row - 1) {
			if (acc_push(ch, NULL) == -1)
				return (-1);
		}
	}
	for (r = 0; r < vr->nrows && r < ch->piece_rows; r++) {
		cells += vr->rows[r].ncells;
		if (acc_push(ch, &vr->rows[r]) == -1)
			return (-1);
	}
	sheets_value_range_clear(vr);
	if (ch->bad_row >= ch->next_row &&
	    ch->bad_row < ch->next_row + ch->piece_rows)
		ch->bad_row = 0;
	ch->next_row += ch->piece_rows;
	resize(ch, response_bytes, cells);
	return (0);
}

int
sheet_chunks_done(const struct sheet_chunks *ch)
{
	if (sheet_chunks_whole(ch))
		return (ch->whole_taken);
	return (ch->next_row > ch->grid_rows);
}

int
sheet_chunks_at_grid_end(const struct sheet_chunks *ch)
{
	return (!sheet_chunks_whole(ch) && ch->acc.nrows >= ch->grid_rows);
}

int
sheet_chunks_shrink(struct sheet_chunks *ch)
{
	if (sheet_chunks_whole(ch))
		return (-1);
	if (ch->piece_rows <= 1) {
		ch->bad_row = ch->next_row;
		return (-1);
	}
	if (ch->ceiling == 0 || ch->piece_rows < ch->ceiling)
		ch->ceiling = ch->piece_rows;
	ch->rows_per_read = ch->piece_rows / 2;
	return (0);
}

unsigned int
sheet_chunks_piece_row(const struct sheet_chunks *ch)
{
	return (ch->next_row);
}

void
sheet_chunks_finish(struct sheet_chunks *ch, struct sheets_value_range *out)
{
	struct sheets_value_row	*rows;

	sheets_value_range_clear(out);
	/* Give back the slack: the table keeps these rows for long. */
	if (ch->acc.nrows > 0 && ch->acc.nrows < ch->cap_rows &&
	    (rows = reallocarray(ch->acc.rows, ch->acc.nrows,
	    sizeof(*rows))) != NULL)
		ch->acc.rows = rows;
	out->rows = ch->acc.rows;
	out->nrows = ch->acc.nrows;
	memset(&ch->acc, 0, sizeof(ch->acc));
	ch->cap_rows = 0;
}
