/*
 * Loading and saving the workbook file.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_tree.h>

#include "fileio.h"
#include "jsonr.h"
#include "workbook_file.h"

static void
errf(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	(void)vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static yajl_val
member(yajl_val obj, const char *key, yajl_type type)
{
	const char	*path[2] = { key, NULL };

	return (yajl_tree_get(obj, path, type));
}

/* An integer member within [lo, hi]; -1 if missing or out of range. */
static int
member_int(yajl_val obj, const char *key, int64_t lo, int64_t hi,
    int64_t *out)
{
	yajl_val	v;

	v = member(obj, key, yajl_t_number);
	if (v == NULL || !YAJL_IS_INTEGER(v))
		return (-1);
	if (YAJL_GET_INTEGER(v) < lo || YAJL_GET_INTEGER(v) > hi)
		return (-1);
	*out = YAJL_GET_INTEGER(v);
	return (0);
}

static int
load_rows(struct sheet *sh, yajl_val rows, char *err, size_t errlen)
{
	yajl_val	 row;
	struct cell	 c;
	size_t		 r, k;

	if (rows->u.array.len > sh->row_count) {
		errf(err, errlen, "sheet '%s': %zu rows exceed rowCount %u",
		    sh->title, rows->u.array.len, sh->row_count);
		return (-1);
	}
	for (r = 0; r < rows->u.array.len; r++) {
		row = rows->u.array.values[r];
		if (YAJL_IS_NULL(row))
			continue;
		if (!YAJL_IS_ARRAY(row) ||
		    row->u.array.len > sh->col_count) {
			errf(err, errlen, "sheet '%s' row %zu: not an array "
			    "or wider than columnCount %u", sh->title, r + 1,
			    sh->col_count);
			return (-1);
		}
		for (k = 0; k < row->u.array.len; k++) {
			if (cell_read_stored(&c,
			    row->u.array.values[k]) == -1) {
				errf(err, errlen, "sheet '%s' row %zu column "
				    "%zu: bad cell value", sh->title, r + 1,
				    k + 1);
				return (-1);
			}
			if (c.type == CELL_EMPTY)
				continue;
			if (sheet_put(sh, (uint32_t)r + 1, (uint32_t)k + 1,
			    &c) == -1) {
				errf(err, errlen, "out of memory");
				return (-1);
			}
		}
	}
	return (0);
}

static int
load_sheet(struct workbook *wb, yajl_val js, char *err, size_t errlen)
{
	yajl_val	 title, rows;
	struct sheet	*sh;
	int64_t		 id, nr, nc;

	title = member(js, "title", yajl_t_string);
	if (title == NULL || jstr(title)[0] == '\0' ||
	    strlen(jstr(title)) >= A1_SHEET_MAX) {
		errf(err, errlen, "sheet %zu: missing or bad title",
		    wb->nsheets);
		return (-1);
	}
	if (member_int(js, "sheetId", 0, INT32_MAX, &id) == -1 ||
	    member_int(js, "rowCount", 1, A1_ROW_MAX, &nr) == -1 ||
	    member_int(js, "columnCount", 1, A1_COL_MAX, &nc) == -1) {
		errf(err, errlen, "sheet '%s': sheetId, rowCount and "
		    "columnCount must be integers in range",
		    jstr(title));
		return (-1);
	}
	if (workbook_sheet_by_title(wb, jstr(title)) != NULL ||
	    workbook_sheet_by_id(wb, id) != NULL) {
		errf(err, errlen, "sheet '%s': duplicate title or sheetId",
		    jstr(title));
		return (-1);
	}
	if (workbook_cell_total(wb) + (uint64_t)nr * (uint64_t)nc >
	    WORKBOOK_CELL_LIMIT) {
		errf(err, errlen, "workbook exceeds %llu cells",
		    (unsigned long long)WORKBOOK_CELL_LIMIT);
		return (-1);
	}
	sh = workbook_add_sheet(wb, jstr(title), id,
	    (uint32_t)nr, (uint32_t)nc);
	if (sh == NULL) {
		errf(err, errlen, "too many sheets or out of memory");
		return (-1);
	}
	rows = yajl_tree_get(js, (const char *[]){ "rows", NULL },
	    yajl_t_any);
	if (rows == NULL || YAJL_IS_NULL(rows))
		return (0);
	if (!YAJL_IS_ARRAY(rows)) {
		errf(err, errlen, "sheet '%s': rows must be an array",
		    sh->title);
		return (-1);
	}
	return (load_rows(sh, rows, err, errlen));
}

struct workbook *
workbook_from_json(const char *text, char *err, size_t errlen)
{
	struct workbook	*wb = NULL;
	yajl_val	 root, id, title, sheets, s;
	char		 perr[256];
	size_t		 i;

	if ((root = yajl_tree_parse(text, perr, sizeof(perr))) == NULL) {
		errf(err, errlen, "invalid JSON: %s", perr);
		return (NULL);
	}
	id = member(root, "spreadsheetId", yajl_t_string);
	title = member(root, "title", yajl_t_string);
	sheets = member(root, "sheets", yajl_t_array);
	if (id == NULL || jstr(id)[0] == '\0' || title == NULL ||
	    sheets == NULL || sheets->u.array.len == 0) {
		errf(err, errlen, "need spreadsheetId, title and a non-empty "
		    "sheets array");
		goto fail;
	}
	if ((wb = workbook_new(jstr(id),
	    jstr(title))) == NULL) {
		errf(err, errlen, "out of memory");
		goto fail;
	}
	if ((s = member(root, "locale", yajl_t_string)) != NULL) {
		free(wb->locale);
		if ((wb->locale = strdup(jstr(s))) == NULL)
			goto nomem;
	}
	if ((s = member(root, "timeZone", yajl_t_string)) != NULL) {
		free(wb->time_zone);
		if ((wb->time_zone = strdup(jstr(s))) == NULL)
			goto nomem;
	}
	for (i = 0; i < sheets->u.array.len; i++) {
		s = sheets->u.array.values[i];
		if (!YAJL_IS_OBJECT(s)) {
			errf(err, errlen, "sheet %zu is not an object", i);
			goto fail;
		}
		if (load_sheet(wb, s, err, errlen) == -1)
			goto fail;
	}
	yajl_tree_free(root);
	return (wb);
nomem:
	errf(err, errlen, "out of memory");
fail:
	workbook_free(wb);
	yajl_tree_free(root);
	return (NULL);
}

struct workbook *
workbook_load(const char *path, char *err, size_t errlen)
{
	struct workbook	*wb;
	char		*text;

	if (file_read_all(path, WORKBOOK_FILE_MAX, &text, NULL) == -1) {
		errf(err, errlen, "%s: %s", path, strerror(errno));
		return (NULL);
	}
	wb = workbook_from_json(text, err, errlen);
	free(text);
	return (wb);
}

static void
write_sheet(struct jw *w, const struct sheet *sh)
{
	const struct sheet_row	*row;
	uint32_t		 r, c, nrows, len;

	jw_obj_open(w);
	jw_kstr(w, "title", sh->title);
	jw_kint(w, "sheetId", sh->sheet_id);
	jw_kint(w, "rowCount", sh->row_count);
	jw_kint(w, "columnCount", sh->col_count);
	jw_key(w, "rows");
	jw_arr_open(w);

	/* Trailing empty rows and cells are not written. */
	for (nrows = sh->nrows; nrows > 0; nrows--) {
		if (sheet_row_has_data(sh, nrows, 1, sh->col_count))
			break;
	}
	for (r = 0; r < nrows; r++) {
		row = &sh->rows[r];
		for (len = row->len; len > 0; len--) {
			if (row->cells[len - 1].type != CELL_EMPTY)
				break;
		}
		jw_arr_open_inline(w);
		for (c = 0; c < len; c++)
			cell_write_stored(w, &row->cells[c]);
		jw_arr_close(w);
	}
	jw_arr_close(w);
	jw_obj_close(w);
}

char *
workbook_to_json(const struct workbook *wb, size_t *lenp)
{
	struct jw	w;
	size_t		i;

	jw_init(&w, JW_PRETTY);
	jw_obj_open(&w);
	jw_kstr(&w, "spreadsheetId", wb->spreadsheet_id);
	jw_kstr(&w, "title", wb->title);
	jw_kstr(&w, "locale", wb->locale);
	jw_kstr(&w, "timeZone", wb->time_zone);
	jw_key(&w, "sheets");
	jw_arr_open(&w);
	for (i = 0; i < wb->nsheets; i++)
		write_sheet(&w, wb->sheets[i]);
	jw_arr_close(&w);
	jw_obj_close(&w);
	return (jw_finish(&w, lenp));
}

int
workbook_save(const struct workbook *wb, const char *path)
{
	char	*text;
	size_t	 len;
	int	 rc;

	if ((text = workbook_to_json(wb, &len)) == NULL) {
		errno = ENOMEM;
		return (-1);
	}
	rc = file_write_atomic(path, text, len, 0644);
	free(text);
	return (rc);
}
