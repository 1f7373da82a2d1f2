/*
 * RS256 service-account assertions; see jwt.h.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <yajl/yajl_gen.h>

#include "base64url.h"
#include "jwt.h"
#include "service_account.h"

struct jwt_signer {
	EVP_PKEY	*key;
	char		*iss;		/* client_email */
	char		*aud;		/* token_uri */
	char		*kid;		/* private_key_id; "" leaves it out */
};

/* Appends OpenSSL's first queued error to a message, then clears it. */
static void
ssl_error(char *err, size_t errsz, const char *msg)
{
	char		 reason[160];
	unsigned long	 e;

	e = ERR_get_error();
	ERR_clear_error();
	if (e == 0) {
		snprintf(err, errsz, "%s", msg);
		return;
	}
	ERR_error_string_n(e, reason, sizeof(reason));
	snprintf(err, errsz, "%s: %s", msg, reason);
}

/* An encrypted key must fail, not make OpenSSL prompt on a terminal. */
static int
no_passphrase(char *buf, int size, int rwflag, void *arg)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)arg;
	return (-1);
}

struct jwt_signer *
jwt_signer_new(const struct service_account *sa, char *err, size_t errsz)
{
	struct jwt_signer	*s;
	BIO			*bio;

	if (sa->private_key_len > INT_MAX) {
		snprintf(err, errsz, "service account key: private_key is too "
		    "long");
		return (NULL);
	}
	if ((s = calloc(1, sizeof(*s))) == NULL)
		goto nomem;
	if ((s->iss = strdup(sa->client_email)) == NULL ||
	    (s->aud = strdup(sa->token_uri)) == NULL ||
	    (s->kid = strdup(sa->private_key_id)) == NULL)
		goto nomem;

	if ((bio = BIO_new_mem_buf(sa->private_key,
	    (int)sa->private_key_len)) == NULL)
		goto nomem;
	s->key = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL);
	BIO_free(bio);
	if (s->key == NULL) {
		ssl_error(err, errsz, "service account key: private_key cannot "
		    "be loaded");
		jwt_signer_free(s);
		return (NULL);
	}
	if (!EVP_PKEY_is_a(s->key, "RSA")) {
		snprintf(err, errsz, "service account key: private_key is not "
		    "an RSA key");
		jwt_signer_free(s);
		return (NULL);
	}
	return (s);

nomem:
	snprintf(err, errsz, "jwt: out of memory");
	jwt_signer_free(s);
	return (NULL);
}

void
jwt_signer_free(struct jwt_signer *s)
{
	if (s == NULL)
		return;
	EVP_PKEY_free(s->key);
	free(s->iss);
	free(s->aud);
	free(s->kid);
	free(s);
}

#define GEN_STR(g, s) \
	yajl_gen_string((g), (const unsigned char *)(s), strlen(s))

/* Writes the JOSE header; returns a yajl_gen to read it from. */
static yajl_gen
gen_header(const struct jwt_signer *s)
{
	yajl_gen	g;
	int		ok;

	if ((g = yajl_gen_alloc(NULL)) == NULL)
		return (NULL);
	yajl_gen_config(g, yajl_gen_validate_utf8, 1);
	ok = yajl_gen_map_open(g) == yajl_gen_status_ok &&
	    GEN_STR(g, "alg") == yajl_gen_status_ok &&
	    GEN_STR(g, "RS256") == yajl_gen_status_ok &&
	    GEN_STR(g, "typ") == yajl_gen_status_ok &&
	    GEN_STR(g, "JWT") == yajl_gen_status_ok;
	if (ok && s->kid[0] != '\0')
		ok = GEN_STR(g, "kid") == yajl_gen_status_ok &&
		    GEN_STR(g, s->kid) == yajl_gen_status_ok;
	if (!ok || yajl_gen_map_close(g) != yajl_gen_status_ok) {
		yajl_gen_free(g);
		return (NULL);
	}
	return (g);
}

/* Writes the claim set; returns a yajl_gen to read it from. */
static yajl_gen
gen_claims(const struct jwt_signer *s, const char *scope, int64_t iat)
{
	yajl_gen	g;
	int		ok;

	if ((g = yajl_gen_alloc(NULL)) == NULL)
		return (NULL);
	yajl_gen_config(g, yajl_gen_validate_utf8, 1);
	ok = yajl_gen_map_open(g) == yajl_gen_status_ok &&
	    GEN_STR(g, "iss") == yajl_gen_status_ok &&
	    GEN_STR(g, s->iss) == yajl_gen_status_ok &&
	    GEN_STR(g, "scope") == yajl_gen_status_ok &&
	    GEN_STR(g, scope) == yajl_gen_status_ok &&
	    GEN_STR(g, "aud") == yajl_gen_status_ok &&
	    GEN_STR(g, s->aud) == yajl_gen_status_ok &&
	    GEN_STR(g, "iat") == yajl_gen_status_ok &&
	    yajl_gen_integer(g, iat) == yajl_gen_status_ok &&
	    GEN_STR(g, "exp") == yajl_gen_status_ok &&
	    yajl_gen_integer(g, iat + JWT_LIFETIME_S) == yajl_gen_status_ok &&
	    yajl_gen_map_close(g) == yajl_gen_status_ok;
	if (!ok) {
		yajl_gen_free(g);
		return (NULL);
	}
	return (g);
}

/* Appends base64url(data) at out + *n; the caller sized out. */
static void
append_b64(char *out, size_t outsz, size_t *n, const void *data, size_t len)
{
	long	w;

	w = base64url_encode(data, len, out + *n, outsz - *n);
	/* Cannot fail: the buffer was sized with BASE64URL_ENCODED_LEN. */
	if (w > 0)
		*n += (size_t)w;
}

char *
jwt_sign_assertion(const struct jwt_signer *s, const char *scope,
    int64_t iat, char *err, size_t errsz)
{
	yajl_gen		 hdr = NULL, claims = NULL;
	const unsigned char	*hbuf, *cbuf;
	size_t			 hlen, clen, siglen, outsz, n = 0;
	unsigned char		*sig = NULL;
	char			*out = NULL;
	EVP_MD_CTX		*md = NULL;

	if ((hdr = gen_header(s)) == NULL ||
	    (claims = gen_claims(s, scope, iat)) == NULL) {
		snprintf(err, errsz, "jwt: cannot encode the claims (invalid "
		    "UTF-8?)");
		goto out;
	}
	yajl_gen_get_buf(hdr, &hbuf, &hlen);
	yajl_gen_get_buf(claims, &cbuf, &clen);

	siglen = (size_t)EVP_PKEY_get_size(s->key);
	outsz = BASE64URL_ENCODED_LEN(hlen) + 1 +
	    BASE64URL_ENCODED_LEN(clen) + 1 + BASE64URL_ENCODED_LEN(siglen) + 1;
	if ((out = malloc(outsz)) == NULL || (sig = malloc(siglen)) == NULL) {
		snprintf(err, errsz, "jwt: out of memory");
		goto fail;
	}

	/* The signing input is the first two parts joined by a dot. */
	append_b64(out, outsz, &n, hbuf, hlen);
	out[n++] = '.';
	append_b64(out, outsz, &n, cbuf, clen);

	if ((md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, s->key) != 1 ||
	    EVP_DigestSign(md, sig, &siglen, (const unsigned char *)out,
	    n) != 1) {
		ssl_error(err, errsz, "jwt: RS256 signing failed");
		goto fail;
	}

	out[n++] = '.';
	append_b64(out, outsz, &n, sig, siglen);
	out[n] = '\0';
	goto out;

fail:
	free(out);
	out = NULL;
out:
	EVP_MD_CTX_free(md);
	free(sig);
	if (hdr != NULL)
		yajl_gen_free(hdr);
	if (claims != NULL)
		yajl_gen_free(claims);
	return (out);
}
