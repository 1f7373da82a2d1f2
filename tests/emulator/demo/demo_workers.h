/*
 * The demo's workforce: the Trabajadores and Roles sheets, and who can be
 * put on which operation in Operaciones.
 */
#ifndef DEMO_WORKERS_H
#define DEMO_WORKERS_H

#include <stddef.h>

#include "demo_rng.h"
#include "jsonw.h"

#define DEMO_ROLE_ARMADOR	0x01
#define DEMO_ROLE_SOLDADOR	0x02
#define DEMO_ROLE_AYUDANTE	0x04
#define DEMO_ROLE_METROLOGIA	0x08

struct demo_worker {
	int		 id;
	const char	*nombre;
	const char	*apellido;
	const char	*rol;		/* the Trabajadores.Rol column */
	int		 roles;		/* active rows in Roles */
	int		 inactive_roles;	/* rows with Activo FALSE */
	int		 activo;
	int		 busy;		/* occupies a spool */
	char		 short_name[24];	/* "MR(93)" */
};

struct demo_workers {
	struct demo_worker	*w;
	size_t			 n;
};

int	demo_workers_make(struct demo_workers *, size_t n, struct demo_rng *);
void	demo_workers_free(struct demo_workers *);
/*
 * An active, free worker holding one of the roles in mask, or NULL.
 * Marks it busy.
 */
struct demo_worker *demo_workers_take(struct demo_workers *, int mask,
	    struct demo_rng *);
/* An active worker holding one of the roles (busy or not), or NULL. */
const struct demo_worker *demo_workers_pick(const struct demo_workers *,
	    int mask, struct demo_rng *);

/* The sheets, as workbook-file sheet objects. */
void	demo_write_trabajadores(struct jw *, const struct demo_workers *,
	    int sheet_id);
void	demo_write_roles(struct jw *, const struct demo_workers *,
	    int sheet_id);

#endif
