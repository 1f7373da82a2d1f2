/*
 * lib/loop/io_loop.h on Kore's epoll loop.  A watch is a kore_event, so Kore
 * hands readiness straight to it.  Watches are freed one tick after they
 * are dropped: epoll may already have returned an event for one in the
 * batch Kore is working through.
 */
#include <sys/queue.h>

#include <stdlib.h>
#include <time.h>

#include "zeues.h"

/* Kore never looks at the type of an event it did not create. */
#define ZEUES_EVENT_TYPE	100

struct io_watch {
	struct kore_event	 evt;		/* first: Kore casts to it */
	int			 fd;
	int			 registered;
	int			 dead;
	int			 want_read;
	int			 want_write;
	io_ready_fn		*cb;
	void			*arg;
	TAILQ_ENTRY(io_watch)	 graveyard;
};

static TAILQ_HEAD(, io_watch)	dead_watches =
    TAILQ_HEAD_INITIALIZER(dead_watches);

static void
watch_ready(void *arg, int error)
{
	struct io_watch	*w = arg;
	int		 flags = w->evt.flags;

	/* Kore ORs readiness into flags and never clears them. */
	w->evt.flags = 0;
	if (w->dead)
		return;
	w->cb(w->arg, (flags & KORE_EVENT_READ) != 0,
	    (flags & KORE_EVENT_WRITE) != 0, error);
}

static struct io_watch *
kil_watch(void *impl, int fd, io_ready_fn *cb, void *arg)
{
	struct io_watch	*w;

	(void)impl;
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return (NULL);
	w->evt.type = ZEUES_EVENT_TYPE;
	w->evt.handle = watch_ready;
	w->fd = fd;
	w->cb = cb;
	w->arg = arg;
	return (w);
}

static void
kil_set_interest(struct io_watch *w, int want_read, int want_write)
{
	if (w->dead)
		return;
	w->want_read = want_read;
	w->want_write = want_write;
	if (!want_read && !want_write) {
		if (w->registered) {
			kore_platform_disable_read(w->fd);
			w->registered = 0;
		}
		return;
	}
	/* Level-triggered, as Kore's own curl glue: no lost wake-ups. */
	if (want_write)
		kore_platform_event_level_all(w->fd, w);
	else
		kore_platform_event_level_read(w->fd, w);
	w->registered = 1;
}

static void
kil_unwatch(struct io_watch *w)
{
	if (w->registered) {
		kore_platform_disable_read(w->fd);
		w->registered = 0;
	}
	w->dead = 1;
	TAILQ_INSERT_TAIL(&dead_watches, w, graveyard);
}

uint64_t
kore_io_loop_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000);
}

static uint64_t
kil_now_ms(void *impl)
{
	(void)impl;
	return (kore_io_loop_now());
}

static const struct io_loop_ops kore_io_loop_ops = {
	.watch = kil_watch,
	.set_interest = kil_set_interest,
	.unwatch = kil_unwatch,
	.now_ms = kil_now_ms,
};

static struct io_loop	kore_loop = { &kore_io_loop_ops, NULL };

struct io_loop *
kore_io_loop_get(void)
{
	return (&kore_loop);
}

void
kore_io_loop_reap(void)
{
	struct io_watch	*w;

	while ((w = TAILQ_FIRST(&dead_watches)) != NULL) {
		TAILQ_REMOVE(&dead_watches, w, graveyard);
		free(w);
	}
}
