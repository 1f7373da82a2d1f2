/*
 * REDIS_URL: redis://[[username]:password@]host[:port][/db]
 * The password is kept for AUTH only; redis_url_redacted() is what logs see.
 */
#ifndef ZEUES_REDIS_URL_H
#define ZEUES_REDIS_URL_H

#include <stddef.h>

#define REDIS_URL_HOST_MAX	256
#define REDIS_URL_USER_MAX	128
#define REDIS_URL_PASS_MAX	512
#define REDIS_URL_DB_MAX	1023

struct redis_url {
	char		host[REDIS_URL_HOST_MAX];
	int		port;
	int		db;
	char		username[REDIS_URL_USER_MAX];	/* "" = default user */
	char		password[REDIS_URL_PASS_MAX];	/* "" = no AUTH */
};

/* Returns 0, or -1 with a one-line reason in err (never the password). */
int	redis_url_parse(const char *url, struct redis_url *out, char *err,
	    size_t errlen);

/* "redis://:***@host:port/db" — safe to log or return. */
void	redis_url_redacted(const struct redis_url *, char *buf, size_t len);

/* Scrubs the password from memory. */
void	redis_url_clear(struct redis_url *);

#endif
