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
 * closes the connection.  A body above http_body_max (hooks.c) Kore
 * refuses before allocating it, but with its own bare 413, so
 * intake_headers reads the declared length from the raw head first
 * (lib/http/http_head.c) and answers that 413 itself, in JSON.
 */
#include <sys/socket.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "access_log.h"
#include "http_head.h"
#include "json_out.h"
#include "zeues.h"

/* Kore's read buffer for a refused body, and recv()s per readable event. */
#define INTAKE_DISCARD_BYTES	4096
#define INTAKE_DISCARD_READS	16

void	zeues_connection(struct connection *);

static int	intake_read(struct connection *, size_t *);
static int	intake_headers(struct netbuf *);
static int	intake_discard(struct netbuf *);
static int	intake_refuse(struct connection *, struct netbuf *, uint64_t);

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
	uint64_t		 declared;
	int			 r;

	/* Several or odd Content-Lengths are Kore's to refuse (411). */
	if (http_head_declared_body(nb->buf, nb->s_off, &declared) ==
	    HTTP_HEAD_DECLARED && declared > http_body_max)
		return (intake_refuse(c, nb, declared));

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

/*
 * The first of the head's fields named name, as a string of at most
 * len - 1 bytes; 0 when it is absent or longer.
 */
static int
head_field(struct netbuf *nb, const char *name, char *out, size_t len)
{
	const char	*v;
	size_t		 vlen;

	if (http_head_field(nb->buf, nb->s_off, name, &v, &vlen) == 0 ||
	    vlen >= len)
		return (0);
	memcpy(out, v, vlen);
	out[vlen] = '\0';
	return (1);
}

/*
 * The JSON 413 of a declared body above http_body_max, written before
 * Kore has made a request of the head: as http_out.c would answer it,
 * then the connection closes once it is sent.  It never becomes a Kore
 * request, so it has no access-log line of its own: it is logged here.
 */
static int
intake_refuse(struct connection *c, struct netbuf *nb, uint64_t declared)
{
	struct kore_buf	*out;
	yajl_gen	 g;
	const char	*body = "{}";
	char		 detail[128], id[ACCESS_LOG_ID_MAX + 1];
	char		 origin[CONFIG_ORIGIN_LEN + 1];
	size_t		 len = 2;

	if (!head_field(nb, "x-request-id", id, sizeof(id)) ||
	    !access_log_id_acceptable(id))
		request_log_new_id(id, sizeof(id));
	http_too_large_detail(detail, sizeof(detail));
	if ((g = json_out_new()) != NULL) {
		api_error_write(g, API_ERR_PAYLOAD_TOO_LARGE, detail, NULL,
		    NULL);
		body = json_out_text(g, &len);
	}

	out = kore_buf_alloc(1024);
	kore_buf_appendf(out, "HTTP/1.1 413 %s\r\n", http_status_text(413));
	/* Only POST, PUT and PATCH get here: a change needs a listed origin. */
	if (head_field(nb, "origin", origin, sizeof(origin)) &&
	    config_origin_listed(&zeues_cfg, origin)) {
		kore_buf_appendf(out, "access-control-allow-origin: %s\r\n"
		    "access-control-expose-headers: x-request-id\r\n"
		    "vary: Origin\r\n", origin);
	}
	kore_buf_appendf(out, "content-type: application/json\r\n"
	    "cache-control: no-store\r\nx-request-id: %s\r\n"
	    "connection: close\r\ncontent-length: %zu\r\n\r\n", id, len);
	kore_buf_append(out, body, len);
	if (g != NULL)
		yajl_gen_free(g);

	zlog(LOG_LEVEL_INFO, "413 at the headers: Content-Length %" PRIu64
	    " over %zu, request_id=%s", declared, http_body_max, id);

	/* No request is made of the head; what follows is thrown away. */
	c->flags |= CONN_CLOSE_EMPTY;
	net_recv_reset(c, INTAKE_DISCARD_BYTES, intake_discard);
	(void)intake_discard(c->rnb);
	net_send_queue(c, out->data, out->offset);
	kore_buf_free(out);
	if (!net_send_flush(c))
		kore_connection_disconnect(c);
	return (KORE_RESULT_OK);
}
