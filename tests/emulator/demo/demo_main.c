/*
 * zeues-demo-gen: writes a demo workbook and a matching service-account
 * key for the Sheets emulator.
 *
 *   zeues-demo-gen --out DIR [--spools N] [--workers N] [--port P]
 *                  [--seed S] [--spreadsheet-id ID]
 *
 * DIR/workbook.json, DIR/service-account.json and DIR/spreadsheet-id are
 * the same bytes for the same options.
 */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demo_key.h"
#include "demo_rng.h"
#include "demo_sheet.h"
#include "demo_spools.h"
#include "demo_workers.h"
#include "fileio.h"
#include "jsonw.h"

#define SPOOLS_MAX	100000
#define ID_ALPHABET	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
			"0123456789-_"
#define WORKERS_MAX	1000

struct demo_opts {
	const char	*out;
	long		 spools;
	long		 workers;
	long		 port;
	unsigned long	 seed;
	char		 spreadsheet_id[64];
};

static void
usage(void)
{
	fprintf(stderr, "usage: zeues-demo-gen --out DIR [--spools N] "
	    "[--workers N] [--port P] [--seed S] [--spreadsheet-id ID]\n");
	exit(2);
}

static long
number(const char *s, long lo, long hi, const char *what)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < lo || v > hi) {
		fprintf(stderr, "zeues-demo-gen: %s must be in [%ld, %ld]\n",
		    what, lo, hi);
		exit(2);
	}
	return (v);
}

static void
parse_opts(int argc, char **argv, struct demo_opts *o)
{
	static const struct option	longopts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "spools", required_argument, NULL, 'n' },
		{ "workers", required_argument, NULL, 'w' },
		{ "port", required_argument, NULL, 'p' },
		{ "seed", required_argument, NULL, 's' },
		{ "spreadsheet-id", required_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 }
	};
	int				ch;

	memset(o, 0, sizeof(*o));
	o->spools = 2000;
	o->workers = 50;
	o->port = 8090;
	o->seed = 1;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'o':
			o->out = optarg;
			break;
		case 'n':
			o->spools = number(optarg, 1, SPOOLS_MAX, "--spools");
			break;
		case 'w':
			o->workers = number(optarg, 1, WORKERS_MAX,
			    "--workers");
			break;
		case 'p':
			o->port = number(optarg, 1, 65535, "--port");
			break;
		case 's':
			o->seed = (unsigned long)number(optarg, 0, LONG_MAX,
			    "--seed");
			break;
		case 'i':
			if (optarg[0] == '\0' || strlen(optarg) >=
			    sizeof(o->spreadsheet_id) ||
			    strspn(optarg, ID_ALPHABET) != strlen(optarg)) {
				fprintf(stderr, "zeues-demo-gen: bad "
				    "--spreadsheet-id\n");
				exit(2);
			}
			(void)snprintf(o->spreadsheet_id,
			    sizeof(o->spreadsheet_id), "%s", optarg);
			break;
		default:
			usage();
		}
	}
	if (o->out == NULL || optind != argc)
		usage();
}

/* Looks like a real id: 44 characters of the URL-safe alphabet. */
static void
make_spreadsheet_id(struct demo_rng *rng, char *out, size_t len)
{
	static const char	alphabet[] = ID_ALPHABET;
	size_t			i;

	if (len < 45)
		return;
	out[0] = '1';
	for (i = 1; i < 44; i++)
		out[i] = alphabet[demo_rng_below(rng, 64)];
	out[44] = '\0';
}

/* Large ids like Google's, so clients never assume 0, 1, 2... */
static int
sheet_id(struct demo_rng *rng, int band)
{
	return (100000000 + band * 600000000 +
	    (int)demo_rng_below(rng, 600000000));
}

static void
write_metadata(struct jw *w, int id)
{
	static const char *const	cols[] = { "ID", "Timestamp",
	    "Evento_Tipo", "TAG_SPOOL", "Worker_ID", "Worker_Nombre",
	    "Operacion", "Accion", "Fecha_Operacion", "Metadata_JSON",
	    "N_UNION" };
	size_t				i;

	demo_sheet_open(w, "Metadata", id, 1000, 26);
	jw_arr_open_inline(w);
	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		jw_str(w, cols[i]);
	jw_arr_close(w);
	demo_sheet_close(w);
}

static int
write_workbook(const char *path, const struct demo_opts *o,
    struct demo_rng *rng, const char *id)
{
	struct demo_workers	 ws;
	struct demo_unions	 un;
	struct jw		 w;
	char			*text;
	size_t			 len;
	int			 rc, ids[3];

	if (demo_workers_make(&ws, (size_t)o->workers, rng) == -1)
		return (-1);
	/* Distinct by construction: each draw comes from its own band. */
	ids[0] = sheet_id(rng, 0);
	ids[1] = sheet_id(rng, 1);
	ids[2] = sheet_id(rng, 2);

	jw_init(&w, JW_PRETTY);
	jw_obj_open(&w);
	jw_kstr(&w, "spreadsheetId", id);
	jw_kstr(&w, "title", "ZEUES Demo");
	jw_kstr(&w, "locale", "es_CL");
	jw_kstr(&w, "timeZone", "America/Santiago");
	jw_key(&w, "sheets");
	jw_arr_open(&w);
	demo_unions_init(&un, o->seed, (size_t)o->spools);
	if (demo_write_operaciones(&w, (size_t)o->spools, &ws, rng, 0,
	    &un) == -1) {
		demo_unions_free(&un);
		demo_workers_free(&ws);
		jw_free(&w);
		errno = ENOMEM;
		return (-1);
	}
	demo_write_trabajadores(&w, &ws, ids[0]);
	demo_write_roles(&w, &ws, ids[1]);
	write_metadata(&w, ids[2]);
	/* Below the other bands, from the unions' stream: ids stay put. */
	demo_write_uniones(&w, &un, 50000000 +
	    (int)demo_rng_below(&un.rng, 50000000));
	demo_unions_free(&un);
	jw_arr_close(&w);
	jw_obj_close(&w);
	demo_workers_free(&ws);
	if ((text = jw_finish(&w, &len)) == NULL) {
		errno = ENOMEM;
		return (-1);
	}
	rc = file_write_atomic(path, text, len, 0644);
	free(text);
	return (rc);
}

static void
out_path(char *buf, size_t len, const char *dir, const char *name)
{
	if ((size_t)snprintf(buf, len, "%s/%s", dir, name) >= len) {
		fprintf(stderr, "zeues-demo-gen: path too long\n");
		exit(1);
	}
}

int
main(int argc, char **argv)
{
	struct demo_opts	o;
	struct demo_rng		data_rng, key_rng;
	char			path[PATH_MAX], id[64], line[80], err[256];

	parse_opts(argc, argv, &o);
	if (mkdir(o.out, 0755) == -1 && errno != EEXIST) {
		fprintf(stderr, "zeues-demo-gen: %s: %s\n", o.out,
		    strerror(errno));
		return (1);
	}
	/* Separate streams: the key does not change with --spools. */
	demo_rng_seed(&data_rng, o.seed);
	demo_rng_seed(&key_rng, o.seed ^ 0x5a5a5a5a5a5a5a5aull);

	if (o.spreadsheet_id[0] != '\0')
		(void)snprintf(id, sizeof(id), "%s", o.spreadsheet_id);
	else
		make_spreadsheet_id(&key_rng, id, sizeof(id));

	out_path(path, sizeof(path), o.out, "workbook.json");
	if (write_workbook(path, &o, &data_rng, id) == -1) {
		fprintf(stderr, "zeues-demo-gen: %s: %s\n", path,
		    strerror(errno));
		return (1);
	}
	out_path(path, sizeof(path), o.out, "service-account.json");
	if (demo_key_write(path, &key_rng, (int)o.port, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "zeues-demo-gen: %s\n", err);
		return (1);
	}
	out_path(path, sizeof(path), o.out, "spreadsheet-id");
	(void)snprintf(line, sizeof(line), "%s\n", id);
	if (file_write_atomic(path, line, strlen(line), 0644) == -1) {
		fprintf(stderr, "zeues-demo-gen: %s: %s\n", path,
		    strerror(errno));
		return (1);
	}
	printf("spreadsheet_id=%s\nspools=%ld\nworkers=%ld\ncolumns=%d\n"
	    "token_uri=http://127.0.0.1:%ld/token\nclient_email=%s\n", id,
	    o.spools, o.workers, demo_spool_columns(), o.port,
	    DEMO_CLIENT_EMAIL);
	return (0);
}
