/*
 * What the emulator has been asked, for tests and benchmarks.
 */
#ifndef EMU_COUNTERS_H
#define EMU_COUNTERS_H

#include <stdint.h>

#include "jsonw.h"

enum call_kind {
	KIND_TOKEN,
	KIND_BATCH_GET,
	KIND_BATCH_GET_BY_FILTER,	/* values:batchGetByDataFilter */
	KIND_GET,
	KIND_BATCH_UPDATE,
	KIND_APPEND,
	KIND_UPDATE,
	KIND_CLEAR,
	KIND_BATCH_CLEAR,
	KIND_SS_GET,
	KIND_SS_BATCH_UPDATE,
	KIND_OTHER,		/* unknown Sheets method */
	KIND_COUNT
};

enum outcome {
	OUTCOME_OK,
	OUTCOME_4XX,		/* other than 429 */
	OUTCOME_429,
	OUTCOME_5XX,
	OUTCOME_INJECTED,	/* any answer chosen by fault injection */
	OUTCOME_COUNT
};

struct counters {
	uint64_t	calls[KIND_COUNT];
	uint64_t	outcomes[OUTCOME_COUNT];
	uint64_t	reads;		/* charged to the read quota */
	uint64_t	writes;		/* charged to the write quota */
	uint64_t	persist_failures;
	uint64_t	waiting;	/* held now for latency or a hang */
};

/* Whether Google counts the method as a write (else a read) request. */
int		 call_kind_is_write(enum call_kind);
enum outcome	 outcome_of_status(int status);
void		 counters_write_json(struct jw *, const struct counters *);

#endif
