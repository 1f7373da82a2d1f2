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

struct row {
	int		v4;
	int		latency_ms;
	int		tablets;
	double		cycles_per_s;
	double		p50[2], p99[2];	/* take, release, ms */
	long		errors;
	double		writes_per_100;
	int		peak_redis;
};

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return (x < y ? -1 : x > y);
}

static long long
emulator_writes(const struct test_emulator *e)
{
	struct http_reply	r;
	yajl_val		j;
	char			url[128];
	long long		n = -1;

	snprintf(url, sizeof(url), "%s/admin/counters", e->base);
	if (http_get(url, 5000, &r) == 0 && (j = http_reply_json(&r)) != NULL) {
		n = jpath_int(j, -1, "writes", NULL);
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
run(const struct test_server *srv, const struct test_emulator *emu, int v4,
    int latency, int tablets, double secs, struct row *row)
{
	static char	 tags[TABLETS_MAX][80], bodies[TABLETS_MAX][200];
	static char	 fin[TABLETS_MAX][240];
	static int	 unions[TABLETS_MAX][UNIONS_MAX];
	size_t		 nunions[TABLETS_MAX], used[TABLETS_MAX];
	struct http_job	 jobs[TABLETS_MAX];
	char		 url[2][160];
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
	snprintf(url[0], sizeof(url[0]), v4 ? "%s/api/v4/occupation/iniciar" :
	    "%s/api/occupation/tomar", srv->base);
	snprintf(url[1], sizeof(url[1]), v4 ?
	    "%s/api/v4/occupation/finalizar" : "%s/api/occupation/pausar",
	    srv->base);
	for (i = 0; i < tablets; i++) {
		snprintf(bodies[i], sizeof(bodies[i]), "{\"tag_spool\":"
		    "\"%.79s\",\"worker_id\":%lld,\"operacion\":\"ARM\"}",
		    tags[i], worker);
		nunions[i] = v4 ? unions_of(srv, tags[i], unions[i],
		    UNIONS_MAX) : 0;
		used[i] = 0;
	}
	w0 = emulator_writes(emu);
	t0 = harness_now_ms();
	while (harness_now_ms() - t0 < (uint64_t)(secs * 1000)) {
		for (a = 0; a < 2; a++) {
			memset(jobs, 0, sizeof(jobs));
			for (i = 0; i < tablets; i++) {
				jobs[i].url = url[a];
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
	w1 = emulator_writes(emu);
	row->writes_per_100 = mutations > 0 ? (double)(w1 - w0) * 100.0 /
	    (double)mutations : 0;
	row->peak_redis = peak;
	for (a = 0; a < 2; a++) {
		qsort(lat[a], nlat[a], sizeof(double), cmp_double);
		if (nlat[a] > 0) {
			row->p50[a] = lat[a][nlat[a] / 2];
			row->p99[a] = lat[a][nlat[a] * 99 / 100];
		}
		free(lat[a]);
	}
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

	if (secs <= 0 || secs > 600) {
		fprintf(stderr, "usage: bench_occupation [seconds 1..600]\n");
		return (2);
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
	return (0);
}
