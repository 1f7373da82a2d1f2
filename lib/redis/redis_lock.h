/*
 * Spool locks in Redis (data.md §2): key "spool_lock:{TAG}" (the tag in
 * the key form of spool_tag.h, which leaves ASCII tags as they are), value
 * "{worker_id}:{token}".  Taking, releasing and taking over are single
 * server-side scripts so the owner check and the change are atomic;
 * release compares the whole value exactly as acquire wrote it (the old
 * backend compared another string and never released).
 */
#ifndef ZEUES_REDIS_LOCK_H
#define ZEUES_REDIS_LOCK_H

#include <stddef.h>
#include <stdint.h>

#include "redis_pool.h"
#include "spool_tag.h"

#define LOCK_KEY_PREFIX		"spool_lock:"
#define LOCK_KEY_MAX		(sizeof(LOCK_KEY_PREFIX) + SPOOL_TAG_ENCODED_MAX)
/* SCAN MATCH of every lock key; lock_key_tag() tells which are ours. */
#define LOCK_KEY_PATTERN	LOCK_KEY_PREFIX "*"
#define LOCK_VALUE_MAX		128

enum lock_result {
	LOCK_OK,		/* acquired / released / taken over / found */
	LOCK_HELD,		/* acquire: someone else holds it (owner set) */
	LOCK_NOT_OWNER,		/* release, takeover: held by another value */
	LOCK_ABSENT,		/* release, takeover, owner: no lock */
	LOCK_ERROR,		/* Redis failed; see status */
};

struct lock_reply {
	enum lock_result	result;
	enum redis_pool_status	status;		/* when LOCK_ERROR */
	char			owner[LOCK_VALUE_MAX];	/* current value, or "" */
};

typedef void	lock_done_fn(void *arg, const struct lock_reply *);

struct lock_op;

/* The key of a tag; -1 when the tag is not valid (spool_tag.h). */
int	lock_key(char *buf, size_t len, const char *tag);
/*
 * The tag of a key (len bytes, e.g. from SCAN) into tag; -1 when the key
 * is not one lock_key() makes.
 */
int	lock_key_tag(const char *key, size_t len, char *tag, size_t tagsz);
/* "{worker_id}:{token}"; -1 if it does not fit or worker_id <= 0. */
int	lock_value(char *buf, size_t len, long long worker_id,
	    const char *token);
/* The worker id at the front of a lock value, or -1 if malformed. */
long long	lock_value_worker(const char *value);

/*
 * ttl_ms 0 = no expiry (the default: work sessions last hours).  Each
 * returns NULL with *why when the pool refused; otherwise done runs once.
 */
struct lock_op	*lock_acquire(struct redis_pool *, const char *tag,
		    const char *value, uint64_t ttl_ms, uint64_t deadline_ms,
		    lock_done_fn *, void *arg, enum redis_pool_status *why);
struct lock_op	*lock_release(struct redis_pool *, const char *tag,
		    const char *value, uint64_t deadline_ms, lock_done_fn *,
		    void *arg, enum redis_pool_status *why);
/* Replaces the holder only if it is still expected_value (reconciliation). */
struct lock_op	*lock_takeover(struct redis_pool *, const char *tag,
		    const char *expected_value, const char *value,
		    uint64_t deadline_ms, lock_done_fn *, void *arg,
		    enum redis_pool_status *why);
struct lock_op	*lock_owner(struct redis_pool *, const char *tag,
		    uint64_t deadline_ms, lock_done_fn *, void *arg,
		    enum redis_pool_status *why);

/* done will not run; the Redis side effect may still happen. */
void		 lock_cancel(struct lock_op *);

#endif
