/*
 * Request bodies of the union routes (floor.md §1.2, frontend.md R7, R8
 * and §7 items 4, 5, 15), parsed and validated, with the same 422 answer
 * as the occupation routes (occupation_request.h).
 *
 *	iniciar		{"tag_spool": str, "worker_id": int,
 *			 "worker_nombre": str|null?, "operacion": str}
 *	finalizar	the same and "selected_unions": [union, ...],
 *			"fecha_operacion": str|null?
 *
 * The four common fields are occupation_request.h's, parsed by it (the
 * same types, limits and messages).  A union of selected_unions is what
 * the deployed frontend sends, an n_union integer (5), or a numeric string
 * ("5"), or the union's id "{OT}+{n}" ("OT-123+5"); it is kept as n_union
 * and the OT it named, if any, for the rules to hold against the spool's
 * OT (v4_rules.h).  The same union sent twice is kept once.  Anything else
 * in the list (a fraction, 0, a boolean, a word) is a 422 naming its
 * index.  fecha_operacion is accepted as any string (the frontend sends
 * the device's UTC date) and only logged: the server dates the work by its
 * own clock in the floor's time zone.  Unknown fields are ignored.
 */
#ifndef ZEUES_V4_REQUEST_H
#define ZEUES_V4_REQUEST_H

#include <stddef.h>

#include "occupation_request.h"

enum v4_request_kind {
	V4_REQ_INICIAR,
	V4_REQ_FINALIZAR,
};

/* A spool has at most 20 unions; room for a list sent with repeats. */
#define V4_REQ_UNIONS_MAX	64
#define V4_REQ_OT_MAX		64	/* bytes of the OT in "{OT}+{n}" */
#define V4_REQ_N_MAX		9999	/* larger is no union of any spool */
#define V4_REQ_FECHA_MAX	32

/* One selected union as sent. */
struct v4_union_ref {
	unsigned int	 n_union;
	int		 has_ot;		/* sent as "{OT}+{n}" */
	char		 ot[V4_REQ_OT_MAX + 1];
};

struct v4_request {
	struct occ_request	 base;	/* tag_spool, worker_id, ..., op */
	/* FINALIZAR: distinct as sent, in the order first sent. */
	size_t			 nunions;
	struct v4_union_ref	 unions[V4_REQ_UNIONS_MAX];
	int			 has_fecha;	/* a string, not null */
	char			 fecha[V4_REQ_FECHA_MAX + 1];
};

/*
 * Parses len bytes of body (NUL-termination not needed).  Returns 0 with
 * out filled, or -1 with at least one error in errs, which
 * occ_request_errors_write() turns into the 422 body.
 */
int	v4_request_parse(enum v4_request_kind, const char *body, size_t len,
	    struct v4_request *out, struct occ_request_errors *errs);

#endif
