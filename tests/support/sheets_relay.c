/* A Sheets relay that spoils writes on purpose; see sheets_relay.h. */
#include <sys/socket.h>
#include <sys/time.h>

#include <netinet/in.h>

#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sheets_relay.h"

#define RELAY_REQ_MAX	(1 << 20)
#define RELAY_RESP_MAX	(1 << 23)

struct sheets_relay {
	int		 lfd;
	int		 port;
	int		 upstream;
	pthread_t	 thread;
	atomic_int	 stop;
	atomic_int	 mode;
	atomic_int	 spoiled;
	char		*req;
	char		*resp;
};

static const char	unavailable[] = "HTTP/1.1 503 Service Unavailable\r\n"
    "Content-Type: application/json\r\nContent-Length: 64\r\n"
    "Connection: close\r\n\r\n"
    "{\"error\":{\"code\":503,\"message\":\"relay\","
    "\"status\":\"UNAVAILABLE\"}}\n";

/* One HTTP message (head + Content-Length body); its length or -1. */
static ssize_t
relay_read(int fd, char *buf, size_t cap)
{
	size_t	 len = 0, need = 0;
	ssize_t	 n;
	char	*end, *cl;

	for (;;) {
		if (len == cap - 1)
			return (-1);
		if ((n = read(fd, buf + len, cap - 1 - len)) <= 0)
			return (-1);
		len += (size_t)n;
		buf[len] = '\0';
		if (need == 0 && (end = strstr(buf, "\r\n\r\n")) != NULL) {
			need = (size_t)(end - buf) + 4;
			if ((cl = strcasestr(buf, "\r\nContent-Length:")) !=
			    NULL && cl < end)
				need += strtoul(cl + 17, NULL, 10);
		}
		if (need != 0 && len >= need)
			return ((ssize_t)len);
	}
}

static int
relay_write(int fd, const char *buf, size_t len)
{
	ssize_t	n;

	/* A client that gave up must not take the test down with SIGPIPE. */
	while (len > 0) {
		if ((n = send(fd, buf, len, MSG_NOSIGNAL)) <= 0)
			return (-1);
		buf += n;
		len -= (size_t)n;
	}
	return (0);
}

static int
is_write(const char *req)
{
	const char	*w = strstr(req, "/values:batchUpdate");

	return (strncmp(req, "POST ", 5) == 0 && w != NULL &&
	    w < strstr(req, "\r\n"));
}

static void
relay_one(struct sheets_relay *r, int cfd)
{
	struct sockaddr_in	sin;
	struct timeval		tv = { 10, 0 };
	ssize_t			qlen, rlen;
	int			ufd, mode;

	(void)setsockopt(cfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if ((qlen = relay_read(cfd, r->req, RELAY_REQ_MAX)) == -1)
		return;
	mode = is_write(r->req) ? atomic_load(&r->mode) : SHEETS_RELAY_PASS;
	if (mode == SHEETS_RELAY_FAIL) {
		atomic_fetch_add(&r->spoiled, 1);
		(void)relay_write(cfd, unavailable, sizeof(unavailable) - 1);
		return;
	}
	if ((ufd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return;
	(void)setsockopt(ufd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)r->upstream);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(ufd, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
	    relay_write(ufd, r->req, (size_t)qlen) == 0 &&
	    (rlen = relay_read(ufd, r->resp, RELAY_RESP_MAX)) != -1) {
		if (mode == SHEETS_RELAY_LOSE) {
			atomic_fetch_add(&r->spoiled, 1);
			atomic_store(&r->mode, SHEETS_RELAY_PASS);
		} else
			(void)relay_write(cfd, r->resp, (size_t)rlen);
	}
	close(ufd);
}

static void *
relay_main(void *arg)
{
	struct sheets_relay	*r = arg;
	struct pollfd		 pfd;
	int			 cfd;

	while (!atomic_load(&r->stop)) {
		pfd.fd = r->lfd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 50) <= 0)
			continue;
		if ((cfd = accept(r->lfd, NULL, NULL)) == -1)
			continue;
		relay_one(r, cfd);
		close(cfd);
	}
	return (NULL);
}

struct sheets_relay *
sheets_relay_start(int upstream)
{
	struct sheets_relay	*r;
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof(sin);

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return (NULL);
	r->upstream = upstream;
	r->req = malloc(RELAY_REQ_MAX);
	r->resp = malloc(RELAY_RESP_MAX);
	if (r->req == NULL || r->resp == NULL ||
	    (r->lfd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		goto fail;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(r->lfd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    getsockname(r->lfd, (struct sockaddr *)&sin, &len) == -1 ||
	    listen(r->lfd, 64) == -1)
		goto fail;
	r->port = ntohs(sin.sin_port);
	if (pthread_create(&r->thread, NULL, relay_main, r) != 0)
		goto fail;
	return (r);
fail:
	if (r->lfd > 0)
		close(r->lfd);
	free(r->req);
	free(r->resp);
	free(r);
	return (NULL);
}

int
sheets_relay_port(const struct sheets_relay *r)
{
	return (r->port);
}

void
sheets_relay_mode(struct sheets_relay *r, enum sheets_relay_mode m)
{
	atomic_store(&r->mode, (int)m);
}

int
sheets_relay_spoiled(const struct sheets_relay *r)
{
	return (atomic_load(&r->spoiled));
}

void
sheets_relay_stop(struct sheets_relay *r)
{
	if (r == NULL)
		return;
	atomic_store(&r->stop, 1);
	pthread_join(r->thread, NULL);
	close(r->lfd);
	free(r->req);
	free(r->resp);
	free(r);
}
