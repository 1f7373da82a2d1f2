/*
 * Unit tests for lib/floor/spool_event.c: the live board's "type" for
 * every event type the floor publishes (frontend.md §7 item 17), "worker"
 * next to "worker_nombre", and the ISO 8601 "timestamp" with the floor's
 * offset on both sides of Chile's clock changes, the sheet string riding
 * along in "timestamp_sheets".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json_out.h"
#include "nelem.h"
#include "sheet_dates.h"
#include "spool_event.h"

static void
test_board_type(void **state)
{
	static const struct {
		const char	*event_type;
		const char	*type;
	} cases[] = {
		{ "TOMAR", "TOMAR" },
		{ "TOMAR_REPARACION", "TOMAR" },
		{ "PAUSAR", "PAUSAR" },
		{ "CANCELAR", "PAUSAR" },
		{ "PAUSAR_REPARACION", "PAUSAR" },
		{ "CANCELAR_REPARACION", "PAUSAR" },
		{ "COMPLETAR", "COMPLETAR" },
		{ "COMPLETAR_REPARACION", "COMPLETAR" },
		{ "STATE_CHANGE", "STATE_CHANGE" },
		{ "METROLOGIA_READY", "STATE_CHANGE" },
		{ "COMPLETAR_METROLOGIA", "STATE_CHANGE" },
		/* Unknown: never adds or removes a card. */
		{ "SUPERVISOR_OVERRIDE", "STATE_CHANGE" },
		{ "tomar", "STATE_CHANGE" },
		{ "", "STATE_CHANGE" },
		{ NULL, "STATE_CHANGE" },
	};
	size_t	i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++)
		assert_string_equal(occ_event_board_type(cases[i].event_type),
		    cases[i].type);
}

static void
test_iso_timestamp(void **state)
{
	char	buf[ISO_TIMESTAMP_LEN];

	(void)state;
	/* Summer (-03:00) and winter (-04:00) in America/Santiago. */
	assert_int_equal(occ_event_iso_timestamp("03-02-2026 17:57:00", buf),
	    0);
	assert_string_equal(buf, "2026-02-03T17:57:00-03:00");
	assert_int_equal(occ_event_iso_timestamp("15-07-2026 08:05:09", buf),
	    0);
	assert_string_equal(buf, "2026-07-15T08:05:09-04:00");
	/* The day the browser would read as 28th month: still right. */
	assert_int_equal(occ_event_iso_timestamp("28-01-2026 10:00:00", buf),
	    0);
	assert_string_equal(buf, "2026-01-28T10:00:00-03:00");
	assert_int_equal(occ_event_iso_timestamp("", buf), -1);
	assert_int_equal(occ_event_iso_timestamp("N/A", buf), -1);
	assert_int_equal(occ_event_iso_timestamp("03-02-2026", buf), -1);
	assert_int_equal(occ_event_iso_timestamp("31-02-2026 10:00:00", buf),
	    -1);
}

static char *
written(const struct occ_event *ev)
{
	yajl_gen	 g = json_out_new();
	const char	*t;
	char		*s;
	size_t		 len;

	assert_non_null(g);
	occ_event_write(g, ev);
	t = json_out_text(g, &len);
	s = strndup(t, len);
	yajl_gen_free(g);
	assert_non_null(s);
	return (s);
}

static void
test_write(void **state)
{
	struct occ_event	 ev;
	char			*s;

	(void)state;
	memset(&ev, 0, sizeof(ev));
	ev.event_type = "PAUSAR_REPARACION";
	snprintf(ev.tag_spool, sizeof(ev.tag_spool), "MK-1");
	snprintf(ev.worker_nombre, sizeof(ev.worker_nombre), "MR(93)");
	ev.worker_id = 93;
	ev.operacion = "REPARACION";
	snprintf(ev.estado_detalle, sizeof(ev.estado_detalle),
	    "REPARACION_PAUSADA (Ciclo 1/3)");
	snprintf(ev.timestamp, sizeof(ev.timestamp), "03-02-2026 17:57:00");
	s = written(&ev);
	assert_string_equal(s, "{\"event_type\":\"PAUSAR_REPARACION\","
	    "\"type\":\"PAUSAR\",\"tag_spool\":\"MK-1\","
	    "\"worker_nombre\":\"MR(93)\",\"worker\":\"MR(93)\","
	    "\"worker_id\":93,\"operacion\":\"REPARACION\","
	    "\"estado_detalle\":\"REPARACION_PAUSADA (Ciclo 1/3)\","
	    "\"timestamp\":\"2026-02-03T17:57:00-03:00\","
	    "\"timestamp_sheets\":\"03-02-2026 17:57:00\"}");
	free(s);

	/* No worker, no readable time: null, never a string Date misreads. */
	memset(&ev, 0, sizeof(ev));
	ev.event_type = "STATE_CHANGE";
	snprintf(ev.tag_spool, sizeof(ev.tag_spool), "MK-2");
	s = written(&ev);
	assert_string_equal(s, "{\"event_type\":\"STATE_CHANGE\","
	    "\"type\":\"STATE_CHANGE\",\"tag_spool\":\"MK-2\","
	    "\"worker_nombre\":null,\"worker\":null,\"worker_id\":null,"
	    "\"operacion\":null,\"estado_detalle\":\"\",\"timestamp\":null,"
	    "\"timestamp_sheets\":\"\"}");
	free(s);
}

static int
setup(void **state)
{
	char	err[128];

	(void)state;
	return (zone_init(NULL, err, sizeof(err)));
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_board_type),
		cmocka_unit_test(test_iso_timestamp),
		cmocka_unit_test(test_write),
	};

	return (cmocka_run_group_tests(tests, setup, NULL));
}
