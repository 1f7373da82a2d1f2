#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "sse_clients.h"

static int
connect_one(int port)
{
	struct sockaddr_in	sin;
	int			fd;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return (-1);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		close(fd);
		return (-1);
	}
	return (fd);
}

/* A slow client also shrinks its receive buffer so the server sees it. */
static void
make_slow(int fd)
{
	int	small = 4096;

	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
}

int
sse_clients_open(struct sse_clients *cs, size_t n, int port, const char *path,
    const char *last_event_id, int readers)
{
	char	req[512];
	size_t	i;
	int	len;

	cs->n = n;
	cs->c = calloc(n, sizeof(*cs->c));
	if (cs->c == NULL)
		return (-1);
	if (last_event_id != NULL)
		len = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: t\r\n"
		    "Accept: text/event-stream\r\nLast-Event-ID: %s\r\n\r\n",
		    path, last_event_id);
	else
		len = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: t\r\n"
		    "Accept: text/event-stream\r\n\r\n", path);
	for (i = 0; i < n; i++) {
		cs->c[i].fd = -1;
		cs->c[i].reader = readers;
	}
	for (i = 0; i < n; i++) {
		if ((cs->c[i].fd = connect_one(port)) == -1)
			return (-1);
		if (!readers)
			make_slow(cs->c[i].fd);
		if (write(cs->c[i].fd, req, (size_t)len) != len)
			return (-1);
		fcntl(cs->c[i].fd, F_SETFL, O_NONBLOCK);
		cs->c[i].open = 1;
	}
	return (0);
}

static void
add_id(struct sse_client_state *c, const char *id, size_t len)
{
	if (c->nids == c->idcap) {
		c->idcap = c->idcap ? c->idcap * 2 : 64;
		c->ids = realloc(c->ids, c->idcap * sizeof(*c->ids));
	}
	if (len >= SSE_ID_MAX)
		len = SSE_ID_MAX - 1;
	memcpy(c->ids[c->nids], id, len);
	c->ids[c->nids][len] = '\0';
	c->nids++;
}

/* Consumes complete lines; events end at an empty line. */
static void
parse(struct sse_client_state *c)
{
	char	*line, *nl, *start = c->buf;
	size_t	 left = c->len;

	if (c->status == 0) {
		char	*end = memmem(c->buf, c->len, "\r\n\r\n", 4);

		if (end == NULL)
			return;
		if (c->len > 12 && strncmp(c->buf, "HTTP/1.", 7) == 0)
			c->status = atoi(c->buf + 9);
		left = c->len - (size_t)(end + 4 - c->buf);
		start = end + 4;
	}
	while ((nl = memchr(start, '\n', left)) != NULL) {
		line = start;
		*nl = '\0';
		if (strncmp(line, "id: ", 4) == 0) {
			add_id(c, line + 4, strlen(line + 4));
			c->last_event_ms = harness_now_ms();
		} else if (strncmp(line, "event: reset", 12) == 0) {
			c->resets++;
		} else if (line[0] == ':' && strstr(line, "heartbeat") != NULL) {
			c->heartbeats++;
			c->last_heartbeat_ms = harness_now_ms();
		} else if (strncmp(line, "retry:", 6) == 0) {
			c->retry_seen++;
		}
		left -= (size_t)(nl + 1 - start);
		start = nl + 1;
	}
	memmove(c->buf, start, left);
	c->len = left;
}

static void
read_one(struct sse_client_state *c)
{
	ssize_t	r;

	for (;;) {
		if (c->cap - c->len < 4096) {
			c->cap = c->cap ? c->cap * 2 : 16384;
			c->buf = realloc(c->buf, c->cap);
		}
		r = read(c->fd, c->buf + c->len, c->cap - c->len - 1);
		if (r > 0) {
			c->len += (size_t)r;
			continue;
		}
		if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
			c->open = 0;
			c->closed_ms = harness_now_ms();
		}
		break;
	}
	parse(c);
}

void
sse_clients_pump(struct sse_clients *cs, int ms)
{
	struct pollfd	*pfd;
	size_t		*idx, i, n;
	uint64_t	 end = harness_now_ms() + (uint64_t)ms;
	int		 left;

	pfd = calloc(cs->n, sizeof(*pfd));
	idx = calloc(cs->n, sizeof(*idx));
	do {
		for (i = 0, n = 0; i < cs->n; i++) {
			if (!cs->c[i].open || !cs->c[i].reader)
				continue;
			pfd[n].fd = cs->c[i].fd;
			pfd[n].events = POLLIN;
			idx[n++] = i;
		}
		left = (int)(end > harness_now_ms() ? end - harness_now_ms() :
		    0);
		if (n == 0 || poll(pfd, n, left > 50 ? 50 : left) <= 0) {
			if (n == 0 && left > 0)
				harness_sleep_ms(left > 50 ? 50 : left);
			continue;
		}
		for (i = 0; i < n; i++) {
			if (pfd[i].revents != 0)
				read_one(&cs->c[idx[i]]);
		}
	} while (harness_now_ms() < end);
	free(pfd);
	free(idx);
}

long
sse_client_find(const struct sse_client_state *c, const char *id)
{
	size_t	i;

	for (i = 0; i < c->nids; i++) {
		if (strcmp(c->ids[i], id) == 0)
			return ((long)i);
	}
	return (-1);
}

int
sse_clients_wait_id(struct sse_clients *cs, const char *id, int ms)
{
	uint64_t	end = harness_now_ms() + (uint64_t)ms;
	size_t		i, missing;

	do {
		sse_clients_pump(cs, 20);
		for (i = 0, missing = 0; i < cs->n; i++) {
			if (cs->c[i].open && cs->c[i].reader &&
			    sse_client_find(&cs->c[i], id) == -1)
				missing++;
		}
		if (missing == 0)
			return (0);
	} while (harness_now_ms() < end);
	return (-1);
}

size_t
sse_clients_open_count(const struct sse_clients *cs)
{
	size_t	i, n = 0;

	for (i = 0; i < cs->n; i++) {
		if (cs->c[i].open && cs->c[i].status == 200)
			n++;
	}
	return (n);
}

void
sse_clients_close(struct sse_clients *cs)
{
	size_t	i;

	for (i = 0; i < cs->n; i++) {
		if (cs->c[i].fd != -1)
			close(cs->c[i].fd);
		free(cs->c[i].buf);
		free(cs->c[i].ids);
	}
	free(cs->c);
	cs->c = NULL;
	cs->n = 0;
}
