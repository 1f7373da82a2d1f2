/*
 * Deterministic RSA key generation: primes are searched upward from seeded
 * random starting points, so the same seed gives the same key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include "demo_key.h"
#include "fileio.h"
#include "jsonw.h"

#define RSA_BITS		2048
#define PRIME_BYTES		(RSA_BITS / 16)
#define PRIME_SEARCH_MAX	200000

/* A probable prime p of PRIME_BYTES*8 bits with gcd(p - 1, e) == 1. */
static BIGNUM *
seeded_prime(struct demo_rng *rng, const BIGNUM *e, BN_CTX *ctx)
{
	unsigned char	 start[PRIME_BYTES];
	BIGNUM		*p, *pm1, *g;
	int		 i;

	demo_rng_bytes(rng, start, sizeof(start));
	start[0] |= 0xc0;	/* two top bits: n gets exactly 2048 bits */
	start[sizeof(start) - 1] |= 0x01;
	p = BN_bin2bn(start, sizeof(start), NULL);
	pm1 = BN_new();
	g = BN_new();
	if (p == NULL || pm1 == NULL || g == NULL)
		goto fail;
	for (i = 0; i < PRIME_SEARCH_MAX; i++) {
		if (BN_check_prime(p, ctx, NULL) == 1 && BN_copy(pm1, p) &&
		    BN_sub_word(pm1, 1) && BN_gcd(g, pm1, e, ctx) &&
		    BN_is_one(g)) {
			BN_free(pm1);
			BN_free(g);
			return (p);
		}
		if (!BN_add_word(p, 2))
			goto fail;
	}
fail:
	BN_free(p);
	BN_free(pm1);
	BN_free(g);
	return (NULL);
}

static EVP_PKEY *
seeded_rsa_key(struct demo_rng *rng)
{
	BN_CTX		*ctx = BN_CTX_new();
	BIGNUM		*e = BN_new(), *p = NULL, *q = NULL, *n = BN_new();
	BIGNUM		*d = BN_new(), *dp = BN_new(), *dq = BN_new();
	BIGNUM		*qinv = BN_new(), *pm1 = BN_new(), *qm1 = BN_new();
	BIGNUM		*phi = BN_new();
	OSSL_PARAM_BLD	*bld = NULL;
	OSSL_PARAM	*params = NULL;
	EVP_PKEY_CTX	*pctx = NULL;
	EVP_PKEY	*pkey = NULL;

	if (ctx == NULL || e == NULL || n == NULL || d == NULL || dp == NULL ||
	    dq == NULL || qinv == NULL || pm1 == NULL || qm1 == NULL ||
	    phi == NULL || !BN_set_word(e, 65537))
		goto out;
	if ((p = seeded_prime(rng, e, ctx)) == NULL ||
	    (q = seeded_prime(rng, e, ctx)) == NULL || BN_cmp(p, q) == 0)
		goto out;
	if (BN_cmp(p, q) < 0)
		BN_swap(p, q);	/* p > q, as PKCS #1 tools expect */
	if (!BN_mul(n, p, q, ctx) || !BN_copy(pm1, p) ||
	    !BN_sub_word(pm1, 1) || !BN_copy(qm1, q) ||
	    !BN_sub_word(qm1, 1) || !BN_mul(phi, pm1, qm1, ctx) ||
	    BN_mod_inverse(d, e, phi, ctx) == NULL ||
	    !BN_mod(dp, d, pm1, ctx) || !BN_mod(dq, d, qm1, ctx) ||
	    BN_mod_inverse(qinv, q, p, ctx) == NULL)
		goto out;

	if ((bld = OSSL_PARAM_BLD_new()) == NULL ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_D, d) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_FACTOR1, p) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_FACTOR2, q) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT1, dp) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT2, dq) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_COEFFICIENT1,
	    qinv) ||
	    (params = OSSL_PARAM_BLD_to_param(bld)) == NULL)
		goto out;
	if ((pctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(pctx) != 1 ||
	    EVP_PKEY_fromdata(pctx, &pkey, EVP_PKEY_KEYPAIR, params) != 1)
		pkey = NULL;
out:
	EVP_PKEY_CTX_free(pctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_clear_free(p);
	BN_clear_free(q);
	BN_clear_free(d);
	BN_clear_free(dp);
	BN_clear_free(dq);
	BN_clear_free(qinv);
	BN_clear_free(pm1);
	BN_clear_free(qm1);
	BN_clear_free(phi);
	BN_free(n);
	BN_free(e);
	BN_CTX_free(ctx);
	return (pkey);
}

/* PKCS #8 PEM ("BEGIN PRIVATE KEY"), NUL-terminated; caller frees. */
static char *
private_pem(EVP_PKEY *pkey)
{
	BIO	*bio;
	char	*data, *out = NULL;
	long	 len;

	if ((bio = BIO_new(BIO_s_mem())) == NULL)
		return (NULL);
	if (PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0, NULL,
	    NULL) == 1 && (len = BIO_get_mem_data(bio, &data)) > 0 &&
	    (out = malloc((size_t)len + 1)) != NULL) {
		memcpy(out, data, (size_t)len);
		out[len] = '\0';
	}
	BIO_free(bio);
	return (out);
}

/* Google's ids are 40 hex digits; a hash of the public key fits that. */
static int
key_id(EVP_PKEY *pkey, char *out, size_t outlen)
{
	unsigned char	*der = NULL, md[SHA_DIGEST_LENGTH];
	int		 len, i;

	if (outlen < SHA_DIGEST_LENGTH * 2 + 1 ||
	    (len = i2d_PUBKEY(pkey, &der)) <= 0)
		return (-1);
	SHA1(der, (size_t)len, md);
	OPENSSL_free(der);
	for (i = 0; i < SHA_DIGEST_LENGTH; i++)
		(void)snprintf(out + i * 2, 3, "%02x", md[i]);
	return (0);
}

int
demo_key_write(const char *path, struct demo_rng *rng, int port, char *err,
    size_t errlen)
{
	EVP_PKEY	*pkey;
	struct jw	 w;
	char		*pem, *text, kid[64], uri[128], client_id[32];
	size_t		 len;
	int		 rc = -1;

	if ((pkey = seeded_rsa_key(rng)) == NULL) {
		(void)snprintf(err, errlen, "RSA key generation failed");
		return (-1);
	}
	if ((pem = private_pem(pkey)) == NULL || key_id(pkey, kid,
	    sizeof(kid)) == -1) {
		(void)snprintf(err, errlen, "cannot encode the key");
		goto out;
	}
	(void)snprintf(uri, sizeof(uri), "http://127.0.0.1:%d/token", port);
	(void)snprintf(client_id, sizeof(client_id), "1%010llu%010llu",
	    (unsigned long long)(demo_rng_next(rng) % 10000000000ull),
	    (unsigned long long)(demo_rng_next(rng) % 10000000000ull));

	jw_init(&w, JW_PRETTY);
	jw_obj_open(&w);
	jw_kstr(&w, "type", "service_account");
	jw_kstr(&w, "project_id", DEMO_PROJECT_ID);
	jw_kstr(&w, "private_key_id", kid);
	jw_kstr(&w, "private_key", pem);
	jw_kstr(&w, "client_email", DEMO_CLIENT_EMAIL);
	jw_kstr(&w, "client_id", client_id);
	jw_kstr(&w, "auth_uri", "https://accounts.google.com/o/oauth2/auth");
	jw_kstr(&w, "token_uri", uri);
	jw_kstr(&w, "auth_provider_x509_cert_url",
	    "https://www.googleapis.com/oauth2/v1/certs");
	jw_kstr(&w, "client_x509_cert_url", "https://www.googleapis.com/"
	    "robot/v1/metadata/x509/zeues-backend%40zeues-demo.iam."
	    "gserviceaccount.com");
	jw_kstr(&w, "universe_domain", "googleapis.com");
	jw_obj_close(&w);
	if ((text = jw_finish(&w, &len)) == NULL) {
		(void)snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (file_write_atomic(path, text, len, 0600) == -1)
		(void)snprintf(err, errlen, "%s: %m", path);
	else
		rc = 0;
	OPENSSL_cleanse(text, len);
	free(text);
out:
	if (pem != NULL) {
		OPENSSL_cleanse(pem, strlen(pem));
		free(pem);
	}
	EVP_PKEY_free(pkey);
	return (rc);
}
