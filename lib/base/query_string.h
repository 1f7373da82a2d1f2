/*
 * Reading one parameter of a URL query string ("a=1&tag_spool=X%2D1"):
 * percent-decoding, '+' as a space, and refusal of anything malformed.
 */
#ifndef ZEUES_QUERY_STRING_H
#define ZEUES_QUERY_STRING_H

#include <stddef.h>

enum query_result {
	QUERY_FOUND,
	QUERY_ABSENT,
	QUERY_INVALID,		/* bad %XX, a NUL, or too long for out */
};

/*
 * Percent-decodes [s, e) into out ('+' as a space in a query string, as
 * itself in a path segment); -1 on a bad escape, a NUL byte, or no room.
 */
int			url_decode(const char *s, const char *e,
			    int plus_is_space, char *out, size_t outlen);

/* The first value of name in qs (NULL qs = no parameters). */
enum query_result	query_param(const char *qs, const char *name,
			    char *out, size_t outlen);

#endif
