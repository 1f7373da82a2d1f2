/*
 * Checking a service-account JWT assertion (RFC 7523) the way Google's
 * token endpoint does.
 */
#ifndef EMU_JWT_VERIFY_H
#define EMU_JWT_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#define JWT_MAX_LEN		8192
#define JWT_LIFETIME_MAX	3600	/* exp - iat, seconds */
#define JWT_CLOCK_SKEW		60	/* seconds tolerated either way */

enum jwt_result {
	JWT_OK,
	JWT_BAD_SIGNATURE,	/* also: malformed, wrong alg, wrong iss */
	JWT_BAD_AUDIENCE,
	JWT_BAD_TIME,
	JWT_NO_SCOPE,
};

struct jwt_claims {
	char	scope[1024];
};

struct jwt_expect {
	EVP_PKEY	*pub;
	const char	*iss;
	const char	*aud;
	int64_t		 now;	/* seconds since the epoch */
};

enum jwt_result	 jwt_verify(const char *, const struct jwt_expect *,
		    struct jwt_claims *);
/* The OAuth "error" and "error_description" Google answers with. */
const char	*jwt_error_code(enum jwt_result);
const char	*jwt_error_description(enum jwt_result);

/* base64url without padding; returns the decoded length or -1. */
int		 b64url_decode(const char *, size_t, unsigned char *, size_t);

#endif
