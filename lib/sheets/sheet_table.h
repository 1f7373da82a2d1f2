/*
 * One sheet read into memory: the header row, the data rows below it, a
 * header -> column lookup and an optional key column -> row index.
 *
 * Columns are found by header name, never by position (people insert
 * columns).  Header names are compared after sheet_header_normalize():
 *
 *	- ASCII letters are lower-cased;
 *	- spaces, tabs, CR/LF, "_" and no-break spaces (U+00A0) are dropped;
 *	- Latin-1 accented letters (U+00C0..U+00FF: á é í ó ú ü ñ ç ...) fold
 *	  to their base letter, and combining accents (U+0300..U+036F) are
 *	  dropped, so "Fecha_QC_Metrología" matches "fecha qc metrologia";
 *	- every other byte is kept as it is.
 *
 * Key cells are matched exactly after trimming surrounding spaces and tabs,
 * so a stray space typed after a tag does not hide the row.  When a key
 * repeats, the first row wins and the repeats are counted.
 */
#ifndef ZEUES_SHEET_TABLE_H
#define ZEUES_SHEET_TABLE_H

#include <stddef.h>

struct sheets_value_range;
struct sheet_table;

/*
 * Normalizes a header name into out (never longer than in).  Returns 0, or
 * -1 when out is too small.
 */
int		 sheet_header_normalize(const char *in, char *out,
		    size_t outsz);

/*
 * Builds a table from a value range whose first row is the header row,
 * taking over its rows (vr is left empty).  The range's start row, when it
 * has one, numbers the rows; otherwise the header is row 1.  The cells are
 * strict UTF-8, as the Sheets parsers leave them (sheets_codec.h).
 * Returns NULL only when out of memory.
 */
struct sheet_table	*sheet_table_new(struct sheets_value_range *vr);
void			 sheet_table_free(struct sheet_table *t);

/* Data rows, the header not counted. */
size_t		 sheet_table_rows(const struct sheet_table *t);

/* The 1-based sheet row number of data row i (what A1 ranges use). */
unsigned int	 sheet_table_row_number(const struct sheet_table *t,
		    size_t i);

/* Columns in the header row (up to its last non-empty cell). */
size_t		 sheet_table_columns(const struct sheet_table *t);

/* 0-based column of header, or -1. */
long		 sheet_table_column(const struct sheet_table *t,
		    const char *header);

/* Header names that normalize like an earlier one (which wins). */
size_t		 sheet_table_duplicate_headers(const struct sheet_table *t);

/* Cell of data row i, column col; "" when beyond the row or the table. */
const char	*sheet_table_cell(const struct sheet_table *t, size_t i,
		    long col);

/*
 * Indexes the column headed key_header.  Rows with an empty key are left
 * out.  Returns 0, or -1 when the column does not exist or out of memory.
 */
int		 sheet_table_index(struct sheet_table *t,
		    const char *key_header);

/* Data row whose key is key (trimmed like the cells), or -1. */
long		 sheet_table_find(const struct sheet_table *t,
		    const char *key);

/*
 * Whether a key cell holds key, spaces and tabs around the cell aside:
 * the rule the index keeps, for a cell read on its own.
 */
int		 sheet_key_matches(const char *cell, const char *key);

/*
 * A second, many-rows-per-key index (a spool's unions by TAG_SPOOL): rows
 * are chained in sheet order per trimmed key; empty keys are left out.
 * Returns 0, or -1 when the column does not exist or out of memory.
 */
int		 sheet_table_group(struct sheet_table *t, const char *header);
/* 1 when sheet_table_group() indexed t. */
int		 sheet_table_has_group(const struct sheet_table *t);
/* The first data row of key, or -1; then the next of the same key, -1. */
long		 sheet_table_group_first(const struct sheet_table *t,
		    const char *key);
long		 sheet_table_group_next(const struct sheet_table *t, size_t i);

/* Rows whose key repeats an earlier row's, and the first such row or -1. */
size_t		 sheet_table_duplicate_keys(const struct sheet_table *t);
long		 sheet_table_first_duplicate(const struct sheet_table *t);

#endif
