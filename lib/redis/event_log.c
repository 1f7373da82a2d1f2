/*
 * Scripts are sent with EVALSHA; a NOSCRIPT reply (a restarted or flushed
 * Redis) is answered by sending the same script once with EVAL, which also
 * loads it for the next caller.  The channel goes in ARGV, not KEYS: it is
 * not a key, and declaring it one would break cluster slot routing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include "event_log.h"
#include "json_tree.h"
#include "redis_script.h"

enum event_script {
	SCRIPT_PUBLISH,
	SCRIPT_REPLAY,
	SCRIPT_MAX,
};

/*
 * Both scripts stamp with this one function, so a replayed event is the
 * very text that was published.  The body is a JSON object with at least
 * one member and no blank after its closing brace (event_log_body_valid).
 */
#define STAMP_FN							\
	"local function stamp(body, id)\n"				\
	"  return string.sub(body, 1, -2) .. ',\"event_id\":\"' .. id .. "\
	    "'\"}'\n"							\
	"end\n"

static const char	*script_text[SCRIPT_MAX] = {
	/*
	 * KEYS[1] stream; ARGV channel, body, max_len, max_age_ms.  One
	 * XADD cannot trim by both count and age, hence the XTRIM; the age
	 * is measured from the new id, which Redis took from its clock, and
	 * so never trims the new entry.  "~" trims whole stream nodes only,
	 * which is what keeps trimming cheap.
	 */
	[SCRIPT_PUBLISH] = STAMP_FN
	    "local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[3], "
	    "'*', 'e', ARGV[2])\n"
	    "local ms = tonumber(string.match(id, '^%d+'))\n"
	    "local age = tonumber(ARGV[4])\n"
	    "if ms > age then\n"
	    "  redis.call('XTRIM', KEYS[1], 'MINID', '~', "
	    "string.format('%.0f', ms - age))\n"
	    "end\n"
	    "redis.call('PUBLISH', ARGV[1], stamp(ARGV[2], id))\n"
	    "return id\n",
	/*
	 * KEYS[1] stream; ARGV after, replay_max.  Trimming removes the
	 * oldest entries only, so while `after` is still in the stream every
	 * later event is too.  Returns {1, id, event, id, event, ...} or
	 * {0, newest id or ''}.
	 */
	[SCRIPT_REPLAY] = STAMP_FN
	    "local function reset()\n"
	    "  local last = redis.call('XREVRANGE', KEYS[1], '+', '-', "
	    "'COUNT', 1)\n"
	    "  if #last == 0 then return {0, ''} end\n"
	    "  return {0, last[1][1]}\n"
	    "end\n"
	    "if #redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1]) == 0 then\n"
	    "  return reset()\n"
	    "end\n"
	    "local max = tonumber(ARGV[2])\n"
	    "local r = redis.call('XRANGE', KEYS[1], '(' .. ARGV[1], '+', "
	    "'COUNT', max + 1)\n"
	    "if #r > max then return reset() end\n"
	    "local out = {1}\n"
	    "for i = 1, #r do\n"
	    "  out[2 * i] = r[i][1]\n"
	    "  out[2 * i + 1] = stamp(r[i][2][2], r[i][1])\n"
	    "end\n"
	    "return out\n",
};

/* The script's KEYS and ARGV: at most one key and four arguments. */
#define OP_ARGS_MAX	5

struct event_log_op {
	struct redis_pool	*pool;
	struct redis_cmd	*cmd;
	enum event_script	 script;
	int			 evaled;	/* fell back to EVAL once */
	uint64_t		 deadline_ms;
	event_log_done_fn	*done;
	void			*arg;
	int			 nargs;
	const char		*args[OP_ARGS_MAX];
	size_t			 argslen[OP_ARGS_MAX];
	char			 stream[EVENT_LOG_KEY_MAX];
	char			 channel[EVENT_LOG_KEY_MAX];
	char			 num[2][24];
	char			 after[EVENT_ID_TEXT_MAX];
	char			 body[];	/* publish: the event */
};

static char	script_sha[SCRIPT_MAX][REDIS_SCRIPT_SHA_SIZE];

void
event_log_config_default(struct event_log_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->stream, sizeof(cfg->stream), "spools:events");
	snprintf(cfg->channel, sizeof(cfg->channel), "spools:updates");
	cfg->max_len = 1000;
	cfg->max_age_ms = 60 * 60 * 1000;
	cfg->replay_max = 1000;
}

int
event_log_body_valid(const char *json, size_t len)
{
	yajl_val	root;
	char		*text, err[128];
	int		ok;

	if (len < 2 || len > EVENT_LOG_BODY_MAX || json[0] != '{' ||
	    json[len - 1] != '}' || memchr(json, '\n', len) != NULL ||
	    memchr(json, '\r', len) != NULL || memchr(json, '\0', len) != NULL)
		return (0);
	/* json_tree_parse wants the text NUL-terminated. */
	if ((text = malloc(len + 1)) == NULL)
		return (0);
	memcpy(text, json, len);
	text[len] = '\0';
	root = json_tree_parse(text, len, err, sizeof(err));
	ok = root != NULL && YAJL_IS_OBJECT(root) &&
	    root->u.object.len > 0 &&
	    json_tree_get(root, "event_id", yajl_t_any) == NULL;
	yajl_tree_free(root);
	free(text);
	return (ok);
}

static void	op_send(struct event_log_op *, enum redis_pool_status *);

static void
op_finish(struct event_log_op *op, const struct event_log_reply *r)
{
	event_log_done_fn	*done = op->done;
	void			*arg = op->arg;

	free(op);
	done(arg, r);
}

static int
reply_id(const redisReply *e, struct event_id *id)
{
	return (e->type == REDIS_REPLY_STRING &&
	    event_id_parse(e->str, e->len, id) == 0 ? 0 : -1);
}

static void
publish_reply(struct event_log_op *op, const redisReply *reply)
{
	struct event_log_reply	r;

	memset(&r, 0, sizeof(r));
	if (reply_id(reply, &r.id) == -1)
		r.result = EVENT_LOG_ERROR;
	op_finish(op, &r);
}

static void
replay_reply(struct event_log_op *op, const redisReply *reply)
{
	struct event_log_reply	 r;
	struct event_log_entry	*e = NULL;
	size_t			 i, n;

	memset(&r, 0, sizeof(r));
	r.result = EVENT_LOG_ERROR;
	if (reply->type != REDIS_REPLY_ARRAY || reply->elements < 1 ||
	    reply->element[0]->type != REDIS_REPLY_INTEGER)
		goto out;
	if (reply->element[0]->integer == 0) {
		if (reply->elements != 2 ||
		    reply->element[1]->type != REDIS_REPLY_STRING)
			goto out;
		if (reply->element[1]->len == 0 ||
		    reply_id(reply->element[1], &r.id) == 0)
			r.result = EVENT_LOG_RESET;
		goto out;
	}
	if (reply->element[0]->integer != 1 || reply->elements % 2 != 1)
		goto out;
	n = reply->elements / 2;
	if (n > 0 && (e = calloc(n, sizeof(*e))) == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		if (reply_id(reply->element[1 + 2 * i], &e[i].id) == -1 ||
		    reply->element[2 + 2 * i]->type != REDIS_REPLY_STRING)
			goto out;
		e[i].json = reply->element[2 + 2 * i]->str;
		e[i].len = reply->element[2 + 2 * i]->len;
	}
	r.result = EVENT_LOG_OK;
	r.entries = e;
	r.n = n;
out:
	op_finish(op, &r);
	free(e);
}

static void
op_reply(void *arg, enum redis_pool_status st, const redisReply *reply)
{
	struct event_log_op	*op = arg;
	struct event_log_reply	 r;
	enum redis_pool_status	 why;

	op->cmd = NULL;
	memset(&r, 0, sizeof(r));
	r.result = EVENT_LOG_ERROR;
	if (st != REDIS_POOL_OK) {
		r.status = st;
		op_finish(op, &r);
		return;
	}
	if (reply->type == REDIS_REPLY_ERROR) {
		if (!op->evaled && redis_script_missing(reply)) {
			op->evaled = 1;
			op_send(op, &why);
			if (op->cmd != NULL)
				return;
			r.status = why;
		}
		op_finish(op, &r);
		return;
	}
	if (op->script == SCRIPT_PUBLISH)
		publish_reply(op, reply);
	else
		replay_reply(op, reply);
}

static void
op_send(struct event_log_op *op, enum redis_pool_status *why)
{
	const char	*argv[3 + OP_ARGS_MAX];
	size_t		 argvlen[3 + OP_ARGS_MAX];
	int		 i;

	redis_script_head(script_text[op->script], script_sha[op->script],
	    op->evaled, argv);
	argv[2] = "1";
	for (i = 0; i < 3; i++)
		argvlen[i] = strlen(argv[i]);
	for (i = 0; i < op->nargs; i++) {
		argv[3 + i] = op->args[i];
		argvlen[3 + i] = op->argslen[i];
	}
	op->cmd = redis_pool_submit(op->pool, op_reply, op, op->deadline_ms,
	    3 + op->nargs, argv, argvlen, why);
}

static void
op_arg(struct event_log_op *op, const char *s, size_t len)
{
	op->args[op->nargs] = s;
	op->argslen[op->nargs] = len;
	op->nargs++;
}

static struct event_log_op *
op_new(struct redis_pool *pool, const struct event_log_config *cfg,
    enum event_script script, size_t bodylen, uint64_t deadline_ms,
    event_log_done_fn *done, void *arg)
{
	struct event_log_op	*op;

	if ((op = calloc(1, sizeof(*op) + bodylen)) == NULL)
		return (NULL);
	op->pool = pool;
	op->script = script;
	op->deadline_ms = deadline_ms;
	op->done = done;
	op->arg = arg;
	snprintf(op->stream, sizeof(op->stream), "%s", cfg->stream);
	snprintf(op->channel, sizeof(op->channel), "%s", cfg->channel);
	op_arg(op, op->stream, strlen(op->stream));
	return (op);
}

static struct event_log_op *
op_start(struct event_log_op *op, enum redis_pool_status *why)
{
	op_send(op, why);
	if (op->cmd == NULL) {
		free(op);
		return (NULL);
	}
	return (op);
}

struct event_log_op *
event_log_publish(struct redis_pool *pool, const struct event_log_config *cfg,
    const char *json, size_t len, uint64_t deadline_ms,
    event_log_done_fn *done, void *arg, enum redis_pool_status *why)
{
	struct event_log_op	*op;

	*why = REDIS_POOL_OK;
	if (!event_log_body_valid(json, len))
		return (NULL);
	*why = REDIS_POOL_OVERLOADED;
	if ((op = op_new(pool, cfg, SCRIPT_PUBLISH, len, deadline_ms, done,
	    arg)) == NULL)
		return (NULL);
	memcpy(op->body, json, len);
	snprintf(op->num[0], sizeof(op->num[0]), "%lu",
	    (unsigned long)cfg->max_len);
	snprintf(op->num[1], sizeof(op->num[1]), "%llu",
	    (unsigned long long)cfg->max_age_ms);
	op_arg(op, op->channel, strlen(op->channel));
	op_arg(op, op->body, len);
	op_arg(op, op->num[0], strlen(op->num[0]));
	op_arg(op, op->num[1], strlen(op->num[1]));
	return (op_start(op, why));
}

struct event_log_op *
event_log_replay(struct redis_pool *pool, const struct event_log_config *cfg,
    const struct event_id *after, uint64_t deadline_ms,
    event_log_done_fn *done, void *arg, enum redis_pool_status *why)
{
	struct event_log_op	*op;
	int			 n;

	*why = REDIS_POOL_OVERLOADED;
	if ((op = op_new(pool, cfg, SCRIPT_REPLAY, 0, deadline_ms, done,
	    arg)) == NULL)
		return (NULL);
	n = event_id_format(after, op->after, sizeof(op->after));
	snprintf(op->num[0], sizeof(op->num[0]), "%lu",
	    (unsigned long)cfg->replay_max);
	op_arg(op, op->after, (size_t)n);
	op_arg(op, op->num[0], strlen(op->num[0]));
	return (op_start(op, why));
}

void
event_log_cancel(struct event_log_op *op)
{
	if (op->cmd != NULL)
		redis_pool_cancel(op->cmd);
	free(op);
}
