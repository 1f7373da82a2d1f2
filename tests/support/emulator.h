/*
 * The project's Sheets emulator for integration tests: demo data generated
 * into the test's directory, the emulator on a free loopback port, and the
 * environment that points the server at it.
 */
#ifndef ZEUES_TEST_EMULATOR_H
#define ZEUES_TEST_EMULATOR_H

#include <sys/types.h>

struct test_emulator {
	int	port;
	pid_t	pid;
	char	dir[512];		/* demo data and state */
	char	base[64];		/* http://127.0.0.1:PORT */
	char	log[600];
	char	sheet_id[128];
	/* For the server: NULL-terminated "NAME=value" entries. */
	char	env_buf[4][700];
	char	*env[5];
};

/*
 * The one way tests start the emulator: run-emulator.sh (script) on port
 * with its files and extra flags, output appended to log, in a process
 * group of its own.  Its pid once it answers HTTP (its worker has loaded
 * the workbook), or -1 (the process ended, or did not answer within
 * timeout_ms).
 */
struct emulator_launch {
	const char		*script;
	int			 port;
	const char		*workbook;
	const char		*key;
	const char		*state_dir;
	const char		*module;	/* NULL: the script's default */
	const char *const	*flags;		/* NULL-terminated, or NULL */
	const char		*log;
	int			 timeout_ms;
};

pid_t	emulator_launch(const struct emulator_launch *);

/* Generates demo data (spools, workers) and starts the emulator. */
int	test_emulator_start(struct test_emulator *, int spools, int workers,
	    const char *const extra_flags[]);
/* Starts it again on the same port and data (after a stop). */
int	test_emulator_restart(struct test_emulator *);
/* -1 if its log holds a sanitizer report or a seccomp kill. */
int	test_emulator_stop(struct test_emulator *);

#endif
