/*
 * The `fields` system parameter (partial responses): "a,b.c,d(e,f/g)".
 * A response is rendered in full, parsed back, and written again keeping
 * only the selected members; arrays are transparent.  The same rewrite
 * serves `prettyPrint=false`.
 */
#ifndef EMU_FIELD_MASK_H
#define EMU_FIELD_MASK_H

#include "reply.h"

struct field_mask;

/* NULL on a syntax error or ENOMEM. */
struct field_mask	*field_mask_parse(const char *);
void			 field_mask_free(struct field_mask *);

/*
 * Rewrites r->body keeping only the selected fields (all of them when fm
 * is NULL), pretty-printed or compact; 0 or -1.
 */
int			 field_mask_apply(const struct field_mask *,
			    struct reply *, int pretty);

#endif
