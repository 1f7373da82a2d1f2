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
 *
 * What the deployed frontend reads (frontend.md §5, §7 items 17-18) rides
 * along, written here so that no flow can forget it:
 *	"type"		event_type mapped by occ_event_board_type()
 *	"worker"	= worker_nombre
 *	"timestamp"	ISO 8601 with the floor's offset, from the sheet
 *			timestamp the flow filled in (a browser's Date
 *			misreads DD-MM-YYYY), null if it is unreadable
 *	"timestamp_sheets" that sheet string as the flow filled it
 */
struct occ_event {
	const char	*event_type;	/* TOMAR, PAUSAR, TOMAR_REPARACION */
	char		 tag_spool[SPOOL_TAG_MAX + 1];
	char		 worker_nombre[WORKER_NOMBRE_MAX];
	long long	 worker_id;
	const char	*operacion;
	char		 estado_detalle[SPOOL_DETALLE_MAX];
	char		 timestamp[SHEET_TIMESTAMP_LEN];	/* as Sheets */
};

/*
 * The "type" the live board switches on: TOMAR, PAUSAR, COMPLETAR or
 * STATE_CHANGE.  An event type the table does not know is a
 * STATE_CHANGE: on the board that only updates an existing card's text,
 * so a new kind of event can never add or remove a card by mistake.
 */
#define OCC_EVENT_TYPE_DEFAULT	"STATE_CHANGE"
const char	*occ_event_board_type(const char *event_type);

/*
 * A sheet timestamp "DD-MM-YYYY HH:MM:SS" (local to the floor's zone) as
 * ISO 8601 with that zone's offset at that moment.  Returns -1 when it is
 * not a readable date with a time.  In the hour a clock change repeats,
 * mktime(3) picks one of the two instants.
 */
int	occ_event_iso_timestamp(const char *sheets,
	    char buf[ISO_TIMESTAMP_LEN]);

/* One JSON object; "event_id" is added by event_log_publish(). */
void	occ_event_write(yajl_gen, const struct occ_event *);

#endif
