/*
 * Reading one sheet in pieces that each fit the read caps: the HTTP
 * client's response cap (http_client.h) and the codec's cells per reply
 * (sheets_codec.h).  No I/O here: the read cache (sheets_cache.c) asks
 * for the ranges this hands out and gives back what came.
 *
 * A sheet is read whole until that fails for its size; from then on the
 * caller learns the grid (spreadsheets.get) and reads pieces of whole
 * rows ("'Operaciones'!1:6000"), which never pass the grid (Sheets refuses
 * a range past it) and always hold every column, even one inserted since
 * the grid was learned.  The first piece holds at most two thirds of a
 * reply's cells (it shares its reply with the other tables) were every
 * cell of the grid filled; the next ones are sized from the bytes and
 * cells per row the previous one cost, aiming at SHEET_CHUNKS_TARGET_BYTES
 * and the same share of cells.  One that still comes back too
 * big is halved and asked again, down to a single row.  After that, in
 * the same read, a piece at most doubles the last one and stays under the
 * size that failed, so sizing cannot swing between too big and small.
 *
 * A row that cannot be read even alone is remembered: later reads ask
 * for it alone, right after the pieces before it, so a sheet that stays
 * unreadable costs no more reads than one that can be read.
 *
 * Rows come back ragged and trailing empty rows are left out, so each
 * piece's rows are placed at its first row's position; the sheet read is
 * the same value range a whole read would give, starting at row 1.
 */
#ifndef ZEUES_SHEET_CHUNKS_H
#define ZEUES_SHEET_CHUNKS_H

#include <stddef.h>

#include "a1.h"
#include "sheets_codec.h"

/* Under the 8 MiB cap: pieces vary around their average row. */
#define SHEET_CHUNKS_TARGET_BYTES	(6 * 1024 * 1024)

struct sheet_chunks {
	char				sheet[A1_SHEET_NAME_SIZE];
	size_t				max_cells;	/* in one piece */
	unsigned int			grid_rows;	/* 0: read whole */
	unsigned int			grid_cols;
	unsigned int			rows_per_read;
	unsigned int			data_rows;	/* rate of full rows */
	unsigned int			bad_row;	/* 0: none known */
	/* The read under way. */
	unsigned int			next_row;	/* of the next piece */
	unsigned int			piece_rows;	/* asked in the last */
	unsigned int			ceiling;	/* failed, this read */
	int				whole_taken;
	struct sheets_value_range	acc;		/* rows[0] is row 1 */
	size_t				cap_rows;
	char				range[A1_SHEET_NAME_SIZE * 2 + 32];
};

/*
 * reply_cells is the cap on a reply's cells (sheets_limits.max_cells, 0
 * for none).  Returns 0, or -1 when the title does not fit a range.
 */
int		sheet_chunks_init(struct sheet_chunks *, const char *sheet,
		    size_t reply_cells);
/* Frees the rows of a read under way. */
void		sheet_chunks_clear(struct sheet_chunks *);

/* The grid as spreadsheets.get tells it; 0 rows goes back to whole. */
void		sheet_chunks_set_grid(struct sheet_chunks *,
		    long long rows, long long cols);
int		sheet_chunks_whole(const struct sheet_chunks *);

/* Starts a read (dropping one under way). */
void		sheet_chunks_begin(struct sheet_chunks *);
/* The range of the next piece; valid until the next call. */
const char	*sheet_chunks_range(struct sheet_chunks *);
/*
 * Takes the rows of the piece just read (vr is left empty), and sizes the
 * next piece from response_bytes.  Returns 0, or -1 when out of memory.
 */
int		sheet_chunks_take(struct sheet_chunks *,
		    struct sheets_value_range *vr, size_t response_bytes);
/* 1 once the read has every piece. */
int		sheet_chunks_done(const struct sheet_chunks *);
/* 1 when the data reaches the grid's last row: the grid may have grown. */
int		sheet_chunks_at_grid_end(const struct sheet_chunks *);
/*
 * The last piece came back too big: the next one asks half its rows.
 * Returns 0, or -1 when it was a single row (then remembered as bad) or
 * the whole sheet.
 */
int		sheet_chunks_shrink(struct sheet_chunks *);
/* First row of the last piece asked (for messages). */
unsigned int	sheet_chunks_piece_row(const struct sheet_chunks *);
/* Moves the rows read into out (header row 1). */
void		sheet_chunks_finish(struct sheet_chunks *,
		    struct sheets_value_range *out);

#endif
