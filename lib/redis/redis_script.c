#include <stdio.h>
#include <string.h>

#include <openssl/sha.h>

#include "redis_script.h"

void
redis_script_head(const char *text, char sha[REDIS_SCRIPT_SHA_SIZE],
    int evaled, const char **argv)
{
	unsigned char	md[SHA_DIGEST_LENGTH];
	size_t		i;

	if (evaled) {
		argv[0] = "EVAL";
		argv[1] = text;
		return;
	}
	if (sha[0] == '\0') {
		SHA1((const unsigned char *)text, strlen(text), md);
		for (i = 0; i < sizeof(md); i++)
			snprintf(&sha[i * 2], 3, "%02x", md[i]);
	}
	argv[0] = "EVALSHA";
	argv[1] = sha;
}

int
redis_script_missing(const redisReply *reply)
{
	return (reply->type == REDIS_REPLY_ERROR &&
	    strncmp(reply->str, "NOSCRIPT", 8) == 0);
}
