#define _GNU_SOURCE
#include <errno.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "../bpf/dispatch.h"
#include "install.h"

#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif

/* no_new_privs, then the filter with flags: seccomp()'s result or -errno. */
static long load(const struct bpf_asm *a, unsigned long flags)
{
	struct sock_fprog prog = {.len = (unsigned short)a->len, .filter = a->insns};
	long r;

	if (a->error)
		return a->error;
	if ((r = seccomp_private_table()) != 0)
		return r;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -errno;
	r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
	return r < 0 ? -errno : r;
}

int seccomp_install_listener(const struct bpf_asm *a)
{
	/* With a listener the return value is its fd: thread failures become ESRCH. */
	return (int)load(a, SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_TSYNC_ESRCH |
	                        SECCOMP_FILTER_FLAG_NEW_LISTENER);
}

int seccomp_install(const struct bpf_asm *a)
{
	long r = load(a, SECCOMP_FILTER_FLAG_TSYNC);

	if (r == 0)
		capsicum_trap_note_install();
	if (r > 0)
		return -EBUSY; /* r names the thread that could not be synchronised */
	return (int)r;
}
