/*
 * What every harness needs from libFuzzer's buffer: a NUL-terminated copy
 * for the parsers that take C strings, and a split of one input into a
 * selector byte and the rest.  The copy is exactly len + 1 bytes, so an
 * over-read past the NUL is still caught by ASan.
 */
#ifndef ZEUES_FUZZ_INPUT_H
#define ZEUES_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static inline char *
fuzz_cstring(const uint8_t *data, size_t len)
{
	char	*s;

	if ((s = malloc(len + 1)) == NULL)
		abort();
	memcpy(s, data, len);
	s[len] = '\0';
	return (s);
}

#endif
