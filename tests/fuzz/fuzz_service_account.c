/*
 * The service-account key parser (lib/sheets/service_account.c) and, under it,
 * lib/base/json_fields.c, through the public entry point the server calls.
 * The key file is handed over without a terminator, as read from disk.
 */
#include <stdint.h>
#include <string.h>

#include "fuzz_input.h"
#include "service_account.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct service_account	*sa;
	char			 err[256];
	char			*json;

	if ((json = malloc(len ? len : 1)) == NULL)
		abort();
	memcpy(json, data, len);
	if ((sa = service_account_parse(json, len, err, sizeof(err))) != NULL) {
		if (sa->client_email == NULL || sa->private_key == NULL ||
		    sa->token_uri == NULL)
			abort();
		service_account_free(sa);
	}
	free(json);
	return (0);
}
