/*
 * The token endpoint side of the OAuth 2.0 JWT-bearer flow (RFC 7523 over
 * RFC 6749): the form body that trades a signed assertion for an access
 * token, the success response, and the error response.
 */
#ifndef ZEUES_OAUTH_TOKEN_H
#define ZEUES_OAUTH_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#define OAUTH_SCOPE_SPREADSHEETS \
	"https://www.googleapis.com/auth/spreadsheets"

/* Longer lifetimes than this are treated as a malformed response. */
#define OAUTH_MAX_EXPIRES_IN_S	86400

struct oauth_token {
	char	*access_token;	/* printable ASCII; wiped on clear */
	int64_t	 expires_in;	/* seconds from when the response came */
};

/* The error body of RFC 6749 section 5.2, control characters replaced. */
struct oauth_error {
	char	error[64];		/* e.g. "invalid_grant" */
	char	description[256];	/* "" if absent; may be truncated */
};

/*
 * Returns the application/x-www-form-urlencoded body
 * "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&
 * assertion=<assertion>" to free(3), or NULL when out of memory.
 */
char	*oauth_token_request_body(const char *assertion);

/*
 * Parses a 200 response.  access_token and expires_in are required, and a
 * token_type other than Bearer is refused.  Returns 0, or -1 with err set.
 */
int	oauth_token_parse(const char *body, size_t len,
	    struct oauth_token *tok, char *err, size_t errsz);

/* Wipes and frees the access token. */
void	oauth_token_clear(struct oauth_token *tok);

/* Returns 0 when body is an OAuth error object, -1 otherwise. */
int	oauth_error_parse(const char *body, size_t len, struct oauth_error *e);

#endif
