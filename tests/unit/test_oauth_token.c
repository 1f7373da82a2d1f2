/*
 * Unit tests for lib/sheets/oauth_token.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "oauth_token.h"

static void
test_request_body(void **state)
{
	char	*body;

	(void)state;
	body = oauth_token_request_body("eyJh.eyJp.c2ln-_");
	assert_non_null(body);
	assert_string_equal(body, "grant_type=urn%3Aietf%3Aparams%3Aoauth%3A"
	    "grant-type%3Ajwt-bearer&assertion=eyJh.eyJp.c2ln-_");
	free(body);

	/* Anything outside the JWS alphabet is encoded, never passed. */
	body = oauth_token_request_body("a&b=c+d");
	assert_non_null(body);
	assert_non_null(strstr(body, "&assertion=a%26b%3Dc%2Bd"));
	free(body);
}

static void
test_parse_token(void **state)
{
	static const char	 ok[] = "{\n  \"access_token\": \"ya29.c.Abc-_\","
	    "\n  \"expires_in\": 3599,\n  \"token_type\": \"Bearer\"\n}\n";
	static const char	 mock[] = "{\"access_token\":\"test\","
	    "\"expires_in\":3600,\"scopes\":[\"a\",\"b\"]}";
	struct oauth_token	 tok;
	char			 err[128];

	(void)state;
	assert_int_equal(oauth_token_parse(ok, strlen(ok), &tok, err,
	    sizeof(err)), 0);
	assert_string_equal(tok.access_token, "ya29.c.Abc-_");
	assert_int_equal(tok.expires_in, 3599);
	oauth_token_clear(&tok);
	assert_null(tok.access_token);
	assert_int_equal(tok.expires_in, 0);
	oauth_token_clear(&tok);

	/* The mock form: no token_type, extra scopes. */
	assert_int_equal(oauth_token_parse(mock, strlen(mock), &tok, err,
	    sizeof(err)), 0);
	assert_int_equal(tok.expires_in, 3600);
	oauth_token_clear(&tok);
}

static void
assert_token_rejected(const char *body, const char *want)
{
	struct oauth_token	tok;
	char			err[128];

	assert_int_equal(oauth_token_parse(body, strlen(body), &tok, err,
	    sizeof(err)), -1);
	assert_null(tok.access_token);
	if (strstr(err, want) == NULL)
		fail_msg("error \"%s\" lacks \"%s\"", err, want);
}

static void
test_parse_token_rejects(void **state)
{
	(void)state;
	assert_token_rejected("{\"expires_in\":3599}", "\"access_token\"");
	assert_token_rejected("{\"access_token\":\"\",\"expires_in\":3599}",
	    "\"access_token\"");
	assert_token_rejected("{\"access_token\":\"x\"}",
	    "missing field \"expires_in\"");
	assert_token_rejected("{\"access_token\":\"x\",\"expires_in\":\"3599\""
	    "}", "\"expires_in\" must be an integer");
	assert_token_rejected("{\"access_token\":\"x\",\"expires_in\":35.5}",
	    "\"expires_in\" must be an integer");
	assert_token_rejected("{\"access_token\":\"x\",\"expires_in\":0}",
	    "out of range");
	assert_token_rejected("{\"access_token\":\"x\",\"expires_in\":"
	    "99999999999999999999}", "\"expires_in\"");
	assert_token_rejected("{\"access_token\":\"x\\r\\nX-Evil: 1\","
	    "\"expires_in\":3599}", "not allowed in a header");
	assert_token_rejected("{\"access_token\":\"x y\",\"expires_in\":3599}",
	    "not allowed in a header");
	assert_token_rejected("{\"access_token\":\"x\",\"expires_in\":3599,"
	    "\"token_type\":\"MAC\"}", "not Bearer");
	assert_token_rejected("<html>", "invalid JSON");
}

static void
test_parse_error(void **state)
{
	static const char	invalid_grant[] = "{\"error\":\"invalid_grant\","
	    "\"error_description\":\"Invalid JWT Signature.\"}";
	struct oauth_error	e;
	char			body[600];

	(void)state;
	assert_int_equal(oauth_error_parse(invalid_grant,
	    strlen(invalid_grant), &e), 0);
	assert_string_equal(e.error, "invalid_grant");
	assert_string_equal(e.description, "Invalid JWT Signature.");

	assert_int_equal(oauth_error_parse("{\"error\":\"invalid_client\"}",
	    26, &e), 0);
	assert_string_equal(e.error, "invalid_client");
	assert_string_equal(e.description, "");

	/* Control characters cannot forge log lines; long text is cut. */
	memset(body, 0, sizeof(body));
	strcpy(body, "{\"error\":\"a\\nb\",\"error_description\":\"");
	memset(body + strlen(body), 'x', 400);
	strcat(body, "\"}");
	assert_int_equal(oauth_error_parse(body, strlen(body), &e), 0);
	assert_string_equal(e.error, "a?b");
	assert_int_equal(strlen(e.description), sizeof(e.description) - 1);

	assert_int_equal(oauth_error_parse("{}", 2, &e), -1);
	assert_int_equal(oauth_error_parse("{\"error\":{\"code\":400}}", 22,
	    &e), -1);
	assert_int_equal(oauth_error_parse("Bad Gateway", 11, &e), -1);
	assert_string_equal(e.error, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_body),
		cmocka_unit_test(test_parse_token),
		cmocka_unit_test(test_parse_token_rejects),
		cmocka_unit_test(test_parse_error),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
