#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "secret_url.h"
#include "service_account.h"
#include "sheets_config.h"

#define KEY_FILE_MAX	(64 * 1024)

static int
load_number(const char *name, int def, int min, int max, config_getenv_fn *get,
    int *dst, char *err, size_t errlen)
{
	const char	*raw = get(name);
	char		*end, q[CONFIG_QUOTE_MAX];
	long		 v;

	*dst = def;
	if (raw == NULL)
		return (0);
	errno = 0;
	v = strtol(raw, &end, 10);
	if (*raw == '\0' || isspace((unsigned char)*raw) || *end != '\0' ||
	    errno != 0 || v < min || v > max) {
		snprintf(err, errlen, "%s: '%s' is not a whole number in "
		    "%d..%d", name, config_quote(raw, q, sizeof(q)), min, max);
		return (-1);
	}
	*dst = (int)v;
	return (0);
}

/* Sheet names: 1..100 characters, none of them a control character. */
static int
load_name(const char *name, const char *def, config_getenv_fn *get,
    char *dst, char *err, size_t errlen)
{
	const char	*raw = get(name), *p;

	if (raw == NULL)
		raw = def;
	if (*raw == '\0' || strlen(raw) >= SHEETS_NAME_MAX)
		goto bad;
	for (p = raw; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			goto bad;
	}
	memcpy(dst, raw, strlen(raw) + 1);
	return (0);
bad:
	snprintf(err, errlen, "%s: a sheet name is 1..%d characters without "
	    "control characters", name, SHEETS_NAME_MAX - 1);
	return (-1);
}

static int
load_base_url(struct sheets_config *sc, config_getenv_fn *get, char *err,
    size_t errlen)
{
	const char	*raw = get("SHEETS_API_BASE_URL"), *p;
	char		 q[CONFIG_QUOTE_MAX];

	if (raw == NULL)
		raw = "https://sheets.googleapis.com";
	if ((strncmp(raw, "https://", 8) != 0 &&
	    strncmp(raw, "http://", 7) != 0) || strlen(raw) >= SHEETS_URL_MAX)
		goto bad;
	for (p = raw; *p != '\0'; p++) {
		if (!isgraph((unsigned char)*p))
			goto bad;
	}
	/* Every call carries the bearer token. */
	if (!secret_url_allowed(raw)) {
		snprintf(err, errlen, "SHEETS_API_BASE_URL: '%s' would send "
		    "the access token unencrypted; use " SECRET_URL_RULE,
		    config_quote(raw, q, sizeof(q)));
		return (-1);
	}
	memcpy(sc->base_url, raw, strlen(raw) + 1);
	return (0);
bad:
	snprintf(err, errlen, "SHEETS_API_BASE_URL: '%s' is not an http(s) "
	    "URL", config_quote(raw, q, sizeof(q)));
	return (-1);
}

/* Reads the key file into wiped memory; the caller secret_free()s it. */
static char *
read_key_file(const char *path, size_t *len, char *err, size_t errlen)
{
	struct stat	 st;
	char		*buf;
	ssize_t		 n;
	size_t		 off = 0;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "GOOGLE_APPLICATION_CREDENTIALS: cannot "
		    "open %.120s: %s", path, strerror(errno));
		return (NULL);
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size <= 0 || st.st_size > KEY_FILE_MAX) {
		snprintf(err, errlen, "GOOGLE_APPLICATION_CREDENTIALS: %.120s "
		    "is not a key file of 1..%d bytes", path, KEY_FILE_MAX);
		close(fd);
		return (NULL);
	}
	if ((buf = calloc(1, (size_t)st.st_size + 1)) == NULL) {
		close(fd);
		snprintf(err, errlen, "GOOGLE_APPLICATION_CREDENTIALS: out of "
		    "memory");
		return (NULL);
	}
	while (off < (size_t)st.st_size) {
		n = read(fd, buf + off, (size_t)st.st_size - off);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	close(fd);
	*len = off;
	return (buf);
}

static int
load_account(struct sheets_config *sc, config_getenv_fn *get, char *err,
    size_t errlen)
{
	const char	*path = get("GOOGLE_APPLICATION_CREDENTIALS");
	const char	*json = get("GOOGLE_APPLICATION_CREDENTIALS_JSON");
	char		*buf = NULL, why[192];
	size_t		 len;

	if (json != NULL && *json != '\0') {
		sc->account = service_account_parse(json, strlen(json), why,
		    sizeof(why));
		if (sc->account == NULL) {
			snprintf(err, errlen, "GOOGLE_APPLICATION_CREDENTIALS_"
			    "JSON: %s", why);
			return (-1);
		}
		return (0);
	}
	if (path == NULL || *path == '\0') {
		snprintf(err, errlen, "GOOGLE_SHEET_ID is set but neither "
		    "GOOGLE_APPLICATION_CREDENTIALS nor "
		    "GOOGLE_APPLICATION_CREDENTIALS_JSON gives a key");
		return (-1);
	}
	if ((buf = read_key_file(path, &len, err, errlen)) == NULL)
		return (-1);
	sc->account = service_account_parse(buf, len, why, sizeof(why));
	explicit_bzero(buf, len);
	free(buf);
	if (sc->account == NULL) {
		snprintf(err, errlen, "GOOGLE_APPLICATION_CREDENTIALS: %s", why);
		return (-1);
	}
	return (0);
}

/*
 * SHEETS_COMMIT_MODE: "relay" (the default) has one committer for the
 * deployment (commit_relay.h) take every worker's changes into one batch
 * per write slot; "shared" paces the deployment's writes to one per slot,
 * taken by whichever worker has changes; "slices" paces each worker to
 * its own fixed slice (the design before issue 13, kept as the bench's
 * baseline and for a deployment that wants no committer).
 */
static int
load_commit_mode(struct sheets_config *sc, config_getenv_fn *get, char *err,
    size_t errlen)
{
	const char	*v = get("SHEETS_COMMIT_MODE");
	char		 q[CONFIG_QUOTE_MAX];

	sc->commit_relay = 0;
	if (v == NULL || *v == '\0' || strcmp(v, "relay") == 0)
		sc->commit_shared = sc->commit_relay = 1;
	else if (strcmp(v, "slices") == 0)
		sc->commit_shared = 0;
	else if (strcmp(v, "shared") == 0)
		sc->commit_shared = 1;
	else {
		snprintf(err, errlen, "SHEETS_COMMIT_MODE: '%s' is neither "
		    "shared nor slices nor relay",
		    config_quote(v, q, sizeof(q)));
		return (-1);
	}
	return (0);
}

int
sheets_config_load(struct sheets_config *sc, config_getenv_fn *get,
    char *err, size_t errlen)
{
	const char	*id = get("GOOGLE_SHEET_ID"), *p;
	char		 q[CONFIG_QUOTE_MAX];

	memset(sc, 0, sizeof(*sc));
	if (load_base_url(sc, get, err, errlen) == -1 ||
	    load_name("HOJA_OPERACIONES_NOMBRE", "Operaciones", get,
	    sc->operaciones, err, errlen) == -1 ||
	    load_name("HOJA_TRABAJADORES_NOMBRE", "Trabajadores", get,
	    sc->trabajadores, err, errlen) == -1 ||
	    load_name("HOJA_ROLES_NOMBRE", "Roles", get, sc->roles, err,
	    errlen) == -1 ||
	    load_name("HOJA_METADATA_NOMBRE", "Metadata", get, sc->metadata,
	    err, errlen) == -1 ||
	    load_name("HOJA_UNIONES_NOMBRE", "Uniones", get, sc->uniones,
	    err, errlen) == -1 ||
	    load_number("SHEETS_READS_PER_MINUTE", 60, 1, 100000, get,
	    &sc->reads_per_minute, err, errlen) == -1 ||
	    load_number("SHEETS_WRITES_PER_MINUTE", 60, 1, 100000, get,
	    &sc->writes_per_minute, err, errlen) == -1 ||
	    load_number("SHEETS_BATCH_WINDOW_MS", 200, 0, 10000, get,
	    &sc->batch_window_ms, err, errlen) == -1 ||
	    load_number("SHEETS_CACHE_TTL_MS", 15000, 0, 3600000, get,
	    &sc->cache_ttl_ms, err, errlen) == -1 ||
	    load_number("SHEETS_HEALTH_CHECK_INTERVAL", 30, 1, 3600, get,
	    &sc->health_interval_ms, err, errlen) == -1 ||
	    load_number("SHEETS_CALL_TIMEOUT_MS", 30000, 100, 600000, get,
	    &sc->call_timeout_ms, err, errlen) == -1)
		return (-1);
	sc->health_interval_ms *= 1000;
	if (load_commit_mode(sc, get, err, errlen) == -1 ||
	    load_number("SHEETS_CACHE_SHARED", 0, 0, 1, get,
	    &sc->cache_shared, err, errlen) == -1)
		return (-1);

	if (id == NULL || *id == '\0')
		return (0);
	if (strlen(id) >= sizeof(sc->spreadsheet_id))
		goto bad_id;
	for (p = id; *p != '\0'; p++) {
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
			goto bad_id;
	}
	memcpy(sc->spreadsheet_id, id, strlen(id) + 1);
	if (load_account(sc, get, err, errlen) == -1)
		return (-1);
	sc->configured = 1;
	return (0);
bad_id:
	snprintf(err, errlen, "GOOGLE_SHEET_ID: '%s' is not a spreadsheet "
	    "id ([A-Za-z0-9_-], up to %d characters)",
	    config_quote(id, q, sizeof(q)), SHEETS_ID_MAX - 1);
	return (-1);
}

void
sheets_config_clear(struct sheets_config *sc)
{
	service_account_free(sc->account);
	sc->account = NULL;
	sc->configured = 0;
}
