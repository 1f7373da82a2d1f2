/*
 * Unit tests for lib/base/parent_watch.c: a process armed with its parent is
 * killed when that parent exits, and parent_watch_orphaned() tells a
 * process whose recorded parent is no longer its parent.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"
#include "parent_watch.h"

static int
running(pid_t pid)
{
	char	 path[64], buf[256], *p;
	FILE	*fp;
	int	 alive = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fp = fopen(path, "r")) == NULL)
		return (0);
	if (fgets(buf, sizeof(buf), fp) != NULL &&
	    (p = strrchr(buf, ')')) != NULL)
		alive = p[1] == ' ' && p[2] != 'Z';
	fclose(fp);
	return (alive);
}

static void
test_orphaned(void **state)
{
	(void)state;
	assert_int_equal(parent_watch_arm(getppid()), 0);
	assert_int_equal(parent_watch_orphaned(), 0);
	/* A parent that is not ours counts as gone. */
	assert_int_equal(parent_watch_arm(getppid() + 1), 0);
	assert_int_equal(parent_watch_orphaned(), 1);
}

/* child forks grandchild (armed), reports its pid, exits: it must die. */
static void
test_killed_with_parent(void **state)
{
	pid_t		child, grandchild = 0;
	int		fds[2], status, i;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	if ((child = fork()) == 0) {
		pid_t	me = getpid(), g;

		if ((g = fork()) == 0) {
			if (parent_watch_arm(me) == -1 ||
			    parent_watch_orphaned())
				_exit(1);
			for (;;)
				pause();
		}
		(void)write(fds[1], &g, sizeof(g));
		_exit(0);
	}
	assert_true(child > 0);
	assert_int_equal(read(fds[0], &grandchild, sizeof(grandchild)),
	    sizeof(grandchild));
	close(fds[0]);
	close(fds[1]);
	assert_int_equal(waitpid(child, &status, 0), child);
	for (i = 0; i < 100 && running(grandchild); i++)
		harness_sleep_ms(20);
	if (running(grandchild)) {
		kill(grandchild, SIGKILL);
		fail_msg("the armed process outlived its parent");
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_orphaned),
		cmocka_unit_test(test_killed_with_parent),
	};

	return (cmocka_run_group_tests_name("parent_watch", tests, NULL,
	    NULL));
}
