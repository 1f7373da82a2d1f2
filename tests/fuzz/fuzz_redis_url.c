/*
 * REDIS_URL (lib/redis/redis_url.c): parsing, the ranges of what parsed, and the
 * redacted form, which must not depend on the password.
 */
#include <stdint.h>
#include <string.h>

#include "fuzz_input.h"
#include "redis_url.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct redis_url	 u, other;
	char			 err[256], red[1024], pub[1024];
	char			*s;

	s = fuzz_cstring(data, len);
	memset(&u, 0, sizeof(u));
	if (redis_url_parse(s, &u, err, sizeof(err)) == 0) {
		redis_url_redacted(&u, red, sizeof(red));
		/* The redacted form must not depend on the password's value. */
		other = u;
		if (other.password[0] != '\0')
			memcpy(other.password, "x", 2);
		redis_url_redacted(&other, pub, sizeof(pub));
		if (strcmp(red, pub) != 0)
			abort();
		redis_url_clear(&other);
		if (u.port <= 0 || u.port > 65535 || u.db < 0 ||
		    u.db > REDIS_URL_DB_MAX)
			abort();
	}
	redis_url_clear(&u);
	free(s);
	return (0);
}
