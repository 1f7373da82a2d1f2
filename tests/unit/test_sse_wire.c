/*
 * Unit tests for lib/http/sse_wire.c: the exact bytes of each frame, refusal
 * of anything that would break framing, exact-fit buffers, and strict
 * Last-Event-ID parsing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "nelem.h"
#include "sse_wire.h"

static void
assert_frame(const char *buf, int n, const char *want)
{
	assert_int_equal(n, (int)strlen(want));
	assert_memory_equal(buf, want, strlen(want));
}

static void
test_retry_and_comment(void **state)
{
	char	buf[64];

	(void)state;
	assert_frame(buf, sse_wire_retry(buf, sizeof(buf), 3000),
	    "retry: 3000\n\n");
	assert_frame(buf, sse_wire_retry(buf, sizeof(buf), 0), "retry: 0\n\n");
	assert_frame(buf, sse_wire_comment(buf, sizeof(buf), "heartbeat"),
	    ": heartbeat\n\n");
	assert_int_equal(sse_wire_comment(buf, sizeof(buf), "a\nb"), -1);
	assert_int_equal(sse_wire_comment(buf, sizeof(buf), "a\rb"), -1);
	assert_int_equal(sse_wire_retry(buf, 12, 3000), -1);
	assert_frame(buf, sse_wire_retry(buf, 13, 3000), "retry: 3000\n\n");
}

static void
test_event_frame(void **state)
{
	struct event_id	 id = { 1712345678901ULL, 2 };
	const char	*data = "{\"tag_spool\":\"MK-1\",\"event_id\":"
			    "\"1712345678901-2\"}";
	const char	*want = "id: 1712345678901-2\nevent: spool_update\n"
			    "data: {\"tag_spool\":\"MK-1\",\"event_id\":"
			    "\"1712345678901-2\"}\n\n";
	char		 buf[256];
	size_t		 need;
	int		 n;

	(void)state;
	n = sse_wire_event(buf, sizeof(buf), &id, "spool_update", data,
	    strlen(data));
	assert_frame(buf, n, want);
	/* The size bound holds and an exact fit is enough. */
	need = sse_wire_event_size("spool_update", strlen(data));
	assert_true(need >= strlen(want));
	assert_frame(buf, sse_wire_event(buf, strlen(want), &id,
	    "spool_update", data, strlen(data)), want);
	assert_int_equal(sse_wire_event(buf, strlen(want) - 1, &id,
	    "spool_update", data, strlen(data)), -1);
}

static void
test_event_refuses_what_breaks_framing(void **state)
{
	static const char	*bad_data[] = {
		"{\"a\":\n1}", "{\"a\":\r1}", "{\"a\":1}\r\n", "\n",
	};
	static const char	*bad_type[] = {
		"", "spool update", "spool\nupdate", "a:b",
		"abcdefghijklmnopqrstuvwxyz0123456",
	};
	struct event_id		 id = { 1, 0 };
	char			 buf[256];
	size_t			 i;

	(void)state;
	for (i = 0; i < NELEM(bad_data); i++) {
		assert_int_equal(sse_wire_event(buf, sizeof(buf), &id,
		    "spool_update", bad_data[i], strlen(bad_data[i])), -1);
	}
	/* A NUL inside the data would end a C string downstream. */
	assert_int_equal(sse_wire_event(buf, sizeof(buf), &id, "spool_update",
	    "{\"a\":\"\0\"}", 9), -1);
	for (i = 0; i < NELEM(bad_type); i++) {
		assert_int_equal(sse_wire_event(buf, sizeof(buf), &id,
		    bad_type[i], "{}", 2), -1);
	}
	/* 32 characters is still a type. */
	assert_true(sse_wire_event(buf, sizeof(buf), &id,
	    "abcdefghijklmnopqrstuvwxyz012345", "{}", 2) > 0);
}

static void
test_reset_frame(void **state)
{
	struct event_id	id = { 1712345678901ULL, 0 };
	char		buf[128];

	(void)state;
	assert_frame(buf, sse_wire_reset(buf, sizeof(buf), &id, "history_gap"),
	    "id: 1712345678901-0\nevent: reset\n"
	    "data: {\"reason\":\"history_gap\"}\n\n");
	assert_frame(buf, sse_wire_reset(buf, sizeof(buf), NULL,
	    "resubscribed"), "id:\nevent: reset\n"
	    "data: {\"reason\":\"resubscribed\"}\n\n");
	assert_int_equal(sse_wire_reset(buf, sizeof(buf), NULL, "a\"b"), -1);
	assert_int_equal(sse_wire_reset(buf, 10, &id, "history_gap"), -1);
}

static void
test_last_event_id(void **state)
{
	static const char	*bad[] = {
		"", " ", "abc", "1712345678901", "1712345678901-",
		"1712345678901-0-0", "1712345678901-0\r\n",
		"1712345678901-0,1-1", "1712345678901-0 x", "x 1712345678901-0",
		"01712345678901-0", "-1-0", "99999999999999999999-0",
	};
	struct event_id		 id;
	char			 padded[SSE_WIRE_LAST_ID_MAX + 2];
	size_t			 i;

	(void)state;
	assert_int_equal(sse_wire_last_event_id("1712345678901-5", &id), 0);
	assert_true(id.ms == 1712345678901ULL && id.seq == 5);
	assert_int_equal(sse_wire_last_event_id(" \t1712345678901-6 \t", &id),
	    0);
	assert_true(id.seq == 6);
	for (i = 0; i < NELEM(bad); i++) {
		if (sse_wire_last_event_id(bad[i], &id) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
	}
	/* Blanks count towards the bound: 64 bytes are read, 65 are not. */
	memset(padded, ' ', sizeof(padded));
	memcpy(padded + SSE_WIRE_LAST_ID_MAX - 3, "1-0", 4);
	assert_int_equal(sse_wire_last_event_id(padded, &id), 0);
	memcpy(padded + SSE_WIRE_LAST_ID_MAX - 2, "1-0", 4);
	assert_int_equal(sse_wire_last_event_id(padded, &id), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_retry_and_comment),
		cmocka_unit_test(test_event_frame),
		cmocka_unit_test(test_event_refuses_what_breaks_framing),
		cmocka_unit_test(test_reset_frame),
		cmocka_unit_test(test_last_event_id),
	};

	return (cmocka_run_group_tests_name("sse_wire", tests, NULL, NULL));
}
