/*
 * The workbook file: JSON described in tests/emulator/README.md.
 */
#ifndef EMU_WORKBOOK_FILE_H
#define EMU_WORKBOOK_FILE_H

#include <stddef.h>

#include "workbook.h"

#define WORKBOOK_FILE_MAX	(512u * 1024 * 1024)

/* On failure NULL is returned and err says why. */
struct workbook	*workbook_from_json(const char *, char *err, size_t errlen);
struct workbook	*workbook_load(const char *path, char *err, size_t errlen);

/* Pretty JSON with one row per line (caller frees); NULL on ENOMEM. */
char		*workbook_to_json(const struct workbook *, size_t *lenp);
/* Atomic replace of path; -1 with errno on failure. */
int		 workbook_save(const struct workbook *, const char *path);

#endif
