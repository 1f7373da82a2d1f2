/*
 * Strict UTF-8 (RFC 3629), for text that arrives from clients and from the
 * workbook.  yajl's own check only looks at the shape of multi-byte
 * sequences, so overlong forms (C0 80 for NUL), UTF-16 surrogates (ED A0 80)
 * and code points above U+10FFFF pass it; these functions refuse them.
 */
#ifndef ZEUES_UTF8_H
#define ZEUES_UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decodes the character at s (len bytes available) into *cp.  Returns the
 * bytes it takes (1..4), or -1 when s does not start with a well-formed
 * character (or len is 0).
 */
int	utf8_decode(const char *s, size_t len, uint32_t *cp);

/* 1 when all len bytes are well-formed UTF-8 (NUL bytes included). */
int	utf8_valid(const char *s, size_t len);

/*
 * A copy of s[0..len), NUL-terminated (free() it), with each ill-formed
 * part replaced by U+FFFD as Unicode recommends (one per maximal subpart:
 * the surrogate ED B0 80 is three, a cut-off E2 82 one).  Its length goes
 * to *outlen unless NULL.  NULL when out of memory.  For text from outside
 * that must be shown rather than refused (sheet cells).
 */
char	*utf8_sanitize(const char *s, size_t len, size_t *outlen);

/*
 * 1 when the text holds a control character: C0 (U+0000..U+001F, NUL
 * included), DEL or C1 (U+0080..U+009F).  s must be valid UTF-8.
 */
int	utf8_has_control(const char *s, size_t len);

/*
 * Copies the NUL-terminated src into dst (dstsz > 0), cutting at the last
 * whole character that fits, so a truncated name never ends in half a
 * character.  Returns 0, or -1 when src had to be cut.
 */
int	utf8_copy(char *dst, size_t dstsz, const char *src);

#endif
