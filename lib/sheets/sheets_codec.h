/*
 * JSON bodies of the Sheets API v4 calls the adapter makes, and parsing of
 * their responses (notes/google-sheets-v4.md, A3):
 *
 *	values.batchUpdate	sheets_encode_batch_update / _parse_batch_update
 *	values.append		sheets_encode_append / sheets_parse_append
 *	values.batchGet		sheets_parse_batch_get
 *	values.batchGetByDataFilter sheets_parse_filtered_reply
 *	spreadsheets.get	sheets_parse_spreadsheet
 *	spreadsheets.batchUpdate sheets_encode_update_spreadsheet,
 *				sheets_encode_append_dimension
 *
 * Everything read from a response is bounded by a struct sheets_limits, so
 * a runaway sheet fails cleanly instead of exhausting a worker's memory.
 * Errors are returned as -1 with a message in err that names what was wrong
 * and never quotes cell contents.
 */
#ifndef ZEUES_SHEETS_CODEC_H
#define ZEUES_SHEETS_CODEC_H

#include <stddef.h>

#include "a1.h"

/* Google's own ceiling: 50,000 characters per cell, up to 4 bytes each. */
#define SHEETS_MAX_CELL_BYTES	(50000 * 4)
#define SHEETS_MAX_SHEETS	1000
/* A range as echoed: a quoted title with every ' doubled, then an area. */
#define SHEETS_RANGE_MAX_BYTES	(A1_SHEET_NAME_SIZE * 2 + 32)

struct sheets_limits {
	size_t	max_ranges;		/* value ranges per call */
	size_t	max_rows;		/* rows per value range */
	size_t	max_cells_per_row;
	size_t	max_cell_bytes;		/* bytes of one cell's text */
	size_t	max_cells;		/* per reply; 0: no limit of its own */
};

/*
 * Defaults sized for the workbook in spec/data.md (Operaciones: up to
 * 10,000 rows of ~72 columns) with room to grow.  The HTTP client's
 * response cap bounds a whole response on top of these; the cells of one
 * reply are capped so that parsing one costs tens of MB at most (each
 * cell is a pointer and an allocation), whatever its bytes hold.  A
 * bigger sheet is read in pieces (sheet_chunks.h).
 */
#define SHEETS_MAX_CELLS_PER_REPLY	1500000
#define SHEETS_LIMITS_DEFAULT_INIT	{ 64, 200000, 1024, \
	SHEETS_MAX_CELL_BYTES, SHEETS_MAX_CELLS_PER_REPLY }

enum sheets_value_input {
	SHEETS_INPUT_RAW,		/* stored exactly as sent */
	SHEETS_INPUT_USER_ENTERED,	/* parsed as if typed: dates, "=..." */
};

enum sheets_dimension {
	SHEETS_DIM_ROWS,
	SHEETS_DIM_COLUMNS,
};

/* One cell of a write. */
enum sheets_cell_kind {
	SHEETS_CELL_SKIP,	/* JSON null: the cell is left as it is */
	SHEETS_CELL_TEXT,	/* literal text, never a formula or date */
	SHEETS_CELL_ENTERED,	/* text parsed as typed under USER_ENTERED */
	SHEETS_CELL_NUMBER,	/* finite double */
	SHEETS_CELL_BOOL,
};

/*
 * Under USER_ENTERED a non-empty SHEETS_CELL_TEXT is sent with a leading
 * apostrophe, which Sheets takes as "this is text" and does not store: a
 * name or tag starting with "=", "+" or "-" cannot become a formula.  Under
 * RAW both text kinds are sent unchanged.  "" clears the cell either way.
 */
struct sheets_cell {
	enum sheets_cell_kind	 kind;
	const char		*text;		/* TEXT, ENTERED: UTF-8 */
	double			 number;	/* NUMBER */
	int			 boolean;	/* BOOL */
};

struct sheets_row {
	const struct sheets_cell	*cells;
	size_t				 ncells;
};

/* A range and the rows to write into it. */
struct sheets_range_data {
	const char		*range;		/* A1, see a1.h */
	const struct sheets_row	*rows;
	size_t			 nrows;
};

/*
 * Request bodies.  Each returns a NUL-terminated buffer to free(3) and its
 * length in *lenp, or NULL with err set.
 */
char	*sheets_encode_batch_update(enum sheets_value_input input,
	    const struct sheets_range_data *data, size_t ndata,
	    const struct sheets_limits *lim, size_t *lenp, char *err,
	    size_t errsz);
/* The ValueRange body of values.append (input option goes in the URL). */
char	*sheets_encode_append(enum sheets_value_input input,
	    const struct sheets_range_data *data,
	    const struct sheets_limits *lim, size_t *lenp, char *err,
	    size_t errsz);
/*
 * {"requests":[r0,r1,...]}: the requests are JSON objects already (any
 * Request spreadsheets.batchUpdate takes: addSheet, appendDimension...),
 * copied as they are.
 */
char	*sheets_encode_update_spreadsheet(const char *const *requests,
	    size_t nrequests, size_t *lenp, char *err, size_t errsz);
/* {"requests":[{"appendDimension":{sheetId, dimension, length}}]} */
char	*sheets_encode_append_dimension(long long sheet_id,
	    enum sheets_dimension dim, unsigned int length, size_t *lenp,
	    char *err, size_t errsz);

/*
 * A value range as read.  Rows are ragged: a row ends at its last non-empty
 * cell, and trailing empty rows are absent.  Every cell is text: strings as
 * they are, numbers in their JSON spelling, booleans as "TRUE"/"FALSE".
 * Cells are strict UTF-8 (utf8.h): a string that is not (a JSON "\udc00"
 * decodes to the lone surrogate ED B0 80) gets U+FFFD for its bad bytes
 * as it is parsed, so every route shows, compares and keys the same text
 * and writing a range out again (cache_snapshot.h) keeps it.  A range is
 * refused unless it is UTF-8 without NUL.
 */
struct sheets_value_row {
	char	**cells;
	size_t	  ncells;
};

struct sheets_value_range {
	char			*range;		/* as echoed by the API */
	struct sheets_value_row	*rows;
	size_t			 nrows;
};

struct sheets_value_ranges {
	struct sheets_value_range	*ranges;	/* request order */
	size_t				 nranges;
};

/*
 * values.batchGet.  A value range without "values" has no rows.  Parsed
 * as it streams (sheets_batch_get.c), with every limit checked per cell:
 * body needs no NUL terminator, and any bytes are safe to hand it.
 */
int	sheets_parse_batch_get(const char *body, size_t len,
	    const struct sheets_limits *lim, struct sheets_value_ranges *out,
	    char *err, size_t errsz);
/*
 * The reply of values.batchGetByDataFilter as it came, parsed by the same
 * streaming parser with the same limits: answer i's value range is
 * out->ranges[i], and echo->answers[i] holds the a1Range of each data
 * filter it says it matched.  sheets_data_filter.h puts the answers back
 * in request order.  On failure both are left empty.
 */
struct sheets_filter_answer {
	char	**a1;
	size_t	  na1;
};

struct sheets_filter_echo {
	struct sheets_filter_answer	*answers;
	size_t				 nanswers;
};

int	sheets_parse_filtered_reply(const char *body, size_t len,
	    const struct sheets_limits *lim, struct sheets_value_ranges *out,
	    struct sheets_filter_echo *echo, char *err, size_t errsz);
void	sheets_filter_echo_free(struct sheets_filter_echo *echo);
void	sheets_value_ranges_free(struct sheets_value_ranges *vrs);
void	sheets_value_range_clear(struct sheets_value_range *vr);

/* UpdateValuesResponse; counts the API left out are 0. */
struct sheets_update_result {
	char		*updated_range;		/* "" if absent */
	long long	 updated_rows;
	long long	 updated_columns;
	long long	 updated_cells;
};

struct sheets_batch_update_result {
	long long			 total_updated_rows;
	long long			 total_updated_columns;
	long long			 total_updated_cells;
	long long			 total_updated_sheets;
	struct sheets_update_result	*responses;	/* one per data[] */
	size_t				 nresponses;
};

int	sheets_parse_batch_update(const char *body, size_t len,
	    const struct sheets_limits *lim,
	    struct sheets_batch_update_result *out, char *err, size_t errsz);
void	sheets_batch_update_result_free(struct sheets_batch_update_result *r);

/* AppendValuesResponse. */
struct sheets_append_result {
	char				*table_range;	/* "" if no table */
	struct sheets_update_result	 updates;
	unsigned int			 first_row;	/* first row written */
	unsigned int			 last_row;
};

/* Fails unless updates.updatedRange names the rows that were written. */
int	sheets_parse_append(const char *body, size_t len,
	    struct sheets_append_result *out, char *err, size_t errsz);
void	sheets_append_result_free(struct sheets_append_result *r);

/* spreadsheets.get: sheets[].properties. */
struct sheets_sheet {
	long long	 sheet_id;
	char		*title;
	long long	 index;
	long long	 row_count;
	long long	 column_count;
};

struct sheets_spreadsheet {
	struct sheets_sheet	*sheets;
	size_t			 nsheets;
};

int	sheets_parse_spreadsheet(const char *body, size_t len,
	    struct sheets_spreadsheet *out, char *err, size_t errsz);
void	sheets_spreadsheet_free(struct sheets_spreadsheet *ss);
/* The sheet with exactly this title, or NULL. */
const struct sheets_sheet *sheets_spreadsheet_find(
	    const struct sheets_spreadsheet *ss, const char *title);

#endif
