#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event_log.h"
#include "event_publisher.h"
#include "harness.h"
#include "poll_loop.h"
#include "redis_pool.h"

struct event_publisher {
	struct poll_loop	*pl;
	struct redis_pool	*pool;
	struct redis_pool_stats	 stats;
	struct event_log_config	 cfg;
};

struct publish_wait {
	int			done;
	enum event_log_result	result;
	struct event_id		id;
};

struct event_publisher *
event_publisher_new(int redis_port)
{
	struct event_publisher		*p;
	struct redis_pool_config	 cfg;
	uint64_t			 end;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return (NULL);
	memset(&cfg, 0, sizeof(cfg));
	snprintf(cfg.url.host, sizeof(cfg.url.host), "127.0.0.1");
	cfg.url.port = redis_port;
	snprintf(cfg.client_name, sizeof(cfg.client_name), "test-publisher");
	cfg.max_connections = 1;
	cfg.connect_timeout_ms = 2000;
	cfg.command_timeout_ms = 5000;
	cfg.health_interval_ms = 30000;
	cfg.idle_timeout_ms = 60000;
	cfg.grow_depth = 1000;
	cfg.wait_queue_max = 1000;
	cfg.pipeline_max = 1000;
	event_log_config_default(&p->cfg);
	p->pl = poll_loop_new();
	p->pool = redis_pool_new(&cfg, poll_loop_io(p->pl), &p->stats);
	end = harness_now_ms() + 5000;
	while (!redis_pool_is_up(p->pool) && harness_now_ms() < end) {
		poll_loop_run_once(p->pl, IO_LOOP_TICK_MS);
		redis_pool_tick(p->pool, harness_now_ms());
	}
	return (p);
}

void
event_publisher_free(struct event_publisher *p)
{
	if (p == NULL)
		return;
	redis_pool_free(p->pool);
	poll_loop_free(p->pl);
	free(p);
}

static void
published(void *arg, const struct event_log_reply *r)
{
	struct publish_wait	*w = arg;

	w->done = 1;
	w->result = r->result;
	w->id = r->id;
}

int
event_publish(struct event_publisher *p, const char *tag, size_t pad,
    char *id, size_t idlen)
{
	struct publish_wait	 w;
	enum redis_pool_status	 why;
	uint64_t		 end;
	char			*body, *filler;
	int			 n;

	filler = calloc(1, pad + 1);
	body = calloc(1, pad + 256);
	if (filler == NULL || body == NULL) {
		free(filler);
		free(body);
		return (-1);
	}
	memset(filler, 'x', pad);
	n = snprintf(body, pad + 256, "{\"event_type\":\"TOMAR\",\"tag_spool\":"
	    "\"%s\",\"worker_nombre\":\"MR(93)\",\"worker_id\":93,"
	    "\"operacion\":\"ARM\",\"estado_detalle\":\"%s\"}", tag, filler);
	free(filler);
	memset(&w, 0, sizeof(w));
	if (event_log_publish(p->pool, &p->cfg, body, (size_t)n,
	    harness_now_ms() + 5000, published, &w, &why) == NULL) {
		free(body);
		return (-1);
	}
	end = harness_now_ms() + 6000;
	while (!w.done && harness_now_ms() < end) {
		poll_loop_run_once(p->pl, IO_LOOP_TICK_MS);
		redis_pool_tick(p->pool, harness_now_ms());
	}
	free(body);
	if (!w.done || w.result != EVENT_LOG_OK)
		return (-1);
	return (event_id_format(&w.id, id, idlen) > 0 ? 0 : -1);
}
