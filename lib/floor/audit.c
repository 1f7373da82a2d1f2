/* The Metadata audit row; see audit.h. */
#include <string.h>

#include "audit.h"

static const struct {
	const char		*header;
	enum sheets_cell_kind	 kind;
} columns[AUDIT_COLUMNS] = {
	[AUDIT_ID] = { "ID", SHEETS_CELL_TEXT },
	[AUDIT_TIMESTAMP] = { "Timestamp", SHEETS_CELL_ENTERED },
	[AUDIT_EVENTO_TIPO] = { "Evento_Tipo", SHEETS_CELL_TEXT },
	[AUDIT_TAG_SPOOL] = { "TAG_SPOOL", SHEETS_CELL_TEXT },
	[AUDIT_WORKER_ID] = { "Worker_ID", SHEETS_CELL_ENTERED },
	[AUDIT_WORKER_NOMBRE] = { "Worker_Nombre", SHEETS_CELL_TEXT },
	[AUDIT_OPERACION] = { "Operacion", SHEETS_CELL_TEXT },
	[AUDIT_ACCION] = { "Accion", SHEETS_CELL_TEXT },
	[AUDIT_FECHA_OPERACION] = { "Fecha_Operacion", SHEETS_CELL_ENTERED },
	[AUDIT_METADATA_JSON] = { "Metadata_JSON", SHEETS_CELL_TEXT },
	[AUDIT_N_UNION] = { "N_UNION", SHEETS_CELL_ENTERED },
};

static const char *const event_names[AUDIT_EVENTS] = {
	[AUDIT_TOMAR_SPOOL] = "TOMAR_SPOOL",
	[AUDIT_PAUSAR_SPOOL] = "PAUSAR_SPOOL",
	[AUDIT_COMPLETAR_ARM] = "COMPLETAR_ARM",
	[AUDIT_COMPLETAR_SOLD] = "COMPLETAR_SOLD",
	[AUDIT_COMPLETAR_METROLOGIA] = "COMPLETAR_METROLOGIA",
	[AUDIT_TOMAR_REPARACION] = "TOMAR_REPARACION",
	[AUDIT_PAUSAR_REPARACION] = "PAUSAR_REPARACION",
	[AUDIT_COMPLETAR_REPARACION] = "COMPLETAR_REPARACION",
	[AUDIT_CANCELAR_REPARACION] = "CANCELAR_REPARACION",
	[AUDIT_SPOOL_CANCELADO] = "SPOOL_CANCELADO",
	[AUDIT_UNION_ARM_REGISTRADA] = "UNION_ARM_REGISTRADA",
	[AUDIT_UNION_SOLD_REGISTRADA] = "UNION_SOLD_REGISTRADA",
	[AUDIT_METROLOGIA_AUTO_TRIGGERED] = "METROLOGIA_AUTO_TRIGGERED",
	[AUDIT_SUPERVISOR_OVERRIDE] = "SUPERVISOR_OVERRIDE",
};

const char *
audit_header(size_t col)
{
	return (col < AUDIT_COLUMNS ? columns[col].header : "");
}

enum sheets_cell_kind
audit_cell_kind(size_t col)
{
	return (col < AUDIT_COLUMNS ? columns[col].kind : SHEETS_CELL_SKIP);
}

const char *
audit_event_name(enum audit_event e)
{
	return ((unsigned int)e < AUDIT_EVENTS ? event_names[e] : "");
}

void
audit_row(const struct audit_record *a, struct sheets_cell cells[AUDIT_COLUMNS])
{
	const char	*text[AUDIT_COLUMNS];
	size_t		 i;

	text[AUDIT_ID] = a->id;
	text[AUDIT_TIMESTAMP] = a->timestamp;
	text[AUDIT_EVENTO_TIPO] = a->evento_tipo;
	text[AUDIT_TAG_SPOOL] = a->tag_spool;
	text[AUDIT_WORKER_ID] = a->worker_id;
	text[AUDIT_WORKER_NOMBRE] = a->worker_nombre;
	text[AUDIT_OPERACION] = a->operacion;
	text[AUDIT_ACCION] = a->accion;
	text[AUDIT_FECHA_OPERACION] = a->fecha_operacion;
	text[AUDIT_METADATA_JSON] = a->metadata_json;
	text[AUDIT_N_UNION] = a->n_union;
	memset(cells, 0, AUDIT_COLUMNS * sizeof(cells[0]));
	for (i = 0; i < AUDIT_COLUMNS; i++) {
		cells[i].kind = columns[i].kind;
		cells[i].text = text[i] != NULL ? text[i] : "";
	}
}
