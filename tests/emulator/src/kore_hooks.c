/*
 * Kore hooks: configuration is checked once in the parent so a bad setup
 * fails at start-up, then each worker (there should be one) loads the
 * workbook and key into its own memory.
 */
#include <kore/kore.h>
#include <kore/hooks.h>
#include <kore/seccomp.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emulator.h"
#include "parent_watch.h"
#include "workbook_file.h"

#define TICK_MS		10

/*
 * What the worker needs beyond Kore's whitelist (found with seccomp_tracing
 * on Debian bookworm, glibc 2.36): fsync and rename to save the workbook,
 * mremap for glibc's realloc of large blocks (response buffers), gettid
 * and tgkill so that abort() can deliver SIGABRT, newfstatat, which
 * the sanitizer runtime needs to symbolise a report (SAN=1 builds), and
 * prctl and getppid, so that a worker never outlives its parent.
 */
KORE_SECCOMP_FILTER("emulator",
	KORE_SYSCALL_ALLOW(fsync),
	KORE_SYSCALL_ALLOW(rename),
	KORE_SYSCALL_ALLOW(mremap),
	KORE_SYSCALL_ALLOW(gettid),
	KORE_SYSCALL_ALLOW(tgkill),
	KORE_SYSCALL_ALLOW(newfstatat),
	KORE_SYSCALL_ALLOW(prctl),		/* parent_watch: PDEATHSIG */
	KORE_SYSCALL_ALLOW(getppid),
);

struct emulator	*emu;
/* Kore's parent (kore_pid is the worker's own pid in a worker). */
static pid_t	 parent_pid;

static void
emu_tick(void *arg, u_int64_t now)
{
	(void)arg;
	if (parent_watch_orphaned()) {
		kore_log(LOG_ERR, "emulator: the parent process is gone; "
		    "exiting");
		_exit(1);
	}
	emu_wake_due(now);
}

void
kore_parent_configure(int argc, char **argv)
{
	struct emu_config	 cfg;
	struct workbook		*wb;
	struct sa_key		 key;
	char			 err[512];

	(void)argc;
	(void)argv;
	parent_pid = getpid();
	if (emu_config_from_env(&cfg, err, sizeof(err)) == -1)
		fatalx("emulator: %s", err);
	if ((wb = workbook_load(cfg.workbook_path, err, sizeof(err))) == NULL)
		fatalx("emulator: workbook: %s", err);
	workbook_free(wb);
	if (sa_key_load(&key, cfg.key_path, err, sizeof(err)) == -1)
		fatalx("emulator: service account: %s", err);
	sa_key_free(&key);
}

void
kore_worker_configure(void)
{
	char	err[512];

	if (parent_watch_arm(parent_pid) == -1)
		fatalx("emulator: prctl(PR_SET_PDEATHSIG): %s", errno_s);
	if (parent_watch_orphaned())
		_exit(1);
	if ((emu = calloc(1, sizeof(*emu))) == NULL)
		fatalx("emulator: out of memory");
	if (emu_config_from_env(&emu->cfg, err, sizeof(err)) == -1)
		fatalx("emulator: %s", err);
	if ((emu->wb = workbook_load(emu->cfg.workbook_path, err,
	    sizeof(err))) == NULL)
		fatalx("emulator: workbook: %s", err);
	if (sa_key_load(&emu->key, emu->cfg.key_path, err, sizeof(err)) == -1)
		fatalx("emulator: service account: %s", err);

	quota_init(&emu->quota, emu->cfg.quota_reads, emu->cfg.quota_writes);
	faults_init(&emu->faults, emu->cfg.seed);
	faults_apply(&emu->faults, &emu->cfg.faults, kore_time_ms());
	TAILQ_INIT(&emu->waiting);
	(void)kore_timer_add(emu_tick, TICK_MS, NULL, 0);

	kore_log(LOG_NOTICE, "emulator: spreadsheet %s (%zu sheets) from %s, "
	    "quota %u reads/%u writes per minute",
	    emu->wb->spreadsheet_id, emu->wb->nsheets,
	    emu->cfg.workbook_path, emu->cfg.quota_reads,
	    emu->cfg.quota_writes);
}

void
kore_worker_teardown(void)
{
	if (emu == NULL)
		return;
	workbook_free(emu->wb);
	sa_key_free(&emu->key);
	free(emu);
	emu = NULL;
}
