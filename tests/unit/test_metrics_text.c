/*
 * Unit tests for lib/http/metrics_text.c, the Prometheus text of /metrics.
 * A stats region with two workers is filled with known figures and the
 * rendered text is checked as a whole (every family a HELP line then its
 * TYPE line, names zeues_*, counters *_total, label syntax, numeric
 * values) and value by value: sums over workers, the utilization ratio,
 * request counts by route and status, and histograms with cumulative
 * buckets at the shared bounds ending in +Inf equal to _count.  Slots
 * whose pid is 0 are not workers and must count for nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "metrics_text.h"
#include "nelem.h"

#define LIMIT		(1 << 20)
#define BUDGET		20

/* Renders r into a NUL-terminated string (caller frees). */
static char *
render(const struct stats_region *r, uint64_t budget, const char *version)
{
	struct strbuf	 b;
	char		*s;

	strbuf_init(&b, LIMIT);
	metrics_text_render(&b, r, budget, version);
	assert_int_equal(b.overflow, 0);
	assert_non_null(b.data);
	s = strdup(b.data);
	assert_non_null(s);
	assert_int_equal(strlen(s), b.len);
	strbuf_free(&b);
	return (s);
}

static int
name_char(int c, int first)
{
	if (isalpha(c) || c == '_' || c == ':')
		return (1);
	return (!first && isdigit(c));
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t	n = strlen(s), m = strlen(suffix);

	return (n >= m && strcmp(s + n - m, suffix) == 0);
}

/* Checks {k="v",...} at *p; leaves *p after the '}'. */
static void
check_labels(const char **p, const char *line)
{
	const char	*q = *p;

	if (*q != '{')
		return;
	q++;
	for (;;) {
		if (!isalpha((unsigned char)*q) && *q != '_')
			fail_msg("bad label name: %s", line);
		while (isalnum((unsigned char)*q) || *q == '_')
			q++;
		if (q[0] != '=' || q[1] != '"')
			fail_msg("bad label: %s", line);
		for (q += 2; *q != '"'; q++) {
			if (*q == '\0' || *q == '\n' || *q == '\\')
				fail_msg("bad label value: %s", line);
		}
		q++;
		if (*q == '}')
			break;
		if (*q != ',')
			fail_msg("bad label list: %s", line);
		q++;
	}
	*p = q + 1;
}

/*
 * The exposition format as Prometheus reads it, and the project's naming
 * rules: each family once, HELP then TYPE, samples under their family.
 */
static void
check_exposition(const char *text)
{
	char		 line[512], fam[128], type[32], seen[4096];
	const char	*p, *nl, *q;
	char		*end;
	size_t		 n, namelen;

	fam[0] = '\0';
	seen[0] = '\0';
	assert_true(strlen(text) > 0);
	assert_int_equal(text[strlen(text) - 1], '\n');
	for (p = text; *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		n = (size_t)(nl - p);
		assert_true(n > 0 && n < sizeof(line));
		memcpy(line, p, n);
		line[n] = '\0';

		if (strncmp(line, "# HELP ", 7) == 0) {
			q = line + 7;
			for (namelen = 0; name_char((unsigned char)q[namelen],
			    namelen == 0); namelen++)
				;
			if (namelen == 0 || namelen >= sizeof(fam) ||
			    q[namelen] != ' ' || q[namelen + 1] == '\0')
				fail_msg("bad HELP: %s", line);
			memcpy(fam, q, namelen);
			fam[namelen] = '\0';
			if (strncmp(fam, "zeues_", 6) != 0)
				fail_msg("not zeues_: %s", fam);
			/* Each family once. */
			snprintf(line, sizeof(line), " %s ", fam);
			if (strstr(seen, line) != NULL)
				fail_msg("%s declared twice", fam);
			assert_true(strlen(seen) + strlen(line) < sizeof(seen));
			strcat(seen, line + 1);
			/* TYPE must be the very next line. */
			p = nl + 1;
			nl = strchr(p, '\n');
			assert_non_null(nl);
			n = (size_t)(nl - p);
			assert_true(n < sizeof(line));
			memcpy(line, p, n);
			line[n] = '\0';
			if (strncmp(line, "# TYPE ", 7) != 0 ||
			    strncmp(line + 7, fam, namelen) != 0 ||
			    line[7 + namelen] != ' ')
				fail_msg("no TYPE right after HELP of %s: %s",
				    fam, line);
			snprintf(type, sizeof(type), "%s", line + 8 + namelen);
			if (strcmp(type, "counter") != 0 &&
			    strcmp(type, "gauge") != 0 &&
			    strcmp(type, "histogram") != 0)
				fail_msg("%s: type '%s'", fam, type);
			if (strcmp(type, "counter") == 0 &&
			    !ends_with(fam, "_total"))
				fail_msg("counter %s lacks _total", fam);
			if (strcmp(type, "counter") != 0 &&
			    ends_with(fam, "_total"))
				fail_msg("%s %s ends in _total", type, fam);
			if (strcmp(type, "histogram") == 0 &&
			    !ends_with(fam, "_seconds"))
				fail_msg("histogram %s not in seconds", fam);
			continue;
		}
		if (line[0] == '#')
			fail_msg("stray comment: %s", line);
		if (fam[0] == '\0')
			fail_msg("sample before any HELP: %s", line);

		/* name{labels} value */
		for (namelen = 0; name_char((unsigned char)line[namelen],
		    namelen == 0); namelen++)
			;
		if (namelen == 0)
			fail_msg("bad sample: %s", line);
		if (strcmp(type, "histogram") == 0) {
			if (strncmp(line, fam, strlen(fam)) != 0 ||
			    ((namelen != strlen(fam) + 7 ||
			    strncmp(line + strlen(fam), "_bucket", 7) != 0) &&
			    (namelen != strlen(fam) + 4 ||
			    strncmp(line + strlen(fam), "_sum", 4) != 0) &&
			    (namelen != strlen(fam) + 6 ||
			    strncmp(line + strlen(fam), "_count", 6) != 0)))
				fail_msg("%s is not part of histogram %s",
				    line, fam);
		} else if (namelen != strlen(fam) ||
		    strncmp(line, fam, namelen) != 0)
			fail_msg("%s is not under family %s", line, fam);
		q = line + namelen;
		check_labels(&q, line);
		if (*q != ' ')
			fail_msg("no space before the value: %s", line);
		q++;
		(void)strtod(q, &end);
		if (end == q || *end != '\0')
			fail_msg("value is not a number: %s", line);
	}
}

/* The value of the sample whose name and labels are exactly key. */
static int
sample(const char *text, const char *key, double *v)
{
	const char	*p;
	size_t		 n = strlen(key);

	for (p = text; p != NULL && *p != '\0'; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (strncmp(p, key, n) == 0 && p[n] == ' ') {
			*v = strtod(p + n + 1, NULL);
			return (1);
		}
	}
	return (0);
}

static void
expect(const char *text, const char *key, double want)
{
	double	got;

	if (!sample(text, key, &got))
		fail_msg("no sample %s", key);
	if (fabs(got - want) > 1e-9)
		fail_msg("%s is %.10g, want %.10g", key, got, want);
}

static void
expect_absent(const char *text, const char *key)
{
	double	got;

	if (sample(text, key, &got))
		fail_msg("unexpected sample %s %g", key, got);
}

/*
 * Checks one histogram: buckets at every bound in order, cumulative, then
 * +Inf equal to _count; cum[] receives the HISTOGRAM_BUCKETS + 1 values.
 */
static void
check_histogram(const char *text, const char *fam, const char *labels,
    double cum[HISTOGRAM_BUCKETS + 1], double *sum)
{
	char	key[256], lb[160];
	double	prev = 0, count;
	size_t	i;

	snprintf(lb, sizeof(lb), "%s%s", labels, labels[0] ? "," : "");
	for (i = 0; i < HISTOGRAM_BUCKETS; i++) {
		snprintf(key, sizeof(key), "%s_bucket{%sle=\"%g\"}", fam, lb,
		    (double)histogram_bounds_us[i] / 1e6);
		if (!sample(text, key, &cum[i]))
			fail_msg("no bucket %s", key);
		if (cum[i] < prev)
			fail_msg("%s: %g after %g, not cumulative", key,
			    cum[i], prev);
		prev = cum[i];
	}
	snprintf(key, sizeof(key), "%s_bucket{%sle=\"+Inf\"}", fam, lb);
	if (!sample(text, key, &cum[HISTOGRAM_BUCKETS]))
		fail_msg("no bucket %s", key);
	assert_true(cum[HISTOGRAM_BUCKETS] >= prev);
	if (labels[0])
		snprintf(key, sizeof(key), "%s_count{%s}", fam, labels);
	else
		snprintf(key, sizeof(key), "%s_count", fam);
	if (!sample(text, key, &count))
		fail_msg("no %s", key);
	if (count != cum[HISTOGRAM_BUCKETS])
		fail_msg("%s %g but +Inf bucket %g", key, count,
		    cum[HISTOGRAM_BUCKETS]);
	if (labels[0])
		snprintf(key, sizeof(key), "%s_sum{%s}", fam, labels);
	else
		snprintf(key, sizeof(key), "%s_sum", fam);
	if (!sample(text, key, sum))
		fail_msg("no %s", key);
}

static void
set_pool(struct worker_stats *w, const uint64_t v[15])
{
	w->redis.open = v[0];
	w->redis.active = v[1];
	w->redis.idle = v[2];
	w->redis.connecting = v[3];
	w->redis.pending_commands = v[4];
	w->redis.waiting_requests = v[5];
	w->redis.up = v[6];
	w->redis.connects_total = v[7];
	w->redis.connect_failures_total = v[8];
	w->redis.reconnects_total = v[9];
	w->redis.timeouts_total = v[10];
	w->redis.errors_total = v[11];
	w->redis.commands_total = v[12];
	w->redis.rejected_total = v[13];
	w->redis.max_connections = v[14];
}

static void
set_sub(struct worker_stats *w, uint64_t connected, uint64_t live,
    uint64_t messages, uint64_t resubscribes, uint64_t hb_failures)
{
	w->sub.connected = connected;
	w->sub.live = live;
	w->sub.messages_total = messages;
	w->sub.resubscribes_total = resubscribes;
	w->sub.heartbeat_failures_total = hb_failures;
}

/* Two workers with known figures in a region of three slots. */
static struct stats_region *
two_workers(void)
{
	static const uint64_t	p0[15] = {
		3, 2, 1, 1, 5, 2, 1, 10, 1, 2, 3, 4, 1000, 6, 9,
	};
	static const uint64_t	p1[15] = {
		4, 1, 3, 0, 1, 0, 1, 7, 0, 1, 0, 2, 500, 1, 9,
	};
	struct stats_region	*r;
	struct worker_stats	*w0, *w1;

	r = stats_region_map(3);
	assert_non_null(r);
	w0 = stats_region_claim(r, 0, 1001, 1, 1);
	w1 = stats_region_claim(r, 1, 1002, 2, 1);
	assert_non_null(w0);
	assert_non_null(w1);
	set_pool(w0, p0);
	set_pool(w1, p1);
	set_sub(w0, 1, 1, 50, 1, 0);
	set_sub(w1, 1, 0, 30, 2, 3);
	histogram_observe(&w0->redis.wait, 50);
	histogram_observe(&w0->redis.wait, 700);
	histogram_observe(&w0->redis.wait, 3000);
	histogram_observe(&w1->redis.wait, 80);
	histogram_observe(&w1->redis.wait, 6000000);

	http_stats_count(&w0->http, ROUTE_HEALTH, 200, 150);
	http_stats_count(&w0->http, ROUTE_HEALTH, 200, 150);
	http_stats_count(&w0->http, ROUTE_HEALTH, 503, 7000);
	http_stats_count(&w0->http, ROUTE_OTHER, 404, 20);
	http_stats_count(&w0->http, ROUTE_READYZ, 418, 30);
	http_stats_count(&w1->http, ROUTE_HEALTH, 200, 90);
	http_stats_count(&w1->http, ROUTE_METRICS, 200, 2000000);
	return (r);
}

static void
test_well_formed(void **state)
{
	struct stats_region	*r;
	char			*text;

	(void)state;
	r = two_workers();
	text = render(r, BUDGET, "1.2.3");
	check_exposition(text);
	free(text);
	stats_region_unmap(r);

	/* Also with no worker and no traffic at all. */
	r = stats_region_map(2);
	assert_non_null(r);
	text = render(r, BUDGET, "0.0.0-dev");
	check_exposition(text);
	expect(text, "zeues_workers", 0);
	expect(text, "zeues_redis_pool_utilization_ratio", 0);
	expect(text, "zeues_redis_pool_wait_seconds_count", 0);
	/* No request yet: the families are declared, no samples. */
	assert_non_null(strstr(text,
	    "# TYPE zeues_http_requests_total counter\n"));
	assert_null(strstr(text, "zeues_http_requests_total{"));
	assert_null(strstr(text, "zeues_http_request_duration_seconds_"));
	free(text);
	stats_region_unmap(r);
}

static void
test_types(void **state)
{
	static const struct {
		const char	*name;
		const char	*type;
	} families[] = {
		{ "zeues_build_info", "gauge" },
		{ "zeues_workers", "gauge" },
		{ "zeues_redis_pool_connections", "gauge" },
		{ "zeues_redis_pubsub_connections", "gauge" },
		{ "zeues_redis_connections_budget", "gauge" },
		{ "zeues_redis_pool_utilization_ratio", "gauge" },
		{ "zeues_redis_pool_pending_commands", "gauge" },
		{ "zeues_redis_pool_waiting_requests", "gauge" },
		{ "zeues_redis_up", "gauge" },
		{ "zeues_redis_connects_total", "counter" },
		{ "zeues_redis_connect_failures_total", "counter" },
		{ "zeues_redis_reconnects_total", "counter" },
		{ "zeues_redis_timeouts_total", "counter" },
		{ "zeues_redis_errors_total", "counter" },
		{ "zeues_redis_commands_total", "counter" },
		{ "zeues_redis_rejected_total", "counter" },
		{ "zeues_redis_pool_wait_seconds", "histogram" },
		{ "zeues_redis_subscriber_live", "gauge" },
		{ "zeues_redis_subscriber_messages_total", "counter" },
		{ "zeues_redis_subscriber_resubscribes_total", "counter" },
		{ "zeues_redis_subscriber_heartbeat_failures_total",
		    "counter" },
		{ "zeues_http_requests_total", "counter" },
		{ "zeues_http_request_duration_seconds", "histogram" },
	};
	struct stats_region	*r;
	char			*text, want[160];
	size_t			 i;

	(void)state;
	r = two_workers();
	text = render(r, BUDGET, "1.2.3");
	for (i = 0; i < NELEM(families); i++) {
		snprintf(want, sizeof(want), "\n# TYPE %s %s\n",
		    families[i].name, families[i].type);
		if (strstr(text, want) == NULL)
			fail_msg("missing: %s", want + 1);
	}
	assert_int_equal(strncmp(text, "# HELP zeues_build_info ", 24), 0);
	free(text);
	stats_region_unmap(r);
}

/* Gauges and counters are the sums over the two workers. */
static void
test_sums(void **state)
{
	struct stats_region	*r;
	char			*text;

	(void)state;
	r = two_workers();
	text = render(r, BUDGET, "1.2.3");
	expect(text, "zeues_build_info{version=\"1.2.3\"}", 1);
	expect(text, "zeues_workers", 2);
	expect(text, "zeues_redis_pool_connections{state=\"active\"}", 3);
	expect(text, "zeues_redis_pool_connections{state=\"idle\"}", 4);
	expect(text, "zeues_redis_pool_connections{state=\"connecting\"}", 1);
	expect(text, "zeues_redis_pubsub_connections", 2);
	expect(text, "zeues_redis_connections_budget", BUDGET);
	/* (3 + 4 command + 2 subscriber) / 20 */
	expect(text, "zeues_redis_pool_utilization_ratio", 0.45);
	expect(text, "zeues_redis_pool_pending_commands", 6);
	expect(text, "zeues_redis_pool_waiting_requests", 2);
	expect(text, "zeues_redis_up", 2);
	expect(text, "zeues_redis_connects_total", 17);
	expect(text, "zeues_redis_connect_failures_total", 1);
	expect(text, "zeues_redis_reconnects_total", 3);
	expect(text, "zeues_redis_timeouts_total", 3);
	expect(text, "zeues_redis_errors_total", 6);
	expect(text, "zeues_redis_commands_total", 1500);
	expect(text, "zeues_redis_rejected_total", 7);
	expect(text, "zeues_redis_subscriber_live", 1);
	expect(text, "zeues_redis_subscriber_messages_total", 80);
	expect(text, "zeues_redis_subscriber_resubscribes_total", 3);
	expect(text, "zeues_redis_subscriber_heartbeat_failures_total", 3);
	free(text);
	stats_region_unmap(r);
}

static void
test_utilization_ratio(void **state)
{
	struct stats_region	*r;
	char			*text;

	(void)state;
	r = two_workers();
	/* 9 open of 12 */
	text = render(r, 12, "v");
	expect(text, "zeues_redis_pool_utilization_ratio", 0.75);
	expect(text, "zeues_redis_connections_budget", 12);
	free(text);
	/* Over the budget is shown as it is, not clamped. */
	text = render(r, 6, "v");
	expect(text, "zeues_redis_pool_utilization_ratio", 1.5);
	free(text);
	stats_region_unmap(r);
}

/* The wait histogram summed over workers, in seconds. */
static void
test_wait_histogram(void **state)
{
	/* 50, 80 | 700 | 3000 | 6000000 (le="10") */
	static const double	want[HISTOGRAM_BUCKETS + 1] = {
		2, 2, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 5, 5,
	};
	static const char *const les[HISTOGRAM_BUCKETS] = {
		"0.0001", "0.0005", "0.001", "0.0025", "0.005", "0.01",
		"0.025", "0.05", "0.1", "0.25", "0.5", "0.75", "1", "1.5",
		"2", "3", "5", "10",
	};
	struct stats_region	*r;
	char			*text, key[128];
	double			 cum[HISTOGRAM_BUCKETS + 1], sum;
	size_t			 i;

	(void)state;
	r = two_workers();
	text = render(r, BUDGET, "1.2.3");
	check_histogram(text, "zeues_redis_pool_wait_seconds", "", cum, &sum);
	for (i = 0; i <= HISTOGRAM_BUCKETS; i++) {
		if (cum[i] != want[i])
			fail_msg("bucket %zu: %g, want %g", i, cum[i],
			    want[i]);
	}
	assert_true(fabs(sum - 6.00383) < 1e-9);
	/* The le values as Prometheus users write them. */
	for (i = 0; i < HISTOGRAM_BUCKETS; i++) {
		snprintf(key, sizeof(key),
		    "zeues_redis_pool_wait_seconds_bucket{le=\"%s\"} ",
		    les[i]);
		if (strstr(text, key) == NULL)
			fail_msg("missing %s", key);
	}
	free(text);
	stats_region_unmap(r);
}

/* Requests by route and status: only pairs seen, unknown codes "other". */
static void
test_http_requests(void **state)
{
	static const char *const routes[] = {
		"/livez", "/readyz", "/api/health", "/api/redis-health",
		"/api/redis-connection-stats", "/metrics", "other",
	};
	struct stats_region	*r;
	char			*text, key[160];
	const char		*p;
	size_t			 i, lines;

	(void)state;
	r = two_workers();
	text = render(r, BUDGET, "1.2.3");
	expect(text, "zeues_http_requests_total{route=\"/api/health\","
	    "status=\"200\"}", 3);
	expect(text, "zeues_http_requests_total{route=\"/api/health\","
	    "status=\"503\"}", 1);
	expect(text, "zeues_http_requests_total{route=\"other\","
	    "status=\"404\"}", 1);
	expect(text, "zeues_http_requests_total{route=\"/readyz\","
	    "status=\"other\"}", 1);
	expect(text, "zeues_http_requests_total{route=\"/metrics\","
	    "status=\"200\"}", 1);
	expect_absent(text, "zeues_http_requests_total{route=\"/readyz\","
	    "status=\"418\"}");
	expect_absent(text, "zeues_http_requests_total{route=\"/livez\","
	    "status=\"200\"}");
	for (p = text, lines = 0; (p = strstr(p,
	    "\nzeues_http_requests_total{")) != NULL; p++)
		lines++;
	assert_int_equal(lines, 5);

	/* Latency histograms only for routes that answered. */
	for (i = 0; i < NELEM(routes); i++) {
		snprintf(key, sizeof(key), "zeues_http_request_duration_"
		    "seconds_count{route=\"%s\"}", routes[i]);
		if (strcmp(routes[i], "/readyz") == 0 ||
		    strcmp(routes[i], "/metrics") == 0 ||
		    strcmp(routes[i], "other") == 0)
			expect(text, key, 1);
		else if (strcmp(routes[i], "/api/health") == 0)
			expect(text, key, 4);
		else
			expect_absent(text, key);
	}
	free(text);
	stats_region_unmap(r);
}

static void
test_http_latency_histogram(void **state)
{
	/* 90 | 150 150 | 7000 */
	static const double	health[HISTOGRAM_BUCKETS + 1] = {
		1, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	};
	/* 2 s: from le="2" on. */
	static const double	metrics[HISTOGRAM_BUCKETS + 1] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1,
	};
	struct stats_region	*r;
	char			*text;
	double			 cum[HISTOGRAM_BUCKETS + 1], sum;
	size_t			 i;

	(void)state;
	r = two_workers();
	text = render(r, BUDGET, "1.2.3");
	check_histogram(text, "zeues_http_request_duration_seconds",
	    "route=\"/api/health\"", cum, &sum);
	for (i = 0; i <= HISTOGRAM_BUCKETS; i++)
		assert_true(cum[i] == health[i]);
	assert_true(fabs(sum - 0.00739) < 1e-9);
	check_histogram(text, "zeues_http_request_duration_seconds",
	    "route=\"/metrics\"", cum, &sum);
	for (i = 0; i <= HISTOGRAM_BUCKETS; i++)
		assert_true(cum[i] == metrics[i]);
	assert_true(fabs(sum - 2.0) < 1e-9);
	free(text);
	stats_region_unmap(r);
}

/*
 * Every response is counted once in zeues_http_requests_total and once in
 * the duration histogram: per route, the counts over all statuses add up
 * to the histogram's _count.
 */
static void
test_requests_match_latency(void **state)
{
	struct stats_region	*r;
	char			*text, key[160];
	const char		*p, *name;
	double			 total, count;
	int			 route;

	(void)state;
	r = two_workers();
	text = render(r, BUDGET, "1.2.3");
	for (route = 0; route < ROUTE_MAX; route++) {
		name = http_route_name((enum http_route)route);
		snprintf(key, sizeof(key),
		    "\nzeues_http_requests_total{route=\"%s\",", name);
		total = 0;
		for (p = text; (p = strstr(p, key)) != NULL; p++)
			total += strtod(strchr(p + 1, ' ') + 1, NULL);
		snprintf(key, sizeof(key), "zeues_http_request_duration_"
		    "seconds_count{route=\"%s\"}", name);
		if (!sample(text, key, &count))
			count = 0;
		if (total != count)
			fail_msg("%s: %g requests counted, %g timed", name,
			    total, count);
	}
	free(text);
	stats_region_unmap(r);
}

/*
 * A slot whose pid is 0 is not a worker: whatever it holds, the text is
 * the same as if it held nothing.
 */
static void
test_unused_slot_ignored(void **state)
{
	static const uint64_t	junk[15] = {
		50, 40, 10, 5, 99, 77, 1, 1000, 1000, 1000, 1000, 1000, 1000,
		1000, 9,
	};
	struct stats_region	*r;
	struct worker_stats	*w;
	char			*clean, *dirty, a[256], b[256];
	size_t			 i, j;

	(void)state;
	r = two_workers();
	clean = render(r, BUDGET, "1.2.3");

	w = &r->slot[2];
	assert_int_equal(w->pid, 0);
	set_pool(w, junk);
	set_sub(w, 1, 1, 1000, 1000, 1000);
	histogram_observe(&w->redis.wait, 42);
	http_stats_count(&w->http, ROUTE_HEALTH, 200, 100);
	http_stats_count(&w->http, ROUTE_LIVEZ, 200, 100);
	http_stats_count(&w->http, ROUTE_OTHER, 999, 100);
	dirty = render(r, BUDGET, "1.2.3");
	stats_region_unmap(r);

	if (strcmp(clean, dirty) != 0) {
		/* Name the first line that differs. */
		for (i = 0; clean[i] == dirty[i]; i++)
			;
		while (i > 0 && clean[i - 1] != '\n')
			i--;
		for (j = 0; j < sizeof(a) - 1 && clean[i + j] != '\n' &&
		    clean[i + j] != '\0'; j++)
			a[j] = clean[i + j];
		a[j] = '\0';
		for (j = 0; j < sizeof(b) - 1 && dirty[i + j] != '\n' &&
		    dirty[i + j] != '\0'; j++)
			b[j] = dirty[i + j];
		b[j] = '\0';
		free(clean);
		free(dirty);
		fail_msg("a pid-0 slot changed the text: '%s' became '%s'",
		    a, b);
	}
	free(clean);
	free(dirty);
}

/* A buffer too small for the text is flagged, never overrun. */
static void
test_small_buffer(void **state)
{
	struct stats_region	*r;
	struct strbuf		 b;

	(void)state;
	r = two_workers();
	strbuf_init(&b, 512);
	metrics_text_render(&b, r, BUDGET, "1.2.3");
	assert_int_equal(b.overflow, 1);
	assert_true(b.len < 512);
	assert_int_equal(strncmp(b.data, "# HELP zeues_build_info ", 24), 0);
	strbuf_free(&b);
	stats_region_unmap(r);
}

/* Redis's own count, with the snapshot's age; no count when it failed. */
static void
test_redis_server_snapshot(void **state)
{
	struct client_count	cc = { 31, 4 };
	struct strbuf		b;

	(void)state;
	strbuf_init(&b, LIMIT);
	metrics_text_redis_server(&b, &cc, 1250);
	assert_non_null(strstr(b.data, "\nzeues_redis_server_up 1\n"));
	assert_non_null(strstr(b.data,
	    "\nzeues_redis_server_clients{scope=\"all\"} 31\n"));
	assert_non_null(strstr(b.data,
	    "\nzeues_redis_server_clients{scope=\"service\"} 4\n"));
	assert_non_null(strstr(b.data,
	    "# TYPE zeues_redis_snapshot_age_seconds gauge\n"
	    "zeues_redis_snapshot_age_seconds 1.250\n"));
	strbuf_free(&b);

	strbuf_init(&b, LIMIT);
	metrics_text_redis_server(&b, NULL, 0);
	assert_non_null(strstr(b.data, "\nzeues_redis_server_up 0\n"));
	assert_null(strstr(b.data, "zeues_redis_server_clients"));
	assert_non_null(strstr(b.data, "zeues_redis_snapshot_age_seconds 0.000\n"));
	strbuf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_well_formed),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_sums),
		cmocka_unit_test(test_utilization_ratio),
		cmocka_unit_test(test_wait_histogram),
		cmocka_unit_test(test_http_requests),
		cmocka_unit_test(test_http_latency_histogram),
		cmocka_unit_test(test_requests_match_latency),
		cmocka_unit_test(test_unused_slot_ignored),
		cmocka_unit_test(test_small_buffer),
		cmocka_unit_test(test_redis_server_snapshot),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
