/*
 * Unit tests for the Sentinel settings of lib/config/config.c:
 * REDIS_SENTINELS, REDIS_SENTINEL_MASTER and REDIS_SENTINEL_PASSWORD come
 * together or not at all, bad values are refused at start-up with one line
 * naming the variable (never quoting the password), and the worker's
 * Sentinel connection is carried by REDIS_POOL_MAX_CONNECTIONS
 * (config_worker_redis_share).
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

static void
test_without_sentinels(void **state)
{
	static const char *const env[] = { NULL };
	struct zeues_config	 cfg;
	char			 err[256];

	(void)state;
	assert_int_equal(load(env, &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.nsentinels, 0);
	/* 20 over 2 workers: 1 subscriber + 9 commands each, as before. */
	assert_int_equal(config_worker_redis_share(&cfg, err, sizeof(err)), 9);
}

static void
test_with_sentinels(void **state)
{
	static const char *const env[] = {
		"REDIS_SENTINELS=127.0.0.1:26391, 127.0.0.1:26392,[::1]:26393",
		"REDIS_SENTINEL_MASTER=zeues",
		"REDIS_SENTINEL_PASSWORD=s3cret",
		"REDIS_URL=redis://:pw@ignored:1/3",
		NULL
	};
	struct zeues_config	 cfg;
	char			 err[256];

	(void)state;
	assert_int_equal(load(env, &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.nsentinels, 3);
	assert_string_equal(cfg.sentinels[2].host, "::1");
	assert_int_equal(cfg.sentinels[2].port, 26393);
	assert_string_equal(cfg.sentinel_master, "zeues");
	assert_string_equal(cfg.sentinel_password, "s3cret");
	/* REDIS_URL still gives the password and the database. */
	assert_string_equal(cfg.redis.password, "pw");
	assert_int_equal(cfg.redis.db, 3);
	/* 1 subscriber + 1 Sentinel + 8 commands each. */
	assert_int_equal(config_worker_redis_share(&cfg, err, sizeof(err)), 8);
}

static void
test_refused(void **state)
{
	static const struct {
		const char	*env[4];
		const char	*word;		/* the error names it */
	} cases[] = {
		{ { "REDIS_SENTINEL_MASTER=zeues", NULL },
		    "need REDIS_SENTINELS" },
		{ { "REDIS_SENTINEL_PASSWORD=x", NULL },
		    "need REDIS_SENTINELS" },
		{ { "REDIS_SENTINELS=127.0.0.1:26379", NULL },
		    "REDIS_SENTINEL_MASTER" },
		{ { "REDIS_SENTINELS=127.0.0.1:26379",
		    "REDIS_SENTINEL_MASTER=", NULL }, "REDIS_SENTINEL_MASTER" },
		{ { "REDIS_SENTINELS=127.0.0.1:26379",
		    "REDIS_SENTINEL_MASTER=a b", NULL },
		    "REDIS_SENTINEL_MASTER" },
		{ { "REDIS_SENTINELS=127.0.0.1", "REDIS_SENTINEL_MASTER=m",
		    NULL }, "REDIS_SENTINELS" },
		{ { "REDIS_SENTINELS=h:1,h:1", "REDIS_SENTINEL_MASTER=m",
		    NULL }, "REDIS_SENTINELS" },
		{ { "REDIS_SENTINELS=h:1", "REDIS_SENTINEL_MASTER=m",
		    "REDIS_SENTINEL_PASSWORD=has space", NULL },
		    "REDIS_SENTINEL_PASSWORD" },
		/* 2 workers x (1 subscriber + 1 Sentinel + 1 command) > 5. */
		{ { "REDIS_SENTINELS=h:1", "REDIS_SENTINEL_MASTER=m",
		    "REDIS_POOL_MAX_CONNECTIONS=5", NULL }, "Sentinel" },
	};
	struct zeues_config	cfg;
	char			err[256];
	size_t			i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		if (load(cases[i].env, &cfg, err, sizeof(err)) != -1)
			fail_msg("case %zu accepted", i);
		if (strstr(err, cases[i].word) == NULL)
			fail_msg("case %zu: '%s' lacks '%s'", i, err,
			    cases[i].word);
		assert_null(strchr(err, '\n'));
		assert_null(strstr(err, "has space"));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_without_sentinels),
		cmocka_unit_test(test_with_sentinels),
		cmocka_unit_test(test_refused),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
