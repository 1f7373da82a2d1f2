/*
 * What the server reads from and about Sentinel (lib/redis/sentinel_parse.c):
 * REDIS_SENTINELS lists and +switch-master payloads, which arrive from the
 * network.  The first byte picks the parser.  What parsed must be in range:
 * ports 1..65535, hosts non-empty, NUL-terminated and within their buffer.
 */
#include <stdint.h>
#include <string.h>

#include "fuzz_input.h"
#include "sentinel_parse.h"

static void
check(const struct sentinel_addr *a)
{
	size_t	n = strnlen(a->host, sizeof(a->host));

	if (n == 0 || n == sizeof(a->host) || a->port < 1 || a->port > 65535)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct sentinel_addr	 a[SENTINEL_LIST_MAX], one;
	char			 err[256], *s;
	size_t			 i, n;
	int			 r;

	if (len == 0)
		return (0);
	if (data[0] & 1) {
		s = fuzz_cstring(data + 1, len - 1);
		if (sentinel_list_parse(s, a, SENTINEL_LIST_MAX, &n, err,
		    sizeof(err)) == 0) {
			if (n == 0 || n > SENTINEL_LIST_MAX)
				abort();
			for (i = 0; i < n; i++)
				check(&a[i]);
		}
		free(s);
		return (0);
	}
	/* Not NUL-terminated: the parser must keep to len. */
	s = malloc(len - 1 > 0 ? len - 1 : 1);
	if (s == NULL)
		abort();
	memcpy(s, data + 1, len - 1);
	r = sentinel_switch_parse(s, len - 1, "zeues", &one);
	if (r == 1)
		check(&one);
	else if (r != 0 && r != -1)
		abort();
	free(s);
	return (0);
}
