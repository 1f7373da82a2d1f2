/*
 * Worker labels, roles and the Activo column; see worker_identity.h.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "nelem.h"
#include "sheet_table.h"
#include "utf8.h"
#include "worker_identity.h"

/* Accents kept after an initial; more is noise, and bounded output. */
#define INITIAL_MARKS_MAX	2
/* Longest role or Activo word worth normalizing. */
#define WORD_MAX		32

static const char *const op_names[OPERACION_COUNT] = {
	[OPERACION_ARM] = "ARM",
	[OPERACION_SOLD] = "SOLD",
	[OPERACION_METROLOGIA] = "METROLOGIA",
	[OPERACION_REPARACION] = "REPARACION",
};

/* Normalized spelling (sheet_header_normalize) -> role, by bit index. */
static const struct {
	const char	*norm;
	const char	*name;
} roles_known[WORKER_ROLE_COUNT] = {
	{ "armador", "Armador" },
	{ "soldador", "Soldador" },
	{ "ayudante", "Ayudante" },
	{ "metrologia", "Metrologia" },
};

const char *
operacion_name(enum operacion op)
{
	return ((unsigned int)op < OPERACION_COUNT ? op_names[op] : "");
}

int
operacion_parse(const char *s, enum operacion *out)
{
	unsigned int	i;

	for (i = 0; i < OPERACION_COUNT; i++) {
		if (strcmp(s, op_names[i]) == 0) {
			*out = (enum operacion)i;
			return (0);
		}
	}
	return (-1);
}

/* s normalized like a header into out; -1 when too long to be a word. */
static int
normalize_word(const char *s, char out[WORD_MAX])
{
	return (sheet_header_normalize(s, out, WORD_MAX));
}

unsigned int
worker_role_parse(const char *name)
{
	char		norm[WORD_MAX];
	unsigned int	i;

	if (normalize_word(name, norm) == -1)
		return (0);
	for (i = 0; i < WORKER_ROLE_COUNT; i++) {
		if (strcmp(norm, roles_known[i].norm) == 0)
			return (1u << i);
	}
	return (0);
}

const char *
worker_role_name(unsigned int index)
{
	return (index < WORKER_ROLE_COUNT ? roles_known[index].name : "");
}

int
worker_role_allows(unsigned int roles, enum operacion op)
{
	switch (op) {
	case OPERACION_ARM:
		return ((roles & (WORKER_ROLE_ARMADOR |
		    WORKER_ROLE_AYUDANTE)) != 0);
	case OPERACION_SOLD:
		return ((roles & (WORKER_ROLE_SOLDADOR |
		    WORKER_ROLE_AYUDANTE)) != 0);
	case OPERACION_METROLOGIA:
		return ((roles & WORKER_ROLE_METROLOGIA) != 0);
	case OPERACION_REPARACION:
		return (1);
	default:
		return (0);
	}
}

const char *
worker_roles_required(enum operacion op)
{
	switch (op) {
	case OPERACION_ARM:
		return ("Armador o Ayudante");
	case OPERACION_SOLD:
		return ("Soldador o Ayudante");
	case OPERACION_METROLOGIA:
		return ("Metrologia");
	default:
		return ("trabajador activo");
	}
}

int
worker_activo_parse(const char *cell)
{
	static const char *const yes[] = {
		"true", "verdadero", "1", "si", "yes", "activo"
	};
	static const char *const no[] = {
		"false", "falso", "0", "no", "inactivo"
	};
	char	norm[WORD_MAX];
	size_t	i;

	if (normalize_word(cell, norm) == -1)
		return (-1);
	for (i = 0; i < NELEM(yes); i++) {
		if (strcmp(norm, yes[i]) == 0)
			return (1);
	}
	for (i = 0; i < NELEM(no); i++) {
		if (strcmp(norm, no[i]) == 0)
			return (0);
	}
	return (-1);
}

/*
 * Simple upper-case mapping of the Latin letters names use: ASCII,
 * Latin-1 (à..þ, ÿ) and Latin Extended-A (ā..ž: Polish, Czech, Turkish
 * names).  Anything else is returned as it is.
 */
static uint32_t
latin_upper(uint32_t c)
{
	if (c >= 'a' && c <= 'z')
		return (c - 0x20);
	if (c >= 0xe0 && c <= 0xfe && c != 0xf7)
		return (c - 0x20);
	if (c == 0xff)
		return (0x178);
	if (c == 0x131)				/* dotless ı */
		return ('I');
	if (c == 0x17f)				/* long ſ */
		return ('S');
	/* Pairs are upper-even in these ranges, upper-odd in the others. */
	if ((c >= 0x100 && c <= 0x137) || (c >= 0x14a && c <= 0x177))
		return (c & 1 ? c - 1 : c);
	if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e))
		return (c & 1 ? c : c - 1);
	return (c);
}

/* Writes c as UTF-8 into out (4 bytes room); returns the byte count. */
static size_t
utf8_encode(uint32_t c, char *out)
{
	if (c < 0x80) {
		out[0] = (char)c;
		return (1);
	}
	if (c < 0x800) {
		out[0] = (char)(0xc0 | (c >> 6));
		out[1] = (char)(0x80 | (c & 0x3f));
		return (2);
	}
	if (c < 0x10000) {
		out[0] = (char)(0xe0 | (c >> 12));
		out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		out[2] = (char)(0x80 | (c & 0x3f));
		return (3);
	}
	out[0] = (char)(0xf0 | (c >> 18));
	out[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	out[3] = (char)(0x80 | (c & 0x3f));
	return (4);
}

/* Spaces before a first word: ASCII blanks and the no-break space. */
static size_t
leading_space(const char *s)
{
	size_t	n = 0;

	for (;;) {
		if (s[n] == ' ' || s[n] == '\t' || s[n] == '\r' ||
		    s[n] == '\n')
			n++;
		else if ((unsigned char)s[n] == 0xc2 &&
		    (unsigned char)s[n + 1] == 0xa0)
			n += 2;
		else
			return (n);
	}
}

/*
 * Appends the initial of name to out at *n (room for 4 + 2 * marks bytes
 * is guaranteed by WORKER_NOMBRE_MAX).  Returns 0, or -1 for bad UTF-8.
 */
static int
append_initial(const char *name, char *out, size_t *n)
{
	const char	*p;
	uint32_t	 c;
	size_t		 len;
	int		 k, marks;

	len = strlen(name);
	if (!utf8_valid(name, len))
		return (-1);
	p = name + leading_space(name);
	len = strlen(p);
	if (len == 0)
		return (0);
	k = utf8_decode(p, len, &c);
	*n += utf8_encode(latin_upper(c), out + *n);
	p += k;
	len -= (size_t)k;
	for (marks = 0; marks < INITIAL_MARKS_MAX; marks++) {
		/* Combining diacritical marks, U+0300..U+036F. */
		if ((k = utf8_decode(p, len, &c)) < 0 || c < 0x300 ||
		    c > 0x36f)
			break;
		memcpy(out + *n, p, (size_t)k);
		*n += (size_t)k;
		p += k;
		len -= (size_t)k;
	}
	return (0);
}

int
worker_nombre_completo(const char *nombre, const char *apellido,
    long long id, char out[WORKER_NOMBRE_MAX])
{
	char	initials[2 * (4 + 2 * INITIAL_MARKS_MAX) + 1];
	size_t	n = 0;

	if (id <= 0 || id > WORKER_ID_MAX)
		return (-1);
	if (append_initial(nombre != NULL ? nombre : "", initials, &n) == -1 ||
	    append_initial(apellido != NULL ? apellido : "", initials,
	    &n) == -1)
		return (-1);
	initials[n] = '\0';
	(void)snprintf(out, WORKER_NOMBRE_MAX, "%s(%lld)", initials, id);
	return (0);
}

long long
worker_id_from_nombre(const char *s)
{
	const char	*open, *p;
	size_t		 len = strlen(s);
	long long	 id = 0;

	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len < 3 || s[len - 1] != ')')
		return (-1);
	for (open = s + len - 1; open > s && open[-1] >= '0' &&
	    open[-1] <= '9'; open--)
		;
	/* open is at the first digit; "(" must come right before it. */
	if (open == s || open[-1] != '(' || open == s + len - 1 ||
	    s + len - 1 - open > WORKER_ID_DIGITS)
		return (-1);
	for (p = open; p < s + len - 1; p++)
		id = id * 10 + (*p - '0');
	return (id > 0 ? id : -1);
}

long long
worker_id_cell(const char *cell)
{
	long long	id = 0;
	int		n = 0;

	while (*cell == ' ' || *cell == '\t')
		cell++;
	for (; *cell >= '0' && *cell <= '9'; cell++) {
		if (++n > WORKER_ID_DIGITS)
			return (-1);
		id = id * 10 + (*cell - '0');
	}
	while (*cell == ' ' || *cell == '\t')
		cell++;
	return (n > 0 && *cell == '\0' && id > 0 ? id : -1);
}

/* The roles of a Rol cell, which may list several. */
static unsigned int
roles_of_cell(const char *cell)
{
	char		word[WORD_MAX];
	unsigned int	roles = 0;
	size_t		n;

	while (*cell != '\0') {
		n = strcspn(cell, ",/;");
		if (n < sizeof(word)) {
			memcpy(word, cell, n);
			word[n] = '\0';
			roles |= worker_role_parse(word);
		}
		cell += n;
		if (*cell != '\0')
			cell++;
	}
	return (roles);
}

int
worker_lookup(const struct sheet_table *trabajadores,
    const struct sheet_table *roles, long long id, struct worker *out)
{
	long	 c_id, c_nombre, c_apellido, c_rol, c_activo;
	long	 r_id, r_rol, r_act;
	size_t	 i, row, n;
	int	 listed = 0;

	if (id <= 0 || (c_id = sheet_table_column(trabajadores, "Id")) == -1)
		return (-1);
	c_nombre = sheet_table_column(trabajadores, "Nombre");
	c_apellido = sheet_table_column(trabajadores, "Apellido");
	c_rol = sheet_table_column(trabajadores, "Rol");
	c_activo = sheet_table_column(trabajadores, "Activo");

	n = sheet_table_rows(trabajadores);
	for (row = 0; row < n; row++) {
		if (worker_id_cell(sheet_table_cell(trabajadores, row,
		    c_id)) == id)
			break;
	}
	if (row == n)
		return (-1);

	memset(out, 0, sizeof(*out));
	out->id = id;
	if (worker_nombre_completo(sheet_table_cell(trabajadores, row,
	    c_nombre), sheet_table_cell(trabajadores, row, c_apellido), id,
	    out->nombre_completo) == -1)
		(void)snprintf(out->nombre_completo,
		    sizeof(out->nombre_completo), "(%lld)", id);
	out->activo = worker_activo_parse(sheet_table_cell(trabajadores,
	    row, c_activo)) == 1;

	if (roles != NULL && (r_id = sheet_table_column(roles, "Id")) != -1 &&
	    (r_rol = sheet_table_column(roles, "Rol")) != -1) {
		r_act = sheet_table_column(roles, "Activo");
		for (i = 0; i < sheet_table_rows(roles); i++) {
			if (worker_id_cell(sheet_table_cell(roles, i,
			    r_id)) != id)
				continue;
			listed = 1;
			if (worker_activo_parse(sheet_table_cell(roles, i,
			    r_act)) == 1)
				out->roles |= roles_of_cell(
				    sheet_table_cell(roles, i, r_rol));
		}
	}
	if (!listed)
		out->roles = roles_of_cell(sheet_table_cell(trabajadores, row,
		    c_rol));
	return (0);
}
