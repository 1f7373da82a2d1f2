/*
 * A workbook typed by people, and worse: cells with quotes, backslashes,
 * control characters, "</script>", 50,000 characters, NUL, lone
 * surrogates, formulas, numbers and booleans where text is expected, in
 * Operaciones, Trabajadores and Metadata.  Every read route must still
 * answer strict UTF-8 JSON, and the floor must keep working: a TOMAR and
 * a PAUSAR of a normal spool by a normal worker succeed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "emulator_fixture.h"
#include "harness.h"
#include "json_strict.h"
#include "nelem.h"
#include "percent_encode.h"
#include "server.h"

#define HOSTILE_ROWS	12

static struct emu		emu;
static struct test_server	srv;

/* Cells as raw JSON, so a NUL or a lone surrogate can be written. */
static const char	*hostile[] = {
	"\"\\\"quoted\\\" 'single' `back`\"",
	"\"back\\\\slash \\\\\\\\ \\\\u0041\"",
	"\"ctl \\u0001\\u0007\\u001b\\u007f\\n\\r\\t end\"",
	"\"</script><script>alert(1)</script>\"",
	"\"nul\\u0000after\"",
	"{\"formula\":\"=IMPORTXML(\\\"http://evil/\\\",\\\"//a\\\")\"}",
	"12345.678",
	"1e308",
	"true",
	"\"\\udc00lone \\ud800 surrogates\"",
	"\"\\u2028\\u2029 separators \\u0085\"",
	"\"  padded  \"",
	"\"=1+1\"",
	"-7",
	NULL,		/* the 50,000-character cell, made at start */
};
#define LONG_CELL	(NELEM(hostile) - 1)

/* Operaciones columns that get hostile text (TAG_SPOOL only in a few rows). */
static const char	*ops_columns[] = {
	"OT", "NV", "Armador", "Soldador", "Fecha_Materiales", "Fecha_Armado",
	"Fecha_Soldadura", "Fecha_QC_Metrología", "Observaciones",
	"Fecha_Ocupacion", "version", "Estado_Detalle",
};

/* Tags the hostile rows end up with, for the per-tag routes. */
static const char	*hostile_tags[] = {
	"\"MK \\\"Q\\\" 1\"", "\"MK\\\\BS-2\"", "\"</script>\"", "4242",
	"\"MK-\\u00d1AND\\u00da-1\"", "\"MK-CTL\\u0001-6\"",
};

struct override {
	const char	*sheet;
	size_t		 row, col;
	const char	*json;
};

static struct override	overrides[512];
static size_t		noverrides;
static char		history_tag[80];	/* a real tag with odd history */
static char		history_json[96];	/* the same as a JSON string */
static char		*long_cell;

static void
override(const char *sheet, size_t row, long col, const char *json)
{
	assert_true(col >= 0);
	assert_true(noverrides < NELEM(overrides));
	overrides[noverrides++] = (struct override){ sheet, row, (size_t)col,
	    json };
}

/* --- the workbook written back as JSON, with the overrides in it --- */

static void
put_string(FILE *b, const char *s)
{
	const unsigned char	*p;

	fputc('"', b);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(b, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(b, "\\u%04x", *p);
		else
			fputc((char)*p, b);
	}
	fputc('"', b);
}

static void
put_value(FILE *b, yajl_val v)
{
	size_t	i;

	if (v == NULL || YAJL_IS_NULL(v)) {
		fputs("null", b);
	} else if (YAJL_IS_STRING(v)) {
		put_string(b, YAJL_GET_STRING(v));
	} else if (YAJL_IS_NUMBER(v)) {
		fputs(YAJL_GET_NUMBER(v), b);
	} else if (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v)) {
		fputs(YAJL_IS_TRUE(v) ? "true" : "false", b);
	} else if (YAJL_IS_ARRAY(v)) {
		fputc('[', b);
		for (i = 0; i < v->u.array.len; i++) {
			if (i > 0)
				fputc(',', b);
			put_value(b, v->u.array.values[i]);
		}
		fputc(']', b);
	} else {
		fputc('{', b);
		for (i = 0; i < v->u.object.len; i++) {
			if (i > 0)
				fputc(',', b);
			put_string(b, v->u.object.keys[i]);
			fputc(':', b);
			put_value(b, v->u.object.values[i]);
		}
		fputc('}', b);
	}
}

static const char *
override_at(const char *sheet, size_t row, size_t col)
{
	size_t	i;

	for (i = noverrides; i > 0; i--) {
		if (strcmp(overrides[i - 1].sheet, sheet) == 0 &&
		    overrides[i - 1].row == row && overrides[i - 1].col == col)
			return (overrides[i - 1].json);
	}
	return (NULL);
}

/* Rows of one sheet, grown to hold every override aimed at it. */
static void
put_rows(FILE *b, const char *title, yajl_val rows)
{
	yajl_val	 row;
	const char	*o;
	size_t		 r, c, nrows, ncols, i;

	nrows = rows != NULL ? rows->u.array.len : 0;
	for (i = 0; i < noverrides; i++)
		if (strcmp(overrides[i].sheet, title) == 0 &&
		    overrides[i].row >= nrows)
			nrows = overrides[i].row + 1;
	fputc('[', b);
	for (r = 0; r < nrows; r++) {
		row = rows != NULL && r < rows->u.array.len ?
		    rows->u.array.values[r] : NULL;
		ncols = row != NULL && YAJL_IS_ARRAY(row) ? row->u.array.len :
		    0;
		for (i = 0; i < noverrides; i++)
			if (strcmp(overrides[i].sheet, title) == 0 &&
			    overrides[i].row == r && overrides[i].col >= ncols)
				ncols = overrides[i].col + 1;
		fputs(r > 0 ? ",[" : "[", b);
		for (c = 0; c < ncols; c++) {
			if (c > 0)
				fputc(',', b);
			if ((o = override_at(title, r, c)) != NULL)
				fputs(o, b);
			else
				put_value(b, row != NULL &&
				    c < row->u.array.len ?
				    row->u.array.values[c] : NULL);
		}
		fputc(']', b);
	}
	fputc(']', b);
}

static char *
workbook_text(yajl_val wb)
{
	FILE		*b;
	yajl_val	 sheets = jpath(wb, "sheets", NULL), s;
	const char	*title;
	char		*text = NULL;
	size_t		 i, j, k, len;

	if ((b = open_memstream(&text, &len)) == NULL)
		return (NULL);
	fputc('{', b);
	for (i = 0; i < wb->u.object.len; i++) {
		if (i > 0)
			fputc(',', b);
		put_string(b, wb->u.object.keys[i]);
		fputc(':', b);
		if (wb->u.object.values[i] != sheets) {
			put_value(b, wb->u.object.values[i]);
			continue;
		}
		fputc('[', b);
		for (k = 0; k < sheets->u.array.len; k++) {
			s = sheets->u.array.values[k];
			title = jpath_str(s, "title", NULL);
			fputs(k > 0 ? ",{" : "{", b);
			for (j = 0; j < s->u.object.len; j++) {
				if (j > 0)
					fputc(',', b);
				put_string(b, s->u.object.keys[j]);
				fputc(':', b);
				if (strcmp(s->u.object.keys[j], "rows") == 0)
					put_rows(b, title,
					    s->u.object.values[j]);
				else
					put_value(b, s->u.object.values[j]);
			}
			fputc('}', b);
		}
		fputc(']', b);
	}
	fputc('}', b);
	return (fclose(b) == 0 ? text : NULL);
}

/* --- set-up: demo data made hostile, then the server on it --- */

static void
make_hostile(yajl_val wb)
{
	yajl_val	ops = emu_sheet(wb, "Operaciones");
	yajl_val	trab = emu_sheet(wb, "Trabajadores");
	yajl_val	meta = emu_sheet(wb, "Metadata");
	char		buf[64];
	size_t		r, k, nh = NELEM(hostile), meta_row;
	long		c;

	assert_non_null(ops);
	assert_non_null(trab);
	assert_non_null(meta);
	/* Rows 1..HOSTILE_ROWS of Operaciones; the rest stay normal. */
	for (r = 1; r <= HOSTILE_ROWS; r++) {
		for (k = 0; k < NELEM(ops_columns); k++)
			override("Operaciones", r, emu_column(ops,
			    ops_columns[k]), hostile[(r + k) % nh]);
		if (r <= NELEM(hostile_tags))
			override("Operaciones", r, emu_column(ops,
			    "TAG_SPOOL"), hostile_tags[r - 1]);
		/* Occupied by someone odd: the dashboard lists these. */
		if (r % 3 == 0)
			override("Operaciones", r, emu_column(ops,
			    "Ocupado_Por"), hostile[r % nh]);
	}
	override("Operaciones", HOSTILE_ROWS, emu_column(ops, "Observaciones"),
	    hostile[LONG_CELL]);

	/* Trabajadores rows 1..6: odd ids, names, roles and flags. */
	for (r = 1; r <= 6; r++) {
		override("Trabajadores", r, emu_column(trab, "Nombre"),
		    hostile[(r * 2) % nh]);
		override("Trabajadores", r, emu_column(trab, "Apellido"),
		    hostile[(r * 2 + 1) % nh]);
		override("Trabajadores", r, emu_column(trab, "Rol"),
		    hostile[(r + 5) % nh]);
	}
	override("Trabajadores", 1, emu_column(trab, "Id"), "\"abc\"");
	override("Trabajadores", 2, emu_column(trab, "Id"), "1e308");
	override("Trabajadores", 3, emu_column(trab, "Id"), "-5");
	override("Trabajadores", 4, emu_column(trab, "Nombre"),
	    hostile[LONG_CELL]);
	override("Trabajadores", 5, emu_column(trab, "Activo"), "\"quiz\\u00e1\"");
	override("Trabajadores", 6, emu_column(trab, "Activo"), "1");

	/* Metadata: odd rows about a real spool, and about odd spools. */
	snprintf(history_tag, sizeof(history_tag), "%s", emu_cell(ops,
	    HOSTILE_ROWS + 5, (size_t)emu_column(ops, "TAG_SPOOL"), buf,
	    sizeof(buf)));
	snprintf(history_json, sizeof(history_json), "\"%s\"", history_tag);
	meta_row = emu_nrows(meta);
	for (r = 0; r < nh; r++, meta_row++) {
		c = emu_column(meta, "TAG_SPOOL");
		override("Metadata", meta_row, c, r % 2 == 0 ? history_json :
		    hostile_tags[r % NELEM(hostile_tags)]);
		override("Metadata", meta_row, emu_column(meta, "ID"),
		    hostile[r]);
		override("Metadata", meta_row, emu_column(meta, "Timestamp"),
		    r % 3 == 0 ? "\"2026-12-03T08:00:00Z\"" : hostile[(r + 1) %
		    nh]);
		override("Metadata", meta_row, emu_column(meta, "Evento_Tipo"),
		    r % 2 == 0 ? "\"TOMAR_SPOOL\"" : hostile[(r + 2) % nh]);
		override("Metadata", meta_row, emu_column(meta, "Worker_ID"),
		    hostile[(r + 3) % nh]);
		override("Metadata", meta_row, emu_column(meta,
		    "Worker_Nombre"), hostile[(r + 4) % nh]);
		override("Metadata", meta_row, emu_column(meta, "Operacion"),
		    r % 2 == 0 ? "\"ARM\"" : hostile[(r + 5) % nh]);
		override("Metadata", meta_row, emu_column(meta, "Accion"),
		    hostile[(r + 6) % nh]);
		override("Metadata", meta_row, emu_column(meta,
		    "Fecha_Operacion"), hostile[(r + 7) % nh]);
		override("Metadata", meta_row, emu_column(meta,
		    "Metadata_JSON"), hostile[(r + 8) % nh]);
	}
}

static int
setup(void **state)
{
	yajl_val	 wb;
	char		*text, *env[8];
	size_t		 i, n;

	(void)state;
	/* 50,000 characters of two bytes each, and quotes around them. */
	n = 50000;
	if ((long_cell = malloc(2 * n + 3)) == NULL)
		return (-1);
	long_cell[0] = '"';
	for (i = 0; i < n; i++)
		memcpy(long_cell + 1 + 2 * i, "\xc3\x91", 2);
	memcpy(long_cell + 1 + 2 * n, "\"", 2);
	hostile[LONG_CELL] = long_cell;

	if (emu_start(&emu, 60, 20, NULL) == -1 ||
	    (wb = emu_workbook(&emu)) == NULL)
		return (-1);
	make_hostile(wb);
	text = workbook_text(wb);
	yajl_tree_free(wb);
	if (text == NULL)
		return (-1);
	if (emu_restart_with(&emu, text) == -1) {
		free(text);
		return (-1);
	}
	free(text);

	for (i = 0; emu.te.env[i] != NULL; i++)
		env[i] = emu.te.env[i];
	env[i++] = "REQUEST_DEADLINE_MS=5000";
	env[i++] = "SHEETS_CACHE_TTL_MS=1000";
	env[i] = NULL;
	memset(&srv, 0, sizeof(srv));
	return (test_server_start(&srv, env));
}

static int
teardown(void **state)
{
	int	bad;

	(void)state;
	bad = test_server_stop(&srv);
	bad |= emu_stop(&emu);
	free(long_cell);
	return (bad);
}

/* --- the routes --- */

/* GET path: its status; the body must be strict JSON whatever it is. */
static long
get_strict(const char *path, yajl_val *json)
{
	struct http_reply	 r;
	char			 url[1024], why[96];
	long			 status;

	snprintf(url, sizeof(url), "%s%s", srv.base, path);
	assert_int_equal(http_get(url, 20000, &r), 0);
	if (!json_strict_valid(r.body, r.len, why, sizeof(why)))
		fail_msg("GET %s: %ld, %s: %.300s", path, r.status, why,
		    r.body != NULL ? r.body : "");
	if (r.status >= 500)
		fail_msg("GET %s: %ld: %.300s", path, r.status, r.body);
	if (json != NULL)
		*json = http_reply_json(&r);
	status = r.status;
	http_reply_free(&r);
	return (status);
}

static void
test_list_routes_answer_strict_json(void **state)
{
	static const char	*paths[] = {
		"/api/workers", "/api/spools/iniciar?operacion=ARM",
		"/api/spools/iniciar?operacion=SOLD",
		"/api/spools/iniciar?operacion=METROLOGIA",
		"/api/spools/completar?operacion=ARM&worker_id=1",
		"/api/spools/completar?operacion=SOLD&worker_id=2",
		"/api/dashboard/occupied",
		"/api/health",
	};
	size_t			 i;
	long			 status;

	(void)state;
	for (i = 0; i < NELEM(paths); i++) {
		if ((status = get_strict(paths[i], NULL)) != 200)
			fail_msg("GET %s: %ld", paths[i], status);
	}
}

/* The per-tag routes, for the odd tags and the real one with odd history. */
static void
test_tag_routes_answer_strict_json(void **state)
{
	yajl_val	 v;
	char		 enc[1024], path[1200];
	const char	*tag;
	size_t		 i;

	(void)state;
	for (i = 0; i <= NELEM(hostile_tags); i++) {
		if (i < NELEM(hostile_tags)) {
			/* The tag as the sheet holds it: decode the JSON. */
			assert_non_null(v = yajl_tree_parse(hostile_tags[i],
			    NULL, 0));
			tag = YAJL_IS_STRING(v) ? v->u.string :
			    v->u.number.r;
			assert_true(percent_encode(tag, enc, sizeof(enc)) >= 0);
			yajl_tree_free(v);
		} else {
			assert_true(percent_encode(history_tag, enc,
			    sizeof(enc)) >= 0);
		}
		snprintf(path, sizeof(path), "/api/occupation/status/%s", enc);
		(void)get_strict(path, NULL);
		snprintf(path, sizeof(path), "/api/history/%s", enc);
		(void)get_strict(path, NULL);
	}
	snprintf(path, sizeof(path), "/api/history/%s", enc);
	assert_int_equal(get_strict(path, NULL), 200);
}

/* --- the floor keeps working --- */

static int
has_role(yajl_val w, const char *role)
{
	yajl_val	 roles = jpath(w, "roles", NULL);
	size_t		 i;

	for (i = 0; roles != NULL && YAJL_IS_ARRAY(roles) &&
	    i < roles->u.array.len; i++)
		if (YAJL_IS_STRING(roles->u.array.values[i]) &&
		    strcmp(roles->u.array.values[i]->u.string, role) == 0)
			return (1);
	return (0);
}

static long
post(const char *route, const char *body)
{
	const char		*hdr[] = { "Content-Type: application/json",
				    NULL };
	struct http_reply	 r;
	char			 url[256], why[96];
	long			 status;

	snprintf(url, sizeof(url), "%s/api/occupation/%s", srv.base, route);
	assert_int_equal(http_request("POST", url, hdr, body, strlen(body),
	    20000, &r), 0);
	if (!json_strict_valid(r.body, r.len, why, sizeof(why)))
		fail_msg("POST %s: %s", route, why);
	if (r.status != 200)
		print_message("POST %s: %ld %s\n", route, r.status, r.body);
	status = r.status;
	http_reply_free(&r);
	return (status);
}

static void
test_floor_keeps_working(void **state)
{
	yajl_val	 spools, workers, list, w;
	const char	*tag = NULL, *t;
	char		 body[512];
	long long	 worker = 0;
	size_t		 i;

	(void)state;
	assert_int_equal(get_strict("/api/spools/iniciar?operacion=ARM",
	    &spools), 200);
	list = jpath(spools, "spools", NULL);
	for (i = 0; list != NULL && i < list->u.array.len && tag == NULL;
	    i++) {
		t = jpath_str(list->u.array.values[i], "tag_spool", NULL);
		/* A v3 spool: a v4 one is taken through INICIAR. */
		if (jpath_int(list->u.array.values[i], 0, "total_uniones",
		    NULL) > 0)
			continue;
		if (t != NULL && strncmp(t, "MK-", 3) == 0 &&
		    strspn(t, "MK-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") ==
		    strlen(t))
			tag = t;
	}
	assert_non_null(tag);

	assert_int_equal(get_strict("/api/workers", &workers), 200);
	list = jpath(workers, "workers", NULL);
	for (i = 0; list != NULL && i < list->u.array.len && worker == 0;
	    i++) {
		w = list->u.array.values[i];
		if (has_role(w, "Armador") || has_role(w, "Ayudante"))
			worker = jpath_int(w, 0, "id", NULL);
	}
	assert_true(worker > 0);

	snprintf(body, sizeof(body), "{\"tag_spool\":\"%s\",\"worker_id\":%lld,"
	    "\"operacion\":\"ARM\"}", tag, worker);
	assert_int_equal(post("tomar", body), 200);
	assert_int_equal(get_strict("/api/dashboard/occupied", NULL), 200);
	assert_int_equal(post("pausar", body), 200);
	yajl_tree_free(spools);
	yajl_tree_free(workers);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_routes_answer_strict_json),
		cmocka_unit_test(test_tag_routes_answer_strict_json),
		cmocka_unit_test(test_floor_keeps_working),
	};

	return (cmocka_run_group_tests_name("server_hostile_sheet", tests,
	    setup, teardown));
}
