/*
 * A worker process must not outlive the process that forked it (Kore's
 * parent): orphaned workers keep ports, Redis connections and test
 * directories busy, and Kore's SIGTERM handler only asks them to stop.
 * The kernel kills the worker when its parent dies (PR_SET_PDEATHSIG
 * with SIGKILL, which no handler can catch), and the worker's tick asks
 * parent_watch_orphaned() for what that signal misses: a parent that died
 * before the request was made.
 */
#ifndef ZEUES_PARENT_WATCH_H
#define ZEUES_PARENT_WATCH_H

#include <sys/types.h>

/*
 * Arms the watch for this process, whose parent should be parent: 0, or
 * -1 with errno when the kernel refused.  Check parent_watch_orphaned()
 * right after it: the parent may have died before it was armed.
 */
int	parent_watch_arm(pid_t parent);
/* 1 when the parent given to parent_watch_arm() is gone. */
int	parent_watch_orphaned(void);

#endif
