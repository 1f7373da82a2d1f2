/* The OPS_TOKEN check: its shape, and a comparison that does not leak. */
#include <string.h>
#include <strings.h>

#include "bearer_token.h"

int
bearer_token_valid(const char *token)
{
	size_t	i;

	for (i = 0; token[i] != '\0'; i++) {
		if (i == BEARER_TOKEN_MAX || token[i] <= 0x20 ||
		    token[i] >= 0x7f)
			return (0);
	}
	return (i >= BEARER_TOKEN_MIN);
}

int
bearer_token_matches(const char *authorization, const char *token)
{
	const char		*given;
	size_t			 glen, tlen, i;
	unsigned char		 diff;

	if (authorization == NULL || strncasecmp(authorization, "bearer ", 7))
		return (0);
	for (given = authorization + 7; *given == ' '; given++)
		;
	glen = strlen(given);
	tlen = strlen(token);
	/*
	 * Every byte of the configured token is compared whatever the
	 * client sent, so the time taken tells nothing about how much of
	 * a guess was right; only the guess's own length shows.
	 */
	diff = glen != tlen;
	for (i = 0; i < tlen; i++)
		diff |= (unsigned char)token[i] ^
		    (unsigned char)(i < glen ? given[i] : 0);
	return (diff == 0);
}
