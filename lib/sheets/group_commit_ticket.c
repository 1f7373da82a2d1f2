/*
 * A change's answer in the group commit; see group_commit_ticket.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "group_commit_ticket.h"

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

const char *
gc_cell_text(const struct sheets_cell *c, char *buf, size_t len)
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

/* Tells the cache of the cells of a row that landed. */
static void
notify_writes(struct gc_ticket_home *home, const char *sheet,
    const char *key, const struct gc_write *w, size_t n)
{
	const char	*text;
	char		 buf[64];
	size_t		 i;

	for (i = 0; i < n; i++) {
		if ((text = gc_cell_text(&w[i].value, buf, sizeof(buf))) != NULL)
			home->applied(home->applied_arg, sheet, key,
			    w[i].header, text);
	}
}

void
gc_ticket_landed(struct gc_ticket *m)
{
	struct gc_ticket_home	*home = m->home;
	struct gc_outcome	 o;
	size_t			 i;

	m->maybe = 0;
	if (home->applied != NULL) {
		notify_writes(home, m->sheet, m->tag, m->writes, m->nwrites);
		home->applied(home->applied_arg, m->sheet, m->tag,
		    home->version_header, m->version);
		for (i = 0; i < m->nrows; i++)
			notify_writes(home, m->rows[i].sheet, m->rows[i].key,
			    m->rows[i].writes, m->rows[i].nwrites);
	}
	if (m->state == TICKET_DONE)
		return;
	outcome_init(m, &o, GC_APPLIED);
	o.audit_row = m->meta_row;
	ticket_deliver(m, &o);
}

void
gc_ticket_conflict(struct gc_ticket *m, const char *version, size_t which,
    const char *fmt, ...)
{
	struct gc_outcome	o;
	va_list			ap;

	outcome_init(m, &o, GC_CONFLICT);
	o.maybe_applied = m->maybe;
	o.conflict_row = which;
	snprintf(o.found_version, sizeof(o.found_version), "%s", version);
	va_start(ap, fmt);
	vsnprintf(o.error, sizeof(o.error), fmt, ap);
	va_end(ap);
	ticket_deliver(m, &o);
}
