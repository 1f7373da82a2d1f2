/*
 * A TCP proxy, run in a thread of the test, between the server and its
 * Redis that can lose replies on purpose: armed with markers, it forwards
 * the first request that contains them all (so Redis runs it) or drops it
 * (Redis never sees it), and from then on nothing passes, on any connection, until healed: no reply
 * reaches the server and no later request reaches Redis.  That is a Redis
 * that did the work but whose answer never came: a network that drops
 * packets, a stall right after the write.  Healing closes
 * every connection (the lost bytes leave the streams out of step) and
 * forwards again.
 */
#ifndef ZEUES_TEST_REPLY_BLACKHOLE_H
#define ZEUES_TEST_REPLY_BLACKHOLE_H

struct reply_blackhole;

/* Listens on 127.0.0.1:listen_port for Redis on target_port; NULL on error. */
struct reply_blackhole	*blackhole_start(int listen_port, int target_port);
/*
 * Up to two markers (NULL for none), both in one read of a request; run:
 * whether that request reaches Redis.
 */
void			 blackhole_arm(struct reply_blackhole *,
			    const char *marker1, const char *marker2, int run);
/* 1 once the armed request went through and replies are being lost. */
int			 blackhole_tripped(struct reply_blackhole *);
void			 blackhole_heal(struct reply_blackhole *);
void			 blackhole_stop(struct reply_blackhole *);

#endif
