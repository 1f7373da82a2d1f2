/*
 * lib/sheets/gc_wire.c: every input is decoded both as a change and as an
 * outcome, as the bytes come back from Redis (no NUL after them).  What
 * decodes is encoded again and must decode to the same thing: the wire
 * loses nothing of what it accepts.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_input.h"
#include "gc_wire.h"

static int
same_str(const char *a, const char *b)
{
	return (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static int
same_cell(const struct sheets_cell *a, const struct sheets_cell *b)
{
	if (a->kind != b->kind)
		return (0);
	switch (a->kind) {
	case SHEETS_CELL_TEXT:
	case SHEETS_CELL_ENTERED:
		return (same_str(a->text, b->text));
	case SHEETS_CELL_NUMBER:
		return (a->number == b->number &&
		    signbit(a->number) == signbit(b->number));
	case SHEETS_CELL_BOOL:
		return ((a->boolean != 0) == (b->boolean != 0));
	case SHEETS_CELL_SKIP:
		return (1);
	}
	return (0);
}

static int
same_writes(const struct gc_write *a, size_t na, const struct gc_write *b,
    size_t nb)
{
	size_t	i;

	if (na != nb)
		return (0);
	for (i = 0; i < na; i++) {
		if (!same_str(a[i].header, b[i].header) ||
		    !same_cell(&a[i].value, &b[i].value))
			return (0);
	}
	return (1);
}

static int
same_change(const struct gc_change *a, const struct gc_change *b)
{
	size_t	i, k;

	if (!same_str(a->sheet, b->sheet) || !same_str(a->tag, b->tag) ||
	    a->row != b->row ||
	    !same_str(a->expected_version, b->expected_version) ||
	    !same_str(a->new_version, b->new_version) ||
	    !same_writes(a->writes, a->nwrites, b->writes, b->nwrites) ||
	    a->naudits != b->naudits || a->nrows != b->nrows)
		return (0);
	for (i = 0; i < a->naudits; i++) {
		if (a->audits[i].ncells != b->audits[i].ncells)
			return (0);
		for (k = 0; k < a->audits[i].ncells; k++) {
			if (!same_cell(&a->audits[i].cells[k],
			    &b->audits[i].cells[k]))
				return (0);
		}
	}
	for (i = 0; i < a->nrows; i++) {
		if (!same_str(a->rows[i].sheet, b->rows[i].sheet) ||
		    !same_str(a->rows[i].key_header, b->rows[i].key_header) ||
		    !same_str(a->rows[i].key, b->rows[i].key) ||
		    a->rows[i].row != b->rows[i].row ||
		    !same_writes(a->rows[i].writes, a->rows[i].nwrites,
		    b->rows[i].writes, b->rows[i].nwrites))
			return (0);
	}
	return (1);
}

static void
change_round_trip(const char *json, size_t len)
{
	struct gc_wire_change	 a, b;
	struct strbuf		 buf;
	char			 err[256];

	if (gc_wire_decode_change(json, len, &a, err, sizeof(err)) == -1) {
		if (a.store != NULL || a.change.sheet != NULL)
			abort();	/* a failure leaves it cleared */
		return;
	}
	strbuf_init(&buf, GC_WIRE_CHANGE_MAX + 1);
	if (gc_wire_encode_change(&a.change, a.deadline_unix_ms, &buf, err,
	    sizeof(err)) == -1)
		abort();
	if (gc_wire_decode_change(buf.data, buf.len, &b, err,
	    sizeof(err)) == -1)
		abort();
	if (!same_change(&a.change, &b.change) ||
	    a.deadline_unix_ms != b.deadline_unix_ms)
		abort();
	gc_wire_change_clear(&b);
	gc_wire_change_clear(&a);
	strbuf_free(&buf);
}

static void
outcome_round_trip(const char *json, size_t len)
{
	struct gc_outcome	a, b;
	struct strbuf		buf;
	char			err[256];

	if (gc_wire_decode_outcome(json, len, &a, err, sizeof(err)) == -1)
		return;
	strbuf_init(&buf, 4096);
	if (gc_wire_encode_outcome(&a, &buf, err, sizeof(err)) == -1)
		abort();
	if (gc_wire_decode_outcome(buf.data, buf.len, &b, err,
	    sizeof(err)) == -1)
		abort();
	if (a.status != b.status || a.maybe_applied != b.maybe_applied ||
	    a.retry_after_ms != b.retry_after_ms ||
	    strcmp(a.version, b.version) != 0 || a.audit_row != b.audit_row ||
	    strcmp(a.found_version, b.found_version) != 0 ||
	    strcmp(a.error, b.error) != 0 || a.conflict_row != b.conflict_row)
		abort();
	strbuf_free(&buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char	*json;

	/* Exactly len bytes: a read past them is caught. */
	if ((json = malloc(len ? len : 1)) == NULL)
		abort();
	memcpy(json, data, len);
	change_round_trip(json, len);
	outcome_round_trip(json, len);
	free(json);
	return (0);
}
