/*
 * A1 notation: parsing request ranges and printing normalised ones.
 *
 * Accepted forms: Sheet!A1:B2, Sheet!A:A, Sheet!1:2, Sheet!A5:A, Sheet!A1,
 * Sheet, 'My Sheet'!A1 ('' for an apostrophe, and also a lone ' as in
 * Google's own docs), A1:B2 (first sheet).  Columns go up to ZZZ.
 */
#ifndef EMU_A1_H
#define EMU_A1_H

#include <stddef.h>
#include <stdint.h>

#define A1_COL_MAX	18278u		/* ZZZ */
#define A1_ROW_MAX	10000000u
/* Sheet titles are at most 100 characters; 4 bytes each in UTF-8. */
#define A1_SHEET_MAX	401

/* Which parts of a range the text spelled out. */
#define A1_GIVEN_R1	0x01
#define A1_GIVEN_C1	0x02
#define A1_GIVEN_R2	0x04
#define A1_GIVEN_C2	0x08

struct a1_range {
	int		has_sheet;
	char		sheet[A1_SHEET_MAX];
	/* 1-based and inclusive; an end of 0 means "to the end of the grid". */
	uint32_t	row1, col1;
	uint32_t	row2, col2;
	int		whole_sheet;
	int		given;		/* A1_GIVEN_* */
};

/* A range resolved against a sheet: every bound is set. */
struct grid_rect {
	uint32_t	r1, c1;
	uint32_t	r2, c2;
};

/* 0 on success, -1 when Google would say "Unable to parse range". */
int	a1_parse(const char *, struct a1_range *);

/* Column number to letters (1 -> "A").  buf needs 4 bytes. */
void	a1_col_name(uint32_t, char *, size_t);

/* Whether a sheet title must be quoted in A1 notation. */
int	a1_title_needs_quotes(const char *);

/*
 * "Sheet!A1:B2", "'My Sheet'!A1" (one cell prints as one cell).  Returns
 * the length, or -1 if buf is too small.
 */
int	a1_format(char *, size_t, const char *, const struct grid_rect *);
/*
 * A request range as Google repeats it in error messages: normalised and
 * quoted when needed, but open ends stay open ("Sheet1!B3:C").
 */
int	a1_format_request(char *, size_t, const char *,
	    const struct a1_range *);
/* The sheet part alone, quoted when needed. */
int	a1_format_title(char *, size_t, const char *);

#endif
