/*
 * Request routing.  The range in /values/{range} is one percent-encoded
 * path segment; the :append and :clear suffixes are not encoded.
 */
#include <string.h>

#include "query.h"
#include "route.h"

#define V4_PREFIX	"/v4/spreadsheets/"
#define VALUES		"/values"

static int
has_suffix(const char *s, size_t len, const char *suffix)
{
	size_t	n = strlen(suffix);

	return (len >= n && memcmp(s + len - n, suffix, n) == 0);
}

static void
route_values(const char *rest, enum route_method m, struct route *r)
{
	size_t		len;
	enum call_kind	kind;

	if (strcmp(rest, ":batchGet") == 0) {
		r->call = m == METHOD_GET ? KIND_BATCH_GET : KIND_OTHER;
		return;
	}
	if (strcmp(rest, ":batchGetByDataFilter") == 0) {
		r->call = m == METHOD_POST ? KIND_BATCH_GET_BY_FILTER :
		    KIND_OTHER;
		return;
	}
	if (strcmp(rest, ":batchUpdate") == 0) {
		r->call = m == METHOD_POST ? KIND_BATCH_UPDATE : KIND_OTHER;
		return;
	}
	if (strcmp(rest, ":batchClear") == 0) {
		r->call = m == METHOD_POST ? KIND_BATCH_CLEAR : KIND_OTHER;
		return;
	}
	if (rest[0] != '/' || rest[1] == '\0')
		return;
	rest++;
	len = strlen(rest);
	if (has_suffix(rest, len, ":append")) {
		len -= strlen(":append");
		kind = m == METHOD_POST ? KIND_APPEND : KIND_OTHER;
	} else if (has_suffix(rest, len, ":clear")) {
		len -= strlen(":clear");
		kind = m == METHOD_POST ? KIND_CLEAR : KIND_OTHER;
	} else if (m == METHOD_GET) {
		kind = KIND_GET;
	} else if (m == METHOD_PUT) {
		kind = KIND_UPDATE;
	} else {
		return;
	}
	if (kind == KIND_OTHER || len == 0 || percent_decode(rest, len, 0,
	    r->range, sizeof(r->range)) <= 0)
		return;
	r->call = kind;
}

void
route_parse(const char *path, enum route_method m, struct route *r)
{
	const char	*id, *end;
	size_t		 n;

	memset(r, 0, sizeof(*r));
	r->call = KIND_OTHER;

	if (strcmp(path, "/token") == 0) {
		r->kind = ROUTE_TOKEN;
		r->call = KIND_TOKEN;
		return;
	}
	if (strcmp(path, "/admin/faults") == 0)
		r->kind = ROUTE_ADMIN_FAULTS;
	else if (strcmp(path, "/admin/counters") == 0)
		r->kind = ROUTE_ADMIN_COUNTERS;
	else if (strcmp(path, "/admin/counters/reset") == 0)
		r->kind = ROUTE_ADMIN_COUNTERS_RESET;
	else if (strcmp(path, "/admin/workbook") == 0)
		r->kind = ROUTE_ADMIN_WORKBOOK;
	else if (strcmp(path, "/admin/quota") == 0)
		r->kind = ROUTE_ADMIN_QUOTA;
	if (r->kind != ROUTE_NONE)
		return;

	if (strncmp(path, "/v4/", 4) != 0)
		return;
	r->kind = ROUTE_SHEETS;
	if (strncmp(path, V4_PREFIX, strlen(V4_PREFIX)) != 0)
		return;
	id = path + strlen(V4_PREFIX);
	n = strcspn(id, "/:");
	end = id + n;
	if (n == 0 || percent_decode(id, n, 0, r->spreadsheet_id,
	    sizeof(r->spreadsheet_id)) <= 0)
		return;

	if (*end == '\0') {
		if (m == METHOD_GET)
			r->call = KIND_SS_GET;
	} else if (strcmp(end, ":batchUpdate") == 0) {
		if (m == METHOD_POST)
			r->call = KIND_SS_BATCH_UPDATE;
	} else if (strncmp(end, VALUES, strlen(VALUES)) == 0) {
		route_values(end + strlen(VALUES), m, r);
	}
}
