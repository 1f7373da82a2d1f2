/*
 * 002: the Metadata sheet, the audit log, with its header in A1:K1
 * (data.md §1).  A missing sheet is created; an existing one with an empty
 * first row gets the header.  A first row that holds something else is
 * left alone and reported: the audit log is not rewritten by guesswork.
 */
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "migrate.h"
#include "sheet_table.h"

#define NAME_MAX	128
#define METADATA_ROWS	1000

#define NHEADER		((size_t)AUDIT_COLUMNS)

static int
same_header(const char *a, const char *b)
{
	char	na[NAME_MAX], nb[NAME_MAX];

	return (sheet_header_normalize(a, na, sizeof(na)) == 0 &&
	    sheet_header_normalize(b, nb, sizeof(nb)) == 0 &&
	    strcmp(na, nb) == 0);
}

static int
plan_metadata(const struct wb_state *st, struct plan *p, char *err,
    size_t errsz)
{
	const struct sheets_value_range	*hdr = &st->metadata_header;
	const struct sheets_sheet	*sh;
	const char			*header[AUDIT_COLUMNS];
	size_t				 c, used = 0;

	sh = sheets_spreadsheet_find(&st->sheets, st->metadata);
	if (sh == NULL) {
		if (plan_add_sheet(p, st->metadata, METADATA_ROWS, NHEADER,
		    0) == -1 || plan_step(p, "create the sheet '%s' "
		    "(%d rows, %zu columns)", st->metadata, METADATA_ROWS,
		    NHEADER) == -1)
			return (-1);
	} else {
		for (c = 0; c < wb_header_width(hdr); c++) {
			if (wb_header_cell(hdr, c)[0] != '\0')
				used = c + 1;
		}
		for (c = 0; c < used; c++) {
			if (c >= NHEADER || !same_header(wb_header_cell(hdr, c),
			    audit_header(c))) {
				snprintf(err, errsz, "'%s' has another header: "
				    "column %zu is '%.64s', expected '%s'; "
				    "fix it by hand", st->metadata, c + 1,
				    wb_header_cell(hdr, c), c < NHEADER ?
				    audit_header(c) : "nothing");
				return (-1);
			}
		}
		if (used == NHEADER)
			return (plan_step(p, "'%s' has its header",
			    st->metadata));
		if (sh->column_count < (long long)NHEADER &&
		    (plan_add_columns(p, sh->sheet_id, (unsigned int)
		    ((long long)NHEADER - sh->column_count)) == -1 ||
		    plan_step(p, "widen '%s' to %zu columns", st->metadata,
		    NHEADER) == -1))
			return (-1);
	}
	for (c = 0; c < NHEADER; c++)
		header[c] = audit_header(c);
	if (plan_write_row(p, st->metadata, 1, 1, header, NHEADER) == -1)
		return (-1);
	return (plan_step(p, "write the header ID..N_UNION to '%s'!A1:K1",
	    st->metadata));
}

const struct migration	migration_002_metadata_sheet = {
	"002_metadata_sheet",
	"the Metadata audit sheet and its A-K header",
	plan_metadata,
};
