#include <limits.h>
#include <string.h>

#include "sse_wire.h"

/* Appends to a fixed buffer; once something does not fit, failed is set. */
struct out {
	char	*buf;
	size_t	 size;
	size_t	 len;
	int	 failed;
};

static void
put(struct out *o, const char *s, size_t n)
{
	if (o->failed || n > o->size - o->len) {
		o->failed = 1;
		return;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void
put_str(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void
put_id(struct out *o, const struct event_id *id)
{
	char	text[EVENT_ID_TEXT_MAX];
	int	n;

	n = event_id_format(id, text, sizeof(text));
	put(o, text, (size_t)n);
}

static int
done(const struct out *o)
{
	return (o->failed || o->len > INT_MAX ? -1 : (int)o->len);
}

/* A line's content: no byte that ends a line or a C string. */
static int
one_line(const char *s, size_t len)
{
	return (memchr(s, '\n', len) == NULL && memchr(s, '\r', len) ==
	    NULL && memchr(s, '\0', len) == NULL);
}

/* Event types and reset reasons: a short plain token. */
static int
token_valid(const char *s)
{
	size_t	i;

	for (i = 0; s[i] != '\0'; i++) {
		if (i >= SSE_WIRE_TYPE_MAX || !((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' &&
		    s[i] <= '9') || s[i] == '_' || s[i] == '-'))
			return (0);
	}
	return (i > 0);
}

int
sse_wire_retry(char *buf, size_t size, unsigned int ms)
{
	struct out	o = { buf, size, 0, 0 };
	char		num[16];
	size_t		n = sizeof(num);

	/* Right to left: no snprintf for one number. */
	do {
		num[--n] = (char)('0' + ms % 10);
		ms /= 10;
	} while (ms != 0);
	put_str(&o, "retry: ");
	put(&o, num + n, sizeof(num) - n);
	put_str(&o, "\n\n");
	return (done(&o));
}

int
sse_wire_comment(char *buf, size_t size, const char *text)
{
	struct out	o = { buf, size, 0, 0 };

	if (!one_line(text, strlen(text)))
		return (-1);
	put_str(&o, ": ");
	put_str(&o, text);
	put_str(&o, "\n\n");
	return (done(&o));
}

size_t
sse_wire_event_size(const char *type, size_t len)
{
	return (sizeof("id: ") - 1 + EVENT_ID_TEXT_MAX - 1 + 1 +
	    sizeof("event: ") - 1 + strlen(type) + 1 +
	    sizeof("data: ") - 1 + len + 2);
}

int
sse_wire_event(char *buf, size_t size, const struct event_id *id,
    const char *type, const char *data, size_t len)
{
	struct out	o = { buf, size, 0, 0 };

	if (!token_valid(type) || !one_line(data, len))
		return (-1);
	put_str(&o, "id: ");
	put_id(&o, id);
	put_str(&o, "\nevent: ");
	put_str(&o, type);
	put_str(&o, "\ndata: ");
	put(&o, data, len);
	put_str(&o, "\n\n");
	return (done(&o));
}

int
sse_wire_reset(char *buf, size_t size, const struct event_id *id,
    const char *reason)
{
	struct out	o = { buf, size, 0, 0 };

	if (!token_valid(reason))
		return (-1);
	if (id != NULL) {
		put_str(&o, "id: ");
		put_id(&o, id);
		put_str(&o, "\n");
	} else {
		put_str(&o, "id:\n");
	}
	put_str(&o, "event: reset\ndata: {\"reason\":\"");
	put_str(&o, reason);
	put_str(&o, "\"}\n\n");
	return (done(&o));
}

int
sse_wire_last_event_id(const char *value, struct event_id *out)
{
	size_t	len, start, end;

	len = strnlen(value, SSE_WIRE_LAST_ID_MAX + 1);
	if (len > SSE_WIRE_LAST_ID_MAX)
		return (-1);
	for (start = 0; start < len && (value[start] == ' ' ||
	    value[start] == '\t'); start++)
		;
	for (end = len; end > start && (value[end - 1] == ' ' ||
	    value[end - 1] == '\t'); end--)
		;
	return (event_id_parse(value + start, end - start, out));
}
