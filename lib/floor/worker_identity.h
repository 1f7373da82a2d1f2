/*
 * Who a worker is and what they may do (data.md §3).
 *
 * The canonical label is nombre_completo: the upper-case first letter of
 * the first word of Nombre and of Apellido, then "(id)": Mauricio
 * Rodriguez, 93 -> "MR(93)"; Ángel Núñez, 7 -> "ÁN(7)".  It is what
 * Ocupado_Por, Armador, Soldador and Metadata hold, and the id comes back
 * out of it with \((\d+)\)$.  The server derives it from Trabajadores; a
 * client's worker_nombre is never trusted (data.md §8.7).
 *
 * Roles are granted per operation:
 *
 *	ARM		Armador, Ayudante
 *	SOLD		Soldador, Ayudante
 *	METROLOGIA	Metrologia
 *	REPARACION	any active worker
 *
 * Role names and Activo cells are typed by people, so both are read
 * tolerantly: case, accents, spaces and "_" do not matter.
 */
#ifndef ZEUES_WORKER_IDENTITY_H
#define ZEUES_WORKER_IDENTITY_H

#include <stddef.h>

struct sheet_table;

/* The operations of a spool; roles are granted per operation. */
enum operacion {
	OPERACION_ARM,
	OPERACION_SOLD,
	OPERACION_METROLOGIA,
	OPERACION_REPARACION,
	OPERACION_COUNT,
};

/* "ARM", "SOLD", "METROLOGIA", "REPARACION"; "" out of range. */
const char	*operacion_name(enum operacion);
/* The exact upper-case name (the API's spelling); -1 otherwise. */
int		 operacion_parse(const char *s, enum operacion *out);

#define WORKER_ROLE_ARMADOR	0x01u
#define WORKER_ROLE_SOLDADOR	0x02u
#define WORKER_ROLE_AYUDANTE	0x04u
#define WORKER_ROLE_METROLOGIA	0x08u
#define WORKER_ROLE_COUNT	4

/* The role bit of a role name ("armador", "METROLOGÍA" ...), or 0. */
unsigned int	 worker_role_parse(const char *name);
/* "Armador", "Soldador", "Ayudante", "Metrologia" for bit i (0..3). */
const char	*worker_role_name(unsigned int index);
/* 1 when roles include one allowed for op (REPARACION: always). */
int		 worker_role_allows(unsigned int roles, enum operacion op);
/* The allowed roles in Spanish, for messages: "Armador o Ayudante". */
const char	*worker_roles_required(enum operacion op);

/*
 * Activo as typed: TRUE/FALSE (and Sheets' Spanish VERDADERO/FALSO),
 * 1/0, Sí/Si/No, yes/no, activo/inactivo.  Returns 1, 0, or -1 when
 * unreadable (empty included), which callers treat as not active: a worker
 * or a role is only active when the sheet says so.
 */
int		 worker_activo_parse(const char *cell);

/* Ids are 1..18 digits everywhere: labels, cells and request bodies. */
#define WORKER_ID_DIGITS	18
#define WORKER_ID_MAX		999999999999999999LL
/* Two initials of up to 4 bytes plus a few accents, "(", 18 digits, ")". */
#define WORKER_NOMBRE_MAX	48

/*
 * Writes nombre_completo.  An initial is the first character of the first
 * word together with any combining accents after it (so a decomposed
 * "A\u0301ngel" keeps its accent), upper-cased for Latin letters.  A
 * missing Nombre or Apellido contributes no initial.  Returns 0, or -1
 * when id <= 0, both names are empty, or a name is not valid UTF-8.
 */
int		 worker_nombre_completo(const char *nombre,
		    const char *apellido, long long id,
		    char out[WORKER_NOMBRE_MAX]);

/* The id of "MR(93)" (trailing spaces allowed), or -1. */
long long	 worker_id_from_nombre(const char *s);
/* A cell holding an id: "93", spaces around allowed; -1 otherwise. */
long long	 worker_id_cell(const char *cell);

/* A worker as the occupation rules need them. */
struct worker {
	long long	id;
	char		nombre_completo[WORKER_NOMBRE_MAX];
	int		activo;
	unsigned int	roles;		/* WORKER_ROLE_* */
};

/*
 * Finds worker id in Trabajadores (Id, Nombre, Apellido, Rol, Activo) and
 * their roles in Roles (Id, Rol, Activo; several rows per worker).  When
 * Roles lists the worker at all, its active rows are the worker's roles,
 * so a role switched off there stays off; otherwise Trabajadores.Rol
 * gives them (a list separated by "," "/" or ";" counts as several).
 * roles may be NULL.  Returns 0, or -1 when the worker is not in
 * Trabajadores (404 WORKER_NO_ENCONTRADO) or the sheet lacks the Id column.
 */
int		 worker_lookup(const struct sheet_table *trabajadores,
		    const struct sheet_table *roles, long long id,
		    struct worker *out);

#endif
