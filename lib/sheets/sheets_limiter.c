/*
 * Sheets request budget shared through Redis; see sheets_limiter.h.
 *
 * As every script here (redis_script.h), the script goes out with EVALSHA
 * and a NOSCRIPT reply (a restarted or flushed Redis) is answered by
 * sending it once with EVAL, which also loads it for the next caller.
 */
#include <sys/queue.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include "redis_script.h"
#include "sheets_limiter.h"
#include "uuid4.h"

#define KEY_PREFIX	"zeues:sheets_quota:"
#define KEY_MAX		(sizeof(KEY_PREFIX) + SHEETS_LIMITER_ACCOUNT_MAX + 8)
#define MEMBER_MAX	(UUID4_STRLEN + 24)

/*
 * KEYS[1] the log, KEYS[2] the pause a 429 set; ARGV[1] the limit (the
 * whole budget, or what a spare acquire may use of it), ARGV[2] the window
 * in ms, ARGV[3] a member no other grant uses, ARGV[4] the least ms between
 * two grants (0: any).  Returns 0 when granted, otherwise the ms until the
 * pause ends, the newest grant is spacing old or enough grants leave the
 * window for one more to fit the limit.
 */
static const char	script_text[] =
    "local now = redis.call('TIME')\n"
    "local t = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)\n"
    "local window = tonumber(ARGV[2])\n"
    "local pause = redis.call('PTTL', KEYS[2])\n"
    "if pause > 0 then return pause end\n"
    "redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', t - window)\n"
    "local spacing = tonumber(ARGV[4])\n"
    "if spacing > 0 then\n"
    "  local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')\n"
    "  if last[2] and tonumber(last[2]) + spacing > t then\n"
    "    return tonumber(last[2]) + spacing - t\n"
    "  end\n"
    "end\n"
    "if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then\n"
    "  redis.call('ZADD', KEYS[1], t, ARGV[3])\n"
    "  redis.call('PEXPIRE', KEYS[1], window)\n"
    "  return 0\n"
    "end\n"
    "local over = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[1])\n"
    "local oldest = redis.call('ZRANGE', KEYS[1], over, over, 'WITHSCORES')\n"
    "local wait = tonumber(oldest[2]) + window - t\n"
    "if wait < 1 then wait = 1 end\n"
    "return wait\n";

static char	script_sha[REDIS_SCRIPT_SHA_SIZE];

/* The grants this process saw in the last window, oldest first. */
struct grant_log {
	uint64_t	*at;
	size_t		 cap;
	size_t		 head;
	size_t		 n;
};

enum op_state {
	OP_ASKING,		/* the script is in flight */
	OP_SLEEPING,		/* asks again at due_ms */
	OP_DONE,		/* reply decided; delivered on the next tick */
};

struct sheets_limit_op {
	TAILQ_ENTRY(sheets_limit_op)	 entry;
	struct sheets_limiter		*lim;
	enum sheets_quota_kind		 kind;
	int				 spare;	/* leaves the reserve */
	enum op_state			 state;
	uint64_t			 deadline_ms;
	uint64_t			 due_ms;
	struct redis_cmd		*cmd;
	int				 evaled;
	struct sheets_limit_reply	 reply;
	sheets_limit_fn			*cb;
	void				*arg;
};

struct sheets_limiter {
	struct sheets_limiter_config	 cfg;
	struct redis_pool		*pool;
	struct io_loop			*loop;
	char				 key[SHEETS_QUOTA_KINDS][KEY_MAX];
	char				 limit[SHEETS_QUOTA_KINDS][16];
	char				 spare_limit[SHEETS_QUOTA_KINDS][16];
	char				 window[24];
	char				 spacing[SHEETS_QUOTA_KINDS][24];
	char				 pause_key[SHEETS_QUOTA_KINDS][KEY_MAX + 8];
	/* The pause this process last set, and until when (loop clock). */
	uint64_t			 pause_ms[SHEETS_QUOTA_KINDS];
	uint64_t			 paused_until[SHEETS_QUOTA_KINDS];
	char				 instance[UUID4_STRLEN];
	uint64_t			 seq;
	struct grant_log		 log[SHEETS_QUOTA_KINDS];
	unsigned int			 share[SHEETS_QUOTA_KINDS];
	unsigned int			 spare_share[SHEETS_QUOTA_KINDS];
	TAILQ_HEAD(, sheets_limit_op)	 ops;
	struct sheets_limiter_stats	 stats;
};

static void	op_ask(struct sheets_limit_op *, int);

void
sheets_limiter_config_defaults(struct sheets_limiter_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->per_window[SHEETS_QUOTA_READ] = 60;
	cfg->per_window[SHEETS_QUOTA_WRITE] = 60;
	cfg->window_ms = 60000;
	cfg->workers = 1;
	cfg->redis_timeout_ms = 500;
}

static uint64_t
now_ms(const struct sheets_limiter *lim)
{
	return (io_loop_now(lim->loop));
}

/* Drops the grants that left the window ending at now. */
static void
log_trim(struct grant_log *log, uint64_t now, uint64_t window)
{
	while (log->n > 0 && log->at[log->head] + window <= now) {
		log->head = (log->head + 1) % log->cap;
		log->n--;
	}
}

/* Notes a grant; a full log forgets its oldest (it cannot matter more). */
static void
log_note(struct grant_log *log, uint64_t now)
{
	if (log->n == log->cap) {
		log->head = (log->head + 1) % log->cap;
		log->n--;
	}
	log->at[(log->head + log->n) % log->cap] = now;
	log->n++;
}

/* The local decision: 1 granted, or 0 with *wait set. */
static int
local_decide(struct sheets_limiter *lim, enum sheets_quota_kind kind,
    int spare, uint64_t now, uint64_t *wait)
{
	struct grant_log	*log = &lim->log[kind];
	unsigned int		 share;
	size_t			 skip, i;

	log_trim(log, now, lim->cfg.window_ms);
	if (lim->paused_until[kind] > now) {
		*wait = lim->paused_until[kind] - now;
		return (0);
	}
	/* Alone, this process keeps the spacing among its own grants. */
	if (log->n > 0 && log->at[(log->head + log->n - 1) % log->cap] +
	    lim->cfg.spacing_ms[kind] > now) {
		*wait = log->at[(log->head + log->n - 1) % log->cap] +
		    lim->cfg.spacing_ms[kind] - now;
		return (0);
	}
	share = spare ? lim->spare_share[kind] : lim->share[kind];
	if (log->n < share) {
		*wait = 0;
		return (1);
	}
	/* Wait until enough grants leave for one more to fit the share. */
	skip = log->n - share;
	i = (log->head + skip) % log->cap;
	*wait = log->at[i] + lim->cfg.window_ms - now;
	return (0);
}

static void
op_free(struct sheets_limit_op *op)
{
	struct sheets_limiter	*lim = op->lim;

	if (op->state == OP_SLEEPING)
		lim->stats.waiting--;
	TAILQ_REMOVE(&lim->ops, op, entry);
	free(op);
}

static void
op_finish(struct sheets_limit_op *op)
{
	sheets_limit_fn			*cb = op->cb;
	void				*arg = op->arg;
	struct sheets_limit_reply	 reply = op->reply;

	op_free(op);
	cb(arg, &reply);
}

/*
 * Acts on a decision.  may_call is 0 inside acquire(), where the callback
 * must not run: the reply then waits for the next tick.
 */
static void
op_decided(struct sheets_limit_op *op, int granted, uint64_t wait, int local,
    int may_call)
{
	struct sheets_limiter	*lim = op->lim;
	uint64_t		 now = now_ms(lim);

	op->reply.local = local;
	if (granted) {
		log_note(&lim->log[op->kind], now);
		lim->stats.granted[op->kind]++;
		if (local)
			lim->stats.granted_locally[op->kind]++;
		op->reply.result = SHEETS_LIMIT_GRANTED;
		op->reply.wait_ms = 0;
	} else if (now + wait <= op->deadline_ms) {
		op->state = OP_SLEEPING;
		op->due_ms = now + wait;
		lim->stats.waiting++;
		return;
	} else {
		lim->stats.refused[op->kind]++;
		op->reply.result = SHEETS_LIMIT_WAIT;
		op->reply.wait_ms = wait;
	}
	if (may_call)
		op_finish(op);
	else
		op->state = OP_DONE;
}

static void
op_local(struct sheets_limit_op *op, int may_call)
{
	uint64_t	wait;
	int		granted;

	granted = local_decide(op->lim, op->kind, op->spare, now_ms(op->lim),
	    &wait);
	op_decided(op, granted, wait, 1, may_call);
}

static void
op_reply(void *arg, enum redis_pool_status st, const redisReply *reply)
{
	struct sheets_limit_op	*op = arg;

	op->cmd = NULL;
	if (st == REDIS_POOL_OK && !op->evaled &&
	    redis_script_missing(reply)) {
		op->evaled = 1;
		op_ask(op, 1);
		return;
	}
	if (st != REDIS_POOL_OK || reply->type != REDIS_REPLY_INTEGER ||
	    reply->integer < 0) {
		op->lim->stats.redis_failures++;
		op_local(op, 1);
		return;
	}
	op_decided(op, reply->integer == 0, (uint64_t)reply->integer, 0, 1);
}

/* Asks Redis, or decides locally when it cannot be asked. */
static void
op_ask(struct sheets_limit_op *op, int may_call)
{
	struct sheets_limiter	*lim = op->lim;
	enum redis_pool_status	 why;
	const char		*argv[9];
	char			 member[MEMBER_MAX];
	uint64_t		 now = now_ms(lim), deadline;

	op->state = OP_ASKING;
	if (lim->pool == NULL) {
		op_local(op, may_call);
		return;
	}
	deadline = now + lim->cfg.redis_timeout_ms;
	if (op->deadline_ms > now && op->deadline_ms < deadline)
		deadline = op->deadline_ms;
	snprintf(member, sizeof(member), "%s:%llu", lim->instance,
	    (unsigned long long)++lim->seq);
	redis_script_head(script_text, script_sha, op->evaled, argv);
	argv[2] = "2";
	argv[3] = lim->key[op->kind];
	argv[4] = lim->pause_key[op->kind];
	argv[5] = op->spare ? lim->spare_limit[op->kind] : lim->limit[op->kind];
	argv[6] = lim->window;
	argv[7] = member;
	argv[8] = lim->spacing[op->kind];
	op->cmd = redis_pool_submit(lim->pool, op_reply, op, deadline, 9, argv,
	    NULL, &why);
	if (op->cmd == NULL) {
		lim->stats.redis_failures++;
		op_local(op, may_call);
	}
}

struct sheets_limiter *
sheets_limiter_new(const struct sheets_limiter_config *cfg,
    struct redis_pool *pool, struct io_loop *loop)
{
	static const char *const	 suffix[SHEETS_QUOTA_KINDS] = {
		[SHEETS_QUOTA_READ] = "reads",
		[SHEETS_QUOTA_WRITE] = "writes",
	};
	struct sheets_limiter		*lim;
	unsigned int			 workers;
	int				 k, n;

	if (cfg->account == NULL || cfg->account[0] == '\0' ||
	    strlen(cfg->account) > SHEETS_LIMITER_ACCOUNT_MAX ||
	    cfg->window_ms == 0 || cfg->per_window[SHEETS_QUOTA_READ] == 0 ||
	    cfg->per_window[SHEETS_QUOTA_WRITE] == 0 ||
	    cfg->reserve[SHEETS_QUOTA_READ] >= cfg->per_window[SHEETS_QUOTA_READ] ||
	    cfg->reserve[SHEETS_QUOTA_WRITE] >=
	    cfg->per_window[SHEETS_QUOTA_WRITE])
		return (NULL);
	if ((lim = calloc(1, sizeof(*lim))) == NULL)
		return (NULL);
	lim->cfg = *cfg;
	lim->cfg.account = NULL;	/* only the keys keep it */
	lim->pool = pool;
	lim->loop = loop;
	TAILQ_INIT(&lim->ops);
	if (uuid4_generate(lim->instance) == -1)
		goto fail;
	workers = cfg->workers > 0 ? cfg->workers : 1;
	snprintf(lim->window, sizeof(lim->window), "%llu",
	    (unsigned long long)cfg->window_ms);
	for (k = 0; k < SHEETS_QUOTA_KINDS; k++) {
		n = snprintf(lim->key[k], sizeof(lim->key[k]), "%s%s:%s",
		    KEY_PREFIX, cfg->account, suffix[k]);
		if (n < 0 || (size_t)n >= sizeof(lim->key[k]))
			goto fail;
		snprintf(lim->limit[k], sizeof(lim->limit[k]), "%u",
		    cfg->per_window[k]);
		snprintf(lim->spare_limit[k], sizeof(lim->spare_limit[k]),
		    "%u", cfg->per_window[k] - cfg->reserve[k]);
		snprintf(lim->pause_key[k], sizeof(lim->pause_key[k]),
		    "%s:pause", lim->key[k]);
		snprintf(lim->spacing[k], sizeof(lim->spacing[k]), "%llu",
		    (unsigned long long)cfg->spacing_ms[k]);
		lim->share[k] = cfg->per_window[k] / workers;
		if (lim->share[k] == 0)
			lim->share[k] = 1;
		lim->spare_share[k] = (cfg->per_window[k] - cfg->reserve[k]) /
		    workers;
		if (lim->spare_share[k] == 0)
			lim->spare_share[k] = 1;
		/* Redis may grant this process the whole budget. */
		lim->log[k].cap = cfg->per_window[k];
		if ((lim->log[k].at = calloc(lim->log[k].cap,
		    sizeof(uint64_t))) == NULL)
			goto fail;
	}
	return (lim);

fail:
	sheets_limiter_free(lim);
	return (NULL);
}

void
sheets_limiter_free(struct sheets_limiter *lim)
{
	struct sheets_limit_op	*op;
	int			 k;

	if (lim == NULL)
		return;
	while ((op = TAILQ_FIRST(&lim->ops)) != NULL) {
		if (op->cmd != NULL)
			redis_pool_cancel(op->cmd);
		op_free(op);
	}
	for (k = 0; k < SHEETS_QUOTA_KINDS; k++)
		free(lim->log[k].at);
	free(lim);
}

void
sheets_limiter_tick(struct sheets_limiter *lim, uint64_t now)
{
	struct sheets_limit_op	*op;

	/* A callback may acquire or cancel: rescan after each action. */
	for (;;) {
		TAILQ_FOREACH(op, &lim->ops, entry) {
			if (op->state == OP_DONE ||
			    (op->state == OP_SLEEPING && now >= op->due_ms))
				break;
		}
		if (op == NULL)
			return;
		if (op->state == OP_DONE) {
			op_finish(op);
			continue;
		}
		lim->stats.waiting--;
		op_ask(op, 1);
	}
}

static struct sheets_limit_op *
acquire(struct sheets_limiter *lim, enum sheets_quota_kind kind, int spare,
    uint64_t deadline_ms, sheets_limit_fn *cb, void *arg)
{
	struct sheets_limit_op	*op;

	if ((op = calloc(1, sizeof(*op))) == NULL)
		return (NULL);
	op->lim = lim;
	op->kind = kind;
	op->spare = spare;
	op->deadline_ms = deadline_ms;
	op->cb = cb;
	op->arg = arg;
	op->state = OP_ASKING;
	TAILQ_INSERT_TAIL(&lim->ops, op, entry);
	op_ask(op, 0);
	return (op);
}

struct sheets_limit_op *
sheets_limiter_acquire(struct sheets_limiter *lim,
    enum sheets_quota_kind kind, uint64_t deadline_ms, sheets_limit_fn *cb,
    void *arg)
{
	return (acquire(lim, kind, 0, deadline_ms, cb, arg));
}

struct sheets_limit_op *
sheets_limiter_acquire_spare(struct sheets_limiter *lim,
    enum sheets_quota_kind kind, uint64_t deadline_ms, sheets_limit_fn *cb,
    void *arg)
{
	return (acquire(lim, kind, 1, deadline_ms, cb, arg));
}

void
sheets_limiter_cancel(struct sheets_limit_op *op)
{
	if (op->cmd != NULL)
		redis_pool_cancel(op->cmd);
	op_free(op);
}

static void
pause_set(void *arg, enum redis_pool_status st, const redisReply *reply)
{
	(void)arg;
	(void)st;
	(void)reply;
}

void
sheets_limiter_pause(struct sheets_limiter *lim, enum sheets_quota_kind kind)
{
	enum redis_pool_status	 why;
	uint64_t		 now = now_ms(lim), base, ms;
	char			 px[24];

	base = lim->cfg.spacing_ms[kind];
	if (base < SHEETS_LIMITER_PAUSE_MIN_MS)
		base = SHEETS_LIMITER_PAUSE_MIN_MS;
	/*
	 * A 429 soon after the last pause ended doubles it; one after a
	 * quiet spell starts again from the least.
	 */
	if (lim->pause_ms[kind] != 0 && now < lim->paused_until[kind] +
	    2 * lim->pause_ms[kind])
		ms = lim->pause_ms[kind] * 2;
	else
		ms = base;
	if (ms > SHEETS_LIMITER_PAUSE_MAX_MS)
		ms = SHEETS_LIMITER_PAUSE_MAX_MS;
	/* 429s of calls already in flight during the pause change nothing. */
	if (lim->paused_until[kind] > now)
		return;
	lim->pause_ms[kind] = ms;
	lim->paused_until[kind] = now + ms;
	lim->stats.pauses[kind]++;
	if (lim->pool == NULL)
		return;
	snprintf(px, sizeof(px), "%llu", (unsigned long long)ms);
	(void)redis_pool_submitf(lim->pool, pause_set, NULL,
	    now + lim->cfg.redis_timeout_ms, &why, "SET %s 1 PX %s",
	    lim->pause_key[kind], px);
}

void
sheets_limiter_stats(const struct sheets_limiter *lim,
    struct sheets_limiter_stats *out)
{
	*out = lim->stats;
}
