/*
 * One EventSource as the tablet frontend opens it (useSSE.ts): a plain
 * GET of the stream with the page's Origin, keeping every event's name,
 * id and data in order, for tests that read what the events say (the
 * many-client sse_clients.h keeps only ids).
 */
#ifndef ZEUES_TEST_SSE_FEED_H
#define ZEUES_TEST_SSE_FEED_H

#include <stddef.h>
#include <stdint.h>

struct sse_event {
	char		*name;		/* "message" when the event is unnamed */
	char		*id;		/* "" when none */
	char		*data;		/* data lines joined by '\n' */
	uint64_t	 at_ms;		/* harness_now_ms() on arrival */
};

struct sse_feed {
	int			 fd;
	int			 open;
	int			 status;	/* 0 until the headers arrived */
	char			*headers;	/* the raw header block */
	char			*buf;		/* unparsed bytes */
	size_t			 len, cap;
	struct sse_event	*ev;
	size_t			 nev, evcap;
	/* The event being read. */
	char			*cur_name, *cur_id, *cur_data;
};

/* Connects to 127.0.0.1:port and sends the GET; origin may be NULL. */
int	sse_feed_open(struct sse_feed *, int port, const char *path,
	    const char *origin);
/* Reads whatever arrives for up to ms; waits for the headers first. */
void	sse_feed_pump(struct sse_feed *, int ms);
/* A response header's value copied into buf (case-insensitive); 0 if found. */
int	sse_feed_header(const struct sse_feed *, const char *name, char *buf,
	    size_t len);
void	sse_feed_close(struct sse_feed *);

#endif
