/*
 * A minimal RS256 JWT signer, so the test can play the service account
 * (and get it wrong on purpose).
 */
#ifndef TESTKIT_JWT_SIGN_H
#define TESTKIT_JWT_SIGN_H

#include <openssl/evp.h>

struct sa_identity {
	EVP_PKEY	*key;
	char		 client_email[256];
	char		 token_uri[256];
};

struct jwt_claims_in {
	const char	*iss;
	const char	*aud;
	const char	*scope;
	long long	 iat;
	long long	 exp;
};

/* Reads a service-account key file; 0 or -1. */
int	sa_identity_load(struct sa_identity *, const char *path);
void	sa_identity_free(struct sa_identity *);

/* header.claims.signature signed with key (caller frees); NULL on error. */
char	*jwt_sign(EVP_PKEY *key, const struct jwt_claims_in *);

#endif
