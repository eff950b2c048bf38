/*
 * The supervisor process (architecture brief 3).
 *
 * It holds the listener of one filter chain: every process descended from
 * the one that installed it.  Workers take notifications in parallel, so
 * a caller whose memory is slow to read (userfaultfd, a file on a stalled
 * mount) holds up one worker, not the others.  It exits when the listener
 * reports that no process uses the filter any more.  It is not dumpable,
 * so ordinary processes of the same user cannot read or trace it; the
 * confined ones cannot name it at all.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/seccomp.h>

#include "../bpf/dispatch.h"
#include "client.h"
#include "ctl.h"
#include "handover.h"
#include "logq.h"
#include "paths.h"
#include "serve.h"
#include "slow.h"
#include "target.h"

/* Linux 6.6; newer than the build machine's headers. */
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

/*
 * Workers: a few to start with, and one more whenever the last idle one
 * takes a request, up to MAX_WORKERS.  A caller whose memory blocks the
 * reader (userfaultfd) or whose open waits can hold as many workers as it
 * has threads; the others are still served until the ceiling.
 */
#define WORKERS     2
#define MAX_WORKERS 64

static int listener = -1;
static struct seccomp_notif_sizes sizes;
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static int idle, total;

/*
 * At most RECEIVERS workers wait in NOTIF_RECV; the other idle ones wait
 * on recv_turn.  The kernel wakes every worker waiting in NOTIF_RECV for
 * each notification, and all but one find nothing and sleep again: with
 * the eight or more workers a busy program grows, that was most of the
 * supervisor's time.  Three keep a caller's next request from waiting for
 * the worker that is still finishing its last one; a parked worker is
 * woken when the last receiver takes a request, so someone always waits
 * for the next one while any worker is idle, and a stuck request holds
 * one worker as before.
 */
#define RECEIVERS 3
static pthread_cond_t recv_turn = PTHREAD_COND_INITIALIZER;
static int receiving, parked;

static int spawn_worker(void);

static void *worker(void *arg)
{
	struct seccomp_notif *req = calloc(1, sizes.seccomp_notif);
	struct seccomp_notif_resp *resp = calloc(1, sizes.seccomp_notif_resp);

	(void)arg;
	if (!req || !resp)
		_exit(1);
	for (;;) {
		bool grow;
		int got;

		memset(req, 0, sizes.seccomp_notif);
		memset(resp, 0, sizes.seccomp_notif_resp);
		pthread_mutex_lock(&pool_lock);
		while (receiving >= RECEIVERS) {
			parked++;
			pthread_cond_wait(&recv_turn, &pool_lock);
			parked--;
		}
		receiving++;
		pthread_mutex_unlock(&pool_lock);
		got = ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, req) == 0 ? 0 : errno;
		pthread_mutex_lock(&pool_lock);
		if (--receiving == 0 && parked > 0)
			pthread_cond_signal(&recv_turn);
		grow = got == 0 && --idle == 0 && total < MAX_WORKERS;
		pthread_mutex_unlock(&pool_lock);
		if (got != 0) {
			struct pollfd p = {listener, 0, 0};

			/*
			 * ENOENT: the caller went away, or, once the last
			 * process using the filter is gone, every time at once.
			 */
			if (poll(&p, 1, 0) > 0 && (p.revents & (POLLHUP | POLLERR | POLLNVAL)))
				_exit(0);
			if (got == EINTR || got == ENOENT)
				continue;
			_exit(1);
		}
		if (grow)
			(void)spawn_worker(); /* without it, the others still serve */
		serve(listener, req, resp);
		pthread_mutex_lock(&pool_lock);
		idle++;
		pthread_mutex_unlock(&pool_lock);
	}
	return NULL;
}

static int spawn_worker(void)
{
	pthread_attr_t attr;
	pthread_t tid;
	int r;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	pthread_mutex_lock(&pool_lock);
	r = pthread_create(&tid, &attr, worker, NULL);
	if (r == 0) {
		idle++;
		total++;
	}
	pthread_mutex_unlock(&pool_lock);
	pthread_attr_destroy(&attr);
	return r;
}

/* A clean process: no handlers of the program, no descriptors but ours. */
static int reset(int sock)
{
	sigset_t all;
	int s, null;

	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	prctl(PR_SET_NAME, "capsicum-sup", 0, 0, 0);
	umask(0);          /* callers' umasks are applied explicitly */
	(void)!chdir("/"); /* not to keep the program's directory busy */
	s = fcntl(sock, F_DUPFD_CLOEXEC, 10);
	if (s < 0)
		return -1;
	if (syscall(SYS_close_range, 0, s - 1, 0) != 0 ||
	    syscall(SYS_close_range, s + 1, ~0U, 0) != 0)
		return -1;
	null = open("/dev/null", O_RDWR);
	if (null != 0 || dup2(null, 1) != 1 || dup2(null, 2) != 2)
		return -1;
	return s;
}

_Noreturn void supervisor_main(int sock, pid_t program)
{
	pid_t self = getpid();
	uint64_t flags = SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP;
	char mode;
	int s, probe;

	/* The filters it compiles to judge are the quiet ones (procctl.c). */
	capsicum_trap_filters(false);
	/* First the pid, so that the program waits for nothing else. */
	if (write(sock, &self, sizeof(self)) != sizeof(self))
		_exit(1);
	s = reset(sock);
	if (s < 0 || target_init_self() != 0 ||
	    syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) != 0)
		_exit(1);
	if (sizes.seccomp_notif < sizeof(struct seccomp_notif))
		sizes.seccomp_notif = sizeof(struct seccomp_notif);
	if (sizes.seccomp_notif_resp < sizeof(struct seccomp_notif_resp))
		sizes.seccomp_notif_resp = sizeof(struct seccomp_notif_resp);
	/* The probe: a program we cannot read gets no listener. */
	if ((probe = handover_take(s, program, &mode)) < 0)
		_exit(1);
	close(probe);
	listener = handover_take(s, program, &mode);
	if (listener < 0 || (mode != SUP_FULL && mode != SUP_LEAN && mode != SUP_PATHS))
		_exit(1);
	slow_enable(mode != SUP_LEAN);
	if (mode == SUP_PATHS)
		paths_enable();
	/* The caller and the supervisor hand the CPU to each other directly. */
	(void)ioctl(listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS, flags);
	for (int i = 0; i < WORKERS; i++)
		if (spawn_worker() != 0)
			_exit(1);
	close(s);
	/*
	 * Waiting in poll() on the listener would put this thread on the queue
	 * every notification wakes, before the workers: look once a second.
	 */
	for (;;) {
		struct pollfd p = {listener, 0, 0};

		sleep(1);
		if (poll(&p, 1, 0) > 0 && (p.revents & (POLLHUP | POLLERR | POLLNVAL))) {
			logq_drain(1000); /* the last reports, --learn's records */
			_exit(0);
		}
	}
}
