/*
 * Unit tests for lib/floor/spool_state.c: the state table of data.md §5 row by
 * row, how the occupied operation is found (Estado_Detalle when it agrees
 * with the dates, else the dates, else unknown), the Estado_Detalle texts
 * exactly as data.md spells them, cycles, the iniciar/completar lists,
 * columns found by header, and the Spool and status JSON.
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
#include "nelem.h"
#include "redis_lock.h"
#include "sheet_dates.h"
#include "sheet_table.h"
#include "sheets_codec.h"
#include "spool_state.h"

_Static_assert(LOCK_KEY_MAX >= sizeof(LOCK_KEY_PREFIX) + SPOOL_TAG_MAX * 3,
    "a tag the API accepts must fit a lock key");

/* A row of "" with the named fields set. */
struct fields {
	const char	*materiales, *fecha_armado, *armador;
	const char	*fecha_soldadura, *soldador, *fecha_qc;
	const char	*ocupado_por, *fecha_ocupacion, *detalle;
};

static void
make_row(struct spool_row *row, const struct fields *f)
{
	int	i;

	for (i = 0; i < SPOOL_FIELD_COUNT; i++)
		row->f[i] = "";
	row->f[SPOOL_TAG] = "MK-1335-CW-25238-011";
	row->f[SPOOL_OT] = "OT-77";
	row->f[SPOOL_VERSION] = "3f1b6c1e-8d2a-4c3e-9a0b-2d4e6f8a0b1c";
#define SET(field, v)	do { if ((v) != NULL) row->f[field] = (v); } while (0)
	SET(SPOOL_FECHA_MATERIALES, f->materiales);
	SET(SPOOL_FECHA_ARMADO, f->fecha_armado);
	SET(SPOOL_ARMADOR, f->armador);
	SET(SPOOL_FECHA_SOLDADURA, f->fecha_soldadura);
	SET(SPOOL_SOLDADOR, f->soldador);
	SET(SPOOL_FECHA_QC, f->fecha_qc);
	SET(SPOOL_OCUPADO_POR, f->ocupado_por);
	SET(SPOOL_FECHA_OCUPACION, f->fecha_ocupacion);
	SET(SPOOL_ESTADO_DETALLE, f->detalle);
#undef SET
}

#define UNKNOWN	(-1)

static void
test_state_table(void **state)
{
	static const struct {
		const char	*what;
		struct fields	 f;
		enum op_state	 arm, sold;
		int		 occupied;
		int		 op;	/* UNKNOWN, or the operation */
	} cases[] = {
		{ "nothing yet", { .materiales = "01-02-2026" },
		    OP_PENDIENTE, OP_PENDIENTE, 0, UNKNOWN },
		{ "ARM paused", { .armador = "MR(93)" },
		    OP_PAUSADO, OP_PENDIENTE, 0, UNKNOWN },
		{ "ARM in progress, said so", { .armador = "MR(93)",
		    .ocupado_por = "MR(93)", .detalle = "MR(93) trabajando "
		    "ARM (ARM en progreso, SOLD pendiente)" },
		    OP_EN_PROGRESO, OP_PENDIENTE, 1, OPERACION_ARM },
		{ "ARM taken before v3.0: no Armador, no detail",
		    { .ocupado_por = "MR(93)" },
		    OP_EN_PROGRESO, OP_PENDIENTE, 1, OPERACION_ARM },
		{ "ARM completed", { .armador = "MR(93)",
		    .fecha_armado = "02-02-2026" },
		    OP_COMPLETADO, OP_PENDIENTE, 0, UNKNOWN },
		{ "SOLD in progress, said so", { .armador = "MR(93)",
		    .fecha_armado = "02-02-2026", .soldador = "JP(5)",
		    .ocupado_por = "JP(5)", .detalle = "JP(5) trabajando SOLD "
		    "(ARM completado, SOLD en progreso)" },
		    OP_COMPLETADO, OP_EN_PROGRESO, 1, OPERACION_SOLD },
		{ "SOLD in progress, only the dates say",
		    { .fecha_armado = "02-02-2026", .ocupado_por = "JP(5)" },
		    OP_COMPLETADO, OP_EN_PROGRESO, 1, OPERACION_SOLD },
		{ "SOLD while ARM is paused", { .armador = "MR(93)",
		    .ocupado_por = "JP(5)", .detalle = "JP(5) trabajando SOLD "
		    "(ARM pausado, SOLD en progreso)" },
		    OP_PAUSADO, OP_EN_PROGRESO, 1, OPERACION_SOLD },
		{ "both open, detail silent: unknown", { .armador = "MR(93)",
		    .ocupado_por = "MR(93)", .detalle = "editado a mano" },
		    OP_PAUSADO, OP_PENDIENTE, 1, UNKNOWN },
		{ "detail contradicts the dates", { .armador = "MR(93)",
		    .fecha_armado = "02-02-2026", .ocupado_por = "MR(93)",
		    .detalle = "MR(93) trabajando ARM (ARM en progreso, SOLD "
		    "pendiente)" },
		    OP_COMPLETADO, OP_EN_PROGRESO, 1, OPERACION_SOLD },
		{ "SOLD claimed before ARM began", {
		    .ocupado_por = "MR(93)", .detalle = "MR(93) trabajando "
		    "SOLD (ARM pendiente, SOLD en progreso)" },
		    OP_EN_PROGRESO, OP_PENDIENTE, 1, OPERACION_ARM },
		{ "detail of an earlier worker", { .armador = "MR(93)",
		    .ocupado_por = "JP(5)", .detalle = "MR(93) trabajando "
		    "ARM (ARM en progreso, SOLD pendiente)" },
		    OP_PAUSADO, OP_PENDIENTE, 1, UNKNOWN },
		{ "both completed", { .armador = "MR(93)",
		    .fecha_armado = "02-02-2026", .soldador = "JP(5)",
		    .fecha_soldadura = "03-02-2026" },
		    OP_COMPLETADO, OP_COMPLETADO, 0, UNKNOWN },
		{ "in repair", { .armador = "MR(93)",
		    .fecha_armado = "02-02-2026", .soldador = "JP(5)",
		    .fecha_soldadura = "03-02-2026", .ocupado_por = "LR(15)",
		    .detalle = "EN_REPARACION (Ciclo 1/3) - Ocupado: LR(15)" },
		    OP_COMPLETADO, OP_COMPLETADO, 1, OPERACION_REPARACION },
		{ "blank cells are empty", { .armador = "   ",
		    .fecha_armado = " ", .ocupado_por = "\t" },
		    OP_PENDIENTE, OP_PENDIENTE, 0, UNKNOWN },
	};
	struct spool_row	row;
	struct spool_state	st;
	size_t			i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		make_row(&row, &cases[i].f);
		spool_state_derive(&row, &st);
		if (st.arm != cases[i].arm || st.sold != cases[i].sold ||
		    st.occupied != cases[i].occupied ||
		    (cases[i].op == UNKNOWN ? st.op_known :
		    !st.op_known || (int)st.op != cases[i].op))
			fail_msg("%s: arm %s sold %s occupied %d op %s (%d)",
			    cases[i].what, op_state_api(st.arm),
			    op_state_api(st.sold), st.occupied,
			    operacion_name(st.op), st.op_known);
	}
}

static void
test_occupant(void **state)
{
	struct fields		f = { .ocupado_por = "  MR(93) " };
	struct spool_row	row;
	struct spool_state	st;

	(void)state;
	make_row(&row, &f);
	spool_state_derive(&row, &st);
	assert_true(st.occupied);
	assert_string_equal(st.occupant, "MR(93)");
	assert_int_equal(st.occupant_id, 93);

	f.ocupado_por = "Mauricio";
	make_row(&row, &f);
	spool_state_derive(&row, &st);
	assert_true(st.occupied);
	assert_int_equal(st.occupant_id, -1);

	/* A pasted essay is cut to a label's size on a character. */
	f.ocupado_por = "ÁÁÁÁÁÁ"
	    "ÁÁÁÁÁÁÁÁ"
	    "ÁÁÁÁÁÁÁÁ"
	    "ÁÁÁ(93)";
	make_row(&row, &f);
	spool_state_derive(&row, &st);
	assert_true(strlen(st.occupant) < WORKER_NOMBRE_MAX);
	assert_int_equal(strlen(st.occupant) % 2, 0);
}

static void
test_detalle_texts(void **state)
{
	char	buf[SPOOL_DETALLE_MAX];

	(void)state;
	spool_detalle_production(buf, "MR(93)", OPERACION_ARM, OP_EN_PROGRESO,
	    OP_PENDIENTE);
	assert_string_equal(buf,
	    "MR(93) trabajando ARM (ARM en progreso, SOLD pendiente)");
	spool_detalle_production(buf, "JP(5)", OPERACION_SOLD, OP_COMPLETADO,
	    OP_EN_PROGRESO);
	assert_string_equal(buf,
	    "JP(5) trabajando SOLD (ARM completado, SOLD en progreso)");
	spool_detalle_production(buf, NULL, OPERACION_ARM, OP_PAUSADO,
	    OP_PENDIENTE);
	assert_string_equal(buf, "Disponible - ARM pausado, SOLD pendiente");
	spool_detalle_production(buf, NULL, OPERACION_SOLD, OP_COMPLETADO,
	    OP_COMPLETADO);
	assert_string_equal(buf,
	    "Disponible - ARM completado, SOLD completado");

	spool_detalle_rechazo(buf, 1);
	assert_string_equal(buf,
	    "RECHAZADO (Ciclo 1/3) - Pendiente reparación");
	spool_detalle_rechazo(buf, 2);
	assert_string_equal(buf,
	    "RECHAZADO (Ciclo 2/3) - Pendiente reparación");
	spool_detalle_rechazo(buf, 3);
	assert_string_equal(buf, "BLOQUEADO - Contactar supervisor");
	spool_detalle_en_reparacion(buf, 2, "LR(15)");
	assert_string_equal(buf, "EN_REPARACION (Ciclo 2/3) - Ocupado: LR(15)");
	spool_detalle_reparacion_pausada(buf, 2);
	assert_string_equal(buf, "REPARACION_PAUSADA (Ciclo 2/3)");
	assert_string_equal(SPOOL_DETALLE_APROBADO,
	    "METROLOGIA_APROBADO ✓");
	assert_string_equal(SPOOL_DETALLE_PENDIENTE_METROLOGIA,
	    "PENDIENTE_METROLOGIA");

	assert_string_equal(op_state_api(OP_EN_PROGRESO), "en_progreso");
	assert_string_equal(op_state_detalle(OP_EN_PROGRESO), "en progreso");
	assert_string_equal(op_state_api(OP_PENDIENTE), "pendiente");
}

/* What the server writes, it reads back as the same state. */
static void
test_detalle_round_trip(void **state)
{
	static const enum op_state	arms[] = { OP_PENDIENTE, OP_PAUSADO,
		OP_EN_PROGRESO, OP_COMPLETADO };
	struct fields			 f;
	struct spool_row		 row;
	struct spool_state		 st;
	char				 buf[SPOOL_DETALLE_MAX];
	size_t				 i;

	(void)state;
	for (i = 0; i < NELEM(arms); i++) {
		memset(&f, 0, sizeof(f));
		f.materiales = "01-02-2026";
		if (arms[i] != OP_PENDIENTE)
			f.armador = "MR(93)";
		if (arms[i] == OP_COMPLETADO)
			f.fecha_armado = "02-02-2026";
		if (arms[i] == OP_EN_PROGRESO) {
			f.ocupado_por = "MR(93)";
			spool_detalle_production(buf, "MR(93)",
			    OPERACION_ARM, arms[i], OP_PENDIENTE);
		} else {
			spool_detalle_production(buf, NULL, OPERACION_ARM,
			    arms[i], OP_PENDIENTE);
		}
		f.detalle = buf;
		make_row(&row, &f);
		spool_state_derive(&row, &st);
		assert_int_equal(st.arm, arms[i]);
		assert_int_equal(st.sold, OP_PENDIENTE);
	}
}

static void
test_cycles_and_phases(void **state)
{
	static const struct {
		const char		*detalle;
		int			 cycle;
		enum spool_phase	 phase;
	} cases[] = {
		{ "RECHAZADO (Ciclo 2/3) - Pendiente reparación", 2,
		    PHASE_RECHAZADO },
		{ "BLOQUEADO - Contactar supervisor", 3, PHASE_BLOQUEADO },
		{ "EN_REPARACION (Ciclo 1/3) - Ocupado: LR(15)", 1,
		    PHASE_EN_REPARACION },
		{ "REPARACION_PAUSADA (Ciclo 2/3)", 2,
		    PHASE_REPARACION_PAUSADA },
		{ "PENDIENTE_METROLOGIA", 0, PHASE_PENDIENTE_METROLOGIA },
		{ "METROLOGIA_APROBADO ✓", 0, PHASE_APROBADO },
		{ "Disponible - ARM pausado, SOLD pendiente", 0,
		    PHASE_PRODUCCION },
		{ "", 0, PHASE_PRODUCCION },
		{ "RECHAZADO (Ciclo 12/3)", 3, PHASE_RECHAZADO },
		{ "RECHAZADO (Ciclo /3)", 0, PHASE_RECHAZADO },
		{ "RECHAZADO (Ciclo 2/4)", 0, PHASE_RECHAZADO },
		{ "Ciclo x Ciclo 1/3 Ciclo 2/3", 1, PHASE_PRODUCCION },
		{ " rechazado (Ciclo 1/3)", 1, PHASE_RECHAZADO },
	};
	struct fields		f;
	struct spool_row	row;
	struct spool_state	st;
	size_t			i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		memset(&f, 0, sizeof(f));
		f.detalle = cases[i].detalle;
		make_row(&row, &f);
		spool_state_derive(&row, &st);
		if (spool_cycle_parse(cases[i].detalle) != cases[i].cycle ||
		    st.cycle != cases[i].cycle || st.phase != cases[i].phase)
			fail_msg("'%s': cycle %d phase %d", cases[i].detalle,
			    st.cycle, (int)st.phase);
	}
}

static void
test_lists(void **state)
{
	static const struct {
		const char	*what;
		struct fields	 f;
		int		 arm, sold, metro;	/* listed in iniciar */
	} cases[] = {
		{ "no materials", { 0 }, 0, 0, 0 },
		{ "materials", { .materiales = "01-02-2026" }, 1, 0, 0 },
		{ "ARM paused", { .materiales = "01-02-2026",
		    .armador = "MR(93)" }, 1, 1, 0 },
		{ "ARM occupied", { .materiales = "01-02-2026",
		    .armador = "MR(93)", .ocupado_por = "MR(93)" }, 0, 0, 0 },
		{ "ARM done", { .materiales = "01-02-2026",
		    .armador = "MR(93)", .fecha_armado = "02-02-2026" },
		    0, 1, 0 },
		{ "SOLD done", { .materiales = "01-02-2026",
		    .armador = "MR(93)", .fecha_armado = "02-02-2026",
		    .soldador = "JP(5)", .fecha_soldadura = "03-02-2026" },
		    0, 0, 1 },
		/* frontend.md §7 item 23: R13 would answer 409. */
		{ "SOLD done, occupied", { .materiales = "01-02-2026",
		    .armador = "MR(93)", .fecha_armado = "02-02-2026",
		    .soldador = "JP(5)", .fecha_soldadura = "03-02-2026",
		    .ocupado_por = "LR(15)" }, 0, 0, 0 },
		{ "inspected", { .materiales = "01-02-2026",
		    .armador = "MR(93)", .fecha_armado = "02-02-2026",
		    .soldador = "JP(5)", .fecha_soldadura = "03-02-2026",
		    .fecha_qc = "04-02-2026" }, 0, 0, 0 },
	};
	struct fields		 f = { .materiales = "01-02-2026",
		.armador = "MR(93)", .ocupado_por = "MR(93)",
		.detalle = "MR(93) trabajando ARM (ARM en progreso, SOLD "
		"pendiente)" };
	struct spool_row	 row;
	struct spool_state	 st;
	size_t			 i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		make_row(&row, &cases[i].f);
		spool_state_derive(&row, &st);
		if (spool_listed_iniciar(&row, &st, OPERACION_ARM) !=
		    cases[i].arm ||
		    spool_listed_iniciar(&row, &st, OPERACION_SOLD) !=
		    cases[i].sold ||
		    spool_listed_iniciar(&row, &st, OPERACION_METROLOGIA) !=
		    cases[i].metro ||
		    spool_listed_iniciar(&row, &st, OPERACION_REPARACION))
			fail_msg("%s", cases[i].what);
	}
	make_row(&row, &f);
	spool_state_derive(&row, &st);
	assert_true(spool_listed_completar(&row, &st, OPERACION_ARM, 93));
	assert_false(spool_listed_completar(&row, &st, OPERACION_SOLD, 93));
	assert_false(spool_listed_completar(&row, &st, OPERACION_ARM, 5));
	assert_false(spool_listed_completar(&row, &st, OPERACION_ARM, 0));
	/* Held, the row silent on what for: under each it could be. */
	f.detalle = "editado a mano";
	make_row(&row, &f);
	spool_state_derive(&row, &st);
	assert_false(st.op_known);
	assert_true(spool_listed_completar(&row, &st, OPERACION_ARM, 93));
	assert_true(spool_listed_completar(&row, &st, OPERACION_SOLD, 93));
	assert_false(spool_listed_completar(&row, &st, OPERACION_SOLD, 5));
	/* Held for ARM with SOLD not open: ARM only. */
	f.armador = "";
	make_row(&row, &f);
	spool_state_derive(&row, &st);
	assert_true(spool_listed_completar(&row, &st, OPERACION_ARM, 93));
	assert_false(spool_listed_completar(&row, &st, OPERACION_SOLD, 93));
}

static void
test_columns(void **state)
{
	static const char	body[] =
	    "{\"valueRanges\":[{\"range\":\"Operaciones!A1:Q3\",\"values\":["
	    "[\"Item\",\"TAG_SPOOL\",\"OT\",\"NV\",\"Fecha_Materiales\","
	    "\"Fecha_Armado\",\"Armador\",\"Fecha_Soldadura\",\"Soldador\","
	    "\"Fecha QC Metrologia\",\"Ocupado_Por\",\"Fecha_Ocupacion\","
	    "\"version\",\"Estado_Detalle\"],"
	    "[\"1\",\"MK-1\",\"OT-1\",\"NV-1\",\"01-02-2026\",\"\","
	    "\"MR(93)\",\"\",\"\",\"\",\"MR(93)\",\"02-02-2026 08:00:00\","
	    "\"v1\",\"MR(93) trabajando ARM (ARM en progreso, SOLD "
	    "pendiente)\"],"
	    "[\"2\",\"MK-2\"]]}]}";
	static const char	short_body[] =
	    "{\"valueRanges\":[{\"range\":\"Operaciones!A1:B1\","
	    "\"values\":[[\"TAG_SPOOL\",\"OT\"]]}]}";
	struct sheets_value_ranges	 vrs;
	struct sheets_limits		 lim = SHEETS_LIMITS_DEFAULT_INIT;
	struct sheet_table		*t;
	struct spool_columns		 cols;
	struct spool_row		 row;
	struct spool_state		 st;
	const char			*missing = NULL;
	char				 err[128];

	(void)state;
	assert_int_equal(sheets_parse_batch_get(body, strlen(body), &lim,
	    &vrs, err, sizeof(err)), 0);
	t = sheet_table_new(&vrs.ranges[0]);
	sheets_value_ranges_free(&vrs);
	assert_non_null(t);
	if (spool_columns_find(t, &cols, &missing) != 0)
		fail_msg("missing %s", missing);
	spool_row_read(t, &cols, 0, &row);
	assert_string_equal(row.f[SPOOL_TAG], "MK-1");
	assert_string_equal(row.f[SPOOL_VERSION], "v1");
	spool_state_derive(&row, &st);
	assert_int_equal(st.arm, OP_EN_PROGRESO);
	assert_int_equal(st.occupant_id, 93);
	/* A short row reads as empty cells. */
	spool_row_read(t, &cols, 1, &row);
	assert_string_equal(row.f[SPOOL_ESTADO_DETALLE], "");
	sheet_table_free(t);

	assert_string_equal(spool_field_header(SPOOL_FECHA_QC),
	    "Fecha_QC_Metrología");
	assert_int_equal(sheets_parse_batch_get(short_body,
	    strlen(short_body), &lim, &vrs, err, sizeof(err)), 0);
	t = sheet_table_new(&vrs.ranges[0]);
	sheets_value_ranges_free(&vrs);
	assert_int_equal(spool_columns_find(t, &cols, &missing), -1);
	assert_string_equal(missing, "NV");
	sheet_table_free(t);
}

static yajl_val
written(void (*fn)(yajl_gen, const struct spool_row *,
    const struct spool_state *), const struct spool_row *row,
    const struct spool_state *st)
{
	yajl_gen	 g = json_out_new();
	yajl_val	 v;
	const char	*text;
	char		*copy, err[128];
	size_t		 len;

	assert_non_null(g);
	if (fn != NULL)
		fn(g, row, st);
	else
		spool_json_write(g, row);
	text = json_out_text(g, &len);
	copy = strndup(text, len);
	assert_non_null(copy);
	assert_null(memchr(copy, '\n', len));
	v = yajl_tree_parse(copy, err, sizeof(err));
	if (v == NULL)
		fail_msg("%s: %s", err, copy);
	free(copy);
	yajl_gen_free(g);
	return (v);
}

static yajl_val
get(yajl_val obj, const char *key)
{
	const char	*path[] = { key, NULL };
	yajl_val	 v = yajl_tree_get(obj, path, yajl_t_any);

	if (v == NULL)
		fail_msg("no \"%s\"", key);
	return (v);
}

static void
test_json(void **state)
{
	struct fields		 f = { .materiales = "46054",
		.armador = "MR(93)", .fecha_armado = "31-02-2026",
		.ocupado_por = "JP(5)",
		.fecha_ocupacion = "02-02-2026 08:53:45",
		.detalle = "JP(5) trabajando SOLD (ARM pausado, SOLD en "
		"progreso)" };
	struct spool_row	 row;
	struct spool_state	 st;
	yajl_val		 v;
	char			 err[128];

	(void)state;
	assert_int_equal(zone_init(NULL, err, sizeof(err)), 0);
	make_row(&row, &f);
	spool_state_derive(&row, &st);

	v = written(spool_status_write, &row, &st);
	assert_string_equal(YAJL_GET_STRING(get(v, "tag_spool")),
	    "MK-1335-CW-25238-011");
	assert_true(YAJL_IS_TRUE(get(v, "occupied")));
	assert_int_equal(YAJL_GET_INTEGER(get(v, "worker_id")), 5);
	assert_string_equal(YAJL_GET_STRING(get(v, "worker_nombre")), "JP(5)");
	assert_string_equal(YAJL_GET_STRING(get(v, "since")),
	    "2026-02-02T08:53:45-03:00");
	/* Any text in Fecha_Armado means ARM happened. */
	assert_string_equal(YAJL_GET_STRING(get(v, "arm")), "completado");
	assert_string_equal(YAJL_GET_STRING(get(v, "sold")), "en_progreso");
	yajl_tree_free(v);

	v = written(NULL, &row, NULL);
	assert_string_equal(YAJL_GET_STRING(get(v, "fecha_materiales")),
	    "2026-02-01");
	/* An impossible date is not invented into one: null. */
	assert_true(YAJL_IS_NULL(get(v, "fecha_armado")));
	assert_true(YAJL_IS_NULL(get(v, "fecha_soldadura")));
	assert_true(YAJL_IS_NULL(get(v, "nv")));
	assert_string_equal(YAJL_GET_STRING(get(v, "ot")), "OT-77");
	assert_string_equal(YAJL_GET_STRING(get(v, "armador")), "MR(93)");
	assert_string_equal(YAJL_GET_STRING(get(v, "fecha_ocupacion")),
	    "2026-02-02T08:53:45-03:00");
	assert_string_equal(YAJL_GET_STRING(get(v, "version")),
	    "3f1b6c1e-8d2a-4c3e-9a0b-2d4e6f8a0b1c");
	yajl_tree_free(v);

	/* Free: nobody, no time. */
	memset(&f, 0, sizeof(f));
	make_row(&row, &f);
	spool_state_derive(&row, &st);
	v = written(spool_status_write, &row, &st);
	assert_true(YAJL_IS_FALSE(get(v, "occupied")));
	assert_true(YAJL_IS_NULL(get(v, "worker_id")));
	assert_true(YAJL_IS_NULL(get(v, "worker_nombre")));
	assert_true(YAJL_IS_NULL(get(v, "since")));
	yajl_tree_free(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_table),
		cmocka_unit_test(test_occupant),
		cmocka_unit_test(test_detalle_texts),
		cmocka_unit_test(test_detalle_round_trip),
		cmocka_unit_test(test_cycles_and_phases),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_columns),
		cmocka_unit_test(test_json),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
