/*
 * One access-log line per request, as logfmt or as a JSON object.  Paths,
 * tags and request ids come from clients, so every value is escaped: a
 * line never holds a raw control character, quote or invalid UTF-8, and a
 * hostile value cannot start a second line or forge a field.
 */
#ifndef ZEUES_ACCESS_LOG_H
#define ZEUES_ACCESS_LOG_H

#include <stddef.h>
#include <stdint.h>

enum access_log_format {
	ACCESS_LOG_LOGFMT,
	ACCESS_LOG_JSON,
};

/* Longest line written; longer values are cut (at a whole character). */
#define ACCESS_LOG_LINE_MAX	1024
/* Longest request id accepted from a client or generated. */
#define ACCESS_LOG_ID_MAX	64

struct access_log_entry {
	const char	*time;		/* ISO-8601 */
	const char	*request_id;
	const char	*method;
	const char	*route;		/* the route's name */
	const char	*path;
	int		 status;
	uint64_t	 duration_us;
	/* Occupation routes only: has_occupation set. */
	int		 has_occupation;
	const char	*tag;		/* NULL when the body had none */
	long long	 worker_id;	/* -1 when the body had none */
	/* The server process whose Redis pool the three figures describe. */
	int		 kore_worker;
	uint64_t	 pool_open;
	uint64_t	 pool_budget;
	uint64_t	 pool_waiting;
};

/*
 * Writes the entry as one line ending in '\n' into buf (at least
 * ACCESS_LOG_LINE_MAX bytes) and returns its length.
 */
size_t	access_log_line(enum access_log_format, const struct access_log_entry *,
	    char *buf, size_t len);

/*
 * 1 when a client's X-Request-Id may be used as it is: 1 to
 * ACCESS_LOG_ID_MAX characters of A-Z a-z 0-9 and "-._:".
 */
int	access_log_id_acceptable(const char *);

/* -1, or the format named by s ("logfmt" or "json"). */
int	access_log_format_parse(const char *s);

#endif
