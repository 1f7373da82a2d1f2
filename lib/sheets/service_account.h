/*
 * A Google service-account key (the JSON file from the Cloud console).
 *
 * Only the fields the JWT-bearer flow needs are kept.  The private key is
 * held in memory wiped on free, and no error message ever quotes any part
 * of the input, so a malformed key file cannot leak into a log.
 */
#ifndef ZEUES_SERVICE_ACCOUNT_H
#define ZEUES_SERVICE_ACCOUNT_H

#include <stddef.h>

/* Key files are about 2.3 KiB; anything past this is not a key file. */
#define SERVICE_ACCOUNT_MAX_JSON	(64 * 1024)

struct service_account {
	char	*client_email;		/* the JWT "iss" */
	char	*private_key;		/* PEM, PKCS#8; wiped on free */
	size_t	 private_key_len;
	char	*private_key_id;	/* the JWT "kid"; "" if absent */
	char	*token_uri;		/* where the assertion is POSTed */
};

/*
 * Parses the key file's contents (len bytes, need not be NUL-terminated).
 * Returns NULL with a message in err naming the field at fault.  The caller
 * should wipe its own copy of json afterwards.
 */
struct service_account	*service_account_parse(const char *json, size_t len,
			    char *err, size_t errsz);
void			 service_account_free(struct service_account *sa);

#endif
