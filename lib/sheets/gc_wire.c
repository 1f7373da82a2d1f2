/*
 * A group-commit change and its outcome as JSON; see gc_wire.h.
 *
 * A change, version 1 (every key required, no other key, none twice):
 *
 *	{"v":1, "sheet":S, "tag":S, "row":N, "expected":S,
 *	 "new_version":UUID4, "deadline":MS,
 *	 "writes":[[HEADER, CELL], ...],
 *	 "audits":[[CELL, ...], ...],
 *	 "rows":[{"sheet":S, "key_header":S, "key":S, "row":N,
 *	          "writes":[[HEADER, CELL], ...]}, ...]}
 *
 * deadline is in ms since the Unix epoch; expected is "" for none.  A
 * CELL says its kind by its JSON type, so each kind comes back as it
 * went: null is SKIP, a string TEXT, {"e":S} ENTERED, a number NUMBER
 * (finite), true/false BOOL.
 *
 * An outcome, version 1 (the same rules):
 *
 *	{"v":1, "status":"applied"|"conflict"|"failed"|"timeout",
 *	 "maybe_applied":BOOL, "retry_after_ms":N, "version":UUID4 or "",
 *	 "audit_row":N, "found_version":S, "error":S, "conflict_row":N}
 *
 * Every string is strict UTF-8 (utf8.h) without NUL, both ways: what is
 * decoded encodes again to the same change.  A decoded change has passed
 * gc_ticket_check() with the group commit's default key and version
 * columns (no setting changes them), so group_commit_submit() will not
 * refuse it for its shape.  An outcome's strings fit their arrays; one
 * that would not is refused, not cut.  On encoding, an outcome's strings
 * are made to fit instead (they may end in a cut character, having been
 * written with snprintf), since an outcome must always reach its worker.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "a1.h"
#include "gc_wire.h"
#include "group_commit_ticket.h"
#include "json_out.h"
#include "json_tree.h"
#include "nelem.h"
#include "utf8.h"

#define WIRE_VERSION	1
/* Cell texts, the expected version: what a cell may hold. */
#define WIRE_TEXT_MAX	SHEETS_MAX_CELL_BYTES

static const char *const change_keys[] = {
	"v", "sheet", "tag", "row", "expected", "new_version", "deadline",
	"writes", "audits", "rows",
};
static const char *const row_keys[] = {
	"sheet", "key_header", "key", "row", "writes",
};
static const char *const outcome_keys[] = {
	"v", "status", "maybe_applied", "retry_after_ms", "version",
	"audit_row", "found_version", "error", "conflict_row",
};

static const enum gc_status	statuses[] = {
	GC_APPLIED, GC_CONFLICT, GC_FAILED, GC_TIMEOUT,
};

/* Checking ----------------------------------------------------------- */

static int
text_ok(const char *s, size_t max)
{
	size_t	len;

	if (s == NULL)
		return (0);
	len = strlen(s);
	return (len <= max && utf8_valid(s, len));
}

static int
cell_ok(const struct sheets_cell *c)
{
	switch (c->kind) {
	case SHEETS_CELL_SKIP:
	case SHEETS_CELL_BOOL:
		return (1);
	case SHEETS_CELL_TEXT:
	case SHEETS_CELL_ENTERED:
		return (text_ok(c->text, WIRE_TEXT_MAX));
	case SHEETS_CELL_NUMBER:
		return (isfinite(c->number));
	}
	return (0);
}

static int
writes_ok(const struct gc_write *w, size_t n, const char *what, char *err,
    size_t errsz)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (!text_ok(w[i].header, GC_HEADER_MAX - 1) ||
		    !cell_ok(&w[i].value)) {
			snprintf(err, errsz, "change: %swrite %zu: not UTF-8, "
			    "too long or not a finite number", what, i);
			return (-1);
		}
	}
	return (0);
}

/*
 * -1 with err set unless c is a change the group commit accepts and the
 * wire carries exactly: gc_ticket_check() (the one place of the shape
 * rules), then what only the wire needs.
 */
static int
change_ok(const struct gc_change *c, char *err, size_t errsz)
{
	struct group_commit_config	cfg;
	struct gc_ticket_home		home;
	char				what[32];
	size_t				i, k;

	group_commit_config_defaults(&cfg);
	memset(&home, 0, sizeof(home));
	home.key_header = cfg.key_header;
	home.version_header = cfg.version_header;
	if (gc_ticket_check(&home, c, err, errsz) == -1)
		return (-1);
	if (c->new_version == NULL || !uuid4_valid(c->new_version)) {
		snprintf(err, errsz, "change: new_version is not a uuid4");
		return (-1);
	}
	if (!text_ok(c->sheet, A1_SHEET_NAME_SIZE - 1) ||
	    !text_ok(c->tag, WIRE_TEXT_MAX) ||
	    (c->expected_version != NULL &&
	    !text_ok(c->expected_version, WIRE_TEXT_MAX))) {
		snprintf(err, errsz, "change: sheet, tag or expected version "
		    "not UTF-8 or too long");
		return (-1);
	}
	if (writes_ok(c->writes, c->nwrites, "", err, errsz) == -1)
		return (-1);
	for (i = 0; i < c->naudits; i++) {
		for (k = 0; k < c->audits[i].ncells; k++) {
			if (!cell_ok(&c->audits[i].cells[k])) {
				snprintf(err, errsz, "change: audit row %zu: "
				    "cell %zu: not UTF-8, too long or not a "
				    "finite number", i, k);
				return (-1);
			}
		}
	}
	for (i = 0; i < c->nrows; i++) {
		snprintf(what, sizeof(what), "row %zu: ", i);
		if (!text_ok(c->rows[i].sheet, A1_SHEET_NAME_SIZE - 1) ||
		    !text_ok(c->rows[i].key_header, GC_HEADER_MAX - 1) ||
		    !text_ok(c->rows[i].key, WIRE_TEXT_MAX)) {
			snprintf(err, errsz, "change: %ssheet, key column or "
			    "key not UTF-8", what);
			return (-1);
		}
		if (writes_ok(c->rows[i].writes, c->rows[i].nwrites, what,
		    err, errsz) == -1)
			return (-1);
	}
	return (0);
}

/* Encoding ----------------------------------------------------------- */

static void
gen_cell(yajl_gen g, const struct sheets_cell *c)
{
	switch (c->kind) {
	case SHEETS_CELL_SKIP:
		yajl_gen_null(g);
		break;
	case SHEETS_CELL_TEXT:
		json_str(g, c->text);
		break;
	case SHEETS_CELL_ENTERED:
		yajl_gen_map_open(g);
		json_kstr(g, "e", c->text);
		yajl_gen_map_close(g);
		break;
	case SHEETS_CELL_NUMBER:
		yajl_gen_double(g, c->number);
		break;
	case SHEETS_CELL_BOOL:
		yajl_gen_bool(g, c->boolean != 0);
		break;
	}
}

static void
gen_writes(yajl_gen g, const struct gc_write *w, size_t n)
{
	size_t	i;

	json_key(g, "writes");
	yajl_gen_array_open(g);
	for (i = 0; i < n; i++) {
		yajl_gen_array_open(g);
		json_str(g, w[i].header);
		gen_cell(g, &w[i].value);
		yajl_gen_array_close(g);
	}
	yajl_gen_array_close(g);
}

static void
gen_change(yajl_gen g, const struct gc_change *c, uint64_t deadline)
{
	const struct gc_row	*r;
	size_t			 i, k;

	yajl_gen_map_open(g);
	json_kint(g, "v", WIRE_VERSION);
	json_kstr(g, "sheet", c->sheet);
	json_kstr(g, "tag", c->tag);
	json_kint(g, "row", c->row);
	json_kstr(g, "expected", c->expected_version != NULL ?
	    c->expected_version : "");
	json_kstr(g, "new_version", c->new_version);
	json_kint(g, "deadline", (long long)deadline);
	gen_writes(g, c->writes, c->nwrites);
	json_key(g, "audits");
	yajl_gen_array_open(g);
	for (i = 0; i < c->naudits; i++) {
		yajl_gen_array_open(g);
		for (k = 0; k < c->audits[i].ncells; k++)
			gen_cell(g, &c->audits[i].cells[k]);
		yajl_gen_array_close(g);
	}
	yajl_gen_array_close(g);
	json_key(g, "rows");
	yajl_gen_array_open(g);
	for (i = 0; i < c->nrows; i++) {
		r = &c->rows[i];
		yajl_gen_map_open(g);
		json_kstr(g, "sheet", r->sheet);
		json_kstr(g, "key_header", r->key_header);
		json_kstr(g, "key", r->key);
		json_kint(g, "row", r->row);
		gen_writes(g, r->writes, r->nwrites);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
}

/* Appends what g made to out, at most max bytes; -1 with err set. */
static int
gen_finish(yajl_gen g, size_t max, struct strbuf *out, const char *what,
    char *err, size_t errsz)
{
	const unsigned char	*text;
	size_t			 len;

	if (yajl_gen_get_buf(g, &text, &len) != yajl_gen_status_ok ||
	    len == 0) {
		snprintf(err, errsz, "%s: JSON generation failed", what);
		return (-1);
	}
	if (len > max) {
		snprintf(err, errsz, "%s: %zu bytes, more than %zu", what,
		    len, max);
		return (-1);
	}
	/* Checked first, so that a refusal leaves out as it was. */
	if (out->overflow || len + 1 > out->limit - out->len) {
		snprintf(err, errsz, "%s: output buffer full", what);
		return (-1);
	}
	strbuf_appendf(out, "%.*s", (int)len, (const char *)text);
	if (out->overflow) {
		snprintf(err, errsz, "%s: out of memory", what);
		return (-1);
	}
	return (0);
}

int
gc_wire_encode_change(const struct gc_change *c, uint64_t deadline_unix_ms,
    struct strbuf *out, char *err, size_t errsz)
{
	yajl_gen	g;
	int		rc;

	if (change_ok(c, err, errsz) == -1)
		return (-1);
	if (deadline_unix_ms > LLONG_MAX) {
		snprintf(err, errsz, "change: deadline out of range");
		return (-1);
	}
	if ((g = json_out_new()) == NULL) {
		snprintf(err, errsz, "change: out of memory");
		return (-1);
	}
	gen_change(g, c, deadline_unix_ms);
	rc = gen_finish(g, GC_WIRE_CHANGE_MAX, out, "change", err, errsz);
	yajl_gen_free(g);
	return (rc);
}

/*
 * An outcome string as it will decode: cut to its array at a whole
 * character, bad bytes (a cut snprintf left) as U+FFFD.
 */
static void
gen_outcome_str(yajl_gen g, const char *key, const char *s, size_t size)
{
	char	 buf[GC_ERROR_MAX], *clean;
	size_t	 len = strnlen(s, size);

	if ((clean = utf8_sanitize(s, len, NULL)) == NULL) {
		buf[0] = '\0';
	} else {
		(void)utf8_copy(buf, size, clean);
		free(clean);
	}
	json_kstr(g, key, buf);
}

int
gc_wire_encode_outcome(const struct gc_outcome *o, struct strbuf *out,
    char *err, size_t errsz)
{
	yajl_gen	g;
	int		rc;

	if ((size_t)o->status >= NELEM(statuses) ||
	    o->retry_after_ms > LLONG_MAX || o->audit_row > A1_MAX_ROW ||
	    o->conflict_row > GC_ROWS_MAX) {
		snprintf(err, errsz, "outcome: status or number out of range");
		return (-1);
	}
	if (memchr(o->version, '\0', sizeof(o->version)) == NULL ||
	    (o->version[0] != '\0' && !uuid4_valid(o->version))) {
		snprintf(err, errsz, "outcome: version is not a uuid4");
		return (-1);
	}
	if ((g = json_out_new()) == NULL) {
		snprintf(err, errsz, "outcome: out of memory");
		return (-1);
	}
	yajl_gen_map_open(g);
	json_kint(g, "v", WIRE_VERSION);
	json_kstr(g, "status", gc_status_name(o->status));
	json_kbool(g, "maybe_applied", o->maybe_applied);
	json_kint(g, "retry_after_ms", (long long)o->retry_after_ms);
	gen_outcome_str(g, "version", o->version, sizeof(o->version));
	json_kint(g, "audit_row", o->audit_row);
	gen_outcome_str(g, "found_version", o->found_version,
	    sizeof(o->found_version));
	gen_outcome_str(g, "error", o->error, sizeof(o->error));
	json_kint(g, "conflict_row", (long long)o->conflict_row);
	yajl_gen_map_close(g);
	rc = gen_finish(g, GC_WIRE_CHANGE_MAX, out, "outcome", err, errsz);
	yajl_gen_free(g);
	return (rc);
}

/* Decoding ----------------------------------------------------------- */

/*
 * Whether text (valid JSON) escapes a NUL, which yajl_tree would decode
 * into a string cut short: "\u0000" after an even run of backslashes.
 */
static int
escapes_nul(const char *text)
{
	const char	*p = text, *q;

	while ((p = strstr(p, "u0000")) != NULL) {
		for (q = p; q > text && q[-1] == '\\'; q--)
			;
		if ((p - q) % 2 == 1)
			return (1);
		p++;
	}
	return (0);
}

/*
 * The tree of json (len bytes), an object; NULL with err set (what
 * prefixing it) when it is not, or is longer than max.
 */
static yajl_val
parse_object(const char *json, size_t len, size_t max, const char *what,
    char *err, size_t errsz)
{
	yajl_val	 root;
	char		*text, perr[128];

	if (len > max) {
		snprintf(err, errsz, "%s: %zu bytes, more than %zu", what,
		    len, max);
		return (NULL);
	}
	if (json == NULL || memchr(json, '\0', len) != NULL) {
		snprintf(err, errsz, "%s: NUL byte", what);
		return (NULL);
	}
	if ((text = malloc(len + 1)) == NULL) {
		snprintf(err, errsz, "%s: out of memory", what);
		return (NULL);
	}
	memcpy(text, json, len);
	text[len] = '\0';
	if ((root = json_tree_parse(text, len, perr, sizeof(perr))) == NULL) {
		snprintf(err, errsz, "%s: %s", what, perr);
	} else if (escapes_nul(text)) {
		snprintf(err, errsz, "%s: a string holds NUL", what);
		yajl_tree_free(root);
		root = NULL;
	} else if (!YAJL_IS_OBJECT(root)) {
		snprintf(err, errsz, "%s: not an object", what);
		yajl_tree_free(root);
		root = NULL;
	}
	free(text);
	return (root);
}

/*
 * -1 with err set unless obj has each of keys once and nothing else
 * (yajl_tree keeps duplicates; json_tree_get() would take the last).
 */
static int
keys_exact(yajl_val obj, const char *const *keys, size_t nkeys,
    const char *what, char *err, size_t errsz)
{
	unsigned int	seen = 0;
	size_t		i, k;

	for (i = 0; i < obj->u.object.len; i++) {
		for (k = 0; k < nkeys; k++) {
			if (strcmp(obj->u.object.keys[i], keys[k]) == 0)
				break;
		}
		if (k == nkeys) {
			snprintf(err, errsz, "%s: unknown field", what);
			return (-1);
		}
		if (seen & (1u << k)) {
			snprintf(err, errsz, "%s: '%s' twice", what, keys[k]);
			return (-1);
		}
		seen |= 1u << k;
	}
	for (k = 0; k < nkeys; k++) {
		if (!(seen & (1u << k))) {
			snprintf(err, errsz, "%s: no '%s'", what, keys[k]);
			return (-1);
		}
	}
	return (0);
}

/* obj[key], present by keys_exact(), as a string of at most max bytes. */
static const char *
get_str(yajl_val obj, const char *key, size_t max, const char *what,
    char *err, size_t errsz)
{
	const char	*s;

	if ((s = json_tree_string(obj, key)) == NULL) {
		snprintf(err, errsz, "%s: '%s' is not a string", what, key);
		return (NULL);
	}
	if (strlen(s) > max) {
		snprintf(err, errsz, "%s: '%s' longer than %zu bytes", what,
		    key, max);
		return (NULL);
	}
	if (!utf8_valid(s, strlen(s))) {
		snprintf(err, errsz, "%s: '%s' is not UTF-8", what, key);
		return (NULL);
	}
	return (s);
}

/* obj[key] as an integer 0..max into *out; -1 with err set. */
static int
get_uint(yajl_val obj, const char *key, unsigned long long max,
    unsigned long long *out, const char *what, char *err, size_t errsz)
{
	long long	v;

	if (json_tree_integer(obj, key, &v) == -1) {
		snprintf(err, errsz, "%s: '%s' is not an integer", what, key);
		return (-1);
	}
	if (v < 0 || (unsigned long long)v > max) {
		snprintf(err, errsz, "%s: '%s' out of range", what, key);
		return (-1);
	}
	*out = (unsigned long long)v;
	return (0);
}

/* obj[key] as an array of at most max elements; NULL with err set. */
static yajl_val
get_array(yajl_val obj, const char *key, size_t max, const char *what,
    char *err, size_t errsz)
{
	yajl_val	a;

	if ((a = json_tree_get(obj, key, yajl_t_array)) == NULL) {
		snprintf(err, errsz, "%s: '%s' is not an array", what, key);
		return (NULL);
	}
	if (a->u.array.len > max) {
		snprintf(err, errsz, "%s: more than %zu '%s'", what, max, key);
		return (NULL);
	}
	return (a);
}

/* A number's own digits, so that underflow is not refused as overflow. */
static int
number_value(yajl_val v, double *out)
{
	char	*end;

	if (v->u.number.r == NULL)
		return (-1);
	errno = 0;
	*out = strtod(v->u.number.r, &end);
	return (*end == '\0' && isfinite(*out) ? 0 : -1);
}

static int
decode_cell(yajl_val v, struct sheets_cell *c, const char *what, char *err,
    size_t errsz)
{
	memset(c, 0, sizeof(*c));
	if (YAJL_IS_NULL(v)) {
		c->kind = SHEETS_CELL_SKIP;
	} else if (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v)) {
		c->kind = SHEETS_CELL_BOOL;
		c->boolean = YAJL_IS_TRUE(v);
	} else if (YAJL_IS_NUMBER(v)) {
		c->kind = SHEETS_CELL_NUMBER;
		if (number_value(v, &c->number) == -1) {
			snprintf(err, errsz, "%s: not a finite number", what);
			return (-1);
		}
	} else if (YAJL_IS_STRING(v)) {
		c->kind = SHEETS_CELL_TEXT;
		c->text = v->u.string;
	} else if (YAJL_IS_OBJECT(v) && v->u.object.len == 1 &&
	    strcmp(v->u.object.keys[0], "e") == 0 &&
	    YAJL_IS_STRING(v->u.object.values[0])) {
		c->kind = SHEETS_CELL_ENTERED;
		c->text = v->u.object.values[0]->u.string;
	} else {
		snprintf(err, errsz, "%s: not a cell", what);
		return (-1);
	}
	if (c->text != NULL && !text_ok(c->text, WIRE_TEXT_MAX)) {
		snprintf(err, errsz, "%s: text not UTF-8 or too long", what);
		return (-1);
	}
	return (0);
}

/*
 * obj["writes"] into *out (allocated, NULL when empty) and *n, which
 * counts what was allocated even on failure, for clearing.
 */
static int
decode_writes(yajl_val obj, const struct gc_write **out, size_t *n,
    const char *what, char *err, size_t errsz)
{
	struct gc_write	*w;
	yajl_val	 a, e;
	char		 where[96];
	size_t		 i;

	if ((a = get_array(obj, "writes", GC_WIRE_CHANGE_MAX, what, err,
	    errsz)) == NULL)
		return (-1);
	if (a->u.array.len == 0)
		return (0);
	if ((w = calloc(a->u.array.len, sizeof(*w))) == NULL) {
		snprintf(err, errsz, "%s: out of memory", what);
		return (-1);
	}
	*out = w;
	*n = a->u.array.len;
	for (i = 0; i < a->u.array.len; i++) {
		snprintf(where, sizeof(where), "%s: write %zu", what, i);
		e = a->u.array.values[i];
		if (!YAJL_IS_ARRAY(e) || e->u.array.len != 2 ||
		    !YAJL_IS_STRING(e->u.array.values[0])) {
			snprintf(err, errsz, "%s: not [header, cell]", where);
			return (-1);
		}
		w[i].header = e->u.array.values[0]->u.string;
		if (!text_ok(w[i].header, GC_HEADER_MAX - 1)) {
			snprintf(err, errsz, "%s: header not UTF-8 or too "
			    "long", where);
			return (-1);
		}
		if (decode_cell(e->u.array.values[1], &w[i].value, where, err,
		    errsz) == -1)
			return (-1);
	}
	return (0);
}

static int
decode_audits(yajl_val root, struct gc_change *c, char *err, size_t errsz)
{
	struct sheets_row	*rows;
	struct sheets_cell	*cells;
	yajl_val		 a, e;
	char			 where[96];
	size_t			 i, k;

	if ((a = get_array(root, "audits", GC_AUDITS_MAX, "change", err,
	    errsz)) == NULL)
		return (-1);
	if (a->u.array.len == 0) {
		snprintf(err, errsz, "change: 1 to %d audit rows",
		    GC_AUDITS_MAX);
		return (-1);
	}
	if ((rows = calloc(a->u.array.len, sizeof(*rows))) == NULL) {
		snprintf(err, errsz, "change: out of memory");
		return (-1);
	}
	c->audits = rows;
	c->naudits = a->u.array.len;
	for (i = 0; i < a->u.array.len; i++) {
		e = a->u.array.values[i];
		if (!YAJL_IS_ARRAY(e) || e->u.array.len == 0 ||
		    e->u.array.len > GC_AUDIT_CELLS_MAX) {
			snprintf(err, errsz, "change: audit row %zu: not an "
			    "array of 1 to %d cells", i, GC_AUDIT_CELLS_MAX);
			return (-1);
		}
		if ((cells = calloc(e->u.array.len, sizeof(*cells))) == NULL) {
			snprintf(err, errsz, "change: out of memory");
			return (-1);
		}
		rows[i].cells = cells;
		rows[i].ncells = e->u.array.len;
		for (k = 0; k < e->u.array.len; k++) {
			snprintf(where, sizeof(where), "change: audit row %zu: "
			    "cell %zu", i, k);
			if (decode_cell(e->u.array.values[k], &cells[k], where,
			    err, errsz) == -1)
				return (-1);
		}
	}
	return (0);
}

static int
decode_rows(yajl_val root, struct gc_change *c, char *err, size_t errsz)
{
	struct gc_row		*rows;
	yajl_val		 a, e;
	unsigned long long	 n;
	char			 what[48];
	size_t			 i;

	if ((a = get_array(root, "rows", GC_ROWS_MAX, "change", err,
	    errsz)) == NULL)
		return (-1);
	if (a->u.array.len == 0)
		return (0);
	if ((rows = calloc(a->u.array.len, sizeof(*rows))) == NULL) {
		snprintf(err, errsz, "change: out of memory");
		return (-1);
	}
	c->rows = rows;
	c->nrows = a->u.array.len;
	for (i = 0; i < a->u.array.len; i++) {
		snprintf(what, sizeof(what), "change: row %zu", i);
		e = a->u.array.values[i];
		if (!YAJL_IS_OBJECT(e)) {
			snprintf(err, errsz, "%s: not an object", what);
			return (-1);
		}
		if (keys_exact(e, row_keys, NELEM(row_keys), what, err,
		    errsz) == -1 ||
		    (rows[i].sheet = get_str(e, "sheet", A1_SHEET_NAME_SIZE - 1,
		    what, err, errsz)) == NULL ||
		    (rows[i].key_header = get_str(e, "key_header",
		    GC_HEADER_MAX - 1, what, err, errsz)) == NULL ||
		    (rows[i].key = get_str(e, "key", WIRE_TEXT_MAX, what, err,
		    errsz)) == NULL ||
		    get_uint(e, "row", A1_MAX_ROW, &n, what, err,
		    errsz) == -1 ||
		    decode_writes(e, &rows[i].writes, &rows[i].nwrites, what,
		    err, errsz) == -1)
			return (-1);
		rows[i].row = (unsigned int)n;
	}
	return (0);
}

static int
decode_change(yajl_val root, struct gc_wire_change *out, char *err,
    size_t errsz)
{
	struct gc_change	*c = &out->change;
	unsigned long long	 n;

	if (keys_exact(root, change_keys, NELEM(change_keys), "change", err,
	    errsz) == -1)
		return (-1);
	if (get_uint(root, "v", ULLONG_MAX, &n, "change", err,
	    errsz) == -1)
		return (-1);
	if (n != WIRE_VERSION) {
		snprintf(err, errsz, "change: version %llu, not %d", n,
		    WIRE_VERSION);
		return (-1);
	}
	if ((c->sheet = get_str(root, "sheet", A1_SHEET_NAME_SIZE - 1, "change",
	    err, errsz)) == NULL ||
	    (c->tag = get_str(root, "tag", WIRE_TEXT_MAX, "change", err,
	    errsz)) == NULL ||
	    (c->expected_version = get_str(root, "expected", WIRE_TEXT_MAX,
	    "change", err, errsz)) == NULL ||
	    (c->new_version = get_str(root, "new_version", UUID4_STRLEN,
	    "change", err, errsz)) == NULL)
		return (-1);
	if (get_uint(root, "row", A1_MAX_ROW, &n, "change", err, errsz) == -1)
		return (-1);
	c->row = (unsigned int)n;
	if (get_uint(root, "deadline", LLONG_MAX, &n, "change", err,
	    errsz) == -1)
		return (-1);
	out->deadline_unix_ms = n;
	if (decode_writes(root, &c->writes, &c->nwrites, "change", err,
	    errsz) == -1 ||
	    decode_audits(root, c, err, errsz) == -1 ||
	    decode_rows(root, c, err, errsz) == -1)
		return (-1);
	return (change_ok(c, err, errsz));
}

int
gc_wire_decode_change(const char *json, size_t len,
    struct gc_wire_change *out, char *err, size_t errsz)
{
	yajl_val	root;

	memset(out, 0, sizeof(*out));
	if ((root = parse_object(json, len, GC_WIRE_CHANGE_MAX, "change",
	    err, errsz)) == NULL)
		return (-1);
	/* The change's strings are the tree's: it lives as long. */
	out->store = root;
	if (decode_change(root, out, err, errsz) == -1) {
		gc_wire_change_clear(out);
		return (-1);
	}
	return (0);
}

void
gc_wire_change_clear(struct gc_wire_change *w)
{
	struct gc_change	*c = &w->change;
	size_t			 i;

	free((void *)c->writes);
	for (i = 0; i < c->naudits; i++)
		free((void *)c->audits[i].cells);
	free((void *)c->audits);
	for (i = 0; i < c->nrows; i++)
		free((void *)c->rows[i].writes);
	free((void *)c->rows);
	if (w->store != NULL)
		yajl_tree_free(w->store);
	memset(w, 0, sizeof(*w));
}

/* obj[key] copied into dst (size bytes, NUL included); -1 with err set. */
static int
get_outcome_str(yajl_val obj, const char *key, char *dst, size_t size,
    char *err, size_t errsz)
{
	const char	*s;

	if ((s = get_str(obj, key, size - 1, "outcome", err, errsz)) == NULL)
		return (-1);
	memcpy(dst, s, strlen(s) + 1);
	return (0);
}

static int
decode_outcome(yajl_val root, struct gc_outcome *o, char *err, size_t errsz)
{
	const char		*name;
	yajl_val		 b;
	unsigned long long	 n;
	size_t			 i;

	if (keys_exact(root, outcome_keys, NELEM(outcome_keys), "outcome",
	    err, errsz) == -1)
		return (-1);
	if (get_uint(root, "v", ULLONG_MAX, &n, "outcome", err,
	    errsz) == -1)
		return (-1);
	if (n != WIRE_VERSION) {
		snprintf(err, errsz, "outcome: version %llu, not %d", n,
		    WIRE_VERSION);
		return (-1);
	}
	if ((name = get_str(root, "status", 16, "outcome", err,
	    errsz)) == NULL)
		return (-1);
	for (i = 0; i < NELEM(statuses); i++) {
		if (strcmp(name, gc_status_name(statuses[i])) == 0)
			break;
	}
	if (i == NELEM(statuses)) {
		snprintf(err, errsz, "outcome: unknown status");
		return (-1);
	}
	o->status = statuses[i];
	b = json_tree_get(root, "maybe_applied", yajl_t_any);
	if (!YAJL_IS_TRUE(b) && !YAJL_IS_FALSE(b)) {
		snprintf(err, errsz, "outcome: 'maybe_applied' is not a "
		    "boolean");
		return (-1);
	}
	o->maybe_applied = YAJL_IS_TRUE(b);
	if (get_uint(root, "retry_after_ms", LLONG_MAX, &n, "outcome", err,
	    errsz) == -1)
		return (-1);
	o->retry_after_ms = n;
	if (get_uint(root, "audit_row", A1_MAX_ROW, &n, "outcome", err,
	    errsz) == -1)
		return (-1);
	o->audit_row = (unsigned int)n;
	if (get_uint(root, "conflict_row", GC_ROWS_MAX, &n, "outcome", err,
	    errsz) == -1)
		return (-1);
	o->conflict_row = (size_t)n;
	if (get_outcome_str(root, "version", o->version, sizeof(o->version),
	    err, errsz) == -1 ||
	    get_outcome_str(root, "found_version", o->found_version,
	    sizeof(o->found_version), err, errsz) == -1 ||
	    get_outcome_str(root, "error", o->error, sizeof(o->error), err,
	    errsz) == -1)
		return (-1);
	if (o->version[0] != '\0' && !uuid4_valid(o->version)) {
		snprintf(err, errsz, "outcome: version is not a uuid4");
		return (-1);
	}
	return (0);
}

int
gc_wire_decode_outcome(const char *json, size_t len, struct gc_outcome *out,
    char *err, size_t errsz)
{
	yajl_val	root;
	int		rc;

	memset(out, 0, sizeof(*out));
	if ((root = parse_object(json, len, GC_WIRE_CHANGE_MAX, "outcome",
	    err, errsz)) == NULL)
		return (-1);
	if ((rc = decode_outcome(root, out, err, errsz)) == -1)
		memset(out, 0, sizeof(*out));
	yajl_tree_free(root);
	return (rc);
}
