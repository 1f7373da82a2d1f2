/*
 * Sheets API error envelope and retry classes; see sheets_error.h.
 */
#include <stdio.h>
#include <string.h>

#include "json_tree.h"
#include "sheets_error.h"

enum sheets_error_class
sheets_classify(enum http_client_error transport, long http_status)
{
	switch (transport) {
	case HTTP_CLIENT_OK:
		break;
	case HTTP_CLIENT_ERR_TIMEOUT:
	case HTTP_CLIENT_ERR_CONNECT:
	case HTTP_CLIENT_ERR_RESOLVE:
	case HTTP_CLIENT_ERR_IO:
		return (SHEETS_RETRYABLE);
	case HTTP_CLIENT_ERR_TLS:
	case HTTP_CLIENT_ERR_TOO_LARGE:
	case HTTP_CLIENT_ERR_OTHER:
		return (SHEETS_FATAL);
	}

	if (http_status >= 200 && http_status <= 299)
		return (SHEETS_OK);
	switch (http_status) {
	case 401:
		return (SHEETS_AUTH);
	case 408:
	case 429:
	case 500:
	case 502:
	case 503:
	case 504:
		return (SHEETS_RETRYABLE);
	default:
		return (SHEETS_FATAL);
	}
}

/* Bounded copy for a log line, control characters as '?'. */
static void
copy_printable(char *dst, size_t dstsz, const char *src)
{
	size_t	i;

	for (i = 0; i + 1 < dstsz && src[i] != '\0'; i++)
		dst[i] = (unsigned char)src[i] < 0x20 || src[i] == 0x7f ?
		    '?' : src[i];
	dst[i] = '\0';
}

int
sheets_parse_error(const char *body, size_t len, struct sheets_api_error *e)
{
	yajl_val	 root, err;
	const char	*s;
	long long	 code;
	char		 msg[64];

	memset(e, 0, sizeof(*e));
	if ((root = json_tree_parse(body, len, msg, sizeof(msg))) == NULL)
		return (-1);
	if ((err = json_tree_get(root, "error", yajl_t_object)) == NULL) {
		yajl_tree_free(root);
		return (-1);
	}
	if (json_tree_integer(err, "code", &code) == 0 && code >= 0 &&
	    code <= 999)
		e->code = (long)code;
	if ((s = json_tree_string(err, "status")) != NULL)
		copy_printable(e->status, sizeof(e->status), s);
	if ((s = json_tree_string(err, "message")) != NULL)
		copy_printable(e->message, sizeof(e->message), s);
	yajl_tree_free(root);
	return (0);
}
