/* pdgetpid, pdkill, pdwait4, pdwait (procdesc.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <sys/capsicum.h>
#include <sys/procdesc.h>

#include "procdesc.h"

/*
 * FreeBSD's order: the right first (ENOTCAPABLE, EBADF if fd is not
 * open), then the type (EBADF for anything but a process descriptor).
 */
static int get(int fd, uint64_t right, struct pd *p)
{
	cap_rights_t r;

	if (cap_rights_get(fd, &r) != 0)
		return -errno;
	if (!cap_rights_is_set(&r, right))
		return -ENOTCAPABLE;
	return pd_lookup(fd, p) ? 0 : -EBADF;
}

static int fail(int err)
{
	errno = -err;
	return -1;
}

int pdgetpid(int fd, pid_t *pidp)
{
	struct pd p;
	int r = get(fd, CAP_PDGETPID, &p);

	if (r != 0)
		return fail(r);
	*pidp = p.pid;
	return 0;
}

/*
 * A descriptor this process did not make (it came by exec or SCM_RIGHTS)
 * has no pidfd of ours: open one by pid, and check again that the process
 * it names holds the child's end (pd_verify): the pid may have been reused
 * between the lookup and the open.
 */
static int open_pidfd(const struct pd *p)
{
	int pidfd = (int)syscall(SYS_pidfd_open, p->pid, 0);

	if (pidfd < 0)
		return -errno;
	if (!pd_verify(p->fd, p->pid)) {
		close(pidfd);
		return -ESRCH;
	}
	return pidfd;
}

int pdkill(int fd, int signum)
{
	struct pd p;
	int r = get(fd, CAP_PDKILL, &p), pidfd;

	if (r != 0)
		return fail(r);
	if (signum < 0 || signum >= NSIG)
		return fail(-EINVAL);
	/* The kernel's descriptor is the pidfd: its own rule asks for CAP_PDKILL. */
	if (p.native)
		return syscall(SYS_pidfd_send_signal, fd, signum, NULL, 0) == 0 ? 0 : -1;
	pidfd = p.pidfd >= 0 ? p.pidfd : open_pidfd(&p);
	if (pidfd < 0)
		return fail(pidfd);
	r = (int)syscall(SYS_pidfd_send_signal, pidfd, signum, NULL, 0) == 0 ? 0 : -errno;
	if (p.pidfd < 0)
		close(pidfd);
	return r == 0 ? 0 : fail(r);
}

/* A waitid report of an exit from its wait(2) status. */
static void exit_report(siginfo_t *si, pid_t pid, int status)
{
	si->si_signo = SIGCHLD;
	si->si_pid = pid;
	if (WIFEXITED(status)) {
		si->si_code = CLD_EXITED;
		si->si_status = WEXITSTATUS(status);
	} else {
		si->si_code = WCOREDUMP(status) ? CLD_DUMPED : CLD_KILLED;
		si->si_status = WTERMSIG(status);
	}
}

/* How long a wait for stops sleeps between looks at the pidfd. */
#define STOP_POLL_MS 20

/*
 * The kernel's child reaps itself at its exit, and its status stays with
 * the pidfd; waitid sees it only while it runs (stops, continues), and
 * would not wake at its exit: a wait for both looks in turn.
 */
static int wait_native(const struct pd *p, siginfo_t *si, int options, struct rusage *ru)
{
	int status = 0, r, stops = options & (WSTOPPED | WCONTINUED);

	if (!(options & WEXITED) && !stops)
		return -EINVAL;
	if (p->reaped)
		return -ECHILD;
	for (;;) {
		if (stops) {
			r = (int)syscall(SYS_waitid, PD_P_PIDFD, p->fd, si,
			                 stops | WNOHANG | (options & WNOWAIT) | __WALL, ru);
			if (r == 0 && si->si_pid != 0)
				return 0;
			/* ECHILD once it is gone: then only its exit may be left. */
			if (r != 0 && (errno != ECHILD || !(options & WEXITED)))
				return -errno;
		}
		if (options & WEXITED) {
			if ((r = pd_native_exit(p->fd, 0, &status)) < 0)
				return r;
			if (r == 1) {
				exit_report(si, p->pid, status);
				if (!(options & WNOWAIT))
					pd_reaped(p->pid);
				return 0;
			}
		}
		if (options & WNOHANG)
			return 0;
		if ((r = pd_native_exit(p->fd, stops ? STOP_POLL_MS : -1, &status)) < 0)
			return r;
	}
}

/* waitid on the child: the pidfd when ours, else the pid (ECHILD unless our child). */
static int wait_child(const struct pd *p, siginfo_t *si, int options, struct rusage *ru)
{
	long r;

	memset(si, 0, sizeof(*si));
	if (p->native)
		return wait_native(p, si, options, ru);
	if (p->pidfd >= 0)
		r = syscall(SYS_waitid, PD_P_PIDFD, p->pidfd, si, options | __WALL, ru);
	else
		r = syscall(SYS_waitid, P_PID, p->pid, si, options | __WALL, ru);
	if (r != 0)
		return -errno;
	if (si->si_pid != 0 && !(options & WNOWAIT) &&
	    (si->si_code == CLD_EXITED || si->si_code == CLD_KILLED || si->si_code == CLD_DUMPED))
		pd_reaped(p->pid);
	return 0;
}

/* A wait(2) status from waitid's report. */
static int status_of(const siginfo_t *si)
{
	switch (si->si_code) {
	case CLD_EXITED:
		return (si->si_status & 0xff) << 8;
	case CLD_KILLED:
		return si->si_status & 0x7f;
	case CLD_DUMPED:
		return (si->si_status & 0x7f) | 0x80;
	case CLD_STOPPED:
	case CLD_TRAPPED:
		return ((si->si_status & 0xff) << 8) | 0x7f;
	case CLD_CONTINUED:
		return 0xffff;
	default:
		return 0;
	}
}

pid_t pdwait4(int fd, int *status, int options, struct rusage *rusage)
{
	struct pd p;
	siginfo_t si;
	int r = get(fd, CAP_PDWAIT, &p);

	if (r != 0)
		return fail(r);
	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED))
		return fail(-EINVAL);
	if (rusage)
		memset(rusage, 0, sizeof(*rusage));
	if ((r = wait_child(&p, &si, WEXITED | options, rusage)) != 0)
		return fail(r);
	if (si.si_pid != 0 && status)
		*status = status_of(&si);
	return si.si_pid;
}

int pdwait(int fd, int *status, int options, struct __wrusage *wrusage, siginfo_t *info)
{
	struct pd p;
	siginfo_t si;
	int r = get(fd, CAP_PDWAIT, &p);

	if (r != 0)
		return fail(r);
	if (options & ~(WNOHANG | WUNTRACED | WEXITED | WCONTINUED | WNOWAIT))
		return fail(-EINVAL);
	if (wrusage)
		memset(wrusage, 0, sizeof(*wrusage));
	if ((r = wait_child(&p, &si, options, wrusage ? &wrusage->wru_self : NULL)) != 0)
		return fail(r);
	if (info)
		*info = si;
	if (si.si_pid != 0 && status)
		*status = status_of(&si);
	return si.si_pid;
}
