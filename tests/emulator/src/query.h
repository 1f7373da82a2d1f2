/*
 * Query strings and form bodies (application/x-www-form-urlencoded).
 */
#ifndef EMU_QUERY_H
#define EMU_QUERY_H

#include <stddef.h>

#define QUERY_PARAMS_MAX	512

struct query_param {
	char	*key;
	char	*value;
};

struct query {
	struct query_param	*params;
	size_t			 n;
};

/*
 * Splits and decodes text ('+' is a space).  Returns 0, or -1 on a bad
 * escape, too many parameters, or ENOMEM; q is then empty.
 */
int		 query_parse(struct query *, const char *text, size_t len);
void		 query_free(struct query *);
/* First value of key, or NULL. */
const char	*query_get(const struct query *, const char *key);

/*
 * Percent-decodes s[0..len) into out (size outlen, NUL-terminated).
 * plus_is_space is for form encoding; paths keep '+'.  Rejects %00 and bad
 * escapes.  Returns the decoded length or -1.
 */
int		 percent_decode(const char *s, size_t len, int plus_is_space,
		    char *out, size_t outlen);

#endif
