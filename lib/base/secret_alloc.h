/*
 * Memory that held a secret (a private key, an access token) is wiped
 * before it goes back to malloc, so it does not linger in freed heap blocks
 * that a later bug or a core dump could expose.
 *
 * The block size comes from malloc_usable_size(3) (glibc), so secret_free()
 * needs no length and also works as yajl's free function: parsing a secret
 * with secret_yajl_funcs() wipes yajl's internal copies of it as well.
 */
#ifndef ZEUES_SECRET_ALLOC_H
#define ZEUES_SECRET_ALLOC_H

#include <stddef.h>

#include <yajl/yajl_common.h>

/* Wipes and frees a block from malloc/realloc; NULL is a no-op. */
void	secret_free(void *p);

/* Copies n bytes of s into a new NUL-terminated block, or NULL. */
char	*secret_strndup(const char *s, size_t n);

/* Fills afs with allocation functions that wipe every block they free. */
void	secret_yajl_funcs(yajl_alloc_funcs *afs);

#endif
