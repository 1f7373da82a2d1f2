/*
 * In-memory workbook.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "workbook.h"

struct workbook *
workbook_new(const char *id, const char *title)
{
	struct workbook	*wb;

	if ((wb = calloc(1, sizeof(*wb))) == NULL)
		return (NULL);
	wb->spreadsheet_id = strdup(id);
	wb->title = strdup(title);
	wb->locale = strdup("en_US");
	wb->time_zone = strdup("America/Santiago");
	if (wb->spreadsheet_id == NULL || wb->title == NULL ||
	    wb->locale == NULL || wb->time_zone == NULL) {
		workbook_free(wb);
		return (NULL);
	}
	return (wb);
}

static void
sheet_free(struct sheet *sh)
{
	uint32_t	r, c;

	if (sh == NULL)
		return;
	for (r = 0; r < sh->nrows; r++) {
		for (c = 0; c < sh->rows[r].len; c++)
			cell_clear(&sh->rows[r].cells[c]);
		free(sh->rows[r].cells);
	}
	free(sh->rows);
	free(sh->title);
	free(sh);
}

void
workbook_free(struct workbook *wb)
{
	size_t	i;

	if (wb == NULL)
		return;
	for (i = 0; i < wb->nsheets; i++)
		sheet_free(wb->sheets[i]);
	free(wb->sheets);
	free(wb->spreadsheet_id);
	free(wb->title);
	free(wb->locale);
	free(wb->time_zone);
	free(wb);
}

static struct sheet *
sheet_clone(const struct sheet *src)
{
	struct sheet	*sh;
	uint32_t	 r, c;

	if ((sh = calloc(1, sizeof(*sh))) == NULL)
		return (NULL);
	sh->sheet_id = src->sheet_id;
	sh->row_count = src->row_count;
	sh->col_count = src->col_count;
	if ((sh->title = strdup(src->title)) == NULL)
		goto fail;
	if (src->nrows > 0) {
		if ((sh->rows = calloc(src->nrows, sizeof(*sh->rows))) == NULL)
			goto fail;
		sh->rows_cap = src->nrows;
	}
	for (r = 0; r < src->nrows; r++) {
		sh->nrows = r + 1;
		if (src->rows[r].len == 0)
			continue;
		sh->rows[r].cells = calloc(src->rows[r].len,
		    sizeof(struct cell));
		if (sh->rows[r].cells == NULL)
			goto fail;
		sh->rows[r].cap = src->rows[r].len;
		for (c = 0; c < src->rows[r].len; c++) {
			if (cell_copy(&sh->rows[r].cells[c],
			    &src->rows[r].cells[c]) == -1)
				goto fail;
			sh->rows[r].len = c + 1;
		}
	}
	return (sh);
fail:
	sheet_free(sh);
	return (NULL);
}

struct workbook *
workbook_clone(const struct workbook *src)
{
	struct workbook	*wb;
	size_t		 i;

	if ((wb = workbook_new(src->spreadsheet_id, src->title)) == NULL)
		return (NULL);
	free(wb->locale);
	free(wb->time_zone);
	wb->locale = strdup(src->locale);
	wb->time_zone = strdup(src->time_zone);
	if (wb->locale == NULL || wb->time_zone == NULL)
		goto fail;
	if (src->nsheets > 0) {
		if ((wb->sheets = calloc(src->nsheets,
		    sizeof(*wb->sheets))) == NULL)
			goto fail;
	}
	for (i = 0; i < src->nsheets; i++) {
		if ((wb->sheets[i] = sheet_clone(src->sheets[i])) == NULL)
			goto fail;
		wb->nsheets = i + 1;
	}
	return (wb);
fail:
	workbook_free(wb);
	return (NULL);
}

struct sheet *
workbook_sheet_by_title(const struct workbook *wb, const char *title)
{
	size_t	i;

	/* Titles compare case-insensitively, as they do in Sheets. */
	for (i = 0; i < wb->nsheets; i++) {
		if (strcasecmp(wb->sheets[i]->title, title) == 0)
			return (wb->sheets[i]);
	}
	return (NULL);
}

struct sheet *
workbook_sheet_by_id(const struct workbook *wb, int64_t id)
{
	size_t	i;

	for (i = 0; i < wb->nsheets; i++) {
		if (wb->sheets[i]->sheet_id == id)
			return (wb->sheets[i]);
	}
	return (NULL);
}

size_t
workbook_sheet_index(const struct workbook *wb, const struct sheet *sh)
{
	size_t	i;

	for (i = 0; i < wb->nsheets; i++) {
		if (wb->sheets[i] == sh)
			break;
	}
	return (i);
}

struct sheet *
workbook_add_sheet(struct workbook *wb, const char *title, int64_t sheet_id,
    uint32_t rows, uint32_t cols)
{
	struct sheet	**ns, *sh;

	if (wb->nsheets >= WORKBOOK_SHEETS_MAX)
		return (NULL);
	if ((sh = calloc(1, sizeof(*sh))) == NULL)
		return (NULL);
	if ((sh->title = strdup(title)) == NULL) {
		free(sh);
		return (NULL);
	}
	sh->sheet_id = sheet_id;
	sh->row_count = rows;
	sh->col_count = cols;
	ns = realloc(wb->sheets, (wb->nsheets + 1) * sizeof(*ns));
	if (ns == NULL) {
		sheet_free(sh);
		return (NULL);
	}
	wb->sheets = ns;
	wb->sheets[wb->nsheets++] = sh;
	return (sh);
}

void
workbook_move_sheet(struct workbook *wb, size_t from, size_t to)
{
	struct sheet	*sh;

	if (from >= wb->nsheets || to >= wb->nsheets || from == to)
		return;
	sh = wb->sheets[from];
	if (from < to)
		memmove(&wb->sheets[from], &wb->sheets[from + 1],
		    (to - from) * sizeof(*wb->sheets));
	else
		memmove(&wb->sheets[to + 1], &wb->sheets[to],
		    (from - to) * sizeof(*wb->sheets));
	wb->sheets[to] = sh;
}

int64_t
workbook_unused_sheet_id(const struct workbook *wb, uint64_t seed)
{
	uint64_t	x = seed ^ 0x9e3779b97f4a7c15ull;
	int64_t		id;
	int		tries;

	/* Google picks large random ids; a hash of the seed will do. */
	for (tries = 0; tries < 1000; tries++) {
		x ^= x >> 33;
		x *= 0xff51afd7ed558ccdull;
		x ^= x >> 33;
		id = (int64_t)(x % 2000000000ull) + 1;
		if (workbook_sheet_by_id(wb, id) == NULL)
			return (id);
		x += (uint64_t)tries + 1;
	}
	return (-1);
}

uint64_t
workbook_cell_total(const struct workbook *wb)
{
	uint64_t	total = 0;
	size_t		i;

	for (i = 0; i < wb->nsheets; i++)
		total += (uint64_t)wb->sheets[i]->row_count *
		    wb->sheets[i]->col_count;
	return (total);
}

const struct cell *
sheet_cell(const struct sheet *sh, uint32_t r, uint32_t c)
{
	const struct sheet_row	*row;

	if (r == 0 || c == 0 || r > sh->nrows)
		return (NULL);
	row = &sh->rows[r - 1];
	if (c > row->len || row->cells[c - 1].type == CELL_EMPTY)
		return (NULL);
	return (&row->cells[c - 1]);
}

static int
grow_rows(struct sheet *sh, uint32_t need)
{
	struct sheet_row	*nr;
	uint32_t		 ncap;

	if (need <= sh->rows_cap)
		return (0);
	ncap = sh->rows_cap ? sh->rows_cap : 64;
	while (ncap < need)
		ncap = ncap > UINT32_MAX / 2 ? need : ncap * 2;
	if ((nr = realloc(sh->rows, (size_t)ncap * sizeof(*nr))) == NULL)
		return (-1);
	memset(nr + sh->rows_cap, 0, (size_t)(ncap - sh->rows_cap) *
	    sizeof(*nr));
	sh->rows = nr;
	sh->rows_cap = ncap;
	return (0);
}

static int
grow_cells(struct sheet_row *row, uint32_t need)
{
	struct cell	*nc;
	uint32_t	 ncap;

	if (need <= row->cap)
		return (0);
	ncap = row->cap ? row->cap : 8;
	while (ncap < need)
		ncap = ncap > UINT32_MAX / 2 ? need : ncap * 2;
	if ((nc = realloc(row->cells, (size_t)ncap * sizeof(*nc))) == NULL)
		return (-1);
	memset(nc + row->cap, 0, (size_t)(ncap - row->cap) * sizeof(*nc));
	row->cells = nc;
	row->cap = ncap;
	return (0);
}

int
sheet_put(struct sheet *sh, uint32_t r, uint32_t c, struct cell *val)
{
	struct sheet_row	*row;

	if (r == 0 || c == 0 || r > sh->row_count || c > sh->col_count) {
		cell_clear(val);
		return (-1);
	}
	if (val->type == CELL_EMPTY) {
		if (r <= sh->nrows && c <= sh->rows[r - 1].len)
			cell_clear(&sh->rows[r - 1].cells[c - 1]);
		return (0);
	}
	if (grow_rows(sh, r) == -1) {
		cell_clear(val);
		return (-1);
	}
	if (sh->nrows < r)
		sh->nrows = r;
	row = &sh->rows[r - 1];
	if (grow_cells(row, c) == -1) {
		cell_clear(val);
		return (-1);
	}
	if (row->len < c)
		row->len = c;
	cell_clear(&row->cells[c - 1]);
	row->cells[c - 1] = *val;
	memset(val, 0, sizeof(*val));
	return (0);
}

void
sheet_clear_rect(struct sheet *sh, const struct grid_rect *g)
{
	uint32_t	r, c;

	for (r = g->r1; r <= g->r2 && r <= sh->nrows; r++) {
		for (c = g->c1; c <= g->c2 && c <= sh->rows[r - 1].len; c++)
			cell_clear(&sh->rows[r - 1].cells[c - 1]);
	}
}

int
sheet_row_has_data(const struct sheet *sh, uint32_t r, uint32_t c1,
    uint32_t c2)
{
	const struct sheet_row	*row;
	uint32_t		 c;

	if (r == 0 || r > sh->nrows)
		return (0);
	row = &sh->rows[r - 1];
	for (c = c1 == 0 ? 1 : c1; c <= c2 && c <= row->len; c++) {
		if (row->cells[c - 1].type != CELL_EMPTY)
			return (1);
	}
	return (0);
}

int
sheet_col_has_data(const struct sheet *sh, uint32_t c, uint32_t r1,
    uint32_t r2)
{
	uint32_t	r;

	if (c == 0)
		return (0);
	for (r = r1 == 0 ? 1 : r1; r <= r2 && r <= sh->nrows; r++) {
		if (sheet_cell(sh, r, c) != NULL)
			return (1);
	}
	return (0);
}

int
sheet_insert_rows(struct sheet *sh, uint32_t at, uint32_t n)
{
	if (at == 0 || n == 0 || n > A1_ROW_MAX ||
	    sh->row_count > A1_ROW_MAX - n)
		return (-1);
	if (at <= sh->nrows) {
		if (grow_rows(sh, sh->nrows + n) == -1)
			return (-1);
		memmove(&sh->rows[at - 1 + n], &sh->rows[at - 1],
		    (size_t)(sh->nrows - (at - 1)) * sizeof(*sh->rows));
		memset(&sh->rows[at - 1], 0, (size_t)n * sizeof(*sh->rows));
		sh->nrows += n;
	}
	sh->row_count += n;
	return (0);
}

int
sheet_insert_cols(struct sheet *sh, uint32_t at, uint32_t n)
{
	struct sheet_row	*row;
	uint32_t		 r;

	if (at == 0 || n == 0 || n > A1_COL_MAX ||
	    sh->col_count > A1_COL_MAX - n)
		return (-1);
	/* Reserve first so a failure leaves every row untouched. */
	for (r = 0; r < sh->nrows; r++) {
		row = &sh->rows[r];
		if (at <= row->len && grow_cells(row, row->len + n) == -1)
			return (-1);
	}
	for (r = 0; r < sh->nrows; r++) {
		row = &sh->rows[r];
		if (at > row->len)
			continue;
		memmove(&row->cells[at - 1 + n], &row->cells[at - 1],
		    (size_t)(row->len - (at - 1)) * sizeof(*row->cells));
		memset(&row->cells[at - 1], 0, (size_t)n * sizeof(*row->cells));
		row->len += n;
	}
	sh->col_count += n;
	return (0);
}

void
sheet_resize(struct sheet *sh, uint32_t rows, uint32_t cols)
{
	struct sheet_row	*row;
	uint32_t		 r, c;

	for (r = 0; r < sh->nrows; r++) {
		row = &sh->rows[r];
		for (c = (r < rows ? cols : 0); c < row->len; c++)
			cell_clear(&row->cells[c]);
		if (r >= rows) {
			free(row->cells);
			memset(row, 0, sizeof(*row));
		} else if (row->len > cols) {
			row->len = cols;
		}
	}
	if (sh->nrows > rows)
		sh->nrows = rows;
	sh->row_count = rows;
	sh->col_count = cols;
}

int
sheet_set_title(struct sheet *sh, const char *title)
{
	char	*t;

	if ((t = strdup(title)) == NULL)
		return (-1);
	free(sh->title);
	sh->title = t;
	return (0);
}
