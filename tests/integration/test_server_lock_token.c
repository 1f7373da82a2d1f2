/*
 * Caller identity on the occupation routes (issue 9): TOMAR and each
 * batch-tomar item answer a lock_token; with REQUIRE_LOCK_TOKEN=true only
 * whoever presents it (X-Lock-Token, or the lock_token field) may PAUSAR
 * or COMPLETAR, everyone else gets 403 NO_AUTORIZADO; without it (the
 * default, what the deployed frontend needs) the token is answered and
 * nothing asks for it.  The token never shows in the log, the events,
 * the workbook or the status route.  A lock that reconciliation restores
 * after Redis lost it has no token: its holder is not locked out.
 *
 * Two servers on one Redis and one emulator: srv requires the token,
 * open does not.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "emulator_fixture.h"
#include "harness.h"
#include "server.h"

#define TOKENS_MAX	32

static struct emu		emu;
static struct test_server	srv, open_srv;
static long long		worker_a, worker_b;
static char			tokens[TOKENS_MAX][64];	/* every one answered */
static size_t			ntokens;

static long long	ayudante(size_t nth);

static int
start(struct test_server *s, const char *extra1, const char *extra2)
{
	char	*env[12];
	size_t	 i;

	for (i = 0; emu.te.env[i] != NULL; i++)
		env[i] = emu.te.env[i];
	env[i++] = "LOG_LEVEL=debug";
	env[i++] = "RECONCILE_INTERVAL_SECONDS=1";
	env[i++] = (char *)extra1;
	env[i++] = (char *)extra2;
	env[i] = NULL;
	return (test_server_start(s, env));
}

static int
setup(void **state)
{
	(void)state;
	if (emu_start(&emu, 200, 30, NULL) == -1)
		return (-1);
	memset(&srv, 0, sizeof(srv));
	if (start(&srv, "REQUIRE_LOCK_TOKEN=true", "INSTANCE_NAME=main") == -1)
		return (-1);
	memset(&open_srv, 0, sizeof(open_srv));
	open_srv.redis_port = srv.redis_port;
	open_srv.redis = srv.redis;
	if (start(&open_srv, "INSTANCE_NAME=open", NULL) == -1)
		return (-1);
	worker_a = ayudante(0);
	worker_b = ayudante(1);
	return (worker_a > 0 && worker_b > 0 ? 0 : -1);
}

static int
teardown(void **state)
{
	int	bad;

	(void)state;
	open_srv.redis = 0;
	bad = test_server_stop(&open_srv);
	bad |= test_server_stop(&srv);
	bad |= emu_stop(&emu);
	return (bad);
}

/* The nth worker of the roster with the Ayudante role (ARM and SOLD). */
static long long
ayudante(size_t nth)
{
	struct http_reply	 r;
	yajl_val		 j, list, roles;
	char			 url[128];
	size_t			 i, k, seen = 0;
	long long		 id = 0;
	const char		*name;

	snprintf(url, sizeof(url), "%s/api/workers", srv.base);
	if (http_get(url, 10000, &r) != 0 || r.status != 200)
		return (0);
	j = http_reply_json(&r);
	list = jpath(j, "workers", NULL);
	for (i = 0; list != NULL && i < list->u.array.len && id == 0; i++) {
		roles = jpath(list->u.array.values[i], "roles", NULL);
		for (k = 0; roles != NULL && k < roles->u.array.len; k++) {
			name = YAJL_GET_STRING(roles->u.array.values[k]);
			if (name == NULL || strcmp(name, "Ayudante") != 0)
				continue;
			if (seen++ == nth)
				id = jpath_int(list->u.array.values[i], 0,
				    "id", NULL);
			break;
		}
	}
	yajl_tree_free(j);
	http_reply_free(&r);
	return (id);
}

/* Spools ready for ARM, free, never handed out before. */
static void
pick_spools(char tags[][80], size_t want)
{
	static char		 handed[64][80];
	static size_t		 nhanded;
	struct http_reply	 r;
	yajl_val		 j, list, s;
	const char		*t;
	char			 url[160];
	size_t			 i, k, n = 0;

	snprintf(url, sizeof(url), "%s/api/spools/iniciar?operacion=ARM",
	    srv.base);
	assert_int_equal(http_get(url, 10000, &r), 0);
	j = http_reply_json(&r);
	list = jpath(j, "spools", NULL);
	for (i = 0; list != NULL && i < list->u.array.len && n < want &&
	    nhanded < 64; i++) {
		s = list->u.array.values[i];
		t = jpath_str(s, "tag_spool", NULL);
		/* v3 spools: a v4 one is taken through INICIAR. */
		if (t == NULL || !YAJL_IS_NULL(jpath(s, "armador", NULL)) ||
		    jpath_int(s, 0, "total_uniones", NULL) > 0)
			continue;
		for (k = 0; k < nhanded && strcmp(handed[k], t) != 0; k++)
			;
		if (k < nhanded)
			continue;
		snprintf(handed[nhanded++], 80, "%s", t);
		snprintf(tags[n++], 80, "%s", t);
	}
	yajl_tree_free(j);
	http_reply_free(&r);
	assert_int_equal(n, want);
}

static void
keep_token(const char *t)
{
	assert_non_null(t);
	assert_int_equal(strlen(t), 32);
	assert_true(ntokens < TOKENS_MAX);
	snprintf(tokens[ntokens++], sizeof(tokens[0]), "%s", t);
}

/*
 * One occupation request.  header: X-Lock-Token or NULL; field: the
 * lock_token member or NULL.  Returns the status; the reply's error code
 * in code and, for a TOMAR that succeeded, its lock_token in token.
 */
static long
act(const struct test_server *s, const char *action, const char *tag,
    long long worker, const char *header, const char *field, char *code,
    char *token)
{
	struct http_reply	 r;
	yajl_val		 j;
	char			 url[160], body[512], hdr[200], extra[200];
	const char		*h[3] = { "Content-Type: application/json",
				    NULL, NULL };
	const char		*t;
	long			 status;

	snprintf(url, sizeof(url), "%s/api/occupation/%s", s->base, action);
	extra[0] = '\0';
	if (field != NULL)
		snprintf(extra, sizeof(extra), ",\"lock_token\":\"%s\"", field);
	snprintf(body, sizeof(body), "{\"tag_spool\":\"%s\",\"worker_id\":"
	    "%lld,\"operacion\":\"ARM\"%s%s}", tag, worker,
	    strcmp(action, "completar") == 0 ? ",\"fecha_operacion\":null" :
	    "", extra);
	if (header != NULL) {
		snprintf(hdr, sizeof(hdr), "X-Lock-Token: %s", header);
		h[1] = hdr;
	}
	assert_int_equal(http_request("POST", url, h, body, strlen(body),
	    15000, &r), 0);
	status = r.status;
	j = http_reply_json(&r);
	assert_non_null(j);
	if (code != NULL)
		snprintf(code, 48, "%s", jpath_str(j, "error", NULL) != NULL ?
		    jpath_str(j, "error", NULL) : "");
	if (status != 200) {
		/* api.md §1's body. */
		assert_non_null(jpath_str(j, "detail", NULL));
		assert_non_null(jpath_str(j, "message", NULL));
		assert_true(YAJL_IS_FALSE(jpath(j, "success", NULL)));
		assert_null(jpath(j, "lock_token", NULL));
	} else if (strcmp(action, "tomar") == 0) {
		t = jpath_str(j, "lock_token", NULL);
		keep_token(t);
		if (token != NULL)
			snprintf(token, 64, "%s", t);
	} else {
		assert_null(jpath(j, "lock_token", NULL));
	}
	yajl_tree_free(j);
	http_reply_free(&r);
	return (status);
}

static char *
redis(const char *args)
{
	char	*v = harness_redis_cli(srv.redis_port, args);
	size_t	 n;

	assert_non_null(v);
	n = strlen(v);
	while (n > 0 && (v[n - 1] == '\n' || v[n - 1] == '\r'))
		v[--n] = '\0';
	return (v);
}

static void
test_pausar_and_completar_need_the_token(void **state)
{
	char	tag[1][80], code[48], token[64], other[64], args[128], *lock;

	(void)state;
	pick_spools(tag, 1);
	assert_int_equal(act(&srv, "tomar", tag[0], worker_a, NULL, NULL,
	    code, token), 200);
	/* The lock is bound to it: the token is the value's last field. */
	snprintf(args, sizeof(args), "GET spool_lock:%s", tag[0]);
	lock = redis(args);
	assert_int_equal(atoll(lock), worker_a);
	assert_true(strlen(lock) > 33);
	assert_string_equal(lock + strlen(lock) - 32, token);
	assert_int_equal(lock[strlen(lock) - 33], ':');
	free(lock);

	/* Without it, with another, with the public session id: 403. */
	assert_int_equal(act(&srv, "pausar", tag[0], worker_a, NULL, NULL,
	    code, NULL), 403);
	assert_string_equal(code, "NO_AUTORIZADO");
	snprintf(other, sizeof(other), "%s", token);
	other[0] = other[0] == 'a' ? 'b' : 'a';
	assert_int_equal(act(&srv, "pausar", tag[0], worker_a, other, NULL,
	    code, NULL), 403);
	assert_string_equal(code, "NO_AUTORIZADO");
	assert_int_equal(act(&srv, "pausar", tag[0], worker_a, NULL, other,
	    code, NULL), 403);
	assert_int_equal(act(&srv, "completar", tag[0], worker_a, NULL, NULL,
	    code, NULL), 403);
	assert_string_equal(code, "NO_AUTORIZADO");
	/* Someone else, even with the token: still not the holder. */
	assert_int_equal(act(&srv, "pausar", tag[0], worker_b, token, NULL,
	    code, NULL), 403);
	/* The header wins over the field. */
	assert_int_equal(act(&srv, "pausar", tag[0], worker_a, other, token,
	    code, NULL), 403);

	/* The right one, in the header. */
	assert_int_equal(act(&srv, "pausar", tag[0], worker_a, token, NULL,
	    code, NULL), 200);

	/* A new TOMAR, a new token; the old one proves nothing. */
	assert_int_equal(act(&srv, "tomar", tag[0], worker_a, NULL, NULL,
	    code, other), 200);
	assert_string_not_equal(other, token);
	assert_int_equal(act(&srv, "completar", tag[0], worker_a, NULL, token,
	    code, NULL), 403);
	/* The right one, in the body field. */
	assert_int_equal(act(&srv, "completar", tag[0], worker_a, NULL, other,
	    code, NULL), 200);
}

static void
test_batch_items_answer_tokens(void **state)
{
	struct http_reply	 r;
	yajl_val		 j, d, item;
	char			 tag[3][80], url[160], body[512], code[48];
	const char		*h[] = { "Content-Type: application/json",
				    NULL };
	char			 tok[3][64];
	size_t			 i;

	(void)state;
	pick_spools(tag, 3);
	snprintf(url, sizeof(url), "%s/api/occupation/batch-tomar", srv.base);
	snprintf(body, sizeof(body), "{\"tag_spools\":[\"%s\",\"%s\",\"%s\"],"
	    "\"worker_id\":%lld,\"operacion\":\"ARM\"}", tag[0], tag[1],
	    tag[2], worker_a);
	assert_int_equal(http_request("POST", url, h, body, strlen(body),
	    15000, &r), 0);
	assert_int_equal(r.status, 200);
	j = http_reply_json(&r);
	assert_int_equal(jpath_int(j, -1, "succeeded", NULL), 3);
	d = jpath(j, "details", NULL);
	for (i = 0; i < 3; i++) {
		item = d->u.array.values[i];
		assert_string_equal(jpath_str(item, "tag_spool", NULL),
		    tag[i]);
		keep_token(jpath_str(item, "lock_token", NULL));
		snprintf(tok[i], sizeof(tok[i]), "%s",
		    jpath_str(item, "lock_token", NULL));
	}
	yajl_tree_free(j);
	http_reply_free(&r);
	assert_string_not_equal(tok[0], tok[1]);

	/* Each token opens its own spool only. */
	assert_int_equal(act(&srv, "pausar", tag[0], worker_a, tok[1], NULL,
	    code, NULL), 403);
	for (i = 0; i < 3; i++)
		assert_int_equal(act(&srv, "pausar", tag[i], worker_a, tok[i],
		    NULL, code, NULL), 200);
}

/*
 * The default: the token is answered and nothing asks for it, so the
 * deployed frontend, which sends none, works as before.
 */
static void
test_default_mode_asks_nothing(void **state)
{
	char	tag[1][80], code[48], token[64];

	(void)state;
	pick_spools(tag, 1);
	assert_int_equal(act(&open_srv, "tomar", tag[0], worker_a, NULL, NULL,
	    code, token), 200);
	assert_int_equal(act(&open_srv, "pausar", tag[0], worker_a, NULL,
	    NULL, code, NULL), 200);
	assert_int_equal(act(&open_srv, "tomar", tag[0], worker_a, NULL, NULL,
	    code, token), 200);
	assert_int_equal(act(&open_srv, "completar", tag[0], worker_a,
	    "not-the-token", NULL, code, NULL), 200);
}

/*
 * Redis loses the lock; reconciliation restores it from the row with a
 * new value it cannot give a token (the token died with Redis's copy).
 * The holder is not locked out: the restored lock takes the worker id
 * alone, with or without the old token; others are still refused.
 */
static void
test_restored_lock_keeps_its_holder_in(void **state)
{
	char		 tag[1][80], code[48], token[64], args[128], *lock;
	uint64_t	 t0;

	(void)state;
	pick_spools(tag, 1);
	assert_int_equal(act(&srv, "tomar", tag[0], worker_a, NULL, NULL,
	    code, token), 200);
	snprintf(args, sizeof(args), "DEL spool_lock:%s", tag[0]);
	free(redis(args));
	snprintf(args, sizeof(args), "GET spool_lock:%s", tag[0]);
	t0 = harness_now_ms();
	for (;;) {
		lock = redis(args);
		if (lock[0] != '\0')
			break;
		free(lock);
		assert_true(harness_now_ms() - t0 < 15000);
		harness_sleep_ms(200);
	}
	assert_int_equal(atoll(lock), worker_a);
	assert_null(strstr(lock, token));
	free(lock);

	assert_int_equal(act(&srv, "pausar", tag[0], worker_b, NULL, NULL,
	    code, NULL), 403);
	assert_int_equal(act(&srv, "pausar", tag[0], worker_a, token, NULL,
	    code, NULL), 200);
}

/* A browser may send the header: the preflight lets it through. */
static void
test_preflight_allows_the_header(void **state)
{
	struct http_reply	 r;
	char			 url[160], v[160];
	const char		*h[] = { "Origin: http://localhost:3000",
				    "Access-Control-Request-Method: POST",
				    "Access-Control-Request-Headers: "
				    "content-type, x-lock-token", NULL };

	(void)state;
	snprintf(url, sizeof(url), "%s/api/occupation/pausar", srv.base);
	assert_int_equal(http_request("OPTIONS", url, h, NULL, 0, 5000, &r),
	    0);
	assert_int_equal(r.status, 204);
	assert_int_equal(http_reply_header(&r, "access-control-allow-headers",
	    v, sizeof(v)), 0);
	assert_non_null(strstr(v, "x-lock-token"));
	http_reply_free(&r);
}

static int
contains_token(const char *text)
{
	size_t	i;

	for (i = 0; text != NULL && i < ntokens; i++) {
		if (strstr(text, tokens[i]) != NULL)
			return (1);
	}
	return (0);
}

/* Last: every token answered so far, looked for where none may be. */
static void
test_token_never_leaks(void **state)
{
	struct http_reply	 r;
	char			 url[256], *text;
	const char		*logs[2] = { srv.log, open_srv.log };
	size_t			 i;

	(void)state;
	assert_true(ntokens >= 8);
	for (i = 0; i < 2; i++) {
		text = emu_slurp(logs[i]);
		assert_non_null(text);
		assert_false(contains_token(text));
		free(text);
	}
	/* The events, as SSE replays them and pub/sub carried them. */
	text = redis("XRANGE spools:events - +");
	assert_non_null(strstr(text, "TOMAR"));
	assert_false(contains_token(text));
	free(text);
	/* The workbook: rows and the Metadata audit log. */
	snprintf(url, sizeof(url), "%s/admin/workbook", emu.base);
	assert_int_equal(http_get(url, 10000, &r), 0);
	assert_int_equal(r.status, 200);
	assert_false(contains_token(r.body));
	http_reply_free(&r);
	/* The status route, for a spool held right now. */
	{
		char	tag[1][80], code[48], token[64];

		pick_spools(tag, 1);
		assert_int_equal(act(&srv, "tomar", tag[0], worker_a, NULL,
		    NULL, code, token), 200);
		snprintf(url, sizeof(url), "%s/api/occupation/status/%s",
		    srv.base, tag[0]);
		assert_int_equal(http_get(url, 10000, &r), 0);
		assert_int_equal(r.status, 200);
		assert_false(contains_token(r.body));
		http_reply_free(&r);
		assert_int_equal(act(&srv, "pausar", tag[0], worker_a, token,
		    NULL, code, NULL), 200);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pausar_and_completar_need_the_token),
		cmocka_unit_test(test_batch_items_answer_tokens),
		cmocka_unit_test(test_default_mode_asks_nothing),
		cmocka_unit_test(test_restored_lock_keeps_its_holder_in),
		cmocka_unit_test(test_preflight_allows_the_header),
		cmocka_unit_test(test_token_never_leaks),
	};

	return (cmocka_run_group_tests_name("server_lock_token", tests, setup,
	    teardown));
}
