/*
 * The group commit's verification read and verdicts; see
 * group_commit_verify.h.  Nothing here calls out or keeps state.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "group_commit_verify.h"

long
gc_sheet_col(const struct gc_sheet *sh, const char *header)
{
	return (sh->hdr != NULL ? sheet_table_column(sh->hdr, header) : -1);
}

static int
cmp_uint(const void *a, const void *b)
{
	unsigned int	x = *(const unsigned int *)a;
	unsigned int	y = *(const unsigned int *)b;

	return (x < y ? -1 : x > y);
}

static int
plan_push(struct gc_plan *plan, size_t cap, struct gc_sheet *sh,
    enum gc_plan_kind kind, unsigned int first, unsigned int last, long col)
{
	struct gc_plan_range	*p;
	struct a1_area		 area;

	if (plan->n == cap)
		return (-1);
	p = &plan->ranges[plan->n];
	p->sh = sh;
	p->kind = kind;
	p->first = first;
	p->last = last;
	p->col = col;
	if (kind == GC_PLAN_HEADER) {
		area.first_col = area.last_col = 0;
		area.first_row = area.last_row = 1;
	} else {
		area.first_col = area.last_col = (unsigned int)col + 1;
		area.first_row = first;
		area.last_row = last;
	}
	if (a1_format_range(p->a1, sizeof(p->a1), sh->name, &area) == -1)
		return (-1);
	plan->n++;
	return (0);
}

/*
 * The ranges over rows (n of them, sorted here): column col, and column
 * col2 unless it is -1, over each run of nearby rows (or one run for all
 * when gap is 0).
 */
static int
plan_runs(struct gc_plan *plan, size_t cap, struct gc_sheet *sh,
    unsigned int *rows, size_t n, long col, long col2, unsigned int gap)
{
	size_t		i;
	unsigned int	first;

	qsort(rows, n, sizeof(*rows), cmp_uint);
	for (i = 0; i < n; ) {
		first = rows[i];
		while (i + 1 < n && (gap == 0 || rows[i + 1] - rows[i] <= gap))
			i++;
		if (plan_push(plan, cap, sh, GC_PLAN_KEYS, first, rows[i],
		    col) == -1 || (col2 >= 0 && plan_push(plan, cap, sh,
		    GC_PLAN_VERSIONS, first, rows[i], col2) == -1))
			return (-1);
		i++;
	}
	return (0);
}

/*
 * The ranges of one sheet: its header row, then the key and version
 * columns over the rows of changes, then each other key column over the
 * other rows it finds (tcol: the target's key column, -1 for a change's
 * own row or a column the header does not name).
 */
static int
plan_sheet(struct gc_plan *plan, size_t cap, struct gc_sheet *sh,
    const struct gc_target *t, const long *tcol, size_t nt,
    unsigned int *rows, long *seen, long kc, long vc, unsigned int gap)
{
	size_t	i, k, n, nseen = 0;

	if (plan_push(plan, cap, sh, GC_PLAN_HEADER, 1, 1, -1) == -1)
		return (-1);
	/* Before the header is known, the header only: learn it first. */
	if (kc >= 0 && vc >= 0) {
		for (i = 0, n = 0; i < nt; i++) {
			if (t[i].sh == sh && t[i].key_header == NULL)
				rows[n++] = t[i].row;
		}
		if (plan_runs(plan, cap, sh, rows, n, kc, vc, gap) == -1)
			return (-1);
	}
	for (i = 0; i < nt; i++) {
		if (t[i].sh != sh || tcol[i] < 0)
			continue;
		for (k = 0; k < nseen && seen[k] != tcol[i]; k++)
			;
		if (k < nseen)
			continue;
		seen[nseen++] = tcol[i];
		for (k = i, n = 0; k < nt; k++) {
			if (t[k].sh == sh && tcol[k] == tcol[i])
				rows[n++] = t[k].row;
		}
		if (plan_runs(plan, cap, sh, rows, n, tcol[i], -1, gap) == -1)
			return (-1);
	}
	return (0);
}

int
gc_plan_build(struct gc_plan *plan, size_t cap, const struct gc_target *t,
    size_t nt, const char *key_header, const char *version_header,
    char *err, size_t errsz)
{
	struct gc_sheet		**sheets = NULL;
	unsigned int		 *rows = NULL;
	long			 *tcol = NULL, *seen = NULL;
	size_t			  nsheets = 0, i, k;
	unsigned int		  gap;
	int			  rc = -1;

	gc_plan_free(plan);
	if ((plan->ranges = calloc(cap, sizeof(*plan->ranges))) == NULL ||
	    (sheets = calloc(nt + 1, sizeof(*sheets))) == NULL ||
	    (rows = calloc(nt + 1, sizeof(*rows))) == NULL ||
	    (tcol = calloc(nt + 1, sizeof(*tcol))) == NULL ||
	    (seen = calloc(nt + 1, sizeof(*seen))) == NULL) {
		snprintf(err, errsz, "out of memory");
		goto out;
	}
	for (i = 0; i < nt; i++) {
		for (k = 0; k < nsheets && sheets[k] != t[i].sh; k++)
			;
		if (k == nsheets)
			sheets[nsheets++] = t[i].sh;
		tcol[i] = t[i].key_header == NULL ? -1 :
		    gc_sheet_col(t[i].sh, t[i].key_header);
	}
	/* Spans around nearby rows; one span per column if too many. */
	for (gap = GC_CLUSTER_GAP; ; gap = 0) {
		plan->n = 0;
		for (k = 0; k < nsheets; k++) {
			if (plan_sheet(plan, cap, sheets[k], t, tcol, nt, rows,
			    seen, gc_sheet_col(sheets[k], key_header),
			    gc_sheet_col(sheets[k], version_header),
			    gap) == -1)
				break;
		}
		if (k == nsheets) {
			rc = 0;
			break;
		}
		if (gap == 0) {
			snprintf(err, errsz, "verification needs more than "
			    "%zu ranges", cap);
			break;
		}
	}
out:
	free(sheets);
	free(rows);
	free(tcol);
	free(seen);
	return (rc);
}

void
gc_plan_free(struct gc_plan *plan)
{
	free(plan->ranges);
	plan->ranges = NULL;
	plan->n = 0;
}

/* The range of the plan that reads row of sh in column col, or -1. */
static long
plan_find(const struct gc_plan *plan, const struct gc_sheet *sh, long col,
    unsigned int row)
{
	const struct gc_plan_range	*p;
	size_t				 i;

	for (i = 0; i < plan->n; i++) {
		p = &plan->ranges[i];
		if (p->sh == sh && p->kind != GC_PLAN_HEADER && p->col == col &&
		    row >= p->first && row <= p->last)
			return ((long)i);
	}
	return (-1);
}

int
gc_plan_reads(const struct gc_plan *plan, const struct gc_sheet *sh,
    long col, unsigned int row)
{
	return (col >= 0 && plan_find(plan, sh, col, row) >= 0);
}

const char *
gc_plan_cell(const struct gc_plan *plan,
    const struct sheets_value_ranges *vrs, const struct gc_sheet *sh,
    long col, unsigned int row)
{
	const struct sheets_value_range	*vr;
	long				 i;
	size_t				 idx;

	if (col < 0 || (i = plan_find(plan, sh, col, row)) < 0 ||
	    (size_t)i >= vrs->nranges)
		return ("");
	vr = &vrs->ranges[i];
	idx = row - plan->ranges[i].first;
	if (idx < vr->nrows && vr->rows[idx].ncells > 0)
		return (vr->rows[idx].cells[0]);
	return ("");
}

enum gc_verdict
gc_verify_row(const char *key, const char *version, const char *tag,
    const char *expected, const char *new_version, int maybe_written)
{
	if (!sheet_key_matches(key, tag))
		return (GC_VERDICT_NOT_KEY);
	if (maybe_written && strcmp(version, new_version) == 0)
		return (GC_VERDICT_LANDED);
	if (strcmp(version, expected) != 0)
		return (GC_VERDICT_STALE);
	return (GC_VERDICT_WRITE);
}
