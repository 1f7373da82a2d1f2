/*
 * The pool drives hiredis's asynchronous API through struct io_loop.
 *
 * Lifetime rules, because hiredis frees its context on its own after an
 * I/O error: a redis_conn learns that its context is gone in the
 * redis_io's gone callback (see redis_io.h).
 * From then on the conn is "dead" and is reaped from the tick, never from
 * inside a hiredis callback that may still be on the stack.
 */
#include <sys/queue.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/async.h>

#include "backoff.h"
#include "redis_io.h"
#include "redis_pool.h"
#include "stat_counter.h"

#define RECONNECT_BASE_MS	100
#define RECONNECT_CAP_MS	5000
#define GROW_AFTER_MS		50	/* sustained saturation before growing */

enum conn_state {
	CONN_CONNECTING,	/* TCP connect or handshake in progress */
	CONN_READY,
	CONN_FAILED,		/* being freed after an error or a reset */
	CONN_DEAD,		/* context freed; waiting to be reaped */
};

struct redis_cmd {
	TAILQ_ENTRY(redis_cmd)	 link;
	struct redis_pool	*pool;
	struct redis_conn	*conn;		/* NULL while waiting */
	redis_pool_reply_fn	*cb;		/* NULL once delivered/cancelled */
	void			*arg;
	char			*buf;		/* formatted; freed once sent */
	size_t			 len;
	uint64_t		 submitted_ms;
	uint64_t		 sent_ms;
	uint64_t		 deadline_ms;
	int			 internal;	/* handshake or health PING */
};

TAILQ_HEAD(cmd_list, redis_cmd);

struct redis_conn {
	TAILQ_ENTRY(redis_conn)	 link;
	struct redis_pool	*pool;
	struct redis_io		 io;
	enum conn_state		 state;
	int			 timed_out;	/* reset by us for a late reply */
	int			 closing;	/* redisAsyncFree was called */
	int			 handshake_left;
	struct cmd_list		 inflight;	/* in send order = reply order */
	unsigned int		 ninflight;
	uint64_t		 started_ms;
	uint64_t		 last_used_ms;
};

TAILQ_HEAD(conn_list, redis_conn);

struct redis_pool {
	struct redis_pool_config	 cfg;
	struct io_loop			*loop;
	struct redis_pool_stats		*stats;
	struct conn_list		 conns;
	struct cmd_list			 waiting;
	unsigned int			 nwaiting;
	unsigned int			 nconns;	/* not dead */
	int				 up;
	int				 ever_up;
	int				 down_told;	/* on_state(0) */
	unsigned int			 failures;	/* consecutive */
	uint64_t			 next_connect_ms;
	uint64_t			 saturated_since_ms;	/* 0: not */
	uint64_t			 generation;	/* primary moves */
	char				 last_error[REDIS_POOL_ERR_MAX];
};

static void	conn_open(struct redis_pool *, uint64_t);
static void	conn_close(struct redis_conn *, int timed_out);
static void	conn_failed(struct redis_conn *, const char *, const char *);
static int	conn_send(struct redis_conn *, struct redis_cmd *, uint64_t);
static void	pool_publish(struct redis_pool *);
static void	pool_dispatch_waiting(struct redis_pool *, uint64_t);

static void
set_error(struct redis_pool *pool, const char *what, const char *detail)
{
	snprintf(pool->last_error, sizeof(pool->last_error), "%s%s%s", what,
	    detail != NULL && *detail != '\0' ? ": " : "",
	    detail != NULL ? detail : "");
}

static void
suspect(struct redis_pool *pool)
{
	if (pool->cfg.on_suspect != NULL)
		pool->cfg.on_suspect(pool->cfg.suspect_arg);
}

/* A write refused by a replica: the primary moved under this pool. */
static int
readonly_reply(const redisReply *r)
{
	return (r != NULL && r->type == REDIS_REPLY_ERROR &&
	    strncmp(r->str, "READONLY", 8) == 0);
}

static void
cmd_deliver(struct redis_cmd *cmd, enum redis_pool_status st,
    const redisReply *reply)
{
	redis_pool_reply_fn	*cb = cmd->cb;

	cmd->cb = NULL;
	if (cb != NULL)
		cb(cmd->arg, st, reply);
}

static void
cmd_free(struct redis_cmd *cmd)
{
	free(cmd->buf);
	free(cmd);
}

/* hiredis is done with the context: reaped from the tick, not here. */
static void
conn_gone(void *owner)
{
	struct redis_conn	*c = owner;

	if (c->state != CONN_DEAD) {
		c->state = CONN_DEAD;
		c->pool->nconns--;
	}
}

/* --- replies --- */

static void
conn_reply(redisAsyncContext *ac, void *r, void *privdata)
{
	struct redis_cmd	*cmd = privdata;
	struct redis_conn	*c = cmd->conn;
	struct redis_pool	*pool = cmd->pool;
	const redisReply	*reply = r;
	enum redis_pool_status	 st;

	(void)ac;
	TAILQ_REMOVE(&c->inflight, cmd, link);
	c->ninflight--;
	c->last_used_ms = io_loop_now(pool->loop);

	if (reply != NULL)
		st = REDIS_POOL_OK;
	else if (c->timed_out)
		st = REDIS_POOL_TIMEOUT;
	else
		st = REDIS_POOL_UNAVAILABLE;
	cmd_deliver(cmd, st, reply);
	cmd_free(cmd);
	if (readonly_reply(reply) && c->state == CONN_READY) {
		stat_add(&pool->stats->readonly_total, 1);
		conn_failed(c, "Redis is a read-only replica", NULL);
		conn_close(c, 0);
	}
}

/* --- connection lifecycle --- */

static unsigned int
pool_count(const struct redis_pool *pool, enum conn_state state)
{
	const struct redis_conn	*c;
	unsigned int		 n = 0;

	TAILQ_FOREACH(c, &pool->conns, link) {
		if (c->state == state)
			n++;
	}
	return (n);
}

/*
 * Accounts for a connection that failed, once per connection.  When it was
 * the last usable one, Redis is down: waiting commands fail fast instead
 * of sitting out their deadlines, and reconnects back off with jitter.
 */
static void
conn_failed(struct redis_conn *c, const char *what, const char *detail)
{
	struct redis_pool	*pool = c->pool;
	struct redis_cmd	*cmd;
	uint64_t		 now = io_loop_now(pool->loop);

	if (c->state == CONN_FAILED || c->state == CONN_DEAD)
		return;
	if (c->state == CONN_CONNECTING)
		stat_add(&pool->stats->connect_failures_total, 1);
	else
		stat_add(&pool->stats->errors_total, 1);
	c->state = CONN_FAILED;
	set_error(pool, what, detail);

	pool->failures++;
	pool->next_connect_ms = now + backoff_delay_ms(pool->failures - 1,
	    RECONNECT_BASE_MS, RECONNECT_CAP_MS, backoff_rand_default, NULL);
	suspect(pool);

	if (pool_count(pool, CONN_READY) > 0)
		return;
	pool->up = 0;
	if (!pool->down_told && pool->cfg.on_state != NULL) {
		pool->down_told = 1;
		pool->cfg.on_state(pool->cfg.state_arg, 0, pool->last_error);
	}
	if (pool_count(pool, CONN_CONNECTING) > 0)
		return;
	while ((cmd = TAILQ_FIRST(&pool->waiting)) != NULL) {
		TAILQ_REMOVE(&pool->waiting, cmd, link);
		pool->nwaiting--;
		cmd_deliver(cmd, REDIS_POOL_UNAVAILABLE, NULL);
		cmd_free(cmd);
	}
	pool_publish(pool);
}

static void
handshake_reply(void *arg, enum redis_pool_status st, const redisReply *r)
{
	struct redis_conn	*c = arg;
	struct redis_pool	*pool = c->pool;
	uint64_t		 now = io_loop_now(pool->loop);

	if (c->state != CONN_CONNECTING)
		return;
	if (st != REDIS_POOL_OK || r->type == REDIS_REPLY_ERROR) {
		conn_failed(c, "Redis refused the connection set-up",
		    st == REDIS_POOL_OK ? r->str : redis_pool_status_name(st));
		conn_close(c, 0);
		return;
	}
	if (--c->handshake_left > 0)
		return;

	c->state = CONN_READY;
	c->last_used_ms = now;
	if (pool->ever_up && !pool->up)
		stat_add(&pool->stats->reconnects_total, 1);
	pool->up = 1;
	pool->ever_up = 1;
	pool->failures = 0;
	pool->last_error[0] = '\0';
	stat_add(&pool->stats->connects_total, 1);
	if (pool->down_told) {
		pool->down_told = 0;
		pool->cfg.on_state(pool->cfg.state_arg, 1, NULL);
	}
	pool_dispatch_waiting(pool, now);
	pool_publish(pool);
}

/* Sentinel mode: only a primary takes the pool's commands. */
static void
role_reply(void *arg, enum redis_pool_status st, const redisReply *r)
{
	struct redis_conn	*c = arg;
	const redisReply	*role;

	if (c->state != CONN_CONNECTING)
		return;
	if (st == REDIS_POOL_OK && r->type == REDIS_REPLY_ARRAY &&
	    r->elements > 0 && (role = r->element[0])->type ==
	    REDIS_REPLY_STRING && strcmp(role->str, "master") == 0) {
		handshake_reply(arg, st, r);
		return;
	}
	if (st == REDIS_POOL_OK)
		stat_add(&c->pool->stats->readonly_total, 1);
	conn_failed(c, "not the primary", st == REDIS_POOL_OK ?
	    "ROLE is not master" : redis_pool_status_name(st));
	conn_close(c, 0);
}

static void
on_connect(const redisAsyncContext *ac, int status)
{
	struct redis_conn	*c = ac->data;
	struct redis_pool	*pool = c->pool;

	(void)pool;
	if (status == REDIS_OK)
		return;
	/* hiredis frees the context after this returns; cleanup follows. */
	conn_failed(c, "connect failed", ac->errstr);
}

static void
on_disconnect(const redisAsyncContext *ac, int status)
{
	struct redis_conn	*c = ac->data;
	struct redis_pool	*pool = c->pool;

	(void)pool;
	if (status == REDIS_OK)
		return;
	conn_failed(c, "connection lost", ac->errstr);
}

static struct redis_cmd *
internal_cmd(struct redis_conn *c, uint64_t now, redis_pool_reply_fn *cb,
    int argc, const char **argv)
{
	struct redis_cmd	*cmd;
	int			 len;

	if ((cmd = calloc(1, sizeof(*cmd))) == NULL)
		return (NULL);
	len = redisFormatCommandArgv(&cmd->buf, argc, argv, NULL);
	if (len < 0) {
		free(cmd);
		return (NULL);
	}
	cmd->len = (size_t)len;
	cmd->pool = c->pool;
	cmd->cb = cb;
	cmd->arg = c;
	cmd->internal = 1;
	cmd->submitted_ms = now;
	cmd->deadline_ms = now + (uint64_t)c->pool->cfg.command_timeout_ms;
	if (conn_send(c, cmd, now) == -1) {
		cmd_free(cmd);
		return (NULL);
	}
	return (cmd);
}

static void
conn_handshake(struct redis_conn *c, uint64_t now)
{
	struct redis_pool	*pool = c->pool;
	const struct redis_url	*u = &pool->cfg.url;
	char			 db[16];
	const char		*argv[4];

	c->handshake_left = 0;
	if (u->password[0] != '\0') {
		argv[0] = "AUTH";
		if (u->username[0] != '\0') {
			argv[1] = u->username;
			argv[2] = u->password;
			internal_cmd(c, now, handshake_reply, 3, argv);
		} else {
			argv[1] = u->password;
			internal_cmd(c, now, handshake_reply, 2, argv);
		}
		c->handshake_left++;
	}
	if (u->db != 0) {
		snprintf(db, sizeof(db), "%d", u->db);
		argv[0] = "SELECT";
		argv[1] = db;
		internal_cmd(c, now, handshake_reply, 2, argv);
		c->handshake_left++;
	}
	argv[0] = "CLIENT";
	argv[1] = "SETNAME";
	argv[2] = pool->cfg.client_name;
	internal_cmd(c, now, handshake_reply, 3, argv);
	c->handshake_left++;
	if (pool->cfg.require_primary) {
		argv[0] = "ROLE";
		internal_cmd(c, now, role_reply, 1, argv);
		c->handshake_left++;
	}
}

static void
conn_open(struct redis_pool *pool, uint64_t now)
{
	struct redis_conn	*c;
	redisAsyncContext	*ac;

	ac = redisAsyncConnect(pool->cfg.url.host, pool->cfg.url.port);
	if (ac == NULL || ac->err) {
		set_error(pool, "connect failed",
		    ac != NULL ? ac->errstr : "out of memory");
		stat_add(&pool->stats->connect_failures_total, 1);
		pool->failures++;
		pool->next_connect_ms = now + backoff_delay_ms(pool->failures -
		    1, RECONNECT_BASE_MS, RECONNECT_CAP_MS,
		    backoff_rand_default, NULL);
		if (ac != NULL)
			redisAsyncFree(ac);
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		redisAsyncFree(ac);
		return;
	}
	c->pool = pool;
	c->state = CONN_CONNECTING;
	c->started_ms = now;
	TAILQ_INIT(&c->inflight);
	if (redis_io_attach(&c->io, pool->loop, ac, conn_gone, c) == -1) {
		redisAsyncFree(ac);
		free(c);
		return;
	}
	TAILQ_INSERT_TAIL(&pool->conns, c, link);
	pool->nconns++;

	ac->data = c;
	redisAsyncSetConnectCallback(ac, on_connect);
	redisAsyncSetDisconnectCallback(ac, on_disconnect);
	conn_handshake(c, now);
	pool_publish(pool);
}

/*
 * Frees the hiredis context: every command in flight is failed by hiredis
 * (with REDIS_POOL_TIMEOUT when timed_out is set), then conn_gone runs.
 */
static void
conn_close(struct redis_conn *c, int timed_out)
{
	if (c->io.ac == NULL || c->closing)
		return;
	c->closing = 1;
	c->timed_out = timed_out;
	redisAsyncFree(c->io.ac);
}

/*
 * Hands cmd to c; -1, cmd untouched and its callback not run, when c's
 * context refuses it.  That happens only while hiredis tears c down: a
 * callback of c's last replies submitting again, before c's disconnect
 * callback has marked it.
 */
static int
conn_send(struct redis_conn *c, struct redis_cmd *cmd, uint64_t now)
{
	struct redis_pool	*pool = c->pool;

	cmd->conn = c;
	cmd->sent_ms = now;
	TAILQ_INSERT_TAIL(&c->inflight, cmd, link);
	c->ninflight++;
	if (redisAsyncFormattedCommand(c->io.ac, conn_reply, cmd, cmd->buf,
	    cmd->len) != REDIS_OK) {
		TAILQ_REMOVE(&c->inflight, cmd, link);
		c->ninflight--;
		cmd->conn = NULL;
		stat_add(&pool->stats->errors_total, 1);
		return (-1);
	}
	c->last_used_ms = now;
	free(cmd->buf);
	cmd->buf = NULL;
	if (!cmd->internal) {
		stat_add(&pool->stats->commands_total, 1);
		histogram_observe(&pool->stats->wait,
		    (now - cmd->submitted_ms) * 1000);
	}
	return (0);
}

/* The least loaded ready connection below the pipeline cap, or NULL. */
static struct redis_conn *
pool_pick(struct redis_pool *pool)
{
	struct redis_conn	*c, *best = NULL;

	TAILQ_FOREACH(c, &pool->conns, link) {
		if (c->state != CONN_READY ||
		    c->ninflight >= (unsigned int)pool->cfg.pipeline_max)
			continue;
		if (best == NULL || c->ninflight < best->ninflight)
			best = c;
	}
	return (best);
}

static void
pool_dispatch_waiting(struct redis_pool *pool, uint64_t now)
{
	struct redis_cmd	*cmd;
	struct redis_conn	*c;

	while ((cmd = TAILQ_FIRST(&pool->waiting)) != NULL) {
		if ((c = pool_pick(pool)) == NULL)
			break;
		TAILQ_REMOVE(&pool->waiting, cmd, link);
		pool->nwaiting--;
		if (conn_send(c, cmd, now) == -1) {
			cmd_deliver(cmd, REDIS_POOL_UNAVAILABLE, NULL);
			cmd_free(cmd);
		}
	}
}

/* --- public API --- */

struct redis_pool *
redis_pool_new(const struct redis_pool_config *cfg, struct io_loop *loop,
    struct redis_pool_stats *stats)
{
	struct redis_pool	*pool;

	if ((pool = calloc(1, sizeof(*pool))) == NULL)
		return (NULL);
	pool->cfg = *cfg;
	if (pool->cfg.pipeline_max < 1)
		pool->cfg.pipeline_max = 1;
	pool->loop = loop;
	pool->stats = stats;
	TAILQ_INIT(&pool->conns);
	TAILQ_INIT(&pool->waiting);
	/* Counters carry over a worker restart; gauges start again. */
	stat_set(&stats->max_connections, (uint64_t)cfg->max_connections);
	if (pool->cfg.url.host[0] == '\0') {
		set_error(pool, "waiting for Sentinel to name the primary",
		    NULL);
		return (pool);
	}
	set_error(pool, "not connected yet", NULL);
	conn_open(pool, io_loop_now(loop));
	return (pool);
}

void
redis_pool_free(struct redis_pool *pool)
{
	struct redis_conn	*c;
	struct redis_cmd	*cmd;

	if (pool == NULL)
		return;
	while ((cmd = TAILQ_FIRST(&pool->waiting)) != NULL) {
		TAILQ_REMOVE(&pool->waiting, cmd, link);
		cmd_deliver(cmd, REDIS_POOL_SHUTDOWN, NULL);
		cmd_free(cmd);
	}
	TAILQ_FOREACH(c, &pool->conns, link) {
		/* The pool's own commands would react by closing c. */
		TAILQ_FOREACH(cmd, &c->inflight, link) {
			if (!cmd->internal)
				cmd_deliver(cmd, REDIS_POOL_SHUTDOWN, NULL);
			else
				cmd->cb = NULL;
		}
	}
	while ((c = TAILQ_FIRST(&pool->conns)) != NULL) {
		conn_close(c, 0);
		TAILQ_REMOVE(&pool->conns, c, link);
		free(c);
	}
	stat_set(&pool->stats->open, 0);
	stat_set(&pool->stats->up, 0);
	free(pool);
}

static struct redis_cmd *
pool_accept(struct redis_pool *pool, struct redis_cmd *cmd,
    enum redis_pool_status *why)
{
	uint64_t		 now = cmd->submitted_ms;
	struct redis_conn	*c;

	/*
	 * A connection that refuses cmd is dying: cmd fails at once, as it
	 * would on its connection a moment later, refused here because its
	 * callback may not run inside the submit.
	 */
	if ((c = pool_pick(pool)) != NULL && TAILQ_EMPTY(&pool->waiting)) {
		if (conn_send(c, cmd, now) == 0)
			return (cmd);
		*why = REDIS_POOL_UNAVAILABLE;
	} else if (!pool->up && pool_count(pool, CONN_CONNECTING) == 0) {
		*why = REDIS_POOL_UNAVAILABLE;
	} else if (pool->nwaiting >= (unsigned int)pool->cfg.wait_queue_max) {
		*why = REDIS_POOL_OVERLOADED;
	} else {
		TAILQ_INSERT_TAIL(&pool->waiting, cmd, link);
		pool->nwaiting++;
		return (cmd);
	}
	stat_add(&pool->stats->rejected_total, 1);
	cmd_free(cmd);
	return (NULL);
}

struct redis_cmd *
redis_pool_submit(struct redis_pool *pool, redis_pool_reply_fn *cb,
    void *arg, uint64_t deadline_ms, int argc, const char **argv,
    const size_t *argvlen, enum redis_pool_status *why)
{
	struct redis_cmd	*cmd;
	int			 len;

	*why = REDIS_POOL_OVERLOADED;
	if ((cmd = calloc(1, sizeof(*cmd))) == NULL)
		return (NULL);
	len = redisFormatCommandArgv(&cmd->buf, argc, argv, argvlen);
	if (len < 0) {
		free(cmd);
		return (NULL);
	}
	cmd->len = (size_t)len;
	cmd->pool = pool;
	cmd->cb = cb;
	cmd->arg = arg;
	cmd->submitted_ms = io_loop_now(pool->loop);
	cmd->deadline_ms = deadline_ms;
	return (pool_accept(pool, cmd, why));
}

struct redis_cmd *
redis_pool_submitf(struct redis_pool *pool, redis_pool_reply_fn *cb,
    void *arg, uint64_t deadline_ms, enum redis_pool_status *why,
    const char *fmt, ...)
{
	struct redis_cmd	*cmd;
	va_list			 ap;
	int			 len;

	*why = REDIS_POOL_OVERLOADED;
	if ((cmd = calloc(1, sizeof(*cmd))) == NULL)
		return (NULL);
	va_start(ap, fmt);
	len = redisvFormatCommand(&cmd->buf, fmt, ap);
	va_end(ap);
	if (len < 0) {
		free(cmd);
		return (NULL);
	}
	cmd->len = (size_t)len;
	cmd->pool = pool;
	cmd->cb = cb;
	cmd->arg = arg;
	cmd->submitted_ms = io_loop_now(pool->loop);
	cmd->deadline_ms = deadline_ms;
	return (pool_accept(pool, cmd, why));
}

void
redis_pool_cancel(struct redis_cmd *cmd)
{
	struct redis_pool	*pool = cmd->pool;

	if (cmd->conn != NULL) {
		/* In flight: the reply still arrives and is dropped. */
		cmd->cb = NULL;
		return;
	}
	TAILQ_REMOVE(&pool->waiting, cmd, link);
	pool->nwaiting--;
	cmd_free(cmd);
}

int
redis_pool_is_up(const struct redis_pool *pool)
{
	return (pool->up);
}

const char *
redis_pool_last_error(const struct redis_pool *pool)
{
	return (pool->up ? "" : pool->last_error);
}

const char *
redis_pool_status_name(enum redis_pool_status st)
{
	switch (st) {
	case REDIS_POOL_OK:
		return ("ok");
	case REDIS_POOL_UNAVAILABLE:
		return ("Redis unavailable");
	case REDIS_POOL_TIMEOUT:
		return ("Redis did not answer in time");
	case REDIS_POOL_OVERLOADED:
		return ("too many requests waiting for Redis");
	case REDIS_POOL_SHUTDOWN:
		return ("shutting down");
	}
	return ("unknown");
}

int
redis_pool_set_primary(struct redis_pool *pool, const char *host, int port)
{
	struct redis_url	*u = &pool->cfg.url;
	struct redis_conn	*c;
	uint64_t		 now = io_loop_now(pool->loop);
	int			 was_up = pool->up;

	if (strcmp(u->host, host) == 0 && u->port == port) {
		/* Confirmed where it was: a pool that is down tries now. */
		if (!pool->up)
			pool->next_connect_ms = now;
		return (0);
	}
	if (strlen(host) >= sizeof(u->host))
		return (0);
	pool->failures = 0;
	pool->next_connect_ms = now;
	snprintf(u->host, sizeof(u->host), "%s", host);
	u->port = port;
	pool->generation++;
	stat_add(&pool->stats->primary_changes_total, 1);
	set_error(pool, "the primary moved", host);

	/*
	 * The new connection first, so that callers re-submitting from the
	 * failures below wait for it instead of failing fast.
	 */
	TAILQ_FOREACH(c, &pool->conns, link) {
		if (c->state == CONN_CONNECTING || c->state == CONN_READY)
			c->state = CONN_FAILED;
	}
	pool->up = 0;
	if (was_up && !pool->down_told && pool->cfg.on_state != NULL) {
		pool->down_told = 1;
		pool->cfg.on_state(pool->cfg.state_arg, 0, pool->last_error);
	}
	conn_open(pool, now);
	TAILQ_FOREACH(c, &pool->conns, link) {
		if (c->state == CONN_FAILED)
			conn_close(c, 0);
	}
	pool_publish(pool);
	return (1);
}

const struct redis_url *
redis_pool_url(const struct redis_pool *pool)
{
	return (&pool->cfg.url);
}

uint64_t
redis_pool_generation(const struct redis_pool *pool)
{
	return (pool->generation);
}

/* --- the tick --- */

static void
health_reply(void *arg, enum redis_pool_status st, const redisReply *r)
{
	(void)arg;
	(void)st;
	(void)r;
}

static void
tick_deadlines(struct redis_pool *pool, uint64_t now)
{
	struct redis_conn	*c, *cnext;
	struct redis_cmd	*cmd, *next;

	/* Callers waiting past their deadline are told so. */
	for (cmd = TAILQ_FIRST(&pool->waiting); cmd != NULL; cmd = next) {
		next = TAILQ_NEXT(cmd, link);
		if (now < cmd->deadline_ms)
			continue;
		TAILQ_REMOVE(&pool->waiting, cmd, link);
		pool->nwaiting--;
		stat_add(&pool->stats->timeouts_total, 1);
		cmd_deliver(cmd, REDIS_POOL_TIMEOUT, NULL);
		cmd_free(cmd);
	}

	for (c = TAILQ_FIRST(&pool->conns); c != NULL; c = cnext) {
		cnext = TAILQ_NEXT(c, link);
		if (c->state == CONN_DEAD || c->state == CONN_FAILED)
			continue;
		if (c->state == CONN_CONNECTING &&
		    now - c->started_ms >= (uint64_t)pool->cfg.connect_timeout_ms) {
			stat_add(&pool->stats->timeouts_total, 1);
			conn_failed(c, "connect timed out after "
			    "REDIS_SOCKET_CONNECT_TIMEOUT", NULL);
			conn_close(c, 1);
			continue;
		}
		TAILQ_FOREACH(cmd, &c->inflight, link) {
			/*
			 * The caller stops waiting; the reply is dropped.  A
			 * caller's callback cannot close this connection, the
			 * pool's own commands are covered by the reset below.
			 */
			if (!cmd->internal && cmd->cb != NULL &&
			    now >= cmd->deadline_ms) {
				stat_add(&pool->stats->timeouts_total, 1);
				cmd_deliver(cmd, REDIS_POOL_TIMEOUT, NULL);
			}
		}
		cmd = TAILQ_FIRST(&c->inflight);
		if (cmd != NULL && now - cmd->sent_ms >=
		    (uint64_t)pool->cfg.command_timeout_ms) {
			/* A silent server: reset so later commands aren't stuck. */
			stat_add(&pool->stats->timeouts_total, 1);
			conn_failed(c, "Redis did not answer within "
			    "REDIS_SOCKET_TIMEOUT", NULL);
			conn_close(c, 1);
		}
	}
}

static void
tick_maintain(struct redis_pool *pool, uint64_t now)
{
	struct redis_conn	*c, *cnext;
	const char		*ping[] = { "PING" };
	unsigned int		 ready = 0, saturated = 0;

	for (c = TAILQ_FIRST(&pool->conns); c != NULL; c = cnext) {
		cnext = TAILQ_NEXT(c, link);
		if (c->state == CONN_DEAD) {
			TAILQ_REMOVE(&pool->conns, c, link);
			free(c);
			continue;
		}
		if (c->state != CONN_READY)
			continue;
		ready++;
		if (c->ninflight >= (unsigned int)pool->cfg.grow_depth)
			saturated++;
	}

	TAILQ_FOREACH(c, &pool->conns, link) {
		if (c->state != CONN_READY || c->ninflight > 0)
			continue;
		if (ready > 1 && now - c->last_used_ms >=
		    (uint64_t)pool->cfg.idle_timeout_ms) {
			ready--;
			conn_close(c, 0);
		} else if (now - c->last_used_ms >=
		    (uint64_t)pool->cfg.health_interval_ms) {
			internal_cmd(c, now, health_reply, 1, ping);
		}
	}

	/*
	 * A burst fills a pipeline for a moment and drains within a tick;
	 * only depth that persists means one connection cannot keep up.
	 */
	if (ready > 0 && (saturated == ready || pool->nwaiting > 0)) {
		if (pool->saturated_since_ms == 0)
			pool->saturated_since_ms = now;
	} else {
		pool->saturated_since_ms = 0;
	}

	if (pool->nconns >= (unsigned int)pool->cfg.max_connections ||
	    now < pool->next_connect_ms || pool_count(pool, CONN_CONNECTING) > 0 ||
	    pool->cfg.url.host[0] == '\0')
		return;
	if (pool->nconns == 0 || (pool->saturated_since_ms != 0 &&
	    now - pool->saturated_since_ms >= GROW_AFTER_MS)) {
		pool->saturated_since_ms = 0;
		conn_open(pool, now);
	}
}

static void
pool_publish(struct redis_pool *pool)
{
	struct redis_pool_stats	*s = pool->stats;
	struct redis_conn	*c;
	uint64_t		 open = 0, active = 0, connecting = 0, pending = 0;

	TAILQ_FOREACH(c, &pool->conns, link) {
		if (c->state == CONN_CONNECTING)
			connecting++;
		if (c->state != CONN_READY)
			continue;
		open++;
		if (c->ninflight > 0)
			active++;
		pending += c->ninflight;
	}
	stat_set(&s->open, open);
	stat_set(&s->active, active);
	stat_set(&s->idle, open - active);
	stat_set(&s->connecting, connecting);
	stat_set(&s->pending_commands, pending);
	stat_set(&s->waiting_requests, pool->nwaiting);
	stat_set(&s->up, (uint64_t)pool->up);
}

void
redis_pool_tick(struct redis_pool *pool, uint64_t now)
{
	tick_deadlines(pool, now);
	tick_maintain(pool, now);
	pool_dispatch_waiting(pool, now);
	pool_publish(pool);
}
