#include <math.h>
#include <string.h>

#include "json_out.h"

yajl_gen
json_out_new(void)
{
	yajl_gen	g;

	if ((g = yajl_gen_alloc(NULL)) == NULL)
		return (NULL);
	/* Browsers and SSE need one line; yajl escapes "/" only on request. */
	yajl_gen_config(g, yajl_gen_validate_utf8, 1);
	return (g);
}

const char *
json_out_text(yajl_gen g, size_t *len)
{
	const unsigned char	*buf;

	if (yajl_gen_get_buf(g, &buf, len) != yajl_gen_status_ok) {
		*len = 0;
		return ("");
	}
	return ((const char *)buf);
}

void
json_str(yajl_gen g, const char *val)
{
	/*
	 * yajl writes nothing for a string that is not UTF-8, which would
	 * shift every later key into a value's place: write null instead.
	 */
	if (val == NULL || yajl_gen_string(g, (const unsigned char *)val,
	    strlen(val)) == yajl_gen_invalid_string)
		yajl_gen_null(g);
}

void
json_key(yajl_gen g, const char *key)
{
	yajl_gen_string(g, (const unsigned char *)key, strlen(key));
}

void
json_kstr(yajl_gen g, const char *key, const char *val)
{
	json_key(g, key);
	json_str(g, val);
}

void
json_kint(yajl_gen g, const char *key, long long val)
{
	json_key(g, key);
	yajl_gen_integer(g, val);
}

void
json_kdouble(yajl_gen g, const char *key, double val)
{
	json_key(g, key);
	/* yajl refuses NaN and infinities; JSON has no spelling for them. */
	if (isfinite(val))
		yajl_gen_double(g, val);
	else
		yajl_gen_null(g);
}

void
json_kbool(yajl_gen g, const char *key, int val)
{
	json_key(g, key);
	yajl_gen_bool(g, val != 0);
}

void
json_knull(yajl_gen g, const char *key)
{
	json_key(g, key);
	yajl_gen_null(g);
}
