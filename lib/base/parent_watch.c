/*
 * The worker's tie to its parent; see parent_watch.h.
 */
#include <sys/prctl.h>

#include <signal.h>
#include <unistd.h>

#include "parent_watch.h"

static pid_t	watched;

int
parent_watch_arm(pid_t parent)
{
	watched = parent;
	return (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0));
}

int
parent_watch_orphaned(void)
{
	/* Reparenting changes getppid() to init or a subreaper. */
	return (watched > 0 && getppid() != watched);
}
