/*
 * Lua scripts sent the way Redis wants them: EVALSHA first, and the whole
 * text with EVAL only when the server answers NOSCRIPT (it was restarted
 * or its script cache flushed).  Shared by the lock, the event log and
 * the Sheets limiter, which each keep their scripts' digests.
 */
#ifndef ZEUES_REDIS_SCRIPT_H
#define ZEUES_REDIS_SCRIPT_H

#include <hiredis/hiredis.h>

/* 40 hex digits of SHA-1 and the NUL. */
#define REDIS_SCRIPT_SHA_SIZE	41

/*
 * Fills argv[0] and argv[1]: "EVALSHA" and the digest of text (computed
 * into sha the first time, while sha is ""), or "EVAL" and text itself
 * once evaled is set.  The caller appends numkeys, keys and arguments.
 */
void	redis_script_head(const char *text, char sha[REDIS_SCRIPT_SHA_SIZE],
	    int evaled, const char **argv);

/* 1 if reply is the NOSCRIPT error that asks for the script's text. */
int	redis_script_missing(const redisReply *reply);

#endif
