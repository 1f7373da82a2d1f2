/* The event JSON of data.md §4; see spool_event.h. */
#include <string.h>

#include "json_out.h"
#include "spool_event.h"
#include "union_cells.h"

void
occ_event_write(yajl_gen g, const struct occ_event *ev)
{
	char	inches[UNION_NUMBER_MAX];

	yajl_gen_map_open(g);
	json_kstr(g, "event_type", ev->event_type);
	json_kstr(g, "tag_spool", ev->tag_spool);
	json_kstr(g, "worker_nombre", ev->worker_nombre[0] != '\0' ?
	    ev->worker_nombre : NULL);
	if (ev->worker_id > 0)
		json_kint(g, "worker_id", ev->worker_id);
	else
		json_knull(g, "worker_id");
	json_kstr(g, "operacion", ev->operacion);
	json_kstr(g, "estado_detalle", ev->estado_detalle);
	json_kstr(g, "timestamp", ev->timestamp);
	if (ev->has_unions) {
		json_kint(g, "union_count", ev->union_count);
		union_number_format(ev->pulgadas, 2, inches);
		json_key(g, "pulgadas");
		yajl_gen_number(g, inches, strlen(inches));
	}
	yajl_gen_map_close(g);
}
