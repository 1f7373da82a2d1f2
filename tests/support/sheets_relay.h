/*
 * A relay between a Sheets client (the server under test) and the
 * emulator, run in a thread of the test, that passes every call on and
 * can spoil the writes (values:batchUpdate) on purpose:
 *
 *	SHEETS_RELAY_PASS	everything goes through
 *	SHEETS_RELAY_LOSE	the next write reaches the emulator and lands,
 *				its answer is thrown away (the connection is
 *				closed); then everything passes again
 *	SHEETS_RELAY_FAIL	the write never reaches the emulator; the
 *				client gets a 503
 *
 * One request per connection, handled in order.  Same idea as the relay
 * in test_group_commit.c, shared here for the server-level tests.
 */
#ifndef ZEUES_TEST_SHEETS_RELAY_H
#define ZEUES_TEST_SHEETS_RELAY_H

enum sheets_relay_mode {
	SHEETS_RELAY_PASS,
	SHEETS_RELAY_LOSE,
	SHEETS_RELAY_FAIL,
};

struct sheets_relay;

/* A relay to the emulator on upstream_port; NULL on error. */
struct sheets_relay	*sheets_relay_start(int upstream_port);
int			 sheets_relay_port(const struct sheets_relay *);
void			 sheets_relay_mode(struct sheets_relay *,
			    enum sheets_relay_mode);
/* Writes spoiled so far (lost or failed). */
int			 sheets_relay_spoiled(const struct sheets_relay *);
void			 sheets_relay_stop(struct sheets_relay *);

#endif
