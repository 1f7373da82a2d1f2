/*
 * The Sheets client's service-account token against the emulator's real
 * token endpoint (issue 3, done-means 1): a token that expires is replaced
 * before it does and every call goes through; a key the spreadsheet does
 * not know is refused with a clear error and never retried forever.
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
#include "poll_loop.h"
#include "server.h"
#include "service_account.h"
#include "sheets_client.h"

struct call {
	int			done;
	enum sheets_error_class	class;
	char			error[256];
	size_t			rows;
};

static void
call_done(void *arg, struct sheets_result *res)
{
	struct call	*c = arg;

	c->done = 1;
	c->class = res->class;
	snprintf(c->error, sizeof(c->error), "%s", res->error != NULL ?
	    res->error : "");
	if (res->class == SHEETS_OK && res->value_ranges.nranges > 0)
		c->rows = res->value_ranges.ranges[0].nrows;
}

static int
run_call(struct poll_loop *pl, struct sheets_client *sc, struct call *c,
    int ms)
{
	const char	*ranges[] = { "'Trabajadores'!A1:E" };
	char		 err[160];
	uint64_t	 end = harness_now_ms() + (uint64_t)ms;

	memset(c, 0, sizeof(*c));
	if (sheets_batch_get(sc, ranges, 1, SHEETS_RENDER_FORMATTED,
	    (uint64_t)ms, call_done, c, err, sizeof(err)) == 0)
		fail_msg("batch_get: %s", err);
	while (!c->done && harness_now_ms() < end) {
		poll_loop_run_once(pl, IO_LOOP_TICK_MS);
		sheets_client_tick(sc, harness_now_ms());
	}
	return (c->done ? 0 : -1);
}

/* Tokens live 3 s; the client refreshes 1 s ahead. */
static void
test_expiring_token_is_refreshed(void **state)
{
	struct emu			 emu;
	struct poll_loop		*pl;
	struct sheets_client		*sc;
	struct sheets_client_config	 cfg;
	struct sheets_client_stats	 st;
	struct service_account		*sa;
	struct call			 c;
	const char			*flags[] = { "--token-ttl", "3", NULL };
	char				 err[256];
	uint64_t			 end;
	int				 calls = 0;
	long long			 tokens;

	(void)state;
	assert_int_equal(emu_start(&emu, 20, 10, flags), 0);
	pl = poll_loop_new();
	sa = emu_account(&emu);
	assert_non_null(sa);
	sheets_client_config_defaults(&cfg);
	cfg.base_url = emu.base;
	cfg.spreadsheet_id = emu.spreadsheet_id;
	cfg.token_refresh_margin_ms = 1000;
	sc = sheets_client_new(poll_loop_io(pl), sa, &cfg, err, sizeof(err));
	service_account_free(sa);
	assert_non_null(sc);

	end = harness_now_ms() + 8000;
	while (harness_now_ms() < end) {
		assert_int_equal(run_call(pl, sc, &c, 5000), 0);
		if (c.class != SHEETS_OK)
			fail_msg("call %d failed: %s", calls, c.error);
		assert_true(c.rows > 1);
		calls++;
		harness_sleep_ms(300);
	}
	sheets_client_stats(sc, &st);
	tokens = emu_counter(&emu, "calls", "token", NULL);
	print_message("%d calls over 8 s with 3 s tokens: %llu refreshes, "
	    "%lld token requests, %llu failures\n", calls,
	    (unsigned long long)st.token_refreshes, tokens,
	    (unsigned long long)st.calls_failed);
	assert_true(st.token_refreshes >= 3);
	assert_int_equal(st.calls_failed, 0);
	/* One refresh in flight at a time: no more requests than tokens. */
	assert_int_equal(tokens, (long long)st.token_refreshes);
	sheets_client_free(sc);
	poll_loop_free(pl);
	assert_int_equal(emu_stop(&emu), 0);
}

/*
 * A key the emulator's account does not have, whose token_uri is this
 * emulator's: the token endpoint refuses its signature (invalid_grant).
 */
static void
test_unknown_key_is_a_clear_error(void **state)
{
	struct emu			 emu;
	struct poll_loop		*pl;
	struct sheets_client		*sc;
	struct sheets_client_config	 cfg;
	struct service_account		*sa;
	struct call			 c;
	char				 err[256], dir[600], port[16], path[700];
	char				*text;
	char				*argv[] = { NULL, "--out", dir, "--port",
					    port, "--spools", "5", "--workers",
					    "3", "--seed", "99", NULL };
	uint64_t			 t0;

	(void)state;
	assert_int_equal(emu_start(&emu, 20, 10, NULL), 0);
	snprintf(dir, sizeof(dir), "%s/other-key", harness_tmpdir());
	snprintf(port, sizeof(port), "%d", emu.te.port);
	argv[0] = (char *)test_build_path("tests/emulator/zeues-demo-gen");
	assert_int_equal(harness_wait_exit(harness_spawn(NULL, argv, NULL),
	    60000), 0);
	snprintf(path, sizeof(path), "%s/service-account.json", dir);
	text = emu_slurp(path);
	assert_non_null(text);
	sa = service_account_parse(text, strlen(text), err, sizeof(err));
	free(text);
	assert_non_null(sa);

	pl = poll_loop_new();
	sheets_client_config_defaults(&cfg);
	cfg.base_url = emu.base;
	cfg.spreadsheet_id = emu.spreadsheet_id;
	sc = sheets_client_new(poll_loop_io(pl), sa, &cfg, err, sizeof(err));
	service_account_free(sa);
	assert_non_null(sc);
	t0 = harness_now_ms();
	assert_int_equal(run_call(pl, sc, &c, 3000), 0);
	print_message("refused in %llu ms: %s\n",
	    (unsigned long long)(harness_now_ms() - t0), c.error);
	assert_int_not_equal(c.class, SHEETS_OK);
	assert_non_null(strstr(c.error, "invalid_grant"));
	assert_true(harness_now_ms() - t0 < 2000);
	sheets_client_free(sc);
	poll_loop_free(pl);
	assert_int_equal(emu_stop(&emu), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expiring_token_is_refreshed),
		cmocka_unit_test(test_unknown_key_is_a_clear_error),
	};

	return (cmocka_run_group_tests_name("sheets_token", tests, NULL,
	    NULL));
}
