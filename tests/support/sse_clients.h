/*
 * Many EventSource-like clients on plain sockets, driven by poll(): each
 * sends GET /api/sse/stream (optionally with Last-Event-ID or a tag
 * filter) and parses the event stream, keeping the ids it received in
 * order and when the newest arrived.  A client can be told never to read,
 * to play the slow browser.
 */
#ifndef ZEUES_SSE_CLIENTS_H
#define ZEUES_SSE_CLIENTS_H

#include <stddef.h>
#include <stdint.h>

#define SSE_ID_MAX	32

struct sse_client_state {
	int		 fd;
	int		 open;		/* 0 once the server closed it */
	int		 status;	/* HTTP status, 0 until headers */
	int		 reader;	/* 0: never reads (slow client) */
	char		*buf;		/* unparsed bytes */
	size_t		 len;
	size_t		 cap;
	char		 (*ids)[SSE_ID_MAX];	/* ids received, in order */
	size_t		 nids;
	size_t		 idcap;
	int		 resets;
	int		 heartbeats;
	int		 retry_seen;
	uint64_t	 last_event_ms;	/* when the newest event arrived */
	uint64_t	 last_heartbeat_ms;
	uint64_t	 closed_ms;
};

struct sse_clients {
	struct sse_client_state	*c;
	size_t			 n;
};

/*
 * Opens n clients to 127.0.0.1:port; path includes any query string;
 * last_event_id may be NULL.  Returns 0 when all connected.
 */
int	sse_clients_open(struct sse_clients *, size_t n, int port,
	    const char *path, const char *last_event_id, int readers);
/* Reads whatever arrived, for up to ms. */
void	sse_clients_pump(struct sse_clients *, int ms);
/* Pumps until every reading, open client has id, or timeout; 0 if so. */
int	sse_clients_wait_id(struct sse_clients *, const char *id, int ms);
/* Clients whose status is 200 and are still open. */
size_t	sse_clients_open_count(const struct sse_clients *);
void	sse_clients_close(struct sse_clients *);

/* Index of id in client c's list, or -1. */
long	sse_client_find(const struct sse_client_state *, const char *id);

#endif
