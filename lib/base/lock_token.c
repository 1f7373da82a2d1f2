#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "lock_token.h"

int
lock_token_generate(char out[LOCK_TOKEN_STRLEN])
{
	static const char	hex[] = "0123456789abcdef";
	unsigned char		b[LOCK_TOKEN_LEN / 2];
	size_t			i;

	if (RAND_bytes(b, sizeof(b)) != 1)
		return (-1);
	for (i = 0; i < sizeof(b); i++) {
		out[2 * i] = hex[b[i] >> 4];
		out[2 * i + 1] = hex[b[i] & 0x0f];
	}
	out[LOCK_TOKEN_LEN] = '\0';
	OPENSSL_cleanse(b, sizeof(b));
	return (0);
}

int
lock_token_join(char *buf, size_t len, const char *session,
    const char *token)
{
	int	n;

	n = snprintf(buf, len, "%s:%s", session, token);
	return (n < 0 || (size_t)n >= len ? -1 : 0);
}

/* The value's fields after the worker id: session, then token or NULL. */
static const char *
fields(const char *value, const char **token)
{
	const char	*session = strchr(value, ':');

	*token = NULL;
	if (session == NULL)
		return (NULL);
	session++;
	if ((*token = strchr(session, ':')) != NULL)
		(*token)++;
	return (session);
}

void
lock_token_session(const char *value, char *out, size_t len)
{
	const char	*session, *token;
	size_t		 n;

	if (len == 0)
		return;
	out[0] = '\0';
	if ((session = fields(value, &token)) == NULL)
		return;
	n = token != NULL ? (size_t)(token - 1 - session) : strlen(session);
	if (n >= len)
		n = len - 1;
	memcpy(out, session, n);
	out[n] = '\0';
}

int
lock_token_accepts(const char *value, const char *presented)
{
	const char	*token;

	(void)fields(value, &token);
	if (token == NULL)
		return (1);
	if (presented == NULL || strlen(token) != LOCK_TOKEN_LEN ||
	    strlen(presented) != LOCK_TOKEN_LEN)
		return (0);
	return (CRYPTO_memcmp(token, presented, LOCK_TOKEN_LEN) == 0);
}
