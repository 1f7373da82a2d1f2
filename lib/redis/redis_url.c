#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redis_url.h"

static int
fail(char *err, size_t errlen, const char *why)
{
	snprintf(err, errlen, "REDIS_URL: %s (expected "
	    "redis://[:password@]host:port[/db])", why);
	return (-1);
}

/* Copies [s, e) into dst of size dstlen, refusing truncation. */
static int
copy_span(char *dst, size_t dstlen, const char *s, const char *e)
{
	size_t	n = (size_t)(e - s);

	if (n >= dstlen)
		return (-1);
	memcpy(dst, s, n);
	dst[n] = '\0';
	return (0);
}

static int
parse_bounded_int(const char *s, const char *e, long lo, long hi, int *out)
{
	long	v = 0;

	if (s == e || e - s > 9)
		return (-1);
	for (; s < e; s++) {
		if (!isdigit((unsigned char)*s))
			return (-1);
		v = v * 10 + (*s - '0');
	}
	if (v < lo || v > hi)
		return (-1);
	*out = (int)v;
	return (0);
}

static int
valid_host(const char *h)
{
	const char	*p;

	if (*h == '\0')
		return (0);
	for (p = h; *p != '\0'; p++) {
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-' &&
		    *p != '_' && *p != ':')
			return (0);
	}
	return (1);
}

int
redis_url_parse(const char *url, struct redis_url *out, char *err,
    size_t errlen)
{
	const char	*p, *end, *at, *colon, *hs, *he, *slash;

	memset(out, 0, sizeof(*out));
	out->port = 6379;

	if (url == NULL || *url == '\0')
		return (fail(err, errlen, "empty"));
	if (strncmp(url, "redis://", 8) != 0)
		return (fail(err, errlen, "scheme must be redis://"));

	p = url + 8;
	end = p + strlen(p);
	for (const char *q = p; q < end; q++) {
		if ((unsigned char)*q <= 0x20 || (unsigned char)*q == 0x7f)
			return (fail(err, errlen,
			    "contains a space or control character"));
	}

	/* The password may itself contain '@' or ':': the last '@' ends it. */
	if ((at = strrchr(p, '@')) != NULL) {
		colon = memchr(p, ':', (size_t)(at - p));
		if (colon == NULL)
			return (fail(err, errlen,
			    "credentials need a ':' before the password"));
		if (copy_span(out->username, sizeof(out->username), p,
		    colon) == -1)
			return (fail(err, errlen, "username too long"));
		if (copy_span(out->password, sizeof(out->password), colon + 1,
		    at) == -1) {
			redis_url_clear(out);
			return (fail(err, errlen, "password too long"));
		}
		if (out->password[0] == '\0')
			return (fail(err, errlen, "empty password"));
		p = at + 1;
	}

	slash = strchr(p, '/');
	he = slash != NULL ? slash : end;

	if (*p == '[') {
		hs = p + 1;
		if ((colon = memchr(hs, ']', (size_t)(he - hs))) == NULL)
			goto bad_host;
		if (copy_span(out->host, sizeof(out->host), hs, colon) == -1)
			goto bad_host;
		colon++;
		if (colon < he && *colon != ':')
			goto bad_host;
		if (colon == he)
			colon = NULL;
	} else {
		hs = p;
		colon = memchr(hs, ':', (size_t)(he - hs));
		if (copy_span(out->host, sizeof(out->host), hs,
		    colon != NULL ? colon : he) == -1)
			goto bad_host;
	}
	if (!valid_host(out->host))
		goto bad_host;

	if (colon != NULL &&
	    parse_bounded_int(colon + 1, he, 1, 65535, &out->port) == -1) {
		redis_url_clear(out);
		return (fail(err, errlen, "port must be 1..65535"));
	}

	if (slash != NULL && slash + 1 < end &&
	    parse_bounded_int(slash + 1, end, 0, REDIS_URL_DB_MAX,
	    &out->db) == -1) {
		redis_url_clear(out);
		return (fail(err, errlen, "database must be a number 0..1023"));
	}
	return (0);

bad_host:
	redis_url_clear(out);
	return (fail(err, errlen, "missing or invalid host"));
}

void
redis_url_redacted(const struct redis_url *u, char *buf, size_t len)
{
	const char	*lb, *rb;

	lb = strchr(u->host, ':') != NULL ? "[" : "";
	rb = *lb != '\0' ? "]" : "";
	snprintf(buf, len, "redis://%s%s%s%s%s:%d/%d", u->username,
	    u->password[0] != '\0' ? ":***@" : (u->username[0] ? "@" : ""),
	    lb, u->host, rb, u->port, u->db);
}

void
redis_url_clear(struct redis_url *u)
{
	explicit_bzero(u->password, sizeof(u->password));
}
