#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include "cluster.h"
#include "harness.h"
#include "server.h"

#define ENV_MAX		32

static redisContext *
connect_port(int port)
{
	struct timeval	 tv = { 0, 300000 };
	redisContext	*c;

	c = redisConnectWithTimeout("127.0.0.1", port, tv);
	if (c != NULL && c->err) {
		redisFree(c);
		return (NULL);
	}
	if (c != NULL)
		redisSetTimeout(c, tv);
	return (c);
}

/* zeues:* clients of the server on port; -1 when it does not answer. */
static int
count_named(int port)
{
	redisContext	*c;
	redisReply	*r;
	const char	*p;
	int		 n = 0;

	if ((c = connect_port(port)) == NULL)
		return (-1);
	r = redisCommand(c, "CLIENT LIST");
	if (r == NULL || r->type != REDIS_REPLY_STRING) {
		n = -1;
	} else {
		for (p = r->str; (p = strstr(p, " name=zeues:")) != NULL; p++)
			n++;
	}
	if (r != NULL)
		freeReplyObject(r);
	redisFree(c);
	return (n);
}

int
test_cluster_connections(const struct test_cluster *cl, int *redis,
    int *sentinel)
{
	int	i, n, answered = 0;

	*redis = *sentinel = 0;
	for (i = 0; i < 2; i++) {
		if ((n = count_named(cl->redis_port + i)) >= 0) {
			*redis += n;
			answered++;
		}
	}
	for (i = 0; i < 3; i++) {
		if ((n = count_named(cl->sentinel_port + i)) >= 0) {
			*sentinel += n;
			answered++;
		}
	}
	return (answered > 0 ? 0 : -1);
}

int
test_cluster_primary(const struct test_cluster *cl)
{
	redisContext	*c;
	redisReply	*r;
	int		 i, port = -1;

	for (i = 0; i < 3 && port == -1; i++) {
		if ((c = connect_port(cl->sentinel_port + i)) == NULL)
			continue;
		r = redisCommand(c, "SENTINEL get-master-addr-by-name zeues");
		if (r != NULL && r->type == REDIS_REPLY_ARRAY &&
		    r->elements == 2)
			port = atoi(r->element[1]->str);
		if (r != NULL)
			freeReplyObject(r);
		redisFree(c);
	}
	return (port);
}

pid_t
test_cluster_pid(const struct test_cluster *cl, const char *name)
{
	char	path[700], buf[32];
	FILE	*f;
	pid_t	 pid = -1;

	snprintf(path, sizeof(path), "%s/pids/%s.pid", cl->dir, name);
	if ((f = fopen(path, "r")) == NULL)
		return (-1);
	if (fgets(buf, sizeof(buf), f) != NULL)
		pid = (pid_t)atol(buf);
	fclose(f);
	return (pid);
}

/* 1 when nothing holds 127.0.0.1:port (listening or connected). */
static int
port_free(int port)
{
	struct sockaddr_in	sin;
	int			fd, ok;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return (0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ok = bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0;
	close(fd);
	return (ok);
}

/*
 * n free ports in a row (Redis, its replica, three Sentinels), below the
 * kernel's ephemeral range, where the cluster's own outgoing connections
 * cannot take one between the choice and the bind.
 */
static int
free_run(int n)
{
	int	base, i, tries;

	for (tries = 0; tries < 200; tries++) {
		base = 20000 + (int)(random() % 12000);
		for (i = 0; i < n && port_free(base + i); i++)
			;
		if (i == n)
			return (base);
	}
	return (-1);
}

static int
in_run(const struct test_cluster *cl, int port)
{
	return (port >= cl->redis_port && port < cl->redis_port + 5);
}

static int	cluster_try(struct test_cluster *, char *const []);

/* Ports are free when picked, not when taken: a few tries. */
int
test_cluster_start(struct test_cluster *cl, char *const env_extra[])
{
	int	tries;

	for (tries = 0; tries < 3; tries++) {
		if (cluster_try(cl, env_extra) == 0)
			return (0);
		test_cluster_stop(cl);
	}
	return (-1);
}

static int
cluster_try(struct test_cluster *cl, char *const env_extra[])
{
	char		 env[ENV_MAX][700], *envp[ENV_MAX * 2], *argv[2];
	char		 url[128], ready[600];
	size_t		 n = 0, i;
	uint64_t	 until;
	long		 st;
	struct http_reply r;

	if (cl->budget == 0)
		cl->budget = 8;
	srandom((unsigned int)getpid() ^ (unsigned int)harness_now_ms());
	if ((cl->redis_port = free_run(5)) == -1)
		return (-1);
	cl->sentinel_port = cl->redis_port + 2;
	/* Nothing listens yet: keep the HTTP ports out of that run. */
	do {
		cl->port = harness_free_port();
		cl->port_a = harness_free_port();
		cl->port_b = harness_free_port();
	} while (in_run(cl, cl->port) || in_run(cl, cl->port_a) ||
	    in_run(cl, cl->port_b) || cl->port == cl->port_a ||
	    cl->port == cl->port_b || cl->port_a == cl->port_b);
	snprintf(cl->base, sizeof(cl->base), "http://127.0.0.1:%d", cl->port);
	snprintf(cl->base_a, sizeof(cl->base_a), "http://127.0.0.1:%d",
	    cl->port_a);
	snprintf(cl->base_b, sizeof(cl->base_b), "http://127.0.0.1:%d",
	    cl->port_b);
	snprintf(cl->dir, sizeof(cl->dir), "%s/cluster-%d", harness_tmpdir(),
	    cl->port);
	snprintf(cl->log, sizeof(cl->log), "%s.log", cl->dir);

	snprintf(env[n++], sizeof(env[0]), "CLUSTER_PORT=%d", cl->port);
	snprintf(env[n++], sizeof(env[0]), "CLUSTER_PORT_A=%d", cl->port_a);
	snprintf(env[n++], sizeof(env[0]), "CLUSTER_PORT_B=%d", cl->port_b);
	snprintf(env[n++], sizeof(env[0]), "CLUSTER_REDIS_PORT=%d",
	    cl->redis_port);
	snprintf(env[n++], sizeof(env[0]), "CLUSTER_SENTINEL_PORT=%d",
	    cl->sentinel_port);
	snprintf(env[n++], sizeof(env[0]), "CLUSTER_DIR=%s", cl->dir);
	snprintf(env[n++], sizeof(env[0]), "REDIS_POOL_MAX_CONNECTIONS=%d",
	    cl->budget);
	snprintf(env[n++], sizeof(env[0]), "ZEUES_MODULE=%s",
	    test_build_path("zeues.so"));
	for (i = 0; i < n; i++)
		envp[i] = env[i];
	for (i = 0; env_extra != NULL && env_extra[i] != NULL &&
	    n < ENV_MAX * 2 - 1; i++)
		envp[n++] = env_extra[i];
	envp[n] = NULL;

	argv[0] = (char *)test_repo_path("scripts/run-cluster");
	argv[1] = NULL;
	if ((cl->pid = harness_spawn(cl->log, argv, envp)) <= 0)
		return (-1);

	snprintf(ready, sizeof(ready), "%s/ready", cl->dir);
	until = harness_now_ms() + 60000;
	while (access(ready, F_OK) != 0) {
		if (harness_now_ms() > until ||
		    harness_wait_exit(cl->pid, 0) != -1)
			return (-1);
		harness_sleep_ms(100);
	}
	/* Both instances ready: Redis answers and the subscription is live. */
	for (i = 0; i < 2; i++) {
		snprintf(url, sizeof(url), "%s/readyz", i == 0 ? cl->base_a :
		    cl->base_b);
		for (st = 0; st != 200 && harness_now_ms() < until;) {
			memset(&r, 0, sizeof(r));
			st = http_get(url, 2000, &r) == 0 ? r.status : 0;
			http_reply_free(&r);
			if (st != 200)
				harness_sleep_ms(100);
		}
		if (st != 200)
			return (-1);
	}
	return (0);
}

int
test_cluster_stop(struct test_cluster *cl)
{
	char	path[700];
	int	bad = 0;

	if (cl->pid <= 0)
		return (0);
	harness_stop(cl->pid, 15000);
	/* Whatever outlived it: the script's children share its group. */
	kill(-cl->pid, SIGKILL);
	cl->pid = 0;
	snprintf(path, sizeof(path), "%s/log/zeues-a.log", cl->dir);
	bad |= !test_log_clean(path);
	snprintf(path, sizeof(path), "%s/log/zeues-b.log", cl->dir);
	bad |= !test_log_clean(path);
	return (bad ? -1 : 0);
}
