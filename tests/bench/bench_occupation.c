/*
 * `make bench` (issues 3 and 4): TOMAR+PAUSAR cycles per second on
 * distinct spools with 1, 10 and 50 tablets at once, against the Sheets
 * emulator answering at once and after 250 ms, under the production quota
 * of 60 writes a minute; p50/p99 per route; Sheets write calls per 100
 * changes (what the group commit saves); the service's peak Redis
 * connections.  The same for v4: INICIAR then FINALIZAR of one union
 * (PAUSAR; an empty FINALIZAR once a spool has one union left) on
 * distinct v4 spools, whose changes also write union rows and one audit
 * row per union in the same batch.
 *
 * Usage: bench_occupation [seconds-per-run]   (default 10)
 *        bench_occupation reads [seconds-per-run [commit-mode]]
 *        (default 45, shared): only the Sheets reads per minute of 4
 *        workers x 2 instances, each worker's read cache against
 *        SHEETS_CACHE_SHARED=1
 * BENCH_MODES=relay (or "slices shared", ...): issue 13's table alone,
 * for the SHEETS_COMMIT_MODEs named (the others print as zeros).
 */
#include <sys/resource.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emulator.h"
#include "harness.h"
#include "http_parallel.h"
#include "server.h"

#define TABLETS_MAX	50
#define BENCH_OPS_TOKEN	"bench-occupation-ops-token-0123456789"

struct row {
	int		v4;
	int		latency_ms;
	int		tablets;
	double		cycles_per_s;
	double		p50[2], p99[2];	/* take, release, ms */
	long		errors;
	double		writes_per_100;
	long long	reads0;
	double		reads_per_min;
	int		peak_redis;
	long long	conflicts;	/* group-commit conflicts, all servers */
};

static long long	conflicts(const struct test_server *);

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return (x < y ? -1 : x > y);
}

static long long
emulator_count(const struct test_emulator *e, const char *what)
{
	struct http_reply	r;
	yajl_val		j;
	char			url[128];
	long long		n = -1;

	snprintf(url, sizeof(url), "%s/admin/counters", e->base);
	if (http_get(url, 5000, &r) == 0 && (j = http_reply_json(&r)) != NULL) {
		n = jpath_int(j, -1, what, NULL);
		yajl_tree_free(j);
	}
	http_reply_free(&r);
	return (n);
}

/* A v4 spool's ARM-available unions (n_union), at most max. */
static size_t
unions_of(const struct test_server *srv, const char *tag, int *n, size_t max)
{
	struct http_reply	 r;
	yajl_val		 j, list;
	char			 url[200];
	size_t			 i, k = 0;

	snprintf(url, sizeof(url), "%s/api/v4/uniones/%s/disponibles?"
	    "operacion=ARM", srv->base, tag);
	if (http_get(url, 10000, &r) != 0)
		return (0);
	j = http_reply_json(&r);
	list = jpath(j, "uniones", NULL);
	for (i = 0; list != NULL && i < list->u.array.len && k < max; i++)
		n[k++] = (int)jpath_int(list->u.array.values[i], 0, "n_union",
		    NULL);
	yajl_tree_free(j);
	http_reply_free(&r);
	return (k);
}

/* Spools free for ARM (v3, or v4 ones), and a worker who may take them. */
static size_t
pick(const struct test_server *srv, int v4, char tags[][80], size_t want,
    long long *worker)
{
	struct http_reply	 r;
	yajl_val		 j, list, roles;
	char			 url[160];
	const char		*name;
	size_t			 i, k, n = 0;

	snprintf(url, sizeof(url), "%s/api/workers", srv->base);
	if (http_get(url, 10000, &r) != 0)
		return (0);
	j = http_reply_json(&r);
	list = jpath(j, "workers", NULL);
	*worker = -1;
	for (i = 0; list != NULL && i < list->u.array.len && *worker < 0;
	    i++) {
		roles = jpath(list->u.array.values[i], "roles", NULL);
		for (k = 0; roles != NULL && k < roles->u.array.len; k++) {
			name = YAJL_IS_STRING(roles->u.array.values[k]) ?
			    YAJL_GET_STRING(roles->u.array.values[k]) : "";
			if (strcmp(name, "Ayudante") == 0 ||
			    strcmp(name, "Armador") == 0)
				*worker = jpath_int(list->u.array.values[i],
				    -1, "id", NULL);
		}
	}
	yajl_tree_free(j);
	http_reply_free(&r);

	snprintf(url, sizeof(url), "%s/api/spools/iniciar?operacion=ARM",
	    srv->base);
	if (http_get(url, 10000, &r) != 0)
		return (0);
	j = http_reply_json(&r);
	list = jpath(j, "spools", NULL);
	for (i = 0; list != NULL && i < list->u.array.len && n < want; i++) {
		/* A v4 spool is taken through INICIAR, a v3 one not. */
		if ((jpath_int(list->u.array.values[i], 0, "total_uniones",
		    NULL) > 0) != v4 || (v4 && !YAJL_IS_NULL(jpath(
		    list->u.array.values[i], "armador", NULL))))
			continue;
		snprintf(tags[n++], 80, "%.79s", jpath_str(
		    list->u.array.values[i], "tag_spool", NULL));
	}
	yajl_tree_free(j);
	http_reply_free(&r);
	return (n);
}

#define UNIONS_MAX	32

static void
run_on(const struct test_server *srvs, int nsrv,
    const struct test_emulator *emu, int v4, int latency, int tablets,
    double secs, struct row *row)
{
	const struct test_server *srv = &srvs[0];
	static char	 tags[TABLETS_MAX][80], bodies[TABLETS_MAX][200];
	static char	 fin[TABLETS_MAX][240];
	static int	 unions[TABLETS_MAX][UNIONS_MAX];
	size_t		 nunions[TABLETS_MAX], used[TABLETS_MAX];
	struct http_job	 jobs[TABLETS_MAX];
	char		 url[2][2][160];
	double		*lat[2];
	size_t		 nlat[2] = { 0, 0 }, cap = 100000;
	long long	 worker = -1, w0, w1;
	uint64_t	 t0;
	long		 cycles = 0, mutations = 0;
	int		 i, a, peak = 0, n;

	memset(row, 0, sizeof(*row));
	row->v4 = v4;
	row->latency_ms = latency;
	row->tablets = tablets;
	if (pick(srv, v4, tags, (size_t)tablets, &worker) < (size_t)tablets ||
	    worker < 0) {
		fprintf(stderr, "not enough free spools or workers\n");
		exit(1);
	}
	lat[0] = calloc(cap, sizeof(double));
	lat[1] = calloc(cap, sizeof(double));
	for (i = 0; i < nsrv; i++) {
		snprintf(url[i][0], sizeof(url[i][0]), v4 ?
		    "%s/api/v4/occupation/iniciar" : "%s/api/occupation/tomar",
		    srvs[i].base);
		snprintf(url[i][1], sizeof(url[i][1]), v4 ?
		    "%s/api/v4/occupation/finalizar" :
		    "%s/api/occupation/pausar", srvs[i].base);
	}
	for (i = 0; i < tablets; i++) {
		snprintf(bodies[i], sizeof(bodies[i]), "{\"tag_spool\":"
		    "\"%.79s\",\"worker_id\":%lld,\"operacion\":\"ARM\"}",
		    tags[i], worker);
		nunions[i] = v4 ? unions_of(srv, tags[i], unions[i],
		    UNIONS_MAX) : 0;
		used[i] = 0;
	}
	for (i = 0; i < nsrv; i++)
		row->conflicts -= conflicts(&srvs[i]);
	w0 = emulator_count(emu, "writes");
	row->reads0 = emulator_count(emu, "reads");
	t0 = harness_now_ms();
	while (harness_now_ms() - t0 < (uint64_t)(secs * 1000)) {
		for (a = 0; a < 2; a++) {
			memset(jobs, 0, sizeof(jobs));
			for (i = 0; i < tablets; i++) {
				jobs[i].url = url[i % nsrv][a];
				jobs[i].body = bodies[i];
				if (v4 && a == 1) {
					/* One union; keep the last one open. */
					if (used[i] + 1 < nunions[i])
						snprintf(fin[i], sizeof(fin[i]),
						    "%.*s,\"selected_unions\":"
						    "[%d]}",
						    (int)strlen(bodies[i]) - 1,
						    bodies[i],
						    unions[i][used[i]++]);
					else
						snprintf(fin[i], sizeof(fin[i]),
						    "%.*s,\"selected_unions\":"
						    "[]}",
						    (int)strlen(bodies[i]) - 1,
						    bodies[i]);
					jobs[i].body = fin[i];
				}
				jobs[i].bodylen = strlen(jobs[i].body);
			}
			http_parallel(jobs, (size_t)tablets, (size_t)tablets,
			    30000);
			for (i = 0; i < tablets; i++) {
				if (jobs[i].reply.status == 200)
					mutations++;
				else
					row->errors++;
				if (nlat[a] < cap)
					lat[a][nlat[a]++] =
					    jobs[i].reply.seconds * 1000.0;
			}
			http_parallel_free(jobs, (size_t)tablets);
		}
		cycles += tablets;
		n = harness_redis_clients(srv->redis_port, srv->prefix);
		if (n > peak)
			peak = n;
	}
	row->cycles_per_s = (double)cycles * 1000.0 /
	    (double)(harness_now_ms() - t0);
	w1 = emulator_count(emu, "writes");
	row->reads_per_min = (double)(emulator_count(emu, "reads") -
	    row->reads0) * 60000.0 / (double)(harness_now_ms() - t0);
	row->writes_per_100 = mutations > 0 ? (double)(w1 - w0) * 100.0 /
	    (double)mutations : 0;
	row->peak_redis = peak;
	for (i = 0; i < nsrv; i++)
		row->conflicts += conflicts(&srvs[i]);
	for (a = 0; a < 2; a++) {
		qsort(lat[a], nlat[a], sizeof(double), cmp_double);
		if (nlat[a] > 0) {
			row->p50[a] = lat[a][nlat[a] / 2];
			row->p99[a] = lat[a][nlat[a] * 99 / 100];
		}
		free(lat[a]);
	}
}

static void
run(const struct test_server *srv, const struct test_emulator *emu, int v4,
    int latency, int tablets, double secs, struct row *row)
{
	run_on(srv, 1, emu, v4, latency, tablets, secs, row);
}

/*
 * Issue 13's figures, for one SHEETS_COMMIT_MODE: every run against an
 * emulator enforcing the production quota (60 reads and 60 writes a
 * minute), so a 429 shows in its counters.
 */
struct figures {
	double		quiet_p50;	/* one TOMAR after 5 s of quiet */
	struct row	lat0, lat250, w4, w4x2;
	struct row	w4x2_shared_reads;	/* SHEETS_CACHE_SHARED=1 */
	long long	rate_limited;
};

static int
quota_reset(const struct test_emulator *e)
{
	struct http_reply	 r;
	const char		*h[] = { "Content-Type: application/json", NULL };
	const char		*body = "{\"reads_per_minute\":60,"
				    "\"writes_per_minute\":60}";
	char			 url[128];
	int			 ok;

	snprintf(url, sizeof(url), "%s/admin/quota", e->base);
	if (http_request("POST", url, h, body, strlen(body), 5000, &r) != 0)
		return (-1);
	ok = r.status == 200 ? 0 : -1;
	http_reply_free(&r);
	return (ok);
}

/* SHEETS_CACHE_SHARED=1 for the servers started, or NULL. */
static char	*cache_env;

static int
servers_start(struct test_server *srvs, int nsrv, struct test_emulator *emu,
    const char *mode, const char *workers)
{
	char	*env[14], m[64], w[32];
	size_t	 i;
	int	 k;

	snprintf(m, sizeof(m), "SHEETS_COMMIT_MODE=%s", mode);
	snprintf(w, sizeof(w), "WORKERS=%s", workers);
	for (i = 0; emu->env[i] != NULL; i++)
		env[i] = emu->env[i];
	env[i++] = w;
	env[i++] = m;
	env[i++] = "REQUEST_DEADLINE_MS=30000";
	if (cache_env != NULL)
		env[i++] = cache_env;
	env[i++] = "OPS_TOKEN=" BENCH_OPS_TOKEN;
	env[i] = NULL;
	memset(srvs, 0, sizeof(*srvs) * (size_t)nsrv);
	/*
	 * Each server starts with a fresh Redis, so fresh quota logs: the
	 * emulator opens fresh quota windows too, or what the previous run
	 * spent would come back as 429s.
	 */
	if (quota_reset(emu) == -1)
		return (-1);
	for (k = 0; k < nsrv; k++) {
		/* The second instance shares the first one's Redis. */
		if (k > 0) {
			srvs[k].redis_port = srvs[0].redis_port;
			env[i] = "INSTANCE_NAME=second";
			env[i + 1] = NULL;
		}
		if (test_server_start(&srvs[k], env) == -1)
			return (-1);
	}
	return (0);
}

static void
servers_stop(struct test_server *srvs, int nsrv)
{
	int	k;

	for (k = nsrv - 1; k >= 0; k--)
		test_server_stop(&srvs[k]);
}

static long long
rate_limited(const struct test_emulator *e)
{
	struct http_reply	r;
	yajl_val		j;
	char			url[128];
	long long		n = 0;

	snprintf(url, sizeof(url), "%s/admin/counters", e->base);
	if (http_get(url, 5000, &r) == 0 && (j = http_reply_json(&r)) != NULL) {
		n = jpath_int(j, 0, "outcomes", "429", NULL);
		yajl_tree_free(j);
	}
	http_reply_free(&r);
	return (n);
}

/* The group commits' conflicts so far, every worker of srv. */
static long long
conflicts(const struct test_server *srv)
{
	struct http_reply	 r;
	yajl_val		 j;
	const char		*h[] = { "Authorization: Bearer "
				    BENCH_OPS_TOKEN, NULL };
	char			 url[160];
	long long		 n = -1;

	snprintf(url, sizeof(url), "%s/api/ops/stats", srv->base);
	if (http_request("GET", url, h, NULL, 0, 5000, &r) == 0 &&
	    (j = http_reply_json(&r)) != NULL) {
		n = jpath_int(j, -1, "sheets", "group_commit",
		    "conflicts_total", NULL);
		yajl_tree_free(j);
	}
	http_reply_free(&r);
	return (n);
}

/* The p50 of a lone TOMAR (then its PAUSAR) after 5 s of quiet. */
static double
quiet_p50(const struct test_server *srv, const struct test_emulator *emu)
{
	struct row	r;
	double		v[3];
	int		i;

	for (i = 0; i < 3; i++) {
		harness_sleep_ms(5000);
		run(srv, emu, 0, 0, 1, 0.001, &r);
		v[i] = r.p50[0];
	}
	qsort(v, 3, sizeof(double), cmp_double);
	return (v[1]);
}

static int
figures_run(const char *mode, double secs, struct figures *f)
{
	struct test_emulator	 emu;
	struct test_server	 srvs[2];
	const char		*flags[7] = { "--latency-ms", NULL,
				    "--quota-reads", "60", "--quota-writes",
				    "60", NULL };
	int			 l;

	memset(f, 0, sizeof(*f));
	for (l = 0; l < 2; l++) {
		flags[1] = l == 0 ? "0" : "250";
		if (test_emulator_start(&emu, 2000, 50, flags) == -1)
			return (-1);
		if (servers_start(srvs, 1, &emu, mode, "2") == -1)
			return (-1);
		if (l == 0) {
			f->quiet_p50 = quiet_p50(&srvs[0], &emu);
			run(&srvs[0], &emu, 0, 0, 50, secs, &f->lat0);
		} else
			run(&srvs[0], &emu, 0, 250, 50, secs, &f->lat250);
		servers_stop(srvs, 1);
		if (l == 0) {
			if (servers_start(srvs, 1, &emu, mode, "4") == -1)
				return (-1);
			run(&srvs[0], &emu, 0, 0, 50, secs, &f->w4);
			servers_stop(srvs, 1);
			if (servers_start(srvs, 2, &emu, mode, "4") == -1)
				return (-1);
			run_on(srvs, 2, &emu, 0, 0, 50, secs, &f->w4x2);
			servers_stop(srvs, 2);
			cache_env = "SHEETS_CACHE_SHARED=1";
			if (servers_start(srvs, 2, &emu, mode, "4") == -1)
				return (-1);
			cache_env = NULL;
			run_on(srvs, 2, &emu, 0, 0, 50, secs,
			    &f->w4x2_shared_reads);
			servers_stop(srvs, 2);
		}
		f->rate_limited += rate_limited(&emu);
		test_emulator_stop(&emu);
	}
	return (0);
}

static double
p99(const struct row *r)
{
	return (r->p99[0] > r->p99[1] ? r->p99[0] : r->p99[1]);
}

#define MODES	3

static void
figures_print(double secs)
{
	struct figures	f[MODES];
	const char	*mode[MODES] = { "slices", "shared", "relay" };
	const char	*only = getenv("BENCH_MODES");
	long		errors;
	int		k, ran[MODES];

	for (k = 0; k < MODES; k++) {
		memset(&f[k], 0, sizeof(f[k]));
		ran[k] = only == NULL || strstr(only, mode[k]) != NULL;
		if (!ran[k])
			continue;		/* no column */
		if (figures_run(mode[k], secs, &f[k]) == -1) {
			fprintf(stderr, "figures: %s did not start\n",
			    mode[k]);
			exit(1);
		}
	}
	printf("\nIssue 13: the write quota as one floor.  TOMAR/PAUSAR on "
	    "distinct spools, %.0f s per run,\nemulator quota 60 reads and "
	    "60 writes/min, window 200 ms; p99 is the worse of\nTOMAR's and "
	    "PAUSAR's.  slices: SHEETS_COMMIT_MODE=slices (the former "
	    "pacing), shared: SHEETS_COMMIT_MODE=shared, relay: "
	    "SHEETS_COMMIT_MODE=relay (one committer, the default)\n\n",
	    secs);
	printf("| figure |");
	for (k = 0; k < MODES; k++)
		if (ran[k])
			printf(" %s |", mode[k]);
	printf("\n|---|");
	for (k = 0; k < MODES; k++)
		if (ran[k])
			printf("---:|");
	printf("\n");
	printf("| one change after 5 s of quiet, latency 0, p50 ms |");
	for (k = 0; k < MODES; k++)
		if (ran[k])
			printf(" %.0f |", f[k].quiet_p50);
	printf("\n| 50 tablets, 2 workers, latency 0, p99 ms |");
	for (k = 0; k < MODES; k++)
		if (ran[k])
			printf(" %.0f |", p99(&f[k].lat0));
	printf("\n| 50 tablets, 2 workers, latency 250 ms, p99 ms |");
	for (k = 0; k < MODES; k++)
		if (ran[k])
			printf(" %.0f |", p99(&f[k].lat250));
	printf("\n| 50 tablets, 4 workers, p99 ms |");
	for (k = 0; k < MODES; k++)
		if (ran[k])
			printf(" %.0f |", p99(&f[k].w4));
	printf("\n| 50 tablets, 4 workers x 2 instances, p99 ms |");
	for (k = 0; k < MODES; k++)
		if (ran[k])
			printf(" %.0f |", p99(&f[k].w4x2));
	printf("\n| Sheets writes /100 changes, 50 tablets, 2 workers |");
	for (k = 0; k < MODES; k++)
		if (ran[k])
			printf(" %.1f |", f[k].lat0.writes_per_100);
	printf("\n| Sheets reads /min, 4 workers x 2 instances |");
	for (k = 0; k < MODES; k++)
		if (ran[k])
			printf(" %.0f |", f[k].w4x2.reads_per_min);
	printf("\n| the same, SHEETS_CACHE_SHARED=1 |");
	for (k = 0; k < MODES; k++)
		if (ran[k])
			printf(" %.0f |",
			    f[k].w4x2_shared_reads.reads_per_min);
	printf("\n| errors (non-200), all runs |");
	for (k = 0; k < MODES; k++) {
		if (!ran[k])
			continue;
		errors = f[k].lat0.errors + f[k].lat250.errors +
		    f[k].w4.errors + f[k].w4x2.errors;
		printf(" %ld |", errors);
	}
	printf("\n| group-commit conflicts, 50 tablets: 2 w / 250 ms / 4 w / "
	    "4 w x 2 |");
	for (k = 0; k < MODES; k++) {
		if (ran[k])
			printf(" %lld / %lld / %lld / %lld |",
			    f[k].lat0.conflicts, f[k].lat250.conflicts,
			    f[k].w4.conflicts, f[k].w4x2.conflicts);
	}
	printf("\n| 429s from the emulator, all runs |");
	for (k = 0; k < MODES; k++)
		if (ran[k])
			printf(" %lld |", f[k].rate_limited);
	printf("\n");
}

/*
 * Issue 13's read figure alone: Sheets reads a minute with 4 workers x 2
 * instances under 50 tablets, each worker's read cache (the baseline)
 * and then SHEETS_CACHE_SHARED=1, in one run.
 */
/* A counter of the emulator's under outer (calls, outcomes); -1 if none. */
static long long
emulator_count2(const struct test_emulator *e, const char *outer,
    const char *what)
{
	struct http_reply	r;
	yajl_val		j;
	char			url[128];
	long long		n = -1;

	snprintf(url, sizeof(url), "%s/admin/counters", e->base);
	if (http_get(url, 5000, &r) == 0 && (j = http_reply_json(&r)) != NULL) {
		n = jpath_int(j, -1, outer, what, NULL);
		yajl_tree_free(j);
	}
	http_reply_free(&r);
	return (n);
}

/* The read cache's refreshes of srv: read from Sheets and adopted. */
static void
read_cache_refreshes(const struct test_server *srv, long long *read,
    long long *adopted)
{
	const char		*h[] = { "Authorization: Bearer "
				    BENCH_OPS_TOKEN, NULL };
	struct http_reply	 r;
	yajl_val		 j;
	char			 url[128];

	snprintf(url, sizeof(url), "%s/api/ops/stats", srv->base);
	if (http_request("GET", url, h, NULL, 0, 5000, &r) == 0 &&
	    (j = http_reply_json(&r)) != NULL) {
		*read += jpath_int(j, 0, "sheets", "read_cache",
		    "refreshes_read_total", NULL);
		*adopted += jpath_int(j, 0, "sheets", "read_cache",
		    "refreshes_adopted_total", NULL);
		yajl_tree_free(j);
	}
	http_reply_free(&r);
}

static int
reads_print(double secs, const char *mode)
{
	struct test_emulator	 emu;
	struct test_server	 srvs[2];
	struct row		 r[2];
	long long		 gets[2], filtered[2], r429[2];
	long long		 own[2], adopted[2];
	const char		*flags[5] = { "--quota-reads", "60",
				    "--quota-writes", "60", NULL };
	int			 k;

	if (test_emulator_start(&emu, 2000, 50, flags) == -1)
		return (1);
	for (k = 0; k < 2; k++) {
		cache_env = k == 0 ? "SHEETS_CACHE_SHARED=0" :
		    "SHEETS_CACHE_SHARED=1";
		if (servers_start(srvs, 2, &emu, mode, "4") == -1)
			return (1);
		own[k] = adopted[k] = 0;
		read_cache_refreshes(&srvs[0], &own[k], &adopted[k]);
		read_cache_refreshes(&srvs[1], &own[k], &adopted[k]);
		own[k] = -own[k];
		adopted[k] = -adopted[k];
		gets[k] = emulator_count2(&emu, "calls", "batchGet");
		filtered[k] = emulator_count2(&emu, "calls",
		    "batchGetByDataFilter");
		r429[k] = emulator_count2(&emu, "outcomes", "429");
		run_on(srvs, 2, &emu, 0, 0, 50, secs, &r[k]);
		gets[k] = emulator_count2(&emu, "calls", "batchGet") - gets[k];
		filtered[k] = emulator_count2(&emu, "calls",
		    "batchGetByDataFilter") - filtered[k];
		r429[k] = emulator_count2(&emu, "outcomes", "429") - r429[k];
		read_cache_refreshes(&srvs[0], &own[k], &adopted[k]);
		read_cache_refreshes(&srvs[1], &own[k], &adopted[k]);
		servers_stop(srvs, 2);
	}
	cache_env = NULL;
	printf("\nSheets reads per minute, 4 workers x 2 instances, 50 "
	    "tablets TOMAR/PAUSAR,\nSHEETS_COMMIT_MODE=%s, "
	    "SHEETS_CACHE_TTL_MS 15000, %.0f s per run\n\n", mode, secs);
	printf("| read cache | all reads /min | the caches' reads /min | "
	    "snapshots adopted /min | batchGet | batchGetByDataFilter | 429s "
	    "| errors | take p99 ms |\n"
	    "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
	for (k = 0; k < 2; k++)
		printf("| %s | %.0f | %.0f | %.0f | %lld | %lld | %lld | %ld | "
		    "%.0f |\n", k == 0 ? "per worker (today)" :
		    "SHEETS_CACHE_SHARED=1", r[k].reads_per_min,
		    (double)own[k] * 60.0 / secs,
		    (double)adopted[k] * 60.0 / secs, gets[k], filtered[k],
		    r429[k], r[k].errors, r[k].p99[0]);
	printf("\nThe batchGets the caches do not make are the group "
	    "commit's (verification and\nMetadata row count reads).\n");
	test_emulator_stop(&emu);
	return (0);
}

int
main(int argc, char **argv)
{
	struct test_emulator	 emu;
	struct test_server	 srv;
	struct row		 rows[8];
	const int		 tablets[3] = { 1, 10, 50 };
	const int		 latency[2] = { 0, 250 };
	double			 secs = argc > 1 ? atof(argv[1]) : 10.0;
	char			*env[8], lat_ms[16];
	const char		*flags[3];
	int			 l, t, k = 0;
	size_t			 i;

	if (argc > 1 && strcmp(argv[1], "reads") == 0) {
		secs = argc > 2 ? atof(argv[2]) : 45.0;
		if (secs <= 0 || secs > 600)
			return (2);
		return (reads_print(secs, argc > 3 ? argv[3] : "shared"));
	}
	if (secs <= 0 || secs > 600) {
		fprintf(stderr, "usage: bench_occupation [seconds 1..600]\n");
		return (2);
	}
	if (getenv("BENCH_MODES") != NULL) {
		/* Issue 13's table alone, for the modes named. */
		figures_print(secs);
		return (0);
	}
	for (l = 0; l < 2; l++) {
		snprintf(lat_ms, sizeof(lat_ms), "%d", latency[l]);
		flags[0] = "--latency-ms";
		flags[1] = lat_ms;
		flags[2] = NULL;
		if (test_emulator_start(&emu, 2000, 50, flags) == -1)
			return (1);
		for (i = 0; emu.env[i] != NULL; i++)
			env[i] = emu.env[i];
		env[i++] = "WORKERS=2";
		env[i++] = "REQUEST_DEADLINE_MS=30000";
		env[i] = NULL;
		memset(&srv, 0, sizeof(srv));
		if (test_server_start(&srv, env) == -1)
			return (1);
		for (t = 0; t < 3; t++)
			run(&srv, &emu, 0, latency[l], tablets[t], secs,
			    &rows[k++]);
		run(&srv, &emu, 1, latency[l], 50, secs, &rows[k++]);
		test_server_stop(&srv);
		test_emulator_stop(&emu);
	}

	printf("\nOccupation: TOMAR then PAUSAR (v3), INICIAR then FINALIZAR "
	    "of one union (v4),\non distinct spools, 2 workers, "
	    "%.0f s per run,\nquota 60 Sheets writes/min "
	    "(SHEETS_WRITES_PER_MINUTE), group-commit window 200 ms\n\n",
	    secs);
	printf("| cycle | Sheets latency | tablets | cycles/s | "
	    "take p50/p99 ms | release p50/p99 ms | errors | "
	    "Sheets writes /100 changes | peak Redis conns |\n");
	printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
	for (k = 0; k < 8; k++)
		printf("| %s | %d ms | %d | %.2f | %.0f / %.0f | %.0f / %.0f | "
		    "%ld | %.1f | %d |\n", rows[k].v4 ?
		    "INICIAR/FINALIZAR" : "TOMAR/PAUSAR", rows[k].latency_ms,
		    rows[k].tablets,
		    rows[k].cycles_per_s, rows[k].p50[0], rows[k].p99[0],
		    rows[k].p50[1], rows[k].p99[1], rows[k].errors,
		    rows[k].writes_per_100, rows[k].peak_redis);
	figures_print(secs);
	return (0);
}
