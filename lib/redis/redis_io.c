#include <string.h>

#include "redis_io.h"

static void
io_update(struct redis_io *io)
{
	if (io->watch != NULL)
		io->loop->ops->set_interest(io->watch, io->reading,
		    io->writing);
}

static void
io_add_read(void *p)
{
	struct redis_io	*io = p;

	io->reading = 1;
	io_update(io);
}

static void
io_del_read(void *p)
{
	struct redis_io	*io = p;

	io->reading = 0;
	io_update(io);
}

static void
io_add_write(void *p)
{
	struct redis_io	*io = p;

	io->writing = 1;
	io_update(io);
}

static void
io_del_write(void *p)
{
	struct redis_io	*io = p;

	io->writing = 0;
	io_update(io);
}

static void
io_cleanup(void *p)
{
	struct redis_io	*io = p;

	io->reading = io->writing = 0;
	if (io->watch != NULL) {
		io->loop->ops->unwatch(io->watch);
		io->watch = NULL;
	}
	io->ac = NULL;
	if (io->gone != NULL)
		io->gone(io->owner);
}

/* A write may free the context (an error): read only if it is still there. */
static void
io_ready(void *arg, int readable, int writable, int error)
{
	struct redis_io	*io = arg;

	if (io->ac != NULL && io->writing && (writable || error))
		redisAsyncHandleWrite(io->ac);
	if (io->ac != NULL && io->reading && (readable || error))
		redisAsyncHandleRead(io->ac);
}

int
redis_io_attach(struct redis_io *io, struct io_loop *loop,
    redisAsyncContext *ac, void (*gone)(void *), void *owner)
{
	memset(io, 0, sizeof(*io));
	io->loop = loop;
	io->gone = gone;
	io->owner = owner;
	io->watch = loop->ops->watch(loop->impl, ac->c.fd, io_ready, io);
	if (io->watch == NULL)
		return (-1);
	io->ac = ac;
	ac->ev.data = io;
	ac->ev.addRead = io_add_read;
	ac->ev.delRead = io_del_read;
	ac->ev.addWrite = io_add_write;
	ac->ev.delWrite = io_del_write;
	ac->ev.cleanup = io_cleanup;
	return (0);
}
