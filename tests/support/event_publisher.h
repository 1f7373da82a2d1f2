/*
 * Publishing occupation events from a test the way the server does
 * (lib/redis/event_log.c on a lib/redis/redis_pool.c pool), waiting for each id.
 */
#ifndef ZEUES_EVENT_PUBLISHER_H
#define ZEUES_EVENT_PUBLISHER_H

#include <stddef.h>

struct event_publisher;

struct event_publisher	*event_publisher_new(int redis_port);
void			 event_publisher_free(struct event_publisher *);
/*
 * Publishes an event for tag whose body is padded to about pad bytes;
 * writes its id ("<ms>-<seq>") into id.  Returns 0, or -1 on failure.
 */
int			 event_publish(struct event_publisher *,
			    const char *tag, size_t pad, char *id, size_t idlen);

#endif
