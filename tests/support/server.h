/*
 * The real server under test: scripts/zeues-server with the module of the
 * build being tested (ZEUES_BUILD, default build/), its own redis-server
 * on a free port, its state and log under the test's temporary directory.
 */
#ifndef ZEUES_TEST_SERVER_H
#define ZEUES_TEST_SERVER_H

#include <sys/types.h>

struct test_server {
	int	port;
	int	redis_port;
	pid_t	pid;
	pid_t	redis;
	char	base[64];		/* http://127.0.0.1:PORT */
	char	log[512];
	char	prefix[64];		/* CLIENT SETNAME prefix */
	int	workers;		/* WORKERS as the server sees it */
	int	own_redis;		/* REDIS_URL is the harness's */
};

/*
 * Starts Redis (unless redis_port is already set and running) and the
 * server with env_extra ("NAME=value", NULL-terminated) added, and waits
 * for /readyz and, on the harness's own Redis, for every worker's
 * subscriber and first command connection in Redis's CLIENT LIST.  Returns 0, or -1 with the log left
 * in place.
 */
int	test_server_start(struct test_server *, char *const env_extra[]);
/*
 * Stops the server and its Redis; -1 if the server's log holds a sanitizer
 * report or a seccomp kill, so every test that stops a server checks it.
 */
int	test_server_stop(struct test_server *);
/* Starts only the server process; does not wait for readiness. */
pid_t	test_server_spawn(struct test_server *, char *const env_extra[]);
/* 0 if the log at path holds a sanitizer report or a seccomp kill. */
int	test_log_clean(const char *path);
/* GET base+path; returns the status or -1. */
long	test_server_status(const struct test_server *, const char *path,
	    long timeout_ms);
/* Resident memory of the server's workers together, in KiB; -1 on error. */
long	test_server_workers_rss_kib(const struct test_server *);
/* The path of a file of the repository or of the build. */
const char	*test_repo_path(const char *rel);
const char	*test_build_path(const char *rel);

#endif
