/*
 * The group commit's batchUpdate request; see group_commit_write.h.
 * Nothing here calls out or keeps state.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "a1.h"
#include "group_commit_write.h"

void
gc_write_buf_free(struct gc_write_buf *w)
{
	free(w->data);
	free(w->rows);
	free(w->cells);
	free(w->a1);
	memset(w, 0, sizeof(*w));
}

/* The columns a change writes, its version's included. */
static void
row_span(const struct gc_row_write *rw, long *lo, long *hi)
{
	size_t	i;

	*lo = *hi = rw->ver_col;
	for (i = 0; i < rw->nwrites; i++) {
		if (rw->cols[i] < *lo)
			*lo = rw->cols[i];
		if (rw->cols[i] > *hi)
			*hi = rw->cols[i];
	}
}

/* The columns another row writes (it writes some). */
static void
other_span(const struct gc_other_write *o, long *lo, long *hi)
{
	size_t	i;

	*lo = *hi = o->cols[0];
	for (i = 1; i < o->nwrites; i++) {
		if (o->cols[i] < *lo)
			*lo = o->cols[i];
		if (o->cols[i] > *hi)
			*hi = o->cols[i];
	}
}

static int
cmp_other(const void *pa, const void *pb)
{
	const struct gc_other_write	*a, *b;
	int				 c;

	a = *(const struct gc_other_write *const *)pa;
	b = *(const struct gc_other_write *const *)pb;
	if ((c = strcmp(a->sheet, b->sheet)) != 0)
		return (c);
	return (a->row < b->row ? -1 : a->row > b->row);
}

/* Names range k of w and points it at nrows rows from rows. */
static int
range_add(struct gc_write_buf *w, const char *sheet,
    const struct a1_area *area, struct sheets_row *rows, size_t nrows)
{
	if (a1_format_range(w->a1[w->ndata], sizeof(w->a1[0]), sheet,
	    area) == -1)
		return (-1);
	w->data[w->ndata].range = w->a1[w->ndata];
	w->data[w->ndata].rows = rows;
	w->data[w->ndata].nrows = nrows;
	w->ndata++;
	return (0);
}

/*
 * The ranges of c's other rows, from w->rows[*ru] and w->cells[*cu] on;
 * sorted holds room for c->nothers pointers.
 */
static int
others_add(struct gc_write_buf *w, const struct gc_row_write *c,
    const struct gc_other_write **sorted, size_t *ru, size_t *cu,
    char *err, size_t errsz)
{
	const struct gc_other_write	*o;
	struct sheets_cell		*cells;
	struct a1_area			 area;
	size_t				 i, k, n = 0, first_ru;
	long				 lo, hi, nlo, nhi;

	for (i = 0; i < c->nothers; i++) {
		if (c->others[i].nwrites > 0)
			sorted[n++] = &c->others[i];
	}
	qsort(sorted, n, sizeof(*sorted), cmp_other);
	for (i = 0; i < n; ) {
		other_span(sorted[i], &lo, &hi);
		first_ru = *ru;
		area.first_row = sorted[i]->row;
		for (;;) {
			o = sorted[i];
			cells = &w->cells[*cu];
			*cu += (size_t)(hi - lo + 1);
			for (k = 0; k < o->nwrites; k++)
				cells[o->cols[k] - lo] = o->writes[k].value;
			w->rows[*ru].cells = cells;
			w->rows[(*ru)++].ncells = (size_t)(hi - lo + 1);
			if (++i == n || strcmp(sorted[i]->sheet, o->sheet) !=
			    0 || sorted[i]->row != o->row + 1)
				break;
			other_span(sorted[i], &nlo, &nhi);
			if (nlo != lo || nhi != hi)
				break;
		}
		area.first_col = (unsigned int)lo + 1;
		area.last_col = (unsigned int)hi + 1;
		area.last_row = sorted[i - 1]->row;
		if (range_add(w, sorted[i - 1]->sheet, &area,
		    &w->rows[first_ru], *ru - first_ru) == -1) {
			snprintf(err, errsz, "cannot name row %u of '%s'",
			    sorted[i - 1]->row, sorted[i - 1]->sheet);
			return (-1);
		}
	}
	return (0);
}

int
gc_write_build(struct gc_write_buf *w, const struct gc_row_write *rw,
    size_t n, const char *metadata_sheet, size_t audit_cols, char *err,
    size_t errsz)
{
	const struct gc_row_write	 *c;
	const struct gc_other_write	**sorted = NULL;
	const struct sheets_row		**byrow = NULL, *a;
	struct sheets_cell		 *cells;
	struct a1_area			  area;
	size_t				  i, k, ncells = 0, nrows, cu = 0;
	size_t				  ru = 0, nothers = 0, most = 0;
	unsigned int			  lo_row = 0, hi_row = 0, r;
	long				  lo, hi;
	int				  rc = -1;

	memset(w, 0, sizeof(*w));
	for (i = 0; i < n; i++) {
		row_span(&rw[i], &lo, &hi);
		ncells += (size_t)(hi - lo + 1);
		for (k = 0; k < rw[i].nothers; k++) {
			if (rw[i].others[k].nwrites == 0)
				continue;
			other_span(&rw[i].others[k], &lo, &hi);
			ncells += (size_t)(hi - lo + 1);
		}
		nothers += rw[i].nothers;
		if (rw[i].nothers > most)
			most = rw[i].nothers;
		if (lo_row == 0 || rw[i].audit_row < lo_row)
			lo_row = rw[i].audit_row;
		if (rw[i].audit_row + rw[i].naudits - 1 > hi_row)
			hi_row = rw[i].audit_row + rw[i].naudits - 1;
	}
	nrows = hi_row - lo_row + 1;
	ncells += nrows * audit_cols;
	if ((w->data = calloc(n + nothers + 1, sizeof(*w->data))) == NULL ||
	    (w->rows = calloc(n + nothers + nrows, sizeof(*w->rows))) ==
	    NULL ||
	    (w->cells = calloc(ncells, sizeof(*w->cells))) == NULL ||
	    (w->a1 = calloc(n + nothers + 1, sizeof(*w->a1))) == NULL ||
	    (byrow = calloc(nrows, sizeof(*byrow))) == NULL ||
	    (sorted = calloc(most + 1, sizeof(*sorted))) == NULL) {
		snprintf(err, errsz, "out of memory");
		goto out;
	}
	for (i = 0; i < ncells; i++)
		w->cells[i].kind = SHEETS_CELL_SKIP;

	for (i = 0; i < n; i++) {
		c = &rw[i];
		for (k = 0; k < c->naudits; k++)
			byrow[c->audit_row - lo_row + k] = &c->audits[k];
		row_span(c, &lo, &hi);
		cells = &w->cells[cu];
		cu += (size_t)(hi - lo + 1);
		for (k = 0; k < c->nwrites; k++)
			cells[c->cols[k] - lo] = c->writes[k].value;
		cells[c->ver_col - lo].kind = SHEETS_CELL_TEXT;
		cells[c->ver_col - lo].text = c->version;
		w->rows[ru].cells = cells;
		w->rows[ru].ncells = (size_t)(hi - lo + 1);
		area.first_col = (unsigned int)lo + 1;
		area.last_col = (unsigned int)hi + 1;
		area.first_row = area.last_row = c->row;
		if (range_add(w, c->sheet, &area, &w->rows[ru++], 1) == -1) {
			snprintf(err, errsz, "cannot name row %u of '%s'",
			    c->row, c->sheet);
			goto out;
		}
		if (others_add(w, c, sorted, &ru, &cu, err, errsz) == -1)
			goto out;
	}

	area.first_col = 1;
	area.last_col = (unsigned int)audit_cols;
	area.first_row = lo_row;
	area.last_row = hi_row;
	if (range_add(w, metadata_sheet, &area, &w->rows[ru], nrows) == -1) {
		snprintf(err, errsz, "cannot name Metadata rows %u-%u",
		    lo_row, hi_row);
		goto out;
	}
	for (r = 0; r < nrows; r++, ru++) {
		cells = &w->cells[cu];
		cu += audit_cols;
		if ((a = byrow[r]) != NULL) {
			for (k = 0; k < a->ncells && k < audit_cols; k++)
				cells[k] = a->cells[k];
		}
		w->rows[ru].cells = cells;
		w->rows[ru].ncells = audit_cols;
	}
	rc = 0;
out:
	free(byrow);
	free(sorted);
	if (rc == -1)
		gc_write_buf_free(w);
	return (rc);
}
