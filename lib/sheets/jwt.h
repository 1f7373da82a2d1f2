/*
 * The service-account JWT assertion of the OAuth 2.0 JWT-bearer flow
 * (RFC 7523): a JWS compact serialization signed with RS256.
 *
 *	header	{"alg":"RS256","typ":"JWT","kid":<private_key_id>}
 *	claims	{"iss":<client_email>,"scope":...,"aud":<token_uri>,
 *		 "iat":now,"exp":now + JWT_LIFETIME_S}
 *
 * Google rejects an exp more than an hour past iat, so the lifetime is the
 * maximum and the caller passes the current time as iat.
 */
#ifndef ZEUES_JWT_H
#define ZEUES_JWT_H

#include <stddef.h>
#include <stdint.h>

#define JWT_LIFETIME_S	3600

struct service_account;

/* A parsed private key plus the claims that do not change. */
struct jwt_signer;

/*
 * Loads sa's PEM key (PKCS#8 or PKCS#1 RSA; an encrypted key is rejected,
 * never prompted for).  Copies what it needs, so sa may be freed after.
 * Returns NULL with a message in err.
 */
struct jwt_signer	*jwt_signer_new(const struct service_account *sa,
			    char *err, size_t errsz);
void			 jwt_signer_free(struct jwt_signer *signer);

/*
 * Builds and signs an assertion for scope (space-separated scopes) issued
 * at iat (seconds since the epoch).  Returns a NUL-terminated string to
 * free(3), or NULL with a message in err.
 */
char			*jwt_sign_assertion(const struct jwt_signer *signer,
			    const char *scope, int64_t iat, char *err,
			    size_t errsz);

#endif
