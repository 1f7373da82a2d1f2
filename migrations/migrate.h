/*
 * Workbook migrations (data.md §7): ordered, idempotent changes to the
 * spreadsheet's structure, applied by zeues-migrate.
 *
 * A migration never writes by itself: it looks at what the workbook holds
 * (struct wb_state, read once per run) and adds to a plan the structural
 * requests (spreadsheets.batchUpdate: addSheet, appendDimension) and the
 * cells (values.batchUpdate) that bring the workbook to its target, or
 * nothing when the workbook is there already.  The run then sends every
 * structural request in one call and every cell in one more, so a whole
 * run costs at most two writes.
 *
 * What was applied is recorded in the workbook itself, in a hidden sheet
 * named _migrations (A: migration id, B: when, C: what), written in the
 * same values.batchUpdate as the migrations' own cells: a migration is
 * recorded exactly when its cells are written.  A second run finds every
 * migration recorded and writes nothing.  A run that stopped between the
 * two calls leaves sheets or columns without headers; the next run sees
 * them and writes only what is missing.
 */
#ifndef ZEUES_MIGRATE_H
#define ZEUES_MIGRATE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sheets_codec.h"

#define MIGRATIONS_SHEET	"_migrations"
#define MIGRATE_ERR_MAX		512

/* The workbook as a run found it. */
struct wb_state {
	const char			*operaciones;	/* sheet names */
	const char			*metadata;
	const char			*uniones;
	struct sheets_spreadsheet	 sheets;
	struct sheets_value_range	 operaciones_header;	/* row 1 */
	struct sheets_value_range	 metadata_header;	/* row 1 */
	struct sheets_value_range	 uniones_header;	/* row 1 */
	struct sheets_value_range	 log;		/* _migrations!A:C */
};

/* Row 1 of a sheet as read: n cells, "" past the end. */
const char	*wb_header_cell(const struct sheets_value_range *hdr,
		    size_t col);
size_t		 wb_header_width(const struct sheets_value_range *hdr);

/* One row of text cells to write. */
struct plan_write {
	char	 *range;
	char	**cells;
	size_t	  ncells;
};

struct plan {
	char			**requests;	/* JSON objects */
	size_t			  nrequests;
	struct plan_write	 *writes;
	size_t			  nwrites;
	char			**steps;	/* what will be done, for people */
	size_t			  nsteps;
	/*
	 * Headers an earlier migration of the run appends to Operaciones
	 * (and widens its grid for): a later one writes after them.
	 */
	size_t			  ops_appended;
};

void	plan_free(struct plan *);
int	plan_step(struct plan *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* {"addSheet":{"properties":{title, gridProperties, hidden}}} */
int	plan_add_sheet(struct plan *, const char *title, unsigned int rows,
	    unsigned int cols, int hidden);
/* {"appendDimension":{sheetId, "COLUMNS", length}} */
int	plan_add_columns(struct plan *, long long sheet_id,
	    unsigned int length);
/* Writes cells into row of sheet from column first_col (1-based) on. */
int	plan_write_row(struct plan *, const char *sheet, unsigned int row,
	    unsigned int first_col, const char *const *cells, size_t ncells);

struct migration {
	const char	*id;
	const char	*description;
	/* Adds what is missing to plan; -1 with err when it cannot. */
	int		(*plan)(const struct wb_state *, struct plan *,
			    char *err, size_t errsz);
};

extern const struct migration	migration_001_operaciones_v3_columns;
extern const struct migration	migration_002_metadata_sheet;
extern const struct migration	migration_003_uniones;

struct poll_loop;
struct sheets_client;

/* One run of every migration not yet recorded, driven on pl. */
struct migrate_run {
	struct poll_loop		*pl;
	struct sheets_client		*sc;
	const char			*spreadsheet_id;
	const char			*operaciones;
	const char			*metadata;
	const char			*uniones;
	uint64_t			 timeout_ms;	/* per call */
	int				 dry_run;	/* plan, print, stop */
	FILE				*out;		/* the plan, for people */
};

/* Returns 0 (done, or nothing to do), or -1 with err set. */
int	migrate(const struct migrate_run *, char *err, size_t errsz);

#endif
