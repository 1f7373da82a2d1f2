/*
 * Which endpoint a request path names.
 */
#ifndef EMU_ROUTE_H
#define EMU_ROUTE_H

#include "a1.h"
#include "counters.h"

#define ROUTE_ID_MAX		128
#define ROUTE_RANGE_MAX		2048

enum route_method {
	METHOD_GET,
	METHOD_POST,
	METHOD_PUT,
	METHOD_OTHER,
};

enum route_kind {
	ROUTE_NONE,		/* not ours: 404 */
	ROUTE_TOKEN,
	ROUTE_SHEETS,		/* see call */
	ROUTE_ADMIN_FAULTS,
	ROUTE_ADMIN_COUNTERS,
	ROUTE_ADMIN_COUNTERS_RESET,
	ROUTE_ADMIN_WORKBOOK,
	ROUTE_ADMIN_QUOTA,
};

struct route {
	enum route_kind	 kind;
	enum call_kind	 call;		/* KIND_OTHER: unknown method */
	char		 spreadsheet_id[ROUTE_ID_MAX];
	char		 range[ROUTE_RANGE_MAX];	/* decoded */
};

/* path is the raw path without the query string. */
void	route_parse(const char *path, enum route_method, struct route *);

#endif
