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
 *
 * Kore's other early answer a browser can meet is the 503 it gives when
 * HTTP_REQUEST_LIMIT requests are in flight: empty, where the tablet
 * parses a 503 body as JSON unconditionally (frontend.md §1.1, §7 item
 * 12).  intake_headers answers that one in JSON too, with Retry-After,
 * once the whole head is in and just before Kore would refuse it.  The
 * rest (a malformed head, an unknown method or HTTP version, a URI over
 * Kore's limit, a POST without Content-Length) no browser sends.
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
static int	intake_busy(struct connection *, struct netbuf *);
static int	intake_answer(struct connection *, struct netbuf *,
		    enum api_error, const char *detail, int change,
		    enum log_level, const char *why);

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
	/* What http_request_new() would refuse with an empty 503. */
	if (http_request_count >= http_request_limit &&
	    http_head_length(nb->buf, nb->s_off) > 0)
		return (intake_busy(c, nb));

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
	char	detail[128], why[128];

	http_too_large_detail(detail, sizeof(detail));
	snprintf(why, sizeof(why), "413 at the headers: Content-Length %"
	    PRIu64 " over %zu", declared, http_body_max);
	/* Only POST, PUT and PATCH get here. */
	return (intake_answer(c, nb, API_ERR_PAYLOAD_TOO_LARGE, detail, 1,
	    LOG_LEVEL_INFO, why));
}

static int
intake_busy(struct connection *c, struct netbuf *nb)
{
	char	why[128];
	int	change;

	/* A read is admitted from any allowed origin, a change from a listed. */
	change = !(nb->s_off >= 4 && (memcmp(nb->buf, "GET ", 4) == 0 ||
	    (nb->s_off >= 5 && memcmp(nb->buf, "HEAD ", 5) == 0)));
	snprintf(why, sizeof(why), "503 at the headers: %u requests in "
	    "flight, HTTP_REQUEST_LIMIT %u", http_request_count,
	    http_request_limit);
	return (intake_answer(c, nb, API_ERR_OVERLOADED, "El servidor está "
	    "saturado; vuelve a intentarlo en unos segundos.", change,
	    LOG_LEVEL_WARNING, why));
}

/*
 * An api.md §1 error written before Kore has made a request of the head,
 * as http_out.c would answer it, then the connection closes once it is
 * sent.  It never becomes a Kore request, so it has no access-log line of
 * its own: why is logged at level here instead.
 */
static int
intake_answer(struct connection *c, struct netbuf *nb, enum api_error e,
    const char *detail, int change, enum log_level level, const char *why)
{
	struct kore_buf	*out;
	yajl_gen	 g;
	const char	*body = API_ERROR_NO_MEMORY_BODY;
	char		 id[ACCESS_LOG_ID_MAX + 1];
	char		 origin[CONFIG_ORIGIN_LEN + 1];
	size_t		 len = sizeof(API_ERROR_NO_MEMORY_BODY) - 1;
	int		 status = api_error_status(e);

	if (!head_field(nb, "x-request-id", id, sizeof(id)) ||
	    !access_log_id_acceptable(id))
		request_log_new_id(id, sizeof(id));
	if ((g = json_out_new()) != NULL) {
		api_error_write(g, e, detail, NULL, NULL);
		body = json_out_text(g, &len);
	}

	out = kore_buf_alloc(1024);
	kore_buf_appendf(out, "HTTP/1.1 %d %s\r\n", status,
	    http_status_text(status));
	if (head_field(nb, "origin", origin, sizeof(origin)) && (change ?
	    config_origin_listed(&zeues_cfg, origin) :
	    config_origin_allowed(&zeues_cfg, origin))) {
		kore_buf_appendf(out, "access-control-allow-origin: %s\r\n"
		    "access-control-expose-headers: x-request-id\r\n"
		    "vary: Origin\r\n", origin);
	}
	if (api_error_retry_after(e) > 0)
		kore_buf_appendf(out, "retry-after: %d\r\n",
		    api_error_retry_after(e));
	kore_buf_appendf(out, "content-type: application/json\r\n"
	    "cache-control: no-store\r\nx-request-id: %s\r\n"
	    "connection: close\r\ncontent-length: %zu\r\n\r\n", id, len);
	kore_buf_append(out, body, len);
	if (g != NULL)
		yajl_gen_free(g);
	zlog(level, "%s, request_id=%s", why, id);

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
