/*
 * Writing values: a plan is checked completely before any cell changes,
 * so a batch can be refused as a whole.
 */
#ifndef EMU_WRITE_PLAN_H
#define EMU_WRITE_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include <yajl/yajl_tree.h>

#include "api.h"
#include "value_range.h"

/* Values to be written at an anchor cell, validated before any change. */
struct write_plan {
	struct target		 t;
	yajl_val		 values;	/* array or NULL */
	int			 columns;	/* majorDimension COLUMNS */
	enum value_input	 input;
	uint32_t		 r0, c0;	/* anchor */
	uint32_t		 nrows, ncols;	/* extent in sheet terms */
	uint32_t		 upd_rows, upd_cols, upd_cells;
};

/* Options every write takes; the input option may come from the body. */
struct write_options {
	enum value_input	input;
	int			include_values;
	enum value_render	render;
};

/* The members a ValueRange request object may have. */
extern const char *const value_range_keys[];

/* Reads valueInputOption etc.; on failure replies 400 and returns -1. */
int	write_options_parse(struct api_ctx *, const char *input,
	    const char *include, const char *render, struct write_options *);
/*
 * Fills a plan from a ValueRange object and a range text, checking the
 * values' shape; the anchor is the range's first cell.  0, or -1 with msg.
 */
int	plan_from_value_range(const struct workbook *, const char *range,
	    yajl_val, enum value_input, struct write_plan *, char *msg,
	    size_t msglen);
/* values.update rules: range inside the grid, data inside the range. */
int	plan_check_bounds(const struct write_plan *, char *msg, size_t msglen);
/* The cells the plan writes (the anchor alone when there is no data). */
struct grid_rect plan_rect(const struct write_plan *);
/* Writes the cells; -1 only when out of memory. */
int	plan_apply(struct write_plan *);
/* UpdateValuesResponse for a plan that was applied. */
void	write_update_response(struct jw *, const struct workbook *,
	    const struct write_plan *, int include_values, enum value_render);

#endif
