/*
 * Unit tests for lib/sheets/sheets_client.c against a scripted fake of Google in
 * this process: a token endpoint that verifies the RS256 assertion with
 * the test key's public half, and a Sheets endpoint that answers from a
 * queue of canned responses and records every request it got.
 *
 * The loop's clock can be moved forward (struct skew_loop) to reach token
 * expiry without waiting an hour.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
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

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <yajl/yajl_tree.h>

#include "base64url.h"
#include "json_tree.h"
#include "poll_loop.h"
#include "service_account.h"
#include "sheets_client.h"

#define MAX_CONNS	64
#define MAX_SCRIPT	64	/* a 300 ms retry loop at 10 ms backoff: ~30 */
#define MAX_LOG		32

/* A canned answer; status 0 means "never answer". */
struct canned {
	int		 status;
	const char	*body;
};

/* One request as the fake received it. */
struct logged {
	char	 method[8];
	char	 target[1024];
	char	 auth[256];
	char	 content_type[96];
	char	*body;
};

struct conn {
	struct fake	*fake;
	int		 fd;
	struct io_watch	*watch;
	char		 in[64 * 1024];
	size_t		 inlen;
	char		*out;
	size_t		 outlen;
	size_t		 outoff;
};

struct fake {
	struct io_loop	*io;
	int		 lfd;
	int		 port;
	struct io_watch	*watch;
	struct conn	*conns[MAX_CONNS];
	EVP_PKEY	*key;		/* verifies the assertions */
	char		 token_uri[64];

	struct canned	 sheets[MAX_SCRIPT];	/* answered in order */
	int		 nsheets, next_sheet;
	struct canned	 tokens[MAX_SCRIPT];	/* then a fresh token */
	int		 ntokens, next_token;
	int		 token_expires_in;
	int		 tokens_issued;
	int		 bad_assertions;

	struct logged	 log[MAX_LOG];		/* Sheets requests */
	int		 nlog;
};

/* An io_loop whose clock can be moved forward. */
struct skew_loop {
	struct io_loop		 io;
	struct io_loop_ops	 ops;
	struct io_loop		*real;
	uint64_t		 skew_ms;
};

struct fixture {
	struct poll_loop	*pl;
	struct skew_loop	 loop;
	struct fake		 fake;
	struct service_account	 sa;
	char			*pem;
	struct sheets_client	*sc;
	struct sheets_client_config cfg;
};

struct outcome {
	int			 calls;
	enum sheets_error_class	 class;
	char			 error[640];
	long			 http_status;
	long			 api_code;
	unsigned int		 attempts;
	struct sheets_result	 kept;	/* parsed data, taken over */
};

static EVP_PKEY		*test_key;

static void	conn_ready(void *, int, int, int);

static uint64_t
skew_now(void *impl)
{
	struct skew_loop	*sl = impl;

	return (io_loop_now(sl->real) + sl->skew_ms);
}

static struct io_watch *
skew_watch(void *impl, int fd, io_ready_fn *cb, void *arg)
{
	struct skew_loop	*sl = impl;

	return (sl->real->ops->watch(sl->real->impl, fd, cb, arg));
}

static void
skew_init(struct skew_loop *sl, struct io_loop *real)
{
	sl->real = real;
	sl->ops = *real->ops;
	sl->ops.watch = skew_watch;
	sl->ops.now_ms = skew_now;
	sl->io.ops = &sl->ops;
	sl->io.impl = sl;
	sl->skew_ms = 0;
}

/* Fake server plumbing. */

static void
conn_close(struct conn *cn)
{
	int	i;

	cn->fake->io->ops->unwatch(cn->watch);
	close(cn->fd);
	for (i = 0; i < MAX_CONNS; i++) {
		if (cn->fake->conns[i] == cn)
			cn->fake->conns[i] = NULL;
	}
	free(cn->out);
	free(cn);
}

static void
reply(struct conn *cn, int status, const char *body)
{
	size_t	len = strlen(body), cap = len + 256;

	cn->out = malloc(cap);
	assert_non_null(cn->out);
	cn->outlen = (size_t)snprintf(cn->out, cap, "HTTP/1.1 %d X\r\n"
	    "Content-Type: application/json; charset=UTF-8\r\n"
	    "Content-Length: %zu\r\n\r\n%s", status, len, body);
	cn->outoff = 0;
	cn->fake->io->ops->set_interest(cn->watch, 1, 1);
}

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

/* Decodes one base64url part of the assertion as a JSON tree. */
static yajl_val
jws_part(const char *s, size_t len)
{
	char		buf[2048];
	long		n;

	assert_true(len < sizeof(buf));
	n = base64url_decode(s, len, buf, sizeof(buf) - 1);
	assert_true(n > 0);
	buf[n] = '\0';
	return (yajl_tree_parse(buf, NULL, 0));
}

/* Checks the assertion the way Google does; 0 when it is good. */
static int
check_assertion(struct fake *f, const char *form)
{
	static const char	 prefix[] = "grant_type=urn%3Aietf%3Aparams%3A"
	    "oauth%3Agrant-type%3Ajwt-bearer&assertion=";
	const char		*jws, *dot1, *dot2;
	unsigned char		 sig[512];
	long long		 iat, exp;
	yajl_val		 hdr, claims;
	EVP_MD_CTX		*md;
	long			 siglen;
	int			 ok;

	if (strncmp(form, prefix, sizeof(prefix) - 1) != 0)
		return (-1);
	jws = form + sizeof(prefix) - 1;
	if ((dot1 = strchr(jws, '.')) == NULL ||
	    (dot2 = strchr(dot1 + 1, '.')) == NULL)
		return (-1);
	hdr = jws_part(jws, (size_t)(dot1 - jws));
	claims = jws_part(dot1 + 1, (size_t)(dot2 - dot1 - 1));
	ok = hdr != NULL && claims != NULL &&
	    strcmp(json_tree_string(hdr, "alg"), "RS256") == 0 &&
	    strcmp(json_tree_string(hdr, "kid"), "kid-1") == 0 &&
	    strcmp(json_tree_string(claims, "iss"), "sa@test.iam") == 0 &&
	    strcmp(json_tree_string(claims, "aud"), f->token_uri) == 0 &&
	    strcmp(json_tree_string(claims, "scope"),
	    "https://www.googleapis.com/auth/spreadsheets") == 0 &&
	    json_tree_integer(claims, "iat", &iat) == 0 &&
	    json_tree_integer(claims, "exp", &exp) == 0 && exp - iat == 3600;
	yajl_tree_free(hdr);
	yajl_tree_free(claims);
	if (!ok)
		return (-1);

	siglen = base64url_decode(dot2 + 1, strlen(dot2 + 1), sig,
	    sizeof(sig));
	if (siglen <= 0)
		return (-1);
	md = EVP_MD_CTX_new();
	assert_non_null(md);
	ok = EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, f->key) == 1 &&
	    EVP_DigestVerify(md, sig, (size_t)siglen,
	    (const unsigned char *)jws, (size_t)(dot2 - jws)) == 1;
	EVP_MD_CTX_free(md);
	return (ok ? 0 : -1);
}

static void
answer_token(struct conn *cn, const char *body)
{
	struct fake	*f = cn->fake;
	struct canned	*c;
	char		 out[128];

	if (f->next_token < f->ntokens) {
		c = &f->tokens[f->next_token++];
		if (c->status != 0)
			reply(cn, c->status, c->body);
		return;
	}
	if (check_assertion(f, body) == -1) {
		f->bad_assertions++;
		reply(cn, 400, "{\"error\":\"invalid_grant\","
		    "\"error_description\":\"Invalid JWT Signature.\"}");
		return;
	}
	f->tokens_issued++;
	snprintf(out, sizeof(out), "{\"access_token\":\"tok-%d\","
	    "\"expires_in\":%d,\"token_type\":\"Bearer\"}", f->tokens_issued,
	    f->token_expires_in);
	reply(cn, 200, out);
}

static void
answer_sheets(struct conn *cn, const char *method, const char *target,
    const char *body, size_t bodylen)
{
	struct fake	*f = cn->fake;
	struct logged	*l;
	struct canned	*c;

	assert_true(f->nlog < MAX_LOG);
	l = &f->log[f->nlog++];
	snprintf(l->method, sizeof(l->method), "%s", method);
	snprintf(l->target, sizeof(l->target), "%s", target);
	header_value(cn->in, "Authorization", l->auth, sizeof(l->auth));
	header_value(cn->in, "Content-Type", l->content_type,
	    sizeof(l->content_type));
	l->body = strndup(body, bodylen);
	assert_non_null(l->body);

	if (f->next_sheet >= f->nsheets) {
		reply(cn, 500, "{\"error\":{\"code\":500,\"message\":"
		    "\"script ran out\",\"status\":\"INTERNAL\"}}");
		return;
	}
	c = &f->sheets[f->next_sheet++];
	if (c->status != 0)
		reply(cn, c->status, c->body);
}

static int
conn_handle(struct conn *cn)
{
	char	*end, method[8], target[1024], value[32];
	size_t	 headlen, bodylen;
	char	 save;

	cn->in[cn->inlen] = '\0';
	if ((end = strstr(cn->in, "\r\n\r\n")) == NULL)
		return (0);
	headlen = (size_t)(end - cn->in) + 4;
	header_value(cn->in, "Content-Length", value, sizeof(value));
	bodylen = value[0] != '\0' ? strtoul(value, NULL, 10) : 0;
	if (cn->inlen < headlen + bodylen)
		return (0);
	assert_int_equal(sscanf(cn->in, "%7s %1023s", method, target), 2);

	save = cn->in[headlen + bodylen];
	cn->in[headlen + bodylen] = '\0';
	if (strcmp(target, "/token") == 0)
		answer_token(cn, cn->in + headlen);
	else
		answer_sheets(cn, method, target, cn->in + headlen, bodylen);
	cn->in[headlen + bodylen] = save;

	memmove(cn->in, cn->in + headlen + bodylen,
	    cn->inlen - headlen - bodylen);
	cn->inlen -= headlen + bodylen;
	return (1);
}

static void
conn_ready(void *arg, int readable, int writable, int error)
{
	struct conn	*cn = arg;
	ssize_t		 n;

	if (writable && cn->out != NULL) {
		n = write(cn->fd, cn->out + cn->outoff,
		    cn->outlen - cn->outoff);
		if (n > 0)
			cn->outoff += (size_t)n;
		if (cn->outoff == cn->outlen) {
			free(cn->out);
			cn->out = NULL;
			cn->fake->io->ops->set_interest(cn->watch, 1, 0);
		}
	}
	if (readable) {
		n = read(cn->fd, cn->in + cn->inlen,
		    sizeof(cn->in) - 1 - cn->inlen);
		if (n == 0 || (n == -1 && errno != EAGAIN)) {
			conn_close(cn);
			return;
		}
		if (n > 0)
			cn->inlen += (size_t)n;
		while (cn->out == NULL && conn_handle(cn))
			;
	} else if (error) {
		conn_close(cn);
	}
}

static void
fake_accept(void *arg, int readable, int writable, int error)
{
	struct fake	*f = arg;
	struct conn	*cn;
	int		 fd, i;

	(void)writable;
	(void)error;
	if (!readable)
		return;
	while ((fd = accept4(f->lfd, NULL, NULL, SOCK_NONBLOCK)) != -1) {
		cn = calloc(1, sizeof(*cn));
		assert_non_null(cn);
		cn->fake = f;
		cn->fd = fd;
		for (i = 0; i < MAX_CONNS && f->conns[i] != NULL; i++)
			;
		assert_true(i < MAX_CONNS);
		f->conns[i] = cn;
		cn->watch = f->io->ops->watch(f->io->impl, fd, conn_ready, cn);
		f->io->ops->set_interest(cn->watch, 1, 0);
	}
}

static void
fake_start(struct fake *f, struct io_loop *io)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);

	memset(f, 0, sizeof(*f));
	f->io = io;
	f->key = test_key;
	f->token_expires_in = 3599;
	f->lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	assert_true(f->lfd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(f->lfd, (struct sockaddr *)&sin, sizeof(sin)),
	    0);
	assert_int_equal(getsockname(f->lfd, (struct sockaddr *)&sin, &len),
	    0);
	assert_int_equal(listen(f->lfd, 64), 0);
	f->port = ntohs(sin.sin_port);
	snprintf(f->token_uri, sizeof(f->token_uri),
	    "http://127.0.0.1:%d/token", f->port);
	f->watch = io->ops->watch(io->impl, f->lfd, fake_accept, f);
	io->ops->set_interest(f->watch, 1, 0);
}

static void
fake_stop(struct fake *f)
{
	int	i;

	for (i = 0; i < MAX_CONNS; i++) {
		if (f->conns[i] != NULL)
			conn_close(f->conns[i]);
	}
	for (i = 0; i < f->nlog; i++)
		free(f->log[i].body);
	f->io->ops->unwatch(f->watch);
	close(f->lfd);
}

static void
script(struct fake *f, int status, const char *body)
{
	assert_true(f->nsheets < MAX_SCRIPT);
	f->sheets[f->nsheets].status = status;
	f->sheets[f->nsheets].body = body;
	f->nsheets++;
}

static void
script_token(struct fake *f, int status, const char *body)
{
	assert_true(f->ntokens < MAX_SCRIPT);
	f->tokens[f->ntokens].status = status;
	f->tokens[f->ntokens].body = body;
	f->ntokens++;
}

/* Fixture. */

static double
rand_zero(void *arg)
{
	(void)arg;
	return (0.0);
}

static int
group_setup(void **state)
{
	(void)state;
	test_key = EVP_RSA_gen(2048);
	return (test_key == NULL ? -1 : 0);
}

static int
group_teardown(void **state)
{
	(void)state;
	EVP_PKEY_free(test_key);
	return (0);
}

static void
make_client(struct fixture *fx, int with_key)
{
	char	err[256];

	fx->sc = sheets_client_new(&fx->loop.io, with_key ? &fx->sa : NULL,
	    &fx->cfg, err, sizeof(err));
	if (fx->sc == NULL)
		fail_msg("%s", err);
}

static int
setup(void **state)
{
	struct fixture	*fx;
	BIO		*bio;
	char		*data, base[64];
	long		 len;

	fx = calloc(1, sizeof(*fx));
	assert_non_null(fx);
	fx->pl = poll_loop_new();
	assert_non_null(fx->pl);
	skew_init(&fx->loop, poll_loop_io(fx->pl));
	fake_start(&fx->fake, &fx->loop.io);

	bio = BIO_new(BIO_s_mem());
	assert_int_equal(PEM_write_bio_PrivateKey(bio, test_key, NULL, NULL,
	    0, NULL, NULL), 1);
	len = BIO_get_mem_data(bio, &data);
	fx->pem = strndup(data, (size_t)len);
	BIO_free(bio);
	fx->sa.client_email = (char *)"sa@test.iam";
	fx->sa.private_key = fx->pem;
	fx->sa.private_key_len = strlen(fx->pem);
	fx->sa.private_key_id = (char *)"kid-1";
	fx->sa.token_uri = fx->fake.token_uri;

	snprintf(base, sizeof(base), "http://127.0.0.1:%d/", fx->fake.port);
	sheets_client_config_defaults(&fx->cfg);
	fx->cfg.base_url = strdup(base);
	fx->cfg.spreadsheet_id = "sheet id/1";
	fx->cfg.backoff_base_ms = 20;
	fx->cfg.backoff_cap_ms = 80;
	fx->cfg.rand = rand_zero;
	*state = fx;
	return (0);
}

static int
teardown(void **state)
{
	struct fixture	*fx = *state;

	sheets_client_free(fx->sc);
	fake_stop(&fx->fake);
	poll_loop_free(fx->pl);
	free((char *)fx->cfg.base_url);
	free(fx->pem);
	free(fx);
	return (0);
}

static void
turn(struct fixture *fx)
{
	assert_true(poll_loop_run_once(fx->pl, IO_LOOP_TICK_MS) >= 0);
	sheets_client_tick(fx->sc, io_loop_now(&fx->loop.io));
}

static void
run_until(struct fixture *fx, const int *calls, int want, uint64_t ms)
{
	uint64_t	end = io_loop_now(&fx->loop.io) + ms;

	while (*calls < want && io_loop_now(&fx->loop.io) < end)
		turn(fx);
}

static void
run_for(struct fixture *fx, uint64_t ms)
{
	uint64_t	end = io_loop_now(&fx->loop.io) + ms;

	while (io_loop_now(&fx->loop.io) < end)
		turn(fx);
}

static void
record(void *arg, struct sheets_result *res)
{
	struct outcome	*o = arg;

	o->calls++;
	o->class = res->class;
	snprintf(o->error, sizeof(o->error), "%s", res->error);
	o->http_status = res->http_status;
	o->api_code = res->api_error.code;
	o->attempts = res->attempts;
	/* Take the parsed data over, as a real caller may. */
	o->kept = *res;
	memset(&res->value_ranges, 0, sizeof(res->value_ranges));
	memset(&res->batch_update, 0, sizeof(res->batch_update));
	memset(&res->append, 0, sizeof(res->append));
	memset(&res->spreadsheet, 0, sizeof(res->spreadsheet));
}

static void
outcome_free(struct outcome *o)
{
	sheets_value_ranges_free(&o->kept.value_ranges);
	sheets_batch_update_result_free(&o->kept.batch_update);
	sheets_append_result_free(&o->kept.append);
	sheets_spreadsheet_free(&o->kept.spreadsheet);
}

static const char	batch_get_ok[] =
    "{\"spreadsheetId\":\"sheet id/1\",\"valueRanges\":["
    "{\"range\":\"Operaciones!A1:BT3\",\"majorDimension\":\"ROWS\","
    "\"values\":[[\"TAG_SPOOL\",\"OT\"],[\"MK-1\",\"100\"]]},"
    "{\"range\":\"Roles!A1:C1000\",\"majorDimension\":\"ROWS\"}]}";

static const char *const	two_ranges[] = {
	"'Operaciones'!A1:BT", "'Roles'!A:C",
};

static uint64_t
batch_get(struct fixture *fx, uint64_t timeout_ms, struct outcome *o)
{
	char		err[128];
	uint64_t	id;

	id = sheets_batch_get(fx->sc, two_ranges, 2, SHEETS_RENDER_FORMATTED,
	    timeout_ms, record, o, err, sizeof(err));
	if (id == 0)
		fail_msg("%s", err);
	return (id);
}

/* The tests. */

static void
test_batch_get_with_token(void **state)
{
	struct fixture			*fx = *state;
	struct sheets_client_stats	 st;
	struct outcome			 o, o2;
	struct logged			*l;

	memset(&o, 0, sizeof(o));
	memset(&o2, 0, sizeof(o2));
	make_client(fx, 1);
	script(&fx->fake, 200, batch_get_ok);
	script(&fx->fake, 200, batch_get_ok);
	batch_get(fx, 5000, &o);
	assert_int_equal(o.calls, 0);
	assert_int_equal(sheets_client_pending(fx->sc), 1);
	run_until(fx, &o.calls, 1, 5000);
	if (o.class != SHEETS_OK)
		fail_msg("%s", o.error);
	assert_string_equal(o.error, "");
	assert_int_equal(o.attempts, 1);
	assert_int_equal(o.kept.value_ranges.nranges, 2);
	assert_string_equal(o.kept.value_ranges.ranges[0].rows[1].cells[0],
	    "MK-1");
	assert_int_equal(o.kept.value_ranges.ranges[1].nrows, 0);

	assert_int_equal(fx->fake.tokens_issued, 1);
	assert_int_equal(fx->fake.bad_assertions, 0);
	l = &fx->fake.log[0];
	assert_string_equal(l->method, "GET");
	assert_string_equal(l->target, "/v4/spreadsheets/sheet%20id%2F1/"
	    "values:batchGet?ranges=%27Operaciones%27%21A1%3ABT&ranges="
	    "%27Roles%27%21A%3AC&majorDimension=ROWS&prettyPrint=false"
	    "&valueRenderOption=FORMATTED_VALUE");
	assert_string_equal(l->auth, "Bearer tok-1");

	/*
	 * The token is cached: no second token request, and the call goes
	 * out from inside the submit (no tick in between), though it still
	 * answers from the loop only.
	 */
	batch_get(fx, 5000, &o2);
	sheets_client_stats(fx->sc, &st);
	assert_int_equal(st.attempts, 2);
	assert_int_equal(o2.calls, 0);
	run_until(fx, &o2.calls, 1, 5000);
	assert_int_equal(o2.class, SHEETS_OK);
	assert_int_equal(fx->fake.tokens_issued, 1);
	assert_string_equal(fx->fake.log[1].auth, "Bearer tok-1");
	assert_int_equal(sheets_client_pending(fx->sc), 0);
	outcome_free(&o);
	outcome_free(&o2);
}


static void
test_one_refresh_for_many_calls(void **state)
{
	struct fixture	*fx = *state;
	struct outcome	 o[5];
	int		 i, done;

	memset(o, 0, sizeof(o));
	make_client(fx, 1);
	for (i = 0; i < 5; i++) {
		script(&fx->fake, 200, batch_get_ok);
		batch_get(fx, 5000, &o[i]);
	}
	for (done = 0; done < 5;) {
		turn(fx);
		for (i = 0, done = 0; i < 5; i++)
			done += o[i].calls;
	}
	for (i = 0; i < 5; i++) {
		assert_int_equal(o[i].class, SHEETS_OK);
		outcome_free(&o[i]);
	}
	assert_int_equal(fx->fake.tokens_issued, 1);
}

static void
test_token_refresh_before_expiry(void **state)
{
	struct fixture			*fx = *state;
	struct outcome			 o[3];
	struct sheets_client_stats	 st;

	memset(o, 0, sizeof(o));
	make_client(fx, 1);
	script(&fx->fake, 200, batch_get_ok);
	script(&fx->fake, 200, batch_get_ok);
	script(&fx->fake, 200, batch_get_ok);
	batch_get(fx, 5000, &o[0]);
	run_until(fx, &o[0].calls, 1, 5000);
	assert_int_equal(fx->fake.tokens_issued, 1);

	/* 56 minutes on: inside the 5-minute margin, still usable. */
	fx->loop.skew_ms += 56 * 60 * 1000;
	batch_get(fx, 5000, &o[1]);
	run_until(fx, &o[1].calls, 1, 5000);
	assert_int_equal(o[1].class, SHEETS_OK);
	/* Sent at once with the old token; a new one was fetched aside. */
	assert_string_equal(fx->fake.log[1].auth, "Bearer tok-1");
	run_for(fx, 100);
	assert_int_equal(fx->fake.tokens_issued, 2);

	batch_get(fx, 5000, &o[2]);
	run_until(fx, &o[2].calls, 1, 5000);
	assert_string_equal(fx->fake.log[2].auth, "Bearer tok-2");
	sheets_client_stats(fx->sc, &st);
	assert_int_equal(st.token_refreshes, 2);
	assert_int_equal(st.calls_ok, 3);
	outcome_free(&o[0]);
	outcome_free(&o[1]);
	outcome_free(&o[2]);
}

static void
test_expired_token_waits_for_new_one(void **state)
{
	struct fixture	*fx = *state;
	struct outcome	 o[2];

	memset(o, 0, sizeof(o));
	make_client(fx, 1);
	script(&fx->fake, 200, batch_get_ok);
	script(&fx->fake, 200, batch_get_ok);
	batch_get(fx, 5000, &o[0]);
	run_until(fx, &o[0].calls, 1, 5000);
	/* Past the token's life: the call must not carry it. */
	fx->loop.skew_ms += 3600 * 1000;
	batch_get(fx, 5000, &o[1]);
	run_until(fx, &o[1].calls, 1, 5000);
	assert_int_equal(o[1].class, SHEETS_OK);
	assert_string_equal(fx->fake.log[1].auth, "Bearer tok-2");
	outcome_free(&o[0]);
	outcome_free(&o[1]);
}

static void
test_401_refreshes_once(void **state)
{
	struct fixture	*fx = *state;
	struct outcome	 o, o2;

	memset(&o, 0, sizeof(o));
	memset(&o2, 0, sizeof(o2));
	make_client(fx, 1);
	script(&fx->fake, 401, "{\"error\":{\"code\":401,\"message\":"
	    "\"Request had invalid authentication credentials.\","
	    "\"status\":\"UNAUTHENTICATED\"}}");
	script(&fx->fake, 200, batch_get_ok);
	batch_get(fx, 5000, &o);
	run_until(fx, &o.calls, 1, 5000);
	assert_int_equal(o.class, SHEETS_OK);
	assert_int_equal(o.attempts, 2);
	assert_int_equal(fx->fake.tokens_issued, 2);
	assert_string_equal(fx->fake.log[0].auth, "Bearer tok-1");
	assert_string_equal(fx->fake.log[1].auth, "Bearer tok-2");

	/* Twice in a row: the call fails as an auth error. */
	script(&fx->fake, 401, "{\"error\":{\"code\":401,\"message\":\"no\","
	    "\"status\":\"UNAUTHENTICATED\"}}");
	script(&fx->fake, 401, "{\"error\":{\"code\":401,\"message\":\"no\","
	    "\"status\":\"UNAUTHENTICATED\"}}");
	batch_get(fx, 5000, &o2);
	run_until(fx, &o2.calls, 1, 5000);
	assert_int_equal(o2.class, SHEETS_AUTH);
	assert_int_equal(o2.attempts, 2);
	assert_int_equal(o2.http_status, 401);
	assert_non_null(strstr(o2.error, "UNAUTHENTICATED"));
	outcome_free(&o);
	outcome_free(&o2);
}

static void
test_retry_with_backoff(void **state)
{
	struct fixture			*fx = *state;
	struct outcome			 o;
	struct sheets_client_stats	 st;

	memset(&o, 0, sizeof(o));
	make_client(fx, 1);
	script(&fx->fake, 429, "{\"error\":{\"code\":429,\"message\":"
	    "\"Quota exceeded\",\"status\":\"RESOURCE_EXHAUSTED\"}}");
	script(&fx->fake, 503, "{\"error\":{\"code\":503,\"message\":"
	    "\"The service is currently unavailable.\",\"status\":"
	    "\"UNAVAILABLE\"}}");
	script(&fx->fake, 502, "<html>Bad Gateway</html>");
	script(&fx->fake, 200, batch_get_ok);
	batch_get(fx, 5000, &o);
	run_until(fx, &o.calls, 1, 5000);
	assert_int_equal(o.class, SHEETS_OK);
	assert_int_equal(o.attempts, 4);
	sheets_client_stats(fx->sc, &st);
	assert_int_equal(st.retries, 3);
	assert_int_equal(st.attempts, 4);
	outcome_free(&o);
}

static void
test_retry_until_deadline(void **state)
{
	struct fixture	*fx = *state;
	struct outcome	 o;
	uint64_t	 start, took;
	int		 i;

	memset(&o, 0, sizeof(o));
	make_client(fx, 1);
	for (i = 0; i < MAX_SCRIPT; i++)
		script(&fx->fake, 503, "{\"error\":{\"code\":503,\"message\":"
		    "\"The service is currently unavailable.\",\"status\":"
		    "\"UNAVAILABLE\"}}");
	start = io_loop_now(&fx->loop.io);
	batch_get(fx, 300, &o);
	run_until(fx, &o.calls, 1, 5000);
	assert_int_equal(o.class, SHEETS_RETRYABLE);
	assert_true(o.attempts >= 3);
	assert_non_null(strstr(o.error, "deadline reached after"));
	assert_non_null(strstr(o.error, "HTTP 503 UNAVAILABLE: The service is "
	    "currently unavailable."));
	assert_int_equal(o.api_code, 503);
	/*
	 * Never past the deadline, give or take a loaded machine's stalls
	 * (200 ms: under ASan beside another test a stall passed 100 ms).
	 */
	took = io_loop_now(&fx->loop.io) - start;
	if (took > 300 + 200)
		fail_msg("retries took %llu ms under a 300 ms deadline",
		    (unsigned long long)took);
}

static void
test_stalled_attempts_bounded_by_deadline(void **state)
{
	struct fixture	*fx = *state;
	struct outcome	 o;
	uint64_t	 start;

	uint64_t	 took;

	/*
	 * Attempts of 300 ms under a 400 ms deadline: the second attempt,
	 * started near 310 ms, must be cut at the deadline.  Run whole, it
	 * would end past 600 ms; the 200 ms between the two is room for a
	 * loaded machine's stalls (CI runs this under ASan beside another
	 * test on 2 cores, and once took more than 100 ms over).
	 */
	memset(&o, 0, sizeof(o));
	fx->cfg.attempt_timeout_ms = 300;
	make_client(fx, 1);
	script(&fx->fake, 0, NULL);
	script(&fx->fake, 0, NULL);
	script(&fx->fake, 0, NULL);
	start = io_loop_now(&fx->loop.io);
	batch_get(fx, 400, &o);
	run_until(fx, &o.calls, 1, 5000);
	took = io_loop_now(&fx->loop.io) - start;
	assert_int_equal(o.class, SHEETS_RETRYABLE);
	assert_int_equal(o.attempts, 2);
	assert_non_null(strstr(o.error, "timeout"));
	if (took >= 600)
		fail_msg("stalled attempts took %llu ms under a 400 ms "
		    "deadline", (unsigned long long)took);
}

static void
test_fatal_not_retried(void **state)
{
	struct fixture	*fx = *state;
	struct outcome	 o;

	memset(&o, 0, sizeof(o));
	make_client(fx, 1);
	script(&fx->fake, 404, "{\n  \"error\": {\n    \"code\": 404,\n"
	    "    \"message\": \"Requested entity was not found.\",\n"
	    "    \"status\": \"NOT_FOUND\"\n  }\n}\n");
	batch_get(fx, 5000, &o);
	run_until(fx, &o.calls, 1, 5000);
	assert_int_equal(o.class, SHEETS_FATAL);
	assert_int_equal(o.attempts, 1);
	assert_int_equal(o.http_status, 404);
	assert_int_equal(o.api_code, 404);
	assert_string_equal(o.error, "HTTP 404 NOT_FOUND: Requested entity "
	    "was not found.");

	/* A 200 that does not parse is fatal too. */
	memset(&o, 0, sizeof(o));
	script(&fx->fake, 200, "{\"valueRanges\":{}}");
	batch_get(fx, 5000, &o);
	run_until(fx, &o.calls, 1, 5000);
	assert_int_equal(o.class, SHEETS_FATAL);
	assert_non_null(strstr(o.error, "unexpected response (HTTP 200)"));
}

static void
test_token_rejected(void **state)
{
	struct fixture	*fx = *state;
	struct outcome	 o;

	memset(&o, 0, sizeof(o));
	make_client(fx, 1);
	script_token(&fx->fake, 400, "{\"error\":\"invalid_grant\","
	    "\"error_description\":\"Invalid JWT Signature.\"}");
	batch_get(fx, 5000, &o);
	run_until(fx, &o.calls, 1, 5000);
	/* Told at once, not after the deadline. */
	assert_int_equal(o.class, SHEETS_FATAL);
	assert_int_equal(o.attempts, 0);
	assert_non_null(strstr(o.error, "invalid_grant: Invalid JWT "
	    "Signature."));
	assert_int_equal(fx->fake.nlog, 0);
}

static void
test_token_endpoint_down_then_up(void **state)
{
	struct fixture			*fx = *state;
	struct outcome			 o;
	struct sheets_client_stats	 st;

	memset(&o, 0, sizeof(o));
	make_client(fx, 1);
	script_token(&fx->fake, 503, "{\"error\":\"temporarily_unavailable\"}");
	script_token(&fx->fake, 0, NULL);	/* times out */
	script(&fx->fake, 200, batch_get_ok);
	fx->cfg.token_timeout_ms = 100;
	sheets_client_free(fx->sc);
	make_client(fx, 1);
	batch_get(fx, 5000, &o);
	run_until(fx, &o.calls, 1, 5000);
	if (o.class != SHEETS_OK)
		fail_msg("%s", o.error);
	sheets_client_stats(fx->sc, &st);
	assert_int_equal(st.token_refreshes, 3);
	assert_int_equal(st.token_failures, 2);
	outcome_free(&o);
}

static void
test_token_never_comes(void **state)
{
	struct fixture	*fx = *state;
	struct outcome	 o;
	int		 i;

	memset(&o, 0, sizeof(o));
	for (i = 0; i < MAX_SCRIPT; i++)
		script_token(&fx->fake, 503, "{}");
	make_client(fx, 1);
	batch_get(fx, 300, &o);
	run_until(fx, &o.calls, 1, 5000);
	assert_int_equal(o.class, SHEETS_RETRYABLE);
	assert_non_null(strstr(o.error, "deadline passed waiting for an "
	    "access token: HTTP 503"));
}

static void
test_writes(void **state)
{
	struct fixture			*fx = *state;
	const struct sheets_cell	 cells[] = {
		{ SHEETS_CELL_TEXT, "MR(93)", 0, 0 },
		{ SHEETS_CELL_ENTERED, "25-01-2026", 0, 0 },
	};
	const struct sheets_row		 row = { cells, 2 };
	const struct sheets_range_data	 upd = { "'Operaciones'!C2:D2", &row,
					    1 };
	const struct sheets_range_data	 app = { "'Metadata'!A1:K1", &row,
					    1 };
	struct outcome			 o[4];
	char				 err[128];
	int				 i;

	memset(o, 0, sizeof(o));
	make_client(fx, 1);
	script(&fx->fake, 200, "{\"spreadsheetId\":\"x\",\"totalUpdatedRows\":1,"
	    "\"totalUpdatedCells\":2,\"responses\":[{\"updatedRange\":"
	    "\"Operaciones!C2:D2\",\"updatedCells\":2}]}");
	script(&fx->fake, 200, "{\"spreadsheetId\":\"x\",\"tableRange\":"
	    "\"Metadata!A1:K41\",\"updates\":{\"updatedRange\":"
	    "\"Metadata!A42:B42\",\"updatedRows\":1}}");
	script(&fx->fake, 200, "{\"sheets\":[{\"properties\":{\"sheetId\":0,"
	    "\"title\":\"Operaciones\",\"gridProperties\":{\"rowCount\":1000,"
	    "\"columnCount\":26}}}]}");
	script(&fx->fake, 200, "{\"spreadsheetId\":\"x\",\"replies\":[{}]}");

	assert_int_not_equal(sheets_batch_update(fx->sc,
	    SHEETS_INPUT_USER_ENTERED, &upd, 1, 5000, record, &o[0], err,
	    sizeof(err)), 0);
	run_until(fx, &o[0].calls, 1, 5000);
	assert_int_not_equal(sheets_append(fx->sc, SHEETS_INPUT_USER_ENTERED,
	    &app, 5000, record, &o[1], err, sizeof(err)), 0);
	run_until(fx, &o[1].calls, 1, 5000);
	assert_int_not_equal(sheets_get_spreadsheet(fx->sc, 5000, record,
	    &o[2], err, sizeof(err)), 0);
	run_until(fx, &o[2].calls, 1, 5000);
	assert_int_not_equal(sheets_append_dimension(fx->sc, 0,
	    SHEETS_DIM_COLUMNS, 46, 5000, record, &o[3], err, sizeof(err)), 0);
	run_until(fx, &o[3].calls, 1, 5000);
	for (i = 0; i < 4; i++) {
		if (o[i].class != SHEETS_OK)
			fail_msg("call %d: %s", i, o[i].error);
	}

	assert_string_equal(fx->fake.log[0].method, "POST");
	assert_string_equal(fx->fake.log[0].target,
	    "/v4/spreadsheets/sheet%20id%2F1/values:batchUpdate");
	assert_string_equal(fx->fake.log[0].content_type,
	    "application/json; charset=utf-8");
	assert_string_equal(fx->fake.log[0].body, "{\"valueInputOption\":"
	    "\"USER_ENTERED\",\"data\":[{\"range\":\"'Operaciones'!C2:D2\","
	    "\"majorDimension\":\"ROWS\",\"values\":[[\"'MR(93)\","
	    "\"25-01-2026\"]]}]}");
	assert_int_equal(o[0].kept.batch_update.total_updated_cells, 2);

	/* Only the range is encoded; ":append" is not. */
	assert_string_equal(fx->fake.log[1].target,
	    "/v4/spreadsheets/sheet%20id%2F1/values/%27Metadata%27%21A1%3AK1"
	    ":append?valueInputOption=USER_ENTERED&insertDataOption=INSERT_ROWS");
	assert_int_equal(o[1].kept.append.first_row, 42);

	assert_string_equal(fx->fake.log[2].method, "GET");
	assert_string_equal(fx->fake.log[2].target,
	    "/v4/spreadsheets/sheet%20id%2F1?fields=sheets.properties");
	assert_int_equal(o[2].kept.spreadsheet.sheets[0].column_count, 26);

	assert_string_equal(fx->fake.log[3].target,
	    "/v4/spreadsheets/sheet%20id%2F1:batchUpdate");
	assert_string_equal(fx->fake.log[3].body, "{\"requests\":["
	    "{\"appendDimension\":{\"sheetId\":0,\"dimension\":\"COLUMNS\","
	    "\"length\":46}}]}");
	for (i = 0; i < 4; i++)
		outcome_free(&o[i]);
	assert_int_equal(fx->fake.tokens_issued, 1);
}

/* Any list of requests in one spreadsheets.batchUpdate (the migrations'). */
static void
test_update_spreadsheet(void **state)
{
	struct fixture	*fx = *state;
	const char	*req[] = {
		"{\"addSheet\":{\"properties\":{\"title\":\"_m\"}}}",
		"{\"appendDimension\":{\"sheetId\":0,\"dimension\":"
		    "\"COLUMNS\",\"length\":4}}",
	};
	struct outcome	 o;
	char		 err[128];

	memset(&o, 0, sizeof(o));
	make_client(fx, 1);
	script(&fx->fake, 200, "{\"spreadsheetId\":\"x\",\"replies\":"
	    "[{},{}]}");
	assert_int_not_equal(sheets_update_spreadsheet(fx->sc, req, 2, 5000,
	    record, &o, err, sizeof(err)), 0);
	run_until(fx, &o.calls, 1, 5000);
	if (o.class != SHEETS_OK)
		fail_msg("%s", o.error);
	assert_string_equal(fx->fake.log[0].method, "POST");
	assert_string_equal(fx->fake.log[0].target,
	    "/v4/spreadsheets/sheet%20id%2F1:batchUpdate");
	assert_string_equal(fx->fake.log[0].body, "{\"requests\":["
	    "{\"addSheet\":{\"properties\":{\"title\":\"_m\"}}},"
	    "{\"appendDimension\":{\"sheetId\":0,\"dimension\":"
	    "\"COLUMNS\",\"length\":4}}]}");
	outcome_free(&o);
	/* No request: nothing to send. */
	assert_int_equal(sheets_update_spreadsheet(fx->sc, req, 0, 5000,
	    record, &o, err, sizeof(err)), 0);
}

static void
test_bad_arguments(void **state)
{
	struct fixture			*fx = *state;
	const struct sheets_cell	 bad[] = {
		{ SHEETS_CELL_NUMBER, NULL, 1.0 / 0.0, 0 },
	};
	const struct sheets_row		 row = { bad, 1 };
	const struct sheets_range_data	 d = { "'S'!A1", &row, 1 };
	struct outcome			 o;
	char				 err[128];

	memset(&o, 0, sizeof(o));
	make_client(fx, 1);
	assert_int_equal(sheets_batch_update(fx->sc, SHEETS_INPUT_RAW, &d, 1,
	    5000, record, &o, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "not finite"));
	assert_int_equal(sheets_batch_get(fx->sc, two_ranges, 0,
	    SHEETS_RENDER_FORMATTED, 5000, record, &o, err, sizeof(err)), 0);
	assert_int_equal(sheets_client_pending(fx->sc), 0);
	run_for(fx, 30);
	assert_int_equal(o.calls, 0);
}

static void
test_cancel_and_free(void **state)
{
	struct fixture	*fx = *state;
	struct outcome	 o[3];
	uint64_t	 in_flight, waiting;

	memset(o, 0, sizeof(o));
	make_client(fx, 1);
	script(&fx->fake, 0, NULL);
	in_flight = batch_get(fx, 5000, &o[0]);
	run_for(fx, 100);
	assert_int_equal(fx->fake.nlog, 1);
	assert_int_equal(sheets_client_cancel(fx->sc, in_flight), 1);
	assert_int_equal(sheets_client_cancel(fx->sc, in_flight), 0);

	/* A call queued behind a token that is slow to come. */
	fx->loop.skew_ms += 3600 * 1000;
	script_token(&fx->fake, 0, NULL);
	waiting = batch_get(fx, 5000, &o[1]);
	run_for(fx, 50);
	assert_int_equal(sheets_client_cancel(fx->sc, waiting), 1);

	/* And one left for sheets_client_free(). */
	batch_get(fx, 5000, &o[2]);
	run_for(fx, 50);
	assert_int_equal(sheets_client_pending(fx->sc), 1);
	sheets_client_free(fx->sc);
	fx->sc = NULL;
	assert_int_equal(o[0].calls + o[1].calls + o[2].calls, 0);
}

static void
test_without_key(void **state)
{
	struct fixture	*fx = *state;
	struct outcome	 o;

	memset(&o, 0, sizeof(o));
	make_client(fx, 0);
	script(&fx->fake, 200, batch_get_ok);
	batch_get(fx, 5000, &o);
	run_until(fx, &o.calls, 1, 5000);
	assert_int_equal(o.class, SHEETS_OK);
	assert_string_equal(fx->fake.log[0].auth, "");
	assert_int_equal(fx->fake.tokens_issued, 0);
	outcome_free(&o);
}

static void
test_bad_config(void **state)
{
	struct fixture	*fx = *state;
	char		 err[256];

	fx->cfg.spreadsheet_id = "";
	assert_null(sheets_client_new(&fx->loop.io, NULL, &fx->cfg, err,
	    sizeof(err)));
	assert_non_null(strstr(err, "spreadsheet id"));
	fx->cfg.spreadsheet_id = "x";
	fx->sa.private_key = (char *)"-----BEGIN PRIVATE KEY-----\nAAAA\n"
	    "-----END PRIVATE KEY-----\n";
	fx->sa.private_key_len = strlen(fx->sa.private_key);
	assert_null(sheets_client_new(&fx->loop.io, &fx->sa, &fx->cfg, err,
	    sizeof(err)));
	assert_non_null(strstr(err, "private_key cannot be loaded"));
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_batch_get_with_token),
		T(test_one_refresh_for_many_calls),
		T(test_token_refresh_before_expiry),
		T(test_expired_token_waits_for_new_one),
		T(test_401_refreshes_once),
		T(test_retry_with_backoff),
		T(test_retry_until_deadline),
		T(test_stalled_attempts_bounded_by_deadline),
		T(test_fatal_not_retried),
		T(test_token_rejected),
		T(test_token_endpoint_down_then_up),
		T(test_token_never_comes),
		T(test_writes),
		T(test_update_spreadsheet),
		T(test_bad_arguments),
		T(test_cancel_and_free),
		T(test_without_key),
		T(test_bad_config),
	};

	return (cmocka_run_group_tests(tests, group_setup, group_teardown));
}
