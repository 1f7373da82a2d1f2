/*
 * A workbook bigger than one reply (issue 9, defect 4), on the real server
 * with the emulator:
 *
 *	- a 30,000-row, ~20 MB Operaciones is read in pieces: the floor
 *	  routes list it, a spool in its last rows can be taken, and
 *	  /api/health says healthy (under the sanitizers, 15,000 rows,
 *	  ~10 MB: still pieces, and the emulator, which takes minutes there
 *	  to load 20 MB, loads it within the test's minute);
 *	- a row no reply can carry (more cells than a row may have) makes
 *	  /api/health say degraded with the read cache's reason, while the
 *	  Sheets connection is fine; once the row is fixed it says healthy;
 *	  the log says so once each way.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "emulator_fixture.h"
#include "harness.h"
#include "server.h"

#define BIG_SPOOLS	30000
#define BIG_SPOOLS_SAN	15000
/* A row wider than a reply's row may be (SHEETS_LIMITS_DEFAULT_INIT). */
#define WIDE_CELLS	1100

static struct emu		emu;
static struct test_server	srv;

static int
server_up(void)
{
	char	*env[8];
	size_t	 i;

	for (i = 0; emu.te.env[i] != NULL; i++)
		env[i] = emu.te.env[i];
	env[i++] = "SHEETS_CACHE_TTL_MS=1000";
	/*
	 * One worker: the emulator (one process, slow under ASan) serves
	 * one cache's pieces, not two caches' at once.
	 */
	env[i++] = "WORKERS=1";
	env[i++] = "REQUEST_DEADLINE_MS=30000";
	env[i++] = "SHEETS_HEALTH_CHECK_INTERVAL=10";
	env[i] = NULL;
	memset(&srv, 0, sizeof(srv));
	return (test_server_start(&srv, env));
}

static int
teardown(void **state)
{
	int	bad;

	(void)state;
	bad = test_server_stop(&srv);
	bad |= emu_stop(&emu);
	return (bad);
}

/* GET path until it answers 200 (the first read may take a while). */
static yajl_val
get_200(const char *path, long within_ms)
{
	struct http_reply	 r;
	yajl_val		 j = NULL;
	uint64_t		 t0 = harness_now_ms();
	char			 url[256];

	snprintf(url, sizeof(url), "%s%s", srv.base, path);
	while (harness_now_ms() - t0 < (uint64_t)within_ms) {
		if (http_get(url, 30000, &r) == 0 && r.status == 200)
			j = http_reply_json(&r);
		http_reply_free(&r);
		if (j != NULL)
			return (j);
		harness_sleep_ms(200);
	}
	return (NULL);
}

/*
 * Polls /api/health until its status is want; copies its read cache
 * error ("" for null).  Returns 0 or -1.
 */
static int
wait_health(const char *want, long within_ms, char *why, size_t len)
{
	yajl_val	 j;
	const char	*st, *e;
	uint64_t	 t0 = harness_now_ms();

	while (harness_now_ms() - t0 < (uint64_t)within_ms) {
		if ((j = get_200("/api/health", 5000)) == NULL)
			return (-1);
		st = jpath_str(j, "status", NULL);
		e = jpath_str(j, "details", "read_cache_error", NULL);
		snprintf(why, len, "%s", e != NULL ? e : "");
		if (st != NULL && strcmp(st, want) == 0) {
			yajl_tree_free(j);
			return (0);
		}
		yajl_tree_free(j);
		harness_sleep_ms(200);
	}
	return (-1);
}

/* 0-based row of Operaciones holding "tag" in the workbook file, or -1. */
static long
row_in_file(const char *tag)
{
	char	*text, *ops, *at, needle[128];
	long	 row = -1;

	snprintf(needle, sizeof(needle), "\"%s\"", tag);
	if ((text = emu_slurp(emu.workbook)) == NULL)
		return (-1);
	/* One row a line, from the line after Operaciones' "rows". */
	if ((ops = strstr(text, "\"rows\"")) != NULL &&
	    (at = strstr(ops, needle)) != NULL) {
		for (row = -1; ops < at; ops++)
			row += *ops == '\n';
	}
	free(text);
	return (row);
}

/* An active worker holding role, from /api/workers. */
static long long
worker_with(const char *role)
{
	yajl_val	 j, list, w, roles;
	long long	 id = -1;
	size_t		 i, k;
	const char	*name;

	assert_non_null(j = get_200("/api/workers", 10000));
	list = jpath(j, "workers", NULL);
	for (i = 0; list != NULL && i < list->u.array.len && id < 0; i++) {
		w = list->u.array.values[i];
		roles = jpath(w, "roles", NULL);
		for (k = 0; roles != NULL && k < roles->u.array.len; k++) {
			name = YAJL_GET_STRING(roles->u.array.values[k]);
			if (name != NULL && strcmp(name, role) == 0)
				id = jpath_int(w, -1, "id", NULL);
		}
	}
	yajl_tree_free(j);
	return (id);
}

static void
test_thirty_thousand_rows(void **state)
{
	struct http_reply	 r;
	const char		*h[] = { "Content-Type: application/json",
				    NULL };
	yajl_val		 j, list;
	char			 tag[96], url[160], body[256], why[256];
	long long		 worker, reads;
	uint64_t		 t0;
	long			 row;
	int			 spools;
	size_t			 n;

	(void)state;
	/* SAN_ENV (Makefile) preloads the ASan runtime into the server. */
	spools = getenv("ZEUES_PRELOAD") != NULL ? BIG_SPOOLS_SAN : BIG_SPOOLS;
	assert_int_equal(emu_start(&emu, spools, 30, NULL), 0);
	assert_int_equal(server_up(), 0);
	t0 = harness_now_ms();

	/* Listed from every piece of the sheet. */
	j = get_200("/api/spools/iniciar?operacion=ARM", 45000);
	assert_non_null(j);
	list = jpath(j, "spools", NULL);
	assert_non_null(list);
	n = list->u.array.len;
	print_message("ARM to start: %zu spools, after %llu ms\n", n,
	    (unsigned long long)(harness_now_ms() - t0));
	assert_true(n > 1000);
	/* The last v3 one: a v4 spool is taken through INICIAR. */
	while (n > 1 && jpath_int(list->u.array.values[n - 1], 0,
	    "total_uniones", NULL) > 0)
		n--;
	snprintf(tag, sizeof(tag), "%s", jpath_str(list->u.array.values[n - 1],
	    "tag_spool", NULL));
	yajl_tree_free(j);
	row = row_in_file(tag);
	print_message("last one: %s, row %ld\n", tag, row + 1);
	assert_true(row > spools - 1000);

	/* A refresh costs a few reads of the quota, not dozens. */
	harness_sleep_ms(1100);
	emu_reset_counters(&emu);
	assert_non_null(j = get_200("/api/spools/iniciar?operacion=ARM",
	    30000));
	yajl_tree_free(j);
	reads = emu_counter(&emu, "calls", "batchGet", NULL);
	print_message("batchGets for one refresh: %lld\n", reads);
	assert_true(reads >= 2 && reads <= 8);

	/* Taken, near the end of the sheet. */
	assert_true((worker = worker_with("Armador")) > 0);
	snprintf(url, sizeof(url), "%s/api/occupation/tomar", srv.base);
	snprintf(body, sizeof(body), "{\"tag_spool\":\"%s\",\"worker_id\":"
	    "%lld,\"operacion\":\"ARM\"}", tag, worker);
	assert_int_equal(http_request("POST", url, h, body, strlen(body),
	    30000, &r), 0);
	if (r.status != 200)
		fail_msg("TOMAR %s: %ld %s", tag, r.status, r.body);
	http_reply_free(&r);

	if (wait_health("healthy", 40000, why, sizeof(why)) == -1)
		fail_msg("not healthy: %s", why);
	print_message("healthy after %llu ms\n",
	    (unsigned long long)(harness_now_ms() - t0));
	assert_string_equal(why, "");

}

/* The workbook file with Operaciones' row 5 made WIDE_CELLS wide. */
static char *
widen_row(const char *text)
{
	const char	*ops, *cols, *rows, *line, *end;
	char		*out, *p;
	size_t		 i;

	if ((ops = strstr(text, "\"Operaciones\"")) == NULL ||
	    (cols = strstr(ops, "\"columnCount\": ")) == NULL ||
	    (rows = strstr(ops, "\"rows\"")) == NULL)
		return (NULL);
	for (line = rows, i = 0; i < 5 && line != NULL; i++)
		line = strchr(line + 1, '\n');
	if (line == NULL || (end = strchr(line + 1, '\n')) == NULL)
		return (NULL);
	/* The row's closing bracket, before "," or the end of the line. */
	while (end > line && *end != ']')
		end--;
	if ((out = malloc(strlen(text) + WIDE_CELLS * 5 + 64)) == NULL)
		return (NULL);
	p = out;
	memcpy(p, text, (size_t)(cols - text));
	p += cols - text;
	p += sprintf(p, "\"columnCount\": %d", WIDE_CELLS);
	cols += strlen("\"columnCount\": ");
	while (*cols >= '0' && *cols <= '9')
		cols++;
	memcpy(p, cols, (size_t)(end - cols));
	p += end - cols;
	for (i = 0; i < WIDE_CELLS - 72; i++)
		p += sprintf(p, ",\"w\"");
	strcpy(p, end);
	return (out);
}

static int
count(const char *text, const char *what)
{
	int	n = 0;

	while ((text = strstr(text, what)) != NULL) {
		n++;
		text++;
	}
	return (n);
}

static void
test_unreadable_row_degrades_then_recovers(void **state)
{
	yajl_val	 j;
	char		*good, *wide, *log, why[256];

	(void)state;
	assert_int_equal(emu_start(&emu, 200, 20, NULL), 0);
	assert_non_null(good = emu_slurp(emu.workbook));
	assert_non_null(wide = widen_row(good));
	assert_int_equal(emu_restart_with(&emu, wide), 0);
	free(wide);
	assert_int_equal(server_up(), 0);

	/* A floor read tries the refresh; it cannot take row 5. */
	j = get_200("/api/spools/iniciar?operacion=ARM", 3000);
	yajl_tree_free(j);
	assert_int_equal(wait_health("degraded", 20000, why, sizeof(why)), 0);
	print_message("degraded: %s\n", why);
	assert_non_null(strstr(why, "row 5 of 'Operaciones' cannot be read"));

	/* Row 5 fixed: the next refresh reads it, health is back. */
	assert_int_equal(emu_restart_with(&emu, good), 0);
	free(good);
	j = get_200("/api/spools/iniciar?operacion=ARM", 20000);
	assert_non_null(j);
	yajl_tree_free(j);
	assert_int_equal(wait_health("healthy", 20000, why, sizeof(why)), 0);
	assert_string_equal(why, "");

	/* One log line when it went, one when it came back. */
	assert_non_null(log = emu_slurp(srv.log));
	assert_int_equal(count(log, "Sheets tables cannot be read: row 5"), 1);
	assert_int_equal(count(log, "Sheets tables read again"), 1);
	free(log);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test_teardown(test_thirty_thousand_rows,
		    teardown),
		cmocka_unit_test_teardown(
		    test_unreadable_row_degrades_then_recovers, teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
