/*
 * No worker outlives its parent (issue 9, defect 13): after a clean
 * `make test`, workers of a killed stack were found running an hour
 * later, reparented to init.  Here the Kore parent of the server, and
 * then of the Sheets emulator, is killed with SIGKILL (no handler, no
 * clean-up of its own) and every worker it had must be gone within a few
 * seconds.
 */
#include <sys/types.h>

#include <dirent.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "emulator.h"
#include "harness.h"
#include "server.h"

#define MAX_CHILDREN	16
#define GONE_WITHIN_MS	5000

/* The state letter and parent of pid from /proc, or 0 if it is gone. */
static char
proc_state(pid_t pid, pid_t *ppid)
{
	char	 path[64], buf[512], *p, state;
	FILE	*fp;
	int	 pp;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fp = fopen(path, "r")) == NULL)
		return (0);
	if (fgets(buf, sizeof(buf), fp) == NULL ||
	    (p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 1, " %c %d", &state, &pp) != 2)
		state = 0;
	fclose(fp);
	if (ppid != NULL)
		*ppid = (pid_t)pp;
	/* A zombie has exited; only its parent has yet to notice. */
	return (state == 'Z' ? 0 : state);
}

static int
children_of(pid_t parent, pid_t *out, int max)
{
	struct dirent	*de;
	DIR		*d;
	pid_t		 pid, ppid;
	int		 n = 0;

	if ((d = opendir("/proc")) == NULL)
		return (-1);
	while ((de = readdir(d)) != NULL && n < max) {
		if ((pid = (pid_t)atoi(de->d_name)) <= 0)
			continue;
		if (proc_state(pid, &ppid) != 0 && ppid == parent)
			out[n++] = pid;
	}
	closedir(d);
	return (n);
}

/*
 * Kills parent with SIGKILL once it has want children; returns how many
 * of them are still running GONE_WITHIN_MS later (and kills those, so a
 * failure leaves nothing behind).
 */
static int
orphans_after_parent_killed(pid_t parent, int want)
{
	pid_t		kids[MAX_CHILDREN];
	uint64_t	end;
	int		n = 0, left, i;

	end = harness_now_ms() + 10000;
	while ((n = children_of(parent, kids, MAX_CHILDREN)) < want &&
	    harness_now_ms() < end)
		harness_sleep_ms(50);
	assert_true(n >= want);
	assert_int_equal(kill(parent, SIGKILL), 0);
	assert_true(harness_wait_exit(parent, 5000) != -1);

	end = harness_now_ms() + GONE_WITHIN_MS;
	do {
		for (left = 0, i = 0; i < n; i++)
			left += proc_state(kids[i], NULL) != 0;
		if (left > 0)
			harness_sleep_ms(50);
	} while (left > 0 && harness_now_ms() < end);
	for (i = 0; i < n; i++) {
		if (proc_state(kids[i], NULL) != 0) {
			print_message("worker %d outlived its parent\n",
			    (int)kids[i]);
			kill(kids[i], SIGKILL);
		}
	}
	return (left);
}

static void
test_server_workers_die_with_their_parent(void **state)
{
	struct test_server	 s;
	char			*env[] = { "WORKERS=3", NULL };

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(test_server_start(&s, env), 0);
	assert_int_equal(orphans_after_parent_killed(s.pid, 3), 0);
	s.pid = 0;
	assert_int_equal(test_server_stop(&s), 0);
	assert_true(test_log_clean(s.log));
}

static void
test_emulator_workers_die_with_their_parent(void **state)
{
	struct test_emulator	e;

	(void)state;
	memset(&e, 0, sizeof(e));
	assert_int_equal(test_emulator_start(&e, 20, 5, NULL), 0);
	assert_int_equal(orphans_after_parent_killed(e.pid, 1), 0);
	e.pid = 0;
	assert_int_equal(test_emulator_stop(&e), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_server_workers_die_with_their_parent),
		cmocka_unit_test(test_emulator_workers_die_with_their_parent),
	};

	return (cmocka_run_group_tests_name("server_orphans", tests, NULL,
	    NULL));
}
