/*
 * Building response bodies with yajl_gen, which escapes strings properly
 * (Kore's own JSON writer does not).  The helpers write "key": value
 * pairs inside the object the caller has opened; a NULL string is null.
 * Every key and string comes out as strict UTF-8 (utf8.h): bytes that are
 * not are written as U+FFFD, so no response carries what a strict client
 * would refuse.
 */
#ifndef ZEUES_JSON_OUT_H
#define ZEUES_JSON_OUT_H

#include <stddef.h>

#include <yajl/yajl_gen.h>

yajl_gen	json_out_new(void);
/* The finished text; valid until the generator is freed. */
const char	*json_out_text(yajl_gen, size_t *len);

void	json_key(yajl_gen, const char *key);
void	json_kstr(yajl_gen, const char *key, const char *val);
void	json_kint(yajl_gen, const char *key, long long val);
void	json_kdouble(yajl_gen, const char *key, double val);
void	json_kbool(yajl_gen, const char *key, int val);
void	json_knull(yajl_gen, const char *key);
void	json_str(yajl_gen, const char *val);

#endif
