/*
 * The operation of a PAUSAR or COMPLETAR that names none: the deployed
 * tablet's COMPLETAR sends no "operacion" (frontend.md §7 item 1), so it
 * is taken from the occupation the worker holds, as the row records it.
 *
 *   1. The row is occupied by the worker and says for what (spool_state.h:
 *	Estado_Detalle as this server writes it, or the dates leaving one
 *	candidate): that operation, REPARACION included.
 *   2. Otherwise the one of Armador / Soldador that names "(worker_id)"
 *	while its date (Fecha_Armado / Fecha_Soldadura) is empty.  Both do:
 *	ambiguous.
 *   3. Otherwise the worker holds nothing here, and the rules are to
 *	answer as for anyone else (403 naming the holder, 410 when nobody
 *	holds it, 400 when nothing is in progress): the row's occupied
 *	operation if it says one, else the one operation still open (SOLD
 *	when neither is).  Only when ARM and SOLD are both open and nothing
 *	points to either is it ambiguous.
 */
#ifndef ZEUES_OPERACION_INFER_H
#define ZEUES_OPERACION_INFER_H

#include <stddef.h>

#include "spool_state.h"

#define OCC_INFER_DETAIL_MAX	256

/*
 * Returns 0 with *op set, or -1 when ambiguous, with a Spanish sentence
 * for the 400's detail in why.
 */
int	occ_operacion_infer(const struct spool_row *, const char *tag,
	    long long worker_id, enum operacion *op,
	    char why[OCC_INFER_DETAIL_MAX]);

#endif
