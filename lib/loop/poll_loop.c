#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "poll_loop.h"

#define POLL_LOOP_MAX_WATCHES	1024

struct io_watch {
	struct poll_loop	*loop;
	int			 fd;
	int			 want_read;
	int			 want_write;
	int			 alive;
	io_ready_fn		*cb;
	void			*arg;
};

struct poll_loop {
	struct io_loop		 io;
	struct io_watch		*watches[POLL_LOOP_MAX_WATCHES];
	size_t			 nwatches;
};

static struct io_watch	*pl_watch(void *, int, io_ready_fn *, void *);
static void		 pl_set_interest(struct io_watch *, int, int);
static void		 pl_unwatch(struct io_watch *);
static uint64_t		 pl_now_ms(void *);

static const struct io_loop_ops poll_loop_ops = {
	.watch = pl_watch,
	.set_interest = pl_set_interest,
	.unwatch = pl_unwatch,
	.now_ms = pl_now_ms,
};

struct poll_loop *
poll_loop_new(void)
{
	struct poll_loop	*pl;

	if ((pl = calloc(1, sizeof(*pl))) == NULL)
		return (NULL);
	pl->io.ops = &poll_loop_ops;
	pl->io.impl = pl;
	return (pl);
}

void
poll_loop_free(struct poll_loop *pl)
{
	size_t	i;

	if (pl == NULL)
		return;
	for (i = 0; i < pl->nwatches; i++)
		free(pl->watches[i]);
	free(pl);
}

struct io_loop *
poll_loop_io(struct poll_loop *pl)
{
	return (&pl->io);
}

static struct io_watch *
pl_watch(void *impl, int fd, io_ready_fn *cb, void *arg)
{
	struct poll_loop	*pl = impl;
	struct io_watch		*w;

	if (pl->nwatches == POLL_LOOP_MAX_WATCHES)
		return (NULL);
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return (NULL);
	w->loop = pl;
	w->fd = fd;
	w->cb = cb;
	w->arg = arg;
	w->alive = 1;
	pl->watches[pl->nwatches++] = w;
	return (w);
}

static void
pl_set_interest(struct io_watch *w, int want_read, int want_write)
{
	w->want_read = want_read;
	w->want_write = want_write;
}

/* Dead watches are reaped after dispatch so a callback may unwatch itself. */
static void
pl_unwatch(struct io_watch *w)
{
	w->alive = 0;
	w->want_read = 0;
	w->want_write = 0;
}

static uint64_t
pl_now_ms(void *impl)
{
	struct timespec	ts;

	(void)impl;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000);
}

static void
pl_reap(struct poll_loop *pl)
{
	size_t	i, j;

	for (i = 0, j = 0; i < pl->nwatches; i++) {
		if (pl->watches[i]->alive)
			pl->watches[j++] = pl->watches[i];
		else
			free(pl->watches[i]);
	}
	pl->nwatches = j;
}

int
poll_loop_run_once(struct poll_loop *pl, int timeout_ms)
{
	struct pollfd	 pfd[POLL_LOOP_MAX_WATCHES];
	struct io_watch	*w[POLL_LOOP_MAX_WATCHES];
	size_t		 i, n;
	int		 r, dispatched;

	for (i = 0, n = 0; i < pl->nwatches; i++) {
		if (!pl->watches[i]->alive)
			continue;
		if (!pl->watches[i]->want_read && !pl->watches[i]->want_write)
			continue;
		w[n] = pl->watches[i];
		pfd[n].fd = w[n]->fd;
		pfd[n].events = (short)((w[n]->want_read ? POLLIN : 0) |
		    (w[n]->want_write ? POLLOUT : 0));
		pfd[n].revents = 0;
		n++;
	}

	r = poll(pfd, n, timeout_ms);
	if (r == -1)
		return (errno == EINTR ? 0 : -1);

	dispatched = 0;
	for (i = 0; i < n; i++) {
		if (pfd[i].revents == 0 || !w[i]->alive)
			continue;
		w[i]->cb(w[i]->arg, (pfd[i].revents & POLLIN) != 0,
		    (pfd[i].revents & POLLOUT) != 0,
		    (pfd[i].revents & (POLLERR | POLLHUP | POLLNVAL)) != 0);
		dispatched++;
	}
	pl_reap(pl);
	return (dispatched);
}
