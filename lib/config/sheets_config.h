/*
 * The Sheets side of the configuration: which spreadsheet, which API
 * endpoint, whose key, the sheet names, and the quota discipline.  Read in
 * the parent before the workers fork, like config.h; the key is parsed
 * there so a bad key stops the server at start-up, not at the first call.
 */
#ifndef ZEUES_SHEETS_CONFIG_H
#define ZEUES_SHEETS_CONFIG_H

#include <stddef.h>

#include "config.h"

#define SHEETS_ID_MAX		128
#define SHEETS_URL_MAX		256
#define SHEETS_NAME_MAX		101	/* Google allows 100 characters */

struct service_account;

struct sheets_config {
	int			 configured;	/* GOOGLE_SHEET_ID is set */
	char			 spreadsheet_id[SHEETS_ID_MAX];
	char			 base_url[SHEETS_URL_MAX];
	char			 operaciones[SHEETS_NAME_MAX];
	char			 trabajadores[SHEETS_NAME_MAX];
	char			 roles[SHEETS_NAME_MAX];
	char			 metadata[SHEETS_NAME_MAX];
	char			 uniones[SHEETS_NAME_MAX];
	int			 reads_per_minute;
	int			 writes_per_minute;
	int			 batch_window_ms;
	int			 cache_ttl_ms;
	int			 health_interval_ms;
	int			 call_timeout_ms;
	/*
	 * SHEETS_COMMIT_MODE: 1 "shared" (one write slot at a time for the
	 * deployment), 0 "slices" (a fixed slice per worker).
	 */
	int			 commit_shared;
	/* SHEETS_CACHE_SHARED: one read cache refresh for the deployment. */
	int			 cache_shared;
	/*
	 * 1 "relay": shared, and one committer for the deployment writes
	 * every worker's changes (commit_relay.h).
	 */
	int			 commit_relay;
	struct service_account	*account;	/* NULL unless configured */
};

/*
 * Fills sc from the environment.  With GOOGLE_SHEET_ID set, a key is
 * required: GOOGLE_APPLICATION_CREDENTIALS (a path) or
 * GOOGLE_APPLICATION_CREDENTIALS_JSON (the contents).  -1 with one line
 * in err that never quotes the key.
 */
int	sheets_config_load(struct sheets_config *sc, config_getenv_fn *get,
	    char *err, size_t errlen);
void	sheets_config_clear(struct sheets_config *sc);

#endif
