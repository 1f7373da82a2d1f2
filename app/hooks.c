/*
 * Kore's hooks: configuration in the parent before the workers fork, the
 * Redis pool and subscription in each worker, the worker's tick, and the
 * seccomp additions this process needs.
 */
#include <sys/types.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <kore/seccomp.h>

#include "commit_relay.h"
#include "parent_watch.h"
#include "reconciler.h"
#include "service_account.h"
#include "sheet_dates.h"
#include "zeues.h"

/*
 * Debian's Kore 4.1 whitelist predates glibc 2.36: without these the
 * worker dies with SIGSYS (see docs/architecture.md).  socket, connect,
 * getsockopt and getsockname come with the binary's pgsql filter.
 */
KORE_SECCOMP_FILTER("zeues",
	KORE_SYSCALL_ALLOW(newfstatat),		/* glibc stat/fstat */
	KORE_SYSCALL_ALLOW(mremap),		/* realloc of big replies */
	KORE_SYSCALL_ALLOW(gettid),		/* abort(), raise() */
	KORE_SYSCALL_ALLOW(tgkill),
	KORE_SYSCALL_ALLOW(getpeername),	/* libcurl */
	KORE_SYSCALL_ALLOW(clone3),		/* libcurl's resolver thread */
	KORE_SYSCALL_ALLOW(rseq),
	KORE_SYSCALL_ALLOW(getrandom),		/* OpenSSL RAND_bytes */
	KORE_SYSCALL_ALLOW(setsockopt),		/* TCP_NODELAY, keep-alive */
	KORE_SYSCALL_ALLOW(sendmmsg),		/* glibc DNS */
	KORE_SYSCALL_ALLOW(recvmsg),
	KORE_SYSCALL_ALLOW(uname),
	KORE_SYSCALL_ALLOW(ioctl),
	KORE_SYSCALL_ALLOW(bind),
	KORE_SYSCALL_ALLOW(faccessat),
	KORE_SYSCALL_ALLOW(madvise),		/* sanitizer runtimes */
	KORE_SYSCALL_ALLOW(sigaltstack),
	KORE_SYSCALL_ALLOW(prlimit64),
	KORE_SYSCALL_ALLOW(prctl),		/* parent_watch: PDEATHSIG */
	KORE_SYSCALL_ALLOW(getppid),
);

struct zeues_config	 zeues_cfg;
struct sheets_config	 zeues_sheets;
struct stats_region	*zeues_stats;
struct zeues_worker	 zw;
/* Kore's parent (kore_pid is the worker's own pid in a worker). */
static pid_t		 parent_pid;
/* The commit relay's nudges ("" when the relay is off). */
static char		 relay_channel[COMMIT_RELAY_CHANNEL_MAX];

void	kore_parent_configure(int, char **);
void	kore_worker_configure(void);
void	kore_worker_teardown(void);

void
zlog(enum log_level level, const char *fmt, ...)
{
	static const int	prio[] = { LOG_ERR, LOG_WARNING, LOG_NOTICE,
				    LOG_DEBUG };
	char			line[512];
	va_list			ap;

	if (level > zeues_cfg.log_level)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	kore_log(prio[level], "%s: %s", config_log_level_name(level), line);
}

static const char *
env_get(const char *name)
{
	return (getenv(name));
}

void
kore_parent_configure(int argc, char **argv)
{
	char	err[256], url[REDIS_URL_HOST_MAX + SENTINEL_NAME_MAX + 64];
	int	share;

	(void)argc;
	(void)argv;
	parent_pid = getpid();
	if (config_load(&zeues_cfg, env_get, err, sizeof(err)) == -1) {
		fprintf(stderr, "zeues: configuration error: %s\n", err);
		exit(2);
	}
	share = config_worker_redis_share(&zeues_cfg, err, sizeof(err));
	if (zone_init(zeues_cfg.timezone, err, sizeof(err)) == -1) {
		fprintf(stderr, "zeues: configuration error: TIMEZONE: %s\n",
		    err);
		exit(2);
	}
	if (sheets_config_load(&zeues_sheets, env_get, err, sizeof(err)) ==
	    -1) {
		fprintf(stderr, "zeues: configuration error: %s\n", err);
		exit(2);
	}
	/* Before the sandbox and the fork: OpenSSL and libcurl set up once. */
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
		fprintf(stderr, "zeues: libcurl failed to initialise\n");
		exit(1);
	}

	/* The conf file is rendered from WORKERS too; the environment wins. */
	worker_count = (u_int8_t)zeues_cfg.workers;
	/*
	 * Kore's limits come from the validated configuration, not the conf
	 * file: Kore parsed that before this hook, and its own checks would
	 * stop the server with a line of its own.  Kore reads them only in
	 * the workers (and worker_max_connections just after this hook).
	 */
	http_keepalive_time = (u_int16_t)zeues_cfg.http_keepalive_s;
	http_header_timeout = (u_int16_t)zeues_cfg.http_header_timeout_s;
	http_request_limit = (u_int32_t)zeues_cfg.http_request_limit;
	worker_max_connections = (u_int32_t)zeues_cfg.worker_max_connections;
	worker_rlimit_nofiles = (u_int32_t)zeues_cfg.worker_nofiles;
	kore_seccomp_tracing = zeues_cfg.seccomp_tracing;
	/*
	 * Bodies above MAX_BODY_BYTES up to this get the JSON 413 as soon as
	 * their headers are in (http_intake.c); Kore callocs this much, never
	 * touched, for a moment first, and answers a bare 413 above it.
	 */
	http_body_max = zeues_cfg.max_body_bytes * 16;

	if ((zeues_stats = stats_region_map((size_t)zeues_cfg.workers)) ==
	    NULL) {
		fprintf(stderr, "zeues: cannot map the shared stats region\n");
		exit(1);
	}
	redis_url_redacted(&zeues_cfg.redis, url, sizeof(url));
	if (zeues_cfg.nsentinels > 0)
		snprintf(url, sizeof(url), "primary '%s' from %zu Sentinels "
		    "(first %s:%d)", zeues_cfg.sentinel_master,
		    zeues_cfg.nsentinels, zeues_cfg.sentinels[0].host,
		    zeues_cfg.sentinels[0].port);
	kore_log(LOG_NOTICE, "zeues %s: %s, %d workers, Redis %s, budget %d "
	    "(%d per worker: 1 subscriber%s + up to %d commands)",
	    ZEUES_VERSION, zeues_cfg.environment, zeues_cfg.workers, url,
	    zeues_cfg.redis_budget, share + 1 + (zeues_cfg.nsentinels > 0),
	    zeues_cfg.nsentinels > 0 ? " + 1 Sentinel" : "", share);
	if (config_origins_wildcard(&zeues_cfg))
		kore_log(LOG_WARNING, "ALLOWED_ORIGINS holds '*': any web page "
		    "may read this API; changes still need a listed origin");
	if (zeues_sheets.configured)
		kore_log(LOG_NOTICE, "Sheets: spreadsheet %s at %s as %s",
		    zeues_sheets.spreadsheet_id, zeues_sheets.base_url,
		    zeues_sheets.account->client_email);
	else
		kore_log(LOG_NOTICE, "Sheets: not configured (GOOGLE_SHEET_ID "
		    "unset)");
}

static void
on_event(void *arg, const char *channel, const char *payload, size_t len)
{
	(void)arg;
	if (strcmp(channel, EVENTS_CHANNEL) == 0)
		sse_glue_event(payload, len);
	else if (zw.relay != NULL && strcmp(channel, relay_channel) == 0)
		commit_relay_nudged(zw.relay, payload, len);
}

static void
on_resubscribed(void *arg)
{
	(void)arg;
	zlog(LOG_LEVEL_WARNING, "worker %d: event subscription restored; "
	    "catching up from the event history", zw.id);
	sse_glue_resubscribed();
}

/*
 * Once per outage and per worker (each worker has its own connections),
 * not once per failed attempt or health poll.
 */
static void
on_redis_state(void *arg, int up, const char *why)
{
	static uint64_t	down_since;
	uint64_t	now = kore_io_loop_now();

	(void)arg;
	if (!up) {
		down_since = now;
		zlog(LOG_LEVEL_ERROR, "worker %d: Redis went down: %s", zw.id,
		    why);
	} else {
		zlog(LOG_LEVEL_WARNING, "worker %d: Redis is back after %llu s "
		    "down", zw.id, (unsigned long long)((now - down_since) /
		    1000));
	}
}

/* The primary moved, or was asked after: the pool and subscriber follow. */
static void
on_primary(void *arg, const struct sentinel_addr *a, int switched)
{
	static int	known;
	char		where[SENTINEL_HOST_MAX + 8];

	(void)arg;
	if (!redis_pool_set_primary(zw.pool, a->host, a->port))
		return;
	snprintf(where, sizeof(where), "%s:%d", a->host, a->port);
	if (!known) {
		known = 1;
		zlog(LOG_LEVEL_INFO, "worker %d: Redis primary is %s", zw.id,
		    where);
		return;
	}
	zlog(LOG_LEVEL_WARNING, "worker %d: Redis primary moved to %s (%s); "
	    "reconciling the locks with Sheets at once", zw.id, where,
	    switched ? "+switch-master" : "asked again");
	if (zw.reconciler != NULL)
		reconciler_after_failover(zw.reconciler, where);
}

static void
on_redis_suspect(void *arg)
{
	(void)arg;
	if (zw.sentinel != NULL)
		redis_sentinel_resolve(zw.sentinel);
}

static void
worker_tick(void *arg, u_int64_t now)
{
	uint64_t	ms = kore_io_loop_now();

	(void)arg;
	(void)now;
	if (parent_watch_orphaned()) {
		kore_log(LOG_ERR, "worker %d: the server's parent process is "
		    "gone; exiting", zw.id);
		_exit(1);
	}
	if (zw.sentinel != NULL)
		redis_sentinel_tick(zw.sentinel, ms);
	redis_pool_tick(zw.pool, ms);
	redis_subscriber_tick(zw.sub, ms);
	sheets_glue_tick(ms);
	sse_glue_tick(ms);
	ops_glue_tick(ms);
	kore_io_loop_reap();
}

static void
sentinel_start(const struct redis_pool_config *pc)
{
	struct redis_sentinel_config	sc;

	memset(&sc, 0, sizeof(sc));
	memcpy(sc.sentinels, zeues_cfg.sentinels, sizeof(sc.sentinels));
	sc.nsentinels = zeues_cfg.nsentinels;
	snprintf(sc.master, sizeof(sc.master), "%s", zeues_cfg.sentinel_master);
	snprintf(sc.password, sizeof(sc.password), "%s",
	    zeues_cfg.sentinel_password);
	snprintf(sc.client_name, sizeof(sc.client_name), "%sw%d:sentinel",
	    zw.client_prefix, zw.id);
	sc.connect_timeout_ms = pc->connect_timeout_ms;
	sc.command_timeout_ms = pc->command_timeout_ms;
	sc.on_primary = on_primary;
	zw.sentinel = redis_sentinel_new(&sc, zw.loop, &zw.stats->redis);
	explicit_bzero(sc.password, sizeof(sc.password));
	if (zw.sentinel == NULL)
		fatal("worker %d: cannot create the Sentinel client", zw.id);
}

void
kore_worker_configure(void)
{
	struct redis_pool_config		pc;
	struct redis_subscriber_handlers	h = { on_event, on_resubscribed,
						    NULL };
	const char				*channels[3] = { NULL };
	char					err[256];

	memset(&zw, 0, sizeof(zw));
	zw.id = worker->id;
	/* First, so that no failure below can leave an orphan behind. */
	if (parent_watch_arm(parent_pid) == -1)
		fatal("worker %d: cannot tie the worker to its parent: %s",
		    zw.id, errno_s);
	if (parent_watch_orphaned())
		_exit(1);
	zw.loop = kore_io_loop_get();
	srandom((unsigned int)getpid() ^ (unsigned int)time(NULL));
	zw.command_share = config_worker_redis_share(&zeues_cfg, err,
	    sizeof(err));
	zw.stats = stats_region_claim(zeues_stats, (size_t)(zw.id - 1),
	    (uint64_t)getpid(), (uint64_t)zw.id, (uint64_t)time(NULL) * 1000);
	if (zw.stats == NULL || zw.command_share < 1)
		fatal("worker %d: no stats slot or Redis share", zw.id);

	/* ':' cannot occur in an instance name, so prefixes never overlap. */
	snprintf(zw.client_prefix, sizeof(zw.client_prefix), "zeues:%s:",
	    zeues_cfg.instance);
	memset(&pc, 0, sizeof(pc));
	pc.url = zeues_cfg.redis;
	snprintf(pc.client_name, sizeof(pc.client_name), "%sw%d:cmd",
	    zw.client_prefix, zw.id);
	pc.max_connections = zw.command_share;
	pc.connect_timeout_ms = zeues_cfg.redis_connect_timeout_ms;
	pc.command_timeout_ms = zeues_cfg.redis_socket_timeout_ms;
	pc.health_interval_ms = zeues_cfg.redis_health_interval_ms;
	pc.idle_timeout_ms = zeues_cfg.redis_idle_timeout_ms;
	pc.grow_depth = zeues_cfg.redis_grow_depth;
	pc.wait_queue_max = zeues_cfg.redis_wait_queue_max;
	pc.pipeline_max = 4096;
	pc.on_state = on_redis_state;
	if (zeues_cfg.nsentinels > 0) {
		pc.url.host[0] = '\0';		/* until a Sentinel names it */
		pc.require_primary = 1;
		pc.on_suspect = on_redis_suspect;
	}
	if ((zw.pool = redis_pool_new(&pc, zw.loop, &zw.stats->redis)) ==
	    NULL)
		fatal("worker %d: cannot create the Redis pool", zw.id);
	pc.on_state = NULL;
	if (zeues_cfg.nsentinels > 0)
		sentinel_start(&pc);

	/* Before the subscription, which feeds it. */
	if (sse_glue_start() == -1)
		fatal("worker %d: cannot create the SSE hub", zw.id);

	snprintf(pc.client_name, sizeof(pc.client_name), "%sw%d:sub",
	    zw.client_prefix, zw.id);
	channels[0] = EVENTS_CHANNEL;
	if (zeues_sheets.configured && zeues_sheets.commit_relay) {
		if (commit_relay_channel(zeues_sheets.spreadsheet_id,
		    relay_channel, sizeof(relay_channel)) == -1)
			fatal("worker %d: the commit relay's channel name is "
			    "too long", zw.id);
		channels[1] = relay_channel;
	}
	zw.sub = redis_subscriber_new(&pc, zw.pool, zw.loop, channels, &h,
	    &zw.stats->sub);
	if (zw.sub == NULL)
		fatal("worker %d: cannot create the event subscription", zw.id);

	if (sheets_glue_start(err, sizeof(err)) == -1)
		fatal("worker %d: Sheets client: %s", zw.id, err);

	kore_timer_add(worker_tick, IO_LOOP_TICK_MS, NULL, 0);
	zlog(LOG_LEVEL_INFO, "worker %d ready: Redis pool of up to %d command "
	    "connections + 1 subscriber%s", zw.id, zw.command_share,
	    zw.sentinel != NULL ? " + 1 Sentinel" : "");
}

void
kore_worker_teardown(void)
{
	redis_snapshot_stop();
	sheets_glue_stop();
	/* It cancels history fetches that run on the pool. */
	sse_glue_stop();
	redis_subscriber_free(zw.sub);
	redis_sentinel_free(zw.sentinel);
	redis_pool_free(zw.pool);
	zw.sub = NULL;
	zw.sentinel = NULL;
	zw.pool = NULL;
	kore_io_loop_reap();
}
