/*
 * A hiredis asynchronous context on an io_loop: hiredis asks for read and
 * write interest through its ev hooks, readiness is handed back to it.
 * Shared by the command pool and the subscriber, the only two places that
 * connect to Redis.
 *
 * hiredis frees a context by itself after an I/O error.  It calls the
 * ev.cleanup hook on every path that frees one, so that is where `gone`
 * runs and io.ac becomes NULL; the owner must not touch the context after.
 */
#ifndef ZEUES_REDIS_IO_H
#define ZEUES_REDIS_IO_H

#include <hiredis/async.h>

#include "io_loop.h"

struct redis_io {
	struct io_loop		*loop;
	struct io_watch		*watch;
	redisAsyncContext	*ac;		/* NULL once hiredis let go */
	int			 reading;
	int			 writing;
	void			(*gone)(void *owner);
	void			*owner;
};

/*
 * Takes ac onto loop (ac->data stays the caller's).  Returns 0, or -1
 * when the loop has no room; then ac is the caller's to free.
 */
int	redis_io_attach(struct redis_io *, struct io_loop *,
	    redisAsyncContext *ac, void (*gone)(void *owner), void *owner);

#endif
