/*
 * Unit tests for lib/sheets/http_client.c against a small HTTP/1.1 server that
 * runs in this process, on 127.0.0.1, driven by the same poll loop as the
 * client (tests/support/poll_loop.h).
 *
 * The server understands:
 *	GET  /hello		200 "hello"
 *	POST /echo		200 "<method> <X-Test header> <body>"
 *	GET  /status/N		status N, a JSON error body
 *	GET  /slow		never answers
 *	GET  /drop		closes the connection without a reply
 *	GET  /big/N		N bytes with a Content-Length
 *	GET  /chunked/N		N bytes, chunked (size unknown up front)
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cmocka.h>

#include "http_client.h"
#include "poll_loop.h"

#define MAX_CONNS	128

struct conn {
	struct server	*srv;
	int		 fd;
	struct io_watch	*watch;
	char		 in[256 * 1024];
	size_t		 inlen;
	char		*out;
	size_t		 outlen;
	size_t		 outoff;
	int		 close_after;
};

struct server {
	struct io_loop	*io;
	int		 lfd;
	int		 port;
	struct io_watch	*watch;
	struct conn	*conns[MAX_CONNS];
	int		 accepts;
	int		 requests;
};

struct fixture {
	struct poll_loop	*pl;
	struct server		 srv;
	struct http_client	*client;
};

/* What a test's callback saw. */
struct outcome {
	int			 calls;
	enum http_client_error	 error;
	long			 status;
	char			*body;
	size_t			 body_len;
	uint64_t		 elapsed_ms;
};

static void	conn_ready(void *, int, int, int);

static void
conn_close(struct conn *cn)
{
	struct server	*srv = cn->srv;
	int		 i;

	srv->io->ops->unwatch(cn->watch);
	close(cn->fd);
	for (i = 0; i < MAX_CONNS; i++) {
		if (srv->conns[i] == cn)
			srv->conns[i] = NULL;
	}
	free(cn->out);
	free(cn);
}

static void
conn_reply(struct conn *cn, int status, const char *extra_headers,
    const char *body, size_t len)
{
	size_t	hlen;

	cn->out = malloc(len + 512);
	assert_non_null(cn->out);
	hlen = (size_t)snprintf(cn->out, 512, "HTTP/1.1 %d X\r\n"
	    "Content-Length: %zu\r\n%s\r\n", status, len, extra_headers);
	memcpy(cn->out + hlen, body, len);
	cn->outlen = hlen + len;
	cn->outoff = 0;
}

static void
conn_reply_chunked(struct conn *cn, size_t n)
{
	size_t	off, chunk;

	/* One chunk per 64 KiB: "10000\r\n" + data + "\r\n". */
	cn->out = malloc(n + (n / 65536 + 2) * 16 + 128);
	assert_non_null(cn->out);
	off = (size_t)sprintf(cn->out, "HTTP/1.1 200 OK\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n");
	while (n > 0) {
		chunk = n < 65536 ? n : 65536;
		off += (size_t)sprintf(cn->out + off, "%zx\r\n", chunk);
		memset(cn->out + off, 'c', chunk);
		off += chunk;
		memcpy(cn->out + off, "\r\n", 2);
		off += 2;
		n -= chunk;
	}
	off += (size_t)sprintf(cn->out + off, "0\r\n\r\n");
	cn->outlen = off;
	cn->outoff = 0;
}

/* Value of header name in the request head, or "". */
static void
header_value(const char *head, const char *name, char *buf, size_t bufsz)
{
	const char	*p = head;
	size_t		 nlen = strlen(name), vlen;

	buf[0] = '\0';
	while ((p = strstr(p, "\r\n")) != NULL) {
		p += 2;
		if (strncasecmp(p, name, nlen) == 0 && p[nlen] == ':') {
			p += nlen + 1;
			while (*p == ' ')
				p++;
			vlen = strcspn(p, "\r\n");
			if (vlen >= bufsz)
				vlen = bufsz - 1;
			memcpy(buf, p, vlen);
			buf[vlen] = '\0';
			return;
		}
	}
}

/* Handles a complete request at the start of cn->in; 0 if incomplete. */
static int
conn_handle(struct conn *cn)
{
	char	*end, method[16], path[256], value[128], *body, *echo;
	size_t	 headlen, bodylen, n;
	int	 status;

	cn->in[cn->inlen] = '\0';
	if ((end = strstr(cn->in, "\r\n\r\n")) == NULL)
		return (0);
	headlen = (size_t)(end - cn->in) + 4;
	header_value(cn->in, "Content-Length", value, sizeof(value));
	bodylen = value[0] != '\0' ? strtoul(value, NULL, 10) : 0;
	if (cn->inlen < headlen + bodylen)
		return (0);
	assert_int_equal(sscanf(cn->in, "%15s %255s", method, path), 2);
	body = cn->in + headlen;
	cn->srv->requests++;

	if (strcmp(path, "/hello") == 0 || strncmp(path, "/hello?", 7) == 0) {
		conn_reply(cn, 200, "", "hello", 5);
	} else if (strcmp(path, "/echo") == 0) {
		header_value(cn->in, "X-Test", value, sizeof(value));
		echo = malloc(bodylen + 256);
		assert_non_null(echo);
		n = (size_t)sprintf(echo, "%s %s ", method, value);
		memcpy(echo + n, body, bodylen);
		conn_reply(cn, 200, "Content-Type: text/plain\r\n", echo,
		    n + bodylen);
		free(echo);
	} else if (sscanf(path, "/status/%d", &status) == 1) {
		conn_reply(cn, status, "Content-Type: application/json\r\n",
		    "{\"error\":{}}", 12);
	} else if (strcmp(path, "/slow") == 0) {
		/* Never answer. */
	} else if (strcmp(path, "/drop") == 0) {
		return (-1);
	} else if (strncmp(path, "/big/", 5) == 0) {
		n = strtoul(path + 5, NULL, 10);
		echo = malloc(n + 1);
		assert_non_null(echo);
		memset(echo, 'b', n);
		conn_reply(cn, 200, "", echo, n);
		free(echo);
	} else if (strncmp(path, "/chunked/", 9) == 0) {
		conn_reply_chunked(cn, strtoul(path + 9, NULL, 10));
	} else {
		conn_reply(cn, 404, "", "", 0);
	}

	memmove(cn->in, cn->in + headlen + bodylen,
	    cn->inlen - headlen - bodylen);
	cn->inlen -= headlen + bodylen;
	if (cn->out != NULL)
		cn->srv->io->ops->set_interest(cn->watch, 1, 1);
	return (1);
}

static void
conn_ready(void *arg, int readable, int writable, int error)
{
	struct conn	*cn = arg;
	ssize_t		 n;
	int		 rc;

	if (writable && cn->out != NULL) {
		n = write(cn->fd, cn->out + cn->outoff, cn->outlen -
		    cn->outoff);
		if (n > 0)
			cn->outoff += (size_t)n;
		if (cn->outoff == cn->outlen) {
			free(cn->out);
			cn->out = NULL;
			cn->srv->io->ops->set_interest(cn->watch, 1, 0);
		}
	}
	if (readable) {
		n = read(cn->fd, cn->in + cn->inlen, sizeof(cn->in) - 1 -
		    cn->inlen);
		if (n <= 0 && !(n == -1 && errno == EAGAIN)) {
			conn_close(cn);
			return;
		}
		if (n > 0)
			cn->inlen += (size_t)n;
		while (cn->out == NULL && (rc = conn_handle(cn)) != 0) {
			if (rc == -1) {
				conn_close(cn);
				return;
			}
		}
	} else if (error) {
		conn_close(cn);
	}
}

static void
server_accept(void *arg, int readable, int writable, int error)
{
	struct server	*srv = arg;
	struct conn	*cn;
	int		 fd, i;

	(void)writable;
	(void)error;
	if (!readable)
		return;
	while ((fd = accept4(srv->lfd, NULL, NULL, SOCK_NONBLOCK)) != -1) {
		srv->accepts++;
		cn = calloc(1, sizeof(*cn));
		assert_non_null(cn);
		cn->srv = srv;
		cn->fd = fd;
		for (i = 0; i < MAX_CONNS && srv->conns[i] != NULL; i++)
			;
		assert_true(i < MAX_CONNS);
		srv->conns[i] = cn;
		cn->watch = srv->io->ops->watch(srv->io->impl, fd, conn_ready,
		    cn);
		assert_non_null(cn->watch);
		srv->io->ops->set_interest(cn->watch, 1, 0);
	}
}

/* Binds 127.0.0.1 on a port of the kernel's choosing. */
static int
listen_loopback(int *port)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);
	int			fd;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	assert_true(fd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*port = ntohs(sin.sin_port);
	return (fd);
}

static int
setup(void **state)
{
	struct fixture	*f;
	char		 err[128];

	f = calloc(1, sizeof(*f));
	assert_non_null(f);
	f->pl = poll_loop_new();
	assert_non_null(f->pl);
	f->srv.io = poll_loop_io(f->pl);
	f->srv.lfd = listen_loopback(&f->srv.port);
	assert_int_equal(listen(f->srv.lfd, 128), 0);
	f->srv.watch = f->srv.io->ops->watch(f->srv.io->impl, f->srv.lfd,
	    server_accept, &f->srv);
	f->srv.io->ops->set_interest(f->srv.watch, 1, 0);
	f->client = http_client_new(poll_loop_io(f->pl), 8, err, sizeof(err));
	assert_non_null(f->client);
	*state = f;
	return (0);
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;
	int		 i;

	http_client_free(f->client);
	for (i = 0; i < MAX_CONNS; i++) {
		if (f->srv.conns[i] != NULL)
			conn_close(f->srv.conns[i]);
	}
	f->srv.io->ops->unwatch(f->srv.watch);
	close(f->srv.lfd);
	poll_loop_free(f->pl);
	free(f);
	return (0);
}

static void
record(void *arg, const struct http_client_result *res)
{
	struct outcome	*o = arg;

	o->calls++;
	o->error = res->error;
	o->status = res->status;
	o->elapsed_ms = res->elapsed_ms;
	free(o->body);
	o->body = malloc(res->body_len + 1);
	assert_non_null(o->body);
	memcpy(o->body, res->body, res->body_len + 1);
	o->body_len = res->body_len;
	assert_non_null(res->error_text);
	if (res->error != HTTP_CLIENT_OK)
		assert_true(res->error_text[0] != '\0');
}

/* One turn of the host loop: poll, then tick, as Kore does. */
static void
turn(struct fixture *f)
{
	assert_true(poll_loop_run_once(f->pl, IO_LOOP_TICK_MS) >= 0);
	http_client_tick(f->client, io_loop_now(poll_loop_io(f->pl)));
}

/* Turns the loop until *calls reaches want or ms pass. */
static void
run_until(struct fixture *f, const int *calls, int want, uint64_t ms)
{
	uint64_t	end = io_loop_now(poll_loop_io(f->pl)) + ms;

	while (*calls < want && io_loop_now(poll_loop_io(f->pl)) < end)
		turn(f);
}

static void
run_for(struct fixture *f, uint64_t ms)
{
	uint64_t	end = io_loop_now(poll_loop_io(f->pl)) + ms;

	while (io_loop_now(poll_loop_io(f->pl)) < end)
		turn(f);
}

static uint64_t
get(struct fixture *f, const char *path, uint64_t timeout_ms, size_t max,
    struct outcome *o)
{
	struct http_client_request	req;
	char				url[128];

	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", f->srv.port,
	    path);
	memset(&req, 0, sizeof(req));
	req.method = HTTP_CLIENT_GET;
	req.url = url;
	req.timeout_ms = timeout_ms;
	req.max_response = max;
	return (http_client_submit(f->client, &req, record, o));
}

static void
test_get(void **state)
{
	struct fixture	*f = *state;
	struct outcome	 o = { 0 };

	assert_int_not_equal(get(f, "/hello", 5000, 0, &o), 0);
	assert_int_equal(http_client_pending(f->client), 1);
	/* Never from inside submit. */
	assert_int_equal(o.calls, 0);
	run_until(f, &o.calls, 1, 5000);
	assert_int_equal(o.calls, 1);
	assert_int_equal(o.error, HTTP_CLIENT_OK);
	assert_int_equal(o.status, 200);
	assert_string_equal(o.body, "hello");
	assert_int_equal(http_client_pending(f->client), 0);
	free(o.body);
}

static void
test_post(void **state)
{
	struct fixture			*f = *state;
	struct http_client_request	 req;
	struct outcome			 o = { 0 };
	const char			*headers[] = { "X-Test: abc",
					    "Content-Type: application/json",
					    NULL };
	char				 url[128], *body;
	size_t				 n = 100 * 1024, i;

	/* A body large enough that libcurl would wait for 100-continue. */
	body = malloc(n);
	assert_non_null(body);
	for (i = 0; i < n; i++)
		body[i] = (char)('a' + i % 26);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/echo", f->srv.port);
	memset(&req, 0, sizeof(req));
	req.method = HTTP_CLIENT_POST;
	req.url = url;
	req.headers = headers;
	req.body = body;
	req.body_len = n;
	req.timeout_ms = 5000;
	assert_int_not_equal(http_client_submit(f->client, &req, record, &o),
	    0);
	/* The body was copied at submit. */
	memset(body, 'X', n);
	run_until(f, &o.calls, 1, 5000);
	assert_int_equal(o.error, HTTP_CLIENT_OK);
	assert_int_equal(o.status, 200);
	assert_int_equal(o.body_len, 9 + n);
	assert_memory_equal(o.body, "POST abc ", 9);
	for (i = 0; i < n; i++)
		assert_int_equal(o.body[9 + i], 'a' + i % 26);
	free(o.body);
	free(body);

	/* An empty POST body. */
	memset(&o, 0, sizeof(o));
	req.body = NULL;
	req.body_len = 0;
	req.headers = NULL;
	assert_int_not_equal(http_client_submit(f->client, &req, record, &o),
	    0);
	run_until(f, &o.calls, 1, 5000);
	assert_int_equal(o.status, 200);
	assert_string_equal(o.body, "POST  ");
	free(o.body);
}

static void
test_error_status_is_a_response(void **state)
{
	struct fixture	*f = *state;
	struct outcome	 o = { 0 };

	assert_int_not_equal(get(f, "/status/503", 5000, 0, &o), 0);
	run_until(f, &o.calls, 1, 5000);
	assert_int_equal(o.error, HTTP_CLIENT_OK);
	assert_int_equal(o.status, 503);
	assert_string_equal(o.body, "{\"error\":{}}");
	free(o.body);
}

static void
test_concurrent_and_reuse(void **state)
{
	struct fixture	*f = *state;
	struct outcome	 o[60];
	char		 path[32];
	int		 i, done;

	memset(o, 0, sizeof(o));
	for (i = 0; i < 60; i++) {
		snprintf(path, sizeof(path), "/hello?i=%d", i);
		assert_int_not_equal(get(f, path, 10000, 0, &o[i]), 0);
	}
	assert_int_equal(http_client_pending(f->client), 60);
	for (done = 0; done < 60;) {
		turn(f);
		for (i = 0, done = 0; i < 60; i++)
			done += o[i].calls;
	}
	for (i = 0; i < 60; i++) {
		assert_int_equal(o[i].calls, 1);
		assert_int_equal(o[i].status, 200);
		assert_string_equal(o[i].body, "hello");
		free(o[i].body);
	}
	assert_int_equal(f->srv.requests, 60);
	/* At most max_host_connections connections, kept alive. */
	assert_true(f->srv.accepts >= 1 && f->srv.accepts <= 8);

	/* Sequential requests reuse those connections. */
	for (i = 0; i < 20; i++) {
		memset(&o[0], 0, sizeof(o[0]));
		assert_int_not_equal(get(f, "/hello", 5000, 0, &o[0]), 0);
		run_until(f, &o[0].calls, 1, 5000);
		assert_int_equal(o[0].status, 200);
		free(o[0].body);
	}
	assert_true(f->srv.accepts <= 8);
	assert_int_equal(f->srv.requests, 80);
}

static void
test_timeout(void **state)
{
	struct fixture	*f = *state;
	struct outcome	 o = { 0 };

	assert_int_not_equal(get(f, "/slow", 200, 0, &o), 0);
	run_until(f, &o.calls, 1, 5000);
	assert_int_equal(o.calls, 1);
	assert_int_equal(o.error, HTTP_CLIENT_ERR_TIMEOUT);
	assert_int_equal(o.status, 0);
	assert_string_equal(o.body, "");
	assert_true(o.elapsed_ms >= 190 && o.elapsed_ms < 1000);
	assert_string_equal(http_client_error_name(o.error), "timeout");
	free(o.body);
}

static void
test_connection_refused(void **state)
{
	struct fixture			*f = *state;
	struct http_client_request	 req;
	struct outcome			 o = { 0 };
	char				 url[64];
	int				 fd, port;

	/* A port that was just bound and released: nobody listens. */
	fd = listen_loopback(&port);
	close(fd);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/hello", port);
	memset(&req, 0, sizeof(req));
	req.url = url;
	req.timeout_ms = 5000;
	assert_int_not_equal(http_client_submit(f->client, &req, record, &o),
	    0);
	run_until(f, &o.calls, 1, 5000);
	assert_int_equal(o.calls, 1);
	assert_int_equal(o.error, HTTP_CLIENT_ERR_CONNECT);
	assert_true(o.elapsed_ms < 1000);
	free(o.body);
}

static void
test_dropped_connection(void **state)
{
	struct fixture	*f = *state;
	struct outcome	 o = { 0 };

	assert_int_not_equal(get(f, "/drop", 5000, 0, &o), 0);
	run_until(f, &o.calls, 1, 5000);
	assert_int_equal(o.error, HTTP_CLIENT_ERR_IO);
	free(o.body);
}

static void
test_cancel(void **state)
{
	struct fixture	*f = *state;
	struct outcome	 slow = { 0 }, fast = { 0 }, never = { 0 };
	uint64_t	 id, fast_id, never_id;

	id = get(f, "/slow", 300, 0, &slow);
	assert_int_not_equal(id, 0);
	fast_id = get(f, "/hello", 5000, 0, &fast);
	/* Cancelled before the loop ever ran. */
	never_id = get(f, "/hello", 5000, 0, &never);
	assert_int_equal(http_client_cancel(f->client, never_id), 1);

	run_until(f, &fast.calls, 1, 5000);
	assert_int_equal(fast.status, 200);
	/* After completion a cancel is a harmless no-op. */
	assert_int_equal(http_client_cancel(f->client, fast_id), 0);

	/* In flight, the server holding the request. */
	assert_int_equal(f->srv.requests >= 2, 1);
	assert_int_equal(http_client_cancel(f->client, id), 1);
	assert_int_equal(http_client_cancel(f->client, id), 0);
	assert_int_equal(http_client_pending(f->client), 0);
	/* Well past the 300 ms timeout: still no callback. */
	run_for(f, 500);
	assert_int_equal(slow.calls, 0);
	assert_int_equal(never.calls, 0);
	assert_int_equal(http_client_cancel(f->client, 12345), 0);
	free(fast.body);
}

static void
test_response_cap(void **state)
{
	struct fixture	*f = *state;
	struct outcome	 o[4];

	memset(o, 0, sizeof(o));
	/* Announced by Content-Length, streamed chunked, and exactly at. */
	assert_int_not_equal(get(f, "/big/5000", 5000, 1000, &o[0]), 0);
	assert_int_not_equal(get(f, "/chunked/5000", 5000, 1000, &o[1]), 0);
	assert_int_not_equal(get(f, "/big/1000", 5000, 1000, &o[2]), 0);
	assert_int_not_equal(get(f, "/chunked/1000", 5000, 1000, &o[3]), 0);
	run_until(f, &o[0].calls, 1, 5000);
	run_until(f, &o[1].calls, 1, 5000);
	run_until(f, &o[2].calls, 1, 5000);
	run_until(f, &o[3].calls, 1, 5000);
	assert_int_equal(o[0].error, HTTP_CLIENT_ERR_TOO_LARGE);
	assert_int_equal(o[0].body_len, 0);
	assert_int_equal(o[1].error, HTTP_CLIENT_ERR_TOO_LARGE);
	assert_int_equal(o[2].error, HTTP_CLIENT_OK);
	assert_int_equal(o[2].body_len, 1000);
	assert_int_equal(o[3].error, HTTP_CLIENT_OK);
	assert_int_equal(o[3].body_len, 1000);
	free(o[0].body);
	free(o[1].body);
	free(o[2].body);
	free(o[3].body);
}

static void
test_default_cap(void **state)
{
	struct fixture	*f = *state;
	struct outcome	 over = { 0 }, under = { 0 };
	char		 path[64];

	snprintf(path, sizeof(path), "/chunked/%d",
	    HTTP_CLIENT_MAX_RESPONSE + 1);
	assert_int_not_equal(get(f, path, 20000, 0, &over), 0);
	snprintf(path, sizeof(path), "/big/%d", HTTP_CLIENT_MAX_RESPONSE);
	assert_int_not_equal(get(f, path, 20000, 0, &under), 0);
	run_until(f, &over.calls, 1, 20000);
	run_until(f, &under.calls, 1, 20000);
	assert_int_equal(over.error, HTTP_CLIENT_ERR_TOO_LARGE);
	assert_int_equal(under.error, HTTP_CLIENT_OK);
	assert_int_equal(under.body_len, HTTP_CLIENT_MAX_RESPONSE);
	free(over.body);
	free(under.body);
}

/* A callback that starts a follow-up request and cancels another. */
struct chain {
	struct fixture	*f;
	struct outcome	 first;
	struct outcome	 second;
	struct outcome	 victim;
	uint64_t	 victim_id;
};

static void
chain_first(void *arg, const struct http_client_result *res)
{
	struct chain	*ch = arg;

	record(&ch->first, res);
	assert_int_equal(http_client_cancel(ch->f->client, ch->victim_id), 1);
	assert_int_not_equal(get(ch->f, "/hello", 5000, 0, &ch->second), 0);
}

static void
test_reentrant_callbacks(void **state)
{
	struct fixture			*f = *state;
	struct http_client_request	 req;
	struct chain			 ch;
	char				 url[64];

	memset(&ch, 0, sizeof(ch));
	ch.f = f;
	ch.victim_id = get(f, "/slow", 5000, 0, &ch.victim);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/hello", f->srv.port);
	memset(&req, 0, sizeof(req));
	req.url = url;
	req.timeout_ms = 5000;
	assert_int_not_equal(http_client_submit(f->client, &req, chain_first,
	    &ch), 0);
	run_until(f, &ch.second.calls, 1, 5000);
	assert_int_equal(ch.first.status, 200);
	assert_int_equal(ch.second.status, 200);
	run_for(f, 50);
	assert_int_equal(ch.victim.calls, 0);
	assert_int_equal(http_client_pending(f->client), 0);
	free(ch.first.body);
	free(ch.second.body);
}

static void
test_rejected_requests(void **state)
{
	struct fixture			*f = *state;
	struct http_client_request	 req;
	struct outcome			 o = { 0 };
	const char			*smuggle[] = { "X-A: 1\r\nX-B: 2", NULL };
	char				 url[64];

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/hello", f->srv.port);
	memset(&req, 0, sizeof(req));
	req.url = url;
	/* No timeout, no URL, a header with CR/LF: refused at submit. */
	assert_int_equal(http_client_submit(f->client, &req, record, &o), 0);
	req.timeout_ms = 1000;
	req.headers = smuggle;
	assert_int_equal(http_client_submit(f->client, &req, record, &o), 0);
	req.headers = NULL;
	req.url = NULL;
	assert_int_equal(http_client_submit(f->client, &req, record, &o), 0);
	assert_int_equal(http_client_pending(f->client), 0);

	/* Other schemes fail through the callback, never synchronously. */
	req.url = "file:///etc/passwd";
	assert_int_not_equal(http_client_submit(f->client, &req, record, &o),
	    0);
	assert_int_equal(o.calls, 0);
	run_until(f, &o.calls, 1, 5000);
	assert_int_equal(o.calls, 1);
	assert_int_equal(o.error, HTTP_CLIENT_ERR_OTHER);
	assert_string_equal(o.body, "");
	free(o.body);
	run_for(f, 20);
	assert_int_equal(o.calls, 1);
}

static void
test_free_with_pending(void **state)
{
	struct fixture	*f = *state;
	struct outcome	 o[3];
	char		 err[64];

	memset(o, 0, sizeof(o));
	assert_int_not_equal(get(f, "/slow", 5000, 0, &o[0]), 0);
	assert_int_not_equal(get(f, "/slow", 5000, 0, &o[1]), 0);
	assert_int_not_equal(get(f, "/hello", 5000, 0, &o[2]), 0);
	run_for(f, 50);
	/* Freeing cancels: no callback for what is still pending. */
	http_client_free(f->client);
	assert_int_equal(o[0].calls, 0);
	assert_int_equal(o[1].calls, 0);
	free(o[2].body);
	f->client = http_client_new(poll_loop_io(f->pl), 8, err, sizeof(err));
	assert_non_null(f->client);
	/* The loop keeps running without stale watches firing. */
	run_for(f, 50);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_get, setup, teardown),
		cmocka_unit_test_setup_teardown(test_post, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_status_is_a_response,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_and_reuse,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_connection_refused, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_dropped_connection, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_cancel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_response_cap, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_default_cap, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_reentrant_callbacks, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rejected_requests, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_free_with_pending, setup,
		    teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
