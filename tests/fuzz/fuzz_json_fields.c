/*
 * lib/base/json_fields.c on its own, with a field of each type asked for, as
 * the OAuth token response parser uses it.
 */
#include <stdint.h>
#include <string.h>

#include "fuzz_input.h"
#include "json_fields.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct json_field	 f[] = {
		{ "access_token", JSON_FIELD_STRING, 0, NULL, 0, 0 },
		{ "expires_in", JSON_FIELD_INTEGER, 0, NULL, 0, 0 },
		{ "error", JSON_FIELD_STRING, 0, NULL, 0, 0 },
	};
	char			 err[256];
	char			*json;
	size_t			 i;

	if ((json = malloc(len ? len : 1)) == NULL)
		abort();
	memcpy(json, data, len);
	if (json_fields_parse(json, len, f, 3, "token", err,
	    sizeof(err)) == 0) {
		for (i = 0; i < 3; i++)
			if (f[i].present && f[i].type == JSON_FIELD_STRING &&
			    memchr(f[i].str, '\0', f[i].len) != NULL)
				abort();
		json_fields_clear(f, 3);
	}
	free(json);
	return (0);
}
