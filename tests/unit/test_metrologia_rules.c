/*
 * Unit tests for lib/floor/metrologia_rules.c and metrologia_request.c:
 * the verdicts and what they write (floor.md §2), the repair-cycle count
 * to BLOQUEADO, every refusal in its order, and the request body.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <yajl/yajl_tree.h>

#include "json_out.h"
#include "metrologia_request.h"
#include "metrologia_rules.h"

#define TAG	"MK-1335-CW-25238-011"

static const struct worker	M = { 20, "CM(20)", 1,
				    WORKER_ROLE_METROLOGIA };
static const struct worker	A = { 93, "MR(93)", 1, WORKER_ROLE_ARMADOR };
static const struct worker	I = { 21, "XX(21)", 0,
				    WORKER_ROLE_METROLOGIA };

struct spool {
	char			cell[SPOOL_FIELD_COUNT][SPOOL_DETALLE_MAX];
	struct spool_row	row;
	struct occ_lock		lock;
	struct zoned_time	now;
};

/* A spool with ARM and SOLD done, free, never inspected. */
static void
spool_init(struct spool *s)
{
	int	i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < SPOOL_FIELD_COUNT; i++)
		s->row.f[i] = s->cell[i];
	snprintf(s->cell[SPOOL_TAG], sizeof(s->cell[0]), "%s", TAG);
	snprintf(s->cell[SPOOL_FECHA_MATERIALES], sizeof(s->cell[0]),
	    "01-02-2026");
	snprintf(s->cell[SPOOL_FECHA_ARMADO], sizeof(s->cell[0]),
	    "02-02-2026");
	snprintf(s->cell[SPOOL_ARMADOR], sizeof(s->cell[0]), "MR(93)");
	snprintf(s->cell[SPOOL_FECHA_SOLDADURA], sizeof(s->cell[0]),
	    "03-02-2026");
	snprintf(s->cell[SPOOL_SOLDADOR], sizeof(s->cell[0]), "JP(5)");
	snprintf(s->cell[SPOOL_VERSION], sizeof(s->cell[0]),
	    "00000000-0000-4000-8000-000000000000");
	snprintf(s->cell[SPOOL_ESTADO_DETALLE], sizeof(s->cell[0]),
	    "PENDIENTE_METROLOGIA");
	s->now.local = (struct civil_time){ 2026, 2, 4, 9, 30, 0, 1 };
	s->now.utc_offset = -3 * 3600;
}

static void
set(struct spool *s, enum spool_field f, const char *v)
{
	snprintf(s->cell[f], sizeof(s->cell[0]), "%s", v);
}

static void
decide(struct spool *s, const struct worker *w, enum metro_resultado r,
    struct occ_outcome *o)
{
	struct occ_input	in;

	memset(&in, 0, sizeof(in));
	in.row = &s->row;
	in.worker = w;
	in.lock = &s->lock;
	in.now = &s->now;
	in.new_version = "11111111-0000-4000-8000-000000000000";
	in.audit_id = "22222222-0000-4000-8000-000000000000";
	metro_decide(&in, r, o);
}

/* Applies what an allowed verdict writes, as the group commit would. */
static void
apply(struct spool *s, const struct occ_outcome *o)
{
	size_t	i;

	assert_true(o->ok);
	for (i = 0; i < o->ncells; i++)
		set(s, o->cells[i].field, o->cells[i].value);
}

static const struct occ_cell *
written(const struct occ_outcome *o, enum spool_field f)
{
	size_t	i;

	for (i = 0; i < o->ncells; i++) {
		if (o->cells[i].field == f)
			return (&o->cells[i]);
	}
	return (NULL);
}

static void
refused(const struct occ_outcome *o, enum occ_error e, int status)
{
	assert_false(o->ok);
	assert_int_equal(o->fail.error, e);
	assert_int_equal(occ_error_status(o->fail.error), status);
	assert_int_equal(o->ncells, 0);
}

static void
test_aprobado(void **state)
{
	struct spool		 s;
	struct occ_outcome	 o;
	const struct occ_cell	*c;

	(void)state;
	spool_init(&s);
	decide(&s, &M, METRO_APROBADO, &o);
	assert_true(o.ok);
	assert_int_equal(o.lock_effect, OCC_LOCK_BRIEF);
	assert_int_equal(o.expect_occupant, 0);
	assert_string_equal(o.expect_version,
	    "00000000-0000-4000-8000-000000000000");
	assert_string_equal(o.estado_detalle, "METROLOGIA_APROBADO ✓");
	assert_non_null(c = written(&o, SPOOL_ESTADO_DETALLE));
	assert_string_equal(c->value, "METROLOGIA_APROBADO ✓");
	assert_non_null(c = written(&o, SPOOL_FECHA_QC));
	assert_string_equal(c->value, "04-02-2026");
	assert_true(c->entered);		/* a date, not text */
	assert_non_null(c = written(&o, SPOOL_VERSION));
	assert_string_equal(c->value, "11111111-0000-4000-8000-000000000000");
	assert_null(written(&o, SPOOL_OCUPADO_POR));
	assert_int_equal(o.ncells, 3);

	/* The audit row and the event. */
	assert_string_equal(o.audit.evento_tipo, "COMPLETAR_METROLOGIA");
	assert_string_equal(o.audit.tag_spool, TAG);
	assert_string_equal(o.audit.worker_id, "20");
	assert_string_equal(o.audit.worker_nombre, "CM(20)");
	assert_string_equal(o.audit.operacion, "METROLOGIA");
	assert_string_equal(o.audit.accion, "COMPLETAR");
	assert_string_equal(o.audit.fecha_operacion, "04-02-2026");
	assert_string_equal(o.audit.timestamp, "04-02-2026 09:30:00");
	assert_string_equal(o.audit.metadata_json,
	    "{\"resultado\":\"APROBADO\"}");
	assert_string_equal(o.event.event_type, "COMPLETAR_METROLOGIA");
	assert_string_equal(o.event.operacion, "METROLOGIA");
	assert_string_equal(o.event.estado_detalle, "METROLOGIA_APROBADO ✓");
	assert_int_equal(o.event.worker_id, 20);

	/* Inspected: a second verdict is refused. */
	apply(&s, &o);
	decide(&s, &M, METRO_RECHAZADO, &o);
	refused(&o, OCC_ERR_OPERACION_YA_COMPLETADA, 400);
}

static void
test_rejections_count_to_bloqueado(void **state)
{
	static const char *const want[] = {
		"RECHAZADO (Ciclo 1/3) - Pendiente reparación",
		"RECHAZADO (Ciclo 2/3) - Pendiente reparación",
		"BLOQUEADO - Contactar supervisor",
	};
	struct spool		 s;
	struct occ_outcome	 o;
	char			 queue[64];
	int			 n;

	(void)state;
	spool_init(&s);
	set(&s, SPOOL_ESTADO_DETALLE, "");
	for (n = 1; n <= 3; n++) {
		decide(&s, &M, METRO_RECHAZADO, &o);
		assert_true(o.ok);
		assert_string_equal(o.estado_detalle, want[n - 1]);
		assert_string_equal(o.audit.metadata_json,
		    "{\"resultado\":\"RECHAZADO\"}");
		apply(&s, &o);
		/* Rejected, not repaired: no verdict until it comes back. */
		decide(&s, &M, METRO_APROBADO, &o);
		refused(&o, OCC_ERR_OPERACION_YA_COMPLETADA, 400);
		/* The repair's completar hands it back with its cycle. */
		snprintf(queue, sizeof(queue), "PENDIENTE_METROLOGIA (Ciclo "
		    "%d/3)", n);
		if (n < 3)
			set(&s, SPOOL_ESTADO_DETALLE, queue);
	}
	/* BLOQUEADO takes no verdict either. */
	decide(&s, &M, METRO_APROBADO, &o);
	refused(&o, OCC_ERR_OPERACION_YA_COMPLETADA, 400);

	/* The old backend's queue text counts as back in the queue. */
	set(&s, SPOOL_ESTADO_DETALLE, "En Cola Metrología");
	decide(&s, &M, METRO_APROBADO, &o);
	assert_true(o.ok);
	/* A count past 3 typed by hand still blocks. */
	set(&s, SPOOL_ESTADO_DETALLE, "PENDIENTE_METROLOGIA (Ciclo 7/3)");
	decide(&s, &M, METRO_RECHAZADO, &o);
	assert_string_equal(o.estado_detalle,
	    "BLOQUEADO - Contactar supervisor");
}

static void
test_refusals_in_order(void **state)
{
	struct spool		s;
	struct occ_outcome	o;

	(void)state;
	spool_init(&s);
	decide(&s, &I, METRO_APROBADO, &o);
	refused(&o, OCC_ERR_WORKER_INACTIVO, 403);
	decide(&s, &A, METRO_APROBADO, &o);
	refused(&o, OCC_ERR_ROL_NO_AUTORIZADO, 403);
	assert_non_null(strstr(o.fail.detail, "autorizado"));

	/* Held in Redis by anyone, even before the row says so. */
	s.lock.held = 1;
	s.lock.worker_id = 93;
	s.lock.holder_nombre = "MR(93)";
	decide(&s, &M, METRO_APROBADO, &o);
	refused(&o, OCC_ERR_SPOOL_OCCUPIED, 409);
	assert_non_null(strstr(o.fail.detail, "ocupado"));
	assert_int_equal(o.fail.owner_id, 93);
	memset(&s.lock, 0, sizeof(s.lock));
	set(&s, SPOOL_OCUPADO_POR, "MR(93)");
	decide(&s, &M, METRO_APROBADO, &o);
	refused(&o, OCC_ERR_SPOOL_OCCUPIED, 409);
	set(&s, SPOOL_OCUPADO_POR, "");

	set(&s, SPOOL_FECHA_SOLDADURA, "");
	decide(&s, &M, METRO_APROBADO, &o);
	refused(&o, OCC_ERR_DEPENDENCIAS_NO_SATISFECHAS, 400);
	assert_string_equal(o.fail.dependencia_faltante, "SOLD");
	set(&s, SPOOL_FECHA_ARMADO, " ");
	decide(&s, &M, METRO_APROBADO, &o);
	refused(&o, OCC_ERR_DEPENDENCIAS_NO_SATISFECHAS, 400);
	assert_string_equal(o.fail.dependencia_faltante, "ARM");

	spool_init(&s);
	set(&s, SPOOL_FECHA_QC, "03-02-2026");
	set(&s, SPOOL_ESTADO_DETALLE, "METROLOGIA_APROBADO ✓");
	decide(&s, &M, METRO_APROBADO, &o);
	refused(&o, OCC_ERR_OPERACION_YA_COMPLETADA, 400);
	/* Rejected or paused in repair says so even without Fecha_QC. */
	set(&s, SPOOL_FECHA_QC, "");
	set(&s, SPOOL_ESTADO_DETALLE, "RECHAZADO (Ciclo 2/3) - Pendiente "
	    "reparación");
	decide(&s, &M, METRO_RECHAZADO, &o);
	refused(&o, OCC_ERR_OPERACION_YA_COMPLETADA, 400);
	set(&s, SPOOL_ESTADO_DETALLE, "REPARACION_PAUSADA (Ciclo 1/3)");
	decide(&s, &M, METRO_RECHAZADO, &o);
	refused(&o, OCC_ERR_OPERACION_YA_COMPLETADA, 400);
}

static void
test_response(void **state)
{
	struct spool		 s;
	struct occ_outcome	 o;
	yajl_gen		 g;
	const char		*text;
	size_t			 len;

	(void)state;
	spool_init(&s);
	decide(&s, &M, METRO_RECHAZADO, &o);
	g = json_out_new();
	metro_response_write(g, &o, METRO_RECHAZADO);
	text = json_out_text(g, &len);
	assert_string_equal(text, "{\"success\":true,\"tag_spool\":\"" TAG
	    "\",\"resultado\":\"RECHAZADO\",\"estado_detalle\":\"RECHAZADO "
	    "(Ciclo 1/3) - Pendiente reparación\",\"message\":\"Metrología "
	    "RECHAZADA en " TAG ": pendiente de reparación\"}");
	yajl_gen_free(g);

	s.lock.held = 1;
	s.lock.worker_id = 5;
	decide(&s, &M, METRO_APROBADO, &o);
	g = json_out_new();
	metro_response_write(g, &o, METRO_APROBADO);
	text = json_out_text(g, &len);
	assert_non_null(strstr(text, "\"error\":\"SPOOL_OCCUPIED\""));
	assert_non_null(strstr(text, "\"success\":false"));
	assert_non_null(strstr(text, "\"message\":"));
	yajl_gen_free(g);
}

static void
test_request(void **state)
{
	static const struct {
		const char	*body;
		int		 ok;
		const char	*field;		/* the first error's */
	} cases[] = {
		{ "{\"tag_spool\":\" " TAG " \",\"worker_id\":20,"
		    "\"resultado\":\"APROBADO\",\"extra\":[1,{}]}", 1, NULL },
		{ "{\"tag_spool\":\"" TAG "\",\"worker_id\":20,"
		    "\"resultado\":\"aprobado\"}", 0, "resultado" },
		{ "{\"tag_spool\":\"" TAG "\",\"worker_id\":20}", 0,
		    "resultado" },
		{ "{\"tag_spool\":\"" TAG "\",\"worker_id\":0,"
		    "\"resultado\":\"RECHAZADO\"}", 0, "worker_id" },
		{ "{\"tag_spool\":\"\",\"worker_id\":20,"
		    "\"resultado\":\"RECHAZADO\"}", 0, "tag_spool" },
		{ "{\"tag_spool\":\"" TAG "\",\"worker_id\":\"20\","
		    "\"resultado\":\"RECHAZADO\"}", 0, NULL },
		{ "{\"tag_spool\":\"" TAG "\",\"worker_id\":20,"
		    "\"resultado\":\"APROBADO\\u0000\"}", 0, NULL },
		{ "not json", 0, NULL },
		{ "", 0, NULL },
	};
	struct metro_request		r;
	struct occ_request_errors	errs;
	size_t				i;
	int				rc;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rc = metro_request_parse(cases[i].body, strlen(cases[i].body),
		    &r, &errs);
		if (cases[i].ok) {
			assert_int_equal(rc, 0);
			assert_string_equal(r.tag_spool, TAG);	/* trimmed */
			assert_int_equal(r.worker_id, 20);
			assert_int_equal(r.resultado, METRO_APROBADO);
			continue;
		}
		assert_int_equal(rc, -1);
		assert_true(errs.n > 0);
		if (cases[i].field != NULL)
			assert_string_equal(errs.e[0].field, cases[i].field);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aprobado),
		cmocka_unit_test(test_rejections_count_to_bloqueado),
		cmocka_unit_test(test_refusals_in_order),
		cmocka_unit_test(test_response),
		cmocka_unit_test(test_request),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
