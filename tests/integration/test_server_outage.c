/*
 * Redis outages as the server meets them (done-means 3, 4 and 6): Redis
 * stopped and restarted, 20 times over; Redis accepting but silent; a
 * worker killed.  Health tells the truth within its interval, nothing
 * hangs, /livez never depends on Redis, and the connection count returns
 * to its steady value every time.
 */
#include <sys/types.h>

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"
#include "server.h"

#define HEALTH_INTERVAL_S	5
#define SOCKET_TIMEOUT_S	2
#define STEADY_CONNECTIONS	4	/* 2 workers x (1 command + 1 sub) */

static struct test_server	srv;

static int
setup(void **state)
{
	char	*env[] = { "REDIS_HEALTH_CHECK_INTERVAL=5",
		    "REDIS_SOCKET_TIMEOUT=2", "REDIS_SOCKET_CONNECT_TIMEOUT=2",
		    "WORKERS=2", NULL };

	(void)state;
	memset(&srv, 0, sizeof(srv));
	return (test_server_start(&srv, env));
}

static int
teardown(void **state)
{
	(void)state;
	return (test_server_stop(&srv));
}

static yajl_val
get_json(const char *path, long *status, struct http_reply *r)
{
	char	url[256];

	snprintf(url, sizeof(url), "%s%s", srv.base, path);
	if (http_get(url, 10000, r) == -1)
		return (NULL);
	*status = r->status;
	return (http_reply_json(r));
}

static int
wait_status(const char *path, long want, int timeout_ms)
{
	uint64_t	end = harness_now_ms() + (uint64_t)timeout_ms;

	while (harness_now_ms() < end) {
		if (test_server_status(&srv, path, 5000) == want)
			return (0);
		harness_sleep_ms(50);
	}
	return (-1);
}

static int
redis_start(void)
{
	srv.redis = harness_start_redis(srv.redis_port, harness_tmpdir());
	return (srv.redis > 0 ? 0 : -1);
}

static void
redis_stop(void)
{
	harness_stop(srv.redis, 5000);
	srv.redis = 0;
}

/* Waits for the service's client count to settle at want. */
static int
wait_clients(int want, int timeout_ms)
{
	uint64_t	end = harness_now_ms() + (uint64_t)timeout_ms;

	while (harness_now_ms() < end) {
		if (harness_redis_clients(srv.redis_port, srv.prefix) == want)
			return (0);
		harness_sleep_ms(100);
	}
	return (-1);
}

static void
test_stopped_redis_is_reported_and_recovered(void **state)
{
	struct http_reply	 r;
	yajl_val		 j;
	uint64_t		 t0, took;
	long			 status;
	char			 retry[16];
	const char		*err;

	(void)state;
	redis_stop();
	t0 = harness_now_ms();
	for (;;) {
		j = get_json("/api/health", &status, &r);
		assert_int_equal(status, 200);
		if (jpath_str(j, "redis_connection", NULL) != NULL &&
		    strcmp(jpath_str(j, "redis_connection", NULL), "error") == 0)
			break;
		yajl_tree_free(j);
		http_reply_free(&r);
		assert_true(harness_now_ms() - t0 <
		    (HEALTH_INTERVAL_S + 5) * 1000);
		harness_sleep_ms(200);
	}
	err = jpath_str(j, "details", "redis_error", NULL);
	assert_non_null(err);
	assert_true(strlen(err) > 0);
	assert_string_not_equal(jpath_str(j, "status", NULL), "healthy");
	assert_true(YAJL_IS_FALSE(jpath(j, "operational", NULL)));
	yajl_tree_free(j);
	http_reply_free(&r);

	/* Redis-backed routes answer 503 + Retry-After, quickly. */
	t0 = harness_now_ms();
	j = get_json("/readyz", &status, &r);
	took = harness_now_ms() - t0;
	assert_int_equal(status, 503);
	assert_true(took < (SOCKET_TIMEOUT_S + 1) * 1000);
	assert_int_equal(http_reply_header(&r, "retry-after", retry,
	    sizeof(retry)), 0);
	assert_string_equal(jpath_str(j, "error", NULL), "REDIS_UNAVAILABLE");
	assert_non_null(jpath_str(j, "detail", NULL));
	yajl_tree_free(j);
	http_reply_free(&r);

	t0 = harness_now_ms();
	j = get_json("/api/redis-health", &status, &r);
	assert_int_equal(status, 503);
	assert_true(harness_now_ms() - t0 < (SOCKET_TIMEOUT_S + 1) * 1000);
	assert_int_equal(http_reply_header(&r, "retry-after", retry,
	    sizeof(retry)), 0);
	assert_string_equal(jpath_str(j, "status", NULL), "disconnected");
	yajl_tree_free(j);
	http_reply_free(&r);

	/* /livez does not care. */
	assert_int_equal(test_server_status(&srv, "/livez", 1000), 200);

	assert_int_equal(redis_start(), 0);
	assert_int_equal(wait_status("/readyz", 200, 15000), 0);
	j = get_json("/api/health", &status, &r);
	assert_string_equal(jpath_str(j, "redis_connection", NULL), "ok");
	assert_true(YAJL_IS_NULL(jpath(j, "details", "redis_error", NULL)));
	yajl_tree_free(j);
	http_reply_free(&r);
	assert_int_equal(wait_clients(STEADY_CONNECTIONS, 5000), 0);
}

static void
test_twenty_outages_leak_nothing(void **state)
{
	struct http_reply	r;
	yajl_val		j;
	long			status;
	int			i;

	(void)state;
	for (i = 0; i < 20; i++) {
		redis_stop();
		assert_int_equal(wait_status("/readyz", 503, 5000), 0);
		assert_int_equal(redis_start(), 0);
		assert_int_equal(wait_status("/readyz", 200, 15000), 0);
	}
	assert_int_equal(wait_clients(STEADY_CONNECTIONS, 5000), 0);
	j = get_json("/api/redis-connection-stats", &status, &r);
	assert_int_equal(status, 200);
	assert_int_equal(jpath_int(j, -1, "open_connections", NULL),
	    STEADY_CONNECTIONS);
	assert_int_equal(jpath_int(j, -1, "redis_server",
	    "clients_of_this_service", NULL), STEADY_CONNECTIONS);
	yajl_tree_free(j);
	http_reply_free(&r);
}

/* CLIENT PAUSE: Redis holds every command; requests pay their deadline. */
static void
test_silent_redis_does_not_touch_liveness(void **state)
{
	uint64_t	t0, end;
	long		status;
	char		*out;
	int		livez_ok = 0;

	(void)state;
	out = harness_redis_cli(srv.redis_port, "CLIENT PAUSE 6000 ALL");
	free(out);
	t0 = harness_now_ms();
	status = test_server_status(&srv, "/readyz", 10000);
	assert_int_equal(status, 503);
	assert_true(harness_now_ms() - t0 < (SOCKET_TIMEOUT_S + 1) * 1000);

	/* While Redis stays silent, /livez answers at once, every time. */
	end = harness_now_ms() + 2000;
	while (harness_now_ms() < end) {
		t0 = harness_now_ms();
		assert_int_equal(test_server_status(&srv, "/livez", 1000), 200);
		assert_true(harness_now_ms() - t0 < 250);
		livez_ok++;
		harness_sleep_ms(50);
	}
	assert_true(livez_ok >= 10);
	assert_int_equal(wait_status("/readyz", 200, 15000), 0);
	assert_int_equal(wait_clients(STEADY_CONNECTIONS, 8000), 0);
}

/* Client ids of one worker's connections, from CLIENT LIST. */
static int
worker_client_ids(int worker, long long *ids, int max)
{
	char	*out, *line, *save, needle[96];
	int	 n = 0;

	snprintf(needle, sizeof(needle), " name=%sw%d:", srv.prefix, worker);
	out = harness_redis_cli(srv.redis_port, "CLIENT LIST");
	if (out == NULL)
		return (-1);
	for (line = strtok_r(out, "\n", &save); line != NULL && n < max;
	    line = strtok_r(NULL, "\n", &save)) {
		if (strstr(line, needle) != NULL && strncmp(line, "id=", 3) == 0)
			ids[n++] = atoll(line + 3);
	}
	free(out);
	return (n);
}

static long long
worker_pid(int worker)
{
	struct http_reply	r;
	yajl_val		j, list;
	long			status;
	long long		pid = -1;
	size_t			i;

	j = get_json("/api/redis-connection-stats", &status, &r);
	list = jpath(j, "per_worker", NULL);
	for (i = 0; list != NULL && i < list->u.array.len; i++) {
		if (jpath_int(list->u.array.values[i], 0, "worker", NULL) ==
		    worker &&
		    YAJL_IS_TRUE(jpath(list->u.array.values[i], "redis_up",
		    NULL)))
			pid = jpath_int(list->u.array.values[i], -1, "pid",
			    NULL);
	}
	yajl_tree_free(j);
	http_reply_free(&r);
	return (pid);
}

static void
test_killed_worker_is_rebuilt_without_residue(void **state)
{
	long long	before[16], after[16], pid, npid = -1;
	int		nb, na, i, k;
	uint64_t	end;

	(void)state;
	assert_int_equal(wait_clients(STEADY_CONNECTIONS, 8000), 0);
	nb = worker_client_ids(1, before, 16);
	assert_int_equal(nb, 2);
	pid = worker_pid(1);
	assert_true(pid > 0);
	assert_int_equal(kill((pid_t)pid, SIGKILL), 0);

	end = harness_now_ms() + 15000;
	while (harness_now_ms() < end) {
		npid = worker_pid(1);
		if (npid > 0 && npid != pid)
			break;
		harness_sleep_ms(100);
	}
	assert_true(npid > 0 && npid != pid);
	assert_int_equal(wait_status("/readyz", 200, 10000), 0);
	assert_int_equal(wait_clients(STEADY_CONNECTIONS, 8000), 0);
	na = worker_client_ids(1, after, 16);
	assert_int_equal(na, 2);
	for (i = 0; i < nb; i++) {
		for (k = 0; k < na; k++)
			assert_true(before[i] != after[k]);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stopped_redis_is_reported_and_recovered),
		cmocka_unit_test(test_twenty_outages_leak_nothing),
		cmocka_unit_test(test_silent_redis_does_not_touch_liveness),
		cmocka_unit_test(test_killed_worker_is_rebuilt_without_residue),
	};

	return (cmocka_run_group_tests_name("server_outage", tests, setup,
	    teardown));
}
