/*
 * Per-minute request quotas of the one service account, in fixed windows:
 * a window opens with the first request after the previous one closed and
 * lasts 60 s ("buckets refill every minute").  A limit of 0 is unlimited.
 */
#ifndef EMU_QUOTA_H
#define EMU_QUOTA_H

#include <stdint.h>

#define QUOTA_WINDOW_MS		60000

struct quota_window {
	uint32_t	limit;
	uint32_t	used;
	uint64_t	start_ms;
};

struct quota {
	struct quota_window	read;
	struct quota_window	write;
};

void	quota_init(struct quota *, uint32_t reads, uint32_t writes);
/* Counts one request; 0 if the window is already full. */
int	quota_take(struct quota_window *, uint64_t now_ms);
/* Milliseconds until the window reopens (0 when not exhausted). */
uint64_t quota_reset_in(const struct quota_window *, uint64_t now_ms);

#endif
