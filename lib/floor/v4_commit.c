/*
 * What a FINALIZAR adds to the change occupation_commit.c submits: every
 * audit row (the spool's, one per union, metrología's), the union rows,
 * the aggregate columns; and the METROLOGIA_READY event published after
 * the spool's.  All in the one group-commit change, so they land together
 * or not at all (group_commit.h).
 */
#include <string.h>

#include "occupation_steps.h"
#include "v4_flow.h"

_Static_assert(V4_AUDITS_MAX <= GC_AUDITS_MAX && V4_UNIONS_MAX <= GC_ROWS_MAX,
    "a FINALIZAR must fit one group-commit change");

void
flow_v4_change(struct occ_job *job, struct v4_change *c, struct gc_change *ch,
    struct gc_write *writes, size_t *n)
{
	struct v4_outcome	*o;
	struct v4_union_write	*u;
	size_t			 i, k;

	if (job->v4 == NULL || job->v4->kind != V4_REQ_FINALIZAR)
		return;
	o = &job->v4->out;
	for (i = 0; i < o->nops; i++) {
		writes[*n].header = o->ops[i].header;
		writes[*n].value.kind = SHEETS_CELL_TEXT;
		writes[*n].value.text = o->ops[i].value;
		(*n)++;
	}
	for (i = 0; i < o->naudits; i++) {
		/* Named as the request named the spool, like the v3 row. */
		memcpy(o->audits[i].tag_spool, job->tag,
		    sizeof(o->audits[i].tag_spool));
		audit_row(&o->audits[i], c->cells[i]);
		c->audits[i].cells = c->cells[i];
		c->audits[i].ncells = AUDIT_COLUMNS;
	}
	ch->audits = c->audits;
	ch->naudits = o->naudits;
	for (i = 0; i < o->nunions; i++) {
		u = &o->unions[i];
		for (k = 0; k < u->ncells; k++) {
			c->writes[i][k].header = u->cells[k].header;
			c->writes[i][k].value.kind = u->cells[k].entered ?
			    SHEETS_CELL_ENTERED : SHEETS_CELL_TEXT;
			c->writes[i][k].value.text = u->cells[k].value;
		}
		c->rows[i].sheet = job->flow->deps.uniones != NULL ?
		    job->flow->deps.uniones : UNION_SHEET_DEFAULT;
		c->rows[i].key_header = UNION_KEY_HEADER;
		c->rows[i].key = u->id;
		c->rows[i].row = u->row;
		c->rows[i].writes = c->writes[i];
		c->rows[i].nwrites = u->ncells;
	}
	ch->rows = c->rows;
	ch->nrows = o->nunions;
}

const struct occ_event *
flow_v4_next_event(struct occ_job *job)
{
	if (job->v4 == NULL || job->v4->kind != V4_REQ_FINALIZAR ||
	    !job->v4->out.metrologia || job->v4->metro_sent)
		return (NULL);
	job->v4->metro_sent = 1;
	return (&job->v4->out.metro_event);
}
