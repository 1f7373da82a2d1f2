/*
 * Peak memory of parsing one values.batchGet reply at the HTTP client's
 * cap (8 MiB): the worst case, small numbers ("1,1,1,..."), with and
 * without the cap on a reply's cells, and a realistic one (72 short
 * strings a row, as Operaciones is).  Each case
 * runs in its own child process so that VmHWM (the resident high-water
 * mark) is that case's alone.
 *
 *	make build/tests/bench/bench_batch_get_memory
 *	build/tests/bench/bench_batch_get_memory
 */
#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http_client.h"
#include "sheets_codec.h"

/* VmHWM or VmRSS of this process in KiB, or -1. */
static long
status_kib(const char *field)
{
	FILE	*f;
	char	 line[256];
	long	 kib = -1;
	size_t	 n = strlen(field);

	if ((f = fopen("/proc/self/status", "r")) == NULL)
		return (-1);
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, field, n) == 0 && line[n] == ':') {
			kib = strtol(line + n + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return (kib);
}

/* A batchGet reply of at most cap bytes: rows of ncols copies of cell. */
static char *
make_body(size_t cap, const char *cell, size_t ncols, size_t *lenp)
{
	char	*b, *p;
	size_t	 clen = strlen(cell), rowlen = ncols * (clen + 1) + 2, r, c;

	if ((b = malloc(cap + 1)) == NULL)
		return (NULL);
	p = b + sprintf(b, "{\"valueRanges\":[{\"range\":\"Operaciones!A1:ZZ9\","
	    "\"majorDimension\":\"ROWS\",\"values\":[");
	for (r = 0; (size_t)(p - b) + rowlen + 8 < cap; r++) {
		if (r > 0)
			*p++ = ',';
		*p++ = '[';
		for (c = 0; c < ncols; c++) {
			if (c > 0)
				*p++ = ',';
			memcpy(p, cell, clen);
			p += clen;
		}
		*p++ = ']';
	}
	p += sprintf(p, "]}]}");
	*lenp = (size_t)(p - b);
	return (b);
}

/* max_cells: the cap on a reply's cells, 0 for none. */
static void
run(const char *name, const char *cell, size_t ncols, size_t max_cells)
{
	struct sheets_limits		 lim = SHEETS_LIMITS_DEFAULT_INIT;
	struct sheets_value_ranges	 vrs;
	char				*body, err[256];
	size_t				 len;
	long				 before, after;
	int				 rc, status;
	pid_t				 pid;

	lim.max_cells = max_cells;
	fflush(stdout);
	if ((pid = fork()) != 0) {
		waitpid(pid, &status, 0);
		return;
	}
	body = make_body(HTTP_CLIENT_MAX_RESPONSE, cell, ncols, &len);
	if (body == NULL)
		_exit(1);
	before = status_kib("VmHWM");
	rc = sheets_parse_batch_get(body, len, &lim, &vrs, err, sizeof(err));
	after = status_kib("VmHWM");
	printf("%-34s %7.2f MiB reply: peak RSS +%6.1f MiB (%s)\n", name,
	    (double)len / (1024 * 1024), (double)(after - before) / 1024,
	    rc == 0 ? "parsed" : err);
	if (rc == 0)
		sheets_value_ranges_free(&vrs);
	free(body);
	fflush(stdout);
	_exit(0);
}

int
main(void)
{
	run("small numbers, 1000 a row", "1", 1000,
	    SHEETS_MAX_CELLS_PER_REPLY);
	run("small numbers, 72 a row", "1", 72, SHEETS_MAX_CELLS_PER_REPLY);
	run("small numbers, no cell cap", "1", 72, 0);
	run("short strings, 72 a row", "\"MK-1402-AC\"", 72,
	    SHEETS_MAX_CELLS_PER_REPLY);
	return (0);
}
