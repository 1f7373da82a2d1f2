/*
 * Trabajadores as people fill it in: rows split at '\n', cells at '\t',
 * under the header row the server needs, through sheet_table and
 * worker_roster into the /api/workers body.  Cells are strict UTF-8, as
 * the Sheets codec hands them over; the body must then be one complete
 * JSON value and strict UTF-8 whatever the cells hold.
 */
#include <stdint.h>
#include <string.h>

#include <yajl/yajl_gen.h>
#include <yajl/yajl_parse.h>

#include "fuzz_input.h"
#include "json_out.h"
#include "sheet_table.h"
#include "sheets_codec.h"
#include "utf8.h"
#include "worker_roster.h"

#define MAX_ROWS	64
#define MAX_CELLS	8

static const char	*header[] = { "Id", "Nombre", "Apellido", "Rol",
			    "Activo" };

static char *
dup_n(const char *s, size_t n)
{
	char	*d;

	if ((d = malloc(n + 1)) == NULL)
		abort();
	memcpy(d, s, n);
	d[n] = '\0';
	return (d);
}

/* Header row, then the input's rows. */
static void
build_range(const char *s, size_t len, struct sheets_value_range *vr)
{
	struct sheets_value_row	*row;
	const char		*end = s + len, *nl, *tab;
	size_t			 i;

	memset(vr, 0, sizeof(*vr));
	vr->range = dup_n("Trabajadores!A1:E65", 19);
	if ((vr->rows = calloc(MAX_ROWS + 1, sizeof(*vr->rows))) == NULL)
		abort();
	row = &vr->rows[vr->nrows++];
	if ((row->cells = calloc(5, sizeof(char *))) == NULL)
		abort();
	for (i = 0; i < 5; i++)
		row->cells[row->ncells++] = dup_n(header[i],
		    strlen(header[i]));
	while (s < end && vr->nrows <= MAX_ROWS) {
		if ((nl = memchr(s, '\n', (size_t)(end - s))) == NULL)
			nl = end;
		row = &vr->rows[vr->nrows++];
		if ((row->cells = calloc(MAX_CELLS, sizeof(char *))) == NULL)
			abort();
		while (s <= nl && row->ncells < MAX_CELLS) {
			if ((tab = memchr(s, '\t', (size_t)(nl - s))) == NULL)
				tab = nl;
			row->cells[row->ncells++] = dup_n(s,
			    (size_t)(tab - s));
			s = tab + 1;
		}
		s = nl + 1;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct sheets_value_range	 vr;
	struct sheet_table		*t;
	struct worker_roster		*roster;
	yajl_gen			 g;
	yajl_handle			 h;
	const char			*out;
	char				 err[256];
	size_t				 outlen;

	/* No NUL inside a cell: the codec's cells are C strings. */
	if (!utf8_valid((const char *)data, len) ||
	    memchr(data, '\0', len) != NULL)
		return (0);
	build_range((const char *)data, len, &vr);
	if ((t = sheet_table_new(&vr)) == NULL)
		abort();
	sheets_value_range_clear(&vr);
	if ((roster = worker_roster_build(t, NULL, err, sizeof(err))) ==
	    NULL)
		abort();	/* every column is there */
	if ((g = json_out_new()) == NULL)
		abort();
	worker_roster_write_json(roster, g);
	out = json_out_text(g, &outlen);
	if (!utf8_valid(out, outlen))
		abort();
	if ((h = yajl_alloc(NULL, NULL, NULL)) == NULL)
		abort();
	if (yajl_parse(h, (const unsigned char *)out, outlen) !=
	    yajl_status_ok || yajl_complete_parse(h) != yajl_status_ok)
		abort();
	yajl_free(h);
	yajl_gen_free(g);
	worker_roster_free(roster);
	sheet_table_free(t);
	return (0);
}
