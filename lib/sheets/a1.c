/*
 * A1 notation; see a1.h.
 */
#include <stdio.h>
#include <string.h>

#include "a1.h"

/* "ZZZ" is the last column, so letters never need more than this. */
#define A1_MAX_LETTERS	3

int
a1_column_letters(unsigned int column, char *out, size_t outsz)
{
	char	 tmp[A1_COLUMN_SIZE];
	char	*p;
	size_t	 len;

	if (column == 0 || column > A1_MAX_COLUMN)
		return (-1);

	/* Bijective base 26: there is no zero digit, hence the "- 1". */
	p = tmp + sizeof(tmp);
	*--p = '\0';
	for (; column > 0; column = (column - 1) / 26)
		*--p = (char)('A' + (column - 1) % 26);

	len = (size_t)(tmp + sizeof(tmp) - p);
	if (len > outsz)
		return (-1);
	memcpy(out, p, len);
	return (0);
}

unsigned int
a1_column_index(const char *letters)
{
	unsigned int	column = 0;
	size_t		i;
	char		c;

	for (i = 0; letters[i] != '\0'; i++) {
		if (i == A1_MAX_LETTERS)
			return (0);
		c = letters[i];
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c < 'A' || c > 'Z')
			return (0);
		column = column * 26 + (unsigned int)(c - 'A' + 1);
	}
	/* Three letters reach exactly ZZZ, so no further range check. */
	return (column);
}

int
a1_quote_sheet(const char *sheet, char *out, size_t outsz)
{
	size_t	n = 0;

	if (outsz < 3)
		return (-1);
	out[n++] = '\'';
	for (; *sheet != '\0'; sheet++) {
		/* Room for this byte, its possible double, the quote, NUL. */
		if (outsz - n < (*sheet == '\'' ? 4u : 3u))
			goto fail;
		if (*sheet == '\'')
			out[n++] = '\'';
		out[n++] = *sheet;
	}
	out[n++] = '\'';
	out[n] = '\0';
	return (0);

fail:
	out[0] = '\0';
	return (-1);
}

static int
area_valid(const struct a1_area *a)
{
	int	cols_ok, rows_ok;

	cols_ok = a->first_col >= 1 && a->first_col <= a->last_col &&
	    a->last_col <= A1_MAX_COLUMN;
	rows_ok = a->first_row >= 1 && a->first_row <= a->last_row &&
	    a->last_row <= A1_MAX_ROW;

	if (a->first_col == 0 && a->last_col == 0)
		return (rows_ok);			/* 2:5 */
	if (a->first_row == 0 && a->last_row == 0)
		return (cols_ok);			/* A:C */
	if (a->last_row == 0)				/* A5:C */
		return (cols_ok && a->first_row >= 1 &&
		    a->first_row <= A1_MAX_ROW);
	return (cols_ok && rows_ok);			/* A1:C5 */
}

/* Appends one reference (column letters and/or row) to out at *n. */
static int
append_ref(char *out, size_t outsz, size_t *n, unsigned int col,
    unsigned int row)
{
	char	letters[A1_COLUMN_SIZE];
	int	len;

	letters[0] = '\0';
	if (col != 0 && a1_column_letters(col, letters, sizeof(letters)) == -1)
		return (-1);
	if (row != 0)
		len = snprintf(out + *n, outsz - *n, "%s%u", letters, row);
	else
		len = snprintf(out + *n, outsz - *n, "%s", letters);
	if (len < 0 || (size_t)len >= outsz - *n)
		return (-1);
	*n += (size_t)len;
	return (0);
}

int
a1_format_range(char *out, size_t outsz, const char *sheet,
    const struct a1_area *area)
{
	size_t	n;

	if (area != NULL && !area_valid(area))
		goto fail;
	if (a1_quote_sheet(sheet, out, outsz) == -1)
		goto fail;
	if (area == NULL)
		return (0);

	n = strlen(out);
	if (outsz - n < 2)
		goto fail;
	out[n++] = '!';
	out[n] = '\0';

	if (append_ref(out, outsz, &n, area->first_col, area->first_row) == -1)
		goto fail;
	if (area->first_col == area->last_col &&
	    area->first_row == area->last_row && area->first_col != 0 &&
	    area->first_row != 0)
		return (0);
	if (outsz - n < 2)
		goto fail;
	out[n++] = ':';
	out[n] = '\0';
	if (append_ref(out, outsz, &n, area->last_col, area->last_row) == -1)
		goto fail;
	return (0);

fail:
	if (outsz > 0)
		out[0] = '\0';
	return (-1);
}

/*
 * Parses [letters][digits] from *p, advancing it.  A missing part is 0.
 * Returns -1 when neither part is present or a part is out of range.
 */
static int
parse_ref(const char **p, unsigned int *col, unsigned int *row)
{
	char		 letters[A1_MAX_LETTERS + 1];
	const char	*s = *p;
	size_t		 nletters = 0, ndigits = 0;
	unsigned long	 r = 0;

	while ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z')) {
		if (nletters == A1_MAX_LETTERS)
			return (-1);
		letters[nletters++] = *s++;
	}
	letters[nletters] = '\0';

	while (*s >= '0' && *s <= '9') {
		r = r * 10 + (unsigned long)(*s++ - '0');
		if (r > A1_MAX_ROW)
			return (-1);
		ndigits++;
	}

	if (nletters == 0 && ndigits == 0)
		return (-1);
	if (ndigits > 0 && r == 0)
		return (-1);

	*col = nletters > 0 ? a1_column_index(letters) : 0;
	*row = (unsigned int)r;
	*p = s;
	return (0);
}

/* Parses a whole string as an area; -1 unless all of it is one. */
static int
parse_area(const char *s, struct a1_area *a)
{
	memset(a, 0, sizeof(*a));
	if (parse_ref(&s, &a->first_col, &a->first_row) == -1)
		return (-1);

	if (*s == '\0') {
		/* A lone reference must be a cell: "A" or "5" is a name. */
		if (a->first_col == 0 || a->first_row == 0)
			return (-1);
		a->last_col = a->first_col;
		a->last_row = a->first_row;
		return (0);
	}

	if (*s++ != ':')
		return (-1);
	if (parse_ref(&s, &a->last_col, &a->last_row) == -1 || *s != '\0')
		return (-1);
	/* "A5:7" has no meaning in A1; area_valid() accepts the rest. */
	if (a->first_col != 0 && a->last_col == 0)
		return (-1);
	return (area_valid(a) ? 0 : -1);
}

/* Copies the quoted name starting after the opening quote at *p. */
static int
parse_quoted_sheet(const char **p, char *out, size_t outsz)
{
	const char	*s = *p;
	size_t		 n = 0;

	for (;;) {
		if (*s == '\0')
			return (-1);		/* unterminated */
		if (*s == '\'') {
			if (s[1] == '\'')
				s++;		/* '' is one ' */
			else if (s[1] == '!' || s[1] == '\0')
				break;		/* closing quote */
		}
		if (n + 1 >= outsz)
			return (-1);
		out[n++] = *s++;
	}
	out[n] = '\0';
	*p = s + 1;
	return (n > 0 ? 0 : -1);
}

int
a1_parse_range(const char *text, struct a1_range *out)
{
	const char	*bang;
	size_t		 len;

	memset(out, 0, sizeof(*out));

	if (text[0] == '\'') {
		text++;
		if (parse_quoted_sheet(&text, out->sheet,
		    sizeof(out->sheet)) == -1)
			goto fail;
		if (*text == '\0')
			return (0);
		text++;			/* the '!' */
	} else if ((bang = strchr(text, '!')) != NULL) {
		len = (size_t)(bang - text);
		if (len == 0 || len >= sizeof(out->sheet))
			goto fail;
		memcpy(out->sheet, text, len);
		out->sheet[len] = '\0';
		text = bang + 1;
	} else {
		if (parse_area(text, &out->area) == 0) {
			out->has_area = 1;
			return (0);
		}
		len = strlen(text);
		if (len == 0 || len >= sizeof(out->sheet))
			goto fail;
		memcpy(out->sheet, text, len + 1);
		return (0);
	}

	if (parse_area(text, &out->area) == -1)
		goto fail;
	out->has_area = 1;
	return (0);

fail:
	memset(out, 0, sizeof(*out));
	return (-1);
}
