/*
 * The metrología body; see metrologia_request.h.
 */
#include <stdio.h>
#include <string.h>

#include "json_fields.h"
#include "metrologia_request.h"
#include "nelem.h"

enum { F_TAG, F_WORKER, F_RESULTADO };

static void
add_error(struct occ_request_errors *errs, const char *field,
    const char *msg, const char *type)
{
	struct occ_request_error	*e;

	if (errs->n >= OCC_REQ_ERRORS_MAX)
		return;
	e = &errs->e[errs->n++];
	memset(e, 0, sizeof(*e));
	e->field = field;
	e->index = -1;
	e->offset = -1;
	(void)snprintf(e->msg, sizeof(e->msg), "%.*s",
	    (int)sizeof(e->msg) - 1, msg);
	e->type = type;
}

int
metro_request_parse(const char *body, size_t len, struct metro_request *out,
    struct occ_request_errors *errs)
{
	struct json_field	f[] = {
		[F_TAG] = { "tag_spool", JSON_FIELD_STRING, 0, NULL, 0, 0 },
		[F_WORKER] = { "worker_id", JSON_FIELD_INTEGER, 0, NULL, 0,
		    0 },
		[F_RESULTADO] = { "resultado", JSON_FIELD_STRING, 0, NULL, 0,
		    0 },
	};
	char			 err[160];

	memset(out, 0, sizeof(*out));
	memset(errs, 0, sizeof(*errs));
	if (json_fields_parse(body, len, f, NELEM(f), "body", err,
	    sizeof(err)) == -1) {
		/* The reason names fields and types, never the input. */
		add_error(errs, NULL, err, "value_error.jsondecode");
		return (-1);
	}
	if (!f[F_TAG].present)
		add_error(errs, f[F_TAG].name, "field required",
		    "value_error.missing");
	else if (spool_tag_canon(f[F_TAG].str, f[F_TAG].len, out->tag_spool,
	    sizeof(out->tag_spool)) == -1)
		add_error(errs, f[F_TAG].name, "must be a spool tag of 1 to "
		    "64 characters", "value_error");
	if (!f[F_WORKER].present)
		add_error(errs, f[F_WORKER].name, "field required",
		    "value_error.missing");
	else if ((out->worker_id = f[F_WORKER].integer) <= 0)
		add_error(errs, f[F_WORKER].name, "must be an integer > 0",
		    "value_error");
	if (!f[F_RESULTADO].present)
		add_error(errs, f[F_RESULTADO].name, "field required",
		    "value_error.missing");
	else if (metro_resultado_parse(f[F_RESULTADO].str,
	    &out->resultado) == -1)
		add_error(errs, f[F_RESULTADO].name, "must be APROBADO or "
		    "RECHAZADO", "value_error");
	json_fields_clear(f, NELEM(f));
	return (errs->n > 0 ? -1 : 0);
}
