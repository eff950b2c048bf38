#define _GNU_SOURCE
#include <errno.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "install.h"

#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif

int seccomp_install_listener(const struct bpf_asm *a)
{
	struct sock_fprog prog = {.len = (unsigned short)a->len, .filter = a->insns};
	long r;

	if (a->error)
		return a->error;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -errno;
	/* With a listener the return value is its fd: thread failures become ESRCH. */
	r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
	            SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_TSYNC_ESRCH |
	                SECCOMP_FILTER_FLAG_NEW_LISTENER,
	            &prog);
	return r < 0 ? -errno : (int)r;
}

int seccomp_install(const struct bpf_asm *a)
{
	struct sock_fprog prog = {.len = (unsigned short)a->len, .filter = a->insns};
	long r;

	if (a->error)
		return a->error;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -errno;
	r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &prog);
	if (r > 0)
		return -EBUSY; /* r names the thread that could not be synchronised */
	if (r < 0)
		return -errno;
	return 0;
}
