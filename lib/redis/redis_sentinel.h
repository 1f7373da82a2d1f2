/*
 * The worker's one connection to Redis Sentinel (REDIS_SENTINELS): it asks
 * for the primary of REDIS_SENTINEL_MASTER with get-master-addr-by-name,
 * then stays subscribed to +switch-master on the same connection, so a
 * promotion is heard the moment a Sentinel announces it.
 *
 * Sentinels are tried in turn; one that cannot be reached, does not know
 * the master or does not answer within the connect and command timeouts
 * is left for the next, and a full round without an answer backs off.
 * redis_sentinel_resolve() asks again (the owner lost its primary, or
 * was told READONLY): the subscription is dropped and made again, which
 * re-reads the primary, at most once per RESOLVE_MIN_MS.
 */
#ifndef ZEUES_REDIS_SENTINEL_H
#define ZEUES_REDIS_SENTINEL_H

#include <stdint.h>

#include "io_loop.h"
#include "redis_pool.h"
#include "sentinel_parse.h"

/* The primary, as a Sentinel named it; switched: by a +switch-master. */
typedef void	redis_sentinel_primary_fn(void *arg,
		    const struct sentinel_addr *primary, int switched);

struct redis_sentinel_config {
	struct sentinel_addr		 sentinels[SENTINEL_LIST_MAX];
	size_t				 nsentinels;
	char				 master[SENTINEL_NAME_MAX];
	char				 password[REDIS_URL_PASS_MAX];
	char				 client_name[REDIS_POOL_NAME_MAX];
	int				 connect_timeout_ms;
	int				 command_timeout_ms;
	redis_sentinel_primary_fn	*on_primary;
	void				*arg;
};

struct redis_sentinel;

/* Starts the first attempt; stats are the pool's (sentinel_* fields). */
struct redis_sentinel	*redis_sentinel_new(
			    const struct redis_sentinel_config *,
			    struct io_loop *, struct redis_pool_stats *);
void			 redis_sentinel_free(struct redis_sentinel *);
void			 redis_sentinel_tick(struct redis_sentinel *,
			    uint64_t now_ms);
void			 redis_sentinel_resolve(struct redis_sentinel *);
/* Why no Sentinel answers ("" while subscribed). */
const char		*redis_sentinel_last_error(
			    const struct redis_sentinel *);

#endif
