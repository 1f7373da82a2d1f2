/*
 * A change as submitted to the group commit: what makes it well formed,
 * the ticket's own copy of it, and how many ranges its write needs; see
 * group_commit_ticket.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "a1.h"
#include "group_commit_ticket.h"
#include "sheet_table.h"

#define TAG_MAX		256
#define WRITES_MAX	256

/* Whether two header names are the same after normalization. */
static int
same_header(const char *a, const char *b)
{
	char	na[GC_HEADER_MAX], nb[GC_HEADER_MAX];

	if (sheet_header_normalize(a, na, sizeof(na)) == -1 ||
	    sheet_header_normalize(b, nb, sizeof(nb)) == -1)
		return (0);
	return (strcmp(na, nb) == 0);
}

/* Checking ----------------------------------------------------------- */

static int
sheet_ok(const char *sheet)
{
	return (sheet != NULL && sheet[0] != '\0' &&
	    strlen(sheet) < A1_SHEET_NAME_SIZE);
}

static int
key_ok(const char *key)
{
	return (key != NULL && key[0] != '\0' && strlen(key) <= TAG_MAX);
}

/*
 * -1 with err set unless the n writes can go to a row, none of them to a
 * column of fixed (nfixed names).  what names the row in err.
 */
static int
writes_check(const struct gc_write *writes, size_t n,
    const char *const *fixed, size_t nfixed, const char *what, char *err,
    size_t errsz)
{
	const struct gc_write	*w;
	size_t			 i, k;

	if (n > WRITES_MAX || (n > 0 && writes == NULL)) {
		snprintf(err, errsz, "change: %s0 to %d writes", what,
		    WRITES_MAX);
		return (-1);
	}
	for (i = 0; i < n; i++) {
		w = &writes[i];
		if (w->header == NULL || w->header[0] == '\0' ||
		    strlen(w->header) >= GC_HEADER_MAX) {
			snprintf(err, errsz, "change: %swrite %zu: bad header",
			    what, i);
			return (-1);
		}
		for (k = 0; k < nfixed; k++) {
			if (same_header(w->header, fixed[k])) {
				snprintf(err, errsz, "change: %swrite %zu: "
				    "column '%s' is not writable", what, i,
				    w->header);
				return (-1);
			}
		}
		if ((w->value.kind == SHEETS_CELL_TEXT ||
		    w->value.kind == SHEETS_CELL_ENTERED) &&
		    w->value.text == NULL) {
			snprintf(err, errsz, "change: %swrite %zu: no text",
			    what, i);
			return (-1);
		}
	}
	return (0);
}

/* -1 with err set unless cells can be written as they are. */
static int
cells_check(const struct sheets_cell *cells, size_t n, size_t which,
    char *err, size_t errsz)
{
	size_t	i;

	if (n == 0 || n > GC_AUDIT_CELLS_MAX || cells == NULL) {
		snprintf(err, errsz, "change: audit row %zu: 1 to %d cells",
		    which, GC_AUDIT_CELLS_MAX);
		return (-1);
	}
	for (i = 0; i < n; i++) {
		if ((cells[i].kind == SHEETS_CELL_TEXT ||
		    cells[i].kind == SHEETS_CELL_ENTERED) &&
		    cells[i].text == NULL) {
			snprintf(err, errsz, "change: audit row %zu: cell "
			    "%zu: no text", which, i);
			return (-1);
		}
	}
	return (0);
}

/* -1 with err set unless rows[k] is a row c may also write. */
static int
row_check(const struct gc_change *c, size_t k, char *err, size_t errsz)
{
	const struct gc_row	*r = &c->rows[k];
	const char		*fixed[1];
	char			 what[32];
	size_t			 i;

	snprintf(what, sizeof(what), "row %zu: ", k);
	if (!sheet_ok(r->sheet) || r->key_header == NULL ||
	    r->key_header[0] == '\0' ||
	    strlen(r->key_header) >= GC_HEADER_MAX || !key_ok(r->key)) {
		snprintf(err, errsz, "change: %sbad sheet, key column or key",
		    what);
		return (-1);
	}
	if (r->row < 2 || r->row > A1_MAX_ROW) {
		snprintf(err, errsz, "change: %s%u is not a data row", what,
		    r->row);
		return (-1);
	}
	/* Two writes of one row in one change would race in the batch. */
	for (i = 0; i <= k; i++) {
		if (i < k ? c->rows[i].row == r->row &&
		    strcmp(c->rows[i].sheet, r->sheet) == 0 :
		    c->row == r->row && strcmp(c->sheet, r->sheet) == 0) {
			snprintf(err, errsz, "change: %srow %u of '%s' is "
			    "named twice", what, r->row, r->sheet);
			return (-1);
		}
	}
	fixed[0] = r->key_header;	/* it is what finds the row */
	return (writes_check(r->writes, r->nwrites, fixed, 1, what, err,
	    errsz));
}

int
gc_ticket_check(const struct gc_ticket_home *home, const struct gc_change *c,
    char *err, size_t errsz)
{
	const char	*fixed[2];
	size_t		 i;

	if (!sheet_ok(c->sheet)) {
		snprintf(err, errsz, "change: bad sheet name");
		return (-1);
	}
	if (!key_ok(c->tag)) {
		snprintf(err, errsz, "change: bad tag");
		return (-1);
	}
	if (c->row < 2 || c->row > A1_MAX_ROW) {
		snprintf(err, errsz, "change: row %u is not a data row",
		    c->row);
		return (-1);
	}
	/* The key is what finds the row; the version is ours. */
	fixed[0] = home->key_header;
	fixed[1] = home->version_header;
	if (writes_check(c->writes, c->nwrites, fixed, 2, "", err,
	    errsz) == -1)
		return (-1);
	if (c->naudits == 0 || c->naudits > GC_AUDITS_MAX ||
	    c->audits == NULL) {
		snprintf(err, errsz, "change: 1 to %d audit rows",
		    GC_AUDITS_MAX);
		return (-1);
	}
	for (i = 0; i < c->naudits; i++) {
		if (cells_check(c->audits[i].cells, c->audits[i].ncells, i,
		    err, errsz) == -1)
			return (-1);
	}
	if (c->nrows > GC_ROWS_MAX || (c->nrows > 0 && c->rows == NULL)) {
		snprintf(err, errsz, "change: 0 to %d other rows",
		    GC_ROWS_MAX);
		return (-1);
	}
	for (i = 0; i < c->nrows; i++) {
		if (row_check(c, i, err, errsz) == -1)
			return (-1);
	}
	return (0);
}

/* Copying ------------------------------------------------------------ */

static void
writes_free(struct gc_write *w, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free((char *)w[i].header);
		free((char *)w[i].value.text);
	}
	free(w);
}

/* Own copies of n writes, or -1 (*out NULL) when out of memory. */
static int
writes_dup(struct gc_write **out, const struct gc_write *src, size_t n)
{
	struct gc_write	*w;
	size_t		 i;

	*out = NULL;
	if (n == 0)
		return (0);
	if ((w = calloc(n, sizeof(*w))) == NULL)
		return (-1);
	for (i = 0; i < n; i++) {
		w[i].value = src[i].value;
		w[i].value.text = NULL;
		if ((w[i].header = strdup(src[i].header)) == NULL ||
		    (src[i].value.text != NULL && (w[i].value.text =
		    strdup(src[i].value.text)) == NULL)) {
			writes_free(w, i + 1);
			return (-1);
		}
	}
	*out = w;
	return (0);
}

static void
cells_free(struct sheets_cell *cells, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free((char *)cells[i].text);
	free(cells);
}

/* Own copies of n cells and their texts, or NULL. */
static struct sheets_cell *
cells_dup(const struct sheets_cell *src, size_t n)
{
	struct sheets_cell	*cells;
	size_t			 i;

	if ((cells = calloc(n, sizeof(*cells))) == NULL)
		return (NULL);
	for (i = 0; i < n; i++) {
		cells[i] = src[i];
		cells[i].text = NULL;
		if (src[i].text != NULL &&
		    (cells[i].text = strdup(src[i].text)) == NULL) {
			cells_free(cells, i);
			return (NULL);
		}
	}
	return (cells);
}

void
gc_ticket_free(struct gc_ticket *m)
{
	size_t	i;

	if (m == NULL)
		return;
	free(m->sheet);
	free(m->tag);
	free(m->expected);
	writes_free(m->writes, m->nwrites);
	free(m->cols);
	for (i = 0; i < m->naudits; i++)
		cells_free((struct sheets_cell *)m->audits[i].cells,
		    m->audits[i].ncells);
	free(m->audits);
	for (i = 0; i < m->nrows; i++) {
		free(m->rows[i].sheet);
		free(m->rows[i].key_header);
		free(m->rows[i].key);
		writes_free(m->rows[i].writes, m->rows[i].nwrites);
		free(m->rows[i].cols);
	}
	free(m->rows);
	free(m);
}

static int
row_dup(struct gc_ticket_row *t, const struct gc_row *r)
{
	t->row = r->row;
	if ((t->sheet = strdup(r->sheet)) == NULL ||
	    (t->key_header = strdup(r->key_header)) == NULL ||
	    (t->key = strdup(r->key)) == NULL ||
	    writes_dup(&t->writes, r->writes, r->nwrites) == -1)
		return (-1);
	t->nwrites = r->nwrites;
	if (r->nwrites > 0 &&
	    (t->cols = calloc(r->nwrites, sizeof(*t->cols))) == NULL)
		return (-1);
	return (0);
}

/* Ranges ------------------------------------------------------------- */

/* Whether every column a writes, b writes too. */
static int
writes_within(const struct gc_ticket_row *a, const struct gc_ticket_row *b)
{
	size_t	i, k;

	for (i = 0; i < a->nwrites; i++) {
		for (k = 0; k < b->nwrites; k++) {
			if (same_header(a->writes[i].header,
			    b->writes[k].header))
				break;
		}
		if (k == b->nwrites)
			return (0);
	}
	return (1);
}

static int
cmp_row(const void *pa, const void *pb)
{
	const struct gc_ticket_row	*a, *b;
	int				 c;

	a = *(const struct gc_ticket_row *const *)pa;
	b = *(const struct gc_ticket_row *const *)pb;
	if ((c = strcmp(a->sheet, b->sheet)) != 0)
		return (c);
	return (a->row < b->row ? -1 : a->row > b->row);
}

/*
 * The ranges of m's write: its row, and its other rows with cells in
 * runs of consecutive rows of a sheet that write the same columns (so
 * the same span, wherever the header puts them): gc_write_build() never
 * needs more.
 */
static size_t
ticket_ranges(const struct gc_ticket *m)
{
	const struct gc_ticket_row	*w[GC_ROWS_MAX], *p;
	size_t				 i, n = 0, ranges = 1;

	for (i = 0; i < m->nrows; i++) {
		if (m->rows[i].nwrites > 0)
			w[n++] = &m->rows[i];
	}
	qsort(w, n, sizeof(*w), cmp_row);
	for (i = 0; i < n; i++) {
		p = i > 0 ? w[i - 1] : NULL;
		if (p == NULL || strcmp(p->sheet, w[i]->sheet) != 0 ||
		    p->row + 1 != w[i]->row || !writes_within(p, w[i]) ||
		    !writes_within(w[i], p))
			ranges++;
	}
	return (ranges);
}

struct gc_ticket *
gc_ticket_new(struct gc_ticket_home *home, const struct gc_change *c,
    uint64_t deadline_ms, gc_done_fn *done, void *arg)
{
	struct gc_ticket	*m;
	size_t			 i;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return (NULL);
	m->home = home;
	m->state = TICKET_WAITING;
	m->done = done;
	m->arg = arg;
	m->deadline_ms = deadline_ms;
	m->row = c->row;
	m->ver_col = -1;
	if (c->new_version != NULL && uuid4_valid(c->new_version))
		memcpy(m->version, c->new_version, UUID4_STRLEN);
	else if (uuid4_generate(m->version) == -1)
		goto fail;
	if ((m->sheet = strdup(c->sheet)) == NULL ||
	    (m->tag = strdup(c->tag)) == NULL ||
	    (m->expected = strdup(c->expected_version != NULL ?
	    c->expected_version : "")) == NULL)
		goto fail;
	if (writes_dup(&m->writes, c->writes, c->nwrites) == -1)
		goto fail;
	m->nwrites = c->nwrites;
	if (c->nwrites > 0 &&
	    (m->cols = calloc(c->nwrites, sizeof(*m->cols))) == NULL)
		goto fail;
	if ((m->audits = calloc(c->naudits, sizeof(*m->audits))) == NULL)
		goto fail;
	for (i = 0; i < c->naudits; i++, m->naudits++) {
		if ((m->audits[i].cells = cells_dup(c->audits[i].cells,
		    c->audits[i].ncells)) == NULL)
			goto fail;
		m->audits[i].ncells = c->audits[i].ncells;
	}
	if (c->nrows > 0 &&
	    (m->rows = calloc(c->nrows, sizeof(*m->rows))) == NULL)
		goto fail;
	for (i = 0; i < c->nrows; i++) {
		m->nrows++;		/* freed as far as it got */
		if (row_dup(&m->rows[i], &c->rows[i]) == -1)
			goto fail;
	}
	m->ranges = ticket_ranges(m);
	return (m);

fail:
	gc_ticket_free(m);
	return (NULL);
}

int
gc_ticket_writes_row(const struct gc_ticket *m, const char *sheet,
    unsigned int row)
{
	size_t	i;

	if (m->row == row && strcmp(m->sheet, sheet) == 0)
		return (1);
	for (i = 0; i < m->nrows; i++) {
		if (m->rows[i].nwrites > 0 && m->rows[i].row == row &&
		    strcmp(m->rows[i].sheet, sheet) == 0)
			return (1);
	}
	return (0);
}
