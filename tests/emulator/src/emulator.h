/*
 * The emulator's state: one instance per Kore worker (run it with one
 * worker, so there is one workbook).
 */
#ifndef EMU_EMULATOR_H
#define EMU_EMULATOR_H

#include <sys/queue.h>

#include <stdint.h>

#include "counters.h"
#include "emu_config.h"
#include "faults.h"
#include "quota.h"
#include "sa_key.h"
#include "token_store.h"
#include "workbook.h"

struct emu_call;
struct http_request;

TAILQ_HEAD(emu_call_list, emu_call);

struct emulator {
	struct emu_config	 cfg;
	struct workbook		*wb;
	struct sa_key		 key;
	struct token_store	 tokens;
	struct quota		 quota;
	struct faults		 faults;
	struct counters		 counters;
	/* Requests sleeping for injected latency or a hang. */
	struct emu_call_list	 waiting;
};

extern struct emulator	*emu;

/* The one Kore route: every path goes through it (kore_http.c). */
int	emu_handle(struct http_request *);
/* Wakes the waiting requests that are due (kore_http.c). */
void	emu_wake_due(uint64_t now_ms);

#endif
