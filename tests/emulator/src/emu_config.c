/*
 * Environment parsing: strict, so a typo fails at start-up instead of
 * silently running with defaults.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "emu_config.h"

static int
env_u32(const char *name, uint32_t dflt, uint32_t lo, uint32_t hi,
    uint32_t *out, char *err, size_t errlen)
{
	const char		*s = getenv(name);
	char			*end;
	unsigned long long	 v;

	if (s == NULL || s[0] == '\0') {
		*out = dflt;
		return (0);
	}
	errno = 0;
	v = strtoull(s, &end, 10);
	if (!isdigit((unsigned char)s[0]) || *end != '\0' || errno != 0 ||
	    v < lo || v > hi) {
		(void)snprintf(err, errlen, "%s=%s: expected an integer in "
		    "[%u, %u]", name, s, lo, hi);
		return (-1);
	}
	*out = (uint32_t)v;
	return (0);
}

static int
env_rate(const char *name, double *out, char *err, size_t errlen)
{
	const char	*s = getenv(name);
	char		*end;
	double		 v;

	*out = 0;
	if (s == NULL || s[0] == '\0')
		return (0);
	errno = 0;
	v = strtod(s, &end);
	if (*end != '\0' || errno != 0 || !isfinite(v) || v < 0 || v > 1) {
		(void)snprintf(err, errlen, "%s=%s: expected a number in "
		    "[0, 1]", name, s);
		return (-1);
	}
	*out = v;
	return (0);
}

static int
env_path(const char *name, char *out, size_t outlen, char *err,
    size_t errlen)
{
	const char	*s = getenv(name);

	if (s == NULL || s[0] == '\0' || strlen(s) >= outlen) {
		(void)snprintf(err, errlen, "%s must name a file", name);
		return (-1);
	}
	(void)snprintf(out, outlen, "%s", s);
	return (0);
}

int
emu_config_from_env(struct emu_config *c, char *err, size_t errlen)
{
	struct fault_config	*f = &c->faults;
	const char		*s;
	uint32_t		 status, seed;

	memset(c, 0, sizeof(*c));
	if (env_path("EMULATOR_WORKBOOK", c->workbook_path,
	    sizeof(c->workbook_path), err, errlen) == -1 ||
	    env_path("EMULATOR_SERVICE_ACCOUNT", c->key_path,
	    sizeof(c->key_path), err, errlen) == -1)
		return (-1);
	if (env_u32("EMULATOR_TOKEN_TTL", EMU_TOKEN_TTL_DEFAULT, 1, 86400,
	    &c->token_ttl_s, err, errlen) == -1 ||
	    env_u32("EMULATOR_QUOTA_READS", 0, 0, 1000000, &c->quota_reads,
	    err, errlen) == -1 ||
	    env_u32("EMULATOR_QUOTA_WRITES", 0, 0, 1000000, &c->quota_writes,
	    err, errlen) == -1 ||
	    env_u32("EMULATOR_HANG_MAX_MS", EMU_HANG_MAX_DEFAULT, 1,
	    3600000, &c->hang_max_ms, err, errlen) == -1 ||
	    env_u32("EMULATOR_LATENCY_MS", 0, 0, FAULT_LATENCY_MAX_MS,
	    &f->latency_ms, err, errlen) == -1 ||
	    env_u32("EMULATOR_LATENCY_JITTER_MS", 0, 0, FAULT_LATENCY_MAX_MS,
	    &f->latency_jitter_ms, err, errlen) == -1 ||
	    env_u32("EMULATOR_ERROR_STATUS", FAULT_DEFAULT_STATUS, 400, 599,
	    &status, err, errlen) == -1 ||
	    env_u32("EMULATOR_STORM_429_SECONDS", 0, 0, FAULT_SECONDS_MAX,
	    &f->storm_429_seconds, err, errlen) == -1 ||
	    env_u32("EMULATOR_FAIL_ALL_SECONDS", 0, 0, FAULT_SECONDS_MAX,
	    &f->fail_all_seconds, err, errlen) == -1 ||
	    env_u32("EMULATOR_SEED", 0, 0, UINT32_MAX, &seed, err,
	    errlen) == -1 ||
	    env_rate("EMULATOR_ERROR_RATE", &f->error_rate, err,
	    errlen) == -1 ||
	    env_rate("EMULATOR_HANG_RATE", &f->hang_rate, err, errlen) == -1)
		return (-1);
	f->error_status = (int)status;

	s = getenv("EMULATOR_PROJECT_NUMBER");
	if (s == NULL || s[0] == '\0')
		s = EMU_PROJECT_DEFAULT;
	if (strlen(s) >= sizeof(c->project_number) ||
	    strspn(s, "0123456789") != strlen(s)) {
		(void)snprintf(err, errlen, "EMULATOR_PROJECT_NUMBER=%s: "
		    "expected digits", s);
		return (-1);
	}
	(void)snprintf(c->project_number, sizeof(c->project_number), "%s", s);

	/* Without a seed, fault coin flips differ from run to run. */
	c->seed = seed != 0 ? seed :
	    ((uint64_t)time(NULL) << 20) ^ (uint64_t)getpid();
	return (0);
}
