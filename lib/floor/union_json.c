/*
 * The union routes' JSON; see union_json.h.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "json_out.h"
#include "occupation_error.h"
#include "sheet_table.h"
#include "spool_tag.h"
#include "union_json.h"

void
union_json_number(yajl_gen g, long thousandths, int decimals)
{
	char	buf[UNION_NUMBER_MAX];

	union_number_format(thousandths, decimals, buf);
	yajl_gen_number(g, buf, strlen(buf));
}

static void
kdate(yajl_gen g, const char *key, const char *cell)
{
	if (cell[strspn(cell, " \t\r\n")] == '\0')
		json_knull(g, key);
	else
		json_kstr(g, key, cell);
}

static void
union_item_write(yajl_gen g, const struct union_rec *u)
{
	yajl_gen_map_open(g);
	json_kstr(g, "id", u->f[UNION_ID]);
	if (u->n_union > 0)
		json_kint(g, "n_union", u->n_union);
	else
		json_knull(g, "n_union");
	json_key(g, "dn_union");
	if (u->dn > 0)
		union_json_number(g, u->dn, 3);
	else
		yajl_gen_null(g);
	json_kstr(g, "tipo_union", u->f[UNION_TIPO]);
	kdate(g, "arm_fecha_fin", u->f[UNION_ARM_FECHA_FIN]);
	kdate(g, "sol_fecha_fin", u->f[UNION_SOL_FECHA_FIN]);
	yajl_gen_map_close(g);
}

static void
available_array(yajl_gen g, enum operacion op, const struct union_list *l)
{
	size_t	k;

	yajl_gen_array_open(g);
	for (k = 0; k < l->n; k++) {
		if (union_available(&l->u[k], op))
			union_item_write(g, &l->u[k]);
	}
	yajl_gen_array_close(g);
}

void
union_disponibles_write(yajl_gen g, const char *tag, enum operacion op,
    const struct union_list *l)
{
	size_t	k, n = 0;

	for (k = 0; k < l->n; k++)
		n += union_available(&l->u[k], op);
	yajl_gen_map_open(g);
	json_kstr(g, "tag_spool", tag);
	json_kstr(g, "operacion", operacion_name(op));
	json_key(g, "uniones");
	available_array(g, op, l);
	json_key(g, "unions");
	available_array(g, op, l);
	json_kint(g, "count", (long long)n);
	json_kint(g, "disponibles_count", (long long)n);
	json_kint(g, "total_uniones", (long long)l->n);
	yajl_gen_map_close(g);
}

void
union_metricas_write(yajl_gen g, const char *tag,
    const struct union_metrics *m)
{
	yajl_gen_map_open(g);
	json_kstr(g, "tag_spool", tag);
	json_kint(g, "total_uniones", (long long)m->total);
	json_kint(g, "arm_completadas", (long long)m->arm_done);
	json_kint(g, "sold_completadas", (long long)m->sold_done);
	json_kint(g, "uniones_arm_completadas", (long long)m->arm_done);
	json_kint(g, "uniones_sold_completadas", (long long)m->sold_done);
	json_key(g, "pulgadas_arm");
	union_json_number(g, m->pulgadas_arm, 2);
	json_key(g, "pulgadas_sold");
	union_json_number(g, m->pulgadas_sold, 2);
	yajl_gen_map_close(g);
}

void
union_version_write(yajl_gen g, const char *tag, long total_uniones)
{
	yajl_gen_map_open(g);
	json_kbool(g, "success", 1);
	json_key(g, "data");
	yajl_gen_map_open(g);
	json_kstr(g, "version", total_uniones > 0 ? "v4.0" : "v3.0");
	json_kint(g, "union_count", total_uniones);
	json_kstr(g, "detection_logic", total_uniones > 0 ?
	    "Total_Uniones > 0: v4.0 (union-level work)" :
	    "Total_Uniones = 0, empty or missing: v3.0 (spool-level work)");
	json_kstr(g, "tag_spool", tag);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
}

static void
tag_data(yajl_gen g, void *arg)
{
	json_kstr(g, "tag_spool", arg);
}

/* 200 with the spool's Operaciones row in *i, or the error written. */
static int
spool_find(yajl_gen g, const struct sheet_table *ops, const char *tag,
    long *i)
{
	char	detail[SPOOL_TAG_MAX + 64];

	if ((*i = sheet_table_find(ops, tag)) >= 0)
		return (200);
	snprintf(detail, sizeof(detail), "Spool '%s' no encontrado.", tag);
	occ_error_write(g, OCC_ERR_SPOOL_NO_ENCONTRADO, detail, tag_data,
	    (void *)(uintptr_t)tag);
	return (occ_error_status(OCC_ERR_SPOOL_NO_ENCONTRADO));
}

/*
 * The spool's unions into l: 200, or the error written.  Without a
 * usable Uniones sheet the list is empty unless need_sheet.
 */
static int
spool_unions(yajl_gen g, const struct sheet_table *ops,
    const struct sheet_table *uniones, const char *tag, int need_sheet,
    struct union_list *l)
{
	struct union_columns	 cols;
	const char		*missing = NULL;
	char			 detail[SPOOL_TAG_MAX + 256];
	long			 i;
	int			 status;

	memset(l, 0, sizeof(*l));
	if ((status = spool_find(g, ops, tag, &i)) != 200)
		return (status);
	if (uniones == NULL || union_columns_find(uniones, &cols,
	    &missing) == -1) {
		if (!need_sheet)
			return (200);
		snprintf(detail, sizeof(detail), "El spool '%s' es v3.0: el "
		    "libro no tiene la hoja Uniones%s%s (migración m003 no "
		    "aplicada). Usa TOMAR, PAUSAR y COMPLETAR "
		    "(/api/occupation/tomar).", tag,
		    missing != NULL ? " con la columna " : "",
		    missing != NULL ? missing : "");
		occ_error_write(g, OCC_ERR_WRONG_VERSION, detail, tag_data,
		    (void *)(uintptr_t)tag);
		return (occ_error_status(OCC_ERR_WRONG_VERSION));
	}
	if (union_list_of_spool(uniones, &cols, tag, l) == -1) {
		occ_error_write(g, OCC_ERR_INTERNAL, "Sin memoria para leer "
		    "las uniones.", NULL, NULL);
		return (occ_error_status(OCC_ERR_INTERNAL));
	}
	return (200);
}

int
union_disponibles_answer(yajl_gen g, const struct sheet_table *ops,
    const struct sheet_table *uniones, const char *tag, enum operacion op)
{
	struct union_list	l;
	int			status;

	if ((status = spool_unions(g, ops, uniones, tag, 1, &l)) != 200)
		return (status);
	union_disponibles_write(g, tag, op, &l);
	union_list_free(&l);
	return (200);
}

int
union_metricas_answer(yajl_gen g, const struct sheet_table *ops,
    const struct sheet_table *uniones, const char *tag)
{
	struct union_list	l;
	struct union_metrics	m;
	int			status;

	if ((status = spool_unions(g, ops, uniones, tag, 0, &l)) != 200)
		return (status);
	union_metrics_of(&l, &m);
	union_metricas_write(g, tag, &m);
	union_list_free(&l);
	return (200);
}

int
union_version_answer(yajl_gen g, const struct sheet_table *ops,
    const char *tag)
{
	long	i;
	int	status;

	if ((status = spool_find(g, ops, tag, &i)) != 200)
		return (status);
	union_version_write(g, tag, union_spool_total(ops,
	    union_ops_total_column(ops), (size_t)i));
	return (200);
}
