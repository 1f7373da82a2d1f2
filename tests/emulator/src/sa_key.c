/*
 * Service-account key loading.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <yajl/yajl_tree.h>

#include "fileio.h"
#include "jsonr.h"
#include "sa_key.h"

#define KEY_FILE_MAX	(64 * 1024)

static int
copy_member(yajl_val root, const char *key, char *out, size_t outlen)
{
	const char	*path[2] = { key, NULL };
	yajl_val	 v;

	v = yajl_tree_get(root, path, yajl_t_string);
	if (v == NULL || jstr(v)[0] == '\0' ||
	    strlen(jstr(v)) >= outlen)
		return (-1);
	(void)snprintf(out, outlen, "%s", jstr(v));
	return (0);
}

/* Only the public key is kept: the emulator verifies, it never signs. */
static EVP_PKEY *
public_from_pem(const char *pem)
{
	EVP_PKEY		*priv, *pub = NULL;
	BIO			*bio;
	unsigned char		*der = NULL;
	const unsigned char	*p;
	int			 len;

	if ((bio = BIO_new_mem_buf(pem, -1)) == NULL)
		return (NULL);
	priv = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	BIO_free(bio);
	if (priv == NULL)
		return (NULL);
	if (EVP_PKEY_get_base_id(priv) == EVP_PKEY_RSA &&
	    (len = i2d_PUBKEY(priv, &der)) > 0) {
		p = der;
		pub = d2i_PUBKEY(NULL, &p, len);
	}
	OPENSSL_free(der);
	EVP_PKEY_free(priv);
	return (pub);
}

int
sa_key_load(struct sa_key *k, const char *path, char *err, size_t errlen)
{
	const char	*pk_path[2] = { "private_key", NULL };
	yajl_val	 root, pk;
	char		*text, perr[256];

	memset(k, 0, sizeof(*k));
	if (file_read_all(path, KEY_FILE_MAX, &text, NULL) == -1) {
		(void)snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return (-1);
	}
	root = yajl_tree_parse(text, perr, sizeof(perr));
	free(text);
	if (root == NULL) {
		(void)snprintf(err, errlen, "%s: invalid JSON: %s", path, perr);
		return (-1);
	}
	if (copy_member(root, "client_email", k->client_email,
	    sizeof(k->client_email)) == -1 ||
	    copy_member(root, "token_uri", k->token_uri,
	    sizeof(k->token_uri)) == -1) {
		(void)snprintf(err, errlen, "%s: client_email and token_uri "
		    "are required", path);
		goto fail;
	}
	pk = yajl_tree_get(root, pk_path, yajl_t_string);
	if (pk == NULL || (k->pub = public_from_pem(jstr(pk))) ==
	    NULL) {
		(void)snprintf(err, errlen, "%s: private_key is not an RSA "
		    "PEM key", path);
		goto fail;
	}
	yajl_tree_free(root);
	return (0);
fail:
	yajl_tree_free(root);
	return (-1);
}

void
sa_key_free(struct sa_key *k)
{
	EVP_PKEY_free(k->pub);
	k->pub = NULL;
}
