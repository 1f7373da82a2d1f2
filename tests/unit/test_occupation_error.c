/*
 * Unit tests for lib/floor/occupation_error.c: every code of api.md §1 with its
 * status and Retry-After, agreement with api_error.c on the codes both
 * have (status, Retry-After and the very bytes of the body), and no code
 * without a status.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "api_error.h"
#include "json_out.h"
#include "nelem.h"
#include "occupation_error.h"

static const struct {
	enum occ_error	 e;
	int		 status;
	const char	*code;
	int		 retry;		/* -1: must be > 0 */
} table[] = {
	{ OCC_ERR_DEPENDENCIAS_NO_SATISFECHAS, 400,
	    "DEPENDENCIAS_NO_SATISFECHAS", 0 },
	{ OCC_ERR_INVALID_STATE_TRANSITION, 400, "INVALID_STATE_TRANSITION",
	    0 },
	{ OCC_ERR_OPERACION_YA_COMPLETADA, 400, "OPERACION_YA_COMPLETADA", 0 },
	{ OCC_ERR_NO_AUTORIZADO, 403, "NO_AUTORIZADO", 0 },
	{ OCC_ERR_ROL_NO_AUTORIZADO, 403, "ROL_NO_AUTORIZADO", 0 },
	{ OCC_ERR_SPOOL_BLOQUEADO, 403, "SPOOL_BLOQUEADO", 0 },
	{ OCC_ERR_WORKER_INACTIVO, 403, "WORKER_INACTIVO", 0 },
	{ OCC_ERR_SPOOL_NO_ENCONTRADO, 404, "SPOOL_NO_ENCONTRADO", 0 },
	{ OCC_ERR_WORKER_NO_ENCONTRADO, 404, "WORKER_NO_ENCONTRADO", 0 },
	{ OCC_ERR_NOT_FOUND, 404, "NOT_FOUND", 0 },
	{ OCC_ERR_SPOOL_OCCUPIED, 409, "SPOOL_OCCUPIED", 0 },
	{ OCC_ERR_WRONG_VERSION, 400, "WRONG_VERSION", 0 },
	{ OCC_ERR_ARM_PREREQUISITE, 403, "ARM_PREREQUISITE", 0 },
	{ OCC_ERR_RACE_CONDITION, 409, "RACE_CONDITION", 0 },
	{ OCC_ERR_LOCK_EXPIRED, 410, "LOCK_EXPIRED", 0 },
	{ OCC_ERR_PAYLOAD_TOO_LARGE, 413, "PAYLOAD_TOO_LARGE", 0 },
	{ OCC_ERR_UNSUPPORTED_MEDIA_TYPE, 415, "UNSUPPORTED_MEDIA_TYPE", 0 },
	{ OCC_ERR_VALIDATION, 422, "VALIDATION_ERROR", 0 },
	{ OCC_ERR_RATE_LIMITED, 429, "RATE_LIMITED", -1 },
	{ OCC_ERR_REDIS_UNAVAILABLE, 503, "REDIS_UNAVAILABLE", -1 },
	{ OCC_ERR_SHEETS_UNAVAILABLE, 503, "SHEETS_UNAVAILABLE", -1 },
	{ OCC_ERR_OVERLOADED, 503, "OVERLOADED", -1 },
	{ OCC_ERR_INTERNAL, 500, "INTERNAL_ERROR", 0 },
};

/* The codes api_error.h already has. */
static const struct {
	enum occ_error	e;
	enum api_error	a;
} shared[] = {
	{ OCC_ERR_NOT_FOUND, API_ERR_NOT_FOUND },
	{ OCC_ERR_PAYLOAD_TOO_LARGE, API_ERR_PAYLOAD_TOO_LARGE },
	{ OCC_ERR_UNSUPPORTED_MEDIA_TYPE, API_ERR_UNSUPPORTED_MEDIA_TYPE },
	{ OCC_ERR_VALIDATION, API_ERR_VALIDATION },
	{ OCC_ERR_RATE_LIMITED, API_ERR_RATE_LIMITED },
	{ OCC_ERR_REDIS_UNAVAILABLE, API_ERR_REDIS_UNAVAILABLE },
	{ OCC_ERR_SHEETS_UNAVAILABLE, API_ERR_SHEETS_UNAVAILABLE },
	{ OCC_ERR_OVERLOADED, API_ERR_OVERLOADED },
	{ OCC_ERR_INTERNAL, API_ERR_INTERNAL },
};

static void
test_table(void **state)
{
	size_t	i, j;

	(void)state;
	assert_int_equal(NELEM(table), OCC_ERR_COUNT);
	for (i = 0; i < NELEM(table); i++) {
		assert_int_equal(occ_error_status(table[i].e), table[i].status);
		assert_string_equal(occ_error_code(table[i].e), table[i].code);
		if (table[i].retry < 0)
			assert_true(occ_error_retry_after(table[i].e) > 0);
		else
			assert_int_equal(occ_error_retry_after(table[i].e), 0);
		for (j = 0; j < i; j++)
			assert_string_not_equal(table[j].code, table[i].code);
	}
	assert_int_equal(occ_error_status(OCC_ERR_COUNT), 500);
	assert_int_equal(occ_error_status((enum occ_error)-1), 500);
	assert_string_equal(occ_error_code(OCC_ERR_COUNT), "INTERNAL_ERROR");
	assert_int_equal(occ_error_retry_after(OCC_ERR_COUNT), 0);
}

static void
data_fn(yajl_gen g, void *arg)
{
	json_kstr(g, "tag_spool", arg);
	json_kint(g, "owner_id", 93);
}

static char *
body(int occ, int code, void (*fn)(yajl_gen, void *), void *arg)
{
	yajl_gen	 g = json_out_new();
	const char	*t;
	char		*s;
	size_t		 len;

	assert_non_null(g);
	if (occ)
		occ_error_write(g, (enum occ_error)code, "Texto á \"x\"",
		    fn, arg);
	else
		api_error_write(g, (enum api_error)code, "Texto á \"x\"",
		    fn, arg);
	t = json_out_text(g, &len);
	s = strndup(t, len);
	assert_non_null(s);
	yajl_gen_free(g);
	return (s);
}

static void
test_same_as_api_error(void **state)
{
	char	*a, *b;
	size_t	 i;

	(void)state;
	for (i = 0; i < NELEM(shared); i++) {
		assert_int_equal(occ_error_status(shared[i].e),
		    api_error_status(shared[i].a));
		assert_string_equal(occ_error_code(shared[i].e),
		    api_error_code(shared[i].a));
		assert_int_equal(occ_error_retry_after(shared[i].e),
		    api_error_retry_after(shared[i].a));
		a = body(1, shared[i].e, NULL, NULL);
		b = body(0, shared[i].a, NULL, NULL);
		assert_string_equal(a, b);
		free(a);
		free(b);
		a = body(1, shared[i].e, data_fn, "MK-1");
		b = body(0, shared[i].a, data_fn, "MK-1");
		assert_string_equal(a, b);
		free(a);
		free(b);
	}
}

static void
test_body(void **state)
{
	char	*s;

	(void)state;
	s = body(1, OCC_ERR_SPOOL_OCCUPIED, data_fn, "MK-1");
	assert_string_equal(s, "{\"detail\":\"Texto á \\\"x\\\"\","
	    "\"error\":\"SPOOL_OCCUPIED\",\"message\":\"Texto á "
	    "\\\"x\\\"\",\"success\":false,\"data\":{\"tag_spool\":\"MK-1\","
	    "\"owner_id\":93}}");
	free(s);
	s = body(1, OCC_ERR_LOCK_EXPIRED, NULL, NULL);
	assert_non_null(strstr(s, "\"error\":\"LOCK_EXPIRED\""));
	assert_non_null(strstr(s, "\"data\":null"));
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_same_as_api_error),
		cmocka_unit_test(test_body),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
