/*
 * How connections read requests: as Kore does, except that a body larger
 * than MAX_BODY_BYTES is refused as soon as its headers are in, not
 * buffered until it has all arrived (or http_body_timeout has passed).
 *
 * Kore 4.1 has no hook between a request's headers and its body: it
 * allocates Content-Length bytes and reads until they are there, and its
 * own 413 (http_body_max) has an empty or HTML body that cannot be
 * changed.  A listener's connection callback (the third word of "bind")
 * is the one place a module may set a connection up, so zeues_connection
 * sets it up for HTTP itself and puts intake_headers in front of Kore's
 * header parser.  When Kore has just begun waiting for a body that is too
 * large, intake_headers drops the buffer (calloc'd, never touched), marks
 * the request complete so the route answers the JSON 413 (http_out.c),
 * and throws away whatever of the body still arrives until that answer
 * closes the connection.  Bodies above http_body_max (hooks.c) keep
 * Kore's own bare 413: Kore would have to calloc them first.
 */
#include <sys/socket.h>

#include "zeues.h"

/* Kore's read buffer for a refused body, and recv()s per readable event. */
#define INTAKE_DISCARD_BYTES	4096
#define INTAKE_DISCARD_READS	16

void	zeues_connection(struct connection *);

static int	intake_read(struct connection *, size_t *);
static int	intake_headers(struct netbuf *);
static int	intake_discard(struct netbuf *);

void
zeues_connection(struct connection *c)
{
	/* What kore_connection_accept() does without a callback. */
	c->proto = CONN_PROTO_HTTP;
	if (http_keepalive_time != 0)
		c->idle_timer.length = http_keepalive_time * 1000;
	net_recv_queue(c, http_header_max, NETBUF_CALL_CB_ALWAYS,
	    intake_headers);
	if (c->read == net_read)
		c->read = intake_read;
}

/*
 * Kore puts http_header_recv back after each request (http_start_recv);
 * every read comes before the parser runs, so the next request's headers
 * go through intake_headers too, pipelined or not.
 */
static int
intake_read(struct connection *c, size_t *bytes)
{
	if (c->rnb != NULL && c->rnb->cb == http_header_recv)
		c->rnb->cb = intake_headers;
	return (net_read(c, bytes));
}

static int
intake_headers(struct netbuf *nb)
{
	struct connection	*c = nb->owner;
	struct http_request	*req;
	int			 r;

	r = http_header_recv(nb);
	/* Waiting for a body: Kore switched the reader and set extra. */
	if (r != KORE_RESULT_OK || c->rnb == NULL ||
	    c->rnb->cb == intake_headers || c->rnb->cb == http_header_recv ||
	    (req = c->rnb->extra) == NULL)
		return (r);
	if (req->http_body_length <= zeues_cfg.max_body_bytes ||
	    req->http_body == NULL)
		return (r);

	kore_buf_free(req->http_body);
	req->http_body = NULL;
	req->flags |= HTTP_REQUEST_COMPLETE;
	req->flags &= ~HTTP_REQUEST_EXPECT_BODY;
	c->http_timeout = 0;
	c->rnb->extra = NULL;
	net_recv_reset(c, INTAKE_DISCARD_BYTES, intake_discard);
	http_request_wakeup(req);
	return (intake_discard(c->rnb));
}

/*
 * Drains what has arrived, so the close after the 413 finds the socket
 * empty and sends FIN, not the RST that can wipe the answer out of the
 * client's buffer; but bounded per readable event, or a client streaming
 * faster than it can be thrown away would hold the worker here.
 */
static int
intake_discard(struct netbuf *nb)
{
	struct connection	*c = nb->owner;
	char			 sink[16384];
	int			 i;

	nb->s_off = 0;
	for (i = 0; i < INTAKE_DISCARD_READS; i++) {
		if (recv(c->fd, sink, sizeof(sink), MSG_DONTWAIT) <= 0)
			break;
	}
	c->evt.flags &= ~KORE_EVENT_READ;
	return (KORE_RESULT_OK);
}
