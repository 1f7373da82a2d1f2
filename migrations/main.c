/*
 * zeues-migrate: applies the workbook migrations (data.md §7) that the
 * workbook has not recorded yet.  With --dry-run it prints the plan and
 * changes nothing.
 *
 * It reads the server's own settings (lib/config/sheets_config.h):
 * GOOGLE_SHEET_ID, SHEETS_API_BASE_URL, GOOGLE_APPLICATION_CREDENTIALS (a
 * path) or GOOGLE_APPLICATION_CREDENTIALS_JSON (the contents), the sheet
 * names HOJA_OPERACIONES_NOMBRE and HOJA_METADATA_NOMBRE, and
 * SHEETS_CALL_TIMEOUT_MS.  It is a command, so waiting on its own poll
 * loop is fine.  Its few calls (at most 2 reads and 2 writes) do not go
 * through the server's shared rate limiter: run it when the floor is
 * quiet, before starting the server on a new workbook.
 *
 * Exit status: 0 done (or nothing to do), 1 the migration failed, 2 bad
 * usage or configuration.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migrate.h"
#include "poll_loop.h"
#include "sheets_client.h"
#include "sheets_config.h"

static void
usage(FILE *f)
{
	fprintf(f, "usage: zeues-migrate [--dry-run]\n"
	    "  applies the workbook migrations not recorded in the "
	    "workbook's '%s' sheet\n"
	    "  --dry-run, -n   print the plan and change nothing\n"
	    "  settings come from the environment: GOOGLE_SHEET_ID, "
	    "SHEETS_API_BASE_URL,\n"
	    "  GOOGLE_APPLICATION_CREDENTIALS or "
	    "GOOGLE_APPLICATION_CREDENTIALS_JSON,\n"
	    "  HOJA_OPERACIONES_NOMBRE, HOJA_METADATA_NOMBRE, "
	    "SHEETS_CALL_TIMEOUT_MS\n", MIGRATIONS_SHEET);
}

static const char *
env_get(const char *name)
{
	return (getenv(name));
}

int
main(int argc, char *argv[])
{
	static const struct option	 longopts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct sheets_config		 cfg;
	struct sheets_client_config	 ccfg;
	struct migrate_run		 run;
	struct poll_loop		*pl = NULL;
	struct sheets_client		*sc = NULL;
	char				 err[MIGRATE_ERR_MAX];
	int				 ch, dry_run = 0, status = 1;

	while ((ch = getopt_long(argc, argv, "nh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			dry_run = 1;
			break;
		case 'h':
			usage(stdout);
			return (0);
		default:
			usage(stderr);
			return (2);
		}
	}
	if (optind != argc) {
		usage(stderr);
		return (2);
	}
	if (sheets_config_load(&cfg, env_get, err, sizeof(err)) == -1) {
		fprintf(stderr, "zeues-migrate: %s\n", err);
		return (2);
	}
	if (!cfg.configured) {
		fprintf(stderr, "zeues-migrate: GOOGLE_SHEET_ID is not set\n");
		sheets_config_clear(&cfg);
		return (2);
	}

	sheets_client_config_defaults(&ccfg);
	ccfg.base_url = cfg.base_url;
	ccfg.spreadsheet_id = cfg.spreadsheet_id;
	ccfg.attempt_timeout_ms = (uint64_t)cfg.call_timeout_ms;
	if ((pl = poll_loop_new()) == NULL ||
	    (sc = sheets_client_new(poll_loop_io(pl), cfg.account, &ccfg, err,
	    sizeof(err))) == NULL) {
		fprintf(stderr, "zeues-migrate: %s\n", pl == NULL ?
		    "out of memory" : err);
		goto out;
	}
	memset(&run, 0, sizeof(run));
	run.pl = pl;
	run.sc = sc;
	run.spreadsheet_id = cfg.spreadsheet_id;
	run.operaciones = cfg.operaciones;
	run.metadata = cfg.metadata;
	run.uniones = cfg.uniones;
	/* A call's retries get twice an attempt's time. */
	run.timeout_ms = 2 * (uint64_t)cfg.call_timeout_ms;
	run.dry_run = dry_run;
	run.out = stdout;
	if (migrate(&run, err, sizeof(err)) == -1) {
		fflush(stdout);
		fprintf(stderr, "zeues-migrate: %s\n", err);
		goto out;
	}
	status = 0;
out:
	sheets_client_free(sc);
	poll_loop_free(pl);
	sheets_config_clear(&cfg);
	return (status);
}
