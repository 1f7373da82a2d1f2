/*
 * Where a secret may be sent: the service-account assertion goes to the
 * key file's token_uri and the bearer token to SHEETS_API_BASE_URL, so
 * both must be https://, except plain http:// to this machine's loopback
 * (the Sheets emulator of the tests and of `make run`).
 */
#ifndef ZEUES_SECRET_URL_H
#define ZEUES_SECRET_URL_H

#define SECRET_URL_RULE	"https://, or http:// only to a loopback " \
			"address (127.0.0.0/8, [::1], localhost)"

/* 1 when url is https:// or http:// to a loopback host; 0 otherwise. */
int	secret_url_allowed(const char *url);

#endif
