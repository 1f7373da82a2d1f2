/*
 * base64url (RFC 4648 section 5) without "=" padding, as JWS requires
 * (RFC 7515 section 2).
 */
#ifndef ZEUES_BASE64URL_H
#define ZEUES_BASE64URL_H

#include <stddef.h>

/* Characters needed to encode n bytes, not counting the NUL. */
#define BASE64URL_ENCODED_LEN(n)	(((n) / 3) * 4 + (((n) % 3) * 4 + 2) / 3)

/*
 * Encodes len bytes into out (NUL-terminated).  Returns the length written,
 * or -1 when outsz is smaller than BASE64URL_ENCODED_LEN(len) + 1.
 */
long	base64url_encode(const void *in, size_t len, char *out, size_t outsz);

/*
 * Decodes len characters into out.  Rejects padding, characters outside
 * the base64url alphabet, an impossible length (len % 4 == 1) and non-zero
 * unused bits, so every byte string has exactly one accepted encoding.
 * Returns the number of bytes written, or -1 (malformed or outsz too small).
 */
long	base64url_decode(const char *in, size_t len, void *out, size_t outsz);

#endif
