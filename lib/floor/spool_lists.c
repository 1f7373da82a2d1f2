#include "json_out.h"
#include "sheet_dates.h"
#include "sheet_table.h"
#include "spool_lists.h"

int
spool_list_takes(enum spool_list list, enum operacion op)
{
	return (op != OPERACION_REPARACION &&
	    !(list == SPOOL_LIST_COMPLETAR && op == OPERACION_METROLOGIA));
}

void
spool_list_write(yajl_gen g, const struct sheet_table *ops,
    const struct spool_columns *cols, enum spool_list list,
    enum operacion op, long long worker_id, const char *filtro)
{
	struct spool_row	 row;
	struct spool_state	 st;
	size_t			 i, n = 0;
	int			 listed;

	yajl_gen_map_open(g);
	json_key(g, "spools");
	yajl_gen_array_open(g);
	for (i = 0; i < sheet_table_rows(ops); i++) {
		spool_row_read(ops, cols, i, &row);
		if (row.f[SPOOL_TAG][0] == '\0')
			continue;
		spool_state_derive(&row, &st);
		listed = list == SPOOL_LIST_INICIAR ?
		    spool_listed_iniciar(&row, &st, op) :
		    spool_listed_completar(&row, &st, op, worker_id);
		if (!listed)
			continue;
		spool_json_write(g, &row);
		n++;
	}
	yajl_gen_array_close(g);
	json_kint(g, "total", (long long)n);
	json_kstr(g, "filtro_aplicado", filtro);
	yajl_gen_map_close(g);
}

void
spool_reparacion_write(yajl_gen g, const struct sheet_table *ops,
    const struct spool_columns *cols)
{
	struct spool_row	 row;
	struct spool_state	 st;
	struct civil_time	 t;
	char			 date[API_DATE_LEN];
	size_t			 i, n = 0, bloqueados = 0;

	yajl_gen_map_open(g);
	json_key(g, "spools");
	yajl_gen_array_open(g);
	for (i = 0; i < sheet_table_rows(ops); i++) {
		spool_row_read(ops, cols, i, &row);
		if (row.f[SPOOL_TAG][0] == '\0')
			continue;
		spool_state_derive(&row, &st);
		if (st.occupied || (st.phase != PHASE_RECHAZADO &&
		    st.phase != PHASE_REPARACION_PAUSADA &&
		    st.phase != PHASE_BLOQUEADO))
			continue;
		yajl_gen_map_open(g);
		json_kstr(g, "tag_spool", row.f[SPOOL_TAG]);
		json_kstr(g, "estado_detalle", row.f[SPOOL_ESTADO_DETALLE]);
		if (sheet_date_parse(row.f[SPOOL_FECHA_QC], &t) == 0) {
			api_date_format(&t, date);
			json_kstr(g, "fecha_rechazo", date);
		} else {
			json_knull(g, "fecha_rechazo");
		}
		/* A rejection is at least the first cycle, as repairs say. */
		json_kint(g, "cycle", st.cycle > 0 ? st.cycle : 1);
		json_kbool(g, "bloqueado", st.phase == PHASE_BLOQUEADO);
		yajl_gen_map_close(g);
		n++;
		bloqueados += st.phase == PHASE_BLOQUEADO;
	}
	yajl_gen_array_close(g);
	json_kint(g, "total", (long long)n);
	json_kint(g, "bloqueados", (long long)bloqueados);
	json_kstr(g, "filtro_aplicado",
	    "RECHAZADO, REPARACION_PAUSADA o BLOQUEADO, sin ocupar");
	yajl_gen_map_close(g);
}

void
spool_dashboard_write(yajl_gen g, const struct sheet_table *ops,
    const struct spool_columns *cols)
{
	struct spool_row	 row;
	size_t			 i;

	yajl_gen_array_open(g);
	for (i = 0; i < sheet_table_rows(ops); i++) {
		spool_row_read(ops, cols, i, &row);
		if (row.f[SPOOL_TAG][0] == '\0' ||
		    !spool_cell_set(row.f[SPOOL_OCUPADO_POR]))
			continue;
		yajl_gen_map_open(g);
		json_kstr(g, "tag_spool", row.f[SPOOL_TAG]);
		json_kstr(g, "worker_nombre", row.f[SPOOL_OCUPADO_POR]);
		json_kstr(g, "estado_detalle", row.f[SPOOL_ESTADO_DETALLE]);
		spool_since_write(g, &row);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
}

void
spool_row_status_write(yajl_gen g, const struct sheet_table *ops,
    const struct spool_columns *cols, size_t i)
{
	struct spool_row	 row;
	struct spool_state	 st;

	spool_row_read(ops, cols, i, &row);
	spool_state_derive(&row, &st);
	spool_status_write(g, &row, &st);
}
