/*
 * A request head read from the bytes received so far, before Kore's parser
 * sees them: so that a declared body the server will never accept is
 * refused before Kore allocates it (app/http_intake.c).
 *
 * Every function reads at most len bytes, needs no NUL and changes
 * nothing.  The head is cut where Kore 4.1 cuts it (the first CRLFCRLF,
 * else the first LFLF) and its lines are split as Kore splits them (at
 * any run of CR and LF), so both read the same fields.
 */
#ifndef ZEUES_HTTP_HEAD_H
#define ZEUES_HTTP_HEAD_H

#include <stddef.h>
#include <stdint.h>

enum http_head_body {
	HTTP_HEAD_PARTIAL,	/* the head has not all arrived */
	HTTP_HEAD_NO_BODY,	/* not POST/PUT/PATCH, or no Content-Length */
	HTTP_HEAD_DECLARED,	/* one Content-Length of digits only */
	HTTP_HEAD_UNCLEAR,	/* several Content-Lengths, or not digits */
};

/* The head's length with its blank line, or 0 while it is incomplete. */
size_t	http_head_length(const void *buf, size_t len);

/*
 * How many fields of the head are named name (case-insensitive); the
 * first one's value, without the blank before it, in *value and *vlen.
 */
int	http_head_field(const void *buf, size_t len, const char *name,
	    const char **value, size_t *vlen);

/*
 * The body a head declares, as Kore will read it: only for the methods
 * Kore reads a body for.  *length saturates at UINT64_MAX, so a length of
 * any number of digits is still known to be too large.
 */
enum http_head_body	http_head_declared_body(const void *buf, size_t len,
			    uint64_t *length);

#endif
