/*
 * The Operaciones sheet: ~72 columns like the real one, spools spread over
 * every state of data.md §5, workers taken from the demo workforce.
 */
#ifndef DEMO_SPOOLS_H
#define DEMO_SPOOLS_H

#include <stddef.h>

#include "demo_rng.h"
#include "demo_unions.h"
#include "demo_workers.h"
#include "jsonw.h"

/* Number of columns of the generated Operaciones sheet. */
int	demo_spool_columns(void);
/* Collects the v4 spools' unions into un; -1 when out of memory. */
int	demo_write_operaciones(struct jw *, size_t spools,
	    struct demo_workers *, struct demo_rng *, int sheet_id,
	    struct demo_unions *un);

#endif
