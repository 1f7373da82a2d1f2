/*
 * The Sheets emulator as the integration tests use it: its admin API,
 * cells of the workbook it holds, and a sheets_client pointed at it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_tree.h>

#include "emulator_fixture.h"
#include "harness.h"
#include "service_account.h"
#include "sheets_client.h"

char *
emu_slurp(const char *path)
{
	FILE	*f;
	char	*buf;
	long	 n;

	if ((f = fopen(path, "r")) == NULL)
		return (NULL);
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 ||
	    (buf = malloc((size_t)n + 1)) == NULL) {
		fclose(f);
		return (NULL);
	}
	n = (long)fread(buf, 1, (size_t)n, f);
	buf[n] = '\0';
	fclose(f);
	return (buf);
}

int
emu_start(struct emu *e, int spools, int workers, const char *const flags[])
{
	memset(e, 0, sizeof(*e));
	if (test_emulator_start(&e->te, spools, workers, flags) == -1)
		return (-1);
	snprintf(e->spreadsheet_id, sizeof(e->spreadsheet_id), "%s",
	    e->te.sheet_id);
	snprintf(e->base, sizeof(e->base), "%s", e->te.base);
	snprintf(e->key, sizeof(e->key), "%s/service-account.json",
	    e->te.dir);
	snprintf(e->workbook, sizeof(e->workbook), "%s/workbook.json",
	    e->te.dir);
	return (0);
}

int
emu_stop(struct emu *e)
{
	return (test_emulator_stop(&e->te));
}

int
emu_restart_with(struct emu *e, const char *text)
{
	FILE	*f;
	int	 rc;

	if (test_emulator_stop(&e->te) == -1 ||
	    (f = fopen(e->workbook, "w")) == NULL)
		return (-1);
	rc = fputs(text, f) < 0 ? -1 : 0;
	if (fclose(f) != 0 || rc == -1)
		return (-1);
	return (test_emulator_restart(&e->te));
}

yajl_val
emu_admin(const struct emu *e, const char *method, const char *path,
    const char *body)
{
	const char		*hdr[] = { "Content-Type: application/json",
				    NULL };
	struct http_reply	 r;
	yajl_val		 v = NULL;
	char			 url[256];

	/* A POST says Content-Length: 0 rather than nothing. */
	if (body == NULL && strcmp(method, "POST") == 0)
		body = "";
	snprintf(url, sizeof(url), "%s%s", e->base, path);
	if (http_request(method, url, hdr, body, body != NULL ?
	    strlen(body) : 0, 10000, &r) == 0 && r.status == 200)
		v = http_reply_json(&r);
	http_reply_free(&r);
	return (v);
}

int
emu_faults(const struct emu *e, const char *json)
{
	yajl_val	v = emu_admin(e, "POST", "/admin/faults", json);

	yajl_tree_free(v);
	return (v != NULL ? 0 : -1);
}

void
emu_reset_counters(const struct emu *e)
{
	yajl_tree_free(emu_admin(e, "POST", "/admin/counters/reset", NULL));
}

long long
emu_counter(const struct emu *e, ...)
{
	yajl_val	 v, at;
	va_list		 ap;
	long long	 n = -1;

	if ((v = emu_admin(e, "GET", "/admin/counters", NULL)) == NULL)
		return (-1);
	va_start(ap, e);
	at = jpath_va(v, ap);
	va_end(ap);
	if (at != NULL && YAJL_IS_INTEGER(at))
		n = YAJL_GET_INTEGER(at);
	yajl_tree_free(v);
	return (n);
}

yajl_val
emu_workbook(const struct emu *e)
{
	return (emu_admin(e, "GET", "/admin/workbook", NULL));
}

yajl_val
emu_sheet(yajl_val wb, const char *title)
{
	yajl_val	sheets = jpath(wb, "sheets", NULL), s;
	const char	*t;
	size_t		i;

	if (sheets == NULL || !YAJL_IS_ARRAY(sheets))
		return (NULL);
	for (i = 0; i < sheets->u.array.len; i++) {
		s = sheets->u.array.values[i];
		if ((t = jpath_str(s, "title", NULL)) != NULL &&
		    strcmp(t, title) == 0)
			return (s);
	}
	return (NULL);
}

size_t
emu_nrows(yajl_val sheet)
{
	yajl_val	rows = jpath(sheet, "rows", NULL);

	return (rows != NULL && YAJL_IS_ARRAY(rows) ? rows->u.array.len : 0);
}

const char *
emu_cell(yajl_val sheet, size_t row, size_t col, char *buf, size_t len)
{
	yajl_val	rows = jpath(sheet, "rows", NULL), r, c;

	if (rows == NULL || !YAJL_IS_ARRAY(rows) || row >= rows->u.array.len)
		return ("");
	r = rows->u.array.values[row];
	if (r == NULL || !YAJL_IS_ARRAY(r) || col >= r->u.array.len)
		return ("");
	c = r->u.array.values[col];
	if (YAJL_IS_STRING(c))
		return (YAJL_GET_STRING(c));
	if (YAJL_IS_INTEGER(c)) {
		snprintf(buf, len, "%lld", YAJL_GET_INTEGER(c));
		return (buf);
	}
	if (YAJL_IS_TRUE(c))
		return ("TRUE");
	if (YAJL_IS_FALSE(c))
		return ("FALSE");
	return ("");
}

long
emu_column(yajl_val sheet, const char *header)
{
	char	buf[32];
	size_t	c;

	for (c = 0; c < 1024; c++) {
		if (strcmp(emu_cell(sheet, 0, c, buf, sizeof(buf)), header) ==
		    0)
			return ((long)c);
	}
	return (-1);
}

struct service_account *
emu_account(const struct emu *e)
{
	struct service_account	*sa;
	char			*text, err[160];

	if ((text = emu_slurp(e->key)) == NULL)
		return (NULL);
	sa = service_account_parse(text, strlen(text), err, sizeof(err));
	free(text);
	if (sa == NULL)
		fprintf(stderr, "key: %s\n", err);
	return (sa);
}

struct sheets_client *
emu_client(const struct emu *e, struct io_loop *io)
{
	struct sheets_client_config	 cfg;
	struct service_account		*sa;
	struct sheets_client		*sc;
	char				 err[256];

	if ((sa = emu_account(e)) == NULL)
		return (NULL);
	sheets_client_config_defaults(&cfg);
	cfg.base_url = e->base;
	cfg.spreadsheet_id = e->spreadsheet_id;
	cfg.attempt_timeout_ms = 5000;
	cfg.backoff_base_ms = 100;
	cfg.backoff_cap_ms = 1000;
	sc = sheets_client_new(io, sa, &cfg, err, sizeof(err));
	service_account_free(sa);
	if (sc == NULL)
		fprintf(stderr, "sheets client: %s\n", err);
	return (sc);
}
