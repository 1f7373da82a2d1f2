#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json_out.h"
#include "utf8.h"

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

/*
 * Writes s as a JSON string that is strict UTF-8 whatever s holds.  yajl's
 * own check lets overlong forms, surrogates and code points past U+10FFFF
 * through, and writes nothing at all for what it does catch (shifting
 * every later key into a value's place), so anything that is not strict
 * UTF-8 is written with U+FFFD in place of the bad bytes.  Input that can
 * be refused has been; what reaches here is to be shown, not judged.
 */
static void
gen_text(yajl_gen g, const char *s)
{
	size_t	 len = strlen(s);
	char	*clean;

	if (utf8_valid(s, len)) {
		yajl_gen_string(g, (const unsigned char *)s, len);
		return;
	}
	if ((clean = utf8_sanitize(s, len, &len)) == NULL) {
		/* Out of memory: one U+FFFD still keeps keys and values paired. */
		yajl_gen_string(g, (const unsigned char *)"\xef\xbf\xbd", 3);
		return;
	}
	yajl_gen_string(g, (const unsigned char *)clean, len);
	free(clean);
}

void
json_str(yajl_gen g, const char *val)
{
	if (val == NULL)
		yajl_gen_null(g);
	else
		gen_text(g, val);
}

void
json_key(yajl_gen g, const char *key)
{
	gen_text(g, key);
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
