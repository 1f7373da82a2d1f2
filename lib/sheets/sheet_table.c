/*
 * In-memory sheet with header lookup and a key index; see sheet_table.h.
 */
#include <stdlib.h>
#include <string.h>

#include "a1.h"
#include "sheet_table.h"
#include "sheets_codec.h"
#include "strmap.h"

struct sheet_table {
	struct sheets_value_row	*rows;		/* rows[0] is the header */
	size_t			 nrows;
	unsigned int		 header_row;	/* sheet row of rows[0] */
	struct strmap		*headers;	/* normalized -> column */
	size_t			 dup_headers;
	struct strmap		*keys;		/* key -> data row */
	size_t			 dup_keys;
	long			 first_dup;
	struct strmap		*groups;	/* group key -> first row */
	long			*group_next;	/* per data row, or -1 */
};

/*
 * Base letters of U+00C0..U+00FF (UTF-8 0xC3 0x80..0xBF); '.' keeps the
 * character as it is: Æ Ð × Þ ß æ ð ÷ þ have no single base letter.
 */
static const char	latin1_fold[64] =
    "aaaaaa.ceeeeiiii.nooooo.ouuuuy.."
    "aaaaaa.ceeeeiiii.nooooo.ouuuuy.y";

int
sheet_header_normalize(const char *in, char *out, size_t outsz)
{
	const unsigned char	*p = (const unsigned char *)in;
	size_t			 n = 0;
	char			 c;

	while (*p != '\0') {
		if (*p == ' ' || *p == '_' || *p == '\t' || *p == '\r' ||
		    *p == '\n') {
			p++;
			continue;
		}
		if (p[0] == 0xc2 && p[1] == 0xa0) {		/* U+00A0 */
			p += 2;
			continue;
		}
		if ((p[0] == 0xcc && p[1] >= 0x80 && p[1] <= 0xbf) ||
		    (p[0] == 0xcd && p[1] >= 0x80 && p[1] <= 0xaf)) {
			p += 2;					/* U+0300.. */
			continue;
		}
		if (n + 1 >= outsz)
			goto fail;
		if (p[0] == 0xc3 && p[1] >= 0x80 && p[1] <= 0xbf &&
		    latin1_fold[p[1] - 0x80] != '.') {
			out[n++] = latin1_fold[p[1] - 0x80];
			p += 2;
			continue;
		}
		c = (char)*p++;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		out[n++] = c;
	}
	if (n >= outsz)
		goto fail;
	out[n] = '\0';
	return (0);

fail:
	if (outsz > 0)
		out[0] = '\0';
	return (-1);
}

/* Adds every header cell to t->headers; the first of a name wins. */
static int
index_headers(struct sheet_table *t)
{
	const struct sheets_value_row	*hdr;
	char				*norm;
	size_t				 c, len;
	int				 rc;

	if ((t->headers = strmap_new(t->nrows > 0 ?
	    t->rows[0].ncells : 0)) == NULL)
		return (-1);
	if (t->nrows == 0)
		return (0);
	hdr = &t->rows[0];
	for (c = 0; c < hdr->ncells; c++) {
		len = strlen(hdr->cells[c]);
		if ((norm = malloc(len + 1)) == NULL)
			return (-1);
		(void)sheet_header_normalize(hdr->cells[c], norm, len + 1);
		rc = norm[0] == '\0' ? 0 :
		    strmap_add(t->headers, norm, strlen(norm), c);
		free(norm);
		if (rc == -1)
			return (-1);
		if (rc == 1)
			t->dup_headers++;
	}
	return (0);
}

struct sheet_table *
sheet_table_new(struct sheets_value_range *vr)
{
	struct sheet_table	*t;
	struct a1_range		 r;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return (NULL);
	t->header_row = 1;
	if (vr->range != NULL && a1_parse_range(vr->range, &r) == 0 &&
	    r.has_area && r.area.first_row > 0)
		t->header_row = r.area.first_row;
	t->first_dup = -1;
	t->rows = vr->rows;
	t->nrows = vr->nrows;
	if (index_headers(t) == -1) {
		/* vr still owns the rows: nothing was taken yet. */
		strmap_free(t->headers);
		free(t);
		return (NULL);
	}

	free(vr->range);
	memset(vr, 0, sizeof(*vr));
	return (t);
}

void
sheet_table_free(struct sheet_table *t)
{
	struct sheets_value_range	vr;

	if (t == NULL)
		return;
	memset(&vr, 0, sizeof(vr));
	vr.rows = t->rows;
	vr.nrows = t->nrows;
	sheets_value_range_clear(&vr);
	strmap_free(t->headers);
	strmap_free(t->keys);
	strmap_free(t->groups);
	free(t->group_next);
	free(t);
}

size_t
sheet_table_rows(const struct sheet_table *t)
{
	return (t->nrows > 0 ? t->nrows - 1 : 0);
}

unsigned int
sheet_table_row_number(const struct sheet_table *t, size_t i)
{
	return (t->header_row + 1 + (unsigned int)i);
}

size_t
sheet_table_columns(const struct sheet_table *t)
{
	return (t->nrows > 0 ? t->rows[0].ncells : 0);
}

long
sheet_table_column(const struct sheet_table *t, const char *header)
{
	char	*norm;
	size_t	 len, col;
	int	 found;

	len = strlen(header);
	if ((norm = malloc(len + 1)) == NULL)
		return (-1);
	(void)sheet_header_normalize(header, norm, len + 1);
	found = norm[0] != '\0' &&
	    strmap_get(t->headers, norm, strlen(norm), &col);
	free(norm);
	return (found ? (long)col : -1);
}

size_t
sheet_table_duplicate_headers(const struct sheet_table *t)
{
	return (t->dup_headers);
}

const char *
sheet_table_cell(const struct sheet_table *t, size_t i, long col)
{
	const struct sheets_value_row	*row;

	if (col < 0 || i >= sheet_table_rows(t))
		return ("");
	row = &t->rows[i + 1];
	if ((size_t)col >= row->ncells)
		return ("");
	return (row->cells[col]);
}

/* Points *start at s without surrounding spaces; returns the length. */
static size_t
trim(const char *s, const char **start)
{
	size_t	len;

	while (*s == ' ' || *s == '\t')
		s++;
	len = strlen(s);
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	*start = s;
	return (len);
}

int
sheet_table_index(struct sheet_table *t, const char *key_header)
{
	const char	*key;
	size_t		 i, len;
	long		 col;
	int		 rc;

	if ((col = sheet_table_column(t, key_header)) == -1)
		return (-1);
	strmap_free(t->keys);
	t->dup_keys = 0;
	t->first_dup = -1;
	if ((t->keys = strmap_new(sheet_table_rows(t))) == NULL)
		return (-1);

	for (i = 0; i < sheet_table_rows(t); i++) {
		len = trim(sheet_table_cell(t, i, col), &key);
		if (len == 0)
			continue;
		if ((rc = strmap_add(t->keys, key, len, i)) == -1) {
			strmap_free(t->keys);
			t->keys = NULL;
			return (-1);
		}
		if (rc == 1) {
			if (t->dup_keys++ == 0)
				t->first_dup = (long)i;
		}
	}
	return (0);
}

long
sheet_table_find(const struct sheet_table *t, const char *key)
{
	const char	*k;
	size_t		 len, row;

	if (t->keys == NULL)
		return (-1);
	len = trim(key, &k);
	if (len == 0 || !strmap_get(t->keys, k, len, &row))
		return (-1);
	return ((long)row);
}

int
sheet_key_matches(const char *cell, const char *key)
{
	const char	*c;
	size_t		 len = trim(cell, &c);

	return (len == strlen(key) && strncmp(c, key, len) == 0);
}

size_t
sheet_table_duplicate_keys(const struct sheet_table *t)
{
	return (t->dup_keys);
}

long
sheet_table_first_duplicate(const struct sheet_table *t)
{
	return (t->first_dup);
}

int
sheet_table_group(struct sheet_table *t, const char *header)
{
	struct strmap	*m;
	const char	*key;
	long		*next, *last, col;
	size_t		 i, len, first;
	int		 rc;

	if ((col = sheet_table_column(t, header)) == -1)
		return (-1);
	if ((m = strmap_new(sheet_table_rows(t))) == NULL)
		return (-1);
	next = calloc(sheet_table_rows(t) + 1, sizeof(*next));
	/* The last row of each chain so far, to append in sheet order. */
	last = calloc(sheet_table_rows(t) + 1, sizeof(*last));
	if (next == NULL || last == NULL)
		goto fail;
	for (i = 0; i < sheet_table_rows(t); i++) {
		next[i] = -1;
		len = trim(sheet_table_cell(t, i, col), &key);
		if (len == 0)
			continue;
		if ((rc = strmap_add(m, key, len, i)) == -1)
			goto fail;
		if (rc == 0) {
			last[i] = (long)i;
			continue;
		}
		(void)strmap_get(m, key, len, &first);
		next[last[first]] = (long)i;
		last[first] = (long)i;
	}
	free(last);
	strmap_free(t->groups);
	free(t->group_next);
	t->groups = m;
	t->group_next = next;
	return (0);

fail:
	free(next);
	free(last);
	strmap_free(m);
	return (-1);
}

int
sheet_table_has_group(const struct sheet_table *t)
{
	return (t->groups != NULL);
}

long
sheet_table_group_first(const struct sheet_table *t, const char *key)
{
	const char	*k;
	size_t		 len, row;

	if (t->groups == NULL)
		return (-1);
	len = trim(key, &k);
	if (len == 0 || !strmap_get(t->groups, k, len, &row))
		return (-1);
	return ((long)row);
}

long
sheet_table_group_next(const struct sheet_table *t, size_t i)
{
	if (t->group_next == NULL || i >= sheet_table_rows(t))
		return (-1);
	return (t->group_next[i]);
}
