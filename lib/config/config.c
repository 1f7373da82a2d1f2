#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access_log.h"
#include "config.h"
#include "nelem.h"

struct int_setting {
	const char	*name;
	long		 def;
	long		 min;
	long		 max;
	long		 scale;		/* seconds settings are kept in ms */
	int		*dst;
};

static int
parse_long(const char *s, long min, long max, long *out)
{
	char	*end;
	long	 v;

	if (s == NULL || *s == '\0' || isspace((unsigned char)*s))
		return (-1);
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return (-1);
	*out = v;
	return (0);
}

static int
load_int(const struct int_setting *s, config_getenv_fn *get, char *err,
    size_t errlen)
{
	const char	*raw = get(s->name);
	long		 v = s->def;
	char		 q[CONFIG_QUOTE_MAX];

	if (raw != NULL && parse_long(raw, s->min, s->max, &v) == -1) {
		snprintf(err, errlen, "%s: '%s' is not a whole number in "
		    "%ld..%ld", s->name, config_quote(raw, q, sizeof(q)),
		    s->min, s->max);
		return (-1);
	}
	*s->dst = (int)(v * s->scale);
	return (0);
}

/* Copies an identifier-like value: letters, digits, '-', '_', '.'. */
static int
load_word(const char *name, const char *def, config_getenv_fn *get,
    char *dst, size_t dstlen, char *err, size_t errlen)
{
	const char	*raw = get(name), *p;
	char		 q[CONFIG_QUOTE_MAX];

	if (raw == NULL)
		raw = def;
	if (*raw == '\0' || strlen(raw) >= dstlen)
		goto bad;
	for (p = raw; *p != '\0'; p++) {
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' &&
		    *p != '.')
			goto bad;
	}
	memcpy(dst, raw, strlen(raw) + 1);
	return (0);
bad:
	snprintf(err, errlen, "%s: '%s' must be 1..%zu characters of "
	    "[A-Za-z0-9._-]", name, config_quote(raw, q, sizeof(q)), dstlen - 1);
	return (-1);
}

static int
load_log_level(struct zeues_config *cfg, config_getenv_fn *get, char *err,
    size_t errlen)
{
	static const char	*names[] = { "error", "warning", "info",
				    "debug" };
	const char		*raw = get("LOG_LEVEL");
	char			 q[CONFIG_QUOTE_MAX];
	size_t			 i;

	if (raw == NULL) {
		cfg->log_level = LOG_LEVEL_INFO;
		return (0);
	}
	for (i = 0; i < NELEM(names); i++) {
		if (strcasecmp(raw, names[i]) == 0) {
			cfg->log_level = (enum log_level)i;
			return (0);
		}
	}
	snprintf(err, errlen, "LOG_LEVEL: '%s' must be one of error, "
	    "warning, info, debug", config_quote(raw, q, sizeof(q)));
	return (-1);
}

static int
load_bool(const char *name, int def, config_getenv_fn *get, int *dst,
    char *err, size_t errlen)
{
	const char	*raw = get(name);
	char		 q[CONFIG_QUOTE_MAX];

	if (raw == NULL)
		*dst = def;
	else if (strcasecmp(raw, "true") == 0 || strcmp(raw, "1") == 0)
		*dst = 1;
	else if (strcasecmp(raw, "false") == 0 || strcmp(raw, "0") == 0)
		*dst = 0;
	else {
		snprintf(err, errlen, "%s: '%s' must be true or false", name,
		    config_quote(raw, q, sizeof(q)));
		return (-1);
	}
	return (0);
}

/* Spelled as Kore's own seccomp_tracing directive is. */
static int
load_yes_no(const char *name, int def, config_getenv_fn *get, int *dst,
    char *err, size_t errlen)
{
	const char	*raw = get(name);
	char		 q[CONFIG_QUOTE_MAX];

	if (raw == NULL)
		*dst = def;
	else if (strcmp(raw, "yes") == 0)
		*dst = 1;
	else if (strcmp(raw, "no") == 0)
		*dst = 0;
	else {
		snprintf(err, errlen, "%s: '%s' must be yes or no", name,
		    config_quote(raw, q, sizeof(q)));
		return (-1);
	}
	return (0);
}

/* The zone must exist now: glibc would fall back to UTC in silence. */
static int
load_timezone(struct zeues_config *cfg, config_getenv_fn *get, char *err,
    size_t errlen)
{
	const char	*raw = get("TIMEZONE");
	char		 why[192], *p;

	if (raw == NULL || *raw == '\0')
		raw = ZONE_DEFAULT;
	if (zone_check(raw, why, sizeof(why)) == -1) {
		/* The reason quotes the name: keep the message one line. */
		for (p = why; *p != '\0'; p++) {
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = '?';
		}
		snprintf(err, errlen, "TIMEZONE: %s", why);
		return (-1);
	}
	snprintf(cfg->timezone, sizeof(cfg->timezone), "%s", raw);
	return (0);
}

/* Origins are scheme://host[:port] with no path; "*" allows any. */
static int
valid_origin(const char *o)
{
	const char	*host;

	if (strcmp(o, "*") == 0)
		return (1);
	if (strncmp(o, "http://", 7) == 0)
		host = o + 7;
	else if (strncmp(o, "https://", 8) == 0)
		host = o + 8;
	else
		return (0);
	if (*host == '\0')
		return (0);
	for (; *host != '\0'; host++) {
		if (!isalnum((unsigned char)*host) && *host != '.' &&
		    *host != '-' && *host != ':' && *host != '[' &&
		    *host != ']')
			return (0);
	}
	return (1);
}

static int
load_origins(struct zeues_config *cfg, config_getenv_fn *get, char *err,
    size_t errlen)
{
	const char	*raw = get("ALLOWED_ORIGINS"), *p, *comma;
	char		 q[CONFIG_QUOTE_MAX];
	size_t		 n;

	cfg->norigins = 0;
	if (raw == NULL)
		raw = "http://localhost:3000";
	for (p = raw; *p != '\0'; p = *comma != '\0' ? comma + 1 : comma) {
		while (*p == ' ')
			p++;
		if ((comma = strchr(p, ',')) == NULL)
			comma = p + strlen(p);
		n = (size_t)(comma - p);
		while (n > 0 && p[n - 1] == ' ')
			n--;
		if (n == 0)
			continue;
		if (cfg->norigins == CONFIG_ORIGINS_MAX) {
			snprintf(err, errlen, "ALLOWED_ORIGINS: more than %d "
			    "origins", CONFIG_ORIGINS_MAX);
			return (-1);
		}
		if (n >= CONFIG_ORIGIN_LEN) {
			snprintf(err, errlen, "ALLOWED_ORIGINS: an origin is "
			    "longer than %d characters", CONFIG_ORIGIN_LEN - 1);
			return (-1);
		}
		memcpy(cfg->origins[cfg->norigins], p, n);
		cfg->origins[cfg->norigins][n] = '\0';
		if (!valid_origin(cfg->origins[cfg->norigins])) {
			snprintf(err, errlen, "ALLOWED_ORIGINS: '%s' is not "
			    "an origin like https://host[:port] or *",
			    config_quote(cfg->origins[cfg->norigins], q,
			    sizeof(q)));
			return (-1);
		}
		cfg->norigins++;
	}
	return (0);
}

int
config_worker_command_share(int budget, int workers, char *err,
    size_t errlen)
{
	int	share;

	if (workers < 1 || budget < 1) {
		snprintf(err, errlen, "WORKERS and REDIS_POOL_MAX_CONNECTIONS "
		    "must be positive");
		return (-1);
	}
	share = budget / workers - 1;
	if (share < 1) {
		snprintf(err, errlen, "REDIS_POOL_MAX_CONNECTIONS=%d cannot fit "
		    "WORKERS=%d: each worker needs 1 subscriber + at least 1 "
		    "command connection, %d x (1 + 1) = %d > %d",
		    budget, workers, workers, workers * 2, budget);
		return (-1);
	}
	return (share);
}

int
config_worker_redis_share(const struct zeues_config *cfg, char *err,
    size_t errlen)
{
	int	share;

	share = config_worker_command_share(cfg->redis_budget, cfg->workers,
	    err, errlen);
	if (share == -1 || cfg->nsentinels == 0)
		return (share);
	if (share < 2) {
		snprintf(err, errlen, "REDIS_POOL_MAX_CONNECTIONS=%d cannot fit "
		    "WORKERS=%d with REDIS_SENTINELS: each worker needs 1 "
		    "subscriber + 1 Sentinel + at least 1 command connection, "
		    "%d x 3 = %d > %d", cfg->redis_budget, cfg->workers,
		    cfg->workers, cfg->workers * 3, cfg->redis_budget);
		return (-1);
	}
	return (share - 1);
}

/* REDIS_SENTINELS and REDIS_SENTINEL_MASTER come together or not at all. */
static int
load_sentinels(struct zeues_config *cfg, config_getenv_fn *get, char *err,
    size_t errlen)
{
	const char	*list = get("REDIS_SENTINELS");
	const char	*master = get("REDIS_SENTINEL_MASTER");
	const char	*pw = get("REDIS_SENTINEL_PASSWORD");
	char		 q[CONFIG_QUOTE_MAX];

	if (list == NULL || *list == '\0') {
		if ((master != NULL && *master != '\0') ||
		    (pw != NULL && *pw != '\0')) {
			snprintf(err, errlen, "REDIS_SENTINEL_MASTER and "
			    "REDIS_SENTINEL_PASSWORD need REDIS_SENTINELS");
			return (-1);
		}
		return (0);
	}
	if (sentinel_list_parse(list, cfg->sentinels, SENTINEL_LIST_MAX,
	    &cfg->nsentinels, err, errlen) == -1)
		return (-1);
	if (master == NULL || !sentinel_name_valid(master)) {
		snprintf(err, errlen, "REDIS_SENTINEL_MASTER: '%s' must be "
		    "1..%d characters of [A-Za-z0-9._-] (required with "
		    "REDIS_SENTINELS)", config_quote(master != NULL ? master :
		    "", q, sizeof(q)), SENTINEL_NAME_MAX - 1);
		return (-1);
	}
	snprintf(cfg->sentinel_master, sizeof(cfg->sentinel_master), "%s",
	    master);
	if (pw != NULL && *pw != '\0') {
		/* A secret: never quoted. */
		if (strlen(pw) >= sizeof(cfg->sentinel_password) ||
		    strpbrk(pw, " \t\r\n") != NULL) {
			snprintf(err, errlen, "REDIS_SENTINEL_PASSWORD: must be "
			    "1..%zu characters without spaces",
			    sizeof(cfg->sentinel_password) - 1);
			return (-1);
		}
		snprintf(cfg->sentinel_password,
		    sizeof(cfg->sentinel_password), "%s", pw);
	}
	return (0);
}

static int
load_ops_token(struct zeues_config *cfg, config_getenv_fn *get, char *err,
    size_t errlen)
{
	const char	*v;

	if ((v = get("OPS_TOKEN")) == NULL || *v == '\0')
		return (0);
	/* The value is a secret: the message never quotes it. */
	if (!bearer_token_valid(v)) {
		snprintf(err, errlen, "OPS_TOKEN: must be %d to %d printable "
		    "characters without spaces", BEARER_TOKEN_MIN,
		    BEARER_TOKEN_MAX);
		return (-1);
	}
	snprintf(cfg->ops_token, sizeof(cfg->ops_token), "%s", v);
	return (0);
}

static int
load_access_log(struct zeues_config *cfg, config_getenv_fn *get, char *err,
    size_t errlen)
{
	const char	*v;
	char		 q[CONFIG_QUOTE_MAX];

	cfg->access_log = 1;
	if ((v = get("ACCESS_LOG")) != NULL && strcmp(v, "off") == 0)
		cfg->access_log = 0;
	else if (v != NULL && strcmp(v, "stderr") != 0 &&
	    strcmp(v, "on") != 0) {
		snprintf(err, errlen, "ACCESS_LOG: '%s' is not one of stderr, "
		    "on, off", config_quote(v, q, sizeof(q)));
		return (-1);
	}
	cfg->log_format = ACCESS_LOG_LOGFMT;
	if ((v = get("LOG_FORMAT")) != NULL &&
	    (cfg->log_format = access_log_format_parse(v)) == -1) {
		snprintf(err, errlen, "LOG_FORMAT: '%s' is not one of logfmt, "
		    "json", config_quote(v, q, sizeof(q)));
		return (-1);
	}
	return (0);
}

int
config_load(struct zeues_config *cfg, config_getenv_fn *get, char *err,
    size_t errlen)
{
	const char	*url;
	int		 max_body, i;
	const struct int_setting ints[] = {
		{ "PORT", 8000, 1, 65535, 1, &cfg->port },
		{ "WORKERS", 2, 1, 64, 1, &cfg->workers },
		{ "REDIS_POOL_MAX_CONNECTIONS", 20, 2, 10000, 1,
		    &cfg->redis_budget },
		{ "REDIS_SOCKET_TIMEOUT", 5, 1, 300, 1000,
		    &cfg->redis_socket_timeout_ms },
		{ "REDIS_SOCKET_CONNECT_TIMEOUT", 5, 1, 300, 1000,
		    &cfg->redis_connect_timeout_ms },
		{ "REDIS_HEALTH_CHECK_INTERVAL", 30, 1, 3600, 1000,
		    &cfg->redis_health_interval_ms },
		{ "REDIS_POOL_IDLE_TIMEOUT", 60, 1, 86400, 1000,
		    &cfg->redis_idle_timeout_ms },
		{ "REDIS_POOL_GROW_DEPTH", 64, 1, 100000, 1,
		    &cfg->redis_grow_depth },
		{ "REDIS_POOL_WAIT_QUEUE", 1024, 1, 1000000, 1,
		    &cfg->redis_wait_queue_max },
		{ "REQUEST_DEADLINE_MS", 10000, 100, 600000, 1,
		    &cfg->request_deadline_ms },
		{ "RECONCILE_INTERVAL_SECONDS", 120, 1, 86400, 1000,
		    &cfg->reconcile_interval_ms },
		{ "RECONCILE_GRACE_SECONDS", 300, 0, 86400, 1000,
		    &cfg->reconcile_grace_ms },
		{ "SSE_MAX_CLIENTS_PER_WORKER", 1000, 1, 100000, 1,
		    &cfg->sse_max_clients },
		{ "SSE_HEARTBEAT_SECONDS", 15, 1, 3600, 1000,
		    &cfg->sse_heartbeat_ms },
		{ "SSE_MAX_UNSENT_BYTES", 65536, 1024, 16777216, 1,
		    &cfg->sse_max_unsent },
		{ "MAX_BODY_BYTES", 65536, 256, 1048576, 1, &max_body },
		/* Kore's: its types bound the timers; pools are preallocated. */
		{ "HTTP_KEEPALIVE_TIME", 20, 0, 65535, 1,
		    &cfg->http_keepalive_s },
		{ "HTTP_HEADER_TIMEOUT", 10, 1, 65535, 1,
		    &cfg->http_header_timeout_s },
		{ "HTTP_REQUEST_LIMIT", 2048, 1, 100000, 1,
		    &cfg->http_request_limit },
		{ "WORKER_MAX_CONNECTIONS", 2048, 1, 100000, 1,
		    &cfg->worker_max_connections },
		{ "WORKER_NOFILES", 8192, 64, 1048576, 1,
		    &cfg->worker_nofiles },
	};

	memset(cfg, 0, sizeof(*cfg));

	for (i = 0; i < (int)NELEM(ints); i++) {
		if (load_int(&ints[i], get, err, errlen) == -1)
			return (-1);
	}
	cfg->max_body_bytes = (size_t)max_body;

	if (load_word("ENVIRONMENT", "development", get, cfg->environment,
	    sizeof(cfg->environment), err, errlen) == -1)
		return (-1);
	if (load_word("INSTANCE_NAME", "main", get, cfg->instance,
	    sizeof(cfg->instance), err, errlen) == -1)
		return (-1);
	if (load_log_level(cfg, get, err, errlen) == -1)
		return (-1);
	if (load_origins(cfg, get, err, errlen) == -1)
		return (-1);
	if (load_bool("REQUIRE_LOCK_TOKEN", 0, get, &cfg->require_lock_token,
	    err, errlen) == -1)
		return (-1);
	if (load_ops_token(cfg, get, err, errlen) == -1)
		return (-1);
	if (load_access_log(cfg, get, err, errlen) == -1)
		return (-1);
	if (load_yes_no("SECCOMP_TRACING", 0, get, &cfg->seccomp_tracing, err,
	    errlen) == -1)
		return (-1);
	if (load_timezone(cfg, get, err, errlen) == -1)
		return (-1);

	if ((url = get("REDIS_URL")) == NULL)
		url = "redis://127.0.0.1:6379/0";
	if (redis_url_parse(url, &cfg->redis, err, errlen) == -1)
		return (-1);
	if (load_sentinels(cfg, get, err, errlen) == -1)
		return (-1);

	if (config_worker_redis_share(cfg, err, errlen) == -1)
		return (-1);
	return (0);
}

const char *
config_quote(const char *raw, char *buf, size_t len)
{
	size_t	i;

	for (i = 0; raw[i] != '\0' && i + 1 < len; i++) {
		buf[i] = (unsigned char)raw[i] < 0x20 || raw[i] == 0x7f ?
		    '?' : raw[i];
	}
	buf[i] = '\0';
	return (buf);
}

int
config_origin_allowed(const struct zeues_config *cfg, const char *origin)
{
	size_t	i;

	for (i = 0; i < cfg->norigins; i++) {
		if (strcmp(cfg->origins[i], "*") == 0 ||
		    strcmp(cfg->origins[i], origin) == 0)
			return (1);
	}
	return (0);
}

int
config_origin_listed(const struct zeues_config *cfg, const char *origin)
{
	size_t	i;

	for (i = 0; i < cfg->norigins; i++) {
		if (strcmp(cfg->origins[i], origin) == 0)
			return (1);
	}
	return (0);
}

int
config_origins_wildcard(const struct zeues_config *cfg)
{
	return (config_origin_listed(cfg, "*"));
}

const char *
config_log_level_name(enum log_level l)
{
	switch (l) {
	case LOG_LEVEL_ERROR:
		return ("error");
	case LOG_LEVEL_WARNING:
		return ("warning");
	case LOG_LEVEL_INFO:
		return ("info");
	case LOG_LEVEL_DEBUG:
		return ("debug");
	}
	return ("info");
}
