/*
 * Parsing the cells of a Uniones row; see union_cells.h.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "nelem.h"
#include "union_cells.h"

static const struct {
	const char	*name;
	enum union_tipo	 tipo;
} tipos[] = {
	{ "BW", UNION_TIPO_BW },
	{ "BR", UNION_TIPO_BR },
	{ "SO", UNION_TIPO_SO },
	{ "FILL", UNION_TIPO_FILL },
	{ "LET", UNION_TIPO_LET },
	{ "FW", UNION_TIPO_FW },
};

/* s without surrounding spaces and tabs: *start, and the length. */
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

/*
 * A decimal of digits, one optional "." or "," and digits after it, in
 * thousandths (more decimals are rounded half up).  -1 when it is not
 * one or passes max_units whole units.
 */
static long
decimal_parse(const char *cell, long max_units)
{
	const char	*s;
	size_t		 len, k;
	long		 units = 0, frac = 0, scale = 100;
	int		 digits = 0, point = 0, round_up = 0, seen_round = 0;

	len = trim(cell, &s);
	for (k = 0; k < len; k++) {
		if ((s[k] == '.' || s[k] == ',') && !point) {
			point = 1;
			continue;
		}
		if (s[k] < '0' || s[k] > '9')
			return (-1);
		digits++;
		if (!point) {
			units = units * 10 + (s[k] - '0');
			if (units > max_units)
				return (-1);
		} else if (scale > 0) {
			frac += (s[k] - '0') * scale;
			scale /= 10;
		} else if (!seen_round) {
			round_up = s[k] >= '5';
			seen_round = 1;
		}
	}
	if (digits == 0)
		return (-1);
	return (units * 1000 + frac + round_up);
}

long
union_dn_parse(const char *cell)
{
	long	v = decimal_parse(cell, (long)UNION_DN_MAX);

	if (v <= 0 || v > (long)(UNION_DN_MAX * 1000))
		return (-1);
	return (v);
}

int
union_n_parse(const char *cell)
{
	long	v = decimal_parse(cell, UNION_N_MAX);

	if (v < 1000 || v % 1000 != 0 || v / 1000 > UNION_N_MAX)
		return (-1);
	return ((int)(v / 1000));
}

long
union_total_parse(const char *cell)
{
	long	v = decimal_parse(cell, UNION_TOTAL_MAX);

	if (v < 0 || v % 1000 != 0 || v / 1000 > UNION_TOTAL_MAX)
		return (-1);
	return (v / 1000);
}

enum union_tipo
union_tipo_parse(const char *cell)
{
	const char	*s;
	size_t		 len, k;

	len = trim(cell, &s);
	for (k = 0; k < NELEM(tipos); k++) {
		if (strlen(tipos[k].name) == len &&
		    strncasecmp(s, tipos[k].name, len) == 0)
			return (tipos[k].tipo);
	}
	return (UNION_TIPO_OTRO);
}

int
union_tipo_sold(enum union_tipo t)
{
	return (t == UNION_TIPO_BW || t == UNION_TIPO_BR ||
	    t == UNION_TIPO_SO || t == UNION_TIPO_FILL || t == UNION_TIPO_LET);
}

void
union_number_format(long thousandths, int decimals, char *buf)
{
	long	v = thousandths < 0 ? -thousandths : thousandths;
	long	frac;
	int	n;

	if (decimals < 0)
		decimals = 0;
	if (decimals == 0)
		v = (v + 500) / 1000 * 1000;
	else if (decimals == 1)
		v = (v + 50) / 100 * 100;
	else if (decimals == 2)
		v = (v + 5) / 10 * 10;
	frac = v % 1000;
	n = snprintf(buf, UNION_NUMBER_MAX, "%s%ld", thousandths < 0 &&
	    v != 0 ? "-" : "", v / 1000);
	if (frac == 0 || n < 0)
		return;
	/* Three places, then the trailing zeros dropped. */
	snprintf(buf + n, UNION_NUMBER_MAX - (size_t)n, ".%03ld", frac);
	n = (int)strlen(buf);
	while (buf[n - 1] == '0')
		buf[--n] = '\0';
}
