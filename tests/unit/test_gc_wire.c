/*
 * Unit tests for lib/sheets/gc_wire.c: a change and its outcome as JSON
 * and back.  Round trips of a v3-like change (one audit row, text and
 * entered cells), a v4 FINALIZAR-like one (24 other rows, 26 audit rows),
 * every cell kind, and an outcome of each status; then what decoding
 * refuses, each with its error: wrong types, missing, unknown and
 * repeated fields, too many rows, audit rows, cells and writes, strings
 * too long or not UTF-8, a bad uuid, row 1, truncated JSON, trailing
 * garbage, input too big; and what encoding refuses.  Run under ASan,
 * every failure path is also checked for leaks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gc_wire.h"
#include "group_commit_ticket.h"	/* GC_HEADER_MAX */
#include "nelem.h"

#define NV	"0b0f4c1e-8a43-4a7e-9f3e-1d2c3b4a5f60"
#define EXP	"5d7e1c2a-3b4f-4a6d-8e9f-0a1b2c3d4e5f"
#define DEADLINE	1764770000123ULL

/* A small valid change, the base every rejection is made from. */
static const char	base_change[] =
    "{\"v\":1,\"sheet\":\"Operaciones\",\"tag\":\"MK-1\",\"row\":5,"
    "\"expected\":\"\",\"new_version\":\"" NV "\",\"deadline\":1764770000000,"
    "\"writes\":[[\"Ocupado Por\",\"MR(93)\"]],"
    "\"audits\":[[\"x\",{\"e\":\"03-12-2026\"}]],"
    "\"rows\":[{\"sheet\":\"Uniones\",\"key_header\":\"ID\",\"key\":\"U1\","
    "\"row\":9,\"writes\":[[\"N_UNION\",3]]}]}";

static const char	base_outcome[] =
    "{\"v\":1,\"status\":\"conflict\",\"maybe_applied\":false,"
    "\"retry_after_ms\":0,\"version\":\"" NV "\",\"audit_row\":0,"
    "\"found_version\":\"" EXP "\",\"error\":\"row moved\","
    "\"conflict_row\":1}";

/* base with the first from replaced by to (caller frees). */
static char *
subst(const char *base, const char *from, const char *to)
{
	const char	*p;
	char		*s;
	size_t		 n;

	p = strstr(base, from);
	assert_non_null(p);
	n = strlen(base) - strlen(from) + strlen(to) + 1;
	s = malloc(n);
	assert_non_null(s);
	snprintf(s, n, "%.*s%s%s", (int)(p - base), base, to,
	    p + strlen(from));
	return (s);
}

/* n copies of unit joined by sep, inside open/close (caller frees). */
static char *
repeat(const char *open, const char *unit, const char *sep, size_t n,
    const char *close)
{
	char	*s;
	size_t	 i, len;

	len = strlen(open) + n * (strlen(unit) + strlen(sep)) +
	    strlen(close) + 1;
	s = malloc(len);
	assert_non_null(s);
	strcpy(s, open);
	for (i = 0; i < n; i++) {
		if (i > 0)
			strcat(s, sep);
		strcat(s, unit);
	}
	strcat(s, close);
	return (s);
}

static void
assert_cells_equal(const struct sheets_cell *a, const struct sheets_cell *b)
{
	assert_int_equal(a->kind, b->kind);
	switch (a->kind) {
	case SHEETS_CELL_TEXT:
	case SHEETS_CELL_ENTERED:
		assert_string_equal(a->text, b->text);
		break;
	case SHEETS_CELL_NUMBER:
		assert_true(a->number == b->number);
		assert_int_equal(signbit(a->number), signbit(b->number));
		break;
	case SHEETS_CELL_BOOL:
		assert_int_equal(a->boolean != 0, b->boolean != 0);
		break;
	case SHEETS_CELL_SKIP:
		break;
	}
}

static void
assert_writes_equal(const struct gc_write *a, size_t na,
    const struct gc_write *b, size_t nb)
{
	size_t	i;

	assert_int_equal(na, nb);
	for (i = 0; i < na; i++) {
		assert_string_equal(a[i].header, b[i].header);
		assert_cells_equal(&a[i].value, &b[i].value);
	}
}

static void
assert_changes_equal(const struct gc_change *a, const struct gc_change *b)
{
	size_t	i, k;

	assert_string_equal(a->sheet, b->sheet);
	assert_string_equal(a->tag, b->tag);
	assert_int_equal(a->row, b->row);
	assert_string_equal(a->expected_version != NULL ?
	    a->expected_version : "", b->expected_version);
	assert_string_equal(a->new_version, b->new_version);
	assert_writes_equal(a->writes, a->nwrites, b->writes, b->nwrites);
	assert_int_equal(a->naudits, b->naudits);
	for (i = 0; i < a->naudits; i++) {
		assert_int_equal(a->audits[i].ncells, b->audits[i].ncells);
		for (k = 0; k < a->audits[i].ncells; k++)
			assert_cells_equal(&a->audits[i].cells[k],
			    &b->audits[i].cells[k]);
	}
	assert_int_equal(a->nrows, b->nrows);
	for (i = 0; i < a->nrows; i++) {
		assert_string_equal(a->rows[i].sheet, b->rows[i].sheet);
		assert_string_equal(a->rows[i].key_header,
		    b->rows[i].key_header);
		assert_string_equal(a->rows[i].key, b->rows[i].key);
		assert_int_equal(a->rows[i].row, b->rows[i].row);
		assert_writes_equal(a->rows[i].writes, a->rows[i].nwrites,
		    b->rows[i].writes, b->rows[i].nwrites);
	}
}

/* Encodes c, decodes it, and checks both ends agree; returns the size. */
static size_t
round_trip(const struct gc_change *c, uint64_t deadline)
{
	struct gc_wire_change	w;
	struct strbuf		b;
	char			err[256];
	size_t			len;

	strbuf_init(&b, GC_WIRE_CHANGE_MAX + 1);
	if (gc_wire_encode_change(c, deadline, &b, err, sizeof(err)) == -1)
		fail_msg("encode: %s", err);
	if (gc_wire_decode_change(b.data, b.len, &w, err, sizeof(err)) == -1)
		fail_msg("decode: %s", err);
	assert_changes_equal(c, &w.change);
	assert_int_equal(w.deadline_unix_ms, deadline);
	len = b.len;
	gc_wire_change_clear(&w);
	assert_null(w.store);
	strbuf_free(&b);
	return (len);
}

/* An audit row of data.md §1's shape: texts and an entered date. */
static void
audit_cells(struct sheets_cell *cells, size_t n, const char *event)
{
	static const char	*texts[] = { "MK-1234-A", "MR(93)", "ARM",
				    "03-12-2026 10:15:00", "{\"n\":1}" };
	size_t			 i;

	for (i = 0; i < n; i++) {
		cells[i].kind = i == 3 ? SHEETS_CELL_ENTERED :
		    SHEETS_CELL_TEXT;
		cells[i].text = i == 0 ? event : texts[i % NELEM(texts)];
	}
}

static void
test_v3_round_trip(void **state)
{
	struct sheets_cell	cells[10];
	struct sheets_row	audit = { cells, NELEM(cells) };
	struct gc_write		writes[] = {
		{ "Ocupado_Por", { SHEETS_CELL_TEXT, "MR(93)", 0, 0 } },
		{ "Fecha_Ocupacion", { SHEETS_CELL_ENTERED, "03-12-2026",
		    0, 0 } },
		{ "Estado_Detalle", { SHEETS_CELL_TEXT, "", 0, 0 } },
	};
	struct gc_change	c = {
		.sheet = "Operaciones", .tag = "MK-1234-A", .row = 17,
		.expected_version = EXP, .writes = writes,
		.nwrites = NELEM(writes), .audits = &audit, .naudits = 1,
		.new_version = NV,
	};

	(void)state;
	audit_cells(cells, NELEM(cells), "TOMAR_ARM");
	round_trip(&c, DEADLINE);
	/* No expected version travels as "". */
	c.expected_version = NULL;
	round_trip(&c, 0);
}

static void
test_v4_finalizar_round_trip(void **state)
{
	struct sheets_cell	cells[GC_AUDITS_MAX][GC_AUDIT_CELLS_MAX];
	struct sheets_row	audits[GC_AUDITS_MAX];
	struct gc_write		uw[GC_ROWS_MAX][3];
	struct gc_row		rows[GC_ROWS_MAX];
	char			keys[GC_ROWS_MAX][32];
	struct gc_write		writes[] = {
		{ "Ocupado_Por", { SHEETS_CELL_TEXT, "", 0, 0 } },
		{ "Uniones_ARM_Completadas", { SHEETS_CELL_NUMBER, NULL,
		    24, 0 } },
	};
	struct gc_change	c = {
		.sheet = "Operaciones", .tag = "MK-1234-A", .row = 2,
		.expected_version = EXP, .writes = writes,
		.nwrites = NELEM(writes), .audits = audits,
		.naudits = GC_AUDITS_MAX, .rows = rows, .nrows = GC_ROWS_MAX,
		.new_version = NV,
	};
	size_t			i;

	(void)state;
	for (i = 0; i < GC_AUDITS_MAX; i++) {
		audit_cells(cells[i], GC_AUDIT_CELLS_MAX, "UNION_ARM");
		audits[i].cells = cells[i];
		audits[i].ncells = GC_AUDIT_CELLS_MAX;
	}
	for (i = 0; i < GC_ROWS_MAX; i++) {
		snprintf(keys[i], sizeof(keys[i]), "MK-1234-A+%02zu", i + 1);
		uw[i][0] = (struct gc_write){ "ARM_FECHA_FIN",
		    { SHEETS_CELL_ENTERED, "03-12-2026 10:15:00", 0, 0 } };
		uw[i][1] = (struct gc_write){ "ARM_WORKER",
		    { SHEETS_CELL_TEXT, "MR(93)", 0, 0 } };
		uw[i][2] = (struct gc_write){ "ARM_NOTA",
		    { SHEETS_CELL_TEXT, keys[i], 0, 0 } };
		rows[i] = (struct gc_row){ "Uniones", "ID", keys[i],
		    (unsigned int)(100 + i), uw[i], 3 };
	}
	/* Compact: the biggest change is far from the limit. */
	assert_true(round_trip(&c, DEADLINE) < GC_WIRE_CHANGE_MAX / 8);
}

static void
test_every_cell_kind(void **state)
{
	struct sheets_cell	cells[] = {
		{ SHEETS_CELL_SKIP, NULL, 0, 0 },
		{ SHEETS_CELL_TEXT, "=SUM(A1)", 0, 0 },
		{ SHEETS_CELL_TEXT, "", 0, 0 },
		{ SHEETS_CELL_TEXT, "\"q\" \\ \n\t ñ € 𝄞 {\"e\":\"x\"}", 0, 0 },
		{ SHEETS_CELL_ENTERED, "03-12-2026", 0, 0 },
		{ SHEETS_CELL_ENTERED, "", 0, 0 },
		{ SHEETS_CELL_NUMBER, NULL, 0, 0 },
		{ SHEETS_CELL_NUMBER, NULL, -0.0, 0 },
		{ SHEETS_CELL_NUMBER, NULL, 3, 0 },
		{ SHEETS_CELL_NUMBER, NULL, -0.1, 0 },
		{ SHEETS_CELL_NUMBER, NULL, 1e300, 0 },
		{ SHEETS_CELL_NUMBER, NULL, DBL_MAX, 0 },
		{ SHEETS_CELL_NUMBER, NULL, DBL_MIN, 0 },
		{ SHEETS_CELL_NUMBER, NULL, 5e-324, 0 },
		{ SHEETS_CELL_NUMBER, NULL, 9007199254740993.0, 0 },
		{ SHEETS_CELL_BOOL, NULL, 0, 1 },
		{ SHEETS_CELL_BOOL, NULL, 0, 0 },
	};
	struct gc_write		writes[NELEM(cells)];
	struct sheets_row	audit = { cells, NELEM(cells) };
	struct gc_change	c = {
		.sheet = "Operaciones", .tag = "MK-1", .row = 3,
		.expected_version = "", .writes = writes,
		.nwrites = NELEM(cells), .audits = &audit, .naudits = 1,
		.new_version = NV,
	};
	char			headers[NELEM(cells)][8];
	size_t			i;

	(void)state;
	for (i = 0; i < NELEM(cells); i++) {
		snprintf(headers[i], sizeof(headers[i]), "H%zu", i);
		writes[i].header = headers[i];
		writes[i].value = cells[i];
	}
	round_trip(&c, DEADLINE);
}

static void
test_outcome_round_trip(void **state)
{
	static const enum gc_status	st[] = { GC_APPLIED, GC_CONFLICT,
					    GC_FAILED, GC_TIMEOUT };
	struct gc_outcome		o, d;
	struct strbuf			b;
	char				err[256];
	size_t				i;

	(void)state;
	for (i = 0; i < NELEM(st); i++) {
		memset(&o, 0, sizeof(o));
		o.status = st[i];
		o.maybe_applied = st[i] == GC_TIMEOUT;
		o.retry_after_ms = st[i] == GC_TIMEOUT ? 1500 : 0;
		strcpy(o.version, NV);
		o.audit_row = st[i] == GC_APPLIED ? 123456 : 0;
		if (st[i] == GC_CONFLICT) {
			strcpy(o.found_version, EXP);
			o.conflict_row = GC_ROWS_MAX;
		}
		if (st[i] != GC_APPLIED)
			snprintf(o.error, sizeof(o.error), "%s: \"ñ\"",
			    gc_status_name(st[i]));
		strbuf_init(&b, 4096);
		assert_int_equal(gc_wire_encode_outcome(&o, &b, err,
		    sizeof(err)), 0);
		if (gc_wire_decode_outcome(b.data, b.len, &d, err,
		    sizeof(err)) == -1)
			fail_msg("decode: %s", err);
		assert_int_equal(d.status, o.status);
		assert_int_equal(d.maybe_applied, o.maybe_applied);
		assert_int_equal(d.retry_after_ms, o.retry_after_ms);
		assert_string_equal(d.version, o.version);
		assert_int_equal(d.audit_row, o.audit_row);
		assert_string_equal(d.found_version, o.found_version);
		assert_string_equal(d.error, o.error);
		assert_int_equal(d.conflict_row, o.conflict_row);
		strbuf_free(&b);
	}
}

/*
 * An outcome's strings always travel: an error snprintf cut inside a
 * character, or a found version of bad bytes, comes out whole characters
 * within the array.
 */
static void
test_outcome_cut_strings(void **state)
{
	struct gc_outcome	o, d;
	struct strbuf		b;
	char			err[256];

	(void)state;
	memset(&o, 0, sizeof(o));
	o.status = GC_FAILED;
	memset(o.error, 'a', sizeof(o.error) - 2);
	o.error[sizeof(o.error) - 2] = '\xc3';		/* half an é */
	memset(o.found_version, 'v', sizeof(o.found_version));	/* no NUL */
	o.found_version[0] = '\xff';
	strbuf_init(&b, 4096);
	assert_int_equal(gc_wire_encode_outcome(&o, &b, err, sizeof(err)), 0);
	assert_int_equal(gc_wire_decode_outcome(b.data, b.len, &d, err,
	    sizeof(err)), 0);
	assert_int_equal(strlen(d.error), sizeof(o.error) - 2);
	assert_int_equal(strspn(d.error, "a"), sizeof(o.error) - 2);
	/* U+FFFD for the bad byte, then as many v as fit. */
	assert_memory_equal(d.found_version, "\xef\xbf\xbdvvv", 6);
	assert_int_equal(strlen(d.found_version), sizeof(d.found_version) - 1);
	assert_string_equal(d.version, "");
	strbuf_free(&b);
}

/* json must not decode as a change, with an error holding want. */
static void
reject_change(const char *json, size_t len, const char *want)
{
	struct gc_wire_change	w;
	char			err[256];

	memset(&w, 0x5a, sizeof(w));
	if (gc_wire_decode_change(json, len, &w, err, sizeof(err)) == 0)
		fail_msg("accepted, wanted \"%s\"", want);
	if (strstr(err, want) == NULL)
		fail_msg("error \"%s\", wanted \"%s\"", err, want);
	/* Left cleared. */
	assert_null(w.store);
	assert_null(w.change.sheet);
	assert_int_equal(w.change.naudits, 0);
	assert_int_equal(w.deadline_unix_ms, 0);
}

/* base_change with from replaced by to must be refused with want. */
static void
reject_subst(const char *from, const char *to, const char *want)
{
	char	*s = subst(base_change, from, to);

	reject_change(s, strlen(s), want);
	free(s);
}

static void
test_base_decodes(void **state)
{
	struct gc_wire_change	w;
	char			err[256];

	(void)state;
	if (gc_wire_decode_change(base_change, strlen(base_change), &w, err,
	    sizeof(err)) == -1)
		fail_msg("%s", err);
	assert_string_equal(w.change.tag, "MK-1");
	assert_int_equal(w.change.audits[0].cells[1].kind,
	    SHEETS_CELL_ENTERED);
	assert_int_equal(w.change.rows[0].writes[0].value.kind,
	    SHEETS_CELL_NUMBER);
	assert_int_equal(w.deadline_unix_ms, 1764770000000ULL);
	gc_wire_change_clear(&w);
}

static void
test_reject_types(void **state)
{
	(void)state;
	reject_subst("\"row\":5", "\"row\":\"5\"", "'row' is not an integer");
	reject_subst("\"row\":5", "\"row\":5.0", "'row' is not an integer");
	reject_subst("\"sheet\":\"Operaciones\"", "\"sheet\":7",
	    "'sheet' is not a string");
	reject_subst("\"expected\":\"\"", "\"expected\":null",
	    "'expected' is not a string");
	reject_subst("\"deadline\":1764770000000", "\"deadline\":-1",
	    "'deadline' out of range");
	reject_subst("\"writes\":[[", "\"writes\":{\"a\":[[",
	    "invalid JSON");
	reject_subst("\"writes\":[[\"Ocupado Por\",\"MR(93)\"]]",
	    "\"writes\":{}", "'writes' is not an array");
	reject_subst("[\"Ocupado Por\",\"MR(93)\"]", "[\"Ocupado Por\"]",
	    "write 0: not [header, cell]");
	reject_subst("[\"Ocupado Por\",\"MR(93)\"]", "[7,\"MR(93)\"]",
	    "write 0: not [header, cell]");
	reject_subst("\"MR(93)\"]", "[\"MR(93)\"]]", "write 0: not a cell");
	reject_subst("{\"e\":\"03-12-2026\"}", "{\"e\":3}",
	    "audit row 0: cell 1: not a cell");
	reject_subst("{\"e\":\"03-12-2026\"}", "{\"t\":\"03-12-2026\"}",
	    "audit row 0: cell 1: not a cell");
	reject_subst("{\"e\":\"03-12-2026\"}",
	    "{\"e\":\"03-12-2026\",\"x\":1}", "cell 1: not a cell");
	reject_subst("[\"N_UNION\",3]", "[\"N_UNION\",1e400]",
	    "not a finite number");
	reject_subst("\"audits\":[[\"x\"", "\"audits\":[\"x\",[\"x\"",
	    "audit row 0: not an array");
	reject_subst("\"rows\":[{", "\"rows\":[7,{", "row 0: not an object");
	reject_subst("\"v\":1", "\"v\":2", "version 2");
	reject_change("[]", 2, "not an object");
	reject_change("\"x\"", 3, "not an object");
}

static void
test_reject_fields(void **state)
{
	(void)state;
	reject_subst("\"tag\":\"MK-1\",", "", "no 'tag'");
	reject_subst("\"v\":1,", "", "no 'v'");
	reject_subst(",\"rows\":[{\"sheet\":\"Uniones\",\"key_header\":"
	    "\"ID\",\"key\":\"U1\",\"row\":9,\"writes\":[[\"N_UNION\",3]]}]",
	    "", "no 'rows'");
	reject_subst("\"key\":\"U1\",", "", "row 0: no 'key'");
	reject_subst("\"v\":1,", "\"v\":1,\"x\":1,", "unknown field");
	reject_subst("\"key\":\"U1\",", "\"key\":\"U1\",\"k\":1,",
	    "row 0: unknown field");
	reject_subst("\"row\":5,", "\"row\":5,\"row\":6,", "'row' twice");
}

static void
test_reject_counts(void **state)
{
	char	*rows, *audits, *cells, *writes, *s;
	char	 unit[160];
	size_t	 i;

	(void)state;
	/* One other row too many (each on its own row number). */
	rows = malloc(64 * 1024);
	assert_non_null(rows);
	strcpy(rows, "\"rows\":[");
	for (i = 0; i < GC_ROWS_MAX + 1; i++) {
		snprintf(unit, sizeof(unit), "%s{\"sheet\":\"Uniones\","
		    "\"key_header\":\"ID\",\"key\":\"U%zu\",\"row\":%zu,"
		    "\"writes\":[]}", i ? "," : "", i, i + 10);
		strcat(rows, unit);
	}
	strcat(rows, "]}");
	s = subst(base_change, strstr(base_change, "\"rows\":"), rows);
	reject_change(s, strlen(s), "more than 24 'rows'");
	free(s);
	free(rows);

	audits = repeat("\"audits\":[", "[\"x\"]", ",", GC_AUDITS_MAX + 1,
	    "]");
	reject_subst("\"audits\":[[\"x\",{\"e\":\"03-12-2026\"}]]", audits,
	    "more than 26 'audits'");
	free(audits);
	reject_subst("\"audits\":[[\"x\",{\"e\":\"03-12-2026\"}]]",
	    "\"audits\":[]", "1 to 26 audit rows");
	reject_subst("[\"x\",{\"e\":\"03-12-2026\"}]", "[]",
	    "audit row 0: not an array of 1 to 26 cells");

	cells = repeat("[", "\"c\"", ",", GC_AUDIT_CELLS_MAX + 1, "]");
	reject_subst("[\"x\",{\"e\":\"03-12-2026\"}]", cells,
	    "audit row 0: not an array of 1 to 26 cells");
	free(cells);

	/* Writes are bounded by the group commit's own check. */
	writes = malloc(32 * 1024);
	assert_non_null(writes);
	strcpy(writes, "\"writes\":[");
	for (i = 0; i < 257; i++) {
		snprintf(unit, sizeof(unit), "%s[\"H%zu\",null]", i ? "," : "",
		    i);
		strcat(writes, unit);
	}
	strcat(writes, "]");
	reject_subst("\"writes\":[[\"Ocupado Por\",\"MR(93)\"]]", writes,
	    "0 to 256 writes");
	free(writes);
}

static void
test_reject_strings(void **state)
{
	char	 big[GC_HEADER_MAX + 64], *s;

	(void)state;
	/* A header of GC_HEADER_MAX bytes does not fit the group commit. */
	snprintf(big, sizeof(big), "[\"%.*s\",\"MR(93)\"]", GC_HEADER_MAX,
	    "hhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh"
	    "hhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh");
	reject_subst("[\"Ocupado Por\",\"MR(93)\"]", big,
	    "write 0: header not UTF-8 or too long");

	s = repeat("\"sheet\":\"", "s", "", A1_SHEET_NAME_SIZE, "\"");
	reject_subst("\"sheet\":\"Operaciones\"", s,
	    "'sheet' longer than 403 bytes");
	free(s);
	s = repeat("\"tag\":\"", "t", "", 257, "\"");
	reject_subst("\"tag\":\"MK-1\"", s, "bad tag");
	free(s);

	/* Not strict UTF-8: a raw surrogate, and an escaped one. */
	reject_subst("\"tag\":\"MK-1\"", "\"tag\":\"MK-\xed\xa0\x80\"",
	    "'tag' is not UTF-8");
	reject_subst("\"MR(93)\"", "\"MR\\udc00\"", "text not UTF-8");
	/* A NUL, raw or escaped, would cut the string short. */
	reject_subst("\"tag\":\"MK-1\"", "\"tag\":\"MK\\u0000-1\"",
	    "a string holds NUL");
	reject_change("{\"v\":1}\0", 8, "NUL byte");
	/* An escaped backslash before u0000 is text, and decodes. */
	s = subst(base_change, "\"MR(93)\"", "\"MR\\\\u0000\"");
	{
		struct gc_wire_change	w;
		char			err[256];

		assert_int_equal(gc_wire_decode_change(s, strlen(s), &w, err,
		    sizeof(err)), 0);
		assert_string_equal(w.change.writes[0].value.text,
		    "MR\\u0000");
		gc_wire_change_clear(&w);
	}
	free(s);
}

static void
test_reject_shape(void **state)
{
	(void)state;
	reject_subst("\"new_version\":\"" NV "\"",
	    "\"new_version\":\"not-a-uuid\"", "new_version is not a uuid4");
	reject_subst("\"new_version\":\"" NV "\"", "\"new_version\":\"\"",
	    "new_version is not a uuid4");
	reject_subst("\"row\":5", "\"row\":1", "row 1 is not a data row");
	reject_subst("\"row\":5", "\"row\":10000001", "'row' out of range");
	reject_subst("\"row\":9", "\"row\":1", "row 0: 1 is not a data row");
	reject_subst("\"sheet\":\"Uniones\",\"key_header\":\"ID\","
	    "\"key\":\"U1\",\"row\":9", "\"sheet\":\"Operaciones\","
	    "\"key_header\":\"ID\",\"key\":\"U1\",\"row\":5",
	    "row 5 of 'Operaciones' is named twice");
	reject_subst("\"sheet\":\"Operaciones\"", "\"sheet\":\"\"",
	    "bad sheet name");
	/* The group commit's own columns are not the change's to write. */
	reject_subst("\"Ocupado Por\"", "\"TAG_SPOOL\"", "not writable");
	reject_subst("\"Ocupado Por\"", "\"version\"", "not writable");
	reject_subst("\"N_UNION\"", "\"ID\"", "not writable");
}

static void
test_reject_framing(void **state)
{
	char	*s, *big;
	size_t	 len = strlen(base_change);

	(void)state;
	reject_change(base_change, len - 10, "invalid JSON");
	reject_change(base_change, 0, "invalid JSON");
	s = subst(base_change, "]}]}", "]}]} x");
	reject_change(s, strlen(s), "invalid JSON");
	free(s);
	s = subst(base_change, "]}]}", "]}]}{}");
	reject_change(s, strlen(s), "invalid JSON");
	free(s);
	s = repeat("", "[", "", 64, "");
	reject_change(s, strlen(s), "nested deeper");
	free(s);

	/* Valid JSON, one byte over the limit (padding in a string). */
	big = malloc(GC_WIRE_CHANGE_MAX + 2);
	assert_non_null(big);
	memset(big, ' ', GC_WIRE_CHANGE_MAX + 1);
	memcpy(big, base_change, len);
	reject_change(big, GC_WIRE_CHANGE_MAX + 1, "262145 bytes, more than");
	/* At the limit, whitespace is fine. */
	{
		struct gc_wire_change	w;
		char			err[256];

		assert_int_equal(gc_wire_decode_change(big,
		    GC_WIRE_CHANGE_MAX, &w, err, sizeof(err)), 0);
		gc_wire_change_clear(&w);
	}
	free(big);
}

static void
test_reject_outcome(void **state)
{
	static const struct {
		const char	*from, *to, *want;
	} t[] = {
		{ "\"status\":\"conflict\"", "\"status\":\"lost\"",
		    "unknown status" },
		{ "\"status\":\"conflict\"", "\"status\":1",
		    "'status' is not a string" },
		{ "\"maybe_applied\":false", "\"maybe_applied\":0",
		    "'maybe_applied' is not a boolean" },
		{ "\"retry_after_ms\":0", "\"retry_after_ms\":-5",
		    "'retry_after_ms' out of range" },
		{ "\"audit_row\":0", "\"audit_row\":\"7\"",
		    "'audit_row' is not an integer" },
		{ "\"conflict_row\":1", "\"conflict_row\":25",
		    "'conflict_row' out of range" },
		{ "\"version\":\"" NV "\"", "\"version\":\"x\"",
		    "version is not a uuid4" },
		{ "\"version\":\"" NV "\"", "\"version\":\"" NV "0\"",
		    "'version' longer than 36 bytes" },
		{ "\"error\":\"row moved\",", "", "no 'error'" },
		{ "\"v\":1,", "\"v\":1,\"v\":1,", "'v' twice" },
		{ "\"v\":1,", "\"v\":1,\"w\":1,", "unknown field" },
		{ "\"error\":\"row moved\"", "\"error\":\"\\udc00\"",
		    "'error' is not UTF-8" },
		{ "\"conflict_row\":1}", "\"conflict_row\":1", "invalid JSON" },
		{ "\"conflict_row\":1}", "\"conflict_row\":1}]",
		    "invalid JSON" },
	};
	struct gc_outcome	o;
	char			err[256], *s;
	size_t			i;

	(void)state;
	assert_int_equal(gc_wire_decode_outcome(base_outcome,
	    strlen(base_outcome), &o, err, sizeof(err)), 0);
	assert_int_equal(o.status, GC_CONFLICT);
	for (i = 0; i < NELEM(t); i++) {
		s = subst(base_outcome, t[i].from, t[i].to);
		memset(&o, 0x5a, sizeof(o));
		if (gc_wire_decode_outcome(s, strlen(s), &o, err,
		    sizeof(err)) == 0)
			fail_msg("accepted, wanted \"%s\"", t[i].want);
		if (strstr(err, t[i].want) == NULL)
			fail_msg("error \"%s\", wanted \"%s\"", err, t[i].want);
		assert_int_equal(o.status, 0);
		assert_string_equal(o.error, "");
		free(s);
	}

	/* A string one byte too long for its array. */
	s = repeat("\"error\":\"", "e", "", GC_ERROR_MAX, "\"");
	{
		char	*t2 = subst(base_outcome, "\"error\":\"row moved\"", s);

		assert_int_equal(gc_wire_decode_outcome(t2, strlen(t2), &o,
		    err, sizeof(err)), -1);
		assert_non_null(strstr(err, "'error' longer than 255 bytes"));
		free(t2);
	}
	free(s);
}

/* c must not encode, with an error holding want, and b left as it was. */
static void
reject_encode(const struct gc_change *c, uint64_t deadline, size_t limit,
    const char *want)
{
	struct strbuf	b;
	char		err[256];

	strbuf_init(&b, limit);
	if (gc_wire_encode_change(c, deadline, &b, err, sizeof(err)) == 0)
		fail_msg("encoded, wanted \"%s\"", want);
	if (strstr(err, want) == NULL)
		fail_msg("error \"%s\", wanted \"%s\"", err, want);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.overflow, 0);
	strbuf_free(&b);
}

static void
test_encode_refuses(void **state)
{
	struct sheets_cell	cell = { SHEETS_CELL_TEXT, "x", 0, 0 };
	struct sheets_row	audit = { &cell, 1 };
	struct gc_write		w = { "Ocupado_Por",
				    { SHEETS_CELL_NUMBER, NULL, 1, 0 } };
	struct gc_change	c = {
		.sheet = "Operaciones", .tag = "MK-1", .row = 3,
		.writes = &w, .nwrites = 1, .audits = &audit, .naudits = 1,
		.new_version = NV,
	};
	struct gc_outcome	o;
	struct strbuf		b;
	char			err[256], *huge;
	size_t			len;

	(void)state;
	w.value.number = NAN;
	reject_encode(&c, 0, 4096, "not a finite number");
	w.value.number = INFINITY;
	reject_encode(&c, 0, 4096, "not a finite number");
	w.value.number = 1;
	c.new_version = NULL;
	reject_encode(&c, 0, 4096, "new_version is not a uuid4");
	c.new_version = NV;
	cell.text = "\xc3";
	reject_encode(&c, 0, 4096, "audit row 0: cell 0: not UTF-8");
	cell.text = "x";
	c.row = 1;
	reject_encode(&c, 0, 4096, "row 1 is not a data row");
	c.row = 3;
	reject_encode(&c, (uint64_t)LLONG_MAX + 1, 4096,
	    "deadline out of range");
	reject_encode(&c, 0, 64, "output buffer full");
	/* Appended after what out holds; exactly filling it is fine. */
	strbuf_init(&b, 4096);
	strbuf_appendf(&b, "c ");
	assert_int_equal(gc_wire_encode_change(&c, 0, &b, err, sizeof(err)),
	    0);
	assert_memory_equal(b.data, "c {\"v\":1,", 9);
	len = b.len;
	strbuf_free(&b);
	strbuf_init(&b, len + 1);
	strbuf_appendf(&b, "c ");
	assert_int_equal(gc_wire_encode_change(&c, 0, &b, err, sizeof(err)),
	    0);
	assert_int_equal(b.len, len);
	strbuf_free(&b);
	strbuf_init(&b, len);
	strbuf_appendf(&b, "c ");
	assert_int_equal(gc_wire_encode_change(&c, 0, &b, err, sizeof(err)),
	    -1);
	assert_int_equal(b.len, 2);
	assert_int_equal(b.overflow, 0);
	strbuf_free(&b);
	/* Two cells of Google's maximum are more than a change may be. */
	huge = malloc(SHEETS_MAX_CELL_BYTES + 1);
	assert_non_null(huge);
	memset(huge, 'z', SHEETS_MAX_CELL_BYTES);
	huge[SHEETS_MAX_CELL_BYTES] = '\0';
	{
		struct gc_write	two[2] = {
			{ "A", { SHEETS_CELL_TEXT, huge, 0, 0 } },
			{ "B", { SHEETS_CELL_ENTERED, huge, 0, 0 } },
		};

		c.writes = two;
		c.nwrites = 2;
		reject_encode(&c, 0, 1024 * 1024, "bytes, more than 262144");
	}
	free(huge);

	memset(&o, 0, sizeof(o));
	o.status = (enum gc_status)7;
	strbuf_init(&b, 4096);
	assert_int_equal(gc_wire_encode_outcome(&o, &b, err, sizeof(err)), -1);
	o.status = GC_APPLIED;
	strcpy(o.version, "not a uuid");
	assert_int_equal(gc_wire_encode_outcome(&o, &b, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "version is not a uuid4"));
	assert_int_equal(b.len, 0);
	strbuf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v3_round_trip),
		cmocka_unit_test(test_v4_finalizar_round_trip),
		cmocka_unit_test(test_every_cell_kind),
		cmocka_unit_test(test_outcome_round_trip),
		cmocka_unit_test(test_outcome_cut_strings),
		cmocka_unit_test(test_base_decodes),
		cmocka_unit_test(test_reject_types),
		cmocka_unit_test(test_reject_fields),
		cmocka_unit_test(test_reject_counts),
		cmocka_unit_test(test_reject_strings),
		cmocka_unit_test(test_reject_shape),
		cmocka_unit_test(test_reject_framing),
		cmocka_unit_test(test_reject_outcome),
		cmocka_unit_test(test_encode_refuses),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
