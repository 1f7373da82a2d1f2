#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "server.h"

#define ENV_MAX	32

const char *
test_repo_path(const char *rel)
{
	static char	buf[4][1024], cwd[768];
	static int	n;
	const char	*root = getenv("ZEUES_ROOT");
	char		*out = buf[n++ % 4];

	/* The server changes directory: paths handed to it are absolute. */
	if (root == NULL) {
		if (cwd[0] == '\0' && getcwd(cwd, sizeof(cwd)) == NULL)
			snprintf(cwd, sizeof(cwd), ".");
		root = cwd;
	}
	snprintf(out, sizeof(buf[0]), "%s/%s", root, rel);
	return (out);
}

const char *
test_build_path(const char *rel)
{
	static char	buf[4][1024];
	static int	n;
	const char	*build = getenv("ZEUES_BUILD");
	char		*out = buf[n++ % 4];

	snprintf(out, sizeof(buf[0]), "%s/%s", build != NULL ? build :
	    test_repo_path("build"), rel);
	return (out);
}

/* The value env_extra gives name, or def: what the server will see. */
static const char *
env_value(char *const env_extra[], const char *name, const char *def)
{
	size_t	i, n = strlen(name);

	for (i = 0; env_extra != NULL && env_extra[i] != NULL; i++)
		if (strncmp(env_extra[i], name, n) == 0 &&
		    env_extra[i][n] == '=')
			def = env_extra[i] + n + 1;
	return (def);
}

pid_t
test_server_spawn(struct test_server *s, char *const env_extra[])
{
	static char	env[ENV_MAX][1100];
	char		*envp[ENV_MAX + 1];
	char		*argv[2];
	size_t		 n = 0, i;

	if (s->port == 0)
		s->port = harness_free_port();
	snprintf(s->base, sizeof(s->base), "http://127.0.0.1:%d", s->port);
	snprintf(s->log, sizeof(s->log), "%s/server-%d.log", harness_tmpdir(),
	    s->port);
	snprintf(s->prefix, sizeof(s->prefix), "zeues:%s:",
	    env_value(env_extra, "INSTANCE_NAME", "main"));
	s->workers = atoi(env_value(env_extra, "WORKERS", "2"));
	/* A Redis the test brings (a password, say) is not ours to query. */
	s->own_redis = env_value(env_extra, "REDIS_URL", NULL) == NULL;

	snprintf(env[n++], sizeof(env[0]), "PORT=%d", s->port);
	snprintf(env[n++], sizeof(env[0]), "BIND=127.0.0.1");
	snprintf(env[n++], sizeof(env[0]), "REDIS_URL=redis://127.0.0.1:%d/0",
	    s->redis_port);
	snprintf(env[n++], sizeof(env[0]), "ZEUES_MODULE=%s",
	    test_build_path("zeues.so"));
	snprintf(env[n++], sizeof(env[0]), "ZEUES_STATE_DIR=%s/run-%d",
	    harness_tmpdir(), s->port);
	for (i = 0; i < n; i++)
		envp[i] = env[i];
	for (i = 0; env_extra != NULL && env_extra[i] != NULL &&
	    n < ENV_MAX; i++)
		envp[n++] = env_extra[i];
	envp[n] = NULL;

	argv[0] = (char *)test_repo_path("scripts/zeues-server");
	argv[1] = NULL;
	s->pid = harness_spawn(s->log, argv, envp);
	return (s->pid);
}

long
test_server_status(const struct test_server *s, const char *path,
    long timeout_ms)
{
	struct http_reply	r;
	char			url[256];
	long			status;

	snprintf(url, sizeof(url), "%s%s", s->base, path);
	if (http_get(url, timeout_ms, &r) == -1) {
		http_reply_free(&r);
		return (-1);
	}
	status = r.status;
	http_reply_free(&r);
	return (status);
}

int
test_server_start(struct test_server *s, char *const env_extra[])
{
	uint64_t	end;

	if (s->redis <= 0) {
		if (s->redis_port == 0)
			s->redis_port = harness_free_port();
		s->redis = harness_start_redis(s->redis_port,
		    harness_tmpdir());
		if (s->redis <= 0)
			return (-1);
	}
	if (test_server_spawn(s, env_extra) <= 0)
		return (-1);
	end = harness_now_ms() + 15000;
	while (harness_now_ms() < end) {
		/*
		 * /readyz speaks for the one worker that answered it; tests
		 * that count Redis clients need every worker's subscriber
		 * and first command connection up.
		 */
		if (test_server_status(s, "/readyz", 1000) == 200 &&
		    (!s->own_redis || harness_redis_clients(s->redis_port,
		    s->prefix) >= 2 * s->workers))
			return (0);
		harness_sleep_ms(50);
	}
	fprintf(stderr, "server did not become ready; see %s\n", s->log);
	return (-1);
}

/* Reports of the sanitizer build's runtimes, or a seccomp kill, in a log. */
static int
log_has_sanitizer_report(const char *path)
{
	static const char	*marks[] = { "ERROR: AddressSanitizer",
				    "ERROR: LeakSanitizer", "runtime error:",
				    "died from sandbox violation" };
	char			 line[1024];
	FILE			*fp;
	size_t			 i;
	int			 found = 0;

	if ((fp = fopen(path, "r")) == NULL)
		return (0);
	while (!found && fgets(line, sizeof(line), fp) != NULL) {
		for (i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
			if (strstr(line, marks[i]) != NULL) {
				fprintf(stderr, "%s: %s", path, line);
				found = 1;
			}
		}
	}
	fclose(fp);
	return (found);
}

int
test_log_clean(const char *path)
{
	return (!log_has_sanitizer_report(path));
}

int
test_server_stop(struct test_server *s)
{
	int	bad = 0;

	if (s->pid > 0) {
		harness_stop(s->pid, 10000);
		bad = log_has_sanitizer_report(s->log);
	}
	s->pid = 0;
	if (s->redis > 0)
		harness_stop(s->redis, 5000);
	s->redis = 0;
	return (bad ? -1 : 0);
}

long
test_server_workers_rss_kib(const struct test_server *s)
{
	struct http_reply	 r;
	yajl_val		 j, list;
	char			 url[128], path[64], line[256];
	FILE			*fp;
	long			 total = 0, kib;
	size_t			 i;

	snprintf(url, sizeof(url), "%s/api/redis-connection-stats", s->base);
	if (http_get(url, 5000, &r) != 0) {
		http_reply_free(&r);
		return (-1);
	}
	j = http_reply_json(&r);
	list = jpath(j, "per_worker", NULL);
	for (i = 0; list != NULL && i < list->u.array.len; i++) {
		snprintf(path, sizeof(path), "/proc/%lld/status",
		    jpath_int(list->u.array.values[i], 0, "pid", NULL));
		if ((fp = fopen(path, "r")) == NULL)
			continue;
		while (fgets(line, sizeof(line), fp) != NULL) {
			if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
				total += kib;
		}
		fclose(fp);
	}
	yajl_tree_free(j);
	http_reply_free(&r);
	return (total);
}
