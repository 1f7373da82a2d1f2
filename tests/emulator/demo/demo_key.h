/*
 * A service-account key file in Google's format whose RSA-2048 key is
 * derived from the demo seed (a test fixture, never a real credential).
 */
#ifndef DEMO_KEY_H
#define DEMO_KEY_H

#include <stddef.h>

#include "demo_rng.h"

#define DEMO_CLIENT_EMAIL	\
	"zeues-backend@zeues-demo.iam.gserviceaccount.com"
#define DEMO_PROJECT_ID		"zeues-demo"

/* Writes path (mode 0600); 0, or -1 with err set. */
int	demo_key_write(const char *path, struct demo_rng *, int port,
	    char *err, size_t errlen);

#endif
