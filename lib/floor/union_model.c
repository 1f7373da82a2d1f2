/*
 * The unions of a spool from the cached Uniones table; see union_model.h.
 */
#include <stdlib.h>
#include <string.h>

#include "nelem.h"
#include "sheet_table.h"
#include "union_model.h"

const char *const union_sheet_headers[UNION_FIELD_COUNT] = {
	[UNION_ID] = "ID",
	[UNION_OT] = "OT",
	[UNION_TAG] = "TAG_SPOOL",
	[UNION_N] = "N_UNION",
	[UNION_DN] = "DN_UNION",
	[UNION_TIPO] = "TIPO_UNION",
	[UNION_ARM_FECHA_INICIO] = "ARM_FECHA_INICIO",
	[UNION_ARM_FECHA_FIN] = "ARM_FECHA_FIN",
	[UNION_ARM_WORKER] = "ARM_WORKER",
	[UNION_SOL_FECHA_INICIO] = "SOL_FECHA_INICIO",
	[UNION_SOL_FECHA_FIN] = "SOL_FECHA_FIN",
	[UNION_SOL_WORKER] = "SOL_WORKER",
	[UNION_NDT_FECHA] = "NDT_FECHA",
	[UNION_NDT_STATUS] = "NDT_STATUS",
	[UNION_VERSION] = "version",
	[UNION_CREADO_POR] = "Creado_Por",
	[UNION_FECHA_CREACION] = "Fecha_Creacion",
	[UNION_MODIFICADO_POR] = "Modificado_Por",
	[UNION_FECHA_MODIFICACION] = "Fecha_Modificacion",
};

const char *const union_ops_headers[5] = {
	UNION_OPS_TOTAL, UNION_OPS_ARM, UNION_OPS_SOLD, UNION_OPS_PULG_ARM,
	UNION_OPS_PULG_SOLD,
};

/* What the model cannot do without. */
static const enum union_field required[] = {
	UNION_ID, UNION_TAG, UNION_N, UNION_DN, UNION_TIPO,
	UNION_ARM_FECHA_FIN, UNION_SOL_FECHA_FIN,
};

const char *
union_field_header(enum union_field f)
{
	return ((unsigned int)f < UNION_FIELD_COUNT ?
	    union_sheet_headers[f] : "");
}

int
union_columns_find(const struct sheet_table *t, struct union_columns *cols,
    const char **missing)
{
	size_t	k;
	int	f;

	for (f = 0; f < UNION_FIELD_COUNT; f++)
		cols->col[f] = sheet_table_column(t, union_sheet_headers[f]);
	for (k = 0; k < NELEM(required); k++) {
		if (cols->col[required[k]] == -1) {
			*missing = union_sheet_headers[required[k]];
			return (-1);
		}
	}
	return (0);
}

static int
cell_set(const char *cell)
{
	return (cell[strspn(cell, " \t\r\n")] != '\0');
}

void
union_rec_read(const struct sheet_table *t, const struct union_columns *cols,
    size_t i, struct union_rec *u)
{
	int	f;

	u->i = i;
	u->row = sheet_table_row_number(t, i);
	for (f = 0; f < UNION_FIELD_COUNT; f++)
		u->f[f] = sheet_table_cell(t, i, cols->col[f]);
	u->n_union = union_n_parse(u->f[UNION_N]);
	u->dn = union_dn_parse(u->f[UNION_DN]);
	u->tipo = union_tipo_parse(u->f[UNION_TIPO]);
	u->arm_done = cell_set(u->f[UNION_ARM_FECHA_FIN]);
	u->sold_done = cell_set(u->f[UNION_SOL_FECHA_FIN]);
}

int
union_available(const struct union_rec *u, enum operacion op)
{
	switch (op) {
	case OPERACION_ARM:
		return (!u->arm_done);
	case OPERACION_SOLD:
		return (u->arm_done && !u->sold_done &&
		    union_tipo_sold(u->tipo));
	default:
		return (0);
	}
}

static int
by_n_union(const void *a, const void *b)
{
	const struct union_rec	*x = a, *y = b;
	unsigned int		 nx = (unsigned int)x->n_union;
	unsigned int		 ny = (unsigned int)y->n_union;

	/* -1 becomes the largest: unreadable numbers go last. */
	if (nx != ny)
		return (nx < ny ? -1 : 1);
	return (x->i < y->i ? -1 : x->i > y->i);
}

static int
list_push(struct union_list *l, size_t *cap, const struct sheet_table *t,
    const struct union_columns *cols, size_t i)
{
	struct union_rec	*u;
	size_t			 ncap;

	if (l->n == *cap) {
		ncap = *cap > 0 ? *cap * 2 : 32;
		if ((u = reallocarray(l->u, ncap, sizeof(*u))) == NULL)
			return (-1);
		l->u = u;
		*cap = ncap;
	}
	union_rec_read(t, cols, i, &l->u[l->n++]);
	return (0);
}

int
union_list_of_spool(const struct sheet_table *t,
    const struct union_columns *cols, const char *tag,
    struct union_list *out)
{
	size_t	cap = 0, i;
	long	r;

	memset(out, 0, sizeof(*out));
	if (sheet_table_has_group(t)) {
		for (r = sheet_table_group_first(t, tag); r >= 0;
		    r = sheet_table_group_next(t, (size_t)r)) {
			if (list_push(out, &cap, t, cols, (size_t)r) == -1)
				goto fail;
		}
	} else {
		for (i = 0; i < sheet_table_rows(t); i++) {
			if (sheet_key_matches(sheet_table_cell(t, i,
			    cols->col[UNION_TAG]), tag) &&
			    list_push(out, &cap, t, cols, i) == -1)
				goto fail;
		}
	}
	if (out->n > 1)
		qsort(out->u, out->n, sizeof(*out->u), by_n_union);
	return (0);

fail:
	union_list_free(out);
	return (-1);
}

void
union_list_free(struct union_list *l)
{
	free(l->u);
	l->u = NULL;
	l->n = 0;
}

const struct union_rec *
union_list_by_id(const struct union_list *l, const char *id)
{
	size_t	k;

	for (k = 0; k < l->n; k++) {
		if (sheet_key_matches(l->u[k].f[UNION_ID], id))
			return (&l->u[k]);
	}
	return (NULL);
}

const struct union_rec *
union_list_by_n(const struct union_list *l, int n)
{
	size_t	k;

	for (k = 0; k < l->n; k++) {
		if (n > 0 && l->u[k].n_union == n)
			return (&l->u[k]);
	}
	return (NULL);
}

void
union_metrics_of(const struct union_list *l, struct union_metrics *m)
{
	const struct union_rec	*u;
	size_t			 k;

	memset(m, 0, sizeof(*m));
	m->ready_for_metrologia = l->n > 0;
	for (k = 0; k < l->n; k++) {
		u = &l->u[k];
		m->total++;
		if (u->arm_done) {
			m->arm_done++;
			if (u->dn > 0)
				m->pulgadas_arm += u->dn;
		}
		if (u->sold_done) {
			m->sold_done++;
			if (u->dn > 0)
				m->pulgadas_sold += u->dn;
		}
		m->arm_available += union_available(u, OPERACION_ARM);
		m->sold_available += union_available(u, OPERACION_SOLD);
		if (union_tipo_sold(u->tipo)) {
			m->sold_type++;
			if (!u->sold_done)
				m->ready_for_metrologia = 0;
		} else if (u->tipo == UNION_TIPO_FW && !u->arm_done)
			m->ready_for_metrologia = 0;
	}
	m->pulgadas_arm = union_round2(m->pulgadas_arm);
	m->pulgadas_sold = union_round2(m->pulgadas_sold);
}

long
union_round2(long thousandths)
{
	if (thousandths < 0)
		return (-((-thousandths + 5) / 10 * 10));
	return ((thousandths + 5) / 10 * 10);
}

long
union_pulgadas(const struct union_rec *const *u, size_t n)
{
	long	sum = 0;
	size_t	k;

	for (k = 0; k < n; k++) {
		if (u[k]->dn > 0)
			sum += u[k]->dn;
	}
	return (union_round2(sum));
}

long
union_ops_total_column(const struct sheet_table *ops)
{
	return (sheet_table_column(ops, UNION_OPS_TOTAL));
}

long
union_spool_total(const struct sheet_table *ops, long total_col, size_t i)
{
	long	v;

	if (total_col < 0)
		return (0);
	v = union_total_parse(sheet_table_cell(ops, i, total_col));
	return (v > 0 ? v : 0);
}

int
union_spool_is_v4(const struct sheet_table *ops, long total_col, size_t i)
{
	return (union_spool_total(ops, total_col, i) > 0);
}
