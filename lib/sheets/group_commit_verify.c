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
 * The ranges of one sheet: its header row, then the key and version
 * columns over each run of nearby target rows (or one run for all when
 * gap is 0).
 */
static int
plan_sheet(struct gc_plan *plan, size_t cap, struct gc_sheet *sh,
    const struct gc_target *t, size_t nt, unsigned int *rows, long kc,
    long vc, unsigned int gap)
{
	size_t		i, n = 0;
	unsigned int	first;

	if (plan_push(plan, cap, sh, GC_PLAN_HEADER, 1, 1, -1) == -1)
		return (-1);
	if (kc < 0 || vc < 0)
		return (0);		/* learn the header first */
	for (i = 0; i < nt; i++) {
		if (t[i].sh == sh)
			rows[n++] = t[i].row;
	}
	qsort(rows, n, sizeof(*rows), cmp_uint);
	for (i = 0; i < n; ) {
		first = rows[i];
		while (i + 1 < n && (gap == 0 || rows[i + 1] - rows[i] <= gap))
			i++;
		if (plan_push(plan, cap, sh, GC_PLAN_KEYS, first, rows[i],
		    kc) == -1 || plan_push(plan, cap, sh, GC_PLAN_VERSIONS,
		    first, rows[i], vc) == -1)
			return (-1);
		i++;
	}
	return (0);
}

int
gc_plan_build(struct gc_plan *plan, size_t cap, const struct gc_target *t,
    size_t nt, const char *key_header, const char *version_header,
    char *err, size_t errsz)
{
	struct gc_sheet		**seen = NULL;
	unsigned int		 *rows = NULL;
	size_t			  nseen = 0, i, k;
	unsigned int		  gap;
	int			  rc = -1;

	gc_plan_free(plan);
	if ((plan->ranges = calloc(cap, sizeof(*plan->ranges))) == NULL ||
	    (seen = calloc(nt + 1, sizeof(*seen))) == NULL ||
	    (rows = calloc(nt + 1, sizeof(*rows))) == NULL) {
		snprintf(err, errsz, "out of memory");
		goto out;
	}
	for (i = 0; i < nt; i++) {
		for (k = 0; k < nseen && seen[k] != t[i].sh; k++)
			;
		if (k == nseen)
			seen[nseen++] = t[i].sh;
	}
	/* Spans around nearby rows; one span per sheet if that is too many. */
	for (gap = GC_CLUSTER_GAP; ; gap = 0) {
		plan->n = 0;
		for (k = 0; k < nseen; k++) {
			if (plan_sheet(plan, cap, seen[k], t, nt, rows,
			    gc_sheet_col(seen[k], key_header),
			    gc_sheet_col(seen[k], version_header), gap) == -1)
				break;
		}
		if (k == nseen) {
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
	free(seen);
	free(rows);
	return (rc);
}

void
gc_plan_free(struct gc_plan *plan)
{
	free(plan->ranges);
	plan->ranges = NULL;
	plan->n = 0;
}

long
gc_plan_col(const struct gc_plan *plan, const struct gc_sheet *sh,
    enum gc_plan_kind kind)
{
	size_t	i;

	for (i = 0; i < plan->n; i++) {
		if (plan->ranges[i].sh == sh && plan->ranges[i].kind == kind)
			return (plan->ranges[i].col);
	}
	return (-1);
}

const char *
gc_plan_cell(const struct gc_plan *plan,
    const struct sheets_value_ranges *vrs, const struct gc_sheet *sh,
    enum gc_plan_kind kind, unsigned int row)
{
	const struct gc_plan_range	*p;
	const struct sheets_value_range	*vr;
	size_t				 i, idx;

	for (i = 0; i < plan->n && i < vrs->nranges; i++) {
		p = &plan->ranges[i];
		if (p->sh != sh || p->kind != kind || row < p->first ||
		    row > p->last)
			continue;
		vr = &vrs->ranges[i];
		idx = row - p->first;
		if (idx < vr->nrows && vr->rows[idx].ncells > 0)
			return (vr->rows[idx].cells[0]);
		return ("");
	}
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
