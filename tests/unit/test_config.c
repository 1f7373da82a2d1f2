/*
 * Unit tests for lib/config/config.c: defaults, every integer setting's range and
 * unit, words, LOG_LEVEL, ALLOWED_ORIGINS, REDIS_URL, the one-line errors
 * naming the variable, and the worker budget arithmetic of
 * config_worker_command_share().  The environment is a fake getenv over a
 * table of NAME=value strings.
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

/* The fake environment: NULL-terminated "NAME=value" strings. */
static const char *const	*fake_env;

static const char *
fake_getenv(const char *name)
{
	size_t	i, n = strlen(name);

	if (fake_env == NULL)
		return (NULL);
	for (i = 0; fake_env[i] != NULL; i++) {
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

/* Loads with one variable set; the load must fail and name it. */
static void
expect_refused(const char *name, const char *value)
{
	struct zeues_config	cfg;
	char			var[1024], err[256];
	const char		*env[2];

	snprintf(var, sizeof(var), "%s=%s", name, value);
	env[0] = var;
	env[1] = NULL;
	if (load(env, &cfg, err, sizeof(err)) != -1)
		fail_msg("%s='%s' was accepted", name, value);
	if (strncmp(err, name, strlen(name)) != 0)
		fail_msg("%s='%s': error does not start with the name: %s",
		    name, value, err);
	if (strchr(err, '\n') != NULL || strchr(err, '\r') != NULL)
		fail_msg("%s='%s': error is not one line: %s", name, value,
		    err);
}

static void
test_defaults(void **state)
{
	struct zeues_config	cfg;
	char			err[256];

	(void)state;
	assert_int_equal(load(NULL, &cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg.environment, "development");
	assert_string_equal(cfg.instance, "main");
	assert_int_equal(cfg.log_level, LOG_LEVEL_INFO);
	assert_int_equal(cfg.port, 8000);
	assert_int_equal(cfg.workers, 2);
	assert_string_equal(cfg.redis.host, "127.0.0.1");
	assert_int_equal(cfg.redis.port, 6379);
	assert_int_equal(cfg.redis.db, 0);
	assert_string_equal(cfg.redis.password, "");
	assert_int_equal(cfg.redis_budget, 20);
	assert_int_equal(cfg.redis_socket_timeout_ms, 5000);
	assert_int_equal(cfg.redis_connect_timeout_ms, 5000);
	assert_int_equal(cfg.redis_health_interval_ms, 30000);
	assert_int_equal(cfg.redis_idle_timeout_ms, 60000);
	assert_int_equal(cfg.redis_grow_depth, 64);
	assert_int_equal(cfg.redis_wait_queue_max, 1024);
	assert_int_equal(cfg.request_deadline_ms, 10000);
	assert_int_equal(cfg.max_body_bytes, 65536);
	assert_int_equal(cfg.norigins, 1);
	assert_string_equal(cfg.origins[0], "http://localhost:3000");
}

/* Every setting read from the environment, seconds turned into ms. */
static void
test_all_set(void **state)
{
	static const char *const env[] = {
		"ENVIRONMENT=production",
		"INSTANCE_NAME=zeues-main.2_b",
		"LOG_LEVEL=DEBUG",
		"PORT=8443",
		"WORKERS=4",
		"REDIS_URL=redis://:pw@cache.internal:6380/3",
		"REDIS_POOL_MAX_CONNECTIONS=40",
		"REDIS_SOCKET_TIMEOUT=7",
		"REDIS_SOCKET_CONNECT_TIMEOUT=3",
		"REDIS_HEALTH_CHECK_INTERVAL=15",
		"REDIS_POOL_IDLE_TIMEOUT=120",
		"REDIS_POOL_GROW_DEPTH=8",
		"REDIS_POOL_WAIT_QUEUE=99",
		"REQUEST_DEADLINE_MS=2500",
		"MAX_BODY_BYTES=1024",
		"ALLOWED_ORIGINS=https://a.example, http://b.example:8080 ,*",
		NULL,
	};
	struct zeues_config	cfg;
	char			err[256];

	(void)state;
	if (load(env, &cfg, err, sizeof(err)) != 0)
		fail_msg("refused: %s", err);
	assert_string_equal(cfg.environment, "production");
	assert_string_equal(cfg.instance, "zeues-main.2_b");
	assert_int_equal(cfg.log_level, LOG_LEVEL_DEBUG);
	assert_int_equal(cfg.port, 8443);
	assert_int_equal(cfg.workers, 4);
	assert_string_equal(cfg.redis.host, "cache.internal");
	assert_int_equal(cfg.redis.port, 6380);
	assert_int_equal(cfg.redis.db, 3);
	assert_string_equal(cfg.redis.password, "pw");
	assert_int_equal(cfg.redis_budget, 40);
	assert_int_equal(cfg.redis_socket_timeout_ms, 7000);
	assert_int_equal(cfg.redis_connect_timeout_ms, 3000);
	assert_int_equal(cfg.redis_health_interval_ms, 15000);
	assert_int_equal(cfg.redis_idle_timeout_ms, 120000);
	assert_int_equal(cfg.redis_grow_depth, 8);
	assert_int_equal(cfg.redis_wait_queue_max, 99);
	assert_int_equal(cfg.request_deadline_ms, 2500);
	assert_int_equal(cfg.max_body_bytes, 1024);
	assert_int_equal(cfg.norigins, 3);
	assert_string_equal(cfg.origins[0], "https://a.example");
	assert_string_equal(cfg.origins[1], "http://b.example:8080");
	assert_string_equal(cfg.origins[2], "*");
}

/* Each integer setting: both ends of its range load, one past each fails. */
static void
test_int_ranges(void **state)
{
	static const struct {
		const char	*name;
		long		 min, max;
		long		 scale;
		size_t		 off;
	} cases[] = {
		{ "PORT", 1, 65535, 1,
		    offsetof(struct zeues_config, port) },
		{ "WORKERS", 1, 64, 1,
		    offsetof(struct zeues_config, workers) },
		{ "REDIS_SOCKET_TIMEOUT", 1, 300, 1000,
		    offsetof(struct zeues_config, redis_socket_timeout_ms) },
		{ "REDIS_SOCKET_CONNECT_TIMEOUT", 1, 300, 1000,
		    offsetof(struct zeues_config, redis_connect_timeout_ms) },
		{ "REDIS_HEALTH_CHECK_INTERVAL", 1, 3600, 1000,
		    offsetof(struct zeues_config, redis_health_interval_ms) },
		{ "REDIS_POOL_IDLE_TIMEOUT", 1, 86400, 1000,
		    offsetof(struct zeues_config, redis_idle_timeout_ms) },
		{ "REDIS_POOL_GROW_DEPTH", 1, 100000, 1,
		    offsetof(struct zeues_config, redis_grow_depth) },
		{ "REDIS_POOL_WAIT_QUEUE", 1, 1000000, 1,
		    offsetof(struct zeues_config, redis_wait_queue_max) },
		{ "REQUEST_DEADLINE_MS", 100, 600000, 1,
		    offsetof(struct zeues_config, request_deadline_ms) },
	};
	struct zeues_config	cfg;
	char			var[128], err[256], num[32];
	const char		*env[3];
	long			ends[2];
	size_t			i, j;
	int			got;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		ends[0] = cases[i].min;
		ends[1] = cases[i].max;
		for (j = 0; j < 2; j++) {
			snprintf(var, sizeof(var), "%s=%ld", cases[i].name,
			    ends[j]);
			env[0] = var;
			/* Budget enough for 64 workers. */
			env[1] = "REDIS_POOL_MAX_CONNECTIONS=1000";
			env[2] = NULL;
			if (load(env, &cfg, err, sizeof(err)) != 0)
				fail_msg("%s refused: %s", var, err);
			memcpy(&got, (char *)&cfg + cases[i].off, sizeof(got));
			if (got != ends[j] * cases[i].scale)
				fail_msg("%s gave %d", var, got);
		}
		snprintf(num, sizeof(num), "%ld", cases[i].min - 1);
		expect_refused(cases[i].name, num);
		snprintf(num, sizeof(num), "%ld", cases[i].max + 1);
		expect_refused(cases[i].name, num);
	}

	/* MAX_BODY_BYTES is a size_t and REDIS_POOL_MAX_CONNECTIONS needs
	 * a worker to fit, so both are checked on their own. */
	expect_refused("MAX_BODY_BYTES", "255");
	expect_refused("MAX_BODY_BYTES", "1048577");
	env[0] = "MAX_BODY_BYTES=1048576";
	env[1] = NULL;
	assert_int_equal(load(env, &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.max_body_bytes, 1048576);
	env[0] = "MAX_BODY_BYTES=256";
	assert_int_equal(load(env, &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.max_body_bytes, 256);

	expect_refused("REDIS_POOL_MAX_CONNECTIONS", "1");
	expect_refused("REDIS_POOL_MAX_CONNECTIONS", "10001");
	env[0] = "REDIS_POOL_MAX_CONNECTIONS=10000";
	assert_int_equal(load(env, &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.redis_budget, 10000);
}

/* Anything but a plain decimal number is refused, never defaulted. */
static void
test_int_not_numbers(void **state)
{
	static const char *const bad[] = {
		"", " 8000", "8000 ", "80a", "0x50", "8e3", "80.0", "eighty",
		"-", "99999999999999999999999", "-99999999999999999999999",
		"\t8000", "8000\t",
	};
	size_t	i;

	(void)state;
	for (i = 0; i < NELEM(bad); i++)
		expect_refused("PORT", bad[i]);
}

static void
test_words(void **state)
{
	static const char *const bad[] = {
		"", "prod env", "prod/env", "prod;rm", "prod\"", "\xc3\xa9",
		"prod$", "-prod:1",
	};
	struct zeues_config	cfg;
	char			err[256];
	const char		*env[2];
	size_t			i;

	(void)state;
	for (i = 0; i < NELEM(bad); i++) {
		expect_refused("ENVIRONMENT", bad[i]);
		expect_refused("INSTANCE_NAME", bad[i]);
	}
	/* 31 characters fit ENVIRONMENT, 32 do not. */
	env[0] = "ENVIRONMENT=abcdefghijklmnopqrstuvwxyz-._01";
	env[1] = NULL;
	assert_int_equal(load(env, &cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg.environment, "abcdefghijklmnopqrstuvwxyz-._01");
	expect_refused("ENVIRONMENT", "abcdefghijklmnopqrstuvwxyz-._012");
	/* 47 characters fit INSTANCE_NAME, 48 do not. */
	env[0] = "INSTANCE_NAME=abcdefghijklmnopqrstuvwxyz0123456789"
	    "ABCDEFGHIJK";
	assert_int_equal(load(env, &cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg.instance,
	    "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJK");
	expect_refused("INSTANCE_NAME",
	    "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKL");
}

static void
test_log_level(void **state)
{
	static const struct {
		const char	*value;
		enum log_level	 level;
	} cases[] = {
		{ "error", LOG_LEVEL_ERROR }, { "ERROR", LOG_LEVEL_ERROR },
		{ "warning", LOG_LEVEL_WARNING }, { "Info", LOG_LEVEL_INFO },
		{ "debug", LOG_LEVEL_DEBUG },
	};
	static const char *const bad[] = {
		"", "warn", "trace", "info ", "critical", "3",
	};
	struct zeues_config	cfg;
	char			var[64], err[256];
	const char		*env[2];
	size_t			i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		snprintf(var, sizeof(var), "LOG_LEVEL=%s", cases[i].value);
		env[0] = var;
		env[1] = NULL;
		assert_int_equal(load(env, &cfg, err, sizeof(err)), 0);
		assert_int_equal(cfg.log_level, cases[i].level);
	}
	for (i = 0; i < NELEM(bad); i++)
		expect_refused("LOG_LEVEL", bad[i]);

	assert_string_equal(config_log_level_name(LOG_LEVEL_ERROR), "error");
	assert_string_equal(config_log_level_name(LOG_LEVEL_WARNING),
	    "warning");
	assert_string_equal(config_log_level_name(LOG_LEVEL_INFO), "info");
	assert_string_equal(config_log_level_name(LOG_LEVEL_DEBUG), "debug");
}

static void
test_origins(void **state)
{
	static const char *const bad[] = {
		"localhost:3000", "ftp://a.example", "http://", "https://",
		"http://a.example/", "http://a.example/path",
		"http://a example", "https://a.example?x=1", "HTTP://a.example",
		"http://ok.example,https://bad.example/x",
	};
	static const char *const env_many[] = {
		"ALLOWED_ORIGINS=http://a1,http://a2,http://a3,http://a4,"
		    "http://a5,http://a6,http://a7,http://a8,http://a9,"
		    "http://a10,http://a11,http://a12,http://a13,http://a14,"
		    "http://a15,http://a16",
		NULL,
	};
	static const char *const env_spaced[] = {
		"ALLOWED_ORIGINS=  http://[::1]:3000  ,, https://app.example ,",
		NULL,
	};
	struct zeues_config	cfg;
	char			err[256], big[32 + CONFIG_ORIGIN_LEN];
	const char		*env[2];
	size_t			i, pre;

	(void)state;
	for (i = 0; i < NELEM(bad); i++)
		expect_refused("ALLOWED_ORIGINS", bad[i]);

	/* Sixteen fit; a seventeenth is refused. */
	assert_int_equal(load(env_many, &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.norigins, CONFIG_ORIGINS_MAX);
	assert_string_equal(cfg.origins[0], "http://a1");
	assert_string_equal(cfg.origins[15], "http://a16");
	expect_refused("ALLOWED_ORIGINS", "http://a1,http://a2,http://a3,"
	    "http://a4,http://a5,http://a6,http://a7,http://a8,http://a9,"
	    "http://a10,http://a11,http://a12,http://a13,http://a14,"
	    "http://a15,http://a16,http://a17");

	/* Spaces around items and empty items are skipped. */
	assert_int_equal(load(env_spaced, &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.norigins, 2);
	assert_string_equal(cfg.origins[0], "http://[::1]:3000");
	assert_string_equal(cfg.origins[1], "https://app.example");

	/* An origin of CONFIG_ORIGIN_LEN - 1 characters fits, one more not. */
	pre = strlen("ALLOWED_ORIGINS=http://");
	memcpy(big, "ALLOWED_ORIGINS=http://", pre);
	memset(big + pre, 'a', CONFIG_ORIGIN_LEN - 1 - 7);
	big[pre + CONFIG_ORIGIN_LEN - 1 - 7] = '\0';
	env[0] = big;
	env[1] = NULL;
	assert_int_equal(load(env, &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.norigins, 1);
	assert_int_equal(strlen(cfg.origins[0]), CONFIG_ORIGIN_LEN - 1);
	memcpy(big + pre + CONFIG_ORIGIN_LEN - 1 - 7, "a", 2);
	expect_refused("ALLOWED_ORIGINS", big + strlen("ALLOWED_ORIGINS="));
}

static void
test_origin_allowed(void **state)
{
	static const char *const env_list[] = {
		"ALLOWED_ORIGINS=https://app.example,http://localhost:3000",
		NULL,
	};
	static const char *const env_any[] = {
		"ALLOWED_ORIGINS=https://app.example,*",
		NULL,
	};
	struct zeues_config	cfg;
	char			err[256];

	(void)state;
	assert_int_equal(load(env_list, &cfg, err, sizeof(err)), 0);
	assert_true(config_origin_allowed(&cfg, "https://app.example"));
	assert_true(config_origin_allowed(&cfg, "http://localhost:3000"));
	/* Exact match: no scheme, port or suffix games. */
	assert_false(config_origin_allowed(&cfg, "http://app.example"));
	assert_false(config_origin_allowed(&cfg, "https://app.example:443"));
	assert_false(config_origin_allowed(&cfg, "https://app.example.evil"));
	assert_false(config_origin_allowed(&cfg, "https://app.exampl"));
	assert_false(config_origin_allowed(&cfg, "http://localhost:3001"));
	assert_false(config_origin_allowed(&cfg, ""));

	assert_int_equal(load(env_any, &cfg, err, sizeof(err)), 0);
	assert_true(config_origin_allowed(&cfg, "https://anything.example"));
	assert_true(config_origin_allowed(&cfg, "null"));
}

static void
test_redis_url(void **state)
{
	static const char *const env_v6[] = {
		"REDIS_URL=redis://alice:s3cr3t@[::1]:6390/5",
		NULL,
	};
	static const char *const env_bad[] = {
		"REDIS_URL=redis://:s3cr3t@cache:99999/0",
		NULL,
	};
	struct zeues_config	cfg;
	char			err[256];

	(void)state;
	assert_int_equal(load(env_v6, &cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg.redis.host, "::1");
	assert_int_equal(cfg.redis.port, 6390);
	assert_int_equal(cfg.redis.db, 5);
	assert_string_equal(cfg.redis.username, "alice");
	assert_string_equal(cfg.redis.password, "s3cr3t");

	assert_int_equal(load(env_bad, &cfg, err, sizeof(err)), -1);
	assert_int_equal(strncmp(err, "REDIS_URL", 9), 0);
	assert_null(strstr(err, "s3cr3t"));
	expect_refused("REDIS_URL", "");
	expect_refused("REDIS_URL", "http://cache:6379");
	expect_refused("REDIS_URL", "redis://cache:6379/1024");
}

/*
 * Each worker needs 1 subscriber and at least 1 command connection; the
 * share is the most command connections every worker can have with the
 * whole server inside the budget.
 */
static void
test_command_share(void **state)
{
	static const struct {
		int	budget, workers, share;
	} cases[] = {
		{ 20, 2, 9 }, { 20, 10, 1 }, { 20, 11, -1 }, { 20, 1, 19 },
		{ 2, 1, 1 }, { 1, 1, -1 }, { 3, 2, -1 }, { 4, 2, 1 },
		{ 5, 2, 1 }, { 6, 2, 2 }, { 100, 8, 11 }, { 128, 64, 1 },
		{ 127, 64, -1 }, { 0, 1, -1 }, { 10, 0, -1 }, { -5, 2, -1 },
		{ 10, -1, -1 },
	};
	char	err[256];
	size_t	i;
	int	got;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		err[0] = '\0';
		got = config_worker_command_share(cases[i].budget,
		    cases[i].workers, err, sizeof(err));
		if (got != cases[i].share)
			fail_msg("budget %d workers %d: share %d, want %d",
			    cases[i].budget, cases[i].workers, got,
			    cases[i].share);
		if (got == -1 && err[0] == '\0')
			fail_msg("budget %d workers %d: no message",
			    cases[i].budget, cases[i].workers);
	}
}

/* The share is the largest that fits, for every budget and worker count. */
static void
test_command_share_fits(void **state)
{
	char	err[256];
	int	budget, workers, share;

	(void)state;
	for (budget = 2; budget <= 300; budget++) {
		for (workers = 1; workers <= 64; workers++) {
			share = config_worker_command_share(budget, workers,
			    err, sizeof(err));
			if (workers * 2 > budget) {
				assert_int_equal(share, -1);
				continue;
			}
			assert_true(share >= 1);
			/* Fits ... */
			assert_true(workers * (1 + share) <= budget);
			/* ... and one more each would not. */
			assert_true(workers * (2 + share) > budget);
		}
	}
}

static void
test_command_share_message(void **state)
{
	char	err[256];

	(void)state;
	assert_int_equal(config_worker_command_share(7, 4, err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "REDIS_POOL_MAX_CONNECTIONS=7"));
	assert_non_null(strstr(err, "WORKERS=4"));
	/* The arithmetic: 4 x (1 + 1) = 8 > 7. */
	assert_non_null(strstr(err, "4 x (1 + 1) = 8 > 7"));
	assert_null(strchr(err, '\n'));

	/* A small err buffer is truncated, not overrun. */
	memset(err, 'X', sizeof(err));
	assert_int_equal(config_worker_command_share(7, 4, err, 10), -1);
	assert_int_equal(strlen(err), 9);
	assert_int_equal(err[10], 'X');
}

/* config_load refuses what the budget cannot fit, naming both variables. */
static void
test_load_budget(void **state)
{
	static const char *const env_tight[] = {
		"WORKERS=11", "REDIS_POOL_MAX_CONNECTIONS=20", NULL,
	};
	static const char *const env_exact[] = {
		"WORKERS=10", "REDIS_POOL_MAX_CONNECTIONS=20", NULL,
	};
	struct zeues_config	cfg;
	char			err[256];

	(void)state;
	assert_int_equal(load(env_tight, &cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "REDIS_POOL_MAX_CONNECTIONS"));
	assert_non_null(strstr(err, "WORKERS=11"));
	assert_null(strchr(err, '\n'));

	assert_int_equal(load(env_exact, &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.workers, 10);
	assert_int_equal(cfg.redis_budget, 20);
}

/*
 * "Every bad value is refused with one line naming the variable": the
 * refused value is quoted in the message, so a value holding a line break
 * must not break the message into two lines (a forged log line).
 */
static void
test_error_one_line_for_any_value(void **state)
{
	(void)state;
	expect_refused("PORT", "80\nFAKE: injected");
	expect_refused("ENVIRONMENT", "prod\r\nFAKE: injected");
	expect_refused("LOG_LEVEL", "info\nFAKE: injected");
	expect_refused("ALLOWED_ORIGINS", "http://a\nFAKE: injected");
}

/* REQUIRE_LOCK_TOKEN: off unless asked, true/false/1/0, nothing else. */
static void
test_require_lock_token(void **state)
{
	static const struct {
		const char	*value;
		int		 want;
	} ok[] = {
		{ "true", 1 }, { "TRUE", 1 }, { "1", 1 },
		{ "false", 0 }, { "False", 0 }, { "0", 0 },
	};
	struct zeues_config	cfg;
	char			var[64], err[256];
	const char		*env[2] = { var, NULL };
	size_t			i;

	(void)state;
	assert_int_equal(load(NULL, &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.require_lock_token, 0);
	for (i = 0; i < NELEM(ok); i++) {
		snprintf(var, sizeof(var), "REQUIRE_LOCK_TOKEN=%s",
		    ok[i].value);
		assert_int_equal(load(env, &cfg, err, sizeof(err)), 0);
		assert_int_equal(cfg.require_lock_token, ok[i].want);
	}
	expect_refused("REQUIRE_LOCK_TOKEN", "yes");
	expect_refused("REQUIRE_LOCK_TOKEN", "");
	expect_refused("REQUIRE_LOCK_TOKEN", "true\nFAKE: injected");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_all_set),
		cmocka_unit_test(test_int_ranges),
		cmocka_unit_test(test_int_not_numbers),
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_log_level),
		cmocka_unit_test(test_origins),
		cmocka_unit_test(test_origin_allowed),
		cmocka_unit_test(test_redis_url),
		cmocka_unit_test(test_command_share),
		cmocka_unit_test(test_command_share_fits),
		cmocka_unit_test(test_command_share_message),
		cmocka_unit_test(test_load_budget),
		cmocka_unit_test(test_error_one_line_for_any_value),
		cmocka_unit_test(test_require_lock_token),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
