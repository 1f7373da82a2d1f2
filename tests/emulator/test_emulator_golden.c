/*
 * Golden test of the Sheets API emulator, over real HTTP: a small demo
 * workbook is generated, run-emulator.sh starts Kore on a free loopback
 * port, and every check goes through libcurl the way the backend's client
 * will.  Error bodies are compared byte for byte.
 *
 * Environment (set by `make emulator-test`): EMULATOR_RUN (run-emulator.sh),
 * EMULATOR_DEMO_GEN (zeues-demo-gen), EMULATOR_TEST_DIR (scratch space),
 * EMULATOR_MODULE and EMULATOR_PRELOAD (passed on to run-emulator.sh).
 * Under `make test` they are derived from ZEUES_ROOT, ZEUES_BUILD and
 * ZEUES_PRELOAD instead.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <yajl/yajl_tree.h>

#include "emulator.h"
#include "harness.h"
#include "json_path.h"
#include "testkit/http_client.h"
#include "testkit/jwt_sign.h"

#define SPOOLS		60
#define WORKERS		12
#define SEED		"7"
#define PROJECT		"123456789012"
#define SCOPE_RW	"https://www.googleapis.com/auth/spreadsheets"
#define CT_JSON_GOOGLE	"application/json; charset=UTF-8"
#define FILE_MAX	(8 * 1024 * 1024)
#define UNAUTH_MESSAGE	"Request had invalid authentication credentials. " \
	"Expected OAuth 2 access token, login cookie or other valid " \
	"authentication credential. See https://developers.google.com/" \
	"identity/sign-in/web/devconsole-project."

struct golden {
	char			dir[PATH_MAX / 4];
	char			demo[PATH_MAX / 2];
	char			workbook[PATH_MAX];
	char			key[PATH_MAX];
	char			state[PATH_MAX];
	char			log[PATH_MAX];
	char			spreadsheet_id[64];
	char			base[64];
	char			token[256];
	struct sa_identity	id;
	int			port;
	pid_t			pid;		/* 0 when stopped */
};

static struct golden	g;

/* Helpers ------------------------------------------------------------ */

static char *
slurp(const char *path)
{
	FILE	*f;
	char	*buf;
	size_t	 n;

	if ((f = fopen(path, "r")) == NULL)
		return (NULL);
	if ((buf = malloc(FILE_MAX)) == NULL) {
		(void)fclose(f);
		return (NULL);
	}
	n = fread(buf, 1, FILE_MAX - 1, f);
	(void)fclose(f);
	buf[n] = '\0';
	return (buf);
}

static yajl_val
parse_or_fail(const char *text)
{
	yajl_val	v;
	char		err[256];

	v = yajl_tree_parse(text, err, sizeof(err));
	if (v == NULL)
		fail_msg("invalid JSON (%s): %.300s", err, text);
	return (v);
}

/* The body Google sends for an error, byte for byte (notes A4). */
static void
assert_error_body(const struct http_resp *r, int code, const char *status,
    const char *message)
{
	char	want[2048];

	(void)snprintf(want, sizeof(want), "{\n  \"error\": {\n"
	    "    \"code\": %d,\n    \"message\": \"%s\",\n"
	    "    \"status\": \"%s\"\n  }\n}\n", code, message, status);
	assert_int_equal(r->status, code);
	assert_string_equal(r->body, want);
	assert_string_equal(r->content_type, CT_JSON_GOOGLE);
}

static void
assert_oauth_error(const struct http_resp *r, const char *error,
    const char *desc)
{
	char	want[1024];

	(void)snprintf(want, sizeof(want), "{\n  \"error\": \"%s\",\n"
	    "  \"error_description\": \"%s\"\n}\n", error, desc);
	assert_int_equal(r->status, 400);
	assert_string_equal(r->body, want);
}

/* /v4/spreadsheets/<id><rest>, with the range percent-encoded. */
static void
v4_url(char *buf, size_t len, const char *range, const char *suffix)
{
	char	*esc = NULL;

	if (range != NULL)
		assert_non_null(esc = http_escape(range));
	(void)snprintf(buf, len, "%s/v4/spreadsheets/%s%s%s%s", g.base,
	    g.spreadsheet_id, range != NULL ? "/values/" : "",
	    esc != NULL ? esc : "", suffix);
	free(esc);
}

/* A Sheets call with the current token; asserts the status. */
static yajl_val
sheets(const char *method, const char *range, const char *suffix,
    const char *body, long want_status, struct http_resp *r)
{
	char	url[2048];

	v4_url(url, sizeof(url), range, suffix);
	if (http_call(method, url, g.token, "application/json", body,
	    HTTP_TIMEOUT_MS, r) == -1)
		fail_msg("%s %s: transfer failed (curl %d)", method, url,
		    r->curl_code);
	if (r->status != want_status)
		fail_msg("%s %s: status %ld, want %ld: %s", method, url,
		    r->status, want_status, r->body);
	return (parse_or_fail(r->body));
}

static yajl_val
admin(const char *method, const char *path, const char *body)
{
	struct http_resp	r;
	yajl_val		v;
	char			url[256];

	(void)snprintf(url, sizeof(url), "%s%s", g.base, path);
	if (http_call(method, url, NULL, "application/json", body,
	    HTTP_TIMEOUT_MS, &r) == -1 || r.status != 200)
		fail_msg("%s %s: %ld %s", method, path, r.status, r.body);
	v = parse_or_fail(r.body);
	http_resp_free(&r);
	return (v);
}

static void
admin_ok(const char *method, const char *path, const char *body)
{
	yajl_tree_free(admin(method, path, body));
}

static char *
make_jwt(EVP_PKEY *key, const char *iss, const char *aud, long long iat,
    long long exp)
{
	struct jwt_claims_in	c;

	c.iss = iss;
	c.aud = aud;
	c.scope = SCOPE_RW;
	c.iat = iat;
	c.exp = exp;
	return (jwt_sign(key, &c));
}

static int
token_request(const char *jwt, struct http_resp *r)
{
	char	*body, url[128];
	size_t	 len;
	int	 rc;

	len = strlen(jwt) + 128;
	if ((body = malloc(len)) == NULL)
		return (-1);
	(void)snprintf(body, len, "grant_type=urn%%3Aietf%%3Aparams%%3Aoauth"
	    "%%3Agrant-type%%3Ajwt-bearer&assertion=%s", jwt);
	(void)snprintf(url, sizeof(url), "%s/token", g.base);
	rc = http_call("POST", url, NULL, "application/x-www-form-urlencoded",
	    body, HTTP_TIMEOUT_MS, r);
	free(body);
	return (rc);
}

/* A fresh access token from the emulator; its expires_in goes to *ttl. */
static int
fetch_token(char *out, size_t outlen, long long *ttl)
{
	struct http_resp	 r;
	yajl_val		 v;
	const char		*tok;
	char			*jwt;
	long long		 now = (long long)time(NULL);
	int			 rc = -1;

	jwt = make_jwt(g.id.key, g.id.client_email, g.id.token_uri, now,
	    now + 3600);
	if (jwt == NULL)
		return (-1);
	if (token_request(jwt, &r) == 0 && r.status == 200 &&
	    (v = yajl_tree_parse(r.body, NULL, 0)) != NULL) {
		if ((tok = json_str_at(v, "access_token")) != NULL &&
		    strlen(tok) < outlen) {
			(void)snprintf(out, outlen, "%s", tok);
			if (ttl != NULL)
				*ttl = json_int_at(v, "expires_in", -1);
			rc = 0;
		}
		yajl_tree_free(v);
	}
	http_resp_free(&r);
	free(jwt);
	return (rc);
}

/* The sheet's numeric id from spreadsheets.get, or -1. */
static long long
sheet_id_of(const char *title)
{
	struct http_resp	r;
	yajl_val		v;
	long			i, n;
	long long		id = -1;
	char			path[64];

	v = sheets("GET", NULL, "?fields=sheets.properties", NULL, 200, &r);
	n = json_len_at(v, "sheets");
	for (i = 0; i < n; i++) {
		(void)snprintf(path, sizeof(path), "sheets[%ld].properties", i);
		if (strcmp(json_str_at(json_at(v, path), "title"), title) == 0)
			id = json_int_at(json_at(v, path), "sheetId", -1);
	}
	yajl_tree_free(v);
	http_resp_free(&r);
	return (id);
}

static long long
grid_of(const char *title, const char *what)
{
	struct http_resp	r;
	yajl_val		v;
	long			i, n;
	long long		val = -1;
	char			path[96];

	v = sheets("GET", NULL, "", NULL, 200, &r);
	n = json_len_at(v, "sheets");
	for (i = 0; i < n; i++) {
		(void)snprintf(path, sizeof(path), "sheets[%ld].properties", i);
		if (strcmp(json_str_at(json_at(v, path), "title"), title) != 0)
			continue;
		(void)snprintf(path, sizeof(path),
		    "sheets[%ld].properties.gridProperties.%s", i, what);
		val = json_int_at(v, path, -1);
	}
	yajl_tree_free(v);
	http_resp_free(&r);
	return (val);
}

/* Adds a sheet unless it exists, so each test can run on its own. */
static void
ensure_sheet(const char *title, int rows, int cols)
{
	struct http_resp	r;
	char			body[512];

	if (sheet_id_of(title) >= 0)
		return;
	(void)snprintf(body, sizeof(body), "{\"requests\":[{\"addSheet\":"
	    "{\"properties\":{\"title\":\"%s\",\"gridProperties\":"
	    "{\"rowCount\":%d,\"columnCount\":%d}}}}]}", title, rows, cols);
	yajl_tree_free(sheets("POST", NULL, ":batchUpdate", body, 200, &r));
	http_resp_free(&r);
}

static void
put_values(const char *range, const char *input, const char *values)
{
	struct http_resp	r;
	char			body[4096], suffix[64];

	(void)snprintf(body, sizeof(body), "{\"values\":%s}", values);
	(void)snprintf(suffix, sizeof(suffix), "?valueInputOption=%s", input);
	yajl_tree_free(sheets("PUT", range, suffix, body, 200, &r));
	http_resp_free(&r);
}

/* values.get; the caller frees the tree. */
static yajl_val
get_values(const char *range, const char *query)
{
	struct http_resp	r;
	yajl_val		v;

	v = sheets("GET", range, query, NULL, 200, &r);
	http_resp_free(&r);
	return (v);
}

static void
assert_cell(yajl_val v, const char *path, const char *want)
{
	const char	*got = json_str_at(v, path);

	if (got == NULL)
		fail_msg("%s: missing or not a string", path);
	assert_string_equal(got, want);
}

/* Fixtures ----------------------------------------------------------- */

static int
run_demo_gen(const char *out, const char *seed, int port)
{
	char	*argv[16], portbuf[16], spools[16], workers[16];
	char	 log[PATH_MAX];
	int	 n = 0, status;

	(void)snprintf(portbuf, sizeof(portbuf), "%d", port);
	(void)snprintf(spools, sizeof(spools), "%d", SPOOLS);
	(void)snprintf(workers, sizeof(workers), "%d", WORKERS);
	(void)snprintf(log, sizeof(log), "%s/demo-gen.log", g.dir);
	argv[n++] = getenv("EMULATOR_DEMO_GEN");
	argv[n++] = "--out";
	argv[n++] = (char *)out;
	argv[n++] = "--spools";
	argv[n++] = spools;
	argv[n++] = "--workers";
	argv[n++] = workers;
	argv[n++] = "--port";
	argv[n++] = portbuf;
	argv[n++] = "--seed";
	argv[n++] = (char *)seed;
	argv[n] = NULL;
	if (argv[0] == NULL)
		return (-1);
	status = harness_wait_exit(harness_spawn(log, argv, NULL), 60000);
	return (status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

static pid_t
launch(char *const extra[])
{
	struct emulator_launch	l = {
		.script = getenv("EMULATOR_RUN"),
		.port = g.port,
		.workbook = g.workbook,
		.key = g.key,
		.state_dir = g.state,
		.flags = (const char *const *)extra,
		.log = g.log,
		.timeout_ms = 20000,	/* ASan builds start slowly */
	};

	return (l.script != NULL ? emulator_launch(&l) : -1);
}

/* Kore's parent shuts its worker down in order. */
static void
stop_emulator(void)
{
	if (g.pid > 0)
		(void)harness_stop(g.pid, 5000);
	g.pid = 0;
}

static int
start_emulator(char *const extra[])
{
	if ((g.pid = launch(extra)) == -1) {
		fprintf(stderr, "emulator did not start; see %s\n", g.log);
		return (-1);
	}
	return (fetch_token(g.token, sizeof(g.token), NULL));
}

static int
read_spreadsheet_id(void)
{
	char	path[PATH_MAX + 16], *text;

	(void)snprintf(path, sizeof(path), "%s/spreadsheet-id", g.demo);
	if ((text = slurp(path)) == NULL)
		return (-1);
	text[strcspn(text, "\n")] = '\0';
	(void)snprintf(g.spreadsheet_id, sizeof(g.spreadsheet_id), "%s", text);
	free(text);
	return (g.spreadsheet_id[0] != '\0' ? 0 : -1);
}

/* Sets name to base + suffix unless it is set already. */
static int
env_default(const char *name, const char *base, const char *suffix)
{
	char	value[PATH_MAX];

	if (getenv(name) != NULL)
		return (0);
	if (base == NULL || (size_t)snprintf(value, sizeof(value), "%s%s",
	    base, suffix) >= sizeof(value))
		return (-1);
	return (setenv(name, value, 1));
}

/* `make test` gives ZEUES_* names; the children read EMULATOR_* ones. */
static int
map_environment(void)
{
	const char	*root = getenv("ZEUES_ROOT");
	const char	*build = getenv("ZEUES_BUILD");
	const char	*preload = getenv("ZEUES_PRELOAD");

	if (env_default("EMULATOR_RUN", root,
	    "/tests/emulator/run-emulator.sh") == -1 ||
	    env_default("EMULATOR_DEMO_GEN", build,
	    "/tests/emulator/zeues-demo-gen") == -1 ||
	    env_default("EMULATOR_MODULE", build,
	    "/tests/emulator/sheets_emulator.so") == -1 ||
	    env_default("EMULATOR_TEST_DIR", build,
	    "/tests/emulator/golden") == -1)
		return (-1);
	if (preload != NULL && env_default("EMULATOR_PRELOAD", preload,
	    "") == -1)
		return (-1);
	return (0);
}

static int
group_setup(void **state)
{
	const char	*dir;
	int		 port;

	(void)state;
	if (map_environment() == -1 ||
	    (dir = getenv("EMULATOR_TEST_DIR")) == NULL ||
	    strlen(dir) >= sizeof(g.dir)) {
		fprintf(stderr, "run through `make emulator-test` or "
		    "`make test`\n");
		return (-1);
	}
	(void)snprintf(g.dir, sizeof(g.dir), "%s", dir);
	if (mkdir(g.dir, 0755) == -1 && errno != EEXIST)
		return (-1);
	(void)snprintf(g.demo, sizeof(g.demo), "%s/demo", g.dir);
	(void)snprintf(g.workbook, sizeof(g.workbook), "%s/workbook.json",
	    g.demo);
	(void)snprintf(g.key, sizeof(g.key), "%s/service-account.json",
	    g.demo);
	(void)snprintf(g.state, sizeof(g.state), "%s/state", g.dir);
	(void)snprintf(g.log, sizeof(g.log), "%s/emulator.log", g.dir);
	(void)unlink(g.log);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
		return (-1);

	if ((port = harness_free_port()) == -1 ||
	    run_demo_gen(g.demo, SEED, port) != 0)
		return (-1);
	(void)snprintf(g.base, sizeof(g.base), "http://127.0.0.1:%d", port);
	if (read_spreadsheet_id() == -1)
		return (-1);
	if (sa_identity_load(&g.id, g.key) == -1)
		return (-1);
	g.port = port;
	return (start_emulator(NULL));
}

static int
group_teardown(void **state)
{
	(void)state;
	stop_emulator();
	sa_identity_free(&g.id);
	curl_global_cleanup();
	return (0);
}

/* Every test starts without faults and without quotas. */
static int
reset_state(void **state)
{
	(void)state;
	admin_ok("POST", "/admin/faults", "{}");
	admin_ok("POST", "/admin/quota",
	    "{\"reads_per_minute\":0,\"writes_per_minute\":0}");
	return (0);
}

/* Tests -------------------------------------------------------------- */

static void
test_demo_workbook(void **state)
{
	yajl_val	 wb, header, rows;
	char		*text, *again, *key1, *key2, path[PATH_MAX + 32];
	char		 other[PATH_MAX];
	long		 i, n, tag_col = -1, occupied = 0;

	(void)state;
	assert_non_null(text = slurp(g.workbook));
	wb = parse_or_fail(text);
	assert_string_equal(json_str_at(wb, "sheets[0].title"), "Operaciones");
	assert_int_equal(json_int_at(wb, "sheets[0].columnCount", 0), 72);
	assert_int_equal(json_len_at(wb, "sheets[0].rows"), SPOOLS + 1);
	assert_true(json_int_at(wb, "sheets[0].rowCount", 0) > SPOOLS + 1);
	header = json_at(wb, "sheets[0].rows[0]");
	assert_int_equal(header->u.array.len, 72);
	for (i = 0; i < 72; i++) {
		if (strcmp(header->u.array.values[i]->u.string,
		    "TAG_SPOOL") == 0)
			tag_col = i;
	}
	assert_true(tag_col > 0);	/* present, and not column A */
	rows = json_at(wb, "sheets[0].rows");
	for (i = 1; i <= SPOOLS; i++) {
		yajl_val	row = rows->u.array.values[i];

		assert_true(strncmp(row->u.array.values[tag_col]->u.string,
		    "MK-", 3) == 0);
		if (row->u.array.len > 68 && YAJL_IS_STRING(
		    row->u.array.values[68]))
			occupied++;
	}
	assert_true(occupied > 0);
	assert_string_equal(json_str_at(wb, "sheets[0].rows[0][68]"),
	    "Ocupado_Por");
	assert_string_equal(json_str_at(wb, "sheets[1].title"), "Trabajadores");
	assert_int_equal(json_len_at(wb, "sheets[1].rows"), WORKERS + 1);
	assert_string_equal(json_str_at(wb, "sheets[2].title"), "Roles");
	assert_true(json_len_at(wb, "sheets[2].rows") > WORKERS);
	assert_string_equal(json_str_at(wb, "sheets[3].title"), "Metadata");
	assert_int_equal(json_len_at(wb, "sheets[3].rows"), 1);
	assert_int_equal(json_len_at(wb, "sheets[3].rows[0]"), 11);
	/* The union sheet (floor.md §1.1) comes last. */
	assert_string_equal(json_str_at(wb, "sheets[4].title"), "Uniones");
	assert_int_equal(json_len_at(wb, "sheets[4].rows[0]"), 19);
	n = json_len_at(wb, "sheets");
	assert_int_equal(n, 5);
	yajl_tree_free(wb);

	/* Same seed, same bytes; another seed, other data. */
	(void)snprintf(other, sizeof(other), "%s/demo-again", g.dir);
	assert_int_equal(run_demo_gen(other, SEED, g.port), 0);
	(void)snprintf(path, sizeof(path), "%s/workbook.json", other);
	assert_non_null(again = slurp(path));
	assert_string_equal(text, again);
	free(again);
	(void)snprintf(path, sizeof(path), "%s/service-account.json", other);
	assert_non_null(key1 = slurp(g.key));
	assert_non_null(key2 = slurp(path));
	assert_string_equal(key1, key2);
	free(key1);
	free(key2);
	assert_int_equal(run_demo_gen(other, "8", g.port), 0);
	(void)snprintf(path, sizeof(path), "%s/workbook.json", other);
	assert_non_null(again = slurp(path));
	assert_true(strcmp(text, again) != 0);
	free(again);
	free(text);
}

static void
test_token_ok(void **state)
{
	struct http_resp	 r;
	yajl_val		 v;
	char			*jwt;
	long long		 now = (long long)time(NULL);

	(void)state;
	assert_non_null(jwt = make_jwt(g.id.key, g.id.client_email,
	    g.id.token_uri, now, now + 3600));
	assert_int_equal(token_request(jwt, &r), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.content_type, "application/json; charset=utf-8");
	v = parse_or_fail(r.body);
	assert_true(strncmp(json_str_at(v, "access_token"), "ya29.", 5) == 0);
	assert_int_equal(json_int_at(v, "expires_in", 0), 3599);
	assert_string_equal(json_str_at(v, "token_type"), "Bearer");
	yajl_tree_free(v);
	http_resp_free(&r);
	free(jwt);
}

static void
expect_token_error(const char *jwt, const char *error, const char *desc)
{
	struct http_resp	r;

	assert_non_null(jwt);
	assert_int_equal(token_request(jwt, &r), 0);
	assert_oauth_error(&r, error, desc);
	http_resp_free(&r);
}

static void
test_token_errors(void **state)
{
	static const char	 timeframe[] = "Invalid JWT: Token must be a "
	    "short-lived token (60 minutes) and in a reasonable timeframe. "
	    "Check your iat and exp values and use a clock with skew to "
	    "account for clock differences between systems.";
	EVP_PKEY		*other;
	struct http_resp	 r;
	char			*jwt, url[128];
	long long		 now = (long long)time(NULL);

	(void)state;
	assert_non_null(other = EVP_RSA_gen(2048));
	jwt = make_jwt(other, g.id.client_email, g.id.token_uri, now,
	    now + 3600);
	expect_token_error(jwt, "invalid_grant", "Invalid JWT Signature.");
	free(jwt);
	EVP_PKEY_free(other);

	jwt = make_jwt(g.id.key, "someone-else@x.iam.gserviceaccount.com",
	    g.id.token_uri, now, now + 3600);
	expect_token_error(jwt, "invalid_grant", "Invalid JWT Signature.");
	free(jwt);

	jwt = make_jwt(g.id.key, g.id.client_email,
	    "https://oauth2.googleapis.com/token", now, now + 3600);
	expect_token_error(jwt, "invalid_grant",
	    "Invalid JWT: Failed audience check.");
	free(jwt);

	jwt = make_jwt(g.id.key, g.id.client_email, g.id.token_uri, now,
	    now + 3601);
	expect_token_error(jwt, "invalid_grant", timeframe);
	free(jwt);

	jwt = make_jwt(g.id.key, g.id.client_email, g.id.token_uri,
	    now + 3600, now + 7200);
	expect_token_error(jwt, "invalid_grant", timeframe);
	free(jwt);

	jwt = make_jwt(g.id.key, g.id.client_email, g.id.token_uri,
	    now - 7200, now - 3600);
	expect_token_error(jwt, "invalid_grant", timeframe);
	free(jwt);

	(void)snprintf(url, sizeof(url), "%s/token", g.base);
	assert_int_equal(http_call("POST", url, NULL,
	    "application/x-www-form-urlencoded", "grant_type=password",
	    HTTP_TIMEOUT_MS, &r), 0);
	assert_oauth_error(&r, "unsupported_grant_type",
	    "Invalid grant_type: password");
	http_resp_free(&r);
}

static void
test_unauthenticated(void **state)
{
	static const char	msg[] = UNAUTH_MESSAGE;
	struct http_resp	r;
	char			url[512];

	(void)state;
	v4_url(url, sizeof(url), "Operaciones!A1", "");
	assert_int_equal(http_call("GET", url, NULL, NULL, NULL,
	    HTTP_TIMEOUT_MS, &r), 0);
	assert_error_body(&r, 401, "UNAUTHENTICATED", msg);
	assert_true(strncmp(r.www_authenticate, "Bearer", 6) == 0);
	http_resp_free(&r);

	assert_int_equal(http_call("GET", url, "ya29.not-a-token", NULL, NULL,
	    HTTP_TIMEOUT_MS, &r), 0);
	assert_error_body(&r, 401, "UNAUTHENTICATED", msg);
	http_resp_free(&r);
}

static void
test_not_found(void **state)
{
	struct http_resp	r;
	char			url[512];

	(void)state;
	/* Shaped like a real id (44 characters) but naming no spreadsheet. */
	(void)snprintf(url, sizeof(url), "%s/v4/spreadsheets/%s/values/A1",
	    g.base, "1NoSuchSpreadsheetxxxxxxxxxxxxxxxxxxxxxxxxxx");
	assert_int_equal(http_call("GET", url, g.token, NULL, NULL,
	    HTTP_TIMEOUT_MS, &r), 0);
	assert_error_body(&r, 404, "NOT_FOUND", "Requested entity was not "
	    "found.");
	http_resp_free(&r);
}

static void
test_trim_and_range_echo(void **state)
{
	struct http_resp	r;
	yajl_val		v;

	(void)state;
	ensure_sheet("My Sheet", 1000, 26);
	v = sheets("PUT", "'My Sheet'!A1", "?valueInputOption=RAW",
	    "{\"values\":[[\"a\",null,\"x\"],[\"\",\"b\"],[],[\"\",\"\"]]}",
	    200, &r);
	assert_string_equal(json_str_at(v, "updatedRange"),
	    "'My Sheet'!A1:C4");
	assert_int_equal(json_int_at(v, "updatedRows", 0), 3);
	assert_int_equal(json_int_at(v, "updatedColumns", 0), 3);
	assert_int_equal(json_int_at(v, "updatedCells", 0), 6);
	yajl_tree_free(v);
	http_resp_free(&r);

	/* Trailing empty rows and cells are left out; inner ones are "". */
	v = get_values("'My Sheet'!A1:D5", "");
	assert_string_equal(json_str_at(v, "range"), "'My Sheet'!A1:D5");
	assert_string_equal(json_str_at(v, "majorDimension"), "ROWS");
	assert_int_equal(json_len_at(v, "values"), 2);
	assert_int_equal(json_len_at(v, "values[0]"), 3);
	assert_cell(v, "values[0][0]", "a");
	assert_cell(v, "values[0][1]", "");
	assert_cell(v, "values[0][2]", "x");
	assert_int_equal(json_len_at(v, "values[1]"), 2);
	assert_cell(v, "values[1][1]", "b");
	yajl_tree_free(v);

	/* No data: no "values" key at all. */
	v = get_values("'My Sheet'!E10:F12", "");
	assert_string_equal(json_str_at(v, "range"), "'My Sheet'!E10:F12");
	assert_null(json_at(v, "values"));
	yajl_tree_free(v);

	/* Unquoted input, quoted echo; open ranges end at the grid. */
	v = get_values("My Sheet!A1:B2", "");
	assert_string_equal(json_str_at(v, "range"), "'My Sheet'!A1:B2");
	assert_int_equal(json_len_at(v, "values[0]"), 1);
	yajl_tree_free(v);
	v = get_values("'My Sheet'!A:B", "");
	assert_string_equal(json_str_at(v, "range"), "'My Sheet'!A1:B1000");
	yajl_tree_free(v);

	v = get_values("'My Sheet'!A1:C2", "?majorDimension=COLUMNS");
	assert_string_equal(json_str_at(v, "majorDimension"), "COLUMNS");
	assert_int_equal(json_len_at(v, "values"), 3);
	assert_int_equal(json_len_at(v, "values[0]"), 1);
	assert_cell(v, "values[1][0]", "");
	assert_cell(v, "values[1][1]", "b");
	assert_cell(v, "values[2][0]", "x");
	yajl_tree_free(v);

	/* '' escapes an apostrophe; Google's own lone-quote form works too. */
	ensure_sheet("Jon's Data", 1000, 26);
	v = sheets("PUT", "'Jon''s Data'!B2", "?valueInputOption=RAW",
	    "{\"values\":[[\"q\"]]}", 200, &r);
	assert_string_equal(json_str_at(v, "updatedRange"), "'Jon''s Data'!B2");
	yajl_tree_free(v);
	http_resp_free(&r);
	v = get_values("'Jon's Data'!B2", "");
	assert_cell(v, "values[0][0]", "q");
	yajl_tree_free(v);

	/* No sheet name: the first sheet. */
	v = get_values("A1:C1", "");
	assert_string_equal(json_str_at(v, "range"), "Operaciones!A1:C1");
	assert_cell(v, "values[0][2]", "TAG_SPOOL");
	yajl_tree_free(v);

	yajl_tree_free(sheets("GET", "NoSuchSheet!A1", "", NULL, 400, &r));
	assert_error_body(&r, 400, "INVALID_ARGUMENT",
	    "Unable to parse range: NoSuchSheet!A1");
	http_resp_free(&r);

	v = sheets("POST", "'My Sheet'!C1:C2", ":clear", NULL, 200, &r);
	assert_string_equal(json_str_at(v, "clearedRange"), "'My Sheet'!C1:C2");
	yajl_tree_free(v);
	http_resp_free(&r);
	v = get_values("'My Sheet'!A1:D1", "");
	assert_int_equal(json_len_at(v, "values[0]"), 1);
	yajl_tree_free(v);
}

static void
test_value_types(void **state)
{
	struct http_resp	 r;
	yajl_val		 v, cell;

	(void)state;
	ensure_sheet("Types", 1000, 26);
	put_values("Types!A1", "USER_ENTERED", "[[\"1\",\"2.5\",\"TRUE\","
	    "\"=SUM(A1:B1)\",\"'007\",\"12-03-2025\",42,true]]");
	put_values("Types!A2", "RAW", "[[\"1\",\"TRUE\",\"=A1\"]]");

	v = sheets("GET", "Types!A1:H2", "", NULL, 200, &r);
	/* Google's front end escapes '=' in strings. */
	assert_non_null(strstr(r.body, "\"\\u003dSUM(A1:B1)\""));
	http_resp_free(&r);
	assert_cell(v, "values[0][0]", "1");
	assert_cell(v, "values[0][1]", "2.5");
	assert_cell(v, "values[0][2]", "TRUE");
	assert_cell(v, "values[0][3]", "=SUM(A1:B1)");
	assert_cell(v, "values[0][4]", "007");
	assert_cell(v, "values[0][5]", "12-03-2025");
	assert_cell(v, "values[0][6]", "42");
	assert_cell(v, "values[0][7]", "TRUE");
	yajl_tree_free(v);

	v = get_values("Types!A1:H2", "?valueRenderOption=UNFORMATTED_VALUE");
	cell = json_at(v, "values[0][0]");
	assert_true(YAJL_IS_INTEGER(cell) && YAJL_GET_INTEGER(cell) == 1);
	cell = json_at(v, "values[0][1]");
	assert_true(YAJL_IS_DOUBLE(cell) && YAJL_GET_DOUBLE(cell) == 2.5);
	assert_true(YAJL_IS_TRUE(json_at(v, "values[0][2]")));
	assert_cell(v, "values[0][3]", "=SUM(A1:B1)");
	assert_cell(v, "values[0][4]", "007");
	assert_true(YAJL_IS_TRUE(json_at(v, "values[0][7]")));
	/* RAW keeps text as text. */
	assert_cell(v, "values[1][0]", "1");
	assert_cell(v, "values[1][1]", "TRUE");
	assert_cell(v, "values[1][2]", "=A1");
	yajl_tree_free(v);
}

/* {"values":[["<n times s>"]]}, to free. */
static char *
one_cell_body(const char *s, size_t n)
{
	size_t	 len = strlen(s), i;
	char	*body, *p;

	if ((body = malloc(n * len + 32)) == NULL)
		fail_msg("out of memory");
	p = body + sprintf(body, "{\"values\":[[\"");
	for (i = 0; i < n; i++, p += len)
		memcpy(p, s, len);
	(void)strcpy(p, "\"]]}");
	return (body);
}

/*
 * Google caps a cell at 50,000 characters, not bytes: 50,000 two-byte
 * characters fit, one more character does not.
 */
static void
test_cell_limit_in_characters(void **state)
{
	struct http_resp	 r;
	yajl_val		 v;
	const char		*got;
	char			*body;
	size_t			 i;

	(void)state;
	ensure_sheet("Long", 1000, 26);
	body = one_cell_body("\xc3\x91", 50000);
	yajl_tree_free(sheets("PUT", "Long!A1", "?valueInputOption=RAW", body,
	    200, &r));
	http_resp_free(&r);
	free(body);
	v = get_values("Long!A1", "");
	got = json_str_at(v, "values[0][0]");
	assert_non_null(got);
	assert_int_equal(strlen(got), 100000);
	for (i = 0; i < 100000; i += 2)
		assert_memory_equal(got + i, "\xc3\x91", 2);
	yajl_tree_free(v);

	body = one_cell_body("\xc3\x91", 50001);
	yajl_tree_free(sheets("PUT", "Long!A2", "?valueInputOption="
	    "USER_ENTERED", body, 400, &r));
	assert_error_body(&r, 400, "INVALID_ARGUMENT", "Your input contains "
	    "more than the maximum of 50000 characters in a single cell.");
	http_resp_free(&r);
	free(body);
}

static void
test_append_google_example(void **state)
{
	struct http_resp	r;
	yajl_val		v;

	(void)state;
	ensure_sheet("Append", 1000, 26);
	v = sheets("POST", "Append", ":clear", NULL, 200, &r);
	assert_string_equal(json_str_at(v, "clearedRange"), "Append!A1:Z1000");
	yajl_tree_free(v);
	http_resp_free(&r);
	put_values("Append!A1:D2", "RAW",
	    "[[\"a1\",\"b1\",\"c1\",\"d1\"],[\"a2\",\"b2\",\"c2\",\"d2\"]]");
	put_values("Append!A10", "RAW", "[[\"below\"]]");

	v = sheets("POST", "Append!A1:E1", ":append?valueInputOption="
	    "USER_ENTERED", "{\"values\":[[1,2,3,4],[5,6,7,8]]}", 200, &r);
	assert_string_equal(json_str_at(v, "spreadsheetId"), g.spreadsheet_id);
	assert_string_equal(json_str_at(v, "tableRange"), "Append!A1:D2");
	assert_string_equal(json_str_at(v, "updates.updatedRange"),
	    "Append!A3:D4");
	assert_int_equal(json_int_at(v, "updates.updatedRows", 0), 2);
	assert_int_equal(json_int_at(v, "updates.updatedColumns", 0), 4);
	assert_int_equal(json_int_at(v, "updates.updatedCells", 0), 8);
	yajl_tree_free(v);
	http_resp_free(&r);

	/* INSERT_ROWS shifts what is below the table down. */
	v = sheets("POST", "Append!A1:D1", ":append?valueInputOption=RAW&"
	    "insertDataOption=INSERT_ROWS", "{\"values\":[[\"ins\"]]}", 200,
	    &r);
	assert_string_equal(json_str_at(v, "tableRange"), "Append!A1:D4");
	assert_string_equal(json_str_at(v, "updates.updatedRange"),
	    "Append!A5");
	yajl_tree_free(v);
	http_resp_free(&r);
	v = get_values("Append!A11", "");
	assert_cell(v, "values[0][0]", "below");
	yajl_tree_free(v);
	assert_int_equal(grid_of("Append", "rowCount"), 1001);

	/* Rows are added past the grid, columns are not. */
	ensure_sheet("Small", 3, 4);
	put_values("Small!A1:B3", "RAW", "[[1,2],[3,4],[5,6]]");
	v = sheets("POST", "Small!A1", ":append?valueInputOption=RAW",
	    "{\"values\":[[7,8],[9,10]]}", 200, &r);
	assert_string_equal(json_str_at(v, "tableRange"), "Small!A1:B3");
	assert_string_equal(json_str_at(v, "updates.updatedRange"),
	    "Small!A4:B5");
	yajl_tree_free(v);
	http_resp_free(&r);
	assert_int_equal(grid_of("Small", "rowCount"), 5);
	yajl_tree_free(sheets("POST", "Small!A1",
	    ":append?valueInputOption=RAW", "{\"values\":[[1,2,3,4,5]]}", 400,
	    &r));
	assert_error_body(&r, 400, "INVALID_ARGUMENT", "Range (Small!A6:E6) "
	    "exceeds grid limits. Max rows: 5, max columns: 4");
	http_resp_free(&r);
	assert_int_equal(grid_of("Small", "rowCount"), 5);
}

static void
test_batch_update_atomic(void **state)
{
	struct http_resp	r;
	yajl_val		v;

	(void)state;
	ensure_sheet("My Sheet", 1000, 26);
	ensure_sheet("Types", 1000, 26);
	put_values("'My Sheet'!F1", "RAW", "[[\"before\"]]");

	yajl_tree_free(sheets("POST", NULL, "/values:batchUpdate",
	    "{\"valueInputOption\":\"RAW\",\"data\":["
	    "{\"range\":\"'My Sheet'!F1\",\"values\":[[\"after\"]]},"
	    "{\"range\":\"NoSuchSheet!A1\",\"values\":[[\"x\"]]}]}", 400, &r));
	assert_error_body(&r, 400, "INVALID_ARGUMENT",
	    "Invalid data[1]: Unable to parse range: NoSuchSheet!A1");
	http_resp_free(&r);
	v = get_values("'My Sheet'!F1", "");
	assert_cell(v, "values[0][0]", "before");
	yajl_tree_free(v);

	yajl_tree_free(sheets("POST", NULL, "/values:batchUpdate",
	    "{\"valueInputOption\":\"RAW\",\"data\":["
	    "{\"range\":\"'My Sheet'!F1\",\"values\":[[\"after\"]]},"
	    "{\"range\":\"'My Sheet'!F2:G2\",\"values\":[[\"y\"],[\"z\"]]}]}",
	    400, &r));
	assert_error_body(&r, 400, "INVALID_ARGUMENT", "Invalid data[1]: "
	    "Requested writing within range [\\u0027My Sheet\\u0027!F2:G2], "
	    "but tried writing to row [3]");
	http_resp_free(&r);
	v = get_values("'My Sheet'!F1", "");
	assert_cell(v, "values[0][0]", "before");
	yajl_tree_free(v);

	v = sheets("POST", NULL, "/values:batchUpdate",
	    "{\"valueInputOption\":\"USER_ENTERED\",\"data\":["
	    "{\"range\":\"'My Sheet'!F1\",\"values\":[[\"after\"]]},"
	    "{\"range\":\"Types!J1:K1\",\"values\":[[\"1\",\"2\"]]}]}", 200,
	    &r);
	assert_int_equal(json_int_at(v, "totalUpdatedCells", 0), 3);
	assert_int_equal(json_int_at(v, "totalUpdatedRows", 0), 2);
	assert_int_equal(json_int_at(v, "totalUpdatedSheets", 0), 2);
	assert_int_equal(json_len_at(v, "responses"), 2);
	assert_string_equal(json_str_at(v, "responses[1].updatedRange"),
	    "Types!J1:K1");
	yajl_tree_free(v);
	http_resp_free(&r);
	v = get_values("'My Sheet'!F1", "");
	assert_cell(v, "values[0][0]", "after");
	yajl_tree_free(v);
}

static void
test_grid_limits(void **state)
{
	struct http_resp	r;

	(void)state;
	ensure_sheet("My Sheet", 1000, 26);
	yajl_tree_free(sheets("PUT", "'My Sheet'!A1001",
	    "?valueInputOption=RAW", "{\"values\":[[\"x\"]]}", 400, &r));
	assert_error_body(&r, 400, "INVALID_ARGUMENT", "Range (\\u0027My "
	    "Sheet\\u0027!A1001) exceeds grid limits. Max rows: 1000, max "
	    "columns: 26");
	http_resp_free(&r);

	yajl_tree_free(sheets("GET", "'My Sheet'!A999:B1001", "", NULL, 400,
	    &r));
	assert_error_body(&r, 400, "INVALID_ARGUMENT", "Range (\\u0027My "
	    "Sheet\\u0027!A999:B1001) exceeds grid limits. Max rows: 1000, max "
	    "columns: 26");
	http_resp_free(&r);

	yajl_tree_free(sheets("PUT", "'My Sheet'!A1:B1", "?valueInputOption="
	    "RAW", "{\"values\":[[1,2,3]]}", 400, &r));
	assert_error_body(&r, 400, "INVALID_ARGUMENT", "Requested writing "
	    "within range [\\u0027My Sheet\\u0027!A1:B1], but tried writing to "
	    "column [C]");
	http_resp_free(&r);
}

static void
test_append_dimension(void **state)
{
	struct http_resp	 r;
	yajl_val		 v;
	long long		 id;
	char			 body[512];

	(void)state;
	ensure_sheet("Wide", 1000, 26);
	yajl_tree_free(sheets("PUT", "Wide!AA1", "?valueInputOption=RAW",
	    "{\"values\":[[\"new\"]]}", 400, &r));
	assert_error_body(&r, 400, "INVALID_ARGUMENT", "Range (Wide!AA1) "
	    "exceeds grid limits. Max rows: 1000, max columns: 26");
	http_resp_free(&r);

	assert_true((id = sheet_id_of("Wide")) >= 0);
	(void)snprintf(body, sizeof(body),
	    "{\"requests\":[{\"appendDimension\":"
	    "{\"sheetId\":%lld,\"dimension\":\"COLUMNS\",\"length\":2}}]}", id);
	v = sheets("POST", NULL, ":batchUpdate", body, 200, &r);
	assert_int_equal(json_len_at(v, "replies"), 1);
	assert_true(YAJL_IS_OBJECT(json_at(v, "replies[0]")));
	assert_int_equal(json_at(v, "replies[0]")->u.object.len, 0);
	assert_non_null(strstr(r.body, "\"replies\": [\n    {}\n  ]"));
	yajl_tree_free(v);
	http_resp_free(&r);
	assert_int_equal(grid_of("Wide", "columnCount"), 28);

	put_values("Wide!AA1", "RAW", "[[\"new\"]]");
	v = get_values("Wide!AA1:AB1", "");
	assert_cell(v, "values[0][0]", "new");
	yajl_tree_free(v);

	/* insertDimension shifts cells right. */
	(void)snprintf(body, sizeof(body),
	    "{\"requests\":[{\"insertDimension\":"
	    "{\"range\":{\"sheetId\":%lld,\"dimension\":\"COLUMNS\","
	    "\"startIndex\":0,\"endIndex\":1}}}]}", id);
	yajl_tree_free(sheets("POST", NULL, ":batchUpdate", body, 200, &r));
	http_resp_free(&r);
	v = get_values("Wide!AB1", "");
	assert_cell(v, "values[0][0]", "new");
	yajl_tree_free(v);

	/* A failing request undoes the whole batch. */
	(void)snprintf(body, sizeof(body),
	    "{\"requests\":[{\"appendDimension\":"
	    "{\"sheetId\":%lld,\"dimension\":\"ROWS\",\"length\":5}},"
	    "{\"appendDimension\":{\"sheetId\":999999,\"dimension\":\"ROWS\","
	    "\"length\":5}}]}", id);
	yajl_tree_free(sheets("POST", NULL, ":batchUpdate", body, 400, &r));
	assert_error_body(&r, 400, "INVALID_ARGUMENT", "Invalid requests[1]."
	    "appendDimension: No grid with id: 999999");
	http_resp_free(&r);
	assert_int_equal(grid_of("Wide", "rowCount"), 1000);
	assert_int_equal(grid_of("Wide", "columnCount"), 29);
}

static void
test_fields_mask(void **state)
{
	struct http_resp	r;
	yajl_val		v;

	(void)state;
	v = sheets("GET", NULL, "?fields=sheets.properties", NULL, 200, &r);
	assert_int_equal(v->u.object.len, 1);
	assert_string_equal(json_str_at(v, "sheets[0].properties.title"),
	    "Operaciones");
	assert_int_equal(json_int_at(v,
	    "sheets[0].properties.gridProperties.columnCount", 0), 72);
	yajl_tree_free(v);
	http_resp_free(&r);

	v = sheets("GET", NULL, "?fields=spreadsheetId,sheets(properties("
	    "title))", NULL, 200, &r);
	assert_int_equal(v->u.object.len, 2);
	assert_string_equal(json_str_at(v, "spreadsheetId"), g.spreadsheet_id);
	assert_int_equal(json_at(v, "sheets[1].properties")->u.object.len, 1);
	assert_string_equal(json_str_at(v, "sheets[1].properties.title"),
	    "Trabajadores");
	yajl_tree_free(v);
	http_resp_free(&r);

	/* prettyPrint=false: compact, no trailing newline. */
	v = sheets("GET", NULL, "?fields=spreadsheetId&prettyPrint=false", NULL,
	    200, &r);
	{
		char	want[128];

		(void)snprintf(want, sizeof(want), "{\"spreadsheetId\":\"%s\"}",
		    g.spreadsheet_id);
		assert_string_equal(r.body, want);
	}
	yajl_tree_free(v);
	http_resp_free(&r);
}

static void
expect_quota_body(const struct http_resp *r, const char *what,
    const char *metric)
{
	char	want[2048];

	(void)snprintf(want, sizeof(want),
	    "{\n"
	    "  \"error\": {\n"
	    "    \"code\": 429,\n"
	    "    \"message\": \"Quota exceeded for quota metric \\u0027%s "
	    "requests\\u0027 and limit \\u0027%s requests per minute per "
	    "user\\u0027 of service \\u0027sheets.googleapis.com\\u0027 for "
	    "consumer \\u0027project_number:" PROJECT "\\u0027.\",\n"
	    "    \"status\": \"RESOURCE_EXHAUSTED\",\n"
	    "    \"details\": [\n"
	    "      {\n"
	    "        \"@type\": \"type.googleapis.com/google.rpc.ErrorInfo\",\n"
	    "        \"reason\": \"RATE_LIMIT_EXCEEDED\",\n"
	    "        \"domain\": \"googleapis.com\",\n"
	    "        \"metadata\": {\n"
	    "          \"service\": \"sheets.googleapis.com\",\n"
	    "          \"quota_metric\": \"sheets.googleapis.com/%s\",\n"
	    "          \"quota_limit\": \"%sRequestsPerMinutePerUser\",\n"
	    "          \"consumer\": \"projects/" PROJECT "\"\n"
	    "        }\n"
	    "      }\n"
	    "    ]\n"
	    "  }\n"
	    "}\n", what, what, metric, what);
	assert_int_equal(r->status, 429);
	assert_string_equal(r->body, want);
}

static void
test_quota(void **state)
{
	struct http_resp	r;
	yajl_val		v;
	char			token[256];
	int			i;

	(void)state;
	ensure_sheet("My Sheet", 1000, 26);
	admin_ok("POST", "/admin/quota",
	    "{\"reads_per_minute\":2,\"writes_per_minute\":3}");
	for (i = 0; i < 3; i++)
		put_values("'My Sheet'!H1", "RAW", "[[\"w\"]]");
	yajl_tree_free(sheets("PUT", "'My Sheet'!H1", "?valueInputOption=RAW",
	    "{\"values\":[[\"w\"]]}", 429, &r));
	expect_quota_body(&r, "Write", "write_requests");
	http_resp_free(&r);

	/* One batchGet of many ranges is one read. */
	yajl_tree_free(sheets("GET", NULL, "/values:batchGet?ranges=A1&"
	    "ranges=Trabajadores!A1:B2&ranges=Roles!A1", NULL, 200, &r));
	http_resp_free(&r);
	yajl_tree_free(get_values("Operaciones!A1", ""));
	yajl_tree_free(sheets("GET", "Operaciones!A1", "", NULL, 429, &r));
	expect_quota_body(&r, "Read", "read_requests");
	http_resp_free(&r);

	/* Neither the token endpoint nor the admin API spend quota. */
	assert_int_equal(fetch_token(token, sizeof(token), NULL), 0);
	v = admin("GET", "/admin/quota", NULL);
	assert_int_equal(json_int_at(v, "writes_used", 0), 3);
	assert_int_equal(json_int_at(v, "reads_used", 0), 2);
	assert_true(json_int_at(v, "reads_reset_in_ms", 0) > 0);
	yajl_tree_free(v);
}

/* Sets a seeded 50 % error rate and notes which calls failed ('E'). */
static void
seeded_faults(char *seq, size_t len)
{
	struct http_resp	r;
	char			url[512];
	size_t			i;

	admin_ok("POST", "/admin/faults", "{\"error_rate\":0.5,\"seed\":7}");
	v4_url(url, sizeof(url), "Operaciones!A1", "");
	for (i = 0; i + 1 < len; i++) {
		assert_int_equal(http_call("GET", url, g.token, NULL, NULL,
		    HTTP_TIMEOUT_MS, &r), 0);
		seq[i] = r.status == 503 ? 'E' : '.';
		http_resp_free(&r);
	}
	seq[i] = '\0';
}

static void
test_faults(void **state)
{
	struct http_resp	r;
	yajl_val		v;
	char			url[512], token[256], first[13], again[13];
	long long		waiting;
	int			i;

	(void)state;
	admin_ok("POST", "/admin/counters/reset", NULL);
	admin_ok("POST", "/admin/faults", "{\"error_rate\":1.0}");
	for (i = 0; i < 3; i++) {
		yajl_tree_free(sheets("GET", "Operaciones!A1", "", NULL, 503,
		    &r));
		assert_error_body(&r, 503, "UNAVAILABLE",
		    "The service is currently unavailable.");
		http_resp_free(&r);
	}
	assert_int_equal(fetch_token(token, sizeof(token), NULL), -1);
	v = admin("GET", "/admin/counters", NULL);
	assert_int_equal(json_int_at(v, "outcomes.injected", 0), 4);
	assert_int_equal(json_int_at(v, "outcomes.ok", -1), 0);
	assert_int_equal(json_int_at(v, "reads", -1), 0);
	yajl_tree_free(v);

	admin_ok("POST", "/admin/faults",
	    "{\"error_rate\":1.0,\"error_status\":500}");
	yajl_tree_free(sheets("GET", "Operaciones!A1", "", NULL, 500, &r));
	assert_error_body(&r, 500, "INTERNAL", "Internal error encountered.");
	http_resp_free(&r);

	/* Latency delays Google calls, not the admin API. */
	admin_ok("POST", "/admin/faults", "{\"latency_ms\":300}");
	yajl_tree_free(sheets("GET", "Operaciones!A1", "", NULL, 200, &r));
	assert_true(r.seconds >= 0.3);
	assert_true(r.seconds < 5.0);
	http_resp_free(&r);
	(void)snprintf(url, sizeof(url), "%s/admin/counters", g.base);
	assert_int_equal(http_call("GET", url, NULL, NULL, NULL,
	    HTTP_TIMEOUT_MS, &r), 0);
	assert_true(r.seconds < 0.25);
	http_resp_free(&r);

	/* A hung call is never answered; the worker keeps serving others. */
	admin_ok("POST", "/admin/faults", "{\"hang_rate\":1.0}");
	v4_url(url, sizeof(url), "Operaciones!A1", "");
	assert_int_equal(http_call("GET", url, g.token, NULL, NULL, 400, &r),
	    -1);
	assert_int_equal(r.curl_code, CURLE_OPERATION_TIMEDOUT);
	http_resp_free(&r);
	/* The abandoned request is released, not kept until the hang cap. */
	for (i = 0, waiting = -1; i < 100 && waiting != 0; i++) {
		v = admin("GET", "/admin/counters", NULL);
		waiting = json_int_at(v, "waiting", -1);
		yajl_tree_free(v);
		if (waiting != 0)
			harness_sleep_ms(20);
	}
	assert_int_equal(waiting, 0);
	admin_ok("POST", "/admin/faults", "{}");
	yajl_tree_free(sheets("GET", "Operaciones!A1", "", NULL, 200, &r));
	http_resp_free(&r);

	/* A 429 storm hits the Sheets API only. */
	admin_ok("POST", "/admin/faults", "{\"storm_429_seconds\":30}");
	yajl_tree_free(sheets("GET", "Operaciones!A1", "", NULL, 429, &r));
	expect_quota_body(&r, "Read", "read_requests");
	http_resp_free(&r);
	assert_int_equal(fetch_token(token, sizeof(token), NULL), 0);

	/* An outage takes the token endpoint down too. */
	admin_ok("POST", "/admin/faults", "{\"fail_all_seconds\":30}");
	assert_int_equal(fetch_token(token, sizeof(token), NULL), -1);
	yajl_tree_free(sheets("GET", "Operaciones!A1", "", NULL, 503, &r));
	http_resp_free(&r);

	/* A seed restarts the coin flips: the same calls, the same faults. */
	seeded_faults(first, sizeof(first));
	seeded_faults(again, sizeof(again));
	assert_string_equal(first, again);
	assert_non_null(strchr(first, 'E'));
	assert_non_null(strchr(first, '.'));
	(void)snprintf(url, sizeof(url), "%s/admin/faults", g.base);
	assert_int_equal(http_call("POST", url, NULL, "application/json",
	    "{\"seed\":-1}", HTTP_TIMEOUT_MS, &r), 0);
	assert_int_equal(r.status, 400);
	http_resp_free(&r);

	v = admin("POST", "/admin/faults", "{}");
	assert_true(json_at(v, "fail_all_seconds_left") != NULL &&
	    YAJL_GET_DOUBLE(json_at(v, "fail_all_seconds_left")) == 0.0);
	yajl_tree_free(v);
	assert_int_equal(fetch_token(token, sizeof(token), NULL), 0);
}

/*
 * values:batchGetByDataFilter, Google's POST form of batchGet: A1 filters
 * in the body, one MatchedValueRange per filter in request order echoing
 * it, one read.
 */
static void
test_batch_get_by_data_filter(void **state)
{
	struct http_resp	r;
	yajl_val		v;

	(void)state;
	admin_ok("POST", "/admin/counters/reset", NULL);
	v = sheets("POST", NULL, "/values:batchGetByDataFilter",
	    "{\"dataFilters\":[{\"a1Range\":\"Operaciones!C1\"},"
	    "{\"a1Range\":\"A1:C1\"},{\"a1Range\":\"Operaciones!C1\"}],"
	    "\"majorDimension\":\"ROWS\","
	    "\"valueRenderOption\":\"FORMATTED_VALUE\"}", 200, &r);
	assert_string_equal(json_str_at(v, "spreadsheetId"), g.spreadsheet_id);
	assert_int_equal(json_len_at(v, "valueRanges"), 3);
	assert_string_equal(json_str_at(v, "valueRanges[0].valueRange.range"),
	    "Operaciones!C1");
	assert_string_equal(json_str_at(v,
	    "valueRanges[0].valueRange.majorDimension"), "ROWS");
	assert_cell(v, "valueRanges[0].valueRange.values[0][0]", "TAG_SPOOL");
	assert_string_equal(json_str_at(v,
	    "valueRanges[0].dataFilters[0].a1Range"), "Operaciones!C1");
	assert_string_equal(json_str_at(v, "valueRanges[1].valueRange.range"),
	    "Operaciones!A1:C1");
	assert_string_equal(json_str_at(v,
	    "valueRanges[1].dataFilters[0].a1Range"), "A1:C1");
	assert_cell(v, "valueRanges[2].valueRange.values[0][0]", "TAG_SPOOL");
	yajl_tree_free(v);
	http_resp_free(&r);

	/* What Google refuses, and what the emulator does not implement. */
	yajl_tree_free(sheets("POST", NULL, "/values:batchGetByDataFilter",
	    "{\"dataFilters\":[]}", 400, &r));
	http_resp_free(&r);
	yajl_tree_free(sheets("POST", NULL, "/values:batchGetByDataFilter",
	    "{\"dataFilters\":[{\"a1Range\":\"NoSuchSheet!A1\"}]}", 400,
	    &r));
	assert_error_body(&r, 400, "INVALID_ARGUMENT",
	    "Unable to parse range: NoSuchSheet!A1");
	http_resp_free(&r);
	yajl_tree_free(sheets("POST", NULL, "/values:batchGetByDataFilter",
	    "{\"dataFilters\":[{\"gridRange\":{\"sheetId\":0}}]}", 400,
	    &r));
	http_resp_free(&r);
	yajl_tree_free(sheets("POST", NULL, "/values:batchGetByDataFilter",
	    "{\"ranges\":[\"A1\"]}", 400, &r));
	http_resp_free(&r);
	yajl_tree_free(sheets("GET", NULL, "/values:batchGetByDataFilter",
	    NULL, 404, &r));
	http_resp_free(&r);

	v = admin("GET", "/admin/counters", NULL);
	assert_int_equal(json_int_at(v, "calls.batchGetByDataFilter", -1), 5);
	assert_int_equal(json_int_at(v, "calls.batchGet", -1), 0);
	assert_int_equal(json_int_at(v, "reads", -1), 5);
	assert_int_equal(json_int_at(v, "writes", -1), 0);
	yajl_tree_free(v);
}

/*
 * Kore (HTTP_URI_LEN) refuses a request target of 1,999 bytes or more
 * with 414: the 2 KB that Google's client libraries stay under
 * (sheets_client.h, SHEETS_URI_MAX).
 */
static void
test_uri_limit(void **state)
{
	struct http_resp	 r;
	char			*url;
	size_t			 base, want, n;

	(void)state;
	assert_non_null(url = malloc(4096));
	for (want = 1998; want <= 1999; want++) {
		n = (size_t)snprintf(url, 4096, "%s/v4/spreadsheets/%s/values:"
		    "batchGet?ranges=A1&pad=", g.base, g.spreadsheet_id);
		base = strlen(g.base);
		assert_true(n - base < want);
		memset(url + n, 'x', want - (n - base));
		url[base + want] = '\0';
		assert_int_equal(http_call("GET", url, g.token, NULL, NULL,
		    HTTP_TIMEOUT_MS, &r), 0);
		assert_int_equal(r.status, want < 1999 ? 200 : 414);
		http_resp_free(&r);
	}
	free(url);
}

static void
test_counters(void **state)
{
	struct http_resp	r;
	yajl_val		v;
	char			url[512], token[256];

	(void)state;
	v = admin("POST", "/admin/counters/reset", NULL);
	assert_int_equal(json_int_at(v, "total", -1), 0);
	yajl_tree_free(v);

	yajl_tree_free(get_values("Operaciones!A1", ""));
	yajl_tree_free(sheets("GET", NULL, "/values:batchGet?ranges=A1&"
	    "ranges=Roles!A1", NULL, 200, &r));
	http_resp_free(&r);
	yajl_tree_free(sheets("POST", NULL, "/values:batchUpdate",
	    "{\"valueInputOption\":\"RAW\",\"data\":[{\"range\":"
	    "\"Metadata!M1\",\"values\":[[\"n\"]]}]}", 200, &r));
	http_resp_free(&r);
	(void)snprintf(url, sizeof(url), "%s/v4/spreadsheets/nope/values/A1",
	    g.base);
	assert_int_equal(http_call("GET", url, g.token, NULL, NULL,
	    HTTP_TIMEOUT_MS, &r), 0);
	assert_int_equal(r.status, 404);
	http_resp_free(&r);
	v4_url(url, sizeof(url), "A1", "");
	assert_int_equal(http_call("GET", url, NULL, NULL, NULL,
	    HTTP_TIMEOUT_MS, &r), 0);
	assert_int_equal(r.status, 401);
	http_resp_free(&r);
	assert_int_equal(fetch_token(token, sizeof(token), NULL), 0);
	yajl_tree_free(sheets("GET", NULL, "", NULL, 200, &r));
	http_resp_free(&r);
	yajl_tree_free(sheets("POST", NULL, ":batchUpdate",
	    "{\"requests\":[]}", 400, &r));
	http_resp_free(&r);

	v = admin("GET", "/admin/counters", NULL);
	assert_int_equal(json_int_at(v, "calls.get", -1), 3);
	assert_int_equal(json_int_at(v, "calls.batchGet", -1), 1);
	assert_int_equal(json_int_at(v, "calls.batchUpdate", -1), 1);
	assert_int_equal(json_int_at(v, "calls.token", -1), 1);
	assert_int_equal(YAJL_GET_INTEGER(json_member(json_at(v, "calls"),
	    "spreadsheets.get")), 1);
	assert_int_equal(YAJL_GET_INTEGER(json_member(json_at(v, "calls"),
	    "spreadsheets.batchUpdate")), 1);
	assert_int_equal(json_int_at(v, "outcomes.ok", -1), 5);
	assert_int_equal(json_int_at(v, "outcomes.4xx", -1), 3);
	assert_int_equal(json_int_at(v, "reads", -1), 4);
	assert_int_equal(json_int_at(v, "writes", -1), 2);
	assert_int_equal(json_int_at(v, "total", -1), 8);
	yajl_tree_free(v);
}

/* Near the end: it restarts the emulator with a two-second token TTL. */
static void
test_persistence_and_expiry(void **state)
{
	static const char	 unauth[] = UNAUTH_MESSAGE;
	char			*extra[] = { "--token-ttl", "2", NULL };
	struct http_resp	 r;
	yajl_val		 v, wb;
	char			*text, value[64], old[256];
	long long		 ttl = 0;
	long			 i, n;
	int			 found = 0;

	(void)state;
	ensure_sheet("My Sheet", 1000, 26);
	(void)snprintf(value, sizeof(value), "persisted-%ld", (long)getpid());
	{
		char	vals[128];

		(void)snprintf(vals, sizeof(vals), "[[\"%s\"]]", value);
		put_values("'My Sheet'!Z3", "RAW", vals);
	}
	stop_emulator();

	/* The file on disk is valid JSON and holds the write. */
	assert_non_null(text = slurp(g.workbook));
	wb = parse_or_fail(text);
	free(text);
	n = json_len_at(wb, "sheets");
	for (i = 0; i < n; i++) {
		char	path[64];

		(void)snprintf(path, sizeof(path), "sheets[%ld]", i);
		if (strcmp(json_str_at(json_at(wb, path), "title"),
		    "My Sheet") != 0)
			continue;
		assert_string_equal(json_str_at(json_at(wb, path),
		    "rows[2][25]"), value);
		found = 1;
	}
	assert_true(found);
	yajl_tree_free(wb);

	(void)snprintf(old, sizeof(old), "%s", g.token);
	assert_true((g.pid = launch(extra)) > 0);

	/* Tokens live in the old process's memory only. */
	yajl_tree_free(sheets("GET", "'My Sheet'!Z3", "", NULL, 401, &r));
	http_resp_free(&r);
	assert_int_equal(fetch_token(g.token, sizeof(g.token), &ttl), 0);
	assert_true(strcmp(old, g.token) != 0);
	assert_int_equal(ttl, 2);
	v = get_values("'My Sheet'!Z3", "");
	assert_cell(v, "values[0][0]", value);
	yajl_tree_free(v);

	harness_sleep_ms(2300);
	yajl_tree_free(sheets("GET", "'My Sheet'!Z3", "", NULL, 401, &r));
	assert_error_body(&r, 401, "UNAUTHENTICATED", unauth);
	http_resp_free(&r);
}

/*
 * After everything else: the emulator shuts down cleanly and its log has
 * no sanitizer report, no seccomp kill and no worker crash.
 */
static void
test_log_clean(void **state)
{
	static const char *const	 bad[] = { "AddressSanitizer",
	    "runtime error:", "seccomp violation", ") gone",
	    "exited with status", NULL };
	char				*log;
	int				 i;

	(void)state;
	stop_emulator();
	assert_non_null(log = slurp(g.log));
	assert_non_null(strstr(log, "emulator: spreadsheet"));
	assert_non_null(strstr(log, "goodbye"));
	for (i = 0; bad[i] != NULL; i++) {
		if (strstr(log, bad[i]) != NULL)
			fail_msg("%s: found \"%s\"", g.log, bad[i]);
	}
	free(log);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test_setup(test_demo_workbook, reset_state),
		cmocka_unit_test_setup(test_token_ok, reset_state),
		cmocka_unit_test_setup(test_token_errors, reset_state),
		cmocka_unit_test_setup(test_unauthenticated, reset_state),
		cmocka_unit_test_setup(test_not_found, reset_state),
		cmocka_unit_test_setup(test_trim_and_range_echo, reset_state),
		cmocka_unit_test_setup(test_value_types, reset_state),
		cmocka_unit_test_setup(test_cell_limit_in_characters,
		    reset_state),
		cmocka_unit_test_setup(test_append_google_example, reset_state),
		cmocka_unit_test_setup(test_batch_update_atomic, reset_state),
		cmocka_unit_test_setup(test_grid_limits, reset_state),
		cmocka_unit_test_setup(test_append_dimension, reset_state),
		cmocka_unit_test_setup(test_fields_mask, reset_state),
		cmocka_unit_test_setup(test_quota, reset_state),
		cmocka_unit_test_setup(test_faults, reset_state),
		cmocka_unit_test_setup(test_batch_get_by_data_filter,
		    reset_state),
		cmocka_unit_test_setup(test_uri_limit, reset_state),
		cmocka_unit_test_setup(test_counters, reset_state),
		cmocka_unit_test_setup(test_persistence_and_expiry,
		    reset_state),
		cmocka_unit_test(test_log_clean),
	};

	return (cmocka_run_group_tests(tests, group_setup, group_teardown));
}
