/*
 * The Sheets emulator for the Sheets adapter's integration tests, on top
 * of emulator.h: its admin API (faults, counters, the workbook as it is
 * now), reading cells of that workbook, replacing the demo workbook, and a
 * sheets_client pointed at the emulator.
 */
#ifndef ZEUES_TEST_EMULATOR_FIXTURE_H
#define ZEUES_TEST_EMULATOR_FIXTURE_H

#include <stddef.h>

#include <yajl/yajl_tree.h>

#include "emulator.h"

struct io_loop;
struct service_account;
struct sheets_client;

struct emu {
	struct test_emulator	te;
	char			spreadsheet_id[128];
	char			base[64];
	char			key[600];
	char			workbook[600];
};

/* A whole file as a string (caller frees), or NULL. */
char		*emu_slurp(const char *path);

/* Demo data and the emulator on it (flags: extra run-emulator.sh flags). */
int		 emu_start(struct emu *, int spools, int workers,
		    const char *const flags[]);
/* -1 when the emulator's log shows a sanitizer report. */
int		 emu_stop(struct emu *);
/* Restarts the emulator on text as its workbook (same spreadsheet id). */
int		 emu_restart_with(struct emu *, const char *text);

/* An admin call; the parsed JSON answer (caller frees) or NULL. */
yajl_val	 emu_admin(const struct emu *, const char *method,
		    const char *path, const char *body);
int		 emu_faults(const struct emu *, const char *json);
void		 emu_reset_counters(const struct emu *);
/* A counter, e.g. emu_counter(e, "calls", "batchUpdate", NULL). */
long long	 emu_counter(const struct emu *, ...);
/* The workbook as the emulator holds it now (caller frees). */
yajl_val	 emu_workbook(const struct emu *);

/* The sheet object titled title in a workbook, or NULL. */
yajl_val	 emu_sheet(yajl_val wb, const char *title);
size_t		 emu_nrows(yajl_val sheet);
/*
 * Cell (row, col), both 0-based, as text: strings as they are, integers
 * in decimal, booleans TRUE/FALSE, "" for empty.  buf holds numbers.
 */
const char	*emu_cell(yajl_val sheet, size_t row, size_t col, char *buf,
		    size_t len);
/* 0-based column of header in row 1 of sheet, or -1. */
long		 emu_column(yajl_val sheet, const char *header);

/* The demo service account; caller frees with service_account_free. */
struct service_account	*emu_account(const struct emu *);
/* A client of the emulator with quick retries (tests must be short). */
struct sheets_client	*emu_client(const struct emu *, struct io_loop *);

#endif
