/*
 * Unit tests for lib/redis/sentinel_parse.c: REDIS_SENTINELS lists (names,
 * IPv4, bracketed IPv6, spaces around entries, the limits, duplicates),
 * REDIS_SENTINEL_MASTER names, the reply to SENTINEL
 * get-master-addr-by-name (nil, errors, wrong shapes), and +switch-master
 * payloads (ours, another master's, malformed).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "nelem.h"
#include "sentinel_parse.h"

static void
test_list_good(void **state)
{
	struct sentinel_addr	a[SENTINEL_LIST_MAX];
	char			err[256];
	size_t			n;

	(void)state;
	assert_int_equal(sentinel_list_parse("127.0.0.1:26379", a,
	    SENTINEL_LIST_MAX, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 1);
	assert_string_equal(a[0].host, "127.0.0.1");
	assert_int_equal(a[0].port, 26379);

	assert_int_equal(sentinel_list_parse(" s1.internal:1 , [::1]:26380,"
	    "sentinel_3-b:65535 ", a, SENTINEL_LIST_MAX, &n, err,
	    sizeof(err)), 0);
	assert_int_equal(n, 3);
	assert_string_equal(a[0].host, "s1.internal");
	assert_int_equal(a[0].port, 1);
	assert_string_equal(a[1].host, "::1");
	assert_int_equal(a[1].port, 26380);
	assert_string_equal(a[2].host, "sentinel_3-b");
	assert_int_equal(a[2].port, 65535);
}

static void
test_list_bad(void **state)
{
	static const char *const cases[] = {
		"", "host", "host:", ":26379", "host:0", "host:65536",
		"host:26379x", "host:-1", "host:+1", "host:123456",
		"::1:26379",		/* IPv6 only in brackets */
		"[::1]26379", "[::1]:", "[::1", "[]:1",
		"a:1,", ",a:1", "a:1,,b:2", "a:1, ,b:2",
		"ho st:1", "h!:1", "h/x:1", "h\t:1",
		"a:1,a:1",		/* the same Sentinel twice */
	};
	struct sentinel_addr	a[SENTINEL_LIST_MAX];
	char			err[256];
	size_t			i, n;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		err[0] = '\0';
		if (sentinel_list_parse(cases[i], a, SENTINEL_LIST_MAX, &n,
		    err, sizeof(err)) != -1)
			fail_msg("'%s' accepted", cases[i]);
		assert_non_null(strstr(err, "REDIS_SENTINELS"));
		assert_null(strchr(err, '\n'));
	}
	assert_int_equal(sentinel_list_parse(NULL, a, SENTINEL_LIST_MAX, &n,
	    err, sizeof(err)), -1);
}

static void
test_list_limits(void **state)
{
	struct sentinel_addr	a[SENTINEL_LIST_MAX];
	char			raw[2048], host[SENTINEL_HOST_MAX + 8], err[256];
	size_t			i, n, off = 0;

	(void)state;
	for (i = 0; i < SENTINEL_LIST_MAX; i++)
		off += (size_t)snprintf(raw + off, sizeof(raw) - off, "%sh:%zu",
		    i > 0 ? "," : "", i + 1);
	assert_int_equal(sentinel_list_parse(raw, a, SENTINEL_LIST_MAX, &n,
	    err, sizeof(err)), 0);
	assert_int_equal(n, SENTINEL_LIST_MAX);
	snprintf(raw + off, sizeof(raw) - off, ",h:99");
	assert_int_equal(sentinel_list_parse(raw, a, SENTINEL_LIST_MAX, &n,
	    err, sizeof(err)), -1);
	assert_non_null(strstr(err, "more than"));

	memset(host, 'h', SENTINEL_HOST_MAX - 1);
	host[SENTINEL_HOST_MAX - 1] = '\0';
	snprintf(raw, sizeof(raw), "%s:1", host);
	assert_int_equal(sentinel_list_parse(raw, a, SENTINEL_LIST_MAX, &n,
	    err, sizeof(err)), 0);
	memset(host, 'h', SENTINEL_HOST_MAX);
	host[SENTINEL_HOST_MAX] = '\0';
	snprintf(raw, sizeof(raw), "%s:1", host);
	assert_int_equal(sentinel_list_parse(raw, a, SENTINEL_LIST_MAX, &n,
	    err, sizeof(err)), -1);
}

static void
test_master_name(void **state)
{
	char	long_name[SENTINEL_NAME_MAX + 1];

	(void)state;
	assert_true(sentinel_name_valid("zeues"));
	assert_true(sentinel_name_valid("my-master_1.prod"));
	assert_false(sentinel_name_valid(NULL));
	assert_false(sentinel_name_valid(""));
	assert_false(sentinel_name_valid("two words"));
	assert_false(sentinel_name_valid("a\nb"));
	memset(long_name, 'm', SENTINEL_NAME_MAX);
	long_name[SENTINEL_NAME_MAX] = '\0';
	assert_false(sentinel_name_valid(long_name));
	long_name[SENTINEL_NAME_MAX - 1] = '\0';
	assert_true(sentinel_name_valid(long_name));
}

/* A reply as hiredis builds it, on the stack. */
static redisReply *
str(redisReply *r, const char *s)
{
	memset(r, 0, sizeof(*r));
	r->type = REDIS_REPLY_STRING;
	r->str = (char *)s;
	r->len = strlen(s);
	return (r);
}

static void
test_master_reply(void **state)
{
	redisReply		 top, h, p, nil, *el[2];
	struct sentinel_addr	 a;

	(void)state;
	memset(&top, 0, sizeof(top));
	top.type = REDIS_REPLY_ARRAY;
	top.elements = 2;
	top.element = el;
	el[0] = str(&h, "10.0.0.7");
	el[1] = str(&p, "6380");
	assert_int_equal(sentinel_master_reply(&top, &a), 0);
	assert_string_equal(a.host, "10.0.0.7");
	assert_int_equal(a.port, 6380);

	el[0] = str(&h, "fe80::1");
	assert_int_equal(sentinel_master_reply(&top, &a), 0);
	assert_string_equal(a.host, "fe80::1");

	/* Sentinel does not know the name: a nil. */
	memset(&nil, 0, sizeof(nil));
	nil.type = REDIS_REPLY_NIL;
	assert_int_equal(sentinel_master_reply(&nil, &a), -1);
	assert_int_equal(sentinel_master_reply(NULL, &a), -1);
	nil.type = REDIS_REPLY_ERROR;
	nil.str = "ERR unknown";
	assert_int_equal(sentinel_master_reply(&nil, &a), -1);

	el[0] = str(&h, "host");
	el[1] = str(&p, "0");
	assert_int_equal(sentinel_master_reply(&top, &a), -1);
	el[1] = str(&p, "6379x");
	assert_int_equal(sentinel_master_reply(&top, &a), -1);
	el[1] = str(&p, "");
	assert_int_equal(sentinel_master_reply(&top, &a), -1);
	el[1] = str(&p, "6379");
	el[0] = str(&h, "");
	assert_int_equal(sentinel_master_reply(&top, &a), -1);
	el[0] = str(&h, "bad host");
	assert_int_equal(sentinel_master_reply(&top, &a), -1);
	/* An embedded NUL is not a host. */
	str(&h, "host");
	h.len = 5;
	el[0] = &h;
	assert_int_equal(sentinel_master_reply(&top, &a), -1);
	el[0] = str(&h, "host");
	el[1]->type = REDIS_REPLY_INTEGER;
	assert_int_equal(sentinel_master_reply(&top, &a), -1);
	el[1] = str(&p, "6379");
	top.elements = 1;
	assert_int_equal(sentinel_master_reply(&top, &a), -1);
	top.elements = 3;
	assert_int_equal(sentinel_master_reply(&top, &a), -1);
}

static void
test_switch_master(void **state)
{
	static const char *const bad[] = {
		"", "zeues", "zeues 1.1.1.1 6379 2.2.2.2",
		"zeues 1.1.1.1 6379 2.2.2.2 6380 extra",
		"zeues  1.1.1.1 6379 2.2.2.2 6380",
		"zeues 1.1.1.1 6379 2.2.2.2 6380 ",
		"zeues 1.1.1.1 6379 2.2.2.2 0",
		"zeues 1.1.1.1 x 2.2.2.2 6380",
		"zeues 1.1.1.1 6379 2.2.2.2 65536",
		"zeues 1.1.1.1 6379 b@d 6380",
	};
	struct sentinel_addr	a;
	const char		*p;
	size_t			i;

	(void)state;
	p = "zeues 127.0.0.1 6391 127.0.0.1 6392";
	assert_int_equal(sentinel_switch_parse(p, strlen(p), "zeues", &a), 1);
	assert_string_equal(a.host, "127.0.0.1");
	assert_int_equal(a.port, 6392);
	p = "zeues ::1 6391 fe80::2 7000";
	assert_int_equal(sentinel_switch_parse(p, strlen(p), "zeues", &a), 1);
	assert_string_equal(a.host, "fe80::2");
	/* Another master's, or a name we only share a prefix with. */
	p = "other 127.0.0.1 6391 127.0.0.1 6392";
	assert_int_equal(sentinel_switch_parse(p, strlen(p), "zeues", &a), 0);
	p = "zeues2 127.0.0.1 6391 127.0.0.1 6392";
	assert_int_equal(sentinel_switch_parse(p, strlen(p), "zeues", &a), 0);
	p = "zeu 127.0.0.1 6391 127.0.0.1 6392";
	assert_int_equal(sentinel_switch_parse(p, strlen(p), "zeues", &a), 0);
	for (i = 0; i < NELEM(bad); i++) {
		if (sentinel_switch_parse(bad[i], strlen(bad[i]), "zeues",
		    &a) != -1)
			fail_msg("'%s' accepted", bad[i]);
	}
	/* Only len bytes count. */
	p = "zeues 1.1.1.1 6379 2.2.2.2 6380 trailing";
	assert_int_equal(sentinel_switch_parse(p, 31, "zeues", &a), 1);
	assert_int_equal(a.port, 6380);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_good),
		cmocka_unit_test(test_list_bad),
		cmocka_unit_test(test_list_limits),
		cmocka_unit_test(test_master_name),
		cmocka_unit_test(test_master_reply),
		cmocka_unit_test(test_switch_master),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
