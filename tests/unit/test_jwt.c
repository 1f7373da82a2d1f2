/*
 * Unit tests for lib/sheets/jwt.c: the assertion is built, signed with a key made
 * here, and checked with that key's public half.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "base64url.h"
#include "jwt.h"
#include "service_account.h"

#define IAT	1700000000LL
#define EMAIL	"zeues@zeues-test.iam.gserviceaccount.com"
#define TOKEN	"http://127.0.0.1:8085/token"

static EVP_PKEY	*rsa_key;	/* shared: RSA key generation is slow */
static EVP_PKEY	*other_key;

static int
setup(void **state)
{
	(void)state;
	rsa_key = EVP_RSA_gen(2048);
	other_key = EVP_RSA_gen(2048);
	return (rsa_key == NULL || other_key == NULL ? -1 : 0);
}

static int
teardown(void **state)
{
	(void)state;
	EVP_PKEY_free(rsa_key);
	EVP_PKEY_free(other_key);
	return (0);
}

/* PEM (PKCS#8) of key, optionally encrypted; to free(3). */
static char *
pem_of(EVP_PKEY *key, const char *passphrase)
{
	BIO	*bio;
	char	*data, *pem;
	long	 len;
	int	 ok;

	bio = BIO_new(BIO_s_mem());
	assert_non_null(bio);
	if (passphrase != NULL)
		ok = PEM_write_bio_PKCS8PrivateKey(bio, key,
		    EVP_aes_256_cbc(), passphrase, (int)strlen(passphrase),
		    NULL, NULL);
	else
		ok = PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL,
		    NULL);
	assert_int_equal(ok, 1);
	len = BIO_get_mem_data(bio, &data);
	pem = strndup(data, (size_t)len);
	assert_non_null(pem);
	BIO_free(bio);
	return (pem);
}

static void
fill_account(struct service_account *sa, char *pem, const char *kid)
{
	sa->client_email = (char *)EMAIL;
	sa->private_key = pem;
	sa->private_key_len = strlen(pem);
	sa->private_key_id = (char *)kid;
	sa->token_uri = (char *)TOKEN;
}

/* Decodes one base64url part of a JWS into a NUL-terminated string. */
static char *
decode_part(const char *part, size_t len, size_t *outlen)
{
	char	*out;
	long	 n;

	out = malloc(len + 1);
	assert_non_null(out);
	n = base64url_decode(part, len, out, len);
	assert_true(n >= 0);
	out[n] = '\0';
	if (outlen != NULL)
		*outlen = (size_t)n;
	return (out);
}

static const char *
tree_string(yajl_val root, const char *key)
{
	const char	*path[] = { key, NULL };
	yajl_val	 v;

	v = yajl_tree_get(root, path, yajl_t_string);
	return (v != NULL ? YAJL_GET_STRING(v) : NULL);
}

static long long
tree_int(yajl_val root, const char *key)
{
	const char	*path[] = { key, NULL };
	yajl_val	 v;

	v = yajl_tree_get(root, path, yajl_t_number);
	assert_non_null(v);
	assert_true(YAJL_IS_INTEGER(v));
	return (YAJL_GET_INTEGER(v));
}

/* Checks the signature of jws with key; returns EVP_DigestVerify's result. */
static int
verify(const char *jws, EVP_PKEY *key)
{
	const char	*dot2;
	char		*sig;
	size_t		 siglen;
	EVP_MD_CTX	*md;
	int		 rc;

	dot2 = strrchr(jws, '.');
	assert_non_null(dot2);
	sig = decode_part(dot2 + 1, strlen(dot2 + 1), &siglen);
	assert_int_equal(siglen, 256);
	md = EVP_MD_CTX_new();
	assert_non_null(md);
	assert_int_equal(EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL,
	    key), 1);
	rc = EVP_DigestVerify(md, (unsigned char *)sig, siglen,
	    (const unsigned char *)jws, (size_t)(dot2 - jws));
	EVP_MD_CTX_free(md);
	free(sig);
	return (rc);
}

static void
test_sign_and_verify(void **state)
{
	struct service_account	 sa;
	struct jwt_signer	*signer;
	const char		*dot1, *dot2;
	char			*pem, *jws, *hdr, *claims, err[256];
	yajl_val		 h, c;

	(void)state;
	pem = pem_of(rsa_key, NULL);
	fill_account(&sa, pem, "0123abcd");
	signer = jwt_signer_new(&sa, err, sizeof(err));
	if (signer == NULL)
		fail_msg("%s", err);
	jws = jwt_sign_assertion(signer,
	    "https://www.googleapis.com/auth/spreadsheets", IAT, err,
	    sizeof(err));
	if (jws == NULL)
		fail_msg("%s", err);

	/* Compact form: three base64url parts, no padding. */
	assert_null(strchr(jws, '='));
	dot1 = strchr(jws, '.');
	dot2 = strrchr(jws, '.');
	assert_true(dot1 != NULL && dot2 != dot1);

	hdr = decode_part(jws, (size_t)(dot1 - jws), NULL);
	h = yajl_tree_parse(hdr, NULL, 0);
	assert_non_null(h);
	assert_string_equal(tree_string(h, "alg"), "RS256");
	assert_string_equal(tree_string(h, "typ"), "JWT");
	assert_string_equal(tree_string(h, "kid"), "0123abcd");

	claims = decode_part(dot1 + 1, (size_t)(dot2 - dot1 - 1), NULL);
	c = yajl_tree_parse(claims, NULL, 0);
	assert_non_null(c);
	assert_string_equal(tree_string(c, "iss"), EMAIL);
	assert_string_equal(tree_string(c, "scope"),
	    "https://www.googleapis.com/auth/spreadsheets");
	assert_string_equal(tree_string(c, "aud"), TOKEN);
	assert_int_equal(tree_int(c, "iat"), IAT);
	assert_int_equal(tree_int(c, "exp"), IAT + 3600);

	assert_int_equal(verify(jws, rsa_key), 1);
	assert_int_not_equal(verify(jws, other_key), 1);

	/* A changed claim no longer verifies. */
	jws[dot1 - jws + 2] ^= 1;
	assert_int_not_equal(verify(jws, rsa_key), 1);

	yajl_tree_free(h);
	yajl_tree_free(c);
	free(hdr);
	free(claims);
	free(jws);
	jwt_signer_free(signer);
	free(pem);
}

static void
test_without_kid(void **state)
{
	struct service_account	 sa;
	struct jwt_signer	*signer;
	char			*pem, *jws, *hdr, err[256];

	(void)state;
	pem = pem_of(rsa_key, NULL);
	fill_account(&sa, pem, "");
	signer = jwt_signer_new(&sa, err, sizeof(err));
	assert_non_null(signer);
	jws = jwt_sign_assertion(signer, "s", IAT, err, sizeof(err));
	assert_non_null(jws);
	hdr = decode_part(jws, (size_t)(strchr(jws, '.') - jws), NULL);
	assert_string_equal(hdr, "{\"alg\":\"RS256\",\"typ\":\"JWT\"}");
	assert_int_equal(verify(jws, rsa_key), 1);
	free(hdr);
	free(jws);
	jwt_signer_free(signer);
	free(pem);
}

/* The PEM as it comes out of a key file, through service_account_parse. */
static void
test_from_key_file(void **state)
{
	struct service_account	*sa;
	struct jwt_signer	*signer;
	const unsigned char	*buf;
	yajl_gen		 g;
	size_t			 len;
	char			*pem, *jws, err[256];

	(void)state;
	pem = pem_of(rsa_key, NULL);
	g = yajl_gen_alloc(NULL);
	assert_non_null(g);
	yajl_gen_map_open(g);
	yajl_gen_string(g, (const unsigned char *)"type", 4);
	yajl_gen_string(g, (const unsigned char *)"service_account", 15);
	yajl_gen_string(g, (const unsigned char *)"private_key", 11);
	yajl_gen_string(g, (const unsigned char *)pem, strlen(pem));
	yajl_gen_string(g, (const unsigned char *)"client_email", 12);
	yajl_gen_string(g, (const unsigned char *)EMAIL, strlen(EMAIL));
	yajl_gen_string(g, (const unsigned char *)"token_uri", 9);
	yajl_gen_string(g, (const unsigned char *)TOKEN, strlen(TOKEN));
	yajl_gen_map_close(g);
	yajl_gen_get_buf(g, &buf, &len);
	/* The generator escapes the newlines the way key files do. */
	assert_non_null(strstr((const char *)buf, "KEY-----\\n"));

	sa = service_account_parse((const char *)buf, len, err, sizeof(err));
	if (sa == NULL)
		fail_msg("%s", err);
	signer = jwt_signer_new(sa, err, sizeof(err));
	service_account_free(sa);
	if (signer == NULL)
		fail_msg("%s", err);
	jws = jwt_sign_assertion(signer, "s", IAT, err, sizeof(err));
	assert_non_null(jws);
	assert_int_equal(verify(jws, rsa_key), 1);
	free(jws);
	jwt_signer_free(signer);
	yajl_gen_free(g);
	free(pem);
}

static void
test_bad_keys(void **state)
{
	struct service_account	 sa;
	struct jwt_signer	*signer;
	EVP_PKEY		*ec;
	char			*pem, err[256];
	char			 garbage[] = "-----BEGIN PRIVATE KEY-----\n"
	    "U0VDUkVUU0VDUkVU\n-----END PRIVATE KEY-----\n";

	(void)state;
	/* Encrypted: refused without prompting for a passphrase. */
	pem = pem_of(rsa_key, "hunter22");
	fill_account(&sa, pem, "k");
	signer = jwt_signer_new(&sa, err, sizeof(err));
	assert_null(signer);
	assert_non_null(strstr(err, "cannot be loaded"));
	free(pem);

	fill_account(&sa, garbage, "k");
	signer = jwt_signer_new(&sa, err, sizeof(err));
	assert_null(signer);
	assert_non_null(strstr(err, "cannot be loaded"));
	assert_null(strstr(err, "U0VDUkVU"));

	ec = EVP_EC_gen("P-256");
	assert_non_null(ec);
	pem = pem_of(ec, NULL);
	fill_account(&sa, pem, "k");
	signer = jwt_signer_new(&sa, err, sizeof(err));
	assert_null(signer);
	assert_non_null(strstr(err, "not an RSA key"));
	free(pem);
	EVP_PKEY_free(ec);
	jwt_signer_free(NULL);
}

static void
test_invalid_scope(void **state)
{
	struct service_account	 sa;
	struct jwt_signer	*signer;
	char			*pem, *jws, err[256];

	(void)state;
	pem = pem_of(rsa_key, NULL);
	fill_account(&sa, pem, "k");
	signer = jwt_signer_new(&sa, err, sizeof(err));
	assert_non_null(signer);
	jws = jwt_sign_assertion(signer, "bad \xff utf-8", IAT, err,
	    sizeof(err));
	assert_null(jws);
	assert_non_null(strstr(err, "jwt:"));
	jwt_signer_free(signer);
	free(pem);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sign_and_verify),
		cmocka_unit_test(test_without_kid),
		cmocka_unit_test(test_from_key_file),
		cmocka_unit_test(test_bad_keys),
		cmocka_unit_test(test_invalid_scope),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}
