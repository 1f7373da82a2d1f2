/*
 * A group-commit change and its outcome as JSON: the form in which they
 * travel through Redis between the worker that made a change and the
 * deployment's committer (commit_relay.h).
 *
 * The bytes come back from Redis, so decoding trusts nothing: every field
 * is checked for type, size and bounds (the limits of group_commit.h), and
 * a change that decodes is one group_commit_submit() accepts in shape.
 * Cells keep their kind (skip, text, entered, number, boolean), so a
 * change written by the committer is the change its worker made.  Every
 * string is strict UTF-8 both ways; encoding refuses what decoding would.
 * The format is described in gc_wire.c.
 */
#ifndef ZEUES_GC_WIRE_H
#define ZEUES_GC_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "group_commit.h"
#include "strbuf.h"

/* The most bytes one encoded change may take (and a decoder accepts). */
#define GC_WIRE_CHANGE_MAX	(256 * 1024)

/*
 * A decoded change.  change points into storage owned by this struct;
 * change.new_version is always set (a relayed change names its new
 * version, so that a committer taking over can tell it landed).
 */
struct gc_wire_change {
	struct gc_change	 change;
	/* When its submitter stops waiting, in ms since the Unix epoch. */
	uint64_t		 deadline_unix_ms;
	void			*store;		/* private */
};

/*
 * Appends the JSON of c to out (give it a limit of GC_WIRE_CHANGE_MAX + 1
 * or more: a strbuf keeps room for a NUL).  c->new_version must be set (a
 * uuid4 string).  Returns -1 with err set, out unchanged, when c is not a
 * change group_commit_submit() takes, a string is not UTF-8, a number is
 * not finite, or the text would be over GC_WIRE_CHANGE_MAX or out's limit.
 */
int	gc_wire_encode_change(const struct gc_change *c,
	    uint64_t deadline_unix_ms, struct strbuf *out, char *err,
	    size_t errsz);
/*
 * Decodes json (len bytes, not NUL-terminated necessarily) into out.
 * Returns -1 with err set, and out cleared, when it is not a change.
 */
int	gc_wire_decode_change(const char *json, size_t len,
	    struct gc_wire_change *out, char *err, size_t errsz);
void	gc_wire_change_clear(struct gc_wire_change *);

/*
 * An outcome as JSON, and back; the same rules, except that encoding cuts
 * a string that is not strict UTF-8 within its array (an error snprintf
 * cut mid-character) instead of refusing it: an outcome must reach its
 * worker.  Its version is "" or a uuid4.  Decoding refuses a string too
 * long for its array.
 */
int	gc_wire_encode_outcome(const struct gc_outcome *o, struct strbuf *out,
	    char *err, size_t errsz);
int	gc_wire_decode_outcome(const char *json, size_t len,
	    struct gc_outcome *out, char *err, size_t errsz);

#endif
