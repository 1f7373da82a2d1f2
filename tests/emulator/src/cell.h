/*
 * One cell value as the emulator stores it, and the two conversions the API
 * needs: from request JSON (valueInputOption) and to response JSON
 * (valueRenderOption).
 */
#ifndef EMU_CELL_H
#define EMU_CELL_H

#include <stdint.h>

#include <yajl/yajl_tree.h>

#include "jsonw.h"

/* Google's limit on the text in one cell, in characters, not bytes. */
#define CELL_TEXT_MAX	50000

enum cell_type {
	CELL_EMPTY = 0,
	CELL_STRING,
	CELL_NUMBER,
	CELL_BOOL,
	CELL_FORMULA,	/* USER_ENTERED "=..."; kept as text, never evaluated */
};

struct cell {
	uint8_t		type;
	union {
		double	 num;
		int	 boolean;
		char	*text;	/* CELL_STRING, CELL_FORMULA */
	} v;
};

enum value_input {
	INPUT_RAW,
	INPUT_USER_ENTERED,
};

enum value_render {
	RENDER_FORMATTED,
	RENDER_UNFORMATTED,
	RENDER_FORMULA,
};

enum cell_input_result {
	CELL_INPUT_OK,
	CELL_INPUT_SKIP,	/* JSON null: leave the cell as it is */
	CELL_INPUT_BAD_TYPE,	/* object or array */
	CELL_INPUT_TOO_LONG,
	CELL_INPUT_NOMEM,
};

void	cell_clear(struct cell *);
int	cell_copy(struct cell *, const struct cell *);
/* Fills *out from a request value; *out must be empty beforehand. */
enum cell_input_result
	cell_from_input(struct cell *, const yajl_val, enum value_input);
/* The value as Google would render it; the cell must not be empty. */
void	cell_render(struct jw *, const struct cell *, enum value_render);
/* Writes the cell in the workbook-file encoding (see README). */
void	cell_write_stored(struct jw *, const struct cell *);
/* Reads the workbook-file encoding; 0 on success, -1 if malformed. */
int	cell_read_stored(struct cell *, const yajl_val);

/* 1 when the UTF-8 text s is longer than CELL_TEXT_MAX characters. */
int	cell_text_too_long(const char *s);

#endif
