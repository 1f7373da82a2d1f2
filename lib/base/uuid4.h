/* Random (version 4) UUIDs for lock tokens, row versions and audit ids. */
#ifndef ZEUES_UUID4_H
#define ZEUES_UUID4_H

#define UUID4_STRLEN	37	/* 36 characters and the NUL */

/* Writes a lower-case canonical UUID; -1 if the CSPRNG failed. */
int	uuid4_generate(char out[UUID4_STRLEN]);
int	uuid4_valid(const char *s);

#endif
