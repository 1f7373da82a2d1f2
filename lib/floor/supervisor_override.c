/*
 * The supervisor's manual unblock; see supervisor_override.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "json_out.h"
#include "sheet_table.h"
#include "spool_state.h"
#include "supervisor_override.h"
#include "utf8.h"

#define BLOCKED_KEY	"zeues:bloqueados"
#define MARKER_PREFIX	"zeues:override:"
/* A claim not confirmed by then is someone's crash: try again. */
#define MARKER_TTL_MS	"120000"
/* Blocked spools told to Redis per refresh; a workbook has a handful. */
#define BLOCKED_MAX	500
#define CLAIMS_MAX	16
#define VERSION_MAX	128

/* Sent with EVAL: once per refresh, not per request. */
#define SYNC_SCRIPT \
	"for i = 1, #ARGV, 2 do " \
	"redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end " \
	"return redis.call('HGETALL', KEYS[1])"

/* One spool found unblocked, from its marker to its audit row. */
struct claim {
	struct override_watch	*w;
	int			 used;
	struct redis_cmd	*cmd;
	struct commit_ticket	*ticket;
	char			 tag[SPOOL_TAG_MAX + 1];
	char			 blocked_version[VERSION_MAX];
	char			 marker[sizeof(MARKER_PREFIX) + SPOOL_TAG_MAX +
				    VERSION_MAX + 2];
};

struct override_watch {
	struct override_deps	 deps;
	int			 seen;		/* a generation was looked at */
	uint64_t		 generation;
	struct redis_cmd	*sync;
	size_t			 busy;		/* claims in flight */
	struct claim		 claims[CLAIMS_MAX];
};

static uint64_t
deadline(const struct override_watch *w)
{
	return (io_loop_now(w->deps.loop) + w->deps.redis_timeout_ms);
}

static void
ignore_reply(void *arg, enum redis_pool_status st, const redisReply *r)
{
	(void)arg;
	(void)st;
	(void)r;
}

/* A Redis command whose answer nobody waits for. */
static void
fire(struct override_watch *w, int argc, const char **argv)
{
	enum redis_pool_status	why;

	(void)redis_pool_submit(w->deps.pool, ignore_reply, NULL, deadline(w),
	    argc, argv, NULL, &why);
}

static void
claim_end(struct claim *c)
{
	c->used = 0;
	c->cmd = NULL;
	c->ticket = NULL;
	c->w->busy--;
}

static void
claim_committed(void *arg, const struct gc_outcome *o)
{
	struct claim		*c = arg;
	struct override_watch	*w = c->w;
	const char		*persist[] = { "PERSIST", c->marker };
	const char		*forget[] = { "HDEL", BLOCKED_KEY, c->tag };
	const char		*undo[] = { "DEL", c->marker };

	c->ticket = NULL;
	/* Landed whole or not at all: a lost answer counts as landed. */
	if (o->status == GC_APPLIED ||
	    (o->status == GC_TIMEOUT && o->maybe_applied)) {
		fire(w, 2, persist);
		fire(w, 3, forget);
		log_sink_printf(&w->deps.log, LOG_LEVEL_INFO, "%s: unblocked "
		    "by hand; SUPERVISOR_OVERRIDE recorded", c->tag);
	} else {
		fire(w, 2, undo);
		log_sink_printf(&w->deps.log, LOG_LEVEL_WARNING, "%s: unblocked "
		    "by hand, but its SUPERVISOR_OVERRIDE row was not written "
		    "(%s): trying again after the next read", c->tag,
		    gc_status_name(o->status));
	}
	claim_end(c);
}

/* Metadata_JSON: what the supervisor left, and the version it was at. */
static void
override_json(char *out, size_t len, const char *detalle,
    const char *version)
{
	const char	*text;
	size_t		 n;
	yajl_gen	 g;

	(void)snprintf(out, len, "{}");
	if ((g = json_out_new()) == NULL)
		return;
	yajl_gen_map_open(g);
	json_kstr(g, "estado_anterior", SPOOL_DETALLE_BLOQUEADO);
	json_kstr(g, "estado_detalle", detalle);
	json_kstr(g, "version", version);
	yajl_gen_map_close(g);
	text = json_out_text(g, &n);
	if (n < len)
		(void)snprintf(out, len, "%.*s", (int)n, text);
	yajl_gen_free(g);
}

/*
 * The marker is ours: the audit row, through the group commit, on the row
 * as the cache has it now.  Returns 0, or -1 (the marker is given back).
 */
static int
claim_commit(struct claim *c)
{
	struct override_watch		*w = c->w;
	struct sheets_cache_view	 view;
	struct spool_columns		 cols;
	struct spool_row		 row;
	struct audit_record		 a;
	struct sheets_cell		 cells[AUDIT_COLUMNS];
	struct sheets_row		 audit = { cells, AUDIT_COLUMNS };
	struct gc_change		 ch;
	struct zoned_time		 now;
	const char			*missing;
	char				 err[GC_ERROR_MAX], detalle[SPOOL_DETALLE_MAX];
	long				 i;

	sheets_cache_peek(w->deps.cache, &view);
	if (view.status == SHEETS_CACHE_UNAVAILABLE ||
	    spool_columns_find(view.table[SHEETS_CACHE_OPERACIONES], &cols,
	    &missing) == -1 ||
	    (i = sheet_table_find(view.table[SHEETS_CACHE_OPERACIONES],
	    c->tag)) < 0 || zone_now(&now) == -1)
		return (-1);
	spool_row_read(view.table[SHEETS_CACHE_OPERACIONES], &cols, (size_t)i,
	    &row);
	(void)utf8_copy(detalle, sizeof(detalle), row.f[SPOOL_ESTADO_DETALLE]);

	memset(&a, 0, sizeof(a));
	if (uuid4_generate(a.id) == -1)
		return (-1);
	sheet_timestamp_format(&now.local, a.timestamp);
	a.evento_tipo = audit_event_name(AUDIT_SUPERVISOR_OVERRIDE);
	(void)utf8_copy(a.tag_spool, sizeof(a.tag_spool), c->tag);
	(void)snprintf(a.worker_id, sizeof(a.worker_id), "0");
	(void)snprintf(a.worker_nombre, sizeof(a.worker_nombre), "SUPERVISOR");
	/* The unblock gives the spool back to the repair cycle. */
	a.operacion = operacion_name(OPERACION_REPARACION);
	a.accion = "";
	sheet_date_format(&now.local, a.fecha_operacion);
	override_json(a.metadata_json, sizeof(a.metadata_json), detalle,
	    c->blocked_version);
	audit_row(&a, cells);

	memset(&ch, 0, sizeof(ch));
	ch.sheet = w->deps.operaciones;
	ch.tag = c->tag;
	ch.row = sheet_table_row_number(view.table[SHEETS_CACHE_OPERACIONES],
	    (size_t)i);
	/* Nobody changed the row since it was read, or it is decided again. */
	ch.expected_version = row.f[SPOOL_VERSION];
	ch.audits = &audit;
	ch.naudits = 1;
	c->ticket = commit_relay_submit(w->deps.commit, &ch,
	    io_loop_now(w->deps.loop) + w->deps.commit_timeout_ms,
	    claim_committed, c, err, sizeof(err));
	if (c->ticket == NULL) {
		log_sink_printf(&w->deps.log, LOG_LEVEL_ERROR, "%s: "
		    "SUPERVISOR_OVERRIDE refused: %s", c->tag, err);
		return (-1);
	}
	return (0);
}

static void
claim_marked(void *arg, enum redis_pool_status st, const redisReply *r)
{
	struct claim	*c = arg;
	const char	*undo[] = { "DEL", c->marker };

	c->cmd = NULL;
	/* nil: another worker or instance has it. */
	if (st != REDIS_POOL_OK || r->type != REDIS_REPLY_STATUS) {
		claim_end(c);
		return;
	}
	if (claim_commit(c) == -1) {
		fire(c->w, 2, undo);
		claim_end(c);
	}
}

static void
claim_start(struct override_watch *w, const char *tag, const char *version)
{
	struct claim		*c = NULL;
	enum redis_pool_status	 why;
	const char		*argv[7];
	size_t			 i;

	for (i = 0; i < CLAIMS_MAX && c == NULL; i++) {
		if (!w->claims[i].used)
			c = &w->claims[i];
	}
	if (c == NULL)
		return;		/* the next refresh comes back to it */
	memset(c, 0, sizeof(*c));
	c->w = w;
	c->used = 1;
	(void)snprintf(c->tag, sizeof(c->tag), "%s", tag);
	(void)snprintf(c->blocked_version, sizeof(c->blocked_version), "%s",
	    version);
	(void)snprintf(c->marker, sizeof(c->marker), "%s%s:%s", MARKER_PREFIX,
	    c->tag, c->blocked_version);
	argv[0] = "SET";
	argv[1] = c->marker;
	argv[2] = w->deps.holder;
	argv[3] = "NX";
	argv[4] = "PX";
	argv[5] = MARKER_TTL_MS;
	w->busy++;
	c->cmd = redis_pool_submit(w->deps.pool, claim_marked, c, deadline(w),
	    6, argv, NULL, &why);
	if (c->cmd == NULL)
		claim_end(c);
}

/* What Redis knows as blocked, against the sheet as read now. */
static void
sync_done(void *arg, enum redis_pool_status st, const redisReply *r)
{
	struct override_watch		*w = arg;
	struct sheets_cache_view	 view;
	struct spool_columns		 cols;
	struct spool_row		 row;
	struct spool_state		 ss;
	const struct sheet_table	*ops;
	const redisReply		*tag, *ver;
	const char			*missing;
	const char			*forget[3] = { "HDEL", BLOCKED_KEY, NULL };
	long				 i;
	size_t				 k;

	w->sync = NULL;
	if (st != REDIS_POOL_OK || r->type != REDIS_REPLY_ARRAY)
		return;
	sheets_cache_peek(w->deps.cache, &view);
	ops = view.table[SHEETS_CACHE_OPERACIONES];
	if (view.status == SHEETS_CACHE_UNAVAILABLE ||
	    spool_columns_find(ops, &cols, &missing) == -1)
		return;
	for (k = 0; k + 1 < r->elements; k += 2) {
		tag = r->element[k];
		ver = r->element[k + 1];
		if (tag->type != REDIS_REPLY_STRING ||
		    ver->type != REDIS_REPLY_STRING ||
		    tag->len > SPOOL_TAG_MAX || ver->len >= VERSION_MAX)
			continue;
		if ((i = sheet_table_find(ops, tag->str)) < 0) {
			/* The row is gone: nothing left to unblock. */
			forget[2] = tag->str;
			fire(w, 3, forget);
			continue;
		}
		spool_row_read(ops, &cols, (size_t)i, &row);
		spool_state_derive(&row, &ss);
		if (ss.phase != PHASE_BLOQUEADO)
			claim_start(w, tag->str, ver->str);
	}
}

struct override_watch *
override_watch_new(const struct override_deps *deps)
{
	struct override_watch	*w;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return (NULL);
	w->deps = *deps;
	return (w);
}

void
override_watch_free(struct override_watch *w)
{
	size_t	i;

	if (w == NULL)
		return;
	if (w->sync != NULL)
		redis_pool_cancel(w->sync);
	for (i = 0; i < CLAIMS_MAX; i++) {
		if (w->claims[i].cmd != NULL)
			redis_pool_cancel(w->claims[i].cmd);
		if (w->claims[i].ticket != NULL)
			commit_relay_cancel(w->claims[i].ticket);
	}
	free(w);
}

void
override_watch_tick(struct override_watch *w, uint64_t now)
{
	struct sheets_cache_view	 view;
	struct spool_columns		 cols;
	struct spool_row		 row;
	struct spool_state		 ss;
	const struct sheet_table	*ops;
	const char			*missing, **argv;
	enum redis_pool_status		 why;
	char				(*tags)[SPOOL_TAG_MAX + 1];
	size_t				 i, argc = 0, n = 0;

	(void)now;
	if (w->sync != NULL || w->busy > 0 || !redis_pool_is_up(w->deps.pool))
		return;
	sheets_cache_peek(w->deps.cache, &view);
	if (view.status != SHEETS_CACHE_FRESH ||
	    (w->seen && view.generation == w->generation))
		return;
	ops = view.table[SHEETS_CACHE_OPERACIONES];
	if (spool_columns_find(ops, &cols, &missing) == -1)
		return;
	argv = calloc(4 + 2 * BLOCKED_MAX, sizeof(*argv));
	tags = calloc(BLOCKED_MAX, sizeof(*tags));
	if (argv == NULL || tags == NULL) {
		free(argv);
		free(tags);
		return;
	}
	w->seen = 1;
	w->generation = view.generation;
	argv[argc++] = "EVAL";
	argv[argc++] = SYNC_SCRIPT;
	argv[argc++] = "1";
	argv[argc++] = BLOCKED_KEY;
	for (i = 0; i < sheet_table_rows(ops) && n < BLOCKED_MAX; i++) {
		spool_row_read(ops, &cols, i, &row);
		spool_state_derive(&row, &ss);
		/* The tag as requests name it, as the reconciler does. */
		if (ss.phase != PHASE_BLOQUEADO ||
		    spool_tag_canon(row.f[SPOOL_TAG], strlen(row.f[SPOOL_TAG]),
		    tags[n], sizeof(tags[n])) == -1 ||
		    strlen(row.f[SPOOL_VERSION]) >= VERSION_MAX)
			continue;
		argv[argc++] = tags[n++];
		argv[argc++] = row.f[SPOOL_VERSION];
	}
	w->sync = redis_pool_submit(w->deps.pool, sync_done, w, deadline(w),
	    (int)argc, argv, NULL, &why);
	free(argv);
	free(tags);
}
