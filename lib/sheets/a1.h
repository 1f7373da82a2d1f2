/*
 * A1 notation for the Sheets API: column letters, quoted sheet names and
 * ranges such as 'Operaciones'!A2:BT2.
 *
 * This is the only place that knows how a range is spelled.  Ranges are
 * always written with the sheet name quoted (any ' doubled), which is valid
 * for every title, including ones that contain spaces or "!" or look like a
 * cell reference.  Sending a range in a URL path additionally needs
 * percent_encode() (percent_encode.h) on the range alone, never on a
 * ":append"-style suffix.
 *
 * Every function writes into a caller-supplied buffer and fails, rather than
 * truncating, when the buffer is too small.
 */
#ifndef ZEUES_A1_H
#define ZEUES_A1_H

#include <stddef.h>

#define A1_MAX_COLUMN		18278		/* "ZZZ" */
#define A1_MAX_ROW		10000000	/* Sheets' row ceiling */
#define A1_COLUMN_SIZE		4		/* "ZZZ" and its NUL */
/* A sheet title is at most 100 characters; 4 bytes each in UTF-8. */
#define A1_SHEET_NAME_SIZE	404

/*
 * A rectangle of cells, 1-based and inclusive.  A zero column on both ends
 * means whole rows ("2:5"), a zero row on both ends whole columns ("A:C"),
 * and a zero last_row alone a column open at the bottom ("A5:A").
 */
struct a1_area {
	unsigned int	first_col;
	unsigned int	first_row;
	unsigned int	last_col;
	unsigned int	last_row;
};

/* A range taken apart by a1_parse_range(). */
struct a1_range {
	char		sheet[A1_SHEET_NAME_SIZE];	/* unquoted; "" if none */
	int		has_area;	/* 0: the whole sheet */
	struct a1_area	area;
};

/* 1-based column -> "A".."ZZZ".  Returns 0, or -1 (range or space). */
int		a1_column_letters(unsigned int column, char *out, size_t outsz);

/*
 * "A".."ZZZ" (either case) -> 1-based column.  Returns 0 for anything else,
 * including an empty string and columns past ZZZ.
 */
unsigned int	a1_column_index(const char *letters);

/* Sheet title -> 'title' with every ' doubled.  Returns 0 or -1. */
int		a1_quote_sheet(const char *sheet, char *out, size_t outsz);

/*
 * Writes 'sheet'!area, or just 'sheet' when area is NULL.  A one-cell area
 * is written as a single reference ("A2").  Returns 0, or -1 when the area
 * is malformed or out of range, or out is too small.
 */
int		a1_format_range(char *out, size_t outsz, const char *sheet,
		    const struct a1_area *area);

/*
 * Parses a range as the API returns it: an optional sheet name (quoted with
 * '' for ', or bare) followed by "!" and an area, a bare area ("A1:B2") or
 * a bare sheet name.  Text that reads as an area is an area, as in the API.
 * Inside quotes, a ' that is neither doubled nor closing is kept as a
 * literal, which tolerates the undoubled form some of Google's examples use.
 * R1C1 references, "$" and named ranges are not understood.
 * Returns 0, or -1 on malformed input.
 */
int		a1_parse_range(const char *text, struct a1_range *out);

#endif
