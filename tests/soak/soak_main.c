/*
 * zeues-soak: see soak.h and scripts/soak.  Exit status: 0 the verdict
 * passed, 1 it failed, 2 the tool could not run, 3 nothing failed but the
 * verdict is incomplete (a criterion could not be evaluated, or the run
 * was shorter than --min-duration, 7200 s by default: the plan declares
 * no success before two hours).
 */
#include <sys/stat.h>

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "soak.h"

static void
usage(FILE *fp)
{
	fprintf(fp,
"usage: zeues-soak [options]\n"
"  --base-url URL          the server (http://127.0.0.1:8000)\n"
"  --redis-url URL         its Redis, for INFO/CLIENT LIST and lock checks\n"
"  --instance NAME         INSTANCE_NAME of the server (main)\n"
"  --emulator-url URL      the Sheets emulator (admin API, workbook)\n"
"  --workbook FILE         a workbook JSON file instead of the emulator\n"
"  --server-log FILE       the server's log, scanned for Redis errors\n"
"  --out-dir DIR           where the report goes (reports)\n"
"  --name STEM             file stem (soak-<UTC time>[-chaos])\n"
"  --duration S            seconds of load (7200)\n"
"  --sample-interval S     seconds between samples (10)\n"
"  --probe-interval S      seconds between health probes (1)\n"
"  --min-duration S        the plan's window (7200)\n"
"  --table-every S         report table rows every S (1800)\n"
"  --tablets N             tablet workers (50)\n"
"  --sse-clients N         live boards (50)\n"
"  --operators N           health/stats pollers (2)\n"
"  --operator-interval S   (5)\n"
"  --think MIN:MAX         seconds between actions (5:30)\n"
"  --work MIN:MAX          seconds a spool is held (30:180)\n"
"  --list-refresh S        list re-read while thinking (15)\n"
"  --complete-ratio X      COMPLETAR share of the releases (0.3)\n"
"  --contention X          share of contended picks (0.05)\n"
"  --sse-visible-mean S    a board's tab stays visible (600)\n"
"  --sse-hidden MIN:MAX    and hidden (5:60)\n"
"  --request-timeout S     (30)\n"
"  --drain-timeout S       release held spools at the end (60)\n"
"  --settle-timeout S      wait for locks to match the workbook (120)\n"
"  --util-limit PCT        (75)\n"
"  --leak-tolerance N      connections of growth allowed (2)\n"
"  --redis-probe-interval S   the server's Redis deadline (5)\n"
"  --sheets-probe-interval S  SHEETS_HEALTH_CHECK_INTERVAL (30)\n"
"  --chaos                 stop and restart Redis and the emulator\n"
"  --chaos-first S         first outage after (60)\n"
"  --chaos-gap MIN:MAX     between outages (120:600)\n"
"  --chaos-down MIN:MAX    outage length (10:60)\n"
"  --redis-stop-cmd CMD, --redis-start-cmd CMD,\n"
"  --sheets-stop-cmd CMD, --sheets-start-cmd CMD   for --chaos\n"
"  --read-only             no tablets (boards and operators only)\n"
"  --allow-remote-writes   allow mutations against a non-loopback server\n"
"  --seed N  --no-plot  --quiet  --help\n"
"exit: 0 passed, 1 failed, 2 could not run, 3 incomplete\n");
}

static int
range(const char *s, double *lo, double *hi)
{
	char	*end;

	*lo = strtod(s, &end);
	if (*end != ':')
		return (-1);
	*hi = strtod(end + 1, &end);
	return (*end == '\0' && *lo >= 0 && *hi >= *lo ? 0 : -1);
}

static int
num(const char *s, double *out)
{
	char	*end;

	errno = 0;
	*out = strtod(s, &end);
	return (*end == '\0' && errno == 0 && *out >= 0 ? 0 : -1);
}

static void
copy(char *dst, size_t size, const char *src, const char *what)
{
	if (strlen(src) >= size) {
		fprintf(stderr, "zeues-soak: %s is too long\n", what);
		exit(2);
	}
	memcpy(dst, src, strlen(src) + 1);
}

static void
defaults(struct soak *sk)
{
	struct soak_opts	*opt = &sk->opt;

	memset(opt, 0, sizeof(*opt));
	snprintf(opt->base_url, sizeof(opt->base_url), "http://127.0.0.1:8000");
	snprintf(opt->instance, sizeof(opt->instance), "main");
	snprintf(opt->out_dir, sizeof(opt->out_dir), "reports");
	opt->duration = 7200;
	opt->sample_interval = 10;
	opt->probe_interval = 1;
	opt->min_duration = 7200;
	opt->table_every = 1800;
	opt->tablets = 50;
	opt->sse_clients = 50;
	opt->operators = 2;
	opt->operator_interval = 5;
	opt->think_min = 5;
	opt->think_max = 30;
	opt->work_min = 30;
	opt->work_max = 180;
	opt->list_refresh = 15;
	opt->complete_ratio = 0.3;
	opt->contention = 0.05;
	opt->sse_visible_mean = 600;
	opt->sse_hidden_min = 5;
	opt->sse_hidden_max = 60;
	opt->request_timeout = 30;
	opt->drain_timeout = 60;
	opt->settle_timeout = 120;
	opt->util_limit = 75;
	opt->leak_tolerance = 2;
	opt->redis_probe_interval = 5;
	opt->sheets_probe_interval = 30;
	opt->chaos_first = 60;
	opt->chaos_gap_min = 120;
	opt->chaos_gap_max = 600;
	opt->chaos_down_min = 10;
	opt->chaos_down_max = 60;
	opt->seed = (unsigned long)time(NULL) ^ ((unsigned long)getpid() << 16);
}

enum {
	O_BASE = 256, O_REDIS, O_INSTANCE, O_EMU, O_WB, O_LOG, O_OUT, O_NAME,
	O_DUR, O_SAMPLE, O_PROBE, O_MIND, O_TABLE, O_TABLETS, O_SSE, O_OPS,
	O_OPINT, O_THINK, O_WORK, O_LIST, O_COMPLETE, O_CONT, O_VIS, O_HID,
	O_RTO, O_DRAIN, O_SETTLE, O_UTIL, O_LEAK, O_RPI, O_SPI, O_CHAOS,
	O_CFIRST, O_CGAP, O_CDOWN, O_RSTOP, O_RSTART, O_SSTOP, O_SSTART,
	O_RO, O_REMOTE, O_SEED, O_NOPLOT, O_QUIET, O_HELP,
};

static const struct option longopts[] = {
	{ "base-url", required_argument, NULL, O_BASE },
	{ "redis-url", required_argument, NULL, O_REDIS },
	{ "instance", required_argument, NULL, O_INSTANCE },
	{ "emulator-url", required_argument, NULL, O_EMU },
	{ "workbook", required_argument, NULL, O_WB },
	{ "server-log", required_argument, NULL, O_LOG },
	{ "out-dir", required_argument, NULL, O_OUT },
	{ "name", required_argument, NULL, O_NAME },
	{ "duration", required_argument, NULL, O_DUR },
	{ "sample-interval", required_argument, NULL, O_SAMPLE },
	{ "probe-interval", required_argument, NULL, O_PROBE },
	{ "min-duration", required_argument, NULL, O_MIND },
	{ "table-every", required_argument, NULL, O_TABLE },
	{ "tablets", required_argument, NULL, O_TABLETS },
	{ "sse-clients", required_argument, NULL, O_SSE },
	{ "operators", required_argument, NULL, O_OPS },
	{ "operator-interval", required_argument, NULL, O_OPINT },
	{ "think", required_argument, NULL, O_THINK },
	{ "work", required_argument, NULL, O_WORK },
	{ "list-refresh", required_argument, NULL, O_LIST },
	{ "complete-ratio", required_argument, NULL, O_COMPLETE },
	{ "contention", required_argument, NULL, O_CONT },
	{ "sse-visible-mean", required_argument, NULL, O_VIS },
	{ "sse-hidden", required_argument, NULL, O_HID },
	{ "request-timeout", required_argument, NULL, O_RTO },
	{ "drain-timeout", required_argument, NULL, O_DRAIN },
	{ "settle-timeout", required_argument, NULL, O_SETTLE },
	{ "util-limit", required_argument, NULL, O_UTIL },
	{ "leak-tolerance", required_argument, NULL, O_LEAK },
	{ "redis-probe-interval", required_argument, NULL, O_RPI },
	{ "sheets-probe-interval", required_argument, NULL, O_SPI },
	{ "chaos", no_argument, NULL, O_CHAOS },
	{ "chaos-first", required_argument, NULL, O_CFIRST },
	{ "chaos-gap", required_argument, NULL, O_CGAP },
	{ "chaos-down", required_argument, NULL, O_CDOWN },
	{ "redis-stop-cmd", required_argument, NULL, O_RSTOP },
	{ "redis-start-cmd", required_argument, NULL, O_RSTART },
	{ "sheets-stop-cmd", required_argument, NULL, O_SSTOP },
	{ "sheets-start-cmd", required_argument, NULL, O_SSTART },
	{ "read-only", no_argument, NULL, O_RO },
	{ "allow-remote-writes", no_argument, NULL, O_REMOTE },
	{ "seed", required_argument, NULL, O_SEED },
	{ "no-plot", no_argument, NULL, O_NOPLOT },
	{ "quiet", no_argument, NULL, O_QUIET },
	{ "help", no_argument, NULL, O_HELP },
	{ NULL, 0, NULL, 0 },
};

static int	table_set;

/* Options with a text value; 1 when c is one of them. */
static int
set_text(struct soak *sk, int c)
{
	struct soak_opts	*opt = &sk->opt;

	switch (c) {
	case O_BASE:
		copy(opt->base_url, sizeof(opt->base_url), optarg,
		    "--base-url");
		break;
	case O_REDIS:
		copy(opt->redis_url, sizeof(opt->redis_url), optarg,
		    "--redis-url");
		break;
	case O_INSTANCE:
		copy(opt->instance, sizeof(opt->instance), optarg,
		    "--instance");
		break;
	case O_EMU:
		copy(opt->emulator_url, sizeof(opt->emulator_url),
		    optarg, "--emulator-url");
		break;
	case O_WB:
		copy(opt->workbook_file, sizeof(opt->workbook_file),
		    optarg, "--workbook");
		break;
	case O_LOG:
		copy(opt->server_log, sizeof(opt->server_log), optarg,
		    "--server-log");
		break;
	case O_OUT:
		copy(opt->out_dir, sizeof(opt->out_dir), optarg,
		    "--out-dir");
		break;
	case O_NAME:
		copy(opt->name, sizeof(opt->name), optarg, "--name");
		break;
	case O_RSTOP:
		copy(opt->redis_stop_cmd, sizeof(opt->redis_stop_cmd),
		    optarg, "--redis-stop-cmd");
		break;
	case O_RSTART:
		copy(opt->redis_start_cmd, sizeof(opt->redis_start_cmd),
		    optarg, "--redis-start-cmd");
		break;
	case O_SSTOP:
		copy(opt->sheets_stop_cmd, sizeof(opt->sheets_stop_cmd),
		    optarg, "--sheets-stop-cmd");
		break;
	case O_SSTART:
		copy(opt->sheets_start_cmd,
		    sizeof(opt->sheets_start_cmd), optarg,
		    "--sheets-start-cmd");
		break;
	default:
		return (0);
	}
	return (1);
}

/* Options with a number or a range; *bad is set on a bad value. */
static int
set_number(struct soak *sk, int c, int *bad)
{
	struct soak_opts	*opt = &sk->opt;
	double			 v;

	switch (c) {
	case O_DUR:
		*bad |= num(optarg, &opt->duration);
		break;
	case O_SAMPLE:
		*bad |= num(optarg, &opt->sample_interval);
		break;
	case O_PROBE:
		*bad |= num(optarg, &opt->probe_interval);
		break;
	case O_MIND:
		*bad |= num(optarg, &opt->min_duration);
		break;
	case O_TABLE:
		*bad |= num(optarg, &opt->table_every);
		table_set = 1;
		break;
	case O_TABLETS:
		*bad |= num(optarg, &v);
		opt->tablets = (int)v;
		break;
	case O_SSE:
		*bad |= num(optarg, &v);
		opt->sse_clients = (int)v;
		break;
	case O_OPS:
		*bad |= num(optarg, &v);
		opt->operators = (int)v;
		break;
	case O_OPINT:
		*bad |= num(optarg, &opt->operator_interval);
		break;
	case O_THINK:
		*bad |= range(optarg, &opt->think_min, &opt->think_max);
		break;
	case O_WORK:
		*bad |= range(optarg, &opt->work_min, &opt->work_max);
		break;
	case O_LIST:
		*bad |= num(optarg, &opt->list_refresh);
		break;
	case O_COMPLETE:
		*bad |= num(optarg, &opt->complete_ratio);
		break;
	case O_CONT:
		*bad |= num(optarg, &opt->contention);
		break;
	case O_VIS:
		*bad |= num(optarg, &opt->sse_visible_mean);
		break;
	case O_HID:
		*bad |= range(optarg, &opt->sse_hidden_min,
		    &opt->sse_hidden_max);
		break;
	case O_RTO:
		*bad |= num(optarg, &opt->request_timeout);
		break;
	case O_DRAIN:
		*bad |= num(optarg, &opt->drain_timeout);
		break;
	case O_SETTLE:
		*bad |= num(optarg, &opt->settle_timeout);
		break;
	case O_UTIL:
		*bad |= num(optarg, &opt->util_limit);
		break;
	case O_LEAK:
		*bad |= num(optarg, &opt->leak_tolerance);
		break;
	case O_RPI:
		*bad |= num(optarg, &opt->redis_probe_interval);
		break;
	case O_SPI:
		*bad |= num(optarg, &opt->sheets_probe_interval);
		break;
	case O_CFIRST:
		*bad |= num(optarg, &opt->chaos_first);
		break;
	case O_CGAP:
		*bad |= range(optarg, &opt->chaos_gap_min,
		    &opt->chaos_gap_max);
		break;
	case O_CDOWN:
		*bad |= range(optarg, &opt->chaos_down_min,
		    &opt->chaos_down_max);
		break;
	case O_SEED:
		opt->seed = strtoul(optarg, NULL, 10);
		break;
	default:
		return (0);
	}
	return (1);
}

/* Options without a value. */
static int
set_flag(struct soak *sk, int c)
{
	struct soak_opts	*opt = &sk->opt;

	switch (c) {
	case O_CHAOS:
		opt->chaos = 1;
		break;
	case O_RO:
		opt->read_only = 1;
		break;
	case O_REMOTE:
		opt->allow_remote_writes = 1;
		break;
	case O_NOPLOT:
		opt->no_plot = 1;
		break;
	case O_QUIET:
		opt->quiet = 1;
		break;
	default:
		return (0);
	}
	return (1);
}

/* Bounds: every loop of the tool is bounded by these. */
static int
in_range(struct soak *sk)
{
	struct soak_opts	*opt = &sk->opt;

	if (opt->duration <= 0 || opt->duration > 7 * 86400 ||
	    opt->sample_interval < 0.5 || opt->probe_interval < 0.2 ||
	    opt->tablets < 0 || opt->tablets > 5000 || opt->sse_clients < 0 ||
	    opt->sse_clients > 5000 || opt->operators > 100 ||
	    opt->operator_interval < 0.2 || opt->complete_ratio > 1 ||
	    opt->contention > 1 || opt->request_timeout < 1 ||
	    opt->table_every < 1 || opt->list_refresh < 0.5 ||
	    opt->sse_visible_mean < 1 || opt->drain_timeout > 3600 ||
	    opt->settle_timeout > 3600) {
		fprintf(stderr, "zeues-soak: an option is out of range "
		    "(see --help)\n");
		return (-1);
	}
	return (0);
}

/* Drops trailing slashes, keeping at least "http(s)://x". */
static void
trim_slashes(char *url)
{
	while (strlen(url) > 8 && url[strlen(url) - 1] == '/')
		url[strlen(url) - 1] = '\0';
}

static int
parse(struct soak *sk, int argc, char **argv)
{
	struct soak_opts	*opt = &sk->opt;
	int			 c, bad = 0;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == O_HELP) {
			usage(stdout);
			exit(0);
		}
		if (!set_text(sk, c) && !set_number(sk, c, &bad) &&
		    !set_flag(sk, c)) {
			usage(stderr);
			return (-1);
		}
		if (bad) {
			fprintf(stderr, "zeues-soak: bad value for option: "
			    "%s\n", optarg);
			return (-1);
		}
	}
	if (optind != argc) {
		usage(stderr);
		return (-1);
	}
	if (in_range(sk) == -1)
		return (-1);
	/* A short run still gets a few table rows. */
	if (!table_set && opt->duration < 4 * opt->table_every)
		opt->table_every = opt->duration / 4 > opt->sample_interval ?
		    opt->duration / 4 : opt->sample_interval;
	if (strncmp(opt->base_url, "http://", 7) != 0 &&
	    strncmp(opt->base_url, "https://", 8) != 0) {
		fprintf(stderr, "zeues-soak: --base-url must be http(s)://\n");
		return (-1);
	}
	trim_slashes(opt->base_url);
	trim_slashes(opt->emulator_url);
	return (0);
}

/* The host of an http(s) URL is a loopback address or localhost. */
static int
loopback(const char *url)
{
	char		 host[256];
	const char	*p = strstr(url, "://");
	size_t		 n;
	struct in_addr	 a;

	if (p == NULL)
		return (0);
	p += 3;
	if (*p == '[')
		return (strncmp(p, "[::1]", 5) == 0);
	n = strcspn(p, ":/");
	if (n >= sizeof(host))
		return (0);
	memcpy(host, p, n);
	host[n] = '\0';
	if (strcasecmp(host, "localhost") == 0)
		return (1);
	if (inet_pton(AF_INET, host, &a) == 1)
		return ((ntohl(a.s_addr) >> 24) == 127);
	return (0);
}

static void
on_signal(int sig)
{
	(void)sig;
	atomic_store(&soak_interrupted, 1);
}

/* Refuses to write to a server that is not ours; 0, or -1 (said why). */
static int
refuse_unsafe(struct soak *sk)
{
	struct soak_opts	*opt = &sk->opt;

	if (!opt->read_only && !opt->allow_remote_writes &&
	    !loopback(opt->base_url)) {
		fprintf(stderr, "zeues-soak: %s is not a loopback address: the "
		    "tablets would take, pause and complete real spools. "
		    "Pass --allow-remote-writes (a staging copy of the "
		    "workbook!) or --read-only.\n", opt->base_url);
		return (-1);
	}
	if (opt->chaos && !loopback(opt->base_url) &&
	    !opt->allow_remote_writes) {
		fprintf(stderr, "zeues-soak: --chaos is for a private stack\n");
		return (-1);
	}
	return (0);
}

/* The run's name (soak-<UTC time>[-chaos] unless given) and its folder. */
static int
name_and_folder(struct soak *sk)
{
	struct soak_opts	*opt = &sk->opt;
	time_t			 now;
	struct tm		 tm;

	if (opt->name[0] == '\0') {
		now = time(NULL);
		gmtime_r(&now, &tm);
		strftime(opt->name, sizeof(opt->name), "soak-%Y%m%d-%H%M%S",
		    &tm);
		if (opt->chaos)
			strncat(opt->name, "-chaos", sizeof(opt->name) -
			    strlen(opt->name) - 1);
	}
	if (mkdir(opt->out_dir, 0755) == -1 && errno != EEXIST) {
		fprintf(stderr, "zeues-soak: %s: %s\n", opt->out_dir,
		    strerror(errno));
		return (-1);
	}
	return (0);
}

static void
catch_signals(void)
{
	struct sigaction	sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/*
 * Baselines, the floor, the engine, the sampler and chaos: 0, or -1 when
 * the run cannot start (said why).
 */
static int
start_run(struct soak *sk)
{
	struct soak_opts	*opt = &sk->opt;
	struct soak_stats	*st = &sk->st;
	char			 path[SOAK_URL_MAX + 200];

	/* Baselines; the first request also tells whether the server is up. */
	final_checks_begin(sk);
	if (st->transport > 0 && st->resp_2xx == 0) {
		fprintf(stderr, "zeues-soak: %s does not answer\n",
		    opt->base_url);
		curl_global_cleanup();
		return (-1);
	}
	floor_load(sk);
	if (engine_init() == -1 || load_init(sk) == -1) {
		fprintf(stderr, "zeues-soak: out of memory\n");
		return (-1);
	}
	snprintf(path, sizeof(path), "%s/%s-samples.jsonl", opt->out_dir,
	    opt->name);
	if (sampler_start(sk, path) == -1) {
		fprintf(stderr, "zeues-soak: cannot write %s\n", path);
		return (-1);
	}
	if (chaos_start(sk) == -1) {
		sampler_stop(sk);
		return (-1);
	}
	return (0);
}

/* The load for --duration, then the drain and the final checks. */
static void
run_load(struct soak *sk)
{
	struct soak_opts	*opt = &sk->opt;
	struct floor_model	*fl = &sk->fl;
	struct soak_final	*fin = &sk->fin;
	double			 t0;

	soak_log(sk, "load: %d tablets, %d boards, %d operators for %.0f s "
	    "against %s%s", fl->nworkers && fl->nspools && !opt->read_only ?
	    opt->tablets : 0, opt->sse_clients, opt->operators, opt->duration,
	    opt->base_url, opt->chaos ? ", with chaos" : "");
	t0 = soak_now();
	fin->load_t0 = t0;
	load_run(sk, t0 + opt->duration);
	fin->load_seconds = soak_now() - t0;
	if (soak_interrupted)
		soak_incident(sk, "interrupted after %.0f s",
		    fin->load_seconds);
	atomic_store(&soak_stopping, 1);
	/* Dependencies back before the end: an outage in progress ends. */
	chaos_stop();
	soak_log(sk, "drain: releasing held spools");
	load_drain(sk, opt->drain_timeout);
	sampler_stop(sk);
	soak_log(sk, "final checks");
	final_checks_end(sk);
}

static void
finish(struct soak *sk)
{
	load_fini(sk);
	engine_fini();
	free(sk->fl.workers);
	free(sk->fl.spools);
	free(sk->fl.muts);
	free(sk->smp.samples);
	free(sk->smp.health);
	free(sk->st.redis_err_t);
	free(sk->st.sheets_err_t);
	curl_global_cleanup();
}

int
main(int argc, char **argv)
{
	static struct soak	 run = {
		.st = { .lock = PTHREAD_MUTEX_INITIALIZER },
		.smp = { .lock = PTHREAD_MUTEX_INITIALIZER },
		.chs = { .lock = PTHREAD_MUTEX_INITIALIZER },
	};
	struct soak		*sk = &run;
	int			 rc;

	defaults(sk);
	if (parse(sk, argc, argv) == -1 || refuse_unsafe(sk) == -1 ||
	    name_and_folder(sk) == -1)
		return (2);
	catch_signals();
	curl_global_init(CURL_GLOBAL_DEFAULT);
	soak_now();
	if (start_run(sk) == -1)
		return (2);
	run_load(sk);
	rc = report_write(sk, argc, argv);
	finish(sk);
	return (rc);
}
