/*
 * Operaciones rows.
 */
#include <stdio.h>
#include <string.h>

#include "demo_sheet.h"
#include "demo_spools.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define TEXT_MAX	160

/* TAG_SPOOL is deliberately not column A: clients must find columns by name. */
enum col {
	C_ITEM, C_PROYECTO, C_TAG, C_OT, C_NV, C_AREA, C_LINEA, C_ISO,
	C_REVISION, C_HOJA_ISO, C_SISTEMA, C_SERVICIO, C_DIAMETRO, C_SCHEDULE,
	C_MATERIAL, C_NORMA, C_CLASE, C_RATING, C_PESO, C_LARGO, C_UNIONES,
	C_PULGADAS, C_TIPO, C_PRIORIDAD, C_FRENTE, C_NIVEL, C_FECHA_INGRESO,
	C_FECHA_MATERIALES, C_GUIA_MATERIALES, C_FECHA_ARMADO, C_ARMADOR,
	C_FECHA_SOLDADURA, C_SOLDADOR, C_WPS, C_FECHA_VISUAL,
	C_INSPECTOR_VISUAL, C_FECHA_END, C_TIPO_END, C_RESULTADO_END,
	C_FECHA_QC, C_INSPECTOR_METRO,
	C_PWHT_REQ, C_FECHA_PWHT, C_FECHA_HIDRO, C_PRESION, C_FECHA_ARENADO,
	C_FECHA_PINTURA, C_SISTEMA_PINTURA, C_COLOR, C_ESPESOR,
	C_FECHA_GALVANIZADO, C_FECHA_LIBERACION, C_PROTOCOLO, C_FECHA_DESPACHO,
	C_GUIA_DESPACHO, C_PAQUETE, C_UBICACION, C_ESTADO_DESPACHO,
	C_RESPONSABLE_CALIDAD, C_OBSERVACIONES, C_ULTIMA_MODIFICACION,
	C_MODIFICADO_POR, C_UNIONES_ARM, C_UNIONES_SOLD, C_PULGADAS_ARM,
	C_PULGADAS_SOLD,
	C_CLIENTE, C_CONTRATO, C_OCUPADO_POR, C_FECHA_OCUPACION, C_VERSION,
	C_ESTADO_DETALLE, C_COUNT
};

static const char *const headers[C_COUNT] = {
	"Item", "Proyecto", "TAG_SPOOL", "OT", "NV", "Area", "Linea",
	"Isometrico", "Revision", "Hoja_Iso", "Sistema", "Servicio",
	"Diametro_Pulg", "Schedule", "Material", "Norma_Material",
	"Clase_Cañeria", "Rating", "Peso_Kg", "Largo_mm", "Total_Uniones",
	"Pulgadas_Diametrales", "Tipo_Spool", "Prioridad", "Frente", "Nivel",
	"Fecha_Ingreso", "Fecha_Materiales", "Guia_Materiales", "Fecha_Armado",
	"Armador", "Fecha_Soldadura", "Soldador", "Procedimiento_WPS",
	"Fecha_Inspeccion_Visual", "Inspector_Visual", "Fecha_END", "Tipo_END",
	"Resultado_END", "Fecha_QC_Metrología", "Inspector_Metrologia",
	"PWHT_Requerido", "Fecha_PWHT", "Fecha_Prueba_Hidro",
	"Presion_Prueba_Bar", "Fecha_Arenado", "Fecha_Pintura",
	"Sistema_Pintura", "Color", "Espesor_Pintura_um", "Fecha_Galvanizado",
	"Fecha_Liberacion", "Protocolo_Liberacion", "Fecha_Despacho",
	"Guia_Despacho", "Paquete_Despacho", "Ubicacion_Patio",
	"Estado_Despacho", "Responsable_Calidad", "Observaciones",
	"Ultima_Modificacion", "Modificado_Por", "Uniones_ARM_Completadas",
	"Uniones_SOLD_Completadas", "Pulgadas_ARM", "Pulgadas_SOLD", "Cliente",
	"Contrato", "Ocupado_Por",
	"Fecha_Ocupacion", "version", "Estado_Detalle"
};

enum spool_state {
	S_SIN_MATERIALES,
	S_ARM_PENDIENTE,
	S_ARM_EN_PROGRESO,
	S_ARM_PAUSADO,
	S_ARM_COMPLETADO,
	S_SOLD_EN_PROGRESO,
	S_SOLD_PAUSADO,
	S_PENDIENTE_METROLOGIA,
	S_METROLOGIA_APROBADO,
	S_RECHAZADO,
	S_BLOQUEADO,
	S_EN_REPARACION,
	S_REPARACION_PAUSADA,
	S_COUNT
};

/* Share of spools per state, in percent. */
static const unsigned int state_weight[S_COUNT] = {
	8, 22, 5, 6, 14, 4, 5, 12, 15, 4, 1, 2, 2
};

struct demo_cell {
	enum { V_EMPTY, V_STR, V_NUM }	type;
	double				num;
	char				text[TEXT_MAX];
};

struct spool_row {
	struct demo_cell	c[C_COUNT];
};

static const char *const areas[] = { "CW", "FW", "SW", "HW", "AC", "GN" };
static const char *const sistemas[] = { "Agua de proceso", "Relaves",
	"Agua fresca", "Aire comprimido", "Vapor", "Reactivos" };
static const char *const materiales[] = { "A106-B", "A53-B", "A312-TP316L",
	"HDPE PE100", "A335-P11" };
static const char *const schedules[] = { "STD", "40", "80", "XS", "10S" };
static const char *const colores[] = { "Gris RAL 7035", "Azul RAL 5015",
	"Verde RAL 6018", "Amarillo RAL 1023" };
static const double diametros[] = { 2, 3, 4, 6, 8, 10, 12, 16, 20, 24 };
static const int projects[] = { 1335, 1402, 1418 };

static void
set_str(struct spool_row *row, enum col c, const char *s)
{
	row->c[c].type = V_STR;
	(void)snprintf(row->c[c].text, sizeof(row->c[c].text), "%s", s);
}

static void
set_num(struct spool_row *row, enum col c, double v)
{
	row->c[c].type = V_NUM;
	row->c[c].num = v;
}

/* Days since 1970-01-01 <-> civil date (proleptic Gregorian). */
static long
days_from_civil(int y, int m, int d)
{
	long	era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + doe - 719468);
}

static void
civil_from_days(long z, int *y, int *m, int *d)
{
	long	era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* Business dates are DD-MM-YYYY (data.md §1). */
static void
set_date(struct spool_row *row, enum col c, long day)
{
	int	y, m, d;
	char	buf[16];

	civil_from_days(day, &y, &m, &d);
	(void)snprintf(buf, sizeof(buf), "%02d-%02d-%04d", d, m, y);
	set_str(row, c, buf);
}

static void
set_timestamp(struct spool_row *row, enum col c, long day,
    struct demo_rng *rng)
{
	int	y, m, d;
	char	buf[32];

	civil_from_days(day, &y, &m, &d);
	(void)snprintf(buf, sizeof(buf), "%02d-%02d-%04d %02d:%02d:%02d", d,
	    m, y, demo_rng_range(rng, 7, 18), demo_rng_range(rng, 0, 59),
	    demo_rng_range(rng, 0, 59));
	set_str(row, c, buf);
}

static enum spool_state
pick_state(struct demo_rng *rng)
{
	unsigned int	roll = demo_rng_below(rng, 100);
	int		s;

	for (s = 0; s < S_COUNT - 1; s++) {
		if (roll < state_weight[s])
			break;
		roll -= state_weight[s];
	}
	return ((enum spool_state)s);
}

static const char *
op_word(int done, int progress, int paused)
{
	if (done)
		return ("completado");
	if (progress)
		return ("en progreso");
	if (paused)
		return ("pausado");
	return ("pendiente");
}

/* Columns that do not depend on the spool's progress. */
static void
fill_static(struct spool_row *row, size_t i, const char *tag, int project,
    int line, struct demo_rng *rng)
{
	char	buf[TEXT_MAX];
	double	dia = diametros[demo_rng_below(rng, NELEM(diametros))];

	set_num(row, C_ITEM, (double)(i + 1));
	(void)snprintf(buf, sizeof(buf), "P-%d Planta Concentradora", project);
	set_str(row, C_PROYECTO, buf);
	set_str(row, C_TAG, tag);
	set_num(row, C_OT, 4000 + line % 900);
	set_num(row, C_NV, project);
	set_str(row, C_AREA, areas[line % NELEM(areas)]);
	(void)snprintf(buf, sizeof(buf), "%d-%s-%05d", project,
	    areas[line % NELEM(areas)], line);
	set_str(row, C_LINEA, buf);
	(void)snprintf(buf, sizeof(buf), "ISO-%05d", line);
	set_str(row, C_ISO, buf);
	set_num(row, C_REVISION, demo_rng_range(rng, 0, 3));
	set_num(row, C_HOJA_ISO, demo_rng_range(rng, 1, 4));
	set_str(row, C_SISTEMA, sistemas[line % NELEM(sistemas)]);
	set_str(row, C_SERVICIO, demo_rng_chance(rng, 70) ? "Proceso" :
	    "Auxiliar");
	set_num(row, C_DIAMETRO, dia);
	set_str(row, C_SCHEDULE, schedules[demo_rng_below(rng,
	    NELEM(schedules))]);
	set_str(row, C_MATERIAL, materiales[line % NELEM(materiales)]);
	set_str(row, C_NORMA, "ASTM");
	(void)snprintf(buf, sizeof(buf), "%c%d", 'A' + line % 4, 1 + line % 3);
	set_str(row, C_CLASE, buf);
	set_num(row, C_RATING, 150 * (1 + line % 3));
	set_num(row, C_PESO, (double)demo_rng_range(rng, 80, 9500) / 10.0);
	set_num(row, C_LARGO, demo_rng_range(rng, 300, 6000));
	/* A v3 spool has no Total_Uniones; demo_unions fills a v4 one's. */
	(void)demo_rng_range(rng, 1, 12);
	set_num(row, C_PULGADAS, dia * demo_rng_range(rng, 1, 12));
	set_str(row, C_TIPO, demo_rng_chance(rng, 80) ? "Spool" : "Carrete");
	set_str(row, C_PRIORIDAD, demo_rng_chance(rng, 15) ? "Alta" :
	    "Normal");
	(void)snprintf(buf, sizeof(buf), "Frente %d", 1 + line % 5);
	set_str(row, C_FRENTE, buf);
	(void)snprintf(buf, sizeof(buf), "N+%d", 100 * (line % 4));
	set_str(row, C_NIVEL, buf);
	set_str(row, C_CLIENTE, "Minera Los Andes");
	(void)snprintf(buf, sizeof(buf), "CT-%d-2024", project);
	set_str(row, C_CONTRATO, buf);
	/* Draws of columns that became the v4 ones, kept for the stream. */
	(void)demo_rng_range(rng, 150000, 4500000);
	set_str(row, C_PWHT_REQ, demo_rng_chance(rng, 10) ? "SI" : "NO");
	set_str(row, C_WPS, "WPS-GTAW/SMAW-01");
}

struct progress {
	int		 arm_done, arm_progress, arm_paused;
	int		 sold_done, sold_progress, sold_paused;
	int		 metro_ok;
	int		 cycle;		/* reparación cycle, 0 if none */
	const struct demo_worker *occupant;
	const char	*occupied_op;	/* ARM, SOLD, REPARACION */
};

/* Chooses who did what, taking busy workers for occupied spools. */
static void
plan_progress(enum spool_state st, struct progress *p,
    struct demo_workers *ws, struct demo_rng *rng)
{
	memset(p, 0, sizeof(*p));
	switch (st) {
	case S_ARM_EN_PROGRESO:
		p->occupant = demo_workers_take(ws, DEMO_ROLE_ARMADOR |
		    DEMO_ROLE_AYUDANTE, rng);
		p->occupied_op = "ARM";
		p->arm_progress = p->occupant != NULL;
		p->arm_paused = p->occupant == NULL;
		break;
	case S_ARM_PAUSADO:
		p->arm_paused = 1;
		break;
	case S_SOLD_EN_PROGRESO:
		p->arm_done = 1;
		p->occupant = demo_workers_take(ws, DEMO_ROLE_SOLDADOR |
		    DEMO_ROLE_AYUDANTE, rng);
		p->occupied_op = "SOLD";
		p->sold_progress = p->occupant != NULL;
		p->sold_paused = p->occupant == NULL;
		break;
	case S_SOLD_PAUSADO:
		p->arm_done = 1;
		p->sold_paused = 1;
		break;
	case S_ARM_COMPLETADO:
		p->arm_done = 1;
		break;
	case S_PENDIENTE_METROLOGIA:
	case S_METROLOGIA_APROBADO:
	case S_RECHAZADO:
	case S_BLOQUEADO:
	case S_EN_REPARACION:
	case S_REPARACION_PAUSADA:
		p->arm_done = p->sold_done = 1;
		p->metro_ok = st == S_METROLOGIA_APROBADO;
		if (st == S_BLOQUEADO)
			p->cycle = 3;
		else if (st >= S_RECHAZADO)
			p->cycle = demo_rng_range(rng, 1, 2);
		if (st == S_EN_REPARACION) {
			p->occupant = demo_workers_take(ws, ~0, rng);
			p->occupied_op = "REPARACION";
		}
		break;
	default:
		break;
	}
}

/* Returns the last day the row shows. */
static long
fill_progress(struct spool_row *row, enum spool_state st,
    const struct progress *p, const struct demo_workers *ws,
    struct demo_rng *rng)
{
	const struct demo_worker	*arm = NULL, *sold = NULL, *qc;
	long				 day, last;
	char				 buf[TEXT_MAX];

	day = days_from_civil(2025, 3, 3) + demo_rng_range(rng, 0, 150);
	set_date(row, C_FECHA_INGRESO, day - demo_rng_range(rng, 3, 30));
	last = day;
	if (st != S_SIN_MATERIALES) {
		set_date(row, C_FECHA_MATERIALES, day);
		(void)snprintf(buf, sizeof(buf), "GM-%06d",
		    demo_rng_range(rng, 1000, 999999));
		set_str(row, C_GUIA_MATERIALES, buf);
	}

	/* Armador is set once ARM starts; Fecha_Armado when it ends. */
	if (p->arm_done || p->arm_progress || p->arm_paused) {
		arm = (p->arm_progress && p->occupant != NULL) ? p->occupant :
		    demo_workers_pick(ws, DEMO_ROLE_ARMADOR, rng);
		if (arm != NULL)
			set_str(row, C_ARMADOR, arm->short_name);
	}
	if (p->arm_done) {
		last = day += demo_rng_range(rng, 1, 20);
		set_date(row, C_FECHA_ARMADO, day);
		(void)demo_rng_range(rng, 4, 40);
	}
	if (p->sold_done || p->sold_progress || p->sold_paused) {
		sold = (p->sold_progress && p->occupant != NULL) ?
		    p->occupant :
		    demo_workers_pick(ws, DEMO_ROLE_SOLDADOR, rng);
		if (sold != NULL)
			set_str(row, C_SOLDADOR, sold->short_name);
	}
	if (p->sold_done) {
		last = day += demo_rng_range(rng, 1, 15);
		set_date(row, C_FECHA_SOLDADURA, day);
		(void)demo_rng_range(rng, 6, 60);
		set_date(row, C_FECHA_VISUAL, day + 1);
		set_str(row, C_INSPECTOR_VISUAL, "Inspector QC 1");
	}
	if (p->cycle > 0) {
		/* Rejected at an inspection: it has its date (no draw). */
		last = day += 3;
		set_date(row, C_FECHA_QC, day);
	}
	if (p->metro_ok) {
		last = day += demo_rng_range(rng, 1, 10);
		set_date(row, C_FECHA_QC, day);
		if ((qc = demo_workers_pick(ws, DEMO_ROLE_METROLOGIA,
		    rng)) != NULL)
			set_str(row, C_INSPECTOR_METRO, qc->short_name);
		if (demo_rng_chance(rng, 50)) {
			set_date(row, C_FECHA_PINTURA, day +
			    demo_rng_range(rng, 2, 10));
			set_str(row, C_SISTEMA_PINTURA, "Epóxico 2 capas");
			set_str(row, C_COLOR, colores[demo_rng_below(rng,
			    NELEM(colores))]);
			set_num(row, C_ESPESOR, demo_rng_range(rng, 150, 300));
		}
		if (demo_rng_chance(rng, 30)) {
			set_date(row, C_FECHA_DESPACHO, day +
			    demo_rng_range(rng, 10, 30));
			(void)snprintf(buf, sizeof(buf), "GD-%05d",
			    demo_rng_range(rng, 100, 99999));
			set_str(row, C_GUIA_DESPACHO, buf);
			set_str(row, C_ESTADO_DESPACHO, "Despachado");
		}
	}
	if (st == S_RECHAZADO || st == S_BLOQUEADO)
		set_str(row, C_OBSERVACIONES, "Desviación dimensional en "
		    "brida; ver informe de metrología");

	if (p->occupant != NULL) {
		set_str(row, C_OCUPADO_POR, p->occupant->short_name);
		set_timestamp(row, C_FECHA_OCUPACION, last, rng);
	}
	set_timestamp(row, C_ULTIMA_MODIFICACION, last, rng);
	set_str(row, C_MODIFICADO_POR, "zeues-backend");

	switch (st) {
	case S_PENDIENTE_METROLOGIA:
		set_str(row, C_ESTADO_DETALLE, "PENDIENTE_METROLOGIA");
		break;
	case S_METROLOGIA_APROBADO:
		set_str(row, C_ESTADO_DETALLE, "METROLOGIA_APROBADO ✓");
		break;
	case S_RECHAZADO:
		(void)snprintf(buf, sizeof(buf), "RECHAZADO (Ciclo %d/3) - "
		    "Pendiente reparación", p->cycle);
		set_str(row, C_ESTADO_DETALLE, buf);
		break;
	case S_BLOQUEADO:
		set_str(row, C_ESTADO_DETALLE,
		    "BLOQUEADO - Contactar supervisor");
		break;
	case S_EN_REPARACION:
		if (p->occupant != NULL)
			(void)snprintf(buf, sizeof(buf), "EN_REPARACION (Ciclo "
			    "%d/3) - Ocupado: %s", p->cycle,
			    p->occupant->short_name);
		else
			(void)snprintf(buf, sizeof(buf), "REPARACION_PAUSADA "
			    "(Ciclo %d/3)", p->cycle);
		set_str(row, C_ESTADO_DETALLE, buf);
		break;
	case S_REPARACION_PAUSADA:
		(void)snprintf(buf, sizeof(buf), "REPARACION_PAUSADA (Ciclo "
		    "%d/3)", p->cycle);
		set_str(row, C_ESTADO_DETALLE, buf);
		break;
	default:
		if (p->occupant != NULL)
			(void)snprintf(buf, sizeof(buf), "%s trabajando %s "
			    "(ARM %s, SOLD %s)", p->occupant->short_name,
			    p->occupied_op, op_word(p->arm_done,
			    p->arm_progress, p->arm_paused),
			    op_word(p->sold_done, p->sold_progress,
			    p->sold_paused));
		else
			(void)snprintf(buf, sizeof(buf), "Disponible - ARM %s, "
			    "SOLD %s", op_word(p->arm_done, p->arm_progress,
			    p->arm_paused), op_word(p->sold_done,
			    p->sold_progress, p->sold_paused));
		set_str(row, C_ESTADO_DETALLE, buf);
		break;
	}
	return (last);
}

static void
write_row(struct jw *w, const struct spool_row *row)
{
	int	last, c;

	for (last = C_COUNT; last > 0 && row->c[last - 1].type == V_EMPTY;
	    last--)
		;
	jw_arr_open_inline(w);
	for (c = 0; c < last; c++) {
		switch (row->c[c].type) {
		case V_STR:
			jw_str(w, row->c[c].text);
			break;
		case V_NUM:
			jw_double(w, row->c[c].num);
			break;
		default:
			jw_null(w);
			break;
		}
	}
	jw_arr_close(w);
}

int
demo_spool_columns(void)
{
	return (C_COUNT);
}

static enum demo_union_stage
union_stage(enum spool_state st)
{
	switch (st) {
	case S_SIN_MATERIALES:
	case S_ARM_PENDIENTE:
		return (DEMO_STAGE_NONE);
	case S_ARM_EN_PROGRESO:
	case S_ARM_PAUSADO:
		return (DEMO_STAGE_ARM_SOME);
	case S_ARM_COMPLETADO:
		return (DEMO_STAGE_ARM_ALL);
	case S_SOLD_EN_PROGRESO:
	case S_SOLD_PAUSADO:
		return (DEMO_STAGE_SOLD_SOME);
	default:
		return (DEMO_STAGE_ALL);
	}
}

static double
two_decimals(double v)
{
	return ((double)(long)(v * 100 + 0.5) / 100);
}

/* A v4 spool's unions, its aggregate columns and its own OT. */
static int
fill_unions(struct spool_row *row, size_t i, const char *tag,
    enum spool_state st, long last, struct demo_unions *un)
{
	struct demo_union_totals	t;
	const char			*arm = row->c[C_ARMADOR].text;
	const char			*sold = row->c[C_SOLDADOR].text;

	if (demo_unions_spool(un, i, tag, union_stage(st), last, arm, sold,
	    &t) == -1)
		return (-1);
	if (t.total == 0)
		return (0);
	set_num(row, C_OT, (double)t.ot);
	set_num(row, C_UNIONES, t.total);
	set_num(row, C_UNIONES_ARM, t.arm_done);
	set_num(row, C_UNIONES_SOLD, t.sold_done);
	set_num(row, C_PULGADAS_ARM, two_decimals(t.pulgadas_arm));
	set_num(row, C_PULGADAS_SOLD, two_decimals(t.pulgadas_sold));
	if (st == S_PENDIENTE_METROLOGIA)
		set_str(row, C_ESTADO_DETALLE, "En Cola Metrología");
	return (0);
}

int
demo_write_operaciones(struct jw *w, size_t spools, struct demo_workers *ws,
    struct demo_rng *rng, int sheet_id, struct demo_unions *un)
{
	struct spool_row	 row;
	struct progress		 p;
	enum spool_state	 st;
	size_t			 i;
	long			 last;
	int			 c, line = 25200, seq = 0;
	int			 project = projects[0];
	char			 tag[64], version[40];

	demo_sheet_open(w, "Operaciones", sheet_id, demo_grid_rows(spools),
	    C_COUNT);
	jw_arr_open_inline(w);
	for (c = 0; c < C_COUNT; c++)
		jw_str(w, headers[c]);
	jw_arr_close(w);

	for (i = 0; i < spools; i++) {
		/* A line has a handful of spools; tags stay unique. */
		if (seq == 0 || demo_rng_chance(rng, 20)) {
			line += demo_rng_range(rng, 1, 40);
			project = projects[demo_rng_below(rng,
			    NELEM(projects))];
			seq = 0;
		}
		seq++;
		(void)snprintf(tag, sizeof(tag), "MK-%d-%s-%05d-%03d", project,
		    areas[line % NELEM(areas)], line, seq);

		memset(&row, 0, sizeof(row));
		st = pick_state(rng);
		fill_static(&row, i, tag, project, line, rng);
		plan_progress(st, &p, ws, rng);
		last = fill_progress(&row, st, &p, ws, rng);
		demo_rng_uuid4(rng, version, sizeof(version));
		set_str(&row, C_VERSION, version);
		if (fill_unions(&row, i, tag, st, last, un) == -1)
			return (-1);
		write_row(w, &row);
	}
	demo_sheet_close(w);
	return (0);
}
