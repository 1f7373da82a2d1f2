/*
 * The live event of a change to a spool (data.md §4): what the flows fill
 * in and publish on spools:updates and the replay stream, and the one
 * place that writes its JSON, so every action's event has the same keys.
 */
#ifndef ZEUES_SPOOL_EVENT_H
#define ZEUES_SPOOL_EVENT_H

#include <yajl/yajl_gen.h>

#include "sheet_dates.h"
#include "spool_state.h"
#include "spool_tag.h"
#include "worker_identity.h"

/*
 * The event of data.md §4 except "event_id", which event_log_publish()
 * stamps with the id Redis gives it (event_log.h).
 */
struct occ_event {
	const char	*event_type;	/* TOMAR, PAUSAR, TOMAR_REPARACION */
	char		 tag_spool[SPOOL_TAG_MAX + 1];
	char		 worker_nombre[WORKER_NOMBRE_MAX];
	long long	 worker_id;
	const char	*operacion;
	char		 estado_detalle[SPOOL_DETALLE_MAX];
	char		 timestamp[SHEET_TIMESTAMP_LEN];
	/* A FINALIZAR (floor.md §1.2): the unions it recorded, their DN sum. */
	int		 has_unions;
	long		 union_count;
	long		 pulgadas;	/* thousandths of an inch */
};

/* One JSON object; "event_id" is added by event_log_publish(). */
void	occ_event_write(yajl_gen, const struct occ_event *);

#endif
