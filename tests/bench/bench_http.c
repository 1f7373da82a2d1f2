/*
 * `make bench`: throughput and latency, measured with wrk, of /livez (no I/O) against a
 * Redis-backed route (/readyz: a PING through the pool and the
 * subscription check) at 64 and 512 connections, on a server and Redis it
 * starts itself, with the peak number of Redis connections the service
 * held during each run (sampled from CLIENT LIST every 100 ms); then the
 * access log's cost: /readyz at 64 connections on a server with
 * ACCESS_LOG=off and on the one with it on (the default), alternated
 * LOG_ROUNDS times; the best run of each is compared, since load from
 * anything else sharing the machine only ever lowers a run.
 *
 * Usage: bench_http [seconds-per-run]   (default 10)
 */
#include <sys/resource.h>

#include <fcntl.h>
#include <time.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include "access_log.h"
#include "harness.h"
#include "redis_text.h"
#include "server.h"

#define LOG_ROUNDS	3

struct row {
	const char	*route;
	int		 conns;
	double		 rps;
	double		 p50_ms;
	double		 p99_ms;
	long		 errors;
	int		 peak_redis;
};

static int
count_service_clients(redisContext *rc, const char *prefix)
{
	struct client_count	 cc;
	redisReply		*r;
	int			 n = -1;

	if ((r = redisCommand(rc, "CLIENT LIST")) == NULL)
		return (-1);
	if (r->type == REDIS_REPLY_STRING) {
		redis_client_list_count(r->str, prefix, &cc);
		n = cc.named;
	}
	freeReplyObject(r);
	return (n);
}

/* wrk prints latency as "2.06ms", "850.00us" or "1.20s". */
static double
parse_ms(const char *s)
{
	char	*end;
	double	 v = strtod(s, &end);

	if (strncmp(end, "us", 2) == 0)
		return (v / 1000.0);
	if (strncmp(end, "ms", 2) == 0)
		return (v);
	if (*end == 's')
		return (v * 1000.0);
	return (v);
}

static void
parse_wrk(const char *path, struct row *row)
{
	char	 line[256], *p;
	FILE	*fp;

	if ((fp = fopen(path, "r")) == NULL)
		return;
	while (fgets(line, sizeof(line), fp) != NULL) {
		for (p = line; *p == ' '; p++)
			;
		if (strncmp(p, "50%", 3) == 0)
			row->p50_ms = parse_ms(p + 3 + strspn(p + 3, " "));
		else if (strncmp(p, "99%", 3) == 0)
			row->p99_ms = parse_ms(p + 3 + strspn(p + 3, " "));
		else if (strncmp(p, "Requests/sec:", 13) == 0)
			row->rps = strtod(p + 13, NULL);
		else if (strncmp(p, "Non-2xx or 3xx responses:", 25) == 0)
			row->errors += strtol(p + 25, NULL, 10);
		else if (strncmp(p, "Socket errors:", 14) == 0 &&
		    (p = strstr(p, "timeout ")) != NULL)
			row->errors += strtol(p + 8, NULL, 10);
	}
	fclose(fp);
}

/* wrk on two threads, while Redis's own client count is sampled. */
static void
run(struct test_server *srv, const char *route, int conns, double secs,
    struct row *row)
{
	redisContext	*rc;
	char		 url[256], dur[32], cs[16], out[512];
	char		*argv[] = { "wrk", "-t2", "-c", cs, "-d", dur,
			    "--latency", url, NULL };
	pid_t		 pid;
	int		 n;

	memset(row, 0, sizeof(*row));
	row->route = route;
	row->conns = conns;
	snprintf(url, sizeof(url), "%s%s", srv->base, route);
	snprintf(dur, sizeof(dur), "%.0fs", secs);
	snprintf(cs, sizeof(cs), "%d", conns);
	snprintf(out, sizeof(out), "%s/wrk-%d-%d.txt", harness_tmpdir(),
	    conns, (int)strlen(route));
	unlink(out);
	rc = redisConnect("127.0.0.1", srv->redis_port);
	pid = harness_spawn(out, argv, NULL);
	while (harness_wait_exit(pid, 100) == -1) {
		n = count_service_clients(rc, srv->prefix);
		if (n > row->peak_redis)
			row->peak_redis = n;
	}
	redisFree(rc);
	parse_wrk(out, row);
}

/*
 * What one access-log line costs a worker, without the noise of a shared
 * machine: the clock and time stamp, formatting a typical /readyz line and
 * writing it to /dev/null 4 KiB at a time, as app/request_log.c does.
 */
static double
access_log_line_ns(void)
{
	struct access_log_entry	 e;
	struct timespec		 t0, t1, now;
	struct tm		 tm;
	time_t			 last = -1;
	char			 line[ACCESS_LOG_LINE_MAX], ts[40], buf[4096];
	size_t			 len, nbuf = 0;
	int			 fd, i, n = 200000;

	if ((fd = open("/dev/null", O_WRONLY)) == -1)
		return (0);
	memset(&e, 0, sizeof(e));
	e.time = ts;
	e.request_id = "5d6f789a-01-000000000001";
	e.method = "GET";
	e.route = "/readyz";
	e.path = "/readyz";
	e.status = 200;
	e.duration_us = 223;
	/* CPU time, not wall time: a busy neighbour does not inflate it. */
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
	for (i = 0; i < n; i++) {
		/* request_log.c formats the seconds once per second. */
		clock_gettime(CLOCK_REALTIME, &now);
		if (now.tv_sec != last) {
			gmtime_r(&now.tv_sec, &tm);
			len = strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S",
			    &tm);
			snprintf(ts + len, sizeof(ts) - len, ".000Z");
			last = now.tv_sec;
		}
		e.duration_us = (uint64_t)i;
		len = access_log_line(ACCESS_LOG_LOGFMT, &e, line,
		    sizeof(line));
		if (nbuf + len > sizeof(buf)) {
			if (write(fd, buf, nbuf) == -1)
				break;
			nbuf = 0;
		}
		memcpy(buf + nbuf, line, len);
		nbuf += len;
	}
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
	close(fd);
	return (((double)(t1.tv_sec - t0.tv_sec) * 1e9 +
	    (double)(t1.tv_nsec - t0.tv_nsec)) / n);
}

int
main(int argc, char **argv)
{
	struct test_server	 srv, quiet;
	struct row		 rows[4], log_off, log_on;
	double			 off_rps, on_rps, line_ns;
	struct rlimit		 rl;
	double			 secs = argc > 1 ? atof(argv[1]) : 10.0;
	char			*env[] = { "WORKERS=2", NULL };
	char			*env_off[] = { "WORKERS=2", "ACCESS_LOG=off",
				    NULL };
	int			 i, workers = 2;

	if (secs <= 0 || secs > 600) {
		fprintf(stderr, "usage: bench_http [seconds 1..600]\n");
		return (2);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	memset(&srv, 0, sizeof(srv));
	if (test_server_start(&srv, env) == -1)
		return (1);

	run(&srv, "/livez", 64, secs, &rows[0]);
	run(&srv, "/readyz", 64, secs, &rows[1]);
	run(&srv, "/livez", 512, secs, &rows[2]);
	run(&srv, "/readyz", 512, secs, &rows[3]);

	memset(&quiet, 0, sizeof(quiet));
	if (test_server_start(&quiet, env_off) == -1) {
		test_server_stop(&srv);
		return (1);
	}
	off_rps = on_rps = 0;
	for (i = 0; i < LOG_ROUNDS; i++) {
		run(&quiet, "/readyz", 64, secs, &log_off);
		run(&srv, "/readyz", 64, secs, &log_on);
		printf("access log round %d: /readyz off %.0f, on %.0f req/s\n",
		    i + 1, log_off.rps, log_on.rps);
		if (log_off.rps > off_rps)
			off_rps = log_off.rps;
		if (log_on.rps > on_rps)
			on_rps = log_on.rps;
	}
	test_server_stop(&quiet);
	test_server_stop(&srv);

	printf("\nHTTP benchmark: %d workers, loopback, %.0f s per run, "
	    "REDIS_POOL_MAX_CONNECTIONS=20\n\n", workers, secs);
	printf("| route    | conns |    req/s | p50 ms | p99 ms | errors | "
	    "peak Redis conns |\n");
	printf("|----------|------:|---------:|-------:|-------:|-------:|"
	    "-----------------:|\n");
	for (i = 0; i < 4; i++) {
		printf("| %-8s | %5d | %8.0f | %6.2f | %6.2f | %6ld | %16d |\n",
		    rows[i].route, rows[i].conns, rows[i].rps,
		    rows[i].p50_ms, rows[i].p99_ms, rows[i].errors,
		    rows[i].peak_redis);
	}
	printf("\nRedis-backed / no-I/O throughput: %.2f at 64 connections, "
	    "%.2f at 512 (target >= 0.60)\n",
	    rows[0].rps > 0 ? rows[1].rps / rows[0].rps : 0,
	    rows[2].rps > 0 ? rows[3].rps / rows[2].rps : 0);
	printf("Peak Redis connections of the service: %d at 64, %d at 512 "
	    "(target <= %d = 2 per worker + 1 subscriber each)\n",
	    rows[1].peak_redis, rows[3].peak_redis, workers * 3);
	printf("Access log: /readyz at 64 connections, best of %d runs: "
	    "ACCESS_LOG=off %.0f req/s, on %.0f req/s: on/off = %.3f "
	    "(target >= 0.95)\n", LOG_ROUNDS, off_rps, on_rps,
	    off_rps > 0 ? on_rps / off_rps : 0);
	line_ns = access_log_line_ns();
	printf("Access log: one line costs %.2f us to stamp, format and write "
	    "(to /dev/null, 4 KiB at a time): %.1f%% of each worker's time at "
	    "%.0f /readyz req/s over %d workers\n", line_ns / 1000.0,
	    line_ns / 1e9 * off_rps / workers * 100, off_rps, workers);
	return (0);
}
