/*
 * cap_enter(2), cap_getmode(2), cap_sandboxed(3).
 *
 * Capability mode is one more seccomp filter, installed on every thread at
 * once (TSYNC) and inherited by every child and across exec, like the
 * credential flag FreeBSD sets.  Nothing in the process's memory records
 * the mode: the filter itself answers cap_getmode()'s probe, so a child or
 * a new program image knows it too, and no write to memory can undo it.
 *
 * With a supervisor (supervisor/client.c), the calls it serves -- lookups
 * beneath a directory descriptor, signals to the caller's own process --
 * are left to the listener filter, and the supervisor learns the mode from
 * the hard RLIMIT_RTTIME set here (supervisor/ctl.h).  Without one, the
 * kernel-only configuration of the architecture brief (3): complete on its
 * own, with those calls failing with ECAPMODE.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include <sys/capsicum.h>

#include "../arch/arch.h"
#include "../bpf/dispatch.h"
#include "../lock.h"
#include "../rights/uring.h"
#include "../seccomp/install.h"
#include "../supervisor/client.h"
#include "../supervisor/ctl.h"
#include "compile.h"
#include "landlock.h"
#include "policy.h"

/*
 * chdir(NULL): EFAULT from the kernel, CAPMODE_ANSWER from the filter.  A
 * foreign filter could fake the answer, but only for a process that
 * installed it, and it cannot remove ours.
 */
static bool in_capmode(void)
{
	return syscall(SYS_chdir, NULL) == -1 && errno == CAPMODE_ANSWER;
}

/* Lower the hard RLIMIT_RTTIME to the mark: 0 or -errno. */
static int mark(void)
{
	struct rlimit lim;

	if (syscall(SYS_getrlimit, RLIMIT_RTTIME, &lim) != 0)
		return -errno;
	if (lim.rlim_max <= CAPMODE_MARK)
		return 0;
	lim.rlim_max = CAPMODE_MARK;
	if (lim.rlim_cur > CAPMODE_MARK)
		lim.rlim_cur = CAPMODE_MARK;
	return setrlimit(RLIMIT_RTTIME, &lim) == 0 ? 0 : -errno;
}

/*
 * A /proc/PID/mem descriptor writes through every protection and seal:
 * capability mode could not keep memory fixed (fexecve's path, exec.c),
 * and cannot open one itself.  Refused like an io_uring ring: EBUSY.
 */
static int mem_check(void)
{
	return holds_proc_mem("/proc/self/fd") == 1 ? -EBUSY : 0;
}

int cap_enter(void)
{
	struct bpf_asm a;
	int saved = errno, r, fence = -1;
	unsigned served = 0;

	/*
	 * No shortcut when the probe already says "capability mode": a filter
	 * the process inherited could forge that answer.  Entering again
	 * stacks one more identical filter, which changes nothing but the
	 * instruction budget.
	 */
	capsicum_lock();
	/*
	 * An io_uring ring opened earlier would execute requests no filter
	 * sees; another process sharing the descriptor table could swap files
	 * under the supervisor's checks (checked before the mark, which says
	 * "checked already" to later filters).
	 */
	if ((r = uring_check()) != 0 || (r = mem_check()) != 0 ||
	    (r = seccomp_private_table()) != 0)
		goto out;
	bpf_init(&a);
	if (sup_ensure(SUP_LEAN))
		served = route_served(sup_mode());
	r = capmode_compile(&a, served);
	fence = landlock_prepare();
	/* The mark goes first: the filter refuses changes to it. */
	if (r == 0)
		r = mark();
	if (r == 0)
		r = seccomp_install(&a);
	/* The outer fence, after the filter: a failure here confines nothing less. */
	if (r == 0 && fence >= 0)
		(void)landlock_enforce(fence);
	else if (fence >= 0)
		close(fence);
	bpf_free(&a);
out:
	capsicum_unlock();
	if (r != 0) {
		errno = -r;
		return -1;
	}
	errno = saved;
	return 0;
}

int cap_getmode(unsigned int *modep)
{
	int saved = errno;

	if (modep == NULL) {
		errno = EFAULT;
		return -1;
	}
	*modep = in_capmode();
	errno = saved;
	return 0;
}

bool cap_sandboxed(void)
{
	unsigned int mode;

	return cap_getmode(&mode) == 0 && mode != 0;
}
