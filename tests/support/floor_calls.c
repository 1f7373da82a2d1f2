/*
 * The floor's calls for tests; see floor_calls.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "floor_calls.h"
#include "harness.h"

long
floor_post(const char *base, const char *path, const char *body, char *code,
    size_t codelen, yajl_val *json)
{
	struct http_reply	 r;
	const char		*h[] = { "Content-Type: application/json", NULL };
	const char		*e;
	char			 url[512];
	yajl_val		 j;
	long			 status;

	if (json != NULL)
		*json = NULL;
	if (code != NULL && codelen > 0)
		code[0] = '\0';
	snprintf(url, sizeof(url), "%s%s", base, path);
	if (http_request("POST", url, h, body, strlen(body), 20000, &r) != 0) {
		http_reply_free(&r);
		return (-1);
	}
	status = r.status;
	/* A 5xx is rarely what a test asked for: say why in its output. */
	if (status >= 500)
		fprintf(stderr, "POST %s: %ld %.*s\n", path, status,
		    (int)(r.len < 400 ? r.len : 400), r.body != NULL ? r.body :
		    "");
	j = http_reply_json(&r);
	if (code != NULL && (e = jpath_str(j, "error", NULL)) != NULL)
		snprintf(code, codelen, "%s", e);
	if (json != NULL)
		*json = j;
	else
		yajl_tree_free(j);
	http_reply_free(&r);
	return (status);
}

yajl_val
floor_get(const char *base, const char *path)
{
	struct http_reply	r;
	char			url[512];
	yajl_val		j = NULL;

	snprintf(url, sizeof(url), "%s%s", base, path);
	if (http_get(url, 20000, &r) == 0 && r.status == 200)
		j = http_reply_json(&r);
	http_reply_free(&r);
	return (j);
}

yajl_val
floor_listed(yajl_val answer, const char *tag)
{
	yajl_val	 list = jpath(answer, "spools", NULL), s;
	const char	*t;
	size_t		 i;

	for (i = 0; list != NULL && YAJL_IS_ARRAY(list) &&
	    i < list->u.array.len; i++) {
		s = list->u.array.values[i];
		if ((t = jpath_str(s, "tag_spool", NULL)) != NULL &&
		    strcmp(t, tag) == 0)
			return (s);
	}
	return (NULL);
}

static int
has_role(yajl_val w, const char *role)
{
	yajl_val	 roles = jpath(w, "roles", NULL);
	const char	*name;
	size_t		 i;

	for (i = 0; roles != NULL && YAJL_IS_ARRAY(roles) &&
	    i < roles->u.array.len; i++) {
		name = YAJL_IS_STRING(roles->u.array.values[i]) ?
		    YAJL_GET_STRING(roles->u.array.values[i]) : NULL;
		if (name != NULL && strcmp(name, role) == 0)
			return (1);
	}
	return (0);
}

long long
floor_worker(const char *base, const char *role, const char *without_role,
    int skip)
{
	yajl_val	 j, list, w;
	long long	 id = 0;
	size_t		 i;

	if ((j = floor_get(base, "/api/workers")) == NULL)
		return (0);
	list = jpath(j, "workers", NULL);
	for (i = 0; list != NULL && i < list->u.array.len && id == 0; i++) {
		w = list->u.array.values[i];
		if (!has_role(w, role) || (without_role != NULL &&
		    has_role(w, without_role)))
			continue;
		if (skip-- > 0)
			continue;
		id = jpath_int(w, 0, "id", NULL);
	}
	yajl_tree_free(j);
	return (id);
}

long long
floor_inactive_worker(const struct emu *emu)
{
	yajl_val	 root, trab;
	char		 buf[32];
	long		 ca, ci;
	long long	 id = 0;
	size_t		 i;

	if ((root = emu_workbook(emu)) == NULL)
		return (0);
	trab = emu_sheet(root, "Trabajadores");
	ca = emu_column(trab, "Activo");
	ci = emu_column(trab, "Id");
	for (i = 1; trab != NULL && ca >= 0 && ci >= 0 &&
	    i < emu_nrows(trab) && id == 0; i++) {
		if (strcmp(emu_cell(trab, i, (size_t)ca, buf, sizeof(buf)),
		    "FALSE") == 0)
			id = atoll(emu_cell(trab, i, (size_t)ci, buf,
			    sizeof(buf)));
	}
	yajl_tree_free(root);
	return (id);
}

int
floor_wb_load(const struct emu *emu, struct floor_wb *wb)
{
	memset(wb, 0, sizeof(*wb));
	if ((wb->root = emu_workbook(emu)) == NULL)
		return (-1);
	wb->ops = emu_sheet(wb->root, "Operaciones");
	wb->meta = emu_sheet(wb->root, "Metadata");
	return (wb->ops != NULL && wb->meta != NULL ? 0 : -1);
}

void
floor_wb_free(struct floor_wb *wb)
{
	yajl_tree_free(wb->root);
	memset(wb, 0, sizeof(*wb));
}

static long
row_of(yajl_val sheet, const char *header, const char *value)
{
	char	buf[128];
	long	col = emu_column(sheet, header);
	size_t	r;

	for (r = 1; col >= 0 && r < emu_nrows(sheet); r++) {
		if (strcmp(emu_cell(sheet, r, (size_t)col, buf, sizeof(buf)),
		    value) == 0)
			return ((long)r);
	}
	return (-1);
}

const char *
floor_cell(const struct floor_wb *wb, const char *tag, const char *header,
    char *buf, size_t len)
{
	long	r = row_of(wb->ops, "TAG_SPOOL", tag);
	long	c = emu_column(wb->ops, header);

	char	tmp[256];

	buf[0] = '\0';
	if (r > 0 && c >= 0)
		snprintf(buf, len, "%s", emu_cell(wb->ops, (size_t)r,
		    (size_t)c, tmp, sizeof(tmp)));
	return (buf);
}

size_t
floor_audits(const struct floor_wb *wb, const char *tag, const char *evento,
    char *json, size_t jsonlen, char *worker, size_t workerlen)
{
	char	buf[2048];
	long	ctag = emu_column(wb->meta, "TAG_SPOOL");
	long	cev = emu_column(wb->meta, "Evento_Tipo");
	long	cjs = emu_column(wb->meta, "Metadata_JSON");
	long	cw = emu_column(wb->meta, "Worker_ID");
	size_t	r, n = 0;

	for (r = 1; ctag >= 0 && r < emu_nrows(wb->meta); r++) {
		if (strcmp(emu_cell(wb->meta, r, (size_t)ctag, buf,
		    sizeof(buf)), tag) != 0)
			continue;
		if (evento != NULL && strcmp(emu_cell(wb->meta, r,
		    (size_t)cev, buf, sizeof(buf)), evento) != 0)
			continue;
		n++;
		if (json != NULL)
			snprintf(json, jsonlen, "%s", emu_cell(wb->meta, r,
			    (size_t)cjs, buf, sizeof(buf)));
		if (worker != NULL)
			snprintf(worker, workerlen, "%s", emu_cell(wb->meta, r,
			    (size_t)cw, buf, sizeof(buf)));
	}
	return (n);
}

static int
cell_set(yajl_val sheet, size_t r, const char *header)
{
	char	buf[128];
	long	c;

	if (header == NULL)
		return (-1);
	if ((c = emu_column(sheet, header)) < 0)
		return (0);
	return (emu_cell(sheet, r, (size_t)c, buf, sizeof(buf))[0] != '\0');
}

/* Total_Uniones > 0: worked through INICIAR/FINALIZAR, not TOMAR. */
static int
spool_is_v4(yajl_val sheet, size_t r)
{
	char	buf[32];
	long	c;

	if ((c = emu_column(sheet, "Total_Uniones")) < 0)
		return (0);
	return (atol(emu_cell(sheet, r, (size_t)c, buf, sizeof(buf))) > 0);
}

size_t
floor_spools_where(const struct floor_wb *wb, const char *set1,
    const char *set2, const char *empty1, const char *empty2,
    char tags[][80], size_t max)
{
	char	buf[128];
	long	ctag = emu_column(wb->ops, "TAG_SPOOL");
	size_t	r, n = 0;

	for (r = 1; ctag >= 0 && r < emu_nrows(wb->ops) && n < max; r++) {
		if (cell_set(wb->ops, r, set1) == 0 ||
		    cell_set(wb->ops, r, set2) == 0 ||
		    cell_set(wb->ops, r, empty1) == 1 ||
		    cell_set(wb->ops, r, empty2) == 1 ||
		    cell_set(wb->ops, r, "Ocupado_Por") == 1 ||
		    spool_is_v4(wb->ops, r))
			continue;
		snprintf(tags[n++], 80, "%s", emu_cell(wb->ops, r,
		    (size_t)ctag, buf, sizeof(buf)));
	}
	return (n);
}

char *
floor_redis(int port, const char *args)
{
	char	*v = harness_redis_cli(port, args);
	size_t	 n;

	if (v == NULL)
		return (NULL);
	n = strlen(v);
	while (n > 0 && (v[n - 1] == '\n' || v[n - 1] == '\r'))
		v[--n] = '\0';
	return (v);
}
