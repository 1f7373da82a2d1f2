/*
 * spreadsheets.batchUpdate with any list of requests (addSheet,
 * appendDimension together), which lib/sheets/sheets_client.h does not send: it
 * only knows appendDimension on its own.  For the migration tool, so it
 * waits on the tool's poll loop, fetches its own access token with the
 * same key, and retries 429 and 5xx with backoff until its deadline.
 */
#ifndef ZEUES_SPREADSHEET_UPDATE_H
#define ZEUES_SPREADSHEET_UPDATE_H

#include <stddef.h>
#include <stdint.h>

struct poll_loop;
struct service_account;

/*
 * Sends {"requests":[requests...]} to base_url's spreadsheet.  sa may be
 * NULL (a server that wants no token).  Returns 0, or -1 with err set.
 */
int	spreadsheet_update(struct poll_loop *pl,
	    const struct service_account *sa, const char *base_url,
	    const char *spreadsheet_id, const char *const *requests,
	    size_t nrequests, uint64_t timeout_ms, char *err, size_t errsz);

#endif
