/*
 * The Metadata log for histories; see metadata_log.h.
 */
#include <stdlib.h>
#include <string.h>

#include "a1.h"
#include "audit.h"
#include "metadata_log.h"
#include "sheet_table.h"
#include "sheets_cache.h"
#include "sheets_codec.h"
#include "strmap.h"

/*
 * The audit row's last column (K): reading past the grid is an error in
 * Sheets, and rows are read open-ended for the same reason.
 */
#define LAST_COLUMN	AUDIT_COLUMNS
#define NO_ROW		((size_t)-1)

/* The column of each cell a history reads, in struct history_event order. */
enum md_field {
	MD_TIMESTAMP,
	MD_EVENTO_TIPO,
	MD_WORKER_ID,
	MD_WORKER_NOMBRE,
	MD_OPERACION,
	MD_ACCION,
	MD_METADATA_JSON,	/* kept only where a history reads it */
	MD_N_UNION,
	MD_FIELDS,
};

static const enum audit_column field_column[MD_FIELDS] = {
	AUDIT_TIMESTAMP, AUDIT_EVENTO_TIPO, AUDIT_WORKER_ID,
	AUDIT_WORKER_NOMBRE, AUDIT_OPERACION, AUDIT_ACCION,
	AUDIT_METADATA_JSON, AUDIT_N_UNION,
};

/* One audit row: its number, its cells in one block, its tag's chain. */
struct md_row {
	unsigned int	 number;
	size_t		 prev_same_tag;		/* index in rows, or NO_ROW */
	char		*cell[MD_FIELDS];	/* into one allocation */
};

struct metadata_log {
	char		 sheet[A1_SHEET_NAME_SIZE];
	uint64_t	 gap_ms;
	char		 header_range[A1_SHEET_NAME_SIZE + 16];
	char		 tail_range[A1_SHEET_NAME_SIZE + 24];

	struct md_row	*rows;			/* in the order read */
	size_t		 nrows;
	size_t		 caprows;
	struct strmap	*by_tag;		/* tag -> newest row index */
	unsigned char	*seen;			/* bit per sheet row number */
	size_t		 seen_bytes;

	unsigned int	 next;			/* first unsettled row */
	unsigned int	 asked_from;		/* next when ranges were made */
	unsigned int	 last_filled;
	unsigned int	 gap_row;		/* empty row being timed */
	uint64_t	 gap_since_ms;
	int		 loaded;
};

struct metadata_log *
metadata_log_new(const char *sheet, uint64_t gap_ms)
{
	struct metadata_log	*ml;
	size_t			 len = strlen(sheet);

	if (len == 0 || len >= A1_SHEET_NAME_SIZE)
		return (NULL);
	if ((ml = calloc(1, sizeof(*ml))) == NULL)
		return (NULL);
	memcpy(ml->sheet, sheet, len + 1);
	ml->gap_ms = gap_ms;
	ml->next = ml->asked_from = 2;
	if ((ml->by_tag = strmap_new(0)) == NULL) {
		free(ml);
		return (NULL);
	}
	return (ml);
}

void
metadata_log_free(struct metadata_log *ml)
{
	size_t	i;

	if (ml == NULL)
		return;
	for (i = 0; i < ml->nrows; i++)
		free(ml->rows[i].cell[0]);
	free(ml->rows);
	free(ml->seen);
	strmap_free(ml->by_tag);
	free(ml);
}

int
metadata_log_ranges(struct metadata_log *ml, const char **header,
    const char **tail)
{
	struct a1_area	hdr = { 1, 1, LAST_COLUMN, 1 };
	struct a1_area	rest = { 1, ml->next, LAST_COLUMN, 0 };

	if (a1_format_range(ml->header_range, sizeof(ml->header_range),
	    ml->sheet, &hdr) == -1 ||
	    a1_format_range(ml->tail_range, sizeof(ml->tail_range), ml->sheet,
	    &rest) == -1)
		return (-1);
	ml->asked_from = ml->next;
	*header = ml->header_range;
	*tail = ml->tail_range;
	return (0);
}

static int
seen_test(const struct metadata_log *ml, unsigned int row)
{
	return (row / 8 < ml->seen_bytes &&
	    (ml->seen[row / 8] & (1u << (row % 8))) != 0);
}

static int
seen_set(struct metadata_log *ml, unsigned int row)
{
	unsigned char	*p;
	size_t		 need = row / 8 + 1, cap;

	if (need > ml->seen_bytes) {
		cap = ml->seen_bytes > 0 ? ml->seen_bytes : 1024;
		while (cap < need)
			cap *= 2;
		if ((p = realloc(ml->seen, cap)) == NULL)
			return (-1);
		memset(p + ml->seen_bytes, 0, cap - ml->seen_bytes);
		ml->seen = p;
		ml->seen_bytes = cap;
	}
	ml->seen[row / 8] |= (unsigned char)(1u << (row % 8));
	return (0);
}

static const char *
row_cell(const struct sheets_value_row *r, long col)
{
	if (col < 0 || (size_t)col >= r->ncells || r->cells[col] == NULL)
		return ("");
	return (r->cells[col]);
}

/* The cell trimmed of spaces and tabs, as sheet_table keys are. */
static const char *
trimmed(const char *s, size_t *len)
{
	s += strspn(s, " \t");
	*len = strlen(s);
	while (*len > 0 && (s[*len - 1] == ' ' || s[*len - 1] == '\t'))
		(*len)--;
	return (s);
}

/*
 * Metadata_JSON is worth its memory only on the rows a history reads it
 * from (history.h): a TOMAR of INICIAR and a FINALIZAR's spool-level row.
 * The rest, most of the log, keep "".
 */
static int
json_wanted(const struct sheets_value_row *r, const long *col)
{
	const char	*ev = row_cell(r, col[MD_EVENTO_TIPO]);
	const char	*u = row_cell(r, col[MD_N_UNION]);

	if (u[strspn(u, " ")] != '\0')
		return (0);
	if (strcmp(ev, "TOMAR_SPOOL") == 0)
		return (strstr(row_cell(r, col[MD_METADATA_JSON]),
		    "v4_operation") != NULL);
	return (strncmp(ev, "UNION_", 6) == 0 ||
	    strcmp(ev, "SPOOL_CANCELADO") == 0);
}

/* Keeps row r (sheet row number) unless it is empty or held already. */
static int
row_take(struct metadata_log *ml, const struct sheets_value_row *r,
    unsigned int number, long tag_col, const long *col)
{
	struct md_row	*row, *grown;
	const char	*tag, *cell;
	size_t		 taglen, len[MD_FIELDS], total = 0, head, cap;
	char		*block;
	int		 k;

	if (seen_test(ml, number))
		return (0);
	tag = trimmed(row_cell(r, tag_col), &taglen);
	if (taglen == 0)
		return (0);	/* empty, or no tag: nothing to index */

	if (ml->nrows == ml->caprows) {
		cap = ml->caprows > 0 ? ml->caprows * 2 : 256;
		if ((grown = reallocarray(ml->rows, cap, sizeof(*grown))) ==
		    NULL)
			return (-1);
		ml->rows = grown;
		ml->caprows = cap;
	}
	for (k = 0; k < MD_FIELDS; k++) {
		len[k] = strlen(row_cell(r, col[k]));
		if (k == MD_METADATA_JSON && !json_wanted(r, col))
			len[k] = 0;
		total += len[k] + 1;
	}
	if ((block = malloc(total)) == NULL)
		return (-1);
	row = &ml->rows[ml->nrows];
	row->number = number;
	for (k = 0; k < MD_FIELDS; k++) {
		cell = row_cell(r, col[k]);
		memcpy(block, cell, len[k]);
		block[len[k]] = '\0';
		row->cell[k] = block;
		block += len[k] + 1;
	}
	row->prev_same_tag = NO_ROW;
	if (strmap_get(ml->by_tag, tag, taglen, &head)) {
		row->prev_same_tag = head;
		(void)strmap_del(ml->by_tag, tag, taglen);
	}
	if (strmap_add(ml->by_tag, tag, taglen, ml->nrows) == -1 ||
	    seen_set(ml, number) == -1) {
		/* Put the chain back as it was; the row is not kept. */
		if (row->prev_same_tag != NO_ROW)
			(void)strmap_add(ml->by_tag, tag, taglen,
			    row->prev_same_tag);
		else
			(void)strmap_del(ml->by_tag, tag, taglen);
		free(row->cell[0]);
		return (-1);
	}
	ml->nrows++;
	if (number > ml->last_filled)
		ml->last_filled = number;
	return (0);
}

/*
 * Moves next past the rows now held, and past an empty row that has
 * stayed empty for gap_ms: its batch failed for good.
 */
static void
next_advance(struct metadata_log *ml, uint64_t now)
{
	while (ml->next <= ml->last_filled) {
		if (seen_test(ml, ml->next)) {
			ml->next++;
			continue;
		}
		if (ml->gap_row != ml->next) {
			ml->gap_row = ml->next;
			ml->gap_since_ms = now;
		}
		if (now - ml->gap_since_ms < ml->gap_ms)
			return;
		ml->next++;
	}
}

int
metadata_log_ingest(struct metadata_log *ml,
    const struct sheets_value_range *header,
    const struct sheets_value_range *tail, uint64_t now_ms)
{
	const struct sheets_value_row	*h;
	char				 norm[64], tag[64], want[MD_FIELDS][64];
	long				 col[MD_FIELDS], tag_col = -1;
	size_t				 i, c;
	int				 k, rc = 0;

	if (header->nrows == 0)
		return (-1);
	h = &header->rows[0];
	(void)sheet_header_normalize(audit_header(AUDIT_TAG_SPOOL), tag,
	    sizeof(tag));
	for (k = 0; k < MD_FIELDS; k++) {
		(void)sheet_header_normalize(audit_header(field_column[k]),
		    want[k], sizeof(want[k]));
		col[k] = -1;
	}
	for (c = 0; c < h->ncells; c++) {
		if (sheet_header_normalize(row_cell(h, (long)c), norm,
		    sizeof(norm)) == -1)
			continue;
		if (tag_col == -1 && strcmp(norm, tag) == 0)
			tag_col = (long)c;
		for (k = 0; k < MD_FIELDS; k++) {
			if (col[k] == -1 && strcmp(norm, want[k]) == 0)
				col[k] = (long)c;
		}
	}
	if (tag_col == -1 || col[MD_TIMESTAMP] == -1)
		return (-1);

	for (i = 0; i < tail->nrows && rc == 0; i++) {
		if (ml->asked_from + i > A1_MAX_ROW)
			break;
		rc = row_take(ml, &tail->rows[i],
		    ml->asked_from + (unsigned int)i, tag_col, col);
	}
	next_advance(ml, now_ms);
	if (rc == 0)
		ml->loaded = 1;
	return (rc);
}

static int
rider_ranges(void *arg, const char **out)
{
	if (metadata_log_ranges(arg, &out[0], &out[1]) == -1)
		return (-1);
	return (2);
}

static void
rider_take(void *arg, const struct sheets_value_range *vr, size_t n,
    uint64_t now_ms)
{
	/* A log that could not take its rows asks for them again. */
	if (n == 2)
		(void)metadata_log_ingest(arg, &vr[0], &vr[1], now_ms);
}

/*
 * Another worker's read (shared read cache): usable when its header is
 * ours and its tail starts at or before ours; the rows before ours are
 * left out, and rows read again are known by their numbers anyway.
 */
static int
rider_adopt(void *arg, const char *const *ranges,
    const struct sheets_value_range *vr, size_t n, uint64_t now_ms)
{
	struct metadata_log		*ml = arg;
	struct sheets_value_range	 tail;
	struct a1_range			 theirs;
	const char			*header, *mine;
	size_t				 skip;

	if (n != 2 || metadata_log_ranges(ml, &header, &mine) == -1 ||
	    strcmp(ranges[0], header) != 0 ||
	    a1_parse_range(ranges[1], &theirs) == -1 || !theirs.has_area ||
	    strcmp(theirs.sheet, ml->sheet) != 0 ||
	    theirs.area.first_row == 0 || theirs.area.first_row > ml->next)
		return (-1);
	skip = ml->next - theirs.area.first_row;
	tail = vr[1];
	tail.rows = skip < vr[1].nrows ? vr[1].rows + skip : NULL;
	tail.nrows = skip < vr[1].nrows ? vr[1].nrows - skip : 0;
	return (metadata_log_ingest(ml, &vr[0], &tail, now_ms) == -1 ? -1 : 0);
}

void
metadata_log_rider(struct metadata_log *ml, struct sheets_cache_rider *out)
{
	out->ranges = rider_ranges;
	out->take = rider_take;
	out->adopt = rider_adopt;
	out->arg = ml;
}

int
metadata_log_loaded(const struct metadata_log *ml)
{
	return (ml->loaded);
}

size_t
metadata_log_rows(const struct metadata_log *ml)
{
	return (ml->nrows);
}

unsigned int
metadata_log_next_row(const struct metadata_log *ml)
{
	return (ml->next);
}

static int
by_number(const void *a, const void *b)
{
	const struct md_row	*x = *(const struct md_row *const *)a;
	const struct md_row	*y = *(const struct md_row *const *)b;

	return (x->number < y->number ? -1 : x->number > y->number);
}

int
metadata_log_history(const struct metadata_log *ml, const char *tag,
    struct history *out)
{
	const struct md_row	**of_tag;
	struct history_event	 *ev;
	size_t			  taglen, idx, n = 0, i;
	int			  rc;

	memset(out, 0, sizeof(*out));
	tag = trimmed(tag, &taglen);
	if (taglen == 0 || !strmap_get(ml->by_tag, tag, taglen, &idx))
		return (0);
	for (i = idx; i != NO_ROW; i = ml->rows[i].prev_same_tag)
		n++;
	if ((of_tag = calloc(n, sizeof(*of_tag))) == NULL)
		return (-1);
	if ((ev = calloc(n, sizeof(*ev))) == NULL) {
		free(of_tag);
		return (-1);
	}
	n = 0;
	for (i = idx; i != NO_ROW; i = ml->rows[i].prev_same_tag)
		of_tag[n++] = &ml->rows[i];
	/* Sheet order, which history_build keeps for equal times. */
	qsort(of_tag, n, sizeof(*of_tag), by_number);
	for (i = 0; i < n; i++) {
		ev[i].timestamp = of_tag[i]->cell[MD_TIMESTAMP];
		ev[i].evento_tipo = of_tag[i]->cell[MD_EVENTO_TIPO];
		ev[i].worker_id = of_tag[i]->cell[MD_WORKER_ID];
		ev[i].worker_nombre = of_tag[i]->cell[MD_WORKER_NOMBRE];
		ev[i].operacion = of_tag[i]->cell[MD_OPERACION];
		ev[i].accion = of_tag[i]->cell[MD_ACCION];
		ev[i].metadata_json = of_tag[i]->cell[MD_METADATA_JSON];
		ev[i].n_union = of_tag[i]->cell[MD_N_UNION];
	}
	rc = history_build(ev, n, out);
	free(ev);
	free(of_tag);
	return (rc);
}
