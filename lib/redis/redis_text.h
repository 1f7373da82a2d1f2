/*
 * Reading the plain-text replies of INFO and CLIENT LIST.
 */
#ifndef ZEUES_REDIS_TEXT_H
#define ZEUES_REDIS_TEXT_H

#include <stddef.h>

/* Copies the value of "field:value" from an INFO reply; -1 if absent. */
int	redis_info_field(const char *info, const char *field, char *buf,
	    size_t len);

struct client_count {
	int	total;		/* every client line */
	int	named;		/* lines whose name starts with the prefix */
};

/* Counts CLIENT LIST lines, and those whose name= starts with prefix. */
void	redis_client_list_count(const char *list, const char *prefix,
	    struct client_count *);

#endif
