/*
 * Wiping allocator for secrets; see secret_alloc.h.
 */
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "secret_alloc.h"

void
secret_free(void *p)
{
	if (p == NULL)
		return;
	OPENSSL_cleanse(p, malloc_usable_size(p));
	free(p);
}

char *
secret_strndup(const char *s, size_t n)
{
	char	*p;

	if (n == (size_t)-1 || (p = malloc(n + 1)) == NULL)
		return (NULL);
	memcpy(p, s, n);
	p[n] = '\0';
	return (p);
}

static void *
yajl_secret_malloc(void *ctx, size_t sz)
{
	(void)ctx;
	return (malloc(sz));
}

/* Never realloc in place: the old block must be wiped, not just resized. */
static void *
yajl_secret_realloc(void *ctx, void *old, size_t sz)
{
	void	*p;
	size_t	 oldsz;

	(void)ctx;
	if ((p = malloc(sz)) == NULL)
		return (NULL);
	if (old != NULL) {
		oldsz = malloc_usable_size(old);
		memcpy(p, old, oldsz < sz ? oldsz : sz);
		secret_free(old);
	}
	return (p);
}

static void
yajl_secret_free(void *ctx, void *p)
{
	(void)ctx;
	secret_free(p);
}

void
secret_yajl_funcs(yajl_alloc_funcs *afs)
{
	afs->malloc = yajl_secret_malloc;
	afs->realloc = yajl_secret_realloc;
	afs->free = yajl_secret_free;
	afs->ctx = NULL;
}
