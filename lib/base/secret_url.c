/*
 * The transport rule for URLs that carry secrets; see secret_url.h.
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <string.h>
#include <strings.h>

#include "secret_url.h"

#define HOST_MAX	256

/* 127.0.0.0/8 in dotted form, ::1, or the name localhost. */
static int
host_is_loopback(const char *host)
{
	struct in_addr	 a4;
	struct in6_addr	 a6;

	if (strcasecmp(host, "localhost") == 0)
		return (1);
	if (inet_pton(AF_INET, host, &a4) == 1)
		return ((ntohl(a4.s_addr) >> 24) == 127);
	if (inet_pton(AF_INET6, host, &a6) == 1)
		return (IN6_IS_ADDR_LOOPBACK(&a6));
	return (0);
}

int
secret_url_allowed(const char *url)
{
	const char	*auth, *end, *at, *h, *hend;
	char		 host[HOST_MAX];
	size_t		 n;

	if (strncasecmp(url, "https://", 8) == 0)
		return (1);
	if (strncasecmp(url, "http://", 7) != 0)
		return (0);

	/* The authority ends at the path, query or fragment. */
	auth = url + 7;
	end = auth + strcspn(auth, "/?#");
	/* Credentials before the last '@' are not the host. */
	h = auth;
	for (at = auth; at < end; at++) {
		if (*at == '@')
			h = at + 1;
	}
	if (*h == '[') {
		if ((hend = memchr(h, ']', (size_t)(end - h))) == NULL)
			return (0);
		h++;
		if (hend + 1 != end && hend[1] != ':')
			return (0);
	} else {
		hend = memchr(h, ':', (size_t)(end - h));
		if (hend == NULL)
			hend = end;
	}
	n = (size_t)(hend - h);
	if (n == 0 || n >= sizeof(host))
		return (0);
	memcpy(host, h, n);
	host[n] = '\0';
	return (host_is_loopback(host));
}
