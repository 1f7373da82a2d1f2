#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "harness.h"
#include "http_easy.h"

extern char	**environ;

uint64_t
harness_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000);
}

void
harness_sleep_ms(int ms)
{
	struct timespec	ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

int
harness_free_port(void)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);
	int			fd, port;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return (-1);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) == -1) {
		close(fd);
		return (-1);
	}
	port = ntohs(sin.sin_port);
	close(fd);
	return (port);
}

int
harness_wait_port(int port, int timeout_ms)
{
	struct sockaddr_in	sin;
	uint64_t		end = harness_now_ms() + (uint64_t)timeout_ms;
	int			fd, ok;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	do {
		if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
			return (-1);
		ok = connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0;
		close(fd);
		if (ok)
			return (0);
		harness_sleep_ms(20);
	} while (harness_now_ms() < end);
	return (-1);
}

const char *
harness_tmpdir(void)
{
	static char	dir[256];

	if (dir[0] == '\0') {
		snprintf(dir, sizeof(dir), "%s/zeues-test-%d",
		    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp",
		    (int)getpid());
		mkdir(dir, 0700);
	}
	return (dir);
}

pid_t
harness_spawn(const char *logpath, char *const argv[], char *const env_extra[])
{
	pid_t	pid;
	int	fd;
	size_t	i;

	if ((pid = fork()) == -1)
		return (-1);
	if (pid > 0)
		return (pid);

	/* Our children must not outlive a crashed test. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	setpgid(0, 0);
	if (logpath != NULL &&
	    (fd = open(logpath, O_WRONLY | O_CREAT | O_APPEND, 0644)) != -1) {
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		close(fd);
	}
	fd = open("/dev/null", O_RDONLY);
	if (fd != -1) {
		dup2(fd, STDIN_FILENO);
		close(fd);
	}
	for (i = 0; env_extra != NULL && env_extra[i] != NULL; i++)
		putenv(env_extra[i]);
	execvp(argv[0], argv);
	fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

int
harness_wait_exit(pid_t pid, int timeout_ms)
{
	uint64_t	end = harness_now_ms() + (uint64_t)timeout_ms;
	int		status;
	pid_t		r;

	for (;;) {
		r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			return (status);
		if (r == -1)
			return (-1);
		if (harness_now_ms() >= end)
			return (-1);
		harness_sleep_ms(10);
	}
}

int
harness_stop(pid_t pid, int timeout_ms)
{
	int	status;

	if (pid <= 0)
		return (-1);
	kill(pid, SIGTERM);
	if ((status = harness_wait_exit(pid, timeout_ms)) != -1)
		return (status);
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	return (harness_wait_exit(pid, 5000));
}

pid_t
harness_start_redis(int port, const char *dir)
{
	char	portbuf[16], log[512];
	pid_t	pid;
	char	*argv[] = { "redis-server", "--port", portbuf, "--bind",
		    "127.0.0.1", "--save", "", "--appendonly", "no", "--dir",
		    (char *)dir, "--maxclients", "10000", NULL };

	snprintf(portbuf, sizeof(portbuf), "%d", port);
	snprintf(log, sizeof(log), "%s/redis-%d.log", dir, port);
	pid = harness_spawn(log, argv, NULL);
	if (pid == -1 || harness_wait_port(port, 5000) == -1) {
		harness_stop(pid, 1000);
		return (-1);
	}
	return (pid);
}

char *
harness_redis_cli(int port, const char *args)
{
	char	 cmd[1024], *out = NULL;
	size_t	 len = 0, cap = 0;
	FILE	*fp;
	int	 ch;

	snprintf(cmd, sizeof(cmd), "redis-cli -p %d %s 2>/dev/null", port,
	    args);
	if ((fp = popen(cmd, "r")) == NULL)
		return (NULL);
	while ((ch = fgetc(fp)) != EOF) {
		if (len + 1 >= cap) {
			cap = cap ? cap * 2 : 4096;
			out = realloc(out, cap);
		}
		out[len++] = (char)ch;
	}
	pclose(fp);
	if (out == NULL)
		out = calloc(1, 1);
	else
		out[len] = '\0';
	return (out);
}

int
harness_redis_clients(int port, const char *prefix)
{
	char	*out, *line, *save, needle[160];
	int	 n = 0;

	if ((out = harness_redis_cli(port, "CLIENT LIST")) == NULL)
		return (-1);
	if (out[0] == '\0') {
		free(out);
		return (-1);
	}
	snprintf(needle, sizeof(needle), " name=%s", prefix);
	for (line = strtok_r(out, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (strstr(line, needle) != NULL)
			n++;
	}
	free(out);
	return (n);
}

int
http_request(const char *method, const char *url, const char *const *headers,
    const char *body, size_t bodylen, long timeout_ms, struct http_reply *out)
{
	CURL			*h;
	struct curl_slist	*hl = NULL;
	struct http_buf		 b = { NULL, 0 }, hb = { NULL, 0 };
	CURLcode		 rc;
	size_t			 i;

	memset(out, 0, sizeof(*out));
	if ((h = http_easy(method, url, timeout_ms, &b)) == NULL)
		return (-1);
	for (i = 0; headers != NULL && headers[i] != NULL; i++)
		hl = curl_slist_append(hl, headers[i]);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, http_buf_write);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, &hb);
	if (hl != NULL)
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
	if (body != NULL) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)bodylen);
	}
	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out->status);
	curl_easy_getinfo(h, CURLINFO_TOTAL_TIME, &out->seconds);
	out->curl_error = (int)rc;
	out->body = b.p != NULL ? b.p : calloc(1, 1);
	out->len = b.len;
	out->headers = hb.p != NULL ? hb.p : calloc(1, 1);
	curl_slist_free_all(hl);
	curl_easy_cleanup(h);
	return (rc == CURLE_OK ? 0 : -1);
}

int
http_get(const char *url, long timeout_ms, struct http_reply *out)
{
	return (http_request("GET", url, NULL, NULL, 0, timeout_ms, out));
}

void
http_reply_free(struct http_reply *r)
{
	free(r->body);
	free(r->headers);
	memset(r, 0, sizeof(*r));
}

int
http_reply_header(const struct http_reply *r, const char *name, char *buf,
    size_t len)
{
	const char	*line, *end, *v;
	size_t		 nlen = strlen(name), vlen;

	for (line = r->headers; line != NULL && *line != '\0'; line = end) {
		if ((end = strstr(line, "\r\n")) == NULL)
			end = line + strlen(line);
		if ((size_t)(end - line) > nlen && line[nlen] == ':' &&
		    strncasecmp(line, name, nlen) == 0) {
			for (v = line + nlen + 1; *v == ' '; v++)
				;
			vlen = (size_t)(end - v);
			if (vlen >= len)
				vlen = len - 1;
			memcpy(buf, v, vlen);
			buf[vlen] = '\0';
			return (0);
		}
		if (*end != '\0')
			end += 2;
	}
	return (-1);
}

yajl_val
http_reply_json(const struct http_reply *r)
{
	char	err[128];

	if (r->body == NULL)
		return (NULL);
	return (yajl_tree_parse(r->body, err, sizeof(err)));
}
