/*
 * Helpers shared by the API methods.
 */
#include <stdio.h>
#include <string.h>

#include "api.h"

yajl_val
api_member(yajl_val obj, const char *key, yajl_type type)
{
	const char	*path[2] = { key, NULL };

	if (obj == NULL || !YAJL_IS_OBJECT(obj))
		return (NULL);
	return (yajl_tree_get(obj, path, type));
}

yajl_val
api_body_object(struct api_ctx *ctx)
{
	yajl_val	root;
	char		err[256];

	if (ctx->body == NULL || ctx->body_len == 0 ||
	    strspn(ctx->body, " \t\r\n") == ctx->body_len)
		root = yajl_tree_parse("{}", NULL, 0);
	else
		root = yajl_tree_parse(ctx->body, err, sizeof(err));
	if (root == NULL) {
		reply_error(ctx->reply, 400,
		    "Invalid JSON payload received. Unexpected token.");
		return (NULL);
	}
	if (!YAJL_IS_OBJECT(root)) {
		yajl_tree_free(root);
		reply_error(ctx->reply, 400, "Invalid JSON payload received. "
		    "Expected an object.");
		return (NULL);
	}
	return (root);
}

int
api_known_keys(struct api_ctx *ctx, yajl_val obj, const char *const *known,
    const char *where)
{
	size_t	i, k;

	if (obj == NULL || !YAJL_IS_OBJECT(obj))
		return (0);
	for (i = 0; i < obj->u.object.len; i++) {
		for (k = 0; known[k] != NULL; k++) {
			if (strcmp(obj->u.object.keys[i], known[k]) == 0)
				break;
		}
		if (known[k] != NULL)
			continue;
		if (where == NULL)
			reply_error(ctx->reply, 400, "Invalid JSON payload "
			    "received. Unknown name \"%s\": Cannot find field.",
			    obj->u.object.keys[i]);
		else
			reply_error(ctx->reply, 400, "Invalid JSON payload "
			    "received. Unknown name \"%s\" at '%s': Cannot "
			    "find field.", obj->u.object.keys[i], where);
		return (-1);
	}
	return (0);
}

int
api_enum(struct api_ctx *ctx, const char *value, const char *const *names,
    int dflt, const char *field, const char *type)
{
	int	i;

	if (value == NULL || value[0] == '\0')
		return (dflt);
	for (i = 0; names[i] != NULL; i++) {
		if (strcmp(value, names[i]) == 0)
			return (i);
	}
	reply_error(ctx->reply, 400, "Invalid value at '%s' "
	    "(type.googleapis.com/google.apps.sheets.v4.%s), \"%s\"",
	    field, type, value);
	return (-1);
}

void
api_write_sheet_properties(struct jw *w, const struct workbook *wb,
    const struct sheet *sh)
{
	jw_obj_open(w);
	jw_kint(w, "sheetId", sh->sheet_id);
	jw_kstr(w, "title", sh->title);
	jw_kint(w, "index", (long long)workbook_sheet_index(wb, sh));
	jw_kstr(w, "sheetType", "GRID");
	jw_key(w, "gridProperties");
	jw_obj_open(w);
	jw_kint(w, "rowCount", sh->row_count);
	jw_kint(w, "columnCount", sh->col_count);
	jw_obj_close(w);
	jw_obj_close(w);
}

void
api_write_spreadsheet(struct jw *w, const struct workbook *wb)
{
	char	url[512];
	size_t	i;

	jw_obj_open(w);
	jw_kstr(w, "spreadsheetId", wb->spreadsheet_id);
	jw_key(w, "properties");
	jw_obj_open(w);
	jw_kstr(w, "title", wb->title);
	jw_kstr(w, "locale", wb->locale);
	jw_kstr(w, "autoRecalc", "ON_CHANGE");
	jw_kstr(w, "timeZone", wb->time_zone);
	jw_obj_close(w);
	jw_key(w, "sheets");
	jw_arr_open(w);
	for (i = 0; i < wb->nsheets; i++) {
		jw_obj_open(w);
		jw_key(w, "properties");
		api_write_sheet_properties(w, wb, wb->sheets[i]);
		jw_obj_close(w);
	}
	jw_arr_close(w);
	(void)snprintf(url, sizeof(url),
	    "https://docs.google.com/spreadsheets/d/%s/edit",
	    wb->spreadsheet_id);
	jw_kstr(w, "spreadsheetUrl", url);
	jw_obj_close(w);
}
