/*
 * The live board as the tablet frontend's dashboard keeps it (frontend.md
 * §5, issue 12 done-means 4): one EventSource reading only `type`,
 * `worker`, `tag_spool` and `timestamp` of `spool_update` events, on top
 * of one GET /api/dashboard/occupied (TOMAR upserts a card, PAUSAR and
 * COMPLETAR delete it, STATE_CHANGE only touches estado), must hold the
 * same occupied spools, by the same workers, as the dashboard route,
 * through an hour of floor traffic compressed into a few dozen seconds:
 * each "minute" several workers act at once (v3 TOMAR, batch TOMAR,
 * PAUSAR, COMPLETAR; v4 INICIAR and FINALIZAR of some, all or no unions;
 * reparación tomar, pausar, completar, cancelar; metrología results; two
 * workers racing for one spool).  The views are compared every ten
 * minutes and at the end.
 *
 * Every timestamp the board receives and every fecha_ocupacion the route
 * answers is parsed by a browser's Date (Debian's node, in the floor's
 * time zone) and must be the instant it stands for, within a second: the
 * moment of the request that occupied the spool, or for the demo's own
 * occupations the workbook's Fecha_Ocupacion read in America/Santiago.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/time.h>

#include <cmocka.h>

#include "emulator_demo.h"
#include "harness.h"
#include "http_parallel.h"
#include "js_date.h"
#include "server.h"
#include "sse_feed.h"

#define MINUTES		60	/* the scripted hour */
#define CHECK_EVERY	10
#define ACTORS_MAX	16
#define POOL_MAX	256
#define TAG_LEN		80
#define NAME_LEN	48
#define CARDS_MAX	512
#define ACTS_MAX	2048
#define JOBS_MAX	32

static struct emu		emu;
static struct test_server	srv;

static double
wall_now(void)
{
	struct timeval	tv;

	gettimeofday(&tv, NULL);
	return ((double)tv.tv_sec + (double)tv.tv_usec / 1e6);
}

/* --- the board: what the dashboard page holds --- */

struct card {
	char	tag[TAG_LEN];
	char	worker[NAME_LEN];
	char	since[64];		/* fecha_ocupacion or the timestamp */
};

struct board {
	struct card	c[CARDS_MAX];
	size_t		n;
};

static struct card *
board_find(struct board *b, const char *tag)
{
	size_t	i;

	for (i = 0; i < b->n; i++)
		if (strcmp(b->c[i].tag, tag) == 0)
			return (&b->c[i]);
	return (NULL);
}

static void
board_upsert(struct board *b, const char *tag, const char *worker,
    const char *since)
{
	struct card	*c = board_find(b, tag);

	if (c == NULL) {
		if (b->n == CARDS_MAX)
			return;
		c = &b->c[b->n++];
		snprintf(c->tag, sizeof(c->tag), "%s", tag);
	}
	snprintf(c->worker, sizeof(c->worker), "%s", worker);
	snprintf(c->since, sizeof(c->since), "%s", since);
}

static void
board_delete(struct board *b, const char *tag)
{
	struct card	*c = board_find(b, tag);

	if (c != NULL)
		*c = b->c[--b->n];
}

/* Every date string received, once; its instant is checked at the end. */
struct seen_date {
	char	text[64];
	char	tag[TAG_LEN];
	char	where[24];		/* "event" or "dashboard" */
};

static struct seen_date	*seen;
static size_t		 nseen, seencap;

static void
note_date(const char *text, const char *tag, const char *where)
{
	size_t	i;

	for (i = 0; i < nseen; i++)
		if (strcmp(seen[i].text, text) == 0 &&
		    strcmp(seen[i].tag, tag) == 0)
			return;
	if (nseen == seencap) {
		seencap = seencap ? seencap * 2 : 1024;
		seen = realloc(seen, seencap * sizeof(*seen));
		assert_non_null(seen);
	}
	snprintf(seen[nseen].text, sizeof(seen[0].text), "%s", text);
	snprintf(seen[nseen].tag, sizeof(seen[0].tag), "%s", tag);
	snprintf(seen[nseen].where, sizeof(seen[0].where), "%s", where);
	nseen++;
}

/* The board's GET: a bare array of cards (fecha_ocupacion noted). */
static int
fetch_dashboard(struct board *b)
{
	char			 url[256];
	struct http_reply	 r;
	const char		*hdr[] = { "Content-Type: application/json",
				    NULL };
	const char		*tag, *who, *since;
	yajl_val		 j, it;
	size_t			 i;

	b->n = 0;
	snprintf(url, sizeof(url), "%s/api/dashboard/occupied", srv.base);
	if (http_request("GET", url, hdr, NULL, 0, 10000, &r) != 0 ||
	    r.status != 200) {
		http_reply_free(&r);
		return (-1);
	}
	j = http_reply_json(&r);
	http_reply_free(&r);
	if (j == NULL || !YAJL_IS_ARRAY(j)) {
		yajl_tree_free(j);
		return (-1);
	}
	for (i = 0; i < j->u.array.len; i++) {
		it = j->u.array.values[i];
		tag = jpath_str(it, "tag_spool", NULL);
		who = jpath_str(it, "worker_nombre", NULL);
		since = jpath_str(it, "fecha_ocupacion", NULL);
		if (tag == NULL)
			continue;
		board_upsert(b, tag, who != NULL ? who : "",
		    since != NULL ? since : "(missing)");
	}
	yajl_tree_free(j);
	return (0);
}

/* Applies the spool_update events from index *next on, as useSSE does. */
static void
board_apply(struct board *b, struct sse_feed *f, size_t *next)
{
	const char	*type, *tag, *who, *ts;
	yajl_val	 j;

	for (; *next < f->nev; (*next)++) {
		if (strcmp(f->ev[*next].name, "spool_update") != 0)
			continue;
		if ((j = yajl_tree_parse(f->ev[*next].data, NULL, 0)) == NULL)
			continue;
		type = jpath_str(j, "type", NULL);
		tag = jpath_str(j, "tag_spool", NULL);
		who = jpath_str(j, "worker", NULL);
		ts = jpath_str(j, "timestamp", NULL);
		if (tag != NULL)
			note_date(ts != NULL ? ts : "(missing)", tag,
			    "event");
		if (type != NULL && tag != NULL) {
			if (strcmp(type, "TOMAR") == 0)
				board_upsert(b, tag, who != NULL ? who : "",
				    ts != NULL ? ts : "");
			else if (strcmp(type, "PAUSAR") == 0 ||
			    strcmp(type, "COMPLETAR") == 0)
				board_delete(b, tag);
		}
		yajl_tree_free(j);
	}
}

/* "" when equal, else what differs (first few). */
static void
board_diff(struct board *view, struct board *truth, char *out, size_t len)
{
	size_t		 i, used = 0;
	struct card	*c;

	out[0] = '\0';
	for (i = 0; i < truth->n && used + 200 < len; i++) {
		c = board_find(view, truth->c[i].tag);
		if (c == NULL)
			used += (size_t)snprintf(out + used, len - used,
			    " %s(%s) missing from the board;", truth->c[i].tag,
			    truth->c[i].worker);
		else if (strcmp(c->worker, truth->c[i].worker) != 0)
			used += (size_t)snprintf(out + used, len - used,
			    " %s by '%s' on the board, '%s' on the route;",
			    c->tag, c->worker, truth->c[i].worker);
	}
	for (i = 0; i < view->n && used + 200 < len; i++)
		if (board_find(truth, view->c[i].tag) == NULL)
			used += (size_t)snprintf(out + used, len - used,
			    " %s(%s) on the board, not occupied;",
			    view->c[i].tag, view->c[i].worker);
}

/* --- the floor: workers, spools, what each one holds --- */

enum hold { H_NONE, H_V3_ARM, H_V3_SOLD, H_V4_ARM, H_REPAR };

struct actor {
	long long	id;
	char		nombre[NAME_LEN];	/* nombre_completo */
	char		initials[NAME_LEN];	/* what INICIAR sends */
	int		kind;			/* 'A' arm, 'S' sold, 'R', 'M' */
	enum hold	hold;
	char		tag[TAG_LEN];
	int		fails;			/* releases refused in a row */
	int		busy;			/* has a request this minute */
};

struct pool {
	char	tag[POOL_MAX][TAG_LEN];
	size_t	n;
};

static struct actor	actors[ACTORS_MAX];
static size_t		nactors;
static struct pool	v3_arm, v4_arm, v3_sold, metro, repar;

/* The spools the server accepted a change to, and when (Unix seconds). */
struct act {
	char	tag[TAG_LEN];
	double	t0, t1;
};

static struct act	acts[ACTS_MAX];
static size_t		nacts;

/* The kinds of request the script makes. */
enum kind {
	K_TOMAR, K_BATCH, K_PAUSAR, K_COMPLETAR, K_INICIAR, K_FIN_SOME,
	K_FIN_ALL, K_FIN_NONE, K_REP_TOMAR, K_REP_PAUSAR, K_REP_COMPLETAR,
	K_REP_CANCELAR, K_METROLOGIA, K_RACE, K_COUNT
};

static const char *const kind_name[K_COUNT] = { "TOMAR", "batch TOMAR",
	"PAUSAR", "COMPLETAR", "INICIAR", "FINALIZAR some",
	"FINALIZAR all", "FINALIZAR none", "tomar-reparacion",
	"pausar-reparacion", "completar-reparacion", "cancelar-reparacion",
	"metrología", "race (one wins)" };
static int		done_kind[K_COUNT];	/* accepted, per kind */

/*
 * First in, first out: a released spool goes to the back of the queue, so
 * a card the board got wrong is not put right by the next worker taking
 * the same spool at once, but seen at the next comparison.
 */
static int
pool_take(struct pool *p, char tag[TAG_LEN])
{
	if (p->n == 0)
		return (0);
	snprintf(tag, TAG_LEN, "%s", p->tag[0]);
	memmove(p->tag[0], p->tag[1], --p->n * sizeof(p->tag[0]));
	return (1);
}

static void
pool_put(struct pool *p, const char *tag)
{
	if (p->n < POOL_MAX)
		snprintf(p->tag[p->n++], TAG_LEN, "%s", tag);
}

static yajl_val
get_json(const char *path)
{
	char			 url[512];
	const char		*hdr[] = { "Content-Type: application/json",
				    NULL };
	struct http_reply	 r;
	yajl_val		 j = NULL;

	snprintf(url, sizeof(url), "%s%s", srv.base, path);
	if (http_request("GET", url, hdr, NULL, 0, 10000, &r) == 0 &&
	    r.status == 200)
		j = http_reply_json(&r);
	http_reply_free(&r);
	return (j);
}

/* Free spools of a list; want_v4: 1 v4 only, 0 v3 only, -1 any. */
static void
load_pool(const char *path, int want_v4, struct pool *p,
    const struct pool *not_in)
{
	yajl_val	 j = get_json(path), list, it, v;
	const char	*tag, *occ;
	size_t		 i, k;
	int		 v4, dup;

	p->n = 0;
	list = jpath(j, "spools", NULL);
	for (i = 0; list != NULL && YAJL_IS_ARRAY(list) &&
	    i < list->u.array.len && p->n < POOL_MAX; i++) {
		it = list->u.array.values[i];
		tag = jpath_str(it, "tag_spool", NULL);
		occ = jpath_str(it, "Ocupado_Por", NULL);
		v = jpath(it, "total_uniones", NULL);
		v4 = v != NULL && YAJL_IS_NUMBER(v) && YAJL_GET_DOUBLE(v) > 0;
		if (v != NULL && YAJL_IS_INTEGER(v))
			v4 = YAJL_GET_INTEGER(v) > 0;
		if (tag == NULL || (occ != NULL && occ[0] != '\0') ||
		    YAJL_IS_TRUE(jpath(it, "bloqueado", NULL)) ||
		    (want_v4 != -1 && v4 != want_v4))
			continue;
		for (k = 0, dup = 0; not_in != NULL && k < not_in->n; k++)
			dup |= strcmp(not_in->tag[k], tag) == 0;
		if (!dup)
			pool_put(p, tag);
	}
	yajl_tree_free(j);
}

static int
has_role(yajl_val w, const char *role)
{
	yajl_val	roles = jpath(w, "roles", NULL), r;
	const char	*s;
	size_t		i;

	for (i = 0; roles != NULL && YAJL_IS_ARRAY(roles) &&
	    i < roles->u.array.len; i++) {
		r = roles->u.array.values[i];
		s = YAJL_IS_STRING(r) ? YAJL_GET_STRING(r) : NULL;
		if (s != NULL && strcmp(s, role) == 0)
			return (1);
	}
	return (0);
}

/* Up to want workers with role (kind), none twice. */
static void
hire(yajl_val list, const char *role, int kind, size_t want)
{
	const char	*nom, *ape, *nc;
	yajl_val	 w;
	size_t		 i, k, got = 0;
	long long	 id;
	int		 dup;

	for (i = 0; i < list->u.array.len && got < want &&
	    nactors < ACTORS_MAX; i++) {
		w = list->u.array.values[i];
		id = jpath_int(w, 0, "id", NULL);
		nom = jpath_str(w, "nombre", NULL);
		ape = jpath_str(w, "apellido", NULL);
		nc = jpath_str(w, "nombre_completo", NULL);
		for (k = 0, dup = 0; k < nactors; k++)
			dup |= actors[k].id == id;
		if (dup || nom == NULL || nc == NULL || !has_role(w, role))
			continue;
		actors[nactors].id = id;
		actors[nactors].kind = kind;
		snprintf(actors[nactors].nombre, NAME_LEN, "%s", nc);
		/* nombre.charAt(0) + apellido.charAt(0): one letter each. */
		snprintf(actors[nactors].initials, NAME_LEN, "%.*s%.*s(%lld)",
		    (nom[0] & 0x80) ? 2 : 1, nom,
		    ape == NULL || ape[0] == '\0' ? 0 :
		    ((ape[0] & 0x80) ? 2 : 1), ape != NULL ? ape : "", id);
		nactors++;
		got++;
	}
}

/* --- one minute of the floor: every request at once --- */

struct job_note {
	struct actor	*a;
	enum kind	 kind;
	char		 tag[TAG_LEN];
	char		 tag2[TAG_LEN];	/* batch: the second spool */
	enum hold	 takes;		/* what success makes the actor hold */
	struct pool	*back;		/* where a released spool goes */
	int		 aside;		/* leaves what the actor holds alone */
};

static struct http_job	jobs[JOBS_MAX];
static struct job_note	notes[JOBS_MAX];
static char		bodies[JOBS_MAX][1024];
static char		urls[JOBS_MAX][256];
static size_t		njobs;

static void
add_job(struct actor *a, enum kind kind, const char *path, const char *tag,
    enum hold takes, struct pool *back, const char *fmt, ...)
{
	va_list	ap;

	if (njobs == JOBS_MAX)
		return;
	snprintf(urls[njobs], sizeof(urls[0]), "%s%s", srv.base, path);
	va_start(ap, fmt);
	vsnprintf(bodies[njobs], sizeof(bodies[0]), fmt, ap);
	va_end(ap);
	memset(&jobs[njobs], 0, sizeof(jobs[0]));
	jobs[njobs].url = urls[njobs];
	jobs[njobs].body = bodies[njobs];
	jobs[njobs].bodylen = strlen(bodies[njobs]);
	memset(&notes[njobs], 0, sizeof(notes[0]));
	notes[njobs].a = a;
	notes[njobs].kind = kind;
	snprintf(notes[njobs].tag, TAG_LEN, "%s", tag);
	notes[njobs].takes = takes;
	notes[njobs].back = back;
	njobs++;
}

/*
 * The dates the tablet sends: FINALIZAR's is the UTC day as YYYY-MM-DD
 * (toISOString), COMPLETAR's the local day as DD-MM-YYYY (frontend.md §6).
 */
static void
tablet_date(char *buf, size_t len, int finalizar)
{
	time_t		now = time(NULL);
	struct tm	tm;

	if (finalizar) {
		gmtime_r(&now, &tm);
		strftime(buf, len, "%Y-%m-%d", &tm);
	} else {
		localtime_r(&now, &tm);
		strftime(buf, len, "%d-%m-%Y", &tm);
	}
}

/*
 * What a worker does next cycles through the choices (INICIAR, batch,
 * TOMAR...; all, some, none of the unions; pausar, completar, cancelar),
 * so every kind of change happens several times in the hour.
 */
static unsigned	start_turn, v4_turn, repair_turn;

/* FINALIZAR of all, half or none of the available unions. */
static void
plan_finalizar(struct actor *a)
{
	char		 path[256], sel[256] = "", date[16];
	yajl_val	 j, list, v;
	size_t		 i, n, take, used = 0;
	enum kind	 kind;

	snprintf(path, sizeof(path), "/api/v4/uniones/%s/disponibles?"
	    "operacion=ARM", a->tag);
	j = get_json(path);
	list = jpath(j, "uniones", NULL);
	n = list != NULL && YAJL_IS_ARRAY(list) ? list->u.array.len : 0;
	switch (v4_turn++ % 3) {
	case 0:
		take = n / 2;
		break;
	case 1:
		take = n;
		break;
	default:
		take = 0;
		break;
	}
	kind = take == 0 ? K_FIN_NONE : take == n ? K_FIN_ALL : K_FIN_SOME;
	for (i = 0; i < take && used + 16 < sizeof(sel); i++) {
		v = jpath(list->u.array.values[i], "n_union", NULL);
		if (v == NULL || !YAJL_IS_INTEGER(v))
			continue;
		used += (size_t)snprintf(sel + used, sizeof(sel) - used,
		    "%s%lld", used > 0 ? "," : "", YAJL_GET_INTEGER(v));
	}
	yajl_tree_free(j);
	tablet_date(date, sizeof(date), 1);
	add_job(a, kind, "/api/v4/occupation/finalizar", a->tag, H_NONE,
	    kind == K_FIN_ALL ? NULL : &v4_arm, "{\"tag_spool\":\"%s\","
	    "\"worker_id\":%lld,\"worker_nombre\":\"%s\",\"operacion\":"
	    "\"ARM\",\"selected_unions\":[%s],\"fecha_operacion\":\"%s\"}",
	    a->tag, a->id, a->nombre, sel, date);
}

static void
plan_release(struct actor *a, unsigned roll)
{
	static const char *const	 repair[] = { "pausar", "completar",
					    "cancelar" };
	const char			*op = a->hold == H_V3_SOLD ? "SOLD" :
					    "ARM";
	struct pool			*back = a->hold == H_V3_SOLD ?
					    &v3_sold : &v3_arm;
	char				 date[16], path[64];
	unsigned			 turn;

	switch (a->hold) {
	case H_V3_ARM:
	case H_V3_SOLD:
		/* The confirm page's COMPLETAR; PAUSAR after a refusal. */
		if (roll % 10 < 3 && a->fails == 0) {
			tablet_date(date, sizeof(date), 0);
			add_job(a, K_COMPLETAR, "/api/occupation/completar",
			    a->tag, H_NONE, NULL, "{\"tag_spool\":\"%s\","
			    "\"worker_id\":%lld,\"worker_nombre\":\"%s\","
			    "\"fecha_operacion\":\"%s\"}", a->tag, a->id,
			    a->nombre, date);
		} else
			add_job(a, K_PAUSAR, "/api/occupation/pausar", a->tag,
			    H_NONE, back, "{\"tag_spool\":\"%s\",\"worker_id\":"
			    "%lld,\"worker_nombre\":\"%s\",\"operacion\":"
			    "\"%s\"}", a->tag, a->id, a->nombre, op);
		break;
	case H_V4_ARM:
		plan_finalizar(a);
		break;
	case H_REPAR:
		turn = repair_turn++ % 3;
		snprintf(path, sizeof(path), "/api/%s-reparacion",
		    repair[turn]);
		add_job(a, K_REP_PAUSAR + (int)turn, path, a->tag, H_NONE,
		    turn == 1 ? NULL : &repar, "{\"tag_spool\":\"%s\","
		    "\"worker_id\":%lld}", a->tag, a->id);
		break;
	default:
		break;
	}
}

static void
plan_start(struct actor *a, unsigned roll)
{
	char		tag[TAG_LEN], tag2[TAG_LEN];
	unsigned	turn;

	switch (a->kind) {
	case 'A':
		turn = start_turn++ % 4;
		if (turn == 0 && pool_take(&v4_arm, tag)) {
			add_job(a, K_INICIAR, "/api/v4/occupation/iniciar", tag,
			    H_V4_ARM, &v4_arm, "{\"tag_spool\":\"%s\","
			    "\"worker_id\":%lld,\"worker_nombre\":\"%s\","
			    "\"operacion\":\"ARM\"}", tag, a->id, a->initials);
		} else if (turn == 1 && pool_take(&v3_arm, tag) &&
		    pool_take(&v3_arm, tag2)) {
			add_job(a, K_BATCH, "/api/occupation/batch-tomar", tag,
			    H_V3_ARM, &v3_arm, "{\"tag_spools\":[\"%s\","
			    "\"%s\"],\"worker_id\":%lld,\"worker_nombre\":"
			    "\"%s\",\"operacion\":\"ARM\"}", tag, tag2, a->id,
			    a->nombre);
			snprintf(notes[njobs - 1].tag2, TAG_LEN, "%s", tag2);
		} else if (pool_take(&v3_arm, tag)) {
			add_job(a, K_TOMAR, "/api/occupation/tomar", tag, H_V3_ARM,
			    &v3_arm, "{\"tag_spool\":\"%s\",\"worker_id\":%lld,"
			    "\"worker_nombre\":\"%s\",\"operacion\":\"ARM\"}",
			    tag, a->id, a->nombre);
		}
		break;
	case 'S':
		if (pool_take(&v3_sold, tag))
			add_job(a, K_TOMAR, "/api/occupation/tomar", tag, H_V3_SOLD,
			    &v3_sold, "{\"tag_spool\":\"%s\",\"worker_id\":"
			    "%lld,\"worker_nombre\":\"%s\",\"operacion\":"
			    "\"SOLD\"}", tag, a->id, a->nombre);
		break;
	case 'R':
		if (pool_take(&repar, tag))
			add_job(a, K_REP_TOMAR, "/api/tomar-reparacion", tag, H_REPAR,
			    &repar, "{\"tag_spool\":\"%s\",\"worker_id\":%lld}",
			    tag, a->id);
		break;
	case 'M':
		if (pool_take(&metro, tag))
			add_job(a, K_METROLOGIA, "/api/metrologia/completar", tag,
			    H_NONE, NULL, "{\"tag_spool\":\"%s\",\"worker_id\":"
			    "%lld,\"resultado\":\"%s\"}", tag, a->id,
			    roll % 2 ? "APROBADO" : "RECHAZADO");
		break;
	}
}

/* Two idle ARM workers want one spool in the same minute. */
static void
plan_race(void)
{
	struct actor	*x = NULL, *y = NULL;
	char		 tag[TAG_LEN];
	size_t		 i;

	for (i = 0; i < nactors; i++) {
		if (actors[i].kind != 'A' || actors[i].hold != H_NONE ||
		    actors[i].busy)
			continue;
		if (x == NULL)
			x = &actors[i];
		else if (y == NULL)
			y = &actors[i];
	}
	if (y == NULL || !pool_take(&v3_arm, tag))
		return;
	x->busy = y->busy = 1;
	add_job(x, K_RACE, "/api/occupation/tomar", tag, H_V3_ARM, &v3_arm,
	    "{\"tag_spool\":\"%s\",\"worker_id\":%lld,\"worker_nombre\":"
	    "\"%s\",\"operacion\":\"ARM\"}", tag, x->id, x->nombre);
	add_job(y, K_RACE, "/api/occupation/tomar", tag, H_V3_ARM, NULL,
	    "{\"tag_spool\":\"%s\",\"worker_id\":%lld,\"worker_nombre\":"
	    "\"%s\",\"operacion\":\"ARM\"}", tag, y->id, y->nombre);
}

static void
note_act(const char *tag, double t0, double t1)
{
	if (nacts == ACTS_MAX)
		return;
	snprintf(acts[nacts].tag, TAG_LEN, "%s", tag);
	acts[nacts].t0 = t0;
	acts[nacts].t1 = t1;
	nacts++;
}

static int	race_wins, race_losses;

/* A batch's second spool, paused by its worker the next minute. */
static struct {
	struct actor	*a;
	char		 tag[TAG_LEN];
}			 aside[JOBS_MAX];
static size_t		 naside;
static int	refused[K_COUNT];	/* non-200 answers per kind */
static char	refusal[K_COUNT][200];	/* the first one's status and body */

/*
 * A batch TOMAR answers 200 whatever became of each spool: the worker
 * holds the first one taken (n->tag after this), pauses the other next
 * minute, and what was not taken goes back to the list.  -1 when none
 * was taken.
 */
static int
batch_outcome(struct job_note *n, const struct http_reply *r, double t0,
    double t1)
{
	yajl_val	 j = http_reply_json(r), details, d;
	const char	*tags[2] = { n->tag, n->tag2 };
	char		 took[2][TAG_LEN];
	size_t		 i, ntook = 0;

	details = jpath(j, "details", NULL);
	for (i = 0; i < 2; i++) {
		d = details != NULL && YAJL_IS_ARRAY(details) &&
		    i < details->u.array.len ? details->u.array.values[i] :
		    NULL;
		if (d != NULL && YAJL_IS_TRUE(jpath(d, "success", NULL)))
			snprintf(took[ntook++], TAG_LEN, "%s", tags[i]);
		else
			pool_put(&v3_arm, tags[i]);
	}
	yajl_tree_free(j);
	if (ntook == 0)
		return (-1);
	snprintf(n->tag, TAG_LEN, "%s", took[0]);
	if (ntook == 2 && naside < JOBS_MAX) {
		note_act(took[1], t0, t1);
		aside[naside].a = n->a;
		snprintf(aside[naside++].tag, TAG_LEN, "%s", took[1]);
	}
	return (0);
}

/* Runs the minute's requests at once; the actors learn the outcome. */
static void
run_minute(void)
{
	struct job_note	*n;
	struct actor	*a;
	double		 t0, t1;
	size_t		 i, count = njobs;
	long		 st;

	if (njobs == 0)
		return;
	t0 = wall_now();
	http_parallel(jobs, njobs, njobs, 15000);
	t1 = wall_now();
	for (i = 0; i < count; i++) {
		n = &notes[i];
		a = n->a;
		st = jobs[i].reply.status;
		if (n->kind == K_RACE) {
			if (st == 200)
				race_wins++;
			else if (st == 409)
				race_losses++;
		}
		if (st != 200 && !(n->kind == K_RACE && st == 409) &&
		    refused[n->kind]++ == 0)
			snprintf(refusal[n->kind], sizeof(refusal[0]),
			    "%ld %.*s", st, (int)(jobs[i].reply.len > 160 ? 160 :
			    jobs[i].reply.len), jobs[i].reply.body != NULL ?
			    jobs[i].reply.body : "");
		if (st != 200) {
			if (n->takes != H_NONE) {
				/* Not taken: back to the list, unless raced. */
				if (n->back != NULL && st != 409)
					pool_put(n->back, n->tag);
				if (n->tag2[0] != '\0')
					pool_put(n->back, n->tag2);
			} else if (!n->aside && ++a->fails >= 2) {
				/* Refused twice: the worker walks away. */
				a->hold = H_NONE;
				a->fails = 0;
			}
			continue;
		}
		if (n->kind == K_BATCH && batch_outcome(n, &jobs[i].reply,
		    t0, t1) == -1)
			continue;
		done_kind[n->kind]++;
		note_act(n->tag, t0, t1);
		if (n->aside) {
			pool_put(&v3_arm, n->tag);
		} else if (n->takes != H_NONE) {
			a->hold = n->takes;
			snprintf(a->tag, TAG_LEN, "%s", n->tag);
		} else if (n->kind != K_METROLOGIA) {
			a->hold = H_NONE;
			a->fails = 0;
			if (n->back != NULL)
				pool_put(n->back, n->tag);
		}
	}
	http_parallel_free(jobs, count);
	njobs = 0;
	for (i = 0; i < naside; i++) {
		add_job(aside[i].a, K_PAUSAR, "/api/occupation/pausar",
		    aside[i].tag, H_NONE, NULL, "{\"tag_spool\":\"%s\",\"worker_id\":%lld,"
		    "\"worker_nombre\":\"%s\",\"operacion\":\"ARM\"}",
		    aside[i].tag, aside[i].a->id, aside[i].a->nombre);
		notes[njobs - 1].aside = 1;
	}
	naside = 0;
}

/* --- the test --- */

static int
setup(void **state)
{
	char	*env[12];
	size_t	 i;

	(void)state;
	setenv("TZ", JS_DATE_TZ, 1);
	tzset();
	if (emu_start_demo(&emu) == -1)
		return (-1);
	for (i = 0; emu.te.env[i] != NULL; i++)
		env[i] = emu.te.env[i];
	env[i++] = "REQUEST_DEADLINE_MS=8000";
	/*
	 * The emulator has no quota here; do not pace at Google's.  A
	 * shorter batch window keeps the hour (60 rounds of writes) well
	 * under a minute under the sanitizers too.
	 */
	env[i++] = "SHEETS_WRITES_PER_MINUTE=3000";
	env[i++] = "SHEETS_READS_PER_MINUTE=3000";
	env[i++] = "SHEETS_BATCH_WINDOW_MS=50";
	env[i] = NULL;
	memset(&srv, 0, sizeof(srv));
	return (test_server_start(&srv, env));
}

static int
teardown(void **state)
{
	int	bad;

	(void)state;
	bad = test_server_stop(&srv);
	bad |= emu_stop(&emu);
	return (bad);
}

/* The route's dates, to be checked at the end. */
static void
note_route_dates(const struct board *b)
{
	size_t	i;

	for (i = 0; i < b->n; i++)
		note_date(b->c[i].since, b->c[i].tag, "dashboard");
}

/* Compares the board with the route, waiting up to 3 s for late events. */
static int
checkpoint(struct board *view, struct sse_feed *f, size_t *next, int minute,
    char *why, size_t len)
{
	static struct board	truth;
	uint64_t		end = harness_now_ms() + 3000;
	int			rc = -1;

	do {
		sse_feed_pump(f, 100);
		board_apply(view, f, next);
		if (fetch_dashboard(&truth) == -1) {
			snprintf(why, len, "minute %d: the dashboard route "
			    "failed", minute);
			return (-1);
		}
		board_diff(view, &truth, why, len);
		if (why[0] == '\0') {
			print_message("minute %2d: board = route, %zu "
			    "occupied\n", minute, truth.n);
			rc = 0;
			break;
		}
	} while (harness_now_ms() < end);
	note_route_dates(&truth);
	return (rc);
}

/* The Fecha_Ocupacion cells of the demo's occupied spools. */
static yajl_val	workbook;

static long long
sheet_since(const char *tag)
{
	yajl_val	ops = emu_sheet(workbook, "Operaciones");
	char		buf[64];
	long		ct = emu_column(ops, "TAG_SPOOL");
	long		cf = emu_column(ops, "Fecha_Ocupacion");
	size_t		r;

	for (r = 1; ct >= 0 && cf >= 0 && r < emu_nrows(ops); r++)
		if (strcmp(emu_cell(ops, r, (size_t)ct, buf, sizeof(buf)),
		    tag) == 0)
			return (js_date_sheet_epoch(emu_cell(ops, r,
			    (size_t)cf, buf, sizeof(buf))));
	return (-1);
}

/* Each date must be the instant of an accepted change to its spool. */
static size_t
check_dates(void)
{
	const char	**texts = calloc(nseen + 1, sizeof(*texts));
	double		 *ms = calloc(nseen + 1, sizeof(*ms)), t;
	size_t		  i, k, bad = 0, nan_n = 0;
	int		  ok;
	long long	  s;

	assert_non_null(texts);
	for (i = 0; i < nseen; i++)
		texts[i] = seen[i].text;
	assert_int_equal(js_date_parse(texts, nseen, ms), 0);
	for (i = 0; i < nseen; i++) {
		if (isnan(ms[i])) {
			if (nan_n++ < 5)
				print_error("%s %s: \"%s\" is an Invalid Date\n",
				    seen[i].where, seen[i].tag, seen[i].text);
			continue;
		}
		t = ms[i] / 1000.0;
		ok = 0;
		for (k = 0; k < nacts && !ok; k++)
			ok = strcmp(acts[k].tag, seen[i].tag) == 0 &&
			    t >= acts[k].t0 - 1.0 && t <= acts[k].t1 + 1.0;
		if (!ok && (s = sheet_since(seen[i].tag)) != -1)
			ok = fabs(t - (double)s) <= 1.0;
		if (!ok && bad++ < 8)
			print_error("%s %s: \"%s\" reads as %.0f, not the "
			    "instant of any change to the spool\n",
			    seen[i].where, seen[i].tag, seen[i].text, t);
	}
	print_message("%zu dates parsed by node: %zu invalid, %zu at the "
	    "wrong instant\n", nseen, nan_n, bad);
	free(texts);
	free(ms);
	return (bad + nan_n);
}

static void
test_board_follows_an_hour_of_floor(void **state)
{
	static struct board	view;
	struct sse_feed		feed;
	yajl_val		w;
	char			why[4096];
	size_t			next = 0, i, missing = 0, start_n;
	int			minute, mismatches = 0;
	unsigned		roll = 12345;
	uint64_t		t0 = harness_now_ms();

	(void)state;
	workbook = emu_workbook(&emu);
	assert_non_null(workbook);
	/* Like the home page, retry the roster until the server has it. */
	for (i = 0; i < 150 && (w = get_json("/api/workers")) == NULL; i++)
		harness_sleep_ms(200);
	assert_non_null(jpath(w, "workers", NULL));
	hire(jpath(w, "workers", NULL), "Armador", 'A', 7);
	hire(jpath(w, "workers", NULL), "Soldador", 'S', 3);
	hire(jpath(w, "workers", NULL), "Soldador", 'R', 2);
	hire(jpath(w, "workers", NULL), "Metrologia", 'M', 1);
	yajl_tree_free(w);
	load_pool("/api/spools/iniciar?operacion=ARM", 0, &v3_arm, NULL);
	load_pool("/api/spools/iniciar?operacion=ARM", 1, &v4_arm, NULL);
	load_pool("/api/spools/iniciar?operacion=SOLD", 0, &v3_sold, &v3_arm);
	load_pool("/api/spools/iniciar?operacion=METROLOGIA", -1, &metro,
	    NULL);
	load_pool("/api/spools/reparacion", -1, &repar, NULL);
	print_message("%zu workers; spools: %zu v3 ARM, %zu v4 ARM, %zu v3 "
	    "SOLD, %zu metrología, %zu reparación\n", nactors, v3_arm.n,
	    v4_arm.n, v3_sold.n, metro.n, repar.n);

	/* The page: the stream first, then the one GET it starts from. */
	assert_int_equal(sse_feed_open(&feed, srv.port, "/api/sse/stream",
	    NULL), 0);
	sse_feed_pump(&feed, 300);
	assert_int_equal(feed.status, 200);
	assert_int_equal(fetch_dashboard(&view), 0);
	note_route_dates(&view);
	print_message("start: %zu occupied\n", view.n);
	start_n = view.n;

	for (minute = 1; minute <= MINUTES; minute++) {
		if (minute % 5 == 0)
			plan_race();
		for (i = 0; i < nactors; i++) {
			roll = roll * 1103515245u + 12345u;
			if ((roll >> 16) % 3 != 0 || actors[i].busy)
				continue;
			if (actors[i].hold == H_NONE)
				plan_start(&actors[i], roll >> 20);
			else
				plan_release(&actors[i], roll >> 20);
		}
		run_minute();
		for (i = 0; i < nactors; i++)
			actors[i].busy = 0;
		sse_feed_pump(&feed, 0);
		board_apply(&view, &feed, &next);
		if (minute % CHECK_EVERY == 0 &&
		    checkpoint(&view, &feed, &next, minute, why,
		    sizeof(why)) != 0) {
			print_error("minute %d: the board differs:%s\n",
			    minute, why);
			mismatches++;
		}
	}
	/* End of the shift: everyone lets go; the board must empty as well. */
	for (i = 0; i < nactors; i++)
		if (actors[i].hold != H_NONE)
			plan_release(&actors[i], 3);
	run_minute();
	run_minute();
	if (checkpoint(&view, &feed, &next, MINUTES + 1, why,
	    sizeof(why)) != 0) {
		print_error("the end: the board differs:%s\n", why);
		mismatches++;
	}
	/* The script let go of all it took: only the demo's own remain. */
	print_message("end: %zu occupied (%zu at the start)\n", view.n,
	    start_n);
	sse_feed_close(&feed);

	print_message("an hour of floor in %.1f s; accepted:",
	    (double)(harness_now_ms() - t0) / 1000.0);
	for (i = 0; i < K_COUNT; i++)
		print_message(" %s %d%s", kind_name[i], done_kind[i],
		    i + 1 < K_COUNT ? "," : "\n");
	print_message("races: %d won, %d lost\n", race_wins, race_losses);
	/* Refusals are part of a floor (a stale list, a spool just taken). */
	for (i = 0; i < K_COUNT; i++)
		if (refused[i] > 0)
			print_message("%s refused %d times, first: %s\n",
			    kind_name[i], refused[i], refusal[i]);
	for (i = 0; i < K_COUNT; i++) {
		if (done_kind[i] == 0) {
			print_error("no %s was ever accepted\n", kind_name[i]);
			missing++;
		}
	}
	assert_int_equal(check_dates(), 0);
	yajl_tree_free(workbook);
	free(seen);
	assert_int_equal(mismatches, 0);
	assert_int_equal(missing, 0);
	assert_int_equal(view.n, start_n);
	assert_int_equal(race_losses, race_wins);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_board_follows_an_hour_of_floor),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}
