/*
 * The numbering of Metadata audit rows in Redis (group_commit.h, step 2):
 * one counter per spreadsheet and sheet holds the last row handed out.
 * It is started once from the sheet's used length (SET NX, so the first
 * instance to start it wins) and then only moved by INCRBY, through a
 * script that refuses to move a counter that is not there: a counter lost
 * with a flushed Redis is started again from the sheet rather than from
 * 0, so that no two changes ever get the same row.  The script goes out
 * through redis_script.h like every other.
 */
#ifndef ZEUES_AUDIT_ROWS_H
#define ZEUES_AUDIT_ROWS_H

#include <stdint.h>

#include "a1.h"
#include "redis_pool.h"

#define AUDIT_ROWS_ID_MAX	128	/* of a spreadsheet id */
#define AUDIT_ROWS_KEY_SIZE	(sizeof("zeues:metadata_rows::") + \
				    AUDIT_ROWS_ID_MAX + A1_SHEET_NAME_SIZE)

/* The counter's key; -1 when it does not fit AUDIT_ROWS_KEY_SIZE. */
int		 audit_rows_key(char *key, size_t len,
		    const char *spreadsheet_id, const char *sheet);

/*
 * Starts the counter at used (the sheet's used rows, header included)
 * unless it is already there.
 */
struct redis_cmd *audit_rows_start(struct redis_pool *pool, const char *key,
		    unsigned int used, uint64_t deadline_ms,
		    redis_pool_reply_fn *cb, void *arg,
		    enum redis_pool_status *why);

/*
 * Reserves n rows: EVALSHA, or the whole script once evaled is set (the
 * caller sets it when the answer was redis_script_missing()).
 */
struct redis_cmd *audit_rows_reserve(struct redis_pool *pool,
		    const char *key, unsigned int n, int evaled,
		    uint64_t deadline_ms, redis_pool_reply_fn *cb, void *arg,
		    enum redis_pool_status *why);

enum audit_rows_answer {
	AUDIT_ROWS_RESERVED,	/* *first is the first of the n rows */
	AUDIT_ROWS_NOT_STARTED,	/* no counter: start it */
	AUDIT_ROWS_OUT_OF_RANGE,/* *last is past the grid or below n */
	AUDIT_ROWS_BAD_REPLY,	/* not the script's integer */
};

/* What the reply to audit_rows_reserve() of n rows says. */
enum audit_rows_answer audit_rows_reserved(const redisReply *reply,
		    unsigned int n, unsigned int *first, long long *last);

#endif
