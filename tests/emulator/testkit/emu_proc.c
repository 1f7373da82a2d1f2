/*
 * Child process control for the golden test.
 */
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <netinet/in.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "emu_proc.h"

#define START_TIMEOUT_MS	20000	/* ASan builds start slowly */
#define STOP_TIMEOUT_MS		5000
#define POLL_MS			25
#define ARGS_MAX		64

static long long
now_ms(void)
{
	struct timespec	ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

static void
sleep_ms(int ms)
{
	struct timespec	ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

int
emu_free_port(void)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);
	int			fd, port = -1;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return (-1);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sin, &len) == 0)
		port = ntohs(sin.sin_port);
	(void)close(fd);
	return (port);
}

static int
port_open(int port)
{
	struct sockaddr_in	sin;
	int			fd, ok;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return (0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ok = connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0;
	(void)close(fd);
	return (ok);
}

/* In the child: own process group, output to log, die with the test. */
static void
child_exec(char *const argv[], const char *log)
{
	int	fd;

	(void)setpgid(0, 0);
	(void)prctl(PR_SET_PDEATHSIG, SIGTERM);
	if ((fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644)) != -1) {
		(void)dup2(fd, STDOUT_FILENO);
		(void)dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO)
			(void)close(fd);
	}
	execv(argv[0], argv);
	fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* Waits for pid until the deadline; returns the status or -1. */
static int
wait_until(pid_t pid, long long deadline, int *status)
{
	pid_t	r;

	for (;;) {
		r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return (0);
		if (r == -1 && errno != EINTR)
			return (-1);
		if (now_ms() >= deadline)
			return (-1);
		sleep_ms(POLL_MS);
	}
}

int
emu_run(char *const argv[], const char *log, int timeout_ms)
{
	pid_t	pid;
	int	status;

	if ((pid = fork()) == -1)
		return (-1);
	if (pid == 0)
		child_exec(argv, log);
	if (wait_until(pid, now_ms() + timeout_ms, &status) == -1) {
		(void)kill(-pid, SIGKILL);
		(void)kill(pid, SIGKILL);
		(void)waitpid(pid, &status, 0);
		return (-1);
	}
	return (WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

int
emu_start(struct emu_proc *p, int port, const char *workbook,
    const char *key, const char *state_dir, char *const argv_extra[],
    const char *log)
{
	const char	*script = getenv("EMULATOR_RUN");
	char		*argv[ARGS_MAX], portbuf[16];
	long long	 deadline;
	int		 n = 0, i, status;

	memset(p, 0, sizeof(*p));
	if (script == NULL)
		return (-1);
	(void)snprintf(portbuf, sizeof(portbuf), "%d", port);
	(void)snprintf(p->log, sizeof(p->log), "%s", log);
	argv[n++] = (char *)script;
	argv[n++] = "--port";
	argv[n++] = portbuf;
	argv[n++] = "--workbook";
	argv[n++] = (char *)workbook;
	argv[n++] = "--service-account";
	argv[n++] = (char *)key;
	argv[n++] = "--state-dir";
	argv[n++] = (char *)state_dir;
	for (i = 0; argv_extra != NULL && argv_extra[i] != NULL; i++) {
		if (n + 1 >= ARGS_MAX)
			return (-1);
		argv[n++] = argv_extra[i];
	}
	argv[n] = NULL;

	if ((p->pid = fork()) == -1) {
		p->pid = 0;
		return (-1);
	}
	if (p->pid == 0)
		child_exec(argv, log);
	p->port = port;

	deadline = now_ms() + START_TIMEOUT_MS;
	while (now_ms() < deadline) {
		if (waitpid(p->pid, &status, WNOHANG) == p->pid) {
			p->pid = 0;	/* it died: bad configuration */
			return (-1);
		}
		if (port_open(port))
			return (0);
		sleep_ms(POLL_MS);
	}
	emu_stop(p);
	return (-1);
}

void
emu_stop(struct emu_proc *p)
{
	int	status;

	if (p->pid <= 0)
		return;
	/* Kore's parent shuts its worker down in order. */
	(void)kill(p->pid, SIGTERM);
	if (wait_until(p->pid, now_ms() + STOP_TIMEOUT_MS, &status) == -1) {
		(void)kill(-p->pid, SIGKILL);
		(void)waitpid(p->pid, &status, 0);
	}
	/* Kore's worker is in the same group; make sure nothing is left. */
	(void)kill(-p->pid, SIGKILL);
	p->pid = 0;
}
