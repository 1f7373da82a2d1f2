/*
 * The unions of a spool (floor.md §1), read from the cached Uniones table
 * and never stored apart from it.
 *
 * Columns are found by header name (sheet_table.h); the ones the model
 * needs are ID, TAG_SPOOL, N_UNION, DN_UNION, TIPO_UNION, ARM_FECHA_FIN
 * and SOL_FECHA_FIN, the others are read when present ("" otherwise).
 * A row whose N_UNION or DN_UNION cannot be parsed still belongs to its
 * spool (n_union -1, dn -1): it is listed, never summed, never dropped,
 * because the sheet, not this model, is the record.
 *
 * A spool's rows come from the table's TAG_SPOOL group index, built once
 * per cache refresh (sheet_table_group()), so a lookup costs O(its unions)
 * however many rows Uniones holds.  Cells are read where they lie, so a
 * write noted in the cache (sheets_cache_note_write, keyed by ID) shows.
 *
 * Availability, per operation:
 *	ARM	ARM_FECHA_FIN empty;
 *	SOLD	ARM_FECHA_FIN set, SOL_FECHA_FIN empty, and a SOLD type
 *		(BW BR SO FILL LET; FW is ARM-only, others never welded).
 *
 * Version: a spool is v4 when its Operaciones Total_Uniones is a number
 * > 0; a missing column, an empty cell or text make it v3.
 */
#ifndef ZEUES_UNION_MODEL_H
#define ZEUES_UNION_MODEL_H

#include <stddef.h>

#include "spool_state.h"
#include "union_cells.h"
#include "worker_identity.h"

struct sheet_table;

enum union_field {
	UNION_ID,
	UNION_OT,
	UNION_TAG,
	UNION_N,
	UNION_DN,
	UNION_TIPO,
	UNION_ARM_FECHA_INICIO,
	UNION_ARM_FECHA_FIN,
	UNION_ARM_WORKER,
	UNION_SOL_FECHA_INICIO,
	UNION_SOL_FECHA_FIN,
	UNION_SOL_WORKER,
	UNION_NDT_FECHA,
	UNION_NDT_STATUS,
	UNION_VERSION,
	UNION_CREADO_POR,
	UNION_FECHA_CREACION,
	UNION_MODIFICADO_POR,
	UNION_FECHA_MODIFICACION,
	UNION_FIELD_COUNT,
};

/* The header as floor.md §1.1 spells it ("ARM_FECHA_FIN"). */
const char	*union_field_header(enum union_field);

/* The Uniones header row in sheet order (what the migration writes). */
extern const char *const union_sheet_headers[UNION_FIELD_COUNT];

/* The Operaciones columns of a v4 spool, in the migration's order. */
#define UNION_OPS_TOTAL		"Total_Uniones"
#define UNION_OPS_ARM		"Uniones_ARM_Completadas"
#define UNION_OPS_SOLD		"Uniones_SOLD_Completadas"
#define UNION_OPS_PULG_ARM	"Pulgadas_ARM"
#define UNION_OPS_PULG_SOLD	"Pulgadas_SOLD"
extern const char *const union_ops_headers[5];

/* The key the cache indexes Uniones by, and the one a spool's unions share. */
#define UNION_KEY_HEADER	"ID"
#define UNION_GROUP_HEADER	"TAG_SPOOL"

struct union_columns {
	long	col[UNION_FIELD_COUNT];		/* -1: not in the sheet */
};

/*
 * Locates the columns.  Returns 0, or -1 with the first missing required
 * header in *missing (the sheet is not usable: treat as not migrated).
 */
int	union_columns_find(const struct sheet_table *,
	    struct union_columns *, const char **missing);

/* One union as read; cell pointers valid while the table lives. */
struct union_rec {
	size_t		 i;		/* data row in the table */
	unsigned int	 row;		/* sheet row number (A1) */
	const char	*f[UNION_FIELD_COUNT];	/* "" when empty or absent */
	int		 n_union;	/* 1..UNION_N_MAX, -1: unreadable */
	long		 dn;		/* thousandths of an inch, -1 */
	enum union_tipo	 tipo;
	int		 arm_done;	/* ARM_FECHA_FIN set */
	int		 sold_done;	/* SOL_FECHA_FIN set */
};

void	union_rec_read(const struct sheet_table *,
	    const struct union_columns *, size_t i, struct union_rec *);

/* 1 when u is available for op (ARM or SOLD; never for the others). */
int	union_available(const struct union_rec *, enum operacion op);

/* A spool's unions, ordered by n_union (unreadable ones last). */
struct union_list {
	struct union_rec	*u;
	size_t			 n;
};

/*
 * The unions whose TAG_SPOOL is tag (trimmed like key cells), via the
 * group index the cache built; without one (a table not from the cache)
 * the table is scanned.  Returns 0 (n may be 0), or -1 when out of memory.
 * Free with union_list_free().
 */
int	union_list_of_spool(const struct sheet_table *,
	    const struct union_columns *, const char *tag,
	    struct union_list *out);
void	union_list_free(struct union_list *);

/* The union of the list whose ID is id, or n_union is n; NULL. */
const struct union_rec	*union_list_by_id(const struct union_list *,
			    const char *id);
const struct union_rec	*union_list_by_n(const struct union_list *, int n);

struct union_metrics {
	size_t	total;
	size_t	arm_done;
	size_t	sold_done;
	size_t	arm_available;
	size_t	sold_available;
	size_t	sold_type;		/* unions SOLD must weld */
	long	pulgadas_arm;		/* thousandths, sum of DN ARM-done */
	long	pulgadas_sold;		/* thousandths, sum of DN SOLD-done */
	/* Every FW union ARM-done and every SOLD-type union SOLD-done. */
	int	ready_for_metrologia;
};

void	union_metrics_of(const struct union_list *, struct union_metrics *);

/*
 * Sum of the DN of the unions given (NULL-free array of n), to 2
 * decimals, as thousandths (a multiple of 10): the `pulgadas` a
 * FINALIZAR reports.
 */
long	union_pulgadas(const struct union_rec *const *u, size_t n);
/* Thousandths rounded to 2 decimals (half away from zero). */
long	union_round2(long thousandths);

/* Column of Total_Uniones in Operaciones, or -1. */
long	union_ops_total_column(const struct sheet_table *ops);
/* Total_Uniones of data row i; 0 when missing or not a number. */
long	union_spool_total(const struct sheet_table *ops, long total_col,
	    size_t i);
/* 1 when the spool is v4 (Total_Uniones > 0). */
int	union_spool_is_v4(const struct sheet_table *ops, long total_col,
	    size_t i);

#endif
