/*
 * Asynchronous HTTP client on a libcurl multi handle; see http_client.h.
 *
 * Name resolution uses libcurl's default resolver, which in Debian's build
 * is the threaded one: each lookup of a host name runs getaddrinfo() on a
 * short-lived thread.  Under Kore's seccomp filter that needs clone3 and
 * rseq (and, for real DNS, the socket/netlink calls Kore's own curl filter
 * lists); see notes/kore-4.1-debian.md.  The cost is only paid for names:
 * a numeric address such as 127.0.0.1 never starts a thread.
 */
#include <sys/queue.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "http_client.h"

/* First allocation for a body; it doubles from here up to the cap. */
#define BODY_INITIAL_SIZE	4096

struct http_transfer {
	TAILQ_ENTRY(http_transfer)	 entry;
	struct http_client		*client;
	uint64_t			 id;
	CURL				*easy;
	struct curl_slist		*headers;
	char				*body;		/* response */
	size_t				 len;
	size_t				 cap;
	size_t				 max;
	int				 too_large;
	int				 no_memory;
	uint64_t			 started_ms;
	http_client_done_fn		*cb;
	void				*arg;
	char				 errbuf[CURL_ERROR_SIZE];
};

/* A socket libcurl asked us to watch. */
struct http_socket {
	LIST_ENTRY(http_socket)		 entry;
	struct http_client		*client;
	curl_socket_t			 fd;
	struct io_watch			*watch;
};

struct http_client {
	struct io_loop			*loop;
	CURLM				*multi;
	TAILQ_HEAD(, http_transfer)	 transfers;
	LIST_HEAD(, http_socket)	 sockets;
	size_t				 pending;
	uint64_t			 next_id;
	int				 timer_armed;
	uint64_t			 timer_due_ms;
};

static void	transfer_free(struct http_transfer *);

const char *
http_client_error_name(enum http_client_error e)
{
	switch (e) {
	case HTTP_CLIENT_OK:
		return ("ok");
	case HTTP_CLIENT_ERR_TIMEOUT:
		return ("timeout");
	case HTTP_CLIENT_ERR_CONNECT:
		return ("connect");
	case HTTP_CLIENT_ERR_RESOLVE:
		return ("resolve");
	case HTTP_CLIENT_ERR_TLS:
		return ("tls");
	case HTTP_CLIENT_ERR_IO:
		return ("io");
	case HTTP_CLIENT_ERR_TOO_LARGE:
		return ("too_large");
	case HTTP_CLIENT_ERR_OTHER:
		break;
	}
	return ("other");
}

static void
socket_ready(void *arg, int readable, int writable, int error)
{
	struct http_socket	*hs = arg;
	struct http_client	*c = hs->client;
	curl_socket_t		 fd = hs->fd;
	int			 flags = 0, running;

	if (readable)
		flags |= CURL_CSELECT_IN;
	if (writable)
		flags |= CURL_CSELECT_OUT;
	if (error)
		flags |= CURL_CSELECT_ERR;
	/* hs may be freed inside (CURL_POLL_REMOVE); c and fd stay valid. */
	(void)curl_multi_socket_action(c->multi, fd, flags, &running);
	http_client_tick(c, io_loop_now(c->loop));
}

/*
 * CURLMOPT_SOCKETFUNCTION.  It always returns 0: -1 would mark the whole
 * multi handle dead.  If a watch cannot be had, the transfer still ends,
 * by its timeout.
 */
static int
socket_cb(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp)
{
	struct http_client	*c = userp;
	struct http_socket	*hs = socketp;

	(void)easy;
	if (what == CURL_POLL_REMOVE) {
		if (hs != NULL) {
			if (hs->watch != NULL)
				c->loop->ops->unwatch(hs->watch);
			LIST_REMOVE(hs, entry);
			free(hs);
			(void)curl_multi_assign(c->multi, fd, NULL);
		}
		return (0);
	}

	if (hs == NULL) {
		if ((hs = calloc(1, sizeof(*hs))) == NULL)
			return (0);
		hs->client = c;
		hs->fd = fd;
		LIST_INSERT_HEAD(&c->sockets, hs, entry);
		(void)curl_multi_assign(c->multi, fd, hs);
	}
	if (hs->watch == NULL)
		hs->watch = c->loop->ops->watch(c->loop->impl, fd,
		    socket_ready, hs);
	if (hs->watch != NULL)
		c->loop->ops->set_interest(hs->watch,
		    (what & CURL_POLL_IN) != 0, (what & CURL_POLL_OUT) != 0);
	return (0);
}

/*
 * CURLOPT_CLOSESOCKETFUNCTION.  libcurl does not always say
 * CURL_POLL_REMOVE before it closes a socket, and the loop must stop
 * watching a descriptor before it is closed: removing a closed one from
 * epoll fails, which Kore makes fatal (a worker died of it in CI).  The
 * watch goes first; the record stays for a REMOVE that may still come.
 */
static int
close_cb(void *userp, curl_socket_t fd)
{
	struct http_client	*c = userp;
	struct http_socket	*hs;

	LIST_FOREACH(hs, &c->sockets, entry) {
		if (hs->fd == fd && hs->watch != NULL) {
			c->loop->ops->unwatch(hs->watch);
			hs->watch = NULL;
		}
	}
	return (close(fd));
}

/*
 * CURLMOPT_TIMERFUNCTION: only records the due time.  The timer stays
 * armed until libcurl says otherwise, so a tick that finds nothing expired
 * (libcurl's clock a hair behind ours) simply runs again on the next tick.
 */
static int
timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
	struct http_client	*c = userp;

	(void)multi;
	if (timeout_ms < 0) {
		c->timer_armed = 0;
		return (0);
	}
	c->timer_armed = 1;
	c->timer_due_ms = io_loop_now(c->loop) + (uint64_t)timeout_ms;
	return (0);
}

struct http_client *
http_client_new(struct io_loop *loop, long max_host_connections, char *err,
    size_t errsz)
{
	struct http_client	*c;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(err, errsz, "http client: curl_global_init failed");
		return (NULL);
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(err, errsz, "http client: out of memory");
		curl_global_cleanup();
		return (NULL);
	}
	c->loop = loop;
	c->next_id = 1;
	TAILQ_INIT(&c->transfers);
	LIST_INIT(&c->sockets);
	if ((c->multi = curl_multi_init()) == NULL ||
	    curl_multi_setopt(c->multi, CURLMOPT_SOCKETFUNCTION,
	    socket_cb) != CURLM_OK ||
	    curl_multi_setopt(c->multi, CURLMOPT_SOCKETDATA, c) != CURLM_OK ||
	    curl_multi_setopt(c->multi, CURLMOPT_TIMERFUNCTION,
	    timer_cb) != CURLM_OK ||
	    curl_multi_setopt(c->multi, CURLMOPT_TIMERDATA, c) != CURLM_OK ||
	    curl_multi_setopt(c->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
	    max_host_connections) != CURLM_OK) {
		snprintf(err, errsz, "http client: cannot set up libcurl");
		if (c->multi != NULL)
			curl_multi_cleanup(c->multi);
		free(c);
		curl_global_cleanup();
		return (NULL);
	}
	return (c);
}

void
http_client_free(struct http_client *c)
{
	struct http_transfer	*t;
	struct http_socket	*hs;

	if (c == NULL)
		return;
	while ((t = TAILQ_FIRST(&c->transfers)) != NULL) {
		TAILQ_REMOVE(&c->transfers, t, entry);
		transfer_free(t);
	}
	curl_multi_cleanup(c->multi);
	/* Records a REMOVE never came for; close_cb dropped their watches. */
	while ((hs = LIST_FIRST(&c->sockets)) != NULL) {
		if (hs->watch != NULL)
			c->loop->ops->unwatch(hs->watch);
		LIST_REMOVE(hs, entry);
		free(hs);
	}
	free(c);
	curl_global_cleanup();
}

static size_t
write_cb(char *data, size_t size, size_t nmemb, void *userp)
{
	struct http_transfer	*t = userp;
	size_t			 n = size * nmemb, cap;
	char			*p;

	if (n > t->max - t->len) {
		t->too_large = 1;
		return (0);		/* CURLE_WRITE_ERROR ends the transfer */
	}
	if (t->len + n + 1 > t->cap) {
		cap = t->cap == 0 ? BODY_INITIAL_SIZE : t->cap;
		while (cap < t->len + n + 1)
			cap *= 2;
		if (cap > t->max + 1)
			cap = t->max + 1;
		if ((p = realloc(t->body, cap)) == NULL) {
			t->no_memory = 1;
			return (0);
		}
		t->body = p;
		t->cap = cap;
	}
	memcpy(t->body + t->len, data, n);
	t->len += n;
	t->body[t->len] = '\0';
	return (n);
}

static void
transfer_free(struct http_transfer *t)
{
	struct http_client	*c = t->client;

	if (t->easy != NULL) {
		(void)curl_multi_remove_handle(c->multi, t->easy);
		curl_easy_cleanup(t->easy);
	}
	curl_slist_free_all(t->headers);
	free(t->body);
	c->pending--;
	free(t);
}

/* Builds the header list; "Expect:" stops libcurl's 100-continue wait. */
static int
build_headers(struct http_transfer *t, const char *const *headers)
{
	struct curl_slist	*l;
	size_t			 i;

	if ((l = curl_slist_append(NULL, "Expect:")) == NULL)
		return (-1);
	t->headers = l;
	for (i = 0; headers != NULL && headers[i] != NULL; i++) {
		/* A header with CR or LF would smuggle in another one. */
		if (strpbrk(headers[i], "\r\n") != NULL)
			return (-1);
		if ((l = curl_slist_append(t->headers, headers[i])) == NULL)
			return (-1);
		t->headers = l;
	}
	return (0);
}

static int
setup_easy(struct http_transfer *t, const struct http_client_request *req)
{
	CURL	*e = t->easy;
	int	 ok;

	ok = curl_easy_setopt(e, CURLOPT_URL, req->url) == CURLE_OK &&
	    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https") ==
	    CURLE_OK &&
	    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") ==
	    CURLE_OK &&
	    curl_easy_setopt(e, CURLOPT_PRIVATE, t) == CURLE_OK &&
	    curl_easy_setopt(e, CURLOPT_CLOSESOCKETFUNCTION, close_cb) ==
	    CURLE_OK &&
	    curl_easy_setopt(e, CURLOPT_CLOSESOCKETDATA, t->client) ==
	    CURLE_OK &&
	    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
	    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS,
	    (long)req->timeout_ms) == CURLE_OK &&
	    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
	    (long)req->timeout_ms) == CURLE_OK &&
	    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_cb) == CURLE_OK &&
	    curl_easy_setopt(e, CURLOPT_WRITEDATA, t) == CURLE_OK &&
	    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->errbuf) == CURLE_OK &&
	    curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)t->max) == CURLE_OK &&
	    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "") == CURLE_OK &&
	    curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers) == CURLE_OK &&
	    curl_easy_setopt(e, CURLOPT_USERAGENT, "zeues") == CURLE_OK;
	if (ok && req->method == HTTP_CLIENT_POST) {
		/* The size first, so COPYPOSTFIELDS copies that many bytes. */
		ok = curl_easy_setopt(e, CURLOPT_POST, 1L) == CURLE_OK &&
		    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)req->body_len) == CURLE_OK &&
		    curl_easy_setopt(e, CURLOPT_COPYPOSTFIELDS,
		    req->body != NULL ? req->body : "") == CURLE_OK;
	}
	return (ok ? 0 : -1);
}

uint64_t
http_client_submit(struct http_client *c,
    const struct http_client_request *req, http_client_done_fn *cb,
    void *arg)
{
	struct http_transfer	*t;
	int			 running;

	if (req->url == NULL || req->timeout_ms == 0 ||
	    req->timeout_ms > (uint64_t)0x7fffffff || cb == NULL ||
	    (req->method == HTTP_CLIENT_POST && req->body == NULL &&
	    req->body_len > 0))
		return (0);
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return (0);
	t->client = c;
	c->pending++;
	t->cb = cb;
	t->arg = arg;
	t->max = req->max_response != 0 ? req->max_response :
	    HTTP_CLIENT_MAX_RESPONSE;
	t->started_ms = io_loop_now(c->loop);

	if ((t->easy = curl_easy_init()) == NULL ||
	    build_headers(t, req->headers) == -1 || setup_easy(t, req) == -1) {
		transfer_free(t);
		return (0);
	}
	if (curl_multi_add_handle(c->multi, t->easy) != CURLM_OK) {
		curl_easy_cleanup(t->easy);
		t->easy = NULL;
		transfer_free(t);
		return (0);
	}
	t->id = c->next_id++;
	TAILQ_INSERT_TAIL(&c->transfers, t, entry);
	/*
	 * libcurl asks at once for a 0 ms timer to start the new handle:
	 * run it now rather than at the next tick, up to IO_LOOP_TICK_MS
	 * later on every Sheets call.  What it finishes is only answered
	 * from the tick, so no callback runs from in here.
	 */
	if (c->timer_armed && c->timer_due_ms <= io_loop_now(c->loop))
		(void)curl_multi_socket_action(c->multi, CURL_SOCKET_TIMEOUT,
		    0, &running);
	return (t->id);
}

int
http_client_cancel(struct http_client *c, uint64_t id)
{
	struct http_transfer	*t;

	TAILQ_FOREACH(t, &c->transfers, entry) {
		if (t->id == id) {
			TAILQ_REMOVE(&c->transfers, t, entry);
			transfer_free(t);
			return (1);
		}
	}
	return (0);
}

static enum http_client_error
classify(const struct http_transfer *t, CURLcode rc)
{
	switch (rc) {
	case CURLE_OK:
		return (HTTP_CLIENT_OK);
	case CURLE_OPERATION_TIMEDOUT:
		return (HTTP_CLIENT_ERR_TIMEOUT);
	case CURLE_COULDNT_CONNECT:
		return (HTTP_CLIENT_ERR_CONNECT);
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return (HTTP_CLIENT_ERR_RESOLVE);
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
		return (HTTP_CLIENT_ERR_TLS);
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_WEIRD_SERVER_REPLY:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_BAD_CONTENT_ENCODING:
		return (HTTP_CLIENT_ERR_IO);
	case CURLE_FILESIZE_EXCEEDED:
		return (HTTP_CLIENT_ERR_TOO_LARGE);
	case CURLE_WRITE_ERROR:
		if (t->too_large)
			return (HTTP_CLIENT_ERR_TOO_LARGE);
		return (HTTP_CLIENT_ERR_OTHER);
	default:
		return (HTTP_CLIENT_ERR_OTHER);
	}
}

/* Reports one finished transfer and frees it. */
static void
finish(struct http_client *c, struct http_transfer *t, CURLcode rc)
{
	struct http_client_result	res;

	TAILQ_REMOVE(&c->transfers, t, entry);
	memset(&res, 0, sizeof(res));
	res.error = classify(t, rc);
	if (res.error == HTTP_CLIENT_OK)
		(void)curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE,
		    &res.status);
	if (res.error == HTTP_CLIENT_OK)
		res.error_text = "";
	else if (t->no_memory)
		res.error_text = "out of memory for the response body";
	else if (res.error == HTTP_CLIENT_ERR_TOO_LARGE)
		res.error_text = "response body larger than the cap";
	else
		res.error_text = t->errbuf[0] != '\0' ? t->errbuf :
		    curl_easy_strerror(rc);
	res.body = res.error == HTTP_CLIENT_OK && t->body != NULL ?
	    t->body : "";
	res.body_len = res.error == HTTP_CLIENT_OK ? t->len : 0;
	res.elapsed_ms = io_loop_now(c->loop) - t->started_ms;

	t->cb(t->arg, &res);
	transfer_free(t);
}

/* Delivers every completion libcurl has queued. */
static void
process_done(struct http_client *c)
{
	struct http_transfer	*t;
	CURLMsg			*msg;
	CURLcode		 rc;
	int			 left;

	while ((msg = curl_multi_info_read(c->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		/* msg is gone once the handle is removed: copy first. */
		rc = msg->data.result;
		t = NULL;
		(void)curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
		    (char **)&t);
		if (t != NULL)
			finish(c, t, rc);
	}
}

void
http_client_tick(struct http_client *c, uint64_t now_ms)
{
	int	running;

	if (c->timer_armed && now_ms >= c->timer_due_ms)
		(void)curl_multi_socket_action(c->multi, CURL_SOCKET_TIMEOUT,
		    0, &running);
	process_done(c);
}

size_t
http_client_pending(const struct http_client *c)
{
	return (c->pending);
}
