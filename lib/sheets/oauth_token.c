/*
 * OAuth token request and responses; see oauth_token.h.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json_fields.h"
#include "oauth_token.h"
#include "percent_encode.h"
#include "secret_alloc.h"

#define GRANT_PREFIX \
	"grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer" \
	"&assertion="

char *
oauth_token_request_body(const char *assertion)
{
	char	*body;
	size_t	 len, prefix = sizeof(GRANT_PREFIX) - 1;

	/* Worst case every byte becomes %XX. */
	len = strlen(assertion);
	if (len > (SIZE_MAX - prefix - 1) / 3)
		return (NULL);
	if ((body = malloc(prefix + len * 3 + 1)) == NULL)
		return (NULL);
	memcpy(body, GRANT_PREFIX, prefix);
	/* A JWS is base64url and dots, so this keeps it as it is. */
	if (percent_encode(assertion, body + prefix, len * 3 + 1) == -1) {
		free(body);
		return (NULL);
	}
	return (body);
}

/* The token goes into an Authorization header: no CR, LF or spaces. */
static int
token_printable(const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s < 0x21 || *s > 0x7e)
			return (0);
	}
	return (1);
}

int
oauth_token_parse(const char *body, size_t len, struct oauth_token *tok,
    char *err, size_t errsz)
{
	enum { F_TOKEN, F_EXPIRES, F_TYPE, F_N };
	struct json_field	f[F_N] = {
		[F_TOKEN] = { .name = "access_token" },
		[F_EXPIRES] = { .name = "expires_in",
		    .type = JSON_FIELD_INTEGER },
		[F_TYPE] = { .name = "token_type" },
	};

	tok->access_token = NULL;
	tok->expires_in = 0;
	if (json_fields_parse(body, len, f, F_N, "token response", err,
	    errsz) == -1)
		return (-1);

	if (!f[F_TOKEN].present || f[F_TOKEN].len == 0) {
		snprintf(err, errsz, "token response: missing field "
		    "\"access_token\"");
		goto fail;
	}
	if (!token_printable(f[F_TOKEN].str)) {
		snprintf(err, errsz, "token response: field \"access_token\" "
		    "has characters not allowed in a header");
		goto fail;
	}
	if (!f[F_EXPIRES].present) {
		snprintf(err, errsz, "token response: missing field "
		    "\"expires_in\"");
		goto fail;
	}
	if (f[F_EXPIRES].integer <= 0 ||
	    f[F_EXPIRES].integer > OAUTH_MAX_EXPIRES_IN_S) {
		snprintf(err, errsz, "token response: field \"expires_in\" is "
		    "out of range");
		goto fail;
	}
	if (f[F_TYPE].present && strcasecmp(f[F_TYPE].str, "Bearer") != 0) {
		snprintf(err, errsz, "token response: field \"token_type\" is "
		    "not Bearer");
		goto fail;
	}

	tok->access_token = f[F_TOKEN].str;
	tok->expires_in = f[F_EXPIRES].integer;
	f[F_TOKEN].str = NULL;
	json_fields_clear(f, F_N);
	return (0);

fail:
	json_fields_clear(f, F_N);
	return (-1);
}

void
oauth_token_clear(struct oauth_token *tok)
{
	secret_free(tok->access_token);
	tok->access_token = NULL;
	tok->expires_in = 0;
}

/* Copies src for a log line: bounded, control characters as '?'. */
static void
copy_printable(char *dst, size_t dstsz, const char *src)
{
	size_t	i;

	for (i = 0; i + 1 < dstsz && src[i] != '\0'; i++)
		dst[i] = (unsigned char)src[i] < 0x20 || src[i] == 0x7f ?
		    '?' : src[i];
	dst[i] = '\0';
}

int
oauth_error_parse(const char *body, size_t len, struct oauth_error *e)
{
	enum { F_ERROR, F_DESCRIPTION, F_N };
	struct json_field	f[F_N] = {
		[F_ERROR] = { .name = "error" },
		[F_DESCRIPTION] = { .name = "error_description" },
	};
	char			err[8];

	e->error[0] = '\0';
	e->description[0] = '\0';
	if (json_fields_parse(body, len, f, F_N, "oauth error", err,
	    sizeof(err)) == -1)
		return (-1);
	if (!f[F_ERROR].present || f[F_ERROR].len == 0) {
		json_fields_clear(f, F_N);
		return (-1);
	}
	copy_printable(e->error, sizeof(e->error), f[F_ERROR].str);
	if (f[F_DESCRIPTION].present)
		copy_printable(e->description, sizeof(e->description),
		    f[F_DESCRIPTION].str);
	json_fields_clear(f, F_N);
	return (0);
}
