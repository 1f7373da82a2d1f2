/* A proxy that loses Redis's replies on purpose; see reply_blackhole.h. */
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reply_blackhole.h"

#define PAIRS_MAX	64
#define MARKER_MAX	128

struct pair {
	int	client;		/* the server's side; -1 when unused */
	int	redis;
};

struct reply_blackhole {
	pthread_t	thread;
	pthread_mutex_t	lock;
	int		listener;
	int		target_port;
	int		stop;
	int		heal;		/* close every pair, then forward */
	int		armed;
	int		run;		/* the armed request reaches Redis */
	int		tripped;
	char		marker[2][MARKER_MAX];
	struct pair	pairs[PAIRS_MAX];
};

static int
connect_redis(int port)
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

static void
pair_close(struct pair *p)
{
	if (p->client != -1)
		close(p->client);
	if (p->redis != -1)
		close(p->redis);
	p->client = p->redis = -1;
}

static int
has_marker(const char *buf, size_t n, const char *m)
{
	size_t	len = strlen(m), i;

	if (len == 0)
		return (1);
	for (i = 0; i + len <= n; i++) {
		if (memcmp(buf + i, m, len) == 0)
			return (1);
	}
	return (0);
}

static int
write_all(int fd, const char *buf, size_t n)
{
	ssize_t	w;

	while (n > 0) {
		if ((w = write(fd, buf, n)) <= 0) {
			if (w == -1 && errno == EINTR)
				continue;
			return (-1);
		}
		buf += w;
		n -= (size_t)w;
	}
	return (0);
}

/* Moves what one side sent; -1 when the pair is over. */
static int
pump(struct reply_blackhole *bh, struct pair *p, int from_client)
{
	char	buf[16384];
	ssize_t	n;
	int	lose;

	n = read(from_client ? p->client : p->redis, buf, sizeof(buf));
	if (n <= 0)
		return (-1);
	pthread_mutex_lock(&bh->lock);
	/* Requests after the armed one never reach Redis either. */
	lose = bh->tripped;
	if (from_client && bh->armed && has_marker(buf, (size_t)n,
	    bh->marker[0]) && has_marker(buf, (size_t)n, bh->marker[1])) {
		bh->armed = 0;
		bh->tripped = 1;
		lose = !bh->run;
	}
	if (!from_client && bh->tripped)
		lose = 1;
	pthread_mutex_unlock(&bh->lock);
	if (lose)
		return (0);
	return (write_all(from_client ? p->redis : p->client, buf,
	    (size_t)n));
}

static void
accept_one(struct reply_blackhole *bh)
{
	int	fd, i;

	if ((fd = accept(bh->listener, NULL, NULL)) == -1)
		return;
	for (i = 0; i < PAIRS_MAX && bh->pairs[i].client != -1; i++)
		;
	if (i == PAIRS_MAX ||
	    (bh->pairs[i].redis = connect_redis(bh->target_port)) == -1) {
		close(fd);
		return;
	}
	bh->pairs[i].client = fd;
}

static void *
run(void *arg)
{
	struct reply_blackhole	*bh = arg;
	struct pollfd		 pfd[1 + 2 * PAIRS_MAX];
	int			 who[1 + 2 * PAIRS_MAX];
	int			 i, n, stop, heal;

	for (;;) {
		pthread_mutex_lock(&bh->lock);
		stop = bh->stop;
		heal = bh->heal;
		if (heal) {
			bh->heal = 0;
			bh->tripped = 0;
		}
		pthread_mutex_unlock(&bh->lock);
		if (stop)
			break;
		if (heal) {
			for (i = 0; i < PAIRS_MAX; i++)
				pair_close(&bh->pairs[i]);
		}
		n = 0;
		pfd[n].fd = bh->listener;
		pfd[n].events = POLLIN;
		who[n++] = -1;
		for (i = 0; i < PAIRS_MAX; i++) {
			if (bh->pairs[i].client == -1)
				continue;
			pfd[n].fd = bh->pairs[i].client;
			pfd[n].events = POLLIN;
			who[n++] = 2 * i;
			pfd[n].fd = bh->pairs[i].redis;
			pfd[n].events = POLLIN;
			who[n++] = 2 * i + 1;
		}
		if (poll(pfd, (nfds_t)n, 20) <= 0)
			continue;
		for (i = 0; i < n; i++) {
			if (pfd[i].revents == 0)
				continue;
			if (who[i] == -1) {
				accept_one(bh);
				continue;
			}
			if (bh->pairs[who[i] / 2].client == -1)
				continue;
			if (pump(bh, &bh->pairs[who[i] / 2],
			    who[i] % 2 == 0) == -1)
				pair_close(&bh->pairs[who[i] / 2]);
		}
	}
	for (i = 0; i < PAIRS_MAX; i++)
		pair_close(&bh->pairs[i]);
	return (NULL);
}

struct reply_blackhole *
blackhole_start(int listen_port, int target_port)
{
	struct reply_blackhole	*bh;
	struct sockaddr_in	 sin;
	int			 i, on = 1;

	if ((bh = calloc(1, sizeof(*bh))) == NULL)
		return (NULL);
	for (i = 0; i < PAIRS_MAX; i++)
		bh->pairs[i].client = bh->pairs[i].redis = -1;
	bh->target_port = target_port;
	pthread_mutex_init(&bh->lock, NULL);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)listen_port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((bh->listener = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    setsockopt(bh->listener, SOL_SOCKET, SO_REUSEADDR, &on,
	    sizeof(on)) == -1 ||
	    bind(bh->listener, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(bh->listener, 64) == -1 ||
	    pthread_create(&bh->thread, NULL, run, bh) != 0) {
		if (bh->listener != -1)
			close(bh->listener);
		pthread_mutex_destroy(&bh->lock);
		free(bh);
		return (NULL);
	}
	return (bh);
}

void
blackhole_arm(struct reply_blackhole *bh, const char *m1, const char *m2,
    int run)
{
	pthread_mutex_lock(&bh->lock);
	strncpy(bh->marker[0], m1 != NULL ? m1 : "", MARKER_MAX - 1);
	strncpy(bh->marker[1], m2 != NULL ? m2 : "", MARKER_MAX - 1);
	bh->armed = 1;
	bh->run = run;
	pthread_mutex_unlock(&bh->lock);
}

int
blackhole_tripped(struct reply_blackhole *bh)
{
	int	t;

	pthread_mutex_lock(&bh->lock);
	t = bh->tripped;
	pthread_mutex_unlock(&bh->lock);
	return (t);
}

void
blackhole_heal(struct reply_blackhole *bh)
{
	pthread_mutex_lock(&bh->lock);
	bh->heal = 1;
	pthread_mutex_unlock(&bh->lock);
}

void
blackhole_stop(struct reply_blackhole *bh)
{
	if (bh == NULL)
		return;
	pthread_mutex_lock(&bh->lock);
	bh->stop = 1;
	pthread_mutex_unlock(&bh->lock);
	pthread_join(bh->thread, NULL);
	close(bh->listener);
	pthread_mutex_destroy(&bh->lock);
	free(bh);
}
