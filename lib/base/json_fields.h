/*
 * Pulls named top-level fields out of a small flat JSON object (a key file,
 * an OAuth token or error response).
 *
 * Fields not asked for are skipped whatever their type, nesting included.
 * A field asked for must have the requested type and appear at most once.
 * Strings are copied into memory that is wiped on release (secret_alloc.h),
 * and yajl runs on the wiping allocator, because these documents carry
 * private keys and access tokens.  Error messages name fields, never quote
 * values or input text.
 */
#ifndef ZEUES_JSON_FIELDS_H
#define ZEUES_JSON_FIELDS_H

#include <stddef.h>

enum json_field_type {
	JSON_FIELD_STRING,
	JSON_FIELD_INTEGER,
};

struct json_field {
	const char		*name;		/* set by the caller */
	enum json_field_type	 type;		/* set by the caller */
	int			 present;	/* results from here on */
	char			*str;		/* JSON_FIELD_STRING */
	size_t			 len;
	long long		 integer;	/* JSON_FIELD_INTEGER */
};

/*
 * Parses len bytes of json (NUL-termination not needed) into fields.  On
 * failure returns -1 with "<what>: <reason>" in err and nothing allocated.
 * A present string field never contains a NUL byte.
 */
int	json_fields_parse(const char *json, size_t len,
	    struct json_field *fields, size_t nfields, const char *what,
	    char *err, size_t errsz);

/* Wipes and frees the strings, leaving the fields as before parsing. */
void	json_fields_clear(struct json_field *fields, size_t nfields);

#endif
