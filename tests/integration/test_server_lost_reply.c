/*
 * A TOMAR whose lock Redis did set but whose reply never came (issue 9,
 * defect 6): the caller gets 503, and once Redis answers again the lock
 * that attempt wrote is given back within seconds - not left to block the
 * spool (409 to everyone) until reconciliation clears it minutes later.
 * The same for the release before a TOMAR runs again after a conflict.
 *
 * The server reaches its Redis through a proxy in this process that
 * forwards the lock's script and then drops everything (reply_blackhole.h),
 * so Redis runs the SET for certain and the answer is lost for certain.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "emulator_fixture.h"
#include "harness.h"
#include "reply_blackhole.h"
#include "server.h"

static struct emu		 emu;
static struct test_server	 srv;
static struct reply_blackhole	*bh;
static int			 redis_port;	/* Redis itself, not the proxy */
static long long		 worker_a, worker_b;

static long long	ayudante(size_t nth);

static int
setup(void **state)
{
	char	*env[12];
	size_t	 i;

	(void)state;
	if (emu_start(&emu, 200, 30, NULL) == -1)
		return (-1);
	for (i = 0; emu.te.env[i] != NULL; i++)
		env[i] = emu.te.env[i];
	env[i++] = "REDIS_SOCKET_TIMEOUT=1";
	env[i++] = "REDIS_SOCKET_CONNECT_TIMEOUT=1";
	env[i++] = "REDIS_HEALTH_CHECK_INTERVAL=1";
	/* Reconciliation must not be what frees the spool here. */
	env[i++] = "RECONCILE_GRACE_SECONDS=600";
	/* The cache keeps a version the test changes behind its back. */
	env[i++] = "SHEETS_CACHE_TTL_MS=600000";
	env[i] = NULL;

	memset(&srv, 0, sizeof(srv));
	redis_port = harness_free_port();
	if ((srv.redis = harness_start_redis(redis_port,
	    harness_tmpdir())) <= 0)
		return (-1);
	srv.redis_port = harness_free_port();
	if ((bh = blackhole_start(srv.redis_port, redis_port)) == NULL)
		return (-1);
	if (test_server_start(&srv, env) == -1)
		return (-1);
	worker_a = ayudante(0);
	worker_b = ayudante(1);
	return (worker_a > 0 && worker_b > 0 ? 0 : -1);
}

static int
teardown(void **state)
{
	int	bad;

	(void)state;
	bad = test_server_stop(&srv);
	blackhole_stop(bh);
	bad |= emu_stop(&emu);
	return (bad);
}

/* The nth worker of the roster with the Ayudante role (ARM and SOLD). */
static long long
ayudante(size_t nth)
{
	struct http_reply	 r;
	yajl_val		 j, list, roles;
	char			 url[128];
	size_t			 i, k, seen = 0;
	long long		 id = 0;
	const char		*name;

	snprintf(url, sizeof(url), "%s/api/workers", srv.base);
	if (http_get(url, 10000, &r) != 0 || r.status != 200)
		return (0);
	j = http_reply_json(&r);
	list = jpath(j, "workers", NULL);
	for (i = 0; list != NULL && i < list->u.array.len && id == 0; i++) {
		roles = jpath(list->u.array.values[i], "roles", NULL);
		for (k = 0; roles != NULL && k < roles->u.array.len; k++) {
			name = YAJL_GET_STRING(roles->u.array.values[k]);
			if (name == NULL || strcmp(name, "Ayudante") != 0)
				continue;
			if (seen++ == nth)
				id = jpath_int(list->u.array.values[i], 0,
				    "id", NULL);
			break;
		}
	}
	yajl_tree_free(j);
	http_reply_free(&r);
	return (id);
}

/* Two spools ready for ARM, free. */
static void
pick_spools(char tags[2][80])
{
	struct http_reply	 r;
	yajl_val		 j, list, s;
	const char		*t;
	char			 url[160];
	size_t			 i, n = 0;

	snprintf(url, sizeof(url), "%s/api/spools/iniciar?operacion=ARM",
	    srv.base);
	assert_int_equal(http_get(url, 10000, &r), 0);
	j = http_reply_json(&r);
	list = jpath(j, "spools", NULL);
	for (i = 0; list != NULL && i < list->u.array.len && n < 2; i++) {
		s = list->u.array.values[i];
		t = jpath_str(s, "tag_spool", NULL);
		/* v3 spools: a v4 one is taken through INICIAR. */
		if (t != NULL && YAJL_IS_NULL(jpath(s, "armador", NULL)) &&
		    jpath_int(s, 0, "total_uniones", NULL) == 0)
			snprintf(tags[n++], 80, "%s", t);
	}
	yajl_tree_free(j);
	http_reply_free(&r);
	assert_int_equal(n, 2);
}

static long
act(const char *action, const char *tag, long long worker, char *code,
    size_t len)
{
	struct http_reply	 r;
	yajl_val		 j;
	char			 url[160], body[256];
	const char		*h[] = { "Content-Type: application/json", NULL };
	long			 status;

	snprintf(url, sizeof(url), "%s/api/occupation/%s", srv.base, action);
	snprintf(body, sizeof(body), "{\"tag_spool\":\"%s\",\"worker_id\":"
	    "%lld,\"operacion\":\"ARM\"}", tag, worker);
	assert_int_equal(http_request("POST", url, h, body, strlen(body),
	    15000, &r), 0);
	status = r.status;
	j = http_reply_json(&r);
	snprintf(code, len, "%s", jpath_str(j, "error", NULL) != NULL ?
	    jpath_str(j, "error", NULL) : "");
	yajl_tree_free(j);
	http_reply_free(&r);
	return (status);
}

/* The lock as Redis itself has it ("" when none), asked past the proxy. */
static void
lock_of(const char *tag, char *out, size_t len)
{
	char	args[128], *v;
	size_t	n;

	snprintf(args, sizeof(args), "GET spool_lock:%s", tag);
	v = harness_redis_cli(redis_port, args);
	assert_non_null(v);
	n = strlen(v);
	while (n > 0 && (v[n - 1] == '\n' || v[n - 1] == '\r'))
		v[--n] = '\0';
	snprintf(out, len, "%s", v);
	free(v);
}

/*
 * What a lock script on tag has and nothing else does: one key, the
 * spool's.  The lock's key alone is not enough: the GET that reads the
 * holder first can share one read of the proxy with another worker's
 * EVALSHA (the relay's polls), which would trip it before the script.
 */
static void
lock_script_marker(const char *tag, char *out, size_t len)
{
	char	key[100];

	snprintf(key, sizeof(key), "spool_lock:%s", tag);
	snprintf(out, len, "$1\r\n1\r\n$%zu\r\n%s\r\n", strlen(key), key);
}

static void
test_lock_of_a_lost_reply_is_given_back(void **state)
{
	char		 tags[2][80], code[48], key[120], lock[160];
	uint64_t	 t0;

	(void)state;
	pick_spools(tags);
	/* Loads the scripts, so the armed request is the EVALSHA itself. */
	assert_int_equal(act("tomar", tags[0], worker_a, code, sizeof(code)),
	    200);
	assert_int_equal(act("pausar", tags[0], worker_a, code, sizeof(code)),
	    200);

	lock_script_marker(tags[1], key, sizeof(key));
	blackhole_arm(bh, "EVALSHA", key, 1);
	assert_int_equal(act("tomar", tags[1], worker_a, code, sizeof(code)),
	    503);
	assert_string_equal(code, "REDIS_UNAVAILABLE");
	assert_true(blackhole_tripped(bh));
	/* Redis did take it: this is the lock nobody was told about. */
	lock_of(tags[1], lock, sizeof(lock));
	assert_int_equal(atoll(lock), worker_a);
	harness_sleep_ms(1500);
	lock_of(tags[1], lock, sizeof(lock));
	assert_int_equal(atoll(lock), worker_a);

	/* Redis answers again: the spool is free within seconds. */
	blackhole_heal(bh);
	t0 = harness_now_ms();
	for (;;) {
		lock_of(tags[1], lock, sizeof(lock));
		if (lock[0] == '\0')
			break;
		if (harness_now_ms() - t0 > 15000)
			fail_msg("the lock of the lost reply is still there "
			    "after 15 s: %s", lock);
		harness_sleep_ms(100);
	}
	print_message("lock given back %llu ms after Redis answered again\n",
	    (unsigned long long)(harness_now_ms() - t0));

	/* And someone else can take the spool. */
	t0 = harness_now_ms();
	while (act("tomar", tags[1], worker_b, code, sizeof(code)) != 200) {
		assert_true(harness_now_ms() - t0 < 10000);
		harness_sleep_ms(200);
	}
	assert_int_equal(act("pausar", tags[1], worker_b, code, sizeof(code)),
	    200);
}

/* Replaces the workbook's from with to (same length) and restarts it. */
static void
edit_workbook(const char *from, const char *to)
{
	struct http_reply	 r;
	char			 url[160], *at;

	assert_int_equal(strlen(from), strlen(to));
	snprintf(url, sizeof(url), "%s/admin/workbook", emu.base);
	assert_int_equal(http_get(url, 10000, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(at = strstr(r.body, from));
	memcpy(at, to, strlen(to));
	assert_int_equal(emu_restart_with(&emu, r.body), 0);
	http_reply_free(&r);
}

/* A cell of the spool's row, as the emulator has it. */
static void
spool_cell(const char *tag, const char *header, char *out, size_t len)
{
	yajl_val	 wb = emu_workbook(&emu), ops;
	char		 buf[64];
	long		 ctag, col;
	size_t		 r;

	assert_non_null(wb);
	ops = emu_sheet(wb, "Operaciones");
	ctag = emu_column(ops, "TAG_SPOOL");
	col = emu_column(ops, header);
	out[0] = '\0';
	for (r = 1; r < emu_nrows(ops); r++) {
		if (strcmp(emu_cell(ops, r, (size_t)ctag, buf, sizeof(buf)),
		    tag) == 0)
			snprintf(out, len, "%s", emu_cell(ops, r, (size_t)col,
			    buf, sizeof(buf)));
	}
	yajl_tree_free(wb);
}

/*
 * The row changed behind the server's back: its write conflicts, and the
 * job gives back its lock before deciding again.  That release's answer
 * is lost too; the lock must not stay.
 */
static void
test_lock_of_a_lost_restart_release_is_given_back(void **state)
{
	char		 tags[2][80], code[48], key[120], lock[160];
	char		 version[64], edited[64];
	uint64_t	 t0;

	(void)state;
	pick_spools(tags);
	assert_int_equal(act("tomar", tags[0], worker_a, code, sizeof(code)),
	    200);
	assert_int_equal(act("pausar", tags[0], worker_a, code, sizeof(code)),
	    200);
	spool_cell(tags[0], "version", version, sizeof(version));
	assert_int_equal(strlen(version), 36);
	snprintf(edited, sizeof(edited), "%s", version);
	memcpy(edited, "00000000", 8);
	edit_workbook(version, edited);

	/*
	 * The release, not the take (its one empty argument), lost on its
	 * way: Redis keeps the lock and the server hears nothing.
	 */
	lock_script_marker(tags[0], key, sizeof(key));
	blackhole_arm(bh, key, "$0\r\n\r\n", 0);
	t0 = harness_now_ms();
	while (act("tomar", tags[0], worker_a, code, sizeof(code)) != 503 ||
	    !blackhole_tripped(bh)) {
		/* The emulator's restart may cost a try or two. */
		assert_false(blackhole_tripped(bh));
		assert_true(harness_now_ms() - t0 < 15000);
		harness_sleep_ms(200);
	}
	assert_string_equal(code, "REDIS_UNAVAILABLE");
	lock_of(tags[0], lock, sizeof(lock));
	assert_int_equal(atoll(lock), worker_a);

	blackhole_heal(bh);
	t0 = harness_now_ms();
	for (;;) {
		lock_of(tags[0], lock, sizeof(lock));
		if (lock[0] == '\0')
			break;
		if (harness_now_ms() - t0 > 15000)
			fail_msg("the lock of the lost release is still there "
			    "after 15 s: %s", lock);
		harness_sleep_ms(100);
	}
	print_message("lock given back %llu ms after Redis answered again\n",
	    (unsigned long long)(harness_now_ms() - t0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lock_of_a_lost_reply_is_given_back),
		cmocka_unit_test(test_lock_of_a_lost_restart_release_is_given_back),
	};

	return (cmocka_run_group_tests_name("server_lost_reply", tests, setup,
	    teardown));
}
