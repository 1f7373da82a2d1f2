#include <stdlib.h>

#include "redis_ping.h"

struct redis_ping {
	struct redis_cmd	*cmd;
	redis_ping_fn		*fn;
	void			*arg;
};

static void
ping_reply(void *arg, enum redis_pool_status st, const redisReply *r)
{
	struct redis_ping	*p = arg;
	const char		*error = NULL;

	if (st == REDIS_POOL_OK && r != NULL && r->type == REDIS_REPLY_ERROR)
		error = r->str;
	p->fn(p->arg, st, error);
	free(p);
}

struct redis_ping *
redis_ping(struct redis_pool *pool, uint64_t deadline_ms, redis_ping_fn *fn,
    void *arg, enum redis_pool_status *why)
{
	struct redis_ping	*p;
	const char		*argv[] = { "PING" };

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		*why = REDIS_POOL_OVERLOADED;
		return (NULL);
	}
	p->fn = fn;
	p->arg = arg;
	p->cmd = redis_pool_submit(pool, ping_reply, p, deadline_ms, 1, argv,
	    NULL, why);
	if (p->cmd == NULL) {
		free(p);
		return (NULL);
	}
	return (p);
}

void
redis_ping_cancel(struct redis_ping *p)
{
	redis_pool_cancel(p->cmd);
	free(p);
}
