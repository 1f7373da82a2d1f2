#include <stdio.h>
#include <string.h>

#include <yajl/yajl_parse.h>

#include "json_strict.h"
#include "utf8.h"

static int
strict_string(void *ctx, const unsigned char *s, size_t len)
{
	int	*bad = ctx;

	if (!utf8_valid((const char *)s, len)) {
		*bad = 1;
		return (0);
	}
	return (1);
}

static const yajl_callbacks	strict_callbacks = {
	.yajl_string = strict_string,
	.yajl_map_key = strict_string,
};

int
json_strict_valid(const char *body, size_t len, char *why, size_t whysz)
{
	yajl_handle	h;
	yajl_status	st;
	int		bad = 0;

	if (body == NULL || len == 0) {
		snprintf(why, whysz, "empty body");
		return (0);
	}
	if (!utf8_valid(body, len)) {
		snprintf(why, whysz, "body bytes are not strict UTF-8");
		return (0);
	}
	if ((h = yajl_alloc(&strict_callbacks, NULL, &bad)) == NULL) {
		snprintf(why, whysz, "out of memory");
		return (0);
	}
	st = yajl_parse(h, (const unsigned char *)body, len);
	if (st == yajl_status_ok)
		st = yajl_complete_parse(h);
	yajl_free(h);
	if (bad) {
		snprintf(why, whysz, "a string unescapes to invalid UTF-8");
		return (0);
	}
	if (st != yajl_status_ok) {
		snprintf(why, whysz, "not one complete JSON value");
		return (0);
	}
	return (1);
}
