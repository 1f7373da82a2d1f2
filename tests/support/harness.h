/*
 * What integration tests need to run real parts: free ports, child
 * processes (redis-server, the server, the Sheets emulator) started and
 * always stopped, and a small HTTP client on libcurl.
 */
#ifndef ZEUES_HARNESS_H
#define ZEUES_HARNESS_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include <yajl/yajl_tree.h>

#include "json_path.h"

uint64_t	harness_now_ms(void);
void		harness_sleep_ms(int ms);

/* A TCP port on 127.0.0.1 that nothing listens on right now. */
int		harness_free_port(void);
/* Polls until something accepts on 127.0.0.1:port; 0 or -1 on timeout. */
int		harness_wait_port(int port, int timeout_ms);

/*
 * Starts argv[0] (found via PATH) with the current environment plus
 * env_extra ("NAME=value", NULL-terminated, may be NULL), stdout and
 * stderr appended to logpath.  The child is killed if the test dies.
 */
pid_t		harness_spawn(const char *logpath, char *const argv[],
		    char *const env_extra[]);
/* SIGTERM, up to timeout_ms, then SIGKILL; returns the exit status. */
int		harness_stop(pid_t pid, int timeout_ms);
/* Waits up to timeout_ms for pid to exit; its wait status, or -1. */
int		harness_wait_exit(pid_t pid, int timeout_ms);

/* A private redis-server on port, its files under dir. */
pid_t		harness_start_redis(int port, const char *dir);
/* Runs redis-cli against port; its stdout (caller frees), or NULL. */
char		*harness_redis_cli(int port, const char *args);
/* Clients whose name starts with prefix, from CLIENT LIST; -1 on error. */
int		harness_redis_clients(int port, const char *prefix);

/* The directory tests may write to (created on first use). */
const char	*harness_tmpdir(void);

struct http_reply {
	long	 status;
	char	*body;
	size_t	 len;
	char	*headers;		/* raw header block */
	double	 seconds;
	int	 curl_error;		/* 0 when a response arrived */
};

/*
 * One request; headers is NULL-terminated "Name: value" strings or NULL.
 * Returns 0 when any HTTP response arrived, -1 on a transport error.
 */
int	http_request(const char *method, const char *url,
	    const char *const *headers, const char *body, size_t bodylen,
	    long timeout_ms, struct http_reply *out);
int	http_get(const char *url, long timeout_ms, struct http_reply *out);
void	http_reply_free(struct http_reply *);
/* Value of a response header (case-insensitive), copied into buf. */
int	http_reply_header(const struct http_reply *, const char *name,
	    char *buf, size_t len);

/* Parses the body as JSON; NULL if it is not JSON. Free with yajl_tree_free. */
yajl_val	http_reply_json(const struct http_reply *);

#endif
