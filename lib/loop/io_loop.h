/*
 * What the asynchronous clients in lib/ (the Redis pool, the HTTP/Sheets
 * client) need from an event loop.  The server implements it on Kore's epoll
 * loop (app/kore_io_loop.c); the tests implement it on poll()
 * (lib/loop/poll_loop.c), so the same client code runs in both.
 *
 * Time is milliseconds from a monotonic clock.  Clients never sleep: they
 * keep their own deadlines and check them when the host calls their tick
 * function, which the host does at least every IO_LOOP_TICK_MS.
 */
#ifndef ZEUES_IO_LOOP_H
#define ZEUES_IO_LOOP_H

#include <stdint.h>

#define IO_LOOP_TICK_MS		10

struct io_watch;

/* Called when fd is ready; error is set on EPOLLERR/HUP-like conditions. */
typedef void	io_ready_fn(void *arg, int readable, int writable, int error);
typedef void	io_tick_fn(void *arg, uint64_t now_ms);

struct io_loop_ops {
	/* Starts watching fd with no interest; returns NULL on failure. */
	struct io_watch	*(*watch)(void *impl, int fd, io_ready_fn *cb,
			    void *arg);
	void		 (*set_interest)(struct io_watch *w, int want_read,
			    int want_write);
	/* Stops watching and frees w; call before close(fd). */
	void		 (*unwatch)(struct io_watch *w);
	uint64_t	 (*now_ms)(void *impl);
};

struct io_loop {
	const struct io_loop_ops	*ops;
	void				*impl;
};

static inline uint64_t
io_loop_now(const struct io_loop *loop)
{
	return (loop->ops->now_ms(loop->impl));
}

#endif
