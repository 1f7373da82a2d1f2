/*
 * spreadsheets.get and spreadsheets.batchUpdate (appendDimension,
 * insertDimension, addSheet, updateSheetProperties).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "jsonr.h"

#define MSG_MAX		1024
#define DEFAULT_ROWS	1000
#define DEFAULT_COLS	26

void
api_spreadsheets_get(struct api_ctx *ctx)
{
	struct jw	w;

	/* includeGridData and ranges are not supported: only properties. */
	jw_init(&w, JW_PRETTY | JW_HTML_SAFE);
	api_write_spreadsheet(&w, *ctx->wbp);
	reply_json(ctx->reply, 200, &w);
}

/* What each request answers; filled while the clone is edited. */
struct request_reply {
	struct sheet	*added;		/* addSheet */
};

static int
int_member(yajl_val obj, const char *key, int64_t dflt, int64_t *out)
{
	yajl_val	v = api_member(obj, key, yajl_t_any);

	/* proto3: a missing number is 0 (or the given default). */
	if (v == NULL) {
		*out = dflt;
		return (0);
	}
	if (!YAJL_IS_INTEGER(v))
		return (-1);
	*out = YAJL_GET_INTEGER(v);
	return (0);
}

/* 0 for ROWS, 1 for COLUMNS, -1 otherwise. */
static int
dimension_of(yajl_val obj)
{
	yajl_val	v = api_member(obj, "dimension", yajl_t_string);

	if (v == NULL)
		return (-1);
	if (strcmp(jstr(v), "ROWS") == 0)
		return (0);
	if (strcmp(jstr(v), "COLUMNS") == 0)
		return (1);
	return (-1);
}

static struct sheet *
sheet_of(struct workbook *wb, yajl_val obj, char *msg, size_t msglen)
{
	struct sheet	*sh;
	int64_t		 id;

	if (int_member(obj, "sheetId", 0, &id) == -1) {
		(void)snprintf(msg, msglen, "sheetId must be an integer");
		return (NULL);
	}
	if ((sh = workbook_sheet_by_id(wb, id)) == NULL)
		(void)snprintf(msg, msglen, "No grid with id: %lld",
		    (long long)id);
	return (sh);
}

static int
cells_fit(const struct workbook *wb, uint64_t added, char *msg, size_t msglen)
{
	if (workbook_cell_total(wb) + added <= WORKBOOK_CELL_LIMIT)
		return (0);
	(void)snprintf(msg, msglen, "This action would increase the number of "
	    "cells in the workbook above the limit of %llu cells.",
	    (unsigned long long)WORKBOOK_CELL_LIMIT);
	return (-1);
}

static int
grow(struct workbook *wb, struct sheet *sh, int columns, uint32_t at,
    int64_t n, char *msg, size_t msglen)
{
	uint64_t	added;

	if (n <= 0 || n > (columns ? A1_COL_MAX : A1_ROW_MAX)) {
		(void)snprintf(msg, msglen, "length must be between 1 and %u",
		    columns ? A1_COL_MAX : A1_ROW_MAX);
		return (-1);
	}
	added = (uint64_t)n * (columns ? sh->row_count : sh->col_count);
	if (cells_fit(wb, added, msg, msglen) == -1)
		return (-1);
	if ((columns ? sheet_insert_cols(sh, at, (uint32_t)n) :
	    sheet_insert_rows(sh, at, (uint32_t)n)) == -1) {
		(void)snprintf(msg, msglen, "%s exceeds the maximum %s",
		    columns ? "columnCount" : "rowCount",
		    columns ? "columns" : "rows");
		return (-1);
	}
	return (0);
}

static int
do_append_dimension(struct workbook *wb, yajl_val req, char *msg,
    size_t msglen)
{
	struct sheet	*sh;
	int64_t		 len;
	int		 columns;

	if ((sh = sheet_of(wb, req, msg, msglen)) == NULL)
		return (-1);
	if ((columns = dimension_of(req)) == -1) {
		(void)snprintf(msg, msglen, "dimension must be ROWS or "
		    "COLUMNS");
		return (-1);
	}
	if (int_member(req, "length", 0, &len) == -1)
		len = 0;
	return (grow(wb, sh, columns, columns ? sh->col_count + 1 :
	    sh->row_count + 1, len, msg, msglen));
}

static int
do_insert_dimension(struct workbook *wb, yajl_val req, char *msg,
    size_t msglen)
{
	struct sheet	*sh;
	yajl_val	 range, inherit;
	int64_t		 start, end;
	uint32_t	 count;
	int		 columns;

	range = api_member(req, "range", yajl_t_object);
	if (range == NULL) {
		(void)snprintf(msg, msglen, "range is required");
		return (-1);
	}
	if ((sh = sheet_of(wb, range, msg, msglen)) == NULL)
		return (-1);
	if ((columns = dimension_of(range)) == -1) {
		(void)snprintf(msg, msglen, "range.dimension must be ROWS or "
		    "COLUMNS");
		return (-1);
	}
	count = columns ? sh->col_count : sh->row_count;
	if (int_member(range, "startIndex", 0, &start) == -1 ||
	    int_member(range, "endIndex", 0, &end) == -1 || start < 0 ||
	    end <= start || start > (int64_t)count) {
		(void)snprintf(msg, msglen, "range must satisfy 0 <= "
		    "startIndex < endIndex and startIndex <= %u", count);
		return (-1);
	}
	inherit = api_member(req, "inheritFromBefore", yajl_t_any);
	if (inherit != NULL && YAJL_IS_TRUE(inherit) && start == 0) {
		(void)snprintf(msg, msglen, "Cannot inherit from before when "
		    "startIndex is 0");
		return (-1);
	}
	return (grow(wb, sh, columns, (uint32_t)start + 1, end - start, msg,
	    msglen));
}

/* Characters, not bytes: titles are limited to 100 of them. */
static size_t
utf8_chars(const char *s)
{
	size_t	n = 0;

	for (; *s != '\0'; s++) {
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	}
	return (n);
}

static int
check_title(const struct workbook *wb, const struct sheet *self,
    const char *title, char *msg, size_t msglen)
{
	const struct sheet	*other;

	if (title[0] == '\0' || utf8_chars(title) > SHEET_TITLE_MAX ||
	    strlen(title) >= A1_SHEET_MAX) {
		(void)snprintf(msg, msglen, "Sheet titles must be 1 to %d "
		    "characters long", SHEET_TITLE_MAX);
		return (-1);
	}
	other = workbook_sheet_by_title(wb, title);
	if (other != NULL && other != self) {
		(void)snprintf(msg, msglen, "A sheet with the name \"%s\" "
		    "already exists. Please enter another name.", title);
		return (-1);
	}
	return (0);
}

static int
do_add_sheet(struct workbook *wb, yajl_val req, struct request_reply *rr,
    char *msg, size_t msglen)
{
	struct sheet	*sh;
	yajl_val	 props, grid, t;
	int64_t		 id, index, rows, cols;
	char		 title[A1_SHEET_MAX];
	int		 i;

	props = api_member(req, "properties", yajl_t_object);
	grid = api_member(props, "gridProperties", yajl_t_object);
	if (int_member(props, "sheetId", -1, &id) == -1 ||
	    int_member(props, "index", (int64_t)wb->nsheets, &index) == -1 ||
	    int_member(grid, "rowCount", DEFAULT_ROWS, &rows) == -1 ||
	    int_member(grid, "columnCount", DEFAULT_COLS, &cols) == -1 ||
	    index < 0 || rows < 1 || rows > A1_ROW_MAX || cols < 1 ||
	    cols > A1_COL_MAX || id > INT32_MAX) {
		(void)snprintf(msg, msglen, "invalid sheet properties");
		return (-1);
	}
	if (id >= 0 && workbook_sheet_by_id(wb, id) != NULL) {
		(void)snprintf(msg, msglen, "Sheet with id %lld already "
		    "exists.", (long long)id);
		return (-1);
	}
	if (id < 0 && (id = workbook_unused_sheet_id(wb,
	    wb->nsheets * 7919u + workbook_cell_total(wb))) < 0) {
		(void)snprintf(msg, msglen, MSG_INTERNAL);
		return (-1);
	}
	if ((t = api_member(props, "title", yajl_t_string)) != NULL) {
		(void)snprintf(title, sizeof(title), "%s", jstr(t));
		if (strlen(jstr(t)) >= sizeof(title)) {
			(void)snprintf(msg, msglen, "Sheet titles must be 1 "
			    "to %d characters long", SHEET_TITLE_MAX);
			return (-1);
		}
	} else {
		/* Like Sheets: the first free "SheetN". */
		for (i = 1; i <= WORKBOOK_SHEETS_MAX + 1; i++) {
			(void)snprintf(title, sizeof(title), "Sheet%d", i);
			if (workbook_sheet_by_title(wb, title) == NULL)
				break;
		}
	}
	if (check_title(wb, NULL, title, msg, msglen) == -1 ||
	    cells_fit(wb, (uint64_t)rows * (uint64_t)cols, msg, msglen) == -1)
		return (-1);
	sh = workbook_add_sheet(wb, title, id, (uint32_t)rows, (uint32_t)cols);
	if (sh == NULL) {
		(void)snprintf(msg, msglen, "too many sheets");
		return (-1);
	}
	if ((size_t)index < wb->nsheets - 1)
		workbook_move_sheet(wb, wb->nsheets - 1, (size_t)index);
	rr->added = sh;
	return (0);
}

/* Applies one entry of updateSheetProperties' field mask. */
static int
update_property(struct workbook *wb, struct sheet *sh, yajl_val props,
    const char *field, char *msg, size_t msglen)
{
	static const char *const	 cosmetic[] = { "hidden", "tabColor",
	    "tabColorStyle", "rightToLeft", "gridProperties.frozenRowCount",
	    "gridProperties.frozenColumnCount",
	    "gridProperties.hideGridlines", NULL };
	yajl_val			 grid, t;
	int64_t				 v;
	size_t				 i;

	grid = api_member(props, "gridProperties", yajl_t_object);
	if (strcmp(field, "title") == 0) {
		t = api_member(props, "title", yajl_t_string);
		if (t == NULL || check_title(wb, sh, jstr(t), msg,
		    msglen) == -1) {
			if (t == NULL)
				(void)snprintf(msg, msglen,
				    "title is required");
			return (-1);
		}
		if (sheet_set_title(sh, jstr(t)) == -1) {
			(void)snprintf(msg, msglen, MSG_INTERNAL);
			return (-1);
		}
		return (0);
	}
	if (strcmp(field, "index") == 0) {
		if (int_member(props, "index", 0, &v) == -1 || v < 0) {
			(void)snprintf(msg, msglen, "index must be >= 0");
			return (-1);
		}
		if ((size_t)v >= wb->nsheets)
			v = (int64_t)wb->nsheets - 1;
		workbook_move_sheet(wb, workbook_sheet_index(wb, sh),
		    (size_t)v);
		return (0);
	}
	if (strcmp(field, "gridProperties.rowCount") == 0 ||
	    strcmp(field, "gridProperties.columnCount") == 0) {
		int	rows = strcmp(field, "gridProperties.rowCount") == 0;

		if (int_member(grid, rows ? "rowCount" : "columnCount", 0,
		    &v) == -1 || v < 1 ||
		    v > (rows ? A1_ROW_MAX : A1_COL_MAX)) {
			(void)snprintf(msg, msglen, "%s out of range", field);
			return (-1);
		}
		if (rows && (uint64_t)v > sh->row_count && cells_fit(wb,
		    ((uint64_t)v - sh->row_count) * sh->col_count, msg,
		    msglen) == -1)
			return (-1);
		if (!rows && (uint64_t)v > sh->col_count && cells_fit(wb,
		    ((uint64_t)v - sh->col_count) * sh->row_count, msg,
		    msglen) == -1)
			return (-1);
		sheet_resize(sh, rows ? (uint32_t)v : sh->row_count,
		    rows ? sh->col_count : (uint32_t)v);
		return (0);
	}
	/* Display-only properties: accepted, not stored. */
	for (i = 0; cosmetic[i] != NULL; i++) {
		if (strcmp(field, cosmetic[i]) == 0)
			return (0);
	}
	(void)snprintf(msg, msglen, "The emulator does not support updating "
	    "field '%s'", field);
	return (-1);
}

static int
do_update_sheet_properties(struct workbook *wb, yajl_val req, char *msg,
    size_t msglen)
{
	struct sheet	*sh;
	yajl_val	 props, fields;
	const char	*p, *comma;
	char		 field[64];
	size_t		 n;

	props = api_member(req, "properties", yajl_t_object);
	fields = api_member(req, "fields", yajl_t_string);
	if (props == NULL || fields == NULL ||
	    jstr(fields)[0] == '\0') {
		(void)snprintf(msg, msglen, "properties and fields are "
		    "required");
		return (-1);
	}
	if ((sh = sheet_of(wb, props, msg, msglen)) == NULL)
		return (-1);
	for (p = jstr(fields); *p != '\0'; p = comma + 1) {
		if ((comma = strchr(p, ',')) == NULL)
			comma = p + strlen(p);
		while (*p == ' ')
			p++;
		n = (size_t)(comma - p);
		if (n == 0 || n >= sizeof(field)) {
			(void)snprintf(msg, msglen, "invalid fields");
			return (-1);
		}
		memcpy(field, p, n);
		field[n] = '\0';
		if (update_property(wb, sh, props, field, msg, msglen) == -1)
			return (-1);
		if (*comma == '\0')
			break;
	}
	return (0);
}

static const char *const request_kinds[] = {
	"appendDimension", "insertDimension", "addSheet",
	"updateSheetProperties", NULL
};

/* Applies requests[i]; on failure msg holds Google's message. */
static int
apply_request(struct workbook *wb, yajl_val req, size_t i,
    struct request_reply *rr, char *msg, size_t msglen)
{
	yajl_val	body;
	char		inner[MSG_MAX - 256];
	size_t		k;
	int		rc;

	if (!YAJL_IS_OBJECT(req) || req->u.object.len != 1) {
		(void)snprintf(msg, msglen, "Invalid requests[%zu]: exactly "
		    "one kind of request must be set", i);
		return (-1);
	}
	for (k = 0; request_kinds[k] != NULL; k++) {
		if (strcmp(req->u.object.keys[0], request_kinds[k]) == 0)
			break;
	}
	if (request_kinds[k] == NULL) {
		(void)snprintf(msg, msglen, "Invalid requests[%zu]: the "
		    "emulator does not implement %s", i,
		    req->u.object.keys[0]);
		return (-1);
	}
	body = req->u.object.values[0];
	if (!YAJL_IS_OBJECT(body)) {
		(void)snprintf(msg, msglen, "Invalid requests[%zu].%s: "
		    "expected an object", i, request_kinds[k]);
		return (-1);
	}
	switch (k) {
	case 0:
		rc = do_append_dimension(wb, body, inner, sizeof(inner));
		break;
	case 1:
		rc = do_insert_dimension(wb, body, inner, sizeof(inner));
		break;
	case 2:
		rc = do_add_sheet(wb, body, rr, inner, sizeof(inner));
		break;
	default:
		rc = do_update_sheet_properties(wb, body, inner, sizeof(inner));
		break;
	}
	if (rc == -1)
		(void)snprintf(msg, msglen, "Invalid requests[%zu].%s: %s", i,
		    request_kinds[k], inner);
	return (rc);
}

void
api_spreadsheets_batch_update(struct api_ctx *ctx)
{
	static const char *const	 keys[] = { "requests",
	    "includeSpreadsheetInResponse", "responseRanges",
	    "responseIncludeGridData", NULL };
	struct request_reply		*rr = NULL;
	struct workbook			*clone = NULL;
	struct jw			 w;
	yajl_val			 root, requests, inc;
	size_t				 i, n;
	char				 msg[MSG_MAX];

	if ((root = api_body_object(ctx)) == NULL)
		return;
	if (api_known_keys(ctx, root, keys, NULL) == -1)
		goto out;
	requests = api_member(root, "requests", yajl_t_array);
	if (requests == NULL || requests->u.array.len == 0) {
		reply_error(ctx->reply, 400,
		    "Must specify at least one request.");
		goto out;
	}
	n = requests->u.array.len;
	/* Work on a copy so that a failing request leaves no trace. */
	if ((rr = calloc(n, sizeof(*rr))) == NULL ||
	    (clone = workbook_clone(*ctx->wbp)) == NULL) {
		reply_error(ctx->reply, 500, MSG_INTERNAL);
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (apply_request(clone, requests->u.array.values[i], i,
		    &rr[i], msg, sizeof(msg)) == -1) {
			reply_error(ctx->reply, 400, "%s", msg);
			goto out;
		}
	}

	jw_init(&w, JW_PRETTY | JW_HTML_SAFE);
	jw_obj_open(&w);
	jw_kstr(&w, "spreadsheetId", clone->spreadsheet_id);
	jw_key(&w, "replies");
	jw_arr_open(&w);
	for (i = 0; i < n; i++) {
		jw_obj_open(&w);
		if (rr[i].added != NULL) {
			jw_key(&w, "addSheet");
			jw_obj_open(&w);
			jw_key(&w, "properties");
			api_write_sheet_properties(&w, clone, rr[i].added);
			jw_obj_close(&w);
		}
		jw_obj_close(&w);
	}
	jw_arr_close(&w);
	inc = api_member(root, "includeSpreadsheetInResponse", yajl_t_any);
	if (inc != NULL && YAJL_IS_TRUE(inc)) {
		jw_key(&w, "updatedSpreadsheet");
		api_write_spreadsheet(&w, clone);
	}
	jw_obj_close(&w);
	reply_json(ctx->reply, 200, &w);
	if (ctx->reply->status == 200) {
		workbook_free(*ctx->wbp);
		*ctx->wbp = clone;
		clone = NULL;
		ctx->reply->mutated = 1;
	}
out:
	workbook_free(clone);
	free(rr);
	yajl_tree_free(root);
}
