/*
 * Request bodies of the occupation routes (api.md §2, §4), parsed and
 * validated strictly, and the 422 answer when they are not valid.
 *
 *	tomar, pausar,		{"tag_spool": str, "worker_id": int,
 *	*-reparacion		 "worker_nombre": str|null?,
 *				 "operacion": str|null?}
 *	completar		the same and "fecha_operacion":
 *				"YYYY-MM-DD", "DD-MM-YYYY" (what the tablet
 *				sends), null or absent (has_fecha 0: today)
 *	batch-tomar		"tag_spools": [str] instead of "tag_spool",
 *				1..50 tags, no tag twice
 *	all but batch-tomar	"lock_token": str|null?, the holder's proof
 *				(lock_token.h), like the X-Lock-Token header
 *
 * Types are exact: worker_id is a JSON integer > 0 ("5", 5.0 and true are
 * not); a tag is what spool_tag.h says, and is kept trimmed as it says;
 * operacion is one of ARM, SOLD, METROLOGIA, REPARACION (whether the route
 * takes it is the rules' business, which answer 400, not 422).  It may be
 * absent or null (has_operacion 0): the deployed frontend sends none on
 * COMPLETAR and the reparación routes (frontend.md §7 items 1, 3), so each
 * route decides - a default, an inference from the holder's occupation,
 * or occ_request_operacion_missing()'s 422.  Unknown
 * fields are ignored whatever they hold; a repeated key is refused, since
 * which copy would win is a guess.
 *
 * yajl parses with a callback per token, so string lengths are exact
 * (yajl_tree would cut "\u0000" short), depth is bounded like json_tree.h,
 * and every string and key is checked for strict UTF-8, which yajl's own
 * check is not (overlong forms and surrogates pass it).
 */
#ifndef ZEUES_OCCUPATION_REQUEST_H
#define ZEUES_OCCUPATION_REQUEST_H

#include <stddef.h>

#include <yajl/yajl_gen.h>

#include "sheet_dates.h"
#include "spool_state.h"
#include "worker_identity.h"

enum occ_request_kind {
	OCC_REQ_SINGLE,		/* tomar, pausar, the reparación routes */
	OCC_REQ_COMPLETAR,
	OCC_REQ_BATCH,
};

#define OCC_REQ_BATCH_MAX	50
#define OCC_REQ_NOMBRE_MAX	128	/* bytes of worker_nombre */
#define OCC_REQ_TOKEN_MAX	128	/* bytes of lock_token */
#define OCC_REQ_ERRORS_MAX	16
/* Top-level keys, unknown ones included: a real client sends five. */
#define OCC_REQ_KEYS_MAX	64
#define OCC_REQ_KEY_BYTES	2048

struct occ_request {
	char		 tag_spool[SPOOL_TAG_MAX + 1];	/* not BATCH */
	long long	 worker_id;
	int		 has_worker_nombre;	/* sent and not null */
	char		 worker_nombre[OCC_REQ_NOMBRE_MAX + 1];
	int		 has_operacion;	/* sent and not null */
	enum operacion	 op;		/* when has_operacion */
	int		 has_fecha;	/* COMPLETAR: a date, not null */
	struct civil_time fecha;
	char		 lock_token[OCC_REQ_TOKEN_MAX + 1];	/* "" = none */
	size_t		 ntags;					/* BATCH */
	char		 tags[OCC_REQ_BATCH_MAX][SPOOL_TAG_MAX + 1];
};

#define OCC_REQ_MSG_MAX		96

/* One item of the 422 "detail" list. */
struct occ_request_error {
	const char	*where;		/* loc[0]: NULL is "body" */
	const char	*field;		/* NULL: the body itself */
	long		 index;		/* tag_spools element, or -1 */
	long long	 offset;	/* JSON syntax error position, or -1 */
	char		 msg[OCC_REQ_MSG_MAX];
	const char	*type;
};

struct occ_request_errors {
	size_t			 n;	/* at most OCC_REQ_ERRORS_MAX kept */
	struct occ_request_error e[OCC_REQ_ERRORS_MAX];
};

/*
 * Parses len bytes of body (NUL-termination not needed).  Returns 0 with
 * out filled, or -1 with at least one error in errs.  Never allocates
 * beyond yajl's own parser, which is freed before returning.
 */
int	occ_request_parse(enum occ_request_kind, const char *body, size_t len,
	    struct occ_request *out, struct occ_request_errors *errs);

/*
 * errs as the one error "operacion: field required", for the routes that
 * cannot go without it: the same 422 the parser gave before it was optional.
 */
void	occ_request_operacion_missing(struct occ_request_errors *errs);

/*
 * errs as the one error of a tag_spool that spool_tag.h refuses, found
 * in where ("path", "query"): the routes that take a tag elsewhere than in
 * a body answer with the same 422 body.
 */
void	occ_request_tag_refused(struct occ_request_errors *errs,
	    const char *where);

/*
 * The 422 body: {"detail": [{"loc": [where, field(, index)], "msg",
 * "type"}...], "error": "VALIDATION_ERROR", "message": a Spanish summary,
 * "success": false, "data": null}.
 */
void	occ_request_errors_write(yajl_gen, const struct occ_request_errors *);

#endif
