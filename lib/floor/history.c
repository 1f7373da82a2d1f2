/*
 * Work sessions from the Metadata log; see history.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "history.h"
#include "json_out.h"
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
	enum operacion		 op;
};

/* The action of a row: Accion, or the start of Evento_Tipo. */
static int
step_of(const struct history_event *ev, enum step *out)
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

		if (sheet_date_parse(ev[i].timestamp, &it->t) == -1 ||
		    step_of(&ev[i], &it->step) == -1 ||
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
				open[it->op] = -1;
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
	}
	free(items);
	return (0);
}

void
history_free(struct history *h)
{
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
			yajl_gen_map_close(g);
			continue;
		}
		ktime(g, "end_time", &s->end);
		/* Instants, not wall clocks: a DST change in between counts. */
		if (zone_to_epoch(&s->start, &a) == 0 &&
		    zone_to_epoch(&s->end, &b) == 0) {
			history_duration((long long)(b - a), dur, sizeof(dur));
			json_kstr(g, "duration", dur);
		} else {
			json_knull(g, "duration");
		}
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
}
