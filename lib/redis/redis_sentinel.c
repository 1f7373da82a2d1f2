#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/async.h>

#include "backoff.h"
#include "redis_io.h"
#include "redis_sentinel.h"
#include "stat_counter.h"

#define RETRY_BASE_MS		100
#define RETRY_CAP_MS		5000
#define RESOLVE_MIN_MS		250	/* between two asked-for resolutions */
#define SWITCH_CHANNEL		"+switch-master"

enum sentinel_state {
	SEN_IDLE,		/* no connection; next attempt at retry_ms */
	SEN_ASKING,		/* connect, AUTH, query or SUBSCRIBE pending */
	SEN_SUBSCRIBED,
};

struct redis_sentinel {
	struct redis_sentinel_config	 cfg;
	struct io_loop			*loop;
	struct redis_pool_stats		*stats;
	struct redis_io			 io;
	enum sentinel_state		 state;
	size_t				 current;	/* index in cfg.sentinels */
	size_t				 tried;		/* this round */
	unsigned int			 rounds;	/* failed, consecutive */
	uint64_t			 started_ms;
	uint64_t			 retry_ms;
	uint64_t			 resolved_ms;
	int				 resolve_wanted;
	int				 failed;	/* this attempt */
	char				 last_error[REDIS_POOL_ERR_MAX];
};

static void
sen_gone(void *owner)
{
	struct redis_sentinel	*s = owner;

	stat_set(&s->stats->sentinel_connected, 0);
	s->state = SEN_IDLE;
	if (s->retry_ms == 0)
		s->retry_ms = io_loop_now(s->loop);
}

/* Safe from reply callbacks and the tick (hiredis defers it in a reply). */
static void
sen_close(struct redis_sentinel *s)
{
	if (s->io.ac != NULL && !(s->io.ac->c.flags & REDIS_FREEING))
		redisAsyncFree(s->io.ac);
}

/*
 * This Sentinel failed us, once per attempt: the next one now, or all of
 * them again after a pause.  Never closes: hiredis is freeing the context
 * itself when this runs from the connect or disconnect callback.
 */
static void
sen_fail(struct redis_sentinel *s, const char *what, const char *detail)
{
	const struct sentinel_addr	*a = &s->cfg.sentinels[s->current];
	uint64_t			 now = io_loop_now(s->loop);

	if (s->failed)
		return;
	s->failed = 1;
	snprintf(s->last_error, sizeof(s->last_error), "Sentinel %s:%d: %s%s%s",
	    a->host, a->port, what, detail != NULL ? ": " : "",
	    detail != NULL ? detail : "");
	stat_add(&s->stats->sentinel_failures_total, 1);
	s->current = (s->current + 1) % s->cfg.nsentinels;
	if (++s->tried < s->cfg.nsentinels) {
		s->retry_ms = now;
	} else {
		s->tried = 0;
		s->retry_ms = now + backoff_delay_ms(s->rounds++,
		    RETRY_BASE_MS, RETRY_CAP_MS, backoff_rand_default, NULL);
	}
}

static void
tell_primary(struct redis_sentinel *s, const struct sentinel_addr *a,
    int switched)
{
	if (switched)
		stat_add(&s->stats->sentinel_switches_total, 1);
	s->cfg.on_primary(s->cfg.arg, a, switched);
}

static void
on_master(redisAsyncContext *ac, void *r, void *privdata)
{
	struct redis_sentinel	*s = privdata;
	struct sentinel_addr	 a;
	const redisReply	*reply = r;

	(void)ac;
	if (reply == NULL)
		return;		/* the connection is going away */
	if (sentinel_master_reply(reply, &a) == -1) {
		sen_fail(s, "no primary for REDIS_SENTINEL_MASTER",
		    reply->type == REDIS_REPLY_ERROR ? reply->str : NULL);
		sen_close(s);
		return;
	}
	stat_add(&s->stats->sentinel_resolves_total, 1);
	tell_primary(s, &a, 0);
}

static void
on_message(redisAsyncContext *ac, void *r, void *privdata)
{
	struct redis_sentinel	*s = privdata;
	redisReply		*reply = r, **e;
	struct sentinel_addr	 a;

	(void)ac;
	if (reply == NULL)
		return;
	if (reply->type == REDIS_REPLY_ERROR) {
		sen_fail(s, "SUBSCRIBE refused", reply->str);
		sen_close(s);
		return;
	}
	if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 3)
		return;
	e = reply->element;
	if (e[0]->type != REDIS_REPLY_STRING)
		return;
	if (strcmp(e[0]->str, "subscribe") == 0) {
		s->state = SEN_SUBSCRIBED;
		s->tried = 0;
		s->rounds = 0;
		s->last_error[0] = '\0';
		stat_set(&s->stats->sentinel_connected, 1);
		return;
	}
	if (strcmp(e[0]->str, "message") != 0 ||
	    e[2]->type != REDIS_REPLY_STRING)
		return;
	if (sentinel_switch_parse(e[2]->str, e[2]->len, s->cfg.master,
	    &a) == 1)
		tell_primary(s, &a, 1);
}

static void
on_setup_reply(redisAsyncContext *ac, void *r, void *privdata)
{
	struct redis_sentinel	*s = privdata;
	redisReply		*reply = r;

	(void)ac;
	if (reply != NULL && reply->type == REDIS_REPLY_ERROR) {
		sen_fail(s, "set-up refused", reply->str);
		sen_close(s);
	}
}

static void
on_connect(const redisAsyncContext *ac, int status)
{
	struct redis_sentinel	*s = ac->data;

	if (status != REDIS_OK)
		sen_fail(s, "connect failed", ac->errstr);
}

static void
on_disconnect(const redisAsyncContext *ac, int status)
{
	struct redis_sentinel	*s = ac->data;

	if (status != REDIS_OK)
		sen_fail(s, "connection lost", ac->errstr);
}

static void
sen_connect(struct redis_sentinel *s, uint64_t now)
{
	const struct sentinel_addr	*a = &s->cfg.sentinels[s->current];
	redisAsyncContext		*ac;

	s->retry_ms = 0;
	s->failed = 0;
	s->resolve_wanted = 0;
	s->resolved_ms = now;
	ac = redisAsyncConnect(a->host, a->port);
	if (ac == NULL || ac->err) {
		sen_fail(s, "connect failed", ac != NULL ? ac->errstr :
		    "out of memory");
		if (ac != NULL)
			redisAsyncFree(ac);
		return;
	}
	if (redis_io_attach(&s->io, s->loop, ac, sen_gone, s) == -1) {
		redisAsyncFree(ac);
		s->retry_ms = now + RETRY_CAP_MS;
		return;
	}
	s->state = SEN_ASKING;
	s->started_ms = now;
	(void)redisEnableKeepAlive(&ac->c);	/* a Sentinel gone silent */
	ac->data = s;
	redisAsyncSetConnectCallback(ac, on_connect);
	redisAsyncSetDisconnectCallback(ac, on_disconnect);
	if (s->cfg.password[0] != '\0')
		redisAsyncCommand(ac, on_setup_reply, s, "AUTH %s",
		    s->cfg.password);
	redisAsyncCommand(ac, on_setup_reply, s, "CLIENT SETNAME %s",
	    s->cfg.client_name);
	redisAsyncCommand(ac, on_master, s,
	    "SENTINEL get-master-addr-by-name %s", s->cfg.master);
	redisAsyncCommand(ac, on_message, s, "SUBSCRIBE %s", SWITCH_CHANNEL);
}

struct redis_sentinel *
redis_sentinel_new(const struct redis_sentinel_config *cfg,
    struct io_loop *loop, struct redis_pool_stats *stats)
{
	struct redis_sentinel	*s;

	if (cfg->nsentinels == 0 || (s = calloc(1, sizeof(*s))) == NULL)
		return (NULL);
	s->cfg = *cfg;
	s->loop = loop;
	s->stats = stats;
	snprintf(s->last_error, sizeof(s->last_error),
	    "no Sentinel asked yet");
	stat_set(&stats->sentinel_connected, 0);
	sen_connect(s, io_loop_now(loop));
	return (s);
}

void
redis_sentinel_free(struct redis_sentinel *s)
{
	if (s == NULL)
		return;
	s->cfg.on_primary = NULL;
	sen_close(s);
	explicit_bzero(s->cfg.password, sizeof(s->cfg.password));
	free(s);
}

void
redis_sentinel_resolve(struct redis_sentinel *s)
{
	s->resolve_wanted = 1;
}

void
redis_sentinel_tick(struct redis_sentinel *s, uint64_t now)
{
	uint64_t	limit;

	switch (s->state) {
	case SEN_IDLE:
		if (now >= s->retry_ms)
			sen_connect(s, now);
		break;
	case SEN_ASKING:
		limit = (uint64_t)s->cfg.connect_timeout_ms +
		    (uint64_t)s->cfg.command_timeout_ms;
		if (now - s->started_ms >= limit) {
			sen_fail(s, "no answer within REDIS_SOCKET_CONNECT_"
			    "TIMEOUT + REDIS_SOCKET_TIMEOUT", NULL);
			sen_close(s);
		}
		break;
	case SEN_SUBSCRIBED:
		/* Asking again means subscribing again: query, then SUBSCRIBE. */
		if (s->resolve_wanted && now - s->resolved_ms >=
		    RESOLVE_MIN_MS) {
			s->retry_ms = now;
			sen_close(s);
		}
		break;
	}
}

const char *
redis_sentinel_last_error(const struct redis_sentinel *s)
{
	return (s->state == SEN_SUBSCRIBED ? "" : s->last_error);
}
