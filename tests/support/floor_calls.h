/*
 * The floor as the metrología and reparación tests drive and inspect it:
 * a POST and its error code, a list and whether a tag is in it, a worker
 * of a role, the emulator's workbook (a spool's cells, its audit rows)
 * and a Redis value, each in one call.
 */
#ifndef ZEUES_TEST_FLOOR_CALLS_H
#define ZEUES_TEST_FLOOR_CALLS_H

#include <stddef.h>

#include <yajl/yajl_tree.h>

#include "emulator_fixture.h"

/*
 * POSTs body to base + path; returns the status (-1: no answer), with
 * the "error" code in code ("" on success) and the parsed answer in *json
 * when json is not NULL (free it with yajl_tree_free).
 */
long	floor_post(const char *base, const char *path, const char *body,
	    char *code, size_t codelen, yajl_val *json);
/* The GET's parsed answer when it is 200, else NULL. */
yajl_val floor_get(const char *base, const char *path);
/* The element of answer.spools whose tag_spool is tag, or NULL. */
yajl_val floor_listed(yajl_val answer, const char *tag);

/*
 * The id of an active worker of /api/workers with role and without
 * without_role (NULL: any), skipping the first `skip` matches; 0 if none.
 */
long long floor_worker(const char *base, const char *role,
	    const char *without_role, int skip);
/* An inactive worker of Trabajadores, or 0. */
long long floor_inactive_worker(const struct emu *);

struct floor_wb {
	yajl_val	root;
	yajl_val	ops;
	yajl_val	meta;
};

int	floor_wb_load(const struct emu *, struct floor_wb *);
void	floor_wb_free(struct floor_wb *);
/* The spool's cell under header, copied into buf ("" if none). */
const char *floor_cell(const struct floor_wb *, const char *tag,
	    const char *header, char *buf, size_t len);
/*
 * The Metadata rows of tag (only those of evento when not NULL); the last
 * one's Metadata_JSON and Worker_ID are copied into json and worker.
 */
size_t	floor_audits(const struct floor_wb *, const char *tag,
	    const char *evento, char *json, size_t jsonlen, char *worker,
	    size_t workerlen);
/* Every tag of a v3 spool of Operaciones (no unions, so TOMAR takes it)
 * whose cells under the headers are set (1) or empty (0) as asked, up to
 * max; returns how many. */
size_t	floor_spools_where(const struct floor_wb *, const char *set1,
	    const char *set2, const char *empty1, const char *empty2,
	    char tags[][80], size_t max);

/* A redis-cli answer without its trailing newline (free it). */
char	*floor_redis(int port, const char *args);

#endif
