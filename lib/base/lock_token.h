/*
 * The caller's proof of holding a spool's lock (REQUIRE_LOCK_TOKEN).
 *
 * A lock taken by TOMAR is "{worker_id}:{session}:{token}" (data.md §2:
 * extra fields may follow): session is the uuid4 the audit rows carry as
 * Metadata_JSON's lock_token, readable by anyone who reads the workbook;
 * token is 128 bits from the CSPRNG that only the TOMAR answer carries
 * (the API's lock_token) and nothing logs, publishes or writes to Sheets.
 * Whoever presents it holds the lock.
 *
 * A lock without a token - restored by reconciliation after Redis lost it,
 * or taken by an older server - cannot be proved by anyone: the token died
 * with Redis's copy.  It accepts the worker id alone, as every lock does
 * without REQUIRE_LOCK_TOKEN, until its holder lets go; nothing a client
 * sends can make a lock without a token.
 */
#ifndef ZEUES_LOCK_TOKEN_H
#define ZEUES_LOCK_TOKEN_H

#include <stddef.h>

#define LOCK_TOKEN_LEN		32	/* hex digits */
#define LOCK_TOKEN_STRLEN	(LOCK_TOKEN_LEN + 1)

/* A new token from the CSPRNG; -1 if it failed. */
int	lock_token_generate(char out[LOCK_TOKEN_STRLEN]);

/* "{session}:{token}", the part of a lock value after "{worker_id}:". */
int	lock_token_join(char *buf, size_t len, const char *session,
	    const char *token);
/* The session field of a lock value, "" if it has none. */
void	lock_token_session(const char *value, char *out, size_t len);

/*
 * 1 when presented proves holding the lock whose value was read (compared
 * in constant time), or the lock carries no token; 0 otherwise, presented
 * absent (NULL or "") included.  The value must be the one read in the
 * same round trip as the holder check, so that the two agree.
 */
int	lock_token_accepts(const char *value, const char *presented);

#endif
