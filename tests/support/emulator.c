#include <sys/stat.h>
#include <sys/wait.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emulator.h"
#include "harness.h"
#include "server.h"

#define FLAGS_MAX	16

static const char *const	*emulator_flags;

static int
read_line(const char *path, char *buf, size_t len)
{
	FILE	*fp;
	size_t	 n;

	if ((fp = fopen(path, "r")) == NULL)
		return (-1);
	if (fgets(buf, (int)len, fp) == NULL) {
		fclose(fp);
		return (-1);
	}
	fclose(fp);
	n = strlen(buf);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return (0);
}

/*
 * Kore's parent listens before its worker has loaded the workbook, which
 * takes seconds for the demo workbook under AddressSanitizer: a test
 * whose first call waited for that would count it against its deadline.
 * Any HTTP answer means the worker serves.
 */
static int
emulator_answers(int port, uint64_t end)
{
	struct http_reply	r;
	char			url[64];
	uint64_t		now = harness_now_ms();
	int			answered;

	if (now >= end)
		return (0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/admin/counters", port);
	answered = http_get(url, end - now < 1000 ? (long)(end - now) : 1000,
	    &r) == 0;
	http_reply_free(&r);
	return (answered);
}

pid_t
emulator_launch(const struct emulator_launch *l)
{
	char		 port[16];
	char		*argv[FLAGS_MAX + 12];
	size_t		 n = 0, i;
	uint64_t	 end;
	pid_t		 pid;
	int		 status;

	snprintf(port, sizeof(port), "%d", l->port);
	argv[n++] = (char *)l->script;
	argv[n++] = "--port";
	argv[n++] = port;
	argv[n++] = "--workbook";
	argv[n++] = (char *)l->workbook;
	argv[n++] = "--service-account";
	argv[n++] = (char *)l->key;
	argv[n++] = "--state-dir";
	argv[n++] = (char *)l->state_dir;
	if (l->module != NULL) {
		argv[n++] = "--module";
		argv[n++] = (char *)l->module;
	}
	for (i = 0; l->flags != NULL && l->flags[i] != NULL; i++) {
		if (i == FLAGS_MAX)
			return (-1);
		argv[n++] = (char *)l->flags[i];
	}
	argv[n] = NULL;

	if ((pid = harness_spawn(l->log, argv, NULL)) <= 0)
		return (-1);
	end = harness_now_ms() + (uint64_t)l->timeout_ms;
	while (harness_now_ms() < end) {
		/* A bad configuration ends the process; do not wait it out. */
		if (waitpid(pid, &status, WNOHANG) == pid)
			return (-1);
		if (harness_wait_port(l->port, 100) == 0 &&
		    emulator_answers(l->port, end))
			return (pid);
	}
	harness_stop(pid, 5000);
	return (-1);
}

static int
spawn(struct test_emulator *e)
{
	struct emulator_launch	l;
	char			wb[640], sa[640], state[640];

	snprintf(wb, sizeof(wb), "%s/workbook.json", e->dir);
	snprintf(sa, sizeof(sa), "%s/service-account.json", e->dir);
	snprintf(state, sizeof(state), "%s/state", e->dir);
	memset(&l, 0, sizeof(l));
	l.script = test_repo_path("tests/emulator/run-emulator.sh");
	l.port = e->port;
	l.workbook = wb;
	l.key = sa;
	l.state_dir = state;
	l.module = test_build_path("tests/emulator/sheets_emulator.so");
	l.flags = emulator_flags;
	l.log = e->log;
	l.timeout_ms = 30000;
	if ((e->pid = emulator_launch(&l)) <= 0) {
		e->pid = 0;
		fprintf(stderr, "emulator did not start; see %s\n", e->log);
		return (-1);
	}
	return (0);
}

int
test_emulator_start(struct test_emulator *e, int spools, int workers,
    const char *const extra_flags[])
{
	char	 port[16], nspools[16], nworkers[16], path[640];
	char	*argv[] = { (char *)test_build_path(
		    "tests/emulator/zeues-demo-gen"), "--out", e->dir,
		    "--port", port, "--spools", nspools, "--workers", nworkers,
		    "--seed", "7", NULL };
	pid_t	 pid;
	int	 status;

	memset(e, 0, sizeof(*e));
	emulator_flags = extra_flags;
	e->port = harness_free_port();
	snprintf(e->dir, sizeof(e->dir), "%s/emulator-%d", harness_tmpdir(),
	    e->port);
	snprintf(e->log, sizeof(e->log), "%s/emulator.log", e->dir);
	snprintf(e->base, sizeof(e->base), "http://127.0.0.1:%d", e->port);
	mkdir(e->dir, 0700);
	snprintf(port, sizeof(port), "%d", e->port);
	snprintf(nspools, sizeof(nspools), "%d", spools);
	snprintf(nworkers, sizeof(nworkers), "%d", workers);

	pid = harness_spawn(e->log, argv, NULL);
	status = harness_wait_exit(pid, 60000);
	if (status != 0) {
		fprintf(stderr, "demo generator failed; see %s\n", e->log);
		return (-1);
	}
	snprintf(path, sizeof(path), "%s/spreadsheet-id", e->dir);
	if (read_line(path, e->sheet_id, sizeof(e->sheet_id)) == -1)
		return (-1);

	snprintf(e->env_buf[0], sizeof(e->env_buf[0]), "GOOGLE_SHEET_ID=%s",
	    e->sheet_id);
	snprintf(e->env_buf[1], sizeof(e->env_buf[1]),
	    "SHEETS_API_BASE_URL=%s", e->base);
	snprintf(e->env_buf[2], sizeof(e->env_buf[2]),
	    "GOOGLE_APPLICATION_CREDENTIALS=%s/service-account.json", e->dir);
	e->env[0] = e->env_buf[0];
	e->env[1] = e->env_buf[1];
	e->env[2] = e->env_buf[2];
	e->env[3] = NULL;
	return (spawn(e));
}

int
test_emulator_restart(struct test_emulator *e)
{
	return (spawn(e));
}

int
test_emulator_stop(struct test_emulator *e)
{
	if (e->pid > 0)
		harness_stop(e->pid, 10000);
	e->pid = 0;
	return (test_log_clean(e->log) ? 0 : -1);
}
