/*
 * The Sheets API methods, independent of any HTTP server: each takes the
 * workbook, the decoded request parts and fills a reply.
 */
#ifndef EMU_API_H
#define EMU_API_H

#include <stddef.h>

#include <yajl/yajl_tree.h>

#include "query.h"
#include "reply.h"
#include "workbook.h"

struct api_ctx {
	struct workbook		**wbp;	/* batchUpdate may replace it */
	const struct query	 *query;
	const char		 *body;	/* NUL-terminated, may be NULL */
	size_t			  body_len;
	struct reply		 *reply;
};

/* values.* (api_values.c, api_append.c) */
void	api_values_get(struct api_ctx *, const char *range);
void	api_values_batch_get(struct api_ctx *);
void	api_values_batch_get_by_filter(struct api_ctx *);
void	api_values_update(struct api_ctx *, const char *range);
void	api_values_append(struct api_ctx *, const char *range);
void	api_values_clear(struct api_ctx *, const char *range);
void	api_values_batch_update(struct api_ctx *);
void	api_values_batch_clear(struct api_ctx *);

/* spreadsheets.* (api_spreadsheets.c) */
void	api_spreadsheets_get(struct api_ctx *);
void	api_spreadsheets_batch_update(struct api_ctx *);

/* Shared helpers (api_common.c). */

/* Parses the JSON body into an object; on failure replies 400. */
yajl_val	api_body_object(struct api_ctx *);

/*
 * Rejects members of obj not in known (NULL-terminated) the way Google
 * does: 'Invalid JSON payload received. Unknown name "x" at 'where'...'.
 * where may be NULL at the top level.  Returns 0 or -1 (replied).
 */
int		api_known_keys(struct api_ctx *, yajl_val obj,
		    const char *const *known, const char *where);

/* A member of obj of the given type, or NULL. */
yajl_val	api_member(yajl_val obj, const char *key, yajl_type type);

/*
 * Parses an enum parameter: NULL or "" gives dflt, otherwise the index of
 * the name in names.  On an unknown name replies 400 naming field/type
 * and returns -1.
 */
int		api_enum(struct api_ctx *, const char *value,
		    const char *const *names, int dflt, const char *field,
		    const char *type);

/* Appends the workbook as spreadsheets.get renders it (no field mask). */
void		api_write_spreadsheet(struct jw *, const struct workbook *);
void		api_write_sheet_properties(struct jw *, const struct workbook *,
		    const struct sheet *);

#endif
