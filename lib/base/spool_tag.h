/*
 * What a spool tag is: the one rule the request parser, the path and
 * query routes, the sheet lookup, the SSE filter and the Redis lock key
 * all apply (issue 9: each had its own, and a tag one accepted and another
 * refused came out as 503 REDIS_UNAVAILABLE).
 *
 * Real tags are ASCII ("MK-1335-CW-25238-011"), but Operaciones is typed
 * by people, so any tag the sheet can hold and a person can type is a tag:
 *
 *	- strict UTF-8 (utf8.h), 1..SPOOL_TAG_CHARS characters;
 *	- no control characters (C0, DEL, C1);
 *	- no spaces or tabs at either end.  Input is trimmed of them first,
 *	  exactly as sheet_table.h trims key cells, so "MK-1 " in a request or
 *	  in a cell is the spool "MK-1" everywhere.
 *
 * A lock key must not depend on the tag being friendly, so the tag is
 * percent-encoded into it: printable ASCII other than "%" stays as it is,
 * every other byte (space, "%", UTF-8) becomes %XX.  Every ASCII tag the
 * old backend could lock keeps exactly its old key "spool_lock:{TAG}";
 * only a tag holding "%" (none does) would now have another.
 */
#ifndef ZEUES_SPOOL_TAG_H
#define ZEUES_SPOOL_TAG_H

#include <stddef.h>

#define SPOOL_TAG_CHARS		64
/* Bytes of a tag, without its NUL: 64 characters of up to 4 bytes. */
#define SPOOL_TAG_MAX		(SPOOL_TAG_CHARS * 4)
/* Bytes of an encoded tag, without its NUL: every byte as %XX. */
#define SPOOL_TAG_ENCODED_MAX	(SPOOL_TAG_MAX * 3)

/* 1 when s[0..len) is a tag as the rule above has it, already trimmed. */
int	spool_tag_valid(const char *s, size_t len);

/*
 * Trims s[0..len) of spaces and tabs and copies it into out (outsz
 * bytes, NUL-terminated).  Returns 0, or -1 when what is left is not a
 * valid tag or does not fit (out is then "").
 */
int	spool_tag_canon(const char *s, size_t len, char *out, size_t outsz);

/*
 * The key form of a valid NUL-terminated tag into out.  Returns its
 * length, or -1 when tag is not valid or out is too small.
 */
long	spool_tag_encode(const char *tag, char *out, size_t outsz);

/*
 * Back from the key form: -1 unless s[0..len) is exactly what
 * spool_tag_encode() makes of some valid tag (so a key written by anyone
 * else is never taken for one of ours).
 */
int	spool_tag_decode(const char *s, size_t len, char *out, size_t outsz);

#endif
