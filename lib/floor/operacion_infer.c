/* The operation a request leaves out; see operacion_infer.h. */
#include <stdio.h>
#include <string.h>

#include "operacion_infer.h"

/* The cell names the worker, "MR(93)", and the operation is not done. */
static int
names_worker_open(const char *cell, const char *date, long long worker_id)
{
	char	needle[WORKER_ID_DIGITS + 3];

	(void)snprintf(needle, sizeof(needle), "(%lld)", worker_id);
	return (strstr(cell, needle) != NULL && !spool_cell_set(date));
}

static int
ambiguous(const char *tag, char *why)
{
	(void)snprintf(why, OCC_INFER_DETAIL_MAX, "No se pudo determinar la "
	    "operación en el spool '%s': ARM y SOLD están abiertas. Indica "
	    "\"operacion\" (ARM o SOLD).", tag);
	return (-1);
}

int
occ_operacion_infer(const struct spool_row *row, const char *tag,
    long long worker_id, enum operacion *op, char why[OCC_INFER_DETAIL_MAX])
{
	struct spool_state	st;
	int			arm, sold;

	why[0] = '\0';
	spool_state_derive(row, &st);
	if (st.occupied && st.occupant_id == worker_id && st.op_known) {
		*op = st.op;
		return (0);
	}

	arm = names_worker_open(row->f[SPOOL_ARMADOR],
	    row->f[SPOOL_FECHA_ARMADO], worker_id);
	sold = names_worker_open(row->f[SPOOL_SOLDADOR],
	    row->f[SPOOL_FECHA_SOLDADURA], worker_id);
	if (arm && sold)
		return (ambiguous(tag, why));
	if (arm || sold) {
		*op = arm ? OPERACION_ARM : OPERACION_SOLD;
		return (0);
	}

	if (st.occupied && st.op_known) {
		*op = st.op;
		return (0);
	}
	arm = spool_op_open(row, OPERACION_ARM);
	sold = spool_op_open(row, OPERACION_SOLD);
	if (arm && sold)
		return (ambiguous(tag, why));
	/* Neither open means both are completed: SOLD says so last. */
	*op = arm ? OPERACION_ARM : OPERACION_SOLD;
	return (0);
}
