/*
 * Open-addressing string map; see strmap.h.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strmap.h"

#define STRMAP_MIN_SLOTS	16

struct strmap_slot {
	char		*key;		/* NULL: empty */
	size_t		 keylen;
	uint64_t	 hash;
	size_t		 value;
};

struct strmap {
	struct strmap_slot	*slots;
	size_t			 nslots;	/* a power of two */
	size_t			 count;
};

static uint64_t
hash_key(const char *key, size_t len)
{
	uint64_t	h = 0xcbf29ce484222325ULL;
	size_t		i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)key[i];
		h *= 0x100000001b3ULL;
	}
	return (h);
}

/* Linear probing stays short below this load: 7/10 full at most. */
static int
over_load(size_t count, size_t nslots)
{
	return (count * 10 > nslots * 7);
}

/* The slot holding key, or the empty slot where it would go. */
static struct strmap_slot *
find_slot(const struct strmap *m, const char *key, size_t keylen,
    uint64_t h)
{
	struct strmap_slot	*s;
	size_t			 mask = m->nslots - 1, i;

	for (i = (size_t)h & mask;; i = (i + 1) & mask) {
		s = &m->slots[i];
		if (s->key == NULL)
			return (s);
		if (s->hash == h && s->keylen == keylen &&
		    memcmp(s->key, key, keylen) == 0)
			return (s);
	}
}

static int
resize(struct strmap *m, size_t nslots)
{
	struct strmap_slot	*old = m->slots, *s;
	size_t			 oldn = m->nslots, i;

	if ((m->slots = calloc(nslots, sizeof(*m->slots))) == NULL) {
		m->slots = old;
		return (-1);
	}
	m->nslots = nslots;
	for (i = 0; i < oldn; i++) {
		if (old[i].key == NULL)
			continue;
		s = find_slot(m, old[i].key, old[i].keylen, old[i].hash);
		*s = old[i];
	}
	free(old);
	return (0);
}

struct strmap *
strmap_new(size_t expected)
{
	struct strmap	*m;
	size_t		 n = STRMAP_MIN_SLOTS;

	if (expected > SIZE_MAX / 64 / sizeof(struct strmap_slot))
		return (NULL);
	while (over_load(expected, n)) {
		if (n > SIZE_MAX / 2 / sizeof(struct strmap_slot))
			return (NULL);
		n *= 2;
	}
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return (NULL);
	if ((m->slots = calloc(n, sizeof(*m->slots))) == NULL) {
		free(m);
		return (NULL);
	}
	m->nslots = n;
	return (m);
}

void
strmap_free(struct strmap *m)
{
	size_t	i;

	if (m == NULL)
		return;
	for (i = 0; i < m->nslots; i++)
		free(m->slots[i].key);
	free(m->slots);
	free(m);
}

int
strmap_add(struct strmap *m, const char *key, size_t keylen, size_t value)
{
	struct strmap_slot	*s;
	uint64_t		 h = hash_key(key, keylen);
	char			*copy;

	s = find_slot(m, key, keylen, h);
	if (s->key != NULL)
		return (1);

	if (over_load(m->count + 1, m->nslots)) {
		if (m->nslots > SIZE_MAX / 2 / sizeof(*s) ||
		    resize(m, m->nslots * 2) == -1)
			return (-1);
		s = find_slot(m, key, keylen, h);
	}
	if (keylen == SIZE_MAX || (copy = malloc(keylen + 1)) == NULL)
		return (-1);
	memcpy(copy, key, keylen);
	copy[keylen] = '\0';
	s->key = copy;
	s->keylen = keylen;
	s->hash = h;
	s->value = value;
	m->count++;
	return (0);
}

int
strmap_get(const struct strmap *m, const char *key, size_t keylen,
    size_t *value)
{
	struct strmap_slot	*s;

	s = find_slot(m, key, keylen, hash_key(key, keylen));
	if (s->key == NULL)
		return (0);
	*value = s->value;
	return (1);
}

int
strmap_del(struct strmap *m, const char *key, size_t keylen)
{
	struct strmap_slot	*s;
	size_t			 mask = m->nslots - 1, hole, j, home;

	s = find_slot(m, key, keylen, hash_key(key, keylen));
	if (s->key == NULL)
		return (0);
	free(s->key);
	hole = (size_t)(s - m->slots);

	/*
	 * Backward shift: pull later entries of the probe run into the
	 * hole unless that would put one before its home slot.  An entry at
	 * j may move to the hole when its home is not cyclically in
	 * (hole, j].
	 */
	for (j = (hole + 1) & mask; m->slots[j].key != NULL;
	    j = (j + 1) & mask) {
		home = (size_t)m->slots[j].hash & mask;
		if (((j - home) & mask) >= ((j - hole) & mask)) {
			m->slots[hole] = m->slots[j];
			hole = j;
		}
	}
	memset(&m->slots[hole], 0, sizeof(m->slots[hole]));
	m->count--;
	return (1);
}

size_t
strmap_count(const struct strmap *m)
{
	return (m->count);
}
