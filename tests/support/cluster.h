/*
 * scripts/run-cluster under test: Redis primary + replica + three
 * Sentinels, two instances (a and b) and nginx on free loopback ports, the
 * state under the test's directory, pointed at the test's Sheets emulator
 * (env_extra carries GOOGLE_SHEET_ID and the rest), the module of the build
 * under test.  What the tests need to look at it from outside: the pid of
 * each process, the primary the Sentinels name, and the connections the
 * instances hold in Redis and in the Sentinels.
 */
#ifndef ZEUES_TEST_CLUSTER_H
#define ZEUES_TEST_CLUSTER_H

#include <sys/types.h>

struct test_cluster {
	int	port;			/* nginx */
	int	port_a;
	int	port_b;
	int	redis_port;		/* the first primary; replica + 1 */
	int	sentinel_port;		/* three from here */
	int	budget;			/* REDIS_POOL_MAX_CONNECTIONS each */
	pid_t	pid;			/* run-cluster */
	char	dir[512];
	char	log[600];
	char	base[64];		/* http://127.0.0.1:PORT (nginx) */
	char	base_a[64];
	char	base_b[64];
};

/* Starts it and waits until both instances are ready; 0 or -1. */
int	test_cluster_start(struct test_cluster *, char *const env_extra[]);
/* Stops everything; -1 if an instance's log has a sanitizer report. */
int	test_cluster_stop(struct test_cluster *);
/* The pid run-cluster recorded for name ("redis-PORT", "zeues-a", ...). */
pid_t	test_cluster_pid(const struct test_cluster *, const char *name);
/* The primary's port as the first Sentinel that answers names it, or -1. */
int	test_cluster_primary(const struct test_cluster *);
/*
 * Connections named zeues:* in both Redis servers and in the three
 * Sentinels (a server that is down counts 0); -1 when none answered.
 */
int	test_cluster_connections(const struct test_cluster *, int *redis,
	    int *sentinel);

#endif
