/*
 * Reading yajl trees without NULL strings: YAJL_GET_STRING yields NULL for
 * a non-string, which every caller would have to check again.
 */
#ifndef EMU_JSONR_H
#define EMU_JSONR_H

#include <yajl/yajl_tree.h>

/* The string value, or "" when v is not a string. */
static inline const char *
jstr(yajl_val v)
{
	return ((v != NULL && YAJL_IS_STRING(v) && v->u.string != NULL) ?
	    v->u.string : "");
}

#endif
