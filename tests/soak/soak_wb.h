/*
 * The workbook as the emulator holds it (tests/emulator/README.md, "Workbook
 * file"): GET <emulator>/admin/workbook, or a file in that format.
 */
#ifndef ZEUES_SOAK_WB_H
#define ZEUES_SOAK_WB_H

#include <yajl/yajl_tree.h>

/* The parsed workbook, or NULL; free with yajl_tree_free. */
yajl_val	 wb_fetch(struct soak *);
const char	*wb_source(struct soak *);
/* The sheet titled title (case-insensitive), or NULL. */
yajl_val	 wb_sheet(yajl_val wb, const char *title);
/* Its "rows" array, or NULL. */
yajl_val	 wb_rows(yajl_val sheet);
/* Column index of a header in row 1 (normalized compare), or -1. */
int		 wb_col(yajl_val sheet, const char *header);
/* Rows after the header with at least one non-empty cell. */
long		 wb_data_rows(yajl_val sheet);

#endif
