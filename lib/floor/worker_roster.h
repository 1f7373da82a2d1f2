/*
 * The floor's workers as a list, from the Trabajadores and Roles sheets
 * (data.md §1, §3), for GET /api/workers and O(1) lookups by id.
 *
 * Who a worker is and what they may do (nombre_completo "MR(93)", Activo
 * read tolerantly, role bits, the Roles-over-Rol precedence) is decided
 * by worker_identity.h; the roster keeps that verdict for every worker
 * beside the sheet's own text: Nombre, Apellido, Rol and the role names.
 *
 * Trabajadores needs the columns Id, Nombre, Apellido, Rol and Activo;
 * Roles (optional) needs Id, Rol and Activo, found by header name as
 * everywhere.  A Trabajadores row whose Id is not a valid id, or repeats
 * an earlier row's, is left out and counted; rows with an empty Id are
 * blank lines and ignored.
 */
#ifndef ZEUES_WORKER_ROSTER_H
#define ZEUES_WORKER_ROSTER_H

#include <stddef.h>

#include <yajl/yajl_gen.h>

#include "worker_identity.h"

struct sheet_table;

struct roster_worker {
	struct worker	 who;		/* id, nombre_completo, activo, roles */
	char		*nombre;
	char		*apellido;
	char		*rol;
	/*
	 * The worker's active Roles rows as written there, each name once;
	 * for a worker Roles does not list, the roles read from Rol.
	 */
	char		**roles;
	size_t		 nroles;
};

struct worker_roster;

/* roles may be NULL.  Returns NULL with err set (missing column, memory). */
struct worker_roster	*worker_roster_build(
			    const struct sheet_table *trabajadores,
			    const struct sheet_table *roles, char *err,
			    size_t errsz);
void			 worker_roster_free(struct worker_roster *);

/* Workers in sheet order, active or not. */
size_t			 worker_roster_count(const struct worker_roster *);
const struct roster_worker *worker_roster_at(const struct worker_roster *,
			    size_t i);
/* O(1); NULL when there is no such worker. */
const struct roster_worker *worker_roster_find(const struct worker_roster *,
			    long long id);
/* Trabajadores rows left out: a bad or repeated Id. */
size_t			 worker_roster_skipped(const struct worker_roster *);

/*
 * GET /api/workers (api.md §3): {"workers":[{"id","nombre","apellido",
 * "rol","roles","activo","nombre_completo"}...],"total":n}, active workers
 * only, in sheet order.
 */
void			 worker_roster_write_json(const struct worker_roster *,
			    yajl_gen g);
/*
 * GET /api/workers/{id}/roles (frontend.md U2): {"worker_id": id,
 * "roles": [...]}, the worker's active roles as the sheet names them,
 * none for an inactive worker.
 */
void			 worker_roster_write_roles(const struct roster_worker *,
			    yajl_gen g);

#endif
