/*
 * Running the emulator (and the demo generator) as child processes of a
 * test, with deadlines on every wait.
 */
#ifndef TESTKIT_EMU_PROC_H
#define TESTKIT_EMU_PROC_H

#include <sys/types.h>

#include <limits.h>

struct emu_proc {
	pid_t	pid;		/* also the process group; 0 when stopped */
	int	port;
	char	log[PATH_MAX];
};

/* A port on 127.0.0.1 that was free a moment ago; -1 on failure. */
int	emu_free_port(void);

/*
 * Runs argv[0] with argv and waits for it to exit within timeout_ms.
 * Returns its exit status, or -1 (killed after the deadline, or no exec).
 */
int	emu_run(char *const argv[], const char *log, int timeout_ms);

/*
 * Starts run-emulator.sh (path in EMULATOR_RUN) with argv_extra appended,
 * in its own process group, output to p->log; waits until the port
 * accepts connections.  0, or -1 (the process is gone again).
 */
int	emu_start(struct emu_proc *, int port, const char *workbook,
	    const char *key, const char *state_dir, char *const argv_extra[],
	    const char *log);
/* SIGTERM, then SIGKILL after a deadline; reaps.  Safe to call twice. */
void	emu_stop(struct emu_proc *);

#endif
