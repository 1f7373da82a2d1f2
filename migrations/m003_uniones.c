/*
 * 003: the union model (floor.md §1): the v4 columns of Operaciones
 * (Total_Uniones, Uniones_ARM_Completadas, Uniones_SOLD_Completadas,
 * Pulgadas_ARM, Pulgadas_SOLD) and the Uniones sheet with its header.
 *
 * Missing Operaciones columns are added after the last header (and after
 * any an earlier migration of the same run adds), the grid widened first.
 * A missing Uniones sheet is created with its 19-column header; an
 * existing one gets the headers it lacks after its last one, so a sheet
 * someone began by hand is completed, never rewritten.  Headers are
 * matched like everywhere ("Total Uniones" counts as present).  Every
 * existing spool stays v3: Total_Uniones is left empty.
 */
#include <stdio.h>
#include <string.h>

#include "a1.h"
#include "migrate.h"
#include "sheet_table.h"
#include "union_model.h"

#define NAME_MAX	128
#define UNIONES_ROWS	1000
#define NOPS		(sizeof(union_ops_headers) / \
			    sizeof(union_ops_headers[0]))

static int
has_header(const struct sheets_value_range *hdr, const char *name)
{
	char	want[NAME_MAX], got[NAME_MAX];
	size_t	c;

	if (sheet_header_normalize(name, want, sizeof(want)) == -1)
		return (0);
	for (c = 0; c < wb_header_width(hdr); c++) {
		if (sheet_header_normalize(wb_header_cell(hdr, c), got,
		    sizeof(got)) == 0 && strcmp(got, want) == 0)
			return (1);
	}
	return (0);
}

/*
 * Appends names[0..n) absent from hdr to sheet sh after column `after`
 * (0-based count of columns in use), widening the grid.  *added says how
 * many were.  Returns 0, or -1 with err.
 */
static int
append_missing(struct plan *p, const struct sheets_sheet *sh,
    const struct sheets_value_range *hdr, size_t after,
    const char *const *names, size_t n, size_t *added, char *err,
    size_t errsz)
{
	const char	*missing[UNION_FIELD_COUNT];
	char		 from[A1_COLUMN_SIZE], to[A1_COLUMN_SIZE];
	char		 list[UNION_FIELD_COUNT * 24];
	long long	 have = sh->column_count;
	size_t		 i, m = 0, off;

	for (i = 0; i < n; i++) {
		if (!has_header(hdr, names[i]))
			missing[m++] = names[i];
	}
	*added = m;
	if (m == 0)
		return (0);
	if (after + m > A1_MAX_COLUMN ||
	    a1_column_letters((unsigned int)after + 1, from,
	    sizeof(from)) == -1 ||
	    a1_column_letters((unsigned int)(after + m), to, sizeof(to)) == -1) {
		snprintf(err, errsz, "'%s' is too wide to add %zu columns",
		    sh->title, m);
		return (-1);
	}
	if ((long long)after > have)
		have = (long long)after;	/* widened earlier in the run */
	if ((long long)(after + m) > have &&
	    (plan_add_columns(p, sh->sheet_id, (unsigned int)((long long)
	    (after + m) - have)) == -1 || plan_step(p, "widen '%s' to %zu "
	    "columns", sh->title, after + m) == -1))
		return (-1);
	list[0] = '\0';
	for (i = 0, off = 0; i < m && off < sizeof(list); i++)
		off += (size_t)snprintf(list + off, sizeof(list) - off,
		    "%s%s", i > 0 ? ", " : "", missing[i]);
	if (plan_write_row(p, sh->title, 1, (unsigned int)after + 1, missing,
	    m) == -1)
		return (-1);
	return (plan_step(p, "add the headers %s to '%s' at %s1:%s1", list,
	    sh->title, from, to));
}

static int
plan_uniones(const struct wb_state *st, struct plan *p, char *err,
    size_t errsz)
{
	const struct sheets_sheet	*ops, *un;
	size_t				 added;

	if ((ops = sheets_spreadsheet_find(&st->sheets,
	    st->operaciones)) == NULL) {
		snprintf(err, errsz, "no sheet '%s' in the workbook",
		    st->operaciones);
		return (-1);
	}
	if (append_missing(p, ops, &st->operaciones_header,
	    wb_header_width(&st->operaciones_header) + p->ops_appended,
	    union_ops_headers, NOPS, &added, err, errsz) == -1)
		return (-1);
	p->ops_appended += added;
	if (added == 0 && plan_step(p, "'%s' has every v4 column",
	    st->operaciones) == -1)
		return (-1);

	if ((un = sheets_spreadsheet_find(&st->sheets, st->uniones)) == NULL) {
		if (plan_add_sheet(p, st->uniones, UNIONES_ROWS,
		    UNION_FIELD_COUNT, 0) == -1 || plan_step(p, "create the "
		    "sheet '%s' (%d rows, %d columns)", st->uniones,
		    UNIONES_ROWS, UNION_FIELD_COUNT) == -1 ||
		    plan_write_row(p, st->uniones, 1, 1, union_sheet_headers,
		    UNION_FIELD_COUNT) == -1)
			return (-1);
		return (plan_step(p, "write the header ID..Fecha_Modificacion "
		    "to '%s'!A1:S1", st->uniones));
	}
	if (append_missing(p, un, &st->uniones_header,
	    wb_header_width(&st->uniones_header), union_sheet_headers,
	    UNION_FIELD_COUNT, &added, err, errsz) == -1)
		return (-1);
	if (added == 0)
		return (plan_step(p, "'%s' has its header", st->uniones));
	return (0);
}

const struct migration	migration_003_uniones = {
	"003_uniones",
	"the v4 columns of Operaciones and the Uniones sheet",
	plan_uniones,
};
