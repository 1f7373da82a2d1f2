/*
 * Paths into yajl trees: key lists and dotted paths, both on json_member.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "json_path.h"

#define KEY_MAX	128

yajl_val
json_member(yajl_val obj, const char *key)
{
	size_t	i;

	if (obj == NULL || !YAJL_IS_OBJECT(obj))
		return (NULL);
	for (i = 0; i < obj->u.object.len; i++) {
		if (strcmp(obj->u.object.keys[i], key) == 0)
			return (obj->u.object.values[i]);
	}
	return (NULL);
}

yajl_val
jpath_va(yajl_val v, va_list ap)
{
	const char	*key;

	while (v != NULL && (key = va_arg(ap, const char *)) != NULL)
		v = json_member(v, key);
	return (v);
}

yajl_val
jpath(yajl_val root, ...)
{
	va_list		ap;
	yajl_val	v;

	va_start(ap, root);
	v = jpath_va(root, ap);
	va_end(ap);
	return (v);
}

const char *
jpath_str(yajl_val root, ...)
{
	va_list		ap;
	yajl_val	v;

	va_start(ap, root);
	v = jpath_va(root, ap);
	va_end(ap);
	return (YAJL_IS_STRING(v) ? YAJL_GET_STRING(v) : NULL);
}

long long
jpath_int(yajl_val root, long long def, ...)
{
	va_list		ap;
	yajl_val	v;

	va_start(ap, def);
	v = jpath_va(root, ap);
	va_end(ap);
	return (YAJL_IS_INTEGER(v) ? YAJL_GET_INTEGER(v) : def);
}

yajl_val
json_at(yajl_val v, const char *path)
{
	char	key[KEY_MAX];
	size_t	n;
	long	idx;
	char	*end;

	while (v != NULL && *path != '\0') {
		if (*path == '.') {
			path++;
			continue;
		}
		if (*path == '[') {
			idx = strtol(path + 1, &end, 10);
			if (*end != ']' || !YAJL_IS_ARRAY(v) || idx < 0 ||
			    (size_t)idx >= v->u.array.len)
				return (NULL);
			v = v->u.array.values[idx];
			path = end + 1;
			continue;
		}
		n = strcspn(path, ".[");
		if (n >= sizeof(key) || !YAJL_IS_OBJECT(v))
			return (NULL);
		memcpy(key, path, n);
		key[n] = '\0';
		path += n;
		v = json_member(v, key);
	}
	return (v);
}

const char *
json_str_at(yajl_val root, const char *path)
{
	yajl_val	v = json_at(root, path);

	return (v != NULL && YAJL_IS_STRING(v) ? v->u.string : NULL);
}

long long
json_int_at(yajl_val root, const char *path, long long def)
{
	yajl_val	v = json_at(root, path);

	return (v != NULL && YAJL_IS_INTEGER(v) ? YAJL_GET_INTEGER(v) : def);
}

long
json_len_at(yajl_val root, const char *path)
{
	yajl_val	v = json_at(root, path);

	return (v != NULL && YAJL_IS_ARRAY(v) ? (long)v->u.array.len : -1);
}
