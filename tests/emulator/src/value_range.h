/*
 * Ranges of a request resolved against the workbook, the grid checks Google
 * makes on them, and ValueRange output.
 */
#ifndef EMU_VALUE_RANGE_H
#define EMU_VALUE_RANGE_H

#include <stddef.h>
#include <stdint.h>

#include "a1.h"
#include "cell.h"
#include "jsonw.h"
#include "workbook.h"

#define RANGE_TEXT_MAX	1024
#define MSG_MAX		1024

/* A request range resolved against the workbook. */
struct target {
	struct sheet		*sh;
	struct a1_range		 a1;
	struct grid_rect	 rect;	/* open ends are the grid's edges */
};

/* Same order as enum value_render. */
extern const char *const value_render_names[];

static inline uint32_t
min_u32(uint32_t a, uint32_t b)
{
	return (a < b ? a : b);
}

/* 0, or -1 with Google's "Unable to parse range" message in msg. */
int	target_resolve(const struct workbook *, const char *text,
	    struct target *, char *msg, size_t msglen);
/* The range as the request gave it, for error messages. */
void	target_text(const struct target *, char *, size_t);
/* The requested range must lie inside the grid; 0 or -1 with msg. */
int	target_check(const struct target *, char *msg, size_t msglen);
/* g must lie inside the grid; name is what the message calls it. */
int	grid_check(const struct sheet *, const struct grid_rect *g,
	    const char *name, char *msg, size_t msglen);

/* "key": "Sheet!A1:B2" */
void	write_range_key(struct jw *, const char *key, const struct sheet *,
	    const struct grid_rect *);
/* {"range","majorDimension","values"} with Google's trimming. */
void	write_value_range(struct jw *, const struct sheet *,
	    const struct grid_rect *, int columns, enum value_render);

#endif
