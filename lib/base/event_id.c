#include <stdio.h>

#include "event_id.h"

/* One decimal part: 1..20 digits, no leading zero, at most UINT64_MAX. */
static int
parse_part(const char *s, size_t len, uint64_t *out)
{
	uint64_t	v = 0;
	size_t		i;
	unsigned int	d;

	if (len == 0 || len > 20 || (len > 1 && s[0] == '0'))
		return (-1);
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return (-1);
		d = (unsigned int)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return (-1);
		v = v * 10 + d;
	}
	*out = v;
	return (0);
}

int
event_id_parse(const char *s, size_t len, struct event_id *out)
{
	struct event_id	id;
	size_t		dash;

	for (dash = 0; dash < len && s[dash] != '-'; dash++)
		;
	if (dash == len || parse_part(s, dash, &id.ms) == -1 ||
	    parse_part(s + dash + 1, len - dash - 1, &id.seq) == -1)
		return (-1);
	*out = id;
	return (0);
}

int
event_id_format(const struct event_id *id, char *buf, size_t size)
{
	int	n;

	n = snprintf(buf, size, "%llu-%llu", (unsigned long long)id->ms,
	    (unsigned long long)id->seq);
	return (n < 0 || (size_t)n >= size ? -1 : n);
}

int
event_id_cmp(const struct event_id *a, const struct event_id *b)
{
	if (a->ms != b->ms)
		return (a->ms < b->ms ? -1 : 1);
	if (a->seq != b->seq)
		return (a->seq < b->seq ? -1 : 1);
	return (0);
}

int
event_id_is_zero(const struct event_id *id)
{
	return (id->ms == 0 && id->seq == 0);
}
