#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/async.h>

#include "backoff.h"
#include "redis_io.h"
#include "redis_subscriber.h"
#include "stat_counter.h"

#define RECONNECT_BASE_MS	100
#define RECONNECT_CAP_MS	5000
#define CHANNEL_MAX		160

enum sub_state {
	SUB_IDLE,		/* no connection; next attempt at retry_ms */
	SUB_CONNECTING,		/* connect, handshake or SUBSCRIBE pending */
	SUB_SUBSCRIBED,
};

struct redis_subscriber {
	struct redis_pool_config	 cfg;
	struct redis_pool		*pool;
	struct io_loop			*loop;
	struct redis_subscriber_handlers h;
	struct redis_subscriber_stats	*stats;
	/* The caller's channels, then the heartbeat's. */
	char				 channel[REDIS_SUBSCRIBER_CHANNELS_MAX + 1]
					    [CHANNEL_MAX];
	size_t				 nchannels;	/* heartbeat's too */

	struct redis_io			 io;
	enum sub_state			 state;
	int				 ever_subscribed;
	unsigned int			 failures;
	uint64_t			 started_ms;
	uint64_t			 retry_ms;
	uint64_t			 generation;	/* the pool's, at connect */

	uint64_t			 hb_sent_ms;	/* 0: none pending */
	uint64_t			 hb_next_ms;
	uint64_t			 hb_seq;
	struct redis_cmd		*hb_cmd;
	char				 last_error[REDIS_POOL_ERR_MAX];
};

static void	sub_fail(struct redis_subscriber *, const char *, const char *);

static const char *
heartbeat_channel(const struct redis_subscriber *s)
{
	return (s->channel[s->nchannels - 1]);
}

/* hiredis is done with the context: it may be freed right after this. */
static void
sub_gone(void *owner)
{
	struct redis_subscriber	*s = owner;

	stat_set(&s->stats->connected, 0);
	stat_set(&s->stats->live, 0);
	if (s->state != SUB_IDLE) {
		s->state = SUB_IDLE;
		if (s->retry_ms == 0)
			s->retry_ms = io_loop_now(s->loop);
	}
}

static void
sub_fail(struct redis_subscriber *s, const char *what, const char *detail)
{
	uint64_t	now = io_loop_now(s->loop);

	snprintf(s->last_error, sizeof(s->last_error), "%s%s%s", what,
	    detail != NULL ? ": " : "", detail != NULL ? detail : "");
	s->failures++;
	s->retry_ms = now + backoff_delay_ms(s->failures - 1,
	    RECONNECT_BASE_MS, RECONNECT_CAP_MS, backoff_rand_default, NULL);
	s->hb_sent_ms = 0;
	stat_set(&s->stats->live, 0);
}

static void
sub_close(struct redis_subscriber *s)
{
	if (s->io.ac != NULL && !(s->io.ac->c.flags & REDIS_FREEING))
		redisAsyncFree(s->io.ac);
}

static void
on_message(redisAsyncContext *ac, void *r, void *privdata)
{
	struct redis_subscriber	*s = privdata;
	redisReply		*reply = r, **e;
	int			 resubscribed;

	(void)ac;
	if (reply == NULL)
		return;		/* the context is going away */
	if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 3) {
		sub_fail(s, "unexpected reply on the subscription", NULL);
		sub_close(s);
		return;
	}
	e = reply->element;
	if (e[0]->type != REDIS_REPLY_STRING ||
	    e[1]->type != REDIS_REPLY_STRING)
		return;

	if (strcmp(e[0]->str, "subscribe") == 0) {
		/* Every channel confirmed: the last reply counts them all. */
		if (e[2]->type != REDIS_REPLY_INTEGER ||
		    e[2]->integer != (long long)s->nchannels)
			return;
		resubscribed = s->ever_subscribed;
		s->state = SUB_SUBSCRIBED;
		s->ever_subscribed = 1;
		s->failures = 0;
		s->last_error[0] = '\0';
		s->hb_next_ms = io_loop_now(s->loop);
		stat_set(&s->stats->connected, 1);
		stat_set(&s->stats->live, 1);
		if (resubscribed) {
			stat_add(&s->stats->resubscribes_total, 1);
			if (s->h.on_resubscribed != NULL)
				s->h.on_resubscribed(s->h.arg);
		}
		return;
	}
	if (strcmp(e[0]->str, "message") != 0 ||
	    e[2]->type != REDIS_REPLY_STRING)
		return;
	if (strcmp(e[1]->str, heartbeat_channel(s)) == 0) {
		s->hb_sent_ms = 0;
		stat_set(&s->stats->live, 1);
		return;
	}
	stat_add(&s->stats->messages_total, 1);
	if (s->h.on_message != NULL)
		s->h.on_message(s->h.arg, e[1]->str, e[2]->str,
		    (size_t)e[2]->len);
}

static void
on_setup_reply(redisAsyncContext *ac, void *r, void *privdata)
{
	struct redis_subscriber	*s = privdata;
	redisReply		*reply = r;

	(void)ac;
	if (reply != NULL && reply->type == REDIS_REPLY_ERROR) {
		sub_fail(s, "Redis refused the subscriber set-up", reply->str);
		sub_close(s);
	}
}

static void
on_connect(const redisAsyncContext *ac, int status)
{
	struct redis_subscriber	*s = ac->data;

	if (status != REDIS_OK)
		sub_fail(s, "subscriber connect failed", ac->errstr);
}

static void
on_disconnect(const redisAsyncContext *ac, int status)
{
	struct redis_subscriber	*s = ac->data;

	if (status != REDIS_OK)
		sub_fail(s, "subscriber connection lost", ac->errstr);
}

static void
sub_connect(struct redis_subscriber *s, uint64_t now)
{
	const struct redis_url	*u = redis_pool_url(s->pool);
	char			 name[REDIS_POOL_NAME_MAX + 8], db[16];
	const char		*argv[REDIS_SUBSCRIBER_CHANNELS_MAX + 2];
	redisAsyncContext	*ac;
	size_t			 i;

	/* Sentinel mode: where the pool's commands go, once it is known. */
	s->generation = redis_pool_generation(s->pool);
	if (u->host[0] == '\0') {
		s->retry_ms = now + RECONNECT_BASE_MS;
		return;
	}
	s->retry_ms = 0;
	ac = redisAsyncConnect(u->host, u->port);
	if (ac == NULL || ac->err) {
		sub_fail(s, "subscriber connect failed",
		    ac != NULL ? ac->errstr : "out of memory");
		if (ac != NULL)
			redisAsyncFree(ac);
		return;
	}
	if (redis_io_attach(&s->io, s->loop, ac, sub_gone, s) == -1) {
		sub_fail(s, "subscriber connect failed", "no event slot");
		redisAsyncFree(ac);
		return;
	}
	s->state = SUB_CONNECTING;
	s->started_ms = now;
	ac->data = s;
	redisAsyncSetConnectCallback(ac, on_connect);
	redisAsyncSetDisconnectCallback(ac, on_disconnect);

	if (u->password[0] != '\0') {
		if (u->username[0] != '\0')
			redisAsyncCommand(ac, on_setup_reply, s, "AUTH %s %s",
			    u->username, u->password);
		else
			redisAsyncCommand(ac, on_setup_reply, s, "AUTH %s",
			    u->password);
	}
	if (u->db != 0) {
		snprintf(db, sizeof(db), "%d", u->db);
		redisAsyncCommand(ac, on_setup_reply, s, "SELECT %s", db);
	}
	snprintf(name, sizeof(name), "%s", s->cfg.client_name);
	redisAsyncCommand(ac, on_setup_reply, s, "CLIENT SETNAME %s", name);
	argv[0] = "SUBSCRIBE";
	for (i = 0; i < s->nchannels; i++)
		argv[i + 1] = s->channel[i];
	redisAsyncCommandArgv(ac, on_message, s, (int)s->nchannels + 1, argv,
	    NULL);
}

struct redis_subscriber *
redis_subscriber_new(const struct redis_pool_config *cfg,
    struct redis_pool *pool, struct io_loop *loop,
    const char *const *channels, const struct redis_subscriber_handlers *h,
    struct redis_subscriber_stats *stats)
{
	struct redis_subscriber	*s;
	size_t			 n;
	int			 len;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return (NULL);
	for (n = 0; channels[n] != NULL; n++) {
		if (n == REDIS_SUBSCRIBER_CHANNELS_MAX || (len =
		    snprintf(s->channel[n], CHANNEL_MAX, "%s", channels[n])) <
		    0 || len >= CHANNEL_MAX) {
			free(s);
			return (NULL);
		}
	}
	len = snprintf(s->channel[n], CHANNEL_MAX, "zeues:heartbeat:%s",
	    cfg->client_name);
	if (n == 0 || len < 0 || len >= CHANNEL_MAX) {
		free(s);
		return (NULL);
	}
	s->nchannels = n + 1;
	s->cfg = *cfg;
	s->pool = pool;
	s->loop = loop;
	s->h = *h;
	s->stats = stats;
	snprintf(s->last_error, sizeof(s->last_error), "not subscribed yet");
	stat_set(&stats->connected, 0);
	stat_set(&stats->live, 0);
	sub_connect(s, io_loop_now(loop));
	return (s);
}

void
redis_subscriber_free(struct redis_subscriber *s)
{
	if (s == NULL)
		return;
	if (s->hb_cmd != NULL)
		redis_pool_cancel(s->hb_cmd);
	s->h.on_message = NULL;
	s->h.on_resubscribed = NULL;
	sub_close(s);
	free(s);
}

static void
heartbeat_sent(void *arg, enum redis_pool_status st, const redisReply *r)
{
	struct redis_subscriber	*s = arg;

	(void)r;
	s->hb_cmd = NULL;
	/* A PUBLISH that never reached Redis proves nothing either way. */
	if (st != REDIS_POOL_OK)
		s->hb_sent_ms = 0;
}

static void
heartbeat(struct redis_subscriber *s, uint64_t now)
{
	enum redis_pool_status	why;
	char			seq[24];

	if (s->hb_sent_ms != 0) {
		if (now - s->hb_sent_ms < (uint64_t)s->cfg.command_timeout_ms)
			return;
		stat_add(&s->stats->heartbeat_failures_total, 1);
		sub_fail(s, "subscriber heard no heartbeat within "
		    "REDIS_SOCKET_TIMEOUT", NULL);
		sub_close(s);
		return;
	}
	if (now < s->hb_next_ms || s->hb_cmd != NULL)
		return;
	snprintf(seq, sizeof(seq), "%llu", (unsigned long long)++s->hb_seq);
	s->hb_cmd = redis_pool_submitf(s->pool, heartbeat_sent, s,
	    now + (uint64_t)s->cfg.command_timeout_ms, &why, "PUBLISH %s %s",
	    heartbeat_channel(s), seq);
	if (s->hb_cmd != NULL)
		s->hb_sent_ms = now;
	s->hb_next_ms = now + (uint64_t)s->cfg.health_interval_ms;
}

void
redis_subscriber_tick(struct redis_subscriber *s, uint64_t now)
{
	/* The primary moved (Sentinel): follow the pool there at once. */
	if (s->generation != redis_pool_generation(s->pool)) {
		s->generation = redis_pool_generation(s->pool);
		s->failures = 0;
		if (s->state == SUB_IDLE) {
			s->retry_ms = now;
		} else {
			sub_fail(s, "the primary moved", NULL);
			s->failures = 0;
			s->retry_ms = now;
			sub_close(s);
		}
	}
	switch (s->state) {
	case SUB_IDLE:
		if (now >= s->retry_ms)
			sub_connect(s, now);
		break;
	case SUB_CONNECTING:
		if (now - s->started_ms >= (uint64_t)s->cfg.connect_timeout_ms) {
			sub_fail(s, "subscriber connect timed out", NULL);
			sub_close(s);
		}
		break;
	case SUB_SUBSCRIBED:
		heartbeat(s, now);
		break;
	}
}

int
redis_subscriber_live(const struct redis_subscriber *s)
{
	return (s->state == SUB_SUBSCRIBED && stat_get(&s->stats->live));
}

const char *
redis_subscriber_last_error(const struct redis_subscriber *s)
{
	return (redis_subscriber_live(s) ? "" : s->last_error);
}
