/*
 * A1 notation.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "a1.h"

void
a1_col_name(uint32_t col, char *buf, size_t len)
{
	char	tmp[8], *p = tmp + sizeof(tmp) - 1;

	*p = '\0';
	while (col > 0 && p > tmp) {
		*--p = (char)('A' + (col - 1) % 26);
		col = (col - 1) / 26;
	}
	(void)snprintf(buf, len, "%s", p);
}

/*
 * One end of a range: letters then digits, either part optional but not
 * both.  Sets col/row to 0 for the missing part.
 */
static int
parse_endpoint(const char *s, size_t n, uint32_t *col, uint32_t *row)
{
	size_t		i = 0;
	uint64_t	c = 0, r = 0;

	if (n == 0)
		return (-1);
	while (i < n && isalpha((unsigned char)s[i])) {
		c = c * 26 + (uint64_t)(toupper((unsigned char)s[i]) - 'A' + 1);
		if (c > A1_COL_MAX)
			return (-1);
		i++;
	}
	if (i < n && s[i] == '0')
		return (-1);	/* rows start at 1 and have no leading 0 */
	while (i < n && isdigit((unsigned char)s[i])) {
		r = r * 10 + (uint64_t)(s[i] - '0');
		if (r > A1_ROW_MAX)
			return (-1);
		i++;
	}
	if (i != n || (c == 0 && r == 0))
		return (-1);
	*col = (uint32_t)c;
	*row = (uint32_t)r;
	return (0);
}

/* The part after '!', or a whole sheet-less range. */
static int
parse_cells(const char *s, struct a1_range *out)
{
	const char	*colon;
	uint32_t	 c1, r1, c2, r2, t;

	if ((colon = strchr(s, ':')) == NULL) {
		/* A single cell needs both a column and a row. */
		if (parse_endpoint(s, strlen(s), &c1, &r1) == -1 ||
		    c1 == 0 || r1 == 0)
			return (-1);
		out->col1 = out->col2 = c1;
		out->row1 = out->row2 = r1;
		out->given = A1_GIVEN_R1 | A1_GIVEN_C1 | A1_GIVEN_R2 |
		    A1_GIVEN_C2;
		return (0);
	}
	if (strchr(colon + 1, ':') != NULL ||
	    parse_endpoint(s, (size_t)(colon - s), &c1, &r1) == -1 ||
	    parse_endpoint(colon + 1, strlen(colon + 1), &c2, &r2) == -1)
		return (-1);
	out->given = (r1 ? A1_GIVEN_R1 : 0) | (c1 ? A1_GIVEN_C1 : 0) |
	    (r2 ? A1_GIVEN_R2 : 0) | (c2 ? A1_GIVEN_C2 : 0);

	if (c1 != 0 && r1 != 0) {
		/* A1:B2, A5:A (rows open), A1:5 (columns open) */
	} else if (c1 != 0 && r1 == 0) {
		/* A:A, A:B5 */
		if (c2 == 0)
			return (-1);
		r1 = 1;
	} else {
		/* 1:2 */
		if (c2 != 0)
			return (-1);
		c1 = 1;
	}
	if (c2 == 0 && r2 == 0)
		return (-1);

	/* Reversed corners are accepted and normalised. */
	if (c2 != 0 && c2 < c1) {
		t = c1;
		c1 = c2;
		c2 = t;
	}
	if (r2 != 0 && r2 < r1) {
		t = r1;
		r1 = r2;
		r2 = t;
	}
	out->col1 = c1;
	out->row1 = r1;
	out->col2 = c2;
	out->row2 = r2;
	return (0);
}

/*
 * A quoted title starting at s[0] == '\''.  Doubled quotes are one quote;
 * a lone quote not followed by '!' or the end is kept literally, as in
 * Google's own example 'Jon's_Data'!A1:D5.  Returns the index just past
 * the closing quote, or -1.
 */
static int
parse_quoted_title(const char *s, char *title, size_t tlen)
{
	size_t	i = 1, o = 0;

	for (;;) {
		if (s[i] == '\0')
			return (-1);
		if (s[i] == '\'') {
			if (s[i + 1] == '\'') {
				i += 2;
				if (o + 1 >= tlen)
					return (-1);
				title[o++] = '\'';
				continue;
			}
			if (s[i + 1] == '!' || s[i + 1] == '\0')
				break;
		}
		if (o + 1 >= tlen)
			return (-1);
		title[o++] = s[i++];
	}
	if (o == 0)
		return (-1);
	title[o] = '\0';
	return ((int)i + 1);
}

int
a1_parse(const char *text, struct a1_range *out)
{
	const char	*bang;
	size_t		 n;
	int		 end;

	memset(out, 0, sizeof(*out));
	if (text == NULL || text[0] == '\0')
		return (-1);

	if (text[0] == '\'') {
		if ((end = parse_quoted_title(text, out->sheet,
		    sizeof(out->sheet))) == -1)
			return (-1);
		out->has_sheet = 1;
		if (text[end] == '\0') {
			out->whole_sheet = 1;
			out->row1 = out->col1 = 1;
			return (0);
		}
		return (parse_cells(text + end + 1, out));
	}

	if ((bang = strrchr(text, '!')) != NULL) {
		n = (size_t)(bang - text);
		if (n == 0 || n >= sizeof(out->sheet))
			return (-1);
		memcpy(out->sheet, text, n);
		out->sheet[n] = '\0';
		out->has_sheet = 1;
		return (parse_cells(bang + 1, out));
	}

	/* No '!': a cell range on the first sheet, or else a sheet title. */
	if (parse_cells(text, out) == 0)
		return (0);
	if (strlen(text) >= sizeof(out->sheet))
		return (-1);
	memset(out, 0, sizeof(*out));
	(void)snprintf(out->sheet, sizeof(out->sheet), "%s", text);
	out->has_sheet = 1;
	out->whole_sheet = 1;
	out->row1 = out->col1 = 1;
	return (0);
}

/* Letters then digits, as a cell reference or R1C1 reference would be. */
static int
looks_like_reference(const char *s)
{
	size_t	i = 0, letters, digits;

	while (isalpha((unsigned char)s[i]))
		i++;
	letters = i;
	while (isdigit((unsigned char)s[i]))
		i++;
	digits = i - letters;
	if (s[i] == '\0' && letters > 0 && letters <= 3 && digits > 0)
		return (1);
	/* R1C1, R1, C1, RC style */
	i = 0;
	if (toupper((unsigned char)s[i]) == 'R') {
		i++;
		while (isdigit((unsigned char)s[i]))
			i++;
	}
	if (toupper((unsigned char)s[i]) == 'C') {
		i++;
		while (isdigit((unsigned char)s[i]))
			i++;
	}
	return (i > 0 && s[i] == '\0');
}

int
a1_title_needs_quotes(const char *t)
{
	const unsigned char	*p;

	if (t[0] == '\0' || isdigit((unsigned char)t[0]))
		return (1);
	for (p = (const unsigned char *)t; *p != '\0'; p++) {
		if (!isalnum(*p) && *p != '_')
			return (1);
	}
	return (looks_like_reference(t));
}

int
a1_format_title(char *buf, size_t len, const char *title)
{
	size_t	o = 0, i;

	if (len == 0)
		return (-1);
	if (!a1_title_needs_quotes(title)) {
		if (strlen(title) >= len)
			return (-1);
		return (snprintf(buf, len, "%s", title));
	}
	if (o + 1 >= len)
		return (-1);
	buf[o++] = '\'';
	for (i = 0; title[i] != '\0'; i++) {
		if (o + 3 >= len)
			return (-1);
		if (title[i] == '\'')
			buf[o++] = '\'';
		buf[o++] = title[i];
	}
	buf[o++] = '\'';
	buf[o] = '\0';
	return ((int)o);
}

/* One end of a range; either part may be left out. */
static void
format_end(char *buf, size_t len, uint32_t col, int col_given, uint32_t row,
    int row_given)
{
	char	letters[8] = "";

	if (col_given)
		a1_col_name(col, letters, sizeof(letters));
	if (row_given)
		(void)snprintf(buf, len, "%s%u", letters, row);
	else
		(void)snprintf(buf, len, "%s", letters);
}

int
a1_format_request(char *buf, size_t len, const char *title,
    const struct a1_range *a)
{
	struct grid_rect	g;
	char			e1[24], e2[24];
	int			n, m;

	if (a->whole_sheet)
		return (a1_format_title(buf, len, title));
	if (a->given == (A1_GIVEN_R1 | A1_GIVEN_C1 | A1_GIVEN_R2 |
	    A1_GIVEN_C2)) {
		g.r1 = a->row1;
		g.c1 = a->col1;
		g.r2 = a->row2;
		g.c2 = a->col2;
		return (a1_format(buf, len, title, &g));
	}
	if ((n = a1_format_title(buf, len, title)) == -1)
		return (-1);
	format_end(e1, sizeof(e1), a->col1, a->given & A1_GIVEN_C1, a->row1,
	    a->given & A1_GIVEN_R1);
	format_end(e2, sizeof(e2), a->col2, a->given & A1_GIVEN_C2, a->row2,
	    a->given & A1_GIVEN_R2);
	m = snprintf(buf + n, len - (size_t)n, "!%s:%s", e1, e2);
	if (m < 0 || (size_t)m >= len - (size_t)n)
		return (-1);
	return (n + m);
}

int
a1_format(char *buf, size_t len, const char *title, const struct grid_rect *r)
{
	char	c1[8], c2[8];
	int	n, m;

	if ((n = a1_format_title(buf, len, title)) == -1)
		return (-1);
	a1_col_name(r->c1, c1, sizeof(c1));
	a1_col_name(r->c2, c2, sizeof(c2));
	if (r->r1 == r->r2 && r->c1 == r->c2)
		m = snprintf(buf + n, len - (size_t)n, "!%s%u", c1, r->r1);
	else
		m = snprintf(buf + n, len - (size_t)n, "!%s%u:%s%u",
		    c1, r->r1, c2, r->r2);
	if (m < 0 || (size_t)m >= len - (size_t)n)
		return (-1);
	return (n + m);
}
