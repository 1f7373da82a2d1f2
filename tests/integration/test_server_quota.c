/*
 * The write quota as one floor (issue 13), against real servers, Redis
 * and the emulator enforcing the production quota (60 reads and 60 writes
 * a minute):
 *
 *  - two instances of four workers sharing one Redis, tablets taking and
 *    releasing spools on both: the emulator sees at most one write call
 *    per quota slot (1 s), no 429, and every change answered 200;
 *  - a 429 storm: every change submitted during it is answered 200 and
 *    is in the workbook exactly once (one audit row each), and the
 *    service answers promptly after it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "emulator_fixture.h"
#include "floor_calls.h"
#include "harness.h"
#include "http_parallel.h"
#include "json_path.h"
#include "server.h"

#define TABLETS		16
#define RUN_MS		6000

static struct emu		emu;
static struct test_server	srv[2];
static int			nsrv;
static long long		worker;

static const char *const	quota_flags[] = { "--quota-reads", "60",
				    "--quota-writes", "60", NULL };

static int
start(int instances, const char *workers)
{
	char	*env[12], w[32];
	size_t	 i;
	int	 k;

	if (emu_start(&emu, 400, 30, quota_flags) == -1)
		return (-1);
	snprintf(w, sizeof(w), "WORKERS=%s", workers);
	memset(srv, 0, sizeof(srv));
	for (k = 0; k < instances; k++) {
		for (i = 0; emu.te.env[i] != NULL; i++)
			env[i] = emu.te.env[i];
		env[i++] = w;
		env[i++] = "REQUEST_DEADLINE_MS=20000";
		env[i++] = "SHEETS_COMMIT_MODE=shared";
		if (k > 0) {
			env[i++] = "INSTANCE_NAME=second";
			srv[k].redis_port = srv[0].redis_port;
			srv[k].redis = srv[0].redis;
		}
		env[i] = NULL;
		if (test_server_start(&srv[k], env) == -1)
			return (-1);
		nsrv = k + 1;
	}
	worker = floor_worker(srv[0].base, "Ayudante", NULL, 0);
	return (worker > 0 ? 0 : -1);
}

static int
teardown(void **state)
{
	int	bad = 0, k;

	(void)state;
	for (k = nsrv - 1; k >= 0; k--) {
		if (k > 0)
			srv[k].redis = 0;	/* the first one's */
		bad |= test_server_stop(&srv[k]);
	}
	nsrv = 0;
	bad |= emu_stop(&emu);
	return (bad);
}

static int
setup_two_instances(void **state)
{
	(void)state;
	return (start(2, "4"));
}

static int
setup_one_instance(void **state)
{
	(void)state;
	return (start(1, "2"));
}

/* Free v3 spools for ARM, up to want. */
static size_t
pick(char tags[][80], size_t want)
{
	yajl_val	 j, list, s;
	const char	*t;
	size_t		 i, n = 0;

	j = floor_get(srv[0].base, "/api/spools/iniciar?operacion=ARM");
	list = jpath(j, "spools", NULL);
	for (i = 0; list != NULL && i < list->u.array.len && n < want; i++) {
		s = list->u.array.values[i];
		t = jpath_str(s, "tag_spool", NULL);
		if (t == NULL || !YAJL_IS_NULL(jpath(s, "armador", NULL)) ||
		    jpath_int(s, 0, "total_uniones", NULL) > 0)
			continue;
		snprintf(tags[n++], 80, "%s", t);
	}
	yajl_tree_free(j);
	return (n);
}

/* One action on every tag at once, tablet i on instance i % nsrv. */
static void
all_at_once(const char *action, char tags[][80], size_t n, long *ok)
{
	static char	 url[TABLETS][160], body[TABLETS][200];
	struct http_job	 jobs[TABLETS];
	size_t		 i;

	memset(jobs, 0, sizeof(jobs));
	for (i = 0; i < n; i++) {
		snprintf(url[i], sizeof(url[i]), "%s/api/occupation/%s",
		    srv[i % (size_t)nsrv].base, action);
		snprintf(body[i], sizeof(body[i]), "{\"tag_spool\":\"%s\","
		    "\"worker_id\":%lld,\"operacion\":\"ARM\"}", tags[i],
		    worker);
		jobs[i].url = url[i];
		jobs[i].body = body[i];
		jobs[i].bodylen = strlen(body[i]);
	}
	http_parallel(jobs, n, n, 30000);
	for (i = 0; i < n; i++) {
		if (jobs[i].reply.status == 200)
			(*ok)++;
		else
			fprintf(stderr, "%s %s: %ld\n", action, tags[i],
			    (long)jobs[i].reply.status);
	}
	http_parallel_free(jobs, n);
}

static long long
writes(void)
{
	return (emu_counter(&emu, "writes", NULL));
}

static void
test_two_instances_one_write_per_slot(void **state)
{
	char		tags[TABLETS][80];
	long		ok = 0, sent = 0;
	long long	w0, w1;
	uint64_t	t0, elapsed;

	(void)state;
	assert_int_equal(pick(tags, TABLETS), TABLETS);
	w0 = writes();
	t0 = harness_now_ms();
	while (harness_now_ms() - t0 < RUN_MS) {
		all_at_once("tomar", tags, TABLETS, &ok);
		all_at_once("pausar", tags, TABLETS, &ok);
		sent += 2 * TABLETS;
	}
	elapsed = harness_now_ms() - t0;
	w1 = writes();
	fprintf(stderr, "%ld changes, %lld writes in %llu ms\n", sent,
	    w1 - w0, (unsigned long long)elapsed);
	assert_int_equal(ok, sent);
	assert_true(w1 - w0 > 0);
	/* One write a slot of 1 s for the whole deployment, at most. */
	assert_true(w1 - w0 <= (long long)(elapsed / 1000) + 1);
	assert_int_equal(emu_counter(&emu, "outcomes", "429", NULL), 0);
}

static void
test_429_storm_loses_nothing(void **state)
{
	struct floor_wb	 wb;
	char		 tags[8][80], cell[128];
	long		 ok = 0;
	uint64_t	 t0;
	size_t		 i;

	(void)state;
	assert_int_equal(pick(tags, 8), 8);
	assert_int_equal(emu_faults(&emu, "{\"storm_429_seconds\":3}"), 0);
	all_at_once("tomar", tags, 8, &ok);
	assert_int_equal(ok, 8);
	assert_true(emu_counter(&emu, "outcomes", "injected", NULL) > 0);

	/* Each change in the workbook once: its row and one audit row. */
	assert_int_equal(floor_wb_load(&emu, &wb), 0);
	for (i = 0; i < 8; i++) {
		assert_string_not_equal(floor_cell(&wb, tags[i],
		    "Ocupado_Por", cell, sizeof(cell)), "");
		assert_int_equal(floor_audits(&wb, tags[i], "TOMAR_SPOOL",
		    NULL, 0, NULL, 0), 1);
	}
	floor_wb_free(&wb);

	/* After the storm the service answers at its usual pace. */
	harness_sleep_ms(1000);
	ok = 0;
	t0 = harness_now_ms();
	all_at_once("pausar", tags, 8, &ok);
	assert_int_equal(ok, 8);
	assert_true(harness_now_ms() - t0 < 5000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_two_instances_one_write_per_slot,
		    setup_two_instances, teardown),
		cmocka_unit_test_setup_teardown(test_429_storm_loses_nothing,
		    setup_one_instance, teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
