/*
 * Workers from the Trabajadores and Roles tables; see worker_roster.h.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_out.h"
#include "sheet_table.h"
#include "strmap.h"
#include "worker_roster.h"

#define NAME_NORM_MAX	128

struct worker_roster {
	struct roster_worker	*w;
	size_t			 n;
	struct strmap		*byid;		/* decimal id -> index in w */
	unsigned char		*listed;	/* in Roles at all, per worker */
	size_t			 skipped;
};

enum trabajadores_col {
	T_ID,
	T_NOMBRE,
	T_APELLIDO,
	T_ROL,
	T_ACTIVO,
	T_COLS,
};

enum roles_col {
	R_ID,
	R_ROL,
	R_ACTIVO,
	R_COLS,
};

static const char *const	trabajadores_headers[T_COLS] = {
	"Id", "Nombre", "Apellido", "Rol", "Activo",
};

static const char *const	roles_headers[R_COLS] = {
	"Id", "Rol", "Activo",
};

/* A cell without the spaces around it, as a new string. */
static char *
trimmed_dup(const char *s)
{
	size_t	len;
	char	*out;

	while (*s == ' ' || *s == '\t')
		s++;
	len = strlen(s);
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if ((out = malloc(len + 1)) == NULL)
		return (NULL);
	memcpy(out, s, len);
	out[len] = '\0';
	return (out);
}

static int
blank(const char *s)
{
	return (s[strspn(s, " \t")] == '\0');
}

/* Role names are compared like headers: case, spaces, accents ignored. */
static int
same_name(const char *a, const char *b)
{
	char	na[NAME_NORM_MAX], nb[NAME_NORM_MAX];

	if (sheet_header_normalize(a, na, sizeof(na)) == -1 ||
	    sheet_header_normalize(b, nb, sizeof(nb)) == -1)
		return (0);
	return (strcmp(na, nb) == 0);
}

/* Adds name to w's role names unless it is blank or there already. */
static int
add_role(struct roster_worker *w, const char *cell)
{
	char	**roles, *role;
	size_t	  i;

	if ((role = trimmed_dup(cell)) == NULL)
		return (-1);
	for (i = 0; i < w->nroles; i++) {
		if (same_name(w->roles[i], role))
			break;
	}
	if (role[0] == '\0' || i < w->nroles) {
		free(role);
		return (0);
	}
	if ((roles = reallocarray(w->roles, w->nroles + 1,
	    sizeof(*roles))) == NULL) {
		free(role);
		return (-1);
	}
	w->roles = roles;
	w->roles[w->nroles++] = role;
	return (0);
}

static void
worker_clear(struct roster_worker *w)
{
	size_t	i;

	free(w->nombre);
	free(w->apellido);
	free(w->rol);
	for (i = 0; i < w->nroles; i++)
		free(w->roles[i]);
	free(w->roles);
}

void
worker_roster_free(struct worker_roster *r)
{
	size_t	i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++)
		worker_clear(&r->w[i]);
	free(r->w);
	free(r->listed);
	strmap_free(r->byid);
	free(r);
}

/* Columns of t by header; -1 with err naming the first one missing. */
static int
find_columns(const struct sheet_table *t, const char *sheet,
    const char *const *headers, size_t n, long *cols, char *err,
    size_t errsz)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if ((cols[i] = sheet_table_column(t, headers[i])) < 0) {
			snprintf(err, errsz, "%s has no column '%s'", sheet,
			    headers[i]);
			return (-1);
		}
	}
	return (0);
}

/*
 * One roster entry per Trabajadores row with a new, valid id.  The
 * verdict comes from worker_lookup(), which scans both sheets per worker:
 * O(workers x rows), a few thousand steps for a floor of 50, once per
 * cache refresh, and one place that decides what a worker may do.
 */
static int
add_workers(struct worker_roster *r, const struct sheet_table *t,
    const struct sheet_table *roles, const long *col)
{
	struct roster_worker	*w;
	const char		*cell;
	char			 key[24];
	size_t			 i;
	long long		 id;
	int			 rc;

	for (i = 0; i < sheet_table_rows(t); i++) {
		cell = sheet_table_cell(t, i, col[T_ID]);
		if (blank(cell))
			continue;
		if ((id = worker_id_cell(cell)) < 0) {
			r->skipped++;
			continue;
		}
		snprintf(key, sizeof(key), "%lld", id);
		if ((rc = strmap_add(r->byid, key, strlen(key), r->n)) == -1)
			return (-1);
		if (rc == 1) {
			r->skipped++;		/* the first row wins */
			continue;
		}
		w = &r->w[r->n++];
		if (worker_lookup(t, roles, id, &w->who) == -1)
			return (-1);
		w->nombre = trimmed_dup(sheet_table_cell(t, i, col[T_NOMBRE]));
		w->apellido = trimmed_dup(sheet_table_cell(t, i,
		    col[T_APELLIDO]));
		w->rol = trimmed_dup(sheet_table_cell(t, i, col[T_ROL]));
		if (w->nombre == NULL || w->apellido == NULL || w->rol == NULL)
			return (-1);
	}
	return (0);
}

/* The names of the active Roles rows, and who Roles lists at all. */
static int
add_role_names(struct worker_roster *r, const struct sheet_table *t,
    const long *col)
{
	size_t		i, at;
	char		key[24];
	long long	id;

	for (i = 0; i < sheet_table_rows(t); i++) {
		id = worker_id_cell(sheet_table_cell(t, i, col[R_ID]));
		snprintf(key, sizeof(key), "%lld", id);
		if (id < 0 || !strmap_get(r->byid, key, strlen(key), &at))
			continue;
		r->listed[at] = 1;
		if (worker_activo_parse(sheet_table_cell(t, i,
		    col[R_ACTIVO])) == 1 &&
		    add_role(&r->w[at], sheet_table_cell(t, i, col[R_ROL])) ==
		    -1)
			return (-1);
	}
	return (0);
}

/* For workers Roles does not list, the roles their Rol grants. */
static int
add_rol_names(struct worker_roster *r)
{
	size_t		i;
	unsigned int	k;

	for (i = 0; i < r->n; i++) {
		if (r->listed[i])
			continue;
		for (k = 0; k < WORKER_ROLE_COUNT; k++) {
			if ((r->w[i].who.roles & (1u << k)) != 0 &&
			    add_role(&r->w[i], worker_role_name(k)) == -1)
				return (-1);
		}
	}
	return (0);
}

struct worker_roster *
worker_roster_build(const struct sheet_table *trabajadores,
    const struct sheet_table *roles, char *err, size_t errsz)
{
	struct worker_roster	*r;
	long			 tcol[T_COLS], rcol[R_COLS];
	size_t			 rows;

	if (find_columns(trabajadores, "Trabajadores", trabajadores_headers,
	    T_COLS, tcol, err, errsz) == -1)
		return (NULL);
	if (roles != NULL && find_columns(roles, "Roles", roles_headers,
	    R_COLS, rcol, err, errsz) == -1)
		return (NULL);
	rows = sheet_table_rows(trabajadores);
	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (rows > 0 && ((r->w = calloc(rows, sizeof(*r->w))) == NULL ||
	    (r->listed = calloc(rows, 1)) == NULL)) ||
	    (r->byid = strmap_new(rows)) == NULL ||
	    add_workers(r, trabajadores, roles, tcol) == -1 ||
	    (roles != NULL && add_role_names(r, roles, rcol) == -1) ||
	    add_rol_names(r) == -1) {
		snprintf(err, errsz, "worker roster: out of memory");
		worker_roster_free(r);
		return (NULL);
	}
	return (r);
}

size_t
worker_roster_count(const struct worker_roster *r)
{
	return (r->n);
}

const struct roster_worker *
worker_roster_at(const struct worker_roster *r, size_t i)
{
	return (i < r->n ? &r->w[i] : NULL);
}

const struct roster_worker *
worker_roster_find(const struct worker_roster *r, long long id)
{
	char	key[24];
	size_t	at;

	snprintf(key, sizeof(key), "%lld", id);
	if (!strmap_get(r->byid, key, strlen(key), &at))
		return (NULL);
	return (&r->w[at]);
}

size_t
worker_roster_skipped(const struct worker_roster *r)
{
	return (r->skipped);
}

void
worker_roster_write_json(const struct worker_roster *r, yajl_gen g)
{
	const struct roster_worker	*w;
	size_t				 i, k;
	long long			 total = 0;

	yajl_gen_map_open(g);
	json_key(g, "workers");
	yajl_gen_array_open(g);
	for (i = 0; i < r->n; i++) {
		w = &r->w[i];
		if (!w->who.activo)
			continue;
		total++;
		yajl_gen_map_open(g);
		json_kint(g, "id", w->who.id);
		json_kstr(g, "nombre", w->nombre);
		json_kstr(g, "apellido", w->apellido);
		json_kstr(g, "rol", w->rol);
		json_key(g, "roles");
		yajl_gen_array_open(g);
		for (k = 0; k < w->nroles; k++)
			json_str(g, w->roles[k]);
		yajl_gen_array_close(g);
		json_kbool(g, "activo", 1);
		json_kstr(g, "nombre_completo", w->who.nombre_completo);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	json_kint(g, "total", total);
	yajl_gen_map_close(g);
}

void
worker_roster_write_roles(const struct roster_worker *w, yajl_gen g)
{
	size_t	k;

	yajl_gen_map_open(g);
	json_kint(g, "worker_id", w->who.id);
	json_key(g, "roles");
	yajl_gen_array_open(g);
	for (k = 0; w->who.activo && k < w->nroles; k++)
		json_str(g, w->roles[k]);
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
}
