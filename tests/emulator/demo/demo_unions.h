/*
 * The Uniones sheet (floor.md §1.1) and the v4 columns of Operaciones.
 *
 * About half of the first DEMO_UNIONS_SPOOLS spools are v4, with 1..20
 * unions each (DN 0.5..24 in, BW BR SO FILL LET FW, FW on most spools).
 * Their union cells agree with the spool's state, so every rule has its
 * case: ARM not begun (no union done), ARM paused (some ARM done), ARM
 * completed (all ARM done), SOLD paused (some SOLD-type unions welded),
 * and SOLD completed (every union done; those waiting for inspection say
 * "En Cola Metrología").  The aggregate columns agree with the rows.
 *
 * Everything here draws from its own random stream, so the v3 data of
 * every spool is what it was before unions existed.
 */
#ifndef DEMO_UNIONS_H
#define DEMO_UNIONS_H

#include <stddef.h>
#include <stdint.h>

#include "demo_rng.h"
#include "jsonw.h"

#define DEMO_UNIONS_SPOOLS	2000
/*
 * A workbook bigger than the demo (the big-workbook tests) has v4 spools
 * among its first DEMO_UNIONS_BIG_SPOOLS only: its Uniones is still read
 * like any other, without making those tests' sanitizer runs slower.
 */
#define DEMO_UNIONS_BIG_SPOOLS	200
#define DEMO_UNIONS_MAX		20

/* How far a spool's unions are, from its Operaciones state. */
enum demo_union_stage {
	DEMO_STAGE_NONE,	/* no union done */
	DEMO_STAGE_ARM_SOME,	/* some ARM done, not all */
	DEMO_STAGE_ARM_ALL,	/* every union ARM done, no SOLD */
	DEMO_STAGE_SOLD_SOME,	/* ARM all, some SOLD-type welded */
	DEMO_STAGE_ALL,		/* ARM all and every SOLD-type welded */
};

/* The aggregate columns of one spool's Operaciones row. */
struct demo_union_totals {
	int	total;		/* 0: a v3 spool */
	int	arm_done;
	int	sold_done;
	double	pulgadas_arm;
	double	pulgadas_sold;
	long	ot;		/* the OT the union IDs use */
};

struct demo_union_row;

struct demo_unions {
	struct demo_rng		 rng;
	size_t			 candidates;	/* spools that may be v4 */
	struct demo_union_row	*rows;
	size_t			 n;
	size_t			 cap;
};

/* spools: how many the workbook has. */
void	demo_unions_init(struct demo_unions *, uint64_t seed, size_t spools);
void	demo_unions_free(struct demo_unions *);

/*
 * Decides whether spool number i is v4 and, if so, makes its unions.
 * day is the last date the spool's row shows; arm and sold the workers
 * ("MR(93)") the union cells name.  Returns -1 when out of memory.
 */
int	demo_unions_spool(struct demo_unions *, size_t i, const char *tag,
	    enum demo_union_stage, long day, const char *arm,
	    const char *sold, struct demo_union_totals *out);

/* Headers of the Operaciones v4 columns, in their order. */
extern const char *const demo_union_ops_headers[5];

void	demo_write_uniones(struct jw *, const struct demo_unions *,
	    int sheet_id);

#endif
