/*
 * Call counters.
 */
#include "counters.h"

static const char *const kind_names[KIND_COUNT] = {
	"token", "batchGet", "batchGetByDataFilter", "get", "batchUpdate", "append", "update",
	"clear", "batchClear", "spreadsheets.get", "spreadsheets.batchUpdate",
	"other"
};

static const char *const outcome_names[OUTCOME_COUNT] = {
	"ok", "4xx", "429", "5xx", "injected"
};

int
call_kind_is_write(enum call_kind k)
{
	return (k == KIND_BATCH_UPDATE || k == KIND_APPEND ||
	    k == KIND_UPDATE || k == KIND_CLEAR || k == KIND_BATCH_CLEAR ||
	    k == KIND_SS_BATCH_UPDATE);
}

enum outcome
outcome_of_status(int status)
{
	if (status == 429)
		return (OUTCOME_429);
	if (status >= 500)
		return (OUTCOME_5XX);
	if (status >= 400)
		return (OUTCOME_4XX);
	return (OUTCOME_OK);
}

void
counters_write_json(struct jw *w, const struct counters *c)
{
	uint64_t	total = 0;
	int		i;

	jw_obj_open(w);
	jw_key(w, "calls");
	jw_obj_open(w);
	for (i = 0; i < KIND_COUNT; i++) {
		jw_kint(w, kind_names[i], (long long)c->calls[i]);
		total += c->calls[i];
	}
	jw_obj_close(w);
	jw_key(w, "outcomes");
	jw_obj_open(w);
	for (i = 0; i < OUTCOME_COUNT; i++)
		jw_kint(w, outcome_names[i], (long long)c->outcomes[i]);
	jw_obj_close(w);
	jw_kint(w, "reads", (long long)c->reads);
	jw_kint(w, "writes", (long long)c->writes);
	jw_kint(w, "total", (long long)total);
	jw_kint(w, "persist_failures", (long long)c->persist_failures);
	jw_kint(w, "waiting", (long long)c->waiting);
	jw_obj_close(w);
}
