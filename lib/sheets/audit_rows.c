/*
 * The Metadata row counter in Redis; see audit_rows.h.
 */
#include <stdio.h>

#include "audit_rows.h"
#include "redis_script.h"

/* KEYS[1] the counter; ARGV[1] how many rows.  -1 until it is started. */
static const char	reserve_script[] =
    "if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end\n"
    "return redis.call('INCRBY', KEYS[1], ARGV[1])\n";

static char		reserve_sha[REDIS_SCRIPT_SHA_SIZE];

int
audit_rows_key(char *key, size_t len, const char *spreadsheet_id,
    const char *sheet)
{
	int	n;

	n = snprintf(key, len, "zeues:metadata_rows:%s:%s", spreadsheet_id,
	    sheet);
	return (n < 0 || (size_t)n >= len ? -1 : 0);
}

struct redis_cmd *
audit_rows_start(struct redis_pool *pool, const char *key, unsigned int used,
    uint64_t deadline_ms, redis_pool_reply_fn *cb, void *arg,
    enum redis_pool_status *why)
{
	return (redis_pool_submitf(pool, cb, arg, deadline_ms, why,
	    "SET %s %u NX", key, used));
}

struct redis_cmd *
audit_rows_reserve(struct redis_pool *pool, const char *key, unsigned int n,
    int evaled, uint64_t deadline_ms, redis_pool_reply_fn *cb, void *arg,
    enum redis_pool_status *why)
{
	const char	*argv[5];
	char		 count[24];

	snprintf(count, sizeof(count), "%u", n);
	redis_script_head(reserve_script, reserve_sha, evaled, argv);
	argv[2] = "1";
	argv[3] = key;
	argv[4] = count;
	return (redis_pool_submit(pool, cb, arg, deadline_ms, 5, argv, NULL,
	    why));
}

enum audit_rows_answer
audit_rows_reserved(const redisReply *reply, unsigned int n,
    unsigned int *first, long long *last)
{
	if (reply->type != REDIS_REPLY_INTEGER)
		return (AUDIT_ROWS_BAD_REPLY);
	if ((*last = reply->integer) < 0)
		return (AUDIT_ROWS_NOT_STARTED);
	if (*last > A1_MAX_ROW || *last < (long long)n)
		return (AUDIT_ROWS_OUT_OF_RANGE);
	*first = (unsigned int)(*last - n + 1);
	return (AUDIT_ROWS_RESERVED);
}
