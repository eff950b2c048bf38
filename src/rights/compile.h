/* Building the filters that enforce rights. */
#ifndef CAPSICUM_RIGHTS_COMPILE_H
#define CAPSICUM_RIGHTS_COMPILE_H

#include <linux/seccomp.h>

#include "../bpf/asm.h"
#include "../bpf/dispatch.h"
#include "state.h"

/*
 * The filter for descriptor number fd in state st; when supervised,
 * RIGHT_LOOKUP and RIGHT_COPY rules are left to the supervisor (it holds
 * the file's state).  0 or -errno from bpf_finish.
 */
CAPSICUM_HIDDEN int rights_compile(struct bpf_asm *a, int fd, const struct fd_state *st,
                                   bool supervised);

/*
 * The supervisor's judgement of call d on descriptor number fd in state
 * st, which has no rule of its number in the kernel: the action the
 * filter for it returns, SECCOMP_RET_KILL_PROCESS if it cannot be built.
 * fdargs: the arguments of d that hold descriptors (bit i: args[i]).
 */
CAPSICUM_HIDDEN uint32_t rights_judge(int fd, const struct fd_state *st,
                                      const struct seccomp_data *d, unsigned fdargs);

#endif
