/*
 * Unit tests for lib/redis/redis_text.c: looking up a field of an INFO reply
 * (\r\n lines, sections, whole field names only, buffer limits) and
 * counting CLIENT LIST lines, in total and by client name prefix.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "nelem.h"
#include "redis_text.h"

/* Trimmed from a real INFO reply of redis-server 7. */
static const char	info_reply[] =
    "# Server\r\n"
    "redis_version:7.0.15\r\n"
    "redis_mode:standalone\r\n"
    "uptime_in_seconds:86412\r\n"
    "uptime_in_days:1\r\n"
    "\r\n"
    "# Clients\r\n"
    "connected_clients:23\r\n"
    "maxclients:10000\r\n"
    "\r\n"
    "# Memory\r\n"
    "used_memory:1185272\r\n"
    "used_memory_human:1.13M\r\n"
    "used_memory_peak_human:1.30M\r\n"
    "mem_allocator:jemalloc-5.3.0\r\n"
    "empty_field:\r\n"
    "\r\n"
    "# Keyspace\r\n"
    "db0:keys=12,expires=3,avg_ttl=0\r\n"
    "last_field:no-crlf";

static void
test_info_fields(void **state)
{
	static const struct {
		const char	*field;
		const char	*value;
	} cases[] = {
		{ "redis_version", "7.0.15" },
		{ "uptime_in_seconds", "86412" },
		{ "uptime_in_days", "1" },
		{ "connected_clients", "23" },
		{ "used_memory", "1185272" },
		{ "used_memory_human", "1.13M" },
		{ "used_memory_peak_human", "1.30M" },
		{ "mem_allocator", "jemalloc-5.3.0" },
		/* The value runs to the end of line, ':' and all. */
		{ "db0", "keys=12,expires=3,avg_ttl=0" },
		{ "empty_field", "" },
		{ "last_field", "no-crlf" },
	};
	char	buf[64];
	size_t	i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		memset(buf, 'X', sizeof(buf));
		if (redis_info_field(info_reply, cases[i].field, buf,
		    sizeof(buf)) != 0)
			fail_msg("%s not found", cases[i].field);
		if (strcmp(buf, cases[i].value) != 0)
			fail_msg("%s: '%s', want '%s'", cases[i].field, buf,
			    cases[i].value);
	}
}

/* Only whole names match: no prefixes, suffixes, sections or values. */
static void
test_info_absent(void **state)
{
	static const char *const absent[] = {
		"used_memory_h", "memory_human", "used", "redis", "uptime",
		"connected_client", "connected_clients_x", "# Server",
		"Server", "keys", "23", "standalone", "xyz", "db",
		"used_memory_human:1.13M",
	};
	char	buf[64];
	size_t	i;

	(void)state;
	for (i = 0; i < NELEM(absent); i++) {
		if (redis_info_field(info_reply, absent[i], buf,
		    sizeof(buf)) != -1)
			fail_msg("'%s' found: '%s'", absent[i], buf);
	}
	assert_int_equal(redis_info_field("", "a", buf, sizeof(buf)), -1);
	assert_int_equal(redis_info_field("\r\n\r\n", "a", buf, sizeof(buf)),
	    -1);
}

/* Lines ended by \n alone read the same; the first occurrence wins. */
static void
test_info_plain_newlines(void **state)
{
	char	buf[16];

	(void)state;
	assert_int_equal(redis_info_field("a:1\nb:2\nb:3\n", "b", buf,
	    sizeof(buf)), 0);
	assert_string_equal(buf, "2");
	assert_int_equal(redis_info_field("a:1\nb:2\n", "a", buf,
	    sizeof(buf)), 0);
	assert_string_equal(buf, "1");
	/* A field line at the very start and a lone \r value. */
	assert_int_equal(redis_info_field("x:\r", "x", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
}

/* A value that does not fit (with its NUL) is refused, not truncated. */
static void
test_info_buffer(void **state)
{
	char	buf[8];

	(void)state;
	/* "1185272" is 7 characters: fits 8 exactly. */
	memset(buf, 'X', sizeof(buf));
	assert_int_equal(redis_info_field(info_reply, "used_memory", buf,
	    sizeof(buf)), 0);
	assert_string_equal(buf, "1185272");
	memset(buf, 'X', sizeof(buf));
	assert_int_equal(redis_info_field(info_reply, "used_memory", buf, 7),
	    -1);
	assert_int_equal(buf[6], 'X');
	assert_int_equal(redis_info_field(info_reply, "empty_field", buf, 1),
	    0);
	assert_string_equal(buf, "");
}

/* Trimmed from a real CLIENT LIST reply of redis-server 7.2. */
static const char	client_list[] =
    "id=3 addr=127.0.0.1:50012 laddr=127.0.0.1:6379 fd=8 "
    "name=zeues-main-w1-cmd age=10 idle=0 flags=N db=0 sub=0 psub=0 "
    "cmd=ping user=default lib-name= lib-ver=\n"
    "id=4 addr=127.0.0.1:50014 laddr=127.0.0.1:6379 fd=9 "
    "name=zeues-main-w1-sub age=10 idle=0 flags=P db=0 sub=1 psub=0 "
    "cmd=subscribe user=default lib-name= lib-ver=\n"
    "id=5 addr=127.0.0.1:50016 laddr=127.0.0.1:6379 fd=10 "
    "name=zeues-main2-w1-cmd age=9 idle=0 flags=N db=0 sub=0 psub=0 "
    "cmd=ping user=default lib-name= lib-ver=\n"
    "id=6 addr=127.0.0.1:50018 laddr=127.0.0.1:6379 fd=11 "
    "name= age=5 idle=1 flags=N db=0 sub=0 psub=0 "
    "cmd=client|list user=default lib-name=zeues-main-x lib-ver=1\n"
    "id=7 addr=127.0.0.1:50020 laddr=127.0.0.1:6379 fd=12 "
    "name=zeues-main- age=1 idle=1 flags=N db=0 sub=0 psub=0 "
    "cmd=ping user=default lib-name= lib-ver=\n"
    "id=8 addr=127.0.0.1:50022 laddr=127.0.0.1:6379 fd=13 "
    "name=zeues-mai age=1 idle=1 flags=N db=0 sub=0 psub=0 "
    "cmd=ping user=default lib-name= lib-ver=\n"
    "id=9 addr=127.0.0.1:50024 laddr=127.0.0.1:6379 fd=14 "
    "name=ZEUES-MAIN-w2-cmd age=1 idle=1 flags=N db=0 sub=0 psub=0 "
    "cmd=ping user=default lib-name= lib-ver=\n"
    "id=10 addr=127.0.0.1:50026 laddr=127.0.0.1:6379 fd=15 "
    "name=xzeues-main-w2 age=1 idle=1 flags=N db=0 sub=0 psub=0 "
    "cmd=ping user=default lib-name= lib-ver=\n";

static void
test_client_count(void **state)
{
	static const struct {
		const char	*prefix;
		int		 named;
	} cases[] = {
		/* w1-cmd, w1-sub and the bare prefix; not main2, not the
		 * lib-name, not upper case, not "xzeues-". */
		{ "zeues-main-", 3 },
		{ "zeues-main2-", 1 },
		{ "zeues-main-w1-", 2 },
		{ "zeues-mai", 5 },
		{ "zeues-", 5 },
		{ "ZEUES-", 1 },
		{ "xzeues-main-", 1 },
		{ "zeues-other-", 0 },
		{ "main-", 0 },
		{ "lib-name", 0 },
	};
	struct client_count	cc;
	size_t			i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		cc.total = cc.named = -7;
		redis_client_list_count(client_list, cases[i].prefix, &cc);
		assert_int_equal(cc.total, 8);
		if (cc.named != cases[i].named)
			fail_msg("prefix '%s': %d named, want %d",
			    cases[i].prefix, cc.named, cases[i].named);
	}
}

/* \r\n endings, blank lines, a last line without newline, no name=. */
static void
test_client_count_shapes(void **state)
{
	struct client_count	cc;

	(void)state;
	redis_client_list_count("", "zeues-", &cc);
	assert_int_equal(cc.total, 0);
	assert_int_equal(cc.named, 0);

	redis_client_list_count("\n\r\n\n", "zeues-", &cc);
	assert_int_equal(cc.total, 0);
	assert_int_equal(cc.named, 0);

	redis_client_list_count(
	    "id=1 addr=a fd=1 name=zeues-a-w1 age=1\r\n"
	    "\r\n"
	    "id=2 addr=b fd=2 age=1\r\n"
	    "id=3 addr=c fd=3 name=zeues-a-w2 age=1", "zeues-a-", &cc);
	assert_int_equal(cc.total, 3);
	assert_int_equal(cc.named, 2);

	/* A line without name= does not borrow the next line's. */
	redis_client_list_count(
	    "id=1 addr=a fd=1 age=1\n"
	    "id=2 addr=b fd=2 name=zeues-a-w1 age=1\n", "zeues-a-", &cc);
	assert_int_equal(cc.total, 2);
	assert_int_equal(cc.named, 1);

	/* lib-name= (Redis 7.2) is not name=. */
	redis_client_list_count(
	    "id=1 addr=a fd=1 lib-name=zeues-a-w1 lib-ver=1\n"
	    "id=2 addr=b fd=2 age=1 lib-name=zeues-a-w2\n", "zeues-a-", &cc);
	assert_int_equal(cc.total, 2);
	assert_int_equal(cc.named, 0);

	/* name= at the end of a line, shorter than the prefix. */
	redis_client_list_count("id=1 name=zeues\nid=2 name=zeues-a-\n",
	    "zeues-a-", &cc);
	assert_int_equal(cc.total, 2);
	assert_int_equal(cc.named, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_info_fields),
		cmocka_unit_test(test_info_absent),
		cmocka_unit_test(test_info_plain_newlines),
		cmocka_unit_test(test_info_buffer),
		cmocka_unit_test(test_client_count),
		cmocka_unit_test(test_client_count_shapes),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
