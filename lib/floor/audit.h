/*
 * The Metadata audit log's row (data.md §1), in one place for everyone
 * who writes or reads it: the occupation rules fill a record, the flow
 * turns it into the row of cells the group commit appends, the Metadata
 * log reads rows back by these headers, and migration 002 writes them.
 */
#ifndef ZEUES_AUDIT_H
#define ZEUES_AUDIT_H

#include <stddef.h>

#include "sheet_dates.h"
#include "sheets_codec.h"
#include "spool_tag.h"
#include "uuid4.h"
#include "worker_identity.h"

/* The columns, A..K. */
enum audit_column {
	AUDIT_ID,		/* A: uuid4 */
	AUDIT_TIMESTAMP,	/* B: DD-MM-YYYY HH:MM:SS */
	AUDIT_EVENTO_TIPO,	/* C: enum audit_event */
	AUDIT_TAG_SPOOL,	/* D */
	AUDIT_WORKER_ID,	/* E */
	AUDIT_WORKER_NOMBRE,	/* F: "MR(93)" */
	AUDIT_OPERACION,	/* G: ARM|SOLD|METROLOGIA|REPARACION */
	AUDIT_ACCION,		/* H: TOMAR|PAUSAR|COMPLETAR|CANCELAR */
	AUDIT_FECHA_OPERACION,	/* I: DD-MM-YYYY */
	AUDIT_METADATA_JSON,	/* J */
	AUDIT_N_UNION,		/* K */
	AUDIT_COLUMNS,
};

/* The header of a column as data.md spells it; "" past K. */
const char	*audit_header(size_t col);
/*
 * How a column is written: dates and numbers (Timestamp, Worker_ID,
 * Fecha_Operacion, N_UNION) as typed, so Sheets stores dates and
 * numbers; everything else as literal text.
 */
enum sheets_cell_kind	 audit_cell_kind(size_t col);

/* The Evento_Tipo values of data.md §1. */
enum audit_event {
	AUDIT_TOMAR_SPOOL,
	AUDIT_PAUSAR_SPOOL,
	AUDIT_COMPLETAR_ARM,
	AUDIT_COMPLETAR_SOLD,
	AUDIT_COMPLETAR_METROLOGIA,
	AUDIT_TOMAR_REPARACION,
	AUDIT_PAUSAR_REPARACION,
	AUDIT_COMPLETAR_REPARACION,
	AUDIT_CANCELAR_REPARACION,
	AUDIT_SPOOL_CANCELADO,
	/* floor.md: unions (v4) and the metrología hand-off. */
	AUDIT_UNION_ARM_REGISTRADA,
	AUDIT_UNION_SOLD_REGISTRADA,
	AUDIT_METROLOGIA_AUTO_TRIGGERED,
	/* floor.md §2: a supervisor's manual unblock, noticed. */
	AUDIT_SUPERVISOR_OVERRIDE,
	AUDIT_EVENTS,
};

const char	*audit_event_name(enum audit_event);

#define AUDIT_METADATA_JSON_MAX	1024

/* One audit row's values. */
struct audit_record {
	char		 id[UUID4_STRLEN];
	char		 timestamp[SHEET_TIMESTAMP_LEN];
	const char	*evento_tipo;	/* audit_event_name() */
	char		 tag_spool[SPOOL_TAG_MAX + 1];
	char		 worker_id[24];
	char		 worker_nombre[WORKER_NOMBRE_MAX];
	const char	*operacion;	/* the real one, never assumed */
	const char	*accion;
	char		 fecha_operacion[SHEET_DATE_LEN];
	char		 metadata_json[AUDIT_METADATA_JSON_MAX];
	/* A union's row of a FINALIZAR (floor.md §1.2); "" for the spool's. */
	char		 n_union[8];
};

/*
 * The record as the row A..K, each cell of its column's kind; the cells
 * point into the record (NULL strings become "").
 */
void	audit_row(const struct audit_record *,
	    struct sheets_cell cells[AUDIT_COLUMNS]);

#endif
