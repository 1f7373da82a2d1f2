/* The event JSON of data.md §4; see spool_event.h. */
#include <string.h>

#include "json_out.h"
#include "nelem.h"
#include "spool_event.h"

/* frontend.md §7 item 17, and the v4 names of floor.md §1.2. */
static const struct {
	const char	*event_type;
	const char	*type;
} board_types[] = {
	{ "TOMAR", "TOMAR" },
	{ "TOMAR_REPARACION", "TOMAR" },
	{ "INICIAR", "TOMAR" },
	{ "PAUSAR", "PAUSAR" },
	{ "CANCELAR", "PAUSAR" },
	{ "CANCELADO", "PAUSAR" },
	{ "PAUSAR_REPARACION", "PAUSAR" },
	{ "CANCELAR_REPARACION", "PAUSAR" },
	{ "COMPLETAR", "COMPLETAR" },
	{ "COMPLETAR_REPARACION", "COMPLETAR" },
	{ "STATE_CHANGE", "STATE_CHANGE" },
	{ "METROLOGIA_READY", "STATE_CHANGE" },
	{ "COMPLETAR_METROLOGIA", "STATE_CHANGE" },
};

const char *
occ_event_board_type(const char *event_type)
{
	size_t	i;

	for (i = 0; event_type != NULL && i < NELEM(board_types); i++) {
		if (strcmp(board_types[i].event_type, event_type) == 0)
			return (board_types[i].type);
	}
	return (OCC_EVENT_TYPE_DEFAULT);
}

int
occ_event_iso_timestamp(const char *sheets, char buf[ISO_TIMESTAMP_LEN])
{
	struct civil_time	t;
	struct zoned_time	z;

	if (sheet_date_parse(sheets, &t) == -1 || !t.has_time ||
	    zone_localize(&t, &z) == -1)
		return (-1);
	iso_timestamp_format(&z, buf);
	return (0);
}

void
occ_event_write(yajl_gen g, const struct occ_event *ev)
{
	const char	*worker;
	char		 iso[ISO_TIMESTAMP_LEN];

	worker = ev->worker_nombre[0] != '\0' ? ev->worker_nombre : NULL;
	yajl_gen_map_open(g);
	json_kstr(g, "event_type", ev->event_type);
	json_kstr(g, "type", occ_event_board_type(ev->event_type));
	json_kstr(g, "tag_spool", ev->tag_spool);
	json_kstr(g, "worker_nombre", worker);
	json_kstr(g, "worker", worker);
	if (ev->worker_id > 0)
		json_kint(g, "worker_id", ev->worker_id);
	else
		json_knull(g, "worker_id");
	json_kstr(g, "operacion", ev->operacion);
	json_kstr(g, "estado_detalle", ev->estado_detalle);
	if (occ_event_iso_timestamp(ev->timestamp, iso) == 0)
		json_kstr(g, "timestamp", iso);
	else
		json_knull(g, "timestamp");
	json_kstr(g, "timestamp_sheets", ev->timestamp);
	yajl_gen_map_close(g);
}
