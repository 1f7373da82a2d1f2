#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "soak.h"
#include "soak_wb.h"

const char *
wb_source(struct soak *sk)
{
	struct soak_opts	*opt = &sk->opt;

	return (opt->emulator_url[0] != '\0' ? "emulator /admin/workbook" :
	    "workbook file");
}

static char *
slurp(const char *path, size_t *len)
{
	FILE	*fp;
	char	*buf = NULL, *np;
	size_t	 cap = 0, n;

	*len = 0;
	if ((fp = fopen(path, "r")) == NULL)
		return (NULL);
	for (;;) {
		if (*len + 65536 + 1 > cap) {
			cap = cap ? cap * 2 : 1u << 20;
			if (cap > (512u << 20) ||
			    (np = realloc(buf, cap)) == NULL) {
				free(buf);
				fclose(fp);
				return (NULL);
			}
			buf = np;
		}
		n = fread(buf + *len, 1, 65536, fp);
		*len += n;
		if (n == 0)
			break;
	}
	fclose(fp);
	buf[*len] = '\0';
	return (buf);
}

yajl_val
wb_fetch(struct soak *sk)
{
	struct soak_opts	*opt = &sk->opt;
	struct http_res		 r;
	char			 url[SOAK_URL_MAX + 32], err[256];
	char			*text = NULL;
	size_t			 len;
	yajl_val		 v;

	if (opt->emulator_url[0] != '\0') {
		snprintf(url, sizeof(url), "%s/admin/workbook",
		    opt->emulator_url);
		if (http_call("GET", url, NULL, 60, &r) == 0 &&
		    r.status == 200) {
			text = r.body;
			r.body = NULL;
		}
		http_res_free(&r);
	} else if (opt->workbook_file[0] != '\0')
		text = slurp(opt->workbook_file, &len);
	if (text == NULL)
		return (NULL);
	v = yajl_tree_parse(text, err, sizeof(err));
	free(text);
	if (v == NULL)
		soak_log(sk, "workbook: not JSON: %s", err);
	return (v);
}

yajl_val
wb_sheet(yajl_val wb, const char *title)
{
	yajl_val	sheets = jget(wb, "sheets"), s;
	const char	*t;
	size_t		i;

	for (i = 0; sheets != NULL && YAJL_IS_ARRAY(sheets) &&
	    i < sheets->u.array.len; i++) {
		s = sheets->u.array.values[i];
		if ((t = jstr(s, "title")) != NULL && strcasecmp(t, title) == 0)
			return (s);
	}
	return (NULL);
}

yajl_val
wb_rows(yajl_val sheet)
{
	yajl_val	rows = jget(sheet, "rows");

	return (rows != NULL && YAJL_IS_ARRAY(rows) ? rows : NULL);
}

int
wb_col(yajl_val sheet, const char *header)
{
	yajl_val	rows = wb_rows(sheet), hdr;
	char		buf[128];
	size_t		i;

	if (rows == NULL || rows->u.array.len == 0)
		return (-1);
	hdr = rows->u.array.values[0];
	for (i = 0; YAJL_IS_ARRAY(hdr) && i < hdr->u.array.len; i++) {
		jcell(hdr, i, buf, sizeof(buf));
		if (header_eq(buf, header))
			return ((int)i);
	}
	return (-1);
}

long
wb_data_rows(yajl_val sheet)
{
	yajl_val	rows = wb_rows(sheet), row;
	char		buf[16];
	size_t		i, j;
	long		n = 0;

	for (i = 1; rows != NULL && i < rows->u.array.len; i++) {
		row = rows->u.array.values[i];
		for (j = 0; YAJL_IS_ARRAY(row) && j < row->u.array.len; j++) {
			jcell(row, j, buf, sizeof(buf));
			if (buf[0] != '\0') {
				n++;
				break;
			}
		}
	}
	return (n);
}
