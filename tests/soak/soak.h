/*
 * zeues-soak: a simulated pipe-spool floor against a ZEUES server, with
 * the samples, totals, verdict and report of the phase-2 plan (no success
 * before 2 hours of production-like load with zero "Too many
 * connections", connection use under 75 % of the budget, truthful health).
 *
 * Threads: the main thread drives every simulated client (tablets, live
 * boards, operators) on one libcurl multi handle; the sampler thread
 * probes the server, Redis and the emulator on its own handles; the chaos
 * thread (--chaos) stops and restarts Redis and the Sheets emulator.
 * What they share is in struct soak_stats (one mutex) and a few atomics.
 */
#ifndef ZEUES_SOAK_H
#define ZEUES_SOAK_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <yajl/yajl_tree.h>

#define SOAK_TAG_MAX		65
#define SOAK_CODE_MAX		40
#define SOAK_NAME_MAX		48
#define SOAK_URL_MAX		512
#define SOAK_CMD_MAX		1024
#define SOAK_LINE_MAX		300

struct soak;

/* ------------------------------------------------------------------ */
/* Routes the tool calls, for latency and error accounting.            */

enum soak_route {
	RT_TOMAR,
	RT_PAUSAR,
	RT_COMPLETAR,
	RT_INICIAR,		/* GET /api/spools/iniciar */
	RT_MIS_SPOOLS,		/* GET /api/spools/completar */
	RT_WORKERS,
	RT_DASHBOARD,		/* GET /api/dashboard/occupied */
	RT_HEALTH,
	RT_STATS,		/* GET /api/redis-connection-stats */
	RT_SSE,			/* GET /api/sse/stream (time to headers) */
	RT_METRICS,
	RT_COUNT
};

extern const char *const soak_route_label[RT_COUNT];

/* ------------------------------------------------------------------ */
/* Log-scale latency histogram: ~4 % resolution from 1 us to ~2 min.   */

#define LH_BUCKETS	480

struct lhist {
	uint64_t	b[LH_BUCKETS];
	uint64_t	count;
	uint64_t	max_us;
	double		sum_us;
};

void		lh_add(struct lhist *, uint64_t us);
void		lh_merge(struct lhist *dst, const struct lhist *src);
/* Value at quantile q (0..1) in milliseconds; 0 when empty. */
double		lh_quantile_ms(const struct lhist *, double q);

/* ------------------------------------------------------------------ */
/* Options.                                                            */

struct soak_opts {
	char	base_url[SOAK_URL_MAX];
	char	redis_url[SOAK_URL_MAX];	/* "" = no direct Redis view */
	char	instance[SOAK_NAME_MAX];
	char	emulator_url[SOAK_URL_MAX];	/* "" = no emulator view */
	char	workbook_file[SOAK_URL_MAX];
	char	server_log[SOAK_URL_MAX];
	char	out_dir[SOAK_URL_MAX];
	char	name[128];			/* file stem */
	double	duration;
	double	sample_interval;
	double	probe_interval;			/* health watcher period */
	double	min_duration;			/* the plan: 7200 s */
	double	table_every;			/* report table rows */
	int	tablets;
	int	sse_clients;
	int	operators;
	double	operator_interval;
	double	think_min, think_max;		/* between actions */
	double	work_min, work_max;		/* holding a spool */
	double	list_refresh;			/* list re-GET while idle */
	double	complete_ratio;			/* COMPLETAR vs PAUSAR */
	double	contention;			/* share of contended picks */
	double	sse_visible_mean;		/* tab visible, mean seconds */
	double	sse_hidden_min, sse_hidden_max;
	double	request_timeout;
	double	drain_timeout;
	double	settle_timeout;
	double	util_limit;			/* 75 */
	double	leak_tolerance;			/* connections */
	double	redis_probe_interval;		/* REDIS_SOCKET_TIMEOUT */
	double	sheets_probe_interval;		/* SHEETS_HEALTH_CHECK_INTERVAL */
	int	chaos;
	double	chaos_first;			/* first outage after */
	double	chaos_gap_min, chaos_gap_max;
	double	chaos_down_min, chaos_down_max;
	char	redis_stop_cmd[SOAK_CMD_MAX];
	char	redis_start_cmd[SOAK_CMD_MAX];
	char	sheets_stop_cmd[SOAK_CMD_MAX];
	char	sheets_start_cmd[SOAK_CMD_MAX];
	int	allow_remote_writes;
	int	read_only;
	unsigned long	seed;
	int	no_plot;
	int	quiet;
};


/* ------------------------------------------------------------------ */
/* Shared state.                                                       */

#define ERRKEYS_MAX	256
#define NOTE_LINES_MAX	40
#define INCIDENTS_MAX	400

struct errkey {
	int		route;
	int		status;		/* 0 = transport error */
	char		code[SOAK_CODE_MAX];
	uint64_t	n;
	double		first_t, last_t;
};

struct note_line {
	double	t;
	char	text[SOAK_LINE_MAX];
};

struct soak_stats {
	pthread_mutex_t	lock;

	struct lhist	lat[RT_COUNT];
	struct lhist	lat_iv[RT_COUNT];	/* since the last sample */
	uint64_t	resp[RT_COUNT];		/* responses + transport errors */
	uint64_t	resp_2xx, resp_4xx, resp_5xx, resp_other, transport;
	uint64_t	resp_404_missing[RT_COUNT];	/* 404 NOT_FOUND */
	uint64_t	resp_500;

	struct errkey	errs[ERRKEYS_MAX];
	size_t		nerrs;
	uint64_t	errs_overflow;

	/* "Too many connections" / "max number of clients" seen anywhere. */
	uint64_t	tmc_responses;
	uint64_t	tmc_health;
	uint64_t	redis_errors_seen;	/* REDIS_UNAVAILABLE etc. */
	struct note_line tmc_lines[NOTE_LINES_MAX];
	int		ntmc_lines;
	struct note_line redis_err_lines[NOTE_LINES_MAX];
	int		nredis_err_lines;

	/* Mutations. */
	uint64_t	mut_sent[3], mut_ok[3];
	uint64_t	mut_conflict;		/* 409 */
	uint64_t	mut_lock_expired;	/* 410 */
	uint64_t	mut_ambiguous;		/* 5xx, transport */
	uint64_t	mut_rejected;		/* other 4xx */
	uint64_t	double_grants;
	uint64_t	no_candidate;

	/* Live boards. */
	int		sse_open;
	uint64_t	sse_connects, sse_connect_fail, sse_hides;
	uint64_t	sse_events, sse_heartbeats, sse_resets;
	uint64_t	sse_out_of_order, sse_parse_errors, sse_stalls;
	uint64_t	sse_replay_requests;
	struct lhist	sse_lag, sse_lag_iv;		/* event id ms -> receipt */
	struct lhist	sse_deliver, sse_deliver_iv;	/* 200 -> event */
	uint64_t	sse_event_before_ack;

	/* When each REDIS_UNAVAILABLE arrived, for the chaos verdict. */
	double		*redis_err_t;
	size_t		 nredis_err_t;
	/* And each SHEETS_UNAVAILABLE (quota saturation explains health). */
	double		*sheets_err_t;
	size_t		 nsheets_err_t;
	/* Requests abandoned before their answer (end of the run). */
	uint64_t	cancelled;

	struct note_line incidents[INCIDENTS_MAX];
	int		nincidents;
	uint64_t	incidents_dropped;
};


/* Truth about the dependencies, as the chaos thread and probes see it. */
struct soak_truth {
	atomic_int	redis_down;	/* chaos: stopped by us */
	atomic_int	sheets_down;
};

extern atomic_int		soak_stopping;	/* load phase over */
extern atomic_int		soak_interrupted;	/* SIGINT/SIGTERM */

double	soak_now(void);		/* seconds since the start (monotonic) */
double	soak_wall(void);	/* Unix time, seconds */
uint64_t soak_mono_us(void);
void	soak_sleep(double s);

void	soak_incident(struct soak *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	soak_log(struct soak *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* Accounting of one HTTP outcome; body may be NULL. */
void	stats_response(struct soak *, int route, long status,
	    const char *body, size_t len, uint64_t us, int curl_error);
/* The "error" member of an api.md §1 body, or "" (copied into buf). */
void	soak_error_code(const char *body, size_t len, char *buf, size_t size);
/* Scans text for Redis connection-limit messages; records what it finds. */
int	soak_scan_tmc(struct soak *, const char *where, const char *text,
	    size_t len);

/* ------------------------------------------------------------------ */
/* Random numbers: one xorshift state per user.                        */

struct rng {
	uint64_t	s;
};

void	rng_seed(struct rng *, uint64_t seed);
double	rng_unit(struct rng *);			/* [0, 1) */
double	rng_range(struct rng *, double lo, double hi);
double	rng_exp(struct rng *, double mean);
uint32_t rng_below(struct rng *, uint32_t n);	/* [0, n) */

/* ------------------------------------------------------------------ */
/* Small JSON helpers.                                                 */

yajl_val	jget(yajl_val obj, const char *key);
const char	*jstr(yajl_val obj, const char *key);
int		jint(yajl_val obj, const char *key, long long *out);
int		jnum(yajl_val obj, const char *key, double *out);
/* A cell of a workbook row as text ("" for null); numbers printed. */
void		jcell(yajl_val row, size_t i, char *buf, size_t size);
void		json_str(FILE *, const char *s);	/* quoted, escaped */

/* Normalized header compare of data.md §1 (case, spaces, '_'). */
int	header_eq(const char *a, const char *b);

/* ------------------------------------------------------------------ */
/* Blocking HTTP for the sampler, setup and final checks.              */

struct http_res {
	long	status;		/* 0 on transport error */
	int	curl_error;
	char	*body;
	size_t	len;
	uint64_t us;
};

int	http_call(const char *method, const char *url, const char *body,
	    double timeout_s, struct http_res *);
void	http_res_free(struct http_res *);
/* A server route: recorded in the stats under route. */
int	http_server(struct soak *, int route, const char *method,
	    const char *path,
	    const char *body, double timeout_s, struct http_res *);

/* ------------------------------------------------------------------ */
/* The floor: workers, spools, and what the tool holds.                */

#define OP_ARM	0
#define OP_SOLD	1

#define MUT_TOMAR	0
#define MUT_PAUSAR	1
#define MUT_COMPLETAR	2

struct worker {
	int	id;
	char	nombre[SOAK_NAME_MAX];		/* MR(93) */
	int	can[2];				/* ARM, SOLD */
};

struct spool {
	char	tag[SOAK_TAG_MAX];
	int	eligible[2];		/* by the tool's model */
	int	held_by;		/* tablet index, -1 */
	int	touched;
	int	last_ok_mut;		/* index in the mutation log, -1 */
	int	ambiguous_after;	/* an ambiguous mutation followed it */
	int	pending;		/* tablets with a request in flight */
};

struct mutation {
	uint8_t		kind;		/* MUT_* */
	uint8_t		op;		/* OP_* */
	uint8_t		ambiguous;
	uint8_t		seen;
	int16_t		status;
	int		spool;
	int		worker;		/* worker id */
	int		tablet;
	double		t_sent, t_ack, t_event;
	char		event_id[48];
};

#define MUT_LOG_MAX	400000

struct floor_model {
	struct worker	*workers;
	size_t		 nworkers;
	struct spool	*spools;
	size_t		 nspools;
	const char	*workers_source;
	const char	*spools_source;
	struct mutation	*muts;
	size_t		 nmuts;
	uint64_t	 muts_untracked;
	int		 recent[16];	/* spools recently tried, ring */
	unsigned	 nrecent;
};


int	floor_load(struct soak *);
/* A GET /api/spools/iniciar body: its tags become eligible for op. */
int	floor_merge_list(struct soak *, int op, const char *body,
	    size_t len);
int	floor_spool_index(struct soak *, const char *tag);
/* Index of a new mutation record, or -1 when the log is full. */
int	floor_mut_new(struct soak *, int kind, int op, int spool, int worker,
	    int tablet);
const char *mut_name(int kind);
const char *op_name(int op);
const char *mut_evento(int kind, int op);	/* Metadata Evento_Tipo */

/* ------------------------------------------------------------------ */
/* The load (main thread).                                             */

int	load_init(struct soak *);
/* Runs until soak_stopping; then drains and returns. */
void	load_run(struct soak *, double until);
void	load_drain(struct soak *, double timeout);
void	load_fini(struct soak *);
/* SSE: an acknowledged mutation, for delivery matching. */
void	sse_note_ack(struct soak *, int mut);
void	sse_tick(struct soak *, double now);
int	sse_init(struct soak *);
void	sse_stop_all(struct soak *);
void	sse_fini(struct soak *);
/* Some board got a 200 from /api/sse/stream. */
int	sse_route_seen(void);
/* Called from the multi loop for SSE transfers. */
void	sse_done(struct soak *, void *client, long status, int curl_error);

/* The asynchronous engine. */
struct xfer;
typedef void	xfer_done_fn(struct xfer *, void *arg);

struct xfer {
	void		*h;		/* CURL * */
	void		*hdrs;		/* struct curl_slist * */
	int		 route;
	long		 status;
	int		 curl_error;
	char		*body;
	size_t		 len, cap;
	uint64_t	 us;
	char		*post;
	xfer_done_fn	*done;
	void		*arg;
	struct soak	*sk;		/* the run it belongs to */
	int		 is_sse;
	int		 recorded;
};

int	engine_init(void);
void	engine_fini(void);
/* Starts a request; done runs from engine_step(). */
struct xfer *engine_start(struct soak *, int route, const char *method,
	    const char *path, const char *body, const char *last_event_id,
	    xfer_done_fn *, void *arg, int is_sse, size_t (*sse_write)(char *,
	    size_t, size_t, void *));
void	engine_cancel(struct soak *, struct xfer *);
/* Performs, dispatches completions; waits up to wait_ms for activity. */
void	engine_step(struct soak *, int wait_ms);
int	engine_active(void);
void	xfer_free(struct xfer *);

/* ------------------------------------------------------------------ */
/* Sampler thread.                                                     */

struct sample {
	double	t;
	double	wall;
	/* backend view */
	int	stats_ok;
	int	max_conn, open_conn, active_conn, idle_conn, pubsub_conn;
	int	waiting, pending;
	double	util_backend;		/* % */
	int	alert_high;
	int	srv_clients_of_service;
	/* Redis's own view */
	int	redis_ok;
	long	connected_clients, clients_of_service, maxclients;
	long	rejected_connections, errorstat_total;
	/* health */
	char	health[16];
	int	h_redis_ok, h_sheets_ok;
	/* load since the previous sample */
	uint64_t requests, errors_5xx, transport;
	double	p99_ms, p50_ms, p99_mut_ms;
	int	sse_open;
	uint64_t sse_events;
	double	sse_lag_p99_ms;
	/* emulator */
	long	emu_reads, emu_writes, emu_429;
	/* truth */
	int	redis_down, sheets_down;
	double	util_redis;		/* clients_of_service / budget, % */
};

#define HEALTH_LOG_MAX	200000

struct health_obs {
	double	t;			/* when the answer arrived */
	uint8_t	status;			/* 0 healthy, 1 degraded, 2 unhealthy,
					   3 no answer */
	uint8_t	redis_ok, sheets_ok;
	uint8_t	truth_redis_up, truth_sheets_up;	/* own probes */
	uint8_t	chaos_redis_down, chaos_sheets_down;
};

struct sampler {
	pthread_mutex_t	 lock;
	struct sample	*samples;
	size_t		 nsamples, cap;
	struct health_obs *health;
	size_t		 nhealth;
	/* first and last Redis counters */
	long		 rejected0, errorstat0;
	int		 have_redis0;
	char		 errorstats0[2048], errorstats1[2048];
	long		 emu_reads0, emu_writes0, emu_429_0, emu_5xx0;
	int		 have_emu0;
	long		 emu_reads1, emu_writes1, emu_429_1, emu_5xx1;
	char		 redis_version[32];
	long		 redis_maxclients;
	int		 budget;
	int		 workers;
	FILE		*out;
};


int	sampler_start(struct soak *, const char *samples_path);
void	sampler_stop(struct soak *);
/* A direct Redis command (own connection); reply text or NULL. */
int	redis_direct_ping(struct soak *);
/* A fresh connection to --redis-url, named zeues-soak; NULL on failure. */
struct redisContext *soak_redis_connect(struct soak *);
/* The emulator answers its admin API and is not failing on purpose:
   1, 0, or 2 when there is no --emulator-url. */
int	soak_emulator_up(struct soak *);
/* Scans spool_lock:* ; returns count or -1; calls fn for each. */
int	redis_scan_locks(struct soak *, void (*fn)(const char *tag,
	    const char *value, void *), void *arg);
int	redis_info_now(struct soak *, char *buf, size_t size);

/* ------------------------------------------------------------------ */
/* Chaos thread.                                                       */

#define OUTAGES_MAX	512

struct outage {
	int	target;		/* 0 redis, 1 sheets */
	double	t_down, t_up;	/* t_up 0 while down */
	int	start_ok;
	double	detected_at;	/* first health poll showing it, 0 */
	double	recovered_at;	/* first healthy poll after t_up, 0 */
};

struct chaos {
	pthread_mutex_t	lock;
	struct outage	out[OUTAGES_MAX];
	int		nout;
	int		failures;	/* commands that failed */
};


int	chaos_start(struct soak *);
void	chaos_stop(void);

/* ------------------------------------------------------------------ */
/* Final checks and the report.                                        */

enum verdict_state { V_PASS, V_FAIL, V_NA };

#define CRITERIA_MAX	16

struct criterion {
	const char		*name;
	enum verdict_state	 state;
	char			 detail[600];
};

struct soak_final {
	double	started_wall;
	double	load_t0;		/* soak_now() when the load began */
	double	load_seconds;
	/* workbook */
	int	wb_ok;
	long	meta_rows0, meta_rows1;
	long	meta_matched, meta_missing, meta_extra;
	long	lost_state;		/* acked changes the rows contradict */
	char	lost_lines[10][SOAK_LINE_MAX];
	int	nlost_lines;
	/* locks */
	int	locks_ok;
	long	locks, stale_locks, orphan_touched, orphan_other;
	char	stale_lines[10][SOAK_LINE_MAX];
	int	nstale_lines;
	double	settle_seconds;
	/* metrics */
	int	metrics_ok;
	double	srv_req_delta;		/* sum of zeues_http_requests_total */
	double	srv_mut_ok_delta[3];
	int	srv_mut_routes_seen;
	/* server log */
	long	log_tmc, log_redis_err;
	struct note_line log_lines[NOTE_LINES_MAX];
	int	nlog_lines;
	/* routes */
	int	occupation_missing, sse_missing, lists_missing;
	/* redis counters */
	long	rejected_delta, errorstat_delta;
	/* utilization */
	double	util_peak, util_avg, util_peak_backend, util_avg_backend;
	double	util_peak_t;
	double	q1_mean, q4_mean;
	int	budget;
	/* health */
	long	health_polls, health_false_alarm, health_missed;
	long	health_not_200;		/* polls without a 200 JSON answer */
	long	health_sheets_busy;	/* unhealthy while SHEETS_UNAVAILABLE */
	long	outages_detected, outages_late, outages_short;
	/* sse */
	long	acked_total, acked_seen, acked_unseen;
	struct criterion crit[CRITERIA_MAX];
	int	ncrit;
	int	exit_code;
	char	verdict[32];
};


/* Baselines before the load. */
void	final_checks_begin(struct soak *);
/* After the drain. */
void	final_checks_end(struct soak *);
/* Totals, report, plot; returns the exit code. */
int	report_write(struct soak *, int argc, char **argv);

/* Prometheus text: sum of a metric's series whose labels contain
   every needle (NULL-terminated); -1 when absent. */
double	prom_sum(const char *text, const char *metric,
	    const char *const needles[]);

/* ------------------------------------------------------------------ */
/* One run.                                                            */

/*
 * Everything a run knows, handed to every step that needs it (main owns
 * the one instance): the options, the statistics the threads share (under
 * st.lock), what the chaos thread caused, the model of the floor, the
 * sampler's and the chaos thread's records and the final checks.  Only
 * the two atomics above stay global: a signal handler sets one.
 */
struct soak {
	struct soak_opts	opt;
	struct soak_stats	st;
	struct soak_truth	truth;
	struct floor_model	fl;
	struct sampler		smp;
	struct chaos		chs;
	struct soak_final	fin;
};

#endif
