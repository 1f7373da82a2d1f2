/*
 * A migration run: read the workbook, plan what is not recorded yet,
 * print the plan, and (unless it is a dry run) apply it in two calls.
 * See migrate.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "a1.h"
#include "migrate.h"
#include "poll_loop.h"
#include "sheets_client.h"

#define LOG_ROWS	100

/* In order: a migration may rely on the ones before it. */
static const struct migration *const	migrations[] = {
	&migration_001_operaciones_v3_columns,
	&migration_002_metadata_sheet,
	&migration_003_uniones,
};
#define NMIGRATIONS	(sizeof(migrations) / sizeof(migrations[0]))

static const char *const	log_header[] = {
	"Migration", "Applied_At", "Description",
};

/* A finished call, with what its callback took for itself. */
struct wait {
	int				done;
	enum sheets_error_class		class;
	char				error[MIGRATE_ERR_MAX];
	struct sheets_spreadsheet	sheets;
	struct sheets_value_ranges	ranges;
};

static void
on_call(void *arg, struct sheets_result *res)
{
	struct wait	*w = arg;

	w->done = 1;
	w->class = res->class;
	snprintf(w->error, sizeof(w->error), "%s", res->error);
	w->sheets = res->spreadsheet;
	memset(&res->spreadsheet, 0, sizeof(res->spreadsheet));
	w->ranges = res->value_ranges;
	memset(&res->value_ranges, 0, sizeof(res->value_ranges));
}

/* Waits for call id; -1 with err set unless it succeeded. */
static int
wait_for(const struct migrate_run *run, struct wait *w, uint64_t id,
    const char *what, char *err, size_t errsz)
{
	struct io_loop	*io = poll_loop_io(run->pl);

	if (id == 0)
		return (-1);		/* the call said why in err */
	while (!w->done) {
		poll_loop_run_once(run->pl, IO_LOOP_TICK_MS);
		sheets_client_tick(run->sc, io_loop_now(io));
	}
	if (w->class != SHEETS_OK) {
		snprintf(err, errsz, "%s: %s", what, w->error);
		return (-1);
	}
	return (0);
}

static void
state_free(struct wb_state *st)
{
	sheets_spreadsheet_free(&st->sheets);
	sheets_value_range_clear(&st->operaciones_header);
	sheets_value_range_clear(&st->metadata_header);
	sheets_value_range_clear(&st->uniones_header);
	sheets_value_range_clear(&st->log);
}

/* The sheets, and the header rows and log the migrations look at. */
static int
state_read(const struct migrate_run *run, struct wb_state *st, char *err,
    size_t errsz)
{
	struct sheets_value_range	*into[4];
	struct a1_area			 row1 = { 0, 1, 0, 1 };
	struct a1_area			 log_cols = { 1, 0, 3, 0 };
	struct wait			 w;
	const char			*ranges[4];
	char				 a1[4][A1_SHEET_NAME_SIZE + 16];
	size_t				 n = 0, i;
	int				 rc;

	memset(st, 0, sizeof(*st));
	st->operaciones = run->operaciones;
	st->metadata = run->metadata;
	st->uniones = run->uniones != NULL ? run->uniones : "Uniones";
	memset(&w, 0, sizeof(w));
	if (wait_for(run, &w, sheets_get_spreadsheet(run->sc,
	    run->timeout_ms, on_call, &w, err, errsz), "spreadsheets.get",
	    err, errsz) == -1)
		return (-1);
	st->sheets = w.sheets;
	if (sheets_spreadsheet_find(&st->sheets, run->operaciones) == NULL) {
		snprintf(err, errsz, "no sheet '%s' in the workbook",
		    run->operaciones);
		return (-1);
	}
	if (a1_format_range(a1[n], sizeof(a1[n]), run->operaciones,
	    &row1) == -1)
		goto bad_name;
	into[n++] = &st->operaciones_header;
	if (sheets_spreadsheet_find(&st->sheets, run->metadata) != NULL) {
		if (a1_format_range(a1[n], sizeof(a1[n]), run->metadata,
		    &row1) == -1)
			goto bad_name;
		into[n++] = &st->metadata_header;
	}
	if (sheets_spreadsheet_find(&st->sheets, st->uniones) != NULL) {
		if (a1_format_range(a1[n], sizeof(a1[n]), st->uniones,
		    &row1) == -1)
			goto bad_name;
		into[n++] = &st->uniones_header;
	}
	if (sheets_spreadsheet_find(&st->sheets, MIGRATIONS_SHEET) != NULL) {
		(void)a1_format_range(a1[n], sizeof(a1[n]), MIGRATIONS_SHEET,
		    &log_cols);
		into[n++] = &st->log;
	}
	for (i = 0; i < n; i++)
		ranges[i] = a1[i];
	memset(&w, 0, sizeof(w));
	rc = wait_for(run, &w, sheets_batch_get(run->sc, ranges, n,
	    SHEETS_RENDER_FORMATTED, run->timeout_ms, on_call, &w, err, errsz),
	    "values.batchGet", err, errsz);
	for (i = 0; rc == 0 && i < n && i < w.ranges.nranges; i++) {
		*into[i] = w.ranges.ranges[i];
		memset(&w.ranges.ranges[i], 0, sizeof(w.ranges.ranges[i]));
	}
	sheets_value_ranges_free(&w.ranges);
	return (rc);

bad_name:
	snprintf(err, errsz, "a sheet name cannot be written in A1 notation");
	return (-1);
}

/* When id was recorded, or NULL if it was not. */
static const char *
recorded(const struct wb_state *st, const char *id)
{
	const struct sheets_value_row	*row;
	size_t				 r;

	for (r = 0; r < st->log.nrows; r++) {
		row = &st->log.rows[r];
		if (row->ncells > 0 && strcmp(row->cells[0], id) == 0)
			return (row->ncells > 1 ? row->cells[1] : "");
	}
	return (NULL);
}

/* The records of pending, and the log sheet when there is none. */
static int
plan_records(const struct wb_state *st, struct plan *p,
    const struct migration *const *pending, size_t npending)
{
	const char	*cells[3];
	char		 when[32];
	time_t		 now = time(NULL);
	struct tm	 tm;
	unsigned int	 row;
	size_t		 i;

	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (sheets_spreadsheet_find(&st->sheets, MIGRATIONS_SHEET) == NULL &&
	    (plan_add_sheet(p, MIGRATIONS_SHEET, LOG_ROWS, 3, 1) == -1 ||
	    plan_step(p, "create the hidden sheet '%s'", MIGRATIONS_SHEET) ==
	    -1))
		return (-1);
	row = (unsigned int)st->log.nrows + 1;
	if (st->log.nrows == 0) {
		if (plan_write_row(p, MIGRATIONS_SHEET, 1, 1, log_header, 3) ==
		    -1)
			return (-1);
		row = 2;
	}
	for (i = 0; i < npending; i++) {
		cells[0] = pending[i]->id;
		cells[1] = when;
		cells[2] = pending[i]->description;
		if (plan_write_row(p, MIGRATIONS_SHEET, row + (unsigned int)i,
		    1, cells, 3) == -1 || plan_step(p, "record %s in '%s'",
		    pending[i]->id, MIGRATIONS_SHEET) == -1)
			return (-1);
	}
	return (0);
}

/* Every structural request of the plan in one spreadsheets.batchUpdate. */
static int
update_structure(const struct migrate_run *run, const struct plan *p,
    char *err, size_t errsz)
{
	struct wait	w;

	memset(&w, 0, sizeof(w));
	return (wait_for(run, &w, sheets_update_spreadsheet(run->sc,
	    (const char *const *)p->requests, p->nrequests, run->timeout_ms,
	    on_call, &w, err, errsz), "spreadsheets.batchUpdate", err,
	    errsz));
}

/* Every cell of the plan in one values.batchUpdate, as text. */
static int
write_cells(const struct migrate_run *run, const struct plan *p, char *err,
    size_t errsz)
{
	struct sheets_range_data	*data;
	struct sheets_row		*rows;
	struct sheets_cell		*cells;
	struct wait			 w;
	size_t				 i, k, n = 0;
	int				 rc;

	for (i = 0; i < p->nwrites; i++)
		n += p->writes[i].ncells;
	data = calloc(p->nwrites, sizeof(*data));
	rows = calloc(p->nwrites, sizeof(*rows));
	cells = calloc(n, sizeof(*cells));
	if (data == NULL || rows == NULL || cells == NULL) {
		free(data);
		free(rows);
		free(cells);
		snprintf(err, errsz, "out of memory");
		return (-1);
	}
	for (i = 0, n = 0; i < p->nwrites; i++) {
		rows[i].cells = &cells[n];
		rows[i].ncells = p->writes[i].ncells;
		for (k = 0; k < p->writes[i].ncells; k++, n++) {
			cells[n].kind = SHEETS_CELL_TEXT;
			cells[n].text = p->writes[i].cells[k];
		}
		data[i].range = p->writes[i].range;
		data[i].rows = &rows[i];
		data[i].nrows = 1;
	}
	memset(&w, 0, sizeof(w));
	rc = wait_for(run, &w, sheets_batch_update(run->sc, SHEETS_INPUT_RAW,
	    data, p->nwrites, run->timeout_ms, on_call, &w, err, errsz),
	    "values.batchUpdate", err, errsz);
	free(data);
	free(rows);
	free(cells);
	return (rc);
}

int
migrate(const struct migrate_run *run, char *err, size_t errsz)
{
	const struct migration	*pending[NMIGRATIONS];
	struct wb_state		 st;
	struct plan		 p;
	const char		*when;
	size_t			 i, k, npending = 0, from;
	int			 rc = -1;

	memset(&p, 0, sizeof(p));
	if (state_read(run, &st, err, errsz) == -1)
		goto out;
	fprintf(run->out, "spreadsheet %s\n", run->spreadsheet_id);
	for (i = 0; i < NMIGRATIONS; i++) {
		if ((when = recorded(&st, migrations[i]->id)) != NULL) {
			fprintf(run->out, "%s: applied %s\n",
			    migrations[i]->id, when);
			continue;
		}
		from = p.nsteps;
		if (migrations[i]->plan(&st, &p, err, errsz) == -1) {
			fprintf(run->out, "%s: cannot be applied\n",
			    migrations[i]->id);
			goto out;
		}
		for (k = from; k < p.nsteps; k++)
			fprintf(run->out, "%s: %s\n", migrations[i]->id,
			    p.steps[k]);
		pending[npending++] = migrations[i];
	}
	if (npending == 0) {
		fprintf(run->out, "nothing to do\n");
		rc = 0;
		goto out;
	}
	from = p.nsteps;
	if (plan_records(&st, &p, pending, npending) == -1) {
		snprintf(err, errsz, "out of memory");
		goto out;
	}
	for (k = from; k < p.nsteps; k++)
		fprintf(run->out, "log: %s\n", p.steps[k]);
	fprintf(run->out, "plan: %zu structural request(s), %zu range(s) of "
	    "cells\n", p.nrequests, p.nwrites);
	if (run->dry_run) {
		fprintf(run->out, "dry run: nothing was changed\n");
		rc = 0;
		goto out;
	}
	if (p.nrequests > 0 && update_structure(run, &p, err, errsz) == -1)
		goto out;
	if (write_cells(run, &p, err, errsz) == -1)
		goto out;
	for (i = 0; i < npending; i++)
		fprintf(run->out, "%s: applied\n", pending[i]->id);
	rc = 0;
out:
	plan_free(&p);
	state_free(&st);
	return (rc);
}
