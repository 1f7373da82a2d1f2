/*
 * Unit tests for lib/http/http_head.c: the head is cut where Kore cuts it, a
 * field is found by its name in any case, the declared body is read only
 * for POST/PUT/PATCH, strict digits, saturating, repeated lengths left to
 * Kore, and nothing is read past the length given (each input is copied
 * to a buffer of exactly its length, so ASan sees any over-read).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http_head.h"
#include "nelem.h"

/* s without its NUL, in a buffer of exactly strlen(s) bytes. */
static char *
exact(const char *s)
{
	size_t	 len = strlen(s);
	char	*p;

	assert_non_null(p = malloc(len > 0 ? len : 1));
	memcpy(p, s, len);
	return (p);
}

static enum http_head_body
declared(const char *s, uint64_t *length)
{
	enum http_head_body	 r;
	char			*p = exact(s);

	*length = 12345;
	r = http_head_declared_body(p, strlen(s), length);
	free(p);
	return (r);
}

static void
test_head_ends_where_kore_ends_it(void **state)
{
	static const struct {
		const char	*in;
		size_t		 len;
	} cases[] = {
		{ "", 0 },
		{ "GET / HTTP/1.1\r\nHost: x\r\n", 0 },
		{ "GET / HTTP/1.1\r\nHost: x\r\n\r", 0 },
		{ "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 27 },
		{ "GET / HTTP/1.1\r\nHost: x\r\n\r\nbody\r\n\r\n", 27 },
		{ "GET / HTTP/1.1\nHost: x\n\n", 24 },
		/* Kore looks for CRLFCRLF first, anywhere. */
		{ "GET / HTTP/1.1\n\nHost: x\r\n\r\n", 27 },
	};
	size_t	i;
	char	*p;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		p = exact(cases[i].in);
		assert_int_equal(http_head_length(p, strlen(cases[i].in)),
		    cases[i].len);
		free(p);
	}
}

static void
test_field_by_name_in_any_case(void **state)
{
	const char	*head = "POST /a HTTP/1.1\r\nHost: x\r\n"
	    "X-Request-Id:\t abc-1 \r\nx-request-id: second\r\n"
	    "X-Request-Idx: no\r\nOrigin: https://o\r\n\r\nX-Request-Id: body";
	const char	*v;
	size_t		 vlen;
	char		*p = exact(head);

	(void)state;
	assert_int_equal(http_head_field(p, strlen(head), "x-request-id", &v,
	    &vlen), 2);
	assert_int_equal(vlen, 6);
	assert_memory_equal(v, "abc-1 ", 6);
	assert_int_equal(http_head_field(p, strlen(head), "ORIGIN", &v,
	    &vlen), 1);
	assert_int_equal(vlen, 9);
	assert_memory_equal(v, "https://o", 9);
	assert_int_equal(http_head_field(p, strlen(head), "referer", &v,
	    &vlen), 0);
	/* The request line is not a field, however it looks. */
	assert_int_equal(http_head_field(p, strlen(head), "POST /a HTTP/1.1",
	    &v, &vlen), 0);
	/* Not a field before the head is complete. */
	assert_int_equal(http_head_field(p, 40, "host", &v, &vlen), 0);
	free(p);
}

static void
test_declared_body_lengths(void **state)
{
	static const struct {
		const char		*in;
		enum http_head_body	 want;
		uint64_t		 length;
	} cases[] = {
		{ "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 65537\r\n\r\n",
		    HTTP_HEAD_DECLARED, 65537 },
		{ "post / HTTP/1.1\r\ncontent-length:0\r\n\r\n",
		    HTTP_HEAD_DECLARED, 0 },
		{ "PUT / HTTP/1.1\r\nCONTENT-LENGTH: \t2147483648\r\n\r\n",
		    HTTP_HEAD_DECLARED, 2147483648ULL },
		{ "PATCH / HTTP/1.1\nContent-Length: 7\n\n",
		    HTTP_HEAD_DECLARED, 7 },
		{ "  POST / HTTP/1.1\r\nContent-Length: 9\r\n\r\n",
		    HTTP_HEAD_DECLARED, 9 },
		{ "\r\nPOST / HTTP/1.1\r\nContent-Length: 9\r\n\r\n",
		    HTTP_HEAD_DECLARED, 9 },
		{ "POST / HTTP/1.1\r\nContent-Length: "
		    "18446744073709551615\r\n\r\n",
		    HTTP_HEAD_DECLARED, UINT64_MAX },
		{ "POST / HTTP/1.1\r\nContent-Length: "
		    "18446744073709551616\r\n\r\n",
		    HTTP_HEAD_DECLARED, UINT64_MAX },
		{ "POST / HTTP/1.1\r\nContent-Length: "
		    "99999999999999999999999999999999999999\r\n\r\n",
		    HTTP_HEAD_DECLARED, UINT64_MAX },
		{ "POST / HTTP/1.1\r\nContent-Length: 10\r\n",
		    HTTP_HEAD_PARTIAL, 12345 },
		{ "GET / HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n",
		    HTTP_HEAD_NO_BODY, 12345 },
		{ "POSTX / HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n",
		    HTTP_HEAD_NO_BODY, 12345 },
		{ "POST / HTTP/1.1\r\nHost: x\r\n\r\nContent-Length: 9\r\n\r\n",
		    HTTP_HEAD_NO_BODY, 12345 },
		{ "POST / HTTP/1.1\r\nContent-Length : 9\r\n\r\n",
		    HTTP_HEAD_NO_BODY, 12345 },
		{ "POST / HTTP/1.1\r\nContent-Length: 9\r\n"
		    "Content-Length: 9\r\n\r\n", HTTP_HEAD_UNCLEAR, 12345 },
		{ "POST / HTTP/1.1\r\nContent-Length: 9 \r\n\r\n",
		    HTTP_HEAD_UNCLEAR, 12345 },
		{ "POST / HTTP/1.1\r\nContent-Length: +9\r\n\r\n",
		    HTTP_HEAD_UNCLEAR, 12345 },
		{ "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
		    HTTP_HEAD_UNCLEAR, 12345 },
		{ "POST / HTTP/1.1\r\nContent-Length: 0x10\r\n\r\n",
		    HTTP_HEAD_UNCLEAR, 12345 },
		{ "POST / HTTP/1.1\r\nContent-Length: 1,2\r\n\r\n",
		    HTTP_HEAD_UNCLEAR, 12345 },
		{ "POST / HTTP/1.1\r\nContent-Length:\r\n\r\n",
		    HTTP_HEAD_UNCLEAR, 12345 },
	};
	uint64_t	length;
	size_t		i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		assert_int_equal(declared(cases[i].in, &length),
		    cases[i].want);
		assert_true(length == cases[i].length);
	}
}

/* A NUL is a byte like another: the scan goes by the length. */
static void
test_nul_bytes_do_not_end_the_head(void **state)
{
	static const char	head[] = "POST / HTTP/1.1\r\nX: a\0b\r\n"
	    "Content-Length: 70000\r\n\r\n";
	uint64_t		length = 0;

	(void)state;
	assert_int_equal(http_head_declared_body(head, sizeof(head) - 1,
	    &length), HTTP_HEAD_DECLARED);
	assert_true(length == 70000);
	assert_int_equal(http_head_declared_body("POST / HTTP/1.1\r\n"
	    "Content-Length: 7\0\r\n\r\n", 39, &length), HTTP_HEAD_UNCLEAR);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_head_ends_where_kore_ends_it),
		cmocka_unit_test(test_field_by_name_in_any_case),
		cmocka_unit_test(test_declared_body_lengths),
		cmocka_unit_test(test_nul_bytes_do_not_end_the_head),
	};

	return (cmocka_run_group_tests_name("http_head", tests, NULL, NULL));
}
