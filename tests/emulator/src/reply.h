/*
 * An HTTP answer under construction, and Google's error bodies.
 */
#ifndef EMU_REPLY_H
#define EMU_REPLY_H

#include <stddef.h>

#include "jsonw.h"

#define MSG_UNAUTHENTICATED						\
	"Request had invalid authentication credentials. Expected OAuth 2 "\
	"access token, login cookie or other valid authentication "	\
	"credential. See https://developers.google.com/identity/sign-in/"\
	"web/devconsole-project."
#define MSG_NOT_FOUND		"Requested entity was not found."
#define MSG_METHOD_NOT_FOUND	"Method not found."
#define MSG_INTERNAL		"Internal error encountered."

enum quota_kind {
	QUOTA_READ,
	QUOTA_WRITE,
};

struct reply {
	int		 status;
	char		*body;
	size_t		 len;
	int		 mutated;	/* the workbook changed: persist it */
	int		 www_authenticate;
};

void	reply_free(struct reply *);
/* Takes the finished writer; a writer failure becomes a 500. */
void	reply_json(struct reply *, int status, struct jw *);
/* {"error":{"code","message","status"}} with Google's status name. */
void	reply_error(struct reply *, int code, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* 429 RESOURCE_EXHAUSTED with the ErrorInfo details. */
void	reply_quota(struct reply *, enum quota_kind, const char *project);
/* The token endpoint's {"error","error_description"} (HTTP 400). */
void	reply_oauth_error(struct reply *, const char *error, const char *desc);
/* What an injected fault with this status answers. */
void	reply_injected(struct reply *, int code, enum quota_kind,
	    const char *project);

#endif
