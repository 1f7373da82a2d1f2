/*
 * --chaos: stops Redis or the Sheets emulator at random moments and
 * starts it again after a random outage, with the commands given
 * (--redis-stop-cmd/--redis-start-cmd, --sheets-stop-cmd/--sheets-start-
 * cmd; scripts/soak passes "scripts/soak ctl DIR redis stop" and so on
 * for the private stack it runs).  Each outage is recorded with the
 * moments it began and ended, for the health and recovery verdicts.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include "soak.h"


static pthread_t	thr;
static atomic_int	quit;
static int		running;
static char		logpath[SOAK_URL_MAX + 200];

static const char *const target_name[] = { "Redis", "Sheets emulator" };

/* Runs cmd with /bin/sh; its exit status, or -1 (killed after timeout). */
static int
run_cmd(const char *cmd, double timeout)
{
	pid_t	pid, r;
	int	status, fd;
	double	end = soak_now() + timeout;

	if ((pid = fork()) == -1)
		return (-1);
	if (pid == 0) {
		setpgid(0, 0);
		fd = open(logpath, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd != -1) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
			close(fd);
		}
		fd = open("/dev/null", O_RDONLY);
		if (fd != -1) {
			dup2(fd, STDIN_FILENO);
			close(fd);
		}
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	for (;;) {
		r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			return (WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		if (r == -1 || soak_now() > end)
			break;
		soak_sleep(0.05);
	}
	kill(-pid, SIGKILL);
	waitpid(pid, &status, 0);
	return (-1);
}

static int
target_up(struct soak *sk, int target)
{
	redisContext	*c;
	redisReply	*r;
	int		 ok = 0;

	if (target == 1)
		return (soak_emulator_up(sk) == 1);
	if ((c = soak_redis_connect(sk)) == NULL)
		return (0);
	if ((r = redisCommand(c, "PING")) != NULL) {
		ok = r->type == REDIS_REPLY_STATUS;
		freeReplyObject(r);
	}
	redisFree(c);
	return (ok);
}

static const char *
cmd_of(struct soak *sk, int target, int start)
{
	struct soak_opts	*opt = &sk->opt;

	if (target == 0)
		return (start ? opt->redis_start_cmd : opt->redis_stop_cmd);
	return (start ? opt->sheets_start_cmd : opt->sheets_stop_cmd);
}

/* Sleeps up to s, in steps, unless quit; returns 1 if quit. */
static int
nap(double s)
{
	double	end = soak_now() + s;

	while (soak_now() < end) {
		if (atomic_load(&quit))
			return (1);
		soak_sleep(0.1);
	}
	return (0);
}

static void
outage(struct soak *sk, int target, double down, int idx)
{
	struct soak_truth	*truth = &sk->truth;
	struct chaos		*chs = &sk->chs;
	atomic_int		*flag = target == 0 ? &truth->redis_down :
			    &truth->sheets_down;
	struct outage	*o = &chs->out[idx];
	double		 deadline;
	int		 rc, tries = 0;

	soak_incident(sk, "chaos: stopping %s for %.0f s", target_name[target],
	    down);
	atomic_store(flag, 1);
	pthread_mutex_lock(&chs->lock);
	o->target = target;
	o->t_down = soak_now();
	pthread_mutex_unlock(&chs->lock);
	if ((rc = run_cmd(cmd_of(sk, target, 0), 60)) != 0) {
		soak_incident(sk, "chaos: stop command for %s failed (%d)",
		    target_name[target], rc);
		chs->failures++;
	}
	nap(down);
	/* Start it again, whatever happened; retry a failed start. */
	deadline = soak_now() + 90;
	do {
		rc = run_cmd(cmd_of(sk, target, 1), 60);
		if (rc != 0) {
			soak_incident(sk, "chaos: start command for %s failed "
			    "(%d)", target_name[target], rc);
			chs->failures++;
		}
		while (soak_now() < deadline && !target_up(sk, target))
			soak_sleep(0.2);
	} while (!target_up(sk, target) && soak_now() < deadline &&
	    tries++ < 3);
	pthread_mutex_lock(&chs->lock);
	o->t_up = soak_now();
	o->start_ok = target_up(sk, target);
	pthread_mutex_unlock(&chs->lock);
	atomic_store(flag, 0);
	if (o->start_ok)
		soak_incident(sk, "chaos: %s is back after %.1f s",
		    target_name[target], o->t_up - o->t_down);
	else
		soak_incident(sk, "chaos: %s did NOT come back",
		    target_name[target]);
}

static void *
chaos_main(void *arg)
{
	struct soak		*sk = arg;
	struct soak_opts	*opt = &sk->opt;
	struct chaos		*chs = &sk->chs;
	struct rng		 r;
	double			 at;
	int			 target, counts[2] = { 0, 0 }, avail[2], idx;

	rng_seed(&r, opt->seed * 31337u + 5);
	avail[0] = opt->redis_stop_cmd[0] != '\0' &&
	    opt->redis_start_cmd[0] != '\0';
	avail[1] = opt->sheets_stop_cmd[0] != '\0' &&
	    opt->sheets_start_cmd[0] != '\0';
	at = soak_now() + opt->chaos_first;
	while (!atomic_load(&quit) && chs->nout < OUTAGES_MAX) {
		if (nap(at - soak_now()))
			break;
		/* Alternate, so both get their turn; ties are random. */
		if (avail[0] && avail[1])
			target = counts[0] < counts[1] ? 0 :
			    counts[1] < counts[0] ? 1 :
			    (int)rng_below(&r, 2);
		else
			target = avail[0] ? 0 : 1;
		counts[target]++;
		pthread_mutex_lock(&chs->lock);
		idx = chs->nout++;
		pthread_mutex_unlock(&chs->lock);
		outage(sk, target, rng_range(&r, opt->chaos_down_min,
		    opt->chaos_down_max), idx);
		at = soak_now() + rng_range(&r, opt->chaos_gap_min,
		    opt->chaos_gap_max);
	}
	return (NULL);
}

int
chaos_start(struct soak *sk)
{
	struct soak_opts	*opt = &sk->opt;

	if (!opt->chaos)
		return (0);
	if ((opt->redis_stop_cmd[0] == '\0' ||
	    opt->redis_start_cmd[0] == '\0') &&
	    (opt->sheets_stop_cmd[0] == '\0' ||
	    opt->sheets_start_cmd[0] == '\0')) {
		fprintf(stderr, "zeues-soak: --chaos needs --redis-stop-cmd and "
		    "--redis-start-cmd and/or --sheets-stop-cmd and "
		    "--sheets-start-cmd\n");
		return (-1);
	}
	snprintf(logpath, sizeof(logpath), "%s/%s-chaos.log", opt->out_dir,
	    opt->name);
	if (pthread_create(&thr, NULL, chaos_main, sk) != 0)
		return (-1);
	running = 1;
	return (0);
}

/* Ends the chaos; an outage in progress is ended (restarted) first. */
void
chaos_stop(void)
{
	if (!running)
		return;
	atomic_store(&quit, 1);
	pthread_join(thr, NULL);
	running = 0;
}
