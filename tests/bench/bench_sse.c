/*
 * `make bench` (issue 5): how long one event takes to reach every live
 * board, at 100, 1,000 and 5,000 clients on two workers; the workers'
 * memory per connected client; the service's Redis connections meanwhile.
 *
 * Twenty events per size; the run takes about a minute.
 */
#include <sys/resource.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event_publisher.h"
#include "harness.h"
#include "server.h"
#include "sse_clients.h"

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t	x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x < y ? -1 : x > y);
}


struct row {
	size_t		clients;
	double		p50_ms;
	double		p99_ms;
	double		max_ms;
	double		rss_per_client_kib;
	int		redis_conns;
	size_t		missed;
};

static void
run(struct test_server *srv, struct event_publisher *pub, size_t n,
    int events, long rss_idle, struct row *row)
{
	struct sse_clients	 cs;
	uint64_t		*lat, t0;
	size_t			 i, k, nlat = 0;
	long			 idx;
	char			 id[64];

	memset(row, 0, sizeof(*row));
	row->clients = n;
	lat = calloc(n * (size_t)events, sizeof(*lat));
	if (sse_clients_open(&cs, n, srv->port, "/api/sse/stream", NULL,
	    1) == -1) {
		fprintf(stderr, "could not open %zu clients\n", n);
		exit(1);
	}
	t0 = harness_now_ms();
	while (sse_clients_open_count(&cs) < n &&
	    harness_now_ms() - t0 < 60000)
		sse_clients_pump(&cs, 50);
	row->rss_per_client_kib = (double)(test_server_workers_rss_kib(srv) -
	    rss_idle) / (double)n;
	row->redis_conns = harness_redis_clients(srv->redis_port, srv->prefix);

	for (k = 0; k < (size_t)events; k++) {
		t0 = harness_now_ms();
		if (event_publish(pub, "BENCH-1", 100, id, sizeof(id)) == -1)
			break;
		if (sse_clients_wait_id(&cs, id, 10000) == -1)
			row->missed++;
		for (i = 0; i < n; i++) {
			idx = sse_client_find(&cs.c[i], id);
			if (idx >= 0 && (size_t)idx + 1 == cs.c[i].nids)
				lat[nlat++] = cs.c[i].last_event_ms - t0;
		}
	}
	qsort(lat, nlat, sizeof(*lat), cmp_u64);
	if (nlat > 0) {
		row->p50_ms = (double)lat[nlat / 2];
		row->p99_ms = (double)lat[nlat * 99 / 100];
		row->max_ms = (double)lat[nlat - 1];
	}
	free(lat);
	sse_clients_close(&cs);
	harness_sleep_ms(500);
}

#define EVENTS	20

int
main(void)
{
	struct test_server	 srv;
	struct event_publisher	*pub;
	struct row		 rows[3];
	struct rlimit		 rl;
	char			*env[] = { "WORKERS=2",
				    "SSE_MAX_CLIENTS_PER_WORKER=5000",
				    "WORKER_MAX_CONNECTIONS=8192",
				    "WORKER_NOFILES=16384",
				    "HTTP_REQUEST_LIMIT=8192", NULL };
	const size_t		 sizes[3] = { 100, 1000, 5000 };
	int			 events = EVENTS, i;
	long			 rss_idle;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	memset(&srv, 0, sizeof(srv));
	if (test_server_start(&srv, env) == -1)
		return (1);
	if ((pub = event_publisher_new(srv.redis_port)) == NULL)
		return (1);
	rss_idle = test_server_workers_rss_kib(&srv);
	for (i = 0; i < 3; i++)
		run(&srv, pub, sizes[i], events, rss_idle, &rows[i]);
	event_publisher_free(pub);
	test_server_stop(&srv);

	printf("\nSSE fan-out: 2 workers, loopback, %d events per size, "
	    "one Redis subscription per worker\n\n", events);
	printf("| clients | p50 ms | p99 ms | max ms | missed | RSS/client KiB "
	    "| Redis conns |\n");
	printf("|--------:|-------:|-------:|-------:|-------:|---------------:"
	    "|------------:|\n");
	for (i = 0; i < 3; i++)
		printf("| %7zu | %6.1f | %6.1f | %6.1f | %6zu | %14.1f | %11d "
		    "|\n", rows[i].clients, rows[i].p50_ms, rows[i].p99_ms,
		    rows[i].max_ms, rows[i].missed, rows[i].rss_per_client_kib,
		    rows[i].redis_conns);
	printf("\nRedis connections stay at 2 per worker (1 command + 1 "
	    "subscriber) whatever the number of clients.\n");
	return (0);
}
