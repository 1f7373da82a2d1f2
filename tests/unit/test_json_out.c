/*
 * Unit tests for lib/base/json_out.c: the key/value helpers, string escaping
 * (quotes, backslash, newlines and every other control character; '/' and
 * UTF-8 passed through), invalid UTF-8 refused by the generator and not
 * breaking the document around it, non-finite doubles as null, and one
 * line of output.  Outputs are checked as text and parsed back with
 * yajl_tree.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <yajl/yajl_tree.h>

#include "json_out.h"
#include "nelem.h"
#include "utf8.h"

/* The text of g as a NUL-terminated copy (caller frees). */
static char *
text_of(yajl_gen g)
{
	const char	*t;
	char		*s;
	size_t		 len;

	t = json_out_text(g, &len);
	s = malloc(len + 1);
	assert_non_null(s);
	memcpy(s, t, len);
	s[len] = '\0';
	assert_int_equal(strlen(s), len);
	return (s);
}

/* {"v": val} as text (caller frees). */
static char *
object_with(const char *val)
{
	yajl_gen	 g;
	char		*s;

	g = json_out_new();
	assert_non_null(g);
	assert_int_equal(yajl_gen_map_open(g), yajl_gen_status_ok);
	json_kstr(g, "v", val);
	assert_int_equal(yajl_gen_map_close(g), yajl_gen_status_ok);
	s = text_of(g);
	yajl_gen_free(g);
	return (s);
}

static yajl_val
parse(const char *text)
{
	char		err[256];
	yajl_val	v;

	v = yajl_tree_parse(text, err, sizeof(err));
	if (v == NULL)
		fail_msg("not JSON (%s): %s", err, text);
	return (v);
}

static yajl_val
member(yajl_val obj, const char *key)
{
	const char	*path[] = { key, NULL };

	return (yajl_tree_get(obj, path, yajl_t_any));
}

/* The string of v, or NULL when v is not a string. */
static const char *
str_of(yajl_val v)
{
	return (v != NULL && YAJL_IS_STRING(v) ? v->u.string : NULL);
}

/* Writes {"v": val}, parses it back and checks the string survived. */
static void
round_trip(const char *val)
{
	yajl_val	 root, v;
	char		*s;

	s = object_with(val);
	root = parse(s);
	v = member(root, "v");
	if (str_of(v) == NULL || strcmp(str_of(v), val) != 0)
		fail_msg("'%s' did not round-trip: %s", val, s);
	yajl_tree_free(root);
	free(s);
}

static void
test_escapes(void **state)
{
	static const struct {
		const char	*in;
		const char	*out;
	} cases[] = {
		{ "plain", "{\"v\":\"plain\"}" },
		{ "", "{\"v\":\"\"}" },
		{ "say \"hola\"", "{\"v\":\"say \\\"hola\\\"\"}" },
		{ "C:\\tmp", "{\"v\":\"C:\\\\tmp\"}" },
		{ "a\nb", "{\"v\":\"a\\nb\"}" },
		{ "a\r\nb", "{\"v\":\"a\\r\\nb\"}" },
		{ "\t\b\f", "{\"v\":\"\\t\\b\\f\"}" },
		/* '/' is left alone (no escape_solidus). */
		{ "</script>", "{\"v\":\"</script>\"}" },
		/* UTF-8 passes through as bytes. */
		{ "Ñandú MR(93) ✓ 😀", "{\"v\":\"Ñandú MR(93) ✓ 😀\"}" },
	};
	char	*s;
	size_t	 i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		s = object_with(cases[i].in);
		assert_string_equal(s, cases[i].out);
		free(s);
		round_trip(cases[i].in);
	}
}

/* No raw control character (0x01..0x1f) ever reaches the output. */
static void
test_control_chars(void **state)
{
	char	 in[40], *s;
	int	 c;
	size_t	 i;

	(void)state;
	for (c = 1; c < 0x20; c++) {
		in[0] = 'x';
		in[1] = (char)c;
		in[2] = 'y';
		in[3] = '\0';
		s = object_with(in);
		for (i = 0; s[i] != '\0'; i++) {
			if ((unsigned char)s[i] < 0x20)
				fail_msg("byte 0x%02x written raw: %s", c, s);
		}
		free(s);
		round_trip(in);
	}
	/* All of them in one string, and a string of only escapes. */
	for (c = 1; c < 0x20; c++)
		in[c - 1] = (char)c;
	in[0x1f] = '\0';
	round_trip(in);
	round_trip("\"\\\"\\");
}

/* The generator refuses invalid UTF-8 instead of writing it. */
static void
test_invalid_utf8_refused(void **state)
{
	static const char *const bad[] = {
		"\xff", "\xfe", "\x80", "\xbf", "\xc3", "ab\xc3", "\xe2\x82",
		"\xf0\x9f\x98", "\xc3(", "ok\xffok",
	};
	yajl_gen	g;
	size_t		i, len;

	(void)state;
	for (i = 0; i < NELEM(bad); i++) {
		g = json_out_new();
		assert_non_null(g);
		if (yajl_gen_string(g, (const unsigned char *)bad[i],
		    strlen(bad[i])) != yajl_gen_invalid_string)
			fail_msg("bad string %zu accepted", i);
		/* Nothing of it was written. */
		(void)json_out_text(g, &len);
		assert_int_equal(len, 0);
		yajl_gen_free(g);
	}
}

/*
 * A refused value must not shift the keys and values after it: the
 * object written around it stays well formed, every other member intact.
 */
static void
test_invalid_utf8_keeps_document(void **state)
{
	yajl_gen	 g;
	yajl_val	 root, v;
	char		*s, perr[128], msg[256];
	int		 ok_error = 0, ok_n = 0, ok_tag = 0;

	(void)state;
	g = json_out_new();
	assert_non_null(g);
	yajl_gen_map_open(g);
	json_kstr(g, "tag_spool", "MK-\xff-1");
	json_kstr(g, "error", "NOT_FOUND");
	json_kint(g, "n", 3);
	yajl_gen_map_close(g);
	s = text_of(g);
	yajl_gen_free(g);

	/* Judge everything first so that a failure leaks nothing. */
	if ((root = yajl_tree_parse(s, perr, sizeof(perr))) != NULL) {
		v = member(root, "error");
		ok_error = str_of(v) != NULL &&
		    strcmp(str_of(v), "NOT_FOUND") == 0;
		v = member(root, "n");
		ok_n = v != NULL && YAJL_IS_INTEGER(v) &&
		    YAJL_GET_INTEGER(v) == 3;
		v = member(root, "tag_spool");
		ok_tag = v != NULL && (YAJL_IS_NULL(v) || YAJL_IS_STRING(v));
		yajl_tree_free(root);
	}
	snprintf(msg, sizeof(msg), "%s", s);
	free(s);
	if (!ok_error || !ok_n || !ok_tag)
		fail_msg("members lost around a refused value: %s", msg);
}

/*
 * What yajl's loose check lets through (a surrogate, overlong forms, a
 * code point past U+10FFFF) and what it catches both come out as strict
 * UTF-8, bad bytes as U+FFFD (issue 9, defect 3).
 */
static void
test_strict_utf8_out(void **state)
{
	static const struct {
		const char	*in;
		const char	*out;
	} cases[] = {
		{ "\xed\xb0\x80X", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdX" },
		{ "\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd" },
		{ "a\xf4\x90\x80\x80", "a\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
		    "\xef\xbf\xbd" },
		{ "MK-\xff-1", "MK-\xef\xbf\xbd-1" },
		{ "ok\xe2\x82", "ok\xef\xbf\xbd" },
		{ "MK-ÑANDÚ-1", "MK-ÑANDÚ-1" },
	};
	yajl_gen	 g;
	yajl_val	 root;
	const char	*text;
	char		*s;
	size_t		 i, len;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		g = json_out_new();
		assert_non_null(g);
		yajl_gen_map_open(g);
		json_kstr(g, cases[i].in, cases[i].in);
		yajl_gen_map_close(g);
		text = json_out_text(g, &len);
		assert_true(utf8_valid(text, len));
		s = text_of(g);
		yajl_gen_free(g);
		root = parse(s);
		free(s);
		assert_int_equal(root->u.object.len, 1);
		assert_string_equal(root->u.object.keys[0], cases[i].out);
		assert_string_equal(str_of(root->u.object.values[0]),
		    cases[i].out);
		yajl_tree_free(root);
	}
}

static void
test_doubles(void **state)
{
	static const double	finite[] = {
		0.0, 1.5, -2.25, 85.0, 1e-9, 123456789.125, 1e300,
	};
	yajl_gen	 g;
	yajl_val	 root, v;
	char		*s;
	size_t		 i;

	(void)state;
	g = json_out_new();
	yajl_gen_map_open(g);
	json_kdouble(g, "nan", NAN);
	json_kdouble(g, "inf", INFINITY);
	json_kdouble(g, "ninf", -INFINITY);
	json_kdouble(g, "half", 0.5);
	yajl_gen_map_close(g);
	s = text_of(g);
	yajl_gen_free(g);
	assert_string_equal(s,
	    "{\"nan\":null,\"inf\":null,\"ninf\":null,\"half\":0.5}");
	free(s);

	/* Finite values read back as the same double. */
	for (i = 0; i < NELEM(finite); i++) {
		g = json_out_new();
		yajl_gen_map_open(g);
		json_kdouble(g, "d", finite[i]);
		yajl_gen_map_close(g);
		s = text_of(g);
		yajl_gen_free(g);
		root = parse(s);
		v = member(root, "d");
		assert_non_null(v);
		assert_true(YAJL_IS_NUMBER(v));
		if (YAJL_GET_DOUBLE(v) != finite[i])
			fail_msg("%.17g came back as %s", finite[i], s);
		yajl_tree_free(root);
		free(s);
	}
}

static void
test_scalars(void **state)
{
	yajl_gen	 g;
	char		*s;

	(void)state;
	g = json_out_new();
	yajl_gen_map_open(g);
	json_kint(g, "zero", 0);
	json_kint(g, "min", LLONG_MIN);
	json_kint(g, "max", LLONG_MAX);
	json_kbool(g, "yes", 7);
	json_kbool(g, "no", 0);
	json_knull(g, "nil");
	json_kstr(g, "none", NULL);
	json_key(g, "list");
	yajl_gen_array_open(g);
	json_str(g, "a");
	json_str(g, NULL);
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	s = text_of(g);
	yajl_gen_free(g);
	assert_string_equal(s, "{\"zero\":0,"
	    "\"min\":-9223372036854775808,\"max\":9223372036854775807,"
	    "\"yes\":true,\"no\":false,\"nil\":null,\"none\":null,"
	    "\"list\":[\"a\",null]}");
	free(s);
}

/* Keys are escaped like values. */
static void
test_keys_escaped(void **state)
{
	yajl_gen	 g;
	yajl_val	 root, v;
	char		*s;

	(void)state;
	g = json_out_new();
	yajl_gen_map_open(g);
	json_kint(g, "we\"ird\nkey", 1);
	yajl_gen_map_close(g);
	s = text_of(g);
	yajl_gen_free(g);
	assert_string_equal(s, "{\"we\\\"ird\\nkey\":1}");
	root = parse(s);
	v = member(root, "we\"ird\nkey");
	assert_non_null(v);
	assert_int_equal(YAJL_GET_INTEGER(v), 1);
	yajl_tree_free(root);
	free(s);
}

/* No beautify: nested output is a single line with no spaces added. */
static void
test_one_line(void **state)
{
	yajl_gen	 g;
	char		*s;

	(void)state;
	g = json_out_new();
	yajl_gen_map_open(g);
	json_key(g, "data");
	yajl_gen_map_open(g);
	json_kstr(g, "a", "b");
	json_key(g, "list");
	yajl_gen_array_open(g);
	yajl_gen_integer(g, 1);
	yajl_gen_integer(g, 2);
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
	s = text_of(g);
	yajl_gen_free(g);
	assert_string_equal(s, "{\"data\":{\"a\":\"b\",\"list\":[1,2]}}");
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_control_chars),
		cmocka_unit_test(test_invalid_utf8_refused),
		cmocka_unit_test(test_invalid_utf8_keeps_document),
		cmocka_unit_test(test_strict_utf8_out),
		cmocka_unit_test(test_doubles),
		cmocka_unit_test(test_scalars),
		cmocka_unit_test(test_keys_escaped),
		cmocka_unit_test(test_one_line),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
