/*
 * Access tokens handed out by the token endpoint.  A fixed table: when it
 * is full the oldest token is forgotten (clients see a 401 and refresh).
 */
#ifndef EMU_TOKEN_STORE_H
#define EMU_TOKEN_STORE_H

#include <stddef.h>
#include <stdint.h>

#define TOKEN_STORE_MAX		1024
#define TOKEN_TEXT_MAX		128

#define SCOPE_READ		0x01
#define SCOPE_WRITE		0x02

struct token {
	char		value[TOKEN_TEXT_MAX];
	uint64_t	expires_ms;
	int		scopes;
};

struct token_store {
	struct token	tokens[TOKEN_STORE_MAX];
	size_t		next;		/* slot to overwrite next */
};

/* What a space-separated scope claim allows. */
int		 token_scopes(const char *scope_claim);
/* Fills out with a fresh "ya29." token; -1 if no randomness. */
int		 token_issue(struct token_store *, uint64_t now_ms,
		    uint32_t ttl_s, int scopes, char *out, size_t outlen);
/* A live token with this value, or NULL. */
const struct token *token_lookup(const struct token_store *,
		    const char *value, uint64_t now_ms);

#endif
