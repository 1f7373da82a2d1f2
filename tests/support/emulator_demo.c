#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emulator_demo.h"
#include "harness.h"
#include "server.h"

/* The first line of path, without its newline. */
static int
first_line(const char *path, char *buf, size_t len)
{
	char	*text = emu_slurp(path);

	if (text == NULL)
		return (-1);
	text[strcspn(text, "\r\n")] = '\0';
	snprintf(buf, len, "%s", text);
	free(text);
	return (0);
}

int
emu_start_demo(struct emu *e)
{
	struct test_emulator	*te = &e->te;
	struct emulator_launch	 l;
	char			 port[16], path[640], state[640];
	/* run-stack's options: only where and which port. */
	char			*argv[] = { (char *)test_build_path(
				    "tests/emulator/zeues-demo-gen"), "--out",
				    te->dir, "--port", port, NULL };

	memset(e, 0, sizeof(*e));
	te->port = harness_free_port();
	snprintf(te->dir, sizeof(te->dir), "%s/demo-%d", harness_tmpdir(),
	    te->port);
	snprintf(te->log, sizeof(te->log), "%s/emulator.log", te->dir);
	snprintf(te->base, sizeof(te->base), "http://127.0.0.1:%d", te->port);
	mkdir(te->dir, 0700);
	snprintf(port, sizeof(port), "%d", te->port);
	if (harness_wait_exit(harness_spawn(te->log, argv, NULL), 60000) != 0) {
		fprintf(stderr, "demo generator failed; see %s\n", te->log);
		return (-1);
	}
	snprintf(path, sizeof(path), "%s/spreadsheet-id", te->dir);
	if (first_line(path, te->sheet_id, sizeof(te->sheet_id)) == -1)
		return (-1);
	snprintf(e->spreadsheet_id, sizeof(e->spreadsheet_id), "%s",
	    te->sheet_id);
	snprintf(e->base, sizeof(e->base), "%s", te->base);
	snprintf(e->key, sizeof(e->key), "%s/service-account.json", te->dir);
	snprintf(e->workbook, sizeof(e->workbook), "%s/workbook.json",
	    te->dir);
	snprintf(te->env_buf[0], sizeof(te->env_buf[0]), "GOOGLE_SHEET_ID=%s",
	    te->sheet_id);
	snprintf(te->env_buf[1], sizeof(te->env_buf[1]),
	    "SHEETS_API_BASE_URL=%s", te->base);
	snprintf(te->env_buf[2], sizeof(te->env_buf[2]),
	    "GOOGLE_APPLICATION_CREDENTIALS=%s", e->key);
	te->env[0] = te->env_buf[0];
	te->env[1] = te->env_buf[1];
	te->env[2] = te->env_buf[2];
	te->env[3] = NULL;

	snprintf(state, sizeof(state), "%s/state", te->dir);
	memset(&l, 0, sizeof(l));
	l.script = test_repo_path("tests/emulator/run-emulator.sh");
	l.port = te->port;
	l.workbook = e->workbook;
	l.key = e->key;
	l.state_dir = state;
	l.module = test_build_path("tests/emulator/sheets_emulator.so");
	l.log = te->log;
	l.timeout_ms = 30000;
	if ((te->pid = emulator_launch(&l)) <= 0) {
		te->pid = 0;
		fprintf(stderr, "emulator did not start; see %s\n", te->log);
		return (-1);
	}
	return (0);
}
