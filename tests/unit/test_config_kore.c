/*
 * Unit tests for the settings lib/config/config.c reads for Kore and the
 * clock (issue 10): HTTP_KEEPALIVE_TIME, HTTP_HEADER_TIMEOUT,
 * HTTP_REQUEST_LIMIT, WORKER_MAX_CONNECTIONS, WORKER_NOFILES,
 * SECCOMP_TRACING and TIMEZONE, once passed to Kore and getenv() unchecked.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "nelem.h"

static const char *const	*fake_env;

static const char *
fake_getenv(const char *name)
{
	size_t	i, n = strlen(name);

	for (i = 0; fake_env != NULL && fake_env[i] != NULL; i++) {
		if (strncmp(fake_env[i], name, n) == 0 && fake_env[i][n] == '=')
			return (fake_env[i] + n + 1);
	}
	return (NULL);
}

static int
load(const char *const *env, struct zeues_config *cfg, char *err,
    size_t errlen)
{
	fake_env = env;
	err[0] = '\0';
	return (config_load(cfg, fake_getenv, err, errlen));
}

/* The values scripts/zeues-server used to render when unset. */
static void
test_defaults(void **state)
{
	struct zeues_config	cfg;
	char			err[256];

	(void)state;
	assert_int_equal(load(NULL, &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.http_keepalive_s, 20);
	assert_int_equal(cfg.http_header_timeout_s, 10);
	assert_int_equal(cfg.http_request_limit, 2048);
	assert_int_equal(cfg.worker_max_connections, 2048);
	assert_int_equal(cfg.worker_nofiles, 8192);
	assert_int_equal(cfg.seccomp_tracing, 0);
	assert_string_equal(cfg.timezone, "America/Santiago");
}

static void
test_values(void **state)
{
	const char		*env[] = { "HTTP_KEEPALIVE_TIME=0",
				    "HTTP_HEADER_TIMEOUT=2",
				    "HTTP_REQUEST_LIMIT=8192",
				    "WORKER_MAX_CONNECTIONS=400",
				    "WORKER_NOFILES=16384",
				    "SECCOMP_TRACING=yes", "TIMEZONE=UTC",
				    NULL };
	const char		*empty_zone[] = { "TIMEZONE=", NULL };
	struct zeues_config	 cfg;
	char			 err[256];

	(void)state;
	assert_int_equal(load(env, &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.http_keepalive_s, 0);
	assert_int_equal(cfg.http_header_timeout_s, 2);
	assert_int_equal(cfg.http_request_limit, 8192);
	assert_int_equal(cfg.worker_max_connections, 400);
	assert_int_equal(cfg.worker_nofiles, 16384);
	assert_int_equal(cfg.seccomp_tracing, 1);
	assert_string_equal(cfg.timezone, "UTC");
	/* An empty TIMEZONE is the default, as zone_init() always took it. */
	assert_int_equal(load(empty_zone, &cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg.timezone, "America/Santiago");
}

static void
test_refused(void **state)
{
	static const char	*bad[][2] = {
		{ "HTTP_KEEPALIVE_TIME=-1", "HTTP_KEEPALIVE_TIME" },
		{ "HTTP_KEEPALIVE_TIME=65536", "HTTP_KEEPALIVE_TIME" },
		{ "HTTP_HEADER_TIMEOUT=0", "HTTP_HEADER_TIMEOUT" },
		{ "HTTP_HEADER_TIMEOUT=ten", "HTTP_HEADER_TIMEOUT" },
		{ "HTTP_HEADER_TIMEOUT=10s", "HTTP_HEADER_TIMEOUT" },
		{ "HTTP_REQUEST_LIMIT=0", "HTTP_REQUEST_LIMIT" },
		{ "HTTP_REQUEST_LIMIT=4294967296", "HTTP_REQUEST_LIMIT" },
		{ "WORKER_MAX_CONNECTIONS=0", "WORKER_MAX_CONNECTIONS" },
		{ "WORKER_MAX_CONNECTIONS=", "WORKER_MAX_CONNECTIONS" },
		{ "WORKER_NOFILES=8", "WORKER_NOFILES" },
		{ "SECCOMP_TRACING=true", "SECCOMP_TRACING" },
		{ "SECCOMP_TRACING=YES", "SECCOMP_TRACING" },
		{ "TIMEZONE=Mars/Olympus_Mons", "TIMEZONE" },
		{ "TIMEZONE=../etc/passwd", "TIMEZONE" },
		{ "TIMEZONE=America/Santiago\nX", "TIMEZONE" },
	};
	struct zeues_config	 cfg;
	const char		*env[2] = { NULL, NULL };
	char			 err[256];
	size_t			 i;

	(void)state;
	for (i = 0; i < NELEM(bad); i++) {
		env[0] = bad[i][0];
		assert_int_equal(load(env, &cfg, err, sizeof(err)), -1);
		assert_int_equal(strncmp(err, bad[i][1], strlen(bad[i][1])),
		    0);
		assert_null(strchr(err, '\n'));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_refused),
	};

	return (cmocka_run_group_tests_name("config_kore", tests, NULL, NULL));
}
