/*
 * A poll(2) implementation of lib/loop/io_loop.h, for programs that drive the
 * asynchronous clients of lib/ without Kore: the tests, and command-line
 * tools such as zeues-migrate.
 */
#ifndef ZEUES_POLL_LOOP_H
#define ZEUES_POLL_LOOP_H

#include "io_loop.h"

struct poll_loop;

struct poll_loop	*poll_loop_new(void);
void			 poll_loop_free(struct poll_loop *);
struct io_loop		*poll_loop_io(struct poll_loop *);

/* Waits up to timeout_ms for readiness and dispatches it; returns the
 * number of watches dispatched, or -1 on a poll error. */
int			 poll_loop_run_once(struct poll_loop *, int timeout_ms);

#endif
