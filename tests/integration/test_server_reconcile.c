/*
 * Redis <-> Sheets reconciliation (issue 4, done-means 6): locks deleted
 * while spools are occupied in the workbook come back within a cycle; a
 * lock whose spool is free in the workbook is removed once it has been
 * stray for the grace period; a lock that agrees with the workbook is
 * left alone.
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
#include "server.h"

#define INTERVAL_S	2
#define GRACE_S		1

static struct emu		emu;
static struct test_server	srv;

static int
setup(void **state)
{
	char	*env[8];
	size_t	 i;

	(void)state;
	if (emu_start(&emu, 200, 20, NULL) == -1)
		return (-1);
	for (i = 0; emu.te.env[i] != NULL; i++)
		env[i] = emu.te.env[i];
	env[i++] = "RECONCILE_INTERVAL_SECONDS=2";
	env[i++] = "RECONCILE_GRACE_SECONDS=1";
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

/* "VERB spool_lock:TAG [value]" through redis-cli. */
static char *
redis(const char *verb, const char *tag, const char *value)
{
	char	args[256], *out;
	size_t	n;

	snprintf(args, sizeof(args), "%s spool_lock:%.80s %s", verb, tag,
	    value != NULL ? value : "");
	out = harness_redis_cli(srv.redis_port, args);
	n = strlen(out);
	while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == '\r'))
		out[--n] = '\0';
	return (out);
}

/* Ayudante workers can take ARM: the first one in the roster. */
static long long
an_arm_worker(void)
{
	struct http_reply	 r;
	yajl_val		 j, list, roles;
	char			 url[128];
	size_t			 i, k;
	long long		 id = -1;

	snprintf(url, sizeof(url), "%s/api/workers", srv.base);
	assert_int_equal(http_get(url, 10000, &r), 0);
	j = http_reply_json(&r);
	list = jpath(j, "workers", NULL);
	for (i = 0; list != NULL && i < list->u.array.len && id < 0; i++) {
		roles = jpath(list->u.array.values[i], "roles", NULL);
		for (k = 0; roles != NULL && k < roles->u.array.len; k++) {
			const char *name = YAJL_IS_STRING(
			    roles->u.array.values[k]) ?
			    YAJL_GET_STRING(roles->u.array.values[k]) : NULL;

			if (name != NULL && strcmp(name, "Ayudante") == 0)
				id = jpath_int(list->u.array.values[i], -1,
				    "id", NULL);
		}
	}
	yajl_tree_free(j);
	http_reply_free(&r);
	return (id);
}

static size_t
free_arm_spools(char tags[][80], size_t want)
{
	struct http_reply	 r;
	yajl_val		 j, list;
	char			 url[160];
	size_t			 i, n = 0;

	snprintf(url, sizeof(url), "%s/api/spools/iniciar?operacion=ARM",
	    srv.base);
	assert_int_equal(http_get(url, 10000, &r), 0);
	j = http_reply_json(&r);
	list = jpath(j, "spools", NULL);
	for (i = 0; list != NULL && i < list->u.array.len && n < want; i++) {
		/* v3 spools: a v4 one is taken through INICIAR. */
		if (jpath_int(list->u.array.values[i], 0, "total_uniones",
		    NULL) > 0)
			continue;
		snprintf(tags[n++], 80, "%s", jpath_str(list->u.array.values[i],
		    "tag_spool", NULL));
	}
	yajl_tree_free(j);
	http_reply_free(&r);
	return (n);
}

static void
tomar(const char *tag, long long worker)
{
	struct http_reply	 r;
	char			 url[160], body[256];
	const char		*h[] = { "Content-Type: application/json",
				    NULL };

	snprintf(url, sizeof(url), "%s/api/occupation/tomar", srv.base);
	snprintf(body, sizeof(body), "{\"tag_spool\":\"%.80s\",\"worker_id\":"
	    "%lld,\"operacion\":\"ARM\"}", tag, worker);
	assert_int_equal(http_request("POST", url, h, body, strlen(body),
	    15000, &r), 0);
	assert_int_equal(r.status, 200);
	http_reply_free(&r);
}

static void
test_lost_locks_restored_stray_lock_removed(void **state)
{
	char		 tags[4][80], *v, want[32];
	long long	 worker;
	uint64_t	 end;
	size_t		 i, back;

	(void)state;
	worker = an_arm_worker();
	assert_true(worker > 0);
	assert_int_equal(free_arm_spools(tags, 4), 4);
	for (i = 0; i < 3; i++)
		tomar(tags[i], worker);

	/* Redis forgets every lock; the workbook still says occupied. */
	for (i = 0; i < 3; i++)
		free(redis("DEL", tags[i], NULL));
	/* And a lock for a spool the workbook says is free. */
	v = redis("SET", tags[3], "4242:crash-residue");
	free(v);

	snprintf(want, sizeof(want), "%lld:", worker);
	end = harness_now_ms() + 3 * INTERVAL_S * 1000 + 2000;
	do {
		harness_sleep_ms(200);
		for (i = 0, back = 0; i < 3; i++) {
			v = redis("GET", tags[i], NULL);
			back += strncmp(v, want, strlen(want)) == 0;
			free(v);
		}
	} while (back < 3 && harness_now_ms() < end);
	assert_int_equal(back, 3);

	end = harness_now_ms() + (GRACE_S + 3 * INTERVAL_S) * 1000 + 2000;
	do {
		harness_sleep_ms(200);
		v = redis("EXISTS", tags[3], NULL);
		back = (size_t)atoi(v);
		free(v);
	} while (back != 0 && harness_now_ms() < end);
	assert_int_equal(back, 0);

	/* The restored locks agree with the workbook: they stay. */
	harness_sleep_ms((GRACE_S + 2 * INTERVAL_S) * 1000);
	for (i = 0; i < 3; i++) {
		v = redis("GET", tags[i], NULL);
		assert_int_equal(strncmp(v, want, strlen(want)), 0);
		free(v);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lost_locks_restored_stray_lock_removed),
	};

	return (cmocka_run_group_tests_name("server_reconcile", tests, setup,
	    teardown));
}
