/*
 * What the server reads from and about Redis Sentinel, as pure functions:
 * REDIS_SENTINELS (host:port,host:port,...), the reply to SENTINEL
 * get-master-addr-by-name, and the payload of a +switch-master message
 * ("<name> <old-ip> <old-port> <new-ip> <new-port>").  Hosts are names,
 * IPv4, or IPv6 (bracketed in the list, bare in Sentinel's own words).
 */
#ifndef ZEUES_SENTINEL_PARSE_H
#define ZEUES_SENTINEL_PARSE_H

#include <stddef.h>

#include <hiredis/hiredis.h>

#define SENTINEL_HOST_MAX	256
#define SENTINEL_LIST_MAX	16
#define SENTINEL_NAME_MAX	128

struct sentinel_addr {
	char	host[SENTINEL_HOST_MAX];
	int	port;
};

/*
 * REDIS_SENTINELS into out[0..*n): at least one, at most max, no
 * duplicates.  -1 with a one-line reason in err.
 */
int	sentinel_list_parse(const char *raw, struct sentinel_addr *out,
	    size_t max, size_t *n, char *err, size_t errlen);

/* 1 when name is a valid REDIS_SENTINEL_MASTER (Sentinel's own rules). */
int	sentinel_name_valid(const char *name);

/*
 * The primary in a get-master-addr-by-name reply: 0, or -1 when the reply
 * is a nil (Sentinel does not know the name), an error, or malformed.
 */
int	sentinel_master_reply(const redisReply *, struct sentinel_addr *);

/*
 * A +switch-master payload of len bytes: 1 with the new primary in out
 * when it names master, 0 when it names another master, -1 malformed.
 */
int	sentinel_switch_parse(const char *payload, size_t len,
	    const char *master, struct sentinel_addr *out);

#endif
