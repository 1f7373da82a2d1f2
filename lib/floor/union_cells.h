/*
 * The cells of a Uniones row that hold numbers or a kind, parsed the way
 * people type them.  No table here: these take one cell's text, so the
 * parsers can be fuzzed on their own (tests/fuzz/fuzz_union_cells.c).
 *
 *	DN_UNION	"2.5", "2,5" (decimal comma), " 12 ", "0.75": a
 *			decimal > 0, at most UNION_DN_MAX inches and three
 *			decimals kept (thousandths); anything else is not a DN.
 *	N_UNION		"5", " 5 ", "5.0": an integer 1..UNION_N_MAX.
 *	TIPO_UNION	BW, BR, SO, FILL, LET, FW in any case, spaces around
 *			ignored; anything else is UNION_TIPO_OTRO (tolerated:
 *			listed, never SOLD work).
 *	Total_Uniones	a count 0..UNION_TOTAL_MAX; empty or not a number is
 *			-1 (the spool is then v3).
 */
#ifndef ZEUES_UNION_CELLS_H
#define ZEUES_UNION_CELLS_H

#define UNION_DN_MAX		1000.0
#define UNION_N_MAX		10000
#define UNION_TOTAL_MAX		10000

enum union_tipo {
	UNION_TIPO_BW,
	UNION_TIPO_BR,
	UNION_TIPO_SO,
	UNION_TIPO_FILL,
	UNION_TIPO_LET,
	UNION_TIPO_FW,
	UNION_TIPO_OTRO,
};

/* Thousandths of an inch, or -1 when the cell is not a DN. */
long	union_dn_parse(const char *cell);
/* 1..UNION_N_MAX, or -1. */
int	union_n_parse(const char *cell);
enum union_tipo	union_tipo_parse(const char *cell);
/* 1 for the types SOLD welds (BW BR SO FILL LET); FW is ARM-only. */
int	union_tipo_sold(enum union_tipo);
/* 0..UNION_TOTAL_MAX, or -1. */
long	union_total_parse(const char *cell);

/*
 * Thousandths as the shortest decimal with at most `decimals` places:
 * 2500 -> "2.5", 12000 -> "12", 1255 with 2 -> "1.26" (half away from
 * zero).  buf holds at least UNION_NUMBER_MAX bytes.
 */
#define UNION_NUMBER_MAX	32
void	union_number_format(long thousandths, int decimals, char *buf);

#endif
