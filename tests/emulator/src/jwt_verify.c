/*
 * JWT verification: RS256 only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_tree.h>

#include "jsonr.h"
#include "jwt_verify.h"

static int
b64url_value(int ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return (ch - 'A');
	if (ch >= 'a' && ch <= 'z')
		return (ch - 'a' + 26);
	if (ch >= '0' && ch <= '9')
		return (ch - '0' + 52);
	if (ch == '-')
		return (62);
	if (ch == '_')
		return (63);
	return (-1);
}

int
b64url_decode(const char *s, size_t len, unsigned char *out, size_t outlen)
{
	uint32_t	acc = 0;
	size_t		i, o = 0;
	int		bits = 0, v;

	if (len % 4 == 1)
		return (-1);
	for (i = 0; i < len; i++) {
		if ((v = b64url_value((unsigned char)s[i])) == -1)
			return (-1);
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o >= outlen)
				return (-1);
			out[o++] = (unsigned char)((acc >> bits) & 0xff);
		}
	}
	/* Leftover bits must be zero for a canonical encoding. */
	if (bits > 0 && (acc & ((1u << bits) - 1)) != 0)
		return (-1);
	return ((int)o);
}

/* Decodes one JWT segment as a JSON object. */
static yajl_val
segment_json(const char *s, size_t len)
{
	unsigned char	buf[JWT_MAX_LEN];
	yajl_val	v;
	int		n;

	if ((n = b64url_decode(s, len, buf, sizeof(buf) - 1)) <= 0)
		return (NULL);
	buf[n] = '\0';
	if (memchr(buf, '\0', (size_t)n) != NULL)
		return (NULL);
	v = yajl_tree_parse((const char *)buf, NULL, 0);
	if (v != NULL && !YAJL_IS_OBJECT(v)) {
		yajl_tree_free(v);
		return (NULL);
	}
	return (v);
}

static const char *
str_claim(yajl_val obj, const char *key)
{
	const char	*path[2] = { key, NULL };
	yajl_val	 v;

	v = yajl_tree_get(obj, path, yajl_t_string);
	return (v != NULL ? jstr(v) : NULL);
}

static int
int_claim(yajl_val obj, const char *key, int64_t *out)
{
	const char	*path[2] = { key, NULL };
	yajl_val	 v;

	v = yajl_tree_get(obj, path, yajl_t_number);
	if (v == NULL || !YAJL_IS_INTEGER(v))
		return (-1);
	*out = YAJL_GET_INTEGER(v);
	return (0);
}

static int
signature_ok(EVP_PKEY *pub, const char *signed_part, size_t signed_len,
    const char *sig64, size_t sig64_len)
{
	EVP_MD_CTX	*md;
	unsigned char	 sig[1024];
	int		 n, ok;

	if ((n = b64url_decode(sig64, sig64_len, sig, sizeof(sig))) <= 0)
		return (0);
	if ((md = EVP_MD_CTX_new()) == NULL)
		return (0);
	ok = EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, pub) == 1 &&
	    EVP_DigestVerify(md, sig, (size_t)n,
	    (const unsigned char *)signed_part, signed_len) == 1;
	EVP_MD_CTX_free(md);
	return (ok);
}

static int
audience_ok(yajl_val claims, const char *aud)
{
	const char	*path[2] = { "aud", NULL };
	yajl_val	 v;
	size_t		 i;

	if ((v = yajl_tree_get(claims, path, yajl_t_any)) == NULL)
		return (0);
	if (YAJL_IS_STRING(v))
		return (strcmp(jstr(v), aud) == 0);
	if (!YAJL_IS_ARRAY(v))
		return (0);
	for (i = 0; i < v->u.array.len; i++) {
		if (YAJL_IS_STRING(v->u.array.values[i]) &&
		    strcmp(jstr(v->u.array.values[i]), aud) == 0)
			return (1);
	}
	return (0);
}

enum jwt_result
jwt_verify(const char *jwt, const struct jwt_expect *x,
    struct jwt_claims *out)
{
	const char	*dot1, *dot2, *alg, *iss, *scope;
	yajl_val	 header = NULL, claims = NULL;
	enum jwt_result	 rc = JWT_BAD_SIGNATURE;
	int64_t		 iat, exp;
	size_t		 len;

	memset(out, 0, sizeof(*out));
	len = strlen(jwt);
	if (len == 0 || len > JWT_MAX_LEN ||
	    (dot1 = strchr(jwt, '.')) == NULL ||
	    (dot2 = strchr(dot1 + 1, '.')) == NULL ||
	    strchr(dot2 + 1, '.') != NULL)
		return (JWT_BAD_SIGNATURE);

	header = segment_json(jwt, (size_t)(dot1 - jwt));
	claims = segment_json(dot1 + 1, (size_t)(dot2 - dot1 - 1));
	if (header == NULL || claims == NULL)
		goto out;
	if ((alg = str_claim(header, "alg")) == NULL ||
	    strcmp(alg, "RS256") != 0)
		goto out;
	if (!signature_ok(x->pub, jwt, (size_t)(dot2 - jwt), dot2 + 1,
	    strlen(dot2 + 1)))
		goto out;
	/* A key that does not belong to iss is a signature failure too. */
	if ((iss = str_claim(claims, "iss")) == NULL ||
	    strcmp(iss, x->iss) != 0)
		goto out;
	if (!audience_ok(claims, x->aud)) {
		rc = JWT_BAD_AUDIENCE;
		goto out;
	}
	if (int_claim(claims, "iat", &iat) == -1 ||
	    int_claim(claims, "exp", &exp) == -1 || exp <= iat ||
	    exp - iat > JWT_LIFETIME_MAX || iat > x->now + JWT_CLOCK_SKEW ||
	    exp < x->now - JWT_CLOCK_SKEW) {
		rc = JWT_BAD_TIME;
		goto out;
	}
	if ((scope = str_claim(claims, "scope")) == NULL ||
	    scope[0] == '\0' || strlen(scope) >= sizeof(out->scope)) {
		rc = JWT_NO_SCOPE;
		goto out;
	}
	(void)snprintf(out->scope, sizeof(out->scope), "%s", scope);
	rc = JWT_OK;
out:
	if (header != NULL)
		yajl_tree_free(header);
	if (claims != NULL)
		yajl_tree_free(claims);
	return (rc);
}

const char *
jwt_error_code(enum jwt_result r)
{
	return (r == JWT_NO_SCOPE ? "invalid_scope" : "invalid_grant");
}

const char *
jwt_error_description(enum jwt_result r)
{
	switch (r) {
	case JWT_BAD_AUDIENCE:
		return ("Invalid JWT: Failed audience check.");
	case JWT_BAD_TIME:
		return ("Invalid JWT: Token must be a short-lived token (60 "
		    "minutes) and in a reasonable timeframe. Check your iat "
		    "and exp values and use a clock with skew to account for "
		    "clock differences between systems.");
	case JWT_NO_SCOPE:
		return ("Invalid OAuth scope or ID token audience provided.");
	default:
		return ("Invalid JWT Signature.");
	}
}
