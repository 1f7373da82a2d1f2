/*
 * A change's life in the group commit; see group_commit_ticket.h.
 */
#include <stdarg.h>
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

/* -1 with err set unless cells can be written as they are. */
static int
cells_check(const struct sheets_cell *cells, size_t n, const char *what,
    size_t which, char *err, size_t errsz)
{
	size_t	i;

	if (n == 0 || n > GC_AUDIT_CELLS_MAX || cells == NULL) {
		snprintf(err, errsz, "change: %s %zu: 1 to %d cells", what,
		    which, GC_AUDIT_CELLS_MAX);
		return (-1);
	}
	for (i = 0; i < n; i++) {
		if ((cells[i].kind == SHEETS_CELL_TEXT ||
		    cells[i].kind == SHEETS_CELL_ENTERED) &&
		    cells[i].text == NULL) {
			snprintf(err, errsz, "change: %s %zu: cell %zu: no "
			    "text", what, which, i);
			return (-1);
		}
	}
	return (0);
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
	for (i = 0; i < m->nwrites; i++) {
		free((char *)m->writes[i].header);
		free((char *)m->writes[i].value.text);
	}
	free(m->writes);
	free(m->cols);
	for (i = 0; i < m->naudits; i++)
		cells_free((struct sheets_cell *)m->audits[i].cells,
		    m->audits[i].ncells);
	free(m->audits);
	free(m);
}

int
gc_ticket_check(const struct gc_ticket_home *home, const struct gc_change *c,
    char *err, size_t errsz)
{
	const struct gc_write	*w;
	size_t			 i;

	if (c->sheet == NULL || c->sheet[0] == '\0' ||
	    strlen(c->sheet) >= A1_SHEET_NAME_SIZE) {
		snprintf(err, errsz, "change: bad sheet name");
		return (-1);
	}
	if (c->tag == NULL || c->tag[0] == '\0' || strlen(c->tag) > TAG_MAX) {
		snprintf(err, errsz, "change: bad tag");
		return (-1);
	}
	if (c->row < 2 || c->row > A1_MAX_ROW) {
		snprintf(err, errsz, "change: row %u is not a data row",
		    c->row);
		return (-1);
	}
	if (c->nwrites > WRITES_MAX || (c->nwrites > 0 && c->writes == NULL)) {
		snprintf(err, errsz, "change: 0 to %d writes", WRITES_MAX);
		return (-1);
	}
	for (i = 0; i < c->nwrites; i++) {
		w = &c->writes[i];
		if (w->header == NULL || w->header[0] == '\0' ||
		    strlen(w->header) >= GC_HEADER_MAX) {
			snprintf(err, errsz, "change: write %zu: bad header", i);
			return (-1);
		}
		/* The key is what finds the row; the version is ours. */
		if (same_header(w->header, home->key_header) ||
		    same_header(w->header, home->version_header)) {
			snprintf(err, errsz, "change: write %zu: column '%s' "
			    "is not writable", i, w->header);
			return (-1);
		}
		if ((w->value.kind == SHEETS_CELL_TEXT ||
		    w->value.kind == SHEETS_CELL_ENTERED) &&
		    w->value.text == NULL) {
			snprintf(err, errsz, "change: write %zu: no text", i);
			return (-1);
		}
	}
	if (c->naudits == 0 || c->naudits > GC_AUDITS_MAX ||
	    c->audits == NULL) {
		snprintf(err, errsz, "change: 1 to %d audit rows",
		    GC_AUDITS_MAX);
		return (-1);
	}
	for (i = 0; i < c->naudits; i++) {
		if (cells_check(c->audits[i].cells, c->audits[i].ncells,
		    "audit row", i, err, errsz) == -1)
			return (-1);
	}
	if (c->nrows > 0) {
		snprintf(err, errsz, "change: other rows are not written yet");
		return (-1);
	}
	return (0);
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
	if (c->nwrites > 0 &&
	    ((m->writes = calloc(c->nwrites, sizeof(*m->writes))) == NULL ||
	    (m->cols = calloc(c->nwrites, sizeof(*m->cols))) == NULL))
		goto fail;
	for (i = 0; i < c->nwrites; i++, m->nwrites++) {
		m->writes[i].value = c->writes[i].value;
		m->writes[i].value.text = NULL;
		if ((m->writes[i].header = strdup(c->writes[i].header)) ==
		    NULL)
			goto fail;
		if (c->writes[i].value.text != NULL &&
		    (m->writes[i].value.text =
		    strdup(c->writes[i].value.text)) == NULL) {
			m->nwrites++;
			goto fail;
		}
	}
	if ((m->audits = calloc(c->naudits, sizeof(*m->audits))) == NULL)
		goto fail;
	for (i = 0; i < c->naudits; i++, m->naudits++) {
		if ((m->audits[i].cells = cells_dup(c->audits[i].cells,
		    c->audits[i].ncells)) == NULL)
			goto fail;
		m->audits[i].ncells = c->audits[i].ncells;
	}
	return (m);

fail:
	gc_ticket_free(m);
	return (NULL);
}

static void
outcome_init(const struct gc_ticket *m, struct gc_outcome *o,
    enum gc_status st)
{
	memset(o, 0, sizeof(*o));
	o->status = st;
	memcpy(o->version, m->version, sizeof(o->version));
}

/* Answers m (unless cancelled) and counts the outcome. */
static void
ticket_deliver(struct gc_ticket *m, const struct gc_outcome *o)
{
	struct gc_ticket_home	*home = m->home;
	gc_done_fn		*done = m->done;

	m->state = TICKET_DONE;
	m->done = NULL;
	switch (o->status) {
	case GC_APPLIED:
		home->stats.applied++;
		break;
	case GC_CONFLICT:
		home->stats.conflicts++;
		break;
	case GC_FAILED:
		home->stats.failed++;
		break;
	case GC_TIMEOUT:
		home->stats.timeouts++;
		break;
	}
	if (done != NULL)
		done(m->arg, o);
}

void
gc_ticket_fail(struct gc_ticket *m, enum gc_status st, uint64_t retry_after,
    const char *fmt, ...)
{
	struct gc_outcome	o;
	va_list			ap;

	outcome_init(m, &o, st);
	o.maybe_applied = m->maybe;
	o.retry_after_ms = retry_after;
	va_start(ap, fmt);
	vsnprintf(o.error, sizeof(o.error), fmt, ap);
	va_end(ap);
	ticket_deliver(m, &o);
}

/* A value as the cache should now show it. */
static const char *
cell_text(const struct sheets_cell *c, char *buf, size_t len)
{
	switch (c->kind) {
	case SHEETS_CELL_TEXT:
	case SHEETS_CELL_ENTERED:
		return (c->text);
	case SHEETS_CELL_NUMBER:
		snprintf(buf, len, "%.15g", c->number);
		return (buf);
	case SHEETS_CELL_BOOL:
		return (c->boolean ? "TRUE" : "FALSE");
	case SHEETS_CELL_SKIP:
		break;
	}
	return (NULL);
}

void
gc_ticket_landed(struct gc_ticket *m)
{
	struct gc_ticket_home	*home = m->home;
	struct gc_outcome	 o;
	const char		*text;
	char			 buf[64];
	size_t			 i;

	m->maybe = 0;
	if (home->applied != NULL) {
		for (i = 0; i < m->nwrites; i++) {
			text = cell_text(&m->writes[i].value, buf, sizeof(buf));
			if (text != NULL)
				home->applied(home->applied_arg, m->sheet,
				    m->tag, m->writes[i].header, text);
		}
		home->applied(home->applied_arg, m->sheet, m->tag,
		    home->version_header, m->version);
	}
	if (m->state == TICKET_DONE)
		return;
	outcome_init(m, &o, GC_APPLIED);
	o.audit_row = m->meta_row;
	ticket_deliver(m, &o);
}

void
gc_ticket_conflict(struct gc_ticket *m, const char *version, const char *fmt,
    ...)
{
	struct gc_outcome	o;
	va_list			ap;

	outcome_init(m, &o, GC_CONFLICT);
	o.maybe_applied = m->maybe;
	snprintf(o.found_version, sizeof(o.found_version), "%s", version);
	va_start(ap, fmt);
	vsnprintf(o.error, sizeof(o.error), fmt, ap);
	va_end(ap);
	ticket_deliver(m, &o);
}
