/*
 * pdfork(2): a child named by a descriptor (procdesc.h).
 *
 * Where the kernel makes process descriptors (native.c) the descriptor is
 * its pidfd.  Elsewhere the child is made by a raw clone(CLONE_PIDFD)
 * with no exit signal: glibc's fork() would give it SIGCHLD, and nothing
 * else gives a child that wait(-1) does not see.  Either way
 * pthread_atfork handlers do not run, and in a multithreaded program the
 * child may use only async-signal-safe functions until it calls exec, as
 * POSIX says of fork() (DEVIATIONS.md).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include <sys/capsicum.h>
#include <sys/procdesc.h>

#include "../lock.h"
#include "../supervisor/client.h"
#include "procdesc.h"

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif

/* Where the child keeps C: out of the way of the numbers programs dup2 onto. */
#define C_FLOOR 1000

/*
 * glibc keeps each thread's ID in its thread descriptor and fork() updates
 * it in the child; a raw clone does not, and locks taken in the child
 * would carry the parent's ID.  The slot is found once, as the only word
 * of the descriptor's first 2 KiB that holds the thread's ID; if there is
 * not exactly one, the child is left as it is.
 */
static pid_t *tid_slot(void)
{
	char *self = (char *)pthread_self();
	pid_t tid = (pid_t)syscall(SYS_gettid), *found = NULL;

	for (size_t off = 0; off < 2048; off += sizeof(pid_t)) {
		pid_t v;

		memcpy(&v, self + off, sizeof(v));
		if (v != tid)
			continue;
		if (found)
			return NULL;
		found = (pid_t *)(void *)(self + off);
	}
	return found;
}

/*
 * This process's own end, when it is a child of pdfork: its children must
 * not inherit it, or the creator would see POLLHUP only when the last of
 * them exits.  Children made by fork() in this program image close it;
 * after exec the end is inherited like any descriptor (DEVIATIONS.md).
 */
static int own_end = -1;
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

static void close_own_end(void)
{
	if (own_end >= 0) {
		close(own_end);
		own_end = -1;
	}
}

static void register_atfork(void)
{
	(void)pthread_atfork(NULL, NULL, close_own_end);
}

/* In any child of pdfork: what the clone left of the parent's threads. */
static void child_reset(pid_t *slot)
{
	if (slot)
		*slot = (pid_t)syscall(SYS_gettid);
	capsicum_lock_reset();
	pd_child_reset();
	close_own_end(); /* the end of the process that made us, if emulated */
}

/*
 * In the child: keep C across exec, and arm it so that the last close of
 * D kills this process.  A child that cannot arm itself must not run.
 */
static void child(int d, int c, int flags, pid_t *slot)
{
	int fl, k;

	child_reset(slot);
	close(d);
	k = fcntl(c, F_DUPFD, C_FLOOR);
	if (k < 0)
		k = fcntl(c, F_DUPFD, 3);
	if (k < 0)
		raise(SIGKILL);
	close(c);
	own_end = k;
	if (!(flags & PD_DAEMON)) {
		struct pollfd pf = {k, POLLHUP, 0};

		/* The owner first: capability mode lets only the owner's signal be chosen. */
		if (fcntl(k, F_SETOWN, getpid()) != 0 || fcntl(k, F_SETSIG, SIGKILL) != 0 ||
		    (fl = fcntl(k, F_GETFL)) < 0 || fcntl(k, F_SETFL, fl | O_ASYNC) != 0)
			raise(SIGKILL);
		/* D closed before C was armed: no event will come. */
		if (poll(&pf, 1, 0) != 0)
			raise(SIGKILL);
	}
	sup_child();
}

static int fail(int d, int c, int err)
{
	close(d);
	close(c);
	errno = err;
	return -1;
}

/*
 * The kernel's process descriptor: the child's pid, 0 in the child,
 * -ENOSYS where it cannot be had (the emulation then), or -errno.
 */
static int native_pdfork(int *fdp, int flags)
{
	int d = -1, err = 0;
	pid_t *slot;
	int pid;

	capsicum_lock();
	pd_lock();
	slot = tid_slot();
	pid = pd_native_fork(flags, &d);
	if (pid == 0) {
		child_reset(slot);
		sup_child();
		return 0;
	}
	pd_unlock();
	capsicum_unlock();
	if (pid < 0)
		return pid;
	/* The kernel's pidfd is close-on-exec. */
	if (!(flags & PD_CLOEXEC) && fcntl(d, F_SETFD, 0) != 0)
		err = -errno;
	if (err == 0)
		err = pd_add(d, pid, -1, true);
	if (err != 0) {
		close(d); /* kills the child, which reaps itself */
		return err == -ENOSYS ? -ENOMEM : err;
	}
	*fdp = d;
	return pid;
}

pid_t pdfork(int *fdp, int flags)
{
	int sv[2], pidfd = -1, mark = PD_MARK, err;
	unsigned mode = 0;
	pid_t *slot;
	long pid;

	if (flags & ~PD_ALLOWED_AT_FORK) {
		errno = EINVAL;
		return -1;
	}
	if (fdp == NULL) {
		errno = EFAULT;
		return -1;
	}
	/* FreeBSD: a daemon child cannot be made in capability mode. */
	if ((flags & PD_DAEMON) && cap_getmode(&mode) == 0 && mode) {
		errno = ECAPMODE;
		return -1;
	}
	pthread_once(&atfork_once, register_atfork);
	pd_sweep();
	if ((pid = native_pdfork(fdp, flags)) != -ENOSYS) {
		if (pid >= 0)
			return (pid_t)pid;
		errno = (int)-pid;
		return -1;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		return -1;
	/*
	 * D is shut for writing (nothing but the hang-up ever reaches C) and
	 * marked.  C's owner must be settable: in capability mode without a
	 * supervisor it is not, and the child could not be armed.
	 */
	if (setsockopt(sv[0], SOL_SOCKET, SO_PEEK_OFF, &mark, sizeof(mark)) != 0 ||
	    shutdown(sv[0], SHUT_WR) != 0 || fcntl(sv[1], F_SETOWN, getpid()) != 0)
		return fail(sv[0], sv[1], errno);
	capsicum_lock();
	pd_lock();
	slot = tid_slot();
	pid = syscall(SYS_clone, CLONE_PIDFD, 0L, &pidfd, 0L, 0L);
	if (pid == 0) {
		child(sv[0], sv[1], flags, slot);
		return 0;
	}
	err = errno;
	pd_unlock();
	capsicum_unlock();
	if (pid < 0)
		return fail(sv[0], sv[1], err);
	close(sv[1]);
	err = setsockopt(sv[0], SOL_SOCKET, SO_RCVLOWAT, &(int){(int)pid}, sizeof(int)) != 0 ? errno
	                                                                                     : 0;
	if (err == 0 && !(flags & PD_CLOEXEC) && fcntl(sv[0], F_SETFD, 0) != 0)
		err = errno;
	if (err == 0)
		err = -pd_add(sv[0], (pid_t)pid, pidfd, false);
	if (err != 0) {
		/* Closing D kills the child; reap it. */
		close(sv[0]);
		(void)syscall(SYS_waitid, PD_P_PIDFD, pidfd, NULL, WEXITED | __WALL, NULL);
		close(pidfd);
		errno = err;
		return -1;
	}
	*fdp = sv[0];
	return (pid_t)pid;
}
