/* Building the capability-mode filter. */
#ifndef CAPSICUM_CAPMODE_COMPILE_H
#define CAPSICUM_CAPMODE_COMPILE_H

#include "../bpf/asm.h"

/*
 * The capability-mode filter.  route_action is what calls that need the
 * supervisor get: SECCOMP_RET_USER_NOTIF when one listens, or
 * ERRNO(ECAPMODE) in the kernel-only configuration.  0 or -errno.
 */
CAPSICUM_HIDDEN int capmode_compile(struct bpf_asm *a, uint32_t route_action);

#endif
