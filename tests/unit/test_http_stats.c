/*
 * Unit tests for lib/http/http_stats.c: route names, the status slots (each
 * listed status its own slot, everything else in the last "other" slot,
 * and back), and http_stats_count() filling the right counter and the
 * route's latency histogram.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "http_stats.h"
#include "nelem.h"

#define OTHER_SLOT	(HTTP_STATUS_SLOTS - 1)

/* The statuses the server answers with, each counted on its own. */
static const int	listed[] = {
	200, 204, 400, 401, 403, 404, 405, 409, 410, 413, 415, 422, 429,
	500, 503,
};

static void
test_route_names(void **state)
{
	static const struct {
		enum http_route	 route;
		const char	*name;
	} cases[] = {
		{ ROUTE_LIVEZ, "/livez" },
		{ ROUTE_READYZ, "/readyz" },
		{ ROUTE_HEALTH, "/api/health" },
		{ ROUTE_REDIS_HEALTH, "/api/redis-health" },
		{ ROUTE_REDIS_STATS, "/api/redis-connection-stats" },
		{ ROUTE_METRICS, "/metrics" },
		{ ROUTE_SSE, "/api/sse/stream" },
		{ ROUTE_WORKERS, "/api/workers" },
		{ ROUTE_TOMAR, "/api/occupation/tomar" },
		{ ROUTE_PAUSAR, "/api/occupation/pausar" },
		{ ROUTE_COMPLETAR, "/api/occupation/completar" },
		{ ROUTE_BATCH_TOMAR, "/api/occupation/batch-tomar" },
		{ ROUTE_STATUS, "/api/occupation/status" },
		{ ROUTE_SPOOLS_INICIAR, "/api/spools/iniciar" },
		{ ROUTE_SPOOLS_COMPLETAR, "/api/spools/completar" },
		{ ROUTE_HISTORY, "/api/history" },
		{ ROUTE_DASHBOARD, "/api/dashboard/occupied" },
		{ ROUTE_SPOOLS_CANCELAR, "/api/spools/cancelar" },
		{ ROUTE_WORKER_ROLES, "/api/workers/roles" },
		{ ROUTE_OPS, "/ops" },
		{ ROUTE_OPS_STATS, "/api/ops/stats" },
		{ ROUTE_UNIONES_DISPONIBLES, "/api/v4/uniones/disponibles" },
		{ ROUTE_UNIONES_METRICAS, "/api/v4/uniones/metricas" },
		{ ROUTE_DIAGNOSTIC_VERSION, "/api/diagnostic/version" },
		{ ROUTE_V4_INICIAR, "/api/v4/occupation/iniciar" },
		{ ROUTE_V4_FINALIZAR, "/api/v4/occupation/finalizar" },
		{ ROUTE_METROLOGIA, "/api/metrologia/completar" },
		{ ROUTE_TOMAR_REPARACION, "/api/tomar-reparacion" },
		{ ROUTE_PAUSAR_REPARACION, "/api/pausar-reparacion" },
		{ ROUTE_COMPLETAR_REPARACION, "/api/completar-reparacion" },
		{ ROUTE_CANCELAR_REPARACION, "/api/cancelar-reparacion" },
		{ ROUTE_SPOOLS_REPARACION, "/api/spools/reparacion" },
		{ ROUTE_OTHER, "other" },
	};
	size_t	i;

	(void)state;
	assert_int_equal(NELEM(cases), ROUTE_MAX);
	for (i = 0; i < NELEM(cases); i++)
		assert_string_equal(http_route_name(cases[i].route),
		    cases[i].name);
	assert_string_equal(http_route_name(ROUTE_MAX), "other");
	assert_string_equal(http_route_name((enum http_route)1000), "other");
}

/* Each listed status has its own slot, and the slot maps back to it. */
static void
test_listed_statuses(void **state)
{
	int	seen[HTTP_STATUS_SLOTS];
	size_t	i;
	int	slot;

	(void)state;
	assert_int_equal(NELEM(listed), HTTP_STATUS_SLOTS - 1);
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < NELEM(listed); i++) {
		slot = http_status_slot(listed[i]);
		assert_in_range(slot, 0, OTHER_SLOT - 1);
		if (seen[slot]++)
			fail_msg("status %d shares slot %d", listed[i], slot);
		assert_int_equal(http_slot_status(slot), listed[i]);
	}
}

static void
test_other_statuses(void **state)
{
	static const int	others[] = {
		0, -1, 100, 101, 201, 202, 206, 301, 302, 304, 402, 406, 408,
		411, 418, 421, 451, 501, 502, 504, 599, 600, 99999,
	};
	size_t	i;

	(void)state;
	for (i = 0; i < NELEM(others); i++) {
		if (http_status_slot(others[i]) != OTHER_SLOT)
			fail_msg("status %d in slot %d", others[i],
			    http_status_slot(others[i]));
	}
	/* The catch-all slot, and anything out of range, stand for 0. */
	assert_int_equal(http_slot_status(OTHER_SLOT), 0);
	assert_int_equal(http_slot_status(HTTP_STATUS_SLOTS), 0);
	assert_int_equal(http_slot_status(-1), 0);
	assert_int_equal(http_slot_status(1000), 0);
}

static void
test_count(void **state)
{
	struct http_stats	s;
	int			r, slot;

	(void)state;
	memset(&s, 0, sizeof(s));
	http_stats_count(&s, ROUTE_HEALTH, 200, 150);
	http_stats_count(&s, ROUTE_HEALTH, 200, 90);
	http_stats_count(&s, ROUTE_HEALTH, 503, 7000);
	http_stats_count(&s, ROUTE_READYZ, 418, 10);
	http_stats_count(&s, ROUTE_OTHER, 404, 20);

	assert_int_equal(s.requests[ROUTE_HEALTH][http_status_slot(200)], 2);
	assert_int_equal(s.requests[ROUTE_HEALTH][http_status_slot(503)], 1);
	assert_int_equal(s.requests[ROUTE_READYZ][OTHER_SLOT], 1);
	assert_int_equal(s.requests[ROUTE_OTHER][http_status_slot(404)], 1);

	/* Nothing else was touched. */
	for (r = 0; r < ROUTE_MAX; r++) {
		for (slot = 0; slot < HTTP_STATUS_SLOTS; slot++) {
			if ((r == ROUTE_HEALTH &&
			    (slot == http_status_slot(200) ||
			    slot == http_status_slot(503))) ||
			    (r == ROUTE_READYZ && slot == OTHER_SLOT) ||
			    (r == ROUTE_OTHER &&
			    slot == http_status_slot(404)))
				continue;
			if (s.requests[r][slot] != 0)
				fail_msg("route %d slot %d: %llu", r, slot,
				    (unsigned long long)s.requests[r][slot]);
		}
	}

	/* The latency goes to the route's histogram. */
	assert_int_equal(s.latency[ROUTE_HEALTH].count, 3);
	assert_int_equal(s.latency[ROUTE_HEALTH].sum_us, 150 + 90 + 7000);
	/* 90 us, 150 us, 7000 us */
	assert_int_equal(s.latency[ROUTE_HEALTH].buckets[0], 1);
	assert_int_equal(s.latency[ROUTE_HEALTH].buckets[1], 1);
	assert_int_equal(s.latency[ROUTE_HEALTH].buckets[5], 1);
	assert_int_equal(s.latency[ROUTE_READYZ].count, 1);
	assert_int_equal(s.latency[ROUTE_OTHER].count, 1);
	assert_int_equal(s.latency[ROUTE_LIVEZ].count, 0);
	assert_int_equal(s.latency[ROUTE_METRICS].count, 0);
}

/* A route out of range is counted as ROUTE_OTHER, not out of bounds. */
static void
test_count_bad_route(void **state)
{
	struct http_stats	s;

	(void)state;
	memset(&s, 0, sizeof(s));
	http_stats_count(&s, ROUTE_MAX, 200, 5);
	http_stats_count(&s, (enum http_route)77, 404, 5);
	assert_int_equal(s.requests[ROUTE_OTHER][http_status_slot(200)], 1);
	assert_int_equal(s.requests[ROUTE_OTHER][http_status_slot(404)], 1);
	assert_int_equal(s.latency[ROUTE_OTHER].count, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_route_names),
		cmocka_unit_test(test_listed_statuses),
		cmocka_unit_test(test_other_statuses),
		cmocka_unit_test(test_count),
		cmocka_unit_test(test_count_bad_route),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
