#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "sentinel_parse.h"

/* A port in [s, e): 1..65535, digits only. */
static int
port_parse(const char *s, const char *e, int *out)
{
	long	v = 0;

	if (s == e || e - s > 5)
		return (-1);
	for (; s < e; s++) {
		if (!isdigit((unsigned char)*s))
			return (-1);
		v = v * 10 + (*s - '0');
	}
	if (v < 1 || v > 65535)
		return (-1);
	*out = (int)v;
	return (0);
}

/* Host names, IPv4 and IPv6 literals: what Sentinel itself announces. */
static int
host_copy(char *dst, const char *s, const char *e)
{
	const char	*p;

	if (s == e || (size_t)(e - s) >= SENTINEL_HOST_MAX)
		return (-1);
	for (p = s; p < e; p++) {
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-' &&
		    *p != '_' && *p != ':')
			return (-1);
	}
	memcpy(dst, s, (size_t)(e - s));
	dst[e - s] = '\0';
	return (0);
}

/* One "host:port" or "[v6]:port" in [s, e). */
static int
entry_parse(const char *s, const char *e, struct sentinel_addr *a)
{
	const char	*colon, *close;

	if (s < e && *s == '[') {
		if ((close = memchr(s, ']', (size_t)(e - s))) == NULL ||
		    close + 1 >= e || close[1] != ':')
			return (-1);
		if (host_copy(a->host, s + 1, close) == -1)
			return (-1);
		return (port_parse(close + 2, e, &a->port));
	}
	for (colon = e; colon > s && colon[-1] != ':'; colon--)
		;
	if (colon == s || memchr(s, ':', (size_t)(colon - 1 - s)) != NULL)
		return (-1);	/* no port, or a bare IPv6 literal */
	if (host_copy(a->host, s, colon - 1) == -1)
		return (-1);
	return (port_parse(colon, e, &a->port));
}

int
sentinel_list_parse(const char *raw, struct sentinel_addr *out, size_t max,
    size_t *n, char *err, size_t errlen)
{
	const char	*p, *comma, *s, *e;
	size_t		 i;

	*n = 0;
	if (raw == NULL || *raw == '\0') {
		snprintf(err, errlen, "REDIS_SENTINELS: empty");
		return (-1);
	}
	for (p = raw;; p = comma + 1) {
		if ((comma = strchr(p, ',')) == NULL)
			comma = p + strlen(p);
		for (s = p; s < comma && *s == ' '; s++)
			;
		for (e = comma; e > s && e[-1] == ' '; e--)
			;
		if (*n == max) {
			snprintf(err, errlen, "REDIS_SENTINELS: more than %zu "
			    "Sentinels", max);
			return (-1);
		}
		if (entry_parse(s, e, &out[*n]) == -1) {
			snprintf(err, errlen, "REDIS_SENTINELS: entry %zu is "
			    "not host:port (or [ipv6]:port) with a port in "
			    "1..65535", *n + 1);
			return (-1);
		}
		for (i = 0; i < *n; i++) {
			if (strcmp(out[i].host, out[*n].host) == 0 &&
			    out[i].port == out[*n].port) {
				snprintf(err, errlen, "REDIS_SENTINELS: entry "
				    "%zu repeats entry %zu", *n + 1, i + 1);
				return (-1);
			}
		}
		(*n)++;
		if (*comma == '\0')
			break;
	}
	return (0);
}

int
sentinel_name_valid(const char *name)
{
	const char	*p;

	if (name == NULL || *name == '\0' ||
	    strlen(name) >= SENTINEL_NAME_MAX)
		return (0);
	for (p = name; *p != '\0'; p++) {
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-' &&
		    *p != '_')
			return (0);
	}
	return (1);
}

int
sentinel_master_reply(const redisReply *r, struct sentinel_addr *out)
{
	const redisReply	*h, *p;

	if (r == NULL || r->type != REDIS_REPLY_ARRAY || r->elements != 2)
		return (-1);
	h = r->element[0];
	p = r->element[1];
	if (h->type != REDIS_REPLY_STRING || p->type != REDIS_REPLY_STRING ||
	    strlen(h->str) != h->len || strlen(p->str) != p->len)
		return (-1);
	if (host_copy(out->host, h->str, h->str + h->len) == -1)
		return (-1);
	return (port_parse(p->str, p->str + p->len, &out->port));
}

/* The next space-separated word of [*p, e) into [*ws, *we). */
static int
word(const char **p, const char *e, const char **ws, const char **we)
{
	const char	*s = *p, *q;

	if (s >= e)
		return (-1);
	for (q = s; q < e && *q != ' '; q++)
		;
	if (q == s)
		return (-1);
	*ws = s;
	*we = q;
	*p = q < e ? q + 1 : q;
	return (0);
}

int
sentinel_switch_parse(const char *payload, size_t len, const char *master,
    struct sentinel_addr *out)
{
	const char		*p = payload, *e = payload + len, *ws[5], *we[5];
	struct sentinel_addr	 old;
	int			 i;

	for (i = 0; i < 5; i++) {
		if (word(&p, e, &ws[i], &we[i]) == -1)
			return (-1);
	}
	if (we[4] != e)
		return (-1);
	if (host_copy(old.host, ws[1], we[1]) == -1 ||
	    port_parse(ws[2], we[2], &old.port) == -1 ||
	    host_copy(out->host, ws[3], we[3]) == -1 ||
	    port_parse(ws[4], we[4], &out->port) == -1)
		return (-1);
	if ((size_t)(we[0] - ws[0]) != strlen(master) ||
	    memcmp(ws[0], master, strlen(master)) != 0)
		return (0);
	return (1);
}
