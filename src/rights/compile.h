/* Building the filters that enforce rights. */
#ifndef CAPSICUM_RIGHTS_COMPILE_H
#define CAPSICUM_RIGHTS_COMPILE_H

#include <linux/seccomp.h>

#include "../bpf/asm.h"
#include "../bpf/dispatch.h"
#include "state.h"

/*
 * The filter for descriptor number fd in state st; with route_lookups,
 * RIGHT_LOOKUP rules are left to the supervisor.  0 or -errno from
 * bpf_finish.
 */
CAPSICUM_HIDDEN int rights_compile(struct bpf_asm *a, int fd, const struct fd_state *st,
                                   bool route_lookups);

#endif
