/*
 * Unit tests for lib/http/worker_stats.c: the shared region (size limits,
 * zeroed, really shared with a forked child), claiming a slot (counters
 * kept across a restart, restarts counted, other slots untouched), and
 * pool_totals_sum(): only slots in use, open = command + subscriber, and
 * HIGH_UTILIZATION strictly above 80 % of the budget.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "nelem.h"
#include "worker_stats.h"

static void
test_map_limits(void **state)
{
	struct stats_region	*r;

	(void)state;
	assert_null(stats_region_map(0));
	assert_null(stats_region_map(WORKER_STATS_MAX + 1));
	assert_null(stats_region_map((size_t)-1));

	r = stats_region_map(WORKER_STATS_MAX);
	assert_non_null(r);
	assert_int_equal(r->nslots, WORKER_STATS_MAX);
	stats_region_unmap(r);

	r = stats_region_map(3);
	assert_non_null(r);
	assert_int_equal(r->nslots, 3);
	assert_int_equal(r->slot[0].pid, 0);
	assert_int_equal(r->slot[2].restarts, 0);
	assert_int_equal(r->slot[2].http.requests[0][0], 0);
	stats_region_unmap(r);
	stats_region_unmap(NULL);
}

/* What a forked worker writes, the parent (and its siblings) read. */
static void
test_map_shared_across_fork(void **state)
{
	struct stats_region	*r;
	struct worker_stats	*w;
	pid_t			 pid;
	int			 status;

	(void)state;
	r = stats_region_map(2);
	assert_non_null(r);
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		w = stats_region_claim(r, 1, (uint64_t)getpid(), 2, 1000);
		if (w == NULL)
			_exit(1);
		w->redis.commands_total = 12345;
		w->http.requests[ROUTE_LIVEZ][0] = 7;
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(r->slot[1].pid, (uint64_t)pid);
	assert_int_equal(r->slot[1].worker_id, 2);
	assert_int_equal(r->slot[1].redis.commands_total, 12345);
	assert_int_equal(r->slot[1].http.requests[ROUTE_LIVEZ][0], 7);
	assert_int_equal(r->slot[0].pid, 0);
	stats_region_unmap(r);
}

static void
test_claim(void **state)
{
	struct stats_region	*r;
	struct worker_stats	*w, *w2;

	(void)state;
	r = stats_region_map(2);
	assert_non_null(r);
	assert_null(stats_region_claim(r, 2, 100, 3, 1));
	assert_null(stats_region_claim(r, 64, 100, 3, 1));

	/* First start: not a restart. */
	w = stats_region_claim(r, 0, 4242, 1, 1700000000000ULL);
	assert_ptr_equal(w, &r->slot[0]);
	assert_int_equal(w->pid, 4242);
	assert_int_equal(w->worker_id, 1);
	assert_int_equal(w->started_unix_ms, 1700000000000ULL);
	assert_int_equal(w->restarts, 0);

	w->redis.connects_total = 5;
	w->redis.errors_total = 2;
	w->sub.messages_total = 40;
	w->http.requests[ROUTE_HEALTH][0] = 9;
	w->http.latency[ROUTE_HEALTH].count = 9;

	/* Restart in place: new pid and start, counters kept, one restart. */
	w2 = stats_region_claim(r, 0, 5151, 1, 1700000005000ULL);
	assert_ptr_equal(w2, w);
	assert_int_equal(w->pid, 5151);
	assert_int_equal(w->started_unix_ms, 1700000005000ULL);
	assert_int_equal(w->restarts, 1);
	assert_int_equal(w->redis.connects_total, 5);
	assert_int_equal(w->redis.errors_total, 2);
	assert_int_equal(w->sub.messages_total, 40);
	assert_int_equal(w->http.requests[ROUTE_HEALTH][0], 9);
	assert_int_equal(w->http.latency[ROUTE_HEALTH].count, 9);

	(void)stats_region_claim(r, 0, 6262, 1, 1700000009000ULL);
	assert_int_equal(w->restarts, 2);
	assert_int_equal(w->pid, 6262);

	/* The other slot was never touched. */
	assert_int_equal(r->slot[1].pid, 0);
	assert_int_equal(r->slot[1].restarts, 0);
	w2 = stats_region_claim(r, 1, 7373, 2, 1700000010000ULL);
	assert_ptr_equal(w2, &r->slot[1]);
	assert_int_equal(w2->restarts, 0);
	assert_int_equal(w->restarts, 2);
	stats_region_unmap(r);
}

static void
set_pool(struct worker_stats *w, uint64_t open, uint64_t active,
    uint64_t idle, uint64_t connecting, uint64_t pending, uint64_t waiting,
    uint64_t sub)
{
	w->redis.open = open;
	w->redis.active = active;
	w->redis.idle = idle;
	w->redis.connecting = connecting;
	w->redis.pending_commands = pending;
	w->redis.waiting_requests = waiting;
	w->sub.connected = sub;
}

/* Sums over the slots in use; a slot with pid 0 counts for nothing. */
static void
test_totals_sum(void **state)
{
	struct stats_region	*r;
	struct pool_totals	 t;

	(void)state;
	r = stats_region_map(3);
	assert_non_null(r);
	(void)stats_region_claim(r, 0, 101, 1, 0);
	(void)stats_region_claim(r, 1, 102, 2, 0);
	set_pool(&r->slot[0], 3, 2, 1, 1, 17, 4, 1);
	set_pool(&r->slot[1], 5, 1, 4, 0, 2, 0, 1);
	/* Slot 2 never claimed: ignored even though it holds figures. */
	set_pool(&r->slot[2], 100, 100, 100, 100, 100, 100, 1);

	memset(&t, 0x5a, sizeof(t));
	pool_totals_sum(r, 20, &t);
	assert_int_equal(t.workers, 2);
	assert_int_equal(t.max_connections, 20);
	assert_int_equal(t.command_open, 8);
	assert_int_equal(t.active, 3);
	assert_int_equal(t.idle, 5);
	assert_int_equal(t.connecting, 1);
	assert_int_equal(t.pending_commands, 19);
	assert_int_equal(t.waiting_requests, 4);
	assert_int_equal(t.pubsub, 2);
	assert_int_equal(t.open, 10);
	assert_true(t.utilization_percent == 50.0);
	assert_false(t.high_utilization);
	stats_region_unmap(r);
}

/* 80 % is the limit itself, not above it: 16/20 is fine, 17/20 is high. */
static void
test_high_utilization(void **state)
{
	static const struct {
		uint64_t	budget;
		uint64_t	cmd0, cmd1;	/* command connections */
		double		percent;
		int		high;
	} cases[] = {
		{ 20, 7, 7, 80.0, 0 },		/* 14 + 2 subscribers = 16 */
		{ 20, 8, 7, 85.0, 1 },		/* 17 */
		{ 20, 0, 0, 10.0, 0 },		/* just the subscribers */
		{ 20, 9, 9, 100.0, 1 },
		{ 20, 10, 10, 110.0, 1 },	/* over budget still reported */
		{ 10, 3, 3, 80.0, 0 },
		{ 30, 11, 11, 80.0, 0 },
		{ 30, 11, 12, 250.0 / 3.0, 1 },
		{ 1000, 399, 399, 80.0, 0 },
		{ 1000, 399, 400, 80.1, 1 },	/* just above */
		{ 0, 5, 5, 0.0, 0 },		/* no budget: no ratio */
	};
	struct stats_region	*r;
	struct pool_totals	 t;
	size_t			 i;

	(void)state;
	r = stats_region_map(2);
	assert_non_null(r);
	(void)stats_region_claim(r, 0, 101, 1, 0);
	(void)stats_region_claim(r, 1, 102, 2, 0);
	for (i = 0; i < NELEM(cases); i++) {
		set_pool(&r->slot[0], cases[i].cmd0, 0, cases[i].cmd0, 0, 0,
		    0, 1);
		set_pool(&r->slot[1], cases[i].cmd1, 0, cases[i].cmd1, 0, 0,
		    0, 1);
		pool_totals_sum(r, cases[i].budget, &t);
		assert_int_equal(t.open, cases[i].cmd0 + cases[i].cmd1 + 2);
		if (t.utilization_percent < cases[i].percent - 1e-9 ||
		    t.utilization_percent > cases[i].percent + 1e-9)
			fail_msg("case %zu: %.6f %%, want %.6f %%", i,
			    t.utilization_percent, cases[i].percent);
		if (t.high_utilization != cases[i].high)
			fail_msg("case %zu: %.6f %% high=%d, want %d", i,
			    t.utilization_percent, t.high_utilization,
			    cases[i].high);
	}
	stats_region_unmap(r);
}

static void
test_totals_empty(void **state)
{
	struct stats_region	*r;
	struct pool_totals	 t;

	(void)state;
	r = stats_region_map(4);
	assert_non_null(r);
	memset(&t, 0x5a, sizeof(t));
	pool_totals_sum(r, 20, &t);
	assert_int_equal(t.workers, 0);
	assert_int_equal(t.open, 0);
	assert_int_equal(t.pubsub, 0);
	assert_int_equal(t.max_connections, 20);
	assert_true(t.utilization_percent == 0.0);
	assert_false(t.high_utilization);
	stats_region_unmap(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_map_limits),
		cmocka_unit_test(test_map_shared_across_fork),
		cmocka_unit_test(test_claim),
		cmocka_unit_test(test_totals_sum),
		cmocka_unit_test(test_high_utilization),
		cmocka_unit_test(test_totals_empty),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
