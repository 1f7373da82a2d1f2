/*
 * Unit tests for lib/redis/redis_url.c: redis://[[user]:password@]host[:port][/db]
 * with host names, IPv4 and bracketed IPv6, the limits of every part, the
 * errors (one line, never the password), scrubbing of the password on
 * failure, and the redacted form that logs see.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "nelem.h"
#include "redis_url.h"

#define SECRET		"Zs3cr3t"

static void
test_parse_good(void **state)
{
	static const struct {
		const char	*url;
		const char	*host;
		int		 port;
		int		 db;
		const char	*user;
		const char	*pass;
	} cases[] = {
		{ "redis://localhost", "localhost", 6379, 0, "", "" },
		{ "redis://127.0.0.1:6379/0", "127.0.0.1", 6379, 0, "", "" },
		{ "redis://cache.internal:6380", "cache.internal", 6380, 0,
		    "", "" },
		{ "redis://redis_1-a:1/1023", "redis_1-a", 1, 1023, "", "" },
		{ "redis://h:65535/7", "h", 65535, 7, "", "" },
		{ "redis://h/", "h", 6379, 0, "", "" },
		{ "redis://h:6379/", "h", 6379, 0, "", "" },
		{ "redis://h/12", "h", 6379, 12, "", "" },
		{ "redis://h:000006379/0", "h", 6379, 0, "", "" },
		{ "redis://:pw@h:1234/2", "h", 1234, 2, "", "pw" },
		{ "redis://alice:pw@h", "h", 6379, 0,
		    "alice", "pw" },
		/* The last '@' ends the password, which may hold @ : and /. */
		{ "redis://:p@ss:w/rd@h:6390/3", "h", 6390, 3, "",
		    "p@ss:w/rd" },
		{ "redis://bob:a:b@c@h", "h", 6379, 0, "bob", "a:b@c" },
		/* IPv6 only in brackets. */
		{ "redis://[::1]", "::1", 6379, 0, "", "" },
		{ "redis://[::1]:6390", "::1", 6390, 0, "", "" },
		{ "redis://[fe80::1:2]:7000/4", "fe80::1:2", 7000, 4, "", "" },
		{ "redis://[::1]/9", "::1", 6379, 9, "", "" },
		{ "redis://u:pw@[2001:db8::5]:6380/1", "2001:db8::5", 6380, 1,
		    "u", "pw" },
	};
	struct redis_url	u;
	char			err[256];
	size_t			i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		err[0] = '\0';
		if (redis_url_parse(cases[i].url, &u, err, sizeof(err)) != 0)
			fail_msg("%s refused: %s", cases[i].url, err);
		if (strcmp(u.host, cases[i].host) != 0 ||
		    u.port != cases[i].port || u.db != cases[i].db ||
		    strcmp(u.username, cases[i].user) != 0 ||
		    strcmp(u.password, cases[i].pass) != 0)
			fail_msg("%s: host '%s' port %d db %d user '%s' "
			    "pass '%s'", cases[i].url, u.host, u.port, u.db,
			    u.username, u.password);
	}
}

static void
test_parse_bad(void **state)
{
	static const struct {
		const char	*url;
		const char	*why;	/* a word the error must contain */
	} cases[] = {
		{ "", "empty" },
		{ "localhost:6379", "scheme" },
		{ "rediss://localhost", "scheme" },
		{ "http://localhost", "scheme" },
		{ "redis:/localhost", "scheme" },
		{ "redis://", "host" },
		{ "redis://:6379", "host" },
		{ "redis:///0", "host" },
		{ "redis://ho st", "space" },
		{ "redis://host\t:6379", "control" },
		{ "redis://host\n", "control" },
		{ "redis://host\x7f", "control" },
		{ "redis://ho!st", "host" },
		{ "redis://h%6Fst", "host" },
		{ "redis://host:", "port" },
		{ "redis://host:0", "port" },
		{ "redis://host:65536", "port" },
		{ "redis://host:-1", "port" },
		{ "redis://host:+80", "port" },
		{ "redis://host:80a", "port" },
		{ "redis://host:1234567890", "port" },
		{ "redis://host:6379:1", "port" },
		{ "redis://host/1024", "database" },
		{ "redis://host/-1", "database" },
		{ "redis://host/a", "database" },
		{ "redis://host/1/2", "database" },
		{ "redis://host/0?timeout=1", "database" },
		{ "redis://::1", "host" },
		{ "redis://::1:6379", "host" },
		{ "redis://[::1", "host" },
		{ "redis://[]:6379", "host" },
		{ "redis://[::1]6379", "host" },
		{ "redis://[::1]:", "port" },
		{ "redis://[::1]:70000", "port" },
		{ "redis://user@host", "':'" },
		{ "redis://:@host", "empty password" },
		{ "redis://user:@host", "empty password" },
	};
	struct redis_url	u;
	char			err[256];
	size_t			i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		err[0] = '\0';
		if (redis_url_parse(cases[i].url, &u, err, sizeof(err)) != -1)
			fail_msg("'%s' accepted", cases[i].url);
		if (strncmp(err, "REDIS_URL: ", 11) != 0)
			fail_msg("'%s': error '%s' does not name REDIS_URL",
			    cases[i].url, err);
		if (strstr(err, cases[i].why) == NULL)
			fail_msg("'%s': error '%s' does not say '%s'",
			    cases[i].url, err, cases[i].why);
		if (strchr(err, '\n') != NULL)
			fail_msg("'%s': error is not one line", cases[i].url);
	}
	assert_int_equal(redis_url_parse(NULL, &u, err, sizeof(err)), -1);
}

/* No error ever shows the password, and a failed parse leaves none behind. */
static void
test_errors_hide_password(void **state)
{
	static const char *const urls[] = {
		"redis://:" SECRET "@host:0",
		"redis://:" SECRET "@host:99999/0",
		"redis://:" SECRET "@host:6379/4096",
		"redis://:" SECRET "@host/x",
		"redis://:" SECRET "@",
		"redis://:" SECRET "@ho!st",
		"redis://:" SECRET "@[::1",
		"redis://u:" SECRET "@[::1]x",
		"redis://:" SECRET "@host:6379/0 ",
		"redis://" SECRET "@host",
	};
	struct redis_url	u;
	char			err[512];
	size_t			i, j;

	(void)state;
	for (i = 0; i < NELEM(urls); i++) {
		memset(&u, 0x55, sizeof(u));
		if (redis_url_parse(urls[i], &u, err, sizeof(err)) != -1)
			fail_msg("'%s' accepted", urls[i]);
		if (strstr(err, SECRET) != NULL || strstr(err, "s3cr") != NULL)
			fail_msg("'%s': error shows the password: %s",
			    urls[i], err);
		for (j = 0; j < sizeof(u.password); j++) {
			if (u.password[j] != '\0')
				fail_msg("'%s': password byte %zu left as "
				    "0x%02x", urls[i], j,
				    (unsigned char)u.password[j]);
		}
	}
}

static void
test_limits(void **state)
{
	struct redis_url	u;
	char			url[2048], err[256];
	int			n;

	(void)state;
	/* Host: REDIS_URL_HOST_MAX - 1 characters fit. */
	n = snprintf(url, sizeof(url), "redis://");
	memset(url + n, 'h', REDIS_URL_HOST_MAX - 1);
	strcpy(url + n + REDIS_URL_HOST_MAX - 1, ":6379");
	assert_int_equal(redis_url_parse(url, &u, err, sizeof(err)), 0);
	assert_int_equal(strlen(u.host), REDIS_URL_HOST_MAX - 1);
	memset(url + n, 'h', REDIS_URL_HOST_MAX);
	strcpy(url + n + REDIS_URL_HOST_MAX, ":6379");
	assert_int_equal(redis_url_parse(url, &u, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "host"));

	/* Username. */
	n = snprintf(url, sizeof(url), "redis://");
	memset(url + n, 'u', REDIS_URL_USER_MAX - 1);
	strcpy(url + n + REDIS_URL_USER_MAX - 1, ":pw@h");
	assert_int_equal(redis_url_parse(url, &u, err, sizeof(err)), 0);
	assert_int_equal(strlen(u.username), REDIS_URL_USER_MAX - 1);
	memset(url + n, 'u', REDIS_URL_USER_MAX);
	strcpy(url + n + REDIS_URL_USER_MAX, ":pw@h");
	assert_int_equal(redis_url_parse(url, &u, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "username too long"));

	/* Password: the error says so but does not show it. */
	n = snprintf(url, sizeof(url), "redis://:");
	memset(url + n, 'P', REDIS_URL_PASS_MAX - 1);
	strcpy(url + n + REDIS_URL_PASS_MAX - 1, "@h");
	assert_int_equal(redis_url_parse(url, &u, err, sizeof(err)), 0);
	assert_int_equal(strlen(u.password), REDIS_URL_PASS_MAX - 1);
	memset(url + n, 'P', REDIS_URL_PASS_MAX);
	strcpy(url + n + REDIS_URL_PASS_MAX, "@h");
	assert_int_equal(redis_url_parse(url, &u, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "password too long"));
	assert_null(strstr(err, "PPPP"));
	assert_int_equal(u.password[0], '\0');

	/* A short err buffer is truncated, never overrun. */
	memset(err, 'X', sizeof(err));
	assert_int_equal(redis_url_parse("nope", &u, err, 8), -1);
	assert_int_equal(strlen(err), 7);
	assert_int_equal(err[8], 'X');
}

static void
test_redacted(void **state)
{
	static const struct {
		const char	*url;
		const char	*redacted;
	} cases[] = {
		{ "redis://localhost", "redis://localhost:6379/0" },
		{ "redis://h:6380/2", "redis://h:6380/2" },
		{ "redis://:" SECRET "@h:6380/2", "redis://:***@h:6380/2" },
		{ "redis://alice:" SECRET "@h", "redis://alice:***@h:6379/0" },
		{ "redis://[::1]:6390/1", "redis://[::1]:6390/1" },
		{ "redis://:" SECRET "@[fe80::2]",
		    "redis://:***@[fe80::2]:6379/0" },
	};
	struct redis_url	u;
	char			err[256], buf[600];
	size_t			i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		assert_int_equal(redis_url_parse(cases[i].url, &u, err,
		    sizeof(err)), 0);
		redis_url_redacted(&u, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].redacted);
		assert_null(strstr(buf, SECRET));
	}

	/* Truncated to the buffer, always terminated. */
	assert_int_equal(redis_url_parse("redis://:" SECRET "@host:6379/0", &u,
	    err, sizeof(err)), 0);
	memset(buf, 'X', sizeof(buf));
	redis_url_redacted(&u, buf, 12);
	assert_string_equal(buf, "redis://:**");
	assert_int_equal(buf[12], 'X');
}

static void
test_clear(void **state)
{
	struct redis_url	u;
	char			err[256];
	size_t			i;

	(void)state;
	assert_int_equal(redis_url_parse("redis://bob:" SECRET "@h:6390/3", &u,
	    err, sizeof(err)), 0);
	assert_string_equal(u.password, SECRET);
	/* Fill the tail too: every byte must be scrubbed, not the first. */
	memset(u.password + strlen(u.password), 'Q',
	    sizeof(u.password) - strlen(u.password));
	redis_url_clear(&u);
	for (i = 0; i < sizeof(u.password); i++)
		assert_int_equal(u.password[i], '\0');
	/* The rest is still usable for logs. */
	assert_string_equal(u.host, "h");
	assert_string_equal(u.username, "bob");
	assert_int_equal(u.port, 6390);
	assert_int_equal(u.db, 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_errors_hide_password),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_redacted),
		cmocka_unit_test(test_clear),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
