/*
 * The floor's read answers built from the cached Operaciones table: the
 * iniciar/completar lists, the dashboard of occupied spools and one
 * spool's status.  What is listed and what counts as occupied is decided
 * here (with spool_state), so a route only parses its query and sends.
 */
#ifndef ZEUES_SPOOL_LISTS_H
#define ZEUES_SPOOL_LISTS_H

#include <stddef.h>

#include <yajl/yajl_gen.h>

#include "spool_state.h"

enum spool_list {
	SPOOL_LIST_INICIAR,	/* GET /api/spools/iniciar */
	SPOOL_LIST_COMPLETAR,	/* GET /api/spools/completar */
};

/*
 * 1 when the list exists for op: never for REPARACION, and METROLOGIA
 * only to start (it is completed by its verdict, not by a worker).
 */
int	spool_list_takes(enum spool_list, enum operacion op);

/*
 * {"spools":[Spool...],"total":n,"filtro_aplicado":filtro}; worker_id is
 * read by SPOOL_LIST_COMPLETAR only.
 */
void	spool_list_write(yajl_gen, const struct sheet_table *,
	    const struct spool_columns *, enum spool_list, enum operacion op,
	    long long worker_id, const char *filtro);

/*
 * GET /api/spools/reparacion (floor.md §3): {"spools": [{"tag_spool",
 * "estado_detalle", "fecha_rechazo" (Fecha_QC_Metrología, YYYY-MM-DD or
 * null), "cycle", "bloqueado"}], "total", "bloqueados", "filtro_aplicado"}
 * of the unoccupied spools that are RECHAZADO, REPARACION_PAUSADA (what
 * tomar-reparacion takes, frontend.md §7 item 16) or BLOQUEADO.
 */
void	spool_reparacion_write(yajl_gen, const struct sheet_table *,
	    const struct spool_columns *);

/* GET /api/dashboard: [{tag_spool, worker_nombre, ...}] of occupied rows. */
void	spool_dashboard_write(yajl_gen, const struct sheet_table *,
	    const struct spool_columns *);

/* GET /api/occupation/status/{tag} for data row i. */
void	spool_row_status_write(yajl_gen, const struct sheet_table *,
	    const struct spool_columns *, size_t i);

#endif
