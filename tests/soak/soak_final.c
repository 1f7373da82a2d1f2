/*
 * Baselines before the load and the checks after it: the audit rows of
 * the workbook against the acknowledged mutations, the final rows against
 * the last acknowledged change of each spool, the Redis locks against
 * Ocupado_Por, the server's own request counters, its log, and the
 * verdict against the plan's criteria.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "soak.h"
#include "soak_wb.h"


static long		meta_base_len = -1;	/* rows array length */
static char		*metrics0;
static long		log_offset;

static void
note(struct note_line *arr, int *n, int max, const char *text)
{
	if (*n >= max)
		return;
	arr[*n].t = soak_now();
	snprintf(arr[*n].text, sizeof(arr[*n].text), "%s", text);
	(*n)++;
}

static char *
fetch_metrics(struct soak *sk)
{
	struct http_res	r;
	char		*text = NULL;

	if (http_server(sk, RT_METRICS, "GET", "/metrics", NULL, 15, &r) == 0 &&
	    r.status == 200) {
		text = r.body;
		r.body = NULL;
	}
	http_res_free(&r);
	return (text);
}

void
final_checks_begin(struct soak *sk)
{
	struct soak_opts	*opt = &sk->opt;
	struct soak_final	*fin = &sk->fin;
	yajl_val		 wb, meta, rows;
	struct stat		 sb;

	fin->started_wall = soak_wall();
	metrics0 = fetch_metrics(sk);
	if ((wb = wb_fetch(sk)) != NULL) {
		meta = wb_sheet(wb, "Metadata");
		if ((rows = wb_rows(meta)) != NULL) {
			meta_base_len = (long)rows->u.array.len;
			fin->meta_rows0 = wb_data_rows(meta);
		}
		yajl_tree_free(wb);
	}
	if (opt->server_log[0] != '\0' && stat(opt->server_log, &sb) == 0)
		log_offset = (long)sb.st_size;
}

/* ------------------------------------------------------------------ */
/* Audit rows.                                                         */

static int
cmpstr(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

static void
check_metadata(struct soak *sk, yajl_val wb)
{
	struct floor_model	*fl = &sk->fl;
	struct soak_final	*fin = &sk->fin;
	yajl_val		 meta = wb_sheet(wb, "Metadata"), rows, row;
	int			 cev, ctag, cwid;
	char			 ev[64], tag[128], wid[32], key[256];
	char			**got = NULL, **want = NULL;
	size_t			 ngot = 0, nwant = 0, i, j;
	long			 ambiguous = 0;
	int			 c;

	if ((rows = wb_rows(meta)) == NULL || meta_base_len < 0)
		return;
	cev = wb_col(meta, "Evento_Tipo");
	ctag = wb_col(meta, "TAG_SPOOL");
	cwid = wb_col(meta, "Worker_ID");
	if (cev < 0 || ctag < 0 || cwid < 0)
		return;
	fin->wb_ok = 1;
	fin->meta_rows1 = wb_data_rows(meta);
	got = calloc(rows->u.array.len + 1, sizeof(*got));
	want = calloc(fl->nmuts + 1, sizeof(*want));
	if (got == NULL || want == NULL)
		goto out;
	for (i = (size_t)meta_base_len; i < rows->u.array.len; i++) {
		row = rows->u.array.values[i];
		jcell(row, (size_t)cev, ev, sizeof(ev));
		jcell(row, (size_t)ctag, tag, sizeof(tag));
		jcell(row, (size_t)cwid, wid, sizeof(wid));
		if (ev[0] == '\0' && tag[0] == '\0')
			continue;	/* a reserved row left empty */
		snprintf(key, sizeof(key), "%s|%s|%s", ev, tag, wid);
		got[ngot++] = strdup(key);
	}
	for (i = 0; i < fl->nmuts; i++) {
		struct mutation	*m = &fl->muts[i];

		if (m->ambiguous)
			ambiguous++;
		if (m->status != 200)
			continue;
		snprintf(key, sizeof(key), "%s|%s|%d", mut_evento(m->kind,
		    m->op), fl->spools[m->spool].tag, m->worker);
		want[nwant++] = strdup(key);
	}
	qsort(got, ngot, sizeof(*got), cmpstr);
	qsort(want, nwant, sizeof(*want), cmpstr);
	for (i = j = 0; i < nwant || j < ngot;) {
		c = i >= nwant ? 1 : j >= ngot ? -1 : strcmp(want[i], got[j]);
		if (c == 0) {
			fin->meta_matched++;
			i++;
			j++;
		} else if (c < 0) {
			char	line[SOAK_LINE_MAX];

			fin->meta_missing++;
			snprintf(line, sizeof(line), "acknowledged (200) but "
			    "no Metadata row: %s", want[i]);
			if (fin->nlost_lines < 10)
				snprintf(fin->lost_lines[fin->nlost_lines++],
				    SOAK_LINE_MAX, "%s", line);
			i++;
		} else {
			fin->meta_extra++;
			j++;
		}
	}
	(void)ambiguous;
out:
	for (i = 0; got != NULL && i < ngot; i++)
		free(got[i]);
	for (i = 0; want != NULL && i < nwant; i++)
		free(want[i]);
	free(got);
	free(want);
}

/* The row of each touched spool against its last acknowledged change. */
static void
check_rows(struct soak *sk, yajl_val wb)
{
	struct floor_model	*fl = &sk->fl;
	struct soak_final	*fin = &sk->fin;
	yajl_val		 op = wb_sheet(wb, "Operaciones"), rows, row;
	int			 ct, cocc, cfa, cfs, k;
	char			 tag[128], occ[64], fa[64], fs[64], want[32];
	char			 line[SOAK_LINE_MAX];
	size_t			 i;
	const char		*bad;

	if ((rows = wb_rows(op)) == NULL)
		return;
	ct = wb_col(op, "TAG_SPOOL");
	cocc = wb_col(op, "Ocupado_Por");
	cfa = wb_col(op, "Fecha_Armado");
	cfs = wb_col(op, "Fecha_Soldadura");
	if (ct < 0 || cocc < 0 || cfa < 0 || cfs < 0)
		return;
	for (i = 1; i < rows->u.array.len; i++) {
		struct spool	*s;
		struct mutation	*m;

		row = rows->u.array.values[i];
		jcell(row, (size_t)ct, tag, sizeof(tag));
		if ((k = floor_spool_index(sk, tag)) == -1)
			continue;
		s = &fl->spools[k];
		if (!s->touched || s->last_ok_mut < 0 || s->ambiguous_after)
			continue;
		m = &fl->muts[s->last_ok_mut];
		jcell(row, (size_t)cocc, occ, sizeof(occ));
		jcell(row, (size_t)cfa, fa, sizeof(fa));
		jcell(row, (size_t)cfs, fs, sizeof(fs));
		snprintf(want, sizeof(want), "(%d)", m->worker);
		bad = NULL;
		switch (m->kind) {
		case MUT_TOMAR:
			if (strlen(occ) < strlen(want) || strcmp(occ +
			    strlen(occ) - strlen(want), want) != 0)
				bad = "TOMAR acknowledged but Ocupado_Por "
				    "does not name the worker";
			break;
		case MUT_PAUSAR:
			if (occ[0] != '\0')
				bad = "PAUSAR acknowledged but Ocupado_Por "
				    "is still set";
			break;
		default:
			if ((m->op == OP_ARM ? fa : fs)[0] == '\0')
				bad = "COMPLETAR acknowledged but the "
				    "completion date is empty";
			else if (occ[0] != '\0')
				bad = "COMPLETAR acknowledged but Ocupado_Por "
				    "is still set";
		}
		if (bad == NULL)
			continue;
		fin->lost_state++;
		snprintf(line, sizeof(line), "%s: %s (%s %s by %d at T+%.0fs; "
		    "row has Ocupado_Por '%s')", tag, bad, mut_name(m->kind),
		    op_name(m->op), m->worker, m->t_ack, occ);
		if (fin->nlost_lines < 10)
			snprintf(fin->lost_lines[fin->nlost_lines++],
			    SOAK_LINE_MAX, "%s", line);
	}
}

/* ------------------------------------------------------------------ */
/* Locks against Ocupado_Por.                                          */

struct lockset {
	char	(*tag)[SOAK_TAG_MAX];
	int	*worker;
	size_t	 n, cap;
};

static void
lock_seen(const char *tag, const char *value, void *arg)
{
	struct lockset	*ls = arg;
	void		*p;

	if (ls->n == ls->cap) {
		ls->cap = ls->cap ? ls->cap * 2 : 256;
		if ((p = realloc(ls->tag, ls->cap * sizeof(*ls->tag))) == NULL)
			return;
		ls->tag = p;
		if ((p = realloc(ls->worker, ls->cap * sizeof(int))) == NULL)
			return;
		ls->worker = p;
	}
	snprintf(ls->tag[ls->n], SOAK_TAG_MAX, "%s", tag);
	ls->worker[ls->n] = atoi(value);
	ls->n++;
}

/* One comparison; returns the number of inconsistencies. */
static long
compare_locks(struct soak *sk, yajl_val wb, int final)
{
	struct floor_model	*fl = &sk->fl;
	struct soak_final	*fin = &sk->fin;
	struct lockset		 ls = { NULL, NULL, 0, 0 };
	yajl_val		 op = wb_sheet(wb, "Operaciones"), rows, row;
	int			 ct, cocc, k, wid;
	char			 tag[128], occ[64], line[SOAK_LINE_MAX];
	const char		*p;
	size_t			 i, j;
	long			 stale = 0, orph_t = 0, orph_o = 0;
	char			*seen;

	if ((rows = wb_rows(op)) == NULL || redis_scan_locks(sk, lock_seen,
	    &ls) == -1) {
		free(ls.tag);
		free(ls.worker);
		return (-1);
	}
	ct = wb_col(op, "TAG_SPOOL");
	cocc = wb_col(op, "Ocupado_Por");
	seen = calloc(ls.n + 1, 1);
	for (i = 1; ct >= 0 && cocc >= 0 && seen != NULL &&
	    i < rows->u.array.len; i++) {
		row = rows->u.array.values[i];
		jcell(row, (size_t)ct, tag, sizeof(tag));
		jcell(row, (size_t)cocc, occ, sizeof(occ));
		wid = -1;
		if ((p = strrchr(occ, '(')) != NULL)
			wid = atoi(p + 1);
		for (j = 0; j < ls.n; j++) {
			if (strcmp(ls.tag[j], tag) == 0)
				break;
		}
		if (j < ls.n) {
			seen[j] = 1;
			if (occ[0] == '\0' || wid != ls.worker[j]) {
				stale++;
				if (final && fin->nstale_lines < 10) {
					snprintf(line, sizeof(line), "stale "
					    "lock spool_lock:%s (worker %d) but "
					    "Ocupado_Por is '%s'", tag,
					    ls.worker[j], occ);
					snprintf(fin->stale_lines[
					    fin->nstale_lines++],
					    SOAK_LINE_MAX, "%s", line);
				}
			}
		} else if (occ[0] != '\0') {
			k = floor_spool_index(sk, tag);
			if (k >= 0 && fl->spools[k].touched) {
				orph_t++;
				if (final && fin->nstale_lines < 10) {
					snprintf(line, sizeof(line), "%s is "
					    "occupied by %s in the workbook "
					    "but has no lock", tag, occ);
					snprintf(fin->stale_lines[
					    fin->nstale_lines++],
					    SOAK_LINE_MAX, "%s", line);
				}
			} else
				orph_o++;
		}
	}
	/* Locks on tags the workbook does not have at all. */
	for (j = 0; seen != NULL && j < ls.n; j++) {
		if (!seen[j]) {
			stale++;
			if (final && fin->nstale_lines < 10) {
				snprintf(line, sizeof(line), "lock "
				    "spool_lock:%s on a tag not in Operaciones",
				    ls.tag[j]);
				snprintf(fin->stale_lines[fin->nstale_lines++],
				    SOAK_LINE_MAX, "%s", line);
			}
		}
	}
	if (final) {
		fin->locks_ok = 1;
		fin->locks = (long)ls.n;
		fin->stale_locks = stale;
		fin->orphan_touched = orph_t;
		fin->orphan_other = orph_o;
	}
	free(seen);
	free(ls.tag);
	free(ls.worker);
	return (stale + orph_t);
}

/* ------------------------------------------------------------------ */

static void
scan_log(struct soak *sk)
{
	struct soak_opts	*opt = &sk->opt;
	struct soak_final	*fin = &sk->fin;
	FILE			*fp;
	char			 line[1024], text[SOAK_LINE_MAX];
	long			 n = 0;

	if (opt->server_log[0] == '\0' || (fp = fopen(opt->server_log, "r")) ==
	    NULL)
		return;
	fseek(fp, log_offset, SEEK_SET);
	while (fgets(line, sizeof(line), fp) != NULL && n++ < 5000000L) {
		line[strcspn(line, "\r\n")] = '\0';
		/* Access-log lines: client-chosen paths and tags, no errors. */
		if (strncmp(line, "time=\"", 6) == 0 ||
		    strncmp(line, "{\"time\":", 8) == 0)
			continue;
		if (strcasestr(line, "too many connections") != NULL ||
		    strcasestr(line, "max number of clients") != NULL) {
			fin->log_tmc++;
			snprintf(text, sizeof(text), "server log: %.250s", line);
			note(fin->log_lines, &fin->nlog_lines, NOTE_LINES_MAX,
			    text);
		} else if (strcasestr(line, "redis") != NULL &&
		    (strcasestr(line, "error") != NULL ||
		    strcasestr(line, "lost") != NULL ||
		    strcasestr(line, "refused") != NULL ||
		    strcasestr(line, "timeout") != NULL ||
		    strcasestr(line, "timed out") != NULL)) {
			fin->log_redis_err++;
			snprintf(text, sizeof(text), "server log: %.250s", line);
			note(fin->log_lines, &fin->nlog_lines, NOTE_LINES_MAX,
			    text);
		}
	}
	fclose(fp);
}

static void
check_metrics(struct soak *sk)
{
	struct soak_final	*fin = &sk->fin;
	char			*metrics1 = fetch_metrics(sk);
	const char		*self[] = { "route=\"/metrics\"", NULL };
	static const char	*const paths[3] = { "/api/occupation/tomar",
	    "/api/occupation/pausar", "/api/occupation/completar" };
	char			 rneedle[96];
	const char		*needles[3];
	double			 a0, a1, m0, m1, v0, v1;
	int			 k;

	if (metrics0 == NULL || metrics1 == NULL)
		goto out;
	a0 = prom_sum(metrics0, "zeues_http_requests_total", NULL);
	a1 = prom_sum(metrics1, "zeues_http_requests_total", NULL);
	m0 = prom_sum(metrics0, "zeues_http_requests_total", self);
	m1 = prom_sum(metrics1, "zeues_http_requests_total", self);
	if (a0 < 0 || a1 < 0)
		goto out;
	fin->metrics_ok = 1;
	fin->srv_req_delta = (a1 - (m1 > 0 ? m1 : 0)) - (a0 - (m0 > 0 ? m0 :
	    0));
	for (k = 0; k < 3; k++) {
		snprintf(rneedle, sizeof(rneedle), "route=\"%s\"", paths[k]);
		needles[0] = rneedle;
		needles[1] = "status=\"200\"";
		needles[2] = NULL;
		v0 = prom_sum(metrics0, "zeues_http_requests_total", needles);
		v1 = prom_sum(metrics1, "zeues_http_requests_total", needles);
		fin->srv_mut_ok_delta[k] = -1;
		if (v1 >= 0) {
			fin->srv_mut_ok_delta[k] = v1 - (v0 > 0 ? v0 : 0);
			fin->srv_mut_routes_seen = 1;
		}
	}
out:
	free(metrics0);
	free(metrics1);
	metrics0 = NULL;
}

static void
utilization(struct soak *sk)
{
	struct sampler		*smp = &sk->smp;
	struct soak_final	*fin = &sk->fin;
	double			 q1 = 0, q4 = 0, sum = 0, sumb = 0;
	double			 T = fin->load_seconds;
	long			 n1 = 0, n4 = 0, n = 0, nb = 0;
	size_t			 i;
	int			 use_redis = 0;

	pthread_mutex_lock(&smp->lock);
	for (i = 0; i < smp->nsamples; i++) {
		if (smp->samples[i].clients_of_service >= 0 &&
		    smp->samples[i].redis_ok)
			use_redis = 1;
	}
	fin->budget = smp->budget;
	for (i = 0; i < smp->nsamples; i++) {
		struct sample	*s = &smp->samples[i];
		double		 c;

		if (s->stats_ok) {
			sumb += s->util_backend;
			nb++;
			if (s->util_backend > fin->util_peak_backend)
				fin->util_peak_backend = s->util_backend;
		}
		if (use_redis) {
			if (s->clients_of_service < 0 || !s->redis_ok ||
			    s->redis_down)
				continue;
			c = (double)s->clients_of_service;
		} else {
			if (!s->stats_ok)
				continue;
			c = (double)s->open_conn;
		}
		if (smp->budget > 0) {
			double	u = 100.0 * c / smp->budget;

			sum += u;
			n++;
			if (u > fin->util_peak) {
				fin->util_peak = u;
				fin->util_peak_t = s->t;
			}
		}
		if (s->t - fin->load_t0 <= T / 4) {
			q1 += c;
			n1++;
		} else if (s->t - fin->load_t0 >= 3 * T / 4 &&
		    s->t - fin->load_t0 <= T + 1) {
			q4 += c;
			n4++;
		}
	}
	pthread_mutex_unlock(&smp->lock);
	fin->util_avg = n > 0 ? sum / (double)n : 0;
	fin->util_avg_backend = nb > 0 ? sumb / (double)nb : 0;
	fin->q1_mean = n1 > 0 ? q1 / (double)n1 : -1;
	fin->q4_mean = n4 > 0 ? q4 / (double)n4 : -1;
}

/* ------------------------------------------------------------------ */
/* Health against the truth.                                           */

static double
window_of(struct soak *sk, int target)
{
	struct soak_opts	*opt = &sk->opt;

	return (target == 0 ? opt->redis_probe_interval + opt->probe_interval +
	    2 : 2 * opt->sheets_probe_interval + opt->probe_interval + 2);
}

/* Is t within the grace window after a change of target's state? */
static int
in_grace(struct soak *sk, int target, double t)
{
	struct chaos	*chs = &sk->chs;
	double		 w = window_of(sk, target);
	int		 i;

	for (i = 0; i < chs->nout; i++) {
		struct outage	*o = &chs->out[i];

		if (o->target != target)
			continue;
		if (t >= o->t_down - 1 && t <= o->t_down + w)
			return (1);
		if (o->t_up > 0 && t >= o->t_up - 1 && t <= o->t_up + w)
			return (1);
	}
	return (0);
}

static int
chaos_down_at(struct soak *sk, int target, double t)
{
	struct chaos	*chs = &sk->chs;
	int		 i;

	for (i = 0; i < chs->nout; i++) {
		struct outage	*o = &chs->out[i];

		if (o->target == target && t >= o->t_down &&
		    (o->t_up == 0 || t <= o->t_up))
			return (1);
	}
	return (0);
}

/* The server answered SHEETS_UNAVAILABLE near t: Sheets was unusable
 * for it (its quota was spent), so "unhealthy" was the truth. */
static int
sheets_busy_at(struct soak *sk, double t)
{
	struct soak_opts	*opt = &sk->opt;
	struct soak_stats	*st = &sk->st;
	double			 w = 2 * opt->sheets_probe_interval +
	    opt->probe_interval + 2;
	size_t			 i;
	int			 busy = 0;

	pthread_mutex_lock(&st->lock);
	for (i = 0; i < st->nsheets_err_t && !busy; i++)
		busy = st->sheets_err_t[i] >= t - w &&
		    st->sheets_err_t[i] <= t + w;
	pthread_mutex_unlock(&st->lock);
	return (busy);
}

static void
health_check(struct soak *sk)
{
	struct sampler		*smp = &sk->smp;
	struct chaos		*chs = &sk->chs;
	struct soak_final	*fin = &sk->fin;
	size_t			 i;
	int			 k, redis_down, sheets_down, expect, grace;
	double			 last_change[2] = { -1e9, -1e9 }, w;
	int			 prev_truth[2] = { 1, 1 };
	char			 line[SOAK_LINE_MAX];
	long			 mism = 0;

	pthread_mutex_lock(&smp->lock);
	for (i = 0; i < smp->nhealth; i++) {
		struct health_obs *h = &smp->health[i];
		int	truth_r = h->truth_redis_up != 0;
		int	truth_s = h->truth_sheets_up != 0;

		fin->health_polls++;
		if (h->status == 3)
			fin->health_not_200++;
		/* Changes seen by our own probes open a grace window. */
		if (truth_r != prev_truth[0])
			last_change[0] = h->t;
		if (truth_s != prev_truth[1])
			last_change[1] = h->t;
		prev_truth[0] = truth_r;
		prev_truth[1] = truth_s;
		redis_down = !truth_r || chaos_down_at(sk, 0, h->t);
		sheets_down = !truth_s || chaos_down_at(sk, 1, h->t);
		expect = sheets_down ? 2 : redis_down ? 1 : 0;
		grace = in_grace(sk, 0, h->t) || in_grace(sk, 1, h->t) ||
		    h->t - last_change[0] <= window_of(sk, 0) ||
		    h->t - last_change[1] <= window_of(sk, 1);
		if (h->status == expect || grace)
			continue;
		if (h->status == 2 && !h->sheets_ok && sheets_busy_at(sk,
		    h->t)) {
			fin->health_sheets_busy++;
			continue;
		}
		mism++;
		if (h->status == 3 || (expect == 0 && h->status != 0))
			fin->health_false_alarm++;
		else
			fin->health_missed++;
		if (mism <= 5) {
			static const char *const nm[] = { "healthy",
			    "degraded", "unhealthy", "no answer" };

			snprintf(line, sizeof(line), "health at T+%.0fs said "
			    "%s while the dependencies were %s (Redis %s, "
			    "Sheets %s)", h->t, nm[h->status], nm[expect],
			    redis_down ? "down" : "up",
			    sheets_down ? "down" : "up");
			pthread_mutex_unlock(&smp->lock);
			soak_incident(sk, "%s", line);
			pthread_mutex_lock(&smp->lock);
		}
	}
	/* Each outage: shown within its window? */
	for (k = 0; k < chs->nout; k++) {
		struct outage	*o = &chs->out[k];
		double		 end = o->t_up > 0 ? o->t_up :
		    fin->load_t0 + fin->load_seconds;

		w = window_of(sk, o->target);
		for (i = 0; i < smp->nhealth; i++) {
			struct health_obs *h = &smp->health[i];
			int	bad = o->target == 0 ? !h->redis_ok :
				    !h->sheets_ok;

			if (h->t < o->t_down || h->t > end + 1)
				continue;
			if (bad && h->status != 3 && o->detected_at == 0)
				o->detected_at = h->t;
		}
		for (i = 0; i < smp->nhealth; i++) {
			struct health_obs *h = &smp->health[i];
			int	ok = o->target == 0 ? h->redis_ok :
				    h->sheets_ok;

			if (o->t_up > 0 && h->t >= o->t_up && ok &&
			    o->recovered_at == 0)
				o->recovered_at = h->t;
		}
		if (end - o->t_down <= w)
			fin->outages_short++;
		else if (o->detected_at == 0 ||
		    o->detected_at - o->t_down > w)
			fin->outages_late++;
		else
			fin->outages_detected++;
	}
	pthread_mutex_unlock(&smp->lock);
}

/* ------------------------------------------------------------------ */

static void
crit(struct soak *sk, const char *name, enum verdict_state s, const char *fmt,
    ...) __attribute__((format(printf, 4, 5)));

static void
crit(struct soak *sk, const char *name, enum verdict_state s, const char *fmt,
    ...)
{
	struct soak_final	*fin = &sk->fin;
	va_list			 ap;
	struct criterion	*c;

	if (fin->ncrit >= CRITERIA_MAX)
		return;
	c = &fin->crit[fin->ncrit++];
	c->name = name;
	c->state = s;
	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
	va_end(ap);
}

/* REDIS_UNAVAILABLE answers outside every Redis outage (plus grace). */
static long
redis_errors_outside(struct soak *sk)
{
	struct soak_stats	*st = &sk->st;
	struct chaos		*chs = &sk->chs;
	size_t			 i;
	long			 n = 0;
	int			 k, inside;

	pthread_mutex_lock(&st->lock);
	for (i = 0; i < st->nredis_err_t; i++) {
		double	t = st->redis_err_t[i];

		inside = 0;
		for (k = 0; k < chs->nout; k++) {
			struct outage	*o = &chs->out[k];

			if (o->target == 0 && t >= o->t_down - 1 &&
			    t <= (o->t_up > 0 ? o->t_up : 1e18) +
			    window_of(sk, 0) + 10)
				inside = 1;
		}
		if (!inside)
			n++;
	}
	pthread_mutex_unlock(&st->lock);
	return (n);
}

/* 1. The window. */
static void
verdict_window(struct soak *sk)
{
	struct soak_opts	*opt = &sk->opt;
	struct soak_final	*fin = &sk->fin;

	crit(sk, "2-hour window", fin->load_seconds + 0.5 >= opt->min_duration ?
	    V_PASS : V_NA, "%.0f s of load (the plan asks for at least %.0f "
	    "s before success is declared)", fin->load_seconds,
	    opt->min_duration);
}

/* 2. Redis connection errors. */
static void
verdict_redis(struct soak *sk)
{
	struct soak_opts	*opt = &sk->opt;
	struct soak_stats	*st = &sk->st;
	struct soak_final	*fin = &sk->fin;
	long			 tmc, outside;

	pthread_mutex_lock(&st->lock);
	tmc = (long)(st->tmc_responses + st->tmc_health) + st->ntmc_lines;
	pthread_mutex_unlock(&st->lock);
	tmc += fin->log_tmc + (fin->rejected_delta > 0 ?
	    fin->rejected_delta : 0);
	outside = opt->chaos ? redis_errors_outside(sk) :
	    (long)st->redis_errors_seen;
	crit(sk, "zero Redis connection errors", tmc == 0 && outside == 0 &&
	    (opt->chaos || fin->log_redis_err == 0) ? V_PASS : V_FAIL,
	    "\"Too many connections\"/\"max number of clients\": %ld seen "
	    "(responses, health, server log), Redis rejected_connections "
	    "+%ld; REDIS_UNAVAILABLE answers %s: %ld; Redis error lines in "
	    "the server log: %ld%s", tmc - (fin->rejected_delta > 0 ?
	    fin->rejected_delta : 0), fin->rejected_delta > 0 ?
	    fin->rejected_delta : 0, opt->chaos ? "outside the outages" :
	    "(no outage was caused)", outside, fin->log_redis_err,
	    opt->chaos ? " (expected during outages, not counted)" : "");
}

/* 3. Utilization. */
static void
verdict_utilization(struct soak *sk)
{
	struct soak_opts	*opt = &sk->opt;
	struct soak_final	*fin = &sk->fin;

	if (fin->budget <= 0)
		crit(sk, "utilization < 75 %", V_NA, "the server's "
		    "/api/redis-connection-stats never answered");
	else
		crit(sk, "utilization < 75 %",
		    fin->util_peak < opt->util_limit &&
		    fin->util_peak_backend < opt->util_limit ? V_PASS : V_FAIL,
		    "peak %.1f %% (Redis's count of this service's "
		    "connections over the budget of %d), %.1f %% by the "
		    "server's own figures; averages %.1f %% and %.1f %%; limit "
		    "%.0f %%", fin->util_peak, fin->budget,
		    fin->util_peak_backend, fin->util_avg,
		    fin->util_avg_backend, opt->util_limit);
}

/* 4. Health. */
static void
verdict_health(struct soak *sk)
{
	struct soak_opts	*opt = &sk->opt;
	struct soak_final	*fin = &sk->fin;

	crit(sk, "health truthful", fin->health_polls == 0 ? V_NA :
	    fin->health_false_alarm == 0 && fin->health_missed == 0 &&
	    fin->outages_late == 0 ? V_PASS : V_FAIL,
	    "%ld polls; %ld said unhealthy/degraded or did not answer 200 "
	    "while both dependencies were up, %ld said healthy while one "
	    "was down (outside the probe windows: Redis %.0f s, Sheets "
	    "%.0f s); %ld polls in all got no 200 JSON answer (see the "
	    "errors of GET /api/health); %ld said unhealthy while the "
	    "server was answering 503 SHEETS_UNAVAILABLE (its Sheets quota "
	    "spent: counted as truthful)%s", fin->health_polls,
	    fin->health_false_alarm, fin->health_missed, window_of(sk, 0),
	    window_of(sk, 1), fin->health_not_200, fin->health_sheets_busy,
	    opt->chaos ? "; see the outage table" : "");
}

/* 5. Leak: connections of the last quarter against the first. */
static void
verdict_leak(struct soak *sk)
{
	struct soak_opts	*opt = &sk->opt;
	struct soak_final	*fin = &sk->fin;
	double			 growth;

	if (fin->q1_mean < 0 || fin->q4_mean < 0)
		crit(sk, "no connection growth", V_NA, "not enough samples in "
		    "the first and last quarters");
	else {
		growth = fin->q4_mean - fin->q1_mean;
		crit(sk, "no connection growth", growth <= opt->leak_tolerance ?
		    V_PASS : V_FAIL, "mean connections of this service: "
		    "%.2f in the first quarter, %.2f in the last (growth "
		    "%+.2f, tolerance %.0f)", fin->q1_mean, fin->q4_mean,
		    growth, opt->leak_tolerance);
	}
}

/* 6. Metadata: an audit row for every acknowledged mutation. */
static void
verdict_metadata(struct soak *sk, long acked, long amb, int occ_na)
{
	struct soak_final	*fin = &sk->fin;

	if (!fin->wb_ok)
		crit(sk, "every Metadata row accounted for", V_NA,
		    "no workbook "
		    "view (--emulator-url or --workbook)%s",
		    fin->srv_mut_routes_seen ? "; the server's /metrics "
		    "counts of 200s are in the traffic section" : "");
	else if (occ_na)
		crit(sk, "every Metadata row accounted for", V_NA,
		    "no mutation "
		    "was acknowledged%s (rows %ld -> %ld)",
		    fin->occupation_missing ? ": the occupation routes "
		    "answered 404 NOT_FOUND" : "", fin->meta_rows0,
		    fin->meta_rows1);
	else
		crit(sk, "every Metadata row accounted for",
		    fin->meta_missing ==
		    0 && fin->meta_extra <= amb ? V_PASS : V_FAIL,
		    "%ld mutations acknowledged with 200, %ld audit rows "
		    "added (%ld -> %ld): %ld matched, %ld missing, %ld extra "
		    "(extra allowed up to the %ld mutations whose outcome was "
		    "ambiguous)", acked, fin->meta_rows1 - fin->meta_rows0,
		    fin->meta_rows0, fin->meta_rows1, fin->meta_matched,
		    fin->meta_missing, fin->meta_extra, amb);
}

/* 7. No 500s, no double grants. */
static void
verdict_no_500(struct soak *sk)
{
	struct soak_stats	*st = &sk->st;

	crit(sk, "no 500 and no double grant", st->resp_500 == 0 &&
	    st->double_grants == 0 ? V_PASS : V_FAIL,
	    "%llu answers 500 INTERNAL_ERROR; %llu spools granted to two "
	    "tablets at once", (unsigned long long)st->resp_500,
	    (unsigned long long)st->double_grants);
}

/* 8. Live boards. */
static void
verdict_boards(struct soak *sk, int occ_na)
{
	struct soak_opts	*opt = &sk->opt;
	struct soak_final	*fin = &sk->fin;

	if (!sse_route_seen())
		crit(sk, "live boards got every change", V_NA, "%s",
		    fin->sse_missing ? "GET /api/sse/stream answered 404 "
		    "NOT_FOUND: the route is not deployed" : opt->sse_clients
		    == 0 ? "no boards (--sse-clients 0)" :
		    "no board ever got a 200");
	else if (occ_na)
		crit(sk, "live boards got every change", V_NA,
		    "no mutation was "
		    "acknowledged, so none could be delivered");
	else
		crit(sk, "live boards got every change",
		    fin->acked_unseen == 0 ||
		    opt->chaos ? V_PASS : V_FAIL, "%ld of %ld acknowledged "
		    "changes reached a board as a spool_update; %ld did not "
		    "(within the run)%s", fin->acked_seen, fin->acked_total,
		    fin->acked_unseen, opt->chaos ? " (informational under "
		    "chaos)" : "");
}

/* 9. Chaos: nothing lost, no stale lock, every outage shown. */
static void
verdict_chaos(struct soak *sk, int occ_na)
{
	struct soak_opts	*opt = &sk->opt;
	struct chaos		*chs = &sk->chs;
	struct soak_final	*fin = &sk->fin;

	if (!fin->wb_ok || occ_na)
		crit(sk, "no acknowledged mutation lost", V_NA, "%s",
		    !fin->wb_ok ? "no workbook view" :
		    "no mutation was acknowledged");
	else
		crit(sk, "no acknowledged mutation lost",
		    fin->meta_missing == 0 && fin->lost_state == 0 ?
		    V_PASS : V_FAIL, "%ld acknowledged changes without "
		    "their audit row; %ld spools whose row contradicts "
		    "their last acknowledged change", fin->meta_missing,
		    fin->lost_state);
	if (!fin->locks_ok)
		crit(sk, "no stale lock after recovery", V_NA, "%s",
		    opt->redis_url[0] == '\0' ? "no --redis-url" :
		    "no workbook view");
	else
		crit(sk, "no stale lock after recovery",
		    fin->stale_locks == 0 && fin->orphan_touched == 0 ?
		    V_PASS : V_FAIL, "%ld locks; %ld stale (no "
		    "matching Ocupado_Por), %ld spools the tool "
		    "touched occupied without a lock, after %.0f s of "
		    "settling (%ld other occupied spools without a "
		    "lock, left as they were)", fin->locks,
		    fin->stale_locks, fin->orphan_touched,
		    fin->settle_seconds, fin->orphan_other);
	crit(sk, "health showed each outage in time", chs->nout == 0 ? V_NA :
	    fin->outages_late == 0 ? V_PASS : V_FAIL,
	    "%d outages: %ld shown within their window, %ld late or "
	    "never, %ld too short to require it; %d chaos command "
	    "failures", chs->nout, fin->outages_detected,
	    fin->outages_late, fin->outages_short, chs->failures);
}

/* FAILED if a criterion failed, else INCOMPLETE if one was not evaluated. */
static void
verdict_sum(struct soak *sk)
{
	struct soak_final	*fin = &sk->fin;
	int			 k, fails = 0, na = 0;

	for (k = 0; k < fin->ncrit; k++) {
		if (fin->crit[k].state == V_FAIL)
			fails++;
		else if (fin->crit[k].state == V_NA)
			na++;
	}
	if (fails > 0) {
		snprintf(fin->verdict, sizeof(fin->verdict), "FAILED");
		fin->exit_code = 1;
	} else if (na > 0) {
		snprintf(fin->verdict, sizeof(fin->verdict), "INCOMPLETE");
		fin->exit_code = 3;
	} else {
		snprintf(fin->verdict, sizeof(fin->verdict), "PASSED");
		fin->exit_code = 0;
	}
}

static void
verdict(struct soak *sk)
{
	struct soak_opts	*opt = &sk->opt;
	struct floor_model	*fl = &sk->fl;
	struct soak_final	*fin = &sk->fin;
	long			 acked = 0, amb = 0;
	size_t			 i;
	int			 occ_na;

	for (i = 0; i < fl->nmuts; i++) {
		if (fl->muts[i].status == 200)
			acked++;
		if (fl->muts[i].ambiguous)
			amb++;
	}
	fin->acked_total = acked;
	occ_na = fin->occupation_missing || acked == 0;

	verdict_window(sk);
	verdict_redis(sk);
	verdict_utilization(sk);
	verdict_health(sk);
	verdict_leak(sk);
	verdict_metadata(sk, acked, amb, occ_na);
	verdict_no_500(sk);
	verdict_boards(sk, occ_na);
	if (opt->chaos)
		verdict_chaos(sk, occ_na);
	verdict_sum(sk);
}

void
final_checks_end(struct soak *sk)
{
	struct soak_opts	*opt = &sk->opt;
	struct soak_stats	*st = &sk->st;
	struct floor_model	*fl = &sk->fl;
	struct sampler		*smp = &sk->smp;
	struct soak_final	*fin = &sk->fin;
	yajl_val		 wb = NULL;
	double			 start = soak_now();
	double			 end = start + opt->settle_timeout;
	long			 bad;
	size_t			 i;
	int			 k;

	/* Routes the server lacks. */
	pthread_mutex_lock(&st->lock);
	fin->occupation_missing = st->resp_404_missing[RT_TOMAR] > 0 &&
	    st->mut_ok[MUT_TOMAR] == 0;
	fin->sse_missing = st->resp_404_missing[RT_SSE] > 0 &&
	    !sse_route_seen();
	fin->lists_missing = st->resp_404_missing[RT_INICIAR] > 0;
	pthread_mutex_unlock(&st->lock);

	/* Delivery of acknowledged changes to the boards. */
	for (i = 0; i < fl->nmuts; i++) {
		if (fl->muts[i].status != 200)
			continue;
		if (fl->muts[i].seen)
			fin->acked_seen++;
		else if (fl->muts[i].t_ack <
		    fin->load_t0 + fin->load_seconds - 5)
			fin->acked_unseen++;
	}

	/* Workbook and locks; locks get time to settle (reconciliation). */
	if (opt->emulator_url[0] != '\0' || opt->workbook_file[0] != '\0') {
		for (k = 0; k < 100000; k++) {
			if (wb != NULL)
				yajl_tree_free(wb);
			if ((wb = wb_fetch(sk)) == NULL)
				break;
			if (opt->redis_url[0] == '\0')
				break;
			bad = compare_locks(sk, wb, 0);
			if (bad == 0 || soak_now() >= end)
				break;
			soak_sleep(5);
		}
		fin->settle_seconds = soak_now() - start;
		if (wb != NULL) {
			check_metadata(sk, wb);
			check_rows(sk, wb);
			if (opt->redis_url[0] != '\0')
				compare_locks(sk, wb, 1);
			yajl_tree_free(wb);
		}
	}
	/* Increases of Redis's counters; a restarted Redis starts again. */
	pthread_mutex_lock(&smp->lock);
	{
		long	pr = -1, pe = -1;

		for (i = 0; i < smp->nsamples; i++) {
			struct sample	*s = &smp->samples[i];

			if (s->rejected_connections >= 0) {
				if (pr >= 0)
					fin->rejected_delta +=
					    s->rejected_connections >= pr ?
					    s->rejected_connections - pr :
					    s->rejected_connections;
				pr = s->rejected_connections;
			}
			if (s->errorstat_total >= 0) {
				if (pe >= 0)
					fin->errorstat_delta +=
					    s->errorstat_total >= pe ?
					    s->errorstat_total - pe :
					    s->errorstat_total;
				pe = s->errorstat_total;
			}
		}
	}
	pthread_mutex_unlock(&smp->lock);
	check_metrics(sk);
	scan_log(sk);
	utilization(sk);
	health_check(sk);
	verdict(sk);
}
