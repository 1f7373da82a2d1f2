/*
 * Work sessions from the Metadata log; see history.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "history.h"
#include "json_out.h"
#include "json_tree.h"
#include "nelem.h"
#include "utf8.h"

enum step {
	STEP_OPEN,		/* TOMAR */
	STEP_CLOSE,		/* PAUSAR, COMPLETAR, CANCELAR */
};

/* A row that made sense, with its place in the sheet for stable order. */
struct item {
	struct civil_time	 t;
	size_t			 index;
	enum step		 step;
	const char		*word;		/* TOMAR, PAUSAR... */
	enum operacion		 op;
};

/* A cell as read, "" for one the caller did not fill. */
static const char *
cell(const char *s)
{
	return (s != NULL ? s : "");
}

/* The action of a row: Accion, or the start of Evento_Tipo. */
static int
step_of(const struct history_event *ev, enum step *out, const char **word)
{
	static const struct {
		const char	*word;
		enum step	 step;
	} words[] = {
		{ "TOMAR", STEP_OPEN },
		{ "PAUSAR", STEP_CLOSE },
		{ "COMPLETAR", STEP_CLOSE },
		{ "CANCELAR", STEP_CLOSE },
	};
	const char	*s;
	size_t		 i, n;

	s = ev->accion[0] != '\0' ? ev->accion : ev->evento_tipo;
	for (i = 0; i < NELEM(words); i++) {
		n = strlen(words[i].word);
		if (strncmp(s, words[i].word, n) == 0 &&
		    (s[n] == '\0' || s[n] == '_')) {
			*out = words[i].step;
			*word = words[i].word;
			return (0);
		}
	}
	return (-1);
}

/* The operation of a row: Operacion, or the end of Evento_Tipo. */
static int
op_of(const struct history_event *ev, enum operacion *out)
{
	const char	*s = ev->evento_tipo;
	const char	*u;

	if (ev->operacion[0] != '\0')
		return (operacion_parse(ev->operacion, out));
	/* TOMAR_SPOOL says nothing; COMPLETAR_SOLD, TOMAR_REPARACION do. */
	if ((u = strchr(s, '_')) == NULL)
		return (-1);
	return (operacion_parse(u + 1, out));
}

static int
item_cmp(const void *a, const void *b)
{
	const struct item	*x = a, *y = b;
	int			 c;

	if ((c = civil_compare(&x->t, &y->t)) != 0)
		return (c);
	return (x->index < y->index ? -1 : x->index > y->index);
}

/* The worker of a row: Worker_ID, or the id in the label. */
static long long
worker_of(const struct history_event *ev)
{
	long long	id;

	if ((id = worker_id_cell(ev->worker_id)) > 0)
		return (id);
	return (worker_id_from_nombre(ev->worker_nombre));
}

/* Rows that are no step of a session (see history.h). */
static int
not_a_step(const struct history_event *ev)
{
	const char	*u = cell(ev->n_union);

	return (u[strspn(u, " ")] != '\0' ||
	    strcmp(ev->evento_tipo, "SUPERVISOR_OVERRIDE") == 0 ||
	    strcmp(ev->evento_tipo, "METROLOGIA_AUTO_TRIGGERED") == 0);
}

/* Metadata_JSON as a tree, or NULL when empty or not JSON. */
static yajl_val
metadata(const struct history_event *ev)
{
	const char	*text = cell(ev->metadata_json);
	char		 err[64];

	if (text[0] == '\0')
		return (NULL);
	return (json_tree_parse(text, strlen(text), err, sizeof(err)));
}

/* A TOMAR_SPOOL that INICIAR wrote. */
static int
opens_union_work(const struct history_event *ev)
{
	yajl_val	 v;
	const char	*op;
	int		 yes;

	if ((v = metadata(ev)) == NULL)
		return (0);
	yes = (op = json_tree_string(v, "v4_operation")) != NULL &&
	    strcmp(op, "INICIAR") == 0;
	yajl_tree_free(v);
	return (yes);
}

/* A FINALIZAR's spool-level row: UNION_*_REGISTRADA or SPOOL_CANCELADO. */
static int
closes_union_work(const struct history_event *ev)
{
	const char	*t = ev->evento_tipo;
	size_t		 n = strlen(t);

	return (strcmp(t, "SPOOL_CANCELADO") == 0 ||
	    (strncmp(t, "UNION_", 6) == 0 && n > 11 &&
	    strcmp(t + n - 11, "_REGISTRADA") == 0));
}

/*
 * The unions a FINALIZAR row says were finished: {"union_count",
 * "pulgadas", "union_ids"}; SPOOL_CANCELADO finished none.  Returns 0, or
 * -1 when out of memory.
 */
static int
session_unions(struct history_session *s, const struct history_event *ev)
{
	yajl_val	 v, ids, p;
	const char	*id;
	long long	 count;
	size_t		 i, len = 0;
	char		*w;

	s->v4 = 1;
	if (strcmp(ev->evento_tipo, "SPOOL_CANCELADO") == 0) {
		s->has_unions = s->has_pulgadas = 1;
		return (0);
	}
	if ((v = metadata(ev)) == NULL)
		return (0);		/* the row does not say */
	ids = json_tree_get(v, "union_ids", yajl_t_array);
	for (i = 0; ids != NULL && i < ids->u.array.len; i++) {
		if ((id = YAJL_GET_STRING(ids->u.array.values[i])) != NULL)
			len += strlen(id) + 1;
	}
	if (len > 0) {
		if ((s->union_ids = malloc(len)) == NULL) {
			yajl_tree_free(v);
			return (-1);
		}
		w = s->union_ids;
		for (i = 0; i < ids->u.array.len; i++) {
			if ((id = YAJL_GET_STRING(ids->u.array.values[i])) ==
			    NULL)
				continue;
			len = strlen(id) + 1;
			memcpy(w, id, len);
			w += len;
			s->nids++;
		}
	}
	s->has_unions = 1;
	s->n_unions = json_tree_integer(v, "union_count", &count) == 0 ?
	    count : (long long)s->nids;
	if ((p = json_tree_get(v, "pulgadas", yajl_t_number)) != NULL) {
		s->has_pulgadas = 1;
		s->pulgadas = YAJL_GET_DOUBLE(p);
	}
	yajl_tree_free(v);
	return (0);
}

int
history_build(const struct history_event *ev, size_t n, struct history *out)
{
	struct history_session	*s;
	struct item		*items;
	long			 open[OPERACION_COUNT];
	long long		 id;
	size_t			 i, k, nitems = 0;

	memset(out, 0, sizeof(*out));
	if (n == 0)
		return (0);
	if ((items = calloc(n, sizeof(*items))) == NULL)
		return (-1);
	for (i = 0; i < n; i++) {
		struct item	*it = &items[nitems];

		if (not_a_step(&ev[i]))
			continue;
		if (sheet_date_parse(ev[i].timestamp, &it->t) == -1 ||
		    step_of(&ev[i], &it->step, &it->word) == -1 ||
		    op_of(&ev[i], &it->op) == -1) {
			out->skipped++;
			continue;
		}
		if (it->op == OPERACION_METROLOGIA)
			continue;
		it->index = i;
		nitems++;
	}
	qsort(items, nitems, sizeof(*items), item_cmp);

	/* At most one session per TOMAR. */
	if (nitems > 0 && (out->sessions = calloc(nitems,
	    sizeof(*out->sessions))) == NULL) {
		free(items);
		return (-1);
	}
	for (k = 0; k < OPERACION_COUNT; k++)
		open[k] = -1;
	for (k = 0; k < nitems; k++) {
		const struct item		*it = &items[k];
		const struct history_event	*e = &ev[it->index];

		id = worker_of(e);
		if (it->step == STEP_CLOSE) {
			if (open[it->op] >= 0) {
				s = &out->sessions[open[it->op]];
				s->has_end = 1;
				s->end = it->t;
				s->end_accion = it->word;
				open[it->op] = -1;
				if (closes_union_work(e) &&
				    session_unions(s, e) == -1) {
					free(items);
					history_free(out);
					return (-1);
				}
			}
			continue;
		}
		if (open[it->op] >= 0 && id > 0 &&
		    out->sessions[open[it->op]].worker_id == id)
			continue;	/* taken back after a lost lock */
		s = &out->sessions[out->nsessions];
		open[it->op] = (long)out->nsessions++;
		(void)utf8_copy(s->worker_nombre, sizeof(s->worker_nombre),
		    e->worker_nombre);
		s->worker_id = id;
		s->op = it->op;
		s->start = it->t;
		s->v4 = opens_union_work(e);
	}
	free(items);
	return (0);
}

void
history_free(struct history *h)
{
	size_t	i;

	for (i = 0; i < h->nsessions; i++)
		free(h->sessions[i].union_ids);
	free(h->sessions);
	memset(h, 0, sizeof(*h));
}

void
history_duration(long long seconds, char *buf, size_t len)
{
	long long	d, h, m;

	if (seconds < 0)
		seconds = 0;
	d = seconds / 86400;
	h = seconds % 86400 / 3600;
	m = seconds % 3600 / 60;
	if (d > 0)
		(void)snprintf(buf, len, "%lldd %lldh %lldm", d, h, m);
	else if (h > 0)
		(void)snprintf(buf, len, "%lldh %lldm", h, m);
	else
		(void)snprintf(buf, len, "%lldm", m);
}

/* A local time as ISO-8601 with the zone's offset then, or null. */
static void
ktime(yajl_gen g, const char *key, const struct civil_time *t)
{
	struct zoned_time	z;
	char			buf[ISO_TIMESTAMP_LEN];

	if (zone_localize(t, &z) == -1) {
		json_knull(g, key);
		return;
	}
	iso_timestamp_format(&z, buf);
	json_kstr(g, key, buf);
}

/* How the session went: its kind, its end, the unions finished. */
static void
unions_write(yajl_gen g, const struct history_session *s)
{
	const char	*id;
	char		 num[32];
	size_t		 i;

	json_kstr(g, "tipo", s->v4 ? "INICIAR" : "TOMAR");
	json_kstr(g, "accion_final", s->has_end ? s->end_accion : NULL);
	if (!s->has_unions) {
		json_knull(g, "n_unions");
		json_knull(g, "union_ids");
		json_knull(g, "pulgadas");
		return;
	}
	json_kint(g, "n_unions", s->n_unions);
	json_key(g, "union_ids");
	yajl_gen_array_open(g);
	for (i = 0, id = s->union_ids; i < s->nids; i++, id += strlen(id) + 1)
		json_str(g, id);
	yajl_gen_array_close(g);
	if (s->has_pulgadas) {
		/* Inches to 2 decimals, as the sheet sums them. */
		(void)snprintf(num, sizeof(num), "%.2f", s->pulgadas);
		json_key(g, "pulgadas");
		yajl_gen_number(g, num, strlen(num));
	} else {
		json_knull(g, "pulgadas");
	}
}

void
history_write(yajl_gen g, const char *tag, const struct history *h)
{
	const struct history_session	*s;
	time_t				 a, b;
	char				 dur[48];
	size_t				 i;

	yajl_gen_map_open(g);
	json_kstr(g, "tag_spool", tag);
	json_key(g, "sessions");
	yajl_gen_array_open(g);
	for (i = 0; i < h->nsessions; i++) {
		s = &h->sessions[i];
		yajl_gen_map_open(g);
		json_kstr(g, "worker_nombre", s->worker_nombre[0] != '\0' ?
		    s->worker_nombre : NULL);
		if (s->worker_id > 0)
			json_kint(g, "worker_id", s->worker_id);
		else
			json_knull(g, "worker_id");
		json_kstr(g, "operacion", operacion_name(s->op));
		ktime(g, "start_time", &s->start);
		if (!s->has_end) {
			json_knull(g, "end_time");
			json_knull(g, "duration");
		} else {
			ktime(g, "end_time", &s->end);
			/* Instants, not wall clocks: a DST change counts. */
			if (zone_to_epoch(&s->start, &a) == 0 &&
			    zone_to_epoch(&s->end, &b) == 0) {
				history_duration((long long)(b - a), dur,
				    sizeof(dur));
				json_kstr(g, "duration", dur);
			} else {
				json_knull(g, "duration");
			}
		}
		unions_write(g, s);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
}
