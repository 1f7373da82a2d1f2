/*
 * Unit tests for lib/floor/operacion_infer.c: the operation of a PAUSAR or
 * COMPLETAR that names none, from the occupation the worker holds
 * (frontend.md §7 item 1), the Armador/Soldador fallback, the answer for a
 * worker who holds nothing, and the ambiguous cases.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "nelem.h"
#include "operacion_infer.h"

struct fields {
	const char	*fecha_armado, *armador, *fecha_soldadura, *soldador;
	const char	*ocupado_por, *detalle;
};

static void
row_of(const struct fields *f, struct spool_row *row)
{
	size_t	i;

	for (i = 0; i < SPOOL_FIELD_COUNT; i++)
		row->f[i] = "";
	row->f[SPOOL_TAG] = "MK-1";
	row->f[SPOOL_FECHA_MATERIALES] = "01-02-2026";
#define SET(k, v)	if ((v) != NULL) row->f[k] = (v)
	SET(SPOOL_FECHA_ARMADO, f->fecha_armado);
	SET(SPOOL_ARMADOR, f->armador);
	SET(SPOOL_FECHA_SOLDADURA, f->fecha_soldadura);
	SET(SPOOL_SOLDADOR, f->soldador);
	SET(SPOOL_OCUPADO_POR, f->ocupado_por);
	SET(SPOOL_ESTADO_DETALLE, f->detalle);
#undef SET
}

/* -1 in want: ambiguous. */
static const struct {
	const char	*name;
	struct fields	 f;
	long long	 worker;
	int		 want;
} cases[] = {
	{ "holds ARM, as the server wrote it", { .armador = "MR(93)",
	    .ocupado_por = "MR(93)", .detalle = "MR(93) trabajando ARM "
	    "(ARM en progreso, SOLD pendiente)" }, 93, OPERACION_ARM },
	{ "holds SOLD with ARM open by the same worker", {
	    .armador = "MR(93)", .soldador = "MR(93)", .ocupado_por = "MR(93)",
	    .detalle = "MR(93) trabajando SOLD (ARM pausado, SOLD en "
	    "progreso)" }, 93, OPERACION_SOLD },
	{ "holds SOLD, ARM done: the dates say", { .fecha_armado =
	    "02-02-2026", .armador = "JP(5)", .ocupado_por = "MR(93)" }, 93,
	    OPERACION_SOLD },
	{ "holds a repair", { .fecha_armado = "02-02-2026",
	    .fecha_soldadura = "03-02-2026", .ocupado_por = "MR(93)",
	    .detalle = "EN_REPARACION (Ciclo 1/3) - Ocupado: MR(93)" }, 93,
	    OPERACION_REPARACION },
	{ "paused ARM: Armador names them, no date", { .armador = "MR(93)",
	    .detalle = "Disponible - ARM pausado, SOLD pendiente" }, 93,
	    OPERACION_ARM },
	{ "paused SOLD: Soldador names them", { .fecha_armado = "02-02-2026",
	    .armador = "JP(5)", .soldador = "MR(93)" }, 93, OPERACION_SOLD },
	{ "Armador (193) is not (93)", { .armador = "XY(193)",
	    .fecha_armado = "02-02-2026", .soldador = "MR(93)" }, 93,
	    OPERACION_SOLD },
	{ "both name them, open, row silent", { .armador = "MR(93)",
	    .soldador = "MR(93)", .ocupado_por = "MR(93)",
	    .detalle = "editado a mano" }, 93, -1 },
	{ "both name them, not occupied", { .armador = "MR(93)",
	    .soldador = "MR(93)" }, 93, -1 },
	{ "someone else holds ARM: ARM (the rules answer 403)", {
	    .armador = "JP(5)", .ocupado_por = "JP(5)", .detalle = "JP(5) "
	    "trabajando ARM (ARM en progreso, SOLD pendiente)" }, 93,
	    OPERACION_ARM },
	{ "nothing held, only ARM open (410 follows)", { 0 }, 93,
	    OPERACION_ARM },
	{ "nothing held, ARM done, SOLD open", { .fecha_armado =
	    "02-02-2026", .armador = "JP(5)" }, 93, OPERACION_SOLD },
	{ "nothing held, both done", { .fecha_armado = "02-02-2026",
	    .armador = "JP(5)", .fecha_soldadura = "03-02-2026",
	    .soldador = "JP(5)" }, 93, OPERACION_SOLD },
	{ "nothing held, both open, others' names", { .armador = "JP(5)",
	    .soldador = "LR(15)" }, 93, -1 },
};

static void
test_cases(void **state)
{
	struct spool_row	row;
	enum operacion		op;
	char			why[OCC_INFER_DETAIL_MAX];
	size_t			i;
	int			rc;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		row_of(&cases[i].f, &row);
		op = OPERACION_COUNT;
		rc = occ_operacion_infer(&row, "MK-1", cases[i].worker, &op,
		    why);
		if (cases[i].want == -1) {
			if (rc != -1)
				fail_msg("%s: not ambiguous (%d)",
				    cases[i].name, (int)op);
			/* A readable sentence, naming the spool. */
			assert_non_null(strstr(why, "'MK-1'"));
			assert_non_null(strstr(why, "operacion"));
			continue;
		}
		if (rc != 0 || (int)op != cases[i].want)
			fail_msg("%s: rc %d op %d, want %d (%s)", cases[i].name,
			    rc, (int)op, cases[i].want, why);
	}
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_cases),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
