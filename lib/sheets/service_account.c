/*
 * Service-account key parsing; see service_account.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_fields.h"
#include "nelem.h"
#include "secret_url.h"
#include "secret_alloc.h"
#include "service_account.h"

#define WHAT	"service account key"

enum sa_field {
	SA_TYPE,
	SA_CLIENT_EMAIL,
	SA_PRIVATE_KEY,
	SA_PRIVATE_KEY_ID,
	SA_TOKEN_URI,
	SA_NFIELDS
};

static int	sa_check(struct json_field *, char *, size_t);

struct service_account *
service_account_parse(const char *json, size_t len, char *err, size_t errsz)
{
	struct json_field	 f[SA_NFIELDS] = {
		[SA_TYPE] = { .name = "type" },
		[SA_CLIENT_EMAIL] = { .name = "client_email" },
		[SA_PRIVATE_KEY] = { .name = "private_key" },
		[SA_PRIVATE_KEY_ID] = { .name = "private_key_id" },
		[SA_TOKEN_URI] = { .name = "token_uri" },
	};
	struct service_account	*sa;

	if (len > SERVICE_ACCOUNT_MAX_JSON) {
		snprintf(err, errsz, WHAT ": larger than %d bytes",
		    SERVICE_ACCOUNT_MAX_JSON);
		return (NULL);
	}
	if (json_fields_parse(json, len, f, SA_NFIELDS, WHAT, err,
	    errsz) == -1)
		return (NULL);
	if (sa_check(f, err, errsz) == -1)
		goto fail;

	if ((sa = calloc(1, sizeof(*sa))) == NULL)
		goto nomem;
	if (!f[SA_PRIVATE_KEY_ID].present &&
	    (f[SA_PRIVATE_KEY_ID].str = secret_strndup("", 0)) == NULL) {
		free(sa);
		goto nomem;
	}
	sa->client_email = f[SA_CLIENT_EMAIL].str;
	sa->private_key = f[SA_PRIVATE_KEY].str;
	sa->private_key_len = f[SA_PRIVATE_KEY].len;
	sa->private_key_id = f[SA_PRIVATE_KEY_ID].str;
	sa->token_uri = f[SA_TOKEN_URI].str;
	f[SA_CLIENT_EMAIL].str = NULL;
	f[SA_PRIVATE_KEY].str = NULL;
	f[SA_PRIVATE_KEY_ID].str = NULL;
	f[SA_TOKEN_URI].str = NULL;
	json_fields_clear(f, SA_NFIELDS);
	return (sa);

nomem:
	snprintf(err, errsz, WHAT ": out of memory");
fail:
	json_fields_clear(f, SA_NFIELDS);
	return (NULL);
}

/* Checks presence and shape of the fields; never quotes a value. */
static int
sa_check(struct json_field *f, char *err, size_t errsz)
{
	static const enum sa_field	required[] = {
		SA_CLIENT_EMAIL, SA_PRIVATE_KEY, SA_TOKEN_URI,
	};
	const char			*uri, *pem;
	size_t				 i;

	for (i = 0; i < NELEM(required); i++) {
		if (!f[required[i]].present || f[required[i]].len == 0) {
			snprintf(err, errsz, WHAT ": missing field \"%s\"",
			    f[required[i]].name);
			return (-1);
		}
	}
	if (f[SA_TYPE].present &&
	    strcmp(f[SA_TYPE].str, "service_account") != 0) {
		snprintf(err, errsz, WHAT ": field \"type\" is not "
		    "\"service_account\"");
		return (-1);
	}
	if (strchr(f[SA_CLIENT_EMAIL].str, '@') == NULL) {
		snprintf(err, errsz, WHAT ": field \"client_email\" is not an "
		    "e-mail address");
		return (-1);
	}
	pem = f[SA_PRIVATE_KEY].str;
	if (strncmp(pem, "-----BEGIN ", 11) != 0 ||
	    strstr(pem, "PRIVATE KEY-----") == NULL) {
		snprintf(err, errsz, WHAT ": field \"private_key\" is not a PEM "
		    "private key");
		return (-1);
	}
	uri = f[SA_TOKEN_URI].str;
	if (strncmp(uri, "https://", 8) != 0 &&
	    strncmp(uri, "http://", 7) != 0) {
		snprintf(err, errsz, WHAT ": field \"token_uri\" is not an "
		    "http(s) URL");
		return (-1);
	}
	/* The signed assertion is worth an hour of access. */
	if (!secret_url_allowed(uri)) {
		snprintf(err, errsz, WHAT ": field \"token_uri\" would send "
		    "the signed assertion unencrypted; use " SECRET_URL_RULE);
		return (-1);
	}
	return (0);
}

void
service_account_free(struct service_account *sa)
{
	if (sa == NULL)
		return;
	secret_free(sa->client_email);
	secret_free(sa->private_key);
	secret_free(sa->private_key_id);
	secret_free(sa->token_uri);
	free(sa);
}
