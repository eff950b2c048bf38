/*
 * procctl(2) for PROC_TRAPCAP_CTL: capability failures trap.
 *
 * FreeBSD delivers SIGTRAP (TRAP_CAP) at each ENOTCAPABLE or ECAPMODE.  A
 * seccomp filter can only trap with SIGSYS: SECCOMP_RET_TRAP, whose
 * siginfo carries the call (si_syscall) and the error (si_errno).  So
 * while trapping is on, the filters this process installs (rights limits,
 * capability mode) trap where they would fail, and the supervisor sends
 * SIGSYS to a thread whose request it refuses so.  Filters already
 * installed cannot change: they keep failing quietly, and once a trapping
 * filter is in, trapping cannot be turned off (EBUSY).  DEVIATIONS.md.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <unistd.h>
#include <sys/prctl.h>

#include <sys/capsicum.h>
#include <sys/procctl.h>

#include "../bpf/dispatch.h"
#include "../lock.h"
#include "../supervisor/client.h"

int procctl(idtype_t idtype, id_t id, int cmd, void *data)
{
	int *arg = data, r = 0;

	if (cmd != PROC_TRAPCAP_CTL && cmd != PROC_TRAPCAP_STATUS) {
		errno = EINVAL;
		return -1;
	}
	if (cap_sandboxed()) {
		errno = ECAPMODE;
		return -1;
	}
	/* Only the caller: another process's filters are out of reach. */
	if (idtype != P_PID || (id != 0 && id != (id_t)getpid())) {
		errno = idtype == P_PID ? EPERM : EINVAL;
		return -1;
	}
	if (arg == NULL) {
		errno = EFAULT;
		return -1;
	}
	capsicum_lock();
	if (cmd == PROC_TRAPCAP_STATUS) {
		*arg = capsicum_trapping() ? PROC_TRAPCAP_CTL_ENABLE : PROC_TRAPCAP_CTL_DISABLE;
	} else if (*arg == PROC_TRAPCAP_CTL_ENABLE) {
		capsicum_trap_filters(true);
		sup_trap(true);
	} else if (*arg == PROC_TRAPCAP_CTL_DISABLE) {
		r = capsicum_trap_installed() ? -EBUSY : 0;
		if (r == 0) {
			capsicum_trap_filters(false);
			sup_trap(false);
		}
	} else {
		r = -EINVAL;
	}
	capsicum_unlock();
	if (r != 0) {
		errno = -r;
		return -1;
	}
	return 0;
}
