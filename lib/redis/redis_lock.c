/*
 * Scripts are sent with EVALSHA; a NOSCRIPT reply (a restarted or flushed
 * Redis) is answered by sending the same script once with EVAL, which also
 * loads it for the next caller.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include "redis_lock.h"
#include "redis_script.h"

enum lock_script {
	SCRIPT_ACQUIRE,
	SCRIPT_RELEASE,
	SCRIPT_TAKEOVER,
	SCRIPT_MAX,
};

/* Returns {1, value} when taken, {0, current holder} when held. */
static const char	*script_text[SCRIPT_MAX] = {
	[SCRIPT_ACQUIRE] =
	    "local cur = redis.call('GET', KEYS[1])\n"
	    "if cur then return {0, cur} end\n"
	    "if ARGV[2] ~= '0' then\n"
	    "  redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2])\n"
	    "else\n"
	    "  redis.call('SET', KEYS[1], ARGV[1], 'NX')\n"
	    "end\n"
	    "return {1, ARGV[1]}\n",
	/* {1, ""} released, {0, holder} not the owner, {-1, ""} absent. */
	[SCRIPT_RELEASE] =
	    "local cur = redis.call('GET', KEYS[1])\n"
	    "if not cur then return {-1, ''} end\n"
	    "if cur ~= ARGV[1] then return {0, cur} end\n"
	    "redis.call('DEL', KEYS[1])\n"
	    "return {1, ''}\n",
	/* ARGV[1] expected holder ('' = must be free), ARGV[2] new value. */
	[SCRIPT_TAKEOVER] =
	    "local cur = redis.call('GET', KEYS[1])\n"
	    "if (cur or '') ~= ARGV[1] then\n"
	    "  if cur then return {0, cur} end\n"
	    "  return {-1, ''}\n"
	    "end\n"
	    "redis.call('SET', KEYS[1], ARGV[2])\n"
	    "return {1, ARGV[2]}\n",
};

struct lock_op {
	struct redis_pool	*pool;
	struct redis_cmd	*cmd;
	enum lock_script	 script;
	int			 evaled;	/* fell back to EVAL once */
	uint64_t		 deadline_ms;
	lock_done_fn		*done;
	void			*arg;
	int			 argc;
	char			 key[LOCK_KEY_MAX];
	char			 argv[2][LOCK_VALUE_MAX];
};

static char	script_sha[SCRIPT_MAX][REDIS_SCRIPT_SHA_SIZE];

int
lock_key(char *buf, size_t len, const char *tag)
{
	size_t	plen = sizeof(LOCK_KEY_PREFIX) - 1;

	if (len <= plen)
		return (-1);
	memcpy(buf, LOCK_KEY_PREFIX, plen);
	return (spool_tag_encode(tag, buf + plen, len - plen) == -1 ? -1 : 0);
}

int
lock_key_tag(const char *key, size_t len, char *tag, size_t tagsz)
{
	size_t	plen = sizeof(LOCK_KEY_PREFIX) - 1;

	if (len < plen || memcmp(key, LOCK_KEY_PREFIX, plen) != 0) {
		if (tagsz > 0)
			tag[0] = '\0';
		return (-1);
	}
	return (spool_tag_decode(key + plen, len - plen, tag, tagsz));
}

int
lock_value(char *buf, size_t len, long long worker_id, const char *token)
{
	int	n;

	if (worker_id <= 0 || *token == '\0')
		return (-1);
	n = snprintf(buf, len, "%lld:%s", worker_id, token);
	return (n < 0 || (size_t)n >= len ? -1 : 0);
}

long long
lock_value_worker(const char *value)
{
	long long	id = 0;
	const char	*p;

	for (p = value; isdigit((unsigned char)*p); p++) {
		if (id > 100000000000LL)
			return (-1);
		id = id * 10 + (*p - '0');
	}
	if (p == value || *p != ':' || id <= 0)
		return (-1);
	return (id);
}

static void	op_send(struct lock_op *, enum redis_pool_status *);

static void
op_finish(struct lock_op *op, const struct lock_reply *r)
{
	lock_done_fn	*done = op->done;
	void		*arg = op->arg;

	free(op);
	done(arg, r);
}

static void
op_reply(void *arg, enum redis_pool_status st, const redisReply *reply)
{
	struct lock_op		*op = arg;
	struct lock_reply	 r;
	enum redis_pool_status	 why;
	long long		 code;

	memset(&r, 0, sizeof(r));
	op->cmd = NULL;
	if (st != REDIS_POOL_OK) {
		r.result = LOCK_ERROR;
		r.status = st;
		op_finish(op, &r);
		return;
	}
	if (!op->evaled && redis_script_missing(reply)) {
		op->evaled = 1;
		op_send(op, &why);
		if (op->cmd == NULL) {
			r.result = LOCK_ERROR;
			r.status = why;
			op_finish(op, &r);
		}
		return;
	}
	if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2 ||
	    reply->element[0]->type != REDIS_REPLY_INTEGER ||
	    (reply->element[1]->type != REDIS_REPLY_STRING &&
	    reply->element[1]->type != REDIS_REPLY_NIL)) {
		/* An error reply or a shape no script of ours returns. */
		r.result = LOCK_ERROR;
		r.status = REDIS_POOL_UNAVAILABLE;
		op_finish(op, &r);
		return;
	}
	code = reply->element[0]->integer;
	if (reply->element[1]->type == REDIS_REPLY_STRING)
		snprintf(r.owner, sizeof(r.owner), "%s",
		    reply->element[1]->str);
	if (code == 1)
		r.result = LOCK_OK;
	else if (code == -1)
		r.result = LOCK_ABSENT;
	else if (op->script == SCRIPT_ACQUIRE)
		r.result = LOCK_HELD;
	else
		r.result = LOCK_NOT_OWNER;
	op_finish(op, &r);
}

static void
op_send(struct lock_op *op, enum redis_pool_status *why)
{
	const char	*argv[6];
	int		 i;

	redis_script_head(script_text[op->script], script_sha[op->script],
	    op->evaled, argv);
	argv[2] = "1";
	argv[3] = op->key;
	for (i = 0; i < op->argc; i++)
		argv[4 + i] = op->argv[i];
	op->cmd = redis_pool_submit(op->pool, op_reply, op, op->deadline_ms,
	    4 + op->argc, argv, NULL, why);
}

static struct lock_op *
op_start(struct redis_pool *pool, enum lock_script script, const char *tag,
    const char *a1, const char *a2, uint64_t deadline_ms, lock_done_fn *done,
    void *arg, enum redis_pool_status *why)
{
	struct lock_op	*op;
	int		 n1, n2;

	*why = REDIS_POOL_OVERLOADED;
	if ((op = calloc(1, sizeof(*op))) == NULL)
		return (NULL);
	op->pool = pool;
	op->script = script;
	op->deadline_ms = deadline_ms;
	op->done = done;
	op->arg = arg;
	op->argc = 2;
	n1 = snprintf(op->argv[0], sizeof(op->argv[0]), "%s", a1);
	n2 = snprintf(op->argv[1], sizeof(op->argv[1]), "%s", a2);
	if (lock_key(op->key, sizeof(op->key), tag) == -1 || n1 < 0 ||
	    (size_t)n1 >= sizeof(op->argv[0]) || n2 < 0 ||
	    (size_t)n2 >= sizeof(op->argv[1])) {
		free(op);
		return (NULL);
	}
	op_send(op, why);
	if (op->cmd == NULL) {
		free(op);
		return (NULL);
	}
	return (op);
}

struct lock_op *
lock_acquire(struct redis_pool *pool, const char *tag, const char *value,
    uint64_t ttl_ms, uint64_t deadline_ms, lock_done_fn *done, void *arg,
    enum redis_pool_status *why)
{
	char	ttl[24];

	snprintf(ttl, sizeof(ttl), "%llu", (unsigned long long)ttl_ms);
	return (op_start(pool, SCRIPT_ACQUIRE, tag, value, ttl, deadline_ms,
	    done, arg, why));
}

struct lock_op *
lock_release(struct redis_pool *pool, const char *tag, const char *value,
    uint64_t deadline_ms, lock_done_fn *done, void *arg,
    enum redis_pool_status *why)
{
	return (op_start(pool, SCRIPT_RELEASE, tag, value, "", deadline_ms,
	    done, arg, why));
}

struct lock_op *
lock_takeover(struct redis_pool *pool, const char *tag,
    const char *expected_value, const char *value, uint64_t deadline_ms,
    lock_done_fn *done, void *arg, enum redis_pool_status *why)
{
	return (op_start(pool, SCRIPT_TAKEOVER, tag, expected_value, value,
	    deadline_ms, done, arg, why));
}

static void
owner_reply(void *arg, enum redis_pool_status st, const redisReply *reply)
{
	struct lock_op		*op = arg;
	struct lock_reply	 r;

	memset(&r, 0, sizeof(r));
	op->cmd = NULL;
	if (st != REDIS_POOL_OK || (reply->type != REDIS_REPLY_STRING &&
	    reply->type != REDIS_REPLY_NIL)) {
		r.result = LOCK_ERROR;
		r.status = st != REDIS_POOL_OK ? st : REDIS_POOL_UNAVAILABLE;
	} else if (reply->type == REDIS_REPLY_NIL) {
		r.result = LOCK_ABSENT;
	} else {
		r.result = LOCK_OK;
		snprintf(r.owner, sizeof(r.owner), "%s", reply->str);
	}
	op_finish(op, &r);
}

struct lock_op *
lock_owner(struct redis_pool *pool, const char *tag, uint64_t deadline_ms,
    lock_done_fn *done, void *arg, enum redis_pool_status *why)
{
	struct lock_op	*op;
	const char	*argv[2];

	*why = REDIS_POOL_OVERLOADED;
	if ((op = calloc(1, sizeof(*op))) == NULL)
		return (NULL);
	if (lock_key(op->key, sizeof(op->key), tag) == -1) {
		free(op);
		return (NULL);
	}
	op->pool = pool;
	op->done = done;
	op->arg = arg;
	argv[0] = "GET";
	argv[1] = op->key;
	op->cmd = redis_pool_submit(pool, owner_reply, op, deadline_ms, 2,
	    argv, NULL, why);
	if (op->cmd == NULL) {
		free(op);
		return (NULL);
	}
	return (op);
}

void
lock_cancel(struct lock_op *op)
{
	if (op->cmd != NULL)
		redis_pool_cancel(op->cmd);
	free(op);
}
