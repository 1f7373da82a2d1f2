/*
 * A small JSON writer that formats output the way Google's front ends do:
 * two-space indentation, "key": value, empty containers as {} and [], a
 * trailing newline, and (JW_HTML_SAFE) escaping of < > & = ' as \u00XX,
 * which is why a formula comes back as "\u003dA1+1".  Containers may be opened
 * "inline" so a workbook file keeps one row per line.
 *
 * Errors are sticky: after an allocation failure or a nesting error every
 * call is a no-op and jw_finish() returns NULL.
 */
#ifndef EMU_JSONW_H
#define EMU_JSONW_H

#include <stddef.h>
#include <stdint.h>

#define JW_MAX_DEPTH	32

struct jw_level {
	uint8_t		is_object;
	uint8_t		is_inline;
	uint32_t	count;
};

#define JW_PRETTY	0x01
#define JW_HTML_SAFE	0x02	/* escape < > & = ' like Google does */

struct jw {
	char		*buf;
	size_t		 len;
	size_t		 cap;
	int		 failed;
	int		 pretty;
	int		 html_safe;
	int		 after_key;
	unsigned int	 depth;
	struct jw_level	 stack[JW_MAX_DEPTH];
};

void	 jw_init(struct jw *, int flags);
void	 jw_free(struct jw *);
/* Returns the NUL-terminated text (caller frees) or NULL on failure. */
char	*jw_finish(struct jw *, size_t *lenp);

void	 jw_obj_open(struct jw *);
void	 jw_obj_open_inline(struct jw *);
void	 jw_obj_close(struct jw *);
void	 jw_arr_open(struct jw *);
void	 jw_arr_open_inline(struct jw *);
void	 jw_arr_close(struct jw *);

void	 jw_key(struct jw *, const char *);
void	 jw_str(struct jw *, const char *);
void	 jw_strn(struct jw *, const char *, size_t);
void	 jw_int(struct jw *, long long);
void	 jw_double(struct jw *, double);
void	 jw_bool(struct jw *, int);
void	 jw_null(struct jw *);

/* Shorthands for "key": value. */
void	 jw_kstr(struct jw *, const char *, const char *);
void	 jw_kint(struct jw *, const char *, long long);

/*
 * Shortest decimal text that reads back as the same double; integral values
 * print without a fraction.  Returns the length, or 0 if the value is not
 * finite or the buffer is too small.
 */
size_t	 jw_format_double(char *, size_t, double);

#endif
