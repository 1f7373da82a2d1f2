/*
 * Whether a response body is what a client can trust: one complete JSON
 * value, its bytes strict UTF-8 (lib/base/utf8.h, stricter than yajl), and
 * every string and key strict UTF-8 after unescaping too, so a "\udc00"
 * escape (a lone surrogate) does not pass for text.
 */
#ifndef ZEUES_TEST_JSON_STRICT_H
#define ZEUES_TEST_JSON_STRICT_H

#include <stddef.h>

/* 1 when body is strict UTF-8 JSON; 0 with a reason in why otherwise. */
int	json_strict_valid(const char *body, size_t len, char *why,
	    size_t whysz);

#endif
