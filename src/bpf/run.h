/*
 * Running a filter in user space, for the supervisor: a descriptor that
 * has no rule of its number in the kernel (brief 4, the slow path) is
 * judged by the very program the kernel would run for it, so the two
 * cannot disagree.
 */
#ifndef CAPSICUM_BPF_RUN_H
#define CAPSICUM_BPF_RUN_H

#include <stddef.h>
#include <stdint.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "../internal.h"

/*
 * The action the program returns for d.  An instruction the assembler
 * never emits, a load out of bounds or a jump out of the program gives
 * SECCOMP_RET_KILL_PROCESS: a malformed program allows nothing.
 */
CAPSICUM_HIDDEN uint32_t bpf_run(const struct sock_filter *prog, size_t len,
                                 const struct seccomp_data *d);

#endif
