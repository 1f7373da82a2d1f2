/*
 * Cell values: input parsing and rendering.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cell.h"
#include "jsonr.h"

void
cell_clear(struct cell *c)
{
	if (c->type == CELL_STRING || c->type == CELL_FORMULA)
		free(c->v.text);
	memset(c, 0, sizeof(*c));
}

int
cell_copy(struct cell *dst, const struct cell *src)
{
	*dst = *src;
	if (src->type == CELL_STRING || src->type == CELL_FORMULA) {
		if ((dst->v.text = strdup(src->v.text)) == NULL) {
			memset(dst, 0, sizeof(*dst));
			return (-1);
		}
	}
	return (0);
}

static int
cell_set_text(struct cell *c, enum cell_type type, const char *s, size_t n)
{
	if ((c->v.text = malloc(n + 1)) == NULL)
		return (-1);
	memcpy(c->v.text, s, n);
	c->v.text[n] = '\0';
	c->type = type;
	return (0);
}

/*
 * What a person typing into en_US Sheets gets as a number: an optional sign,
 * digits with an optional fraction, an optional exponent, surrounding blanks
 * allowed.  Grouping commas, currency and percent are not recognised and
 * stay text (dates stay text too; see README).
 */
static int
parse_user_number(const char *s, double *out)
{
	const char	*p = s, *digits;
	char		*end;
	int		 nd = 0;

	while (*p == ' ')
		p++;
	digits = p;
	if (*p == '+' || *p == '-')
		p++;
	while (isdigit((unsigned char)*p)) {
		p++;
		nd++;
	}
	if (*p == '.') {
		p++;
		while (isdigit((unsigned char)*p)) {
			p++;
			nd++;
		}
	}
	if (nd == 0)
		return (0);
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!isdigit((unsigned char)*p))
			return (0);
		while (isdigit((unsigned char)*p))
			p++;
	}
	while (*p == ' ')
		p++;
	if (*p != '\0')
		return (0);
	*out = strtod(digits, &end);
	return (isfinite(*out));
}

int
cell_text_too_long(const char *s)
{
	size_t	chars = 0;

	/* Counts every byte that starts a character, not continuations. */
	for (; *s != '\0'; s++) {
		if (((unsigned char)*s & 0xc0) != 0x80 &&
		    ++chars > CELL_TEXT_MAX)
			return (1);
	}
	return (0);
}

enum cell_input_result
cell_from_input(struct cell *c, const yajl_val v, enum value_input mode)
{
	const char	*s;
	size_t		 n;
	double		 num;

	if (v == NULL || YAJL_IS_NULL(v))
		return (CELL_INPUT_SKIP);
	if (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v)) {
		c->type = CELL_BOOL;
		c->v.boolean = YAJL_IS_TRUE(v);
		return (CELL_INPUT_OK);
	}
	if (YAJL_IS_NUMBER(v)) {
		if (!isfinite(YAJL_GET_DOUBLE(v)))
			return (CELL_INPUT_BAD_TYPE);
		c->type = CELL_NUMBER;
		c->v.num = YAJL_GET_DOUBLE(v);
		return (CELL_INPUT_OK);
	}
	if (!YAJL_IS_STRING(v))
		return (CELL_INPUT_BAD_TYPE);

	s = jstr(v);
	n = strlen(s);
	if (cell_text_too_long(s))
		return (CELL_INPUT_TOO_LONG);
	if (n == 0)
		return (CELL_INPUT_OK);		/* "" clears the cell */
	if (mode == INPUT_RAW)
		return (cell_set_text(c, CELL_STRING, s, n) == 0 ?
		    CELL_INPUT_OK : CELL_INPUT_NOMEM);

	/* A leading apostrophe forces text and is not part of the value. */
	if (s[0] == '\'')
		return (n == 1 ? CELL_INPUT_OK :
		    (cell_set_text(c, CELL_STRING, s + 1, n - 1) == 0 ?
		    CELL_INPUT_OK : CELL_INPUT_NOMEM));
	if (s[0] == '=' && n > 1)
		return (cell_set_text(c, CELL_FORMULA, s, n) == 0 ?
		    CELL_INPUT_OK : CELL_INPUT_NOMEM);
	if (strcasecmp(s, "TRUE") == 0 || strcasecmp(s, "FALSE") == 0) {
		c->type = CELL_BOOL;
		c->v.boolean = (s[0] == 't' || s[0] == 'T');
		return (CELL_INPUT_OK);
	}
	if (parse_user_number(s, &num)) {
		c->type = CELL_NUMBER;
		c->v.num = num;
		return (CELL_INPUT_OK);
	}
	return (cell_set_text(c, CELL_STRING, s, n) == 0 ?
	    CELL_INPUT_OK : CELL_INPUT_NOMEM);
}

void
cell_render(struct jw *w, const struct cell *c, enum value_render how)
{
	char	num[40];
	size_t	n;

	switch (c->type) {
	case CELL_STRING:
	case CELL_FORMULA:
		jw_str(w, c->v.text);
		break;
	case CELL_NUMBER:
		if (how != RENDER_FORMATTED) {
			jw_double(w, c->v.num);
			break;
		}
		n = jw_format_double(num, sizeof(num), c->v.num);
		jw_strn(w, num, n);
		break;
	case CELL_BOOL:
		if (how != RENDER_FORMATTED)
			jw_bool(w, c->v.boolean);
		else
			jw_str(w, c->v.boolean ? "TRUE" : "FALSE");
		break;
	default:
		jw_str(w, "");
		break;
	}
}

void
cell_write_stored(struct jw *w, const struct cell *c)
{
	switch (c->type) {
	case CELL_STRING:
		jw_str(w, c->v.text);
		break;
	case CELL_NUMBER:
		jw_double(w, c->v.num);
		break;
	case CELL_BOOL:
		jw_bool(w, c->v.boolean);
		break;
	case CELL_FORMULA:
		jw_obj_open_inline(w);
		jw_kstr(w, "formula", c->v.text);
		jw_obj_close(w);
		break;
	default:
		jw_null(w);
		break;
	}
}

int
cell_read_stored(struct cell *c, const yajl_val v)
{
	static const char	*formula_path[] = { "formula", NULL };
	yajl_val		 f;
	const char		*s;

	memset(c, 0, sizeof(*c));
	if (v == NULL || YAJL_IS_NULL(v))
		return (0);
	if (YAJL_IS_OBJECT(v)) {
		f = yajl_tree_get(v, formula_path, yajl_t_string);
		if (f == NULL || jstr(f)[0] != '=')
			return (-1);
		s = jstr(f);
		if (cell_text_too_long(s))
			return (-1);
		return (cell_set_text(c, CELL_FORMULA, s, strlen(s)));
	}
	if (YAJL_IS_STRING(v)) {
		s = jstr(v);
		if (s[0] == '\0')
			return (0);
		if (cell_text_too_long(s))
			return (-1);
		return (cell_set_text(c, CELL_STRING, s, strlen(s)));
	}
	switch (cell_from_input(c, v, INPUT_RAW)) {
	case CELL_INPUT_OK:
		return (0);
	default:
		return (-1);
	}
}
