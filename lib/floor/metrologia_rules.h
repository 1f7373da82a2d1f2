/*
 * The decision of POST /api/metrologia/completar (floor.md §2): given the
 * spool's row, the worker, the lock as read and the verdict, the error to
 * answer or everything to write.  Pure, like occupation_rules.h, whose
 * input and outcome it shares so the occupation flow can run it
 * (occ_job.decide) with a lock held only for the change (OCC_LOCK_BRIEF).
 *
 * Checks, in order (the first that fails answers):
 *
 *   1. Worker not active: 403 WORKER_INACTIVO; without the Metrologia
 *	role: 403 ROL_NO_AUTORIZADO.
 *   2. Held by anyone, in Redis or in the row: 409 SPOOL_OCCUPIED (the
 *	text says "ocupado", which the tablet looks for).
 *   3. Fecha_Armado or Fecha_Soldadura empty: 400
 *	DEPENDENCIAS_NO_SATISFECHAS with data.dependencia_faltante.
 *   4. Inspected already (spool_metrologia_done: approved, rejected,
 *	blocked or in repair, or Fecha_QC_Metrología set and the spool not
 *	back in the queue, PENDIENTE_METROLOGIA after a repair): 400
 *	OPERACION_YA_COMPLETADA.
 *
 * Writes Fecha_QC_Metrología (today, DD-MM-YYYY), version and
 * Estado_Detalle: APROBADO gives SPOOL_DETALLE_APROBADO; RECHAZADO counts
 * one more cycle from Estado_Detalle (spool_cycle_parse) and gives
 * "RECHAZADO (Ciclo N/3) - Pendiente reparación", the third
 * SPOOL_DETALLE_BLOQUEADO.  Audit row COMPLETAR_METROLOGIA with
 * {"resultado"}; event COMPLETAR_METROLOGIA.
 */
#ifndef ZEUES_METROLOGIA_RULES_H
#define ZEUES_METROLOGIA_RULES_H

#include <yajl/yajl_gen.h>

#include "occupation_rules.h"

enum metro_resultado {
	METRO_APROBADO,
	METRO_RECHAZADO,
};

/* "APROBADO" or "RECHAZADO", exactly.  Returns 0, or -1. */
int		 metro_resultado_parse(const char *, enum metro_resultado *);
const char	*metro_resultado_name(enum metro_resultado);

/* in->action and in->op are not read; in->lock_token neither. */
void	metro_decide(const struct occ_input *, enum metro_resultado,
	    struct occ_outcome *);

/*
 * 200: {"success", "tag_spool", "resultado", "estado_detalle",
 * "message"}; otherwise the error body of occ_response_write().
 */
void	metro_response_write(yajl_gen, const struct occ_outcome *,
	    enum metro_resultado);

#endif
