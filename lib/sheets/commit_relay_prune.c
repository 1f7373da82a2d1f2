/*
 * The consumer group's housekeeping.  Each process life that read the
 * stream as committer left a consumer named after it in the group (the
 * holder's random life part makes every life's name new), and Redis keeps
 * a consumer until someone deletes it: without this, a deployment that
 * restarts its workers every day would grow the group by a few consumers
 * a day for ever.
 *
 * The committer, once per interval, removes the consumers idle for longer
 * than consumer_idle_ms that hold no pending entry.  One holding entries
 * is a dead committer's whose changes the claim still needs, so it stays
 * until they are claimed.  A live process whose consumer goes loses
 * nothing: it held nothing, and its next read makes it a new one.
 */
#include <stdio.h>
#include <string.h>

#include "commit_relay_impl.h"
#include "redis_script.h"

/* How often at most: idle consumers are no hurry. */
#define CR_PRUNE_EVERY_MS	60000

/*
 * KEYS[1] the stream; ARGV[1] the group, ARGV[2] the idle time in ms.
 * The count removed.  XINFO's consumer entries are flat field/value
 * lists: read by name, since releases add fields.
 */
static const char prune_script[] =
    "local cs = redis.pcall('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])\n"
    "if type(cs) ~= 'table' or cs.err then return 0 end\n"
    "local n = 0\n"
    "for _, c in ipairs(cs) do\n"
    "  local f = {}\n"
    "  for i = 1, #c - 1, 2 do f[c[i]] = c[i + 1] end\n"
    "  if f.name and f.pending == 0 and f.idle and\n"
    "      f.idle > tonumber(ARGV[2]) then\n"
    "    redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], f.name)\n"
    "    n = n + 1\n"
    "  end\n"
    "end\n"
    "return n\n";

static char	prune_sha[REDIS_SCRIPT_SHA_SIZE];

static void
pruned(void *arg, enum redis_pool_status st, const redisReply *r)
{
	struct commit_relay	*cr = arg;

	cr->prune_cmd = NULL;
	if (st == REDIS_POOL_OK && redis_script_missing(r)) {
		cr->prune_evaled = 1;
		cr->next_prune = 0;
		return;
	}
	if (st == REDIS_POOL_OK && r->type == REDIS_REPLY_INTEGER &&
	    r->integer > 0)
		cr->stats.pruned += (uint64_t)r->integer;
}

void
cr_prune_tick(struct commit_relay *cr, uint64_t now)
{
	enum redis_pool_status	 why;
	char			 idle[24];
	const char		*argv[6];
	size_t			 argvlen[6];
	int			 i;

	if (cr->prune_cmd != NULL || now < cr->next_prune)
		return;
	cr->next_prune = now + (cr->cfg.consumer_idle_ms < CR_PRUNE_EVERY_MS ?
	    cr->cfg.consumer_idle_ms : CR_PRUNE_EVERY_MS);
	snprintf(idle, sizeof(idle), "%llu",
	    (unsigned long long)cr->cfg.consumer_idle_ms);
	redis_script_head(prune_script, prune_sha, cr->prune_evaled, argv);
	cr->prune_evaled = 0;
	argv[2] = "1";
	argv[3] = cr->stream;
	argv[4] = CR_GROUP;
	argv[5] = idle;
	for (i = 0; i < 6; i++)
		argvlen[i] = strlen(argv[i]);
	cr->prune_cmd = redis_pool_submit(cr->pool, pruned, cr,
	    now + cr->cfg.redis_timeout_ms, 6, argv, argvlen, &why);
}
