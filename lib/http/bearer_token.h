/*
 * The operator token that guards the operational endpoints (OPS_TOKEN):
 * what a configured token must look like, and the check of a request's
 * Authorization header against it in time independent of where they differ.
 */
#ifndef ZEUES_BEARER_TOKEN_H
#define ZEUES_BEARER_TOKEN_H

#include <stddef.h>

#define BEARER_TOKEN_MIN	16
#define BEARER_TOKEN_MAX	128

/* 1 when token is BEARER_TOKEN_MIN..MAX printable ASCII characters, no space. */
int	bearer_token_valid(const char *token);

/*
 * 1 when authorization (the header's value, may be NULL) is "Bearer "
 * followed by exactly token.
 */
int	bearer_token_matches(const char *authorization, const char *token);

#endif
