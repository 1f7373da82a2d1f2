/*
 * Unit tests for the edge settings of lib/config/config.c (issue 9): OPS_TOKEN,
 * ACCESS_LOG, LOG_FORMAT, and "*" in ALLOWED_ORIGINS told apart from a
 * listed origin.  Kept apart from test_config.c so each stays one concept.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "access_log.h"
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

static void
test_defaults(void **state)
{
	struct zeues_config	cfg;
	char			err[256];

	(void)state;
	assert_int_equal(load(NULL, &cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg.ops_token, "");
	assert_int_equal(cfg.access_log, 1);
	assert_int_equal(cfg.log_format, ACCESS_LOG_LOGFMT);
	assert_false(config_origins_wildcard(&cfg));
}

static void
test_values(void **state)
{
	const char		*env[] = { "OPS_TOKEN=ops-0123456789abcdef",
				    "ACCESS_LOG=off", "LOG_FORMAT=json",
				    "ALLOWED_ORIGINS=*,https://z.example",
				    NULL };
	const char		*on[] = { "ACCESS_LOG=stderr", "OPS_TOKEN=",
				    NULL };
	struct zeues_config	 cfg;
	char			 err[256];

	(void)state;
	assert_int_equal(load(env, &cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg.ops_token, "ops-0123456789abcdef");
	assert_int_equal(cfg.access_log, 0);
	assert_int_equal(cfg.log_format, ACCESS_LOG_JSON);
	assert_true(config_origins_wildcard(&cfg));
	assert_true(config_origin_allowed(&cfg, "https://evil.example"));
	assert_false(config_origin_listed(&cfg, "https://evil.example"));
	assert_true(config_origin_listed(&cfg, "https://z.example"));

	assert_int_equal(load(on, &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.access_log, 1);
	assert_string_equal(cfg.ops_token, "");
}

static void
test_refused(void **state)
{
	static const char	*bad[][2] = {
		{ "OPS_TOKEN=short-token", "OPS_TOKEN" },
		{ "OPS_TOKEN=has a space in the middle", "OPS_TOKEN" },
		{ "OPS_TOKEN=0123456789abcdef\x01", "OPS_TOKEN" },
		{ "ACCESS_LOG=syslog", "ACCESS_LOG" },
		{ "LOG_FORMAT=xml", "LOG_FORMAT" },
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
	/* A rejected token is a secret: the message does not quote it. */
	env[0] = "OPS_TOKEN=secret-short";
	assert_int_equal(load(env, &cfg, err, sizeof(err)), -1);
	assert_null(strstr(err, "secret-short"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_refused),
	};

	return (cmocka_run_group_tests_name("config_edge", tests, NULL, NULL));
}
