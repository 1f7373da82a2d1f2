/*
 * The outputs: <name>-totals.json (machine-readable totals and verdict),
 * <name>.md (the report of the plan), <name>.png (connections and p99
 * latency over time, drawn by gnuplot) with its data and script.
 */
#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "redis_url.h"
#include "soak.h"

static char	path_md[SOAK_URL_MAX + 200], path_json[SOAK_URL_MAX + 200];
static char	path_png[SOAK_URL_MAX + 200], path_dat[SOAK_URL_MAX + 200];
static char	path_gp[SOAK_URL_MAX + 200];
static int	plot_ok;
static char	plot_note[1024];

static const char *const state_name[] = { "PASS", "FAIL", "NOT EVALUATED" };

static const char *
tplus(double t, char *buf, size_t size)
{
	long	s = (long)(t + 0.5);

	snprintf(buf, size, "T+%ld:%02ld:%02ld", s / 3600, (s / 60) % 60,
	    s % 60);
	return (buf);
}

static const char *
utc(double wall, char *buf, size_t size)
{
	time_t		t = (time_t)wall;
	struct tm	tm;

	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%d %H:%M:%S UTC", &tm);
	return (buf);
}

static const char *
base(const char *path)
{
	const char	*p = strrchr(path, '/');

	return (p != NULL ? p + 1 : path);
}

static void
redacted_redis(struct soak *sk, char *buf, size_t size)
{
	struct soak_opts	*opt = &sk->opt;
	struct redis_url	 u;
	char			 err[128];

	if (opt->redis_url[0] == '\0') {
		snprintf(buf, size, "(none: no direct Redis view)");
		return;
	}
	if (redis_url_parse(opt->redis_url, &u, err, sizeof(err)) == -1) {
		snprintf(buf, size, "(unparsable)");
		return;
	}
	redis_url_redacted(&u, buf, size);
	redis_url_clear(&u);
}

/* ------------------------------------------------------------------ */

static void
plot(struct soak *sk)
{
	struct soak_opts	*opt = &sk->opt;
	struct sampler		*smp = &sk->smp;
	FILE			*fp;
	size_t			 i;
	pid_t			 pid;
	int			 status;

	if (opt->no_plot) {
		snprintf(plot_note, sizeof(plot_note), "plot not drawn "
		    "(--no-plot)");
		return;
	}
	if ((fp = fopen(path_dat, "w")) == NULL)
		return;
	fprintf(fp, "# t_min open_server redis_this_service budget "
	    "p99_ms p99_mutation_ms sse_open\n");
	pthread_mutex_lock(&smp->lock);
	for (i = 0; i < smp->nsamples; i++) {
		struct sample	*s = &smp->samples[i];
		char		 a[32], b[32];

		if (s->stats_ok)
			snprintf(a, sizeof(a), "%d", s->open_conn);
		else
			snprintf(a, sizeof(a), "NaN");
		if (s->clients_of_service >= 0 && s->redis_ok)
			snprintf(b, sizeof(b), "%ld", s->clients_of_service);
		else
			snprintf(b, sizeof(b), "NaN");
		fprintf(fp, "%.3f %s %s %d ", s->t / 60.0, a, b, smp->budget);
		if (s->p99_ms > 0)
			fprintf(fp, "%.2f ", s->p99_ms);
		else
			fprintf(fp, "NaN ");
		if (s->p99_mut_ms > 0)
			fprintf(fp, "%.2f ", s->p99_mut_ms);
		else
			fprintf(fp, "NaN ");
		fprintf(fp, "%d\n", s->sse_open);
	}
	pthread_mutex_unlock(&smp->lock);
	fclose(fp);

	if ((fp = fopen(path_gp, "w")) == NULL)
		return;
	fprintf(fp, "set terminal pngcairo size 1200,700 noenhanced\n"
	    "set output '%s'\n"
	    "set title 'ZEUES soak %s: Redis connections and p99 latency'\n"
	    "set xlabel 'minutes since start'\n"
	    "set ylabel 'connections'\n"
	    "set y2label 'p99 latency (ms)'\n"
	    "set ytics nomirror\n"
	    "set y2tics\n"
	    "set yrange [0:*]\n"
	    "set offsets 0, 0, graph 0.15, 0\n"
	    "set datafile missing 'NaN'\n"
	    "set y2range [0:*]\n"
	    "set key outside bottom center horizontal\n"
	    "set grid\n"
	    "plot '%s' using 1:4 with lines lw 2 dt 2 lc rgb '#cc0000' "
	    "title 'budget (REDIS_POOL_MAX_CONNECTIONS)', "
	    "'' using 1:($4*%.2f) with lines lw 1 dt 3 lc rgb '#ff8800' "
	    "title '%.0f %% of budget', "
	    "'' using 1:3 with linespoints pt 7 ps 0.5 lc rgb '#0055aa' "
	    "title 'Redis CLIENT LIST: this service', "
	    "'' using 1:2 with lines lc rgb '#00aa55' "
	    "title 'server: open connections', "
	    "'' using 1:5 axes x1y2 with lines lc rgb '#777777' "
	    "title 'p99 latency, all routes (ms)', "
	    "'' using 1:6 axes x1y2 with lines lc rgb '#aa00aa' "
	    "title 'p99 latency, mutations (ms)'\n",
	    path_png, opt->name, path_dat, opt->util_limit / 100.0,
	    opt->util_limit);
	fclose(fp);
	if ((pid = fork()) == -1)
		return;
	if (pid == 0) {
		freopen("/dev/null", "w", stdout);
		execlp("gnuplot", "gnuplot", path_gp, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0 && access(path_png, R_OK) == 0)
		plot_ok = 1;
	else
		snprintf(plot_note, sizeof(plot_note), "gnuplot failed or is "
		    "missing (install gnuplot-nox); the data is in %s",
		    base(path_dat));
}

/* ------------------------------------------------------------------ */

/* The run: name, verdict, configuration, criteria, missing routes. */
static void
totals_run(FILE *fp, struct soak *sk)
{
	struct soak_opts	*opt = &sk->opt;
	struct soak_final	*fin = &sk->fin;
	int			 i;

	fprintf(fp, "{\n  \"name\": ");
	json_str(fp, opt->name);
	fprintf(fp, ",\n  \"verdict\": \"%s\",\n  \"exit_code\": %d,\n",
	    fin->verdict, fin->exit_code);
	fprintf(fp, "  \"chaos\": %s,\n  \"load_seconds\": %.1f,\n"
	    "  \"min_duration\": %.0f,\n", opt->chaos ? "true" : "false",
	    fin->load_seconds, opt->min_duration);
	fprintf(fp, "  \"config\": {\"tablets\": %d, \"sse_clients\": %d, "
	    "\"operators\": %d, \"sample_interval\": %.1f, \"instance\": ",
	    opt->tablets, opt->sse_clients, opt->operators,
	    opt->sample_interval);
	json_str(fp, opt->instance);
	fprintf(fp, ", \"base_url\": ");
	json_str(fp, opt->base_url);
	fprintf(fp, "},\n");
	fprintf(fp, "  \"criteria\": [");
	for (i = 0; i < fin->ncrit; i++) {
		fprintf(fp, "%s\n    {\"name\": ", i ? "," : "");
		json_str(fp, fin->crit[i].name);
		fprintf(fp, ", \"state\": \"%s\", \"detail\": ",
		    state_name[fin->crit[i].state]);
		json_str(fp, fin->crit[i].detail);
		fprintf(fp, "}");
	}
	fprintf(fp, "\n  ],\n");
	fprintf(fp, "  \"routes_missing\": {\"occupation\": %s, \"sse\": %s, "
	    "\"lists\": %s},\n", fin->occupation_missing ? "true" : "false",
	    fin->sse_missing ? "true" : "false",
	    fin->lists_missing ? "true" : "false");
}

/* Requests by route and errors by status and code (st locked). */
static void
totals_requests(FILE *fp, struct soak *sk)
{
	struct soak_stats	*st = &sk->st;
	int			 i;
	size_t			 k;
	uint64_t		 total = 0, non_api = 0;

	/* Error answers without an api.md body: Kore's own (408, ...). */
	for (k = 0; k < st->nerrs; k++)
		if (st->errs[k].status >= 400 && st->errs[k].code[0] == '\0')
			non_api += st->errs[k].n;
	for (i = 0; i < RT_COUNT; i++)
		if (i != RT_METRICS)
			total += st->resp[i];
	fprintf(fp, "  \"requests\": {\"total_excluding_metrics\": %llu, "
	    "\"2xx\": %llu, \"4xx\": %llu, \"5xx\": %llu, \"500\": %llu, "
	    "\"transport_errors\": %llu, \"cancelled_unanswered\": %llu, "
	    "\"non_api_errors\": %llu, \"by_route\": {",
	    (unsigned long long)total, (unsigned long long)st->resp_2xx,
	    (unsigned long long)st->resp_4xx, (unsigned long long)st->resp_5xx,
	    (unsigned long long)st->resp_500,
	    (unsigned long long)st->transport,
	    (unsigned long long)st->cancelled, (unsigned long long)non_api);
	for (i = 0; i < RT_COUNT; i++) {
		fprintf(fp, "%s\n    ", i ? "," : "");
		json_str(fp, soak_route_label[i]);
		fprintf(fp, ": {\"n\": %llu, \"not_found\": %llu, "
		    "\"p50_ms\": %.2f, \"p90_ms\": %.2f, \"p99_ms\": %.2f, "
		    "\"max_ms\": %.2f}", (unsigned long long)st->resp[i],
		    (unsigned long long)st->resp_404_missing[i],
		    lh_quantile_ms(&st->lat[i], 0.5),
		    lh_quantile_ms(&st->lat[i], 0.9),
		    lh_quantile_ms(&st->lat[i], 0.99),
		    (double)st->lat[i].max_us / 1000.0);
	}
	fprintf(fp, "}},\n  \"errors\": [");
	for (k = 0; k < st->nerrs; k++) {
		fprintf(fp, "%s\n    {\"route\": ", k ? "," : "");
		json_str(fp, soak_route_label[st->errs[k].route]);
		fprintf(fp, ", \"status\": %d, \"code\": ", st->errs[k].status);
		json_str(fp, st->errs[k].code);
		fprintf(fp, ", \"n\": %llu}",
		    (unsigned long long)st->errs[k].n);
	}
	fprintf(fp, "\n  ],\n");
}

/* Mutations and live boards (st locked). */
static void
totals_mutations(FILE *fp, struct soak *sk)
{
	struct soak_stats	*st = &sk->st;
	struct floor_model	*fl = &sk->fl;
	struct soak_final	*fin = &sk->fin;

	fprintf(fp, "  \"mutations\": {\"sent\": {\"TOMAR\": %llu, \"PAUSAR\": "
	    "%llu, \"COMPLETAR\": %llu}, \"acknowledged\": {\"TOMAR\": %llu, "
	    "\"PAUSAR\": %llu, \"COMPLETAR\": %llu}, \"acknowledged_total\": "
	    "%ld, \"conflicts_409\": %llu, \"lock_expired_410\": %llu, "
	    "\"ambiguous\": %llu, \"rejected\": %llu, \"double_grants\": "
	    "%llu, \"no_candidate\": %llu, \"untracked\": %llu},\n",
	    (unsigned long long)st->mut_sent[0],
	    (unsigned long long)st->mut_sent[1],
	    (unsigned long long)st->mut_sent[2],
	    (unsigned long long)st->mut_ok[0],
	    (unsigned long long)st->mut_ok[1],
	    (unsigned long long)st->mut_ok[2], fin->acked_total,
	    (unsigned long long)st->mut_conflict,
	    (unsigned long long)st->mut_lock_expired,
	    (unsigned long long)st->mut_ambiguous,
	    (unsigned long long)st->mut_rejected,
	    (unsigned long long)st->double_grants,
	    (unsigned long long)st->no_candidate,
	    (unsigned long long)fl->muts_untracked);
	fprintf(fp, "  \"sse\": {\"connects\": %llu, \"connect_failures\": "
	    "%llu, \"hides\": %llu, \"replay_requests\": %llu, \"events\": "
	    "%llu, \"heartbeats\": %llu, \"resets\": %llu, \"out_of_order\": "
	    "%llu, \"parse_errors\": %llu, \"stalls\": %llu, "
	    "\"lag_p50_ms\": %.1f, \"lag_p99_ms\": %.1f, \"deliver_p50_ms\": "
	    "%.1f, \"deliver_p99_ms\": %.1f, \"acked_seen\": %ld, "
	    "\"acked_unseen\": %ld},\n",
	    (unsigned long long)st->sse_connects,
	    (unsigned long long)st->sse_connect_fail,
	    (unsigned long long)st->sse_hides,
	    (unsigned long long)st->sse_replay_requests,
	    (unsigned long long)st->sse_events,
	    (unsigned long long)st->sse_heartbeats,
	    (unsigned long long)st->sse_resets,
	    (unsigned long long)st->sse_out_of_order,
	    (unsigned long long)st->sse_parse_errors,
	    (unsigned long long)st->sse_stalls,
	    lh_quantile_ms(&st->sse_lag, 0.5),
	    lh_quantile_ms(&st->sse_lag, 0.99),
	    lh_quantile_ms(&st->sse_deliver, 0.5),
	    lh_quantile_ms(&st->sse_deliver, 0.99), fin->acked_seen,
	    fin->acked_unseen);
}

/* Redis connection errors (st locked). */
static void
totals_redis(FILE *fp, struct soak *sk)
{
	struct soak_stats	*st = &sk->st;
	struct sampler		*smp = &sk->smp;
	struct soak_final	*fin = &sk->fin;

	fprintf(fp, "  \"redis\": {\"too_many_connections\": %llu, "
	    "\"tmc_lines\": %d, \"rejected_connections_delta\": %ld, "
	    "\"errorstat_delta\": %ld, \"redis_unavailable_answers\": %llu, "
	    "\"server_log_tmc\": %ld, \"server_log_redis_errors\": %ld, "
	    "\"maxclients\": %ld},\n",
	    (unsigned long long)(st->tmc_responses + st->tmc_health),
	    st->ntmc_lines, fin->rejected_delta, fin->errorstat_delta,
	    (unsigned long long)st->redis_errors_seen, fin->log_tmc,
	    fin->log_redis_err, smp->redis_maxclients);
}

/* Utilization, health, Metadata, locks, the server's metrics. */
static void
totals_checks(FILE *fp, struct soak *sk)
{
	struct sampler		*smp = &sk->smp;
	struct soak_final	*fin = &sk->fin;

	fprintf(fp, "  \"utilization\": {\"budget\": %d, \"peak_percent\": "
	    "%.1f, \"avg_percent\": %.1f, \"peak_percent_server\": %.1f, "
	    "\"avg_percent_server\": %.1f, \"first_quarter_mean\": %.2f, "
	    "\"last_quarter_mean\": %.2f, \"samples\": %zu},\n", fin->budget,
	    fin->util_peak, fin->util_avg, fin->util_peak_backend,
	    fin->util_avg_backend, fin->q1_mean, fin->q4_mean, smp->nsamples);
	fprintf(fp, "  \"health\": {\"polls\": %ld, \"false_alarms\": %ld, "
	    "\"missed\": %ld, \"not_200\": %ld, \"sheets_quota_spent\": "
	    "%ld},\n", fin->health_polls, fin->health_false_alarm,
	    fin->health_missed, fin->health_not_200, fin->health_sheets_busy);
	fprintf(fp, "  \"metadata\": {\"workbook\": %s, \"rows_before\": %ld, "
	    "\"rows_after\": %ld, \"rows_added\": %ld, \"matched\": %ld, "
	    "\"missing\": %ld, \"extra\": %ld, \"contradicted_rows\": %ld},\n",
	    fin->wb_ok ? "true" : "false", fin->meta_rows0, fin->meta_rows1,
	    fin->meta_rows1 - fin->meta_rows0, fin->meta_matched,
	    fin->meta_missing, fin->meta_extra, fin->lost_state);
	fprintf(fp, "  \"locks\": {\"checked\": %s, \"locks\": %ld, "
	    "\"stale\": %ld, \"orphan_touched\": %ld, \"orphan_other\": %ld, "
	    "\"settle_seconds\": %.1f},\n", fin->locks_ok ? "true" : "false",
	    fin->locks, fin->stale_locks, fin->orphan_touched,
	    fin->orphan_other, fin->settle_seconds);
	fprintf(fp, "  \"server_metrics\": {\"read\": %s, "
	    "\"requests_delta_excluding_metrics\": %.0f, \"tomar_200\": %.0f, "
	    "\"pausar_200\": %.0f, \"completar_200\": %.0f},\n",
	    fin->metrics_ok ? "true" : "false", fin->srv_req_delta,
	    fin->srv_mut_ok_delta[0], fin->srv_mut_ok_delta[1],
	    fin->srv_mut_ok_delta[2]);
}

/* The emulator's counters, the outages, the other files. */
static void
totals_dependencies(FILE *fp, struct soak *sk)
{
	struct sampler	*smp = &sk->smp;
	struct chaos	*chs = &sk->chs;
	int		 i;

	pthread_mutex_lock(&smp->lock);
	fprintf(fp, "  \"emulator\": {\"read\": %s, \"reads\": %ld, "
	    "\"writes\": %ld, \"429\": %ld, \"5xx\": %ld},\n",
	    smp->have_emu0 ? "true" : "false",
	    smp->emu_reads1 - smp->emu_reads0,
	    smp->emu_writes1 - smp->emu_writes0,
	    smp->emu_429_1 - smp->emu_429_0, smp->emu_5xx1 - smp->emu_5xx0);
	pthread_mutex_unlock(&smp->lock);
	fprintf(fp, "  \"outages\": [");
	for (i = 0; i < chs->nout; i++) {
		struct outage	*o = &chs->out[i];

		fprintf(fp, "%s\n    {\"target\": \"%s\", \"down\": %.1f, "
		    "\"up\": %.1f, \"restarted\": %s, \"detected_after\": "
		    "%.1f, \"recovered_after\": %.1f}", i ? "," : "",
		    o->target == 0 ? "redis" : "sheets", o->t_down, o->t_up,
		    o->start_ok ? "true" : "false", o->detected_at > 0 ?
		    o->detected_at - o->t_down : -1, o->recovered_at > 0 ?
		    o->recovered_at - o->t_up : -1);
	}
	fprintf(fp, "\n  ],\n  \"files\": {\"report\": ");
	json_str(fp, base(path_md));
	fprintf(fp, ", \"plot\": ");
	json_str(fp, plot_ok ? base(path_png) : NULL);
	fprintf(fp, "}\n}\n");
}

static void
totals_json(struct soak *sk)
{
	FILE	*fp;

	if ((fp = fopen(path_json, "w")) == NULL)
		return;
	totals_run(fp, sk);
	pthread_mutex_lock(&sk->st.lock);
	totals_requests(fp, sk);
	totals_mutations(fp, sk);
	totals_redis(fp, sk);
	pthread_mutex_unlock(&sk->st.lock);
	totals_checks(fp, sk);
	totals_dependencies(fp, sk);
	fclose(fp);
}

/* ------------------------------------------------------------------ */

static void
sample_row(struct soak *sk, FILE *fp, const struct sample *s, const char *what)
{
	struct soak_opts	*opt = &sk->opt;
	struct sampler		*smp = &sk->smp;
	char			 t[32], conn[48], red[48], all[32];
	char			 util[32];

	tplus(s->t, t, sizeof(t));
	if (s->stats_ok)
		snprintf(conn, sizeof(conn), "%d / %d", s->open_conn,
		    s->max_conn);
	else
		snprintf(conn, sizeof(conn), "no answer");
	if (s->clients_of_service >= 0 && s->redis_ok)
		snprintf(red, sizeof(red), "%ld", s->clients_of_service);
	else
		snprintf(red, sizeof(red), "—");
	if (s->connected_clients >= 0 && s->redis_ok)
		snprintf(all, sizeof(all), "%ld", s->connected_clients);
	else
		snprintf(all, sizeof(all), "—");
	if (s->clients_of_service >= 0 && s->redis_ok && smp->budget > 0)
		snprintf(util, sizeof(util), "%.1f %%", s->util_redis);
	else
		snprintf(util, sizeof(util), "—");
	fprintf(fp, "| %s%s | %s | %d | %d | %d | %.1f %% | %s | %s | %s | "
	    "%s | %llu | %.1f | %d | %s |\n", t, what, conn, s->active_conn,
	    s->idle_conn, s->pubsub_conn, s->util_backend, red, util, all,
	    s->health, (unsigned long long)s->requests, s->p99_ms,
	    s->sse_open, s->alert_high || (smp->budget > 0 &&
	    s->util_redis >= opt->util_limit) ? "HIGH" : s->redis_down ?
	    "Redis down" : s->sheets_down ? "Sheets down" : "OK");
}

static void
samples_table(struct soak *sk, FILE *fp)
{
	struct soak_opts	*opt = &sk->opt;
	struct sampler		*smp = &sk->smp;
	size_t			 i, peak = 0, last_row = (size_t)-1;
	double			 mark = 0, pu = -1, u;
	int			 any = 0;

	fprintf(fp, "| time | open / budget (server) | active | idle | "
	    "pubsub | util (server) | Redis: this service | util (Redis) | "
	    "Redis: all clients | health | requests | p99 ms | boards | "
	    "status |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|"
	    "---|\n");
	pthread_mutex_lock(&smp->lock);
	for (i = 0; i < smp->nsamples; i++) {
		u = smp->samples[i].clients_of_service >= 0 ?
		    smp->samples[i].util_redis : smp->samples[i].util_backend;
		if (u > pu) {
			pu = u;
			peak = i;
		}
	}
	for (i = 0; i < smp->nsamples; i++) {
		if (smp->samples[i].t + 0.5 * opt->sample_interval >= mark) {
			sample_row(sk, fp, &smp->samples[i], "");
			last_row = i;
			any = 1;
			while (mark <= smp->samples[i].t + 0.5 *
			    opt->sample_interval)
				mark += opt->table_every;
		}
	}
	if (smp->nsamples > 0 && last_row != smp->nsamples - 1)
		sample_row(sk, fp, &smp->samples[smp->nsamples - 1], " (last)");
	if (smp->nsamples > 0)
		sample_row(sk, fp, &smp->samples[peak], " (peak)");
	pthread_mutex_unlock(&smp->lock);
	if (!any)
		fprintf(fp, "| (no samples) |||||||||||||\n");
}

static void
code_block(FILE *fp, const struct note_line *lines, int n, const char *none)
{
	char	t[32];
	int	i;

	if (n == 0) {
		fprintf(fp, "%s\n\n", none);
		return;
	}
	fprintf(fp, "```\n");
	for (i = 0; i < n; i++)
		fprintf(fp, "%s  %s\n", tplus(lines[i].t, t, sizeof(t)),
		    lines[i].text);
	fprintf(fp, "```\n\n");
}

/* The title, the verdict in one line and when the run was. */
static void
report_title(struct soak *sk, FILE *fp)
{
	struct soak_opts	*opt = &sk->opt;
	struct soak_final	*fin = &sk->fin;
	char			 t1[64];

	fprintf(fp, "# ZEUES soak report — %s\n\n", opt->name);
	fprintf(fp, "**Verdict: %s**", fin->verdict);
	if (fin->exit_code == 3)
		fprintf(fp, " — nothing failed, but not every criterion of "
		    "the plan could be evaluated (see below), so success is "
		    "not declared.");
	else if (fin->exit_code == 1)
		fprintf(fp, " — at least one criterion of the plan failed.");
	else
		fprintf(fp, " — every criterion of the plan was met.");
	fprintf(fp, "\n\n%s, %.0f s of load%s.\n\n",
	    utc(fin->started_wall, t1, sizeof(t1)), fin->load_seconds,
	    opt->chaos ? ", with chaos" : "");
}

/* The settings of the run and its command line (Redis password hidden). */
static void
report_config(struct soak *sk, FILE *fp, int argc, char **argv)
{
	struct soak_opts	*opt = &sk->opt;
	struct floor_model	*fl = &sk->fl;
	struct sampler		*smp = &sk->smp;
	struct soak_final	*fin = &sk->fin;
	char			 rr[SOAK_URL_MAX];
	int			 i;

	redacted_redis(sk, rr, sizeof(rr));
	fprintf(fp, "## Configuration\n\n| setting | value |\n|---|---|\n");
	fprintf(fp, "| server | %s |\n| Redis | %s (version %s, maxclients "
	    "%ld) |\n| instance (client names) | `zeues:%s:` |\n",
	    opt->base_url, rr, smp->redis_version[0] ? smp->redis_version : "?",
	    smp->redis_maxclients, opt->instance);
	fprintf(fp, "| Sheets emulator | %s |\n| connection budget "
	    "(REDIS_POOL_MAX_CONNECTIONS) | %d over %d workers |\n",
	    opt->emulator_url[0] ? opt->emulator_url : "(none)", fin->budget,
	    smp->workers);
	fprintf(fp, "| duration | %.0f s (plan minimum %.0f s) |\n| samples "
	    "| every %.0f s (%zu taken); health probed every %.0f s |\n",
	    opt->duration, opt->min_duration, opt->sample_interval,
	    smp->nsamples, opt->probe_interval);
	fprintf(fp, "| tablets | %d over %zu distinct workers (%s); think "
	    "%.0f–%.0f s, work %.0f–%.0f s, list refresh %.0f s |\n",
	    opt->read_only ? 0 : opt->tablets, fl->nworkers,
	    fl->workers_source ? fl->workers_source : "none", opt->think_min,
	    opt->think_max, opt->work_min, opt->work_max, opt->list_refresh);
	fprintf(fp, "| mix | COMPLETAR %.0f %%, PAUSAR %.0f %%; contended "
	    "picks %.0f %% |\n| spools | %zu known (%s) |\n",
	    opt->complete_ratio * 100, (1 - opt->complete_ratio) * 100,
	    opt->contention * 100, fl->nspools,
	    fl->spools_source ? fl->spools_source : "none");
	fprintf(fp, "| live boards | %d; tab visible for %.0f s on average, "
	    "hidden %.0f–%.0f s; backoff 1–30 s; Last-Event-ID |\n"
	    "| operators | %d, each polling every %.0f s |\n",
	    opt->sse_clients, opt->sse_visible_mean, opt->sse_hidden_min,
	    opt->sse_hidden_max, opt->operators, opt->operator_interval);
	if (opt->chaos)
		fprintf(fp, "| chaos | first outage after %.0f s, then every "
		    "%.0f–%.0f s, each %.0f–%.0f s long |\n", opt->chaos_first,
		    opt->chaos_gap_min, opt->chaos_gap_max, opt->chaos_down_min,
		    opt->chaos_down_max);
	fprintf(fp, "| seed | %lu |\n| command | `", opt->seed);
	for (i = 0; i < argc; i++) {
		if (strstr(argv[i], "redis://") != NULL &&
		    strchr(argv[i], '@') != NULL)
			fprintf(fp, "%sredis://***", i ? " " : "");
		else
			fprintf(fp, "%s%s", i ? " " : "", argv[i]);
	}
	fprintf(fp, "` |\n\n");
}

/* One row a criterion, and why routes the server lacks left some out. */
static void
report_verdict(struct soak *sk, FILE *fp)
{
	struct soak_stats	*st = &sk->st;
	struct soak_final	*fin = &sk->fin;
	int			 i;

	fprintf(fp, "## Verdict against the plan\n\n| criterion | result | "
	    "detail |\n|---|---|---|\n");
	for (i = 0; i < fin->ncrit; i++)
		fprintf(fp, "| %s | **%s** | %s |\n", fin->crit[i].name,
		    state_name[fin->crit[i].state], fin->crit[i].detail);
	fprintf(fp, "\n");
	if (fin->occupation_missing)
		fprintf(fp, "> **The occupation routes are not deployed on "
		    "this server:** POST /api/occupation/tomar answered 404 "
		    "NOT_FOUND %llu times. The checks that need "
		    "acknowledged mutations were not evaluated.\n\n",
		    (unsigned long long)st->resp_404_missing[RT_TOMAR]);
	if (fin->sse_missing)
		fprintf(fp, "> **GET /api/sse/stream answered 404 "
		    "NOT_FOUND** (%llu times): the live-board checks were "
		    "not evaluated.\n\n",
		    (unsigned long long)st->resp_404_missing[RT_SSE]);
}

/* The samples table, utilization and the plot. */
static void
report_samples(struct soak *sk, FILE *fp)
{
	struct soak_opts	*opt = &sk->opt;
	struct sampler		*smp = &sk->smp;
	struct soak_final	*fin = &sk->fin;
	char			 t1[64];

	fprintf(fp, "## Samples\n\nT+0, every %.0f %s, the last and the "
	    "peak (all %zu samples are in `%s-samples.jsonl`).\n\n",
	    opt->table_every >= 120 ? opt->table_every / 60 : opt->table_every,
	    opt->table_every >= 120 ? "min" : "s", smp->nsamples, opt->name);
	samples_table(sk, fp);
	fprintf(fp, "\n## Utilization\n\n");
	fprintf(fp, "- Peak: **%.1f %%** of the budget of %d at %s (Redis's "
	    "own count of `zeues:%s:` clients); %.1f %% by the server's "
	    "figures.\n", fin->util_peak, fin->budget,
	    tplus(fin->util_peak_t, t1, sizeof(t1)), opt->instance,
	    fin->util_peak_backend);
	fprintf(fp, "- Average: %.1f %% (Redis's count), %.1f %% (server).\n",
	    fin->util_avg, fin->util_avg_backend);
	fprintf(fp, "- Leak check: mean connections %.2f in the first "
	    "quarter, %.2f in the last.\n\n", fin->q1_mean, fin->q4_mean);
	if (plot_ok)
		fprintf(fp, "![connections and p99 latency over time](%s)\n\n",
		    base(path_png));
	else
		fprintf(fp, "(%s)\n\n", plot_note);
}

/* Connection errors and other Redis errors, with their lines. */
static void
report_redis_errors(struct soak *sk, FILE *fp)
{
	struct soak_stats	*st = &sk->st;
	struct sampler		*smp = &sk->smp;
	struct soak_final	*fin = &sk->fin;

	fprintf(fp, "## Redis errors\n\n");
	fprintf(fp, "- \"Too many connections\" / \"max number of "
	    "clients\": **%llu** in responses and health, **%ld** in the "
	    "server log; Redis `rejected_connections` rose by **%ld**.\n",
	    (unsigned long long)(st->tmc_responses + st->tmc_health),
	    fin->log_tmc, fin->rejected_delta);
	fprintf(fp, "- `REDIS_UNAVAILABLE` answers: %llu. Redis error "
	    "replies (INFO errorstats) rose by %ld. Redis-related error "
	    "lines in the server log: %ld.\n\n",
	    (unsigned long long)st->redis_errors_seen, fin->errorstat_delta,
	    fin->log_redis_err);
	code_block(fp, st->tmc_lines, st->ntmc_lines,
	    "No \"Too many connections\" line was seen.");
	if (st->nredis_err_lines > 0 || fin->nlog_lines > 0) {
		fprintf(fp, "Other Redis errors:\n\n");
		code_block(fp, st->redis_err_lines, st->nredis_err_lines, "");
		code_block(fp, fin->log_lines, fin->nlog_lines, "");
	}
	if (smp->errorstats1[0] != '\0')
		fprintf(fp, "INFO errorstats at the end:\n\n```\n%s```\n\n",
		    smp->errorstats1);
}

/* Latency by route, errors by status and code. */
static void
report_traffic(struct soak *sk, FILE *fp)
{
	struct soak_stats	*st = &sk->st;
	char			 t1[64], t2[64];
	int			 i;
	size_t			 k;

	fprintf(fp, "## Traffic\n\n| route | responses | 404 NOT_FOUND | "
	    "p50 ms | p90 ms | p99 ms | max ms |\n|---|---|---|---|---|---|"
	    "---|\n");
	for (i = 0; i < RT_COUNT; i++) {
		if (st->resp[i] == 0)
			continue;
		fprintf(fp, "| %s | %llu | %llu | %.1f | %.1f | %.1f | %.1f "
		    "|\n", soak_route_label[i],
		    (unsigned long long)st->resp[i],
		    (unsigned long long)st->resp_404_missing[i],
		    lh_quantile_ms(&st->lat[i], 0.5),
		    lh_quantile_ms(&st->lat[i], 0.9),
		    lh_quantile_ms(&st->lat[i], 0.99),
		    (double)st->lat[i].max_us / 1000.0);
	}
	fprintf(fp, "\n(GET /api/sse/stream: time to the first byte of the "
	    "stream.)\n\nErrors by status and code:\n\n| route | status | "
	    "error | count | first | last |\n|---|---|---|---|---|---|\n");
	for (k = 0; k < st->nerrs; k++)
		fprintf(fp, "| %s | %d | %s | %llu | %s | %s |\n",
		    soak_route_label[st->errs[k].route], st->errs[k].status,
		    st->errs[k].code[0] ? st->errs[k].code : "—",
		    (unsigned long long)st->errs[k].n,
		    tplus(st->errs[k].first_t, t1, sizeof(t1)),
		    tplus(st->errs[k].last_t, t2, sizeof(t2)));
	if (st->nerrs == 0)
		fprintf(fp, "| (none) ||||||\n");
}

/* Mutations by outcome, and the server's own count of requests. */
static void
report_mutations(struct soak *sk, FILE *fp)
{
	struct soak_stats	*st = &sk->st;
	struct soak_final	*fin = &sk->fin;

	fprintf(fp, "\nMutations: TOMAR %llu sent / %llu acknowledged, "
	    "PAUSAR %llu / %llu, COMPLETAR %llu / %llu; 409 SPOOL_OCCUPIED "
	    "%llu, 410 LOCK_EXPIRED %llu, ambiguous (5xx or no answer) %llu, "
	    "other refusals %llu, double grants %llu, no free spool to pick "
	    "%llu.\n", (unsigned long long)st->mut_sent[0],
	    (unsigned long long)st->mut_ok[0],
	    (unsigned long long)st->mut_sent[1],
	    (unsigned long long)st->mut_ok[1],
	    (unsigned long long)st->mut_sent[2],
	    (unsigned long long)st->mut_ok[2],
	    (unsigned long long)st->mut_conflict,
	    (unsigned long long)st->mut_lock_expired,
	    (unsigned long long)st->mut_ambiguous,
	    (unsigned long long)st->mut_rejected,
	    (unsigned long long)st->double_grants,
	    (unsigned long long)st->no_candidate);
	if (fin->metrics_ok)
		fprintf(fp, "\nThe server's `/metrics` counted %.0f requests "
		    "(excluding /metrics) during the run; the tool got %llu "
		    "answers and abandoned %llu requests unanswered at the "
		    "end.%s\n", fin->srv_req_delta,
		    (unsigned long long)(st->resp_2xx + st->resp_4xx +
		    st->resp_5xx + st->resp_other + st->transport -
		    st->resp[RT_METRICS]), (unsigned long long)st->cancelled,
		    fin->srv_mut_routes_seen ? "" : " It has no counter for "
		    "the occupation routes yet.");
}

/* The live boards. */
static void
report_sse(struct soak *sk, FILE *fp)
{
	struct soak_stats	*st = &sk->st;
	struct soak_final	*fin = &sk->fin;

	fprintf(fp, "\n## Live boards (SSE)\n\n");
	fprintf(fp, "- Streams opened %llu (%llu with Last-Event-ID), failed "
	    "attempts %llu, closed for hidden tabs %llu, stalled %llu.\n",
	    (unsigned long long)st->sse_connects,
	    (unsigned long long)st->sse_replay_requests,
	    (unsigned long long)st->sse_connect_fail,
	    (unsigned long long)st->sse_hides,
	    (unsigned long long)st->sse_stalls);
	fprintf(fp, "- Events %llu, heartbeats %llu, resets %llu, ids out of "
	    "order %llu, unparsable %llu.\n",
	    (unsigned long long)st->sse_events,
	    (unsigned long long)st->sse_heartbeats,
	    (unsigned long long)st->sse_resets,
	    (unsigned long long)st->sse_out_of_order,
	    (unsigned long long)st->sse_parse_errors);
	fprintf(fp, "- Lag from the event id's time to receipt: p50 %.1f ms, "
	    "p99 %.1f ms. From the 200 of a mutation to a board's copy of "
	    "its event: p50 %.1f ms, p99 %.1f ms (%llu events arrived before "
	    "the answer).\n", lh_quantile_ms(&st->sse_lag, 0.5),
	    lh_quantile_ms(&st->sse_lag, 0.99),
	    lh_quantile_ms(&st->sse_deliver, 0.5),
	    lh_quantile_ms(&st->sse_deliver, 0.99),
	    (unsigned long long)st->sse_event_before_ack);
	fprintf(fp, "- Acknowledged changes seen by a board: %ld of %ld.\n\n",
	    fin->acked_seen, fin->acked_total);
}

/* What the workbook and the locks showed after the run. */
static void
report_audit(struct soak *sk, FILE *fp)
{
	struct soak_final	*fin = &sk->fin;
	int			 i;

	fprintf(fp, "## Audit rows and locks\n\n");
	if (fin->wb_ok)
		fprintf(fp, "- Metadata: %ld rows before, %ld after (+%ld); "
		    "%ld acknowledged mutations: %ld matched a row, %ld had "
		    "none, %ld rows matched no acknowledged mutation.\n"
		    "- Rows contradicting the last acknowledged change of "
		    "their spool: %ld.\n", fin->meta_rows0, fin->meta_rows1,
		    fin->meta_rows1 - fin->meta_rows0, fin->acked_total,
		    fin->meta_matched, fin->meta_missing, fin->meta_extra,
		    fin->lost_state);
	else
		fprintf(fp, "- No workbook view: Metadata not checked.\n");
	if (fin->locks_ok)
		fprintf(fp, "- Locks after %.0f s of settling: %ld; stale %ld; "
		    "spools touched by the tool occupied without a lock %ld; "
		    "other occupied spools without a lock %ld.\n",
		    fin->settle_seconds, fin->locks, fin->stale_locks,
		    fin->orphan_touched, fin->orphan_other);
	else
		fprintf(fp, "- Locks not compared (needs --redis-url and a "
		    "workbook view).\n");
	if (fin->nlost_lines + fin->nstale_lines > 0) {
		fprintf(fp, "\n```\n");
		for (i = 0; i < fin->nlost_lines; i++)
			fprintf(fp, "%s\n", fin->lost_lines[i]);
		for (i = 0; i < fin->nstale_lines; i++)
			fprintf(fp, "%s\n", fin->stale_lines[i]);
		fprintf(fp, "```\n");
	}
	fprintf(fp, "\n");
}

/* One row an outage. */
static void
report_chaos(struct soak *sk, FILE *fp)
{
	struct soak_opts	*opt = &sk->opt;
	struct chaos		*chs = &sk->chs;
	struct soak_final	*fin = &sk->fin;
	int			 i;

	if (opt->chaos) {
		fprintf(fp, "## Chaos\n\n| # | stopped | down at | back at | "
		    "outage | health showed it after | healthy again after | "
		    "restarted |\n|---|---|---|---|---|---|---|---|\n");
		for (i = 0; i < chs->nout; i++) {
			struct outage	*o = &chs->out[i];
			char		 a[32], b[32], c[32], d[32];

			snprintf(c, sizeof(c), o->detected_at > 0 ? "%.1f s" :
			    "never", o->detected_at - o->t_down);
			snprintf(d, sizeof(d), o->recovered_at > 0 ? "%.1f s" :
			    "never", o->recovered_at - o->t_up);
			fprintf(fp, "| %d | %s | %s | %s | %.1f s | %s | %s | "
			    "%s |\n", i + 1, o->target == 0 ? "Redis" :
			    "Sheets emulator", tplus(o->t_down, a, sizeof(a)),
			    o->t_up > 0 ? tplus(o->t_up, b, sizeof(b)) : "—",
			    (o->t_up > 0 ? o->t_up : fin->load_t0 +
			    fin->load_seconds) -
			    o->t_down, c, d, o->start_ok ? "yes" : "NO");
		}
		if (chs->nout == 0)
			fprintf(fp, "| (no outage: the run was shorter than "
			    "--chaos-first) ||||||||\n");
		fprintf(fp, "\n");
	}
}

/* Health polls. */
static void
report_health(struct soak *sk, FILE *fp)
{
	struct soak_final	*fin = &sk->fin;

	fprintf(fp, "## Health\n\n%ld polls of /api/health; %ld false "
	    "alarms (unhealthy, degraded or no 200 answer while both "
	    "dependencies were up), %ld missed (healthy while one was "
	    "down), outside the probe windows; %ld polls got no 200 JSON "
	    "answer at all (the route must always answer 200).\n\n",
	    fin->health_polls, fin->health_false_alarm, fin->health_missed,
	    fin->health_not_200);
}

/* Incidents, under the lock: the sampler may still add one. */
static void
report_incidents(struct soak *sk, FILE *fp)
{
	struct soak_stats	*st = &sk->st;
	char			 t1[64];
	int			 i;

	fprintf(fp, "## Incidents\n\n");
	pthread_mutex_lock(&st->lock);
	if (st->nincidents == 0)
		fprintf(fp, "No incidents during the run.\n");
	for (i = 0; i < st->nincidents; i++)
		fprintf(fp, "- %s: %s\n", tplus(st->incidents[i].t, t1,
		    sizeof(t1)), st->incidents[i].text);
	if (st->incidents_dropped > 0)
		fprintf(fp, "- … and %llu more.\n",
		    (unsigned long long)st->incidents_dropped);
	pthread_mutex_unlock(&st->lock);
}

/* The other files of the run. */
static void
report_files(struct soak *sk, FILE *fp)
{
	struct soak_opts	*opt = &sk->opt;

	fprintf(fp, "\n## Files\n\n- samples (JSON lines, one per sample): "
	    "`%s-samples.jsonl`\n- totals and verdict: `%s`\n- plot: %s\n",
	    opt->name, base(path_json), plot_ok ? base(path_png) : "(none)");
}

static void
report_md(struct soak *sk, int argc, char **argv)
{
	FILE	*fp;

	if ((fp = fopen(path_md, "w")) == NULL)
		return;
	report_title(sk, fp);
	report_config(sk, fp, argc, argv);
	report_verdict(sk, fp);
	report_samples(sk, fp);
	report_redis_errors(sk, fp);
	report_traffic(sk, fp);
	report_mutations(sk, fp);
	report_sse(sk, fp);
	report_audit(sk, fp);
	report_chaos(sk, fp);
	report_health(sk, fp);
	report_incidents(sk, fp);
	report_files(sk, fp);
	fclose(fp);
}

int
report_write(struct soak *sk, int argc, char **argv)
{
	struct soak_opts	*opt = &sk->opt;
	struct soak_final	*fin = &sk->fin;

	snprintf(path_md, sizeof(path_md), "%s/%s.md", opt->out_dir, opt->name);
	snprintf(path_json, sizeof(path_json), "%s/%s-totals.json",
	    opt->out_dir, opt->name);
	snprintf(path_png, sizeof(path_png), "%s/%s.png", opt->out_dir,
	    opt->name);
	snprintf(path_dat, sizeof(path_dat), "%s/%s-plot.dat", opt->out_dir,
	    opt->name);
	snprintf(path_gp, sizeof(path_gp), "%s/%s-plot.gp", opt->out_dir,
	    opt->name);
	plot(sk);
	totals_json(sk);
	report_md(sk, argc, argv);
	fprintf(stderr, "zeues-soak: %s — report %s\n", fin->verdict, path_md);
	return (fin->exit_code);
}
