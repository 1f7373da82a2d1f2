/*
 * Whole-file reads and crash-safe whole-file replacement.
 */
#ifndef EMU_FILEIO_H
#define EMU_FILEIO_H

#include <stddef.h>

/*
 * Reads path into a NUL-terminated buffer (caller frees).  Fails with
 * EFBIG past max bytes.  Returns 0, or -1 with errno set.
 */
int	file_read_all(const char *path, size_t max, char **out, size_t *lenp);

/*
 * Replaces path with data so that a reader sees either the old or the new
 * content, also after a crash: write a temporary file in the same
 * directory, fsync it, rename it over path, fsync the directory.
 * Returns 0, or -1 with errno set.
 */
int	file_write_atomic(const char *path, const void *data, size_t len,
	    int mode);

#endif
