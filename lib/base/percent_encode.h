/*
 * Percent-encoding (RFC 3986 section 2.1) of one URL component.
 *
 * Only the unreserved characters (ALPHA / DIGIT / "-" / "." / "_" / "~")
 * are kept; every other byte becomes %XX with upper-case hex.  The result is
 * therefore safe as a single path segment, a query value and an
 * application/x-www-form-urlencoded value alike: "/", "?", "#", "%", "'",
 * "!", ":" and space can never leak through as syntax.
 */
#ifndef ZEUES_PERCENT_ENCODE_H
#define ZEUES_PERCENT_ENCODE_H

#include <stddef.h>

/*
 * Encodes the NUL-terminated string in into out (outsz bytes, NUL-terminated
 * on success).  Returns the length written, or -1 when out is too small, in
 * which case out holds an empty string.
 */
long	percent_encode(const char *in, char *out, size_t outsz);

#endif
