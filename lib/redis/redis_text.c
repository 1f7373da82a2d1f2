#include <string.h>

#include "redis_text.h"

int
redis_info_field(const char *info, const char *field, char *buf, size_t len)
{
	const char	*line, *end, *v;
	size_t		 flen = strlen(field), vlen;

	for (line = info; *line != '\0'; line = *end != '\0' ? end + 1 : end) {
		if ((end = strchr(line, '\n')) == NULL)
			end = line + strlen(line);
		if ((size_t)(end - line) <= flen || line[flen] != ':' ||
		    strncmp(line, field, flen) != 0)
			continue;
		v = line + flen + 1;
		vlen = (size_t)(end - v);
		if (vlen > 0 && v[vlen - 1] == '\r')
			vlen--;
		if (vlen >= len)
			return (-1);
		memcpy(buf, v, vlen);
		buf[vlen] = '\0';
		return (0);
	}
	return (-1);
}

void
redis_client_list_count(const char *list, const char *prefix,
    struct client_count *out)
{
	const char	*line, *end, *name;
	size_t		 plen = strlen(prefix);

	out->total = 0;
	out->named = 0;
	for (line = list; *line != '\0'; line = *end != '\0' ? end + 1 : end) {
		if ((end = strchr(line, '\n')) == NULL)
			end = line + strlen(line);
		if (end == line || (end - line == 1 && *line == '\r'))
			continue;
		out->total++;
		/* Fields are space separated; name= always follows a space. */
		name = strstr(line, " name=");
		if (name == NULL || name >= end)
			continue;
		name += 6;
		if ((size_t)(end - name) >= plen &&
		    strncmp(name, prefix, plen) == 0)
			out->named++;
	}
}
