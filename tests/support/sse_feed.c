#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "harness.h"
#include "sse_feed.h"

static char *
dup_or_empty(const char *s)
{
	return (strdup(s != NULL ? s : ""));
}

int
sse_feed_open(struct sse_feed *f, int port, const char *path,
    const char *origin)
{
	struct sockaddr_in	sin;
	char			req[1024];
	int			len;

	memset(f, 0, sizeof(*f));
	f->fd = -1;
	if ((f->fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return (-1);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(f->fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		close(f->fd);
		f->fd = -1;
		return (-1);
	}
	/* What a browser's EventSource sends: no Content-Type, no cookies. */
	len = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: 127.0.0.1"
	    "\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\n"
	    "%s%s%s\r\n", path, origin != NULL ? "Origin: " : "",
	    origin != NULL ? origin : "", origin != NULL ? "\r\n" : "");
	if (len <= 0 || (size_t)len >= sizeof(req) ||
	    write(f->fd, req, (size_t)len) != len) {
		close(f->fd);
		f->fd = -1;
		return (-1);
	}
	f->open = 1;
	return (0);
}

static void
event_end(struct sse_feed *f)
{
	struct sse_event	*e;

	if (f->cur_data == NULL) {
		/* No data: the event is not dispatched (EventSource rules). */
		free(f->cur_name);
		f->cur_name = NULL;
		return;
	}
	if (f->nev == f->evcap) {
		f->evcap = f->evcap ? f->evcap * 2 : 64;
		f->ev = realloc(f->ev, f->evcap * sizeof(*f->ev));
	}
	e = &f->ev[f->nev++];
	e->name = f->cur_name != NULL ? f->cur_name : strdup("message");
	e->id = dup_or_empty(f->cur_id);
	e->data = f->cur_data;
	e->at_ms = harness_now_ms();
	f->cur_name = NULL;
	f->cur_data = NULL;
}

static void
field(struct sse_feed *f, const char *line)
{
	const char	*colon = strchr(line, ':'), *value = "";
	size_t		 n, klen;
	char		*d;

	if (line[0] == ':')
		return;			/* a comment: the heartbeat */
	klen = colon != NULL ? (size_t)(colon - line) : strlen(line);
	if (colon != NULL) {
		value = colon + 1;
		if (*value == ' ')
			value++;
	}
	if (klen == 5 && strncmp(line, "event", 5) == 0) {
		free(f->cur_name);
		f->cur_name = strdup(value);
	} else if (klen == 2 && strncmp(line, "id", 2) == 0) {
		free(f->cur_id);
		f->cur_id = strdup(value);
	} else if (klen == 4 && strncmp(line, "data", 4) == 0) {
		if (f->cur_data == NULL) {
			f->cur_data = strdup(value);
		} else {
			n = strlen(f->cur_data);
			d = realloc(f->cur_data, n + strlen(value) + 2);
			d[n] = '\n';
			strcpy(d + n + 1, value);
			f->cur_data = d;
		}
	}
}

/* Takes complete lines (or the header block) off the buffer. */
static void
parse(struct sse_feed *f)
{
	char	*end, *line;
	size_t	 used = 0;
	int	 status;

	if (f->status == 0) {
		f->buf[f->len] = '\0';
		if ((end = strstr(f->buf, "\r\n\r\n")) == NULL)
			return;
		*end = '\0';
		f->headers = strdup(f->buf);
		if (sscanf(f->buf, "HTTP/1.%*d %d", &status) == 1)
			f->status = status;
		else
			f->status = -1;
		used = (size_t)(end + 4 - f->buf);
	}
	for (;;) {
		line = f->buf + used;
		end = memchr(line, '\n', f->len - used);
		if (end == NULL)
			break;
		used = (size_t)(end + 1 - f->buf);
		if (end > line && end[-1] == '\r')
			end[-1] = '\0';
		*end = '\0';
		if (line[0] == '\0')
			event_end(f);
		else
			field(f, line);
	}
	memmove(f->buf, f->buf + used, f->len - used);
	f->len -= used;
}

void
sse_feed_pump(struct sse_feed *f, int ms)
{
	struct pollfd	pfd;
	uint64_t	end = harness_now_ms() + (uint64_t)ms, now;
	ssize_t		n;
	int		left;

	while (f->open) {
		now = harness_now_ms();
		left = now >= end ? 0 : (int)(end - now);
		pfd.fd = f->fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, left) <= 0)
			return;
		if (f->cap - f->len < 4097) {
			f->cap = f->cap ? f->cap * 2 : 16384;
			f->buf = realloc(f->buf, f->cap);
		}
		n = read(f->fd, f->buf + f->len, f->cap - f->len - 1);
		if (n <= 0) {
			f->open = 0;
			return;
		}
		f->len += (size_t)n;
		parse(f);
	}
}

int
sse_feed_header(const struct sse_feed *f, const char *name, char *buf,
    size_t len)
{
	const char	*p = f->headers;
	size_t		 n = strlen(name), v;

	while (p != NULL) {
		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			p += n + 1;
			p += strspn(p, " \t");
			v = strcspn(p, "\r\n");
			snprintf(buf, len, "%.*s", (int)v, p);
			return (0);
		}
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	}
	return (-1);
}

void
sse_feed_close(struct sse_feed *f)
{
	size_t	i;

	if (f->fd >= 0)
		close(f->fd);
	for (i = 0; i < f->nev; i++) {
		free(f->ev[i].name);
		free(f->ev[i].id);
		free(f->ev[i].data);
	}
	free(f->ev);
	free(f->buf);
	free(f->headers);
	free(f->cur_name);
	free(f->cur_id);
	free(f->cur_data);
	memset(f, 0, sizeof(*f));
	f->fd = -1;
}
