/*
 * Access tokens.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "token_store.h"

#define TOKEN_RANDOM_BYTES	48

static const struct {
	const char	*scope;
	int		 allows;
} scope_table[] = {
	{ "https://www.googleapis.com/auth/spreadsheets",
	    SCOPE_READ | SCOPE_WRITE },
	{ "https://www.googleapis.com/auth/spreadsheets.readonly",
	    SCOPE_READ },
	{ "https://www.googleapis.com/auth/drive", SCOPE_READ | SCOPE_WRITE },
	{ "https://www.googleapis.com/auth/drive.file",
	    SCOPE_READ | SCOPE_WRITE },
	{ "https://www.googleapis.com/auth/drive.readonly", SCOPE_READ },
};

int
token_scopes(const char *claim)
{
	const char	*p = claim, *end;
	size_t		 i, n;
	int		 scopes = 0;

	while (*p != '\0') {
		while (*p == ' ')
			p++;
		if ((end = strchr(p, ' ')) == NULL)
			end = p + strlen(p);
		n = (size_t)(end - p);
		for (i = 0; i < sizeof(scope_table) / sizeof(scope_table[0]);
		    i++) {
			if (strlen(scope_table[i].scope) == n &&
			    memcmp(scope_table[i].scope, p, n) == 0)
				scopes |= scope_table[i].allows;
		}
		p = end;
	}
	return (scopes);
}

int
token_issue(struct token_store *ts, uint64_t now_ms, uint32_t ttl_s,
    int scopes, char *out, size_t outlen)
{
	static const char	 alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_";
	unsigned char		 rnd[TOKEN_RANDOM_BYTES];
	struct token		*t;
	size_t			 i, o;

	if (outlen < TOKEN_TEXT_MAX || RAND_bytes(rnd, sizeof(rnd)) != 1)
		return (-1);
	o = (size_t)snprintf(out, outlen, "ya29.c.");
	for (i = 0; i < sizeof(rnd) && o + 1 < outlen; i++)
		out[o++] = alphabet[rnd[i] & 63];
	out[o] = '\0';

	t = &ts->tokens[ts->next];
	ts->next = (ts->next + 1) % TOKEN_STORE_MAX;
	(void)snprintf(t->value, sizeof(t->value), "%s", out);
	t->expires_ms = now_ms + (uint64_t)ttl_s * 1000;
	t->scopes = scopes;
	return (0);
}

const struct token *
token_lookup(const struct token_store *ts, const char *value, uint64_t now_ms)
{
	size_t	i, n;

	n = strlen(value);
	if (n == 0 || n >= TOKEN_TEXT_MAX)
		return (NULL);
	for (i = 0; i < TOKEN_STORE_MAX; i++) {
		const struct token	*t = &ts->tokens[i];

		if (t->value[0] != '\0' && now_ms < t->expires_ms &&
		    CRYPTO_memcmp(t->value, value, n + 1) == 0)
			return (t);
	}
	return (NULL);
}
