/*
 * The service-account key file: the emulator keeps only what it needs to
 * check JWTs, and only the public half of the key.
 */
#ifndef EMU_SA_KEY_H
#define EMU_SA_KEY_H

#include <stddef.h>

#include <openssl/evp.h>

struct sa_key {
	char		 client_email[256];
	char		 token_uri[512];
	EVP_PKEY	*pub;
};

/* 0, or -1 with err set. */
int	sa_key_load(struct sa_key *, const char *path, char *err,
	    size_t errlen);
void	sa_key_free(struct sa_key *);

#endif
