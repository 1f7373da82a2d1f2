/*
 * Building a migration plan; see migrate.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_gen.h>

#include "a1.h"
#include "json_out.h"
#include "migrate.h"

const char *
wb_header_cell(const struct sheets_value_range *hdr, size_t col)
{
	if (hdr->nrows == 0 || col >= hdr->rows[0].ncells)
		return ("");
	return (hdr->rows[0].cells[col]);
}

size_t
wb_header_width(const struct sheets_value_range *hdr)
{
	return (hdr->nrows > 0 ? hdr->rows[0].ncells : 0);
}

static int
push(char ***list, size_t *n, char *s)
{
	char	**nl;

	if (s == NULL)
		return (-1);
	if ((nl = reallocarray(*list, *n + 1, sizeof(*nl))) == NULL) {
		free(s);
		return (-1);
	}
	*list = nl;
	(*list)[(*n)++] = s;
	return (0);
}

void
plan_free(struct plan *p)
{
	size_t	i, k;

	for (i = 0; i < p->nrequests; i++)
		free(p->requests[i]);
	free(p->requests);
	for (i = 0; i < p->nwrites; i++) {
		free(p->writes[i].range);
		for (k = 0; k < p->writes[i].ncells; k++)
			free(p->writes[i].cells[k]);
		free(p->writes[i].cells);
	}
	free(p->writes);
	for (i = 0; i < p->nsteps; i++)
		free(p->steps[i]);
	free(p->steps);
	memset(p, 0, sizeof(*p));
}

int
plan_step(struct plan *p, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	int	 n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return (n < 0 ? -1 : push(&p->steps, &p->nsteps, s));
}

/* Takes the text of a finished generator as a new request. */
static int
push_request(struct plan *p, yajl_gen g)
{
	const char	*text;
	size_t		 len;
	char		*s;

	text = json_out_text(g, &len);
	s = len > 0 ? strndup(text, len) : NULL;
	yajl_gen_free(g);
	return (push(&p->requests, &p->nrequests, s));
}

int
plan_add_sheet(struct plan *p, const char *title, unsigned int rows,
    unsigned int cols, int hidden)
{
	yajl_gen	g;

	if ((g = json_out_new()) == NULL)
		return (-1);
	yajl_gen_map_open(g);
	json_key(g, "addSheet");
	yajl_gen_map_open(g);
	json_key(g, "properties");
	yajl_gen_map_open(g);
	json_kstr(g, "title", title);
	json_kbool(g, "hidden", hidden);
	json_key(g, "gridProperties");
	yajl_gen_map_open(g);
	json_kint(g, "rowCount", rows);
	json_kint(g, "columnCount", cols);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
	return (push_request(p, g));
}

int
plan_add_columns(struct plan *p, long long sheet_id, unsigned int length)
{
	yajl_gen	g;

	if ((g = json_out_new()) == NULL)
		return (-1);
	yajl_gen_map_open(g);
	json_key(g, "appendDimension");
	yajl_gen_map_open(g);
	json_kint(g, "sheetId", sheet_id);
	json_kstr(g, "dimension", "COLUMNS");
	json_kint(g, "length", length);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
	return (push_request(p, g));
}

int
plan_write_row(struct plan *p, const char *sheet, unsigned int row,
    unsigned int first_col, const char *const *cells, size_t ncells)
{
	struct plan_write	*w, *nw;
	struct a1_area		 area;
	char			 range[A1_SHEET_NAME_SIZE + 32];
	size_t			 i;

	area.first_col = first_col;
	area.last_col = first_col + (unsigned int)ncells - 1;
	area.first_row = area.last_row = row;
	if (ncells == 0 || a1_format_range(range, sizeof(range), sheet,
	    &area) == -1)
		return (-1);
	if ((nw = reallocarray(p->writes, p->nwrites + 1,
	    sizeof(*nw))) == NULL)
		return (-1);
	p->writes = nw;
	w = &p->writes[p->nwrites];
	memset(w, 0, sizeof(*w));
	if ((w->range = strdup(range)) == NULL ||
	    (w->cells = calloc(ncells, sizeof(*w->cells))) == NULL) {
		free(w->range);
		return (-1);
	}
	p->nwrites++;
	for (i = 0; i < ncells; i++, w->ncells++) {
		if ((w->cells[i] = strdup(cells[i])) == NULL)
			return (-1);
	}
	return (0);
}
