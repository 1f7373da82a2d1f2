/*
 * Unit tests for lib/sheets/service_account.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "service_account.h"

/* The secret part of the fake key; no error message may contain it. */
#define SECRET	"MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7"

#define PEM_JSON \
	"-----BEGIN PRIVATE KEY-----\\n" SECRET "\\n-----END PRIVATE KEY-----\\n"
#define PEM_TEXT \
	"-----BEGIN PRIVATE KEY-----\n" SECRET "\n-----END PRIVATE KEY-----\n"

static const char	full_key[] =
    "{\n"
    "  \"type\": \"service_account\",\n"
    "  \"project_id\": \"zeues-test\",\n"
    "  \"private_key_id\": \"0123456789abcdef\",\n"
    "  \"private_key\": \"" PEM_JSON "\",\n"
    "  \"client_email\": \"zeues@zeues-test.iam.gserviceaccount.com\",\n"
    "  \"client_id\": \"1234567890\",\n"
    "  \"auth_uri\": \"https://accounts.google.com/o/oauth2/auth\",\n"
    "  \"token_uri\": \"https://oauth2.googleapis.com/token\",\n"
    "  \"universe_domain\": \"googleapis.com\",\n"
    "  \"extra\": {\"client_email\": 5, \"list\": [1, {\"a\": null}]}\n"
    "}\n";

static struct service_account *
parse(const char *json, char *err, size_t errsz)
{
	err[0] = '\0';
	return (service_account_parse(json, strlen(json), err, errsz));
}

/* Asserts that json is rejected with a message containing want. */
static void
assert_rejected(const char *json, const char *want)
{
	struct service_account	*sa;
	char			 err[256];

	sa = parse(json, err, sizeof(err));
	assert_null(sa);
	if (strstr(err, want) == NULL)
		fail_msg("error \"%s\" lacks \"%s\"", err, want);
	assert_null(strstr(err, SECRET));
	assert_null(strstr(err, "MIIE"));
}

static void
test_full_key(void **state)
{
	struct service_account	*sa;
	char			 err[256];

	(void)state;
	sa = parse(full_key, err, sizeof(err));
	if (sa == NULL)
		fail_msg("%s", err);
	assert_string_equal(sa->client_email,
	    "zeues@zeues-test.iam.gserviceaccount.com");
	/* yajl decodes the \n escapes into real newlines. */
	assert_string_equal(sa->private_key, PEM_TEXT);
	assert_int_equal(sa->private_key_len, strlen(PEM_TEXT));
	assert_string_equal(sa->private_key_id, "0123456789abcdef");
	assert_string_equal(sa->token_uri,
	    "https://oauth2.googleapis.com/token");
	service_account_free(sa);
}

static void
test_minimal_key(void **state)
{
	struct service_account	*sa;
	char			 err[256];

	(void)state;
	/* No type, no key id; an emulator token URI on plain http. */
	sa = parse("{\"client_email\":\"a@b\",\"private_key\":\"" PEM_JSON
	    "\",\"token_uri\":\"http://127.0.0.1:8085/token\"}", err,
	    sizeof(err));
	if (sa == NULL)
		fail_msg("%s", err);
	assert_string_equal(sa->private_key_id, "");
	assert_string_equal(sa->token_uri, "http://127.0.0.1:8085/token");
	service_account_free(sa);
}

static void
test_missing_fields(void **state)
{
	(void)state;
	assert_rejected("{\"private_key\":\"" PEM_JSON "\","
	    "\"token_uri\":\"https://x/token\"}", "\"client_email\"");
	assert_rejected("{\"client_email\":\"a@b\","
	    "\"token_uri\":\"https://x/token\"}", "missing field "
	    "\"private_key\"");
	assert_rejected("{\"client_email\":\"a@b\",\"private_key\":\""
	    PEM_JSON "\"}", "missing field \"token_uri\"");
	assert_rejected("{\"client_email\":\"\",\"private_key\":\"" PEM_JSON
	    "\",\"token_uri\":\"https://x/token\"}", "missing field "
	    "\"client_email\"");
	/* A nested client_email does not count. */
	assert_rejected("{\"x\":{\"client_email\":\"a@b\"},\"private_key\":\""
	    PEM_JSON "\",\"token_uri\":\"https://x/token\"}",
	    "\"client_email\"");
}

static void
test_invalid_fields(void **state)
{
	(void)state;
	assert_rejected("{\"client_email\":\"a@b\",\"private_key\":\""
	    PEM_JSON "\",\"token_uri\":5}", "\"token_uri\" must be a string");
	assert_rejected("{\"client_email\":[\"a@b\"],\"private_key\":\""
	    PEM_JSON "\",\"token_uri\":\"https://x\"}", "\"client_email\" "
	    "must be a string");
	assert_rejected("{\"client_email\":\"a@b\",\"private_key\":null,"
	    "\"token_uri\":\"https://x\"}", "\"private_key\" must be a "
	    "string");
	assert_rejected("{\"client_email\":\"a@b\",\"private_key\":\"" SECRET
	    "\",\"token_uri\":\"https://x\"}", "\"private_key\" is not a PEM");
	assert_rejected("{\"client_email\":\"a@b\",\"private_key\":\""
	    PEM_JSON "\",\"token_uri\":\"ftp://x\"}", "\"token_uri\" is not");
	/* Plain http only to the loopback (the emulator). */
	assert_rejected("{\"client_email\":\"a@b\",\"private_key\":\""
	    PEM_JSON "\",\"token_uri\":\"http://oauth2.googleapis.com/token\"}",
	    "\"token_uri\" would send the signed assertion unencrypted");
	assert_rejected("{\"client_email\":\"a@b\",\"private_key\":\""
	    PEM_JSON "\",\"token_uri\":\"http://10.0.0.5:8085/token\"}",
	    "loopback");
	assert_rejected("{\"client_email\":\"nobody\",\"private_key\":\""
	    PEM_JSON "\",\"token_uri\":\"https://x\"}", "\"client_email\" is "
	    "not an e-mail");
	assert_rejected("{\"type\":\"authorized_user\",\"client_email\":\"a@b"
	    "\",\"private_key\":\"" PEM_JSON "\",\"token_uri\":\"https://x\"}",
	    "\"type\"");
	assert_rejected("{\"client_email\":\"a@b\",\"client_email\":\"c@d\","
	    "\"private_key\":\"" PEM_JSON "\",\"token_uri\":\"https://x\"}",
	    "\"client_email\" appears twice");
	assert_rejected("{\"client_email\":\"a\\u0000@b\",\"private_key\":\""
	    PEM_JSON "\",\"token_uri\":\"https://x\"}", "NUL");
}

static void
test_not_a_key_file(void **state)
{
	(void)state;
	assert_rejected("", "invalid JSON");
	assert_rejected("[]", "not a JSON object");
	assert_rejected("\"" SECRET "\"", "not a JSON object");
	assert_rejected("42", "not a JSON object");
	/* A syntax error right after the key must not echo it. */
	assert_rejected("{\"private_key\":\"" PEM_JSON "\" oops}",
	    "invalid JSON");
	assert_rejected("{\"private_key\":\"" PEM_JSON, "invalid JSON");
	assert_rejected("{} {}", "invalid JSON");
}

static void
test_too_large(void **state)
{
	struct service_account	*sa;
	char			*big, err[256];

	(void)state;
	big = malloc(SERVICE_ACCOUNT_MAX_JSON + 2);
	assert_non_null(big);
	memset(big, ' ', SERVICE_ACCOUNT_MAX_JSON + 1);
	big[0] = '{';
	big[SERVICE_ACCOUNT_MAX_JSON] = '}';
	big[SERVICE_ACCOUNT_MAX_JSON + 1] = '\0';
	sa = service_account_parse(big, SERVICE_ACCOUNT_MAX_JSON + 1, err,
	    sizeof(err));
	assert_null(sa);
	assert_non_null(strstr(err, "larger than"));
	free(big);
}

static void
test_not_nul_terminated(void **state)
{
	struct service_account	*sa;
	char			*copy, err[256];
	size_t			 len = strlen(full_key);

	(void)state;
	/* The caller passes a length; nothing past it is read. */
	copy = malloc(len);
	assert_non_null(copy);
	memcpy(copy, full_key, len);
	sa = service_account_parse(copy, len, err, sizeof(err));
	assert_non_null(sa);
	service_account_free(sa);
	free(copy);
	service_account_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_key),
		cmocka_unit_test(test_minimal_key),
		cmocka_unit_test(test_missing_fields),
		cmocka_unit_test(test_invalid_fields),
		cmocka_unit_test(test_not_a_key_file),
		cmocka_unit_test(test_too_large),
		cmocka_unit_test(test_not_nul_terminated),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
