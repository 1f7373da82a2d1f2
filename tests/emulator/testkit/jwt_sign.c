/*
 * RS256 signing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/pem.h>
#include <yajl/yajl_tree.h>

#include "jwt_sign.h"

#define KEYFILE_MAX	(64 * 1024)
#define JWT_PART_MAX	4096

static int
read_file(const char *path, char *buf, size_t len)
{
	FILE	*f;
	size_t	 n;

	if ((f = fopen(path, "r")) == NULL)
		return (-1);
	n = fread(buf, 1, len - 1, f);
	(void)fclose(f);
	if (n == 0 || n >= len - 1)
		return (-1);
	buf[n] = '\0';
	return (0);
}

static int
copy_str(yajl_val root, const char *key, char *out, size_t outlen)
{
	const char	*path[2] = { key, NULL };
	yajl_val	 v = yajl_tree_get(root, path, yajl_t_string);

	if (v == NULL || strlen(v->u.string) >= outlen)
		return (-1);
	(void)snprintf(out, outlen, "%s", v->u.string);
	return (0);
}

int
sa_identity_load(struct sa_identity *id, const char *path)
{
	char		*text, pem[8192];
	yajl_val	 root;
	BIO		*bio;
	int		 rc = -1;

	memset(id, 0, sizeof(*id));
	if ((text = malloc(KEYFILE_MAX)) == NULL)
		return (-1);
	if (read_file(path, text, KEYFILE_MAX) == -1 ||
	    (root = yajl_tree_parse(text, NULL, 0)) == NULL) {
		free(text);
		return (-1);
	}
	free(text);
	if (copy_str(root, "client_email", id->client_email,
	    sizeof(id->client_email)) == 0 &&
	    copy_str(root, "token_uri", id->token_uri,
	    sizeof(id->token_uri)) == 0 &&
	    copy_str(root, "private_key", pem, sizeof(pem)) == 0 &&
	    (bio = BIO_new_mem_buf(pem, -1)) != NULL) {
		id->key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
		BIO_free(bio);
		rc = id->key != NULL ? 0 : -1;
	}
	yajl_tree_free(root);
	return (rc);
}

void
sa_identity_free(struct sa_identity *id)
{
	EVP_PKEY_free(id->key);
	id->key = NULL;
}

static size_t
b64url(const unsigned char *in, size_t len, char *out, size_t outlen)
{
	static const char	a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn"
	    "opqrstuvwxyz0123456789-_";
	size_t			i, o = 0;
	unsigned int		v;

	for (i = 0; i < len; i += 3) {
		v = (unsigned int)in[i] << 16;
		if (i + 1 < len)
			v |= (unsigned int)in[i + 1] << 8;
		if (i + 2 < len)
			v |= in[i + 2];
		if (o + 5 > outlen)
			return (0);
		out[o++] = a[(v >> 18) & 63];
		out[o++] = a[(v >> 12) & 63];
		if (i + 1 < len)
			out[o++] = a[(v >> 6) & 63];
		if (i + 2 < len)
			out[o++] = a[v & 63];
	}
	out[o] = '\0';
	return (o);
}

char *
jwt_sign(EVP_PKEY *key, const struct jwt_claims_in *c)
{
	static const char	 header[] =
	    "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
	char			 claims[JWT_PART_MAX], *out;
	char			 h64[JWT_PART_MAX], c64[JWT_PART_MAX];
	char			 s64[JWT_PART_MAX], signing[2 * JWT_PART_MAX];
	unsigned char		 sig[1024];
	size_t			 siglen = sizeof(sig), outlen;
	EVP_MD_CTX		*md;
	int			 n, ok;

	n = snprintf(claims, sizeof(claims), "{\"iss\":\"%s\",\"scope\":\"%s\","
	    "\"aud\":\"%s\",\"iat\":%lld,\"exp\":%lld}", c->iss, c->scope,
	    c->aud, c->iat, c->exp);
	if (n < 0 || (size_t)n >= sizeof(claims))
		return (NULL);
	if (b64url((const unsigned char *)header, strlen(header), h64,
	    sizeof(h64)) == 0 || b64url((const unsigned char *)claims,
	    (size_t)n, c64, sizeof(c64)) == 0)
		return (NULL);
	n = snprintf(signing, sizeof(signing), "%s.%s", h64, c64);
	if (n < 0 || (size_t)n >= sizeof(signing))
		return (NULL);
	if ((md = EVP_MD_CTX_new()) == NULL)
		return (NULL);
	ok = EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key) == 1 &&
	    EVP_DigestSign(md, sig, &siglen, (unsigned char *)signing,
	    (size_t)n) == 1;
	EVP_MD_CTX_free(md);
	if (!ok || b64url(sig, siglen, s64, sizeof(s64)) == 0)
		return (NULL);
	outlen = (size_t)n + strlen(s64) + 2;
	if ((out = malloc(outlen)) == NULL)
		return (NULL);
	(void)snprintf(out, outlen, "%s.%s", signing, s64);
	return (out);
}
