/*
 * Unit tests for lib/base/secret_url.c: https:// anywhere, plain http:// only
 * to a loopback host (127.0.0.0/8, ::1, localhost), and nothing that
 * merely looks like one (userinfo, look-alike names, other schemes).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "nelem.h"
#include "secret_url.h"

static void
test_allowed(void **state)
{
	static const char	*urls[] = {
		"https://sheets.googleapis.com",
		"https://oauth2.googleapis.com/token",
		"HTTPS://example.com:8443/x",
		"http://127.0.0.1:8085/token",
		"http://127.0.0.1",
		"http://127.1.2.3:9/x?y#z",
		"http://localhost:8085",
		"http://LocalHost/token",
		"http://[::1]:8085/token",
		"http://[::1]",
		"http://user:pw@127.0.0.1:1/x",
		"http://evil.example@127.0.0.1/",
	};
	size_t			 i;

	(void)state;
	for (i = 0; i < NELEM(urls); i++) {
		if (!secret_url_allowed(urls[i]))
			fail_msg("refused %s", urls[i]);
	}
}

static void
test_refused(void **state)
{
	static const char	*urls[] = {
		"http://sheets.googleapis.com",
		"http://oauth2.googleapis.com/token",
		"http://10.0.0.5:8085/token",
		"http://128.0.0.1/",
		"http://0.0.0.0:8085",
		"http://localhost.evil.example/",
		"http://127.0.0.1.evil.example/",
		"http://evil.example/127.0.0.1",
		"http://evil.example?127.0.0.1",
		"http://127.0.0.1@evil.example/",
		"http://[::2]:8085",
		"http://[::1]evil/",
		"http://[::1",
		"http://::1/",
		"http://",
		"http:///token",
		"ftp://127.0.0.1/",
		"127.0.0.1",
		"",
	};
	size_t			 i;

	(void)state;
	for (i = 0; i < NELEM(urls); i++) {
		if (secret_url_allowed(urls[i]))
			fail_msg("allowed %s", urls[i]);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_allowed),
		cmocka_unit_test(test_refused),
	};

	return (cmocka_run_group_tests_name("secret_url", tests, NULL, NULL));
}
