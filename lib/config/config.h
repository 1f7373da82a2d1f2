/*
 * The server's configuration, read once from the environment in the parent
 * process and validated before any worker starts.  Every bad value is
 * refused with one line naming the variable; nothing falls back silently.
 */
#ifndef ZEUES_CONFIG_H
#define ZEUES_CONFIG_H

#include <stddef.h>

#include "bearer_token.h"
#include "log_sink.h"
#include "redis_url.h"
#include "sentinel_parse.h"
#include "sheet_dates.h"

#define CONFIG_ORIGINS_MAX	16
#define CONFIG_ORIGIN_LEN	256

struct zeues_config {
	char		environment[32];	/* ENVIRONMENT */
	char		instance[48];		/* INSTANCE_NAME: CLIENT SETNAME tag */
	enum log_level	log_level;		/* LOG_LEVEL */
	int		port;			/* PORT */
	int		workers;		/* WORKERS */

	struct redis_url redis;			/* REDIS_URL */
	int		redis_budget;		/* REDIS_POOL_MAX_CONNECTIONS */
	int		redis_socket_timeout_ms;	/* REDIS_SOCKET_TIMEOUT (s) */
	int		redis_connect_timeout_ms;	/* REDIS_SOCKET_CONNECT_TIMEOUT (s) */
	int		redis_health_interval_ms;	/* REDIS_HEALTH_CHECK_INTERVAL (s) */
	int		redis_idle_timeout_ms;	/* REDIS_POOL_IDLE_TIMEOUT (s) */
	int		redis_grow_depth;	/* REDIS_POOL_GROW_DEPTH */
	int		redis_wait_queue_max;	/* REDIS_POOL_WAIT_QUEUE */
	/*
	 * Sentinel mode when nsentinels > 0: the primary is asked of these;
	 * REDIS_URL then gives only the credentials and the database.
	 */
	size_t		nsentinels;		/* REDIS_SENTINELS */
	struct sentinel_addr sentinels[SENTINEL_LIST_MAX];
	char		sentinel_master[SENTINEL_NAME_MAX];	/* REDIS_SENTINEL_MASTER */
	char		sentinel_password[REDIS_URL_PASS_MAX];	/* REDIS_SENTINEL_PASSWORD */

	int		request_deadline_ms;	/* REQUEST_DEADLINE_MS */
	int		reconcile_interval_ms;	/* RECONCILE_INTERVAL_SECONDS */
	int		reconcile_grace_ms;	/* RECONCILE_GRACE_SECONDS */
	int		sse_max_clients;	/* SSE_MAX_CLIENTS_PER_WORKER */
	int		sse_heartbeat_ms;	/* SSE_HEARTBEAT_SECONDS (s) */
	int		sse_max_unsent;		/* SSE_MAX_UNSENT_BYTES */
	size_t		max_body_bytes;		/* MAX_BODY_BYTES */
	int		require_lock_token;	/* REQUIRE_LOCK_TOKEN */

	size_t		norigins;		/* ALLOWED_ORIGINS, comma separated */
	char		origins[CONFIG_ORIGINS_MAX][CONFIG_ORIGIN_LEN];

	char		ops_token[BEARER_TOKEN_MAX + 1];	/* OPS_TOKEN; "" unset */
	int		access_log;		/* ACCESS_LOG: 1 stderr, 0 off */
	int		log_format;		/* LOG_FORMAT: enum access_log_format */
	char		timezone[ZONE_NAME_MAX];	/* TIMEZONE */

	/*
	 * Kore's own limits.  The conf file does not carry them: the module
	 * sets Kore's globals from these before the workers start, so the
	 * rules for them live here with the rest.
	 */
	int		http_keepalive_s;	/* HTTP_KEEPALIVE_TIME, 0 = none */
	int		http_header_timeout_s;	/* HTTP_HEADER_TIMEOUT */
	int		http_request_limit;	/* HTTP_REQUEST_LIMIT */
	int		worker_max_connections;	/* WORKER_MAX_CONNECTIONS */
	int		worker_nofiles;		/* WORKER_NOFILES */
	int		seccomp_tracing;	/* SECCOMP_TRACING: yes or no */
};

typedef const char	*config_getenv_fn(const char *name);

/* Fills cfg from the environment; -1 with a one-line message in err. */
int	config_load(struct zeues_config *cfg, config_getenv_fn *get,
	    char *err, size_t errlen);

/*
 * The per-worker share of REDIS_POOL_MAX_CONNECTIONS: each worker holds one
 * subscriber connection and up to this many command connections.  Returns
 * -1 with the arithmetic in err when the workers cannot fit the budget.
 */
int	config_worker_command_share(int budget, int workers, char *err,
	    size_t errlen);

/*
 * The command connections of one worker: config_worker_command_share less
 * the worker's Sentinel connection in Sentinel mode, which the budget
 * carries too.  -1 with the arithmetic in err when that leaves none.
 */
int	config_worker_redis_share(const struct zeues_config *, char *err,
	    size_t errlen);

/*
 * A bad value as error messages quote it: at most CONFIG_QUOTE_MAX - 1
 * bytes, control characters replaced, so the message stays one line.
 */
#define CONFIG_QUOTE_MAX	48
const char	*config_quote(const char *raw, char *buf, size_t len);

int	config_origin_allowed(const struct zeues_config *, const char *origin);
/*
 * 1 when origin is named in ALLOWED_ORIGINS: what the mutating routes
 * require, since "*" admits any page a tablet's browser opens.
 */
int	config_origin_listed(const struct zeues_config *, const char *origin);
/* 1 when ALLOWED_ORIGINS holds "*". */
int	config_origins_wildcard(const struct zeues_config *);

const char	*config_log_level_name(enum log_level);

#endif
