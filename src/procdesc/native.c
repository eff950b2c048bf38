/*
 * Process descriptors made by the kernel (Linux 7.1): clone3 with
 * CLONE_PIDFD_AUTOKILL gives a pidfd whose last close, in any process
 * holding a copy, sends the child SIGKILL -- FreeBSD's rule, with nothing
 * to emulate.  The kernel asks for CLONE_AUTOREAP with it (the child
 * never becomes a zombie: its status stays readable from the pidfd,
 * PIDFD_INFO_EXIT) and, from a process without CAP_SYS_ADMIN, CLONE_NNP.
 *
 * Used only where it changes nothing a FreeBSD program could see: a
 * process that already has no_new_privs (every process holding a limit or
 * in capability mode has), or one the kernel lets go without it; the
 * child of a process that could still gain privileges by exec would lose
 * that, so such a process keeps the emulation.  Where clone3 is refused
 * (capability mode and limits hide clone3's flags in memory: ENOSYS) or
 * the kernel does not know the flags (EINVAL), the emulation is used too,
 * and the answer is kept for the life of the process.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/vfs.h>

#include <sys/capsicum.h>
#include <sys/procdesc.h>

#include "../rights/state.h"
#include "procdesc.h"

#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#define CLONE_PIDFD_          0x00001000ULL
#define CLONE_AUTOREAP_       (1ULL << 34)
#define CLONE_NNP_            (1ULL << 35)
#define CLONE_PIDFD_AUTOKILL_ (1ULL << 36)

/* struct clone_args as published first (CLONE_ARGS_SIZE_VER0). */
struct clone_args_ {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
};

_Static_assert(sizeof(struct pd_pidfd_info) == 64 &&
                   PD_GET_INFO == _IOWR(0xFF, 11, struct pd_pidfd_info),
               "PD_GET_INFO");
_Static_assert(sizeof(struct clone_args_) == 64, "CLONE_ARGS_SIZE_VER0");

/* 1: the kernel makes process descriptors; -1: it does not, or not for us. */
static int native;

int pd_native_fork(int flags, int *dp)
{
	int nnp = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1, d = -1;
	struct clone_args_ args = {.flags = CLONE_PIDFD_ | CLONE_AUTOREAP_, .pidfd = (uintptr_t)&d};
	long pid;

	if (native < 0)
		return -ENOSYS;
	if (!(flags & PD_DAEMON))
		args.flags |= CLONE_PIDFD_AUTOKILL_ | (nnp ? CLONE_NNP_ : 0);
	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid < 0) {
		switch (errno) {
		case ENOSYS: /* no clone3, or our filters */
		case EINVAL: /* flags this kernel does not know */
		case E2BIG:
			native = -1;
			return -ENOSYS;
		case EPERM: /* AUTOKILL without NNP takes CAP_SYS_ADMIN, which may come */
			return -ENOSYS;
		default:
			return -errno;
		}
	}
	native = 1;
	if (pid > 0)
		*dp = d;
	return (int)pid;
}

/*
 * Whether fd is a pidfd, and its pid.  Asked without a call that fd's
 * rights or capability mode refuse (each would trap under procctl(2)'s
 * PROC_TRAPCAP_CTL): the file system's magic where fstatfs is allowed, the
 * pidfd's own answer where pdwait is, else the kernel's fdinfo outside
 * capability mode.  0, or -errno.
 */
int pd_native_pid(int fd, pid_t *pid)
{
	char path[64], buf[512], *p;
	struct statfs sf;
	struct pd_pidfd_info info = {.mask = PD_INFO_PID};
	unsigned mode = 0;
	ssize_t n;
	int f;

	if (!state_would_trap(fd, CAP_FSTATFS) && fstatfs(fd, &sf) == 0 &&
	    sf.f_type != PD_PIDFS_MAGIC)
		return -EBADF;
	if (!state_would_trap(fd, CAP_PDWAIT)) {
		if (ioctl(fd, PD_GET_INFO, &info) == 0) {
			*pid = (pid_t)info.pid;
			return 0;
		}
		/* Refused by fd's rights, or the child is gone: fdinfo may tell. */
		if (errno != ENOTCAPABLE && errno != ESRCH)
			return -EBADF;
	}
	if (cap_getmode(&mode) != 0 || mode)
		return -ENOTCAPABLE;
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	if ((f = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	n = read(f, buf, sizeof(buf) - 1);
	close(f);
	if (n <= 0)
		return -EBADF;
	buf[n] = '\0';
	if ((p = strstr(buf, "\nPid:\t")) == NULL)
		return -EBADF;
	*pid = (pid_t)strtol(p + 6, NULL, 10);
	return *pid > 0 ? 0 : -ESRCH;
}

/*
 * The child's exit, once the kernel has released it: 1 and its wait(2)
 * status, 0 if it still runs, or -errno.  POLLHUP on a pidfd comes only
 * after the exit status is recorded (pidfs).
 */
int pd_native_exit(int fd, int block_ms, int *status)
{
	struct pollfd pf = {fd, 0, 0};
	struct pd_pidfd_info info = {.mask = PD_INFO_EXIT};
	int r;

	do
		r = poll(&pf, 1, block_ms);
	while (r < 0 && errno == EINTR && block_ms < 0);
	if (r < 0)
		return -errno;
	if (pf.revents & POLLNVAL)
		return -EBADF;
	if (r == 0 || !(pf.revents & POLLHUP))
		return 0;
	if (ioctl(fd, PD_GET_INFO, &info) != 0)
		return -errno;
	if (!(info.mask & PD_INFO_EXIT))
		return -ECHILD;
	*status = info.exit_code;
	return 1;
}
