/*
 * The Sheets configuration: defaults, Sheets off without GOOGLE_SHEET_ID,
 * a key required with it (from a path or from the JSON itself), and bad
 * values refused with one line that never quotes the key.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"
#include "nelem.h"
#include "service_account.h"
#include "sheets_config.h"

#define SECRET	"TOPSECRETKEYMATERIAL"

static const char	key_json[] =
	"{\"type\":\"service_account\",\"project_id\":\"p\","
	"\"private_key_id\":\"abc\",\"private_key\":\"-----BEGIN PRIVATE KEY-----"
	"\\n" SECRET "\\n-----END PRIVATE KEY-----\\n\","
	"\"client_email\":\"svc@p.iam.gserviceaccount.com\","
	"\"token_uri\":\"http://127.0.0.1:1/token\"}";

static const char	*env_names[16];
static const char	*env_values[16];
static size_t		 nenv;

static void
env_set(const char *name, const char *value)
{
	env_names[nenv] = name;
	env_values[nenv] = value;
	nenv++;
}

static const char *
fake_getenv(const char *name)
{
	size_t	i;

	for (i = 0; i < nenv; i++) {
		if (strcmp(env_names[i], name) == 0)
			return (env_values[i]);
	}
	return (NULL);
}

static int
reset(void **state)
{
	(void)state;
	nenv = 0;
	return (0);
}

static void
test_defaults_without_sheet_id(void **state)
{
	struct sheets_config	sc;
	char			err[256];

	(void)state;
	assert_int_equal(sheets_config_load(&sc, fake_getenv, err,
	    sizeof(err)), 0);
	assert_int_equal(sc.configured, 0);
	assert_null(sc.account);
	assert_string_equal(sc.base_url, "https://sheets.googleapis.com");
	assert_string_equal(sc.operaciones, "Operaciones");
	assert_string_equal(sc.trabajadores, "Trabajadores");
	assert_string_equal(sc.roles, "Roles");
	assert_string_equal(sc.metadata, "Metadata");
	assert_string_equal(sc.uniones, "Uniones");
	assert_int_equal(sc.reads_per_minute, 60);
	assert_int_equal(sc.writes_per_minute, 60);
	/* One committer for the deployment unless told otherwise. */
	assert_int_equal(sc.commit_shared, 1);
	assert_int_equal(sc.cache_shared, 0);
	assert_int_equal(sc.commit_relay, 1);
	assert_int_equal(sc.batch_window_ms, 200);
	assert_int_equal(sc.health_interval_ms, 30000);
}

static void
test_key_from_json(void **state)
{
	struct sheets_config	sc;
	char			err[256];

	(void)state;
	env_set("GOOGLE_SHEET_ID", "1AbC-d_E");
	env_set("GOOGLE_APPLICATION_CREDENTIALS_JSON", key_json);
	env_set("HOJA_OPERACIONES_NOMBRE", "Operaciones 2026");
	/* Plain http to the loopback: the emulator. */
	env_set("SHEETS_API_BASE_URL", "http://localhost:8085");
	env_set("SHEETS_CACHE_SHARED", "1");
	assert_int_equal(sheets_config_load(&sc, fake_getenv, err,
	    sizeof(err)), 0);
	assert_string_equal(sc.base_url, "http://localhost:8085");
	assert_int_equal(sc.configured, 1);
	assert_int_equal(sc.cache_shared, 1);
	assert_string_equal(sc.account->client_email,
	    "svc@p.iam.gserviceaccount.com");
	assert_string_equal(sc.operaciones, "Operaciones 2026");
	sheets_config_clear(&sc);
	assert_null(sc.account);
}

static void
test_key_from_file(void **state)
{
	struct sheets_config	sc;
	char			err[256], path[512];
	FILE			*fp;

	(void)state;
	snprintf(path, sizeof(path), "%s/key.json", harness_tmpdir());
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(key_json, fp);
	fclose(fp);
	env_set("GOOGLE_SHEET_ID", "sheet1");
	env_set("GOOGLE_APPLICATION_CREDENTIALS", path);
	assert_int_equal(sheets_config_load(&sc, fake_getenv, err,
	    sizeof(err)), 0);
	assert_int_equal(sc.configured, 1);
	assert_string_equal(sc.account->token_uri, "http://127.0.0.1:1/token");
	sheets_config_clear(&sc);
}

struct bad_case {
	const char	*name[3];
	const char	*value[3];
	const char	*mentions;
};

static void
test_bad_values_one_line_no_secret(void **state)
{
	static const struct bad_case cases[] = {
		{ { "GOOGLE_SHEET_ID", NULL }, { "abc", NULL },
		    "GOOGLE_APPLICATION_CREDENTIALS" },
		{ { "GOOGLE_SHEET_ID", "GOOGLE_APPLICATION_CREDENTIALS", NULL },
		    { "abc", "/nonexistent/key.json", NULL },
		    "cannot open /nonexistent/key.json" },
		{ { "GOOGLE_SHEET_ID", "GOOGLE_APPLICATION_CREDENTIALS_JSON",
		    NULL }, { "abc", "{\"private_key\":\"" SECRET "\"}", NULL },
		    "GOOGLE_APPLICATION_CREDENTIALS_JSON" },
		{ { "GOOGLE_SHEET_ID", NULL }, { "a/b", NULL },
		    "GOOGLE_SHEET_ID" },
		{ { "SHEETS_API_BASE_URL", NULL }, { "ftp://x", NULL },
		    "SHEETS_API_BASE_URL" },
		{ { "SHEETS_API_BASE_URL", NULL }, { "http://a b", NULL },
		    "SHEETS_API_BASE_URL" },
		{ { "SHEETS_API_BASE_URL", NULL },
		    { "http://sheets.googleapis.com", NULL },
		    "SHEETS_API_BASE_URL: 'http://sheets.googleapis.com' would "
		    "send the access token unencrypted" },
		{ { "SHEETS_API_BASE_URL", NULL },
		    { "http://localhost.evil.example", NULL }, "loopback" },
		{ { "SHEETS_WRITES_PER_MINUTE", NULL }, { "0", NULL },
		    "SHEETS_WRITES_PER_MINUTE" },
		{ { "SHEETS_BATCH_WINDOW_MS", NULL }, { "fast\nFAKE", NULL },
		    "SHEETS_BATCH_WINDOW_MS" },
		{ { "HOJA_METADATA_NOMBRE", NULL }, { "", NULL },
		    "HOJA_METADATA_NOMBRE" },
		{ { "HOJA_ROLES_NOMBRE", NULL }, { "Ro\tles", NULL },
		    "HOJA_ROLES_NOMBRE" },
		{ { "HOJA_UNIONES_NOMBRE", NULL }, { "", NULL },
		    "HOJA_UNIONES_NOMBRE" },
		{ { "SHEETS_COMMIT_MODE", NULL }, { "Shared", NULL },
		    "SHEETS_COMMIT_MODE: 'Shared' is neither shared nor "
		    "slices" },
		{ { "SHEETS_CACHE_SHARED", NULL }, { "yes", NULL },
		    "SHEETS_CACHE_SHARED" },
		{ { "SHEETS_CACHE_SHARED", NULL }, { "2", NULL },
		    "SHEETS_CACHE_SHARED" },
	};
	struct sheets_config	sc;
	char			err[256];
	size_t			i, k;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		nenv = 0;
		for (k = 0; cases[i].name[k] != NULL; k++)
			env_set(cases[i].name[k], cases[i].value[k]);
		memset(err, 0, sizeof(err));
		assert_int_equal(sheets_config_load(&sc, fake_getenv, err,
		    sizeof(err)), -1);
		assert_non_null(strstr(err, cases[i].mentions));
		assert_null(strchr(err, '\n'));
		assert_null(strstr(err, SECRET));
		assert_null(sc.account);
	}
}

/* Each commit mode and what it turns on; relay is shared with a relay. */
static void
test_commit_modes(void **state)
{
	static const struct {
		const char	*mode;
		int		 shared, relay;
	} cases[] = {
		{ "", 1, 1 },
		{ "slices", 0, 0 },
		{ "shared", 1, 0 },
		{ "relay", 1, 1 },
	};
	struct sheets_config	sc;
	char			err[256];
	size_t			i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		nenv = 0;
		env_set("SHEETS_COMMIT_MODE", cases[i].mode);
		assert_int_equal(sheets_config_load(&sc, fake_getenv, err,
		    sizeof(err)), 0);
		assert_int_equal(sc.commit_shared, cases[i].shared);
		assert_int_equal(sc.commit_relay, cases[i].relay);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_defaults_without_sheet_id, reset),
		cmocka_unit_test_setup(test_key_from_json, reset),
		cmocka_unit_test_setup(test_commit_modes, reset),
		cmocka_unit_test_setup(test_key_from_file, reset),
		cmocka_unit_test_setup(test_bad_values_one_line_no_secret,
		    reset),
	};

	return (cmocka_run_group_tests_name("sheets_config", tests, NULL,
	    NULL));
}
