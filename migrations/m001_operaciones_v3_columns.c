/*
 * 001: the v3.0 columns of Operaciones (data.md §1): Ocupado_Por,
 * Fecha_Ocupacion, version and Estado_Detalle.  Missing ones are added
 * after the last header, the grid widened first when it is too narrow
 * (values cannot be written past the grid).  Headers are matched like
 * everywhere, so "Ocupado Por" counts as present.
 */
#include <stdio.h>
#include <string.h>

#include "a1.h"
#include "migrate.h"
#include "sheet_table.h"

#define NAME_MAX	128

static const char *const	v3_columns[] = {
	"Ocupado_Por", "Fecha_Ocupacion", "version", "Estado_Detalle",
};
#define NCOLUMNS	(sizeof(v3_columns) / sizeof(v3_columns[0]))

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

static int
plan_v3_columns(const struct wb_state *st, struct plan *p, char *err,
    size_t errsz)
{
	const struct sheets_sheet	*sh;
	const char			*missing[NCOLUMNS];
	char				 from[A1_COLUMN_SIZE], to[A1_COLUMN_SIZE];
	char				 names[NCOLUMNS * 24];
	size_t				 i, n = 0, used, off;

	if ((sh = sheets_spreadsheet_find(&st->sheets,
	    st->operaciones)) == NULL) {
		snprintf(err, errsz, "no sheet '%s' in the workbook",
		    st->operaciones);
		return (-1);
	}
	for (i = 0; i < NCOLUMNS; i++) {
		if (!has_header(&st->operaciones_header, v3_columns[i]))
			missing[n++] = v3_columns[i];
	}
	if (n == 0)
		return (plan_step(p, "'%s' has every v3.0 column",
		    st->operaciones));

	used = wb_header_width(&st->operaciones_header);
	if (used + n > A1_MAX_COLUMN ||
	    a1_column_letters((unsigned int)used + 1, from,
	    sizeof(from)) == -1 ||
	    a1_column_letters((unsigned int)(used + n), to, sizeof(to)) == -1) {
		snprintf(err, errsz, "'%s' is too wide to add %zu columns",
		    st->operaciones, n);
		return (-1);
	}
	if ((long long)(used + n) > sh->column_count) {
		if (plan_add_columns(p, sh->sheet_id, (unsigned int)((long long)
		    (used + n) - sh->column_count)) == -1 ||
		    plan_step(p, "widen '%s' from %lld to %zu columns",
		    st->operaciones, sh->column_count, used + n) == -1)
			return (-1);
	}
	names[0] = '\0';
	for (i = 0, off = 0; i < n && off < sizeof(names); i++)
		off += (size_t)snprintf(names + off, sizeof(names) - off,
		    "%s%s", i > 0 ? ", " : "", missing[i]);
	if (plan_write_row(p, st->operaciones, 1, (unsigned int)used + 1,
	    missing, n) == -1)
		return (-1);
	p->ops_appended += n;
	return (plan_step(p, "add the headers %s to '%s' at %s1:%s1", names,
	    st->operaciones, from, to));
}

const struct migration	migration_001_operaciones_v3_columns = {
	"001_operaciones_v3_columns",
	"Ocupado_Por, Fecha_Ocupacion, version, Estado_Detalle in Operaciones",
	plan_v3_columns,
};
