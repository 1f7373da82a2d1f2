/*
 * The read cache's lease and snapshot in Redis; see cache_share.h.
 *
 * As every script here (redis_script.h), a script goes out with EVALSHA
 * and a NOSCRIPT reply (a restarted or flushed Redis) is answered by
 * sending it once with EVAL.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache_share.h"
#include "redis_script.h"
#include "uuid4.h"

#define KEY_PREFIX	"zeues:sheets_cache:"
#define KEY_MAX		(sizeof(KEY_PREFIX) + 128 + 16)
#define TOKEN_MAX	(UUID4_STRLEN + 24)
#define NUM_MAX		24

/*
 * KEYS[1] the snapshot, KEYS[2] the lease; ARGV[1] our token, ARGV[2] the
 * lease's ms, ARGV[3] the oldest snapshot taken, ARGV[4] the generation
 * held.  {1, gen, age, data}, {2, now} (leased) or {3, lease's pttl}.
 */
static const char	ask_text[] =
    "local t = redis.call('TIME')\n"
    "local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n"
    "local s = redis.call('HMGET', KEYS[1], 'gen', 'at')\n"
    "if s[1] and s[2] and s[1] ~= ARGV[4] then\n"
    "  local age = now - tonumber(s[2])\n"
    "  if age < 0 then age = 0 end\n"
    "  if age < tonumber(ARGV[3]) then\n"
    "    local d = redis.call('HGET', KEYS[1], 'data')\n"
    "    if d then return {1, s[1], age, d} end\n"
    "  end\n"
    "end\n"
    "if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then\n"
    "  return {2, now}\n"
    "end\n"
    "return {3, redis.call('PTTL', KEYS[2])}\n";

/*
 * KEYS[1] the snapshot, KEYS[2] the lease, KEYS[3] the generations;
 * ARGV[1] our token, ARGV[2] when read, ARGV[3] the data, ARGV[4] how
 * long it is kept.  The new generation, or 0 when a newer one is there.
 */
static const char	store_text[] =
    "local cur = redis.call('HGET', KEYS[1], 'at')\n"
    "local gen = 0\n"
    "if not cur or tonumber(cur) <= tonumber(ARGV[2]) then\n"
    "  gen = redis.call('INCR', KEYS[3])\n"
    "  redis.call('HSET', KEYS[1], 'gen', gen, 'at', ARGV[2], 'data', ARGV[3])\n"
    "  redis.call('PEXPIRE', KEYS[1], ARGV[4])\n"
    "end\n"
    "if redis.call('GET', KEYS[2]) == ARGV[1] then\n"
    "  redis.call('DEL', KEYS[2])\n"
    "end\n"
    "return gen\n";

/* KEYS[1] the lease; ARGV[1] our token, ARGV[2] ms to keep it (0: drop). */
static const char	release_text[] =
    "if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end\n"
    "if tonumber(ARGV[2]) > 0 then\n"
    "  return redis.call('PEXPIRE', KEYS[1], ARGV[2])\n"
    "end\n"
    "return redis.call('DEL', KEYS[1])\n";

static char	ask_sha[REDIS_SCRIPT_SHA_SIZE];
static char	store_sha[REDIS_SCRIPT_SHA_SIZE];
static char	release_sha[REDIS_SCRIPT_SHA_SIZE];

struct cache_share {
	struct cache_share_config	 cfg;
	char				 snap_key[KEY_MAX];
	char				 lease_key[KEY_MAX];
	char				 gen_key[KEY_MAX];
	char				 token[TOKEN_MAX];
	char				 lease_ms[NUM_MAX];

	struct redis_cmd		*ask_cmd;
	int				 ask_evaled;
	char				 ask_max_age[NUM_MAX];
	char				 ask_known[NUM_MAX];
	cache_share_fn			*ask_cb;
	void				*ask_arg;

	struct redis_cmd		*store_cmd;
	int				 store_evaled;
	char				*store_data;
	size_t				 store_len;
	char				 store_at[NUM_MAX];
	char				 store_keep[NUM_MAX];

	struct redis_cmd		*release_cmd;
	int				 release_evaled;
	char				 release_hold[NUM_MAX];
};

static uint64_t
deadline(const struct cache_share *s)
{
	return (io_loop_now(s->cfg.loop) + s->cfg.redis_timeout_ms);
}

struct cache_share *
cache_share_new(const struct cache_share_config *cfg)
{
	struct cache_share	*s;
	char			 uuid[UUID4_STRLEN];
	static uint64_t		 seq;

	if (cfg->spreadsheet_id == NULL || strlen(cfg->spreadsheet_id) > 128 ||
	    cfg->pool == NULL || cfg->loop == NULL ||
	    uuid4_generate(uuid) == -1 || (s = calloc(1, sizeof(*s))) == NULL)
		return (NULL);
	s->cfg = *cfg;
	s->cfg.spreadsheet_id = NULL;	/* only the keys keep it */
	snprintf(s->snap_key, sizeof(s->snap_key), "%s%s:snapshot",
	    KEY_PREFIX, cfg->spreadsheet_id);
	snprintf(s->lease_key, sizeof(s->lease_key), "%s%s:lease",
	    KEY_PREFIX, cfg->spreadsheet_id);
	snprintf(s->gen_key, sizeof(s->gen_key), "%s%s:gen", KEY_PREFIX,
	    cfg->spreadsheet_id);
	snprintf(s->token, sizeof(s->token), "%s:%" PRIu64, uuid, ++seq);
	snprintf(s->lease_ms, sizeof(s->lease_ms), "%" PRIu64,
	    cfg->lease_ms > 0 ? cfg->lease_ms : 1);
	return (s);
}

void
cache_share_free(struct cache_share *s)
{
	if (s == NULL)
		return;
	if (s->ask_cmd != NULL)
		redis_pool_cancel(s->ask_cmd);
	if (s->store_cmd != NULL)
		redis_pool_cancel(s->store_cmd);
	if (s->release_cmd != NULL)
		redis_pool_cancel(s->release_cmd);
	free(s->store_data);
	free(s);
}

static void	ask_send(struct cache_share *);

static void
ask_answer(struct cache_share *s, const struct cache_share_reply *r)
{
	cache_share_fn	*cb = s->ask_cb;

	s->ask_cb = NULL;
	cb(s->ask_arg, r);
}

static void
ask_failed(struct cache_share *s, const char *error)
{
	struct cache_share_reply	r;

	memset(&r, 0, sizeof(r));
	r.answer = CACHE_SHARE_FAILED;
	r.error = error;
	ask_answer(s, &r);
}

static int
reply_uint(const redisReply *e, uint64_t *out)
{
	char		*end;
	unsigned long long v;

	if (e->type == REDIS_REPLY_INTEGER && e->integer >= 0) {
		*out = (uint64_t)e->integer;
		return (0);
	}
	if (e->type != REDIS_REPLY_STRING || e->len == 0 || e->len > 20)
		return (-1);
	v = strtoull(e->str, &end, 10);
	if (end != e->str + e->len)
		return (-1);
	*out = v;
	return (0);
}

static void
ask_reply(void *arg, enum redis_pool_status st, const redisReply *reply)
{
	struct cache_share		*s = arg;
	struct cache_share_reply	 r;
	uint64_t			 kind;

	s->ask_cmd = NULL;
	if (st == REDIS_POOL_OK && !s->ask_evaled &&
	    redis_script_missing(reply)) {
		s->ask_evaled = 1;
		ask_send(s);
		return;
	}
	if (st != REDIS_POOL_OK) {
		ask_failed(s, redis_pool_status_name(st));
		return;
	}
	memset(&r, 0, sizeof(r));
	if (reply->type != REDIS_REPLY_ARRAY || reply->elements < 2 ||
	    reply_uint(reply->element[0], &kind) == -1) {
		ask_failed(s, reply->type == REDIS_REPLY_ERROR ? reply->str :
		    "unexpected reply");
		return;
	}
	if (kind == 1 && reply->elements == 4 &&
	    reply_uint(reply->element[1], &r.generation) == 0 &&
	    reply_uint(reply->element[2], &r.age_ms) == 0 &&
	    reply->element[3]->type == REDIS_REPLY_STRING) {
		r.answer = CACHE_SHARE_ADOPT;
		r.data = reply->element[3]->str;
		r.len = reply->element[3]->len;
	} else if (kind == 2 && reply_uint(reply->element[1], &r.redis_ms) ==
	    0)
		r.answer = CACHE_SHARE_LEASED;
	else if (kind == 3)
		r.answer = CACHE_SHARE_BUSY;
	else {
		ask_failed(s, "unexpected reply");
		return;
	}
	ask_answer(s, &r);
}

static void
ask_send(struct cache_share *s)
{
	enum redis_pool_status	 why;
	const char		*argv[9];

	redis_script_head(ask_text, ask_sha, s->ask_evaled, argv);
	argv[2] = "2";
	argv[3] = s->snap_key;
	argv[4] = s->lease_key;
	argv[5] = s->token;
	argv[6] = s->lease_ms;
	argv[7] = s->ask_max_age;
	argv[8] = s->ask_known;
	s->ask_cmd = redis_pool_submit(s->cfg.pool, ask_reply, s, deadline(s),
	    9, argv, NULL, &why);
	/* Only from a reply: the first send is checked by the caller. */
	if (s->ask_cmd == NULL && s->ask_cb != NULL && s->ask_evaled)
		ask_failed(s, redis_pool_status_name(why));
}

int
cache_share_ask(struct cache_share *s, uint64_t max_age_ms,
    uint64_t known_gen, cache_share_fn *cb, void *arg)
{
	if (s->ask_cb != NULL)
		return (-1);
	snprintf(s->ask_max_age, sizeof(s->ask_max_age), "%" PRIu64,
	    max_age_ms);
	snprintf(s->ask_known, sizeof(s->ask_known), "%" PRIu64, known_gen);
	s->ask_cb = cb;
	s->ask_arg = arg;
	s->ask_evaled = 0;
	ask_send(s);
	if (s->ask_cmd == NULL) {
		s->ask_cb = NULL;
		return (-1);
	}
	return (0);
}

void
cache_share_cancel(struct cache_share *s)
{
	if (s->ask_cmd != NULL)
		redis_pool_cancel(s->ask_cmd);
	s->ask_cmd = NULL;
	s->ask_cb = NULL;
}

static void	store_send(struct cache_share *);

static void
store_done(struct cache_share *s, uint64_t gen, const char *error)
{
	free(s->store_data);
	s->store_data = NULL;
	if (s->cfg.stored != NULL)
		s->cfg.stored(s->cfg.arg, gen, error);
}

static void
store_reply(void *arg, enum redis_pool_status st, const redisReply *reply)
{
	struct cache_share	*s = arg;

	s->store_cmd = NULL;
	if (st == REDIS_POOL_OK && !s->store_evaled &&
	    redis_script_missing(reply)) {
		s->store_evaled = 1;
		store_send(s);
		return;
	}
	if (st != REDIS_POOL_OK)
		store_done(s, 0, redis_pool_status_name(st));
	else if (reply->type != REDIS_REPLY_INTEGER || reply->integer < 0)
		store_done(s, 0, reply->type == REDIS_REPLY_ERROR ?
		    reply->str : "unexpected reply");
	else
		store_done(s, (uint64_t)reply->integer,
		    reply->integer == 0 ? "a newer snapshot is there" : NULL);
}

static void
store_send(struct cache_share *s)
{
	enum redis_pool_status	 why;
	const char		*argv[10];
	size_t			 len[10];
	int			 i;

	redis_script_head(store_text, store_sha, s->store_evaled, argv);
	argv[2] = "3";
	argv[3] = s->snap_key;
	argv[4] = s->lease_key;
	argv[5] = s->gen_key;
	argv[6] = s->token;
	argv[7] = s->store_at;
	argv[8] = s->store_data;
	argv[9] = s->store_keep;
	for (i = 0; i < 10; i++)
		len[i] = strlen(argv[i]);
	len[8] = s->store_len;
	s->store_cmd = redis_pool_submit(s->cfg.pool, store_reply, s,
	    deadline(s), 10, argv, len, &why);
	if (s->store_cmd == NULL && s->store_evaled)
		store_done(s, 0, redis_pool_status_name(why));
}

int
cache_share_store(struct cache_share *s, uint64_t redis_ms, const char *data,
    size_t len, uint64_t keep_ms)
{
	if (s->store_data != NULL || (s->store_data = malloc(len + 1)) == NULL)
		return (-1);
	memcpy(s->store_data, data, len);
	s->store_data[len] = '\0';
	s->store_len = len;
	snprintf(s->store_at, sizeof(s->store_at), "%" PRIu64, redis_ms);
	snprintf(s->store_keep, sizeof(s->store_keep), "%" PRIu64,
	    keep_ms > 0 ? keep_ms : 1);
	s->store_evaled = 0;
	store_send(s);
	if (s->store_cmd == NULL) {
		free(s->store_data);
		s->store_data = NULL;
		return (-1);
	}
	return (0);
}

static void	release_send(struct cache_share *);

static void
release_reply(void *arg, enum redis_pool_status st, const redisReply *reply)
{
	struct cache_share	*s = arg;

	s->release_cmd = NULL;
	if (st == REDIS_POOL_OK && !s->release_evaled &&
	    redis_script_missing(reply)) {
		s->release_evaled = 1;
		release_send(s);
	}
	/* Otherwise the lease expires by itself: nothing to do. */
}

static void
release_send(struct cache_share *s)
{
	enum redis_pool_status	 why;
	const char		*argv[6];

	redis_script_head(release_text, release_sha, s->release_evaled,
	    argv);
	argv[2] = "1";
	argv[3] = s->lease_key;
	argv[4] = s->token;
	argv[5] = s->release_hold;
	s->release_cmd = redis_pool_submit(s->cfg.pool, release_reply, s,
	    deadline(s), 6, argv, NULL, &why);
}

void
cache_share_release(struct cache_share *s, uint64_t hold_ms)
{
	if (s->release_cmd != NULL)
		return;
	snprintf(s->release_hold, sizeof(s->release_hold), "%" PRIu64,
	    hold_ms);
	s->release_evaled = 0;
	release_send(s);
}
