/*
 * The union routes' JSON; see union_json.h.
 */
#include <string.h>

#include "json_out.h"
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
