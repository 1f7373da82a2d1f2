/*
 * The emulator's settings, read from the environment when a worker starts
 * (run-emulator.sh turns its flags into these variables; see README).
 */
#ifndef EMU_CONFIG_H
#define EMU_CONFIG_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "faults.h"

#define EMU_TOKEN_TTL_DEFAULT	3599
#define EMU_HANG_MAX_DEFAULT	180000	/* Google's processing limit */
#define EMU_PROJECT_DEFAULT	"123456789012"

struct emu_config {
	char			workbook_path[PATH_MAX];
	char			key_path[PATH_MAX];
	uint32_t		token_ttl_s;
	uint32_t		quota_reads;	/* per minute, 0 = unlimited */
	uint32_t		quota_writes;
	uint32_t		hang_max_ms;
	char			project_number[32];
	struct fault_config	faults;
	uint64_t		seed;
};

/* 0, or -1 with err naming the bad variable. */
int	emu_config_from_env(struct emu_config *, char *err, size_t errlen);

#endif
