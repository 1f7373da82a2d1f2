/*
 * Workers and roles.
 */
#include <stdio.h>
#include <stdlib.h>

#include "demo_sheet.h"
#include "demo_workers.h"

#define FIRST_WORKER_ID	81

static const char *const nombres[] = {
	"Mauricio", "Juan", "Pedro", "Carlos", "José", "Luis", "Jorge",
	"Cristián", "Francisco", "Rodrigo", "Patricio", "Felipe", "Sebastián",
	"Diego", "Matías", "Andrés", "Claudio", "Héctor", "Víctor", "Marcelo",
	"Camila", "Daniela", "Francisca", "Valentina", "Carolina", "Nicolás",
	"Ricardo", "Gonzalo", "Manuel", "Raúl"
};

static const char *const apellidos[] = {
	"Rodriguez", "González", "Muñoz", "Rojas", "Díaz", "Pérez", "Soto",
	"Contreras", "Silva", "Martínez", "Sepúlveda", "Morales", "López",
	"Fuentes", "Hernández", "Torres", "Araya", "Flores", "Espinoza",
	"Valenzuela", "Castillo", "Tapia", "Reyes", "Gutiérrez", "Castro",
	"Pizarro", "Vásquez", "Sánchez", "Carrasco", "Cortés"
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const struct {
	const char	*name;
	int		 role;
	unsigned int	 weight;
} primary_roles[] = {
	{ "Armador", DEMO_ROLE_ARMADOR, 38 },
	{ "Soldador", DEMO_ROLE_SOLDADOR, 34 },
	{ "Ayudante", DEMO_ROLE_AYUDANTE, 18 },
	{ "Metrologia", DEMO_ROLE_METROLOGIA, 10 },
};

static const char *const role_names[] = {
	"Armador", "Soldador", "Ayudante", "Metrologia"
};

int
demo_workers_make(struct demo_workers *ws, size_t n, struct demo_rng *rng)
{
	struct demo_worker	*w;
	unsigned int		 roll;
	size_t			 i, k;

	ws->n = 0;
	if ((ws->w = calloc(n, sizeof(*ws->w))) == NULL)
		return (-1);
	for (i = 0; i < n; i++) {
		w = &ws->w[i];
		w->id = FIRST_WORKER_ID + (int)i;
		w->nombre = nombres[demo_rng_below(rng, NELEM(nombres))];
		w->apellido = apellidos[demo_rng_below(rng, NELEM(apellidos))];
		roll = demo_rng_below(rng, 100);
		for (k = 0; k + 1 < NELEM(primary_roles) &&
		    roll >= primary_roles[k].weight; k++)
			roll -= primary_roles[k].weight;
		w->rol = primary_roles[k].name;
		w->roles = primary_roles[k].role;
		/* Some armadores also weld and many help on the side. */
		if (w->roles == DEMO_ROLE_ARMADOR && demo_rng_chance(rng, 25))
			w->roles |= DEMO_ROLE_SOLDADOR;
		if (w->roles != DEMO_ROLE_METROLOGIA &&
		    demo_rng_chance(rng, 30))
			w->roles |= DEMO_ROLE_AYUDANTE;
		if (!(w->roles & DEMO_ROLE_METROLOGIA) &&
		    demo_rng_chance(rng, 10))
			w->inactive_roles = DEMO_ROLE_METROLOGIA;
		w->activo = !demo_rng_chance(rng, 6);
		(void)snprintf(w->short_name, sizeof(w->short_name),
		    "%c%c(%d)", w->nombre[0], w->apellido[0], w->id);
		ws->n++;
	}
	return (0);
}

void
demo_workers_free(struct demo_workers *ws)
{
	free(ws->w);
	ws->w = NULL;
	ws->n = 0;
}

/* Index of a random worker matching; the scan is bounded by n. */
static long
find(const struct demo_workers *ws, int mask, int want_free,
    struct demo_rng *rng)
{
	size_t	start, i, k;

	if (ws->n == 0)
		return (-1);
	start = demo_rng_below(rng, (uint32_t)ws->n);
	for (i = 0; i < ws->n; i++) {
		k = (start + i) % ws->n;
		if (ws->w[k].activo && (ws->w[k].roles & mask) &&
		    (!want_free || !ws->w[k].busy))
			return ((long)k);
	}
	return (-1);
}

struct demo_worker *
demo_workers_take(struct demo_workers *ws, int mask, struct demo_rng *rng)
{
	long	k = find(ws, mask, 1, rng);

	if (k < 0)
		return (NULL);
	ws->w[k].busy = 1;
	return (&ws->w[k]);
}

const struct demo_worker *
demo_workers_pick(const struct demo_workers *ws, int mask,
    struct demo_rng *rng)
{
	long	k = find(ws, mask, 0, rng);

	return (k < 0 ? NULL : &ws->w[k]);
}

void
demo_write_trabajadores(struct jw *w, const struct demo_workers *ws,
    int sheet_id)
{
	size_t	i;

	demo_sheet_open(w, "Trabajadores", sheet_id, demo_grid_rows(ws->n),
	    26);
	jw_arr_open_inline(w);
	jw_str(w, "Id");
	jw_str(w, "Nombre");
	jw_str(w, "Apellido");
	jw_str(w, "Rol");
	jw_str(w, "Activo");
	jw_arr_close(w);
	for (i = 0; i < ws->n; i++) {
		jw_arr_open_inline(w);
		jw_int(w, ws->w[i].id);
		jw_str(w, ws->w[i].nombre);
		jw_str(w, ws->w[i].apellido);
		jw_str(w, ws->w[i].rol);
		jw_bool(w, ws->w[i].activo);
		jw_arr_close(w);
	}
	demo_sheet_close(w);
}

void
demo_write_roles(struct jw *w, const struct demo_workers *ws, int sheet_id)
{
	size_t	i, k, rows = 0;
	int	bit;

	for (i = 0; i < ws->n; i++) {
		for (k = 0; k < NELEM(role_names); k++)
			rows += ((ws->w[i].roles | ws->w[i].inactive_roles) &
			    (1 << k)) != 0;
	}
	demo_sheet_open(w, "Roles", sheet_id, demo_grid_rows(rows), 26);
	jw_arr_open_inline(w);
	jw_str(w, "Id");
	jw_str(w, "Rol");
	jw_str(w, "Activo");
	jw_arr_close(w);
	for (i = 0; i < ws->n; i++) {
		for (k = 0; k < NELEM(role_names); k++) {
			bit = 1 << k;
			if (!((ws->w[i].roles | ws->w[i].inactive_roles) & bit))
				continue;
			jw_arr_open_inline(w);
			jw_int(w, ws->w[i].id);
			jw_str(w, role_names[k]);
			jw_bool(w, (ws->w[i].roles & bit) != 0);
			jw_arr_close(w);
		}
	}
	demo_sheet_close(w);
}
