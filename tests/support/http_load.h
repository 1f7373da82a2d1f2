/*
 * A closed-loop HTTP load: `connections` clients, each with its own
 * keep-alive connection, sending GET url back to back until `seconds`
 * have passed.  Tests use it for correctness under load; the benchmarks
 * use wrk, which measures throughput with less of the machine.
 */
#ifndef ZEUES_HTTP_LOAD_H
#define ZEUES_HTTP_LOAD_H

#include <stddef.h>
#include <stdint.h>

struct http_load_result {
	uint64_t	requests;	/* responses received */
	uint64_t	ok;		/* 2xx */
	uint64_t	non_2xx;
	uint64_t	transport_errors;
	double		seconds;
	double		rps;
	double		p50_ms;
	double		p99_ms;
	double		max_ms;
};

int	http_load_run(const char *url, int connections, double seconds,
	    struct http_load_result *out);

#endif
