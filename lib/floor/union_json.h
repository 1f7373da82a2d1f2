/*
 * The union routes' answers (floor.md §1.2, frontend.md R5, R6, U4 and
 * §7 items 7 and 8), written from the union model so a route only looks
 * the spool up and sends.
 */
#ifndef ZEUES_UNION_JSON_H
#define ZEUES_UNION_JSON_H

#include <yajl/yajl_gen.h>

#include "union_model.h"

/*
 * GET /api/v4/uniones/{tag}/disponibles?operacion=op: the available
 * unions as `uniones` and, the same array, `unions` (what the old backend
 * sent); `count` and `disponibles_count` of them, `total_uniones` of the
 * spool, `tag_spool`, `operacion`.  Items: id, n_union and dn_union (JSON
 * numbers, null when the cell is unreadable), tipo_union, arm_fecha_fin,
 * sol_fecha_fin (null when empty).
 */
void	union_disponibles_write(yajl_gen, const char *tag, enum operacion op,
	    const struct union_list *);

/*
 * GET /api/v4/uniones/{tag}/metricas: total_uniones, arm_completadas,
 * sold_completadas, pulgadas_arm, pulgadas_sold (2 decimals), and the
 * frontend's names uniones_arm_completadas, uniones_sold_completadas.
 */
void	union_metricas_write(yajl_gen, const char *tag,
	    const struct union_metrics *);

/*
 * GET /api/diagnostic/{tag}/version: {"success":true,"data":{"version":
 * "v3.0"|"v4.0","union_count","detection_logic","tag_spool"}}.
 */
void	union_version_write(yajl_gen, const char *tag, long total_uniones);

/*
 * The three routes answered from the cached tables: ops is Operaciones
 * (indexed by TAG_SPOOL), uniones the Uniones table or NULL when the
 * workbook has none (not migrated).  Each writes the answer or the error
 * body (api.md §1, a readable string detail) into g and returns its HTTP
 * status: 200; 404 SPOOL_NO_ENCONTRADO for a tag Operaciones lacks; for
 * disponibles without a usable Uniones sheet, 400 WRONG_VERSION (every
 * spool is v3 then); 500 when out of memory.  metricas of a known spool without unions, Uniones or not,
 * is 200 with zeros (frontend.md §7 item 8).
 */
int	union_disponibles_answer(yajl_gen, const struct sheet_table *ops,
	    const struct sheet_table *uniones, const char *tag,
	    enum operacion op);
int	union_metricas_answer(yajl_gen, const struct sheet_table *ops,
	    const struct sheet_table *uniones, const char *tag);
int	union_version_answer(yajl_gen, const struct sheet_table *ops,
	    const char *tag);

/* A number of thousandths with at most `decimals` places, as JSON. */
void	union_json_number(yajl_gen, long thousandths, int decimals);

#endif
