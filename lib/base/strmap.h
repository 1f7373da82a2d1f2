/*
 * A string -> size_t hash table: open addressing, linear probing, and
 * backward-shift deletion (no tombstones, so lookups stay short however
 * many deletes there were).  It grows as needed; hsearch_r(3) can do
 * neither deletes nor growth.
 *
 * Keys are byte strings with a length and are copied in.  The hash is
 * 64-bit FNV-1a: not flood-resistant, which is acceptable because keys come
 * from our own workbook, not from anonymous clients.
 */
#ifndef ZEUES_STRMAP_H
#define ZEUES_STRMAP_H

#include <stddef.h>

struct strmap;

/* expected: how many keys to size for up front (0 is fine). */
struct strmap	*strmap_new(size_t expected);
void		 strmap_free(struct strmap *m);

/*
 * Adds key -> value unless key is present.  Returns 0 when added, 1 when
 * the key was already there (its value is kept), -1 when out of memory.
 */
int		 strmap_add(struct strmap *m, const char *key, size_t keylen,
		    size_t value);

/* Returns 1 and sets *value when key is present, 0 otherwise. */
int		 strmap_get(const struct strmap *m, const char *key,
		    size_t keylen, size_t *value);

/* Returns 1 when key was present and is now removed, 0 otherwise. */
int		 strmap_del(struct strmap *m, const char *key, size_t keylen);

size_t		 strmap_count(const struct strmap *m);

#endif
