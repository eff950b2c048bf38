/* Building the capability-mode filter. */
#ifndef CAPSICUM_CAPMODE_COMPILE_H
#define CAPSICUM_CAPMODE_COMPILE_H

#include "../bpf/asm.h"

/*
 * The capability-mode filter.  served is the set of route kinds
 * (1 << RK_*) a supervisor serves: calls it routes are allowed here, so
 * that the listener filter's USER_NOTIF decides them (an ERRNO here would
 * outrank it).  0 is the kernel-only configuration: they fail with
 * ECAPMODE.  0 or -errno.
 */
CAPSICUM_HIDDEN int capmode_compile(struct bpf_asm *a, unsigned served);

#endif
